-- 利害关系人查询 (B5): a public user asks to see a property's registration facts because they
-- have a stake in it (litigant, creditor, prospective buyer or tenant …). The registry reviews
-- the stated relation and its evidence, then approves or refuses; only after approval does the
-- applicant see the limited result. Every application and every viewing is also logged in
-- public_queries (kind 'interest').

CREATE TABLE interest_applications (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    -- How the property was named: unit (不动产单元号), location (坐落) or certificate (证书号).
    property_kind TEXT NOT NULL,
    -- As typed by the applicant.
    property_text TEXT NOT NULL,
    -- The unit it matched when submitted (NULL when nothing matched; never shown to the applicant).
    unit_id BIGINT REFERENCES units (id),
    -- litigant 诉讼当事人, creditor 债权人, buyer_tenant 拟购买人/承租人, other 其他.
    relation TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- submitted 待审核, approved 已同意, refused 已拒绝.
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'refused')),
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT,
    decision_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX interest_applications_user ON interest_applications (user_id, id);
CREATE INDEX interest_applications_state ON interest_applications (state, id);

CREATE TABLE interest_evidence (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES interest_applications (id),
    -- 1-based position within the application.
    seq BIGINT NOT NULL,
    -- Key in the FileStore (interest/{application}/{seq}.{ext}).
    file_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sm3 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (application_id, seq)
);

-- Installations that already have the 查询 role get its new default grant; a fresh database
-- has no roles yet here and receives it from the seeding of default grants after migrations.
INSERT INTO role_permissions (role_code, permission)
SELECT code, 'interest.review' FROM roles
WHERE code = 'query'
  AND NOT EXISTS (SELECT 1 FROM role_permissions WHERE role_code = 'query' AND permission = 'interest.review');
