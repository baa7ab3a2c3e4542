package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// UpdateDeal applies a patch and writes one deal_event per changed field in
// the same transaction. Entering a won or lost stage closes the deal;
// leaving one reopens it.
func (s *Store) UpdateDeal(ctx context.Context, workspaceID, id string, p domain.DealPatch, actor domain.Actor) (domain.Deal, error) {
	var d domain.Deal
	err := s.inTx(ctx, func(q runner) error {
		old, err := scanDeal(q.queryRow(ctx, `SELECT `+dealCols+` FROM deals WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
		if err != nil {
			return rowErr(err, "deal")
		}
		stages, err := listStages(ctx, q, workspaceID)
		if err != nil {
			return err
		}
		now := s.Now()
		d = applyPatch(old, p)
		var v domain.Validation
		validateDealFields(&v, d)
		newStage, ok := domain.StageByKey(stages, d.Stage)
		if !ok {
			v.Add("stage", "must be one of the workspace's stages: %s", stageKeys(stages))
		}
		if p.OwnerID != nil && !sameStr(old.OwnerID, d.OwnerID) {
			if err := checkOwner(ctx, q, workspaceID, d.OwnerID, &v); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		events := diffDeal(old, &d, newStage, p.Probability != nil, now)
		if len(events) == 0 {
			return nil
		}
		d.UpdatedAt = now
		_, err = q.exec(ctx, `UPDATE deals SET title=$1, value=$2, stage=$3, probability=$4, close_date=$5, contact_name=$6,
			contact_email=$7, company=$8, owner_id=$9, source=$10, external_id=$11, status=$12, stage_entered_at=$13,
			closed_at=$14, updated_at=$15 WHERE workspace_id=$16 AND id=$17`,
			d.Title, int64OrNil(d.Value), d.Stage, intOrNil(d.Probability), datep(d.CloseDate), d.ContactName,
			d.ContactEmail, d.Company, strOrNil(d.OwnerID), d.Source, d.ExternalID, d.Status, ts(d.StageEnteredAt),
			tsp(d.ClosedAt), ts(d.UpdatedAt), workspaceID, id)
		if err != nil {
			return err
		}
		for _, e := range events {
			e.WorkspaceID, e.DealID, e.Actor, e.At = workspaceID, id, actor, now
			if err := insertEvent(ctx, q, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("store: update deal: %w", err)
	}
	return d, nil
}

func applyPatch(d domain.Deal, p domain.DealPatch) domain.Deal {
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	setStr(&d.Title, p.Title)
	setStr(&d.Stage, p.Stage)
	setStr(&d.ContactName, p.ContactName)
	setStr(&d.ContactEmail, p.ContactEmail)
	setStr(&d.Company, p.Company)
	setStr(&d.Source, p.Source)
	setStr(&d.ExternalID, p.ExternalID)
	if p.Value != nil {
		d.Value = *p.Value
	}
	if p.Probability != nil {
		d.Probability = *p.Probability
	}
	if p.CloseDate != nil {
		d.CloseDate = *p.CloseDate
	}
	if p.OwnerID != nil {
		d.OwnerID = *p.OwnerID
	}
	return d
}

// diffDeal derives the status change from the stage and returns an event
// per changed field. It updates d's status, stage entry and closing time.
func diffDeal(old domain.Deal, d *domain.Deal, newStage domain.Stage, probabilityGiven bool, now time.Time) []domain.DealEvent {
	var ev []domain.DealEvent
	add := func(kind string, o, n *string) {
		if !sameStr(o, n) {
			ev = append(ev, domain.DealEvent{Kind: kind, OldValue: o, NewValue: n})
		}
	}
	if d.Stage != old.Stage {
		d.StageEnteredAt = now
		d.Status = newStage.DealStatus()
		add(domain.EventStageChanged, &old.Stage, &d.Stage)
		switch {
		case d.Status != domain.DealOpen && !probabilityGiven:
			// A closed deal's probability is its outcome.
			d.Probability = &newStage.DefaultProbability
		}
		switch {
		case d.Status == domain.DealWon && old.Status != domain.DealWon:
			d.ClosedAt = &now
			ev = append(ev, domain.DealEvent{Kind: domain.EventWon})
		case d.Status == domain.DealLost && old.Status != domain.DealLost:
			d.ClosedAt = &now
			ev = append(ev, domain.DealEvent{Kind: domain.EventLost})
		case d.Status == domain.DealOpen && old.Status != domain.DealOpen:
			d.ClosedAt = nil
			ev = append(ev, domain.DealEvent{Kind: domain.EventReopened, OldValue: ptr(string(old.Status))})
		}
	}
	add(domain.EventValueChanged, i64s(old.Value), i64s(d.Value))
	add(domain.EventProbabilityChanged, is(old.Probability), is(d.Probability))
	add(domain.EventCloseDateChanged, ds(old.CloseDate), ds(d.CloseDate))
	add(domain.EventOwnerChanged, old.OwnerID, d.OwnerID)
	add(domain.EventTitleChanged, &old.Title, &d.Title)
	add(domain.EventContactNameChanged, &old.ContactName, &d.ContactName)
	add(domain.EventContactEmailChanged, &old.ContactEmail, &d.ContactEmail)
	add(domain.EventCompanyChanged, &old.Company, &d.Company)
	add(domain.EventSourceChanged, &old.Source, &d.Source)
	add(domain.EventExternalIDChanged, &old.ExternalID, &d.ExternalID)
	return ev
}

func sameStr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func i64s(p *int64) *string {
	if p == nil {
		return nil
	}
	return ptr(strconv.FormatInt(*p, 10))
}

func is(p *int) *string {
	if p == nil {
		return nil
	}
	return ptr(strconv.Itoa(*p))
}

func ds(p *domain.Date) *string {
	if p == nil {
		return nil
	}
	return ptr(p.String())
}
