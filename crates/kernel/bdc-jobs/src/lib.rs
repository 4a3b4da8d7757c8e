//! The job table (后台任务队列): enqueue, lease, finish, retry with back-off.
//!
//! Leasing is portable: pick the oldest due job, then claim it with a compare-and-set
//! `UPDATE … WHERE id = ? AND state = 'queued'`; a worker that loses the race to another gets 0
//! rows and picks again (on both engines, so no `SKIP LOCKED` is needed for correctness: a row is
//! claimed by exactly one UPDATE). A job whose lease expired (its worker died) is due again.
//!
//! Every claim increments `attempts`, which is the lease's fence (租约令牌): renewing, finishing
//! or failing a job names the attempt it holds, and is refused when another worker has since
//! taken the job over — so a worker that stalled past its lease can never overwrite the
//! outcome of the one that replaced it.

pub mod outbox;

use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyConnection, Row};

use bdc_db::{format_time, parse_time, StoreError, StoreResult};

/// Where a job stands (任务状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// 排队: due at `run_at` (again, after a failure's back-off).
    Queued,
    /// 运行中: leased by a worker until its lease runs out.
    Running,
    /// 已完成.
    Done,
    /// 失败: out of attempts; `last_error` holds the cause.
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Done, JobState::Failed];

    /// The code stored and published in the API.
    pub fn code(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "排队",
            JobState::Running => "运行中",
            JobState::Done => "已完成",
            JobState::Failed => "失败",
        }
    }

    pub fn parse(code: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedup_key: Option<String>,
    pub state: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: DateTime<Utc>,
    pub last_error: String,
}

/// Queues a job. With a `dedup_key`, a second job of the same kind and key is not added and
/// `None` is returned (e.g. one daily job per date).
pub async fn enqueue(conn: &mut AnyConnection, kind: &str, payload: &str, dedup_key: Option<&str>, run_at: DateTime<Utc>, max_attempts: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedup_key, state, attempts, max_attempts, run_at, created_at) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6) \
         ON CONFLICT (kind, dedup_key) DO NOTHING RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedup_key)
    .bind(max_attempts)
    .bind(format_time(run_at))
    .bind(format_time(Utc::now()))
    .fetch_optional(&mut *conn)
    .await?)
}

fn job_from_row(r: &sqlx::any::AnyRow) -> StoreResult<Job> {
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        payload: r.try_get("payload")?,
        dedup_key: r.try_get("dedup_key")?,
        state: {
            let code: String = r.try_get("state")?;
            JobState::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("任务状态 {code}")))?
        },
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        run_at: parse_time(&r.try_get::<String, _>("run_at")?)?,
        last_error: r.try_get("last_error")?,
    })
}

const COLUMNS: &str = "id, kind, payload, dedup_key, state, attempts, max_attempts, run_at, last_error";

/// Leases the oldest due job for `lease`, or returns `None` when nothing is due.
pub async fn lease(conn: &mut AnyConnection, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
    let now_s = format_time(now);
    // A lost race means another worker took the job: look again until nothing is due.
    loop {
        // Two index range scans on (state, run_at, id): due queued jobs first, then jobs whose
        // worker's lease ran out. (One query with OR would scan the whole table.)
        let mut candidate = sqlx::query_scalar::<_, i64>("SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1").bind(&now_s).fetch_optional(&mut *conn).await?;
        if candidate.is_none() {
            candidate = sqlx::query_scalar("SELECT id FROM jobs WHERE state = 'running' AND locked_until < $1 ORDER BY run_at, id LIMIT 1").bind(&now_s).fetch_optional(&mut *conn).await?;
        }
        let Some(id) = candidate else { return Ok(None) };
        let claimed = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', locked_until = $1, attempts = attempts + 1 \
             WHERE id = $2 AND ((state = 'queued' AND run_at <= $3) OR (state = 'running' AND locked_until < $3)) RETURNING {COLUMNS}"
        ))
        .bind(format_time(now + lease))
        .bind(id)
        .bind(&now_s)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = claimed {
            return Ok(Some(job_from_row(&row)?));
        }
    }
}

/// Leases up to `n` due queued jobs of one `kind` at once, oldest first (short jobs such as the
/// province reports, so a worker makes one round trip for many instead of one each). Each row is
/// still claimed by exactly one UPDATE: the state is checked again on the row itself, and on
/// PostgreSQL rows another worker is claiming are skipped (`SKIP LOCKED`) instead of waited for.
pub async fn lease_batch(conn: &mut AnyConnection, kind: &str, now: DateTime<Utc>, lease: Duration, n: i64) -> StoreResult<Vec<Job>> {
    let now_s = format_time(now);
    let skip = if conn.backend_name() == "SQLite" { "" } else { " FOR UPDATE SKIP LOCKED" };
    let rows = sqlx::query(&format!(
        "UPDATE jobs SET state = 'running', locked_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $2 AND kind = $3 ORDER BY run_at, id LIMIT $4{skip}) \
         AND state = 'queued' AND run_at <= $2 RETURNING {COLUMNS}"
    ))
    .bind(format_time(now + lease))
    .bind(&now_s)
    .bind(kind)
    .bind(n)
    .fetch_all(&mut *conn)
    .await?;
    let mut jobs = rows.iter().map(job_from_row).collect::<StoreResult<Vec<_>>>()?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// Marks several jobs done in one transaction (one commit for a batch); returns those whose
/// lease was lost (nothing changed for them).
pub async fn finish_many(conn: &mut AnyConnection, jobs: &[Job], now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let mut lost = Vec::new();
    let mut tx = bdc_db::begin_on(conn).await?;
    for job in jobs {
        if !finish(&mut tx, job, now).await? {
            lost.push(job.id);
        }
    }
    tx.commit().await?;
    Ok(lost)
}

/// Extends the lease of a running job held under `job.attempts` (the worker's heartbeat);
/// `false` when the lease was lost to another worker.
pub async fn renew(conn: &mut AnyConnection, job: &Job, until: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE jobs SET locked_until = $1 WHERE id = $2 AND state = 'running' AND attempts = $3")
        .bind(format_time(until))
        .bind(job.id)
        .bind(job.attempts)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

/// Marks the job done; `false` (and nothing changed) when the lease it was run under was lost.
pub async fn finish(conn: &mut AnyConnection, job: &Job, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = $1, last_error = '' WHERE id = $2 AND state = 'running' AND attempts = $3")
        .bind(format_time(now))
        .bind(job.id)
        .bind(job.attempts)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

/// What recording a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Queued again after its back-off.
    Retry,
    /// Its last attempt: failed for good.
    Final,
    /// The lease was lost to another worker: nothing recorded.
    LeaseLost,
}

/// Records a failure: the job runs again after an exponential back-off (1, 2, 4 … minutes, at
/// most an hour), or is marked failed after its last attempt — if the lease is still held.
pub async fn fail(conn: &mut AnyConnection, job: &Job, error: &str, now: DateTime<Utc>) -> StoreResult<Failure> {
    let error: String = error.chars().take(1000).collect();
    let (sql, outcome, at) = if job.attempts >= job.max_attempts {
        ("UPDATE jobs SET state = 'failed', locked_until = NULL, finished_at = $1, last_error = $2 WHERE id = $3 AND state = 'running' AND attempts = $4", Failure::Final, now)
    } else {
        let minutes = 1i64 << (job.attempts - 1).clamp(0, 6);
        (
            "UPDATE jobs SET state = 'queued', locked_until = NULL, run_at = $1, last_error = $2 WHERE id = $3 AND state = 'running' AND attempts = $4",
            Failure::Retry,
            now + Duration::minutes(minutes.min(60)),
        )
    };
    let n = sqlx::query(sql).bind(format_time(at)).bind(error).bind(job.id).bind(job.attempts).execute(&mut *conn).await?.rows_affected();
    Ok(if n == 1 { outcome } else { Failure::LeaseLost })
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Job> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(job_from_row).transpose()?.ok_or_else(|| StoreError::Corrupt(format!("任务 {id} 不存在")))
}

/// One page of the jobs (optionally of one state), newest first, and how many there are (运维 view).
pub async fn page(conn: &mut AnyConnection, state: Option<JobState>, limit: i64, offset: i64) -> StoreResult<(Vec<Job>, i64)> {
    let state = state.map(JobState::code);
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2 OFFSET $3")).bind(state).bind(limit).bind(offset).fetch_all(&mut *conn).await?;
    let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE ($1 IS NULL OR state = $1)").bind(state).fetch_one(&mut *conn).await?;
    Ok((rows.iter().map(job_from_row).collect::<StoreResult<_>>()?, total))
}

/// Jobs in a state, newest first (for operators).
pub async fn list(conn: &mut AnyConnection, state: Option<JobState>, limit: i64) -> StoreResult<Vec<Job>> {
    let state = state.map(JobState::code);
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2")).bind(state).bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(job_from_row).collect()
}
