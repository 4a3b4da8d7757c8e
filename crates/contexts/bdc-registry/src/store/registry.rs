//! Cadastral objects, parties, and the current-state projections of the register
//! (宗地、不动产单元、权利人、权利现状).
//!
//! `rights`, `right_holders` and `certificates` are projections of the journal: they are
//! written only by registration, in the same transaction as the journal entry, and `bdc verify`
//! rebuilds them from the journal to prove they match.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::domain::register::{Attributes, CoOwnership, Holding, RightView, Share};
use crate::domain::rights::{RightKind, RightState};

use crate::store::{format_time, Page, PageRequest, StoreError, StoreResult};

/// 宗地.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Parcel {
    pub code: String,
    pub county_code: String,
    pub location: String,
    pub area: f64,
    pub land_use: String,
    pub right_nature: String,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
}

pub async fn insert_parcel(conn: &mut AnyConnection, p: &Parcel, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO parcels (code, county_code, location, area, land_use, right_nature, term_start, term_end, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&p.code)
        .bind(&p.county_code)
        .bind(&p.location)
        .bind(p.area)
        .bind(&p.land_use)
        .bind(&p.right_nature)
        .bind(&p.term_start)
        .bind(&p.term_end)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get_parcel(conn: &mut AnyConnection, code: &str) -> StoreResult<Option<Parcel>> {
    Ok(sqlx::query_as("SELECT code, county_code, location, area, land_use, right_nature, term_start, term_end FROM parcels WHERE code = $1").bind(code).fetch_optional(&mut *conn).await?)
}

/// 自然幢.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Building {
    pub id: i64,
    pub parcel_code: String,
    /// 幢号, 4 digits.
    pub building_no: String,
    pub name: String,
    pub floors: i64,
    /// 房屋结构, e.g. 钢筋混凝土结构.
    pub structure: String,
    pub completed_year: Option<i64>,
}

pub async fn insert_building(conn: &mut AnyConnection, b: &Building, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO buildings (parcel_code, building_no, name, floors, structure, completed_year, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(&b.parcel_code)
        .bind(&b.building_no)
        .bind(&b.name)
        .bind(b.floors)
        .bind(&b.structure)
        .bind(b.completed_year)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn find_building(conn: &mut AnyConnection, parcel_code: &str, building_no: &str) -> StoreResult<Option<Building>> {
    Ok(sqlx::query_as("SELECT id, parcel_code, building_no, name, floors, structure, completed_year FROM buildings WHERE parcel_code = $1 AND building_no = $2")
        .bind(parcel_code)
        .bind(building_no)
        .fetch_optional(&mut *conn)
        .await?)
}

/// 不动产单元.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub unit_number: String,
    pub parcel_code: String,
    pub building_no: Option<String>,
    pub room_no: Option<String>,
    pub location: String,
    pub area: Option<f64>,
    pub house_use: Option<String>,
    pub version: i64,
}

const UNIT_COLUMNS: &str = "id, unit_number, parcel_code, building_no, room_no, location, area, house_use, version";

pub async fn insert_unit(conn: &mut AnyConnection, u: &Unit, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO units (unit_number, parcel_code, building_no, room_no, location, area, house_use, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id")
        .bind(&u.unit_number)
        .bind(&u.parcel_code)
        .bind(&u.building_no)
        .bind(&u.room_no)
        .bind(&u.location)
        .bind(u.area)
        .bind(&u.house_use)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn get_unit(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Unit>> {
    Ok(sqlx::query_as(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

pub async fn find_unit(conn: &mut AnyConnection, unit_number: &str) -> StoreResult<Option<Unit>> {
    Ok(sqlx::query_as(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE unit_number = $1")).bind(unit_number).fetch_optional(&mut *conn).await?)
}

/// Search of units by 不动产单元号 prefix, 坐落 part, certificate number or holder (party id).
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub unit_number: Option<String>,
    pub location: Option<String>,
    pub certificate: Option<String>,
    pub holder: Option<i64>,
    /// With `holder`: which of his current entries count (a title, or a restriction he holds such
    /// as a bank's 抵押权).
    pub held_as: HeldAs,
    /// Any of 不动产单元号 (prefix), 坐落 (part) or certificate number (whole), as one search box
    /// takes it.
    pub text: Option<String>,
    pub order: UnitOrder,
}

/// Which current entries of the holder a unit search counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HeldAs {
    /// Any current right or restriction he holds.
    #[default]
    Any,
    /// A right (所有权、使用权 …) — what is "名下" in the everyday sense.
    Title,
    /// A restriction he holds (抵押权, 预告, 异议 …): a bank's mortgaged units.
    Restriction,
    /// 抵押权 only.
    Mortgage,
}

impl HeldAs {
    /// The SQL condition on `r.kind`, from the domain's own list of restriction kinds.
    fn kind_condition(self) -> String {
        let restrictions = RightKind::ALL.iter().filter(|k| k.is_restriction()).map(|k| format!("'{}'", k.code())).collect::<Vec<_>>().join(", ");
        match self {
            HeldAs::Any => "1 = 1".to_owned(),
            HeldAs::Title => format!("r.kind NOT IN ({restrictions})"),
            HeldAs::Restriction => format!("r.kind IN ({restrictions})"),
            HeldAs::Mortgage => format!("r.kind = '{}'", RightKind::Mortgage.code()),
        }
    }
}

/// The order of a unit search's results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnitOrder {
    /// As recorded (the default).
    #[default]
    Recorded,
    /// By 不动产单元号.
    UnitNumber,
    /// By 坐落.
    Location,
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub async fn search_units(conn: &mut AnyConnection, f: &UnitFilter, page: PageRequest) -> StoreResult<Page<Unit>> {
    let cond = format!(
        "($1 IS NULL OR u.unit_number LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR u.location LIKE $2 ESCAPE '\\') \
        AND ($3 IS NULL OR EXISTS (SELECT 1 FROM rights r WHERE r.unit_id = u.id AND r.certificate_number = $3)) \
        AND ($4 IS NULL OR EXISTS (SELECT 1 FROM rights r JOIN right_holders h ON h.right_id = r.id WHERE r.unit_id = u.id AND r.state = 1 AND h.party_id = $4 AND {})) \
        AND ($5 IS NULL OR u.unit_number LIKE $6 ESCAPE '\\' OR u.location LIKE $7 ESCAPE '\\' OR EXISTS (SELECT 1 FROM rights r WHERE r.unit_id = u.id AND r.certificate_number = $5))",
        f.held_as.kind_condition()
    );
    let num = f.unit_number.as_ref().map(|n| format!("{}%", like_escape(n)));
    let loc = f.location.as_ref().map(|l| format!("%{}%", like_escape(l)));
    let text = f.text.as_ref().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    // The certificate as a Chinese keyboard types it, read the one way every lookup reads it.
    let text_certificate = text.as_deref().map(bdc_core::ids::CertificateNumber::typed);
    let text_prefix = text.as_ref().map(|t| format!("{}%", like_escape(t)));
    let text_part = text.as_ref().map(|t| format!("%{}%", like_escape(t)));
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM units u WHERE {cond}"))
        .bind(num.clone())
        .bind(loc.clone())
        .bind(f.certificate.clone())
        .bind(f.holder)
        .bind(text_certificate.clone())
        .bind(text_prefix.clone())
        .bind(text_part.clone())
        .fetch_one(&mut *conn)
        .await?;
    let cols = UNIT_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let order = match f.order {
        UnitOrder::Recorded => "u.id",
        UnitOrder::UnitNumber => "u.unit_number, u.id",
        UnitOrder::Location => "u.location, u.id",
    };
    let items = sqlx::query_as(&format!("SELECT {cols} FROM units u WHERE {cond} ORDER BY {order} LIMIT $8 OFFSET $9"))
        .bind(num)
        .bind(loc)
        .bind(f.certificate.clone())
        .bind(f.holder)
        .bind(text_certificate)
        .bind(text_prefix)
        .bind(text_part)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&mut *conn)
        .await?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// Bumps the unit's version if it is still `expected`: the guard that lets exactly one of two
/// racing registrations through.
pub async fn bump_unit_version(conn: &mut AnyConnection, id: i64, expected: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE units SET version = version + 1 WHERE id = $1 AND version = $2").bind(id).bind(expected).execute(&mut *conn).await?.rows_affected() == 1)
}

/// Writes a unit's new 坐落 (坐落变更登记); returns the previous one. The change itself is in the
/// journal entry of the registration.
pub async fn set_unit_location(conn: &mut AnyConnection, unit_id: i64, location: &str) -> StoreResult<String> {
    let previous: String = sqlx::query_scalar("SELECT location FROM units WHERE id = $1").bind(unit_id).fetch_one(&mut *conn).await?;
    sqlx::query("UPDATE units SET location = $1 WHERE id = $2").bind(location).bind(unit_id).execute(&mut *conn).await?;
    Ok(previous)
}

/// Records a party's new name (姓名或名称变更登记), versioned with the case and journal entry
/// that changed it; returns the previous name.
pub async fn rename_party(conn: &mut AnyConnection, party_id: i64, name: &str, case_id: Option<i64>, seq: i64, now: DateTime<Utc>) -> StoreResult<String> {
    let previous: String = sqlx::query_scalar("SELECT name FROM parties WHERE id = $1").bind(party_id).fetch_one(&mut *conn).await?;
    sqlx::query("UPDATE parties SET name = $1 WHERE id = $2").bind(name).bind(party_id).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO party_names (party_id, previous_name, name, case_id, journal_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(party_id)
        .bind(&previous)
        .bind(name)
        .bind(case_id)
        .bind(seq)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(previous)
}

/// A page of `(id, name)` of parties after `after_id`, in id order (for `bdc verify`).
pub async fn party_names_page(conn: &mut AnyConnection, after_id: i64, limit: i64) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, name FROM parties WHERE id > $1 ORDER BY id LIMIT $2").bind(after_id).bind(limit).fetch_all(&mut *conn).await?)
}

/// A page of `(id, 不动产单元号, 坐落)` of units after `after_id`, in id order (for `bdc verify`).
pub async fn unit_locations_page(conn: &mut AnyConnection, after_id: i64, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT id, unit_number, location FROM units WHERE id > $1 ORDER BY id LIMIT $2").bind(after_id).bind(limit).fetch_all(&mut *conn).await?)
}

/// The recorded name changes of several parties, in one statement: `(party id, previous name,
/// name, journal seq)`, oldest first.
pub async fn party_name_histories(conn: &mut AnyConnection, party_ids: &[i64]) -> StoreResult<Vec<(i64, String, String, i64)>> {
    if party_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT party_id, previous_name, name, journal_seq FROM party_names WHERE party_id IN ({}) ORDER BY id", bdc_db::placeholders(1, party_ids.len()));
    let mut q = sqlx::query_as(&sql);
    for id in party_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// A party (权利人/义务人) as stored: the ID number only encrypted, blind-indexed and masked.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Party {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub id_type: String,
    pub id_number_enc: String,
    pub id_number_bidx: String,
    pub id_number_masked: String,
}

/// Inserts a party, or returns the existing one with the same ID type and number.
pub async fn upsert_party(conn: &mut AnyConnection, p: &Party, now: DateTime<Utc>) -> StoreResult<i64> {
    if let Some(id) = sqlx::query_scalar("SELECT id FROM parties WHERE id_type = $1 AND id_number_bidx = $2").bind(&p.id_type).bind(&p.id_number_bidx).fetch_optional(&mut *conn).await? {
        return Ok(id);
    }
    Ok(sqlx::query_scalar("INSERT INTO parties (kind, name, id_type, id_number_enc, id_number_bidx, id_number_masked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.id_type)
        .bind(&p.id_number_enc)
        .bind(&p.id_number_bidx)
        .bind(&p.id_number_masked)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn get_party(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Party>> {
    Ok(sqlx::query_as("SELECT id, kind, name, id_type, id_number_enc, id_number_bidx, id_number_masked FROM parties WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?)
}

/// Several parties by id in one query (the holders of a message or a log), keyed by id.
pub async fn parties_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, Party>> {
    let mut out = std::collections::HashMap::new();
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    for chunk in wanted.chunks(500) {
        let sql = format!("SELECT id, kind, name, id_type, id_number_enc, id_number_bidx, id_number_masked FROM parties WHERE id IN ({})", bdc_db::placeholders(1, chunk.len()));
        let mut q = sqlx::query_as::<_, Party>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for p in q.fetch_all(&mut *conn).await? {
            out.insert(p.id, p);
        }
    }
    Ok(out)
}

pub async fn find_party_by_index(conn: &mut AnyConnection, bidx: &str) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM parties WHERE id_number_bidx = $1").bind(bidx).fetch_all(&mut *conn).await?)
}

/// A right as stored, with history fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightRecord {
    pub view: RightView,
    pub unit_id: i64,
    pub registered_seq: i64,
    pub ended_seq: Option<i64>,
    pub case_id: Option<i64>,
    pub predecessor_id: Option<i64>,
}

pub(crate) fn attrs_to_text(a: &Attributes) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| "{}".into())
}

fn attrs_from_text(s: &str) -> StoreResult<Attributes> {
    serde_json::from_str(s).map_err(|_| StoreError::Corrupt(format!("权利属性格式错误：{s}")))
}

/// One row of [`rights_of_unit`]'s join: a right, its certificate's status and one of its
/// holders (none when it has none).
#[derive(sqlx::FromRow)]
struct RightHolderRow {
    #[sqlx(flatten)]
    right: ProjectedRight,
    cert_status: Option<String>,
    party_id: Option<i64>,
    share: Option<String>,
}

/// Rights of a unit: current only, or all (the historical register). One round trip: rights,
/// certificate status and holders come joined, one row per holder.
pub async fn rights_of_unit(conn: &mut AnyConnection, unit_id: i64, current_only: bool) -> StoreResult<Vec<RightRecord>> {
    let sql = format!(
        "SELECT r.id, r.unit_id, r.kind, r.state, r.co_ownership, r.certificate_number, r.details, r.registered_seq, r.ended_seq, r.case_id, r.predecessor_id, \
         c.status AS cert_status, h.party_id, h.share FROM rights r LEFT JOIN certificates c ON c.number = r.certificate_number \
         LEFT JOIN right_holders h ON h.right_id = r.id WHERE r.unit_id = $1 {} ORDER BY r.id, h.party_id",
        if current_only { "AND r.state = 1" } else { "" }
    );
    let rows: Vec<RightHolderRow> = sqlx::query_as(&sql).bind(unit_id).fetch_all(&mut *conn).await?;
    let mut out: Vec<RightRecord> = Vec::new();
    for RightHolderRow { right: r, cert_status, party_id, share } in rows {
        if out.last().is_none_or(|last| last.view.id != r.id) {
            out.push(RightRecord {
                view: RightView {
                    id: r.id,
                    kind: RightKind::from_code(&r.kind).ok_or_else(|| StoreError::Corrupt(format!("未知权利类型：{}", r.kind)))?,
                    state: u8::try_from(r.state).ok().and_then(RightState::from_code).ok_or_else(|| StoreError::Corrupt(format!("未知权属状态：{}", r.state)))?,
                    co_ownership: CoOwnership::from_code(&r.co_ownership).ok_or_else(|| StoreError::Corrupt(format!("未知共有方式：{}", r.co_ownership)))?,
                    holders: Vec::new(),
                    attrs: attrs_from_text(&r.details)?,
                    certificate: r.certificate_number,
                    certificate_valid: cert_status.as_deref() != Some("void"),
                },
                unit_id: r.unit_id,
                registered_seq: r.registered_seq,
                ended_seq: r.ended_seq,
                case_id: r.case_id,
                predecessor_id: r.predecessor_id,
            });
        }
        if let (Some(party_id), Some(share)) = (party_id, share) {
            let share = Share::parse(&share).ok_or_else(|| StoreError::Corrupt(format!("份额格式错误：{share}")))?;
            if let Some(last) = out.last_mut() {
                last.view.holders.push(Holding { party_id, share });
            }
        }
    }
    Ok(out)
}

/// A right to insert (the Create step of a registration).
#[derive(Debug, Clone)]
pub struct NewRight<'a> {
    pub unit_id: i64,
    pub kind: RightKind,
    pub co_ownership: CoOwnership,
    pub holders: &'a [Holding],
    pub attrs: &'a Attributes,
    pub certificate_number: Option<&'a str>,
    pub registered_seq: i64,
    pub case_id: Option<i64>,
    pub predecessor_id: Option<i64>,
}

pub async fn insert_right(conn: &mut AnyConnection, r: &NewRight<'_>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rights (unit_id, kind, state, co_ownership, certificate_number, details, registered_seq, case_id, predecessor_id) \
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(r.unit_id)
    .bind(r.kind.code())
    .bind(r.co_ownership.code())
    .bind(r.certificate_number)
    .bind(attrs_to_text(r.attrs))
    .bind(r.registered_seq)
    .bind(r.case_id)
    .bind(r.predecessor_id)
    .fetch_one(&mut *conn)
    .await?;
    for h in r.holders {
        sqlx::query("INSERT INTO right_holders (right_id, party_id, share) VALUES ($1, $2, $3)").bind(id).bind(h.party_id).bind(h.share.to_string()).execute(&mut *conn).await?;
    }
    Ok(id)
}

/// Moves a current right to historic or ended. False when it was not current (a race).
pub async fn end_right(conn: &mut AnyConnection, id: i64, to: RightState, seq: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE rights SET state = $1, ended_seq = $2 WHERE id = $3 AND state = 1").bind(i64::from(to.code())).bind(seq).bind(id).execute(&mut *conn).await?.rows_affected() == 1)
}

pub async fn set_right_certificate(conn: &mut AnyConnection, right_id: i64, number: &str) -> StoreResult<()> {
    sqlx::query("UPDATE rights SET certificate_number = $1 WHERE id = $2").bind(number).bind(right_id).execute(&mut *conn).await?;
    Ok(())
}

/// Takes the next certificate sequence number of (authority, year, kind). Called inside the
/// registration transaction, so a rolled-back registration returns its number: none is skipped
/// and none is given twice.
pub async fn next_certificate_seq(conn: &mut AnyConnection, authority: &str, year: i32, kind: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO certificate_sequences (authority, year, kind, last) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (authority, year, kind) DO UPDATE SET last = certificate_sequences.last + 1 RETURNING last",
    )
    .bind(authority)
    .bind(i64::from(year))
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn insert_certificate(conn: &mut AnyConnection, number: &str, kind: &str, right_id: i64, case_id: Option<i64>, seq: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO certificates (number, kind, right_id, case_id, status, issued_seq) VALUES ($1, $2, $3, $4, 'valid', $5)")
        .bind(number)
        .bind(kind)
        .bind(right_id)
        .bind(case_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn void_certificate(conn: &mut AnyConnection, number: &str, seq: i64) -> StoreResult<()> {
    sqlx::query("UPDATE certificates SET status = 'void', voided_seq = $1 WHERE number = $2 AND status = 'valid'").bind(seq).bind(number).execute(&mut *conn).await?;
    Ok(())
}

/// A certificate as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CertificateRecord {
    pub number: String,
    pub kind: String,
    pub right_id: i64,
    pub case_id: Option<i64>,
    pub status: String,
    pub issued_seq: i64,
    pub voided_seq: Option<i64>,
}

pub async fn all_certificates(conn: &mut AnyConnection) -> StoreResult<Vec<CertificateRecord>> {
    // Read in table order and sorted here: `ORDER BY number` made SQLite walk the number index
    // and fetch each row from the table at random (12 s for 1.7 M certificates; sorted in
    // memory, under 2 s). Columns by position (a tuple), not by name (a name lookup per column
    // per row).
    type Columns = (String, String, i64, Option<i64>, String, i64, Option<i64>);
    let rows: Vec<Columns> = sqlx::query_as("SELECT number, kind, right_id, case_id, status, issued_seq, voided_seq FROM certificates").fetch_all(&mut *conn).await?;
    let mut out: Vec<CertificateRecord> =
        rows.into_iter().map(|(number, kind, right_id, case_id, status, issued_seq, voided_seq)| CertificateRecord { number, kind, right_id, case_id, status, issued_seq, voided_seq }).collect();
    out.sort_unstable_by(|a, b| a.number.cmp(&b.number));
    Ok(out)
}

/// One projected row of `rights` with its holders, in a form `verify` can compare.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectedRight {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub state: i64,
    pub co_ownership: String,
    pub certificate_number: Option<String>,
    pub details: String,
    pub registered_seq: i64,
    pub ended_seq: Option<i64>,
    pub case_id: Option<i64>,
    pub predecessor_id: Option<i64>,
    /// `party:share` pairs sorted by party.
    #[sqlx(skip)]
    pub holders: Vec<(i64, String)>,
}

/// Every right in id order, for `verify`. Reads in batches to bound memory.
pub async fn projected_rights(conn: &mut AnyConnection, after_id: i64, limit: i64) -> StoreResult<Vec<ProjectedRight>> {
    let mut out: Vec<ProjectedRight> =
        sqlx::query_as("SELECT id, unit_id, kind, state, co_ownership, certificate_number, details, registered_seq, ended_seq, case_id, predecessor_id FROM rights WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after_id)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    if let (Some(first), Some(last)) = (out.first().map(|r| r.id), out.last().map(|r| r.id)) {
        let hs: Vec<(i64, i64, String)> = sqlx::query_as("SELECT right_id, party_id, share FROM right_holders WHERE right_id >= $1 AND right_id <= $2 ORDER BY right_id, party_id")
            .bind(first)
            .bind(last)
            .fetch_all(&mut *conn)
            .await?;
        for (rid, party_id, share) in hs {
            if let Some(r) = out.iter_mut().find(|r| r.id == rid) {
                r.holders.push((party_id, share));
            }
        }
    }
    Ok(out)
}

/// Current rights of the given kinds: `(right id, unit id, kind code, details)`. For daily
/// housekeeping (lapse of objections and advance notices).
pub async fn current_of_kinds(conn: &mut AnyConnection, kinds: &[RightKind]) -> StoreResult<Vec<(i64, i64, String, String)>> {
    let codes = format!(",{},", kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(","));
    Ok(sqlx::query_as("SELECT id, unit_id, kind, details FROM rights WHERE state = 1 AND $1 LIKE '%,' || kind || ',%' ORDER BY id").bind(codes).fetch_all(&mut *conn).await?)
}

/// The unit whose current right carries certificate `number` (matching a court request by 不动产权证号).
pub async fn unit_by_certificate(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT unit_id FROM rights WHERE certificate_number = $1 AND state = 1 ORDER BY id DESC LIMIT 1").bind(number).fetch_optional(&mut *conn).await?)
}

/// Units at exactly this 坐落.
pub async fn units_at(conn: &mut AnyConnection, location: &str) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM units WHERE location = $1 ORDER BY id LIMIT 50").bind(location).fetch_all(&mut *conn).await?)
}

/// Parties of a kind with exactly this name (a court by its name, say).
pub async fn parties_named(conn: &mut AnyConnection, kind: &str, name: &str) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM parties WHERE name = $1 AND kind = $2 ORDER BY id").bind(name).bind(kind).fetch_all(&mut *conn).await?)
}

/// A certificate by its number, with the unit of its right: `(certificate, unit id)`.
pub async fn get_certificate(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<(CertificateRecord, i64)>> {
    /// A certificate joined with the unit of its right.
    #[derive(sqlx::FromRow)]
    struct OfUnit {
        #[sqlx(flatten)]
        certificate: CertificateRecord,
        unit_id: i64,
    }
    let r: Option<OfUnit> =
        sqlx::query_as("SELECT c.number, c.kind, c.right_id, c.case_id, c.status, c.issued_seq, c.voided_seq, r.unit_id FROM certificates c JOIN rights r ON r.id = c.right_id WHERE c.number = $1")
            .bind(number)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(r.map(|r| (r.certificate, r.unit_id)))
}

/// Certificates issued for rights held by a party (current and past), newest first:
/// `(number, kind, status, right id, unit id)`; a certificate whose right has ended is `void`.
pub async fn certificates_of_party(conn: &mut AnyConnection, party_id: i64) -> StoreResult<Vec<(String, String, String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.number, c.kind, CASE WHEN r.state = 1 THEN c.status ELSE 'void' END, c.right_id, r.unit_id FROM certificates c \
         JOIN rights r ON r.id = c.right_id JOIN right_holders h ON h.right_id = r.id WHERE h.party_id = $1 ORDER BY c.issued_seq DESC LIMIT 200",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The unit a right is registered on.
pub async fn unit_of_right(conn: &mut AnyConnection, right_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT unit_id FROM rights WHERE id = $1").bind(right_id).fetch_optional(&mut *conn).await?)
}

/// Parties of a kind holding a current right of a kind, the most holdings first: whom the demo's
/// public accounts are linked to (those already linked are skipped by the demo).
pub async fn holders_of_kind(conn: &mut AnyConnection, party_kind: &str, right_kind: &str, limit: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT h.party_id, COUNT(*) AS n FROM right_holders h JOIN rights r ON r.id = h.right_id JOIN parties p ON p.id = h.party_id \
         WHERE r.state = 1 AND r.kind = $1 AND p.kind = $2 \
         GROUP BY h.party_id ORDER BY n DESC, h.party_id LIMIT $3",
    )
    .bind(right_kind)
    .bind(party_kind)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(party_id, _)| party_id).collect())
}
