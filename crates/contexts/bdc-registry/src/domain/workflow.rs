//! Where a case stands (业务状态): the states of the workflow 受理 → 审核 → 登簿 → 缮证 → 发证 →
//! 归档, with 补正, 退件, 撤回 and 挂起, each with the code stored in `cases.state` and the name staff
//! and applicants read. The transitions between them are the register's workflow table
//! (`crate::service::cases::TRANSITIONS`).

/// A case's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    /// 受理: accepted at the counter or online, materials being checked.
    Intake,
    /// 审核.
    Review,
    /// 待登簿: approved, waiting for the registrar.
    Register,
    /// 缮证: registered, certificates being prepared.
    Certify,
    /// 发证: certificates ready to hand over.
    Issue,
    /// 待归档.
    Archive,
    /// 已归档: closed.
    Archived,
    /// 补正: the applicant must complete the materials (the time limit pauses).
    Correction,
    /// 退件: refused, with reasons.
    Returned,
    /// 撤回: withdrawn by the applicant.
    Withdrawn,
    /// 挂起: suspended (a court order, an objection pending …).
    Suspended,
}

impl CaseState {
    pub const ALL: [CaseState; 11] = [
        CaseState::Intake,
        CaseState::Review,
        CaseState::Register,
        CaseState::Certify,
        CaseState::Issue,
        CaseState::Archive,
        CaseState::Archived,
        CaseState::Correction,
        CaseState::Returned,
        CaseState::Withdrawn,
        CaseState::Suspended,
    ];

    /// States in which a case is still open on its units: not yet registered, nor closed. A
    /// later case on the same unit waits for these (acceptance order).
    pub const OPEN: [CaseState; 5] = [CaseState::Intake, CaseState::Review, CaseState::Register, CaseState::Correction, CaseState::Suspended];

    /// The states of the workbench's task list (工作台), in the order of the work.
    pub const WORKING: [CaseState; 8] =
        [CaseState::Intake, CaseState::Review, CaseState::Register, CaseState::Certify, CaseState::Issue, CaseState::Archive, CaseState::Correction, CaseState::Suspended];

    /// The code stored and published in the API.
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Intake => "intake",
            CaseState::Review => "review",
            CaseState::Register => "register",
            CaseState::Certify => "certify",
            CaseState::Issue => "issue",
            CaseState::Archive => "archive",
            CaseState::Archived => "archived",
            CaseState::Correction => "correction",
            CaseState::Returned => "returned",
            CaseState::Withdrawn => "withdrawn",
            CaseState::Suspended => "suspended",
        }
    }

    /// 中文名称.
    pub fn name(self) -> &'static str {
        match self {
            CaseState::Intake => "受理",
            CaseState::Review => "审核",
            CaseState::Register => "待登簿",
            CaseState::Certify => "缮证",
            CaseState::Issue => "发证",
            CaseState::Archive => "待归档",
            CaseState::Archived => "已归档",
            CaseState::Correction => "补正",
            CaseState::Returned => "退件",
            CaseState::Withdrawn => "撤回",
            CaseState::Suspended => "挂起",
        }
    }

    pub fn parse(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still open on its units (see [`CaseState::OPEN`]).
    pub fn is_open(self) -> bool {
        CaseState::OPEN.contains(&self)
    }

    /// Closed for good: archived, returned or withdrawn (its time limit no longer runs).
    pub fn is_closed(self) -> bool {
        matches!(self, CaseState::Archived | CaseState::Returned | CaseState::Withdrawn)
    }

    /// Materials may still be added: at intake, in correction, during review.
    pub fn takes_materials(self) -> bool {
        matches!(self, CaseState::Intake | CaseState::Correction | CaseState::Review)
    }
}

/// The name of a state given by its stored code (a case event's); "未知" for a code no state has.
pub fn state_name(code: &str) -> &'static str {
    CaseState::parse(code).map_or("未知", CaseState::name)
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_code_and_has_a_chinese_name() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.code()), Some(s));
            assert!(!s.name().is_ascii(), "{s}");
        }
        assert_eq!(CaseState::parse("lost"), None);
        assert_eq!(state_name("lost"), "未知");
        assert!(CaseState::OPEN.iter().all(|s| !s.is_closed()));
    }
}
