-- Incidents of every endpoint, open and past, for listing across endpoints. The alert grain of each endpoint
-- owns its rows and writes one on every change of an incident.
CREATE TABLE IF NOT EXISTS hub_incidents
(
    incident_id      uuid        NOT NULL PRIMARY KEY,
    endpoint_id      text        NOT NULL,
    severity         text        NOT NULL,
    rules            text[]      NOT NULL,
    summary          text        NOT NULL,
    opened_at        timestamptz NOT NULL,
    resolved_at      timestamptz NULL,
    acknowledged_at  timestamptz NULL,
    acknowledged_by  text        NULL,
    last_notified_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS hub_incidents_open_ix ON hub_incidents (endpoint_id) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS hub_incidents_opened_ix ON hub_incidents (opened_at DESC);
