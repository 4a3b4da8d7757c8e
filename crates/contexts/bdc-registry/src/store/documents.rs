//! 出具文书 (migration 0024): one row per notice printed — its number, kind, the case or person it
//! is about (masked), the business date and the SM3 digest of the PDF handed out.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreResult};

/// An issued document as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IssuedDocument {
    pub number: String,
    pub kind: String,
    pub case_id: Option<i64>,
    pub subject: String,
    pub summary: String,
    pub issued_on: String,
    pub issued_by: String,
    pub digest: String,
}

/// Records an issued document in the caller's transaction.
pub async fn insert(conn: &mut AnyConnection, d: &IssuedDocument, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO issued_documents (number, kind, case_id, subject, summary, issued_on, issued_at, issued_by, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&d.number)
        .bind(&d.kind)
        .bind(d.case_id)
        .bind(&d.subject)
        .bind(&d.summary)
        .bind(&d.issued_on)
        .bind(format_time(at))
        .bind(&d.issued_by)
        .bind(&d.digest)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The document of a number, if one was issued.
pub async fn get(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<IssuedDocument>> {
    Ok(sqlx::query_as("SELECT number, kind, case_id, subject, summary, issued_on, issued_by, digest FROM issued_documents WHERE number = $1").bind(number).fetch_optional(&mut *conn).await?)
}

/// The documents issued for a case, newest first.
pub async fn of_case(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Vec<IssuedDocument>> {
    Ok(sqlx::query_as("SELECT number, kind, case_id, subject, summary, issued_on, issued_by, digest FROM issued_documents WHERE case_id = $1 ORDER BY id DESC")
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?)
}
