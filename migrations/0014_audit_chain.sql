-- The audit log hash-chained like the journal (审计日志哈希链): each row's hash is
-- SM3(previous hash ‖ the row's canonical text), and `audit_head` holds the tip, updated in the
-- transaction that appends the row (which also orders appends on both engines). Rows written
-- before this migration keep empty hashes: the chain starts after them.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
