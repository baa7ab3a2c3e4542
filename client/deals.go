package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// DealQuery filters and pages a deal list; zero fields are left out.
type DealQuery struct {
	Stage, Status, Owner, Q, Sort string
	Limit                         int
	Cursor                        string
}

func (q DealQuery) values() url.Values {
	v := url.Values{}
	add := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	add("stage", q.Stage)
	add("status", q.Status)
	add("owner", q.Owner)
	add("q", q.Q)
	add("sort", q.Sort)
	add("cursor", q.Cursor)
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Deals returns one page of deals.
func (c *Client) Deals(ctx context.Context, ws string, q DealQuery) (Page[Deal], error) {
	var p Page[Deal]
	return p, c.Do(ctx, http.MethodGet, withQuery("/workspaces/"+esc(ws)+"/deals", q.values()), nil, &p)
}

// CreateDeal creates a deal.
func (c *Client) CreateDeal(ctx context.Context, ws string, in DealInput) (Deal, error) {
	var d Deal
	return d, c.Do(ctx, http.MethodPost, "/workspaces/"+esc(ws)+"/deals", in, &d)
}

// Deal returns a deal.
func (c *Client) Deal(ctx context.Context, ws, id string) (Deal, error) {
	var d Deal
	return d, c.Do(ctx, http.MethodGet, "/workspaces/"+esc(ws)+"/deals/"+esc(id), nil, &d)
}

// UpdateDeal changes a deal.
func (c *Client) UpdateDeal(ctx context.Context, ws, id string, p DealPatch) (Deal, error) {
	var d Deal
	return d, c.Do(ctx, http.MethodPatch, "/workspaces/"+esc(ws)+"/deals/"+esc(id), p, &d)
}

// DeleteDeal deletes a deal.
func (c *Client) DeleteDeal(ctx context.Context, ws, id string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws)+"/deals/"+esc(id), nil, nil)
}

// DealEvents returns a deal's change log, oldest first.
func (c *Client) DealEvents(ctx context.Context, ws, id string) ([]DealEvent, error) {
	return listOf[DealEvent](c, ctx, "/workspaces/"+esc(ws)+"/deals/"+esc(id)+"/events")
}

// Activities returns a deal's activities.
func (c *Client) Activities(ctx context.Context, ws, dealID string) ([]Activity, error) {
	return listOf[Activity](c, ctx, "/workspaces/"+esc(ws)+"/deals/"+esc(dealID)+"/activities")
}

// CreateActivity logs or plans an activity on a deal.
func (c *Client) CreateActivity(ctx context.Context, ws, dealID string, in ActivityInput) (Activity, error) {
	var a Activity
	return a, c.Do(ctx, http.MethodPost, "/workspaces/"+esc(ws)+"/deals/"+esc(dealID)+"/activities", in, &a)
}

// UpdateActivity changes an activity.
func (c *Client) UpdateActivity(ctx context.Context, ws, id string, p ActivityPatch) (Activity, error) {
	var a Activity
	return a, c.Do(ctx, http.MethodPatch, "/workspaces/"+esc(ws)+"/activities/"+esc(id), p, &a)
}

// DeleteActivity deletes an activity.
func (c *Client) DeleteActivity(ctx context.Context, ws, id string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws)+"/activities/"+esc(id), nil, nil)
}

// InsightQuery filters and pages an insight list.
type InsightQuery struct {
	Status, Priority, Rule, Deal string
	Limit                        int
	Cursor                       string
}

// Insights returns one page of insights, highest priority first.
func (c *Client) Insights(ctx context.Context, ws string, q InsightQuery) (Page[Insight], error) {
	v := url.Values{}
	for k, s := range map[string]string{"status": q.Status, "priority": q.Priority, "rule": q.Rule, "deal": q.Deal, "cursor": q.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var p Page[Insight]
	return p, c.Do(ctx, http.MethodGet, withQuery("/workspaces/"+esc(ws)+"/insights", v), nil, &p)
}

// Insight returns an insight.
func (c *Client) Insight(ctx context.Context, ws, id string) (Insight, error) {
	var in Insight
	return in, c.Do(ctx, http.MethodGet, "/workspaces/"+esc(ws)+"/insights/"+esc(id), nil, &in)
}

// UpdateInsight records a response to an insight.
func (c *Client) UpdateInsight(ctx context.Context, ws, id string, p InsightPatch) (Insight, error) {
	var in Insight
	return in, c.Do(ctx, http.MethodPatch, "/workspaces/"+esc(ws)+"/insights/"+esc(id), p, &in)
}

// Pipeline returns the pipeline summary.
func (c *Client) Pipeline(ctx context.Context, ws string) (Pipeline, error) {
	var p Pipeline
	return p, c.Do(ctx, http.MethodGet, "/workspaces/"+esc(ws)+"/pipeline", nil, &p)
}

// OpenAPI returns the API's OpenAPI document.
func (c *Client) OpenAPI(ctx context.Context) (map[string]any, error) {
	var doc map[string]any
	return doc, c.Do(ctx, http.MethodGet, "/openapi.json", nil, &doc)
}
