//! 线上苏小登 pages: home, certificate authenticity (证书核验), 我的 (the user's cases,
//! applications, drafts and certificates), and the guided application form built from the
//! catalogue (B1, B4, B5).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use crate::service::account as svc;
use crate::service::drafts;
use bdc_core::ServiceError;
use bdc_registry::domain::catalogue::{self, ApplicantRole};
use bdc_registry::domain::workflow::CaseState;
use bdc_registry::register_api::certificates::{self, Verdict};

use super::{csrf_ok, message, public_only, redirect, render, Chrome, Errors, PageActor};
use bdc_http::extract::Client;
use bdc_registry::pages::files::{pdf_response, FileView};
use bdc_registry::Services;

// ----- home -----

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    chrome: Chrome,
    /// Channel name → its flows, each linking to its 办事指南.
    groups: Vec<(&'static str, Vec<super::guide::GuideLine>)>,
}

pub async fn home(PageActor(actor): PageActor) -> Response {
    let groups = super::guide::PUBLIC_CHANNELS.into_iter().map(|c| (c.name(), catalogue::flows().iter().filter(|f| f.channels.contains(&c)).map(super::guide::GuideLine::of).collect())).collect();
    render(&HomePage { chrome: Chrome::of(actor.as_ref(), "home"), groups })
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

pub async fn verify_form(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, axum::extract::Query(q): axum::extract::Query<VerifyForm>) -> Response {
    // A scanned QR code may open this page with the payload in the address.
    if !q.payload.trim().is_empty() {
        return verify_page(&services, actor, &client.addr, q).await;
    }
    render(&VerifyPage { chrome: Chrome::of(actor.as_ref(), "verify"), verdict: None, holder_name: String::new(), cert_number: String::new(), payload: String::new(), errors: Errors::new() })
}

pub async fn verify(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, PageForm(f): PageForm<VerifyForm>) -> Response {
    verify_page(&services, actor, &client.addr, f).await
}

async fn verify_page(services: &Services, actor: Option<bdc_core::Actor>, client: &str, f: VerifyForm) -> Response {
    let user = actor.as_ref().map(|a| a.user_id);
    let mut errors = Errors::new();
    let result = if !f.payload.trim().is_empty() {
        certificates::verify_payload(services, user, client, &f.payload).await
    } else {
        if f.name.trim().is_empty() {
            errors.insert("name", "请填写权利人姓名（名称）".into());
        }
        if f.number.trim().is_empty() {
            errors.insert("number", "请填写证书号".into());
        }
        if errors.is_empty() {
            certificates::verify_by_number(services, user, client, &f.name, &f.number).await
        } else {
            Err(ServiceError::validation("missing", ""))
        }
    };
    let verdict = match result {
        Err(e @ ServiceError::RateLimited { .. }) => return super::too_many(actor.as_ref(), &e, "/verify").unwrap_or_default(),
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
    /// `(id, flow code, flow name, saved at)`.
    drafts: Vec<(i64, String, String, String)>,
    /// Online applications made or to be confirmed: `(id, flow name, state name, made by me, my answer pending)`.
    applications: Vec<(i64, String, &'static str, bool, bool)>,
    agent: bool,
}

fn flow_name(code: &str) -> String {
    catalogue::flow(code).map_or_else(|| code.to_owned(), |f| f.name.to_owned())
}

pub async fn portal_home(State(services): State<Services>, PageActor(actor): PageActor) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Ok(true) = svc::awaits_real_name(&services, &actor).await {
        return redirect("/portal/real-name");
    }
    let cases = match svc::my_cases(&services, &actor).await {
        Ok(c) => c,
        Err(e) => return message(StatusCode::FORBIDDEN, Some(&actor), "无法查看", &e.to_string(), "/"),
    };
    let certificates = svc::my_certificates(&services, &actor).await.unwrap_or_default();
    let page = PortalPage {
        chrome: Chrome::of(Some(&actor), "portal"),
        cases: cases.into_iter().map(|c| CaseRow { id: c.id, flow: flow_name(&c.flow_code), number: c.case_number, accepted_on: c.accepted_on.to_string(), state: c.state.name().into() }).collect(),
        certificates: certificates
            .into_iter()
            .map(|(n, k, st, _, _)| {
                let url = bdc_http::forms::urlencode(&n);
                (n, if k == "title" { "不动产权证书" } else { "不动产登记证明" }, if st == "valid" { "有效" } else { "已注销" }, url)
            })
            .collect(),
        flows: svc::flows_for(&actor).into_iter().map(|f| (f.code, f.name, f.group, f.time_limit_days)).collect(),
        drafts: drafts::mine(&services, &actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.id, flow_name(&d.flow_code), d.flow_code, super::beijing(&d.updated_at)))
            .map(|(id, name, code, at)| (id, code, name, at))
            .collect(),
        applications: crate::service::applications::list(&services, &actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.state != crate::service::applications::ApplicationState::Submitted || !a.mine)
            .map(|a| {
                let pending = a.state == crate::service::applications::ApplicationState::Awaiting && a.my_confirmation == Some(crate::service::applications::ConfirmationState::Pending);
                (a.id, a.flow_name.to_owned(), a.state.name(), a.mine, pending)
            })
            .collect(),
        agent: actor.roles.iter().any(|r| r == "agent"),
    };
    render(&page)
}

// ----- apply -----

/// The application form as typed (kept after an error or in a draft).
pub type ApplyForm = drafts::Fields;

/// A material on the apply form: `(code, name, required, files already uploaded, error)`.
type MaterialLine = (&'static str, &'static str, bool, Vec<FileView>, Option<String>);

/// Another party's row on the form.
pub struct OtherRow {
    i: usize,
    role: String,
    name: String,
    id: String,
    share: String,
    err_role: Option<String>,
    err_name: Option<String>,
    err_id: Option<String>,
    err_share: Option<String>,
}

/// A mortgagee's row on the form.
pub struct MortgageeRow {
    i: usize,
    name: String,
    id: String,
    err_name: Option<String>,
    err_id: Option<String>,
}

/// A particular (登记事项) on the form.
pub struct ParticularRow {
    key: &'static str,
    label: &'static str,
    /// text, date or choice.
    input: &'static str,
    options: Vec<(&'static str, &'static str)>,
    value: String,
    required: bool,
    hint: &'static str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyPage {
    chrome: Chrome,
    flow_code: &'static str,
    flow_name: &'static str,
    roles: Vec<(&'static str, &'static str)>,
    /// 双方共同申请: the others named confirm from their own accounts.
    joint: bool,
    /// Whether other parties may be named at all.
    needs_other: bool,
    others: Vec<OtherRow>,
    mortgagees: Vec<MortgageeRow>,
    co_ownership: Option<(bool, Vec<(&'static str, &'static str)>)>,
    particulars: Vec<ParticularRow>,
    /// The applicant's own units: `(unit number, label)`.
    units: Vec<(String, String)>,
    /// The rights he may act on: `(id, label)`, when the flow acts on one.
    rights: Option<Vec<(i64, String)>>,
    materials: Vec<MaterialLine>,
    draft_id: Option<i64>,
    /// An agent's usable authorisations: `(id, principal)`.
    authorisations: Vec<(i64, String)>,
    form: ApplyForm,
    errors: Errors,
    message: String,
    saved: bool,
}

fn role_code(r: ApplicantRole) -> &'static str {
    r.code()
}

#[allow(clippy::too_many_arguments)]
async fn apply_page(
    services: &Services,
    actor: &bdc_core::Actor,
    flow: &'static catalogue::Flow,
    draft_id: Option<i64>,
    form: ApplyForm,
    errors: Errors,
    more: std::collections::BTreeMap<String, String>,
    message: String,
) -> ApplyPage {
    use crate::service::applications::{self as apps, FieldKind};
    let spec = apps::form_of(flow);
    let roles: Vec<(&'static str, &'static str)> = flow.applicant_roles.iter().map(|r| (role_code(*r), r.name())).collect();
    let files = match draft_id {
        Some(id) => drafts::get(services, actor, id).await.map(|(_, _, f)| f).unwrap_or_default(),
        None => vec![],
    };
    let authorisations = if actor.roles.iter().any(|r| r == "agent") {
        crate::service::agency::mine(services, actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.usable)
            .map(|a| (a.authorisation.id, format!("{}（{}，{}）", a.principal_name, a.principal_id_masked, a.authorisation.matters)))
            .collect()
    } else {
        vec![]
    };
    let own = apps::my_units(services, actor, form.on_behalf).await.unwrap_or_default();
    let units = own.iter().map(|u| (u.unit_number.clone(), format!("{}（{}）", u.location, u.unit_number))).collect();
    let rights = spec.target.then(|| {
        own.iter()
            .flat_map(|u| {
                u.rights.iter().map(move |r| {
                    let cert = if r.certificate.is_empty() { String::new() } else { format!("，{}", r.certificate) };
                    (r.right_id, format!("{} · {}{}", u.location, r.kind_name, cert))
                })
            })
            .collect()
    });
    let mut listed = form.others.clone();
    if listed.is_empty() && !(form.other_name.is_empty() && form.other_id.is_empty()) {
        listed.push(crate::service::applications::OtherParty { role: form.other_role.clone(), name: form.other_name.clone(), id_number: form.other_id.clone(), share: String::new() });
    }
    let rows = if roles.len() > 1 { (listed.len() + 1).clamp(2, 8) } else { listed.len().clamp(1, 8) };
    let default_role = flow.applicant_roles.iter().find(|r| r.code() != form.my_role && **r != ApplicantRole::Agent).or(flow.applicant_roles.first()).map_or("right_holder", |r| r.code());
    let others = (0..rows)
        .map(|i| {
            let o = listed.get(i).cloned().unwrap_or_default();
            OtherRow {
                i,
                role: if o.role.is_empty() { default_role.to_owned() } else { o.role },
                name: o.name,
                id: o.id_number,
                share: o.share,
                err_role: more.get(&format!("others[{i}].role")).cloned(),
                err_name: more.get(&format!("others[{i}].name")).cloned(),
                err_id: more.get(&format!("others[{i}].id_number")).cloned(),
                err_share: more.get(&format!("others[{i}].share")).cloned(),
            }
        })
        .collect();
    let mortgagees = if spec.mortgagees {
        (0..form.mortgagees.len().max(1) + usize::from(!form.mortgagees.is_empty()))
            .map(|i| {
                let m = form.mortgagees.get(i).cloned().unwrap_or_default();
                MortgageeRow { i, name: m.name, id: m.id_number, err_name: more.get(&format!("mortgagees[{i}].name")).cloned(), err_id: more.get(&format!("mortgagees[{i}].id_number")).cloned() }
            })
            .collect()
    } else {
        vec![]
    };
    let particulars = spec
        .particulars
        .iter()
        .map(|p| {
            let (input, options) = match p.kind {
                FieldKind::Text | FieldKind::Amount => ("text", vec![]),
                FieldKind::Date => ("date", vec![]),
                FieldKind::Choice(o) => ("choice", o.to_vec()),
            };
            ParticularRow {
                key: p.key,
                label: p.label,
                input,
                options,
                value: form.attributes.get(p.key).cloned().unwrap_or_default(),
                required: p.required,
                hint: p.hint,
                error: more.get(p.key).cloned(),
            }
        })
        .collect();
    ApplyPage {
        chrome: Chrome::of(Some(actor), "portal"),
        flow_code: flow.code,
        flow_name: flow.name,
        joint: spec.joint,
        needs_other: roles.len() > 1,
        roles,
        others,
        mortgagees,
        co_ownership: spec.co_ownership.then(|| (spec.co_ownership_required, apps::CO_OWNERSHIP.to_vec())),
        particulars,
        units,
        rights,
        materials: flow
            .materials
            .iter()
            .map(|m| (m.code, m.name, m.required, files.iter().filter(|f| f.material_code == m.code).map(|f| FileView::of(f, Some(flow))).collect(), errors.get(m.code).cloned()))
            .collect(),
        draft_id,
        authorisations,
        form,
        errors,
        message,
        saved: false,
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct DraftQuery {
    #[serde(default)]
    draft: Option<i64>,
    #[serde(default)]
    saved: Option<u8>,
}

pub async fn apply_form(State(services): State<Services>, PageActor(actor): PageActor, PagePath(flow): PagePath<String>, axum::extract::Query(q): axum::extract::Query<DraftQuery>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(flow) = svc::flows_for(&actor).into_iter().find(|f| f.code == flow) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "业务不存在", "该业务不存在或您的账户不能在线办理。", "/portal");
    };
    let form = match q.draft {
        Some(id) => match drafts::get(&services, &actor, id).await {
            Ok((d, fields, _)) if d.flow_code == flow.code => fields,
            _ => return message(StatusCode::NOT_FOUND, Some(&actor), "草稿不存在", "该草稿不存在或已提交。", "/portal"),
        },
        None => {
            let first = flow.applicant_roles.first().map_or("right_holder", |r| role_code(*r));
            let second = flow.applicant_roles.get(1).map_or("obligor", |r| role_code(*r));
            let _ = second;
            ApplyForm { my_role: first.into(), my_share: "1".into(), ..ApplyForm::default() }
        }
    };
    let mut p = apply_page(&services, &actor, flow, q.draft, form, Errors::new(), Default::default(), String::new()).await;
    p.saved = q.saved.is_some();
    render(&p)
}

/// Puts a service error beside its fields on the apply form — every field it names, all at
/// once — and returns what has no field to stand beside, for above the form.
fn place_error(flow: &'static catalogue::Flow, e: ServiceError, errors: &mut Errors, more: &mut std::collections::BTreeMap<String, String>) -> String {
    match e {
        ServiceError::RuleBlocked { message, findings } => {
            let failing: Vec<String> = findings.iter().filter(|f| f.blocks()).map(|f| format!("{}（{}）", f.message, f.legal_basis)).collect();
            if failing.is_empty() {
                message
            } else {
                format!("登记机构的检查未通过：{}", failing.join("；"))
            }
        }
        e => {
            let particulars = crate::service::applications::form_of(flow).particulars;
            let mut unplaced = Vec::new();
            for (field, m) in e.field_messages() {
                let key: Option<&'static str> = match field {
                    "property" => Some("property"),
                    "on_behalf" => Some("on_behalf"),
                    "my_share" => Some("my_share"),
                    "my_role" => Some("my_role"),
                    "co_ownership" => Some("co_ownership"),
                    f => flow.materials.iter().find(|m| m.code == f).map(|m| m.code),
                };
                if let Some(k) = key {
                    errors.entry(k).or_insert_with(|| m.to_owned());
                    continue;
                }
                let keyed = match field {
                    "others" => Some("others[0].name".to_owned()),
                    "mortgagees" => Some("mortgagees[0].name".to_owned()),
                    f if f.starts_with("others[") || f.starts_with("mortgagees[") => Some(if f.contains('.') { f.to_owned() } else { format!("{f}.id_number") }),
                    f if particulars.iter().any(|p| p.key == f) => Some(f.to_owned()),
                    _ => None,
                };
                match keyed {
                    Some(k) => {
                        more.entry(k).or_insert_with(|| m.to_owned());
                    }
                    None => unplaced.push(m.to_owned()),
                }
            }
            if e.field_messages().is_empty() {
                unplaced.push(e.to_string());
            }
            unplaced.join("；")
        }
    }
}

/// The form as typed: numbered rows of other parties and mortgagees, particulars by key.
fn form_from(flow: &'static catalogue::Flow, sent: &bdc_http::forms::Submitted) -> ApplyForm {
    let mut others = Vec::new();
    for i in 0..8 {
        let (role, name, id, share) = (sent.get(&format!("other_role_{i}")), sent.get(&format!("other_name_{i}")), sent.get(&format!("other_id_{i}")), sent.get(&format!("other_share_{i}")));
        if name.trim().is_empty() && id.trim().is_empty() {
            continue;
        }
        others.push(crate::service::applications::OtherParty { role, name, id_number: id, share });
    }
    let mut mortgagees = Vec::new();
    for i in 0..4 {
        let (name, id) = (sent.get(&format!("mortgagee_name_{i}")), sent.get(&format!("mortgagee_id_{i}")));
        if name.trim().is_empty() && id.trim().is_empty() {
            continue;
        }
        mortgagees.push(crate::service::applications::NamedParty { name, id_number: id });
    }
    let mut attributes = std::collections::BTreeMap::new();
    for p in crate::service::applications::form_of(flow).particulars {
        let v = sent.get(&format!("attr_{}", p.key));
        if !v.trim().is_empty() {
            attributes.insert(p.key.to_owned(), v.trim().to_owned());
        }
    }
    let typed = sent.get("property");
    ApplyForm {
        property: if typed.trim().is_empty() { sent.get("unit_choice") } else { typed },
        my_role: sent.get("my_role"),
        my_share: sent.get("my_share"),
        on_behalf: sent.get("on_behalf").parse().ok(),
        others,
        mortgagees,
        co_ownership: sent.get("co_ownership"),
        attributes,
        target_right: sent.get("target_right").parse().ok(),
        ..ApplyForm::default()
    }
}

/// `POST /portal/apply/{flow}`: saves the form and its files as a draft (保存草稿), or submits
/// it (提交申请). Files are kept with the draft even when the submission needs correcting, so
/// nothing uploaded is lost.
pub async fn apply(State(services): State<Services>, PageActor(actor): PageActor, PagePath(flow): PagePath<String>, multipart: axum::extract::Multipart) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let sent = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return message(StatusCode::PAYLOAD_TOO_LARGE, Some(&actor), "无法提交", &e, &format!("/portal/apply/{flow}")),
    };
    if !csrf_ok(&actor, &sent.get("csrf")) {
        return bdc_http::page::expired(&actor, "/portal");
    }
    let Some(flow) = svc::flows_for(&actor).into_iter().find(|f| f.code == flow) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "业务不存在", "该业务不存在或您的账户不能在线办理。", "/portal");
    };
    let form = form_from(flow, &sent);
    let mut draft_id: Option<i64> = sent.get("draft_id").parse().ok();
    let mut errors = Errors::new();
    let mut more = std::collections::BTreeMap::new();
    let submit = sent.get("intent") != "draft";
    let fail = |p: ApplyPage| {
        let mut r = render(&p);
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    match drafts::save(&services, &actor, draft_id, flow.code, &form, &sent.uploads("file_")).await {
        Ok(id) => draft_id = Some(id),
        Err(e) => {
            let m = place_error(flow, e, &mut errors, &mut more);
            return fail(apply_page(&services, &actor, flow, draft_id, form, errors, more, m).await);
        }
    }
    let Some(id) = draft_id else { return redirect("/portal") };
    if !submit {
        return redirect(&format!("/portal/apply/{}?draft={id}&saved=1", flow.code));
    }
    match drafts::submit(&services, &actor, id).await {
        Ok(applied) => match applied.case {
            Some(case) => redirect(&format!("/portal/cases/{}?submitted=1", case.id)),
            None => redirect(&format!("/portal/applications/{}", applied.application.id)),
        },
        Err(e) => {
            let m = place_error(flow, e, &mut errors, &mut more);
            let m = match errors.len() + more.len() {
                _ if !m.is_empty() => m,
                0 | 1 => "申请尚未提交：请按提示修改（已上传的材料已保存在草稿中）。".to_owned(),
                n => format!("申请尚未提交：共有 {n} 处需要修改，请按各项提示修改（已上传的材料已保存在草稿中）。"),
            };
            fail(apply_page(&services, &actor, flow, draft_id, form, errors, more, m).await)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DraftFileForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /portal/drafts/{id}/files/{file}/remove`: takes a file back out of a draft.
pub async fn remove_draft_file(State(services): State<Services>, PageActor(actor): PageActor, PagePath((id, file)): PagePath<(i64, i64)>, PageForm(f): PageForm<DraftFileForm>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, "/portal");
    }
    match drafts::get(&services, &actor, id).await {
        Ok((d, _, _)) => match drafts::remove_file(&services, &actor, id, file).await {
            Ok(()) => redirect(&format!("/portal/apply/{}?draft={id}", d.flow_code)),
            Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "文件不存在", &e.to_string(), "/portal"),
        },
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "草稿不存在", &e.to_string(), "/portal"),
    }
}

#[derive(Template)]
#[template(path = "draft_delete.html")]
pub struct DraftDeletePage {
    chrome: Chrome,
    id: i64,
    flow: String,
    saved_at: String,
    files: usize,
}

/// `GET /portal/drafts/{id}/delete`: asks before a draft and its files are gone for good.
pub async fn confirm_delete_draft(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match drafts::get(&services, &actor, id).await {
        Ok((draft, _, files)) => {
            render(&DraftDeletePage { chrome: Chrome::of(Some(&actor), "portal"), id, flow: flow_name(&draft.flow_code), saved_at: super::beijing(&draft.updated_at), files: files.len() })
        }
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "草稿不存在", &e.to_string(), "/portal"),
    }
}

/// `POST /portal/drafts/{id}/delete` (after [`confirm_delete_draft`]).
pub async fn delete_draft(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<DraftFileForm>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, "/portal");
    }
    match drafts::discard(&services, &actor, id).await {
        Ok(()) => redirect("/portal"),
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "草稿不存在", &e.to_string(), "/portal"),
    }
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
    /// 办理记录: `(time, step, who — 申请人 or 登记机构, note)`.
    events: Vec<(String, &'static str, &'static str, String)>,
    id: i64,
    files: Vec<FileView>,
    /// `(code, name)` of the flow's materials, for 补正 uploads.
    material_codes: Vec<(&'static str, &'static str)>,
    can_upload: bool,
    /// `(number, kind, url-safe number)`.
    results: Vec<(String, String, String)>,
    error: String,
    /// Just submitted (提交成功): the 业务号 and what happens next are confirmed above the case.
    submitted: bool,
    /// 撤回申请 is offered: the applicant submitted it and it still waits for 受理.
    can_withdraw: bool,
    /// Just withdrawn (撤回成功): confirmed above the case.
    withdrawn: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmittedQuery {
    #[serde(default)]
    submitted: String,
    #[serde(default)]
    withdrawn: String,
}

/// The progress steps (办理进度) and where the case stands: the step it waits in is current — a
/// submitted case waits for 受理; a 补正, 退件, 撤回 or 中止 shows in place of the step it happened
/// at, so the applicant sees what is asked of him.
fn steps_of(state: CaseState) -> Vec<(&'static str, bool, bool)> {
    let mut order = ["申请", "受理", "审核", "登簿", "缮证", "发证"];
    let at = match state {
        CaseState::Intake => 1,
        CaseState::Correction => {
            order[1] = "补正";
            1
        }
        CaseState::Returned => {
            order[1] = "退件";
            1
        }
        CaseState::Withdrawn => {
            order[1] = "已撤回";
            1
        }
        CaseState::Suspended => {
            order[2] = "中止";
            2
        }
        CaseState::Review => 2,
        CaseState::Register => 3,
        CaseState::Certify => 4,
        CaseState::Issue => 5,
        CaseState::Archive | CaseState::Archived => 6,
    };
    order.iter().enumerate().map(|(i, l)| (*l, i < at, i == at)).collect()
}

pub async fn my_case(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, axum::extract::Query(q): axum::extract::Query<SubmittedQuery>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    my_case_page_with(&services, &actor, id, String::new(), q.submitted == "1", q.withdrawn == "1").await
}

/// `POST /portal/cases/{id}/files`: materials handed in for a 补正 (or before 受理).
pub async fn add_case_files(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, multipart: axum::extract::Multipart) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return my_case_page(&services, &actor, id, e).await,
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return bdc_http::page::expired(&actor, &format!("/portal/cases/{id}"));
    }
    let uploads = form.uploads_for_chosen_material("file", "material");
    if uploads.is_empty() {
        return my_case_page(&services, &actor, id, "请选择要上传的文件".into()).await;
    }
    match bdc_registry::register_api::materials::add_to_case(&services, &actor, id, &uploads).await {
        Ok(_) => redirect(&format!("/portal/cases/{id}")),
        Err(e) => {
            let mut r = my_case_page(&services, &actor, id, e.to_string()).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

async fn my_case_page(services: &Services, actor: &bdc_core::Actor, id: i64, error_text: String) -> Response {
    my_case_page_with(services, actor, id, error_text, false, false).await
}

async fn my_case_page_with(services: &Services, actor: &bdc_core::Actor, id: i64, error_text: String, submitted: bool, withdrawn: bool) -> Response {
    let (case, events) = match svc::my_case(services, actor, id).await {
        Ok(x) => x,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(actor), "办件不存在", &e.to_string(), "/portal"),
    };
    let notice = match case.state {
        CaseState::Correction | CaseState::Returned => events.iter().rev().find(|e| e.event.to == case.state).map(|e| format!("{}：{}", case.state.name(), e.event.reason)).unwrap_or_default(),
        _ => String::new(),
    };
    let flow = catalogue::flow(&case.flow_code);
    let files = bdc_registry::register_api::materials::case_files(services, actor, case.id).await.unwrap_or_default();
    let results = svc::case_result(services, actor, case.id).await.unwrap_or_default();
    let page = MyCasePage {
        id: case.id,
        files: files.iter().map(|f| FileView::of(f, flow)).collect(),
        material_codes: flow.map(|f| f.materials.iter().map(|m| (m.code, m.name)).collect()).unwrap_or_default(),
        can_upload: matches!(case.state, CaseState::Intake | CaseState::Correction),
        results: results.into_iter().map(|(n, k)| (bdc_http::forms::urlencode(&n), n, k)).map(|(u, n, k)| (n, k, u)).collect(),
        error: error_text,
        submitted,
        can_withdraw: crate::service::applications::case_withdrawable(services, actor, case.id).await.unwrap_or(false),
        withdrawn: withdrawn && case.state == CaseState::Withdrawn,
        chrome: Chrome::of(Some(actor), "portal"),
        number: case.case_number.clone(),
        flow: flow_name(&case.flow_code),
        state: case.state.name().into(),
        accepted_on: case.accepted_on.to_string(),
        deadline: case.deadline.to_string(),
        steps: steps_of(case.state),
        notice,
        events: events.into_iter().map(|e| (super::beijing(&e.event.at), e.step, e.hand.public_view(), e.event.reason)).collect(),
    };
    render(&page)
}

// ----- certificate download -----

pub async fn my_certificate(State(services): State<Services>, PageActor(actor): PageActor, PagePath(number): PagePath<String>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // His own, or the results of his own applications (an agent's principal's certificate).
    if !svc::may_download_certificate(&services, &actor, &number).await.unwrap_or(false) {
        return message(StatusCode::NOT_FOUND, Some(&actor), "证书不存在", "未找到您名下的该证书。", "/portal");
    }
    pdf_response(&services, Some(&actor), &number, "/portal", bdc_registry::pages::files::Shown::Download).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current(state: CaseState) -> (&'static str, usize) {
        let steps = steps_of(state);
        let done = steps.iter().filter(|s| s.1).count();
        (steps.iter().find(|s| s.2).map_or("", |s| s.0), done)
    }

    #[test]
    fn progress_shows_the_step_the_case_waits_in() {
        assert_eq!(current(CaseState::Intake), ("受理", 1), "submitted: 申请 done, waiting for 受理");
        assert_eq!(current(CaseState::Correction), ("补正", 1));
        assert_eq!(current(CaseState::Returned), ("退件", 1));
        assert_eq!(current(CaseState::Withdrawn), ("已撤回", 1));
        assert_eq!(current(CaseState::Review), ("审核", 2));
        assert_eq!(current(CaseState::Suspended), ("中止", 2));
        assert_eq!(current(CaseState::Issue), ("发证", 5));
        assert_eq!(current(CaseState::Archived), ("", 6), "finished: every step done");
    }
}
