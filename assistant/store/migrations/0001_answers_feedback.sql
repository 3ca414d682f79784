-- Answer records and the feedback given on them: the schema of version 1. "IF NOT EXISTS"
-- because SQLite databases written before migrations existed already hold these tables.
CREATE TABLE IF NOT EXISTS answers (
    id           {id},
    question     TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    answer       TEXT NOT NULL,
    citations    TEXT NOT NULL,
    rule_id      TEXT,
    rule_version INTEGER,
    corpus_hash  TEXT NOT NULL,
    embedder_id  TEXT NOT NULL,
    timings      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id           {id},
    answer_id    INTEGER NOT NULL REFERENCES answers(id),
    kind         TEXT NOT NULL CHECK (kind IN ('up', 'down', 'citation_wrong')),
    citation_key TEXT,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    CHECK ((kind = 'citation_wrong') = (citation_key IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
