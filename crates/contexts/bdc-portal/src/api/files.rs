//! `/api/v1/portal/…` — the portal's drafts (网上申请草稿), material uploads (申请材料) and agents'
//! authorisations (授权委托) as a JSON API, for the city app and partner systems. The use cases
//! are the pages' own ([`crate::service::drafts`], [`bdc_registry::register_api::materials`],
//! [`crate::service::agency`]), so the checks are the same: a file is PNG, JPEG or PDF by its first
//! bytes, at most 10 MB, and all files of one upload are checked before any is stored; drafts
//! stay SM4-encrypted at rest; another user's draft, case or file is "not found".
//!
//! Uploads are `multipart/form-data`. For materials each file part is named by its material
//! code (`-F application_form=@申请书.pdf -F id_card=@身份证.jpg`), as the flow's form lists
//! them (`GET /api/v1/portal/flows/{code}`).

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::agency::{self, NewAuthorisation};
use crate::service::applications::{NamedParty, OtherParty};
use crate::service::drafts::{self, Fields};
use bdc_registry::domain::catalogue;
use bdc_registry::register_api::materials::Attachment;
use bdc_registry::register_api::materials::{self, Upload};

use crate::api::portal::{application_dto, AppliedDto, AuthorisationDto, NamedPartyDto, OtherPartyDto, PortalUser};
use bdc_http::extract::{ApiJson, ApiPath};
use bdc_http::forms::{read_form, ReadError, Submitted};
use bdc_http::problem::{ApiResult, FindingDto, Problem};
use bdc_registry::Services;

/// A `multipart/form-data` body, read with the pages' reader (text hygiene, part limits). Not
/// multipart → 415; past the upload limit → 413; unreadable → 400; a forbidden character → 422.
pub struct ApiMultipart(pub Submitted);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"));
        if !multipart {
            return Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "请求体须为 multipart/form-data（上传文件）"));
        }
        let mp = Multipart::from_request(req, state).await.map_err(|_| Problem::bad_request("bad_body", "表单内容无法读取：multipart/form-data 缺少 boundary"))?;
        match read_form(mp).await {
            (form, None) => Ok(ApiMultipart(form)),
            (_, Some(e @ ReadError::TooLarge)) => Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", e.to_string())),
            (_, Some(e @ ReadError::Broken)) => Err(Problem::bad_request("bad_body", e.to_string())),
            (_, Some(e @ ReadError::ForbiddenText(_))) => Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "forbidden_characters", e.to_string())),
            (_, Some(e @ ReadError::TooMany)) => Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "too_many_files", e.to_string())),
        }
    }
}

/// The files of a material upload: one part per file, named by its material code; text parts
/// are refused, so a mistyped file field is not silently dropped.
fn material_uploads(form: Submitted) -> ApiResult<Vec<Upload>> {
    if let Some((name, _)) = form.fields.first() {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "unexpected_field", format!("字段 {name} 不是文件：每个文件部分以其材料代码命名")).with_field(name, "须为文件"));
    }
    if form.files.is_empty() {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "no_file", "请选择要上传的文件").with_field("file", "请选择要上传的文件"));
    }
    Ok(form.files.into_iter().map(|(material_code, file_name, bytes)| Upload { material_code, file_name, bytes }).collect())
}

/// Files of a material upload (`multipart/form-data`): each part a file, its name the material
/// code (`application_form`, `id_card` …), any number of parts.
pub struct MaterialFiles;

impl utoipa::PartialSchema for MaterialFiles {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .description(Some("每个文件部分以材料代码命名（如 application_form、id_card），可传多个文件；PDF、JPG 或 PNG，单个不超过 10 MB"))
            .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))))
            .into()
    }
}

impl ToSchema for MaterialFiles {}

/// A stored file (申请材料).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileDto {
    /// For `GET /api/v1/portal/files/{id}`.
    pub id: i64,
    pub material_code: String,
    pub material_name: String,
    pub file_name: String,
    /// application/pdf, image/png or image/jpeg — from the file's first bytes.
    pub content_type: String,
    pub size: i64,
    /// SM3 digest of the bytes, hex.
    pub sm3: String,
    pub uploaded_at: String,
}

pub fn file_dto(a: Attachment, flow: Option<&catalogue::Flow>) -> FileDto {
    FileDto {
        id: a.id,
        material_name: flow.and_then(|f| f.materials.iter().find(|m| m.code == a.material_code)).map_or_else(|| a.material_code.clone(), |m| m.name.to_owned()),
        material_code: a.material_code,
        file_name: a.file_name,
        content_type: a.content_type,
        size: a.size,
        sm3: a.sm3,
        uploaded_at: a.uploaded_at,
    }
}

fn files_dto(list: Vec<Attachment>, flow_code: &str) -> Vec<FileDto> {
    let flow = catalogue::flow(flow_code);
    list.into_iter().map(|a| file_dto(a, flow)).collect()
}

// ----- drafts -----

/// The typed fields of an application draft (the same as an application, without its flow).
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DraftFieldsDto {
    /// 不动产单元号 or 不动产权证书号.
    #[serde(default)]
    pub property: String,
    #[serde(default)]
    pub my_role: String,
    #[serde(default)]
    pub my_share: String,
    #[serde(default)]
    pub others: Vec<OtherPartyDto>,
    #[serde(default)]
    pub mortgagees: Vec<NamedPartyDto>,
    /// 共有方式: 0 单独, 1 共同, 2 按份, 3 其他.
    #[serde(default)]
    pub co_ownership: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub target_right: Option<i64>,
    #[serde(default)]
    pub on_behalf: Option<i64>,
}

fn fields_of(d: DraftFieldsDto) -> Fields {
    Fields {
        property: d.property,
        my_role: d.my_role,
        my_share: d.my_share,
        others: d.others.into_iter().map(|o| OtherParty { role: o.role, name: o.name, id_number: o.id_number, share: o.share.unwrap_or_default() }).collect(),
        mortgagees: d.mortgagees.into_iter().map(|m| NamedParty { name: m.name, id_number: m.id_number }).collect(),
        co_ownership: d.co_ownership,
        attributes: d.attributes,
        target_right: d.target_right,
        on_behalf: d.on_behalf,
        ..Fields::default()
    }
}

fn fields_dto(f: Fields) -> DraftFieldsDto {
    let mut others = f.others;
    // Drafts saved before several parties could be named kept one in `other_*`.
    if others.is_empty() && !(f.other_name.is_empty() && f.other_id.is_empty()) {
        others.push(OtherParty { role: f.other_role, name: f.other_name, id_number: f.other_id, share: String::new() });
    }
    DraftFieldsDto {
        property: f.property,
        my_role: f.my_role,
        my_share: f.my_share,
        others: others.into_iter().map(|o| OtherPartyDto { role: o.role, name: o.name, id_number: o.id_number, share: Some(o.share).filter(|s| !s.is_empty()) }).collect(),
        mortgagees: f.mortgagees.into_iter().map(|m| NamedPartyDto { name: m.name, id_number: m.id_number }).collect(),
        co_ownership: f.co_ownership,
        attributes: f.attributes,
        target_right: f.target_right,
        on_behalf: f.on_behalf,
    }
}

/// A draft as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftSummaryDto {
    pub id: i64,
    pub flow_code: String,
    pub flow_name: String,
    pub updated_at: String,
}

/// A draft with its fields and the files already uploaded for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    pub id: i64,
    pub flow_code: String,
    pub flow_name: String,
    pub updated_at: String,
    pub fields: DraftFieldsDto,
    pub files: Vec<FileDto>,
}

fn flow_name(code: &str) -> String {
    catalogue::flow(code).map_or_else(|| code.to_owned(), |f| f.name.to_owned())
}

async fn draft_dto(services: &Services, actor: &bdc_core::Actor, id: i64) -> ApiResult<DraftDto> {
    let (d, fields, files) = drafts::get(services, actor, id).await?;
    Ok(DraftDto { id: d.id, flow_name: flow_name(&d.flow_code), files: files_dto(files, &d.flow_code), flow_code: d.flow_code, updated_at: d.updated_at, fields: fields_dto(fields) })
}

/// The caller's drafts, newest first.
#[utoipa::path(get, path = "/api/v1/portal/drafts", tag = "portal", operation_id = "portal_drafts",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<DraftSummaryDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_drafts(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<DraftSummaryDto>>> {
    let list = drafts::mine(&services, &actor).await?;
    Ok(Json(list.into_iter().map(|d| DraftSummaryDto { id: d.id, flow_name: flow_name(&d.flow_code), flow_code: d.flow_code, updated_at: d.updated_at }).collect()))
}

/// 保存草稿: a new draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraftRequest {
    /// A flow open to this account.
    pub flow_code: String,
    #[serde(default)]
    pub fields: DraftFieldsDto,
}

/// Saves a new draft of an application (at most 20 per account). Its files are uploaded with
/// `POST /api/v1/portal/drafts/{id}/files`.
#[utoipa::path(post, path = "/api/v1/portal/drafts", tag = "portal", operation_id = "portal_create_draft",
    security(("bearer" = []), ("cookie" = [])), request_body = NewDraftRequest,
    responses((status = 201, body = DraftDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_create_draft(State(services): State<Services>, PortalUser(actor): PortalUser, ApiJson(r): ApiJson<NewDraftRequest>) -> ApiResult<(StatusCode, Json<DraftDto>)> {
    let id = drafts::save(&services, &actor, None, r.flow_code.trim(), &fields_of(r.fields), &[]).await?;
    Ok((StatusCode::CREATED, Json(draft_dto(&services, &actor, id).await?)))
}

/// One of the caller's drafts.
#[utoipa::path(get, path = "/api/v1/portal/drafts/{id}", tag = "portal", operation_id = "portal_draft",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id")),
    responses((status = 200, body = DraftDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_draft(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<DraftDto>> {
    Ok(Json(draft_dto(&services, &actor, id).await?))
}

/// Saves the draft's fields again (they replace the saved ones; its files stay).
#[utoipa::path(put, path = "/api/v1/portal/drafts/{id}", tag = "portal", operation_id = "portal_save_draft",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id")), request_body = DraftFieldsDto,
    responses((status = 200, body = DraftDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_save_draft(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>, ApiJson(r): ApiJson<DraftFieldsDto>) -> ApiResult<Json<DraftDto>> {
    let (d, _, _) = drafts::get(&services, &actor, id).await?;
    drafts::save(&services, &actor, Some(id), &d.flow_code, &fields_of(r), &[]).await?;
    Ok(Json(draft_dto(&services, &actor, id).await?))
}

/// Deletes a draft and its files.
#[utoipa::path(delete, path = "/api/v1/portal/drafts/{id}", tag = "portal", operation_id = "portal_delete_draft",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id")),
    responses((status = 204, description = "已删除"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_delete_draft(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    drafts::discard(&services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads materials to a draft: every file is checked (the flow's material, PDF/JPG/PNG by its
/// first bytes, at most 10 MB) before any is stored — one bad file stores none.
#[utoipa::path(post, path = "/api/v1/portal/drafts/{id}/files", tag = "portal", operation_id = "portal_upload_draft_files",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id")),
    request_body(content = inline(MaterialFiles), content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<FileDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_upload_draft_files(
    State(services): State<Services>,
    PortalUser(actor): PortalUser,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(form): ApiMultipart,
) -> ApiResult<(StatusCode, Json<Vec<FileDto>>)> {
    let uploads = material_uploads(form)?;
    let (d, _, _) = drafts::get(&services, &actor, id).await?;
    let stored = drafts::add_files(&services, &actor, id, &uploads).await?;
    Ok((StatusCode::CREATED, Json(files_dto(stored, &d.flow_code))))
}

/// Takes a file back out of a draft.
#[utoipa::path(delete, path = "/api/v1/portal/drafts/{id}/files/{file}", tag = "portal", operation_id = "portal_remove_draft_file",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id"), ("file" = i64, Path, description = "File id")),
    responses((status = 204, description = "已移除"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_remove_draft_file(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath((id, file)): ApiPath<(i64, i64)>) -> ApiResult<StatusCode> {
    drafts::remove_file(&services, &actor, id, file).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submits a draft (提交申请): every required material must have a file; the application is
/// made as `POST /api/v1/portal/applications` makes it, and the files go with it. The draft is
/// gone afterwards.
#[utoipa::path(post, path = "/api/v1/portal/drafts/{id}/submit", tag = "portal", operation_id = "portal_submit_draft",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Draft id")),
    responses((status = 201, body = AppliedDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_submit_draft(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<(StatusCode, Json<AppliedDto>)> {
    let applied = drafts::submit(&services, &actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppliedDto {
            application: application_dto(applied.application),
            case: applied.case.map(bdc_registry::service::dto::case_dto),
            findings: applied.findings.iter().map(FindingDto::from).collect(),
        }),
    ))
}

// ----- materials of applications and cases -----

/// The materials of an online application (its applicant and the co-applicants who confirm it);
/// once it is a case, the case's.
#[utoipa::path(get, path = "/api/v1/portal/applications/{id}/files", tag = "portal", operation_id = "portal_application_files",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = Vec<FileDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_application_files(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<FileDto>>> {
    let view = crate::service::applications::view(&services, &actor, id).await?;
    let list = crate::service::applications::files(&services, &actor, id).await?;
    Ok(Json(files_dto(list, &view.flow_code)))
}

/// The materials of one of the caller's cases.
#[utoipa::path(get, path = "/api/v1/portal/cases/{id}/files", tag = "portal", operation_id = "portal_case_files",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = Vec<FileDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_case_files(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<FileDto>>> {
    let (case, _) = crate::service::account::my_case(&services, &actor, id).await?;
    let list = materials::case_files(&services, &actor, id).await?;
    Ok(Json(files_dto(list, &case.flow_code)))
}

/// Hands in materials for one of the caller's cases (补正, or before 受理), with the same checks
/// as the page: all files checked before any is stored.
#[utoipa::path(post, path = "/api/v1/portal/cases/{id}/files", tag = "portal", operation_id = "portal_upload_case_files",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Case id")),
    request_body(content = inline(MaterialFiles), content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<FileDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_upload_case_files(
    State(services): State<Services>,
    PortalUser(actor): PortalUser,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(form): ApiMultipart,
) -> ApiResult<(StatusCode, Json<Vec<FileDto>>)> {
    let uploads = material_uploads(form)?;
    let (case, _) = crate::service::account::my_case(&services, &actor, id).await?;
    let stored = materials::add_to_case(&services, &actor, id, &uploads).await?;
    Ok((StatusCode::CREATED, Json(files_dto(stored, &case.flow_code))))
}

/// A stored file as a download, with the content type its bytes were recognised as.
pub fn file_response(content_type: &str, file_name: &str, fallback: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", bdc_http::forms::urlencode(file_name))),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// One of the caller's files (of his drafts, applications, cases or authorisations).
#[utoipa::path(get, path = "/api/v1/portal/files/{id}", tag = "portal", operation_id = "portal_file",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "File id")),
    responses((status = 200, description = "文件内容（PDF、JPG 或 PNG）", content_type = "application/octet-stream"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_file(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    let (a, bytes) = crate::service::files::open(&services, &actor, id).await?;
    let ext = a.file_key.rsplit('.').next().unwrap_or("bin");
    Ok(file_response(&a.content_type, &a.file_name, &format!("file-{id}.{ext}"), bytes))
}

// ----- agents' authorisations -----

/// 登记授权委托 (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AuthorisationForm {
    pub principal_name: String,
    /// 身份证号 or 统一社会信用代码.
    pub principal_id: String,
    /// 委托事项.
    pub matters: String,
    /// YYYY-MM-DD, at most a year ahead.
    pub valid_until: String,
    /// The signed 授权委托书: PDF, JPG or PNG, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    pub document: Vec<u8>,
}

/// Records an authorisation (agents only), with the signed letter: the principal's name must be
/// the one the register holds for the ID (a failed check counts against the identity-check
/// limit), the letter is checked as every material is.
#[utoipa::path(post, path = "/api/v1/portal/authorisations", tag = "portal", operation_id = "portal_record_authorisation",
    security(("bearer" = []), ("cookie" = [])), request_body(content = inline(AuthorisationForm), content_type = "multipart/form-data"),
    responses((status = 201, body = AuthorisationDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_record_authorisation(State(services): State<Services>, PortalUser(actor): PortalUser, ApiMultipart(form): ApiMultipart) -> ApiResult<(StatusCode, Json<AuthorisationDto>)> {
    let mut documents = form.files.iter().filter(|(k, _, _)| k == "document");
    let document = documents.next().map(|(_, n, b)| Upload { material_code: "document".into(), file_name: n.clone(), bytes: b.clone() });
    if documents.next().is_some() {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_authorisation", "授权委托书只能上传一个文件").with_field("document", "只能上传一个文件"));
    }
    let a = NewAuthorisation { principal_name: form.get("principal_name"), principal_id: form.get("principal_id"), matters: form.get("matters"), valid_until: form.get("valid_until"), document };
    let recorded = agency::record(&services, &actor, a).await?;
    let shown = agency::mine(&services, &actor).await?.into_iter().find(|s| s.authorisation.id == recorded.id).ok_or_else(Problem::internal)?;
    Ok((StatusCode::CREATED, Json(crate::api::portal::authorisation_dto(shown))))
}

/// Withdraws an authorisation the principal revoked; cases already opened under it keep it.
#[utoipa::path(post, path = "/api/v1/portal/authorisations/{id}/revoke", tag = "portal", operation_id = "portal_revoke_authorisation",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Authorisation id")),
    responses((status = 204, description = "已撤销"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_revoke_authorisation(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    // An account that is no agent has no authorisations: the same answer as for a missing one.
    if !actor.roles.iter().any(|r| r == "agent") {
        return Err(Problem::new(StatusCode::NOT_FOUND, "not_found", "授权委托不存在或已撤销"));
    }
    agency::revoke(&services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
