-- 发证记录: who received each certificate of a case and on which blank it was printed. One row per
-- certificate, written in the 发证 transaction. The 证书印制号 (the serial printed on the blank
-- certificate paper) is used once in the office; the receiver's ID number is sealed (SM4) with a
-- blind index (HMAC-SM3) and kept masked for display.
CREATE TABLE certificate_issuances (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    certificate_number TEXT NOT NULL UNIQUE REFERENCES certificates (number),
    print_serial TEXT NOT NULL UNIQUE,
    recipient_name TEXT NOT NULL,
    id_kind TEXT NOT NULL,
    id_number_enc TEXT NOT NULL,
    id_number_bidx TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    relation TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE INDEX certificate_issuances_case ON certificate_issuances (case_id);
-- The certificates of one case, for 发证.
CREATE INDEX certificates_case ON certificates (case_id);

-- The register tells an online applicant of every change of his case by SMS: its own job kind
-- hears its own topic (see bdc_registry::service::events::ONLINE_CASE_MOVED).
INSERT INTO outbox_subscriptions (topic, job_kind) VALUES ('online_case_moved', 'sms.case_state');
