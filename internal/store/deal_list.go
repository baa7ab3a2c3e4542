package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// dealSort describes one allow-listed sort key: its SQL expression (NULLs
// folded to a sentinel so keyset comparisons work) and how a cursor value
// becomes a query parameter.
type dealSort struct {
	expr  func(d Dialect) string
	value func(domain.Deal) string
	param func(string) (any, error)
}

var dealSorts = map[string]dealSort{
	"created_at": {func(Dialect) string { return "created_at" }, func(d domain.Deal) string { return d.CreatedAt.Format(time.RFC3339Nano) }, timeParam},
	"updated_at": {func(Dialect) string { return "updated_at" }, func(d domain.Deal) string { return d.UpdatedAt.Format(time.RFC3339Nano) }, timeParam},
	"value": {func(Dialect) string { return "COALESCE(value, -1)" }, func(d domain.Deal) string {
		if d.Value == nil {
			return "-1"
		}
		return strconv.FormatInt(*d.Value, 10)
	}, intParam},
	"probability": {func(Dialect) string { return "COALESCE(probability, -1)" }, func(d domain.Deal) string {
		if d.Probability == nil {
			return "-1"
		}
		return strconv.Itoa(*d.Probability)
	}, intParam},
	"close_date": {func(dl Dialect) string {
		if dl == Postgres {
			return "COALESCE(close_date, DATE '9999-12-31')"
		}
		return "COALESCE(close_date, '9999-12-31')"
	}, func(d domain.Deal) string {
		if d.CloseDate == nil {
			return "9999-12-31"
		}
		return d.CloseDate.String()
	}, func(s string) (any, error) { _, err := domain.ParseDate(s); return s, err }},
	"title": {func(Dialect) string { return "LOWER(title)" }, func(d domain.Deal) string { return strings.ToLower(d.Title) },
		func(s string) (any, error) { return s, nil }},
}

func timeParam(s string) (any, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return ts(t), err
}

func intParam(s string) (any, error) { return strconv.ParseInt(s, 10, 64) }

// ListDeals returns a page of a workspace's deals and the cursor of the next
// page ("" on the last). Sort is a DealSorts key, "-" prefixed for descending;
// the default is newest first.
func (s *Store) ListDeals(ctx context.Context, workspaceID string, f domain.DealFilter) ([]domain.Deal, string, error) {
	sortKey := f.Sort
	if sortKey == "" {
		sortKey = "-created_at"
	}
	desc := strings.HasPrefix(sortKey, "-")
	srt, ok := dealSorts[strings.TrimPrefix(sortKey, "-")]
	if !ok {
		return nil, "", &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
			Fields: []domain.FieldError{{Field: "sort", Message: "must be one of " + strings.Join(domain.DealSorts, ", ") + " (prefix - for descending)"}}}
	}
	cur, err := decodeCursor(f.Cursor, sortKey)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	where := []string{"workspace_id = $1"}
	args := []any{workspaceID}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Stage != "" {
		where = append(where, "stage = "+arg(f.Stage))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(string(f.Status)))
	}
	if f.OwnerID != "" {
		where = append(where, "owner_id = "+arg(f.OwnerID))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + escapeLike(strings.ToLower(q)) + "%")
		where = append(where, fmt.Sprintf(`(LOWER(title) LIKE %[1]s ESCAPE '\' OR LOWER(company) LIKE %[1]s ESCAPE '\' OR LOWER(contact_name) LIKE %[1]s ESCAPE '\')`, p))
	}
	expr := srt.expr(s.dialect)
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	if cur != nil {
		v, err := srt.param(cur.Value)
		if err != nil {
			return nil, "", &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
				Fields: []domain.FieldError{{Field: "cursor", Message: "is not a cursor from this list"}}}
		}
		pv, pid := arg(v), arg(cur.ID)
		where = append(where, fmt.Sprintf("(%[1]s %[2]s %[3]s OR (%[1]s = %[3]s AND id %[2]s %[4]s))", expr, cmp, pv, pid))
	}
	query := fmt.Sprintf(`SELECT %s FROM deals WHERE %s ORDER BY %s %s, id %s LIMIT %d`,
		dealCols, strings.Join(where, " AND "), expr, dir, dir, limit+1)
	rows, err := s.q.query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list deals: %w", err)
	}
	defer rows.Close()
	var out []domain.Deal
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list deals: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list deals: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = encodeCursor(cursor{Sort: sortKey, Value: srt.value(last), ID: last.ID})
	}
	return out, next, nil
}

// ValidDealSort reports whether a sort key is allowed.
func ValidDealSort(s string) bool {
	return slices.Contains(domain.DealSorts, strings.TrimPrefix(s, "-"))
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
