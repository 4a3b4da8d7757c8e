//! 办理记录: a case's events told as steps (环节) and the people who took them.
//!
//! An event keeps the states it moved between and a username; a reader wants to know which step
//! that was (受理, 审核通过, 补正 …) and who took it by name. The step is read back from the
//! workflow table ([`super::TRANSITIONS`]), so the record and the table never disagree; staff are
//! named by their display name through the [`crate::service::directory::Directory`] port (as the
//! register book names its 登簿人), the online applicant's own steps as 申请人, and automatic
//! review (`system`) as 智能审核.

use bdc_db::AnyConnection;

use super::{CaseRecord, CaseState, TRANSITIONS};
use crate::service::{ServiceResult, Services};
pub use crate::store::cases::CaseEvent;

/// The username automatic review and registration act under (see [`super::system_actor`]).
const SYSTEM: &str = "system";

impl CaseEvent {
    /// The step's Chinese name (环节), from the transition that produced the event. `online`:
    /// the case was applied for online, so it was opened by the applicant's 提交申请 rather than
    /// taken in at the counter.
    pub fn step_name(&self, online: bool) -> &'static str {
        let Some(from) = self.from else {
            return match (online, self.to) {
                (true, _) => "提交申请",
                (false, CaseState::Intake) => "窗口收件",
                // A court's or an authority's case opens ready to register (网络查控、嘱托).
                (false, _) => "收件",
            };
        };
        if from == self.to {
            // A note within a state: automatic review handing the case to a person.
            return if self.actor == SYSTEM { "智能审核" } else { "办理意见" };
        }
        match (from, self.to) {
            (CaseState::Review, CaseState::Register) if self.actor == SYSTEM => "智能审核",
            // 登簿 of a flow that issues no certificate goes straight to 待归档 (the demo's
            // history, loaded in bulk, to 已归档).
            (CaseState::Register, CaseState::Archive | CaseState::Archived) => "登簿",
            (from, to) => TRANSITIONS.iter().find(|t| t.to == to && t.from.contains(&from)).map_or("办理", |t| t.name),
        }
    }
}

/// Who took a step, as a page may name him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hand {
    /// The online applicant himself (申请人).
    Applicant,
    /// A member of staff, by display name (or username when the directory does not know him).
    Staff(String),
    /// Automatic review and registration (智能审核).
    System,
}

impl Hand {
    /// The name the workbench shows: the staff member's own name; 系统 for automatic review,
    /// whose steps read 智能审核.
    pub fn staff_view(&self) -> &str {
        match self {
            Hand::Applicant => "申请人",
            Hand::Staff(name) => name,
            Hand::System => "系统",
        }
    }

    /// The name the applicant's own pages show: staff by their post (登记机构), never by name.
    pub fn public_view(&self) -> &'static str {
        match self {
            Hand::Applicant => "申请人",
            Hand::Staff(_) | Hand::System => "登记机构",
        }
    }
}

/// One line of the 办理记录: the event, its step and who took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStep {
    pub event: CaseEvent,
    pub step: &'static str,
    pub hand: Hand,
}

/// The case's events as steps, in order. Reads the events, who submitted the case online and
/// the staff's names (one statement for all of them) on `conn`; checks no permission, so the
/// caller must have (the workbench's `case.read`, the portal's own applicant).
pub async fn steps_of(s: &Services, conn: &mut AnyConnection, case: &CaseRecord) -> ServiceResult<Vec<CaseStep>> {
    let events = crate::store::cases::events(conn, case.id).await?;
    let submitter = crate::store::cases::submitted_by(conn, case.id).await?;
    let applicant = match submitter {
        Some(user) => s.directory.user(conn, user).await?.map(|u| u.username),
        None => None,
    };
    let mut usernames: Vec<String> = events.iter().map(|e| e.actor.clone()).filter(|a| a != SYSTEM && Some(a) != applicant.as_ref()).collect();
    usernames.sort_unstable();
    usernames.dedup();
    let names = if usernames.is_empty() { Vec::new() } else { s.directory.staff_names(conn, &usernames).await? };
    let online = submitter.is_some();
    Ok(events
        .into_iter()
        .map(|event| {
            let hand = if event.actor == SYSTEM {
                Hand::System
            } else if Some(&event.actor) == applicant.as_ref() {
                Hand::Applicant
            } else {
                Hand::Staff(names.iter().find(|n| n.username == event.actor).map_or_else(|| event.actor.clone(), |n| n.display_name.clone()))
            };
            CaseStep { step: event.step_name(online), event, hand }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(from: Option<CaseState>, to: CaseState, actor: &str) -> CaseEvent {
        CaseEvent { from, to, actor: actor.into(), at: String::new(), reason: String::new() }
    }

    #[test]
    fn every_event_names_its_step() {
        use CaseState::*;
        let check = |from, to, actor, online, expect: &str| assert_eq!(event(from, to, actor).step_name(online), expect, "{from:?} → {to:?} by {actor}");
        check(None, Intake, "zhang", true, "提交申请");
        check(None, Intake, "banli", false, "窗口收件");
        check(None, Register, "court", false, "收件");
        check(Some(Intake), Review, "banli", false, "受理");
        check(Some(Review), Register, "shenhe", false, "审核通过");
        check(Some(Review), Register, "system", false, "智能审核");
        check(Some(Review), Review, "system", false, "智能审核");
        check(Some(Review), Correction, "shenhe", true, "补正");
        check(Some(Correction), Review, "banli", true, "补正完成");
        check(Some(Review), Returned, "shenhe", true, "退件");
        check(Some(Intake), Withdrawn, "zhang", true, "撤回");
        check(Some(Review), Suspended, "shenhe", false, "挂起");
        check(Some(Register), Certify, "dengbu", false, "登簿");
        check(Some(Register), Archive, "dengbu", false, "登簿");
        check(Some(Certify), Issue, "fazheng", false, "缮证");
        check(Some(Issue), Archive, "fazheng", false, "发证");
        check(Some(Archive), Archived, "dangan", false, "归档");
    }
}
