package client

import (
	"context"
	"net/http"
)

// SentryTest is the answer of POST /test/sentry.
type SentryTest struct {
	EventID string `json:"event_id"`
	Sent    bool   `json:"sent"`
}

// TestSentry sends the server's Sentry test event (the owner of any
// workspace may) and returns its id.
func (c *Client) TestSentry(ctx context.Context) (SentryTest, error) {
	var out SentryTest
	err := c.Do(ctx, http.MethodPost, "/test/sentry", nil, &out)
	return out, err
}
