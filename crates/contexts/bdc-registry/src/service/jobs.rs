//! Background jobs (后台任务): the worker that runs due jobs, and the daily schedule.
//!
//! Jobs are rows (`bdc_jobs`), so a restart loses nothing. The register core's kinds are listed
//! in [`run_one`] (the daily lapse, the online applicant's SMS of a change of his case); a context plugs its own in as a [`JobHandler`] when it is installed
//! ([`Services::with_handler`]). A kind nobody runs fails with its name in `last_error`.

use chrono::{DateTime, Duration, Utc};

use bdc_jobs as jobs;
pub use bdc_jobs::Job;

use crate::service::{ServiceError, ServiceResult, Services};

/// A context's background work, run by the worker loop (后台任务扩展): the kinds it runs, what it
/// queues on every tick, and how often it needs the loop to wake.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + std::fmt::Debug {
    /// The job kinds this handler runs.
    fn kinds(&self) -> &'static [&'static str];
    /// Queues what is due at `now` (called on every tick of the loop).
    async fn schedule(&self, s: &Services, now: DateTime<Utc>) -> ServiceResult<()>;
    /// Once, when the worker loop starts (maintenance of the context's own rows).
    async fn start(&self, _s: &Services) -> ServiceResult<()> {
        Ok(())
    }
    /// Runs one job of one of its kinds.
    async fn run(&self, s: &Services, job: &Job) -> ServiceResult<()>;
    /// How often the loop must wake for this handler, when more often than the loop's own tick.
    fn every(&self, _s: &Services) -> Option<std::time::Duration> {
        None
    }
    /// Kinds of many short jobs, leased [`BATCH`] at a time before any other job (one lease
    /// and one commit per batch, so a backlog of them drains fast yet never holds back the rest).
    fn batched(&self) -> &'static [&'static str] {
        &[]
    }
    /// Work done on every tick that is no job of its own (reading answers that have arrived).
    async fn tick(&self, _s: &Services) -> ServiceResult<()> {
        Ok(())
    }
}

/// 每日失效处理: end the objections and advance notices whose term has run out.
pub const LAPSE_RESTRICTIONS: &str = "lapse_restrictions";

/// How long a worker holds a job before another may take it over.
const LEASE_MINUTES: i64 = 10;

/// Queues today's daily jobs (once per day, whatever the number of servers), then what every
/// installed context schedules ([`JobHandler::schedule`]: reporting's LogBiz of the day before,
/// the court poll when due). A context that fails to schedule is logged; the others go on.
pub async fn schedule_daily(s: &Services, now: DateTime<Utc>) -> ServiceResult<()> {
    let today = bdc_core::time::business_date(now);
    {
        let mut conn = s.db.conn().await?;
        jobs::enqueue(&mut conn, LAPSE_RESTRICTIONS, &format!("{{\"date\":\"{today}\"}}"), Some(&today.to_string()), now, 5).await?;
    }
    for h in s.handlers.iter() {
        if let Err(e) = h.schedule(s, now).await {
            tracing::error!(error = %e.cause(), kinds = ?h.kinds(), "scheduling jobs failed");
        }
    }
    Ok(())
}

/// Jobs of a batched kind ([`JobHandler::batched`], the province reports) a worker leases at
/// once: each takes milliseconds, so a batch ends long before its lease and needs no heartbeat.
pub const BATCH: i64 = 64;

/// Runs every due job; returns how many ran (successfully or not).
///
/// Each round takes a batch of every batched kind (one lease for the batch, one commit to
/// finish it) and then the oldest due job of any kind, so a backlog of reports never holds back
/// the daily jobs or the court poll.
pub async fn run_due(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut n = 0;
    let batched: Vec<&'static str> = s.handlers.iter().flat_map(|h| h.batched().iter().copied()).collect();
    loop {
        let mut had_batch = false;
        for kind in &batched {
            let batch = {
                let mut conn = s.db.conn().await?;
                jobs::lease_batch(&mut conn, kind, now, Duration::minutes(LEASE_MINUTES), BATCH).await?
            };
            n += batch.len();
            had_batch |= !batch.is_empty();
            let mut done = Vec::with_capacity(batch.len());
            for job in batch {
                match run_one(s, &job).await {
                    Ok(()) => done.push(job),
                    Err(e) => record_failure(s, &job, &e).await?,
                }
            }
            if !done.is_empty() {
                let mut conn = s.db.conn().await?;
                for id in jobs::finish_many(&mut conn, &done, Utc::now()).await? {
                    tracing::warn!(job.id = id, "the job's lease was taken over by another worker; this run's outcome is discarded");
                }
            }
        }
        let job = {
            let mut conn = s.db.conn().await?;
            jobs::lease(&mut conn, now, Duration::minutes(LEASE_MINUTES)).await?
        };
        let Some(job) = job else {
            if had_batch {
                continue;
            }
            return Ok(n);
        };
        n += 1;
        let result = run_renewing(s, &job).await;
        let mut conn = s.db.conn().await?;
        let kept = match result {
            Ok(()) => jobs::finish(&mut conn, &job, Utc::now()).await?,
            Err(e) => {
                // The real cause, not only 服务器内部错误: whoever reads the job must see what failed.
                let cause = e.cause();
                tracing::warn!(job.id = job.id, job.kind = %job.kind, error = %cause, "job failed");
                jobs::fail(&mut conn, &job, &cause, Utc::now()).await? != jobs::Failure::LeaseLost
            }
        };
        if !kept {
            tracing::warn!(job.id = job.id, job.kind = %job.kind, attempt = job.attempts, "the job's lease was taken over by another worker; this run's outcome is discarded");
        }
    }
}

/// Records a failed job with its real cause (the job retries after its back-off).
async fn record_failure(s: &Services, job: &Job, e: &ServiceError) -> ServiceResult<()> {
    let cause = e.cause();
    tracing::warn!(job.id = job.id, job.kind = %job.kind, error = %cause, "job failed");
    let mut conn = s.db.conn().await?;
    if jobs::fail(&mut conn, job, &cause, Utc::now()).await? == jobs::Failure::LeaseLost {
        tracing::warn!(job.id = job.id, job.kind = %job.kind, attempt = job.attempts, "the job's lease was taken over by another worker; this run's outcome is discarded");
    }
    Ok(())
}

/// Runs a job while renewing its lease every third of the lease time (the heartbeat), so a
/// long job is not taken over while its worker is alive.
async fn run_renewing(s: &Services, job: &Job) -> ServiceResult<()> {
    let every = std::time::Duration::from_secs(u64::try_from(LEASE_MINUTES * 60 / 3).unwrap_or(200));
    let work = run_one(s, job);
    tokio::pin!(work);
    let mut beat = tokio::time::interval(every);
    beat.tick().await;
    loop {
        tokio::select! {
            result = &mut work => return result,
            _ = beat.tick() => {
                let mut conn = s.db.conn().await?;
                if !jobs::renew(&mut conn, job, Utc::now() + Duration::minutes(LEASE_MINUTES)).await? {
                    tracing::warn!(job.id = job.id, "lease lost while running");
                }
            }
        }
    }
}

async fn run_one(s: &Services, job: &Job) -> ServiceResult<()> {
    match job.kind.as_str() {
        LAPSE_RESTRICTIONS => {
            let ended = crate::service::lapse::lapse_restrictions(s, Utc::now()).await?;
            let seizures = crate::service::lapse::lapse_seizures(s, Utc::now()).await?;
            tracing::info!(ended, seizures, "lapsed restrictions recorded");
            Ok(())
        }
        crate::service::cases::notices::SMS_CASE_STATE => crate::service::cases::notices::send(s, &job.payload).await,
        other => match s.handlers.iter().find(|h| h.kinds().contains(&other)) {
            Some(h) => h.run(s, job).await,
            None => Err(ServiceError::validation("unknown_job", format!("未知的任务类型：{other}"))),
        },
    }
}

/// One page of the jobs, newest first, optionally of one state (运维 view), paged in the database.
pub async fn list(s: &Services, actor: &crate::service::Actor, state: Option<jobs::JobState>, page: bdc_db::PageRequest) -> ServiceResult<bdc_db::Page<Job>> {
    actor.require(bdc_core::access::Permission::JobsRead)?;
    let mut conn = s.db.conn().await?;
    let (items, total) = jobs::page(&mut conn, state, page.limit(), page.offset()).await?;
    Ok(bdc_db::Page { items, total, page: page.page, per_page: page.per_page })
}

/// The loop `bdc serve` runs in the background: schedule the daily jobs and run what is due,
/// every `every`. Errors are logged and the loop goes on.
pub async fn worker_loop(s: Services, every: std::time::Duration) {
    for h in s.handlers.iter() {
        if let Err(e) = h.start(&s).await {
            tracing::error!(error = %e.cause(), kinds = ?h.kinds(), "starting a context's jobs failed");
        }
    }
    loop {
        let now = Utc::now();
        if let Err(e) = schedule_daily(&s, now).await {
            tracing::error!(error = %e.cause(), "scheduling daily jobs failed");
        }
        if let Err(e) = run_due(&s, now).await {
            tracing::error!(error = %e.cause(), "running jobs failed");
        }
        for h in s.handlers.iter() {
            if let Err(e) = h.tick(&s).await {
                tracing::error!(error = %e.cause(), kinds = ?h.kinds(), "a context's tick failed");
            }
        }
        let tick = s.handlers.iter().filter_map(|h| h.every(&s)).fold(every, std::cmp::Ord::min);
        tokio::time::sleep(tick).await;
    }
}
