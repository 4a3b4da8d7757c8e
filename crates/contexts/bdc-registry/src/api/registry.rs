//! `/api/v1/parcels`, `/api/v1/units`, `/api/v1/parties` — cadastral data, parties and the
//! register book (地籍数据、当事人、登记簿).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::registry::{self, NewBuilding, NewParcel, NewParty, NewUnit, RegisterBook};
use crate::service::registry::{Building, Parcel, Party, Unit, UnitFilter};

use crate::Services;
use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// 宗地.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParcelDto {
    /// 宗地代码, 19 characters.
    pub code: String,
    /// 坐落.
    pub location: String,
    /// 面积, m².
    pub area: f64,
    /// 用途.
    pub land_use: String,
    /// 权利性质 code, e.g. 102 出让.
    pub right_nature: String,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

impl From<Parcel> for ParcelDto {
    fn from(p: Parcel) -> Self {
        ParcelDto {
            code: p.code,
            location: p.location,
            area: p.area,
            land_use: p.land_use,
            right_nature: p.right_nature,
            term_start: p.term_start.and_then(|d| d.parse().ok()),
            term_end: p.term_end.and_then(|d| d.parse().ok()),
        }
    }
}

/// Records a parcel.
#[utoipa::path(post, path = "/api/v1/parcels", tag = "registry", operation_id = "create_parcel",
    security(("bearer" = []), ("cookie" = [])), request_body = ParcelDto,
    responses((status = 201, body = ParcelDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_parcel(State(services): State<Services>, Authed(actor): Authed, ApiJson(p): ApiJson<ParcelDto>) -> ApiResult<(StatusCode, Json<ParcelDto>)> {
    let parcel = registry::create_parcel(
        &services,
        &actor,
        NewParcel { code: p.code, location: p.location, area: p.area, land_use: p.land_use, right_nature: p.right_nature, term_start: p.term_start, term_end: p.term_end },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(parcel.into())))
}

/// 自然幢.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingDto {
    #[serde(default)]
    pub id: i64,
    pub parcel_code: String,
    /// 幢号, 4 digits.
    pub building_no: String,
    pub name: String,
    pub floors: i64,
    /// 房屋结构.
    pub structure: String,
    pub completed_year: Option<i64>,
}

impl From<Building> for BuildingDto {
    fn from(b: Building) -> Self {
        BuildingDto { id: b.id, parcel_code: b.parcel_code, building_no: b.building_no, name: b.name, floors: b.floors, structure: b.structure, completed_year: b.completed_year }
    }
}

/// Records a building (自然幢) on a recorded parcel.
#[utoipa::path(post, path = "/api/v1/buildings", tag = "registry", operation_id = "create_building",
    security(("bearer" = []), ("cookie" = [])), request_body = BuildingDto,
    responses((status = 201, body = BuildingDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_building(State(services): State<Services>, Authed(actor): Authed, ApiJson(b): ApiJson<BuildingDto>) -> ApiResult<(StatusCode, Json<BuildingDto>)> {
    let cmd = NewBuilding { parcel_code: b.parcel_code, building_no: b.building_no, name: b.name, floors: b.floors, structure: b.structure, completed_year: b.completed_year };
    Ok((StatusCode::CREATED, Json(registry::create_building(&services, &actor, cmd).await?.into())))
}

/// 不动产单元.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    /// 不动产单元号, 28 characters.
    pub unit_number: String,
    pub parcel_code: String,
    pub building_no: Option<String>,
    pub room_no: Option<String>,
    pub location: String,
    pub area: Option<f64>,
    pub house_use: Option<String>,
    /// Changes with every registration on the unit.
    pub version: i64,
}

impl From<Unit> for UnitDto {
    fn from(u: Unit) -> Self {
        UnitDto {
            id: u.id,
            unit_number: u.unit_number,
            parcel_code: u.parcel_code,
            building_no: u.building_no,
            room_no: u.room_no,
            location: u.location,
            area: u.area,
            house_use: u.house_use,
            version: u.version,
        }
    }
}

/// 新建不动产单元.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnitRequest {
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    /// 房屋用途 code, e.g. 10 住宅.
    pub house_use: Option<String>,
}

/// Records a unit on a recorded parcel.
#[utoipa::path(post, path = "/api/v1/units", tag = "registry", operation_id = "create_unit",
    security(("bearer" = []), ("cookie" = [])), request_body = CreateUnitRequest,
    responses((status = 201, body = UnitDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_unit(State(services): State<Services>, Authed(actor): Authed, ApiJson(u): ApiJson<CreateUnitRequest>) -> ApiResult<(StatusCode, Json<UnitDto>)> {
    let unit = registry::create_unit(&services, &actor, NewUnit { unit_number: u.unit_number, location: u.location, area: u.area, house_use: u.house_use }).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// Search of units.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    /// 不动产单元号 or its beginning.
    pub unit_number: Option<String>,
    /// Part of 坐落.
    pub location: Option<String>,
    /// 不动产权证书号 / 证明号.
    pub certificate: Option<String>,
    /// A current right holder (party id).
    pub holder: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Finds units by number, location, certificate or holder.
#[utoipa::path(get, path = "/api/v1/units", tag = "registry", operation_id = "search_units",
    security(("bearer" = []), ("cookie" = [])), params(UnitQuery),
    responses((status = 200, body = PageDto<UnitDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn search_units(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<UnitQuery>) -> ApiResult<Json<PageDto<UnitDto>>> {
    let page = paging(q.page, q.per_page)?;
    let f = UnitFilter {
        unit_number: q.unit_number.filter(|s| !s.is_empty()).map(|s| s.to_uppercase()),
        location: q.location.filter(|s| !s.is_empty()),
        // As typed on a Chinese keyboard: the one normaliser of certificate numbers.
        certificate: q.certificate.filter(|s| !s.trim().is_empty()).map(|c| bdc_core::ids::CertificateNumber::typed(&c)),
        holder: q.holder,
        ..UnitFilter::default()
    };
    Ok(Json(PageDto::map(registry::search_units(&services, &actor, f, page).await?, UnitDto::from)))
}

/// Path of one unit.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitPath {
    pub id: i64,
}

/// A holder in the register book, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolderDto {
    pub party_id: i64,
    pub name: String,
    pub id_type: String,
    /// 证件号, masked (3204**********1234).
    pub id_number: String,
    /// 份额, e.g. 1/2.
    pub share: String,
}

/// One entry of the register book.
#[derive(Debug, Serialize, ToSchema)]
pub struct RightDto {
    pub id: i64,
    pub kind: String,
    pub kind_name: String,
    /// 0 临时, 1 现势, 2 历史, 3 终止.
    pub state: u8,
    pub state_name: String,
    pub co_ownership: String,
    pub co_ownership_name: String,
    pub holders: Vec<HolderDto>,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub certificate_number: Option<String>,
    pub certificate_valid: bool,
    /// Journal entry that registered it, and the one that ended it.
    pub registered_seq: i64,
    pub ended_seq: Option<i64>,
    pub case_id: Option<i64>,
    pub predecessor_id: Option<i64>,
}

/// The register book of a unit (登记簿).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterBookDto {
    pub unit: UnitDto,
    pub parcel: Option<ParcelDto>,
    pub building: Option<BuildingDto>,
    /// Current rights and restrictions (现势).
    pub current: Vec<RightDto>,
    /// Historic and ended entries (历史), oldest first.
    pub history: Vec<RightDto>,
}

fn book_dto(b: RegisterBook) -> RegisterBookDto {
    let party = |id: i64| b.parties.iter().find(|p| p.id == id);
    let mut current = Vec::new();
    let mut history = Vec::new();
    let names: Vec<(i64, Option<i64>, String)> =
        b.rights.iter().flat_map(|r| r.view.holders.iter().map(|h| (h.party_id, r.ended_seq, b.name_as_of(h.party_id, r.ended_seq).unwrap_or_default())).collect::<Vec<_>>()).collect();
    let name_of = |id: i64, ended: Option<i64>| names.iter().find(|(p, e, _)| *p == id && *e == ended).map(|(_, _, n)| n.clone()).unwrap_or_default();
    for r in b.rights {
        let dto = RightDto {
            id: r.view.id,
            kind: r.view.kind.code().into(),
            kind_name: r.view.kind.name().into(),
            state: r.view.state.code(),
            state_name: r.view.state.name().into(),
            co_ownership: r.view.co_ownership.code().into(),
            co_ownership_name: r.view.co_ownership.name().into(),
            holders: r
                .view
                .holders
                .iter()
                .map(|h| {
                    let p = party(h.party_id);
                    HolderDto {
                        party_id: h.party_id,
                        // The name the holder bore while this entry was current (姓名变更 is versioned).
                        name: name_of(h.party_id, r.ended_seq),
                        id_type: p.map(|p| p.id_type.clone()).unwrap_or_default(),
                        id_number: p.map(|p| p.id_number_masked.clone()).unwrap_or_default(),
                        share: h.share.to_string(),
                    }
                })
                .collect(),
            attributes: r.view.attrs,
            certificate_number: r.view.certificate,
            certificate_valid: r.view.certificate_valid,
            registered_seq: r.registered_seq,
            ended_seq: r.ended_seq,
            case_id: r.case_id,
            predecessor_id: r.predecessor_id,
        };
        if r.view.state == crate::domain::rights::RightState::Current {
            current.push(dto);
        } else {
            history.push(dto);
        }
    }
    RegisterBookDto { unit: b.unit.into(), parcel: b.parcel.map(ParcelDto::from), building: b.building.map(BuildingDto::from), current, history }
}

/// The register book of a unit: current and historical entries.
#[utoipa::path(get, path = "/api/v1/units/{id}/register", tag = "registry", operation_id = "get_register_book",
    security(("bearer" = []), ("cookie" = [])), params(UnitPath),
    responses((status = 200, body = RegisterBookDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_register_book(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UnitPath>) -> ApiResult<Json<RegisterBookDto>> {
    Ok(Json(book_dto(registry::register_book(&services, &actor, p.id).await?)))
}

/// A party, with the ID number masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyDto {
    pub id: i64,
    /// person, enterprise, institution, state_organ.
    pub kind: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
}

impl From<Party> for PartyDto {
    fn from(p: Party) -> Self {
        PartyDto { id: p.id, kind: p.kind, name: p.name, id_type: p.id_type, id_number: p.id_number_masked }
    }
}

/// 登记当事人.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartyRequest {
    pub kind: String,
    pub name: String,
    /// 证件种类: 1 身份证, 8 统一社会信用代码, …
    pub id_type: String,
    pub id_number: String,
}

/// Records a party (or returns the one with the same ID). The ID number is validated, stored
/// encrypted and shown masked.
#[utoipa::path(post, path = "/api/v1/parties", tag = "registry", operation_id = "create_party",
    security(("bearer" = []), ("cookie" = [])), request_body = CreatePartyRequest,
    responses((status = 200, body = PartyDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_party(State(services): State<Services>, Authed(actor): Authed, ApiJson(p): ApiJson<CreatePartyRequest>) -> ApiResult<Json<PartyDto>> {
    let party = registry::record_party(&services, &actor, NewParty { kind: p.kind, name: p.name, id_type: p.id_type, id_number: p.id_number }).await?;
    Ok(Json(party.into()))
}

/// Exact lookup of parties by ID number.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PartyQuery {
    pub id_number: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Finds parties by exact ID number (through the blind index).
#[utoipa::path(get, path = "/api/v1/parties", tag = "registry", operation_id = "find_parties",
    security(("bearer" = []), ("cookie" = [])), params(PartyQuery),
    responses((status = 200, body = PageDto<PartyDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn find_parties(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<PartyQuery>) -> ApiResult<Json<PageDto<PartyDto>>> {
    let page = paging(q.page, q.per_page)?;
    let found = registry::find_parties(&services, &actor, &q.id_number).await?;
    Ok(Json(PageDto::slice(found.into_iter().map(PartyDto::from).collect(), page)))
}
