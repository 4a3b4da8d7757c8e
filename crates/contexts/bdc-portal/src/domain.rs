//! The portal's states and kinds, with their stored codes: where an online application stands,
//! a co-applicant's answer, and whose a file is (the register's file index names its owner by
//! kind: `case` is the register's, these are the portal's).

use serde::{Deserialize, Serialize};

/// Owner kind of a draft's files (草稿材料); they move to the application or the case on submit.
pub const DRAFT: &str = "draft";
/// Owner kind of the files of an application that waits for confirmation (申请材料 moved from
/// the draft); they move to the case when it is opened.
pub const APPLICATION: &str = "application";
/// Owner kind of an authorisation's signed letter (授权委托书); also the request attribute that
/// names the authorisation an agent applied under.
pub const AUTHORISATION: &str = "authorisation";

/// Where an online application stands (申请状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// 待共同申请人确认 — waits for the co-applicants; no case exists yet.
    Awaiting,
    /// 已提交登记机构 — the case is open, waiting for 受理.
    Submitted,
    /// 共同申请人已拒绝 — a co-applicant declined; the application is stopped.
    Declined,
    /// 未能提交 — the register changed while it waited and the registry's checks refused it.
    Refused,
    /// 申请人已撤回 — the applicant took it back before every co-applicant had confirmed.
    Withdrawn,
}

impl ApplicationState {
    pub const fn code(self) -> &'static str {
        match self {
            ApplicationState::Awaiting => "awaiting",
            ApplicationState::Submitted => "submitted",
            ApplicationState::Declined => "declined",
            ApplicationState::Refused => "refused",
            ApplicationState::Withdrawn => "withdrawn",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            ApplicationState::Awaiting => "待共同申请人确认",
            ApplicationState::Submitted => "已提交登记机构",
            ApplicationState::Declined => "共同申请人已拒绝",
            ApplicationState::Refused => "未能提交",
            ApplicationState::Withdrawn => "申请人已撤回",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [ApplicationState::Awaiting, ApplicationState::Submitted, ApplicationState::Declined, ApplicationState::Refused, ApplicationState::Withdrawn].into_iter().find(|s| s.code() == code)
    }
}

/// One co-applicant's answer (确认状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationState {
    /// 待确认.
    Pending,
    /// 已确认 — with his one-time code, from his own account.
    Confirmed,
    /// 已拒绝.
    Declined,
}

impl ConfirmationState {
    pub const fn code(self) -> &'static str {
        match self {
            ConfirmationState::Pending => "pending",
            ConfirmationState::Confirmed => "confirmed",
            ConfirmationState::Declined => "declined",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            ConfirmationState::Pending => "待确认",
            ConfirmationState::Confirmed => "已确认",
            ConfirmationState::Declined => "已拒绝",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [ConfirmationState::Pending, ConfirmationState::Confirmed, ConfirmationState::Declined].into_iter().find(|s| s.code() == code)
    }
}

/// Where an interested party's query application stands (利害关系人查询申请状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestState {
    /// 待审核 — waits for a reviewer; nothing of the property is shown.
    Submitted,
    /// 已同意 — the limited result is shown to the applicant.
    Approved,
    /// 已拒绝 — with the reviewer's reason.
    Refused,
}

impl InterestState {
    /// Every state, in the order the review queue's tabs show them.
    pub const ALL: [InterestState; 3] = [InterestState::Submitted, InterestState::Approved, InterestState::Refused];

    pub const fn code(self) -> &'static str {
        match self {
            InterestState::Submitted => "submitted",
            InterestState::Approved => "approved",
            InterestState::Refused => "refused",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            InterestState::Submitted => "待审核",
            InterestState::Approved => "已同意",
            InterestState::Refused => "已拒绝",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_code() {
        for s in InterestState::ALL {
            assert_eq!(InterestState::from_code(s.code()), Some(s));
        }
        for s in [ApplicationState::Awaiting, ApplicationState::Submitted, ApplicationState::Declined, ApplicationState::Refused, ApplicationState::Withdrawn] {
            assert_eq!(ApplicationState::from_code(s.code()), Some(s));
        }
        for s in [ConfirmationState::Pending, ConfirmationState::Confirmed, ConfirmationState::Declined] {
            assert_eq!(ConfirmationState::from_code(s.code()), Some(s));
        }
        assert_eq!(InterestState::from_code("unknown"), None);
    }
}
