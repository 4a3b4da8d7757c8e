//! Test support (feature `testing`, never in production builds): fixtures a test sets up
//! without going through the identity authority, and what it reads back to check a flow.

use chrono::Utc;

use bdc_db::{AnyConnection, StoreResult};

pub use crate::store::verifications::{NewVerification, Verification};

/// Records a verification as the authority would have answered it.
pub async fn record_verification(conn: &mut AnyConnection, v: &NewVerification<'_>) -> StoreResult<i64> {
    crate::store::verifications::insert(conn, v, Utc::now()).await
}

/// Links public account `user_id` to `party_id` with `phone` (sealed by `cipher`) — proven by
/// `verification`, or unproven (`None`) as accounts were linked before real names were proven.
pub async fn link(conn: &mut AnyConnection, cipher: &bdc_crypto::FieldCipher, user_id: i64, party_id: i64, verification: Option<i64>, phone: &str) -> StoreResult<()> {
    crate::store::links::insert_account(conn, user_id, party_id, verification, &cipher.encrypt(phone), &cipher.blind_index(phone), &bdc_core::masking::mask_phone(phone), Utc::now()).await
}

/// The verifications recorded for an ID number (by its blind index), newest first.
pub async fn verifications_of(conn: &mut AnyConnection, id_number_bidx: &str, limit: i64) -> StoreResult<Vec<Verification>> {
    crate::store::verifications::of_id_number(conn, id_number_bidx, limit).await
}
