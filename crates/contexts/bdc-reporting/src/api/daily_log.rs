//! `/api/v1/registration-log` — the daily registration log (登簿日志): JSON, the LogBiz message,
//! and an .xlsx export.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::daily_log::{self as registration_log, DailyLog};

use bdc_http::extract::ApiQuery;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

/// The day of the log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// `YYYY-MM-DD`, Beijing time.
    pub date: NaiveDate,
}

/// One line of the 登簿详单.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterLineDto {
    /// 业务号.
    pub ywh: String,
    /// 登记类型.
    pub djlx: u16,
    /// 权利类型.
    pub qllx: u16,
    /// 不动产单元号.
    pub bdcdyh: String,
    /// 证书证明号.
    pub zszmh: String,
    /// 是否上报 (accepted by the province).
    pub sfsb: bool,
    /// 报文ID.
    pub bwid: String,
}

/// One line of the 上报详单.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLineDto {
    pub bwid: String,
    pub ywh: String,
    pub bdcdyh: String,
}

/// The log of one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailyLogDto {
    pub date: NaiveDate,
    /// first, transfer, change, logout, revise, dissenting, advance, seize, other.
    pub counts: std::collections::BTreeMap<String, u32>,
    pub register_list: Vec<RegisterLineDto>,
    pub access_list: Vec<AccessLineDto>,
}

fn dto(l: DailyLog) -> DailyLogDto {
    DailyLogDto {
        date: l.date,
        counts: l.counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        register_list: l
            .register_list
            .into_iter()
            .map(|r| RegisterLineDto { ywh: r.case_number, djlx: r.registration_type, qllx: r.right_type, bdcdyh: r.unit_number, zszmh: r.certificates, sfsb: r.reported, bwid: r.biz_msg_id })
            .collect(),
        access_list: l.access_list.into_iter().map(|a| AccessLineDto { bwid: a.biz_msg_id, ywh: a.case_number, bdcdyh: a.unit_number }).collect(),
    }
}

/// The registration log of a day.
#[utoipa::path(get, path = "/api/v1/registration-log", tag = "cases", operation_id = "get_registration_log",
    security(("bearer" = []), ("cookie" = [])), params(LogQuery),
    responses((status = 200, body = DailyLogDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_registration_log(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<LogQuery>) -> ApiResult<Json<DailyLogDto>> {
    Ok(Json(dto(registration_log::daily_log(&services, &actor, q.date).await?)))
}

/// The registration log of a day as the LogBiz message.
#[utoipa::path(get, path = "/api/v1/registration-log/logbiz", tag = "cases", operation_id = "get_registration_log_xml",
    security(("bearer" = []), ("cookie" = [])), params(LogQuery),
    responses((status = 200, description = "LogBiz XML", content_type = "application/xml"), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_registration_log_xml(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<LogQuery>) -> ApiResult<Response> {
    let log = registration_log::daily_log(&services, &actor, q.date).await?;
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], registration_log::log_biz_xml(&log)).into_response())
}

/// The registration log of a day as an .xlsx workbook (汇总, 登簿详单, 上报详单).
#[utoipa::path(get, path = "/api/v1/registration-log/xlsx", tag = "cases", operation_id = "export_registration_log",
    security(("bearer" = []), ("cookie" = [])), params(LogQuery),
    responses((status = 200, description = "Excel workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn export_registration_log(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<LogQuery>) -> ApiResult<Response> {
    let log = registration_log::daily_log(&services, &actor, q.date).await?;
    let bytes = registration_log::xlsx(&log)?;
    let disposition = format!("attachment; filename=\"registration-log-{}.xlsx\"", q.date);
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
