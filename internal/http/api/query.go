package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

// Query parameters are checked like body fields: unknown names are refused
// (a typo must not silently widen a list), and every bad value is reported.

// checkQuery refuses parameters the route does not document.
func checkQuery(r *http.Request, params []param) error {
	var v domain.Validation
	for name := range r.URL.Query() {
		if !slices.ContainsFunc(params, func(p param) bool { return p.name == name }) {
			v.Add(name, "is not a query parameter of this route")
		}
	}
	return v.Err()
}

// query reads validated query parameters, collecting problems.
type query struct {
	r *http.Request
	v domain.Validation
}

func (q *query) str(name string) string { return strings.TrimSpace(q.r.URL.Query().Get(name)) }

// oneOf returns the parameter when it is one of allowed (or empty).
func (q *query) oneOf(name string, allowed ...string) string {
	s := q.str(name)
	if s != "" && !slices.Contains(allowed, s) {
		q.v.Add(name, "must be one of %s", strings.Join(allowed, ", "))
	}
	return s
}

// limit returns the page size: 1–200, default 50.
func (q *query) limit() int {
	s := q.str("limit")
	if s == "" {
		return 50
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 200 {
		q.v.Add("limit", "must be a whole number from 1 to 200")
	}
	return n
}

func (q *query) err() error { return q.v.Err() }

// Documented parameters shared by lists.
var (
	limitParam  = param{name: "limit", desc: "page size, 1–200 (default 50)"}
	cursorParam = param{name: "cursor", desc: "next_cursor of the previous page"}
)
