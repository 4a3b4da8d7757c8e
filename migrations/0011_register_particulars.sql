-- The particulars of parties and units that registrations change (A1.5, issue 11).
--
-- A party's name is changed only by a registration (姓名或名称变更登记): each change is a row
-- here, with the case and journal entry that made it, so the register can say who a holder was
-- called on any day. `parties.name` is the current name. A unit's 坐落 changed by a 坐落变更 is
-- recorded in the journal entry of that case and written to `units.location`.

CREATE TABLE party_names (
    id {{id}},
    party_id BIGINT NOT NULL REFERENCES parties (id),
    -- The name before and after the change.
    previous_name TEXT NOT NULL,
    name TEXT NOT NULL,
    case_id BIGINT REFERENCES cases (id),
    journal_seq BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX party_names_party ON party_names (party_id, id);
CREATE INDEX case_units_unit_case ON case_units (unit_id, case_id);
