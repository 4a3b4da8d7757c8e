//! Lapse of restrictions (失效登记): an objection (异议登记) lapses 15 days after registration when
//! no lawsuit is filed (民法典 第220条); an advance notice (预告登记) lapses 90 days after
//! registration became possible (民法典 第221条). The date is the `lapses_on` attribute of the
//! restriction. A lapse is recorded in the register like any change: one journal entry per
//! restriction, ending it.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use bdc_domain::register::attr;
use bdc_domain::rights::{RightKind, RightState};
use bdc_store::journal::{self, Payload, Step};
use bdc_store::registry;

use crate::{ServiceResult, Services};

fn has_lapsed(kind: &str, details: &str, today: NaiveDate) -> bool {
    let Ok(attrs) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(details) else { return false };
    if kind == RightKind::Objection.code() && attrs.get(attr::LAWSUIT).map(String::as_str) == Some("true") {
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
pub async fn lapse_seizures(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = (now + Duration::hours(8)).date_naive();
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
        let req = bdc_domain::register::ChangeRequest { target_right: Some(right_id), ..Default::default() };
        let Ok(planned) = bdc_domain::register::plan(bdc_domain::catalogue::Effect::ReleaseRestriction, RightKind::Seizure, &current, &req) else { continue };
        let planned = crate::cases::start_promoted_terms(planned, today);
        let (steps, _) = crate::cases::apply_plan(&mut tx, unit_id, &current, planned, seq, None, chrono::Datelike::year(&today), now).await?;
        registry::bump_unit_version(&mut tx, unit.id, unit.version).await?;
        let payload = Payload { case_id: None, case_number: None, flow_code: Some("LAPSE-SEIZURE".into()), at: journal::now_text(now), steps };
        journal::append(&mut tx, seq, &prev, "system", &payload, now).await?;
        bdc_store::commit(tx).await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

/// Ends every current objection and advance notice whose lapse date has passed; returns how many.
pub async fn lapse_restrictions(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = (now + Duration::hours(8)).date_naive();
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
        let payload = Payload {
            case_id: None,
            case_number: None,
            flow_code: Some(format!("LAPSE-{}", kind.to_uppercase())),
            at: journal::now_text(now),
            steps: vec![Step::End { right_id, state: i64::from(RightState::Ended.code()) }],
        };
        journal::append(&mut tx, seq, &prev, "system", &payload, now).await?;
        bdc_store::commit(tx).await?;
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
