//! The flow conformance suite (业务流程一致性): every flow of the catalogue, driven from 受理 to
//! 归档 through the staff API on its own channel, with the register book read before and after.
//! Each flow's expectation is written out by what the law says that flow does — the rights
//! created and ended with their holders and particulars, certificates issued and voided, the
//! unit's own particulars — never computed from the planner under test. Each flow whose
//! applicants the register can check is also tried by someone not entitled to ask, and refused.
//!
//! The flows are split by channel so the seven groups run side by side; `every_flow_is_covered`
//! fails when the catalogue has a flow no group drove.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use bdc_db::Engine;
use bdc_registry::domain::catalogue::{self, Basis, ChangeScope, Channel, Effect, Flow};
use bdc_registry::domain::register::is_title_kind;
use bdc_registry::domain::rights::RightKind;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Reply, Team, TestApp};

const PARCEL: &str = "320402001001GB00002";
/// The land term of every title the suite registers: a transfer or a combined mortgage must
/// leave it as it is.
const LAND_END: &str = "2093-12-31";
const DEBT_END: &str = "2055-12-31";

struct World {
    app: TestApp,
    clerk: String,
    team: Team,
    next_room: AtomicU32,
    /// Owner, co-owner, buyer, another person.
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    stranger: i64,
    bank: i64,
    bank2: i64,
    developer: i64,
    court: i64,
    court2: i64,
    authority: i64,
    /// Online flows are applied for through the portal JSON API (`/api/v1/portal/…`) by the
    /// public account of their channel, and confirmed by every co-applicant, instead of at the
    /// counter; the expectations are the same.
    online: bool,
    sms: std::sync::Arc<bdc_adapters::sms::SandboxSms>,
    /// Each party's ID number, public account token and phone.
    accounts: std::collections::HashMap<i64, (String, String, String)>,
}

async fn party(app: &TestApp, t: &str, kind: &str, name: &str, id_type: &str, id: &str) -> i64 {
    let r = app.call(Method::POST, "/api/v1/parties", Some(t), Some(json!({"kind": kind, "name": name, "id_type": id_type, "id_number": id}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

async fn world(engine: Engine) -> World {
    world_on(engine, false).await
}

/// The world whose online flows go through the portal.
async fn online_world(engine: Engine) -> World {
    world_on(engine, true).await
}

async fn world_on(engine: Engine, online: bool) -> World {
    let sms = std::sync::Arc::new(bdc_adapters::sms::SandboxSms::default());
    // Each test party's one account confirms dozens of applications in a few seconds: far beyond
    // what a person does, so the suite lifts the SMS limit (tested on its own in security.rs).
    let app = spawn_app_with(engine, |mut s| {
        s.security.rate_limits.sms_code = bdc_registry::service::limits::Limit { per_account: 0, per_address: 0 };
        s.with_sms(sms.clone())
    })
    .await;
    let clerk = app.staff("zonghe", &["intake", "review", "register", "certify", "archive"]).await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(json!({"code": PARCEL, "location": "常州市天宁区竹林北路8号", "area": 8000.0, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": LAND_END})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .call(
            Method::POST,
            "/api/v1/buildings",
            Some(&clerk),
            Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 30, "structure": "钢筋混凝土结构", "completed_year": 2010})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let p = |kind, name, t, id| (kind, name, t, id);
    let people = [
        p("person", "张一", "1", "440524188001010014"),
        p("person", "张一之妻", "1", "11010519491231002X"),
        p("person", "李买方", "1", "320402199001011239"),
        p("person", "赵丁", "1", "320411198502021234"),
        p("person", "陌生人", "1", "320402198807070014"),
        p("enterprise", "常州示例银行股份有限公司", "8", "91350100M000100Y43"),
        p("enterprise", "江苏另一银行股份有限公司", "99", "BANK-TWO-01"),
        p("enterprise", "常州示例房地产开发有限公司", "99", "DEV-01"),
        p("state_organ", "常州市天宁区人民法院", "99", "TN-COURT"),
        p("state_organ", "常州市钟楼区人民法院", "99", "ZL-COURT"),
        p("state_organ", "常州市住房和城乡建设局", "99", "CZ-ZJJ"),
    ];
    let mut ids = Vec::new();
    let mut accounts = std::collections::HashMap::new();
    for (i, (kind, name, t, id)) in people.into_iter().enumerate() {
        let pid = party(&app, &clerk, kind, name, t, id).await;
        ids.push(pid);
        if online && kind != "state_organ" {
            // One real-name account per party, able to apply on every online channel (个人、企业、
            // 机构): the flow's channel decides which of them applies.
            let phone = format!("1391111{i:04}");
            let token = app.public_account(&format!("online{i}"), &["person", "enterprise", "institution"], pid, &phone).await;
            accounts.insert(pid, (id.to_owned(), token, phone));
        }
    }
    let team = app.team("zonghe", &clerk).await;
    World {
        app,
        clerk,
        team,
        next_room: AtomicU32::new(1),
        a: ids[0],
        b: ids[1],
        c: ids[2],
        d: ids[3],
        stranger: ids[4],
        bank: ids[5],
        bank2: ids[6],
        developer: ids[7],
        court: ids[8],
        court2: ids[9],
        authority: ids[10],
        online,
        sms,
        accounts,
    }
}

fn rh(p: i64) -> Value {
    json!({"party_id": p, "role": "right_holder"})
}
fn ob(p: i64) -> Value {
    json!({"party_id": p, "role": "obligor"})
}
fn ag(p: i64) -> Value {
    json!({"party_id": p, "role": "agent"})
}

fn flow(code: &str) -> &'static Flow {
    catalogue::flow(code).unwrap_or_else(|| panic!("no flow {code}"))
}

fn mortgage_terms(amount: &str) -> Value {
    json!({"amount": amount, "term_start": "2026-01-01", "term_end": DEBT_END})
}

impl World {
    async fn unit(&self) -> i64 {
        let n = self.next_room.fetch_add(1, Ordering::SeqCst);
        let r = self
            .app
            .call(
                Method::POST,
                "/api/v1/units",
                Some(&self.clerk),
                Some(json!({"unit_number": format!("{PARCEL}F0001{n:04}"), "location": format!("常州市天宁区竹林北路8号1幢{n}室"), "area": 90.5, "house_use": "10"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_i64().unwrap()
    }

    async fn number(&self, unit: i64) -> String {
        self.book(unit).await["unit"]["unit_number"].as_str().unwrap().to_owned()
    }

    /// An easement on `servient` (owned by A) for the benefit of a neighbouring house owned by
    /// C (需役地); returns the dominant unit.
    async fn easement(&self, servient: i64) -> i64 {
        let dominant = self.unit().await;
        self.house(dominant, &[self.c]).await;
        let number = self.number(dominant).await;
        self.run("IND-FIRST-EASEMENT", servient, json!([rh(self.c), ob(self.a)]), json!({"attributes": {"dominant_unit": number, "purpose": "通行", "term_end": "2040-12-31"}})).await;
        dominant
    }

    /// The companion entry of the easement on the dominant unit's register (需役地登记簿).
    async fn companion(&self, dominant: i64, servient: i64) -> Option<Value> {
        let number = self.number(servient).await;
        let book = self.book(dominant).await;
        let found = current(&book, "easement").into_iter().find(|r| r["attributes"]["servient_unit"] == number.as_str()).cloned();
        found
    }

    async fn open(&self, f: &Flow, unit: i64, applicants: Value, request: Value) -> Reply {
        let mut request = request;
        let materials: Vec<&str> = f.required_materials().map(|m| m.code).collect();
        request["materials"] = json!(materials);
        if self.online && !matches!(f.channels[0], Channel::Counter | Channel::AcceptElsewhere) {
            return self.open_online(f, unit, applicants, request).await;
        }
        self.app
            .call(
                Method::POST,
                "/api/v1/cases",
                Some(&self.clerk),
                Some(json!({"flow_code": f.code, "channel": f.channels[0].code(), "unit_ids": [unit], "applicants": applicants, "request": request})),
            )
            .await
    }

    /// A party's current name and ID number, as an online applicant names him.
    async fn named(&self, p: i64) -> Value {
        let mut c = self.app.db.conn().await.unwrap();
        let name = bdc_registry::store::registry::get_party(&mut c, p).await.unwrap().unwrap().name;
        json!({"name": name, "id_number": self.accounts[&p].0})
    }

    /// The application made online by the public account of the flow's channel: the bank or
    /// developer as 代办 agent where the flow has one, else the party acting for itself; every
    /// co-applicant then confirms with his code. Answers like `POST /api/v1/cases` would.
    async fn open_online(&self, f: &Flow, unit: i64, applicants: Value, request: Value) -> Reply {
        let apps: Vec<(i64, String, String)> =
            applicants.as_array().unwrap().iter().map(|a| (a["party_id"].as_i64().unwrap(), a["role"].as_str().unwrap().to_owned(), a["share"].as_str().unwrap_or("").to_owned())).collect();
        let channel_party = match f.channels[0] {
            Channel::Bank => Some(self.bank),
            Channel::Developer => Some(self.developer),
            _ => None,
        };
        let has_agent = f.applicant_roles.contains(&catalogue::ApplicantRole::Agent);
        let pick = if let Some(a) = apps.iter().find(|a| a.1 == "agent") {
            (a.0, "agent".to_owned())
        } else if let Some(a) = apps.iter().find(|a| channel_party.is_some() && [self.bank, self.bank2, self.developer].contains(&a.0)) {
            (a.0, a.1.clone())
        } else if let (Some(p), true) = (channel_party, has_agent) {
            (p, "agent".to_owned())
        } else {
            let a = apps.iter().find(|a| a.1 == "right_holder").unwrap_or(&apps[0]);
            (a.0, a.1.clone())
        };
        let mut others = Vec::new();
        let mut mine = None;
        for a in &apps {
            if mine.is_none() && a.0 == pick.0 && a.1 == pick.1 {
                mine = Some(a.2.clone());
                continue;
            }
            let mut o = self.named(a.0).await;
            o["role"] = json!(a.1);
            if !a.2.is_empty() {
                o["share"] = json!(a.2);
            }
            others.push(o);
        }
        let mut mortgagees = Vec::new();
        for m in request["mortgagees"].as_array().cloned().unwrap_or_default() {
            mortgagees.push(self.named(m.as_i64().unwrap()).await);
        }
        let number = {
            let mut c = self.app.db.conn().await.unwrap();
            bdc_registry::store::registry::get_unit(&mut c, unit).await.unwrap().unwrap().unit_number
        };
        let mut body = json!({"flow_code": f.code, "property": number, "my_role": pick.1, "others": others, "mortgagees": mortgagees, "materials": request["materials"].clone()});
        if let Some(share) = mine.filter(|s| !s.is_empty()) {
            body["my_share"] = json!(share);
        }
        for key in ["co_ownership", "target_right"] {
            if !request[key].is_null() {
                body[key] = request[key].clone();
            }
        }
        if !request["attributes"].is_null() {
            body["attributes"] = request["attributes"].clone();
        }
        let token = &self.accounts[&pick.0].1;
        let r = self.app.call(Method::POST, "/api/v1/portal/applications", Some(token), Some(body)).await;
        if r.status != 201 {
            return r;
        }
        let id = r.body["application"]["id"].as_i64().unwrap();
        for c in r.body["application"]["confirmations"].as_array().unwrap() {
            let (_, t, phone) = &self.accounts[&c["party_id"].as_i64().unwrap()];
            let sent = self.app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/code"), Some(t), None).await;
            assert_eq!(sent.status, 200, "{}: code: {}", f.code, sent.text);
            let code: String = self.sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
            let done = self.app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(t), Some(json!({"code": code}))).await;
            assert_eq!(done.status, 200, "{}: confirm: {}", f.code, done.text);
        }
        let a = self.app.get(&format!("/api/v1/portal/applications/{id}"), token).await;
        let case_id = a.body["case_id"].as_i64().unwrap_or_else(|| panic!("{}: not submitted: {}", f.code, a.text));
        let mut case = self.app.get(&format!("/api/v1/cases/{case_id}"), &self.clerk).await;
        assert_eq!(case.body["channel"], f.channels[0].code(), "{}: applied on its own channel", f.code);
        case.status = reqwest::StatusCode::CREATED;
        case.body = json!({"case": case.body});
        case
    }

    /// 发证's fields for case `id`: the applicant collects in person, one 印制号 per certificate.
    async fn issuance(&self, id: i64) -> Value {
        let mut conn = self.app.db.conn().await.unwrap();
        let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM certificates WHERE case_id = $1 AND status = 'valid' ORDER BY number").bind(id).fetch_all(&mut *conn).await.unwrap();
        let serials: Vec<Value> = numbers.iter().enumerate().map(|(i, n)| json!({"certificate_number": n, "print_serial": format!("FLOW{id}N{i}")})).collect();
        json!({"recipient_name": "申请人本人", "id_kind": "passport", "id_number": "E12345678", "relation": "holder", "serials": serials})
    }

    /// Drives a flow from 受理 to 归档 on its own channel; returns the archived case.
    async fn run(&self, code: &str, unit: i64, applicants: Value, request: Value) -> Value {
        let f = flow(code);
        let r = self.open(f, unit, applicants, request).await;
        assert_eq!(r.status, 201, "{code}: 受理 refused: {}", r.text);
        let id = r.body["case"]["id"].as_i64().unwrap();
        let mut state = r.body["case"]["state"].as_str().unwrap().to_owned();
        for _ in 0..8 {
            let (action, reason) = match state.as_str() {
                "intake" => ("submit", ""),
                "review" => ("approve", ""),
                "register" => ("register", ""),
                "certify" => ("certify", ""),
                "issue" => ("issue", ""),
                "archive" => ("archive", ""),
                "archived" => return r.body["case"].clone(),
                other => panic!("{code}: unexpected state {other}"),
            };
            let body = if action == "issue" { json!({"action": action, "issuance": self.issuance(id).await}) } else { json!({"action": action, "reason": reason}) };
            let r = self.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(self.team.for_action(action)), Some(body)).await;
            assert_eq!(r.status, 200, "{code} {action}: {}", r.text);
            state = r.body["case"]["state"].as_str().unwrap().to_owned();
            if state == "archived" {
                return r.body["case"].clone();
            }
        }
        panic!("{code}: never archived");
    }

    /// The application is refused at 受理 because the applicants may not ask for it.
    async fn refused_for_entitlement(&self, code: &str, unit: i64, applicants: Value, request: Value) {
        let f = flow(code);
        let r = self.open(f, unit, applicants, request).await;
        assert_eq!(r.problem(422), "rule_blocked", "{code}: a stranger must be refused: {}", r.text);
        let finding = r.body["findings"].as_array().unwrap().iter().find(|x| x["rule_code"] == "applicant-entitled").cloned().unwrap_or_default();
        assert_eq!(finding["passed"], false, "{code}: {}", r.text);
        assert!(finding["message"].as_str().unwrap_or("").contains("依据"), "{code}: the refusal names the law: {finding}");
    }

    async fn book(&self, unit: i64) -> Value {
        let r = self.app.get(&format!("/api/v1/units/{unit}/register"), &self.clerk).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }

    /// A title of `kind` held by `holders` (共同共有 when two), through a first registration.
    async fn title(&self, unit: i64, kind: RightKind, holders: &[i64]) {
        let first = catalogue::flows()
            .iter()
            .filter(|f| f.effect == Effect::CreateRight && f.right_kind == kind)
            .min_by_key(|f| if f.channels[0] == Channel::Counter { 0 } else { 1 })
            .unwrap_or_else(|| panic!("no first registration of {kind:?}"));
        let apps: Vec<Value> = holders.iter().map(|p| rh(*p)).collect();
        let mut attrs = json!({"term_start": "2006-01-01", "term_end": LAND_END});
        if matches!(kind, RightKind::Easement | RightKind::ResidenceRight) {
            attrs = json!({"term_end": "2040-12-31"});
        }
        self.run(first.code, unit, json!(apps), json!({"attributes": attrs})).await;
    }

    async fn house(&self, unit: i64, holders: &[i64]) {
        self.title(unit, RightKind::StateLandAndHouse, holders).await;
    }
}

fn current<'a>(book: &'a Value, kind: &str) -> Vec<&'a Value> {
    book["current"].as_array().unwrap().iter().filter(|r| r["kind"] == kind).collect()
}

fn one<'a>(book: &'a Value, kind: &str) -> &'a Value {
    let c = current(book, kind);
    assert_eq!(c.len(), 1, "exactly one current {kind}: {}", book["current"]);
    c[0]
}

fn history<'a>(book: &'a Value, kind: &str, state: &str) -> Vec<&'a Value> {
    book["history"].as_array().unwrap().iter().filter(|r| r["kind"] == kind && r["state_name"] == state).collect()
}

fn names(r: &Value) -> BTreeSet<String> {
    r["holders"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap().to_owned()).collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn cert(r: &Value) -> String {
    r["certificate_number"].as_str().unwrap_or("").to_owned()
}

/// The unit's current rights as `(kind, holders)`, for "nothing else changed".
fn others(book: &Value, except: &str) -> Vec<(String, BTreeSet<String>)> {
    book["current"].as_array().unwrap().iter().filter(|r| r["kind"] != except).map(|r| (r["kind"].as_str().unwrap().to_owned(), names(r))).collect()
}

const A: &str = "张一";
const B: &str = "张一之妻";
const C: &str = "李买方";
const D: &str = "赵丁";
const BANK: &str = "常州示例银行股份有限公司";
const BANK2: &str = "江苏另一银行股份有限公司";
const DEV: &str = "常州示例房地产开发有限公司";
const COURT: &str = "常州市天宁区人民法院";

/// Drives one flow and checks what it did to the register.
async fn conform(w: &World, f: &'static Flow) {
    let unit = w.unit().await;
    let kind = f.right_kind;
    let k = kind.code();
    let combined = bdc_registry::service::cases::with_mortgage(f);
    match f.effect {
        Effect::CreateRight if is_title_kind(kind) => {
            let before = w.book(unit).await;
            assert!(before["current"].as_array().unwrap().is_empty());
            w.run(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"term_start": "2006-01-01", "term_end": LAND_END}})).await;
            let book = w.book(unit).await;
            let t = one(&book, k);
            assert_eq!(names(t), set(&[A]), "{}", f.code);
            assert_eq!(t["attributes"]["term_end"], LAND_END, "{}", f.code);
            assert!(cert(t).contains("不动产权"), "{}: a title certificate: {}", f.code, cert(t));
            // A second first registration of the same right is refused.
            let r = w.open(f, unit, json!([rh(w.c)]), json!({})).await;
            assert_eq!(r.problem(422), "rule_blocked", "{}", f.code);
        }
        Effect::CreateRight => {
            // 地役权 / 居住权 on the owner's house, granted by the owner (双方共同申请).
            w.house(unit, &[w.a]).await;
            let dominant = w.unit().await;
            w.house(dominant, &[w.c]).await;
            let attrs = if kind == RightKind::Easement { json!({"dominant_unit": w.number(dominant).await, "purpose": "通行", "term_end": "2040-12-31"}) } else { json!({"term_end": "2040-12-31"}) };
            if kind == RightKind::Easement {
                let r = w.open(f, unit, json!([rh(w.c), ob(w.a)]), json!({"attributes": {"purpose": "通行"}})).await;
                assert_eq!(r.problem(422), "dominant_unit_required", "{}", f.code);
            }
            w.refused_for_entitlement(f.code, unit, json!([rh(w.c), ob(w.stranger)]), json!({"attributes": attrs.clone()})).await;
            w.run(f.code, unit, json!([rh(w.c), ob(w.a)]), json!({"attributes": attrs})).await;
            let book = w.book(unit).await;
            let r = one(&book, k);
            assert_eq!(names(r), set(&[C]), "{}", f.code);
            assert!(cert(r).contains("不动产证明"), "{}: a proof: {}", f.code, cert(r));
            assert_eq!(names(one(&book, "state_land_and_house")), set(&[A]), "{}: the owner keeps the house", f.code);
            if kind == RightKind::Easement {
                // Recorded on the dominant land's register too (实施细则 第六十条).
                let companion = w.companion(dominant, unit).await.unwrap_or_else(|| panic!("{}: the dominant unit's register records the easement", f.code));
                assert_eq!((names(&companion), companion["attributes"]["purpose"].as_str()), (set(&[C]), Some("通行")), "{}", f.code);
            }
        }
        Effect::TransferRight | Effect::TransferWithMortgage if kind == RightKind::Easement => {
            w.house(unit, &[w.a]).await;
            let dominant = w.easement(unit).await;
            // The easement passes from its holder — not from the owner of the servient house.
            w.refused_for_entitlement(f.code, unit, json!([rh(w.d), ob(w.a)]), json!({})).await;
            w.run(f.code, unit, json!([rh(w.d), ob(w.c)]), json!({})).await;
            let book = w.book(unit).await;
            let e = one(&book, "easement");
            assert_eq!(names(e), set(&[D]), "{}", f.code);
            assert_eq!(e["attributes"]["purpose"], "通行", "{}", f.code);
            assert_eq!(history(&book, "easement", "历史").len(), 1, "{}", f.code);
            assert_eq!(names(one(&book, "state_land_and_house")), set(&[A]), "{}", f.code);
            assert_eq!(names(&w.companion(dominant, unit).await.expect("companion")), set(&[D]), "{}: the dominant register follows", f.code);
        }
        Effect::TransferRight | Effect::TransferWithMortgage => {
            let (applicants, stranger_apps): (Value, Value) = match f.basis {
                Basis::Division => {
                    w.title(unit, kind, &[w.a, w.b]).await;
                    (json!([rh(w.a), ob(w.b)]), json!([rh(w.a), ob(w.stranger)]))
                }
                Basis::Judgment | Basis::Succession => {
                    w.title(unit, kind, &[w.a]).await;
                    (json!([rh(w.c)]), Value::Null)
                }
                _ => {
                    w.title(unit, kind, &[w.a]).await;
                    (json!([rh(w.c), ob(w.a)]), json!([rh(w.c), ob(w.stranger)]))
                }
            };
            let before = w.book(unit).await;
            let old = one(&before, k).clone();
            let request = if combined { json!({"attributes": mortgage_terms("1200000"), "mortgagees": [w.bank]}) } else { json!({}) };
            if !stranger_apps.is_null() {
                w.refused_for_entitlement(f.code, unit, stranger_apps, request.clone()).await;
            }
            w.run(f.code, unit, applicants, request).await;
            let book = w.book(unit).await;
            let t = one(&book, k);
            let want = if f.basis == Basis::Division { set(&[A]) } else { set(&[C]) };
            assert_eq!(names(t), want, "{}", f.code);
            assert_eq!(t["attributes"]["term_end"], LAND_END, "{}: the land term is the title's, untouched", f.code);
            assert_ne!(cert(t), cert(&old), "{}: a new certificate", f.code);
            let h = history(&book, k, "历史");
            assert!(h.iter().any(|r| r["id"] == old["id"]), "{}: the old title is history", f.code);
            if combined {
                let m = one(&book, "mortgage");
                assert_eq!(names(m), set(&[BANK]), "{}", f.code);
                assert_eq!(m["attributes"]["amount"], "1200000", "{}", f.code);
                assert_eq!(m["attributes"]["term_end"], DEBT_END, "{}: the mortgage has its own term", f.code);
                assert!(cert(m).contains("不动产证明"), "{}", f.code);
            } else {
                assert!(current(&book, "mortgage").is_empty(), "{}", f.code);
            }
        }
        Effect::ChangeRight => {
            let scope = f.change_scope().unwrap();
            if kind == RightKind::Easement {
                w.house(unit, &[w.a]).await;
                let dominant = w.easement(unit).await;
                w.refused_for_entitlement(f.code, unit, json!([rh(w.stranger), ob(w.a)]), json!({"attributes": {"purpose": "通行及铺设管线"}})).await;
                w.run(f.code, unit, json!([rh(w.c), ob(w.a)]), json!({"attributes": {"purpose": "通行及铺设管线"}})).await;
                let book = w.book(unit).await;
                let e = one(&book, "easement");
                assert_eq!((names(e), e["attributes"]["purpose"].as_str()), (set(&[C]), Some("通行及铺设管线")), "{}", f.code);
                assert_eq!(w.companion(dominant, unit).await.expect("companion")["attributes"]["purpose"], "通行及铺设管线", "{}", f.code);
                return;
            }
            w.title(unit, kind, &[w.a, w.b]).await;
            let before = w.book(unit).await;
            let old = one(&before, k).clone();
            match scope {
                ChangeScope::Name => {
                    // One spouse's name changes: she alone applies, and both stay on the title.
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.stranger)]), json!({"attributes": {"new_name": "张壹"}})).await;
                    w.run(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"new_name": "张壹"}})).await;
                    let book = w.book(unit).await;
                    let t = one(&book, k);
                    assert_eq!(names(t), set(&["张壹", B]), "{}: the other holder stays", f.code);
                    // The entry it superseded still shows the name she bore then.
                    assert!(history(&book, k, "历史").iter().any(|r| r["id"] == old["id"] && names(r) == set(&[A, B])), "{}: {}", f.code, book["history"]);
                    // Rename back for the next flows of the suite (the same party is reused).
                    w.run(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"new_name": A}})).await;
                }
                ChangeScope::Address => {
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"location": "常州市天宁区竹林北路8号（新）"}})).await;
                    w.run(f.code, unit, json!([rh(w.a), rh(w.b)]), json!({"attributes": {"location": "常州市天宁区竹林北路8号（新）"}})).await;
                    let book = w.book(unit).await;
                    assert_eq!(book["unit"]["location"], "常州市天宁区竹林北路8号（新）", "{}: the unit itself shows the new 坐落", f.code);
                    assert_eq!(names(one(&book, k)), set(&[A, B]), "{}", f.code);
                }
                ChangeScope::CoOwnership => {
                    w.refused_for_entitlement(
                        f.code,
                        unit,
                        json!([{"party_id": w.a, "role": "right_holder", "share": "1/2"}, {"party_id": w.stranger, "role": "right_holder", "share": "1/2"}]),
                        json!({"co_ownership": "2"}),
                    )
                    .await;
                    w.run(f.code, unit, json!([{"party_id": w.a, "role": "right_holder", "share": "2/3"}, {"party_id": w.b, "role": "right_holder", "share": "1/3"}]), json!({"co_ownership": "2"}))
                        .await;
                    let book = w.book(unit).await;
                    let t = one(&book, k);
                    assert_eq!(t["co_ownership_name"], "按份共有", "{}", f.code);
                    let shares: BTreeSet<String> = t["holders"].as_array().unwrap().iter().map(|h| format!("{}:{}", h["name"].as_str().unwrap(), h["share"].as_str().unwrap())).collect();
                    assert_eq!(shares, set(&[&format!("{A}:2/3"), &format!("{B}:1/3")]), "{}", f.code);
                }
                ChangeScope::Any => {
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"term_end": "2094-06-30"}})).await;
                    // Nothing changed is no change.
                    let r = w.open(f, unit, json!([rh(w.a), rh(w.b)]), json!({})).await;
                    let id = r.body["case"]["id"].as_i64().unwrap();
                    for a in ["submit", "approve"] {
                        w.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(w.team.for_action(a)), Some(json!({"action": a}))).await;
                    }
                    let r = w.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(&w.team.registrar), Some(json!({"action": "register"}))).await;
                    assert_eq!(r.problem(422), "cannot_register", "{}", f.code);
                    w.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(&w.clerk), Some(json!({"action": "suspend", "reason": "无变更事项"}))).await;
                    w.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(&w.clerk), Some(json!({"action": "withdraw", "reason": "无变更事项"}))).await;
                    w.run(f.code, unit, json!([rh(w.a), rh(w.b)]), json!({"attributes": {"term_end": "2094-06-30"}})).await;
                    let book = w.book(unit).await;
                    let t = one(&book, k);
                    assert_eq!(t["attributes"]["term_end"], "2094-06-30", "{}", f.code);
                    assert_eq!(t["attributes"]["term_start"], "2006-01-01", "{}: the rest is kept", f.code);
                    assert_eq!(names(t), set(&[A, B]), "{}: a change keeps the holders", f.code);
                }
            }
            let book = w.book(unit).await;
            assert!(history(&book, k, "历史").iter().any(|r| r["id"] == old["id"]), "{}", f.code);
            assert_ne!(cert(one(&book, k)), cert(&old), "{}: a new certificate", f.code);
        }
        Effect::CancelRight => {
            if is_title_kind(kind) {
                w.title(unit, kind, &[w.a]).await;
                w.refused_for_entitlement(f.code, unit, json!([rh(w.stranger)]), json!({})).await;
                w.run(f.code, unit, json!([rh(w.a)]), json!({})).await;
                let book = w.book(unit).await;
                assert!(current(&book, k).is_empty(), "{}", f.code);
                assert_eq!(history(&book, k, "终止").len(), 1, "{}", f.code);
            } else {
                w.house(unit, &[w.a]).await;
                let dominant = if kind == RightKind::Easement {
                    Some(w.easement(unit).await)
                } else {
                    w.run("CTR-RESIDENCE-FIRST", unit, json!([rh(w.c), ob(w.a)]), json!({"attributes": {"term_end": "2040-12-31"}})).await;
                    None
                };
                w.refused_for_entitlement(f.code, unit, json!([rh(w.a)]), json!({})).await;
                w.run(f.code, unit, json!([rh(w.c)]), json!({})).await;
                if let Some(d) = dominant {
                    assert!(w.companion(d, unit).await.is_none(), "{}: the companion ends with the easement", f.code);
                    assert_eq!(history(&w.book(d).await, "easement", "终止").len(), 1, "{}", f.code);
                }
                let book = w.book(unit).await;
                assert!(current(&book, k).is_empty(), "{}", f.code);
                assert_eq!(history(&book, k, "终止").len(), 1, "{}", f.code);
                assert_eq!(names(one(&book, "state_land_and_house")), set(&[A]), "{}: the house stays", f.code);
            }
        }
        Effect::Correction => {
            w.title(unit, kind, &[w.a]).await;
            let old = one(&w.book(unit).await, k).clone();
            w.refused_for_entitlement(f.code, unit, json!([rh(w.stranger)]), json!({"attributes": {"note": "更正：土地使用期限"}})).await;
            w.run(f.code, unit, json!([rh(w.a)]), json!({"attributes": {"term_end": "2093-06-30", "note": "更正：土地使用期限"}})).await;
            let book = w.book(unit).await;
            let t = one(&book, k);
            assert_eq!((t["attributes"]["term_end"].as_str(), names(t)), (Some("2093-06-30"), set(&[A])), "{}", f.code);
            assert!(history(&book, k, "历史").iter().any(|r| r["id"] == old["id"]), "{}", f.code);
        }
        Effect::ReplaceCertificate | Effect::ReissueCertificate => {
            w.title(unit, kind, &[w.a]).await;
            let old = one(&w.book(unit).await, k).clone();
            w.refused_for_entitlement(f.code, unit, json!([rh(w.stranger)]), json!({})).await;
            w.run(f.code, unit, json!([rh(w.a)]), json!({})).await;
            let book = w.book(unit).await;
            let t = one(&book, k);
            assert_eq!(t["id"], old["id"], "{}: the same right", f.code);
            assert_ne!(cert(t), cert(&old), "{}: a new number", f.code);
            let mut c = w.app.db.conn().await.unwrap();
            let status: String = sqlx::query_scalar("SELECT status FROM certificates WHERE number = $1").bind(cert(&old)).fetch_one(&mut *c).await.unwrap();
            assert_eq!(status, "void", "{}: the old certificate is void", f.code);
        }
        Effect::CreateRestriction => match kind {
            RightKind::Mortgage => {
                w.house(unit, &[w.a]).await;
                let r = w.open(f, unit, json!([rh(w.bank), ob(w.a)]), json!({"attributes": {"amount": "800000"}})).await;
                assert_eq!(r.problem(422), "term_required", "{}: no mortgage without the debt's term", f.code);
                w.refused_for_entitlement(f.code, unit, json!([rh(w.bank), ob(w.stranger)]), json!({"attributes": mortgage_terms("800000")})).await;
                w.run(f.code, unit, json!([rh(w.bank), ob(w.a)]), json!({"attributes": mortgage_terms("800000")})).await;
                let book = w.book(unit).await;
                let m = one(&book, "mortgage");
                assert_eq!(
                    (names(m), m["attributes"]["amount"].as_str(), m["attributes"]["term_end"].as_str(), m["attributes"]["rank"].as_str()),
                    (set(&[BANK]), Some("800000"), Some(DEBT_END), Some("1")),
                    "{}",
                    f.code
                );
                assert_eq!(one(&book, "state_land_and_house")["attributes"]["term_end"], LAND_END, "{}", f.code);
            }
            RightKind::AdvanceNotice if combined => {
                // 双预告 on a presold house: the buyer's notice and the bank's mortgage notice.
                w.run(f.code, unit, json!([rh(w.c), ob(w.developer)]), json!({"attributes": mortgage_terms("900000"), "mortgagees": [w.bank]})).await;
                let book = w.book(unit).await;
                let notices = current(&book, "advance_notice");
                assert_eq!(notices.len(), 2, "{}: two notices", f.code);
                let purchase = notices.iter().find(|n| n["attributes"]["advance_kind"] == "1").expect("预售商品房买卖预告");
                let mortgage = notices.iter().find(|n| n["attributes"]["advance_kind"] == "3").expect("预售商品房抵押权预告");
                assert_eq!(names(purchase), set(&[C]), "{}", f.code);
                assert!(purchase["attributes"].get("amount").is_none(), "{}: the purchase notice carries no debt", f.code);
                assert_eq!((names(mortgage), mortgage["attributes"]["amount"].as_str()), (set(&[BANK]), Some("900000")), "{}", f.code);
            }
            RightKind::AdvanceNotice => {
                let presale = f.code.contains("PRESALE");
                if !presale {
                    w.house(unit, &[w.a]).await;
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.c), ob(w.stranger)]), json!({})).await;
                }
                let typed = w.open(f, unit, json!([rh(w.c), ob(if presale { w.developer } else { w.a })]), json!({"attributes": {"lapses_on": "2099-01-01"}})).await;
                assert_eq!(typed.problem(422), "computed_attribute", "{}", f.code);
                w.run(f.code, unit, json!([rh(w.c), ob(if presale { w.developer } else { w.a })]), json!({})).await;
                let book = w.book(unit).await;
                let n = one(&book, "advance_notice");
                assert_eq!(names(n), set(&[C]), "{}", f.code);
                let today = bdc_registry::service::cases::today();
                if presale {
                    assert!(n["attributes"].get("lapses_on").is_none(), "{}: not yet registrable, the 90 days have not begun", f.code);
                } else {
                    assert_eq!(n["attributes"]["lapses_on"], (today + chrono::Duration::days(90)).to_string().as_str(), "{}", f.code);
                }
            }
            RightKind::Objection => {
                w.house(unit, &[w.a]).await;
                w.run(f.code, unit, json!([rh(w.d)]), json!({"attributes": {"note": "对权利人有异议"}})).await;
                let book = w.book(unit).await;
                let o = one(&book, "objection");
                assert_eq!(names(o), set(&[D]), "{}", f.code);
                assert_eq!(o["attributes"]["lapses_on"], (bdc_registry::service::cases::today() + chrono::Duration::days(15)).to_string().as_str(), "{}", f.code);
            }
            RightKind::Seizure => {
                let pre = f.name.contains("预查封");
                if !pre {
                    w.house(unit, &[w.a]).await;
                }
                let queued = f.name.contains("轮候");
                if queued {
                    w.run("CTR-SEIZURE", unit, json!([ag(w.court2)]), json!({"attributes": {"court_case": "(2026)苏0404执1号"}})).await;
                }
                w.run(f.code, unit, json!([ag(w.court)]), json!({"attributes": {"court_case": "(2026)苏0402执9号"}})).await;
                let book = w.book(unit).await;
                let s: Vec<&Value> = current(&book, "seizure").into_iter().filter(|s| names(s) == set(&[COURT])).collect();
                assert_eq!(s.len(), 1, "{}", f.code);
                let want = if pre {
                    "3"
                } else if queued {
                    "2"
                } else {
                    "1"
                };
                assert_eq!(s[0]["attributes"]["seizure_kind"], want, "{}", f.code);
                if !queued {
                    assert_eq!(s[0]["attributes"]["term_start"], bdc_registry::service::cases::today().to_string().as_str(), "{}: the term starts at registration", f.code);
                }
            }
            RightKind::Lock => {
                w.house(unit, &[w.a]).await;
                w.run(f.code, unit, json!([ag(w.authority)]), json!({})).await;
                let book = w.book(unit).await;
                assert_eq!(names(one(&book, "lock")), set(&["常州市住房和城乡建设局"]), "{}", f.code);
            }
            other => panic!("{}: no scenario for a new {other:?}", f.code),
        },
        Effect::ChangeRestriction => match kind {
            RightKind::Mortgage => {
                w.house(unit, &[w.a]).await;
                w.run("CTR-MORTGAGE-FIRST", unit, json!([rh(w.bank), ob(w.a)]), json!({"attributes": mortgage_terms("800000")})).await;
                if f.basis == Basis::Assignment {
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.bank2), ob(w.stranger)]), json!({})).await;
                    w.run(f.code, unit, json!([rh(w.bank2), ob(w.bank)]), json!({})).await;
                    let book = w.book(unit).await;
                    let m = one(&book, "mortgage");
                    assert_eq!((names(m), m["attributes"]["amount"].as_str()), (set(&[BANK2]), Some("800000")), "{}", f.code);
                } else {
                    let apps = if f.applicant_roles.contains(&catalogue::ApplicantRole::Obligor) { json!([rh(w.bank), ob(w.a)]) } else { json!([rh(w.bank)]) };
                    w.refused_for_entitlement(f.code, unit, json!([rh(w.bank2), ob(w.a)]), json!({"attributes": {"amount": "600000"}})).await;
                    w.run(f.code, unit, apps, json!({"attributes": {"amount": "600000"}})).await;
                    let book = w.book(unit).await;
                    let m = one(&book, "mortgage");
                    assert_eq!((names(m), m["attributes"]["amount"].as_str(), m["attributes"]["term_end"].as_str()), (set(&[BANK]), Some("600000"), Some(DEBT_END)), "{}", f.code);
                }
                assert_eq!(history(&w.book(unit).await, "mortgage", "历史").len(), 1, "{}", f.code);
            }
            RightKind::AdvanceNotice => {
                let double = f.name.starts_with("双预告");
                if double {
                    w.run("HA-DOUBLE-ADVANCE", unit, json!([rh(w.c), ob(w.developer)]), json!({"attributes": mortgage_terms("900000"), "mortgagees": [w.bank]})).await;
                } else {
                    w.house(unit, &[w.a]).await;
                    w.run("CTR-ADVANCE", unit, json!([rh(w.c), ob(w.a)]), json!({})).await;
                }
                let obligor = if double { w.developer } else { w.a };
                let mut apps = if f.basis == Basis::Assignment { vec![rh(w.d), ob(w.c)] } else { vec![rh(w.c), ob(obligor)] };
                if f.applicant_roles.contains(&catalogue::ApplicantRole::Agent) {
                    apps.push(ag(w.bank));
                }
                let request = json!({"attributes": {"note": "网签合同补充协议"}});
                let stranger = if f.basis == Basis::Assignment { json!([rh(w.d), ob(w.stranger)]) } else { json!([rh(w.stranger), ob(obligor)]) };
                w.refused_for_entitlement(f.code, unit, stranger, request.clone()).await;
                w.run(f.code, unit, json!(apps), request).await;
                let book = w.book(unit).await;
                let purchase: Vec<&Value> = current(&book, "advance_notice").into_iter().filter(|n| !matches!(n["attributes"]["advance_kind"].as_str(), Some("3" | "4"))).collect();
                assert_eq!(purchase.len(), 1, "{}", f.code);
                let want = if f.basis == Basis::Assignment { set(&[D]) } else { set(&[C]) };
                assert_eq!(names(purchase[0]), want, "{}", f.code);
                assert_eq!(purchase[0]["attributes"]["note"], "网签合同补充协议", "{}", f.code);
                if double {
                    let m: Vec<&Value> = current(&book, "advance_notice").into_iter().filter(|n| n["attributes"]["advance_kind"] == "3").collect();
                    assert_eq!(names(m[0]), set(&[BANK]), "{}: the bank's notice is untouched", f.code);
                }
            }
            RightKind::Seizure => {
                w.house(unit, &[w.a]).await;
                w.run("CTR-SEIZURE", unit, json!([ag(w.court)]), json!({"attributes": {"court_case": "(2026)苏0402执9号"}})).await;
                let old = one(&w.book(unit).await, "seizure").clone();
                let old_end: chrono::NaiveDate = old["attributes"]["term_end"].as_str().unwrap().parse().unwrap();
                let new_end = (old_end + chrono::Duration::days(365)).to_string();
                w.refused_for_entitlement(f.code, unit, json!([ag(w.court2)]), json!({"attributes": {"term_end": new_end}})).await;
                w.run(f.code, unit, json!([ag(w.court)]), json!({"attributes": {"term_end": new_end}})).await;
                let book = w.book(unit).await;
                let s = one(&book, "seizure");
                assert_eq!((s["attributes"]["term_end"].as_str(), s["attributes"]["court_case"].as_str()), (Some(new_end.as_str()), Some("(2026)苏0402执9号")), "{}", f.code);
            }
            other => panic!("{}: no scenario for a change of {other:?}", f.code),
        },
        Effect::ReleaseRestriction => {
            w.house(unit, &[w.a]).await;
            let (setup, setup_apps, setup_req, releaser, stranger): (&str, Value, Value, Value, Value) = match kind {
                RightKind::Mortgage => ("CTR-MORTGAGE-FIRST", json!([rh(w.bank), ob(w.a)]), json!({"attributes": mortgage_terms("500000")}), json!([rh(w.bank)]), json!([rh(w.bank2)])),
                RightKind::AdvanceNotice if f.name.starts_with("双预告") => {
                    ("CTR-ADVANCE", json!([rh(w.bank), ob(w.a)]), json!({"attributes": {"advance_kind": "4"}}), json!([rh(w.bank)]), json!([rh(w.bank2)]))
                }
                RightKind::AdvanceNotice => ("CTR-ADVANCE", json!([rh(w.c), ob(w.a)]), json!({}), json!([rh(w.c)]), json!([rh(w.stranger)])),
                RightKind::Objection => ("CTR-OBJECTION", json!([rh(w.d)]), json!({}), json!([rh(w.d)]), json!([rh(w.a)])),
                RightKind::Seizure => ("CTR-SEIZURE", json!([ag(w.court)]), json!({}), json!([ag(w.court)]), json!([ag(w.court2)])),
                RightKind::Lock => ("CTR-LOCK", json!([ag(w.authority)]), json!({}), json!([ag(w.authority)]), json!([ag(w.court)])),
                other => panic!("{}: no scenario for a release of {other:?}", f.code),
            };
            w.run(setup, unit, setup_apps, setup_req).await;
            let mut releaser = releaser;
            if f.applicant_roles.contains(&catalogue::ApplicantRole::Obligor) {
                releaser.as_array_mut().unwrap().push(ob(w.a));
            }
            let mut stranger = stranger;
            if f.applicant_roles.contains(&catalogue::ApplicantRole::Obligor) {
                stranger.as_array_mut().unwrap().push(ob(w.a));
            }
            w.refused_for_entitlement(f.code, unit, stranger, json!({})).await;
            let case = w.run(f.code, unit, releaser, json!({})).await;
            let book = w.book(unit).await;
            assert!(current(&book, k).is_empty(), "{}", f.code);
            assert_eq!(history(&book, k, "终止").len(), 1, "{}", f.code);
            assert_eq!(names(one(&book, "state_land_and_house")), set(&[A]), "{}", f.code);
            if f.auto_register {
                assert!(case["review_report"].as_str().unwrap_or("").contains("系统自动审核"), "{}: registered automatically", f.code);
            }
        }
        Effect::AdvanceToTitle => {
            let double = combined;
            if double {
                w.run("HA-DOUBLE-ADVANCE", unit, json!([rh(w.c), ob(w.developer)]), json!({"attributes": mortgage_terms("900000"), "mortgagees": [w.bank]})).await;
                w.house(unit, &[w.developer]).await;
            } else {
                w.house(unit, &[w.developer]).await;
                w.run("CTR-ADVANCE", unit, json!([rh(w.c), ob(w.developer)]), json!({})).await;
            }
            let developer_title = one(&w.book(unit).await, "state_land_and_house").clone();
            let mut apps = vec![rh(w.c)];
            if f.applicant_roles.contains(&catalogue::ApplicantRole::Obligor) {
                apps.push(ob(w.developer));
            }
            let mut stranger = vec![rh(w.stranger)];
            if f.applicant_roles.contains(&catalogue::ApplicantRole::Obligor) {
                stranger.push(ob(w.developer));
            }
            w.refused_for_entitlement(f.code, unit, json!(stranger), json!({})).await;
            w.run(f.code, unit, json!(apps), json!({})).await;
            let book = w.book(unit).await;
            let t = one(&book, "state_land_and_house");
            assert_eq!(names(t), set(&[C]), "{}: the buyer owns the house", f.code);
            assert_eq!(t["attributes"]["term_end"], LAND_END, "{}: with the land term of the developer's title", f.code);
            assert!(history(&book, "state_land_and_house", "历史").iter().any(|r| r["id"] == developer_title["id"] && names(r) == set(&[DEV])), "{}: the developer's title is history", f.code);
            assert!(current(&book, "advance_notice").is_empty(), "{}: the notices are spent", f.code);
            if double {
                let m = one(&book, "mortgage");
                assert_eq!(
                    (names(m), m["attributes"]["amount"].as_str(), m["attributes"]["term_end"].as_str()),
                    (set(&[BANK]), Some("900000"), Some(DEBT_END)),
                    "{}: the mortgage notice became the mortgage",
                    f.code
                );
            }
        }
    }
    // Whatever the flow, the register's own check agrees with it.
    let report = bdc_registry::service::verify::verify(&w.app.services).await.unwrap();
    assert_eq!(report.problem, None, "{}: verify after the flow", f.code);
    let _ = others;
}

async fn channel(engine: Engine, c: Channel) {
    drive_channel(world(engine).await, c).await;
}

async fn drive_channel(w: World, c: Channel) {
    let mut driven = 0;
    for f in catalogue::by_channel(c) {
        conform(&w, f).await;
        driven += 1;
    }
    assert_eq!(driven, catalogue::by_channel(c).count());
    // Every flow left a journal entry of its own; the register's check agrees with all of them.
    let report = bdc_registry::service::verify::verify(&w.app.services).await.unwrap();
    assert!(report.entries >= i64::try_from(driven).unwrap(), "{c:?}: {} entries for {driven} flows", report.entries);
    eprintln!("{c:?}: {driven} flows driven, {} journal entries, verify: {:?}", report.entries, report.problem);
}

async fn counter_flows(engine: Engine) {
    channel(engine, Channel::Counter).await;
}
async fn individual_flows(engine: Engine) {
    channel(engine, Channel::Individual).await;
}
async fn enterprise_flows(engine: Engine) {
    channel(engine, Channel::Enterprise).await;
}
async fn bank_flows(engine: Engine) {
    channel(engine, Channel::Bank).await;
}
async fn developer_flows(engine: Engine) {
    channel(engine, Channel::Developer).await;
}
async fn housing_authority_flows(engine: Engine) {
    channel(engine, Channel::HousingAuthority).await;
}
async fn accept_elsewhere_flows(engine: Engine) {
    channel(engine, Channel::AcceptElsewhere).await;
}

/// A title is never cancelled while something still bears on it; each encumbrance refuses the
/// 注销 with its reason, and once it is gone the 注销 goes through.
async fn cancellation_leaves_nothing_hanging(engine: Engine) {
    let w = world(engine).await;
    let unit = w.unit().await;
    w.house(unit, &[w.a]).await;
    let encumbrances: Vec<(&str, Value, Value, &str, Value)> = vec![
        ("CTR-MORTGAGE-FIRST", json!([rh(w.bank), ob(w.a)]), json!({"attributes": mortgage_terms("500000")}), "CTR-MORTGAGE-CANCEL", json!([rh(w.bank)])),
        ("CTR-SEIZURE", json!([ag(w.court)]), json!({}), "CTR-SEIZURE-RELEASE", json!([ag(w.court)])),
        ("CTR-ADVANCE", json!([rh(w.c), ob(w.a)]), json!({}), "CTR-ADVANCE-CANCEL", json!([rh(w.c)])),
        ("CTR-OBJECTION", json!([rh(w.d)]), json!({}), "CTR-OBJECTION-CANCEL", json!([rh(w.d)])),
        ("CTR-RESIDENCE-FIRST", json!([rh(w.c), ob(w.a)]), json!({"attributes": {"term_end": "2040-12-31"}}), "CTR-RESIDENCE-CANCEL", json!([rh(w.c)])),
        ("CTR-LOCK", json!([ag(w.authority)]), json!({}), "CTR-UNLOCK", json!([ag(w.authority)])),
    ];
    for (set_up, apps, req, release, releaser) in encumbrances {
        w.run(set_up, unit, apps, req).await;
        let r = w.open(flow("CTR-CANCEL"), unit, json!([rh(w.a)]), json!({})).await;
        assert_eq!(r.problem(422), "rule_blocked", "{set_up}: {}", r.text);
        assert!(
            r.body["findings"].as_array().unwrap().iter().any(|f| f["passed"] == false && (f["rule_code"] == "cancellation-unencumbered" || f["rule_code"] == "lock-blocks")),
            "{set_up}: {}",
            r.text
        );
        w.run(release, unit, releaser, json!({})).await;
    }
    w.run("CTR-CANCEL", unit, json!([rh(w.a)]), json!({})).await;
    let book = w.book(unit).await;
    assert!(book["current"].as_array().unwrap().is_empty(), "{}", book["current"]);
    assert_eq!(bdc_registry::service::verify::verify(&w.app.services).await.unwrap().problem, None);
}

/// `bdc verify` refuses a register that breaks the invariants, even when the journal entry that
/// breaks them is well formed and correctly chained (someone with write access to the database).
async fn verify_catches_two_titles_and_a_restriction_on_a_cancelled_title(engine: Engine) {
    use bdc_registry::store::journal::{self, Payload, Step};
    let w = world(engine).await;
    let unit = w.unit().await;
    w.house(unit, &[w.a]).await;
    w.run("CTR-MORTGAGE-FIRST", unit, json!([rh(w.bank), ob(w.a)]), json!({"attributes": mortgage_terms("500000")})).await;
    assert_eq!(bdc_registry::service::verify::verify(&w.app.services).await.unwrap().problem, None);
    let book = w.book(unit).await;
    let title = one(&book, "state_land_and_house")["id"].as_i64().unwrap();
    let append = |steps: Vec<Step>| {
        let db = w.app.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            let (seq, prev) = journal::next_seq(&mut tx).await.unwrap();
            let now = chrono::Utc::now();
            journal::append(&mut tx, seq, &prev, "intruder", &Payload { case_id: None, case_number: None, flow_code: None, at: journal::now_text(now), steps }, now).await.unwrap();
            bdc_db::commit(tx).await.unwrap();
        }
    };
    // The title ended with the mortgage left on it.
    append(vec![Step::End { right_id: title, state: 3 }]).await;
    let problem = bdc_registry::service::verify::verify(&w.app.services).await.unwrap().problem.unwrap_or_default();
    assert!(problem.contains("已注销") && problem.contains("抵押权"), "{problem}");

    // A second current title on another unit.
    let w = world(engine).await;
    let unit = w.unit().await;
    w.house(unit, &[w.a]).await;
    append_second_title(&w, unit).await;
    let problem = bdc_registry::service::verify::verify(&w.app.services).await.unwrap().problem.unwrap_or_default();
    assert!(problem.contains("两项以上现势的"), "{problem}");
}

/// Someone who can write the database file rewrites history and recomputes the whole chain:
/// the signed checkpoint kept outside the database gives him away, and every other table he
/// touched is named — all of them, not only the first.
async fn verify_finds_a_recomputed_chain_and_every_altered_table(engine: Engine) {
    use bdc_registry::store::journal;
    let w = world(engine).await;
    let unit = w.unit().await;
    w.house(unit, &[w.a]).await;
    w.run("CTR-TRANSFER", unit, json!([rh(w.c), ob(w.a)]), json!({})).await;
    let cp = bdc_registry::service::checkpoint::write(&w.app.services, chrono::Utc::now()).await.unwrap().expect("a checkpoint");
    assert!(cp.signature_valid());
    let report = bdc_registry::service::verify::verify(&w.app.services).await.unwrap();
    assert_eq!((report.problem.clone(), report.checkpoint.as_ref().map(|c| c.0)), (None, Some(cp.seq)), "{:?}", report.problems);

    // The forger: the buyer in entry 2 becomes 陌生人, in the journal and in the projection, and
    // every hash from there on is recomputed so the chain is whole again.
    let mut c = w.app.db.conn().await.unwrap();
    let (drop_sqlite, drop_pg) = ("DROP TRIGGER journal_no_update", "DROP TRIGGER journal_append_only ON journal");
    let _ = sqlx::query(if engine == Engine::Sqlite { drop_sqlite } else { drop_pg }).execute(&mut *c).await.unwrap();
    let entries = journal::entries(&mut c, 0, 100).await.unwrap();
    let mut prev = "0".repeat(64);
    for e in &entries {
        let text = if e.seq == 2 { e.payload.replace(&format!("[{},\"1\"]", w.c), &format!("[{},\"1\"]", w.stranger)) } else { e.payload.clone() };
        assert!(e.seq != 2 || text != e.payload, "the forger changed entry 2");
        let hash = journal::entry_hash(&prev, e.seq, &text);
        sqlx::query("UPDATE journal SET payload = $1, prev_hash = $2, hash = $3 WHERE seq = $4").bind(&text).bind(&prev).bind(&hash).bind(e.seq).execute(&mut *c).await.unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE journal_head SET hash = $1 WHERE id = 1").bind(&prev).execute(&mut *c).await.unwrap();
    sqlx::query("UPDATE right_holders SET party_id = $1 WHERE party_id = $2").bind(w.stranger).bind(w.c).execute(&mut *c).await.unwrap();
    // …and, for good measure, a holder's name, the unit's 坐落 and a case's registration.
    sqlx::query("UPDATE parties SET name = '张冒名' WHERE id = $1").bind(w.a).execute(&mut *c).await.unwrap();
    sqlx::query("UPDATE units SET location = '别处' WHERE id = $1").bind(unit).execute(&mut *c).await.unwrap();
    sqlx::query("UPDATE cases SET registered_seq = NULL WHERE registered_seq = 1").execute(&mut *c).await.unwrap();
    let report = bdc_registry::service::verify::verify(&w.app.services).await.unwrap();
    let all = report.problems.join("\n");
    assert!(all.contains("签名检查点") && all.contains("重算哈希"), "the recomputed chain is caught: {all}");
    assert!(all.contains("姓名（名称）与账本"), "{all}");
    assert!(all.contains("坐落与账本"), "{all}");
    assert!(all.contains("没有登簿记录"), "{all}");
    assert!(report.problems.len() >= 4, "every problem is reported: {all}");
}

async fn append_second_title(w: &World, unit: i64) {
    use bdc_registry::store::journal::{self, Payload, Step};
    let mut tx = w.app.db.begin().await.unwrap();
    let (seq, prev) = journal::next_seq(&mut tx).await.unwrap();
    let now = chrono::Utc::now();
    let step = Step::Create {
        right_id: 999_999,
        unit_id: unit,
        kind: "state_land_and_house".into(),
        co_ownership: "0".into(),
        holders: vec![(w.stranger, "1".into())],
        details: "{}".into(),
        certificate: None,
        certificate_kind: None,
        predecessor_id: None,
        names: Vec::new(),
        location: None,
    };
    journal::append(&mut tx, seq, &prev, "intruder", &Payload { case_id: None, case_number: None, flow_code: None, at: journal::now_text(now), steps: vec![step] }, now).await.unwrap();
    bdc_db::commit(tx).await.unwrap();
}

/// The online channels again, each flow applied for through the portal JSON API.
async fn individual_flows_online(engine: Engine) {
    drive_channel(online_world(engine).await, Channel::Individual).await;
}
async fn enterprise_flows_online(engine: Engine) {
    drive_channel(online_world(engine).await, Channel::Enterprise).await;
}
async fn bank_flows_online(engine: Engine) {
    drive_channel(online_world(engine).await, Channel::Bank).await;
}
async fn developer_flows_online(engine: Engine) {
    drive_channel(online_world(engine).await, Channel::Developer).await;
}
async fn housing_authority_flows_online(engine: Engine) {
    drive_channel(online_world(engine).await, Channel::HousingAuthority).await;
}

#[test]
fn every_flow_is_covered() {
    // The groups above take every channel, and every flow has exactly one channel.
    let driven: usize = Channel::ALL.iter().map(|c| catalogue::by_channel(*c).count()).sum();
    assert_eq!(driven, catalogue::flows().len());
    assert!(catalogue::flows().iter().all(|f| f.channels.len() == 1));
}

crate::both!(
    verify_finds_a_recomputed_chain_and_every_altered_table,
    cancellation_leaves_nothing_hanging,
    verify_catches_two_titles_and_a_restriction_on_a_cancelled_title,
    counter_flows,
    individual_flows,
    enterprise_flows,
    bank_flows,
    developer_flows,
    housing_authority_flows,
    accept_elsewhere_flows,
    individual_flows_online,
    enterprise_flows_online,
    bank_flows_online,
    developer_flows_online,
    housing_authority_flows_online
);
