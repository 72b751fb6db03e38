ALTER TABLE secrets ADD COLUMN replica_of TEXT;
ALTER TABLE secrets ADD COLUMN replica_seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE replicas (
    secret_pk INTEGER NOT NULL REFERENCES secrets (pk) ON DELETE CASCADE,
    region TEXT NOT NULL,
    position INTEGER NOT NULL,
    kms_key_id TEXT,
    status TEXT NOT NULL,
    status_message TEXT,
    last_accessed_date REAL,
    initiator TEXT NOT NULL,
    force_overwrite INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (secret_pk, region)
);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    secret_arn TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    committed_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox (next_attempt, seq);
