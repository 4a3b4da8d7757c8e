//! Bulk loading (批量装载): multi-row INSERTs for demo data, imports and benchmarks.
//!
//! Rows are sent in statements of up to [`ROWS_PER_STATEMENT`] rows, staying under both engines'
//! parameter limits, inside the caller's transaction.

use sqlx::{AnyConnection, Executor};

use crate::store::{Engine, StoreResult};

/// A value to insert.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    I(i64),
    F(f64),
    T(String),
    /// NULL in an integer column (PostgreSQL types the parameter, so the kind matters).
    NullI,
    /// NULL in a text column.
    NullT,
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::F(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::T(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::T(v.to_owned())
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Val::NullI, Val::I)
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        v.map_or(Val::NullT, Val::T)
    }
}

/// Rows per INSERT statement.
pub const ROWS_PER_STATEMENT: usize = 400;

/// Inserts `rows` into `table (columns)`.
pub async fn insert(conn: &mut AnyConnection, table: &str, columns: &[&str], rows: &[Vec<Val>]) -> StoreResult<u64> {
    let mut n = 0;
    let width = columns.len();
    // SQLite resolves each named parameter ($1 …) by a linear search of the names seen so far,
    // which is quadratic in a statement with thousands of them; anonymous `?` are numbered in
    // order for free. PostgreSQL needs `$n`.
    let anonymous = conn.backend_name() == "SQLite";
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut p = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push(',');
                }
                p += 1;
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&p.to_string());
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            debug_assert_eq!(row.len(), width);
            for v in row {
                q = match v {
                    Val::I(i) => q.bind(*i),
                    Val::F(f) => q.bind(*f),
                    Val::T(t) => q.bind(t.clone()),
                    Val::NullI => q.bind(Option::<i64>::None),
                    Val::NullT => q.bind(Option::<String>::None),
                };
            }
        }
        n += q.execute(&mut *conn).await?.rows_affected();
    }
    tracing::trace!(table, rows = rows.len(), "bulk insert");
    Ok(n)
}

/// After loading rows with explicit ids, moves PostgreSQL's id sequences past them (SQLite's
/// AUTOINCREMENT follows by itself).
pub async fn sync_sequences(conn: &mut AnyConnection, engine: Engine, tables: &[&str]) -> StoreResult<()> {
    if engine == Engine::Postgres {
        for t in tables {
            conn.execute(format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {t}), 1))").as_str()).await?;
        }
    }
    Ok(())
}

/// Sets the journal head after a bulk load of entries.
pub async fn set_journal_head(conn: &mut AnyConnection, seq: i64, hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(hash).execute(&mut *conn).await?;
    Ok(())
}

/// Sets a certificate sequence to at least `last`.
pub async fn set_certificate_seq(conn: &mut AnyConnection, authority: &str, year: i64, kind: &str, last: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO certificate_sequences (authority, year, kind, last) VALUES ($1, $2, $3, $4) ON CONFLICT (authority, year, kind) DO UPDATE SET last = excluded.last")
        .bind(authority)
        .bind(year)
        .bind(kind)
        .bind(last)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Largest id in a table (0 when empty).
pub async fn max_id(conn: &mut AnyConnection, table: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}")).fetch_one(&mut *conn).await?)
}

/// Refreshes the planner's statistics after a bulk load. Without it PostgreSQL plans with the
/// statistics of empty tables and scans whole tables where an index would do.
pub async fn analyze(conn: &mut AnyConnection, engine: Engine) -> StoreResult<()> {
    let sql = match engine {
        Engine::Postgres => "ANALYZE",
        Engine::Sqlite => "PRAGMA optimize",
    };
    conn.execute(sql).await?;
    Ok(())
}
