//! 线上苏小登 pages: home, login, sign-up, certificate authenticity, the user's applications
//! and certificates, and the guided application form built from the catalogue (B1, B2, B4, B5).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use bdc_domain::access::Realm;
use bdc_domain::catalogue::{self, ApplicantRole, Channel};
use bdc_services::auth::{self, SessionKind};
use bdc_services::certificates::{self, Verdict};
use bdc_services::portal::{self as svc, Application, OtherParty, SignUp};
use bdc_services::ServiceError;

use super::{csrf_ok, message, redirect, render, Chrome, Errors, PageActor};
use crate::api::Client;
use crate::observe::AuditSlot;
use crate::session::{clear_cookie, session_cookie};
use crate::state::AppState;

// ----- home -----

/// A flow as listed on the home page: `(name, group, working days)`.
type FlowLine = (&'static str, &'static str, u32);

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    chrome: Chrome,
    /// Channel name → its flows.
    groups: Vec<(&'static str, Vec<FlowLine>)>,
}

pub async fn home(PageActor(actor): PageActor) -> Response {
    let groups = [Channel::Individual, Channel::Enterprise, Channel::Bank, Channel::Developer, Channel::HousingAuthority]
        .into_iter()
        .map(|c| (c.name(), catalogue::flows().iter().filter(|f| f.channels.contains(&c)).map(|f| (f.name, f.group, f.time_limit_days)).collect()))
        .collect();
    render(&HomePage { chrome: Chrome::of(actor.as_ref(), "home"), groups })
}

// ----- login / logout -----

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    chrome: Chrome,
    realm: String,
    username: String,
    message: String,
    errors: Errors,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    realm: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login_form(PageActor(actor): PageActor) -> Response {
    render(&LoginPage { chrome: Chrome::of(actor.as_ref(), "login"), realm: "public".into(), username: String::new(), message: String::new(), errors: Errors::new() })
}

pub async fn login(State(state): State<AppState>, axum::Extension(slot): axum::Extension<AuditSlot>, Client(client): Client, Form(f): Form<LoginForm>) -> Response {
    let realm = if f.realm == "staff" { Realm::Staff } else { Realm::Public };
    slot.set_action("login");
    slot.set_attempted(&f.username, realm.as_str());
    let mut errors = Errors::new();
    if f.username.trim().is_empty() {
        errors.insert("username", "请填写用户名".into());
    }
    if f.password.is_empty() {
        errors.insert("password", "请填写密码".into());
    }
    let again = |message: String, errors: Errors| {
        slot.set_outcome("failure");
        let mut r = render(&LoginPage { chrome: Chrome::default(), realm: realm.as_str().into(), username: f.username.clone(), message, errors });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    if !errors.is_empty() {
        return again(String::new(), errors);
    }
    match auth::login(&state.services, realm, f.username.trim(), &f.password, SessionKind::Cookie, &client).await {
        Ok(l) => {
            slot.set_actor(&l.actor);
            slot.set_detail("browser session (page)");
            let cookie = session_cookie(&l.token, state.services.security.session_idle_minutes * 60, state.cookie_secure);
            let mut r = redirect(match realm {
                // An administrator without case work lands on 系统管理.
                Realm::Staff if !l.actor.can(bdc_domain::access::Permission::CaseRead) && Chrome::of(Some(&l.actor), "").admin => "/workbench/admin",
                Realm::Staff => "/workbench",
                Realm::Public => "/portal",
            });
            if let Ok(v) = cookie.parse() {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => again(e.to_string(), Errors::new()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(state): State<AppState>, PageActor(actor): PageActor, Form(f): Form<CsrfForm>) -> Response {
    if let Some(a) = &actor {
        if csrf_ok(a, &f.csrf) {
            let _ = auth::logout(&state.services, a).await;
        }
    }
    let mut r = redirect("/");
    if let Ok(v) = clear_cookie(state.cookie_secure).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

// ----- sign-up -----

#[derive(Debug, Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignUpPage {
    chrome: Chrome,
    kinds: &'static [(&'static str, &'static str)],
    form: SignUpForm,
    errors: Errors,
    message: String,
}

pub async fn signup_form(PageActor(actor): PageActor) -> Response {
    let form = SignUpForm { kind: "person".into(), ..SignUpForm::default() };
    render(&SignUpPage { chrome: Chrome::of(actor.as_ref(), "signup"), kinds: svc::ACCOUNT_KINDS, form, errors: Errors::new(), message: String::new() })
}

pub async fn signup(State(state): State<AppState>, axum::Extension(slot): axum::Extension<AuditSlot>, Form(f): Form<SignUpForm>) -> Response {
    slot.set_action("signup");
    slot.set_attempted(&f.username, "public");
    let cmd = SignUp {
        kind: f.kind.clone(),
        username: f.username.trim().into(),
        password: f.password.clone(),
        password_again: f.password_again.clone(),
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        phone: f.phone.clone(),
        code: f.code.clone(),
    };
    let mut errors: Errors = svc::check_sign_up(&cmd).into_iter().collect();
    let mut message = String::new();
    if errors.is_empty() {
        match svc::sign_up(&state.services, cmd).await {
            Ok(user) => {
                slot.set_detail(&format!("public account {} created", user.id));
                return message_page("注册成功", "实名账户已创建，请登录后在线办理业务。", "/login");
            }
            Err(ServiceError::Validation { field: Some(field), message: m, .. }) => {
                let key = ["kind", "username", "password", "password_again", "name", "id_number", "phone", "code"].into_iter().find(|k| *k == field).unwrap_or("code");
                errors.insert(key, m);
            }
            Err(e) => message = e.to_string(),
        }
    }
    slot.set_outcome("failure");
    // What the user typed stays, except the passwords.
    let form = SignUpForm { password: String::new(), password_again: String::new(), ..f };
    let mut r = render(&SignUpPage { chrome: Chrome::default(), kinds: svc::ACCOUNT_KINDS, form, errors, message });
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

fn message_page(heading: &str, text: &str, back: &str) -> Response {
    message(StatusCode::OK, None, heading, text, back)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    phone: String,
}

/// htmx: sends the one-time code and answers with the line shown beside the button.
pub async fn signup_code(State(state): State<AppState>, Form(f): Form<CodeForm>) -> Response {
    let text = match svc::send_code(&state.services, &f.phone, svc::SIGN_UP).await {
        Ok(()) => "验证码已发送，10 分钟内有效".to_owned(),
        Err(e) => e.to_string(),
    };
    Html(askama::filters::escape(&text, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()).into_response()
}

// ----- certificate authenticity -----

#[derive(Template)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    chrome: Chrome,
    /// `(code, sentence, facts)`.
    verdict: Option<(&'static str, &'static str, Option<certificates::QrFacts>)>,
    holder_name: String,
    cert_number: String,
    payload: String,
    errors: Errors,
}

#[derive(Debug, Deserialize, Default)]
pub struct VerifyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    payload: String,
}

pub async fn verify_form(State(state): State<AppState>, PageActor(actor): PageActor, Client(client): Client, axum::extract::Query(q): axum::extract::Query<VerifyForm>) -> Response {
    // A scanned QR code may open this page with the payload in the address.
    if !q.payload.trim().is_empty() {
        return verify_page(&state, actor, &client.addr, q).await;
    }
    render(&VerifyPage { chrome: Chrome::of(actor.as_ref(), "verify"), verdict: None, holder_name: String::new(), cert_number: String::new(), payload: String::new(), errors: Errors::new() })
}

pub async fn verify(State(state): State<AppState>, PageActor(actor): PageActor, Client(client): Client, Form(f): Form<VerifyForm>) -> Response {
    verify_page(&state, actor, &client.addr, f).await
}

async fn verify_page(state: &AppState, actor: Option<bdc_services::Actor>, client: &str, f: VerifyForm) -> Response {
    let user = actor.as_ref().map(|a| a.user_id);
    let mut errors = Errors::new();
    let result = if !f.payload.trim().is_empty() {
        certificates::verify_payload(&state.services, user, client, &f.payload).await
    } else {
        if f.name.trim().is_empty() {
            errors.insert("name", "请填写权利人姓名（名称）".into());
        }
        if f.number.trim().is_empty() {
            errors.insert("number", "请填写证书号".into());
        }
        if errors.is_empty() {
            certificates::verify_by_number(&state.services, user, client, &f.name, &f.number).await
        } else {
            Err(ServiceError::validation("missing", ""))
        }
    };
    let verdict = match result {
        Ok(v) => {
            let facts = match &v {
                Verdict::Genuine(f) | Verdict::Void(f) => Some(f.clone()),
                _ => None,
            };
            Some((v.code(), v.name(), facts))
        }
        Err(_) => None,
    };
    render(&VerifyPage { chrome: Chrome::of(actor.as_ref(), "verify"), verdict, holder_name: f.name, cert_number: f.number, payload: f.payload, errors })
}

// ----- the user's space -----

pub struct CaseRow {
    id: i64,
    number: String,
    flow: String,
    accepted_on: String,
    state: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
pub struct PortalPage {
    chrome: Chrome,
    cases: Vec<CaseRow>,
    /// `(number, kind, status, url-safe number)`.
    certificates: Vec<(String, &'static str, &'static str, String)>,
    /// `(code, name, group, days)`.
    flows: Vec<(&'static str, &'static str, &'static str, u32)>,
}

fn public_only(actor: Option<bdc_services::Actor>) -> Result<bdc_services::Actor, Response> {
    match actor {
        Some(a) if a.realm == Realm::Public => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请使用工作台。", "/workbench")),
        None => Err(redirect("/login")),
    }
}

fn flow_name(code: &str) -> String {
    catalogue::flow(code).map_or_else(|| code.to_owned(), |f| f.name.to_owned())
}

pub async fn portal_home(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let cases = match svc::my_cases(&state.services, &actor).await {
        Ok(c) => c,
        Err(e) => return message(StatusCode::FORBIDDEN, Some(&actor), "无法查看", &e.to_string(), "/"),
    };
    let certificates = svc::my_certificates(&state.services, &actor).await.unwrap_or_default();
    let page = PortalPage {
        chrome: Chrome::of(Some(&actor), "portal"),
        cases: cases
            .into_iter()
            .map(|c| CaseRow { id: c.id, flow: flow_name(&c.flow_code), number: c.case_number, accepted_on: c.accepted_on.to_string(), state: bdc_services::cases::state_name(&c.state).into() })
            .collect(),
        certificates: certificates
            .into_iter()
            .map(|(n, k, st, _, _)| {
                let url = urlencode(&n);
                (n, if k == "title" { "不动产权证书" } else { "不动产登记证明" }, if st == "valid" { "有效" } else { "已注销" }, url)
            })
            .collect(),
        flows: svc::flows_for(&actor).into_iter().map(|f| (f.code, f.name, f.group, f.time_limit_days)).collect(),
    };
    render(&page)
}

/// Percent-encodes a certificate number for a path segment.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

// ----- apply -----

#[derive(Debug, Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    property: String,
    #[serde(default)]
    my_role: String,
    #[serde(default)]
    my_share: String,
    #[serde(default)]
    other_role: String,
    #[serde(default)]
    other_name: String,
    #[serde(default)]
    other_id: String,
    #[serde(default)]
    materials: Vec<String>,
}

#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyPage {
    chrome: Chrome,
    flow_code: &'static str,
    flow_name: &'static str,
    roles: Vec<(&'static str, &'static str)>,
    needs_other: bool,
    /// `(code, name, required, checked)`.
    materials: Vec<(&'static str, &'static str, bool, bool)>,
    form: ApplyForm,
    errors: Errors,
    message: String,
}

fn role_code(r: ApplicantRole) -> &'static str {
    match r {
        ApplicantRole::RightHolder => "right_holder",
        ApplicantRole::Obligor => "obligor",
        ApplicantRole::Agent => "agent",
    }
}

fn apply_page(actor: &bdc_services::Actor, flow: &'static catalogue::Flow, form: ApplyForm, errors: Errors, message: String) -> ApplyPage {
    let roles: Vec<(&'static str, &'static str)> = flow.applicant_roles.iter().map(|r| (role_code(*r), r.name())).collect();
    ApplyPage {
        chrome: Chrome::of(Some(actor), "portal"),
        flow_code: flow.code,
        flow_name: flow.name,
        needs_other: roles.len() > 1,
        roles,
        materials: flow.materials.iter().map(|m| (m.code, m.name, m.required, form.materials.iter().any(|x| x == m.code))).collect(),
        form,
        errors,
        message,
    }
}

pub async fn apply_form(PageActor(actor): PageActor, Path(flow): Path<String>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(flow) = svc::flows_for(&actor).into_iter().find(|f| f.code == flow) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "业务不存在", "该业务不存在或您的账户不能在线办理。", "/portal");
    };
    let first = flow.applicant_roles.first().map_or("right_holder", |r| role_code(*r));
    let second = flow.applicant_roles.get(1).map_or("obligor", |r| role_code(*r));
    let form = ApplyForm { my_role: first.into(), other_role: second.into(), my_share: "1".into(), ..ApplyForm::default() };
    render(&apply_page(&actor, flow, form, Errors::new(), String::new()))
}

pub async fn apply(State(state): State<AppState>, PageActor(actor): PageActor, Path(flow): Path<String>, axum::extract::RawForm(body): axum::extract::RawForm) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Repeated `materials` fields: read the urlencoded pairs by hand.
    let mut form = ApplyForm::default();
    for (k, v) in form_urlencoded_pairs(&body) {
        match k.as_str() {
            "csrf" => form.csrf = v,
            "property" => form.property = v,
            "my_role" => form.my_role = v,
            "my_share" => form.my_share = v,
            "other_role" => form.other_role = v,
            "other_name" => form.other_name = v,
            "other_id" => form.other_id = v,
            "materials" => form.materials.push(v),
            _ => {}
        }
    }
    if !csrf_ok(&actor, &form.csrf) {
        return message(StatusCode::FORBIDDEN, Some(&actor), "页面已过期", "请刷新页面后重新提交。", "/portal");
    }
    let Some(flow) = svc::flows_for(&actor).into_iter().find(|f| f.code == flow) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "业务不存在", "该业务不存在或您的账户不能在线办理。", "/portal");
    };
    let mut errors = Errors::new();
    if form.property.trim().is_empty() {
        errors.insert("property", "请填写不动产单元号或不动产权证书号".into());
    }
    let roles: Vec<&str> = flow.applicant_roles.iter().map(|r| role_code(*r)).collect();
    if roles.len() > 1 && (form.other_name.trim().is_empty() || form.other_id.trim().is_empty()) {
        errors.insert(if form.other_name.trim().is_empty() { "other_name" } else { "other_id" }, "请填写其他申请人的姓名和证件号码".into());
    }
    if errors.is_empty() {
        let app = Application {
            flow_code: flow.code.into(),
            property: form.property.clone(),
            my_role: form.my_role.clone(),
            my_share: form.my_share.clone(),
            others: if roles.len() > 1 { vec![OtherParty { role: form.other_role.clone(), name: form.other_name.clone(), id_number: form.other_id.clone(), share: "1".into() }] } else { vec![] },
            materials: form.materials.clone(),
        };
        match svc::apply(&state.services, &actor, app).await {
            Ok(case) => return redirect(&format!("/portal/cases/{}", case.id)),
            Err(ServiceError::Validation { field: Some(field), message: m, .. }) if field == "property" => {
                errors.insert("property", m);
            }
            Err(ServiceError::Validation { field: Some(field), message: m, .. }) if field.starts_with("others") => {
                errors.insert("other_id", m);
            }
            Err(e) => {
                let mut r = render(&apply_page(&actor, flow, form, errors, e.to_string()));
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                return r;
            }
        }
    }
    let mut r = render(&apply_page(&actor, flow, form, errors, String::new()));
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// Decodes `application/x-www-form-urlencoded` pairs (repeated keys kept).
fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

// ----- progress -----

#[derive(Template)]
#[template(path = "my_case.html")]
pub struct MyCasePage {
    chrome: Chrome,
    number: String,
    flow: String,
    state: String,
    accepted_on: String,
    deadline: String,
    /// `(label, done, current)`.
    steps: Vec<(&'static str, bool, bool)>,
    notice: String,
    /// `(time, step, note)`.
    events: Vec<(String, String, String)>,
}

/// Where a case stands on the six public steps.
fn steps_of(state: &str) -> Vec<(&'static str, bool, bool)> {
    let order = ["申请", "受理", "审核", "登簿", "缮证", "发证"];
    let at = match state {
        "intake" | "correction" | "returned" | "withdrawn" | "suspended" => 0,
        "review" => 2,
        "register" => 3,
        "certify" => 4,
        "issue" => 5,
        _ => 6,
    };
    order.iter().enumerate().map(|(i, l)| (*l, i < at, i == at)).collect()
}

pub async fn my_case(State(state): State<AppState>, PageActor(actor): PageActor, Path(id): Path<i64>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (case, events) = match svc::my_case(&state.services, &actor, id).await {
        Ok(x) => x,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(&actor), "办件不存在", &e.to_string(), "/portal"),
    };
    let notice = match case.state.as_str() {
        "correction" | "returned" => events.iter().rev().find(|e| e.1 == case.state).map(|e| format!("{}：{}", bdc_services::cases::state_name(&case.state), e.4)).unwrap_or_default(),
        _ => String::new(),
    };
    let page = MyCasePage {
        chrome: Chrome::of(Some(&actor), "portal"),
        number: case.case_number.clone(),
        flow: flow_name(&case.flow_code),
        state: bdc_services::cases::state_name(&case.state).into(),
        accepted_on: case.accepted_on.to_string(),
        deadline: case.deadline.to_string(),
        steps: steps_of(&case.state),
        notice,
        events: events.into_iter().map(|(_, to, _, at, reason)| (super::beijing(&at), bdc_services::cases::state_name(&to).to_owned(), reason)).collect(),
    };
    render(&page)
}

// ----- certificate download -----

pub async fn my_certificate(State(state): State<AppState>, PageActor(actor): PageActor, Path(number): Path<String>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mine = svc::my_certificates(&state.services, &actor).await.unwrap_or_default();
    if !mine.iter().any(|c| c.0 == number) {
        return message(StatusCode::NOT_FOUND, Some(&actor), "证书不存在", "未找到您名下的该证书。", "/portal");
    }
    pdf_response(&state, Some(&actor), &number, "/portal").await
}

/// The PDF of a certificate as a download.
pub async fn pdf_response(state: &AppState, actor: Option<&bdc_services::Actor>, number: &str, back: &str) -> Response {
    let view = match certificates::view(&state.services, number).await {
        Ok(Some(v)) => v,
        _ => return message(StatusCode::NOT_FOUND, actor, "证书不存在", "未找到该证书。", back),
    };
    match certificates::pdf(&state.services, &view).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"certificate.pdf\"; filename*=UTF-8''{}.pdf", urlencode(number))),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "certificate PDF failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, actor, "证书生成失败", "电子证书暂时无法生成，请稍后再试。", back)
        }
    }
}
