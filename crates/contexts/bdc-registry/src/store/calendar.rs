//! Working-day calendar data (工作日历): overrides per date and office hours.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AnyConnection, Row};

use bdc_core::calendar::{seed_overrides, DayKind, DayOverride};

use crate::store::{format_time, StoreError, StoreResult};

/// Key of the office-hours setting; the value is `HH:MM-HH:MM,HH:MM-HH:MM`.
pub const OFFICE_HOURS_KEY: &str = "calendar.office_hours";

/// Inserts the published 2024–2026 schedules where the date has no entry yet, so an
/// administrator's corrections survive restarts.
pub async fn seed_calendar(conn: &mut AnyConnection) -> StoreResult<()> {
    let any = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM calendar_days").fetch_one(&mut *conn).await?;
    if any > 0 {
        return Ok(());
    }
    let now = format_time(Utc::now());
    for o in seed_overrides() {
        sqlx::query("INSERT INTO calendar_days (day, kind, note, updated_by, updated_at) VALUES ($1, $2, $3, 'seed', $4) ON CONFLICT (day) DO NOTHING")
            .bind(o.date.to_string())
            .bind(o.kind.as_str())
            .bind(&o.note)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Entries whose date lies in `[from, to]`.
pub async fn list_days(conn: &mut AnyConnection, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<DayOverride>> {
    let rows = sqlx::query("SELECT day, kind, note FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day").bind(from.to_string()).bind(to.to_string()).fetch_all(&mut *conn).await?;
    rows.iter().map(day_from_row).collect()
}

fn day_from_row(r: &sqlx::any::AnyRow) -> StoreResult<DayOverride> {
    let day: String = r.try_get("day")?;
    let kind: String = r.try_get("kind")?;
    Ok(DayOverride {
        date: day.parse().map_err(|_| StoreError::Corrupt(format!("日历日期错误：{day}")))?,
        kind: DayKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("日历类型错误：{kind}")))?,
        note: r.try_get("note")?,
    })
}

/// Every entry: what the calendar engine loads.
pub async fn all_days(conn: &mut AnyConnection) -> StoreResult<Vec<DayOverride>> {
    let rows = sqlx::query("SELECT day, kind, note FROM calendar_days ORDER BY day").fetch_all(&mut *conn).await?;
    rows.iter().map(day_from_row).collect()
}

pub async fn upsert_day(conn: &mut AnyConnection, o: &DayOverride, by: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO calendar_days (day, kind, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(o.date.to_string())
    .bind(o.kind.as_str())
    .bind(&o.note)
    .bind(by)
    .bind(format_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes the entry of a date (it becomes an ordinary weekday or weekend day). False if none.
pub async fn delete_day(conn: &mut AnyConnection, date: NaiveDate) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(date.to_string()).execute(&mut *conn).await?.rows_affected() == 1)
}

pub async fn get_setting(conn: &mut AnyConnection, key: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(&mut *conn).await?)
}

pub async fn put_setting(conn: &mut AnyConnection, key: &str, value: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
        .bind(key)
        .bind(value)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
