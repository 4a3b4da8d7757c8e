//! 登记资料档案查询 — the logged-in, real-name user's own units and the materials of his past
//! cases (B5). The service logs each look in the public query log.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::service::archive;
use bdc_registry::domain::catalogue;
use bdc_registry::register_api::registry::UnitOrder;

use super::{message, redirect, render, Chrome, PageActor};
use bdc_http::extract::Client;
use bdc_registry::pages::files::FileView;
use bdc_registry::Services;

pub struct UnitView {
    number: String,
    location: String,
    area: String,
    /// `(kind, certificate, share, own)`.
    entries: Vec<(&'static str, String, String, bool)>,
}

pub struct CaseView {
    number: String,
    flow: String,
    accepted_on: String,
    state: &'static str,
    files: Vec<FileView>,
}

/// One paged list of units with its pager.
pub struct UnitList {
    units: Vec<UnitView>,
    total: i64,
    page: u32,
    pages: u32,
    /// The query string of the other conditions, for the pager's links (every value
    /// percent-encoded, so it is written into the page as it is).
    keep: String,
}

#[derive(Template)]
#[template(path = "archive.html")]
pub struct ArchivePage {
    chrome: Chrome,
    q: String,
    /// `(code, name, chosen)` of the orders offered.
    orders: Vec<(&'static str, &'static str, bool)>,
    /// `(table id, heading, page parameter, list)`: 我名下的不动产 — the units he holds a right
    /// of —, then the units he holds a restriction on (a bank's 抵押, a buyer's 预告).
    lists: Vec<(&'static str, &'static str, &'static str, UnitList)>,
    cases: Vec<CaseView>,
}

/// The archive's conditions in the address: `q`, `order`, `page` (titles) and `held_page`.
#[derive(Debug, Deserialize, Default)]
pub struct ArchiveParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    held_page: Option<u32>,
}

const ORDERS: [(&str, &str, UnitOrder); 3] = [("", "登记顺序", UnitOrder::Recorded), ("unit", "不动产单元号", UnitOrder::UnitNumber), ("location", "坐落", UnitOrder::Location)];

fn unit_view(u: archive::ArchiveUnit) -> UnitView {
    UnitView {
        number: u.unit.unit_number,
        location: u.unit.location,
        area: u.unit.area.map(|a| format!("{a:.2} ㎡")).unwrap_or_default(),
        entries: u.entries.into_iter().map(|e| (e.kind, e.certificate, e.share, e.own)).collect(),
    }
}

fn list(units: Vec<archive::ArchiveUnit>, total: i64, page: u32, keep: String) -> UnitList {
    let pages = u32::try_from((total + i64::from(archive::PER_PAGE) - 1) / i64::from(archive::PER_PAGE)).unwrap_or(u32::MAX).max(1);
    UnitList { units: units.into_iter().map(unit_view).collect(), total, page: page.max(1), pages, keep }
}

/// `GET /portal/archive`.
pub async fn page(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, params: Result<Query<ArchiveParams>, axum::extract::rejection::QueryRejection>) -> Response {
    // An address whose conditions cannot be read (a page number of letters) shows the first page.
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let actor = match actor {
        Some(a) if a.realm == bdc_core::access::Realm::Public => a,
        Some(a) => return message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请在工作台查阅登记簿。", "/workbench"),
        None => return redirect("/login"),
    };
    let order = ORDERS.iter().find(|(code, _, _)| *code == params.order).map_or(UnitOrder::Recorded, |(_, _, o)| *o);
    let q = params.q.trim().chars().take(64).collect::<String>();
    let (units_page, held_page) = (params.page.unwrap_or(1).max(1), params.held_page.unwrap_or(1).max(1));
    let query = archive::ArchiveQuery { text: Some(q.clone()).filter(|t| !t.is_empty()), order, units_page, held_page };
    let found = match archive::my_archive(&services, &actor, &client.addr, &query).await {
        Ok(a) => a,
        Err(e) => return super::too_many(Some(&actor), &e, "/portal").unwrap_or_else(|| message(StatusCode::FORBIDDEN, Some(&actor), "无法查询", &e.to_string(), "/portal")),
    };
    let keep = |other: &str, n: u32| format!("q={}&order={}&{other}={n}", bdc_http::forms::urlencode(&q), bdc_http::forms::urlencode(&params.order));
    let titles = list(found.units, found.units_total, units_page, keep("held_page", held_page));
    let held = list(found.held, found.held_total, held_page, keep("page", units_page));
    let cases = found
        .cases
        .into_iter()
        .map(|c| {
            let flow = catalogue::flow(&c.case.flow_code);
            CaseView {
                files: c.files.iter().map(|f| FileView::of(f, flow)).collect(),
                flow: flow.map_or_else(|| c.case.flow_code.clone(), |f| f.name.to_owned()),
                number: c.case.case_number,
                accepted_on: c.case.accepted_on.to_string(),
                state: c.case.state.name(),
            }
        })
        .collect();
    let orders = ORDERS.iter().map(|(code, name, o)| (*code, *name, *o == order)).collect();
    let lists = vec![("my-units", "我名下的不动产", "page", titles), ("held-units", "抵押、预告等登记（本人为权利人）", "held_page", held)];
    render(&ArchivePage { chrome: Chrome::of(Some(&actor), "archive"), q, orders, lists, cases })
}
