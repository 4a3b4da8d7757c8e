//! The reporting context's background work (上报后台任务): one report job per registered journal
//! entry (the register's `registered` event, through the outbox), the daily LogBiz of the day
//! before, and on every tick the province's answers and reconciliation lists.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::{self, SealedColumn};
use bdc_registry::service::jobs::{Job, JobHandler};
use bdc_registry::Services;

pub use crate::service::report::REPORT_REGISTRATION;
use crate::service::{daily_log, report};

/// 登簿日志上报: the LogBiz message of the previous day.
pub const SEND_LOG_BIZ: &str = "send_log_biz";

/// The columns of this context that hold personal data sealed (SM4): the stored messages carry
/// the holders' ID numbers in clear, as the national exchange requires.
pub const SEALED_COLUMNS: [SealedColumn; 1] = [("report_messages", "id", "message")];

/// Runs [`REPORT_REGISTRATION`] (batched) and [`SEND_LOG_BIZ`]; reads answers on every tick.
#[derive(Debug)]
pub struct ReportingJobs;

#[async_trait::async_trait]
impl JobHandler for ReportingJobs {
    fn kinds(&self) -> &'static [&'static str] {
        &[REPORT_REGISTRATION, SEND_LOG_BIZ]
    }

    fn batched(&self) -> &'static [&'static str] {
        &[REPORT_REGISTRATION]
    }

    /// Queues yesterday's LogBiz once (whatever the number of servers: keyed by the date).
    async fn schedule(&self, s: &Services, now: DateTime<Utc>) -> ServiceResult<()> {
        let yesterday = bdc_core::time::business_date(now) - Duration::days(1);
        let mut conn = s.db.conn().await?;
        bdc_jobs::enqueue(&mut conn, SEND_LOG_BIZ, &format!("{{\"date\":\"{yesterday}\"}}"), Some(&yesterday.to_string()), now, 20).await?;
        Ok(())
    }

    /// Messages stored in clear before stored messages were sealed are encrypted once, here.
    async fn start(&self, s: &Services) -> ServiceResult<()> {
        let n = register_api::seal_legacy(s, &SEALED_COLUMNS).await?;
        if n > 0 {
            tracing::info!(rows = n, "stored province messages encrypted at rest");
        }
        Ok(())
    }

    async fn run(&self, s: &Services, job: &Job) -> ServiceResult<()> {
        match job.kind.as_str() {
            REPORT_REGISTRATION => {
                let seq = bdc_registry::service::events::registered_seq(&job.payload).ok_or_else(|| ServiceError::validation("bad_job", "上报任务缺少账本序号"))?;
                report::report_registration(s, seq).await?;
                Ok(())
            }
            SEND_LOG_BIZ => send_log(s, job).await,
            other => Err(ServiceError::validation("unknown_job", format!("未知的任务类型：{other}"))),
        }
    }

    async fn tick(&self, s: &Services) -> ServiceResult<()> {
        let answers = report::collect_responses(s).await;
        let lists = report::ingest_reconciliation(s).await;
        answers?;
        lists?;
        Ok(())
    }
}

/// Sends the LogBiz of the job's date with the journal's signed checkpoint inside it (账本检查点),
/// which is kept outside the database whether or not the province is reachable.
async fn send_log(s: &Services, job: &Job) -> ServiceResult<()> {
    let cp = register_api::journal::checkpoint_for_log(s, Utc::now()).await?;
    let date = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["date"].as_str().and_then(|d| d.parse::<chrono::NaiveDate>().ok()))
        .ok_or_else(|| ServiceError::validation("bad_job", "日志任务缺少日期"))?;
    let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
    let log = daily_log::daily_log(s, &Actor::console(), date).await?;
    let xml = daily_log::log_biz_xml_with_checkpoint(&log, Some(&cp));
    transport.send_log(&s.office.city_code, &date.to_string(), &xml).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok(())
}

/// Installs reporting into a server: subscribes its report job to the register's `registered`
/// events (idempotent, in the database, so every instance and restart agrees), seeds the default
/// issuance-data rules, and hands its jobs to the worker loop.
pub async fn install(s: Services) -> ServiceResult<Services> {
    let mut conn = s.db.conn().await?;
    bdc_jobs::outbox::subscribe(&mut conn, bdc_registry::service::events::REGISTERED, REPORT_REGISTRATION).await?;
    crate::store::seed_issuance_rules(&mut conn).await?;
    drop(conn);
    Ok(s.with_handler(Arc::new(ReportingJobs)))
}
