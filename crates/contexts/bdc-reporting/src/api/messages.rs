//! `/api/v1/reports` — messages reported to the province and their answers (上报报文).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::report::{self, ReportRecord};

use bdc_http::extract::{paging, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

/// A reported message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    /// BizMsgID.
    pub biz_msg_id: String,
    pub journal_seq: i64,
    pub case_id: Option<i64>,
    pub unit_id: i64,
    pub area_code: String,
    pub rec_type: String,
    /// sent, accepted, rejected, quarantined.
    pub state: String,
    /// 已发送, 接入成功, 接入失败, 响应隔离.
    pub state_name: String,
    pub response_code: Option<String>,
    pub response_info: Option<String>,
    /// The message as sent (XML).
    pub message: String,
    /// The answer as received, before it was read.
    pub response_raw: Option<String>,
}

impl From<ReportRecord> for ReportDto {
    fn from(r: ReportRecord) -> Self {
        ReportDto {
            id: r.id,
            biz_msg_id: r.biz_msg_id,
            journal_seq: r.journal_seq,
            case_id: r.case_id,
            unit_id: r.unit_id,
            area_code: r.area_code,
            rec_type: r.rec_type,
            state: r.state.code().to_owned(),
            state_name: r.state.name().to_owned(),
            response_code: r.response_code,
            response_info: r.response_info,
            message: r.message,
            response_raw: r.response_raw,
        }
    }
}

/// Filter of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub case_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Messages reported to the province, newest first (all, or those of a case), paged in the database.
#[utoipa::path(get, path = "/api/v1/reports", tag = "cases", operation_id = "list_reports",
    security(("bearer" = []), ("cookie" = [])), params(ReportQuery),
    responses((status = 200, body = PageDto<ReportDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_reports(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<ReportQuery>) -> ApiResult<Json<PageDto<ReportDto>>> {
    let page = paging(q.page, q.per_page)?;
    // Through the service: messages are stored encrypted and decrypted only to be shown.
    Ok(Json(PageDto::map(report::messages(&services, &actor, q.case_id, page).await?, ReportDto::from)))
}
