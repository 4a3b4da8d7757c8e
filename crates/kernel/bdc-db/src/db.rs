//! Engine selection, connection pool and migrations (数据库与迁移).
//!
//! The engine comes from the URL scheme: `sqlite://…` (embedded default) or `postgres://…`.
//! Per-engine connection setup is here and nowhere else: SQLite gets WAL, foreign keys and a busy
//! timeout so concurrent writers wait instead of failing.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};

use crate::{format_time, StoreError, StoreResult};

/// The database engine behind a [`Db`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Tells the engine from a database URL, with a clear error for anything else.
    pub fn from_url(url: &str) -> StoreResult<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::BadUrl(format!("不支持的数据库地址“{}”，应以 sqlite: 或 postgres:// 开头", redact_url(url))))
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A URL with its password replaced by `***`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The database: a pool and the engine it speaks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

impl Db {
    /// Connects (creating the SQLite file when missing) and sets each connection up.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let opts = AnyConnectOptions::from_str(&url).map_err(|e| StoreError::BadUrl(format!("{}：{e}", redact_url(&url))))?;
        let max = match engine {
            Engine::Sqlite => 8,
            Engine::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // A page cache of 64 MiB per connection instead of SQLite's 2 MiB: at a
                        // million units the indexes a registration walks (rights, cases, jobs)
                        // no longer fit in 2 MiB, and every miss is a read system call.
                        conn.execute("PRAGMA cache_size = -65536").await?;
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        // Deleted rows (a draft with another applicant's ID number) are overwritten
                        // with zeros, not left readable in free pages.
                        conn.execute("PRAGMA secure_delete = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Db { pool, engine })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A pooled connection for reads and single statements.
    pub async fn conn(&self) -> StoreResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers queue on the busy timeout instead of failing at commit with "database is
    /// locked".
    pub async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        let tx = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Is the database answering? Used by `/healthz`.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut c = self.pool.acquire().await?;
        c.ping().await?;
        Ok(())
    }

    /// Applies the pending schema migrations (not the built-in data: each context seeds its own
    /// after this). Safe to run on every start; returns the names of those applied now.
    pub async fn apply_migrations(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        migrate(&mut conn, self.engine).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One migration: number, name and portable SQL. They exist once for both engines.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../../../../migrations/0001_foundation.sql") },
    Migration { version: 2, name: "registry", sql: include_str!("../../../../migrations/0002_registry.sql") },
    Migration { version: 3, name: "jobs", sql: include_str!("../../../../migrations/0003_jobs.sql") },
    Migration { version: 4, name: "reporting", sql: include_str!("../../../../migrations/0004_reporting.sql") },
    Migration { version: 5, name: "court", sql: include_str!("../../../../migrations/0005_court.sql") },
    Migration { version: 6, name: "court_processing", sql: include_str!("../../../../migrations/0006_court_processing.sql") },
    Migration { version: 7, name: "portal", sql: include_str!("../../../../migrations/0007_portal.sql") },
    Migration { version: 8, name: "materials", sql: include_str!("../../../../migrations/0008_materials.sql") },
    Migration { version: 9, name: "interest_queries", sql: include_str!("../../../../migrations/0009_interest_queries.sql") },
    Migration { version: 10, name: "security", sql: include_str!("../../../../migrations/0010_security.sql") },
    Migration { version: 11, name: "register_particulars", sql: include_str!("../../../../migrations/0011_register_particulars.sql") },
    Migration { version: 12, name: "court_promotion", sql: include_str!("../../../../migrations/0012_court_promotion.sql") },
    Migration { version: 13, name: "online_applications", sql: include_str!("../../../../migrations/0013_online_applications.sql") },
    Migration { version: 14, name: "audit_chain", sql: include_str!("../../../../migrations/0014_audit_chain.sql") },
    Migration { version: 18, name: "flow_duties", sql: include_str!("../../../../migrations/0018_flow_duties.sql") },
    Migration { version: 19, name: "identity_verifications", sql: include_str!("../../../../migrations/0019_identity_verifications.sql") },
    Migration { version: 20, name: "outbox", sql: include_str!("../../../../migrations/0020_outbox.sql") },
    Migration { version: 21, name: "certificate_issuances", sql: include_str!("../../../../migrations/0021_certificate_issuances.sql") },
    Migration { version: 23, name: "case_search", sql: include_str!("../../../../migrations/0023_case_search.sql") },
    Migration { version: 24, name: "issued_documents", sql: include_str!("../../../../migrations/0024_issued_documents.sql") },
];

/// Turns a portable migration into the engine's SQL: `{{id}}` becomes the auto-increment key,
/// and only the engine's own `-- @sqlite` / `-- @postgres` blocks are kept.
fn render(sql: &str, engine: Engine) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in sql.lines() {
        match line.trim() {
            "-- @sqlite" => keep = engine == Engine::Sqlite,
            "-- @postgres" => keep = engine == Engine::Postgres,
            "-- @end" => keep = true,
            _ if keep => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {}
        }
    }
    let id = match engine {
        Engine::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Engine::Postgres => "BIGSERIAL PRIMARY KEY",
    };
    out.replace("{{id}}", id)
}

async fn migrate(conn: &mut AnyConnection, engine: Engine) -> StoreResult<Vec<String>> {
    conn.execute("CREATE TABLE IF NOT EXISTS bdc_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)").await?;
    let rows = sqlx::query("SELECT version, checksum FROM bdc_migrations").fetch_all(&mut *conn).await?;
    let mut done = std::collections::HashMap::new();
    for r in rows {
        done.insert(r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?);
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let checksum = bdc_crypto::sm3_hex(m.sql.as_bytes());
        if let Some(existing) = done.get(&m.version) {
            if *existing != checksum {
                return Err(StoreError::Migration(format!("迁移 {:04}_{} 在应用后被修改过；已应用的迁移不得修改，请新增迁移", m.version, m.name)));
            }
            continue;
        }
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(&render(m.sql, engine)).execute(&mut *tx).await.map_err(|e| StoreError::Migration(format!("{:04}_{}：{e}", m.version, m.name)))?;
        sqlx::query("INSERT INTO bdc_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum)
            .bind(format_time(chrono::Utc::now()))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied.push(format!("{:04}_{}", m.version, m.name));
    }
    Ok(applied)
}

/// Commits a transaction, with the store's error type.
pub async fn commit(tx: sqlx::Transaction<'_, sqlx::Any>) -> StoreResult<()> {
    Ok(tx.commit().await?)
}

/// Begins a transaction on a connection the caller holds (for connection-level settings).
pub async fn begin_on(conn: &mut AnyConnection) -> StoreResult<sqlx::Transaction<'_, sqlx::Any>> {
    Ok(conn.begin().await?)
}

/// Runs one statement without parameters (benchmarks, maintenance).
pub async fn execute(conn: &mut AnyConnection, sql: &str) -> StoreResult<u64> {
    Ok(conn.execute(sql).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_applied_in_order() {
        // A file added to migrations/ and forgotten here would never run on any database.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir).expect("migrations dir").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".sql")).collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|m| format!("{:04}_{}.sql", m.version, m.name)).collect();
        assert_eq!(listed, files, "the migration list and migrations/ differ");
    }

    #[test]
    fn engines_come_from_the_scheme() {
        assert_eq!(Engine::from_url("sqlite://data/bdc.db").unwrap(), Engine::Sqlite);
        assert_eq!(Engine::from_url("postgres://u:p@h/db").unwrap(), Engine::Postgres);
        let err = Engine::from_url("mysql://root:secret@h/db").unwrap_err().to_string();
        assert!(err.contains("mysql://root:***@h/db"), "{err}");
        assert!(!err.contains("secret"));
    }

    #[test]
    fn rendering_keeps_only_the_engines_blocks() {
        let sql = "CREATE TABLE t (id {{id}});\n-- @sqlite\nSQLITE ONLY;\n-- @postgres\nPG ONLY;\n-- @end\nBOTH;\n";
        let s = render(sql, Engine::Sqlite);
        assert!(s.contains("INTEGER PRIMARY KEY AUTOINCREMENT") && s.contains("SQLITE ONLY") && !s.contains("PG ONLY") && s.contains("BOTH"));
        let p = render(sql, Engine::Postgres);
        assert!(p.contains("BIGSERIAL") && !p.contains("SQLITE ONLY") && p.contains("PG ONLY") && p.contains("BOTH"));
    }
}
