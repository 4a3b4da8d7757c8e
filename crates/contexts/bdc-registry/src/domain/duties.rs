//! Separation of incompatible duties (不相容岗位分离) in a case's workflow.
//!
//! Acceptance (受理), review (审核) and registration (登簿) of one case are done by different people,
//! so that no one can take an application from the counter into the register alone: the review is a
//! second pair of eyes on the acceptance, and the registrar a third on both (《不动产登记暂行条例》
//! 第十八条 to 第二十一条 set the steps; the separation is the office's internal control, 内部控制).
//! A small office may combine duties for a flow on purpose — most often 审核 and 登簿 by one
//! 审核登簿人员 — and records that choice per flow ([`DutyRule`]); automatic registration (智能审核)
//! is no person and is never refused by this rule.

/// How the duties of one flow's cases may be combined (岗位设置).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum DutyRule {
    /// 受理、审核、登簿分岗：three different people (the default).
    #[default]
    Separate,
    /// 审核登簿合一：review and registration by one person, acceptance by another.
    ReviewWithRegister,
    /// 不限：one person may take every step (an office that configures so for a flow).
    Combined,
}

impl DutyRule {
    pub const ALL: &'static [DutyRule] = &[DutyRule::Separate, DutyRule::ReviewWithRegister, DutyRule::Combined];

    pub fn code(self) -> &'static str {
        match self {
            DutyRule::Separate => "separate",
            DutyRule::ReviewWithRegister => "review_with_register",
            DutyRule::Combined => "combined",
        }
    }

    pub fn from_code(code: &str) -> Option<DutyRule> {
        DutyRule::ALL.iter().copied().find(|r| r.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            DutyRule::Separate => "受理、审核、登簿分岗办理",
            DutyRule::ReviewWithRegister => "审核、登簿可由一人办理",
            DutyRule::Combined => "不限（一人可办理全部环节）",
        }
    }
}

/// A step of the workflow whose doer is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duty {
    /// 审核 (the `approve` action).
    Review,
    /// 登簿 (the `register` action).
    Register,
}

/// Who has already acted on a case: the acceptors (受理, and 补正完成 which re-accepts) and the
/// reviewers (审核通过), by user name.
#[derive(Clone, Debug, Default)]
pub struct CaseHands {
    pub acceptors: Vec<String>,
    pub reviewers: Vec<String>,
}

/// Whether `user` may take `duty` on a case under `rule`; the refusal says why, in Chinese.
pub fn check(rule: DutyRule, duty: Duty, user: &str, hands: &CaseHands) -> Result<(), String> {
    let accepted = hands.acceptors.iter().any(|a| a == user);
    let reviewed = hands.reviewers.iter().any(|r| r == user);
    let basis = "（不相容岗位分离；本业务流程的岗位设置为“".to_owned() + rule.name() + "”）";
    match (rule, duty) {
        (DutyRule::Combined, _) => Ok(()),
        (_, Duty::Review) if accepted => Err(format!("您已办理本业务的受理，审核须由其他工作人员办理{basis}")),
        (_, Duty::Register) if accepted => Err(format!("您已办理本业务的受理，登簿须由其他工作人员办理{basis}")),
        (DutyRule::Separate, Duty::Register) if reviewed => Err(format!("您已审核本业务，登簿须由其他工作人员办理{basis}")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hands(acceptors: &[&str], reviewers: &[&str]) -> CaseHands {
        CaseHands { acceptors: acceptors.iter().map(|s| (*s).to_owned()).collect(), reviewers: reviewers.iter().map(|s| (*s).to_owned()).collect() }
    }

    #[test]
    fn by_default_three_people_take_a_case_into_the_register() {
        let h = hands(&["chuangkou"], &["shenhe"]);
        assert!(check(DutyRule::Separate, Duty::Review, "chuangkou", &h).unwrap_err().contains("审核须由其他工作人员"));
        assert!(check(DutyRule::Separate, Duty::Review, "shenhe", &h).is_ok());
        assert!(check(DutyRule::Separate, Duty::Register, "shenhe", &h).unwrap_err().contains("登簿须由其他工作人员"));
        assert!(check(DutyRule::Separate, Duty::Register, "chuangkou", &h).unwrap_err().contains("受理"));
        assert!(check(DutyRule::Separate, Duty::Register, "dengbu", &h).is_ok());
    }

    #[test]
    fn an_office_may_combine_review_and_register_or_everything() {
        let h = hands(&["chuangkou"], &["shenhe"]);
        assert!(check(DutyRule::ReviewWithRegister, Duty::Register, "shenhe", &h).is_ok());
        assert!(check(DutyRule::ReviewWithRegister, Duty::Register, "chuangkou", &h).is_err());
        assert!(check(DutyRule::Combined, Duty::Register, "chuangkou", &h).is_ok());
        assert!(check(DutyRule::Combined, Duty::Review, "chuangkou", &h).is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for r in DutyRule::ALL {
            assert_eq!(DutyRule::from_code(r.code()), Some(*r));
        }
        assert_eq!(DutyRule::from_code("anything"), None);
    }
}
