-- 申请材料: the files handed in with an application (scans, photos, PDFs), kept in the file
-- store and described here; online application drafts (网上申请草稿); and the authorisations
-- (授权委托书) under which a portal agent (代理) applies for a principal.

-- A file belongs to a case, or to a draft until the draft is submitted (then it moves to the
-- case). `sm3` is the digest of the bytes as received, so a copy can be checked later.
CREATE TABLE attachments (
    id {{id}},
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    material_code TEXT NOT NULL,
    file_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sm3 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id, id);

CREATE TABLE application_drafts (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    flow_code TEXT NOT NULL,
    form TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX application_drafts_user ON application_drafts (user_id, id);

CREATE TABLE agent_authorisations (
    id {{id}},
    agent_user_id BIGINT NOT NULL REFERENCES users (id),
    principal_party_id BIGINT NOT NULL REFERENCES parties (id),
    matters TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    document_id BIGINT NOT NULL REFERENCES attachments (id),
    revoked BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX agent_authorisations_agent ON agent_authorisations (agent_user_id, id);

-- 登记资料档案查询: a party's own past cases.
CREATE INDEX case_applicants_party ON case_applicants (party_id);
