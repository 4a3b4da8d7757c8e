-- Real-time reporting to the province (接入报文): one message per registered unit per 登簿,
-- with what was sent and what came back. Raw responses are stored before they are parsed.

CREATE TABLE report_messages (
    id {{id}},
    biz_msg_id TEXT NOT NULL UNIQUE,
    journal_seq BIGINT NOT NULL,
    case_id BIGINT,
    unit_id BIGINT NOT NULL,
    area_code TEXT NOT NULL,
    rec_type TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sent', 'accepted', 'rejected', 'quarantined')),
    response_raw TEXT,
    response_code TEXT,
    response_info TEXT,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    -- 'report' (实时上报), 'supplement' (补报) or 'resend' (重报), and the message it repeats.
    kind TEXT NOT NULL DEFAULT 'report',
    resend_of BIGINT
);
CREATE INDEX report_messages_state ON report_messages (state);
CREATE INDEX report_messages_seq_unit ON report_messages (journal_seq, unit_id);

-- Reconciliation (销账): the province's daily list of inconsistent records, one item each, to be
-- cleared within 5 working days.
CREATE TABLE reconciliation_items (
    id {{id}},
    list_date TEXT NOT NULL,
    biz_msg_id TEXT NOT NULL,
    case_number TEXT NOT NULL,
    unit_number TEXT NOT NULL,
    response_code TEXT NOT NULL,
    response_info TEXT NOT NULL,
    cause BIGINT NOT NULL CHECK (cause IN (1, 2, 3, 4)),
    status BIGINT NOT NULL CHECK (status IN (1, 2, 3, 4)),
    deadline TEXT NOT NULL,
    resend_biz_msg_id TEXT,
    raw TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (list_date, biz_msg_id, unit_number)
);
CREATE INDEX reconciliation_items_status ON reconciliation_items (status, deadline);

-- Issuance-data normalisation rules (签发数据组织, A4.4), applied in order before data leaves.
CREATE TABLE issuance_rules (
    id {{id}},
    table_name TEXT NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL,
    param TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
