//! `/api/v1/reconciliation` — reconciliation with the province (销账) and its supervision.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::ItemStatus;
use crate::service::reconciliation::{self, ItemView};

use bdc_http::extract::{paging, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

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
pub async fn list_reconciliation(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<ReconQuery>) -> ApiResult<Json<PageDto<ReconItemDto>>> {
    let page = paging(q.page, q.per_page)?;
    let status = match q.status {
        None => None,
        Some(code) => Some(ItemStatus::parse(code).ok_or_else(|| Problem::bad_request("bad_query", "状态须为 1 未销账、2 销账中、3 成功或 4 失败").with_field("status", "状态须为 1 至 4"))?),
    };
    Ok(Json(PageDto::map(reconciliation::items(&services, &actor, status, page).await?, ReconItemDto::from)))
}

impl From<ItemView> for ReconItemDto {
    fn from(v: ItemView) -> Self {
        let i = v.item;
        ReconItemDto {
            id: i.id,
            cause: i.cause.code(),
            cause_name: i.cause.name().to_owned(),
            status: i.status.code(),
            status_name: i.status.name().to_owned(),
            list_date: i.list_date,
            biz_msg_id: i.biz_msg_id,
            case_number: i.case_number,
            unit_number: i.unit_number,
            response_code: i.response_code,
            response_info: i.response_info,
            deadline: i.deadline,
            working_days_left: v.working_days_left,
            alarm: v.alarm.map_or("", |a| a.code()).to_owned(),
            resend_biz_msg_id: i.resend_biz_msg_id,
        }
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
pub async fn resend_reconciliation_item(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<ItemPath>) -> ApiResult<Json<ReconItemDto>> {
    Ok(Json(reconciliation::resend(&services, &actor, p.id).await?.into()))
}
