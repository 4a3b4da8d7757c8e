//! `/api/v1/jobs` — background jobs for operators (后台任务): what ran, what waits, what failed.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use bdc_core::access::Permission;
use bdc_registry::service::jobs::Job;

use crate::api::PageDto;
use crate::state::AppState;
use bdc_http::extract::{paging, ApiQuery};
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// A background job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDto {
    pub id: i64,
    pub kind: String,
    pub dedup_key: Option<String>,
    /// queued, running, done, failed.
    pub state: String,
    /// 排队, 运行中, 已完成, 失败.
    pub state_name: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: DateTime<Utc>,
    pub last_error: String,
}

impl From<Job> for JobDto {
    fn from(j: Job) -> Self {
        JobDto {
            id: j.id,
            kind: j.kind,
            dedup_key: j.dedup_key,
            state: j.state.code().to_owned(),
            state_name: j.state.name().to_owned(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            last_error: j.last_error,
        }
    }
}

/// Filter of the job list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct JobQuery {
    pub state: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The jobs, newest first, paged in the database.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "system", operation_id = "list_jobs",
    security(("bearer" = []), ("cookie" = [])), params(JobQuery),
    responses((status = 200, body = PageDto<JobDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_jobs(State(state): State<AppState>, Authed(actor): Authed, ApiQuery(q): ApiQuery<JobQuery>) -> ApiResult<Json<PageDto<JobDto>>> {
    actor.require(Permission::JobsRead)?;
    let page = paging(q.page, q.per_page)?;
    let wanted = match q.state.as_deref() {
        None => None,
        Some(code) => Some(bdc_jobs::JobState::parse(code).ok_or_else(|| Problem::bad_request("bad_query", "任务状态须为 queued、running、done 或 failed").with_field("state", "任务状态无效"))?),
    };
    Ok(Json(PageDto::map(bdc_registry::service::jobs::list(&state.services, &actor, wanted, page).await?, JobDto::from)))
}
