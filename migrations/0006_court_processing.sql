-- Court network seizure processing (法院网络查控, A5.2–A5.4): one row per property of a court
-- request, the unit it matched, what was registered or why not, and its receipt (回执).
-- Online requests and offline deliveries entered at the counter share this queue, ordered by
-- delivery time per unit.

ALTER TABLE court_requests ADD COLUMN source TEXT NOT NULL DEFAULT 'online';

CREATE TABLE court_properties (
    request_number TEXT NOT NULL REFERENCES court_requests (number),
    seq TEXT NOT NULL,
    action TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    unit_id BIGINT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'registered', 'refused', 'quarantined', 'manual')),
    reason TEXT NOT NULL DEFAULT '',
    case_id BIGINT,
    business_number TEXT NOT NULL DEFAULT '',
    waiting BIGINT NOT NULL DEFAULT 0,
    actual_start TEXT NOT NULL DEFAULT '',
    actual_end TEXT NOT NULL DEFAULT '',
    processed_at TEXT,
    receipt_state TEXT NOT NULL DEFAULT 'none' CHECK (receipt_state IN ('none', 'due', 'sent', 'paper')),
    receipt_due TEXT,
    receipt_next_at TEXT,
    receipt_attempts BIGINT NOT NULL DEFAULT 0,
    receipt_error TEXT NOT NULL DEFAULT '',
    receipt_sent_at TEXT,
    PRIMARY KEY (request_number, seq)
);
CREATE INDEX court_properties_queue ON court_properties (status, delivered_at);
CREATE INDEX court_properties_receipts ON court_properties (receipt_state, receipt_due);
CREATE INDEX court_properties_unit ON court_properties (unit_id);

-- The SM3 digest of each fetched message: the front-end repeats its pending requests until they
-- are answered, and a message already kept is not kept twice.
ALTER TABLE court_messages ADD COLUMN digest TEXT NOT NULL DEFAULT '';
CREATE INDEX court_messages_digest ON court_messages (digest);
