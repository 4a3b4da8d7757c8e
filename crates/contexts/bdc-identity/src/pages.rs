//! The account pages (账户): login and logout for staff and public (`/login`, `/logout`), sign-up
//! with its SMS code and 人证比对 (`/signup`), the 实名认证 of an account signed up before
//! real-name was proven (`/portal/real-name`) (B2), 修改密码 (`/account/password`), and 忘记密码 of
//! the public door ([`password_reset`]: `/password/forgot`, `/password/reset`). Like the API, they
//! call [`crate::service`] only and wear the shared frame (`bdc_http::page`).

pub mod password_reset;

use askama::Template;
use axum::extract::{FromRef, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Form;
use axum::Router;
use bdc_http::page_input::PageForm;
use serde::Deserialize;

use crate::service::auth::{self, SessionKind};
use crate::service::signup::{self, SignUp};
use bdc_core::access::Realm;
use bdc_core::AuditSlot;
use bdc_core::ServiceError;
use bdc_http::extract::Client;
use bdc_http::page::{limited, message, public_only, redirect, render, Chrome, Errors};
use bdc_http::session::{clear_cookie, session_cookie};
use bdc_http::session::{csrf_ok, Gate, PageActor};
use bdc_registry::Services;

/// The account pages' routes.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    // The sign-up and real-name forms carry a photo (≤ 2 MB) for 人证比对.
    let photo = || axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024);
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/workbench/login", get(staff_login_form))
        .route("/logout", post(logout))
        .route("/signup", get(signup_form).post(signup).layer(photo()))
        .route("/signup/code", post(signup_code))
        .route("/portal/real-name", get(real_name_form).post(real_name).layer(photo()))
        .route("/account/password", get(password_form).post(change_password))
        .route("/password/forgot", get(password_reset::forgot_form).post(password_reset::forgot))
        .route("/password/reset", get(password_reset::reset_form).post(password_reset::reset))
}

// ----- 修改密码 -----

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    chrome: Chrome,
    errors: Errors,
    message: String,
    /// Where 返回 leads: the user's own start page.
    back: &'static str,
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

fn home_of(actor: &bdc_core::Actor) -> &'static str {
    if actor.realm == Realm::Staff {
        "/workbench"
    } else {
        "/portal"
    }
}

/// `GET /account/password`: the signed-in user's own password (staff and public alike).
pub async fn password_form(PageActor(actor): PageActor) -> Response {
    let Some(actor) = actor else { return redirect("/login") };
    render(&PasswordPage { chrome: Chrome::of(Some(&actor), ""), errors: Errors::new(), message: String::new(), back: home_of(&actor) })
}

/// `POST /account/password`: the old password proves it is the user (a wrong one counts
/// towards the lock-out, as a failed login does); on success every session of the user ends,
/// this one too, and he signs in again at his own door.
pub async fn change_password(
    State(services): State<Services>,
    State(gate): State<Gate>,
    axum::Extension(slot): axum::Extension<AuditSlot>,
    PageActor(actor): PageActor,
    Client(client): Client,
    PageForm(f): PageForm<PasswordForm>,
) -> Response {
    let Some(actor) = actor else { return redirect("/login") };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, "/account/password");
    }
    slot.set_action("change_password");
    let again = |errors: Errors, message: String| {
        slot.set_outcome("failure");
        let mut r = render(&PasswordPage { chrome: Chrome::of(Some(&actor), ""), errors, message, back: home_of(&actor) });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let mut errors = Errors::new();
    if f.old_password.is_empty() {
        errors.insert("old_password", "请填写原密码".into());
    }
    if f.new_password.is_empty() {
        errors.insert("new_password", "请填写新密码".into());
    } else if f.new_password != f.new_password_again {
        errors.insert("new_password_again", "两次输入的新密码不一致".into());
    }
    if !errors.is_empty() {
        return again(errors, String::new());
    }
    match auth::change_own_password(&services, &actor, &client, &f.old_password, &f.new_password).await {
        Ok(()) => {
            let door = if actor.realm == Realm::Staff { bdc_http::page::STAFF_LOGIN } else { "/login" };
            let mut r = message(StatusCode::OK, None, "密码已修改", "密码已修改，所有设备均已退出登录。请用新密码重新登录。", door);
            if let Ok(v) = clear_cookie(gate.cookie_secure()).parse() {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(ServiceError::Validation { field: Some(field), message, .. }) => {
            let key = if field == "old_password" { "old_password" } else { "new_password" };
            errors.insert(key, message);
            again(errors, String::new())
        }
        Err(e) => limited(again(errors, e.to_string()), &e),
    }
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

/// The public's door (公众登录): individuals, companies and institutions.
pub async fn login_form(PageActor(actor): PageActor) -> Response {
    render(&LoginPage { chrome: Chrome::of(actor.as_ref(), "login"), realm: "public".into(), username: String::new(), message: String::new(), errors: Errors::new() })
}

/// The staff's door (工作人员登录), where the workbench sends whoever is not signed in: the
/// same form for the staff realm, without sign-up.
pub async fn staff_login_form(PageActor(actor): PageActor) -> Response {
    render(&LoginPage { chrome: Chrome::of(actor.as_ref(), "login"), realm: "staff".into(), username: String::new(), message: String::new(), errors: Errors::new() })
}

pub async fn login(State(services): State<Services>, State(gate): State<Gate>, axum::Extension(slot): axum::Extension<AuditSlot>, Client(client): Client, Form(f): Form<LoginForm>) -> Response {
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
    match auth::login(&services, realm, f.username.trim(), &f.password, SessionKind::Cookie, &client).await {
        Ok(l) => {
            slot.set_actor(&l.actor);
            slot.set_detail("browser session (page)");
            let cookie = session_cookie(&l.token, services.security.session_idle_minutes * 60, gate.cookie_secure());
            let mut r = redirect(match realm {
                // An administrator without case work lands on 系统管理.
                Realm::Staff if !l.actor.can(bdc_core::access::Permission::CaseRead) && Chrome::of(Some(&l.actor), "").admin => "/workbench/admin",
                Realm::Staff => "/workbench",
                Realm::Public => "/portal",
            });
            if let Ok(v) = cookie.parse() {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => limited(again(e.to_string(), Errors::new()), &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(services): State<Services>, State(gate): State<Gate>, PageActor(actor): PageActor, PageForm(f): PageForm<CsrfForm>) -> Response {
    if let Some(a) = &actor {
        if csrf_ok(a, &f.csrf) {
            let _ = auth::logout(&services, a).await;
        }
    }
    let mut r = redirect("/");
    if let Ok(v) = clear_cookie(gate.cookie_secure()).parse() {
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
    #[serde(default)]
    representative_name: String,
    #[serde(default)]
    representative_id: String,
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
    render(&SignUpPage { chrome: Chrome::of(actor.as_ref(), "signup"), kinds: signup::ACCOUNT_KINDS, form, errors: Errors::new(), message: String::new() })
}

/// `POST /signup`: a multipart form, as it carries the live photo for 人证比对.
pub async fn signup(State(services): State<Services>, axum::Extension(slot): axum::Extension<AuditSlot>, Client(client): Client, multipart: axum::extract::Multipart) -> Response {
    slot.set_action("signup");
    let (form, broken) = bdc_http::forms::read_partial(multipart).await;
    let photo = form.files.iter().find(|(k, _, _)| k == "photo").map(|(_, _, b)| b.clone()).unwrap_or_default();
    let f = SignUpForm {
        kind: form.get("kind"),
        username: form.get("username"),
        password: form.get("password"),
        password_again: form.get("password_again"),
        name: form.get("name"),
        id_number: form.get("id_number"),
        phone: form.get("phone"),
        code: form.get("code"),
        representative_name: form.get("representative_name"),
        representative_id: form.get("representative_id"),
    };
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
        photo,
        representative_name: f.representative_name.clone(),
        representative_id: f.representative_id.clone(),
    };
    let mut errors: Errors = signup::check_sign_up(&cmd).into_iter().collect();
    let mut message = broken.unwrap_or_default();
    let mut refused = None;
    if errors.is_empty() && message.is_empty() {
        match signup::sign_up(&services, cmd, &client.addr, Some(slot.clone())).await {
            Ok(_) => return message_page("注册成功", "实名核验已通过，账户已创建。请登录后在线办理业务。", "/login"),
            Err(ServiceError::Validation { field: Some(field), message: m, .. }) => {
                let key = SIGN_UP_FIELDS.into_iter().find(|k| *k == field).unwrap_or("code");
                errors.insert(key, m);
            }
            Err(e) => {
                message = e.to_string();
                refused = Some(e);
            }
        }
    }
    slot.set_outcome("failure");
    // What the user typed stays, except the passwords (and the photo, which is taken again).
    let form = SignUpForm { password: String::new(), password_again: String::new(), ..f };
    let mut r = render(&SignUpPage { chrome: Chrome::default(), kinds: signup::ACCOUNT_KINDS, form, errors, message });
    *r.status_mut() = match &refused {
        Some(ServiceError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match refused {
        Some(e) => limited(r, &e),
        None => r,
    }
}

/// The fields of the sign-up form, where a problem is shown.
const SIGN_UP_FIELDS: [&str; 11] = ["kind", "username", "password", "password_again", "name", "id_number", "phone", "code", "photo", "representative_name", "representative_id"];

fn message_page(heading: &str, text: &str, back: &str) -> Response {
    message(StatusCode::OK, None, heading, text, back)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    phone: String,
}

/// htmx: sends the one-time code and answers with the line shown beside the button.
pub async fn signup_code(State(services): State<Services>, Client(client): Client, headers: axum::http::HeaderMap, PageForm(f): PageForm<CodeForm>) -> Response {
    let htmx = headers.contains_key("hx-request");
    let (text, refused) = match signup::send_code(&services, &f.phone, &client.addr).await {
        Ok(()) => ("验证码已发送，10 分钟内有效".to_owned(), None),
        Err(e) => (e.to_string(), Some(e)),
    };
    let r = Html(askama::filters::escape(&text, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()).into_response();
    match refused {
        // htmx swaps only successful answers: the line beside the button stays 200 for it, with
        // `Retry-After`; a plain request gets the 429.
        Some(e @ ServiceError::RateLimited { .. }) if htmx => {
            let mut r = limited(r, &e);
            *r.status_mut() = StatusCode::OK;
            r
        }
        Some(e) => limited(r, &e),
        None => r,
    }
}

// ----- 实名认证 of an account signed up before real-name was proven -----

#[derive(Template)]
#[template(path = "realname.html")]
pub struct RealNamePage {
    chrome: Chrome,
    organisation: bool,
    representative_name: String,
    representative_id: String,
    errors: Errors,
    message: String,
}

/// `GET /portal/real-name`.
pub async fn real_name_form(State(services): State<Services>, PageActor(actor): PageActor) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match signup::needs_real_name(&services, &actor).await {
        Ok(Some(organisation)) => render(&RealNamePage {
            chrome: Chrome::of(Some(&actor), "portal"),
            organisation,
            representative_name: String::new(),
            representative_id: String::new(),
            errors: Errors::new(),
            message: String::new(),
        }),
        Ok(None) => message(StatusCode::OK, Some(&actor), "无需实名认证", "该账户已完成实名认证，或未关联当事人（请重新注册实名账户）。", "/portal"),
        Err(e) => message(StatusCode::FORBIDDEN, Some(&actor), "无法办理", &e.to_string(), "/portal"),
    }
}

/// `POST /portal/real-name`: the photo (and an organisation's representative) to the authority.
pub async fn real_name(State(services): State<Services>, PageActor(actor): PageActor, multipart: axum::extract::Multipart) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return message(StatusCode::PAYLOAD_TOO_LARGE, Some(&actor), "无法提交", &e, "/portal/real-name"),
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return bdc_http::page::expired(&actor, "/portal/real-name");
    }
    let r = signup::RealName {
        photo: form.files.iter().find(|(k, _, _)| k == "photo").map(|(_, _, b)| b.clone()).unwrap_or_default(),
        representative_name: form.get("representative_name"),
        representative_id: form.get("representative_id"),
    };
    match signup::verify_my_account(&services, &actor, r.clone()).await {
        Ok(()) => message(StatusCode::OK, Some(&actor), "实名认证成功", "账户已通过实名核验，可以查看名下不动产并在线办理业务。", "/portal"),
        Err(e) => {
            // The form again, with the representative's fields for an organisation.
            let organisation = matches!(signup::needs_real_name(&services, &actor).await, Ok(Some(true)));
            let mut errors = Errors::new();
            let mut text = String::new();
            match &e {
                ServiceError::Validation { field: Some(f), message: m, .. } => {
                    let key = ["photo", "representative_name", "representative_id"].into_iter().find(|k| k == f).unwrap_or("photo");
                    errors.insert(key, m.clone());
                }
                other => text = other.to_string(),
            }
            let mut resp = render(&RealNamePage {
                chrome: Chrome::of(Some(&actor), "portal"),
                organisation,
                representative_name: r.representative_name,
                representative_id: r.representative_id,
                errors,
                message: text,
            });
            *resp.status_mut() = match &e {
                ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                ServiceError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            limited(resp, &e)
        }
    }
}
