//! 登记资料档案查询 — the logged-in, real-name user's own units and the materials of his past
//! cases (B5). The service logs each look in the public query log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::service::archive;
use bdc_registry::domain::catalogue;

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

#[derive(Template)]
#[template(path = "archive.html")]
pub struct ArchivePage {
    chrome: Chrome,
    units: Vec<UnitView>,
    cases: Vec<CaseView>,
}

/// `GET /portal/archive`.
pub async fn page(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client) -> Response {
    let actor = match actor {
        Some(a) if a.realm == bdc_core::access::Realm::Public => a,
        Some(a) => return message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请在工作台查阅登记簿。", "/workbench"),
        None => return redirect("/login"),
    };
    let found = match archive::my_archive(&services, &actor, &client.addr).await {
        Ok(a) => a,
        Err(e) => return super::too_many(Some(&actor), &e, "/portal").unwrap_or_else(|| message(StatusCode::FORBIDDEN, Some(&actor), "无法查询", &e.to_string(), "/portal")),
    };
    let units = found
        .units
        .into_iter()
        .map(|u| UnitView {
            number: u.unit.unit_number,
            location: u.unit.location,
            area: u.unit.area.map(|a| format!("{a:.2} ㎡")).unwrap_or_default(),
            entries: u.entries.into_iter().map(|e| (e.kind, e.certificate, e.share, e.own)).collect(),
        })
        .collect();
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
    render(&ArchivePage { chrome: Chrome::of(Some(&actor), "archive"), units, cases })
}
