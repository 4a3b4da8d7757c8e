//! The court desk's background work (法院查控后台任务): polling the front-end on its interval,
//! and the register's `seizure_promoted` events.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use bdc_core::{ServiceError, ServiceResult};
use bdc_registry::service::jobs::{Job, JobHandler};
use bdc_registry::Services;

use crate::service::{self, COURT_POLL, COURT_PROMOTIONS};

/// The court desk's columns that hold personal data sealed (SM4): raw messages, request bodies.
pub const SEALED_COLUMNS: [bdc_registry::register_api::SealedColumn; 2] = [("court_messages", "id", "raw"), ("court_requests", "number", "body")];

/// Runs [`COURT_POLL`] (when a front-end is configured) and [`COURT_PROMOTIONS`].
#[derive(Debug)]
pub struct CourtJobs;

#[async_trait::async_trait]
impl JobHandler for CourtJobs {
    fn kinds(&self) -> &'static [&'static str] {
        &[COURT_POLL, COURT_PROMOTIONS]
    }

    async fn schedule(&self, s: &Services, now: DateTime<Utc>) -> ServiceResult<()> {
        if s.court.is_some() {
            service::schedule(s, now).await?;
        }
        Ok(())
    }

    /// Court messages and request bodies stored in clear before they were sealed are encrypted
    /// once, when the worker starts.
    async fn start(&self, s: &Services) -> ServiceResult<()> {
        let n = bdc_registry::register_api::seal_legacy(s, &SEALED_COLUMNS).await?;
        if n > 0 {
            tracing::info!(rows = n, "court messages encrypted at rest");
        }
        Ok(())
    }

    async fn run(&self, s: &Services, job: &Job) -> ServiceResult<()> {
        match job.kind.as_str() {
            COURT_POLL => {
                let (polled, processed, sent) = service::run(s).await?;
                if polled != service::Polled::default() || processed != service::Processed::default() || sent > 0 {
                    tracing::info!(?polled, ?processed, sent, "court requests handled");
                }
                Ok(())
            }
            COURT_PROMOTIONS => {
                let seq = bdc_registry::service::events::registered_seq(&job.payload).ok_or_else(|| ServiceError::validation("bad_job", "登簿事件缺少账本序号"))?;
                service::promotions_of(s, seq).await?;
                Ok(())
            }
            other => Err(ServiceError::validation("unknown_job", format!("未知的任务类型：{other}"))),
        }
    }

    fn every(&self, s: &Services) -> Option<std::time::Duration> {
        s.court.is_some().then_some(s.court_every)
    }
}

/// Installs the court desk into a server: subscribes it to the register's `seizure_promoted` events
/// (idempotent, in the database, so every instance and restart agrees) and hands its jobs to the
/// worker loop.
pub async fn install(s: Services) -> ServiceResult<Services> {
    let mut conn = s.db.conn().await?;
    bdc_jobs::outbox::subscribe(&mut conn, bdc_registry::service::events::SEIZURE_PROMOTED, COURT_PROMOTIONS).await?;
    drop(conn);
    Ok(s.with_handler(Arc::new(CourtJobs)))
}
