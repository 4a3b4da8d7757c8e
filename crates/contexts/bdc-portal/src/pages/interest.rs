//! 利害关系人查询 — interested-party queries: applied for on the portal with evidence uploads,
//! decided on the workbench (查询审批) by staff holding 审批利害关系人查询.
//!
//! The application form is `multipart/form-data`. Its route accepts bodies up to
//! [`UPLOAD_LIMIT`] (five files of 10 MB and the text fields), above the server-wide
//! `max_body_bytes`; anything larger is answered with the form and a Chinese message. Evidence is
//! served inline with its sniffed content type and `nosniff`, only to the applicant and reviewers.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use crate::service::interest::{self as svc, InterestForm, LimitedResult, Upload};
use crate::service::interest::{Evidence, InterestApplication};
use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, ServiceError};

use super::{beijing, csrf_ok, message, redirect, render, Chrome, Errors, PageActor};
use bdc_http::extract::Client;
use bdc_registry::Services;

/// Largest accepted application body: five evidence files of 10 MB plus the form fields.
pub const UPLOAD_LIMIT: usize = svc::MAX_FILES * svc::MAX_FILE_BYTES + 1024 * 1024;

/// The interested-party query routes (portal and workbench).
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: axum::extract::FromRef<S>,
    bdc_http::session::Gate: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/portal/interest", get(portal_list).post(portal_apply).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/portal/interest/{id}", get(portal_detail))
        .route("/portal/interest/{id}/evidence/{seq}", get(evidence))
        .route("/workbench/interest", get(staff_queue))
        .route("/workbench/interest/{id}", get(staff_detail).post(staff_decide))
        .route("/workbench/interest/{id}/evidence/{seq}", get(evidence))
}

fn public_only(actor: Option<Actor>) -> Result<Actor, Response> {
    match actor {
        Some(a) if a.realm == Realm::Public => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请在工作台“查询审批”中审核利害关系人查询。", "/workbench/interest")),
        None => Err(redirect("/login")),
    }
}

fn reviewer_only(actor: Option<Actor>) -> Result<Actor, Response> {
    match actor {
        Some(a) if a.realm == Realm::Staff && a.can(Permission::InterestReview) => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "没有权限", "审核利害关系人查询需要“审批利害关系人查询”权限。", if a.realm == Realm::Staff { "/workbench" } else { "/portal" })),
        None => Err(redirect("/login")),
    }
}

/// A line of an application list.
pub struct Row {
    id: i64,
    property: String,
    relation: &'static str,
    submitted: String,
    state_code: String,
    state: &'static str,
}

fn row(a: &InterestApplication) -> Row {
    Row {
        id: a.id,
        property: format!("{}：{}", svc::property_kind_name(&a.property_kind), a.property_text),
        relation: svc::relation_name(&a.relation),
        submitted: beijing(&a.created_at),
        state_code: a.state.code().to_owned(),
        state: a.state.name(),
    }
}

/// An evidence file as listed: `(seq, name, kind label, size text, is image, is pdf)`.
pub struct EvidenceLine {
    seq: i64,
    name: String,
    size: String,
    sm3: String,
    image: bool,
    pdf: bool,
}

fn evidence_lines(files: &[Evidence]) -> Vec<EvidenceLine> {
    files
        .iter()
        .map(|e| EvidenceLine {
            seq: e.seq,
            name: e.file_name.clone(),
            size: if e.size >= 1024 * 1024 { format!("{:.1} MB", e.size as f64 / 1_048_576.0) } else { format!("{} KB", (e.size + 1023) / 1024) },
            sm3: e.sm3.clone(),
            image: e.content_type.starts_with("image/"),
            pdf: e.content_type == "application/pdf",
        })
        .collect()
}

// ----- portal: list and apply -----

/// The form as typed (kept after an error; files must be chosen again).
#[derive(Debug, Clone, Default)]
pub struct TypedForm {
    property_kind: String,
    property: String,
    relation: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "interest_portal.html")]
pub struct PortalPage {
    chrome: Chrome,
    rows: Vec<Row>,
    kinds: &'static [(&'static str, &'static str)],
    relations: &'static [(&'static str, &'static str)],
    form: TypedForm,
    errors: Errors,
    message: String,
    max_files: usize,
}

fn portal_page(actor: &Actor, rows: Vec<Row>, form: TypedForm, errors: Errors, message: String) -> PortalPage {
    PortalPage { chrome: Chrome::of(Some(actor), "interest"), rows, kinds: svc::PROPERTY_KINDS, relations: svc::RELATIONS, form, errors, message, max_files: svc::MAX_FILES }
}

async fn my_rows(services: &Services, actor: &Actor) -> Result<Vec<Row>, ServiceError> {
    Ok(svc::mine(services, actor).await?.iter().map(row).collect())
}

pub async fn portal_list(State(services): State<Services>, PageActor(actor): PageActor) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match my_rows(&services, &actor).await {
        Ok(rows) => render(&portal_page(&actor, rows, TypedForm { property_kind: "unit".into(), relation: "litigant".into(), ..TypedForm::default() }, Errors::new(), String::new())),
        Err(e) => message(StatusCode::FORBIDDEN, Some(&actor), "无法办理", &e.to_string(), "/portal"),
    }
}

/// What came in the multipart body; `broken` says why reading stopped early.
struct Received {
    csrf: String,
    form: InterestForm,
    broken: Option<String>,
}

async fn receive(mp: Multipart) -> Received {
    let (sent, broken) = bdc_http::forms::read_partial(mp).await;
    Received {
        csrf: sent.get("csrf"),
        form: InterestForm {
            property_kind: sent.get("property_kind"),
            property: sent.get("property"),
            relation: sent.get("relation"),
            reason: sent.get("reason"),
            files: sent.files.into_iter().filter(|(k, _, _)| k == "evidence").map(|(_, file_name, bytes)| Upload { file_name, bytes }).collect(),
        },
        broken,
    }
}

pub async fn portal_apply(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, mp: Result<Multipart, MultipartRejection>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let received = match mp {
        Ok(mp) => receive(mp).await,
        Err(_) => Received { csrf: String::new(), form: InterestForm::default(), broken: Some("请通过申请页面提交（表单须以 multipart/form-data 上传）".into()) },
    };
    let f = received.form;
    let typed = TypedForm { property_kind: f.property_kind.clone(), property: f.property.clone(), relation: f.relation.clone(), reason: f.reason.clone() };
    let again = |errors: Errors, message: String, rows: Vec<Row>| {
        let mut r = render(&portal_page(&actor, rows, typed.clone(), errors, message));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let rows = my_rows(&services, &actor).await.unwrap_or_default();
    if let Some(broken) = received.broken {
        let mut errors = Errors::new();
        errors.insert("evidence", broken);
        return again(errors, String::new(), rows);
    }
    if !csrf_ok(&actor, &received.csrf) {
        return bdc_http::page::expired(&actor, "/portal/interest");
    }
    let errors: Errors = svc::check(&f).into_iter().collect();
    if !errors.is_empty() {
        return again(errors, String::new(), rows);
    }
    match svc::apply(&services, &actor, &client.addr, f).await {
        Ok(a) => redirect(&format!("/portal/interest/{}", a.id)),
        Err(ServiceError::Validation { field: Some(field), message: m, .. }) => {
            let key = ["property_kind", "property", "relation", "reason", "evidence"].into_iter().find(|k| *k == field).unwrap_or("evidence");
            let mut errors = Errors::new();
            errors.insert(key, m);
            again(errors, String::new(), rows)
        }
        Err(e) => super::limited(again(Errors::new(), e.to_string(), rows), &e),
    }
}

// ----- portal: one application -----

/// The limited result as labelled lines: `(label, value)`.
fn result_lines(r: &LimitedResult) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool, yes: &str, no: &str| if b { yes.to_owned() } else { no.to_owned() };
    vec![
        ("不动产单元号", r.unit_number.clone()),
        ("坐落", r.location.clone()),
        ("面积", r.area.map_or_else(|| "—".to_owned(), |a| format!("{a:.2} 平方米"))),
        ("土地用途", if r.land_use.is_empty() { "—".into() } else { r.land_use.clone() }),
        ("房屋用途", if r.house_use.is_empty() { "—".into() } else { r.house_use.clone() }),
        ("权利登记", yes_no(r.titled, "已登记", "未登记")),
        ("是否共有", yes_no(r.co_owned, "共有", "单独所有")),
        ("抵押权登记", yes_no(r.mortgaged, "有", "无")),
        ("预告登记", yes_no(r.advance_notice, "有", "无")),
        ("异议登记", yes_no(r.objection, "有", "无")),
        ("查封登记", yes_no(r.seized, "已查封", "无")),
        ("其他限制", yes_no(r.otherwise_restricted, "有", "无")),
    ]
}

#[derive(Template)]
#[template(path = "interest_my.html")]
pub struct MyPage {
    chrome: Chrome,
    row: Row,
    reason: String,
    decided_at: String,
    decision_reason: String,
    evidence: Vec<EvidenceLine>,
    /// `None` before approval; `Some(lines)` after, empty when the register has no such property.
    result: Option<Vec<(&'static str, String)>>,
}

pub async fn portal_detail(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, PagePath(id): PagePath<i64>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mine = match svc::my_application(&services, &actor, &client.addr, id).await {
        Ok(m) => m,
        Err(e @ ServiceError::Internal(_)) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "暂时无法查看", &e.to_string(), "/portal/interest"),
        Err(e @ ServiceError::RateLimited { .. }) => return super::too_many(Some(&actor), &e, "/portal/interest").unwrap_or_default(),
        Err(e) => return message(StatusCode::NOT_FOUND, Some(&actor), "申请不存在", &e.to_string(), "/portal/interest"),
    };
    let a = &mine.application;
    let page = MyPage {
        chrome: Chrome::of(Some(&actor), "interest"),
        row: row(a),
        reason: a.reason.clone(),
        decided_at: a.decided_at.as_deref().map(beijing).unwrap_or_default(),
        decision_reason: a.decision_reason.clone(),
        evidence: evidence_lines(&mine.evidence),
        result: mine.result.as_ref().map(|r| if r.found { result_lines(r) } else { Vec::new() }),
    };
    render(&page)
}

// ----- evidence -----

/// An evidence file, inline, for its applicant or a reviewer (others get 404).
pub async fn evidence(State(services): State<Services>, PageActor(actor): PageActor, PagePath((id, seq)): PagePath<(i64, i64)>) -> Response {
    let Some(actor) = actor else { return redirect("/login") };
    match svc::evidence_file(&services, &actor, id, seq).await {
        Ok((e, bytes)) => (
            [
                (header::CONTENT_TYPE, e.content_type.clone()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"evidence-{id}-{seq}\"; filename*=UTF-8''{}", bdc_http::forms::urlencode(&e.file_name))),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
                (header::X_FRAME_OPTIONS, "SAMEORIGIN".to_owned()),
                (header::CONTENT_SECURITY_POLICY, bdc_http::headers::FILE_CSP.to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e @ ServiceError::Internal(_)) => {
            tracing::error!(error = ?e, "evidence file could not be read");
            message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "暂时无法打开", "证明材料暂时无法读取，请稍后再试。", "/")
        }
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "材料不存在", &e.to_string(), if actor.realm == Realm::Staff { "/workbench/interest" } else { "/portal/interest" }),
    }
}

// ----- workbench -----

#[derive(Template)]
#[template(path = "interest_queue.html")]
pub struct QueuePage {
    chrome: Chrome,
    /// `(code, name, count, current)`.
    tabs: Vec<(&'static str, &'static str, i64, bool)>,
    state_name: &'static str,
    rows: Vec<Row>,
}

#[derive(Debug, Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    state: String,
}

pub async fn staff_queue(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<QueueQuery>) -> Response {
    let actor = match reviewer_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let wanted = svc::InterestState::from_code(&q.state).unwrap_or(svc::InterestState::Submitted);
    let (list, counts) = match svc::queue(&services, &actor, wanted).await {
        Ok(x) => x,
        Err(e) => return message(StatusCode::FORBIDDEN, Some(&actor), "无法查看", &e.to_string(), "/workbench"),
    };
    let tabs = svc::InterestState::ALL.iter().map(|&st| (st.code(), st.name(), counts.iter().find(|(s, _)| *s == st).map_or(0, |x| x.1), st == wanted)).collect();
    render(&QueuePage { chrome: Chrome::of(Some(&actor), "interest"), tabs, state_name: wanted.name(), rows: list.iter().map(row).collect() })
}

#[derive(Template)]
#[template(path = "interest_review.html")]
pub struct ReviewPage {
    chrome: Chrome,
    row: Row,
    applicant: String,
    phone: String,
    reason: String,
    /// `(unit id, number, location)` of the matched unit.
    unit: Option<(i64, String, String)>,
    evidence: Vec<EvidenceLine>,
    decided: bool,
    decided_by: String,
    decided_at: String,
    decision_reason: String,
    typed_reason: String,
    errors: Errors,
    message: String,
}

async fn review_page(services: &Services, actor: &Actor, id: i64, typed_reason: String, errors: Errors, message_text: String) -> Response {
    let v = match svc::review(services, actor, id).await {
        Ok(v) => v,
        Err(e @ ServiceError::Internal(_)) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(actor), "暂时无法查看", &e.to_string(), "/workbench/interest"),
        Err(e) => return message(StatusCode::NOT_FOUND, Some(actor), "申请不存在", &e.to_string(), "/workbench/interest"),
    };
    let a = &v.application;
    render(&ReviewPage {
        chrome: Chrome::of(Some(actor), "interest"),
        row: row(a),
        applicant: format!("{}（{}）", v.applicant_name, v.applicant_id_masked),
        phone: v.applicant_phone_masked.clone(),
        reason: a.reason.clone(),
        unit: v.unit.clone(),
        evidence: evidence_lines(&v.evidence),
        decided: a.state != svc::InterestState::Submitted,
        decided_by: v.decided_by_name.clone(),
        decided_at: a.decided_at.as_deref().map(beijing).unwrap_or_default(),
        decision_reason: a.decision_reason.clone(),
        typed_reason,
        errors,
        message: message_text,
    })
}

pub async fn staff_detail(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    match reviewer_only(actor) {
        Ok(a) => review_page(&services, &a, id, String::new(), Errors::new(), String::new()).await,
        Err(r) => r,
    }
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn staff_decide(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, PagePath(id): PagePath<i64>, PageForm(f): PageForm<DecideForm>) -> Response {
    let actor = match reviewer_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, &format!("/workbench/interest/{id}"));
    }
    let approve = match f.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return message(StatusCode::UNPROCESSABLE_ENTITY, Some(&actor), "无法办理", "请选择同意或拒绝。", &format!("/workbench/interest/{id}")),
    };
    let failed = |status: StatusCode, r: Response| {
        let mut r = r;
        *r.status_mut() = status;
        r
    };
    match svc::decide(&services, &actor, &client.addr, id, approve, &f.reason).await {
        Ok(_) => redirect(&format!("/workbench/interest/{id}")),
        Err(ServiceError::Validation { message: m, .. }) => {
            let mut errors = Errors::new();
            errors.insert("reason", m);
            failed(StatusCode::UNPROCESSABLE_ENTITY, review_page(&services, &actor, id, f.reason.clone(), errors, String::new()).await)
        }
        Err(e @ ServiceError::Conflict { .. }) => failed(StatusCode::CONFLICT, review_page(&services, &actor, id, String::new(), Errors::new(), e.to_string()).await),
        Err(e @ ServiceError::NotFound(_)) => message(StatusCode::NOT_FOUND, Some(&actor), "申请不存在", &e.to_string(), "/workbench/interest"),
        Err(e) => failed(StatusCode::UNPROCESSABLE_ENTITY, review_page(&services, &actor, id, f.reason.clone(), Errors::new(), e.to_string()).await),
    }
}
