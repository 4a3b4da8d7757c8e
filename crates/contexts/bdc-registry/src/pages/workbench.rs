//! 工作台 — the staff workbench: open cases by state with working days left (overdue in red),
//! a case with its rule findings, review report and the actions the user may take (受理, 审核,
//! 补正, 退件, 登簿, 缮证 with certificate preview, 发证, 归档), and a unit's register book.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use crate::domain::catalogue;
use crate::service::cases::{self, TRANSITIONS};
use crate::service::cases::{CaseFilter, CaseState};
use bdc_core::access::Permission;
use bdc_core::Actor;
use bdc_db::PageRequest;

use super::files::{pdf_response, FileView};
use super::{csrf_ok, message, redirect, render, Chrome, PageActor};
use crate::Services;
use bdc_http::forms::urlencode;

fn staff_only(actor: Option<Actor>) -> Result<Actor, Response> {
    bdc_http::page::staff_with(actor, Permission::CaseRead)
}

pub struct TaskRow {
    id: i64,
    number: String,
    flow: String,
    channel: String,
    accepted_on: String,
    days_left: i64,
}

#[derive(Template)]
#[template(path = "workbench.html")]
pub struct TasksPage {
    chrome: Chrome,
    open: usize,
    overdue: usize,
    online: usize,
    groups: Vec<(&'static str, Vec<TaskRow>)>,
    /// Years whose 调休 are not entered (calendar administrators only).
    missing_arrangements: Vec<i32>,
}

fn channel_name(code: &str) -> &'static str {
    match code {
        "counter" => "窗口",
        "individual" => "网上（个人）",
        "enterprise" => "网上（企业）",
        "bank" => "网上（银行）",
        "developer" => "网上（开发企业）",
        "housing_authority" => "住建",
        "accept_elsewhere" => "受办分离",
        "court" => "法院网络查控",
        _ => "其他",
    }
}

/// My tasks: open cases grouped by state, with working days left against the deadline.
pub async fn tasks(State(services): State<Services>, PageActor(actor): PageActor) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let cal = match crate::service::calendar::load(&services).await {
        Ok(c) => c,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "无法加载", &e.to_string(), "/workbench"),
    };
    let today = cases::today();
    let mut groups = Vec::new();
    let (mut open, mut overdue, mut online) = (0, 0, 0);
    for st in CaseState::WORKING {
        let f = CaseFilter { states: vec![st], ..CaseFilter::default() };
        let Ok(page) = cases::list_cases(&services, &actor, f, PageRequest { page: 1, per_page: 200 }).await else { continue };
        let rows: Vec<TaskRow> = page
            .items
            .into_iter()
            .map(|c| {
                let days_left = cal.working_days_between(today, c.deadline);
                TaskRow {
                    id: c.id,
                    flow: catalogue::flow(&c.flow_code).map_or_else(|| c.flow_code.clone(), |f| f.name.to_owned()),
                    channel: channel_name(&c.channel).into(),
                    accepted_on: c.accepted_on.to_string(),
                    number: c.case_number,
                    days_left,
                }
            })
            .collect();
        open += rows.len();
        overdue += rows.iter().filter(|r| r.days_left < 0).count();
        if st == CaseState::Intake {
            online += rows.iter().filter(|r| r.channel.starts_with("网上")).count();
        }
        if !rows.is_empty() {
            groups.push((st.name(), rows));
        }
    }
    let missing_arrangements = super::missing_arrangements(&services, &actor).await;
    render(&TasksPage { chrome: Chrome::of(Some(&actor), "tasks"), open, overdue, online, groups, missing_arrangements })
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    chrome: Chrome,
    id: i64,
    number: String,
    flow: String,
    state: String,
    channel: String,
    accepted_on: String,
    deadline: String,
    overdue: bool,
    applicants: String,
    units: Vec<(i64, String)>,
    /// `(stage, rule, outcome, message, legal basis)`.
    findings: Vec<(String, String, String, String, String)>,
    /// The flow's materials with the files handed in: `(name, required, ticked, files)`.
    materials: Vec<(&'static str, bool, bool, Vec<FileView>)>,
    /// Every file for the in-page viewer: `(material name, file)`.
    viewers: Vec<(&'static str, FileView)>,
    /// Whether the user may add scans now (受理 permission, case still before 登簿).
    can_upload: bool,
    /// The authorisation an agent applied under: `(principal, matters, valid until, document id)`.
    authorisation: Option<(String, String, String, i64)>,
    /// The co-applicants' online confirmations kept with the case (网上共同申请确认, the online
    /// equivalent of signing the 申请书): `(name, roles, answer, when)`.
    confirmations: Vec<(String, String, String, String)>,
    /// `(code, name)` for the upload form.
    material_codes: Vec<(&'static str, &'static str)>,
    report: String,
    /// `(certificate number, its address-encoded form)` for 缮证预览.
    certificates: Vec<(String, String)>,
    /// What the last action did (操作成功), shown above the case.
    notice: String,
    /// `(action, label, dangerous)`.
    actions: Vec<(&'static str, &'static str, bool)>,
    /// 发证's own form, when the case waits for it and the user may issue.
    issue_form: Option<IssueForm>,
    /// What 发证 recorded: who received which certificate with which 印制号.
    issued: Vec<IssuedRow>,
    /// 办理记录: `(time, step, who by name, note)`.
    events: Vec<(String, &'static str, String, String)>,
    message: String,
}

/// The 发证 form: the receiver's fields and one 证书印制号 per certificate, with what was typed
/// and the problems beside their fields after a refusal.
#[derive(Default)]
pub struct IssueForm {
    recipient_name: String,
    id_kind: String,
    id_number: String,
    relation: String,
    errors: super::Errors,
    /// `(index, certificate number, 印制号 typed, its problem)`.
    serials: Vec<(usize, String, String, String)>,
    /// `(code, name)` of the 证件类型 and 与权利人关系 choices.
    id_kinds: Vec<(&'static str, &'static str)>,
    relations: Vec<(&'static str, &'static str)>,
}

/// One certificate handed over, as the case page lists it.
pub struct IssuedRow {
    certificate: String,
    serial: String,
    recipient: String,
    document: String,
    relation: &'static str,
    by: String,
    at: String,
}

/// A refused 发证 as typed, with its problems: shown again in the form.
struct IssueAttempt {
    input: cases::Issuance,
    error: bdc_core::ServiceError,
}

/// The 发证 form for the case's certificates, filled with `attempt` after a refusal. Returns the
/// form and the problems that belong to no field of it (shown above the case).
fn issue_form(certificates: &[String], attempt: Option<&IssueAttempt>) -> (IssueForm, Vec<String>) {
    let mut form = IssueForm {
        id_kind: cases::IdKind::ResidentCard.code().into(),
        relation: cases::Relation::Holder.code().into(),
        serials: certificates.iter().enumerate().map(|(i, c)| (i, c.clone(), String::new(), String::new())).collect(),
        id_kinds: cases::IdKind::ALL.iter().map(|k| (k.code(), k.name())).collect(),
        relations: cases::Relation::ALL.iter().map(|r| (r.code(), r.name())).collect(),
        ..IssueForm::default()
    };
    let Some(a) = attempt else { return (form, Vec::new()) };
    form.recipient_name.clone_from(&a.input.recipient_name);
    form.id_kind.clone_from(&a.input.id_kind);
    form.id_number.clone_from(&a.input.id_number);
    form.relation.clone_from(&a.input.relation);
    for (number, serial) in &a.input.serials {
        if let Some(row) = form.serials.iter_mut().find(|r| Some(&r.1) == number.as_ref()) {
            row.2.clone_from(serial);
        }
    }
    let fields = a.error.field_messages();
    if fields.is_empty() {
        return (form, vec![a.error.to_string()]);
    }
    let mut unplaced = Vec::new();
    for (field, message) in fields {
        let key = ["recipient_name", "id_kind", "id_number", "relation"].into_iter().find(|k| *k == field);
        let serial = field.strip_prefix("serials[").and_then(|r| r.strip_suffix(']')).and_then(|i| i.parse::<usize>().ok());
        match (key, serial.and_then(|i| form.serials.get_mut(i))) {
            (Some(k), _) => {
                form.errors.insert(k, message.to_owned());
            }
            (None, Some(row)) => row.3 = message.to_owned(),
            (None, None) => unplaced.push(message.to_owned()),
        }
    }
    if unplaced.is_empty() {
        unplaced.push("发证信息有误，请按各栏提示修改后重新提交".into());
    }
    (form, unplaced)
}

fn stage_name(s: &str) -> String {
    match s {
        "intake" => "受理",
        "review" => "审核",
        "register" => "登簿",
        _ => s,
    }
    .to_owned()
}

fn outcome_name(s: &str) -> String {
    match s {
        "pass" => "通过",
        "block" => "阻断",
        "warn" => "提示",
        "consent" => "需同意",
        _ => s,
    }
    .to_owned()
}

/// The latest evaluation of each rule at each stage (a stage may have run more than once), with
/// the rule's name and legal basis from the library.
fn latest_findings(evals: Vec<crate::service::cases::Evaluation>, library: &[crate::domain::rules::Rule]) -> Vec<(String, String, String, String, String)> {
    let mut out: Vec<(String, String, String, String, String)> = Vec::new();
    for e in evals {
        let rule = library.iter().find(|r| r.code == e.rule_code);
        let name = rule.map_or_else(|| e.rule_code.clone(), |r| r.name.clone());
        let row = (stage_name(&e.stage), name, outcome_name(&e.outcome), e.message, rule.map(|r| r.legal_basis.clone()).unwrap_or_default());
        match out.iter_mut().find(|r| r.0 == row.0 && r.1 == row.1) {
            Some(r) => *r = row,
            None => out.push(row),
        }
    }
    out
}

async fn case_page_for(services: &Services, actor: &Actor, id: i64, message_text: String) -> Response {
    case_page_with(services, actor, id, message_text, String::new(), None).await
}

/// The case page with a success notice (`notice`) or an error (`message_text`) above it, and
/// the 发证 form as it was refused (`attempt`).
async fn case_page_with(services: &Services, actor: &Actor, id: i64, message_text: String, notice: String, attempt: Option<IssueAttempt>) -> Response {
    let case = match cases::get_case(services, actor, id).await {
        Ok(c) => c,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(actor), "业务不存在", &e.to_string(), "/workbench"),
    };
    let events = cases::case_events(services, actor, id).await.unwrap_or_default();
    let evals = cases::evaluations(services, actor, id).await.unwrap_or_default();
    let sheet = match cases::case_sheet(services, actor, &case).await {
        Ok(sheet) => sheet,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(actor), "无法加载", &e.to_string(), "/workbench"),
    };
    let cases::CaseSheet { units, certificates, library, to_issue, issued, .. } = sheet.clone();
    let applicants: Vec<String> = sheet
        .applicants
        .iter()
        .map(|(name, role, share, masked)| {
            let role = match role.as_str() {
                "right_holder" => "权利人",
                "obligor" => "义务人",
                _ => "代理人",
            };
            format!("{name}（{role}{}，{masked}）", if share == "1" { String::new() } else { format!(" {share}") })
        })
        .collect();
    let flow = catalogue::flow(&case.flow_code);
    let files = crate::service::materials::case_files(services, actor, case.id).await.unwrap_or_default();
    let request = serde_json::from_str::<cases::RequestDoc>(&case.request).unwrap_or_default();
    let (ticked, attrs) = (request.materials, request.attrs);
    let authorisation = services.origin.authorisation(services, actor, &attrs).await.ok().flatten().map(|a| (a.principal, a.matters, a.valid_until, a.document_id));
    let materials = flow
        .map(|f| {
            f.materials
                .iter()
                .map(|m| (m.name, m.required, ticked.iter().any(|t| t == m.code), files.iter().filter(|x| x.material_code == m.code).map(|x| FileView::of(x, Some(f))).collect()))
                .collect()
        })
        .unwrap_or_default();
    let viewers = flow.map(|f| files.iter().map(|x| (f.materials.iter().find(|m| m.code == x.material_code).map_or("其他材料", |m| m.name), FileView::of(x, Some(f)))).collect()).unwrap_or_default();
    let can_upload = actor.can(Permission::CaseIntake) && case.state.takes_materials();
    let actions = TRANSITIONS
        .iter()
        .filter(|t| t.from.contains(&case.state) && t.permissions.iter().any(|p| actor.can(*p)) && t.action != "issue")
        .map(|t| (t.action, t.name, matches!(t.action, "return" | "withdraw" | "request_correction" | "suspend")))
        .collect();
    let may_issue = case.state == CaseState::Issue && actor.can(Permission::CaseCertify);
    let (issue_form, unplaced) = if may_issue { issue_form(&to_issue, attempt.as_ref()) } else { (IssueForm::default(), Vec::new()) };
    let message_text = if unplaced.is_empty() { message_text } else { unplaced.join("；") };
    let issued = issued
        .into_iter()
        .map(|i| IssuedRow {
            certificate: i.certificate_number,
            serial: i.print_serial,
            recipient: i.recipient_name,
            document: format!("{} {}", i.id_kind.name(), i.id_number_masked),
            relation: i.relation.name(),
            by: i.issued_by,
            at: super::beijing(&i.issued_at),
        })
        .collect();
    let confirmations = services
        .origin
        .confirmations(services, actor, case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.name, c.roles, c.answer.to_owned(), c.answered_at.as_deref().map(super::beijing).unwrap_or_default()))
        .collect();
    let today = cases::today();
    let page = CasePage {
        confirmations,
        chrome: Chrome::of(Some(actor), "tasks"),
        id: case.id,
        number: case.case_number.clone(),
        flow: catalogue::flow(&case.flow_code).map_or_else(|| case.flow_code.clone(), |f| f.name.to_owned()),
        state: case.state.name().into(),
        channel: channel_name(&case.channel).into(),
        accepted_on: case.accepted_on.to_string(),
        deadline: case.deadline.to_string(),
        overdue: case.deadline < today && !case.state.is_closed(),
        applicants: applicants.join("；"),
        units,
        findings: latest_findings(evals, &library),
        materials,
        viewers,
        can_upload,
        authorisation,
        material_codes: flow.map(|f| f.materials.iter().map(|m| (m.code, m.name)).collect()).unwrap_or_default(),
        report: case.review_report.clone().unwrap_or_default(),
        certificates: certificates.into_iter().map(|c| (urlencode(&c), c)).map(|(e, c)| (c, e)).collect(),
        notice,
        actions,
        issue_form: may_issue.then_some(issue_form),
        issued,
        events: events.into_iter().map(|e| (super::beijing(&e.event.at), e.step, e.hand.staff_view().to_owned(), e.event.reason)).collect(),
        message: message_text,
    };
    render(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// The action just taken (`?done=approve`), or `upload`.
    #[serde(default)]
    done: String,
}

/// The success notice of an action just taken: what was done and the state the case is in.
fn done_notice(done: &str) -> Option<&'static str> {
    match done {
        "upload" => Some("材料已上传"),
        a => TRANSITIONS.iter().find(|t| t.action == a).map(|t| t.name),
    }
}

pub async fn case_page(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, Query(q): Query<DoneQuery>) -> Response {
    match staff_only(actor) {
        Ok(a) => {
            let notice = done_notice(&q.done).map(|n| format!("已完成：{n}")).unwrap_or_default();
            case_page_with(&services, &a, id, String::new(), notice, None).await
        }
        Err(r) => r,
    }
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    /// 发证's fields (the 发证 form only).
    #[serde(default)]
    recipient_name: String,
    #[serde(default)]
    id_kind: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    relation: String,
    /// `certificate_{i}` and `serial_{i}`: each certificate of the case with its 证书印制号.
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

impl ActForm {
    /// The 发证 form as typed.
    fn issuance(&self) -> cases::Issuance {
        let mut serials = Vec::new();
        for i in 0..500 {
            let Some(number) = self.rest.get(&format!("certificate_{i}")) else { break };
            serials.push((Some(number.clone()), self.rest.get(&format!("serial_{i}")).cloned().unwrap_or_default()));
        }
        cases::Issuance { recipient_name: self.recipient_name.clone(), id_kind: self.id_kind.clone(), id_number: self.id_number.clone(), relation: self.relation.clone(), serials }
    }
}

/// Takes a workflow action; on success back to the case, else the case with the reason.
pub async fn act(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<ActForm>) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, &format!("/workbench/cases/{id}"));
    }
    if f.action == "issue" {
        let input = f.issuance();
        return match cases::act_issue(&services, &actor, id, &input).await {
            Ok(_) => redirect(&format!("/workbench/cases/{id}?done=issue")),
            Err(error) => {
                let mut r = case_page_with(&services, &actor, id, String::new(), String::new(), Some(IssueAttempt { input, error })).await;
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
        };
    }
    match cases::act(&services, &actor, id, &f.action, &f.reason).await {
        Ok(_) => redirect(&format!("/workbench/cases/{id}?done={}", urlencode(&f.action))),
        Err(e) => {
            let mut r = case_page_for(&services, &actor, id, e.to_string()).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitPage {
    chrome: Chrome,
    unit_number: String,
    location: String,
    /// 面积 and 用途 of the unit, as the book's head shows them.
    area: String,
    house_use: String,
    rows: Vec<BookRow>,
    /// The seizure queue (查封轮候): `(place, kind, court, delivered at, term)`.
    seizures: Vec<(String, String, String, String, String)>,
}

/// One entry of the register book as the page shows it (登簿记录).
pub struct BookRow {
    state: &'static str,
    kind: &'static str,
    holders: String,
    /// 共有情况, for a right; a restriction (抵押, 查封…) has none ("—").
    co_ownership: &'static str,
    /// What the entry holds beyond its holders: a mortgage's 债权数额, 期限 and 顺位; a seizure's
    /// 查封机关, 文号 and 期限; an objection's or advance notice's lapse date.
    content: String,
    certificate: String,
    /// 登簿时间 (Beijing) and 登簿人.
    registered_at: String,
    registered_by: String,
    seq: i64,
    note: String,
}

/// The particulars of an entry by its kind, from its recorded attributes.
fn entry_content(r: &crate::domain::register::RightView) -> String {
    use crate::domain::register::attr;
    use crate::domain::rights::RightKind;
    let a = |k: &str| r.attr(k).unwrap_or_default().trim().to_owned();
    let term = if a(attr::TERM_START).is_empty() && a(attr::TERM_END).is_empty() { String::new() } else { format!("{} 至 {}", a(attr::TERM_START), a(attr::TERM_END)) };
    let mut parts: Vec<String> = Vec::new();
    let mut push = |label: &str, value: String| {
        if !value.is_empty() {
            parts.push(format!("{label}：{value}"));
        }
    };
    match r.kind {
        RightKind::Mortgage => {
            push("被担保主债权数额", if a(attr::AMOUNT).is_empty() { String::new() } else { format!("{} 元", a(attr::AMOUNT)) });
            push("债务履行期限", term);
            push("抵押顺位", a(attr::RANK));
        }
        RightKind::Seizure => {
            push("查封机关", a(attr::COURT));
            push("文号", a(attr::COURT_CASE));
            push("查封期限", term);
            push("轮候", if a(attr::QUEUE).is_empty() { String::new() } else { format!("第 {} 位", a(attr::QUEUE)) });
        }
        RightKind::AdvanceNotice | RightKind::Objection => {
            push("失效日期", a(attr::LAPSES_ON));
        }
        _ => push("期限", term),
    }
    parts.join("；")
}

/// The register book of a unit, current entries first, like the paper register.
pub async fn unit_page(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let book = match crate::service::registry::register_book(&services, &actor, id).await {
        Ok(b) => b,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(&actor), "单元不存在", &e.to_string(), "/workbench"),
    };
    let name = |pid: i64| book.parties.iter().find(|p| p.id == pid).map_or_else(String::new, |p| p.name.clone());
    let mut rights = book.rights.clone();
    rights.sort_by_key(|r| (r.view.state != crate::domain::rights::RightState::Current, r.registered_seq));
    let stamp = |seq: i64| book.stamps.iter().find(|(s, _, _)| *s == seq).map_or_else(|| (String::new(), String::new()), |(_, at, who)| (super::beijing(at), who.clone()));
    let rows = rights
        .iter()
        .map(|r| {
            let (registered_at, registered_by) = stamp(r.registered_seq);
            BookRow {
                state: r.view.state.name(),
                kind: r.view.kind.name(),
                holders: r.view.holders.iter().map(|h| if h.share.to_string() == "1" { name(h.party_id) } else { format!("{} {}", name(h.party_id), h.share) }).collect::<Vec<_>>().join("、"),
                co_ownership: if r.view.kind.is_restriction() { "—" } else { r.view.co_ownership.name() },
                content: entry_content(&r.view),
                certificate: r.view.certificate.clone().unwrap_or_default(),
                registered_at,
                registered_by,
                seq: r.registered_seq,
                note: r.view.attrs.get("note").cloned().unwrap_or_default(),
            }
        })
        .collect();
    let mut seizures: Vec<&crate::service::registry::RightRecord> =
        rights.iter().filter(|r| r.view.kind == crate::domain::rights::RightKind::Seizure && r.view.state == crate::domain::rights::RightState::Current).collect();
    use crate::domain::register::{attr, SeizureKind};
    seizures.sort_by_key(|r| r.view.attr(attr::QUEUE).and_then(|q| q.parse::<u32>().ok()).unwrap_or(0));
    let seizures = seizures
        .into_iter()
        .map(|r| {
            let a = |k: &str| r.view.attr(k).unwrap_or_default().to_owned();
            (
                r.view.attr(attr::QUEUE).map_or_else(|| "现势查封".to_owned(), |q| format!("轮候第 {q} 位")),
                SeizureKind::of(&r.view.attrs).name().to_owned(),
                a(attr::COURT),
                a(attr::DELIVERED_AT).replace('T', " "),
                if a(attr::TERM_START).is_empty() { String::new() } else { format!("{} 至 {}", a(attr::TERM_START), a(attr::TERM_END)) },
            )
        })
        .collect();
    let area = book.unit.area.map(|a| format!("{a:.2} ㎡")).unwrap_or_default();
    let house_use = match book.unit.house_use.as_deref() {
        Some("10") => "住宅".to_owned(),
        Some(other) => other.to_owned(),
        None => String::new(),
    };
    render(&UnitPage { chrome: Chrome::of(Some(&actor), "tasks"), unit_number: book.unit.unit_number, location: book.unit.location, area, house_use, rows, seizures })
}

/// 缮证 preview: the certificate PDF as it will be issued.
pub async fn certificate_preview(State(services): State<Services>, PageActor(actor): PageActor, PagePath(number): PagePath<String>) -> Response {
    match staff_only(actor) {
        Ok(a) => pdf_response(&services, Some(&a), &number, "/workbench", super::files::Shown::InPage).await,
        Err(r) => r,
    }
}

/// `POST /workbench/cases/{id}/files`: scans added to a case after it was opened (a 补正, a
/// paper handed in late).
pub async fn add_files(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, multipart: axum::extract::Multipart) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return case_page_for(&services, &actor, id, e).await,
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return bdc_http::page::expired(&actor, &format!("/workbench/cases/{id}"));
    }
    let uploads = form.uploads_for_chosen_material("file", "material");
    if uploads.is_empty() {
        return case_page_for(&services, &actor, id, "请选择要上传的文件".into()).await;
    }
    match crate::service::materials::add_to_case(&services, &actor, id, &uploads).await {
        Ok(_) => redirect(&format!("/workbench/cases/{id}?done=upload")),
        Err(e) => {
            let mut r = case_page_for(&services, &actor, id, e.to_string()).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}
