-- Real-name verifications (实名核验记录): every check put to the identity authority (公安 人证比对,
-- the enterprise registry), matched or not, with the authority's signed answer as its proof. A
-- public account is real-name linked to a party only through a matched verification; accounts
-- linked before this migration (by a register lookup) have none and see nothing until verified.
CREATE TABLE identity_verifications (
    id {{id}},
    -- person | enterprise
    subject TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number_bidx TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    name TEXT NOT NULL,
    -- enterprise: the 法定代表人's verification
    representative_of BIGINT REFERENCES identity_verifications (id),
    -- match | name_mismatch | not_found | photo_mismatch | representative_mismatch
    outcome TEXT NOT NULL,
    score BIGINT NOT NULL,
    authority TEXT NOT NULL,
    serial TEXT NOT NULL,
    answer TEXT NOT NULL,
    signature TEXT NOT NULL,
    purpose TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX identity_verifications_bidx ON identity_verifications (id_number_bidx, id);

ALTER TABLE portal_accounts ADD COLUMN verification_id BIGINT REFERENCES identity_verifications (id);
-- One person, one verified account: a second verified sign-up for the same party fails here
-- even when two race.
CREATE UNIQUE INDEX portal_accounts_verified ON portal_accounts (party_id) WHERE verification_id IS NOT NULL;
