-- frontdesk schema: the single source of truth for the database.
--
-- Applied by versioned migrations: each block below starts with a line
-- `-- version: N` and runs once, in order, inside one transaction, after which
-- `PRAGMA user_version` is N. Never edit a block that has shipped; append a new one.
--
-- Timestamps are TEXT in one fixed UTC format, `YYYY-MM-DDTHH:MM:SS.sssZ`, so
-- they sort and compare as strings and render as RFC 3339 without conversion.

-- version: 1

-- A business (tenant). Business #1 is created on first start.
CREATE TABLE tenants (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone_e164        TEXT    UNIQUE CHECK (phone_e164 IS NULL OR phone_e164 GLOB '+[1-9]*'),
    whatsapp_e164     TEXT    UNIQUE CHECK (whatsapp_e164 IS NULL OR whatsapp_e164 GLOB '+[1-9]*'),
    whatsapp_instance TEXT    UNIQUE,
    timezone          TEXT    NOT NULL DEFAULT 'Asia/Jerusalem',
    ai_auto_reply     INTEGER NOT NULL DEFAULT 1 CHECK (ai_auto_reply IN (0, 1)),
    default_region    TEXT    NOT NULL DEFAULT 'IL' CHECK (length(default_region) = 2),
    settings          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every user has a home tenant; a system_admin's home is where their own leads go.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    email               TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (email LIKE '%_@_%'),
    name                TEXT    NOT NULL DEFAULT '',
    role                TEXT    NOT NULL CHECK (role IN ('system_admin', 'owner', 'agent')),
    password_hash       TEXT    NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX users_tenant ON users (tenant_id);

-- Server-side sessions (tower-sessions store). user_id mirrors the signed-in
-- user so "end this user's sessions" is one indexed DELETE.
CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    data       TEXT    NOT NULL CHECK (json_valid(data)),
    expires_at INTEGER NOT NULL -- unix seconds
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The two prompts of a business; one row per tenant.
CREATE TABLE prompts (
    tenant_id       INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    calls_prompt    TEXT    NOT NULL DEFAULT '',
    whatsapp_prompt TEXT    NOT NULL DEFAULT '',
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL
);

-- Every prompt save, kept forever (who, when, what).
CREATE TABLE prompt_revisions (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    calls_prompt    TEXT    NOT NULL,
    whatsapp_prompt TEXT    NOT NULL,
    author_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    impersonating   INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX prompt_revisions_tenant ON prompt_revisions (tenant_id, id DESC);

-- A person who called, wrote or was entered by staff. One per (tenant, phone)
-- and one per (tenant, WhatsApp user id).
CREATE TABLE leads (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    phone_e164       TEXT    CHECK (phone_e164 IS NULL OR phone_e164 GLOB '+[1-9]*'),
    whatsapp_id      TEXT,
    email            TEXT,
    source           TEXT    NOT NULL CHECK (source IN ('manual', 'form', 'call', 'whatsapp', 'other')),
    status           TEXT    NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost', 'archived')),
    notes            TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_activity_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (phone_e164 IS NOT NULL OR whatsapp_id IS NOT NULL)
);
CREATE UNIQUE INDEX leads_tenant_phone ON leads (tenant_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE UNIQUE INDEX leads_tenant_whatsapp ON leads (tenant_id, whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE INDEX leads_tenant_activity ON leads (tenant_id, last_activity_at DESC, id DESC);
CREATE INDEX leads_tenant_status_activity ON leads (tenant_id, status, last_activity_at DESC, id DESC);
CREATE INDEX leads_activity ON leads (last_activity_at DESC, id DESC);

-- Substring search over name, phone and email without a full scan.
CREATE VIRTUAL TABLE leads_fts USING fts5 (
    text, content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE TRIGGER leads_fts_ai AFTER INSERT ON leads BEGIN
    INSERT INTO leads_fts (rowid, text) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_ad AFTER DELETE ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = old.id;
END;
CREATE TRIGGER leads_fts_au AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = old.id;
    INSERT INTO leads_fts (rowid, text) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;

-- Lead totals per (tenant, status, source), kept by triggers, so a list's
-- `total` is a sum over a few rows instead of a count over every lead.
CREATE TABLE lead_counts (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    status    TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    n         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, status, source)
) WITHOUT ROWID;
CREATE TRIGGER lead_counts_ai AFTER INSERT ON leads BEGIN
    INSERT OR IGNORE INTO lead_counts (tenant_id, status, source) VALUES (new.tenant_id, new.status, new.source);
    UPDATE lead_counts SET n = n + 1 WHERE tenant_id = new.tenant_id AND status = new.status AND source = new.source;
END;
CREATE TRIGGER lead_counts_ad AFTER DELETE ON leads BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
END;
CREATE TRIGGER lead_counts_au AFTER UPDATE OF tenant_id, status, source ON leads BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
    INSERT OR IGNORE INTO lead_counts (tenant_id, status, source) VALUES (new.tenant_id, new.status, new.source);
    UPDATE lead_counts SET n = n + 1 WHERE tenant_id = new.tenant_id AND status = new.status AND source = new.source;
END;

-- The timeline of a lead. actor_user_id is always the real person (an
-- impersonating admin is recorded as themselves, with impersonating = 1).
CREATE TABLE lead_activities (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id       INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('created', 'status_change', 'note', 'message_in',
                      'message_out', 'call', 'reminder_set', 'reminder_fired', 'ai_reply', 'ai_error', 'updated')),
    body          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    impersonating INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX lead_activities_lead ON lead_activities (lead_id, id DESC);

-- "Call me back" reminders. The scheduler claims due rows atomically.
CREATE TABLE lead_reminders (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id          INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    assignee_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due_at           TEXT    NOT NULL,
    note             TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'claimed', 'fired', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    claimed_at       TEXT,
    fired_at         TEXT,
    last_error       TEXT,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX lead_reminders_due ON lead_reminders (next_attempt_at) WHERE status = 'pending';
CREATE INDEX lead_reminders_claimed ON lead_reminders (claimed_at) WHERE status = 'claimed';
CREATE INDEX lead_reminders_lead ON lead_reminders (lead_id, due_at);
CREATE INDEX lead_reminders_assignee ON lead_reminders (assignee_user_id, status, due_at);

-- Voice calls. stream_token is the one-time token handed to Twilio in TwiML.
CREATE TABLE calls (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id        INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    call_sid       TEXT    UNIQUE,
    stream_token   TEXT    UNIQUE,
    token_used_at  TEXT,
    from_e164      TEXT,
    to_e164        TEXT,
    direction      TEXT    NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound')),
    status         TEXT    NOT NULL DEFAULT 'ringing'
                   CHECK (status IN ('ringing', 'in_progress', 'completed', 'missed', 'failed', 'busy', 'no_answer', 'canceled')),
    duration_s     INTEGER,
    transcript     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(transcript)),
    started_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ended_at       TEXT
);
CREATE INDEX calls_tenant ON calls (tenant_id, started_at DESC);
CREATE INDEX calls_lead ON calls (lead_id);

-- WhatsApp messages in and out.
CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id             INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    direction           TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    channel             TEXT    NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'sms')),
    provider            TEXT    NOT NULL CHECK (provider IN ('twilio', 'baileys')),
    provider_message_id TEXT,
    body                TEXT    NOT NULL DEFAULT '',
    media               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(media)),
    status              TEXT    NOT NULL DEFAULT 'received',
    author_user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    is_ai               INTEGER NOT NULL DEFAULT 0 CHECK (is_ai IN (0, 1)),
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX messages_provider_id ON messages (provider, provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_lead ON messages (lead_id, id DESC);

-- In-app notifications (the bell).
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT '',
    lead_id     INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    reminder_id INTEGER REFERENCES lead_reminders(id) ON DELETE CASCADE,
    read_at     TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- Who did what, including every impersonation and every write made during one.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER REFERENCES tenants(id) ON DELETE SET NULL,
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action        TEXT    NOT NULL,
    target        TEXT    NOT NULL DEFAULT '',
    details       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    ip            TEXT,
    impersonating INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_action ON audit_log (action, id DESC);

-- Webhook deliveries already ingested (provider retries are answered, not re-applied).
CREATE TABLE processed_webhooks (
    provider    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    tenant_id   INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (provider, external_id)
) WITHOUT ROWID;

-- version: 2

-- Session rows are keyed by the SHA-256 of the session id from now on; rows
-- keyed by a raw id can never match again, so they go (everyone signs in once more).
DELETE FROM sessions;

-- Secrets the server makes for itself on first use (e.g. the key that signs
-- anonymous CSRF tokens). Never shown to anyone.
CREATE TABLE server_keys (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- Webhook idempotency keys and provider message ids are unique per business:
-- a sender who reuses another business's message id must not hide its message.
CREATE TABLE processed_webhooks_v2 (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (tenant_id, provider, external_id)
) WITHOUT ROWID;
INSERT INTO processed_webhooks_v2 (tenant_id, provider, external_id, created_at)
    SELECT tenant_id, provider, external_id, created_at FROM processed_webhooks WHERE tenant_id IS NOT NULL;
DROP TABLE processed_webhooks;
ALTER TABLE processed_webhooks_v2 RENAME TO processed_webhooks;

DROP INDEX messages_provider_id;
CREATE UNIQUE INDEX messages_provider_id ON messages (tenant_id, provider, provider_message_id)
    WHERE provider_message_id IS NOT NULL;

-- A reminder's claim carries a random token: only the claim that took the
-- row may finish it, and a stale claim is put back only if still the same.
ALTER TABLE lead_reminders ADD COLUMN claim_token TEXT;

-- An outgoing message is recorded as `pending` before the provider is called,
-- then `sent` or `failed` (with a reason). A client's Idempotency-Key makes a
-- retried send return the first attempt instead of sending twice.
ALTER TABLE messages ADD COLUMN error_code TEXT;
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX messages_idempotency ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- version: 3
-- Search index upkeep, deferred to the end of the writer's group transaction.
-- The writer runs each request's writes in its own SAVEPOINT, and FTS5 writes
-- its pending terms to disk at every savepoint: one index segment (and the
-- merges that follow) per new lead. Inside a group the writer sets
-- `search_index_mode.deferred` = 1, so the triggers only note the lead;
-- before COMMIT it indexes every noted lead at once and sets the flag back
-- to 0. The flag is never committed as 1, so every other connection (the
-- CLI, a maintenance script) sees 0 and keeps the index in step at once.
CREATE TABLE search_index_mode (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    deferred INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1))
);
INSERT INTO search_index_mode (id, deferred) VALUES (1, 0);
CREATE TABLE search_index_pending (
    lead_id INTEGER PRIMARY KEY,
    -- 1: the lead is not in the index yet; 0: its indexed text is stale.
    is_new  INTEGER NOT NULL
);

DROP TRIGGER leads_fts_ai;
DROP TRIGGER leads_fts_au;
CREATE TRIGGER leads_fts_ai AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 BEGIN
    INSERT INTO leads_fts (rowid, text) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_ai_deferred AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 1);
END;
CREATE TRIGGER leads_fts_au AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 BEGIN
    DELETE FROM leads_fts WHERE rowid = old.id;
    INSERT INTO leads_fts (rowid, text) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_au_deferred AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;
-- Deletes stay immediate (rare); a deleted lead is no longer pending either.
CREATE TRIGGER leads_fts_pending_ad AFTER DELETE ON leads BEGIN
    DELETE FROM search_index_pending WHERE lead_id = old.id;
END;

-- version: 4
-- The AI front desk, alerts on staff phones, assignment and automatic HTTPS.

-- Business settings. business_hours: local times per weekday in the business
-- timezone, several intervals a day, "24:00" = end of day. holidays: closed days.
ALTER TABLE tenants ADD COLUMN business_hours TEXT NOT NULL DEFAULT
    '{"sun":[["09:00","18:00"]],"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","13:00"]],"sat":[]}'
    CHECK (json_valid(business_hours));
ALTER TABLE tenants ADD COLUMN holidays TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(holidays));
ALTER TABLE tenants ADD COLUMN forward_e164 TEXT CHECK (forward_e164 IS NULL OR forward_e164 GLOB '+[1-9]*');
ALTER TABLE tenants ADD COLUMN ai_language TEXT NOT NULL DEFAULT 'he' CHECK (ai_language IN ('he', 'en'));
ALTER TABLE tenants ADD COLUMN handoff_hours INTEGER NOT NULL DEFAULT 12 CHECK (handoff_hours BETWEEN 1 AND 720);
ALTER TABLE tenants ADD COLUMN ai_max_replies_per_hour INTEGER NOT NULL DEFAULT 20
    CHECK (ai_max_replies_per_hour BETWEEN 1 AND 1000);
ALTER TABLE tenants ADD COLUMN missed_call_text TEXT;
ALTER TABLE tenants ADD COLUMN twilio_template_sid TEXT;
ALTER TABLE tenants ADD COLUMN auto_assign TEXT NOT NULL DEFAULT 'none' CHECK (auto_assign IN ('none', 'round_robin'));
-- The user who got the last round-robin lead (the next goes to the one after).
ALTER TABLE tenants ADD COLUMN last_auto_assignee INTEGER;

-- Staff phones and what may reach them.
ALTER TABLE users ADD COLUMN phone_e164 TEXT CHECK (phone_e164 IS NULL OR phone_e164 GLOB '+[1-9]*');
ALTER TABLE users ADD COLUMN notify_whatsapp INTEGER NOT NULL DEFAULT 0 CHECK (notify_whatsapp IN (0, 1));
ALTER TABLE users ADD COLUMN notify_push INTEGER NOT NULL DEFAULT 0 CHECK (notify_push IN (0, 1));

-- Leads: AI pause (NULL = the AI may answer), assignee, tags (JSON array of
-- strings), and the last message each way: needs_reply is "the last message is
-- inbound" = last_inbound_at set and no outbound at or after it.
ALTER TABLE leads ADD COLUMN ai_paused_until TEXT;
ALTER TABLE leads ADD COLUMN assignee_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE leads ADD COLUMN tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags));
ALTER TABLE leads ADD COLUMN last_inbound_at TEXT;
ALTER TABLE leads ADD COLUMN last_outbound_at TEXT;
CREATE INDEX leads_needs_reply ON leads (tenant_id, last_inbound_at, id)
    WHERE last_inbound_at IS NOT NULL AND (last_outbound_at IS NULL OR last_outbound_at < last_inbound_at);
CREATE INDEX leads_tenant_assignee ON leads (tenant_id, assignee_user_id, last_activity_at DESC, id DESC);
-- Existing conversations: the newest message each way.
UPDATE leads SET
    last_inbound_at = (SELECT max(created_at) FROM messages m WHERE m.lead_id = leads.id AND m.direction = 'in'),
    last_outbound_at = (SELECT max(created_at) FROM messages m WHERE m.lead_id = leads.id AND m.direction = 'out');

-- The last message each way, kept by the messages themselves (a provider's
-- retry updates the one row and fires nothing).
CREATE TRIGGER messages_last_inbound AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    UPDATE leads SET last_inbound_at = new.created_at
    WHERE id = new.lead_id AND (last_inbound_at IS NULL OR last_inbound_at < new.created_at);
END;
CREATE TRIGGER messages_last_outbound AFTER INSERT ON messages WHEN new.direction = 'out' BEGIN
    UPDATE leads SET last_outbound_at = new.created_at
    WHERE id = new.lead_id AND (last_outbound_at IS NULL OR last_outbound_at < new.created_at);
END;

-- Calls: who answered and the voicemail, if one was left.
ALTER TABLE calls ADD COLUMN answered_by TEXT CHECK (answered_by IS NULL OR answered_by IN ('person', 'ai', 'voicemail'));
ALTER TABLE calls ADD COLUMN recording_url TEXT;

-- New timeline kinds; SQLite cannot change a CHECK in place, so the table is rebuilt.
CREATE TABLE lead_activities_v4 (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id       INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('created', 'status_change', 'note', 'message_in',
                      'message_out', 'call', 'reminder_set', 'reminder_fired', 'ai_reply', 'ai_error', 'updated',
                      'ai_action', 'ai_paused', 'ai_resumed', 'call_summary', 'voicemail', 'assigned')),
    body          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    impersonating INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO lead_activities_v4 SELECT id, tenant_id, lead_id, kind, body, data, actor_user_id, impersonating, created_at
    FROM lead_activities;
DROP TABLE lead_activities;
ALTER TABLE lead_activities_v4 RENAME TO lead_activities;
CREATE INDEX lead_activities_lead ON lead_activities (lead_id, id DESC);

-- Alerts to staff phones (WhatsApp, Web Push): each one a delivery the
-- scheduler claims exactly once and retries with backoff, like a reminder.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL CHECK (channel IN ('whatsapp', 'push')),
    kind            TEXT    NOT NULL,
    lead_id         INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    title           TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL DEFAULT '',
    url             TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'claimed', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    claim_token     TEXT,
    claimed_at      TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX alerts_due ON alerts (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alerts_claimed ON alerts (claimed_at) WHERE status = 'claimed';
CREATE INDEX alerts_user ON alerts (user_id, id DESC);

-- Web Push subscriptions (one per browser), deleted when the push service says 404/410.
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint   TEXT    NOT NULL UNIQUE,
    p256dh     TEXT    NOT NULL,
    auth       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- ACME state (account key, certificates), so HTTPS survives a restart and a
-- copy of the data file is a complete copy of the instance.
CREATE TABLE acme_cache (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- version: 5
-- The search index keys each lead by (tenant_id << 32) | id, so a business's
-- matches are one rowid range of the index: counting a search in one business
-- no longer looks up every match in `leads` (lead ids stay below 2^32).
DROP TRIGGER leads_fts_ai;
DROP TRIGGER leads_fts_ai_deferred;
DROP TRIGGER leads_fts_ad;
DROP TRIGGER leads_fts_au;
DROP TRIGGER leads_fts_au_deferred;
DROP TABLE leads_fts;
CREATE VIRTUAL TABLE leads_fts USING fts5 (
    text, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO leads_fts (rowid, text)
SELECT (tenant_id << 32) | id, first_name || ' ' || last_name || ' ' || coalesce(phone_e164, '') || ' '
       || coalesce(whatsapp_id, '') || ' ' || coalesce(email, '')
FROM leads;
CREATE TRIGGER leads_fts_ai AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 BEGIN
    INSERT INTO leads_fts (rowid, text) VALUES ((new.tenant_id << 32) | new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_ai_deferred AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 1);
END;
CREATE TRIGGER leads_fts_ad AFTER DELETE ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = (old.tenant_id << 32) | old.id;
END;
-- A lead never changes business; the index entry is replaced at once either way.
CREATE TRIGGER leads_fts_au AFTER UPDATE OF tenant_id, first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 OR old.tenant_id <> new.tenant_id BEGIN
    DELETE FROM leads_fts WHERE rowid = (old.tenant_id << 32) | old.id;
    INSERT INTO leads_fts (rowid, text) VALUES ((new.tenant_id << 32) | new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_au_deferred AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 AND old.tenant_id = new.tenant_id BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;

-- Only assigned leads are in the assignee index: every activity rewrites a
-- lead's last_activity_at in each index that holds it, and an unassigned lead
-- ("assignee=none") is found through the business's activity index anyway.
DROP INDEX leads_tenant_assignee;
CREATE INDEX leads_tenant_assignee ON leads (tenant_id, assignee_user_id, last_activity_at DESC, id DESC)
    WHERE assignee_user_id IS NOT NULL;

-- A message is itself activity on its lead: its trigger sets last_activity_at
-- with the last message time, in the one UPDATE of the lead, and the timeline
-- entry written next finds the lead already touched (see `leads::touch`).
DROP TRIGGER messages_last_inbound;
DROP TRIGGER messages_last_outbound;
CREATE TRIGGER messages_last_inbound AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    UPDATE leads SET last_inbound_at = new.created_at, last_activity_at = max(last_activity_at, new.created_at)
    WHERE id = new.lead_id AND (last_inbound_at IS NULL OR last_inbound_at < new.created_at);
END;
CREATE TRIGGER messages_last_outbound AFTER INSERT ON messages WHEN new.direction = 'out' BEGIN
    UPDATE leads SET last_outbound_at = new.created_at, last_activity_at = max(last_activity_at, new.created_at)
    WHERE id = new.lead_id AND (last_outbound_at IS NULL OR last_outbound_at < new.created_at);
END;

-- Lead totals: one upsert per change instead of an insert and an update.
DROP TRIGGER lead_counts_ai;
DROP TRIGGER lead_counts_au;
CREATE TRIGGER lead_counts_ai AFTER INSERT ON leads BEGIN
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER lead_counts_au AFTER UPDATE OF tenant_id, status, source ON leads BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;

-- version: 6

-- Canned replies: a business's saved answers, which staff insert in the
-- composer by typing `/` and the shortcut. Shortcuts are unique per business
-- whatever their case.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shortcut   TEXT    NOT NULL COLLATE NOCASE CHECK (length(shortcut) BETWEEN 1 AND 32),
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX canned_replies_shortcut ON canned_replies (tenant_id, shortcut);

-- version: 7

-- Named CHECK constraints for the rules the application reports to people
-- (a lead needs a phone or a WhatsApp id; an email has a shape), so an error
-- is recognised by its constraint's name. SQLite cannot rename a constraint in
-- place: the two tables are rebuilt (the migration runs with foreign keys off
-- and checks them before it commits), and their indexes and triggers made again.
-- The other tables' triggers that name `leads` are left as they are by the
-- renames (they name the rebuilt table once it has the old name).
PRAGMA legacy_alter_table = ON;
CREATE TABLE leads_v7 (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    phone_e164       TEXT    CONSTRAINT lead_phone_e164 CHECK (phone_e164 IS NULL OR phone_e164 GLOB '+[1-9]*'),
    whatsapp_id      TEXT,
    email            TEXT,
    source           TEXT    NOT NULL
                     CONSTRAINT lead_source CHECK (source IN ('manual', 'form', 'call', 'whatsapp', 'other')),
    status           TEXT    NOT NULL DEFAULT 'new'
                     CONSTRAINT lead_status CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost', 'archived')),
    notes            TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_activity_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ai_paused_until  TEXT,
    assignee_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    tags             TEXT    NOT NULL DEFAULT '[]' CONSTRAINT lead_tags_json CHECK (json_valid(tags)),
    last_inbound_at  TEXT,
    last_outbound_at TEXT,
    CONSTRAINT lead_has_contact CHECK (phone_e164 IS NOT NULL OR whatsapp_id IS NOT NULL)
);
INSERT INTO leads_v7 (id, tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status, notes,
                      created_by, created_at, updated_at, last_activity_at, ai_paused_until, assignee_user_id, tags,
                      last_inbound_at, last_outbound_at)
SELECT id, tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status, notes,
       created_by, created_at, updated_at, last_activity_at, ai_paused_until, assignee_user_id, tags,
       last_inbound_at, last_outbound_at
FROM leads;
-- Dropping the table drops its indexes and its own triggers; the search
-- index and the totals are untouched (the rows keep their ids).
DROP TABLE leads;
ALTER TABLE leads_v7 RENAME TO leads;
CREATE UNIQUE INDEX leads_tenant_phone ON leads (tenant_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE UNIQUE INDEX leads_tenant_whatsapp ON leads (tenant_id, whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE INDEX leads_tenant_activity ON leads (tenant_id, last_activity_at DESC, id DESC);
CREATE INDEX leads_tenant_status_activity ON leads (tenant_id, status, last_activity_at DESC, id DESC);
CREATE INDEX leads_activity ON leads (last_activity_at DESC, id DESC);
CREATE INDEX leads_needs_reply ON leads (tenant_id, last_inbound_at, id)
    WHERE last_inbound_at IS NOT NULL AND (last_outbound_at IS NULL OR last_outbound_at < last_inbound_at);
CREATE INDEX leads_tenant_assignee ON leads (tenant_id, assignee_user_id, last_activity_at DESC, id DESC)
    WHERE assignee_user_id IS NOT NULL;
CREATE TRIGGER leads_fts_ai AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 BEGIN
    INSERT INTO leads_fts (rowid, text) VALUES ((new.tenant_id << 32) | new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_ai_deferred AFTER INSERT ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 1);
END;
CREATE TRIGGER leads_fts_ad AFTER DELETE ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = (old.tenant_id << 32) | old.id;
END;
CREATE TRIGGER leads_fts_pending_ad AFTER DELETE ON leads BEGIN
    DELETE FROM search_index_pending WHERE lead_id = old.id;
END;
CREATE TRIGGER leads_fts_au AFTER UPDATE OF tenant_id, first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 0 OR old.tenant_id <> new.tenant_id BEGIN
    DELETE FROM leads_fts WHERE rowid = (old.tenant_id << 32) | old.id;
    INSERT INTO leads_fts (rowid, text) VALUES ((new.tenant_id << 32) | new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.phone_e164, '') || ' '
        || coalesce(new.whatsapp_id, '') || ' ' || coalesce(new.email, ''));
END;
CREATE TRIGGER leads_fts_au_deferred AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN (SELECT deferred FROM search_index_mode WHERE id = 1) = 1 AND old.tenant_id = new.tenant_id BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;
CREATE TRIGGER lead_counts_ai AFTER INSERT ON leads BEGIN
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER lead_counts_ad AFTER DELETE ON leads BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
END;
CREATE TRIGGER lead_counts_au AFTER UPDATE OF tenant_id, status, source ON leads BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;

CREATE TABLE users_v7 (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    email               TEXT    NOT NULL UNIQUE COLLATE NOCASE CONSTRAINT user_email_shape CHECK (email LIKE '%_@_%'),
    name                TEXT    NOT NULL DEFAULT '',
    role                TEXT    NOT NULL CONSTRAINT user_role CHECK (role IN ('system_admin', 'owner', 'agent')),
    password_hash       TEXT    NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    phone_e164          TEXT    CONSTRAINT user_phone_e164 CHECK (phone_e164 IS NULL OR phone_e164 GLOB '+[1-9]*'),
    notify_whatsapp     INTEGER NOT NULL DEFAULT 0 CHECK (notify_whatsapp IN (0, 1)),
    notify_push         INTEGER NOT NULL DEFAULT 0 CHECK (notify_push IN (0, 1))
);
INSERT INTO users_v7 (id, tenant_id, email, name, role, password_hash, disabled, password_changed_at, created_at,
                      updated_at, phone_e164, notify_whatsapp, notify_push)
SELECT id, tenant_id, email, name, role, password_hash, disabled, password_changed_at, created_at,
       updated_at, phone_e164, notify_whatsapp, notify_push
FROM users;
DROP TABLE users;
ALTER TABLE users_v7 RENAME TO users;
CREATE INDEX users_tenant ON users (tenant_id);
PRAGMA legacy_alter_table = OFF;

-- version: 8
-- Appointments. A service is what a business books (its length, price and the
-- buffers kept free around it); service_staff names who gives it (none = every
-- staff member with hours).
CREATE TABLE services (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name              TEXT    NOT NULL CONSTRAINT service_name CHECK (length(name) BETWEEN 1 AND 200),
    duration_min      INTEGER NOT NULL CONSTRAINT service_duration CHECK (duration_min BETWEEN 5 AND 480),
    price_agorot      INTEGER CONSTRAINT service_price CHECK (price_agorot IS NULL OR price_agorot >= 0),
    buffer_before_min INTEGER NOT NULL DEFAULT 0 CONSTRAINT service_buffer_before CHECK (buffer_before_min BETWEEN 0 AND 120),
    buffer_after_min  INTEGER NOT NULL DEFAULT 0 CONSTRAINT service_buffer_after CHECK (buffer_after_min BETWEEN 0 AND 120),
    active            INTEGER NOT NULL DEFAULT 1 CONSTRAINT service_active CHECK (active IN (0, 1)),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX services_tenant ON services (tenant_id, id);

CREATE TABLE service_staff (
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, user_id)
) WITHOUT ROWID;

-- A staff member's own week (NULL = the business's hours) and time off
-- ([{starts_at, ends_at, note}], UTC). Business hours and holidays bound both.
CREATE TABLE staff_schedules (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    work_hours TEXT CONSTRAINT staff_work_hours CHECK (work_hours IS NULL OR json_valid(work_hours)),
    time_off   TEXT NOT NULL DEFAULT '[]' CONSTRAINT staff_time_off CHECK (json_valid(time_off)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Times are UTC in the stored format. blocked_from/blocked_until are the
-- appointment widened by its service's buffers as they were when booked: the
-- overlap check compares these spans, so a later change to a service's
-- buffers never makes an existing booking overlap.
CREATE TABLE appointments (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id           INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    service_id        INTEGER NOT NULL REFERENCES services(id),
    staff_user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    starts_at         TEXT    NOT NULL,
    ends_at           TEXT    NOT NULL,
    blocked_from      TEXT    NOT NULL,
    blocked_until     TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'booked'
                      CONSTRAINT appointment_status CHECK (status IN ('booked', 'confirmed', 'completed', 'no_show', 'cancelled')),
    note              TEXT    NOT NULL DEFAULT '' CONSTRAINT appointment_note CHECK (length(note) <= 2000),
    booked_by         TEXT    NOT NULL CONSTRAINT appointment_booked_by CHECK (booked_by IN ('person', 'ai', 'customer')),
    booked_by_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cancel_reason     TEXT,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT appointment_times CHECK (ends_at > starts_at AND blocked_from <= starts_at AND blocked_until >= ends_at)
);
-- The overlap check: one staff member's live bookings by time.
CREATE INDEX appointments_staff_live ON appointments (staff_user_id, blocked_from, blocked_until)
    WHERE status IN ('booked', 'confirmed');
CREATE INDEX appointments_tenant_start ON appointments (tenant_id, starts_at);
CREATE INDEX appointments_lead ON appointments (lead_id, starts_at);

-- The customer's reminder of an appointment: one row per appointment, claimed
-- exactly once by the scheduler like alerts (pending -> claimed -> sent).
CREATE TABLE appointment_reminders (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    appointment_id  INTEGER NOT NULL UNIQUE REFERENCES appointments(id) ON DELETE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CONSTRAINT appointment_reminder_status CHECK (status IN ('pending', 'claimed', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claim_token     TEXT,
    claimed_at      TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX appointment_reminders_due ON appointment_reminders (next_attempt_at) WHERE status = 'pending';
CREATE INDEX appointment_reminders_claimed ON appointment_reminders (claimed_at) WHERE status = 'claimed';

-- A staff member's calendar feed: only the SHA-256 of its random token is kept.
CREATE TABLE ics_tokens (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The appointment kinds on the timeline; SQLite cannot change a CHECK in place,
-- so the table is rebuilt (no other table or trigger names it).
PRAGMA legacy_alter_table = ON;
CREATE TABLE lead_activities_v8 (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id       INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CONSTRAINT activity_kind CHECK (kind IN ('created', 'status_change', 'note',
                      'message_in', 'message_out', 'call', 'reminder_set', 'reminder_fired', 'ai_reply', 'ai_error',
                      'updated', 'ai_action', 'ai_paused', 'ai_resumed', 'call_summary', 'voicemail', 'assigned',
                      'appointment_booked', 'appointment_rescheduled', 'appointment_confirmed',
                      'appointment_cancelled', 'appointment_completed', 'appointment_no_show')),
    body          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    impersonating INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO lead_activities_v8 SELECT id, tenant_id, lead_id, kind, body, data, actor_user_id, impersonating, created_at
    FROM lead_activities;
DROP TABLE lead_activities;
ALTER TABLE lead_activities_v8 RENAME TO lead_activities;
CREATE INDEX lead_activities_lead ON lead_activities (lead_id, id DESC);
PRAGMA legacy_alter_table = OFF;

-- version: 9
-- Fewer pages written per change (each is a 4 KiB write to the WAL, synced).

-- The activity-ordered indexes ascend: a new or active lead is appended at
-- the right edge of the index (one page filled in place) instead of inserted
-- at its left edge, where every insert split pages. `ORDER BY ... DESC` reads
-- them backwards. New leads (status `new`) are not in the status index: the
-- list finds them by walking the activity index, where they are the newest.
DROP INDEX IF EXISTS leads_tenant_activity;
DROP INDEX IF EXISTS leads_tenant_status_activity;
DROP INDEX IF EXISTS leads_activity;
DROP INDEX IF EXISTS leads_tenant_assignee;
CREATE INDEX leads_tenant_activity ON leads (tenant_id, last_activity_at, id);
CREATE INDEX leads_tenant_status_activity ON leads (tenant_id, status, last_activity_at, id) WHERE status <> 'new';
CREATE INDEX leads_activity ON leads (last_activity_at, id);
CREATE INDEX leads_tenant_assignee ON leads (tenant_id, assignee_user_id, last_activity_at, id)
    WHERE assignee_user_id IS NOT NULL;

-- New leads join the search index and the totals in batches. Leads with an
-- id above `leads_indexed.through_id` are in neither yet; the server adds them
-- (one index segment, one upsert per total) once there are enough of them. A
-- lead whose searched text changed is noted in `search_index_pending` until
-- then. A search checks those few leads' own text, and a total counts them,
-- so answers are the same as with every lead indexed at once.
DROP TRIGGER IF EXISTS leads_fts_ai;
DROP TRIGGER IF EXISTS leads_fts_ai_deferred;
DROP TRIGGER IF EXISTS leads_fts_au;
DROP TRIGGER IF EXISTS leads_fts_au_deferred;
DROP TABLE search_index_mode;
CREATE TABLE leads_indexed (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    through_id INTEGER NOT NULL
);
INSERT INTO leads_indexed (id, through_id) VALUES (1, coalesce((SELECT max(id) FROM leads), 0));
DELETE FROM leads_fts WHERE rowid IN (SELECT (l.tenant_id << 32) | l.id FROM search_index_pending p JOIN leads l ON l.id = p.lead_id);
INSERT INTO leads_fts (rowid, text)
SELECT (l.tenant_id << 32) | l.id, l.first_name || ' ' || l.last_name || ' ' || coalesce(l.phone_e164, '') || ' '
       || coalesce(l.whatsapp_id, '') || ' ' || coalesce(l.email, '')
FROM search_index_pending p JOIN leads l ON l.id = p.lead_id;
DELETE FROM search_index_pending;
-- A lead inserted with an explicit id at or below the mark is noted instead.
CREATE TRIGGER leads_search_ai AFTER INSERT ON leads
WHEN new.id <= (SELECT through_id FROM leads_indexed WHERE id = 1) BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;
-- An UPDATE naming a column fires its triggers even when the value stays the
-- same (a status change writes every field of a patch): only real changes count.
CREATE TRIGGER leads_search_au AFTER UPDATE OF first_name, last_name, phone_e164, whatsapp_id, email ON leads
WHEN new.id <= (SELECT through_id FROM leads_indexed WHERE id = 1)
     AND (old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
          OR old.phone_e164 IS NOT new.phone_e164 OR old.whatsapp_id IS NOT new.whatsapp_id
          OR old.email IS NOT new.email) BEGIN
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;
-- A lead never changes business; if one did, its entry under the old key goes at once.
CREATE TRIGGER leads_search_moved AFTER UPDATE OF tenant_id ON leads WHEN old.tenant_id <> new.tenant_id BEGIN
    DELETE FROM leads_fts WHERE rowid = (old.tenant_id << 32) | old.id;
    INSERT OR IGNORE INTO search_index_pending (lead_id, is_new) VALUES (new.id, 0);
END;
DROP TRIGGER IF EXISTS lead_counts_ai;
DROP TRIGGER IF EXISTS lead_counts_ad;
DROP TRIGGER IF EXISTS lead_counts_au;
CREATE TRIGGER lead_counts_ai AFTER INSERT ON leads
WHEN new.id <= (SELECT through_id FROM leads_indexed WHERE id = 1) BEGIN
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;
-- Deleting the newest counted leads also lowers the mark, so that a new
-- lead given a freed id again is not taken as counted and indexed.
CREATE TRIGGER lead_counts_ad AFTER DELETE ON leads
WHEN old.id <= (SELECT through_id FROM leads_indexed WHERE id = 1) BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
    UPDATE leads_indexed SET through_id = coalesce((SELECT max(id) FROM leads), 0)
    WHERE id = 1 AND through_id > coalesce((SELECT max(id) FROM leads), 0);
END;
CREATE TRIGGER lead_counts_au AFTER UPDATE OF tenant_id, status, source ON leads
WHEN new.id <= (SELECT through_id FROM leads_indexed WHERE id = 1)
     AND (old.tenant_id <> new.tenant_id OR old.status <> new.status OR old.source <> new.source) BEGIN
    UPDATE lead_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source;
    INSERT INTO lead_counts (tenant_id, status, source, n) VALUES (new.tenant_id, new.status, new.source, 1)
    ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + 1;
END;

-- Each lead's latest message (the list's preview: the first 200 characters,
-- direction, AI, delivery status, time) is kept on the lead by the message
-- writes, instead of looked up for every listed lead. A new message always
-- has the highest id, so it is the latest.
ALTER TABLE leads ADD COLUMN last_message TEXT CHECK (last_message IS NULL OR json_valid(last_message));
UPDATE leads SET last_message = (
    SELECT json_object('body', substr(m.body, 1, 200), 'direction', m.direction,
                       'is_ai', json(iif(m.is_ai, 'true', 'false')), 'status', m.status, 'at', m.created_at)
    FROM messages m WHERE m.lead_id = leads.id ORDER BY m.id DESC LIMIT 1);
CREATE TRIGGER messages_last_message_ai AFTER INSERT ON messages BEGIN
    UPDATE leads SET last_message = json_object('body', substr(new.body, 1, 200), 'direction', new.direction,
        'is_ai', json(iif(new.is_ai, 'true', 'false')), 'status', new.status, 'at', new.created_at)
    WHERE id = new.lead_id;
END;
CREATE TRIGGER messages_last_message_au AFTER UPDATE OF lead_id, body, direction, is_ai, status, created_at ON messages
WHEN new.id = (SELECT max(id) FROM messages WHERE lead_id = new.lead_id) BEGIN
    UPDATE leads SET last_message = json_object('body', substr(new.body, 1, 200), 'direction', new.direction,
        'is_ai', json(iif(new.is_ai, 'true', 'false')), 'status', new.status, 'at', new.created_at)
    WHERE id = new.lead_id;
END;
CREATE TRIGGER messages_last_message_ad AFTER DELETE ON messages
WHEN old.id > coalesce((SELECT max(id) FROM messages WHERE lead_id = old.lead_id), 0) BEGIN
    UPDATE leads SET last_message = (
        SELECT json_object('body', substr(m.body, 1, 200), 'direction', m.direction,
                           'is_ai', json(iif(m.is_ai, 'true', 'false')), 'status', m.status, 'at', m.created_at)
        FROM messages m WHERE m.lead_id = old.lead_id ORDER BY m.id DESC LIMIT 1)
    WHERE id = old.lead_id;
END;

-- version: 10
-- The owner's dashboard, merging duplicate leads, scheduled sends and follow-ups.

-- Two timeline kinds: `merged` (another lead was folded into this one) and
-- `message_scheduled` (a send queued for later, or its cancellation). SQLite
-- cannot change a CHECK in place, so the table is rebuilt, with its index
-- and the one trigger below.
PRAGMA legacy_alter_table = ON;
CREATE TABLE lead_activities_v10 (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id       INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CONSTRAINT activity_kind CHECK (kind IN ('created', 'status_change', 'note',
                      'message_in', 'message_out', 'call', 'reminder_set', 'reminder_fired', 'ai_reply', 'ai_error',
                      'updated', 'ai_action', 'ai_paused', 'ai_resumed', 'call_summary', 'voicemail', 'assigned',
                      'appointment_booked', 'appointment_rescheduled', 'appointment_confirmed',
                      'appointment_cancelled', 'appointment_completed', 'appointment_no_show',
                      'merged', 'message_scheduled')),
    body          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    impersonating INTEGER NOT NULL DEFAULT 0 CHECK (impersonating IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO lead_activities_v10 SELECT id, tenant_id, lead_id, kind, body, data, actor_user_id, impersonating, created_at
    FROM lead_activities;
DROP TABLE lead_activities;
ALTER TABLE lead_activities_v10 RENAME TO lead_activities;
CREATE INDEX lead_activities_lead ON lead_activities (lead_id, id DESC);
PRAGMA legacy_alter_table = OFF;

-- The dashboard reads ranges of a business's leads and bookings by when they were made.
CREATE INDEX leads_tenant_created ON leads (tenant_id, created_at, source);
CREATE INDEX appointments_tenant_created ON appointments (tenant_id, created_at);
-- Duplicates are found by email whatever its case.
CREATE INDEX leads_tenant_email ON leads (tenant_id, lower(email)) WHERE email IS NOT NULL;

-- One row per conversation (a lead that wrote to us), kept by triggers so
-- the dashboard reads a range of rows instead of every message: when the
-- customer first wrote, our first reply after that (a person's or the AI's,
-- once it went out), whether each ever replied, and whether the AI was
-- paused on the lead (a handoff or a person taking over). A person's reply
-- is one sent by a signed-in user; the system's own texts are neither.
CREATE TABLE conversations (
    lead_id        INTEGER PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    started_at     TEXT    NOT NULL,
    first_reply_at TEXT,
    first_reply_by TEXT    CONSTRAINT conversation_reply_by CHECK (first_reply_by IN ('person', 'ai')),
    -- Milliseconds from started_at to first_reply_at (read without date arithmetic per row).
    reply_ms       INTEGER,
    ai_replied     INTEGER NOT NULL DEFAULT 0,
    person_replied INTEGER NOT NULL DEFAULT 0,
    handed_off     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_tenant_started ON conversations
    (tenant_id, started_at, first_reply_by, reply_ms, ai_replied, person_replied, handed_off);
INSERT INTO conversations (lead_id, tenant_id, started_at)
SELECT lead_id, tenant_id, min(created_at) FROM messages WHERE direction = 'in' GROUP BY lead_id;
UPDATE conversations SET
    first_reply_at = (SELECT m.created_at FROM messages m WHERE m.lead_id = conversations.lead_id
        AND m.direction = 'out' AND m.status NOT IN ('pending', 'failed')
        AND (m.is_ai = 1 OR m.author_user_id IS NOT NULL) AND m.created_at >= conversations.started_at
        ORDER BY m.created_at, m.id LIMIT 1),
    first_reply_by = (SELECT iif(m.is_ai, 'ai', 'person') FROM messages m WHERE m.lead_id = conversations.lead_id
        AND m.direction = 'out' AND m.status NOT IN ('pending', 'failed')
        AND (m.is_ai = 1 OR m.author_user_id IS NOT NULL) AND m.created_at >= conversations.started_at
        ORDER BY m.created_at, m.id LIMIT 1),
    ai_replied = EXISTS (SELECT 1 FROM messages m WHERE m.lead_id = conversations.lead_id AND m.direction = 'out'
        AND m.is_ai = 1 AND m.status NOT IN ('pending', 'failed') AND m.created_at >= conversations.started_at),
    person_replied = EXISTS (SELECT 1 FROM messages m WHERE m.lead_id = conversations.lead_id AND m.direction = 'out'
        AND m.is_ai = 0 AND m.author_user_id IS NOT NULL AND m.status NOT IN ('pending', 'failed')
        AND m.created_at >= conversations.started_at),
    handed_off = EXISTS (SELECT 1 FROM lead_activities a WHERE a.lead_id = conversations.lead_id AND a.kind = 'ai_paused');
UPDATE conversations SET reply_ms = CAST(round((julianday(first_reply_at) - julianday(started_at)) * 86400000) AS INTEGER)
WHERE first_reply_at IS NOT NULL;
CREATE TRIGGER conversations_started AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    INSERT INTO conversations (lead_id, tenant_id, started_at) VALUES (new.lead_id, new.tenant_id, new.created_at)
    ON CONFLICT (lead_id) DO NOTHING;
END;
CREATE TRIGGER conversations_reply_inserted AFTER INSERT ON messages
WHEN new.direction = 'out' AND new.status NOT IN ('pending', 'failed') AND (new.is_ai = 1 OR new.author_user_id IS NOT NULL) BEGIN
    UPDATE conversations SET first_reply_at = coalesce(first_reply_at, new.created_at),
        first_reply_by = coalesce(first_reply_by, iif(new.is_ai, 'ai', 'person')),
        reply_ms = coalesce(reply_ms,
            CAST(round((julianday(new.created_at) - julianday(started_at)) * 86400000) AS INTEGER)),
        ai_replied = max(ai_replied, new.is_ai), person_replied = max(person_replied, 1 - new.is_ai)
    WHERE lead_id = new.lead_id AND started_at <= new.created_at;
END;
CREATE TRIGGER conversations_reply_sent AFTER UPDATE OF status ON messages
WHEN new.direction = 'out' AND old.status IN ('pending', 'failed') AND new.status NOT IN ('pending', 'failed')
     AND (new.is_ai = 1 OR new.author_user_id IS NOT NULL) BEGIN
    UPDATE conversations SET first_reply_at = coalesce(first_reply_at, new.created_at),
        first_reply_by = coalesce(first_reply_by, iif(new.is_ai, 'ai', 'person')),
        reply_ms = coalesce(reply_ms,
            CAST(round((julianday(new.created_at) - julianday(started_at)) * 86400000) AS INTEGER)),
        ai_replied = max(ai_replied, new.is_ai), person_replied = max(person_replied, 1 - new.is_ai)
    WHERE lead_id = new.lead_id AND started_at <= new.created_at;
END;
CREATE TRIGGER conversations_handed_off AFTER INSERT ON lead_activities WHEN new.kind = 'ai_paused' BEGIN
    UPDATE conversations SET handed_off = 1 WHERE lead_id = new.lead_id AND handed_off = 0;
END;

-- Messages to send later: a person's scheduled send, or a step of the
-- business's follow-up sequence. Claimed exactly once by the scheduler like
-- reminders (pending -> claimed -> sent | failed); `cancelled` until then.
CREATE TABLE scheduled_messages (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id         INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CONSTRAINT scheduled_kind CHECK (kind IN ('scheduled', 'follow_up')),
    step            INTEGER CONSTRAINT scheduled_step CHECK (step IS NULL OR step BETWEEN 1 AND 3),
    body            TEXT    NOT NULL,
    send_at         TEXT    NOT NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CONSTRAINT scheduled_status CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claim_token     TEXT,
    claimed_at      TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    message_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX scheduled_messages_due ON scheduled_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX scheduled_messages_claimed ON scheduled_messages (claimed_at) WHERE status = 'claimed';
CREATE INDEX scheduled_messages_lead ON scheduled_messages (lead_id, send_at);

-- Leads who asked for no more follow-ups (an opt-out word as a whole message).
CREATE TABLE follow_up_opt_outs (
    lead_id    INTEGER PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Any reply ends a lead's follow-up sequence, an opt-out word for good; so
-- does a won, lost or archived status.
CREATE TRIGGER follow_ups_replied AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    UPDATE scheduled_messages SET status = 'cancelled', last_error = 'the customer replied',
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE lead_id = new.lead_id AND kind = 'follow_up' AND status = 'pending';
    INSERT OR IGNORE INTO follow_up_opt_outs (lead_id) SELECT new.lead_id
    WHERE lower(trim(new.body, ' .!' || char(9, 10, 13))) IN ('הסר', 'stop');
END;
CREATE TRIGGER follow_ups_closed AFTER UPDATE OF status ON leads WHEN new.status IN ('won', 'lost', 'archived') BEGIN
    UPDATE scheduled_messages SET status = 'cancelled', last_error = 'the lead is ' || new.status,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE lead_id = new.id AND kind = 'follow_up' AND status = 'pending';
END;
-- version: 11
-- Media of WhatsApp messages, kept in the data file (one row per file).
-- An inbound file is recorded with its message as `pending` (where to fetch it
-- from in `source`) and fetched after the webhook is answered, through the
-- same claim life cycle as alerts: `pending` -> `claimed` -> `stored`, or back
-- to `pending` with a later attempt, or `failed` (a note stays on the
-- timeline; `too_large` when over the size limit). Staff uploads are stored
-- at once. The bytes are a BLOB; `transcript` is what a voice note says.
CREATE TABLE media (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lead_id         INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    message_id      INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    provider        TEXT    NOT NULL CHECK (provider IN ('twilio', 'baileys', 'upload')),
    kind            TEXT    NOT NULL CHECK (kind IN ('image', 'audio', 'video', 'document', 'sticker')),
    content_type    TEXT    NOT NULL DEFAULT 'application/octet-stream',
    file_name       TEXT,
    source          TEXT    NOT NULL DEFAULT '',
    size            INTEGER,
    bytes           BLOB,
    transcript      TEXT,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'claimed', 'stored', 'failed', 'too_large')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    claim_token     TEXT,
    claimed_at      TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX media_due ON media (next_attempt_at) WHERE status = 'pending';
CREATE INDEX media_claimed ON media (claimed_at) WHERE status = 'claimed';
CREATE INDEX media_message ON media (message_id);
CREATE INDEX media_lead ON media (lead_id);

-- Each business's WhatsApp link through the bridge, as the bridge last told
-- us: `open`, `connecting` or `close`, the QR code (a data: URL) or pairing
-- code to link a phone with while it is not open.
CREATE TABLE whatsapp_links (
    tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    state        TEXT    NOT NULL DEFAULT 'close' CHECK (state IN ('open', 'connecting', 'close')),
    qr           TEXT,
    pairing_code TEXT,
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- version: 12
-- The voice agent measured and calling out. A call keeps its turn latencies
-- (JSON {median, max, turns}); a stream token can be issued again later in a
-- call (a transfer nobody answered comes back to the AI), so its age counts
-- from its issue; `agent_context` is what the AI is told when that stream
-- starts (the unanswered transfer, a callback's note) and `whisper` what the
-- person hears before a transfer connects. A reminder may ask for a call
-- (`call`), placed by the scheduler, whose outcome it keeps.
ALTER TABLE calls ADD COLUMN turn_latency TEXT CHECK (turn_latency IS NULL OR json_valid(turn_latency));
ALTER TABLE calls ADD COLUMN token_issued_at TEXT;
ALTER TABLE calls ADD COLUMN agent_context TEXT;
ALTER TABLE calls ADD COLUMN whisper TEXT;
ALTER TABLE calls ADD COLUMN reminder_id INTEGER REFERENCES lead_reminders(id) ON DELETE SET NULL;
CREATE INDEX calls_outbound ON calls (tenant_id, started_at) WHERE direction = 'outbound';
CREATE INDEX calls_reminder ON calls (reminder_id) WHERE reminder_id IS NOT NULL;
ALTER TABLE lead_reminders ADD COLUMN call INTEGER NOT NULL DEFAULT 0 CHECK (call IN (0, 1));
ALTER TABLE lead_reminders ADD COLUMN call_outcome TEXT
    CHECK (call_outcome IS NULL OR call_outcome IN ('person', 'machine', 'no_answer', 'busy', 'failed'));

-- version: 13
-- One update of the lead per message: the time of the customer's (or our)
-- latest message, the last activity and the latest message's preview were
-- kept by two triggers, which rewrote the lead's row twice per message.
DROP TRIGGER messages_last_inbound;
DROP TRIGGER messages_last_outbound;
DROP TRIGGER messages_last_message_ai;
CREATE TRIGGER messages_lead_inbound AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    UPDATE leads SET
        last_inbound_at = iif(last_inbound_at IS NULL OR last_inbound_at < new.created_at,
                              new.created_at, last_inbound_at),
        last_activity_at = max(last_activity_at, new.created_at),
        last_message = json_object('body', substr(new.body, 1, 200), 'direction', new.direction,
            'is_ai', json(iif(new.is_ai, 'true', 'false')), 'status', new.status, 'at', new.created_at)
    WHERE id = new.lead_id;
END;
CREATE TRIGGER messages_lead_outbound AFTER INSERT ON messages WHEN new.direction = 'out' BEGIN
    UPDATE leads SET
        last_outbound_at = iif(last_outbound_at IS NULL OR last_outbound_at < new.created_at,
                               new.created_at, last_outbound_at),
        last_activity_at = max(last_activity_at, new.created_at),
        last_message = json_object('body', substr(new.body, 1, 200), 'direction', new.direction,
            'is_ai', json(iif(new.is_ai, 'true', 'false')), 'status', new.status, 'at', new.created_at)
    WHERE id = new.lead_id;
END;

-- version: 14
-- The dashboard's counts per business and UTC day, kept by triggers, so a
-- year's dashboard reads a few rows per day instead of every lead, call and
-- conversation. A business's local day is a range of UTC instants; the
-- reader sums the whole UTC days inside it and corrects each edge from the
-- base tables (exact in any time zone). `metric` and `key`:
--   lead          source            leads by created_at
--   call          person|ai|voicemail|missed   inbound calls by started_at
--                                   (a call still ringing or in progress counts once answered or over)
--   booked        person|ai|customer   appointments by created_at
--   appt          confirmed|cancelled|no_show   appointments by starts_at
--   conv          ''                conversations by started_at
--   ai_alone      ''                of those, the AI replied and no person did, no handoff
--   reply_ai, reply_person   bucket   first replies by the conversation's started_at,
--                                   in seconds: whole seconds below a minute, whole
--                                   minutes below an hour, whole hours above
-- The day leads the key, so one write's rows sit together on today's leaf
-- page; a trigger writes only when a row's contribution changed. Counts
-- may fall to 0 and stay (the reader skips them).
CREATE TABLE dashboard_days (
    tenant_id INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    metric    TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, metric, key)
) WITHOUT ROWID;

-- A conversation's share of the rollup, computed once here.
ALTER TABLE conversations ADD COLUMN ai_alone INTEGER
    GENERATED ALWAYS AS (ai_replied = 1 AND person_replied = 0 AND handed_off = 0) VIRTUAL;
ALTER TABLE conversations ADD COLUMN reply_bucket TEXT GENERATED ALWAYS AS (
    CASE WHEN first_reply_by IS NULL OR reply_ms IS NULL THEN NULL
         WHEN reply_ms < 60000 THEN CAST(max(reply_ms, 0) / 1000 AS TEXT)
         WHEN reply_ms < 3600000 THEN CAST(reply_ms / 60000 * 60 AS TEXT)
         ELSE CAST(reply_ms / 3600000 * 3600 AS TEXT) END) VIRTUAL;

-- The rows already there.
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(created_at, 1, 10), 'lead', source, count(*) FROM leads GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 10), 'call', coalesce(answered_by, 'missed'), count(*) FROM calls
WHERE direction = 'inbound' AND (answered_by IS NOT NULL OR status NOT IN ('ringing', 'in_progress')) GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(created_at, 1, 10), 'booked', booked_by, count(*) FROM appointments GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(starts_at, 1, 10), 'appt', status, count(*) FROM appointments
WHERE status IN ('confirmed', 'cancelled', 'no_show') GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 10), 'conv', '', count(*) FROM conversations GROUP BY 1, 2;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 10), 'ai_alone', '', count(*) FROM conversations WHERE ai_alone GROUP BY 1, 2;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 10), 'reply_' || first_reply_by, reply_bucket, count(*) FROM conversations
WHERE reply_bucket IS NOT NULL GROUP BY 1, 2, 3, 4;

CREATE TRIGGER dashboard_lead_added AFTER INSERT ON leads BEGIN
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.created_at, 1, 10), 'lead', new.source, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_lead_removed AFTER DELETE ON leads BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day = substr(old.created_at, 1, 10) AND metric = 'lead' AND key = old.source;
END;
CREATE TRIGGER dashboard_lead_changed AFTER UPDATE OF tenant_id, created_at, source ON leads
WHEN old.tenant_id != new.tenant_id OR substr(old.created_at, 1, 10) != substr(new.created_at, 1, 10)
     OR old.source != new.source BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day = substr(old.created_at, 1, 10) AND metric = 'lead' AND key = old.source;
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.created_at, 1, 10), 'lead', new.source, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A call's outcome: NULL while it does not count (outbound, or still ringing or in progress).
CREATE TRIGGER dashboard_call_added AFTER INSERT ON calls
WHEN new.direction = 'inbound' AND (new.answered_by IS NOT NULL OR new.status NOT IN ('ringing', 'in_progress')) BEGIN
    INSERT INTO dashboard_days VALUES
        (new.tenant_id, substr(new.started_at, 1, 10), 'call', coalesce(new.answered_by, 'missed'), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_call_removed AFTER DELETE ON calls
WHEN old.direction = 'inbound' AND (old.answered_by IS NOT NULL OR old.status NOT IN ('ringing', 'in_progress')) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'call' AND key = coalesce(old.answered_by, 'missed');
END;
CREATE TRIGGER dashboard_call_changed AFTER UPDATE OF tenant_id, direction, status, answered_by, started_at ON calls
WHEN (old.direction = 'inbound' AND (old.answered_by IS NOT NULL OR old.status NOT IN ('ringing', 'in_progress')))
         IS NOT (new.direction = 'inbound' AND (new.answered_by IS NOT NULL OR new.status NOT IN ('ringing', 'in_progress')))
     OR old.answered_by IS NOT new.answered_by OR old.tenant_id != new.tenant_id
     OR substr(old.started_at, 1, 10) != substr(new.started_at, 1, 10) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'call' AND key = coalesce(old.answered_by, 'missed')
        AND old.direction = 'inbound' AND (old.answered_by IS NOT NULL OR old.status NOT IN ('ringing', 'in_progress'));
    INSERT INTO dashboard_days
    SELECT new.tenant_id, substr(new.started_at, 1, 10), 'call', coalesce(new.answered_by, 'missed'), 1
    WHERE new.direction = 'inbound' AND (new.answered_by IS NOT NULL OR new.status NOT IN ('ringing', 'in_progress'))
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_appointment_added AFTER INSERT ON appointments BEGIN
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.created_at, 1, 10), 'booked', new.booked_by, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, substr(new.starts_at, 1, 10), 'appt', new.status, 1
    WHERE new.status IN ('confirmed', 'cancelled', 'no_show')
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_appointment_removed AFTER DELETE ON appointments BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.created_at, 1, 10)
        AND metric = 'booked' AND key = old.booked_by;
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.starts_at, 1, 10)
        AND metric = 'appt' AND key = old.status;
END;
CREATE TRIGGER dashboard_appointment_booked_changed AFTER UPDATE OF tenant_id, created_at, booked_by ON appointments
WHEN old.tenant_id != new.tenant_id OR substr(old.created_at, 1, 10) != substr(new.created_at, 1, 10)
     OR old.booked_by != new.booked_by BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.created_at, 1, 10)
        AND metric = 'booked' AND key = old.booked_by;
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.created_at, 1, 10), 'booked', new.booked_by, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_appointment_status_changed AFTER UPDATE OF tenant_id, starts_at, status ON appointments
WHEN (old.status IN ('confirmed', 'cancelled', 'no_show') OR new.status IN ('confirmed', 'cancelled', 'no_show'))
     AND (old.status != new.status OR old.tenant_id != new.tenant_id
          OR substr(old.starts_at, 1, 10) != substr(new.starts_at, 1, 10)) BEGIN
    -- Only the three counted states have rows, so the other states match none.
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.starts_at, 1, 10)
        AND metric = 'appt' AND key = old.status;
    INSERT INTO dashboard_days SELECT new.tenant_id, substr(new.starts_at, 1, 10), 'appt', new.status, 1
    WHERE new.status IN ('confirmed', 'cancelled', 'no_show')
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_conversation_added AFTER INSERT ON conversations BEGIN
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.started_at, 1, 10), 'conv', '', 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, substr(new.started_at, 1, 10), 'ai_alone', '', 1 WHERE new.ai_alone
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days
    SELECT new.tenant_id, substr(new.started_at, 1, 10), 'reply_' || new.first_reply_by, new.reply_bucket, 1
    WHERE new.reply_bucket IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_conversation_removed AFTER DELETE ON conversations BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'conv' AND key = '';
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'ai_alone' AND key = '' AND old.ai_alone;
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'reply_' || old.first_reply_by AND key = old.reply_bucket;
END;
-- The message triggers update a conversation on every reply; most change nothing here.
CREATE TRIGGER dashboard_conversation_moved AFTER UPDATE OF tenant_id, started_at ON conversations
WHEN old.tenant_id != new.tenant_id OR substr(old.started_at, 1, 10) != substr(new.started_at, 1, 10) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'conv' AND key = '';
    INSERT INTO dashboard_days VALUES (new.tenant_id, substr(new.started_at, 1, 10), 'conv', '', 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_conversation_alone_changed AFTER UPDATE ON conversations
WHEN old.ai_alone != new.ai_alone OR (old.ai_alone AND (old.tenant_id != new.tenant_id
         OR substr(old.started_at, 1, 10) != substr(new.started_at, 1, 10))) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'ai_alone' AND key = '' AND old.ai_alone;
    INSERT INTO dashboard_days SELECT new.tenant_id, substr(new.started_at, 1, 10), 'ai_alone', '', 1 WHERE new.ai_alone
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_conversation_reply_changed AFTER UPDATE ON conversations
WHEN old.first_reply_by IS NOT new.first_reply_by OR old.reply_bucket IS NOT new.reply_bucket
     OR (old.reply_bucket IS NOT NULL AND (old.tenant_id != new.tenant_id
         OR substr(old.started_at, 1, 10) != substr(new.started_at, 1, 10))) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.started_at, 1, 10)
        AND metric = 'reply_' || old.first_reply_by AND key = old.reply_bucket;
    INSERT INTO dashboard_days
    SELECT new.tenant_id, substr(new.started_at, 1, 10), 'reply_' || new.first_reply_by, new.reply_bucket, 1
    WHERE new.reply_bucket IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- version: 15
-- Duplicates by email are found through the search index (each lead's email
-- is part of its indexed text), so no index of emails is written with every lead.
DROP INDEX leads_tenant_email;

-- version: 16
-- Fewer indexes written with every lead, message and booking.
-- The platform admin's list reads each business's activity index and merges
-- them, so there is no platform-wide one. The dashboard's partial days (a
-- local midnight to the nearest UTC midnight) are summed from quarter-hour
-- rows of the rollup instead of index ranges over leads, bookings and
-- conversations by creation, kept only for that (the conversations' index
-- goes with their table below): each count the dashboard corrects at the
-- edges also goes to a row whose `day` is the UTC quarter hour it falls in,
-- `YYYY-MM-DDTHH:MM` (every time zone's midnight is on a quarter hour).
-- Those rows sort inside their day, next to its day rows, so a write finds
-- both on one page. Calls and appointments by start keep the indexes they
-- have for other readers.
DROP INDEX leads_activity;
DROP INDEX leads_tenant_created;
DROP INDEX appointments_tenant_created;

INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(created_at, 1, 14) || printf('%02d', substr(created_at, 15, 2) / 15 * 15), 'lead', source, count(*) FROM leads GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(created_at, 1, 14) || printf('%02d', substr(created_at, 15, 2) / 15 * 15), 'booked', booked_by, count(*) FROM appointments GROUP BY 1, 2, 4;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 14) || printf('%02d', substr(started_at, 15, 2) / 15 * 15), 'conv', '', count(*) FROM conversations GROUP BY 1, 2;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 14) || printf('%02d', substr(started_at, 15, 2) / 15 * 15), 'ai_alone', '', count(*) FROM conversations WHERE ai_alone GROUP BY 1, 2;
INSERT INTO dashboard_days (tenant_id, day, metric, key, n)
SELECT tenant_id, substr(started_at, 1, 14) || printf('%02d', substr(started_at, 15, 2) / 15 * 15), 'reply_' || first_reply_by, reply_bucket, count(*) FROM conversations
WHERE reply_bucket IS NOT NULL GROUP BY 1, 2, 3, 4;

DROP TRIGGER dashboard_lead_added;
DROP TRIGGER dashboard_lead_removed;
DROP TRIGGER dashboard_lead_changed;
CREATE TRIGGER dashboard_lead_added AFTER INSERT ON leads BEGIN
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'lead', new.source, 1 FROM (VALUES (substr(new.created_at, 1, 10)), (substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15))) g
    WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_lead_removed AFTER DELETE ON leads BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day IN (substr(old.created_at, 1, 10), substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15)) AND metric = 'lead' AND key = old.source;
END;
CREATE TRIGGER dashboard_lead_changed AFTER UPDATE OF tenant_id, created_at, source ON leads
WHEN old.tenant_id != new.tenant_id OR old.source != new.source
     OR substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15) != substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15) BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day IN (substr(old.created_at, 1, 10), substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15)) AND metric = 'lead' AND key = old.source;
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'lead', new.source, 1 FROM (VALUES (substr(new.created_at, 1, 10)), (substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15))) g
    WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
END;

DROP TRIGGER dashboard_appointment_added;
DROP TRIGGER dashboard_appointment_removed;
DROP TRIGGER dashboard_appointment_booked_changed;
CREATE TRIGGER dashboard_appointment_added AFTER INSERT ON appointments BEGIN
    INSERT INTO dashboard_days
    SELECT new.tenant_id, g.column1, 'booked', new.booked_by, 1 FROM (VALUES (substr(new.created_at, 1, 10)), (substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15))) g
    WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, substr(new.starts_at, 1, 10), 'appt', new.status, 1
    WHERE new.status IN ('confirmed', 'cancelled', 'no_show')
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_appointment_removed AFTER DELETE ON appointments BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day IN (substr(old.created_at, 1, 10), substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15))
        AND metric = 'booked' AND key = old.booked_by;
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day = substr(old.starts_at, 1, 10)
        AND metric = 'appt' AND key = old.status;
END;
CREATE TRIGGER dashboard_appointment_booked_changed AFTER UPDATE OF tenant_id, created_at, booked_by ON appointments
WHEN old.tenant_id != new.tenant_id OR old.booked_by != new.booked_by
     OR substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15) != substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15) BEGIN
    UPDATE dashboard_days SET n = n - 1 WHERE tenant_id = old.tenant_id AND day IN (substr(old.created_at, 1, 10), substr(old.created_at, 1, 14) || printf('%02d', substr(old.created_at, 15, 2) / 15 * 15))
        AND metric = 'booked' AND key = old.booked_by;
    INSERT INTO dashboard_days
    SELECT new.tenant_id, g.column1, 'booked', new.booked_by, 1 FROM (VALUES (substr(new.created_at, 1, 10)), (substr(new.created_at, 1, 14) || printf('%02d', substr(new.created_at, 15, 2) / 15 * 15))) g
    WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A lead's conversation moves onto the lead's row (written with every
-- message anyway), so no row of another table is written per message:
-- `conv_started_at` when the customer first wrote (NULL: no conversation),
-- our first reply after it, whether the AI or a person ever replied, and
-- whether the AI was paused on the lead. Same rules as before.
ALTER TABLE leads ADD COLUMN conv_started_at TEXT;
ALTER TABLE leads ADD COLUMN conv_first_reply_at TEXT;
ALTER TABLE leads ADD COLUMN conv_first_reply_by TEXT
    CONSTRAINT conversation_reply_by CHECK (conv_first_reply_by IN ('person', 'ai'));
-- Milliseconds from conv_started_at to conv_first_reply_at.
ALTER TABLE leads ADD COLUMN conv_reply_ms INTEGER;
ALTER TABLE leads ADD COLUMN conv_ai_replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN conv_person_replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN conv_handed_off INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN conv_ai_alone INTEGER GENERATED ALWAYS AS (conv_started_at IS NOT NULL
    AND conv_ai_replied = 1 AND conv_person_replied = 0 AND conv_handed_off = 0) VIRTUAL;
ALTER TABLE leads ADD COLUMN conv_reply_bucket TEXT GENERATED ALWAYS AS (
    CASE WHEN conv_first_reply_by IS NULL OR conv_reply_ms IS NULL THEN NULL
         WHEN conv_reply_ms < 60000 THEN CAST(max(conv_reply_ms, 0) / 1000 AS TEXT)
         WHEN conv_reply_ms < 3600000 THEN CAST(conv_reply_ms / 60000 * 60 AS TEXT)
         ELSE CAST(conv_reply_ms / 3600000 * 3600 AS TEXT) END) VIRTUAL;
UPDATE leads SET conv_started_at = c.started_at, conv_first_reply_at = c.first_reply_at,
    conv_first_reply_by = c.first_reply_by, conv_reply_ms = c.reply_ms, conv_ai_replied = c.ai_replied,
    conv_person_replied = c.person_replied, conv_handed_off = c.handed_off
FROM conversations c WHERE c.lead_id = leads.id;
-- The table's own triggers go with it; the rollup's rows stay as they are.
DROP TRIGGER conversations_started;
DROP TRIGGER conversations_reply_inserted;
DROP TRIGGER conversations_reply_sent;
DROP TRIGGER conversations_handed_off;
DROP TABLE conversations;

DROP TRIGGER messages_lead_inbound;
CREATE TRIGGER messages_lead_inbound AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    UPDATE leads SET
        last_inbound_at = iif(last_inbound_at IS NULL OR last_inbound_at < new.created_at,
                              new.created_at, last_inbound_at),
        last_activity_at = max(last_activity_at, new.created_at),
        last_message = json_object('body', substr(new.body, 1, 200), 'direction', new.direction,
            'is_ai', json(iif(new.is_ai, 'true', 'false')), 'status', new.status, 'at', new.created_at),
        conv_started_at = coalesce(conv_started_at, new.created_at)
    WHERE id = new.lead_id;
END;
CREATE TRIGGER conversation_reply_inserted AFTER INSERT ON messages
WHEN new.direction = 'out' AND new.status NOT IN ('pending', 'failed') AND (new.is_ai = 1 OR new.author_user_id IS NOT NULL) BEGIN
    UPDATE leads SET conv_first_reply_at = coalesce(conv_first_reply_at, new.created_at),
        conv_first_reply_by = coalesce(conv_first_reply_by, iif(new.is_ai, 'ai', 'person')),
        conv_reply_ms = coalesce(conv_reply_ms,
            CAST(round((julianday(new.created_at) - julianday(conv_started_at)) * 86400000) AS INTEGER)),
        conv_ai_replied = max(conv_ai_replied, new.is_ai), conv_person_replied = max(conv_person_replied, 1 - new.is_ai)
    WHERE id = new.lead_id AND conv_started_at <= new.created_at;
END;
CREATE TRIGGER conversation_reply_sent AFTER UPDATE OF status ON messages
WHEN new.direction = 'out' AND old.status IN ('pending', 'failed') AND new.status NOT IN ('pending', 'failed')
     AND (new.is_ai = 1 OR new.author_user_id IS NOT NULL) BEGIN
    UPDATE leads SET conv_first_reply_at = coalesce(conv_first_reply_at, new.created_at),
        conv_first_reply_by = coalesce(conv_first_reply_by, iif(new.is_ai, 'ai', 'person')),
        conv_reply_ms = coalesce(conv_reply_ms,
            CAST(round((julianday(new.created_at) - julianday(conv_started_at)) * 86400000) AS INTEGER)),
        conv_ai_replied = max(conv_ai_replied, new.is_ai), conv_person_replied = max(conv_person_replied, 1 - new.is_ai)
    WHERE id = new.lead_id AND conv_started_at <= new.created_at;
END;
CREATE TRIGGER conversation_handed_off AFTER INSERT ON lead_activities WHEN new.kind = 'ai_paused' BEGIN
    UPDATE leads SET conv_handed_off = 1
    WHERE id = new.lead_id AND conv_handed_off = 0 AND conv_started_at IS NOT NULL;
END;

-- A conversation's share of the rollup: out with the old, in with the new,
-- whenever what it counts for changed.
CREATE TRIGGER dashboard_conversation_added AFTER INSERT ON leads WHEN new.conv_started_at IS NOT NULL BEGIN
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'conv', '', 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'ai_alone', '', 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE new.conv_ai_alone ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'reply_' || new.conv_first_reply_by,
        new.conv_reply_bucket, 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE new.conv_reply_bucket IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dashboard_conversation_removed AFTER DELETE ON leads WHEN old.conv_started_at IS NOT NULL BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day IN (substr(old.conv_started_at, 1, 10), substr(old.conv_started_at, 1, 14) || printf('%02d', substr(old.conv_started_at, 15, 2) / 15 * 15))
      AND ((metric = 'conv' AND key = '') OR (metric = 'ai_alone' AND key = '' AND old.conv_ai_alone)
           OR (metric = 'reply_' || old.conv_first_reply_by AND key = old.conv_reply_bucket));
END;
CREATE TRIGGER dashboard_conversation_changed AFTER UPDATE OF tenant_id, conv_started_at, conv_first_reply_by,
    conv_reply_ms, conv_ai_replied, conv_person_replied, conv_handed_off ON leads
WHEN old.tenant_id != new.tenant_id OR old.conv_started_at IS NOT new.conv_started_at
     OR old.conv_ai_alone != new.conv_ai_alone OR old.conv_first_reply_by IS NOT new.conv_first_reply_by
     OR old.conv_reply_bucket IS NOT new.conv_reply_bucket BEGIN
    UPDATE dashboard_days SET n = n - 1
    WHERE tenant_id = old.tenant_id AND day IN (substr(old.conv_started_at, 1, 10), substr(old.conv_started_at, 1, 14) || printf('%02d', substr(old.conv_started_at, 15, 2) / 15 * 15))
      AND ((metric = 'conv' AND key = '') OR (metric = 'ai_alone' AND key = '' AND old.conv_ai_alone)
           OR (metric = 'reply_' || old.conv_first_reply_by AND key = old.conv_reply_bucket));
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'conv', '', 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE new.conv_started_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'ai_alone', '', 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE new.conv_ai_alone ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_days SELECT new.tenant_id, g.column1, 'reply_' || new.conv_first_reply_by,
        new.conv_reply_bucket, 1 FROM (VALUES (substr(new.conv_started_at, 1, 10)), (substr(new.conv_started_at, 1, 14) || printf('%02d', substr(new.conv_started_at, 15, 2) / 15 * 15))) g
    WHERE new.conv_reply_bucket IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- The search walk reads a business's leads in activity order and checks
-- each one's searched text: the activity index carries that text, so the
-- walk reads the index alone.
DROP INDEX leads_tenant_activity;
CREATE INDEX leads_tenant_activity ON leads
    (tenant_id, last_activity_at, id, first_name, last_name, phone_e164, whatsapp_id, email);

-- version: 17

-- A lead's id is never given to another lead: links, notifications and the
-- audit log name leads by id, and a merged or deleted lead stays 404.
-- SQLite gives a new row the highest id plus one, so deleting the newest
-- lead would free its id; the highest id ever deleted is kept here, and
-- `store::leads::insert` starts a new lead's id above it. Only deletes write
-- it, so creating a lead writes no extra page.
CREATE TABLE lead_id_floor (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    high INTEGER NOT NULL
);
INSERT INTO lead_id_floor (id, high) VALUES (1, 0);
CREATE TRIGGER lead_id_floor_ad AFTER DELETE ON leads BEGIN
    UPDATE lead_id_floor SET high = old.id WHERE id = 1 AND high < old.id;
END;
