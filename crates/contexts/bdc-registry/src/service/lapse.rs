//! Lapse of restrictions (失效登记): an objection (异议登记) lapses 15 days after registration when
//! no lawsuit is filed (民法典 第220条); an advance notice (预告登记) lapses 90 days after
//! registration became possible (民法典 第221条). The date is the `lapses_on` attribute of the
//! restriction. A lapse is recorded in the register like any change: one journal entry per
//! restriction, ending it, under a 业务号 of its own; each lapse is reported to the province in
//! its own transaction (the outbox), and a waiting seizure promoted by a lapse is due its
//! court's receipt.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::register::attr;
use crate::domain::rights::{RightKind, RightState};
use crate::store::journal::{self, Payload, Step};
use crate::store::registry;

use crate::service::{ServiceResult, Services};

/// What lapsed (失效的限制): each is written to the journal under its own code and reported to
/// the province as the cancellation of that restriction (注销异议 / 注销预告 / 解除查封), the
/// registry itself being the one who records it (依职权).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LapseKind {
    /// 异议登记失效 (民法典 第220条).
    Objection,
    /// 预告登记失效 (民法典 第221条).
    AdvanceNotice,
    /// 查封期限届满未续封 (民诉法解释 第487条).
    Seizure,
}

impl LapseKind {
    pub const ALL: [LapseKind; 3] = [LapseKind::Objection, LapseKind::AdvanceNotice, LapseKind::Seizure];

    /// The lapsing right kind's code (as in `rights.kind`).
    pub fn of(kind: &str) -> Option<LapseKind> {
        Self::ALL.into_iter().find(|l| l.right_kind().code() == kind)
    }

    pub fn right_kind(self) -> RightKind {
        match self {
            LapseKind::Objection => RightKind::Objection,
            LapseKind::AdvanceNotice => RightKind::AdvanceNotice,
            LapseKind::Seizure => RightKind::Seizure,
        }
    }

    /// The journal's flow code of the lapse (kept as it was before lapses were reported).
    pub const fn flow_code(self) -> &'static str {
        match self {
            LapseKind::Objection => "LAPSE-OBJECTION",
            LapseKind::AdvanceNotice => "LAPSE-ADVANCE_NOTICE",
            LapseKind::Seizure => "LAPSE-SEIZURE",
        }
    }

    pub fn from_flow_code(code: &str) -> Option<LapseKind> {
        Self::ALL.into_iter().find(|l| l.flow_code() == code)
    }

    /// The catalogue flow whose registration the lapse amounts to, for the report's RecType,
    /// RegType and tables.
    pub const fn reported_as(self) -> &'static str {
        match self {
            LapseKind::Objection => "CTR-OBJECTION-CANCEL",
            LapseKind::AdvanceNotice => "CTR-ADVANCE-CANCEL",
            LapseKind::Seizure => "CTR-SEIZURE-RELEASE",
        }
    }

    /// 注销原因 / 解封原因 in the report.
    pub const fn reason(self) -> &'static str {
        match self {
            LapseKind::Objection => "异议登记之日起十五日内未提起诉讼，异议登记失效（民法典第二百二十条）",
            LapseKind::AdvanceNotice => "能够进行不动产登记之日起九十日内未申请登记，预告登记失效（民法典第二百二十一条）",
            LapseKind::Seizure => "查封期限届满未续封，查封效力消灭（民诉法解释第四百八十七条）",
        }
    }
}

fn has_lapsed(kind: &str, details: &str, today: NaiveDate) -> bool {
    let Ok(attrs) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(details) else { return false };
    if kind == RightKind::Objection.code() && attr::flag(&attrs, attr::LAWSUIT) {
        return false;
    }
    attrs.get(attr::LAPSES_ON).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| today > d)
}

/// An active seizure (not waiting) whose term ended before `today`: unrenewed, it lapses
/// (民诉法解释 第487条).
fn seizure_expired(details: &str, today: NaiveDate) -> bool {
    let Ok(attrs) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(details) else { return false };
    !attrs.contains_key(attr::QUEUE) && attrs.get(attr::TERM_END).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| today > d)
}

/// Records the lapse of every active seizure whose term has run out; the earliest waiting
/// seizure on the unit becomes active, its term starting today. Returns how many lapsed.
#[tracing::instrument(name = "lapse_seizures", skip(s))]
pub async fn lapse_seizures(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = bdc_core::time::business_date(now);
    let candidates = {
        let mut conn = s.db.conn().await?;
        registry::current_of_kinds(&mut conn, &[RightKind::Seizure]).await?
    };
    let mut lapsed = 0;
    for (right_id, unit_id, _, details) in candidates {
        if !seizure_expired(&details, today) {
            continue;
        }
        let mut tx = s.db.begin().await?;
        let (seq, prev) = journal::next_seq(&mut tx).await?;
        let Some(unit) = registry::get_unit(&mut tx, unit_id).await? else { continue };
        let current: Vec<_> = registry::rights_of_unit(&mut tx, unit_id, true).await?.into_iter().map(|r| r.view).collect();
        if !current.iter().any(|r| r.id == right_id) {
            continue;
        }
        let req = crate::domain::register::ChangeRequest { target_right: Some(right_id), ..Default::default() };
        let Ok(planned) = crate::domain::register::plan(crate::domain::catalogue::Effect::ReleaseRestriction, RightKind::Seizure, &current, &req) else { continue };
        let planned = crate::service::cases::start_promoted_terms(planned, today);
        let (steps, _) = crate::service::cases::apply_plan(&mut tx, &s.office, unit_id, &current, planned, seq, None, chrono::Datelike::year(&today), now).await?;
        registry::bump_unit_version(&mut tx, unit.id, unit.version).await?;
        let number = crate::service::cases::next_case_number(&mut tx, s.office.county_of(&unit.unit_number), today).await?.as_str().to_owned();
        let payload = Payload { case_id: None, case_number: Some(number), flow_code: Some(LapseKind::Seizure.flow_code().into()), at: journal::now_text(now), steps };
        journal::append(&mut tx, seq, &prev, "system", &payload, now).await?;
        // Like any change of the register: published to the other contexts in the lapse's own
        // transaction — reporting reports it, the court whose waiting seizure became active hears.
        crate::service::events::registered(&mut tx, seq, &payload.steps).await?;
        bdc_db::commit(tx).await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

/// Ends every current objection and advance notice whose lapse date has passed; returns how many.
#[tracing::instrument(name = "lapse_restrictions", skip(s))]
pub async fn lapse_restrictions(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = bdc_core::time::business_date(now);
    let candidates = {
        let mut conn = s.db.conn().await?;
        registry::current_of_kinds(&mut conn, &[RightKind::Objection, RightKind::AdvanceNotice]).await?
    };
    let mut ended = 0;
    for (right_id, unit_id, kind, details) in candidates {
        if !has_lapsed(&kind, &details, today) {
            continue;
        }
        let mut tx = s.db.begin().await?;
        let (seq, prev) = journal::next_seq(&mut tx).await?;
        let Some(unit) = registry::get_unit(&mut tx, unit_id).await? else { continue };
        // Still current? Another registration may have ended it since the list was read.
        if !registry::end_right(&mut tx, right_id, RightState::Ended, seq).await? {
            continue;
        }
        registry::bump_unit_version(&mut tx, unit.id, unit.version).await?;
        let Some(lapse) = LapseKind::of(&kind) else { continue };
        // A lapse is recorded by the registry itself (依职权) under a 业务号 of its own, which its
        // report and the 登簿日志 carry.
        let number = crate::service::cases::next_case_number(&mut tx, s.office.county_of(&unit.unit_number), today).await?.as_str().to_owned();
        let payload = Payload {
            case_id: None,
            case_number: Some(number),
            flow_code: Some(lapse.flow_code().into()),
            at: journal::now_text(now),
            steps: vec![Step::End { right_id, state: i64::from(RightState::Ended.code()) }],
        };
        journal::append(&mut tx, seq, &prev, "system", &payload, now).await?;
        // Like every journal entry: published to the other contexts (the province's report).
        crate::service::events::registered(&mut tx, seq, &payload.steps).await?;
        bdc_db::commit(tx).await?;
        ended += 1;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lapse_dates_and_lawsuits() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(has_lapsed("objection", r#"{"lapses_on":"2026-01-01"}"#, d("2026-01-02")));
        assert!(!has_lapsed("objection", r#"{"lapses_on":"2026-01-01"}"#, d("2026-01-01")), "the last day still counts");
        assert!(!has_lapsed("objection", r#"{"lapses_on":"2026-01-01","lawsuit_filed":"true"}"#, d("2027-01-01")));
        assert!(has_lapsed("advance_notice", r#"{"lapses_on":"2026-01-01","lawsuit_filed":"true"}"#, d("2027-01-01")));
        assert!(!has_lapsed("advance_notice", r#"{}"#, d("2027-01-01")));
    }
}
