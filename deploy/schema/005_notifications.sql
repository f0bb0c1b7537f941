-- The alert outbox: one row per (alert notice, Telegram chat the notice is routed to). A row is written when the
-- notice is raised, and only the single delivery loop updates it. It stays Pending until sent, then becomes Sent
-- with the Telegram message id, or Failed with the error when Telegram rejected it for good or retries ran out.
CREATE TABLE IF NOT EXISTS hub_notifications
(
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id           uuid        NOT NULL,
    chat_id             bigint      NOT NULL,
    endpoint_id         text        NOT NULL,
    incident_id         uuid        NOT NULL,
    severity            text        NOT NULL,
    kind                text        NOT NULL,
    payload             jsonb       NOT NULL,
    state               text        NOT NULL,
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NULL,
    last_error          text        NULL,
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz NULL,
    telegram_message_id bigint      NULL,
    CONSTRAINT hub_notifications_notice_chat_key UNIQUE (notice_id, chat_id)
);

-- Due rows for the delivery loop, listings by state for the API, and the endpoint of an incident for buttons.
CREATE INDEX IF NOT EXISTS hub_notifications_due_ix
    ON hub_notifications (next_attempt_at, id) WHERE state = 'Pending';
CREATE INDEX IF NOT EXISTS hub_notifications_state_ix ON hub_notifications (state, created_at, id);
CREATE INDEX IF NOT EXISTS hub_notifications_incident_ix ON hub_notifications (incident_id);

-- Groups that Telegram upgraded to supergroups: messages for chat_id go to migrated_to from then on.
CREATE TABLE IF NOT EXISTS hub_telegram_chats
(
    chat_id     bigint      NOT NULL PRIMARY KEY,
    migrated_to bigint      NOT NULL,
    migrated_at timestamptz NOT NULL
);

-- The next getUpdates offset per bot, so a restart does not handle confirmed updates again.
CREATE TABLE IF NOT EXISTS hub_telegram_offsets
(
    bot_id         bigint      NOT NULL PRIMARY KEY,
    next_update_id bigint      NOT NULL,
    updated_at     timestamptz NOT NULL
);
