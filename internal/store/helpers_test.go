package store_test

import (
	"errors"

	"github.com/vectoros/vectoros/internal/domain"
)

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }
