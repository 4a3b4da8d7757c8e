//! BDC store — persistence on SQLite (embedded default) and PostgreSQL from one code base.
//!
//! All SQL lives here. Queries are portable: `$1`-style parameters (SQLite reads them by number
//! too), `TEXT`/`BIGINT` columns, fixed-width UTC timestamps as text, `RETURNING` and
//! `ON CONFLICT`. Where the engines differ it is said once, in `bdc_db` (connection setup) or in a
//! migration's engine block.
//!
//! Functions take `&mut AnyConnection`, so a service decides the transaction: pass
//! `&mut *tx` for a step that must be whole, or a pooled connection for a read.
//!
//! [`migrate`] applies the schema and seeds the built-in data. Modules: [`accounts`] (roles,
//! users, sessions), [`calendar`] (working-day overrides and office hours),
//! [`keys`] (SM2 signing keys, stored encrypted), [`limits`] (rate-limit counters shared by all
//! server instances).

pub mod attachments;
pub mod bulk;
pub mod calendar;
pub mod case_search;
pub mod cases;
pub mod codes;
pub mod documents;
pub mod duties;
pub mod issuances;
pub mod journal;
pub mod keys;
pub mod limits;
pub mod registry;
pub mod rules;
#[cfg(feature = "testing")]
pub mod testing;

// The kernel's database types, under the names the store's modules use.
use bdc_db::{format_time, Db, Engine, Page, PageRequest, StoreError, StoreResult};

/// Applies pending migrations, then seeds the built-in data (the calendar, the default rules).
/// Safe to run on every start. (A context seeds its own when it is installed: identity the
/// built-in roles, reporting the issuance rules.)
pub async fn migrate(db: &Db) -> StoreResult<Vec<String>> {
    let applied = db.apply_migrations().await?;
    let mut conn = db.conn().await?;
    calendar::seed_calendar(&mut conn).await?;
    let defaults = crate::domain::rules::default_rules(crate::domain::catalogue::flows());
    rules::seed_rules(&mut conn, &defaults).await?;
    Ok(applied)
}
