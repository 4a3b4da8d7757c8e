//! Cadastral data, parties and the register book (地籍数据、当事人、登记簿).

use chrono::{NaiveDate, Utc};

use crate::store::registry;
use bdc_core::access::Permission;
use bdc_core::ids::{CitizenId, CreditCode, ParcelCode, UnitNumber};
use bdc_core::masking::mask_id_number;
use bdc_db::{Page, PageRequest};

use crate::service::{Actor, ServiceError, ServiceResult, Services};

// The records this use case hands to the API and the pages.
pub use crate::store::registry::{Building, Parcel, Party, RightRecord, Unit, UnitFilter};

/// A parcel to record (宗地).
#[derive(Debug, Clone)]
pub struct NewParcel {
    pub code: String,
    pub location: String,
    pub area: f64,
    pub land_use: String,
    pub right_nature: String,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

#[tracing::instrument(name = "create_parcel", skip_all, fields(actor.id = actor.user_id))]
pub async fn create_parcel(s: &Services, actor: &Actor, p: NewParcel) -> ServiceResult<Parcel> {
    actor.require(Permission::CadastreManage)?;
    let code = ParcelCode::parse(&p.code).map_err(|e| ServiceError::field("bad_parcel_code", "code", e.to_string()))?;
    if p.location.trim().is_empty() || p.location.chars().count() > 200 {
        return Err(ServiceError::field("bad_location", "location", "坐落不能为空，且不超过 200 个字"));
    }
    if !(p.area.is_finite() && p.area > 0.0) {
        return Err(ServiceError::field("bad_area", "area", "面积须为正数（平方米）"));
    }
    if let (Some(a), Some(b)) = (p.term_start, p.term_end) {
        if a >= b {
            return Err(ServiceError::field("bad_term", "term_end", "使用期限的终止日期须晚于起始日期"));
        }
    }
    let parcel = Parcel {
        county_code: code.as_str()[..6].to_owned(),
        code: code.as_str().to_owned(),
        location: p.location.trim().to_owned(),
        area: p.area,
        land_use: p.land_use,
        right_nature: p.right_nature,
        term_start: p.term_start.map(|d| d.to_string()),
        term_end: p.term_end.map(|d| d.to_string()),
    };
    let mut tx = s.db.begin().await?;
    match registry::insert_parcel(&mut tx, &parcel, Utc::now()).await {
        Err(bdc_db::StoreError::Unique(_)) => Err(ServiceError::Conflict { code: "parcel_exists", message: format!("宗地代码 {} 已存在", parcel.code) }),
        Err(e) => Err(e.into()),
        Ok(()) => {
            bdc_audit::commit(tx, actor, "录入宗地", &format!("宗地 {}", parcel.code)).await?;
            Ok(parcel)
        }
    }
}

/// A building to record (自然幢).
#[derive(Debug, Clone)]
pub struct NewBuilding {
    pub parcel_code: String,
    pub building_no: String,
    pub name: String,
    pub floors: i64,
    pub structure: String,
    pub completed_year: Option<i64>,
}

#[tracing::instrument(name = "create_building", skip_all, fields(actor.id = actor.user_id))]
pub async fn create_building(s: &Services, actor: &Actor, b: NewBuilding) -> ServiceResult<Building> {
    actor.require(Permission::CadastreManage)?;
    let parcel = ParcelCode::parse(&b.parcel_code).map_err(|e| ServiceError::field("bad_parcel_code", "parcel_code", e.to_string()))?;
    if b.building_no.len() != 4 || !b.building_no.bytes().all(|c| c.is_ascii_digit()) || b.building_no == "0000" {
        return Err(ServiceError::field("bad_building_no", "building_no", "幢号须为 4 位数字（0001–9999）"));
    }
    if !(1..=200).contains(&b.floors) {
        return Err(ServiceError::field("bad_floors", "floors", "层数须在 1 至 200 之间"));
    }
    if b.name.trim().is_empty() || b.name.chars().count() > 100 || b.structure.trim().is_empty() {
        return Err(ServiceError::field("bad_name", "name", "幢名称和房屋结构不能为空，名称不超过 100 个字"));
    }
    if b.completed_year.is_some_and(|y| !(1800..=2100).contains(&y)) {
        return Err(ServiceError::field("bad_year", "completed_year", "竣工年份须在 1800 至 2100 之间"));
    }
    let mut conn = s.db.begin().await?;
    if registry::get_parcel(&mut conn, parcel.as_str()).await?.is_none() {
        return Err(ServiceError::field("unknown_parcel", "parcel_code", format!("宗地 {} 尚未登记地籍信息，请先录入宗地", parcel.as_str())));
    }
    let mut building = Building {
        id: 0,
        parcel_code: parcel.as_str().to_owned(),
        building_no: b.building_no,
        name: b.name.trim().to_owned(),
        floors: b.floors,
        structure: b.structure.trim().to_owned(),
        completed_year: b.completed_year,
    };
    building.id = match registry::insert_building(&mut conn, &building, Utc::now()).await {
        Err(bdc_db::StoreError::Unique(_)) => {
            return Err(ServiceError::Conflict { code: "building_exists", message: format!("宗地 {} 上的第 {} 幢已存在", building.parcel_code, building.building_no) })
        }
        other => other?,
    };
    bdc_audit::commit(conn, actor, "录入自然幢", &format!("宗地 {} 第 {} 幢", building.parcel_code, building.building_no)).await?;
    Ok(building)
}

/// A unit to record (不动产单元).
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    pub house_use: Option<String>,
}

#[tracing::instrument(name = "create_unit", skip_all, fields(actor.id = actor.user_id))]
pub async fn create_unit(s: &Services, actor: &Actor, u: NewUnit) -> ServiceResult<Unit> {
    actor.require(Permission::CadastreManage)?;
    let number = UnitNumber::parse(&u.unit_number).map_err(|e| ServiceError::field("bad_unit_number", "unit_number", e.to_string()))?;
    if u.location.trim().is_empty() || u.location.chars().count() > 200 {
        return Err(ServiceError::field("bad_location", "location", "坐落不能为空，且不超过 200 个字"));
    }
    if u.area.is_some_and(|a| !(a.is_finite() && a > 0.0)) {
        return Err(ServiceError::field("bad_area", "area", "面积须为正数（平方米）"));
    }
    let mut conn = s.db.begin().await?;
    let parcel = number.parcel_code();
    if registry::get_parcel(&mut conn, parcel.as_str()).await?.is_none() {
        return Err(ServiceError::field("unknown_parcel", "unit_number", format!("宗地 {} 尚未登记地籍信息，请先录入宗地", parcel.as_str())));
    }
    // A house (户) lies in a recorded building (自然幢).
    if let Some(b) = number.building_no() {
        if registry::find_building(&mut conn, parcel.as_str(), b).await?.is_none() {
            return Err(ServiceError::field("unknown_building", "unit_number", format!("宗地 {} 上的第 {b} 幢（自然幢）尚未录入，请先录入自然幢", parcel.as_str())));
        }
    }
    let mut unit = Unit {
        id: 0,
        unit_number: number.as_str().to_owned(),
        parcel_code: parcel.as_str().to_owned(),
        building_no: number.building_no().map(str::to_owned),
        room_no: number.room_no().map(str::to_owned),
        location: u.location.trim().to_owned(),
        area: u.area,
        house_use: u.house_use,
        version: 1,
    };
    unit.id = match registry::insert_unit(&mut conn, &unit, Utc::now()).await {
        Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::Conflict { code: "unit_exists", message: format!("不动产单元号 {} 已存在", unit.unit_number) }),
        other => other?,
    };
    bdc_audit::commit(conn, actor, "录入不动产单元", &format!("单元 {}", unit.unit_number)).await?;
    Ok(unit)
}

pub async fn search_units(s: &Services, actor: &Actor, f: UnitFilter, page: PageRequest) -> ServiceResult<Page<Unit>> {
    actor.require(Permission::RegistryRead)?;
    let mut conn = s.db.conn().await?;
    Ok(registry::search_units(&mut conn, &f, page).await?)
}

/// Kinds of party (权利人类型).
pub const PARTY_KINDS: &[(&str, &str)] = &[("person", "个人"), ("enterprise", "企业"), ("institution", "事业单位"), ("state_organ", "国家机关")];

/// A party to record, with the ID number in clear (it is encrypted before storage).
#[derive(Debug, Clone)]
pub struct NewParty {
    pub kind: String,
    pub name: String,
    /// 证件种类: `1` 身份证, `8` 统一社会信用代码, `3` 护照, `99` 其他 …
    pub id_type: String,
    pub id_number: String,
}

/// Validates the ID number for its type (GB 11643 for 身份证, GB 32100 for 统一社会信用代码) and
/// stores the party encrypted (SM4), blind-indexed (HMAC-SM3) and masked. The same ID with the
/// same name returns the existing party; with another name it is refused, since a name changes
/// only by registration.
#[tracing::instrument(name = "record_party", skip_all, fields(actor.id = actor.user_id))]
pub async fn record_party(s: &Services, actor: &Actor, p: NewParty) -> ServiceResult<Party> {
    actor.require(Permission::PartiesManage)?;
    if !PARTY_KINDS.iter().any(|(k, _)| *k == p.kind) {
        return Err(ServiceError::field("bad_party_kind", "kind", "权利人类型须为 person、enterprise、institution 或 state_organ"));
    }
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::field("bad_name", "name", "名称不能为空，且不超过 100 个字"));
    }
    let number = match p.id_type.as_str() {
        "1" => CitizenId::parse(&p.id_number).map_err(|e| ServiceError::field("bad_id_number", "id_number", e.to_string()))?.as_str().to_owned(),
        "8" => CreditCode::parse(&p.id_number).map_err(|e| ServiceError::field("bad_id_number", "id_number", e.to_string()))?.as_str().to_owned(),
        "2" | "3" | "4" | "5" | "6" | "7" | "99" => {
            let n = p.id_number.trim().to_uppercase();
            if n.is_empty() || n.chars().count() > 40 {
                return Err(ServiceError::field("bad_id_number", "id_number", "证件号不能为空，且不超过 40 位"));
            }
            n
        }
        _ => {
            return Err(ServiceError::field("bad_id_type", "id_type", "证件种类无效（1 身份证、2 港澳台身份证、3 护照、4 户口簿、5 军官证、6 组织机构代码、7 营业执照、8 统一社会信用代码、99 其他）"))
        }
    };
    let mut party = Party {
        id: 0,
        kind: p.kind,
        name: name.to_owned(),
        id_type: p.id_type,
        id_number_enc: s.cipher().encrypt(&number),
        id_number_bidx: s.cipher().blind_index(&number),
        id_number_masked: mask_id_number(&number),
    };
    let mut conn = s.db.begin().await?;
    party.id = registry::upsert_party(&mut conn, &party, Utc::now()).await?;
    let stored = registry::get_party(&mut conn, party.id).await?.unwrap_or_else(|| party.clone());
    if stored.name != party.name {
        // A name is never changed by re-entering the party: that would rewrite who holds every
        // right of the ID silently. 姓名或名称变更 is a registration, versioned with its case.
        return Err(ServiceError::Conflict {
            code: "party_name_differs", message: format!("该证件号码已登记为“{}”。当事人姓名或名称的变更须办理变更登记（权利人姓名或名称变更）", stored.name)
        });
    }
    bdc_audit::commit(conn, actor, "登记当事人", &format!("当事人 {}（证件号 {}）", stored.id, stored.id_number_masked)).await?;
    Ok(stored)
}

pub async fn get_party(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Party> {
    actor.require(Permission::RegistryRead)?;
    let mut conn = s.db.conn().await?;
    registry::get_party(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound(format!("当事人 {id} 不存在")))
}

/// Parties whose ID number is exactly `id_number` (found by blind index, never by decrypting).
pub async fn find_parties(s: &Services, actor: &Actor, id_number: &str) -> ServiceResult<Vec<Party>> {
    actor.require(Permission::RegistryRead)?;
    let mut conn = s.db.conn().await?;
    let ids = registry::find_party_by_index(&mut conn, &s.cipher().blind_index(id_number)).await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(p) = registry::get_party(&mut conn, id).await? {
            out.push(p);
        }
    }
    Ok(out)
}

/// Parties (persons and organisations) recorded under exactly this name: how the counter finds
/// an owner's units when the applicant gives a name (the page's read is logged as a staff read
/// of personal data).
pub async fn find_parties_named(s: &Services, actor: &Actor, name: &str) -> ServiceResult<Vec<i64>> {
    actor.require(Permission::RegistryRead)?;
    let name = name.trim();
    if name.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = s.db.conn().await?;
    let mut ids = registry::parties_named(&mut conn, "person", name).await?;
    ids.extend(registry::parties_named(&mut conn, "enterprise", name).await?);
    Ok(ids)
}

/// The register book of a unit (登记簿): the unit, its parcel, every right current and historic,
/// and the names of the parties in it.
#[derive(Debug, Clone)]
pub struct RegisterBook {
    pub unit: Unit,
    pub parcel: Option<Parcel>,
    pub building: Option<Building>,
    pub rights: Vec<RightRecord>,
    pub parties: Vec<Party>,
    /// Every recorded name change of those parties: `(party id, previous name, new name,
    /// journal seq)`, oldest first — so a historic entry shows the name its holder bore then.
    pub name_changes: Vec<(i64, String, String, i64)>,
    /// 登簿时间 and 登簿人 of each entry's registration: `(journal seq, at, who)` — `who` the
    /// staff member's name, or 系统 for what the system registered itself (a lapse).
    pub stamps: Vec<(i64, String, String)>,
}

impl RegisterBook {
    /// The name a holder bore while an entry that ended at `ended_seq` was current (the name
    /// now for a current entry).
    pub fn name_as_of(&self, party_id: i64, ended_seq: Option<i64>) -> Option<String> {
        let now = self.parties.iter().find(|p| p.id == party_id).map(|p| p.name.clone());
        match ended_seq {
            None => now,
            Some(end) => self.name_changes.iter().find(|(p, _, _, seq)| *p == party_id && *seq >= end).map(|(_, prev, _, _)| prev.clone()).or(now),
        }
    }
}

#[tracing::instrument(name = "register_book", skip(s, actor), fields(actor.id = actor.user_id))]
pub async fn register_book(s: &Services, actor: &Actor, unit_id: i64) -> ServiceResult<RegisterBook> {
    actor.require(Permission::RegistryRead)?;
    let mut conn = s.db.conn().await?;
    let unit = registry::get_unit(&mut conn, unit_id).await?.ok_or_else(|| ServiceError::NotFound(format!("不动产单元 {unit_id} 不存在")))?;
    let parcel = registry::get_parcel(&mut conn, &unit.parcel_code).await?;
    let building = match &unit.building_no {
        Some(b) => registry::find_building(&mut conn, &unit.parcel_code, b).await?,
        None => None,
    };
    let rights = registry::rights_of_unit(&mut conn, unit_id, false).await?;
    let mut ids: Vec<i64> = rights.iter().flat_map(|r| r.view.holders.iter().map(|h| h.party_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    // Two statements for all the book's parties, however many entries it has.
    let mut parties: Vec<Party> = registry::parties_by_ids(&mut conn, &ids).await?.into_values().collect();
    parties.sort_by_key(|p| p.id);
    let name_changes = registry::party_name_histories(&mut conn, &ids).await?;
    // Two statements more for every entry's 登簿时间 and 登簿人.
    let mut seqs: Vec<i64> = rights.iter().map(|r| r.registered_seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    let raw = crate::store::journal::stamps(&mut conn, &seqs).await?;
    let mut usernames: Vec<String> = raw.iter().map(|(_, _, who)| who.clone()).filter(|w| w != "system").collect();
    usernames.sort_unstable();
    usernames.dedup();
    let names = s.directory.staff_names(&mut conn, &usernames).await?;
    let stamps = raw
        .into_iter()
        .map(|(seq, at, who)| {
            let name = if who == "system" { "系统".to_owned() } else { names.iter().find(|n| n.username == who).map_or(who, |n| n.display_name.clone()) };
            (seq, at, name)
        })
        .collect();
    Ok(RegisterBook { unit, parcel, building, rights, parties, name_changes, stamps })
}

/// The party bearing an ID number the identity authority has just proven to belong to `name`:
/// the record of that number, or a new one when the register does not know it (the authority has
/// proven that the person or enterprise exists). A record under another name is still that
/// party: the authority's name is the current one, and a change of name is registered at the
/// counter (更名). `id_number` is validated and normalised; the caller's transaction decides.
pub async fn verified_party(s: &Services, conn: &mut bdc_db::AnyConnection, kind: &str, id_type: &str, id_number: &str, name: &str) -> ServiceResult<i64> {
    let bidx = s.cipher().blind_index(id_number);
    for pid in registry::find_party_by_index(conn, &bidx).await? {
        if let Some(p) = registry::get_party(conn, pid).await? {
            if p.id_type == id_type {
                return Ok(p.id);
            }
        }
    }
    let party =
        Party { id: 0, kind: kind.into(), name: name.into(), id_type: id_type.into(), id_number_enc: s.cipher().encrypt(id_number), id_number_bidx: bidx, id_number_masked: mask_id_number(id_number) };
    Ok(registry::upsert_party(conn, &party, Utc::now()).await?)
}

/// The party on record with this ID number and exactly this name, if any. Nothing is created:
/// naming someone (a principal, a co-applicant) never makes him a party of the register.
pub async fn party_on_record(s: &Services, conn: &mut bdc_db::AnyConnection, id_type: &str, id_number: &str, name: &str) -> ServiceResult<Option<i64>> {
    let bidx = s.cipher().blind_index(id_number);
    for pid in registry::find_party_by_index(conn, &bidx).await? {
        if let Some(p) = registry::get_party(conn, pid).await? {
            if p.id_type == id_type {
                return Ok((p.name == name).then_some(p.id));
            }
        }
    }
    Ok(None)
}
