//! 业务目录 — the business flows of the catalogue, filterable by channel (受理渠道), group
//! (分类) and 登记类型, each with its code, exact name, time limit, automatic registration, the
//! applicant roles and the materials (expandable in the row). The catalogue is the same static
//! table the public portal offers, so any staff user may read it.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use bdc_domain::catalogue::{self, Channel, Flow, GROUPS};
use bdc_domain::rights::RegistrationType;

use super::{allow, render, Chrome, Nav, PageActor};

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
}

fn row(f: &'static Flow) -> FlowRow {
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
}

pub async fn list(PageActor(actor): PageActor, Query(f): Query<Filter>) -> Response {
    let a = match allow(actor, None) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let channel = Channel::from_code(&f.channel);
    let rows = catalogue::flows()
        .iter()
        .filter(|x| channel.is_none_or(|c| x.channels.contains(&c)))
        .filter(|x| f.group.is_empty() || x.group == f.group)
        .filter(|x| f.kind.is_empty() || x.registration_type.code().to_string() == f.kind)
        .map(row)
        .collect();
    render(&CataloguePage {
        chrome: Chrome::of(Some(&a), "admin"),
        nav: Nav::of(&a, "catalogue"),
        filter: f,
        channels: Channel::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        groups: GROUPS,
        types: TYPES.iter().map(|t| (t.code().to_string(), t.name())).collect(),
        total: catalogue::flows().len(),
        rows,
    })
}
