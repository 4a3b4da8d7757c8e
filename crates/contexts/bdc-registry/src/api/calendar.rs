//! `/api/v1/calendar` — the working-day calendar (工作日历): holidays, make-up working days,
//! office hours, and deadline arithmetic.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::calendar;
use bdc_core::calendar::{DayKind, DayOverride, OfficeHours, OfficeSpan};

use crate::Services;
use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// `holiday` (法定节假日) or `workday` (调休上班).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DayKindDto {
    Holiday,
    Workday,
}

impl From<DayKind> for DayKindDto {
    fn from(k: DayKind) -> Self {
        match k {
            DayKind::Holiday => DayKindDto::Holiday,
            DayKind::Workday => DayKindDto::Workday,
        }
    }
}

impl From<DayKindDto> for DayKind {
    fn from(k: DayKindDto) -> Self {
        match k {
            DayKindDto::Holiday => DayKind::Holiday,
            DayKindDto::Workday => DayKind::Workday,
        }
    }
}

const WEEKDAYS: [&str; 7] = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

/// One calendar entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayDto {
    pub date: NaiveDate,
    pub kind: DayKindDto,
    pub note: String,
    /// 星期一 … 星期日.
    pub weekday: String,
}

impl From<DayOverride> for CalendarDayDto {
    fn from(o: DayOverride) -> Self {
        CalendarDayDto { weekday: WEEKDAYS[o.date.weekday().num_days_from_monday() as usize].to_owned(), date: o.date, kind: o.kind.into(), note: o.note }
    }
}

/// Year and page of the calendar list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DaysQuery {
    /// e.g. 2026.
    pub year: i32,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The holidays and make-up working days of a year.
#[utoipa::path(get, path = "/api/v1/calendar/days", tag = "calendar", operation_id = "list_calendar_days",
    security(("bearer" = []), ("cookie" = [])), params(DaysQuery),
    responses((status = 200, body = PageDto<CalendarDayDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_days(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<DaysQuery>) -> ApiResult<Json<PageDto<CalendarDayDto>>> {
    let page = paging(q.page, q.per_page.or(Some(200)))?;
    let days = calendar::list_year(&services, &actor, q.year).await?;
    Ok(Json(PageDto::slice(days.into_iter().map(CalendarDayDto::from).collect(), page)))
}

/// A year.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// e.g. 2027.
    pub year: i32,
}

/// One computed statutory day off (法定节假日).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatutoryDayDto {
    pub date: NaiveDate,
    /// 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节 or 国庆节.
    pub festival: String,
    /// e.g. 国庆节, 国庆节补假.
    pub note: String,
    /// 补假: a weekday off for a festival day on a weekend (or on another festival's day); the
    /// published arrangement may place it elsewhere.
    pub substitute: bool,
    /// 星期一 … 星期日.
    pub weekday: String,
}

/// A year's statutory holidays as computed, and whether its 调休 arrangement is entered.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatutoryYearDto {
    pub year: i32,
    /// True once the year has at least one stored entry (holiday or make-up working day); until
    /// then deadlines in the year count only the computed days below.
    pub arrangement_entered: bool,
    pub items: Vec<StatutoryDayDto>,
}

/// The statutory holidays of a year (《全国年节及纪念日放假办法》, computed from 2025 on; stored entries
/// win over them) and whether the year's 调休 arrangement has been entered.
#[utoipa::path(get, path = "/api/v1/calendar/statutory", tag = "calendar", operation_id = "statutory_holidays",
    security(("bearer" = []), ("cookie" = [])), params(YearQuery),
    responses((status = 200, body = StatutoryYearDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn statutory(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<YearQuery>) -> ApiResult<Json<StatutoryYearDto>> {
    let (days, arrangement_entered) = calendar::statutory_year(&services, &actor, q.year).await?;
    let items = days
        .into_iter()
        .map(|d| StatutoryDayDto {
            date: d.date,
            festival: d.festival.name().to_owned(),
            note: d.note(),
            substitute: d.substitute,
            weekday: WEEKDAYS[d.date.weekday().num_days_from_monday() as usize].to_owned(),
        })
        .collect();
    Ok(Json(StatutoryYearDto { year: q.year, arrangement_entered, items }))
}

/// Path of one date.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DatePath {
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
}

/// 设置节假日或调休.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetDayRequest {
    pub kind: DayKindDto,
    /// e.g. 春节, 国庆节调休.
    #[serde(default)]
    pub note: String,
}

/// Marks a date as a holiday or a make-up working day (replacing what it was).
#[utoipa::path(put, path = "/api/v1/calendar/days/{date}", tag = "calendar", operation_id = "set_calendar_day",
    security(("bearer" = []), ("cookie" = [])), params(DatePath), request_body = SetDayRequest,
    responses((status = 200, body = CalendarDayDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_day(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<DatePath>, ApiJson(req): ApiJson<SetDayRequest>) -> ApiResult<Json<CalendarDayDto>> {
    Ok(Json(calendar::set_day(&services, &actor, p.date, req.kind.into(), &req.note).await?.into()))
}

/// Removes a date's entry: it becomes an ordinary weekday or weekend day.
#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "calendar", operation_id = "clear_calendar_day",
    security(("bearer" = []), ("cookie" = [])), params(DatePath),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn clear_day(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<DatePath>) -> ApiResult<StatusCode> {
    calendar::clear_day(&services, &actor, p.date).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A span of office hours, `HH:MM`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpanDto {
    #[schema(value_type = String, example = "09:00")]
    pub start: String,
    #[schema(value_type = String, example = "12:00")]
    pub end: String,
}

/// 办公时间.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeHoursDto {
    pub spans: Vec<SpanDto>,
}

impl From<&OfficeHours> for OfficeHoursDto {
    fn from(h: &OfficeHours) -> Self {
        OfficeHoursDto { spans: h.spans().iter().map(|s| SpanDto { start: s.start.format("%H:%M").to_string(), end: s.end.format("%H:%M").to_string() }).collect() }
    }
}

/// The office hours.
#[utoipa::path(get, path = "/api/v1/calendar/office-hours", tag = "calendar", operation_id = "get_office_hours",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = OfficeHoursDto), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_office_hours(State(services): State<Services>, Authed(actor): Authed) -> ApiResult<Json<OfficeHoursDto>> {
    Ok(Json((&calendar::office_hours(&services, &actor).await?).into()))
}

/// Sets the office hours: ordered, non-overlapping spans.
#[utoipa::path(put, path = "/api/v1/calendar/office-hours", tag = "calendar", operation_id = "set_office_hours",
    security(("bearer" = []), ("cookie" = [])), request_body = OfficeHoursDto,
    responses((status = 200, body = OfficeHoursDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_office_hours(State(services): State<Services>, Authed(actor): Authed, ApiJson(req): ApiJson<OfficeHoursDto>) -> ApiResult<Json<OfficeHoursDto>> {
    let mut spans = Vec::new();
    for (i, s) in req.spans.iter().enumerate() {
        let t = |v: &str, which: &str| {
            NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_office_hours", format!("第 {} 个时段的{which}时间“{v}”格式错误，应为 HH:MM", i + 1)).with_field("spans", "时间格式应为 HH:MM")
            })
        };
        spans.push(OfficeSpan { start: t(&s.start, "开始")?, end: t(&s.end, "结束")? });
    }
    Ok(Json((&calendar::set_office_hours(&services, &actor, spans).await?).into()))
}

/// Start date and number of working days.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AddQuery {
    pub from: NaiveDate,
    pub days: u32,
}

/// Result of adding working days.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddResult {
    pub from: NaiveDate,
    pub days: u32,
    /// The date `days` working days after `from`: the deadline of a case accepted on `from`.
    pub date: NaiveDate,
}

/// Adds working days to a date (期限计算).
#[utoipa::path(get, path = "/api/v1/calendar/working-days/add", tag = "calendar", operation_id = "add_working_days",
    security(("bearer" = []), ("cookie" = [])), params(AddQuery),
    responses((status = 200, body = AddResult), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_working_days(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<AddQuery>) -> ApiResult<Json<AddResult>> {
    let date = calendar::add_working_days(&services, &actor, q.from, q.days).await?;
    Ok(Json(AddResult { from: q.from, days: q.days, date }))
}

/// Two dates.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CountQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Working days between two dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountResult {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Working days in `(from, to]`; negative when `to` is before `from`.
    pub working_days: i64,
}

/// Counts working days between two dates.
#[utoipa::path(get, path = "/api/v1/calendar/working-days/count", tag = "calendar", operation_id = "count_working_days",
    security(("bearer" = []), ("cookie" = [])), params(CountQuery),
    responses((status = 200, body = CountResult), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn count_working_days(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<CountQuery>) -> ApiResult<Json<CountResult>> {
    let n = calendar::working_days_between(&services, &actor, q.from, q.to).await?;
    Ok(Json(CountResult { from: q.from, to: q.to, working_days: n }))
}

/// A local (Beijing) moment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// `YYYY-MM-DDTHH:MM:SS`, Beijing time.
    #[param(value_type = String, example = "2026-01-04T09:30:00")]
    pub at: NaiveDateTime,
}

/// Whether a moment is within working time.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingTimeResult {
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
    pub working_day: bool,
    pub working_time: bool,
}

/// Tells whether a moment falls on a working day and within office hours.
#[utoipa::path(get, path = "/api/v1/calendar/working-time", tag = "calendar", operation_id = "is_working_time",
    security(("bearer" = []), ("cookie" = [])), params(AtQuery),
    responses((status = 200, body = WorkingTimeResult), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn working_time(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<AtQuery>) -> ApiResult<Json<WorkingTimeResult>> {
    let working_time = calendar::is_working_time(&services, &actor, q.at).await?;
    let working_day = calendar::working_days_between(&services, &actor, q.at.date().pred_opt().unwrap_or(q.at.date()), q.at.date()).await? == 1;
    Ok(Json(WorkingTimeResult { at: q.at, working_day, working_time }))
}
