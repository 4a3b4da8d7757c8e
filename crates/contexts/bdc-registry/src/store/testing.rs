//! Test support: a fresh database on either engine, migrated and seeded.

use bdc_db::{testing::fresh_url, Db, Engine};

/// A fresh database, migrated and seeded.
pub async fn fresh_db(engine: Engine) -> Db {
    let db = Db::connect(&fresh_url(engine).await).await.expect("connect to test database");
    crate::store::migrate(&db).await.expect("migrate test database");
    db
}
