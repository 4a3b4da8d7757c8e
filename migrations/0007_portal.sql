-- 线上苏小登 (the public portal): real-name accounts linked to their party, one-time codes,
-- online applications, and the log of public queries (查询监管, C1.4).

CREATE TABLE portal_accounts (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    phone_enc TEXT NOT NULL,
    phone_bidx TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX portal_accounts_party ON portal_accounts (party_id);

CREATE TABLE sms_codes (
    id {{id}},
    phone_bidx TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX sms_codes_phone ON sms_codes (phone_bidx, purpose, id);

-- The public user who applied online (NULL for counter cases).
ALTER TABLE cases ADD COLUMN submitted_by BIGINT;
CREATE INDEX cases_submitted_by ON cases (submitted_by);

CREATE TABLE public_queries (
    id {{id}},
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id BIGINT,
    client TEXT NOT NULL,
    query TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX public_queries_at ON public_queries (at);
