-- A write id chosen by the writer, so a write retried after a lost acknowledgement lands
-- once; the follow-up context of an answer, so any replica can continue a conversation; and
-- the reviewers' actions on flagged feedback, each with who and when.
ALTER TABLE answers ADD COLUMN write_id TEXT;
ALTER TABLE answers ADD COLUMN context TEXT NOT NULL DEFAULT '[]';
ALTER TABLE feedback ADD COLUMN write_id TEXT;
CREATE UNIQUE INDEX answers_write_id ON answers(write_id);
CREATE UNIQUE INDEX feedback_write_id ON feedback(write_id);
CREATE TABLE reviews (
    id           {id},
    feedback_id  INTEGER NOT NULL REFERENCES feedback(id),
    verdict      TEXT NOT NULL CHECK (verdict IN ('wrong_citation', 'wrong_answer', 'fine')),
    accepted     INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    candidate    TEXT,
    reviewer     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    write_id     TEXT,
    created_at   TEXT NOT NULL,
    CHECK ((accepted = 1) = (candidate IS NOT NULL))
);
CREATE UNIQUE INDEX reviews_write_id ON reviews(write_id);
CREATE INDEX reviews_feedback ON reviews(feedback_id);
