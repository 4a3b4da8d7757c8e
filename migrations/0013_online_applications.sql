-- 网上申请与共同申请确认: an online application is kept here from the moment it is made until
-- every co-applicant named in it has confirmed it from his own real-name account (the online
-- equivalent of signing the 申请书, 《不动产登记暂行条例》第十四条), and afterwards with the
-- case it became, so the confirmations stay with the case.

CREATE TABLE online_applications (
    id {{id}},
    -- The public account that applied, and the party it applied for (itself or a principal).
    user_id BIGINT NOT NULL REFERENCES users (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    flow_code TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    -- awaiting (待确认), submitted (已提交登记机构), declined (已拒绝), refused (未能提交).
    state TEXT NOT NULL,
    -- The whole request, as the case will be opened with it (JSON).
    request TEXT NOT NULL,
    case_id BIGINT REFERENCES cases (id),
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX online_applications_user ON online_applications (user_id, id);
CREATE INDEX online_applications_case ON online_applications (case_id);

CREATE TABLE application_confirmations (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES online_applications (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    -- The roles the party is named in (权利人, 义务人, 抵押权人 …), comma separated codes.
    roles TEXT NOT NULL,
    -- pending (待确认), confirmed (已确认), declined (已拒绝).
    state TEXT NOT NULL,
    -- The account that confirmed or declined, when it did, and why it declined.
    user_id BIGINT REFERENCES users (id),
    decided_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (application_id, party_id)
);
CREATE INDEX application_confirmations_party ON application_confirmations (party_id, state);
