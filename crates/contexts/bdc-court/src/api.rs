//! `/api/v1/court` — the court seizure desk (法院查控工作台): the inbox of court requests with
//! their outcome and receipt, receipts due and overdue, the quarantine with reprocessing, counter
//! deliveries, and each unit's seizure queue (`/api/v1/units/{id}/seizures`).
//!
//! The handlers call [`crate::service`] only. [`router`] is generic over the server's state: it
//! needs the register's [`Services`] and the session [`Gate`]; [`access`] is this context's part
//! of the access table.

use axum::extract::FromRef;
use bdc_core::access::Permission;
use bdc_http::access::Access;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service as svc;
use crate::service::{CourtProperty, PropertyFilter};
use bdc_adapters::court::message::{Action, Document, Property, Request};
use bdc_registry::domain::register::attr;

use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::{Authed, Gate};
use bdc_registry::Services;

/// One property of a court request, as processed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourtPropertyDto {
    pub request_number: String,
    pub seq: String,
    /// 11 查封, 12 续封, 14 解除查封, 15 过户文书送达.
    pub action: String,
    pub action_name: String,
    /// 送达时间: the queue order.
    pub delivered_at: String,
    pub court: String,
    pub court_case: String,
    /// online 网络查控, counter 窗口送达.
    pub source: String,
    pub unit_id: Option<i64>,
    /// pending, registered, refused, quarantined, manual.
    pub status: String,
    pub status_name: String,
    pub reason: String,
    pub case_id: Option<i64>,
    /// 业务号 of the registration.
    pub business_number: String,
    /// 轮候.
    pub waiting: bool,
    pub actual_start: String,
    pub actual_end: String,
    pub processed_at: Option<String>,
    /// none, due, sent, paper.
    pub receipt_state: String,
    pub receipt_state_name: String,
    pub receipt_due: Option<String>,
    pub receipt_attempts: i64,
    pub receipt_error: String,
    pub receipt_sent_at: Option<String>,
    /// When this waiting seizure became the active one (轮候转查封); the court is then sent a
    /// new receipt (查封成功, the term from that day).
    pub promoted_at: Option<String>,
}

impl From<CourtProperty> for CourtPropertyDto {
    fn from(p: CourtProperty) -> Self {
        CourtPropertyDto {
            action_name: svc::action_name(&p.action).into(),
            status_name: p.status.name().into(),
            receipt_state_name: p.receipt_state.name().into(),
            request_number: p.request_number,
            seq: p.seq,
            action: p.action,
            delivered_at: p.delivered_at,
            court: p.court,
            court_case: p.court_case,
            source: p.source,
            unit_id: p.unit_id,
            status: p.status.code().into(),
            reason: p.reason,
            case_id: p.case_id,
            business_number: p.business_number,
            waiting: p.waiting,
            actual_start: p.actual_start,
            actual_end: p.actual_end,
            processed_at: p.processed_at,
            receipt_state: p.receipt_state.code().into(),
            receipt_due: p.receipt_due,
            receipt_attempts: p.receipt_attempts,
            receipt_error: p.receipt_error,
            receipt_sent_at: p.receipt_sent_at,
            promoted_at: p.promoted_at,
        }
    }
}

/// Filter of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    pub status: Option<String>,
    pub unit_id: Option<i64>,
    pub receipt_state: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The seizure inbox: every property of every court request, latest delivery first.
#[utoipa::path(get, path = "/api/v1/court/inbox", tag = "court", operation_id = "court_inbox",
    security(("bearer" = []), ("cookie" = [])), params(InboxQuery),
    responses((status = 200, body = PageDto<CourtPropertyDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn court_inbox(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<InboxQuery>) -> ApiResult<Json<PageDto<CourtPropertyDto>>> {
    let page = paging(q.page, q.per_page)?;
    let status =
        q.status.as_deref().map(|s| svc::PropertyStatus::parse(s).ok_or_else(|| Problem::bad_request("bad_query", "状态须为 pending、registered、refused、quarantined 或 manual"))).transpose()?;
    let receipt_state = q.receipt_state.as_deref().map(|s| svc::ReceiptState::parse(s).ok_or_else(|| Problem::bad_request("bad_query", "回执状态须为 none、due、sent 或 paper"))).transpose()?;
    let f = PropertyFilter { status, unit_id: q.unit_id, receipt_state, receipt_due_by: None };
    Ok(Json(PageDto::map(svc::inbox(&services, &actor, f, page).await?, CourtPropertyDto::from)))
}

/// Which receipts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    /// `today` (due today or earlier, not sent) or `overdue` (due before today).
    pub when: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Receipts still to send: due today, or overdue (A5.4: within 1 working day of registration).
#[utoipa::path(get, path = "/api/v1/court/receipts", tag = "court", operation_id = "court_receipts_due",
    security(("bearer" = []), ("cookie" = [])), params(ReceiptQuery),
    responses((status = 200, body = PageDto<CourtPropertyDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn court_receipts_due(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<ReceiptQuery>) -> ApiResult<Json<PageDto<CourtPropertyDto>>> {
    let page = paging(q.page, q.per_page)?;
    let overdue = match q.when.as_deref() {
        None | Some("today") => false,
        Some("overdue") => true,
        Some(_) => return Err(Problem::bad_request("bad_query", "when 须为 today 或 overdue")),
    };
    Ok(Json(PageDto::map(svc::receipts_due(&services, &actor, overdue, page).await?, CourtPropertyDto::from)))
}

/// A message that could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourtMessageDto {
    pub id: i64,
    pub fetched_at: String,
    pub status: String,
    pub reason: String,
}

/// The quarantine (隔离区): messages that could not be read and properties that could not be
/// matched or failed the checks, each with its reason.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantineDto {
    pub messages: Vec<CourtMessageDto>,
    pub properties: Vec<CourtPropertyDto>,
}

#[utoipa::path(get, path = "/api/v1/court/quarantine", tag = "court", operation_id = "court_quarantine",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = QuarantineDto), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn court_quarantine(State(services): State<Services>, Authed(actor): Authed) -> ApiResult<Json<QuarantineDto>> {
    let messages = svc::quarantined_messages(&services, &actor).await?.into_iter().map(|(id, fetched_at, status, reason)| CourtMessageDto { id, fetched_at, status, reason }).collect();
    let page = bdc_db::PageRequest { page: 1, per_page: 200 };
    let f = PropertyFilter { status: Some(svc::PropertyStatus::Quarantined), ..PropertyFilter::default() };
    let properties = svc::inbox(&services, &actor, f, page).await?.items.into_iter().map(CourtPropertyDto::from).collect();
    Ok(Json(QuarantineDto { messages, properties }))
}

/// Path of a kept message.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MessagePath {
    pub id: i64,
}

/// A kept message as it came.
#[derive(Debug, Serialize, ToSchema)]
pub struct RawMessageDto {
    pub id: i64,
    pub status: String,
    pub reason: String,
    pub raw: String,
}

#[utoipa::path(get, path = "/api/v1/court/messages/{id}", tag = "court", operation_id = "court_message",
    security(("bearer" = []), ("cookie" = [])), params(MessagePath),
    responses((status = 200, body = RawMessageDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn court_message(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<MessagePath>) -> ApiResult<Json<RawMessageDto>> {
    let (raw, status, reason) = svc::raw_message(&services, &actor, p.id).await?;
    Ok(Json(RawMessageDto { id: p.id, status, reason, raw }))
}

/// What reading or polling brought and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolledDto {
    pub messages: usize,
    pub new_requests: usize,
    pub duplicates: usize,
    pub quarantined: usize,
    pub rejected_requests: usize,
    pub registered: usize,
    pub refused: usize,
    pub quarantined_properties: usize,
    pub manual: usize,
    pub receipts_sent: usize,
}

fn polled_dto(p: &svc::Polled, d: &svc::Processed, sent: usize) -> PolledDto {
    PolledDto {
        messages: p.messages,
        new_requests: p.new_requests,
        duplicates: p.duplicates,
        quarantined: p.quarantined,
        rejected_requests: p.rejected_requests,
        registered: d.registered,
        refused: d.refused,
        quarantined_properties: d.quarantined,
        manual: d.manual,
        receipts_sent: sent,
    }
}

/// Reads a quarantined message again and processes what it holds.
#[utoipa::path(post, path = "/api/v1/court/messages/{id}/reread", tag = "court", operation_id = "court_reread_message",
    security(("bearer" = []), ("cookie" = [])), params(MessagePath),
    responses((status = 200, body = PolledDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn court_reread_message(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<MessagePath>) -> ApiResult<Json<PolledDto>> {
    let polled = svc::reread_message(&services, &actor, p.id).await?;
    Ok(Json(polled_dto(&polled, &svc::Processed::default(), 0)))
}

/// Path of one property.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PropertyPath {
    pub number: String,
    pub seq: String,
}

/// Puts a quarantined, refused or manual property back in the queue and processes it.
#[utoipa::path(post, path = "/api/v1/court/requests/{number}/properties/{seq}/reprocess", tag = "court", operation_id = "court_reprocess",
    security(("bearer" = []), ("cookie" = [])), params(PropertyPath),
    responses((status = 200, body = CourtPropertyDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn court_reprocess(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<PropertyPath>) -> ApiResult<Json<CourtPropertyDto>> {
    Ok(Json(svc::reprocess(&services, &actor, &p.number, &p.seq).await?.into()))
}

/// Polls the front-end now, processes the queue and sends due receipts (立即轮询).
#[utoipa::path(post, path = "/api/v1/court/poll", tag = "court", operation_id = "court_poll",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PolledDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem), (status = 500, body = Problem)))]
pub async fn court_poll(State(services): State<Services>, Authed(actor): Authed) -> ApiResult<Json<PolledDto>> {
    actor.require(bdc_core::access::Permission::CaseRegister)?;
    let (polled, processed, sent) = svc::run(&services).await?;
    Ok(Json(polled_dto(&polled, &processed, sent)))
}

/// One property of a counter delivery.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPropertyRequest {
    /// 11 查封, 12 续封, 14 解除查封, 15 过户文书送达.
    pub action: String,
    #[serde(default)]
    pub unit_number: String,
    #[serde(default)]
    pub certificate: String,
    #[serde(default)]
    pub location: String,
    /// Requested end of the seizure (YYYY-MM-DD).
    #[serde(default)]
    pub end: String,
    /// For continuation and release: the original seizure's case number or 业务号.
    #[serde(default)]
    pub original_case: String,
    #[serde(default)]
    pub original_business: String,
}

/// A court's notice handed in at the counter (窗口送达).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    pub court: String,
    pub case_number: String,
    #[serde(default)]
    pub ruling_number: String,
    #[serde(default)]
    pub judge: String,
    /// 被执行人.
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub subject_id: String,
    /// 送达时间 `yyyy-MM-ddTHH:mm:ss` (Beijing time), which places it in the queue.
    pub delivered_at: String,
    pub properties: Vec<DeliveryPropertyRequest>,
}

/// The number given to a counter delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveredDto {
    pub request_number: String,
    pub properties: Vec<CourtPropertyDto>,
}

/// Enters a court notice delivered at the counter: it joins the queue of online requests by its
/// delivery time and is processed at once.
#[utoipa::path(post, path = "/api/v1/court/deliveries", tag = "court", operation_id = "court_deliver",
    security(("bearer" = []), ("cookie" = [])), request_body = DeliveryRequest,
    responses((status = 201, body = DeliveredDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn court_deliver(State(services): State<Services>, Authed(actor): Authed, ApiJson(d): ApiJson<DeliveryRequest>) -> ApiResult<(StatusCode, Json<DeliveredDto>)> {
    let mut properties = Vec::new();
    for (i, p) in d.properties.iter().enumerate() {
        let action =
            Action::from_code(&p.action).ok_or_else(|| Problem::from(bdc_core::ServiceError::field("bad_action", "properties", format!("第 {} 项财产的控制类型须为 11、12、14 或 15", i + 1))))?;
        properties.push(Property {
            seq: (i + 1).to_string(),
            action,
            unit_number: p.unit_number.trim().into(),
            location: p.location.trim().into(),
            certificate: p.certificate.trim().into(),
            start: String::new(),
            end: p.end.trim().into(),
            original_case: p.original_case.trim().into(),
            original_business: p.original_business.trim().into(),
        });
    }
    let request = Request {
        number: String::new(),
        court: d.court.trim().into(),
        judge: d.judge,
        case_number: d.case_number.trim().into(),
        ruling_number: d.ruling_number,
        subject: d.subject,
        subject_id: d.subject_id,
        delivered_at: d.delivered_at.trim().into(),
        properties,
        documents: Vec::<Document>::new(),
    };
    let number = svc::deliver_at_counter(&services, &actor, request).await?;
    svc::process_pending(&services).await?;
    let f = PropertyFilter::default();
    let all = svc::inbox(&services, &actor, f, bdc_db::PageRequest { page: 1, per_page: 1000 }).await?;
    let properties = all.items.into_iter().filter(|p| p.request_number == number).map(CourtPropertyDto::from).collect();
    Ok((StatusCode::CREATED, Json(DeliveredDto { request_number: number, properties })))
}

/// A seizure in a unit's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeizureDto {
    pub right_id: i64,
    /// 0 for the active seizure, 1, 2 … for the waiting list.
    pub place: u32,
    /// 1 查封, 2 轮候查封, 3 预查封, 4 轮候预查封.
    pub seizure_kind: String,
    pub seizure_kind_name: String,
    pub court: String,
    pub court_case: String,
    pub delivered_at: String,
    pub term_start: String,
    pub term_end: String,
    pub case_id: Option<i64>,
}

/// Path of a unit.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitSeizurePath {
    pub id: i64,
}

/// A unit's seizures: the active one, then the waiting list in order.
#[utoipa::path(get, path = "/api/v1/units/{id}/seizures", tag = "court", operation_id = "unit_seizures",
    security(("bearer" = []), ("cookie" = [])), params(UnitSeizurePath),
    responses((status = 200, body = Vec<SeizureDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unit_seizures(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UnitSeizurePath>) -> ApiResult<Json<Vec<SeizureDto>>> {
    let queue = svc::seizure_queue(&services, &actor, p.id).await?;
    let get = |v: &bdc_registry::domain::register::RightView, k: &str| v.attr(k).unwrap_or_default().to_owned();
    Ok(Json(
        queue
            .into_iter()
            .map(|r| {
                let kind = bdc_registry::domain::register::SeizureKind::of(&r.view.attrs);
                SeizureDto {
                    right_id: r.view.id,
                    place: r.view.attr(attr::QUEUE).and_then(|q| q.parse().ok()).unwrap_or(0),
                    seizure_kind_name: kind.name().into(),
                    seizure_kind: kind.code().into(),
                    court: get(&r.view, attr::COURT),
                    court_case: get(&r.view, attr::COURT_CASE),
                    delivered_at: get(&r.view, attr::DELIVERED_AT),
                    term_start: get(&r.view, attr::TERM_START),
                    term_end: get(&r.view, attr::TERM_END),
                    case_id: r.case_id,
                }
            })
            .collect(),
    ))
}

/// Who may call which court route: the staff who read cases see the desk, 窗口受理 records a
/// counter delivery, 登簿 staff poll, reread and reprocess; a unit's seizure queue is register data.
pub fn access(method: &str, route: &str) -> Option<Access> {
    let read = matches!(method, "GET" | "HEAD");
    Some(match route {
        "/api/v1/units/{id}/seizures" if read => Access::Permission(Permission::RegistryRead),
        r if r.starts_with("/api/v1/court/") && read => Access::Permission(Permission::CaseRead),
        "/api/v1/court/deliveries" => Access::Permission(Permission::CaseIntake),
        r if r.starts_with("/api/v1/court/") => Access::Permission(Permission::CaseRegister),
        _ => return None,
    })
}

/// Every court route with its OpenAPI description.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(court_inbox))
        .routes(routes!(court_receipts_due))
        .routes(routes!(court_quarantine))
        .routes(routes!(court_message))
        .routes(routes!(court_reread_message))
        .routes(routes!(court_reprocess))
        .routes(routes!(court_poll))
        .routes(routes!(court_deliver))
        .routes(routes!(unit_seizures))
}
