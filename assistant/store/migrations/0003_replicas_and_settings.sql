-- The replicas serving from this database: what each serves (a digest of its index) and
-- when it last said it was alive, so a replica can refuse to serve beside others that
-- answer from another corpus, embedder or model; and settings they share (the key pages'
-- conversations are signed with).
CREATE TABLE replicas (
    name        TEXT PRIMARY KEY,
    serves      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
