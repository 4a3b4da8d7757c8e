//! `/api/v1/jobs` — background jobs for operators (后台任务): what ran, what waits, what failed.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use bdc_core::access::Permission;
use bdc_services::jobs::Job;

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
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: DateTime<Utc>,
    pub last_error: String,
}

impl From<Job> for JobDto {
    fn from(j: Job) -> Self {
        JobDto { id: j.id, kind: j.kind, dedup_key: j.dedup_key, state: j.state, attempts: j.attempts, max_attempts: j.max_attempts, run_at: j.run_at, last_error: j.last_error }
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

/// The most recent 1,000 jobs, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "system", operation_id = "list_jobs",
    security(("bearer" = []), ("cookie" = [])), params(JobQuery),
    responses((status = 200, body = PageDto<JobDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_jobs(State(state): State<AppState>, Authed(actor): Authed, ApiQuery(q): ApiQuery<JobQuery>) -> ApiResult<Json<PageDto<JobDto>>> {
    actor.require(Permission::JobsRead)?;
    let page = paging(q.page, q.per_page)?;
    if q.state.as_deref().is_some_and(|s| !["queued", "running", "done", "failed"].contains(&s)) {
        return Err(Problem::bad_request("bad_query", "任务状态须为 queued、running、done 或 failed"));
    }
    let all = bdc_services::jobs::list(&state.services, &actor, q.state.as_deref(), 1000).await?;
    Ok(Json(PageDto::slice(all.into_iter().map(JobDto::from).collect(), page)))
}
