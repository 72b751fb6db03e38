CREATE TABLE region_states (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    status TEXT NOT NULL,
    since REAL NOT NULL,
    PRIMARY KEY (account_id, region)
);
