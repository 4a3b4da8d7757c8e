//! 办件短信提醒: the online applicant is told by SMS of every change of his case's state (受理,
//! 补正 with its reason, 退件 with its reason, 登簿, 缮证 done and ready to collect, 发证, 撤回 …).
//!
//! The transition publishes [`crate::service::events::ONLINE_CASE_MOVED`] in its transaction; the
//! job [`SMS_CASE_STATE`] (subscribed by migration 0021) sends the text through
//! [`Services::sms`] afterwards. A send that fails fails the job, which the job machinery
//! retries with back-off: the transition has committed and is never held back or undone by it.
//! The phone is the applicant's real-name account's, sealed in the identity context and asked
//! through the [`crate::service::directory::Directory`] port; an account without one is not told.

use serde::Deserialize;

use super::CaseState;
use crate::domain::catalogue;
use crate::service::{ServiceError, ServiceResult, Services};

/// The job kind that sends the SMS of one change of an online case.
pub const SMS_CASE_STATE: &str = "sms.case_state";

/// What [`crate::service::events::case_moved`] publishes.
#[derive(Debug, Deserialize)]
struct Moved {
    case_id: i64,
    from: String,
    to: String,
    #[serde(default)]
    reason: String,
}

/// A reason as the message quotes it: at most 60 characters.
fn short(reason: &str) -> String {
    let reason = reason.trim();
    if reason.chars().count() > 60 {
        format!("{}…", reason.chars().take(60).collect::<String>())
    } else {
        reason.to_owned()
    }
}

/// The text of one change, or `None` for a change the applicant is not told of (a note).
pub fn text(case_number: &str, flow: &str, from: CaseState, to: CaseState, reason: &str) -> Option<String> {
    let what = match (from, to) {
        (f, t) if f == t => return None,
        (CaseState::Intake, CaseState::Review) => "已受理，正在审核".to_owned(),
        (CaseState::Correction, CaseState::Review) => "补正材料已收到，继续审核".to_owned(),
        (CaseState::Suspended, CaseState::Review) => "已恢复办理".to_owned(),
        (_, CaseState::Register) => "已审核通过，等待登簿".to_owned(),
        (_, CaseState::Correction) => format!("已补正告知：{}", short(reason)),
        (_, CaseState::Returned) => format!("已退件：{}", short(reason)),
        (_, CaseState::Withdrawn) => "已撤回".to_owned(),
        (_, CaseState::Suspended) => format!("已中止办理：{}", short(reason)),
        (CaseState::Register, _) => "已登簿".to_owned(),
        (_, CaseState::Issue) => "证书已缮制完成，可领证（请携带身份证件到登记大厅领取）".to_owned(),
        (CaseState::Issue, CaseState::Archive) => "证书已发放".to_owned(),
        (_, CaseState::Archived) => "已办结归档".to_owned(),
        _ => format!("状态已变更为“{}”", to.name()),
    };
    Some(format!("【线上苏小登】您的办件 {case_number}（{flow}）{what}。请登录线上苏小登查看。"))
}

/// Runs one [`SMS_CASE_STATE`] job.
pub async fn send(s: &Services, payload: &str) -> ServiceResult<()> {
    let moved: Moved = serde_json::from_str(payload).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let (Some(from), Some(to)) = (CaseState::parse(&moved.from), CaseState::parse(&moved.to)) else {
        return Err(ServiceError::validation("bad_job", format!("办件状态无效：{} → {}", moved.from, moved.to)));
    };
    let mut conn = s.db.conn().await?;
    let Some(case) = crate::store::cases::get_case(&mut conn, moved.case_id).await? else { return Ok(()) };
    let Some(user) = crate::store::cases::submitted_by(&mut conn, case.id).await? else { return Ok(()) };
    let Some(sealed) = s.directory.sealed_phone(&mut conn, user).await? else { return Ok(()) };
    drop(conn);
    let flow = catalogue::flow(&case.flow_code).map_or(case.flow_code.as_str(), |f| f.name);
    let Some(text) = text(&case.case_number, flow, from, to, &moved.reason) else { return Ok(()) };
    let phone = s.cipher().decrypt(&sealed).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    s.sms.send(&phone, &text).await.map_err(|e| ServiceError::Internal(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_reads_as_the_applicant_is_told_it() {
        use CaseState::*;
        let t = |from, to, reason| text("320402-20261204-0001", "存量房转移登记", from, to, reason).unwrap_or_default();
        assert_eq!(t(Review, Correction, "请补交完税凭证"), "【线上苏小登】您的办件 320402-20261204-0001（存量房转移登记）已补正告知：请补交完税凭证。请登录线上苏小登查看。");
        assert!(t(Intake, Review, "").contains("已受理"));
        assert!(t(Review, Returned, "不符合登记条件").contains("已退件：不符合登记条件"));
        assert!(t(Register, Certify, "").contains("已登簿"));
        assert!(t(Register, Archive, "").contains("已登簿"));
        assert!(t(Certify, Issue, "").contains("可领证"));
        assert!(t(Issue, Archive, "领证人：张三").contains("证书已发放"));
        assert!(t(Intake, Withdrawn, "").contains("已撤回"));
        assert_eq!(text("n", "f", Review, Review, "转人工审核"), None);
        assert!(t(Review, Correction, &"长".repeat(200)).chars().count() < 140);
    }
}
