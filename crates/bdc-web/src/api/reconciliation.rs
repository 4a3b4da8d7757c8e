//! `/api/v1/reconciliation` — reconciliation with the province (销账) and its supervision.

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use bdc_core::access::Permission;
use bdc_services::reconciliation::ReconItem;

use crate::api::PageDto;
use crate::state::AppState;
use bdc_http::extract::{paging, ApiPath, ApiQuery};
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

const CAUSES: [&str; 4] = ["接入失败", "入库失败", "未上报", "比对不一致"];
const STATUSES: [&str; 4] = ["未销账", "销账中", "成功", "失败"];

/// A reconciliation item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReconItemDto {
    pub id: i64,
    pub list_date: String,
    pub biz_msg_id: String,
    pub case_number: String,
    pub unit_number: String,
    pub response_code: String,
    pub response_info: String,
    /// 1 接入失败, 2 入库失败, 3 未上报, 4 比对不一致.
    pub cause: i64,
    pub cause_name: String,
    /// 1 未销账, 2 销账中, 3 成功, 4 失败.
    pub status: i64,
    pub status_name: String,
    /// 5 working days after the list's date.
    pub deadline: String,
    /// Working days left (negative when overdue), while not cleared.
    pub working_days_left: Option<i64>,
    /// `overdue` past the deadline, `due_soon` with at most 1 working day left, else empty.
    pub alarm: String,
    pub resend_biz_msg_id: Option<String>,
}

fn name(list: &[&str; 4], i: i64) -> String {
    usize::try_from(i - 1).ok().and_then(|i| list.get(i)).map_or_else(String::new, |s| (*s).to_owned())
}

/// Filter of the supervision view.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReconQuery {
    pub status: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Every reconciliation item, nearest deadline first, with alarms (销账监管).
#[utoipa::path(get, path = "/api/v1/reconciliation", tag = "cases", operation_id = "list_reconciliation",
    security(("bearer" = []), ("cookie" = [])), params(ReconQuery),
    responses((status = 200, body = PageDto<ReconItemDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_reconciliation(State(state): State<AppState>, Authed(actor): Authed, ApiQuery(q): ApiQuery<ReconQuery>) -> ApiResult<Json<PageDto<ReconItemDto>>> {
    actor.require(Permission::CaseRead)?;
    let page = paging(q.page, q.per_page)?;
    if q.status.is_some_and(|s| !(1..=4).contains(&s)) {
        return Err(Problem::bad_request("bad_query", "状态须为 1 未销账、2 销账中、3 成功或 4 失败"));
    }
    let cal = bdc_services::calendar::load(&state.services).await?;
    let today = bdc_core::time::business_date(Utc::now());
    let items = bdc_services::reconciliation::items(&state.services, &actor, q.status, 10_000).await?;
    let dtos = items.into_iter().map(|i| dto(i, &cal, today)).collect();
    Ok(Json(PageDto::slice(dtos, page)))
}

fn dto(i: ReconItem, cal: &bdc_core::calendar::WorkCalendar, today: NaiveDate) -> ReconItemDto {
    let open = i.status == 1 || i.status == 2;
    let left = i.deadline.parse::<NaiveDate>().ok().filter(|_| open).map(|d| cal.working_days_between(today, d));
    let alarm = match left {
        Some(l) if l < 0 => "overdue",
        Some(l) if l <= 1 => "due_soon",
        _ => "",
    };
    ReconItemDto {
        id: i.id,
        cause_name: name(&CAUSES, i.cause),
        status_name: name(&STATUSES, i.status),
        list_date: i.list_date,
        biz_msg_id: i.biz_msg_id,
        case_number: i.case_number,
        unit_number: i.unit_number,
        response_code: i.response_code,
        response_info: i.response_info,
        cause: i.cause,
        status: i.status,
        deadline: i.deadline,
        working_days_left: left,
        alarm: alarm.into(),
        resend_biz_msg_id: i.resend_biz_msg_id,
    }
}

/// Path of one item.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ItemPath {
    pub id: i64,
}

/// Re-reports an item's record (补报 / 重报) with a new BizMsgID; the item is 销账中 until the
/// province answers, then 成功 or 失败.
#[utoipa::path(post, path = "/api/v1/reconciliation/{id}/resend", tag = "cases", operation_id = "resend_reconciliation_item",
    security(("bearer" = []), ("cookie" = [])), params(ItemPath),
    responses((status = 200, body = ReconItemDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn resend_reconciliation_item(State(state): State<AppState>, Authed(actor): Authed, ApiPath(p): ApiPath<ItemPath>) -> ApiResult<Json<ReconItemDto>> {
    let item = bdc_services::reporting::resend_item(&state.services, &actor, p.id).await?;
    let cal = bdc_services::calendar::load(&state.services).await?;
    Ok(Json(dto(item, &cal, bdc_core::time::business_date(Utc::now()))))
}
