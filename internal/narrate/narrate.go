// Package narrate words findings for people. The Narrator interface is
// what the monitor calls; the template narrator (default, no IO) and the
// Claude narrator implement it. A narrator rewords what the rules found and
// never adds facts.
package narrate

import (
	"context"
	"errors"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// TemplateName is the narrator name of the built-in engine.
const TemplateName = "template"

// ErrBudgetExhausted is returned (possibly wrapped) when the daily LLM
// budget stops calls; the monitor records it on the run and keeps the
// template text.
var ErrBudgetExhausted = errors.New("narrate: daily LLM budget exhausted")

// Facts is what a narrator may say about one deal. Contact emails are
// deliberately absent: they never leave the process.
type Facts struct {
	DealID      string
	Title       string
	Company     string
	StageName   string
	Currency    string
	Value       *int64 // minor units
	Probability int
	CloseDate   *domain.Date
	Today       domain.Date // in the workspace's time zone
	TimeZone    *time.Location
}

// Request asks for the wording of one deal's findings.
type Request struct {
	Facts    Facts
	Findings []domain.Finding
}

// Text is the wording of one finding: ActionTitles has one entry per the
// finding's actions, in the same order.
type Text struct {
	Title        string
	Description  string
	ActionTitles []string
}

// Result is a narrator's answer for one deal.
type Result struct {
	// Texts by rule; a finding without an entry keeps its template text.
	Texts     map[string]Text
	Narrator  string // TemplateName or the model id
	Calls     int
	TokensIn  int
	TokensOut int
	CostUSD   float64
}

// Narrator words findings.
type Narrator interface {
	// Name is TemplateName or the model id; it is part of the narration key.
	Name() string
	// Narrate words one deal's findings.
	Narrate(ctx context.Context, req Request) (Result, error)
}

// Key is the narration key of a finding: a narration (or a failed attempt)
// stored under it is not retried until fingerprint, priority or narrator
// change.
func Key(fingerprint string, p domain.Priority, narrator string) string {
	return fingerprint + "|" + string(p) + "|" + narrator
}
