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
    UNIQUE (journal_seq, unit_id)
);
CREATE INDEX report_messages_state ON report_messages (state);
