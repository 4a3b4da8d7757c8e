//! Court network seizure end to end (法院网络查控): courts post requests to the sandbox
//! front-end, BDC polls it over SOAP, registers the seizures in delivery order and sends its
//! receipts back, which the sandbox records.

use bdc_adapters::court::message::{parse_feedback, render_requests, Action, Feedback, Property, Request};
use bdc_db::Engine;
use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with_court, spawn_court_sandbox, Team, TestApp};

const PARCEL: &str = "320402001001GB00001";
const U1: &str = "320402001001GB00001F00010001";
const U2: &str = "320402001001GB00001F00010002";
const U3: &str = "320402001001GB00001F00010003";
const U4: &str = "320402001001GB00001F00010004";
const LOC3: &str = "常州市天宁区青洋北路1号1幢103室";

struct Desk {
    app: TestApp,
    sandbox: String,
    clerk: String,
    team: Team,
    zhang: i64,
    li: i64,
}

fn today() -> chrono::NaiveDate {
    bdc_core::time::today()
}

fn property(action: Action, unit: &str) -> Property {
    Property::on_unit("1", action, unit)
}

fn request(number: &str, court: &str, at: &str, properties: Vec<Property>) -> Request {
    Request {
        number: number.into(),
        court: court.into(),
        judge: "承办法官".into(),
        case_number: format!("(2026)苏执{number}号"),
        ruling_number: format!("(2026)苏执{number}号之一"),
        subject: "张三".into(),
        subject_id: String::new(),
        delivered_at: format!("{}T{at}", today()),
        properties,
        documents: vec![bdc_adapters::court::message::Document { name: "协助执行通知书.pdf".into(), bytes: b"%PDF-1.4 notice".to_vec() }],
    }
}

impl Desk {
    async fn new(engine: Engine) -> Desk {
        let sandbox = spawn_court_sandbox().await;
        let app = spawn_app_with_court(engine, &sandbox).await;
        let clerk = app.staff("chakong", &["intake", "review", "register", "certify", "archive"]).await;
        let ok = |r: crate::helpers::Reply| assert!(r.status.is_success(), "{}", r.text);
        ok(app
            .call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(json!({"code": PARCEL, "location": "常州市天宁区青洋北路1号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"})))
            .await);
        ok(app
            .call(
                Method::POST,
                "/api/v1/buildings",
                Some(&clerk),
                Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008})),
            )
            .await);
        let party = |kind: &'static str, name: &'static str, id: &'static str| {
            let (app, clerk) = (&app, &clerk);
            async move {
                let r = app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(json!({"kind": kind, "name": name, "id_type": "1", "id_number": id}))).await;
                r.body["id"].as_i64().unwrap()
            }
        };
        let zhang = party("person", "张三", "440524188001010014").await;
        let li = party("person", "李四", "11010519491231002X").await;
        let team = app.team("chakong", &clerk).await;
        Desk { app, sandbox, clerk, team, zhang, li }
    }

    async fn unit(&self, number: &str, location: &str) -> i64 {
        let r = self.app.call(Method::POST, "/api/v1/units", Some(&self.clerk), Some(json!({"unit_number": number, "location": location, "area": 89.3, "house_use": "10"}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_i64().unwrap()
    }

    /// Registers the title of a unit to `owner`; returns the certificate number.
    async fn title(&self, unit: i64, owner: i64) -> String {
        let r = self
            .app
            .call(
                Method::POST,
                "/api/v1/cases",
                Some(&self.clerk),
                Some(json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": owner, "role": "right_holder"}]})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["case"]["id"].as_i64().unwrap();
        for a in ["submit", "approve", "register"] {
            let r = self.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(self.team.for_action(a)), Some(json!({"action": a}))).await;
            assert_eq!(r.status, 200, "{a}: {}", r.text);
        }
        let book = self.app.get(&format!("/api/v1/units/{unit}/register"), &self.clerk).await;
        book.body["current"][0]["certificate_number"].as_str().unwrap().to_owned()
    }

    /// A court posts requests to the front-end.
    async fn post(&self, requests: &[Request]) {
        let r = self.app.http.post(format!("{}/sandbox/requests", self.sandbox)).body(render_requests(requests)).send().await.unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    }

    /// BDC polls now (as the background job does): fetch, process, answer.
    async fn poll(&self) -> Value {
        let r = self.app.call(Method::POST, "/api/v1/court/poll", Some(&self.clerk), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }

    async fn feedback(&self) -> Vec<Feedback> {
        let text = self.app.http.get(format!("{}/sandbox/feedback", self.sandbox)).send().await.unwrap().text().await.unwrap();
        parse_feedback(&text).unwrap()
    }

    async fn receipt(&self, number: &str) -> Feedback {
        let all = self.feedback().await;
        let mine: Vec<&Feedback> = all.iter().filter(|f| f.request_number == number).collect();
        assert_eq!(mine.len(), 1, "exactly one receipt for {number}: {all:?}");
        mine[0].clone()
    }

    /// `(court, place, kind)` of a unit's seizures in queue order.
    async fn queue(&self, unit: i64) -> Vec<(String, u64, String)> {
        let r = self.app.get(&format!("/api/v1/units/{unit}/seizures"), &self.clerk).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body.as_array().unwrap().iter().map(|s| (s["court"].as_str().unwrap().to_owned(), s["place"].as_u64().unwrap(), s["seizure_kind_name"].as_str().unwrap().to_owned())).collect()
    }

    async fn seizures(&self, unit: i64) -> Value {
        self.app.get(&format!("/api/v1/units/{unit}/seizures"), &self.clerk).await.body
    }
}

const TIANNING: &str = "常州市天宁区人民法院";
const ZHONGLOU: &str = "常州市钟楼区人民法院";
const XINBEI: &str = "常州市新北区人民法院";
const WUJIN: &str = "常州市武进区人民法院";

fn places(q: &[(String, u64, String)]) -> Vec<(&str, u64)> {
    q.iter().map(|(c, p, _)| (c.as_str(), *p)).collect()
}

async fn several_courts_queue_by_delivery_time_release_promotes_and_receipts_go_back(engine: Engine) {
    let d = Desk::new(engine).await;
    let u1 = d.unit(U1, "常州市天宁区青洋北路1号1幢101室").await;
    d.title(u1, d.zhang).await;

    // Two courts' requests arrive in one message, the later-delivered first.
    d.post(&[request("ZL-1", ZHONGLOU, "09:10:00", vec![property(Action::Seize, U1)]), request("TN-1", TIANNING, "09:00:00", vec![property(Action::Seize, U1)])]).await;
    let polled = d.poll().await;
    assert_eq!((polled["new_requests"].as_u64(), polled["registered"].as_u64(), polled["receipts_sent"].as_u64()), (Some(2), Some(2), Some(2)), "{polled}");
    assert_eq!(places(&d.queue(u1).await), [(TIANNING, 0), (ZHONGLOU, 1)], "the earlier delivery is the active seizure");

    // Out of order: one delivered at 09:05 reaches BDC after the 09:10 one was registered, with
    // a 09:20 one; and the 09:00 request is delivered again (a duplicate).
    d.post(&[request("XB-1", XINBEI, "09:20:00", vec![property(Action::Seize, U1)]), request("WJ-1", WUJIN, "09:05:00", vec![property(Action::Seize, U1)])]).await;
    d.post(&[request("TN-1", TIANNING, "09:00:00", vec![property(Action::Seize, U1)])]).await;
    let polled = d.poll().await;
    assert_eq!((polled["new_requests"].as_u64(), polled["duplicates"].as_u64()), (Some(2), Some(1)), "{polled}");
    assert_eq!(places(&d.queue(u1).await), [(TIANNING, 0), (WUJIN, 1), (ZHONGLOU, 2), (XINBEI, 3)]);

    // Receipts: the active seizure with its term; the others marked 轮候 with their place.
    let active = d.receipt("TN-1").await;
    assert!(active.controlled && !active.waiting);
    assert_eq!(active.start, today().to_string());
    assert_eq!(active.end, (today() + Duration::days(3 * 365 - 1)).to_string());
    assert!(active.business_number.starts_with("320402"), "{active:?}");
    let waiting = d.receipt("WJ-1").await;
    assert!(waiting.controlled && waiting.waiting && waiting.start.is_empty());
    assert!(waiting.reason.contains("轮候"), "{waiting:?}");

    // A request to release a seizure that does not exist is refused with the reason.
    let mut bogus = property(Action::Release, U1);
    bogus.original_case = "(2019)苏0402执999号".into();
    d.post(&[request("TN-9", TIANNING, "10:00:00", vec![bogus])]).await;
    let polled = d.poll().await;
    assert_eq!(polled["refused"], 1, "{polled}");
    let refused = d.receipt("TN-9").await;
    assert!(!refused.controlled);
    assert!(refused.reason.contains("没有现势的查封"), "{refused:?}");

    // Releasing the active seizure: the 09:05 one becomes active, its term starting today, and
    // the rest move up.
    let mut release = property(Action::Release, U1);
    release.original_case = "(2026)苏执TN-1号".into();
    d.post(&[request("TN-2", TIANNING, "11:00:00", vec![release])]).await;
    d.poll().await;
    assert!(d.receipt("TN-2").await.controlled);
    assert_eq!(places(&d.queue(u1).await), [(WUJIN, 0), (ZHONGLOU, 1), (XINBEI, 2)]);
    let s = d.seizures(u1).await;
    assert_eq!(s[0]["term_start"], today().to_string());
    assert_eq!(s[0]["seizure_kind_name"], "查封");

    // Continuation by the now-active court, before its term ends: at most three years beyond
    // the current end; more is refused.
    let old_end: chrono::NaiveDate = s[0]["term_end"].as_str().unwrap().parse().unwrap();
    let mut renew = property(Action::Continue, U1);
    renew.original_case = "(2026)苏执WJ-1号".into();
    renew.end = (old_end + Duration::days(3 * 365 + 30)).to_string();
    d.post(&[request("WJ-2", WUJIN, "12:00:00", vec![renew.clone()])]).await;
    d.poll().await;
    let r = d.receipt("WJ-2").await;
    assert!(!r.controlled && r.reason.contains("三年"), "{r:?}");
    let new_end = old_end + Duration::days(2 * 365);
    renew.end = new_end.to_string();
    d.post(&[request("WJ-3", WUJIN, "12:30:00", vec![renew])]).await;
    d.poll().await;
    let r = d.receipt("WJ-3").await;
    assert!(r.controlled, "{r:?}");
    assert_eq!(r.end, new_end.to_string());
    assert_eq!(d.seizures(u1).await[0]["term_end"], new_end.to_string());

    // A counter delivery joins the same queue by its delivery time (09:15: between 09:10 and
    // 09:20), answered on paper.
    let r = d
        .app
        .call(
            Method::POST,
            "/api/v1/court/deliveries",
            Some(&d.clerk),
            Some(json!({"court": "溧阳市人民法院", "case_number": "(2026)苏0481执5号", "delivered_at": format!("{}T09:15:00", today()), "properties": [{"action": "11", "unit_number": U1}]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["properties"][0]["status"], "registered");
    assert_eq!(r.body["properties"][0]["receipt_state"], "paper");
    assert_eq!(places(&d.queue(u1).await), [(WUJIN, 0), (ZHONGLOU, 1), ("溧阳市人民法院", 2), (XINBEI, 3)]);

    // The unrenewed active seizure lapses on its end date: the daily job records it and the
    // first waiting seizure becomes active.
    let after_end = (new_end + Duration::days(1)).and_hms_opt(4, 0, 0).unwrap().and_utc();
    assert_eq!(bdc_registry::service::lapse::lapse_seizures(&d.app.services, after_end).await.unwrap(), 1);
    assert_eq!(places(&d.queue(u1).await), [(ZHONGLOU, 0), ("溧阳市人民法院", 1), (XINBEI, 2)]);

    // Every step is in the ledger, and the ledger replays.
    assert_eq!(bdc_registry::service::verify::verify(&d.app.services).await.unwrap().problem, None);
    // Nothing is left to answer.
    let due = d.app.get("/api/v1/court/receipts?when=today", &d.clerk).await;
    assert_eq!(due.body["total"], 0, "{}", due.text);
    let inbox = d.app.get("/api/v1/court/inbox?per_page=100", &d.clerk).await;
    assert_eq!(inbox.body["total"], 9, "{}", inbox.text);
}

async fn matching_by_certificate_and_by_location_and_owner_pre_seizure_and_quarantine(engine: Engine) {
    let d = Desk::new(engine).await;
    let u2 = d.unit(U2, "常州市天宁区青洋北路1号1幢102室").await;
    let cert = d.title(u2, d.zhang).await;
    let u3 = d.unit(U3, LOC3).await;
    d.title(u3, d.li).await;
    let u4 = d.unit(U4, "常州市天宁区青洋北路1号1幢104室").await;

    let mut by_cert = property(Action::Seize, "");
    by_cert.certificate = cert;
    let mut by_place = property(Action::Seize, "");
    by_place.location = LOC3.into();
    let mut r3 = request("TN-3", TIANNING, "09:00:00", vec![by_place]);
    r3.subject = "李四".into();
    // A unit with no registered title: a 预查封.
    let pre = property(Action::Seize, U4);
    // A unit that does not exist: quarantined and answered 未能控制 with the reason.
    let unknown = property(Action::Seize, "320402001001GB00001F00010099");
    // A transfer ruling goes to a person.
    let transfer = property(Action::TransferRuling, U2);
    let mut multi = request("ZL-2", ZHONGLOU, "09:10:00", vec![pre, unknown, transfer]);
    for (i, p) in multi.properties.iter_mut().enumerate() {
        p.seq = (i + 1).to_string();
    }
    d.post(&[request("TN-4", TIANNING, "08:50:00", vec![by_cert]), r3, multi]).await;
    let polled = d.poll().await;
    assert_eq!((polled["registered"].as_u64(), polled["quarantined_properties"].as_u64(), polled["manual"].as_u64()), (Some(3), Some(1), Some(1)), "{polled}");
    assert_eq!(d.queue(u2).await.len(), 1, "matched by certificate number");
    assert_eq!(d.queue(u3).await.len(), 1, "matched by 坐落 and owner");
    assert_eq!(d.queue(u4).await[0].2, "预查封");

    let fb = d.feedback().await;
    let unknown = fb.iter().find(|f| f.request_number == "ZL-2" && f.property_seq == "2").unwrap();
    assert!(!unknown.controlled && unknown.reason.contains("不动产单元号 320402001001GB00001F00010099 不存在"), "{unknown:?}");
    assert!(!fb.iter().any(|f| f.request_number == "ZL-2" && f.property_seq == "3"), "a transfer ruling is not answered before a person handles it");

    // Staff see it in quarantine, record the unit, and reprocess: now it is seized.
    let q = d.app.get("/api/v1/court/quarantine", &d.clerk).await;
    assert_eq!(q.body["properties"].as_array().unwrap().len(), 1, "{}", q.text);
    d.unit("320402001001GB00001F00010099", "常州市天宁区青洋北路1号1幢199室").await;
    let r = d.app.call(Method::POST, "/api/v1/court/requests/ZL-2/properties/2/reprocess", Some(&d.clerk), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "registered");
    assert_eq!(r.body["receipt_state"], "due");
    d.poll().await;
    let answers: Vec<Feedback> = d.feedback().await.into_iter().filter(|f| f.request_number == "ZL-2" && f.property_seq == "2").collect();
    assert_eq!(answers.len(), 2, "first 未能控制, then 成功");
    assert!(answers[1].controlled);
    let again = d.app.call(Method::POST, "/api/v1/court/requests/ZL-2/properties/2/reprocess", Some(&d.clerk), None).await;
    assert_eq!(again.problem(409), "bad_state");

    // The pre-seizure becomes a 查封 when the title is registered.
    d.title(u4, d.zhang).await;
    assert_eq!(d.queue(u4).await[0].2, "查封");

    // Malformed messages: garbage, and a request failing the checks. Neither stops the rest.
    let garbage = "<QueryResult><Request CXH=\"X\"";
    assert_eq!(d.app.http.post(format!("{}/sandbox/raw", d.sandbox)).body(garbage).send().await.unwrap().status(), 201);
    let bad_time = "<QueryResult><Request CXH=\"BAD-1\" FYMC=\"常州市天宁区人民法院\" AH=\"(2026)苏执1号\" SDSJ=\"昨天\"><Property XH=\"1\" CXLX=\"11\" BDCDYH=\"320402001001GB00001F00010001\"/></Request></QueryResult>";
    assert_eq!(d.app.http.post(format!("{}/sandbox/raw", d.sandbox)).body(bad_time).send().await.unwrap().status(), 201);
    let polled = d.poll().await;
    assert_eq!(polled["quarantined"], 1, "{polled}");
    let polled = d.poll().await;
    assert_eq!(polled["rejected_requests"], 1, "{polled}");
    let bad = d.receipt("BAD-1").await;
    assert!(!bad.controlled && bad.reason.contains("送达时间无效"), "{bad:?}");
    let q = d.app.get("/api/v1/court/quarantine", &d.clerk).await;
    let messages = q.body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{}", q.text);
    assert!(messages[0]["reason"].as_str().unwrap().contains("XML"), "{}", q.text);
    let raw = d.app.get(&format!("/api/v1/court/messages/{}", messages[0]["id"]), &d.clerk).await;
    assert!(raw.body["raw"].as_str().unwrap().contains("Envelope"), "kept exactly as fetched");

    // Read-only staff may look but not act.
    let viewer = d.app.staff("chaxun", &["query"]).await;
    assert_eq!(d.app.call(Method::POST, "/api/v1/court/poll", Some(&viewer), None).await.status, 403);
    assert_eq!(bdc_registry::service::verify::verify(&d.app.services).await.unwrap().problem, None);
}

/// The receipts of one request, in the order they were sent.
async fn receipts_of(d: &Desk, number: &str) -> Vec<Feedback> {
    d.feedback().await.into_iter().filter(|f| f.request_number == number).collect()
}

async fn a_bad_attachment_spoils_only_its_own_request_and_the_queue_goes_on(engine: Engine) {
    let d = Desk::new(engine).await;
    let u1 = d.unit(U1, "常州市天宁区青洋北路1号1幢101室").await;
    d.title(u1, d.zhang).await;
    // One message: a good request, one whose document is not base64, one with an unknown action.
    let good = request("TN-5", TIANNING, "09:00:00", vec![property(Action::Seize, U1)]);
    let spoilt = request("ZL-5", ZHONGLOU, "09:05:00", vec![property(Action::Seize, U1)]);
    let unknown = request("XB-5", XINBEI, "09:06:00", vec![property(Action::Seize, U1)]);
    let list = render_requests(&[good, spoilt, unknown]);
    let mut raw = list.clone();
    let second = raw.match_indices("<Document").nth(1).unwrap().0;
    let (open, close) = (second + raw[second..].find('>').unwrap() + 1, second + raw[second..].find("</Document>").unwrap());
    raw.replace_range(open..close, "@@不是base64@@");
    let third = raw.match_indices("CXLX=\"11\"").nth(2).unwrap().0;
    raw.replace_range(third..third + 9, "CXLX=\"77\"");
    assert_eq!(d.app.http.post(format!("{}/sandbox/raw", d.sandbox)).body(raw).send().await.unwrap().status(), 201);
    let polled = d.poll().await;
    assert_eq!(
        (polled["new_requests"].as_u64(), polled["registered"].as_u64(), polled["rejected_requests"].as_u64(), polled["quarantined"].as_u64()),
        (Some(3), Some(1), Some(2), Some(0)),
        "{polled}"
    );
    assert_eq!(places(&d.queue(u1).await), [(TIANNING, 0)], "the good request is registered");
    let spoilt = d.receipt("ZL-5").await;
    assert!(!spoilt.controlled && spoilt.reason.contains("附件“协助执行通知书.pdf”不是合法的 base64"), "{spoilt:?}");
    let unknown = d.receipt("XB-5").await;
    assert!(!unknown.controlled && unknown.reason.contains("控制类型无效：77"), "{unknown:?}");
    // A request that cannot be read as sent is not reprocessed: the court sends a corrected one.
    let r = d.app.call(Method::POST, "/api/v1/court/requests/ZL-5/properties/1/reprocess", Some(&d.clerk), None).await;
    assert_eq!(r.problem(409), "unreadable_request");
    // The queue goes on: the corrected request is registered (轮候).
    d.post(&[request("ZL-6", ZHONGLOU, "09:05:00", vec![property(Action::Seize, U1)])]).await;
    let polled = d.poll().await;
    assert_eq!(polled["registered"], 1, "{polled}");
    assert_eq!(places(&d.queue(u1).await), [(TIANNING, 0), (ZHONGLOU, 1)]);
    assert_eq!(bdc_registry::service::verify::verify(&d.app.services).await.unwrap().problem, None);
}

/// The delivery-order rule across polls (送达时间): notices delivered t1 < t2 < t3 reach BDC in
/// separate polls as t3, t1, t2. The t3 seizure, registered first, stays active (a registered
/// seizure took effect and its court was told 查封成功); t1 and t2 wait in delivery order,
/// t1 first although it arrived after t3 was registered. Then: 续封 keeps the seizure's 文号, its
/// release by the original 文号 works, the promoted court is told within a working day, and a
/// lapse promotes the next one, tells its court and is reported to the province.
async fn delivery_order_across_polls_promotion_receipts_continuation_and_lapse_reports(engine: Engine) {
    let d = Desk::new(engine).await;
    let u1 = d.unit(U1, "常州市天宁区青洋北路1号1幢101室").await;
    d.title(u1, d.zhang).await;
    for (number, court, at) in [("C-1", XINBEI, "09:30:00"), ("A-1", TIANNING, "09:00:00"), ("B-1", ZHONGLOU, "09:15:00")] {
        d.post(&[request(number, court, at, vec![property(Action::Seize, U1)])]).await;
        assert_eq!(d.poll().await["registered"], 1);
    }
    assert_eq!(places(&d.queue(u1).await), [(XINBEI, 0), (TIANNING, 1), (ZHONGLOU, 2)]);
    let a = d.receipt("A-1").await;
    assert!(a.controlled && a.waiting && a.start.is_empty() && a.reason.contains("第 1 位"), "{a:?}");
    assert!(d.receipt("B-1").await.reason.contains("第 2 位"));

    // 续封 by the active court: a case of its own; the seizure keeps its 文号, 送达时间, request.
    let s = d.seizures(u1).await;
    let old_end: chrono::NaiveDate = s[0]["term_end"].as_str().unwrap().parse().unwrap();
    let original_business = d.receipt("C-1").await.business_number;
    let mut renew = property(Action::Continue, U1);
    renew.original_case = "(2026)苏执C-1号".into();
    renew.end = (old_end + Duration::days(365)).to_string();
    d.post(&[request("C-2", XINBEI, "13:00:00", vec![renew])]).await;
    d.poll().await;
    let r = d.receipt("C-2").await;
    assert!(r.controlled && r.business_number != original_business, "{r:?}");
    let s = d.seizures(u1).await;
    assert_eq!((s[0]["court_case"].as_str(), s[0]["delivered_at"].as_str()), (Some("(2026)苏执C-1号"), Some(format!("{}T09:30:00", today()).as_str())), "{s}");
    assert_eq!(s[0]["term_end"], (old_end + Duration::days(365)).to_string());

    // Released by its original 业务号 (the first registration's): the 09:00 seizure is promoted.
    let mut release = property(Action::Release, U1);
    release.original_business = original_business;
    d.post(&[request("C-3", XINBEI, "14:00:00", vec![release])]).await;
    d.poll().await;
    assert!(d.receipt("C-3").await.controlled);
    assert_eq!(places(&d.queue(u1).await), [(TIANNING, 0), (ZHONGLOU, 1)]);
    let told = receipts_of(&d, "A-1").await;
    assert_eq!(told.len(), 2, "first 轮候, then 查封成功: {told:?}");
    let promoted = &told[1];
    assert!(promoted.controlled && !promoted.waiting && promoted.reason.is_empty(), "{promoted:?}");
    assert_eq!((promoted.start.as_str(), promoted.end.clone()), (today().to_string().as_str(), (today() + Duration::days(3 * 365 - 1)).to_string()));
    let inbox = d.app.get("/api/v1/court/inbox?per_page=100", &d.clerk).await;
    let row = inbox.body["items"].as_array().unwrap().iter().find(|p| p["request_number"] == "A-1").unwrap().clone();
    assert!(row["promoted_at"].is_string() && row["waiting"] == false && row["receipt_state"] == "sent", "{row}");
    assert_eq!(row["actual_start"], today().to_string());
    // The court still waiting is shown its place as it is now: it moved up from 2 to 1.
    let b = inbox.body["items"].as_array().unwrap().iter().find(|p| p["request_number"] == "B-1").unwrap().clone();
    assert!(b["waiting"] == true && b["reason"].as_str().unwrap().contains("轮候顺序第 1 位"), "{b}");

    // The promoted seizure lapses unrenewed: the 09:15 one is promoted by the daily job, its court
    // is told at the next poll, and the lapse is reported to the province like any change.
    let end: chrono::NaiveDate = d.seizures(u1).await[0]["term_end"].as_str().unwrap().parse().unwrap();
    let after_end = (end + Duration::days(1)).and_hms_opt(4, 0, 0).unwrap().and_utc();
    assert_eq!(bdc_registry::service::lapse::lapse_seizures(&d.app.services, after_end).await.unwrap(), 1);
    assert_eq!(places(&d.queue(u1).await), [(ZHONGLOU, 0)]);
    d.poll().await;
    let told = receipts_of(&d, "B-1").await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[1].controlled && !told[1].waiting && told[1].start == (end + Duration::days(1)).to_string(), "{told:?}");
    bdc_registry::service::jobs::run_due(&d.app.services, chrono::Utc::now()).await.unwrap();
    let reports = crate::helpers::reported(&d.app.services, None, 100).await;
    let lapse = reports.iter().find(|m| m.case_id.is_none()).expect("the lapse is reported");
    assert_eq!(bdc_sandbox::province::check(&lapse.message), Ok(lapse.biz_msg_id.clone()));
    assert!(lapse.message.contains("<RegType>800</RegType>") && lapse.message.contains("JFWJ=\"查封期限届满未续封"), "{}", lapse.message);
    assert!(lapse.message.contains("CFLX=\"1\"") && lapse.message.contains("常州市钟楼区人民法院"), "the promoted seizure is in the same message");
    assert_eq!(bdc_registry::service::verify::verify(&d.app.services).await.unwrap().problem, None);
}

crate::both!(
    several_courts_queue_by_delivery_time_release_promotes_and_receipts_go_back,
    matching_by_certificate_and_by_location_and_owner_pre_seizure_and_quarantine,
    a_bad_attachment_spoils_only_its_own_request_and_the_queue_goes_on,
    delivery_order_across_polls_promotion_receipts_continuation_and_lapse_reports
);
