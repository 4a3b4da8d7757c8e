//! 规则库 — the restriction and review rules (A2.6): each rule's newest version with severity,
//! applicability, legal basis and validity; one rule's versions with a form for the next
//! version; retiring with a confirmation step. Below them the issuance-data rules (A4.4), added
//! and removed the same way. Reading needs rules.read, changing rules.manage. Every code is shown
//! by its Chinese name: right kinds are ticked by name, the exchange's tables and fields read as
//! the standard names them (the code beside them in grey, to match the interface documents).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use chrono::NaiveDate;

use bdc_core::access::Permission;
use bdc_registry::domain::rights::RightKind;
use bdc_registry::domain::rules::Severity;
use bdc_registry::service::rule_library::RuleRecord;
use bdc_registry::service::rule_library::{self as svc, RuleDraft, CHECKS};
use bdc_reporting::domain::{exchange_names, issuance};

use super::{admit, allow, place, redirect, refused, render, Chrome, Errors, Fields, Nav, PageActor};
use crate::pages::{beijing, message};
use crate::state::AppState;

/// The effects a rule can be limited to, with Chinese names, in the catalogue's terms.
const EFFECTS: &[(&str, &str)] = &[
    ("create_right", "设立权利（首次）"),
    ("transfer_right", "转移权利"),
    ("change_right", "变更权利"),
    ("cancel_right", "注销权利"),
    ("create_restriction", "设立限制"),
    ("change_restriction", "变更限制"),
    ("release_restriction", "解除限制"),
    ("advance_to_title", "预告转本"),
    ("transfer_with_mortgage", "转移抵押合并"),
    ("correction", "更正"),
    ("replace_certificate", "换证"),
    ("reissue_certificate", "遗失补证"),
];

/// What the rule form offers, each `(code, Chinese name)`: the checks, the effects, the
/// restrictions a 存在限制 check looks for, and the right kinds a rule may be limited to.
pub struct Choices {
    checks: &'static [(&'static str, &'static str)],
    effects: &'static [(&'static str, &'static str)],
    restriction_kinds: Vec<(&'static str, &'static str)>,
    right_kinds: Vec<(&'static str, &'static str)>,
}

impl Choices {
    fn new() -> Choices {
        let named = |k: &RightKind| (k.code(), k.name());
        Choices {
            checks: CHECKS,
            effects: EFFECTS,
            restriction_kinds: RightKind::ALL.iter().filter(|k| k.is_restriction()).map(named).collect(),
            right_kinds: RightKind::ALL.iter().map(named).collect(),
        }
    }
}

/// An issuance-data rule as a table row: the exchange's table and field by their Chinese names,
/// with the codes the interface documents use.
pub struct IssuanceRow {
    id: i64,
    table: String,
    table_name: Option<&'static str>,
    field: String,
    field_name: Option<&'static str>,
    action: String,
    param: String,
}

impl IssuanceRow {
    fn of((id, table, field, action, param): bdc_reporting::service::issuance::IssuanceRuleRow) -> IssuanceRow {
        IssuanceRow { id, table_name: exchange_names::table_name(&table), field_name: exchange_names::field_name(&field), action: issuance::action_name(&action).to_owned(), table, field, param }
    }

    /// "房地产权（…）（QLT_FW_FDCQ_YZ）", for sentences.
    fn table_text(&self) -> String {
        self.table_name.map_or_else(|| self.table.clone(), |n| if self.table == exchange_names::ALL_TABLES { n.to_owned() } else { format!("{n}（{}）", self.table) })
    }

    fn field_text(&self) -> String {
        self.field_name.map_or_else(|| self.field.clone(), |n| format!("{n}（{}）", self.field))
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Block => "阻断",
        Severity::Warn => "提示",
        Severity::Consent => "需同意",
    }
}

fn name_of(table: &[(&'static str, &'static str)], code: &str) -> String {
    table.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_owned(), |(_, n)| (*n).to_owned())
}

/// Which flows a rule applies to, in words.
fn applicability(r: &RuleRecord) -> String {
    let a = &r.rule.applies;
    let mut parts = Vec::new();
    parts.push(if a.effects.is_empty() { "全部业务".to_owned() } else { a.effects.iter().map(|e| name_of(EFFECTS, e)).collect::<Vec<_>>().join("、") });
    if !a.right_kinds.is_empty() {
        let kinds: Vec<String> = a.right_kinds.iter().map(|k| RightKind::from_code(k).map_or_else(|| k.clone(), |k| k.name().to_owned())).collect();
        parts.push(format!("权利类型：{}", kinds.join("、")));
    }
    if !a.except_flows.is_empty() {
        parts.push(format!("除外：{}", a.except_flows.iter().map(|f| bdc_registry::domain::catalogue::flow(f).map_or(f.as_str(), |x| x.name)).collect::<Vec<_>>().join("、")));
    }
    parts.join("；")
}

/// A rule version as a table row.
pub struct RuleRow {
    code: String,
    version: i64,
    name: String,
    check: String,
    severity: &'static str,
    severity_code: &'static str,
    applies: String,
    legal_basis: String,
    effective: String,
    retired: bool,
    created: String,
}

fn row(r: &RuleRecord) -> RuleRow {
    RuleRow {
        code: r.rule.code.clone(),
        version: r.rule.version,
        name: r.rule.name.clone(),
        check: {
            let n = name_of(CHECKS, r.rule.check.name());
            let k = r.rule.check.kinds_param();
            if k.is_empty() {
                n
            } else {
                let kinds: Vec<String> = k.split(',').map(|c| RightKind::from_code(c).map_or_else(|| c.to_owned(), |x| x.name().to_owned())).collect();
                format!("{n}：{}", kinds.join("、"))
            }
        },
        severity: severity_name(r.rule.severity),
        severity_code: r.rule.severity.code(),
        applies: applicability(r),
        legal_basis: r.rule.legal_basis.clone(),
        effective: format!("{} 起{}", r.rule.effective_from, r.rule.effective_to.map_or_else(String::new, |t| format!("，至 {t}"))),
        retired: r.retired,
        created: format!("{} {}", r.created_by, beijing(&r.created_at)),
    }
}

/// The rule form's values as typed (dates and the excepted flows as text, ticked boxes as codes).
#[derive(Debug, Default, Clone)]
pub struct DraftForm {
    code: String,
    name: String,
    check: String,
    kinds: Vec<String>,
    effects: Vec<String>,
    right_kinds: Vec<String>,
    except_flows: String,
    severity: String,
    legal_basis: String,
    effective_from: String,
    effective_to: String,
}

impl DraftForm {
    fn of(r: &RuleRecord) -> DraftForm {
        DraftForm {
            code: r.rule.code.clone(),
            name: r.rule.name.clone(),
            check: r.rule.check.name().to_owned(),
            kinds: list(&r.rule.check.kinds_param()),
            effects: r.rule.applies.effects.clone(),
            right_kinds: r.rule.applies.right_kinds.clone(),
            except_flows: r.rule.applies.except_flows.join(","),
            severity: r.rule.severity.code().to_owned(),
            legal_basis: r.rule.legal_basis.clone(),
            effective_from: bdc_registry::service::cases::today().to_string(),
            effective_to: String::new(),
        }
    }

    fn read(f: &Fields) -> DraftForm {
        DraftForm {
            code: f.get("code").trim().to_owned(),
            name: f.get("name"),
            check: f.get("check"),
            kinds: f.all("kinds").iter().flat_map(|k| list(k)).collect(),
            effects: f.all("effects"),
            right_kinds: f.all("right_kinds").iter().flat_map(|k| list(k)).collect(),
            except_flows: f.get("except_flows").replace(' ', ""),
            severity: f.get("severity"),
            legal_basis: f.get("legal_basis"),
            effective_from: f.get("effective_from").trim().to_owned(),
            effective_to: f.get("effective_to").trim().to_owned(),
        }
    }
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '、']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// The fields of the rule form, for placing service errors.
const RULE_FIELDS: &[&str] = &["code", "name", "check", "kinds", "effects", "right_kinds", "except_flows", "severity", "legal_basis", "effective_from", "effective_to"];

#[derive(Template)]
#[template(path = "admin_rules.html")]
pub struct LibraryPage {
    chrome: Chrome,
    nav: Nav,
    can_edit: bool,
    rules: Vec<RuleRow>,
    issuance: Vec<IssuanceRow>,
    form: DraftForm,
    errors: Errors,
    /// Empty: the form adds a new rule (the versions page sets the code).
    version_of: String,
    issuance_form: (String, String, String, String),
    issuance_errors: Errors,
    choices: Choices,
    actions: &'static [(&'static str, &'static str)],
    /// `(code, Chinese name)` of the exchange tables, `*` (全部表) first.
    tables: Vec<(&'static str, &'static str)>,
    message: String,
    done: String,
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn done_text(code: &str) -> &'static str {
    match code {
        "created" => "规则已保存为新版本，自下一次规则检查起适用。",
        "retired" => "规则已停用，保留在规则库中备查。",
        "issuance_added" => "签发数据组织规则已添加。",
        "issuance_removed" => "签发数据组织规则已删除。",
        _ => "",
    }
}

struct LibraryInput {
    form: Option<DraftForm>,
    errors: Errors,
    issuance_form: Option<(String, String, String, String)>,
    issuance_errors: Errors,
    message: String,
    done: String,
}

impl LibraryInput {
    fn plain(done: &str) -> LibraryInput {
        LibraryInput { form: None, errors: Errors::new(), issuance_form: None, issuance_errors: Errors::new(), message: String::new(), done: done_text(done).to_owned() }
    }
}

async fn library_page(state: &AppState, a: &bdc_core::Actor, input: LibraryInput) -> Response {
    let all = match svc::list(&state.services, a).await {
        Ok(r) => r,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(a), "无法加载", &e.to_string(), "/workbench/admin"),
    };
    // Rows come by code then version: the last of each code is its newest version.
    let newest: Vec<RuleRow> = all.iter().enumerate().filter(|(i, r)| all.get(i + 1).is_none_or(|n| n.rule.code != r.rule.code)).map(|(_, r)| row(r)).collect();
    let issuance = bdc_reporting::service::issuance::list(&state.services, a).await.unwrap_or_default().into_iter().map(IssuanceRow::of).collect();
    let form = input.form.unwrap_or_else(|| DraftForm {
        check: "restriction_present".into(),
        severity: "block".into(),
        effective_from: bdc_registry::service::cases::today().to_string(),
        ..DraftForm::default()
    });
    render(&LibraryPage {
        chrome: Chrome::of(Some(a), "admin"),
        nav: Nav::of(a, "rules"),
        can_edit: a.can(Permission::RulesManage),
        rules: newest,
        issuance,
        form,
        errors: input.errors,
        version_of: String::new(),
        issuance_form: input.issuance_form.unwrap_or_else(|| ("*".into(), String::new(), "trim".into(), String::new())),
        issuance_errors: input.issuance_errors,
        choices: Choices::new(),
        actions: issuance::ACTIONS,
        tables: std::iter::once((exchange_names::ALL_TABLES, "全部表")).chain(exchange_names::TABLES.iter().copied()).collect(),
        message: input.message,
        done: input.done,
    })
}

/// The rule library.
pub async fn library(State(state): State<AppState>, PageActor(actor): PageActor, axum::extract::Query(q): axum::extract::Query<DoneQuery>) -> Response {
    match allow(actor, Some(Permission::RulesRead)) {
        Ok(a) => library_page(&state, &a, LibraryInput::plain(&q.done)).await,
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "admin_rule.html")]
pub struct VersionsPage {
    chrome: Chrome,
    nav: Nav,
    can_edit: bool,
    code: String,
    name: String,
    retired: bool,
    versions: Vec<RuleRow>,
    form: DraftForm,
    errors: Errors,
    version_of: String,
    choices: Choices,
    message: String,
}

async fn versions_page(state: &AppState, a: &bdc_core::Actor, code: &str, typed: Option<DraftForm>, errors: Errors, message_text: String) -> Response {
    let all = match svc::versions(&state.services, a, code).await {
        Ok(v) => v,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(a), "规则不存在", &e.to_string(), "/workbench/admin/rules"),
    };
    let newest = all.last().expect("versions are never empty");
    let mut rows: Vec<RuleRow> = all.iter().map(row).collect();
    rows.reverse();
    render(&VersionsPage {
        chrome: Chrome::of(Some(a), "admin"),
        nav: Nav::of(a, "rules"),
        can_edit: a.can(Permission::RulesManage),
        code: newest.rule.code.clone(),
        name: newest.rule.name.clone(),
        retired: newest.retired,
        form: typed.unwrap_or_else(|| DraftForm::of(newest)),
        version_of: newest.rule.code.clone(),
        versions: rows,
        errors,
        choices: Choices::new(),
        message: message_text,
    })
}

/// One rule's versions, newest first, with the form for the next version.
pub async fn versions(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(code): PagePath<String>) -> Response {
    match allow(actor, Some(Permission::RulesRead)) {
        Ok(a) => versions_page(&state, &a, &code, None, Errors::new(), String::new()).await,
        Err(r) => r,
    }
}

/// Saves a new rule or the next version of one (`version_of` set on the versions page).
pub async fn create(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::RulesManage), pairs, "/workbench/admin/rules") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = DraftForm::read(&f);
    let on_versions_page = !f.get("version_of").is_empty();
    let mut errors = Errors::new();
    let from = NaiveDate::parse_from_str(&form.effective_from, "%Y-%m-%d").ok();
    if from.is_none() {
        errors.insert("effective_from", "请填写生效日期，格式如 2026-12-01".into());
    }
    let to = if form.effective_to.is_empty() { Ok(None) } else { NaiveDate::parse_from_str(&form.effective_to, "%Y-%m-%d").map(Some) };
    if to.is_err() {
        errors.insert("effective_to", "失效日期格式如 2027-12-31，可不填".into());
    }
    let mut text = String::new();
    if let (Some(from), Ok(to), true) = (from, to, errors.is_empty()) {
        let draft = RuleDraft {
            code: form.code.clone(),
            name: form.name.clone(),
            check: form.check.clone(),
            kinds: form.kinds.join(","),
            effects: form.effects.clone(),
            right_kinds: form.right_kinds.clone(),
            except_flows: list(&form.except_flows),
            severity: form.severity.clone(),
            legal_basis: form.legal_basis.clone(),
            effective_from: from,
            effective_to: to,
        };
        match svc::create_version(&state.services, &a, draft).await {
            Ok(r) if on_versions_page => return redirect(&format!("/workbench/admin/rules/{}", bdc_http::forms::urlencode(&r.rule.code))),
            Ok(_) => return redirect("/workbench/admin/rules?done=created"),
            Err(e) => {
                text = place(&e, RULE_FIELDS, &mut errors);
                // The service asks for codes, which the form does not show: ask for a tick instead.
                if errors.contains_key("kinds") {
                    errors.insert("kinds", "“存在限制”须勾选至少一种限制的权利类型".into());
                }
            }
        }
    }
    if on_versions_page {
        let code = f.get("version_of");
        refused(versions_page(&state, &a, &code, Some(form), errors, text).await)
    } else {
        refused(library_page(&state, &a, LibraryInput { form: Some(form), errors, message: text, ..LibraryInput::plain("") }).await)
    }
}

#[derive(Template)]
#[template(path = "admin_confirm.html")]
pub struct ConfirmPage {
    chrome: Chrome,
    nav: Nav,
    heading: String,
    text: String,
    action: String,
    button: String,
    back: String,
}

/// Asks before retiring a rule.
pub async fn retire_confirm(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(code): PagePath<String>) -> Response {
    let a = match allow(actor, Some(Permission::RulesManage)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let all = match svc::versions(&state.services, &a, &code).await {
        Ok(v) => v,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(&a), "规则不存在", &e.to_string(), "/workbench/admin/rules"),
    };
    let name = all.last().map(|r| r.rule.name.clone()).unwrap_or_default();
    let enc = bdc_http::forms::urlencode(&code);
    render(&ConfirmPage {
        chrome: Chrome::of(Some(&a), "admin"),
        nav: Nav::of(&a, "rules"),
        heading: "停用规则".into(),
        text: format!("确定停用规则“{name}”（{code}）吗？停用后该规则的全部版本不再参与受理、审核和登簿时的检查，记录保留在规则库中。"),
        action: format!("/workbench/admin/rules/{enc}/retire"),
        button: "确认停用".into(),
        back: format!("/workbench/admin/rules/{enc}"),
    })
}

pub async fn retire(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(code): PagePath<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, _) = match admit(actor, Some(Permission::RulesManage), pairs, "/workbench/admin/rules") {
        Ok(x) => x,
        Err(r) => return r,
    };
    match svc::retire(&state.services, &a, &code).await {
        Ok(()) => redirect("/workbench/admin/rules?done=retired"),
        Err(e) => message(StatusCode::NOT_FOUND, Some(&a), "无法停用", &e.to_string(), "/workbench/admin/rules"),
    }
}

/// Adds an issuance-data rule at the end of the order.
pub async fn add_issuance(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::RulesManage), pairs, "/workbench/admin/rules") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let typed = (f.get("table").trim().to_owned(), f.get("field").trim().to_owned(), f.get("action"), f.get("param"));
    match bdc_reporting::service::issuance::add(&state.services, &a, &typed.0, &typed.1, &typed.2, &typed.3).await {
        Ok(_) => redirect("/workbench/admin/rules?done=issuance_added#issuance"),
        Err(e) => {
            let mut errors = Errors::new();
            let text = place(&e, &["table", "field", "action", "param"], &mut errors);
            refused(library_page(&state, &a, LibraryInput { issuance_form: Some(typed), issuance_errors: errors, message: text, ..LibraryInput::plain("") }).await)
        }
    }
}

/// Asks before removing an issuance-data rule.
pub async fn remove_issuance_confirm(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    let a = match allow(actor, Some(Permission::RulesManage)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let rules = bdc_reporting::service::issuance::list(&state.services, &a).await.unwrap_or_default();
    let Some(rule) = rules.into_iter().find(|r| r.0 == id).map(IssuanceRow::of) else {
        return message(StatusCode::NOT_FOUND, Some(&a), "规则不存在", &format!("签发数据组织规则 {id} 不存在"), "/workbench/admin/rules");
    };
    render(&ConfirmPage {
        chrome: Chrome::of(Some(&a), "admin"),
        nav: Nav::of(&a, "rules"),
        heading: "删除签发数据组织规则".into(),
        text: format!("确定删除规则 {id}（表：{}，字段：{}，{}）吗？删除后上报和电子证照数据不再按此规则整理。", rule.table_text(), rule.field_text(), rule.action),
        action: format!("/workbench/admin/issuance-rules/{id}/remove"),
        button: "确认删除".into(),
        back: "/workbench/admin/rules#issuance".into(),
    })
}

pub async fn remove_issuance(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, _) = match admit(actor, Some(Permission::RulesManage), pairs, "/workbench/admin/rules") {
        Ok(x) => x,
        Err(r) => return r,
    };
    match bdc_reporting::service::issuance::remove(&state.services, &a, id).await {
        Ok(()) => redirect("/workbench/admin/rules?done=issuance_removed#issuance"),
        Err(e) => message(StatusCode::NOT_FOUND, Some(&a), "无法删除", &e.to_string(), "/workbench/admin/rules"),
    }
}
