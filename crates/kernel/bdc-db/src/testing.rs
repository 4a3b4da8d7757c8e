//! Test support: a fresh, empty database on either engine (each context's own test support
//! migrates and seeds it).
//!
//! SQLite tests get a new file in the temp directory. PostgreSQL tests read
//! `BDC_TEST_DATABASE_URL` (any database on the server; trust or password auth) and create a
//! database of their own next to it, so tests never see each other's rows. Databases left by
//! runs older than an hour are dropped on the way.

use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::{Connection, Executor, Row};

use crate::Engine;

/// The variable PostgreSQL tests read.
pub const PG_ENV: &str = "BDC_TEST_DATABASE_URL";

/// A database URL for a new, empty database on `engine`.
///
/// # Panics
/// When asked for PostgreSQL without `BDC_TEST_DATABASE_URL`: such tests are `#[ignore]`d and
/// only run on purpose, so a missing variable is a mistake to report, not a pass.
pub async fn fresh_url(engine: Engine) -> String {
    let name = format!("bdc_test_{}_{}", chrono::Utc::now().timestamp(), uuid::Uuid::new_v4().simple());
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join("bdc-tests");
            std::fs::create_dir_all(&dir).expect("temp dir is writable");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
        Engine::Postgres => {
            let base = std::env::var(PG_ENV).unwrap_or_else(|_| panic!("{PG_ENV} is not set: PostgreSQL tests cannot run"));
            sqlx::any::install_default_drivers();
            let mut admin = sqlx::AnyConnection::connect(&base).await.expect("connect to BDC_TEST_DATABASE_URL");
            drop_stale(&mut admin).await;
            admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
            admin.close().await.ok();
            replace_db_name(&base, &name)
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

async fn drop_stale(admin: &mut sqlx::AnyConnection) {
    static DONE: AtomicBool = AtomicBool::new(false);
    if DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let cutoff = chrono::Utc::now().timestamp() - 3600;
    let Ok(rows) = sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'bdc\\_test\\_%'").fetch_all(&mut *admin).await else {
        return;
    };
    for r in rows {
        let Ok(name) = r.try_get::<String, _>(0) else { continue };
        let ts = name.split('_').nth(2).and_then(|t| t.parse::<i64>().ok()).unwrap_or(i64::MAX);
        if ts < cutoff {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    }
}

/// Runs an async test body once per engine: `engine_tests!(my_test);` where
/// `async fn my_test(engine: Engine)`. The PostgreSQL variant is `#[ignore]`d so that without
/// `BDC_TEST_DATABASE_URL` it shows as ignored (skipped), never as passed; the test script runs
/// ignored tests when the variable is set.
#[macro_export]
macro_rules! engine_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "PostgreSQL: set BDC_TEST_DATABASE_URL and run with --include-ignored"]
                async fn $name() {
                    super::$name($crate::Engine::Postgres).await
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced_keeping_options() {
        assert_eq!(super::replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(super::replace_db_name("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(super::replace_db_name("postgres://h", "x"), "postgres://h/x");
    }
}
