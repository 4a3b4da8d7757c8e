//! 窗口受理 — counter intake of any catalogue flow: find the units (by 不动产单元号, certificate
//! number, 坐落 or owner), name the parties with live ID validation, tick and scan the flow's
//! materials, see the restriction findings (预检) before accepting, then 受理: the case is
//! opened, its scans stored, and it moves on to 审核.

use askama::Template;
use axum::extract::multipart::Multipart;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::domain::catalogue::{self, ApplicantRole, Channel, Flow};
use crate::domain::rules::Finding;
use crate::service::cases::{self, OpenCase, RequestDoc};
use crate::service::materials;
use crate::service::registry::UnitFilter;
use crate::service::registry::{self, NewParty};
use bdc_core::access::Permission;
use bdc_core::ids::{CitizenId, CreditCode};
use bdc_core::{Actor, ServiceError};
use bdc_db::PageRequest;

use super::{csrf_ok, message, redirect, render, Chrome, Errors, PageActor};
use crate::Services;
use bdc_http::forms::Submitted;

/// Rows of applicants on the form.
const ROWS: usize = 4;

fn intake_clerk(actor: Option<Actor>) -> Result<Actor, Response> {
    match actor {
        Some(a) if a.realm == bdc_core::access::Realm::Staff && a.can(Permission::CaseIntake) => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "没有权限", "窗口受理需要“受理”权限。", "/workbench")),
        None => Err(redirect(bdc_http::page::STAFF_LOGIN)),
    }
}

fn role_code(r: ApplicantRole) -> &'static str {
    match r {
        ApplicantRole::RightHolder => "right_holder",
        ApplicantRole::Obligor => "obligor",
        ApplicantRole::Agent => "agent",
    }
}

/// The channel a counter application goes through: the counter where the flow has it, else the
/// flow's own (a 受办分离 or online flow taken at the window for the applicant).
/// The flows taken at the counter (窗口业务): an online flow (个人、企业、银行…) is applied for in
/// its own channel, and a case taken here is recorded as 窗口 — never as another channel.
fn counter_flow(code: &str) -> Option<&'static Flow> {
    catalogue::flow(code).filter(|f| f.channels.contains(&Channel::Counter))
}

/// One applicant row as typed, with the errors beside its fields.
#[derive(Debug, Clone, Default)]
pub struct PartyRow {
    pub name_error: Option<String>,
    pub id_error: Option<String>,
    pub role: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub share: String,
}

/// A unit offered or chosen: `(id, 不动产单元号, 坐落, chosen)`.
pub type UnitChoice = (i64, String, String, bool);

#[derive(Template)]
#[template(path = "intake.html")]
pub struct IntakePage {
    chrome: Chrome,
    /// `(group, [(code, name)])`.
    groups: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
    flow: Option<&'static Flow>,
    roles: Vec<(&'static str, &'static str)>,
    q: String,
    by: String,
    units: Vec<UnitChoice>,
    parties: Vec<PartyRow>,
    /// `(code, name, required, received, error)`.
    materials: Vec<(&'static str, &'static str, bool, bool, Option<String>)>,
    findings: Vec<FindingRow>,
    errors: Errors,
    message: String,
    /// How many flows the counter offers (the whole catalogue).
    flow_count: usize,
}

/// A rule finding as shown: `(rule, outcome, css class, message, legal basis)`.
pub struct FindingRow {
    rule: String,
    outcome: &'static str,
    class: &'static str,
    message: String,
    basis: String,
}

fn finding_rows(findings: &[Finding]) -> Vec<FindingRow> {
    findings
        .iter()
        .map(|f| FindingRow {
            rule: f.rule_name.clone(),
            outcome: if f.passed {
                "通过"
            } else if f.blocks() {
                "阻断"
            } else {
                "提示"
            },
            class: if f.passed {
                "badge--success"
            } else if f.blocks() {
                "badge--danger"
            } else {
                "badge--warning"
            },
            message: f.message.clone(),
            basis: f.legal_basis.clone(),
        })
        .collect()
}

fn groups() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut out: Vec<(&'static str, Vec<(&'static str, &'static str)>)> = Vec::new();
    for f in catalogue::flows().iter().filter(|f| f.channels.contains(&Channel::Counter)) {
        match out.iter_mut().find(|(g, _)| *g == f.group) {
            Some((_, v)) => v.push((f.code, f.name)),
            None => out.push((f.group, vec![(f.code, f.name)])),
        }
    }
    out
}

fn page(actor: &Actor, flow: Option<&'static Flow>) -> IntakePage {
    let roles: Vec<(&'static str, &'static str)> = flow.map(|f| f.applicant_roles.iter().map(|r| (role_code(*r), r.name())).collect()).unwrap_or_default();
    let mut parties = vec![PartyRow { id_type: "1".into(), share: "1".into(), ..PartyRow::default() }; ROWS];
    for (row, (code, _)) in parties.iter_mut().zip(roles.iter()) {
        row.role = (*code).into();
    }
    IntakePage {
        flow_count: catalogue::flows().iter().filter(|f| f.channels.contains(&Channel::Counter)).count(),
        chrome: Chrome::of(Some(actor), "intake"),
        groups: groups(),
        flow,
        materials: flow.map(|f| f.materials.iter().map(|m| (m.code, m.name, m.required, false, None)).collect()).unwrap_or_default(),
        roles,
        q: String::new(),
        by: "unit".into(),
        units: Vec::new(),
        parties,
        findings: Vec::new(),
        errors: Errors::new(),
        message: String::new(),
    }
}

#[derive(Debug, Deserialize)]
pub struct FlowQuery {
    #[serde(default)]
    flow: String,
}

/// `GET /workbench/intake[?flow=CODE]`: choose the flow, then the full form.
pub async fn form(PageActor(actor): PageActor, Query(q): Query<FlowQuery>) -> Response {
    let actor = match intake_clerk(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let flow = counter_flow(&q.flow);
    let mut p = page(&actor, flow);
    if !q.flow.is_empty() && flow.is_none() {
        p.errors.insert("flow", "请选择业务目录中的窗口业务".into());
    }
    render(&p)
}

#[derive(Debug, Deserialize)]
pub struct UnitQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    by: String,
    /// The page of results, from 1 (更多 asks for the next).
    #[serde(default)]
    page: Option<u32>,
}

/// Results per page of the counter's unit search.
const UNITS_PER_PAGE: u32 = 20;

/// Finds units by what the applicant brought, a page at a time: `(id, number, 坐落)` and whether
/// more follow.
async fn find_units(services: &Services, actor: &Actor, q: &str, by: &str, page: u32) -> Result<(Vec<(i64, String, String)>, bool), String> {
    let q = q.trim();
    if q.is_empty() {
        return Err("请输入查找内容".into());
    }
    let page = PageRequest { page: page.max(1), per_page: UNITS_PER_PAGE };
    let mut filters = Vec::new();
    match by {
        "certificate" => filters.push(UnitFilter { certificate: Some(bdc_core::ids::CertificateNumber::typed(q)), ..UnitFilter::default() }),
        "location" => filters.push(UnitFilter { location: Some(q.to_owned()), ..UnitFilter::default() }),
        "owner" => {
            // By the owner's ID number when it looks like one, else by exact name.
            let ids: Vec<i64> = if q.len() == 18 {
                registry::find_parties(services, actor, q).await.map_err(|e| e.to_string())?.into_iter().map(|p| p.id).collect()
            } else {
                registry::find_parties_named(services, actor, q).await.map_err(|e| e.to_string())?
            };
            for id in ids.into_iter().take(10) {
                filters.push(UnitFilter { holder: Some(id), ..UnitFilter::default() });
            }
        }
        _ => filters.push(UnitFilter { unit_number: Some(q.to_owned()), ..UnitFilter::default() }),
    }
    let mut out: Vec<(i64, String, String)> = Vec::new();
    let mut more = false;
    for f in filters {
        let found = registry::search_units(services, actor, f, page).await.map_err(|e| e.to_string())?;
        more |= found.total > i64::from(page.page) * i64::from(page.per_page);
        for u in found.items {
            if !out.iter().any(|x| x.0 == u.id) {
                out.push((u.id, u.unit_number, u.location));
            }
        }
    }
    Ok((out, more))
}

#[derive(Template)]
#[template(path = "intake_units.html")]
pub struct UnitsFragment {
    units: Vec<UnitChoice>,
    error: String,
    /// The address of the next page (更多), when there is one.
    next: Option<String>,
}

/// `GET /workbench/intake/units?q=&by=`: the search results, as a fragment for htmx.
pub async fn units(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<UnitQuery>) -> Response {
    let actor = match intake_clerk(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let page = q.page.unwrap_or(1).max(1);
    let frag = match find_units(&services, &actor, &q.q, &q.by, page).await {
        Ok((v, _)) if v.is_empty() && page == 1 => UnitsFragment { units: vec![], error: "未找到符合条件的不动产单元".into(), next: None },
        Ok((v, more)) => UnitsFragment {
            units: v.into_iter().map(|(id, n, l)| (id, n, l, false)).collect(),
            error: String::new(),
            next: more.then(|| format!("/workbench/intake/units?q={}&by={}&page={}", bdc_http::forms::urlencode(q.q.trim()), bdc_http::forms::urlencode(&q.by), page + 1)),
        },
        Err(e) => UnitsFragment { units: vec![], error: e, next: None },
    };
    render(&frag)
}

#[derive(Debug, Deserialize)]
pub struct RowQuery {
    #[serde(default)]
    row: usize,
}

/// What an ID number tells, or what is wrong with it (GB 11643 / GB 32100), for the live check.
fn id_verdict(id_type: &str, id: &str) -> Result<String, String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(String::new());
    }
    match id_type {
        "1" => CitizenId::parse(id).map(|c| format!("身份证号有效：{}，{} 出生", if c.is_male() { "男" } else { "女" }, c.birth_date().format("%Y年%m月%d日"))).map_err(|e| e.to_string()),
        "8" => CreditCode::parse(id).map(|_| "统一社会信用代码有效".to_owned()).map_err(|e| e.to_string()),
        _ => Ok("已填写（该证件种类不作校验位检查）".to_owned()),
    }
}

/// `POST /workbench/intake/check-id?row=N`: live validation of one applicant's ID number, and
/// whether the register already knows that person under the same name.
pub async fn check_id(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<RowQuery>, multipart: Multipart) -> Response {
    let actor = match intake_clerk(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = bdc_http::forms::read(multipart).await.unwrap_or_default();
    let (id_type, id, name) = (form.get(&format!("id_type_{}", q.row)), form.get(&format!("id_number_{}", q.row)), form.get(&format!("name_{}", q.row)));
    let html = match id_verdict(&id_type, &id) {
        Err(e) if e.is_empty() => String::new(),
        Err(e) => format!(r#"<span class="field-error" role="alert">{}</span>"#, askama_escape(&e)),
        Ok(ok) => {
            let known = registry::find_parties(&services, &actor, id.trim()).await.unwrap_or_default();
            let note = match known.first() {
                Some(p) if !name.trim().is_empty() && p.name != name.trim() => {
                    format!(r#"<span class="field-error" role="alert">登记簿中该证件号码的名称为“{}”，与所填姓名不一致</span>"#, askama_escape(&p.name))
                }
                Some(p) => format!("；登记簿中已有：{}", askama_escape(&p.name)),
                None => String::new(),
            };
            format!(r#"<span class="id-ok">✓ {}</span>{note}"#, askama_escape(&ok))
        }
    };
    Html(html).into_response()
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The form as submitted, read back into the page so nothing typed is lost.
fn refill(p: &mut IntakePage, form: &Submitted) {
    p.q = form.get("q");
    p.by = form.get("by");
    let chosen = form.all("unit_ids");
    // Chosen units come back with their labels (hidden `unit_label_{id}` fields).
    p.units = chosen
        .iter()
        .filter_map(|v| v.parse::<i64>().ok())
        .map(|id| {
            let label = form.get(&format!("unit_label_{id}"));
            let (n, l) = label.split_once('|').map_or((label.clone(), String::new()), |(a, b)| (a.to_owned(), b.to_owned()));
            (id, n, l, true)
        })
        .collect();
    for (i, row) in p.parties.iter_mut().enumerate() {
        row.role = form.get(&format!("role_{i}"));
        row.name = form.get(&format!("name_{i}"));
        row.id_type = form.get(&format!("id_type_{i}"));
        row.id_number = form.get(&format!("id_number_{i}"));
        row.share = form.get(&format!("share_{i}"));
    }
    let received = form.all("received");
    for m in &mut p.materials {
        m.3 = received.iter().any(|r| r == m.0);
    }
}

/// How far the form is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// 预检: units and parties only (materials do not stop a rule check); parties looked up.
    Precheck,
    /// 受理, first pass: everything checked, nothing written.
    Check,
    /// 受理, second pass: the parties recorded.
    Record,
}

/// The application the form describes, or None with the errors by field.
async fn application(services: &Services, actor: &Actor, flow: &'static Flow, form: &Submitted, reading: Reading, errors: &mut Errors) -> Option<OpenCase> {
    let record = reading == Reading::Record;
    let unit_ids: Vec<i64> = form.all("unit_ids").iter().filter_map(|v| v.parse().ok()).collect();
    if unit_ids.is_empty() {
        errors.insert("units", "请查找并勾选本次申请的不动产单元".into());
    }
    let mut applicants = Vec::new();
    for i in 0..ROWS {
        let (name, id) = (form.get(&format!("name_{i}")), form.get(&format!("id_number_{i}")));
        if name.trim().is_empty() && id.trim().is_empty() {
            continue;
        }
        let id_type = form.get(&format!("id_type_{i}"));
        if name.trim().is_empty() {
            errors.insert(ROW_NAME[i], "请填写姓名或名称".into());
            continue;
        }
        if let Err(e) = id_verdict(&id_type, &id) {
            errors.insert(ROW_ID[i], if e.is_empty() { "请填写证件号码".into() } else { e });
            continue;
        }
        let kind = if id_type == "8" { "enterprise" } else { "person" };
        let share = form.get(&format!("share_{i}"));
        let share = if share.trim().is_empty() { "1".to_owned() } else { share.trim().to_owned() };
        let party_id = if record {
            match registry::record_party(services, actor, NewParty { kind: kind.into(), name: name.trim().into(), id_type: id_type.clone(), id_number: id.trim().into() }).await {
                Ok(p) if p.name != name.trim() => {
                    errors.insert(ROW_NAME[i], format!("登记簿中该证件号码的名称为“{}”，与所填姓名不一致", p.name));
                    continue;
                }
                Ok(p) => p.id,
                Err(ServiceError::Conflict { code: "party_name_differs", message }) => {
                    errors.insert(ROW_NAME[i], message);
                    continue;
                }
                Err(e) => {
                    errors.insert(ROW_ID[i], e.to_string());
                    continue;
                }
            }
        } else {
            // A person not yet in the register cannot hold anything on the unit: a stand-in id
            // lets the rules say so without writing the party.
            registry::find_parties(services, actor, id.trim()).await.ok().and_then(|v| v.first().map(|p| p.id)).unwrap_or(-(i as i64) - 1)
        };
        applicants.push((party_id, form.get(&format!("role_{i}")), share));
    }
    if applicants.is_empty() {
        errors.insert(ROW_NAME[0], "请至少填写一位申请人".into());
    }
    let uploads = if reading == Reading::Precheck { Vec::new() } else { form.uploads("file_") };
    let received = form.all("received");
    for m in flow.required_materials().filter(|_| reading != Reading::Precheck) {
        if !received.iter().any(|r| r == m.code) && !uploads.iter().any(|u| u.material_code == m.code) {
            errors.insert(m.code, format!("必交材料“{}”未收取：请勾选已收取或上传扫描件", m.name));
        }
    }
    for u in &uploads {
        if let Err(e) = materials::check_material(flow, &u.material_code).and_then(|()| materials::check(u).map(|_| ())) {
            let key = flow.materials.iter().find(|m| m.code == u.material_code).map_or("materials", |m| m.code);
            errors.insert(key, format!("{e}（请重新选择文件）"));
        }
    }
    if !errors.is_empty() {
        return None;
    }
    let mut provided: Vec<String> = received;
    for u in &uploads {
        if !provided.contains(&u.material_code) {
            provided.push(u.material_code.clone());
        }
    }
    Some(OpenCase { flow_code: flow.code.into(), unit_ids, applicants, channel: Channel::Counter.code().into(), request: RequestDoc { materials: provided, ..RequestDoc::default() } })
}

const ROW_NAME: [&str; ROWS] = ["name_0", "name_1", "name_2", "name_3"];
const ROW_ID: [&str; ROWS] = ["id_number_0", "id_number_1", "id_number_2", "id_number_3"];

#[derive(Template)]
#[template(path = "intake_findings.html")]
pub struct FindingsFragment {
    findings: Vec<FindingRow>,
    errors: Vec<String>,
    blocked: bool,
}

/// `POST /workbench/intake/precheck`: the restriction findings for the application as it
/// stands, before anything is accepted (a fragment for htmx).
pub async fn precheck(State(services): State<Services>, PageActor(actor): PageActor, multipart: Multipart) -> Response {
    let actor = match intake_clerk(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return render(&FindingsFragment { findings: vec![], errors: vec![e], blocked: false }),
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return render(&FindingsFragment { findings: vec![], errors: vec!["页面已过期，请刷新后重试".into()], blocked: false });
    }
    let Some(flow) = counter_flow(&form.get("flow")) else {
        return render(&FindingsFragment { findings: vec![], errors: vec!["请选择业务".into()], blocked: false });
    };
    let mut errors = Errors::new();
    let app = application(&services, &actor, flow, &form, Reading::Precheck, &mut errors).await;
    let errors_shown: Vec<String> = errors.into_values().collect();
    let Some(app) = app else { return render(&FindingsFragment { findings: vec![], errors: errors_shown, blocked: false }) };
    match cases::precheck(&services, &actor, &app).await {
        Ok(f) => render(&FindingsFragment { blocked: f.iter().any(Finding::blocks), findings: finding_rows(&f), errors: vec![] }),
        Err(e) => render(&FindingsFragment { findings: vec![], errors: vec![e.to_string()], blocked: false }),
    }
}

/// `POST /workbench/intake`: 受理 — open the case with its scans and send it on to 审核.
pub async fn accept(State(services): State<Services>, PageActor(actor): PageActor, multipart: Multipart) -> Response {
    let actor = match intake_clerk(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return message(StatusCode::PAYLOAD_TOO_LARGE, Some(&actor), "无法受理", &e, "/workbench/intake"),
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return bdc_http::page::expired(&actor, "/workbench/intake");
    }
    let Some(flow) = counter_flow(&form.get("flow")) else { return redirect("/workbench/intake") };
    let mut p = page(&actor, Some(flow));
    refill(&mut p, &form);
    // Everything is checked before a party is recorded, so a refused form writes nothing.
    let mut errors = Errors::new();
    let checked = application(&services, &actor, flow, &form, Reading::Check, &mut errors).await;
    let app = match checked {
        Some(_) => application(&services, &actor, flow, &form, Reading::Record, &mut errors).await,
        None => None,
    };
    let Some(app) = app else {
        place_errors(&mut p, errors);
        p.message = "申请信息不完整，请按提示补充后再受理。".into();
        return unprocessable(&p);
    };
    let uploads = form.uploads("file_");
    let opened = match cases::open_case(&services, &actor, app).await {
        Ok(o) => o,
        Err(ServiceError::RuleBlocked { message, findings }) => {
            p.findings = finding_rows(&findings);
            p.message = format!("{message}。不予受理。");
            return unprocessable(&p);
        }
        Err(e) => {
            p.message = e.to_string();
            return unprocessable(&p);
        }
    };
    let id = opened.case.id;
    if !uploads.is_empty() {
        if let Err(e) = materials::add_to_case(&services, &actor, id, &uploads).await {
            tracing::error!(case = id, error = %e, "materials not stored");
            return message(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(&actor),
                "扫描件未保存",
                &format!("业务 {} 已创建，但扫描件未能保存：{e}。请在业务页面重新上传。", opened.case.case_number),
                &format!("/workbench/cases/{id}"),
            );
        }
    }
    match cases::act(&services, &actor, id, "submit", "窗口受理").await {
        Ok(_) => redirect(&format!("/workbench/cases/{id}")),
        Err(e) => {
            message(StatusCode::UNPROCESSABLE_ENTITY, Some(&actor), "已登记，尚未受理", &format!("业务 {} 已创建，但未能转入审核：{e}", opened.case.case_number), &format!("/workbench/cases/{id}"))
        }
    }
}

/// Puts each field error beside its field (applicant rows, materials).
fn place_errors(p: &mut IntakePage, errors: Errors) {
    for (i, row) in p.parties.iter_mut().enumerate() {
        row.name_error = errors.get(ROW_NAME[i]).cloned();
        row.id_error = errors.get(ROW_ID[i]).cloned();
    }
    for m in &mut p.materials {
        m.4 = errors.get(m.0).cloned();
    }
    p.errors = errors;
}

fn unprocessable(p: &IntakePage) -> Response {
    let mut r = render(p);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}
