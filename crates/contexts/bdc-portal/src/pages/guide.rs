//! 办事指南 pages: every flow's guide, and the search over them from the home page (B1).
//!
//! `GET /guide?q=&channel=` lists the flows matching the words typed (and the channel chosen);
//! `GET /guide/{code}` is one flow's guide — who may apply, conditions, materials with their
//! notes, fees, time limit, legal basis, where to go and whether it can be done online. Public
//! pages: no account is needed and nothing personal is shown.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use bdc_registry::domain::catalogue::{Channel, Flow};
use bdc_registry::domain::{fees, guide};
use bdc_registry::register_api::guide::{self as facts, Condition};
use bdc_registry::Services;

use bdc_core::ServiceError;

use super::{message, render, Chrome, PageActor};

/// The channels a citizen chooses among on the search page, in the order of the home page.
pub const PUBLIC_CHANNELS: [Channel; 5] = [Channel::Individual, Channel::Enterprise, Channel::Bank, Channel::Developer, Channel::HousingAuthority];

/// One line of a list of guides.
pub struct GuideLine {
    pub code: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub days: u32,
    /// The channels' names, "个人申请、窗口".
    pub channels: String,
    pub online: bool,
}

impl GuideLine {
    pub fn of(f: &'static Flow) -> GuideLine {
        GuideLine { code: f.code, name: f.name, group: f.group, days: f.time_limit_days, channels: f.channels.iter().map(|c| c.name()).collect::<Vec<_>>().join("、"), online: guide::fully_online(f) }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    channel: String,
}

#[derive(Template)]
#[template(path = "guide_index.html")]
pub struct GuideIndex {
    chrome: Chrome,
    q: String,
    channel: String,
    /// `(code, name, chosen)` of the channels to choose from.
    channels: Vec<(&'static str, &'static str, bool)>,
    lines: Vec<GuideLine>,
    /// 检索字数上限 was passed: the query was cut.
    cut: bool,
}

/// The longest query read (characters); a longer one is cut, never refused.
const MAX_QUERY: usize = 40;

/// `GET /guide`: the flows matching what was typed.
pub async fn index(PageActor(actor): PageActor, q: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let cut = q.q.chars().count() > MAX_QUERY;
    let text: String = q.q.chars().filter(|c| !c.is_control()).take(MAX_QUERY).collect();
    let channel = Channel::from_code(&q.channel).filter(|c| PUBLIC_CHANNELS.contains(c) || *c == Channel::Counter);
    let lines = guide::search(&text, channel).into_iter().map(GuideLine::of).collect();
    let mut channels: Vec<(&'static str, &'static str, bool)> = PUBLIC_CHANNELS.iter().map(|c| (c.code(), c.name(), channel == Some(*c))).collect();
    channels.push((Channel::Counter.code(), "窗口办理", channel == Some(Channel::Counter)));
    render(&GuideIndex { chrome: Chrome::of(actor.as_ref(), "guide"), q: text, channel: channel.map(|c| c.code().to_owned()).unwrap_or_default(), channels, lines, cut })
}

/// A material as the guide lists it.
pub struct MaterialLine {
    pub name: &'static str,
    pub required: bool,
    pub note: &'static str,
    pub sample: &'static str,
}

#[derive(Template)]
#[template(path = "guide.html")]
pub struct GuidePage {
    chrome: Chrome,
    code: &'static str,
    name: &'static str,
    group: &'static str,
    registration_type: &'static str,
    /// `(channel name, who applies through it)`.
    who: Vec<(&'static str, &'static str)>,
    parties: String,
    basis: &'static str,
    conditions: Vec<Condition>,
    materials: Vec<MaterialLine>,
    fees: Vec<String>,
    days: u32,
    laws: Vec<&'static str>,
    online: bool,
    /// Whether this visitor could start it online now (a public account whose channel offers it).
    may_apply: bool,
    /// `(name, address, phone, serves)`.
    halls: Vec<(String, String, String, String)>,
    /// "09:00–12:00、13:30–17:30".
    hours: String,
}

/// `GET /guide/{code}`: one flow's guide.
pub async fn show(State(services): State<Services>, PageActor(actor): PageActor, PagePath(code): PagePath<String>) -> Response {
    let f = match facts::guide(&services, &code).await {
        Ok(f) => f,
        Err(e @ ServiceError::NotFound(_)) => return message(StatusCode::NOT_FOUND, actor.as_ref(), "没有这项业务", &e.to_string(), "/guide"),
        Err(e) => return message(StatusCode::SERVICE_UNAVAILABLE, actor.as_ref(), "办事指南暂时无法显示", &e.to_string(), "/guide"),
    };
    let flow = f.flow;
    let may_apply = actor.as_ref().is_some_and(|a| crate::service::applications::channel_for(a, flow).is_some());
    let hours = f.office_hours.spans().iter().map(|s| format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect::<Vec<_>>().join("、");
    render(&GuidePage {
        chrome: Chrome::of(actor.as_ref(), "guide"),
        code: flow.code,
        name: flow.name,
        group: flow.group,
        registration_type: flow.registration_type.name(),
        who: flow.channels.iter().map(|c| (c.name(), guide::who_applies(*c))).collect(),
        parties: guide::parties(flow),
        basis: flow.basis.name(),
        conditions: f.conditions,
        materials: guide::materials(flow).into_iter().map(|m| MaterialLine { name: m.material.name, required: m.material.required, note: m.note.note, sample: m.note.sample }).collect(),
        fees: fees::describe(flow),
        days: flow.time_limit_days,
        laws: guide::legal_basis(flow),
        online: guide::fully_online(flow),
        may_apply,
        halls: f.halls.into_iter().map(|h| (h.name, h.address, h.phone, h.serves)).collect(),
        hours,
    })
}
