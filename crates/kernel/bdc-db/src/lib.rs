//! BDC db — the database kernel: SQLite (embedded default) and PostgreSQL from one code base.
//!
//! The engine comes from the URL; per-engine connection setup, transactions and the migration
//! runner are here and nowhere else ([`db`]). Timestamps are fixed-width UTC text, identical on
//! both engines and ordered like time ([`format_time`]). `testing` (feature `testing`, test builds only) gives a fresh database per
//! test on either engine and the [`engine_tests!`] macro.
//!
//! Functions of the contexts' stores take `&mut AnyConnection`, so a use case decides the
//! transaction: `&mut *tx` for a step that must be whole, a pooled connection for a read.

pub mod db;
#[cfg(feature = "count-statements")]
pub mod statements;
#[cfg(feature = "testing")]
pub mod testing;
mod time;

pub use db::{begin_on, commit, execute, redact_url, Db, Engine};
pub use sqlx::AnyConnection;
/// A transaction begun by [`Db::begin`].
pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;
pub use time::{format_time, parse_time};

/// `$first, $first+1, …` — `n` numbered parameters for an `IN (…)` list, so a list of rows is
/// read in one statement instead of one per row (`n` ≥ 1; callers with nothing to read skip
/// the query).
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

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
        match e {
            // A stored value its record cannot hold (an unknown code read through a `FromRow`
            // `try_from`): the data is wrong, not the database.
            sqlx::Error::ColumnDecode { index, source } => StoreError::Corrupt(format!("{}：{source}", index.trim_matches('"'))),
            e if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => StoreError::Unique(e),
            e => StoreError::Database(e),
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

impl From<StoreError> for bdc_core::ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unique(_) => bdc_core::ServiceError::Conflict { code: "duplicate", message: "记录已存在".into() },
            other => bdc_core::ServiceError::Internal(Box::new(other)),
        }
    }
}
