package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Reconciliation: the monitor reads the open insights of a workspace once,
// decides what changes (internal/monitor), and writes the changes here in
// short transactions. Every change the run makes to a status is conditional
// on the status it read, so a user's response that lands meanwhile wins.

// InsightState is what reconciliation needs to know of an open insight.
type InsightState struct {
	ID                  string
	DealID              string
	Rule                string
	Fingerprint         string
	Priority            domain.Priority
	MaxPriorityNotified int // a priority rank
	Status              domain.InsightStatus
	SnoozedUntil        *time.Time
	EvidenceJSON        string // as stored, compared with domain.EvidenceJSON
	NarrationKey        string
}

// OpenInsightStates returns every open (not resolved) insight of the
// workspace in one query.
func (s *Store) OpenInsightStates(ctx context.Context, workspaceID string) ([]InsightState, error) {
	return s.insightStates(ctx, `SELECT `+insightStateCols+` FROM insights WHERE workspace_id = $1 AND status <> 'resolved'`, workspaceID)
}

func (s *Store) insightStates(ctx context.Context, query string, args ...any) ([]InsightState, error) {
	rows, err := s.q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: open insights: %w", err)
	}
	defer rows.Close()
	var out []InsightState
	for rows.Next() {
		var st InsightState
		if err := rows.Scan(&st.ID, &st.DealID, &st.Rule, &st.Fingerprint, &st.Priority, &st.MaxPriorityNotified,
			&st.Status, nullTimeScan{&st.SnoozedUntil}, &st.EvidenceJSON, &st.NarrationKey); err != nil {
			return nil, fmt.Errorf("store: open insights: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open insights: %w", err)
	}
	return out, nil
}

// InsightContent is a finding as persisted: the rule's facts with their
// wording.
type InsightContent struct {
	Finding      domain.Finding
	Title        string
	Description  string
	Actions      []domain.Action // the finding's actions with worded titles
	Narrator     string
	NarrationKey string
	// EvidenceJSON and ActionsJSON, when set, are domain.EvidenceJSON of
	// the finding's evidence and domain.ActionsJSON of Actions, encoded
	// ahead of the transaction (the monitor does it while it writes the
	// previous chunk); empty means encode them here.
	EvidenceJSON, ActionsJSON string
}

func (c *InsightContent) evidenceJSON() string {
	if c.EvidenceJSON != "" {
		return c.EvidenceJSON
	}
	return domain.EvidenceJSON(c.Finding.Evidence)
}

func (c *InsightContent) actionsJSON() string {
	if c.ActionsJSON != "" {
		return c.ActionsJSON
	}
	return domain.ActionsJSON(c.Actions)
}

// InsightUpdate changes an open insight if its status is still ExpectStatus.
type InsightUpdate struct {
	ID                  string
	ExpectStatus        domain.InsightStatus
	Status              domain.InsightStatus
	SnoozedUntil        *time.Time // kept only while Status is snoozed
	MaxPriorityNotified int
	Content             *InsightContent // nil: only the status changes
}

// InsightResolve resolves an open insight if its status is still ExpectStatus.
type InsightResolve struct {
	ID           string
	ExpectStatus domain.InsightStatus
}

// ReconcileBatch is the changes of at most a few hundred deals, written in
// one transaction.
type ReconcileBatch struct {
	Creates  []InsightContent
	Updates  []InsightUpdate
	Resolves []InsightResolve
}

// ReconcileResult says which changes were applied: a create is skipped when
// an open insight of its fingerprint appeared meanwhile (the partial unique
// index is the backstop) or its deal is no longer open; an update or resolve
// is skipped when the status changed since it was read.
type ReconcileResult struct {
	Created, Updated, Resolved int
	CreateApplied              []bool // by index of ReconcileBatch.Creates
	UpdateApplied              []bool // by index of ReconcileBatch.Updates
}

// Skipped counts the changes that were not applied.
func (r ReconcileResult) Skipped(b ReconcileBatch) int {
	return len(b.Creates) + len(b.Updates) + len(b.Resolves) - r.Created - r.Updated - r.Resolved
}

// insightInsertRows is how many insights one INSERT statement carries: a
// first run creates thousands, and a round trip per row dominates on
// PostgreSQL.
const insightInsertRows = 100

// insertInsights builds a multi-row insert of rows insights. A row whose
// fingerprint already has an open insight is skipped by the partial unique
// index and not returned.
//
// On PostgreSQL $1 is the workspace, $2 the time, then insightInsertCols
// parameters a row. SQLite looks up the name of every $N parameter it binds
// by a linear search of the statement's names, which made binding a
// 100-row statement quadratic; anonymous ? parameters have no name, so on
// SQLite every row carries its own workspace and times (insightInsertColsQ).
func insertInsights(rows int, dialect Dialect) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title, description, priority,
	priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, snoozed_until, narrator,
	narration_key, tokens_in, tokens_out, cost_usd, first_seen_at, resolved_at, created_at, updated_at) VALUES `)
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		if dialect == SQLite {
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'new',NULL,?,?,0,0,0,?,NULL,?,?)")
			continue
		}
		p := func(k int) string { return "$" + strconv.Itoa(3+r*insightInsertCols+k) }
		fmt.Fprintf(&b, "(%s,$1,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,'new',NULL,%s,%s,0,0,0,$2,NULL,$2,$2)",
			p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(8), p(9), p(10), p(11), p(12), p(13), p(14))
	}
	b.WriteString(` ON CONFLICT (workspace_id, fingerprint) WHERE status <> 'resolved' DO NOTHING RETURNING fingerprint`)
	return b.String()
}

// insightInsertCols is the number of per-row parameters of insertInsights
// on PostgreSQL; insightInsertColsQ on SQLite.
const (
	insightInsertCols  = 15
	insightInsertColsQ = 20
)

const updateInsight = `UPDATE insights SET status = $1, snoozed_until = $2, max_priority_notified = $3, type = $4, title = $5,
	description = $6, priority = $7, priority_rank = $8, severity = $9, confidence = $10, evidence = $11, actions = $12,
	narrator = $13, narration_key = $14, updated_at = $15
	WHERE id = $16 AND workspace_id = $17 AND status = $18`

const updateInsightStatus = `UPDATE insights SET status = $1, snoozed_until = $2, max_priority_notified = $3, updated_at = $4
	WHERE id = $5 AND workspace_id = $6 AND status = $7`

// max_priority_notified resets on resolve: a later insight of the same
// fingerprint is a new row that notifies afresh.
const resolveInsight = `UPDATE insights SET status = 'resolved', resolved_at = $1, snoozed_until = NULL,
	max_priority_notified = 0, updated_at = $1 WHERE id = $2 AND workspace_id = $3 AND status = $4`

// ApplyReconcile writes one batch in one transaction.
func (s *Store) ApplyReconcile(ctx context.Context, workspaceID string, b ReconcileBatch) (ReconcileResult, error) {
	now := s.Now()
	res := ReconcileResult{CreateApplied: make([]bool, len(b.Creates)), UpdateApplied: make([]bool, len(b.Updates))}
	err := s.inSQLTx(ctx, func(tx *sql.Tx, q runner) error {
		res.Created, res.Updated, res.Resolved = 0, 0, 0
		if len(b.Creates) > 0 {
			if err := s.createInsights(ctx, tx, q, workspaceID, now, b.Creates, &res); err != nil {
				return err
			}
		}
		if len(b.Updates) > 0 {
			full, err := prepare(ctx, tx, s.log, updateInsight)
			if err != nil {
				return err
			}
			defer full.close()
			status, err := prepare(ctx, tx, s.log, updateInsightStatus)
			if err != nil {
				return err
			}
			defer status.close()
			for i, u := range b.Updates {
				until := any(nil)
				if u.Status == domain.StatusSnoozed {
					until = tsp(u.SnoozedUntil)
				}
				var n int64
				if c := u.Content; c != nil {
					f := c.Finding
					n, err = full.exec(ctx, u.Status, until, u.MaxPriorityNotified, f.Type, c.Title, c.Description, f.Priority,
						f.Priority.Rank(), f.Severity, f.Confidence, c.evidenceJSON(), c.actionsJSON(),
						c.Narrator, c.NarrationKey, ts(now), u.ID, workspaceID, u.ExpectStatus)
				} else {
					n, err = status.exec(ctx, u.Status, until, u.MaxPriorityNotified, ts(now), u.ID, workspaceID, u.ExpectStatus)
				}
				if err != nil {
					return fmt.Errorf("update insight %s: %w", u.ID, err)
				}
				res.UpdateApplied[i] = n == 1
				res.Updated += int(n)
			}
		}
		if len(b.Resolves) > 0 {
			st, err := prepare(ctx, tx, s.log, resolveInsight)
			if err != nil {
				return err
			}
			defer st.close()
			for _, r := range b.Resolves {
				n, err := st.exec(ctx, ts(now), r.ID, workspaceID, r.ExpectStatus)
				if err != nil {
					return fmt.Errorf("resolve insight %s: %w", r.ID, err)
				}
				res.Resolved += int(n)
			}
		}
		return nil
	})
	if err != nil {
		return ReconcileResult{}, fmt.Errorf("store: reconcile: %w", err)
	}
	return res, nil
}

// createInsights inserts the creates whose deal is still open, a chunk
// per statement (the full-size statement prepared once), and marks which
// were inserted.
func (s *Store) createInsights(ctx context.Context, tx *sql.Tx, q runner, workspaceID string, now time.Time,
	creates []InsightContent, res *ReconcileResult) error {
	open, err := s.openDealIDs(ctx, q, workspaceID, creates)
	if err != nil {
		return err
	}
	var idx []int // creates whose deal is still open: nothing to warn about otherwise
	for i, c := range creates {
		if open[c.Finding.DealID] {
			idx = append(idx, i)
		}
	}
	per := insightInsertRows
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	for start := 0; start < len(idx); start += per {
		chunk := idx[start:min(start+per, len(idx))]
		var args []any
		if s.dialect == SQLite {
			args = make([]any, 0, len(chunk)*insightInsertColsQ)
		} else {
			args = make([]any, 0, 2+len(chunk)*insightInsertCols)
			args = append(args, workspaceID, ts(now))
		}
		at := s.insertTime(now)
		for _, i := range chunk {
			c := creates[i]
			f := c.Finding
			rank := f.Priority.Rank()
			if s.dialect == SQLite {
				args = append(args, newID(), workspaceID, f.DealID, f.Rule, f.Fingerprint(), f.Type, c.Title, c.Description,
					f.Priority, rank, rank, f.Severity, f.Confidence, c.evidenceJSON(), c.actionsJSON(),
					c.Narrator, c.NarrationKey, at, at, at)
				continue
			}
			args = append(args, newID(), f.DealID, f.Rule, f.Fingerprint(), f.Type, c.Title, c.Description, f.Priority,
				rank, f.Severity, f.Confidence, c.evidenceJSON(), c.actionsJSON(),
				c.Narrator, c.NarrationKey)
		}
		var rows *sql.Rows
		if len(chunk) == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, insertInsights(per, s.dialect)); err != nil {
					return fmt.Errorf("insert insights: prepare: %w", mapErr(err))
				}
			}
			began := time.Now()
			rows, err = full.QueryContext(ctx, args...)
			q.slow(ctx, began, "insert insights")
			err = mapErr(err)
		} else {
			rows, err = q.query(ctx, insertInsights(len(chunk), s.dialect), args...)
		}
		if err != nil {
			return fmt.Errorf("insert insights: %w", err)
		}
		inserted := map[string]bool{}
		for rows.Next() {
			var fp string
			if err := rows.Scan(&fp); err != nil {
				rows.Close()
				return fmt.Errorf("insert insights: %w", mapErr(err))
			}
			inserted[fp] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert insights: %w", mapErr(err))
		}
		for _, i := range chunk {
			if inserted[creates[i].Finding.Fingerprint()] {
				res.CreateApplied[i] = true
				res.Created++
			}
		}
	}
	return nil
}

// openDealIDs returns which of the creates' deals are still open.
func (s *Store) openDealIDs(ctx context.Context, q runner, workspaceID string, creates []InsightContent) (map[string]bool, error) {
	seen := map[string]bool{}
	var ids []string
	for _, c := range creates {
		if id := c.Finding.DealID; !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	list, err := idsJSON(ids)
	if err != nil {
		return nil, fmt.Errorf("open deals: %w", err)
	}
	// Looked up by primary key and filtered here: with the workspace and
	// status in the WHERE clause SQLite prefers the (workspace, status)
	// index and scans every open deal of the workspace for each batch.
	rows, err := q.query(ctx, `SELECT id, workspace_id, status FROM deals WHERE id IN (`+s.idList(1)+`)`, list)
	if err != nil {
		return nil, fmt.Errorf("open deals: %w", err)
	}
	defer rows.Close()
	open := map[string]bool{}
	for rows.Next() {
		var id, ws, status string
		if err := rows.Scan(&id, &ws, &status); err != nil {
			return nil, fmt.Errorf("open deals: %w", err)
		}
		open[id] = ws == workspaceID && status == string(domain.DealOpen)
	}
	return open, rows.Err()
}

// Narration is the wording a narrator gave one insight. An empty Title
// records a failed attempt: the template text stays and only the key is
// stored, so the same attempt is not repeated.
type Narration struct {
	Fingerprint  string
	Priority     domain.Priority
	Title        string
	Description  string
	Actions      []domain.Action
	Narrator     string
	NarrationKey string
	TokensIn     int
	TokensOut    int
	CostUSD      float64
}

// ApplyNarrations stores narrations on the open insights whose fingerprint
// and priority are still those narrated (a run may have changed them since)
// and returns how many rows took one.
func (s *Store) ApplyNarrations(ctx context.Context, workspaceID string, ns []Narration) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	now := s.Now()
	applied := 0
	err := s.inTx(ctx, func(q runner) error {
		applied = 0
		for _, n := range ns {
			var res sql.Result
			var err error
			if n.Title == "" {
				res, err = q.exec(ctx, `UPDATE insights SET narration_key = $1
					WHERE workspace_id = $2 AND fingerprint = $3 AND priority_rank = $4 AND status <> 'resolved'`,
					n.NarrationKey, workspaceID, n.Fingerprint, n.Priority.Rank())
			} else {
				res, err = q.exec(ctx, `UPDATE insights SET title = $1, description = $2, actions = $3, narrator = $4,
					narration_key = $5, tokens_in = tokens_in + $6, tokens_out = tokens_out + $7, cost_usd = cost_usd + $8,
					updated_at = $9 WHERE workspace_id = $10 AND fingerprint = $11 AND priority_rank = $12 AND status <> 'resolved'`,
					n.Title, n.Description, domain.ActionsJSON(n.Actions), n.Narrator, n.NarrationKey, n.TokensIn, n.TokensOut,
					n.CostUSD, ts(now), workspaceID, n.Fingerprint, n.Priority.Rank())
			}
			if err != nil {
				return fmt.Errorf("narration of %s: %w", n.Fingerprint, err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return mapErr(err)
			}
			applied += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: apply narrations: %w", err)
	}
	return applied, nil
}

// inSQLTx is inTx for code that also needs the *sql.Tx (to prepare statements).
func (s *Store) inSQLTx(ctx context.Context, fn func(tx *sql.Tx, q runner) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	if err := fn(tx, runner{ex: tx, log: s.log}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// preparedStmt is a statement prepared once per batch (thousands of rows
// in a first run) that still reports slow executions.
type preparedStmt struct {
	st    *sql.Stmt
	query string
	log   *slog.Logger
}

func prepare(ctx context.Context, tx *sql.Tx, log *slog.Logger, query string) (preparedStmt, error) {
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return preparedStmt{}, fmt.Errorf("prepare: %w", mapErr(err))
	}
	return preparedStmt{st: st, query: query, log: log}, nil
}

func (p preparedStmt) exec(ctx context.Context, args ...any) (int64, error) {
	defer runner{log: p.log}.slow(ctx, time.Now(), p.query)
	res, err := p.st.ExecContext(ctx, args...)
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n, mapErr(err)
}

func (p preparedStmt) close() { _ = p.st.Close() }
