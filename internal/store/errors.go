package store

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vectoros/vectoros/internal/domain"
)

// mapErr turns driver errors into domain kinds so callers never see driver
// types: unique violations are conflicts, foreign-key violations invalid.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &domain.Error{Kind: domain.KindConflict, Message: "already exists", Err: err}
		case "23503":
			return &domain.Error{Kind: domain.KindInvalid, Message: "refers to something that does not exist", Err: err}
		case "40001", "40P01":
			return &domain.Error{Kind: domain.KindUnavailable, Message: "the database is busy, try again", Err: err}
		}
		return err
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &domain.Error{Kind: domain.KindConflict, Message: "already exists", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &domain.Error{Kind: domain.KindInvalid, Message: "refers to something that does not exist", Err: err}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &domain.Error{Kind: domain.KindUnavailable, Message: "the database is busy, try again", Err: err}
		}
	}
	return err
}

func notFound(what string) error { return domain.ErrNotFound(what) }

// rowErr maps sql.ErrNoRows to a not-found domain error.
func rowErr(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	return mapErr(err)
}
