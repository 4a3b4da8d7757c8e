-- Court network seizure intake (法院网络查控): every fetched message is stored raw before it is
-- read; requests are kept once by their number; a message that cannot be read is quarantined
-- with its reason.

CREATE TABLE court_messages (
    id {{id}},
    fetched_at TEXT NOT NULL,
    raw TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('stored', 'parsed', 'quarantined')),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX court_messages_status ON court_messages (status);

CREATE TABLE court_requests (
    number TEXT PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES court_messages (id),
    court TEXT NOT NULL,
    case_number TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX court_requests_delivered ON court_requests (delivered_at);
