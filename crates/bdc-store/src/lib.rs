//! BDC store — persistence on SQLite (embedded default) and PostgreSQL from one code base.
//!
//! All SQL lives here. Queries are portable: `$1`-style parameters (SQLite reads them by number
//! too), `TEXT`/`BIGINT` columns, fixed-width UTC timestamps as text, `RETURNING` and
//! `ON CONFLICT`. Where the engines differ it is said once, in [`db`] (connection setup) or in a
//! migration's engine block.
//!
//! Functions take `&mut AnyConnection`, so a service decides the transaction: pass
//! `&mut *tx` for a step that must be whole, or a pooled connection for a read.
//!
//! Modules: [`db`] (engine, pool, migrations), [`accounts`] (roles, users, sessions),
//! [`audit`] (append-only audit log), [`calendar`] (working-day overrides and office hours),
//! [`keys`] (SM2 signing keys, stored encrypted), [`limits`] (rate-limit counters shared by all
//! server instances).

pub mod accounts;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod bulk;
pub mod cases;
pub mod court;
pub mod db;
pub mod duties;
pub mod identity;
pub mod interest;
pub mod jobs;
pub mod journal;
pub mod keys;
pub mod limits;
pub mod portal;
pub mod registry;
pub mod reports;
pub mod rules;
pub mod testing;
mod time;

pub use db::{commit, Db, Engine};
pub use sqlx::AnyConnection;
/// A transaction begun by [`Db::begin`].
pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;
pub use time::{format_time, parse_time};

/// Errors of the store. Services turn them into user-facing errors; the database's own message
/// is kept for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    #[error("数据迁移失败：{0}")]
    Migration(String),
    #[error("记录已存在")]
    Unique(#[source] sqlx::Error),
    #[error("数据库错误")]
    Database(#[source] sqlx::Error),
    #[error("数据库中的数据无效：{0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
            StoreError::Unique(e)
        } else {
            StoreError::Database(e)
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A page request, validated at the edge: page from 1, per_page in 1..=200.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn offset(self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

/// One page of a list, with the total count so clients can show page numbers.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}
