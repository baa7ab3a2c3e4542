package store

import (
	"encoding/base64"
	"encoding/json"

	"github.com/vectoros/vectoros/internal/domain"
)

// cursor is an opaque keyset position: the sort value and id of the last
// row of a page. Keyset (not offset) pagination keeps pages stable while
// rows are inserted.
type cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"`
	ID    string `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
		Fields: []domain.FieldError{{Field: "cursor", Message: "is not a cursor from this list"}}}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" || c.Sort != sort {
		return nil, bad
	}
	return &c, nil
}

// clampLimit applies the default and maximum page size.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}
