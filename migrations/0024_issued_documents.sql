-- 出具文书: every notice printed for a case or a person (受理回执, 补正告知书, 退件告知书, 申请书,
-- 查询结果证明), one row per print, written in the issuing transaction. The document's own number
-- (e.g. HZ202612040001) is what its signed QR code names; the row lets the verification page say
-- the document was really issued, with these facts, and the SM3 digest of the PDF that was handed
-- out shows whether a file presented later is that one. Nothing personal is kept in clear: the
-- subject and summary are masked as printed.
CREATE TABLE issued_documents (
    id {{id}},
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    case_id BIGINT REFERENCES cases (id),
    subject TEXT NOT NULL,
    summary TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE INDEX issued_documents_case ON issued_documents (case_id);
