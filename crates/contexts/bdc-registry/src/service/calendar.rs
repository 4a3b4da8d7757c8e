//! Working-day calendar use cases (工作日历): read, edit, and compute deadlines.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::store::calendar::{self as store, OFFICE_HOURS_KEY};
use bdc_core::access::Permission;
use bdc_core::calendar::{statutory_holiday, statutory_holidays, DayKind, DayOverride, OfficeHours, OfficeSpan, StatutoryDay, WorkCalendar};

use crate::service::{Actor, ServiceError, ServiceResult, Services};

/// Years an administrator may edit: far enough for any deadline, near enough to catch typos.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn format_hours(h: &OfficeHours) -> String {
    h.spans().iter().map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect::<Vec<_>>().join(",")
}

fn parse_hours(text: &str) -> Option<OfficeHours> {
    let spans = text
        .split(',')
        .map(|p| {
            let (a, b) = p.split_once('-')?;
            Some(OfficeSpan { start: NaiveTime::parse_from_str(a, "%H:%M").ok()?, end: NaiveTime::parse_from_str(b, "%H:%M").ok()? })
        })
        .collect::<Option<Vec<_>>>()?;
    OfficeHours::new(spans).ok()
}

/// The calendar as stored: every override and the office hours. Used by every deadline.
pub async fn load(s: &Services) -> ServiceResult<WorkCalendar> {
    let mut conn = s.db.conn().await?;
    load_in(&mut conn).await
}

/// The working-day calendar read on a connection the caller holds (inside a registration's
/// transaction, for a due date written in it).
pub async fn load_in(conn: &mut bdc_db::AnyConnection) -> ServiceResult<WorkCalendar> {
    let conn = &mut *conn;
    let days = store::all_days(conn).await?;
    let hours = store::get_setting(conn, OFFICE_HOURS_KEY).await?.and_then(|t| parse_hours(&t)).unwrap_or_default();
    Ok(WorkCalendar::new(days.into_iter().map(|d| (d.date, d.kind)), hours))
}

/// The overrides of one year.
pub async fn list_year(s: &Services, actor: &Actor, year: i32) -> ServiceResult<Vec<DayOverride>> {
    actor.require(Permission::CalendarRead)?;
    check_year(year)?;
    let mut conn = s.db.conn().await?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("checked year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("checked year");
    Ok(store::list_days(&mut conn, from, to).await?)
}

fn check_year(year: i32) -> ServiceResult<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::field("bad_year", "year", format!("年份须在 {} 至 {} 之间", YEARS.start(), YEARS.end())))
    }
}

/// Marks a date as holiday or make-up working day (调休上班).
#[tracing::instrument(name = "set_calendar_day", skip(s, actor, note), fields(actor.id = actor.user_id))]
pub async fn set_day(s: &Services, actor: &Actor, date: NaiveDate, kind: DayKind, note: &str) -> ServiceResult<DayOverride> {
    actor.require(Permission::CalendarManage)?;
    check_year(chrono::Datelike::year(&date))?;
    let note = note.trim();
    if note.chars().count() > 64 {
        return Err(ServiceError::field("bad_note", "note", "说明不超过 64 个字"));
    }
    let entry = DayOverride { date, kind, note: note.to_owned() };
    let mut tx = s.db.begin().await?;
    store::upsert_day(&mut tx, &entry, &actor.username, Utc::now()).await?;
    bdc_audit::commit(tx, actor, "设置工作日历", &format!("{date}：{} {}", kind.as_str(), entry.note)).await?;
    Ok(entry)
}

/// The computed statutory days off of a year (法定节假日 and 补假, see
/// [`bdc_core::calendar::statutory_holidays`]) and whether its 调休 arrangement is entered.
pub async fn statutory_year(s: &Services, actor: &Actor, year: i32) -> ServiceResult<(Vec<StatutoryDay>, bool)> {
    actor.require(Permission::CalendarRead)?;
    check_year(year)?;
    Ok((statutory_holidays(year), load(s).await?.arrangement_entered(year)))
}

/// The years whose 调休 arrangement is due and not entered as of `today` (see
/// [`WorkCalendar::missing_arrangements`]), for the warning on the workbench. Only someone who
/// can enter it (calendar.manage) is told; for anyone else the answer is empty, not an error, as
/// the pages ask on every visit.
pub async fn missing_arrangements(s: &Services, actor: &Actor, today: NaiveDate) -> ServiceResult<Vec<i32>> {
    if !actor.can(Permission::CalendarManage) {
        return Ok(Vec::new());
    }
    Ok(load(s).await?.missing_arrangements(today))
}

/// Removes a date's entry; the date falls back to the statutory holidays and the ordinary week.
#[tracing::instrument(name = "clear_calendar_day", skip(s, actor), fields(actor.id = actor.user_id))]
pub async fn clear_day(s: &Services, actor: &Actor, date: NaiveDate) -> ServiceResult<()> {
    actor.require(Permission::CalendarManage)?;
    let mut tx = s.db.begin().await?;
    if store::delete_day(&mut tx, date).await? {
        bdc_audit::commit(tx, actor, "删除工作日历记录", &date.to_string()).await
    } else if let Some(day) = statutory_holiday(date) {
        // A computed holiday has no entry to remove; the arrangement may still make it a working day.
        Err(ServiceError::NotFound(format!("{date} 没有录入记录：它是按《全国年节及纪念日放假办法》计算的法定节假日（{}），如需上班请设为调休上班", day.note())))
    } else {
        Err(ServiceError::NotFound(format!("{date} 没有节假日或调休记录")))
    }
}

pub async fn office_hours(s: &Services, actor: &Actor) -> ServiceResult<OfficeHours> {
    actor.require(Permission::CalendarRead)?;
    Ok(load(s).await?.office_hours().clone())
}

#[tracing::instrument(name = "set_office_hours", skip_all, fields(actor.id = actor.user_id))]
pub async fn set_office_hours(s: &Services, actor: &Actor, spans: Vec<OfficeSpan>) -> ServiceResult<OfficeHours> {
    actor.require(Permission::CalendarManage)?;
    let hours = OfficeHours::new(spans).map_err(|e| ServiceError::field("bad_office_hours", "spans", e.to_string()))?;
    let mut tx = s.db.begin().await?;
    store::put_setting(&mut tx, OFFICE_HOURS_KEY, &format_hours(&hours), Utc::now()).await?;
    bdc_audit::commit(tx, actor, "设置办公时间", &format_hours(&hours)).await?;
    Ok(hours)
}

/// At most this many working days can be added in one call (about 40 years).
const MAX_DAYS: u32 = 10_000;

pub async fn add_working_days(s: &Services, actor: &Actor, from: NaiveDate, days: u32) -> ServiceResult<NaiveDate> {
    actor.require(Permission::CalendarRead)?;
    check_year(chrono::Datelike::year(&from))?;
    if days > MAX_DAYS {
        return Err(ServiceError::field("bad_days", "days", format!("工作日数不能超过 {MAX_DAYS}")));
    }
    Ok(load(s).await?.add_working_days(from, days))
}

pub async fn working_days_between(s: &Services, actor: &Actor, from: NaiveDate, to: NaiveDate) -> ServiceResult<i64> {
    actor.require(Permission::CalendarRead)?;
    check_year(chrono::Datelike::year(&from))?;
    check_year(chrono::Datelike::year(&to))?;
    Ok(load(s).await?.working_days_between(from, to))
}

pub async fn is_working_time(s: &Services, actor: &Actor, at: NaiveDateTime) -> ServiceResult<bool> {
    actor.require(Permission::CalendarRead)?;
    check_year(chrono::Datelike::year(&at.date()))?;
    Ok(load(s).await?.is_working_time(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours_text_round_trips() {
        let h = OfficeHours::default();
        assert_eq!(format_hours(&h), "09:00-12:00,13:30-17:30");
        assert_eq!(parse_hours(&format_hours(&h)), Some(h));
        assert_eq!(parse_hours("9-12"), None);
    }
}
