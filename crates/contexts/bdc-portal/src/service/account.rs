//! The public account's own view (我的): its proven party, the flows it may apply for, its cases
//! and their progress (办件进度), its certificates (我的证书) and the results of its cases.
//!
//! A public account is tied to one party (当事人) only through a real-name verification by the
//! identity authority — sign-up and 实名认证 are the identity context's (`bdc-identity`); here the
//! link is read through the register's directory port (`Services.directory`).

use bdc_core::access::Realm;
use bdc_registry::domain::catalogue::{self, Channel, Flow};
use bdc_registry::register_api::{cases, registry};
use bdc_registry::service::directory::AccountLink;

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::Services;

/// The public user's proven link to his party; an error for staff or accounts without one.
pub async fn account_of(s: &Services, actor: &Actor) -> ServiceResult<AccountLink> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("仅限公众账户".into()));
    }
    let mut conn = s.db.conn().await?;
    s.directory.link(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证".into()))
}

/// Whether the public account must first prove its real name (实名认证): it was signed up
/// before real-name was proven. Staff never do.
pub async fn awaits_real_name(s: &Services, actor: &Actor) -> ServiceResult<bool> {
    if actor.realm != Realm::Public {
        return Ok(false);
    }
    let mut conn = s.db.conn().await?;
    s.directory.awaits_real_name(&mut conn, actor.user_id).await
}

/// The channels a public account applies through (B4).
pub fn channels_of(actor: &Actor) -> Vec<Channel> {
    let mut out = Vec::new();
    for r in &actor.roles {
        match r.as_str() {
            "person" | "agent" => out.push(Channel::Individual),
            "enterprise" => out.extend([Channel::Enterprise, Channel::Developer]),
            "institution" => out.extend([Channel::Bank, Channel::Developer, Channel::HousingAuthority]),
            _ => {}
        }
    }
    out.dedup();
    out
}

/// The flows the user may apply for online.
pub fn flows_for(actor: &Actor) -> Vec<&'static Flow> {
    let channels = channels_of(actor);
    catalogue::flows().iter().filter(|f| f.channels.iter().any(|c| channels.contains(c))).collect()
}

/// The user's applications with their progress (办件进度), newest first.
pub async fn my_cases(s: &Services, actor: &Actor) -> ServiceResult<Vec<cases::CaseRecord>> {
    account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let mut out = Vec::new();
    for id in cases::cases_submitted_by(&mut conn, actor.user_id).await? {
        if let Some(c) = cases::get_case(&mut conn, id).await? {
            out.push(c);
        }
    }
    Ok(out)
}

/// One of the user's applications, with its 办理记录 (补正、退件 reasons among them): each step
/// named, with who took it (the applicant, or the office — never a staff member's name).
pub async fn my_case(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(cases::CaseRecord, Vec<cases::CaseStep>)> {
    account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    if !cases::cases_submitted_by(&mut conn, actor.user_id).await?.contains(&id) {
        return Err(ServiceError::NotFound("办件不存在".into()));
    }
    let case = cases::get_case(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound("办件不存在".into()))?;
    let events = cases::steps_of(s, &mut conn, &case).await?;
    Ok((case, events))
}

/// The user's certificates and proofs: `(number, kind, status, right id, unit id)`.
pub async fn my_certificates(s: &Services, actor: &Actor) -> ServiceResult<Vec<(String, String, String, i64, i64)>> {
    let account = account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    Ok(registry::certificates_of_party(&mut conn, account.party_id).await?)
}

/// The result of one of the user's cases (办理结果): the certificates and proofs it produced
/// that are the user's (or his principal's), `(number, kind)`.
pub async fn case_result(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Vec<(String, String)>> {
    let (case, _) = my_case(s, actor, id).await?;
    let mut conn = s.db.conn().await?;
    let mut out = Vec::new();
    for (unit_id, _) in &case.units {
        for r in registry::rights_of_unit(&mut conn, *unit_id, false).await? {
            if r.case_id == Some(case.id) {
                if let Some(n) = r.view.certificate {
                    if case.applicants.iter().any(|(p, _, _)| r.view.holders.iter().any(|h| h.party_id == *p)) {
                        out.push((n, r.view.kind.name().to_owned()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Whether the user may download the certificate or proof `number` (电子证书下载): it is his
/// party's, or a result of one of his own cases (an agent's principal's certificate).
pub async fn may_download_certificate(s: &Services, actor: &Actor, number: &str) -> ServiceResult<bool> {
    if my_certificates(s, actor).await?.iter().any(|c| c.0 == number) {
        return Ok(true);
    }
    for c in my_cases(s, actor).await? {
        if case_result(s, actor, c.id).await?.iter().any(|r| r.0 == number) {
            return Ok(true);
        }
    }
    Ok(false)
}
