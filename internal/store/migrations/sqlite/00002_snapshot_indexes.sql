-- +goose Up
-- Covering indexes for the monitor's snapshot load (store.LoadSnapshot): the
-- per-deal activity facts and the change log are read from these indexes
-- alone, without a table lookup per row. At 100,000 deals and a million
-- activities those lookups were most of a cycle.
CREATE INDEX activities_ws_facts ON activities (workspace_id, deal_id, type, completed_at, scheduled_at);
CREATE INDEX deal_events_ws_snapshot ON deal_events (workspace_id, kind, deal_id, at, id, old_value, new_value);

-- +goose Down
DROP INDEX deal_events_ws_snapshot;
DROP INDEX activities_ws_facts;
