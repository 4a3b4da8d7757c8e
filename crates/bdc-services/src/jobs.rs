//! Background jobs (后台任务): the worker that runs due jobs, and the daily schedule.
//!
//! Jobs are rows (`bdc_jobs`), so a restart loses nothing. The register core's kinds are listed
//! in [`run_one`]; a context plugs its own in as a [`JobHandler`] when it is installed
//! ([`Services::with_handler`]). A kind nobody runs fails with its name in `last_error`.

use chrono::{DateTime, Duration, Utc};

use bdc_jobs as jobs;
pub use bdc_jobs::Job;

use crate::{ServiceError, ServiceResult, Services};

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
}

/// 每日失效处理: end the objections and advance notices whose term has run out.
pub const LAPSE_RESTRICTIONS: &str = "lapse_restrictions";

/// 登簿日志上报: the LogBiz message of the previous day.
pub const SEND_LOG_BIZ: &str = "send_log_biz";

/// How long a worker holds a job before another may take it over.
const LEASE_MINUTES: i64 = 10;

/// Queues today's daily jobs (once per day, whatever the number of servers).
pub async fn schedule_daily(s: &Services, now: DateTime<Utc>) -> ServiceResult<()> {
    let today = bdc_core::time::business_date(now);
    let mut conn = s.db.conn().await?;
    jobs::enqueue(&mut conn, LAPSE_RESTRICTIONS, &format!("{{\"date\":\"{today}\"}}"), Some(&today.to_string()), now, 5).await?;
    let yesterday = today - Duration::days(1);
    jobs::enqueue(&mut conn, SEND_LOG_BIZ, &format!("{{\"date\":\"{yesterday}\"}}"), Some(&yesterday.to_string()), now, 20).await?;
    Ok(())
}

/// Province report jobs a worker leases at once: each takes milliseconds, so a batch ends long
/// before its lease and needs no heartbeat.
const REPORT_BATCH: i64 = 64;

/// Runs every due job; returns how many ran (successfully or not).
///
/// Each round takes a batch of province reports (one lease for the batch, one commit to finish
/// it) and then the oldest due job of any kind, so a backlog of reports never holds back the
/// daily jobs or the court poll.
pub async fn run_due(s: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut n = 0;
    loop {
        let reports = {
            let mut conn = s.db.conn().await?;
            jobs::lease_batch(&mut conn, crate::reporting::REPORT_REGISTRATION, now, Duration::minutes(LEASE_MINUTES), REPORT_BATCH).await?
        };
        n += reports.len();
        let had_reports = !reports.is_empty();
        let mut done = Vec::with_capacity(reports.len());
        for job in reports {
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
        let job = {
            let mut conn = s.db.conn().await?;
            jobs::lease(&mut conn, now, Duration::minutes(LEASE_MINUTES)).await?
        };
        let Some(job) = job else {
            if had_reports {
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
            let ended = crate::lapse::lapse_restrictions(s, Utc::now()).await?;
            let seizures = crate::lapse::lapse_seizures(s, Utc::now()).await?;
            tracing::info!(ended, seizures, "lapsed restrictions recorded");
            Ok(())
        }
        SEND_LOG_BIZ => {
            // The day's signed checkpoint of the journal goes with the day's log (账本检查点),
            // kept outside the database whether or not the province is reachable.
            let cp = crate::checkpoint::for_log(s, Utc::now()).await?;
            let date = serde_json::from_str::<serde_json::Value>(&job.payload)
                .ok()
                .and_then(|v| v["date"].as_str().and_then(|d| d.parse::<chrono::NaiveDate>().ok()))
                .ok_or_else(|| ServiceError::validation("bad_job", "日志任务缺少日期"))?;
            let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
            let log = crate::registration_log::daily_log(s, &crate::Actor::console(), date).await?;
            // The checkpoint travels inside the log itself, as the province keeps it.
            let xml = crate::registration_log::log_biz_xml_with_checkpoint(&log, Some(&cp));
            transport.send_log(&s.office.city_code, &date.to_string(), &xml).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
            Ok(())
        }
        crate::reporting::REPORT_REGISTRATION => {
            let seq = serde_json::from_str::<serde_json::Value>(&job.payload).ok().and_then(|v| v["seq"].as_i64()).ok_or_else(|| ServiceError::validation("bad_job", "上报任务缺少账本序号"))?;
            crate::reporting::report_registration(s, seq).await?;
            Ok(())
        }
        other => match s.handlers.iter().find(|h| h.kinds().contains(&other)) {
            Some(h) => h.run(s, job).await,
            None => Err(ServiceError::validation("unknown_job", format!("未知的任务类型：{other}"))),
        },
    }
}

/// The loop `bdc serve` runs in the background: schedule the daily jobs and run what is due,
/// every `every`. Errors are logged and the loop goes on.
/// The most recent `limit` jobs, newest first, optionally of one state (运维 view).
pub async fn list(s: &Services, actor: &crate::Actor, state: Option<&str>, limit: i64) -> ServiceResult<Vec<Job>> {
    actor.require(bdc_core::access::Permission::JobsRead)?;
    let mut conn = s.db.conn().await?;
    Ok(jobs::list(&mut conn, state, limit).await?)
}

pub async fn worker_loop(s: Services, every: std::time::Duration) {
    // Messages stored in clear before stored messages were sealed are encrypted once, here.
    match crate::keys::seal_legacy(&s, &bdc_store::keys::SEALED_COLUMNS).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "stored messages encrypted at rest"),
        Err(e) => tracing::error!(error = %e.cause(), "encrypting stored messages failed"),
    }
    for h in s.handlers.iter() {
        if let Err(e) = h.start(&s).await {
            tracing::error!(error = %e.cause(), kinds = ?h.kinds(), "starting a context's jobs failed");
        }
    }
    loop {
        let now = Utc::now();
        for h in s.handlers.iter() {
            if let Err(e) = h.schedule(&s, now).await {
                tracing::error!(error = %e.cause(), kinds = ?h.kinds(), "scheduling jobs failed");
            }
        }
        if let Err(e) = schedule_daily(&s, now).await {
            tracing::error!(error = %e.cause(), "scheduling daily jobs failed");
        }
        if let Err(e) = run_due(&s, now).await {
            tracing::error!(error = %e.cause(), "running jobs failed");
        }
        if let Err(e) = crate::reporting::collect_responses(&s).await {
            tracing::error!(error = %e.cause(), "collecting provincial responses failed");
        }
        if let Err(e) = crate::reporting::ingest_reconciliation(&s).await {
            tracing::error!(error = %e.cause(), "ingesting reconciliation lists failed");
        }
        let tick = s.handlers.iter().filter_map(|h| h.every(&s)).fold(every, std::cmp::Ord::min);
        tokio::time::sleep(tick).await;
    }
}
