-- Registry core: parcels, buildings, units, parties, rights and restrictions (projections of
-- the journal), the SM3-chained journal, certificate sequences, cases, rules.

CREATE TABLE parcels (
    code TEXT PRIMARY KEY,
    county_code TEXT NOT NULL,
    location TEXT NOT NULL,
    area DOUBLE PRECISION NOT NULL,
    land_use TEXT NOT NULL,
    right_nature TEXT NOT NULL,
    term_start TEXT,
    term_end TEXT,
    created_at TEXT NOT NULL
);

-- 自然幢: a building on a parcel; units of kind F name it by its 4-digit 幢号.
CREATE TABLE buildings (
    id {{id}},
    parcel_code TEXT NOT NULL REFERENCES parcels (code),
    building_no TEXT NOT NULL,
    name TEXT NOT NULL,
    floors BIGINT NOT NULL,
    structure TEXT NOT NULL,
    completed_year BIGINT,
    created_at TEXT NOT NULL,
    UNIQUE (parcel_code, building_no)
);

CREATE TABLE units (
    id {{id}},
    unit_number TEXT NOT NULL UNIQUE,
    parcel_code TEXT NOT NULL REFERENCES parcels (code),
    building_no TEXT,
    room_no TEXT,
    location TEXT NOT NULL,
    area DOUBLE PRECISION,
    house_use TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX units_parcel ON units (parcel_code);
CREATE INDEX units_location ON units (location);

CREATE TABLE parties (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'institution', 'state_organ')),
    name TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number_enc TEXT NOT NULL,
    id_number_bidx TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (id_type, id_number_bidx)
);
CREATE INDEX parties_name ON parties (name);

CREATE TABLE rights (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    state BIGINT NOT NULL,
    co_ownership TEXT NOT NULL,
    certificate_number TEXT,
    details TEXT NOT NULL,
    registered_seq BIGINT NOT NULL,
    ended_seq BIGINT,
    case_id BIGINT,
    predecessor_id BIGINT
);
CREATE INDEX rights_unit_state ON rights (unit_id, state);
CREATE INDEX rights_certificate ON rights (certificate_number);

CREATE TABLE right_holders (
    right_id BIGINT NOT NULL REFERENCES rights (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    share TEXT NOT NULL,
    PRIMARY KEY (right_id, party_id)
);
CREATE INDEX right_holders_party ON right_holders (party_id);

CREATE TABLE certificates (
    number TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    right_id BIGINT NOT NULL,
    case_id BIGINT,
    status TEXT NOT NULL CHECK (status IN ('valid', 'void')),
    issued_seq BIGINT NOT NULL,
    voided_seq BIGINT
);
CREATE INDEX certificates_right ON certificates (right_id);

CREATE TABLE certificate_sequences (
    authority TEXT NOT NULL,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (authority, year, kind)
);

-- The register's ledger: one row per 登簿, chained by SM3. journal_head holds the tip and is
-- the single row every registration updates, which orders them.
CREATE TABLE journal (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    case_id BIGINT,
    actor TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE journal_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- @sqlite
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
-- @postgres
CREATE FUNCTION bdc_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal is append-only';
END
$$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
FOR EACH ROW EXECUTE FUNCTION bdc_journal_append_only();
-- @end

CREATE TABLE cases (
    id {{id}},
    case_number TEXT NOT NULL UNIQUE,
    flow_code TEXT NOT NULL,
    state TEXT NOT NULL,
    channel TEXT NOT NULL,
    county_code TEXT NOT NULL,
    request TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    accepted_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    paused_since TEXT,
    state_reason TEXT NOT NULL DEFAULT '',
    review_report TEXT,
    registered_seq BIGINT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_state ON cases (state, deadline);

CREATE TABLE case_units (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    seen_version BIGINT NOT NULL,
    PRIMARY KEY (case_id, unit_id)
);
CREATE INDEX case_units_unit ON case_units (unit_id);

CREATE TABLE case_applicants (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    role TEXT NOT NULL CHECK (role IN ('right_holder', 'obligor', 'agent')),
    share TEXT NOT NULL,
    PRIMARY KEY (case_id, party_id, role)
);

CREATE TABLE case_events (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

CREATE TABLE rules (
    id {{id}},
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    check_name TEXT NOT NULL,
    params TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('block', 'warn', 'consent')),
    legal_basis TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    retired_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE rule_evaluations (
    id {{id}},
    case_id BIGINT NOT NULL,
    stage TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    rule_version BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX rule_evaluations_case ON rule_evaluations (case_id);
