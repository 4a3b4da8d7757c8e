//! The log of public queries (查询留痕, C1.4): what was asked (masked), by whom, from where, and
//! the answer — written by every context that answers the public (档案查询, 利害关系人查询,
//! 证书核验), in the query's own transaction or connection.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// Records one public query of `kind` (`archive`, `interest`, `certificate_authenticity` …).
pub async fn log(conn: &mut AnyConnection, kind: &str, user_id: Option<i64>, client: &str, query: &str, outcome: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO public_queries (at, kind, user_id, client, query, outcome) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(format_time(now))
        .bind(kind)
        .bind(user_id)
        .bind(client)
        .bind(query)
        .bind(outcome)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One logged public query.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LoggedQuery {
    pub at: String,
    pub kind: String,
    pub user_id: Option<i64>,
    pub client: String,
    pub query: String,
    pub outcome: String,
}

/// The latest `limit` public queries, newest first.
pub async fn recent(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<LoggedQuery>> {
    Ok(sqlx::query_as("SELECT at, kind, user_id, client, query, outcome FROM public_queries ORDER BY id DESC LIMIT $1").bind(limit).fetch_all(&mut *conn).await?)
}
