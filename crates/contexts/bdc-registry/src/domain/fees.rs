//! The statutory registration fee (不动产登记费) of a flow, as the 办事指南 states it.
//!
//! Money is integer 分 (fen). The schedule is the national one of 《国家发展改革委 财政部关于
//! 不动产登记收费标准等有关问题的通知》(发改价格规〔2016〕2559号): per case (件), 80 元 for
//! 住宅 and 550 元 for 非住宅; one certificate free, 10 元 工本费 for each further one; no fee for
//! 查封, 注销 and 预告登记 nor for a 更正 caused by the office's own error. The exemptions of
//! 《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》(财税〔2016〕79号) — 小微企业,
//! a garage registered without its own certificate, and the like — depend on the applicant and
//! the unit and are decided at 受理; the guide names them without applying them.

use crate::domain::catalogue::{Effect, Flow};
use crate::domain::rights::{RegistrationType, RightKind};

/// The edition of the schedule this module encodes (收费依据).
pub const SCHEDULE: &str = "发改价格规〔2016〕2559号、财税〔2016〕79号";

/// 住宅类 fee per case, in 分.
pub const RESIDENTIAL_FEN: i64 = 8_000;
/// 非住宅类 fee per case, in 分.
pub const NON_RESIDENTIAL_FEN: i64 = 55_000;
/// 证书工本费 for each certificate beyond the first, in 分.
pub const EXTRA_CERTIFICATE_FEN: i64 = 1_000;

/// What a flow costs by the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fee {
    /// 不收费 — the schedule charges nothing for this kind of registration; the reason says why.
    Free { reason: &'static str },
    /// 按件收费 — 住宅 and 非住宅 amounts per case, in 分.
    PerCase { residential_fen: i64, non_residential_fen: i64 },
}

/// The fee of `flow` by the schedule.
pub fn fee_of(flow: &Flow) -> Fee {
    if matches!(flow.right_kind, RightKind::Seizure) {
        return Fee::Free { reason: "查封登记不收取不动产登记费" };
    }
    if matches!(flow.right_kind, RightKind::Lock) {
        return Fee::Free { reason: "有权机关嘱托的锁定、解锁不收取不动产登记费" };
    }
    match flow.registration_type {
        RegistrationType::Advance if !matches!(flow.effect, Effect::AdvanceToTitle) => return Fee::Free { reason: "预告登记不收取不动产登记费" },
        RegistrationType::Cancellation => return Fee::Free { reason: "注销登记不收取不动产登记费" },
        _ => {}
    }
    if matches!(flow.effect, Effect::ReleaseRestriction | Effect::CancelRight) {
        return Fee::Free { reason: "注销登记不收取不动产登记费" };
    }
    Fee::PerCase { residential_fen: RESIDENTIAL_FEN, non_residential_fen: NON_RESIDENTIAL_FEN }
}

/// 元 from 分, as a guide prints it ("80", "10.50").
pub fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("{}", fen / 100)
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// The fee in one sentence, with the notes every applicant should read.
pub fn describe(flow: &Flow) -> Vec<String> {
    let mut lines = match fee_of(flow) {
        Fee::Free { reason } => vec![format!("{reason}。")],
        Fee::PerCase { residential_fen, non_residential_fen } => vec![
            format!("不动产登记费：住宅类每件 {} 元，非住宅类每件 {} 元。", yuan(residential_fen), yuan(non_residential_fen)),
            format!("核发一本证书不收工本费；向一个以上权利人核发证书的，每增加一本加收工本费 {} 元。", yuan(EXTRA_CERTIFICATE_FEN)),
            "小微企业（含个体工商户）申请的，以及车库、车位、储藏室不单独发证等情形，按规定免收；以受理时核定的金额为准。".to_owned(),
        ],
    };
    if matches!(flow.registration_type, RegistrationType::Correction) {
        lines.insert(0, "因登记机构错误导致的更正登记不收费。".to_owned());
    }
    lines.push(format!("收费依据：{SCHEDULE}。"));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue;

    fn flow(code: &str) -> &'static Flow {
        catalogue::flow(code).unwrap_or_else(|| panic!("{code} is in the catalogue"))
    }

    #[test]
    fn yuan_reads_fen() {
        assert_eq!(yuan(8_000), "80");
        assert_eq!(yuan(55_000), "550");
        assert_eq!(yuan(1_050), "10.50");
    }

    #[test]
    fn seizures_advance_notices_and_cancellations_are_free_and_transfers_are_not() {
        for f in catalogue::flows() {
            let free = matches!(fee_of(f), Fee::Free { .. });
            if matches!(f.right_kind, RightKind::Seizure) || matches!(f.effect, Effect::ReleaseRestriction | Effect::CancelRight) {
                assert!(free, "{} should be free", f.code);
            }
            if matches!(f.effect, Effect::TransferRight | Effect::TransferWithMortgage) {
                assert_eq!(fee_of(f), Fee::PerCase { residential_fen: 8_000, non_residential_fen: 55_000 }, "{}", f.code);
            }
        }
        let first = catalogue::flows().iter().find(|f| f.registration_type == RegistrationType::Transfer).expect("a transfer flow");
        assert!(describe(first)[0].contains("住宅类每件 80 元"));
        assert!(describe(flow(first.code)).last().is_some_and(|l| l.contains("2559号")));
    }
}
