//! 业务目录 — the business flows of the catalogue, filterable by channel (受理渠道), group
//! (分类) and 登记类型, each with its code, exact name, time limit, automatic registration, the
//! applicant roles and the materials (expandable in the row). The catalogue is the same static
//! table the public portal offers, so any staff user may read it. Each flow also shows its duty
//! setting (岗位设置, 不相容岗位分离); a rule-library manager changes it here with a reason.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bdc_http::page_input::PageForm;
use serde::Deserialize;

use bdc_core::access::Permission;
use bdc_core::Actor;
use bdc_registry::domain::catalogue::{self, Channel, Flow, GROUPS};
use bdc_registry::domain::duties::DutyRule;
use bdc_registry::domain::rights::RegistrationType;
use bdc_registry::service::duties::FlowDuty;

use super::{admit, allow, redirect, refused, render, Chrome, Nav, PageActor};
use crate::state::AppState;

const TYPES: &[RegistrationType] = &[
    RegistrationType::First,
    RegistrationType::Transfer,
    RegistrationType::Change,
    RegistrationType::Cancellation,
    RegistrationType::Correction,
    RegistrationType::Objection,
    RegistrationType::Advance,
    RegistrationType::Seizure,
    RegistrationType::Other,
];

/// One flow as a row.
pub struct FlowRow {
    code: &'static str,
    name: &'static str,
    group: &'static str,
    registration_type: &'static str,
    channels: String,
    time_limit_days: u32,
    auto_register: bool,
    roles: String,
    /// 申请主体: who may apply, as the entitlement check enforces it.
    basis: &'static str,
    /// `(name, required)`.
    materials: Vec<(&'static str, bool)>,
    /// 岗位设置: the rule's name, and whether it departs from the default.
    duty: &'static str,
    duty_combined: bool,
}

fn row(f: &'static Flow, duties: &BTreeMap<String, FlowDuty>) -> FlowRow {
    let rule = duties.get(f.code).map_or(DutyRule::default(), |d| d.rule);
    FlowRow {
        code: f.code,
        name: f.name,
        group: f.group,
        registration_type: f.registration_type.name(),
        channels: f.channels.iter().map(|c| c.name()).collect::<Vec<_>>().join("、"),
        time_limit_days: f.time_limit_days,
        auto_register: f.auto_register,
        roles: f.applicant_roles.iter().map(|r| r.name()).collect::<Vec<_>>().join("、"),
        basis: f.basis.name(),
        materials: f.materials.iter().map(|m| (m.name, m.required)).collect(),
        duty: rule.name(),
        duty_combined: rule != DutyRule::Separate,
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    group: String,
    /// 登记类型 code (`100` … `900`).
    #[serde(default)]
    kind: String,
}

#[derive(Template)]
#[template(path = "admin_catalogue.html")]
pub struct CataloguePage {
    chrome: Chrome,
    nav: Nav,
    filter: Filter,
    channels: Vec<(&'static str, &'static str)>,
    groups: &'static [&'static str],
    /// `(code, name)` of each 登记类型.
    types: Vec<(String, &'static str)>,
    total: usize,
    rows: Vec<FlowRow>,
    /// The flows whose duty setting departs from the default, with who set it and why.
    exceptions: Vec<(FlowDuty, &'static str, &'static str)>,
    /// May change duty settings (管理规则库).
    can_manage: bool,
    /// `(code, name)` of every flow and of every duty rule, for the form.
    all_flows: Vec<(&'static str, &'static str)>,
    rules: Vec<(&'static str, &'static str)>,
    message: String,
    saved: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: String,
}

pub async fn list(State(state): State<AppState>, PageActor(actor): PageActor, Query(f): Query<Filter>, Query(sv): Query<Saved>) -> Response {
    let a = match allow(actor, None) {
        Ok(a) => a,
        Err(r) => return r,
    };
    page(&state, &a, f, String::new(), sv.saved).await
}

async fn page(state: &AppState, a: &Actor, f: Filter, message: String, saved: String) -> Response {
    // Staff without the rule library see the default; the setting itself is the library's.
    let duties: BTreeMap<String, FlowDuty> = if a.can(Permission::RulesRead) {
        bdc_registry::service::duties::list(&state.services, a).await.unwrap_or_default().into_iter().map(|d| (d.flow_code.clone(), d)).collect()
    } else {
        BTreeMap::new()
    };
    let channel = Channel::from_code(&f.channel);
    let rows = catalogue::flows()
        .iter()
        .filter(|x| channel.is_none_or(|c| x.channels.contains(&c)))
        .filter(|x| f.group.is_empty() || x.group == f.group)
        .filter(|x| f.kind.is_empty() || x.registration_type.code().to_string() == f.kind)
        .map(|x| row(x, &duties))
        .collect();
    let exceptions = duties.values().filter_map(|d| catalogue::flow(&d.flow_code).map(|fl| (d.clone(), fl.name, d.rule.name()))).collect();
    render(&CataloguePage {
        chrome: Chrome::of(Some(a), "admin"),
        nav: Nav::of(a, "catalogue"),
        filter: f,
        channels: Channel::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        groups: GROUPS,
        types: TYPES.iter().map(|t| (t.code().to_string(), t.name())).collect(),
        total: catalogue::flows().len(),
        rows,
        exceptions,
        can_manage: a.can(Permission::RulesManage),
        all_flows: catalogue::flows().iter().map(|x| (x.code, x.name)).collect(),
        rules: DutyRule::ALL.iter().map(|r| (r.code(), r.name())).collect(),
        message,
        saved,
    })
}

/// Saves one flow's duty setting (岗位设置) from the form.
pub async fn save_duty(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::RulesManage), pairs, "/workbench/admin/catalogue") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let flow = f.get("flow");
    let Some(rule) = DutyRule::from_code(&f.get("rule")) else {
        return refused(page(&state, &a, Filter::default(), "请选择岗位设置".into(), String::new()).await);
    };
    match bdc_registry::service::duties::set(&state.services, &a, &flow, rule, &f.get("reason")).await {
        Ok(()) => redirect(&format!("/workbench/admin/catalogue?saved={}#duties", bdc_http::forms::urlencode(&flow))),
        Err(e) => refused(page(&state, &a, Filter::default(), format!("岗位设置未保存：{e}"), String::new()).await),
    }
}
