//! Real-name verification (实名核验) through the identity authority.
//!
//! A public account is tied to a party of the register only by a matched verification recorded
//! here: the authority's signed answer that the name belongs to the ID number and that the live
//! photo is that person (公安 人证比对), or, for an enterprise or institution, that the registry
//! knows the credit code under that name with that 法定代表人, whose own person check matched.
//! Knowing a name and a number proves nothing, and the register is never asked whether they fit.
//!
//! Every check is recorded, matched or not, in its own short write: the record of having asked
//! the authority must survive whatever the caller does next.

use chrono::Utc;

use bdc_adapters::identity::{photo_kind, EnterpriseCheck, IdentityError, Outcome, PersonCheck};
use bdc_core::masking::mask_id_number;
use bdc_registry::Services;

use crate::store::verifications::{self as store, NewVerification};

use bdc_core::{ServiceError, ServiceResult};

/// A recorded check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub verification_id: i64,
    /// Whether it proves the identity: the authority's match, and for a person a score at least
    /// the office's least score.
    pub matched: bool,
}

/// Refuses at once when no authority is connected, before anything (a code's try) is spent.
pub fn require_authority(s: &Services) -> ServiceResult<()> {
    authority(s).map(|_| ())
}

fn authority(s: &Services) -> ServiceResult<&std::sync::Arc<dyn bdc_adapters::identity::IdentityAuthority>> {
    s.identity.as_ref().ok_or_else(|| ServiceError::Unavailable("实名核验服务尚未接通，暂不能办理实名注册，请稍后再试或到登记窗口办理".into()))
}

fn unavailable(e: &IdentityError) -> ServiceError {
    tracing::warn!(error = %e, "identity authority");
    ServiceError::Unavailable("实名核验服务暂时不可用，请稍后再试".into())
}

/// Checks that the photo is one the authority takes; the error names the `field`.
pub fn check_photo(field: &str, photo: &[u8]) -> ServiceResult<()> {
    if photo.is_empty() {
        return Err(ServiceError::field("photo_required", field, "请拍摄或上传本人正面免冠照片（人证比对）"));
    }
    if photo_kind(photo).is_none() {
        return Err(ServiceError::field("bad_photo", field, "照片须为 1 KB 至 2 MB 的 JPEG 或 PNG 图片"));
    }
    Ok(())
}

/// 人证比对 of a person; `id_number` is a validated 公民身份号码.
#[tracing::instrument(name = "verify_person", skip_all, fields(purpose = %purpose))]
pub async fn verify_person(s: &Services, name: &str, id_number: &str, photo: &[u8], purpose: &str, requested_by: &str) -> ServiceResult<Checked> {
    let authority = authority(s)?;
    let check = PersonCheck { name: name.to_owned(), id_number: id_number.to_owned(), photo: photo.to_vec() };
    let answer = authority.verify_person(&check).await.map_err(|e| unavailable(&e))?;
    let matched = answer.answer.result == Outcome::Match && answer.answer.score >= s.security.identity_min_score;
    let verification_id = record(
        s,
        Subject::Person { id_number, name },
        None,
        answer.answer.result,
        i64::from(answer.answer.score),
        (authority.name(), &answer.answer.serial, &answer.body, &answer.signature),
        purpose,
        requested_by,
    )
    .await?;
    Ok(Checked { verification_id, matched })
}

/// An enterprise or institution: its 法定代表人 by 人证比对, then the registry's record of the
/// credit code, name and representative. `credit_code` and `representative_id` are validated.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "verify_enterprise", skip_all, fields(purpose = %purpose))]
pub async fn verify_enterprise(
    s: &Services,
    credit_code: &str,
    name: &str,
    representative_name: &str,
    representative_id: &str,
    photo: &[u8],
    purpose: &str,
    requested_by: &str,
) -> ServiceResult<Checked> {
    let person = verify_person(s, representative_name, representative_id, photo, purpose, requested_by).await?;
    let authority = authority(s)?;
    let (outcome, serial, body, signature) = if person.matched {
        let check =
            EnterpriseCheck { credit_code: credit_code.to_owned(), name: name.to_owned(), representative_name: representative_name.to_owned(), representative_id: representative_id.to_owned() };
        let a = authority.verify_enterprise(&check).await.map_err(|e| unavailable(&e))?;
        (a.answer.result, a.answer.serial, a.body, a.signature)
    } else {
        // The representative was not proven: the registry is not asked.
        (Outcome::RepresentativeMismatch, String::new(), String::new(), String::new())
    };
    let verification_id = record(s, Subject::Enterprise { credit_code, name }, Some(person.verification_id), outcome, 0, (authority.name(), &serial, &body, &signature), purpose, requested_by).await?;
    Ok(Checked { verification_id, matched: person.matched && outcome == Outcome::Match })
}

/// Whom a verification is about.
enum Subject<'a> {
    Person { id_number: &'a str, name: &'a str },
    Enterprise { credit_code: &'a str, name: &'a str },
}

/// Records a check in its own short write. `proof` is `(authority, serial, signed answer, signature)`.
#[allow(clippy::too_many_arguments)]
async fn record(
    s: &Services,
    subject: Subject<'_>,
    representative_of: Option<i64>,
    outcome: Outcome,
    score: i64,
    proof: (&str, &str, &str, &str),
    purpose: &str,
    requested_by: &str,
) -> ServiceResult<i64> {
    let (kind, id_type, number, name) = match subject {
        Subject::Person { id_number, name } => ("person", "1", id_number, name),
        Subject::Enterprise { credit_code, name } => ("enterprise", "8", credit_code, name),
    };
    let bidx = s.cipher().blind_index(number);
    let masked = mask_id_number(number);
    let (authority, serial, answer, signature) = proof;
    let v = NewVerification {
        subject: kind,
        id_type,
        id_number_bidx: &bidx,
        id_number_masked: &masked,
        name,
        representative_of,
        outcome: outcome.as_str(),
        score,
        authority,
        serial,
        answer,
        signature,
        purpose,
        requested_by,
    };
    let mut conn = s.db.conn().await?;
    Ok(store::insert(&mut conn, &v, Utc::now()).await?)
}
