//! 发证记录 (`certificate_issuances`, migration 0021): who received which certificate of a case,
//! printed on which blank (证书印制号, unique in the office).

use sqlx::AnyConnection;

use crate::domain::issuance::{IdKind, Relation};
use crate::store::{StoreError, StoreResult};

/// A stored 证件类型, for [`Issued`]'s `FromRow`.
impl TryFrom<String> for IdKind {
    type Error = StoreError;

    fn try_from(code: String) -> StoreResult<IdKind> {
        IdKind::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("未知的证件类型“{code}”")))
    }
}

/// A stored 与权利人关系, for [`Issued`]'s `FromRow`.
impl TryFrom<String> for Relation {
    type Error = StoreError;

    fn try_from(code: String) -> StoreResult<Relation> {
        Relation::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("未知的与权利人关系“{code}”")))
    }
}

/// One certificate handed over, as the case page shows it (the ID number masked only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Issued {
    pub certificate_number: String,
    pub print_serial: String,
    pub recipient_name: String,
    #[sqlx(try_from = "String")]
    pub id_kind: IdKind,
    pub id_number_masked: String,
    #[sqlx(try_from = "String")]
    pub relation: Relation,
    pub issued_by: String,
    pub issued_at: String,
}

/// A row to write: the ID number sealed, indexed and masked by the caller.
#[derive(Debug, Clone)]
pub struct NewIssuance<'a> {
    pub case_id: i64,
    pub certificate_number: &'a str,
    pub print_serial: &'a str,
    pub recipient_name: &'a str,
    pub id_kind: IdKind,
    pub id_number_enc: &'a str,
    pub id_number_bidx: &'a str,
    pub id_number_masked: &'a str,
    pub relation: Relation,
    pub issued_by: &'a str,
    pub issued_at: &'a str,
}

/// Writes one row; a 印制号 or certificate already recorded is [`StoreError::Unique`].
pub async fn insert(conn: &mut AnyConnection, n: &NewIssuance<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO certificate_issuances (case_id, certificate_number, print_serial, recipient_name, id_kind, id_number_enc, id_number_bidx, id_number_masked, relation, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(n.case_id)
    .bind(n.certificate_number)
    .bind(n.print_serial)
    .bind(n.recipient_name)
    .bind(n.id_kind.code())
    .bind(n.id_number_enc)
    .bind(n.id_number_bidx)
    .bind(n.id_number_masked)
    .bind(n.relation.code())
    .bind(n.issued_by)
    .bind(n.issued_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The 印制号 among `serials` that are already recorded.
pub async fn serials_taken(conn: &mut AnyConnection, serials: &[String]) -> StoreResult<Vec<String>> {
    if serials.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT print_serial FROM certificate_issuances WHERE print_serial IN ({})", bdc_db::placeholders(1, serials.len()));
    let mut q = sqlx::query_scalar::<_, String>(&sql);
    for s in serials {
        q = q.bind(s);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// The valid certificates and proofs a case produced, by number: what its 发证 hands over.
pub async fn certificates_of_case(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT number FROM certificates WHERE case_id = $1 AND status = 'valid' ORDER BY number").bind(case_id).fetch_all(&mut *conn).await?)
}

/// What the case's 发证 recorded, by certificate number.
pub async fn of_case(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Vec<Issued>> {
    Ok(sqlx::query_as(
        "SELECT certificate_number, print_serial, recipient_name, id_kind, id_number_masked, relation, issued_by, issued_at FROM certificate_issuances WHERE case_id = $1 ORDER BY certificate_number",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?)
}
