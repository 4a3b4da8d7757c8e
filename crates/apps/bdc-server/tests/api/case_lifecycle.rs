//! A case's life as its people see it, on both engines: the 办理记录 names each step and who took
//! it (staff by name on the workbench, the applicant as 申请人, the office as 登记机构 on the
//! portal); the online applicant is told of each change by SMS, through the outbox and the job
//! machinery (a failed send is retried and holds nothing back); 发证 records the receiver and
//! each certificate's 证书印制号, the ID number sealed, and refuses a used 印制号 or a bad ID
//! number beside its field with nothing changed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bdc_adapters::sms::{SandboxSms, SmsError, SmsGateway};
use bdc_db::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Reply, Team, TestApp, PASSWORD};

const PARCEL: &str = "320402001001GB00003";
const UNITS: [&str; 2] = ["320402001001GB00003F00010001", "320402001001GB00003F00010002"];
const ZHANG_ID: &str = "440524188001010014";
const PHONE: &str = "13912345611";

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{}", r.text);
    r
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut c = app.db.conn().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *c).await.unwrap()
}

/// An SMS gateway that fails its first `failures` sends, then delivers to the sandbox.
#[derive(Debug)]
struct Flaky {
    failures: AtomicUsize,
    inner: SandboxSms,
}

#[async_trait::async_trait]
impl SmsGateway for Flaky {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            return Err(SmsError::Failed("短信网关暂时不可用".into()));
        }
        self.inner.send(phone, text).await
    }
}

/// The office of these tests: a clerk who takes every step but review and registration (his
/// reviewer and registrar beside him), 张三 who owns nothing yet, and two flats.
struct Office {
    app: TestApp,
    team: Team,
    zhang: i64,
    units: Vec<i64>,
}

async fn office(engine: Engine, sms: Arc<dyn SmsGateway>) -> Office {
    let app = spawn_app_with(engine, |s| s.with_sms(sms)).await;
    let clerk = app.staff("banli", &["intake", "certify", "archive", "query"]).await;
    let team = app.team("banli", &clerk).await;
    let zhang = ok(app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": ZHANG_ID}))).await).body["id"].as_i64().unwrap();
    ok(app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(
                json!({"code": PARCEL, "location": "常州市天宁区青洋北路3号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"}),
            ),
        )
        .await);
    ok(app
        .call(
            Method::POST,
            "/api/v1/buildings",
            Some(&clerk),
            Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008})),
        )
        .await);
    let mut units = Vec::new();
    for (i, number) in UNITS.iter().enumerate() {
        let body = json!({"unit_number": number, "location": format!("常州市天宁区青洋北路3号1幢10{}室", i + 1), "area": 89.3, "house_use": "10"});
        units.push(ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(body)).await).body["id"].as_i64().unwrap());
    }
    Office { app, team, zhang, units }
}

impl Office {
    async fn act(&self, case: i64, action: &str, body: Value) -> Reply {
        let mut body = body;
        body["action"] = json!(action);
        self.app.call(Method::POST, &format!("/api/v1/cases/{case}/actions"), Some(self.team.for_action(action)), Some(body)).await
    }

    /// 张三's 首次登记 of flat `i` at the counter, taken to 发证 (缮证 done).
    async fn counter_case_to_issue(&self, i: usize) -> i64 {
        let open = json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [self.units[i]], "applicants": [{"party_id": self.zhang, "role": "right_holder"}]});
        let id = ok(self.app.call(Method::POST, "/api/v1/cases", Some(&self.team.clerk), Some(open)).await).body["case"]["id"].as_i64().unwrap();
        for a in ["submit", "approve", "register", "certify"] {
            ok(self.act(id, a, json!({})).await);
        }
        id
    }

    async fn events(&self, case: i64) -> Vec<Value> {
        ok(self.app.get(&format!("/api/v1/cases/{case}/events"), &self.team.clerk).await).body["items"].as_array().unwrap().clone()
    }

    /// A browser session of `username` on the workbench, with its CSRF token.
    async fn staff_browser(&self, username: &str) -> (String, String) {
        let cookie = self.app.page_cookie(username).await;
        let page = self.page(&cookie, "/workbench").await;
        (cookie, csrf_of(&page.text))
    }

    async fn page(&self, cookie: &str, path: &str) -> Reply {
        self.app.raw(self.app.http.get(format!("{}{path}", self.app.base)).header("cookie", cookie)).await
    }
}

fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("page has a csrf field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_owned()
}

fn steps(events: &[Value]) -> Vec<(String, String)> {
    events.iter().map(|e| (e["step"].as_str().unwrap().to_owned(), e["actor_name"].as_str().unwrap().to_owned())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

fn issuance(id_kind: &str, id_number: &str, serial: &str) -> Value {
    json!({"issuance": {"recipient_name": "张三", "id_kind": id_kind, "id_number": id_number, "relation": "holder", "serials": [{"print_serial": serial}]}})
}

async fn a_counter_case_names_each_step_and_the_staff_who_took_it(engine: Engine) {
    let o = office(engine, Arc::new(SandboxSms::default())).await;
    let id = o.counter_case_to_issue(0).await;
    ok(o.act(id, "issue", issuance("resident_card", ZHANG_ID, "JS3204000001")).await);
    let events = o.events(id).await;
    assert_eq!(
        steps(&events),
        pairs(&[("窗口收件", "测试banli"), ("受理", "测试banli"), ("审核通过", "测试banli_sh"), ("登簿", "测试banli_db"), ("缮证", "测试banli"), ("发证", "测试banli")]),
        "{events:?}"
    );
    // The stored fields stay as they were: states by code, the username.
    assert_eq!((events[0]["from"].as_str(), events[0]["to"].as_str(), events[2]["actor"].as_str()), (Some(""), Some("intake"), Some("banli_sh")));
    // The workbench's 办理记录 reads the same.
    let (cookie, _) = o.staff_browser("banli").await;
    let page = o.page(&cookie, &format!("/workbench/cases/{id}")).await;
    let record = &page.text[page.text.find(r#"id="case-events""#).expect("办理记录")..];
    for text in ["窗口收件", "审核通过", "测试banli_sh", "测试banli_db", "发证"] {
        assert!(record.contains(text), "{text} in {record}");
    }
    // Nobody applied online: nobody is told.
    assert_eq!(count(&o.app, "SELECT COUNT(*) FROM jobs WHERE kind = 'sms.case_state'").await, 0);
}

async fn an_online_applicant_is_named_as_such_and_told_of_a_correction_by_sms(engine: Engine) {
    let sms = Arc::new(Flaky { failures: AtomicUsize::new(1), inner: SandboxSms::default() });
    let o = office(engine, sms.clone()).await;
    // 张三's flat is registered at the counter; he asks online for a new certificate.
    let first = o.counter_case_to_issue(0).await;
    ok(o.act(first, "issue", issuance("resident_card", ZHANG_ID, "JS3204000002")).await);
    let t_zhang = o.app.public_account("zhangsan", &["person"], o.zhang, PHONE).await;
    let apply = json!({"flow_code": "IND-REPLACE-CERTIFICATE", "property": UNITS[0], "my_role": "right_holder", "others": [], "materials": ["application_form"]});
    let r = ok(o.app.call(Method::POST, "/api/v1/portal/applications", Some(&t_zhang), Some(apply)).await);
    let id = r.body["case"]["id"].as_i64().expect("opened at once: nobody else to confirm");
    ok(o.act(id, "request_correction", json!({"reason": "请补交原不动产权证书"})).await);
    let events = o.events(id).await;
    assert_eq!(steps(&events), pairs(&[("提交申请", "申请人"), ("补正", "测试banli")]), "{events:?}");

    // The SMS goes out after the change committed, through the job; a failed send is retried.
    assert!(sms.inner.last(PHONE).is_none(), "nothing is sent inline");
    bdc_registry::service::jobs::run_due(&o.app.services, chrono::Utc::now()).await.unwrap();
    assert!(sms.inner.last(PHONE).is_none(), "the first send failed");
    assert_eq!(ok(o.app.get(&format!("/api/v1/cases/{id}"), &o.team.clerk).await).body["state"], "correction", "the failure undid nothing");
    assert_eq!(count(&o.app, "SELECT COUNT(*) FROM jobs WHERE kind = 'sms.case_state' AND state = 'queued' AND attempts = 1").await, 1, "retried later");
    bdc_registry::service::jobs::run_due(&o.app.services, chrono::Utc::now() + chrono::Duration::hours(1)).await.unwrap();
    let text = sms.inner.last(PHONE).expect("sent on the retry");
    assert!(text.starts_with("【线上苏小登】您的办件 ") && text.contains("（换证登记）已补正告知：请补交原不动产权证书。请登录线上苏小登查看。"), "{text}");

    // On the portal the office is named by its post, never a staff member.
    let seen = ok(o.app.get(&format!("/api/v1/portal/cases/{id}"), &t_zhang).await).body;
    let told: Vec<(&str, &str)> = seen["events"].as_array().unwrap().iter().map(|e| (e["step"].as_str().unwrap(), e["actor"].as_str().unwrap())).collect();
    assert_eq!(told, [("提交申请", "申请人"), ("补正", "登记机构")], "{seen}");
    let login = o.app.raw(o.app.http.post(format!("{}/login", o.app.base)).form(&[("realm", "public"), ("username", "zhangsan"), ("password", PASSWORD)])).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text);
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = o.page(&cookie, &format!("/portal/cases/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let record = &page.text[page.text.find(r#"id="case-events""#).expect("办理记录")..];
    assert!(record.contains("提交申请") && record.contains("申请人") && record.contains("登记机构") && record.contains("请补交原不动产权证书"), "{record}");
    assert!(!record.contains("banli"), "no staff username or name on the portal: {record}");
}

async fn issue_records_the_receiver_sealed_and_refuses_a_used_serial_or_a_bad_id(engine: Engine) {
    let o = office(engine, Arc::new(SandboxSms::default())).await;
    let a = o.counter_case_to_issue(0).await;
    let b = o.counter_case_to_issue(1).await;
    let rows = "SELECT COUNT(*) FROM certificate_issuances";

    // A bad 身份证号 and a missing 印制号: both beside their fields, nothing changed.
    let bad = json!({"issuance": {"recipient_name": "张三", "id_kind": "resident_card", "id_number": "440524188001010015", "relation": "holder", "serials": []}});
    let r = o.act(a, "issue", bad).await;
    assert_eq!(r.problem(422), "invalid_fields");
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["id_number", "serials[0]"], "{}", r.text);
    assert!(r.text.contains("校验"), "the ID number's check digit is named: {}", r.text);
    assert_eq!(count(&o.app, rows).await, 0);
    assert_eq!(ok(o.app.get(&format!("/api/v1/cases/{a}"), &o.team.clerk).await).body["state"], "issue");

    // 发证 with its fields: stored, the ID number sealed.
    let moved = ok(o.act(a, "issue", issuance("resident_card", ZHANG_ID, "js3204000009")).await);
    assert_eq!(moved.body["case"]["state"], "archive");
    let mut conn = o.app.db.conn().await.unwrap();
    let (name, kind, masked, serial, enc, relation): (String, String, String, String, String, String) =
        sqlx::query_as("SELECT recipient_name, id_kind, id_number_masked, print_serial, id_number_enc, relation FROM certificate_issuances WHERE case_id = $1")
            .bind(a)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!((name.as_str(), kind.as_str(), masked.as_str(), serial.as_str(), relation.as_str()), ("张三", "resident_card", "4405**********0014", "JS3204000009", "holder"));
    assert_eq!(o.app.services.cipher().decrypt(&enc).unwrap(), ZHANG_ID);
    let clear: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificate_issuances WHERE id_number_enc LIKE $1 OR id_number_masked LIKE $1 OR recipient_name LIKE $1")
        .bind(format!("%{ZHANG_ID}%"))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(clear, 0);
    if engine == Engine::Sqlite {
        let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(&mut *conn).await.unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await.unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
        assert!(!bytes.windows(ZHANG_ID.len()).any(|w| w == ZHANG_ID.as_bytes()), "the ID number is nowhere in the database file in clear");
    }
    drop(conn);
    // The event says who received it, masked.
    let events = o.events(a).await;
    let last = events.last().unwrap();
    assert_eq!(last["step"], "发证");
    assert!(last["reason"].as_str().unwrap().contains("张三（本人，居民身份证 4405**********0014）"), "{last}");

    // The same 印制号 on another case is refused beside its field; nothing changes.
    let r = o.act(b, "issue", issuance("passport", "E12345678", "JS3204000009")).await;
    assert_eq!(r.problem(422), "serial_taken");
    assert_eq!(r.body["errors"][0]["field"], "serials[0]");
    assert_eq!(count(&o.app, rows).await, 1);
    assert_eq!(ok(o.app.get(&format!("/api/v1/cases/{b}"), &o.team.clerk).await).body["state"], "issue");

    // On the workbench: the errors beside the fields, what was typed kept; then 发证 done and
    // shown with its 印制号.
    let (cookie, csrf) = o.staff_browser("banli").await;
    let form_page = o.page(&cookie, &format!("/workbench/cases/{b}")).await;
    assert!(form_page.text.contains(r#"id="issue-form""#) && form_page.text.contains("证书印制号"), "the 发证 form");
    let certificate = {
        let at = form_page.text.find(r#"name="certificate_0" value=""#).unwrap() + r#"name="certificate_0" value=""#.len();
        form_page.text[at..].split('"').next().unwrap().to_owned()
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf", csrf.clone()), ("action", "issue".to_owned()), ("certificate_0", certificate.clone())];
        all.extend(fields);
        o.app.raw(o.app.http.post(format!("{}/workbench/cases/{b}", o.app.base)).header("cookie", &cookie).form(&all))
    };
    let refused = post(vec![
        ("recipient_name", "李四".into()),
        ("id_kind", "resident_card".into()),
        ("id_number", "11010519491231002".into()),
        ("relation", "agent".into()),
        ("serial_0", "JS3204000009".into()),
    ])
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains(r#"id="id_number-error""#) && refused.text.contains(r#"id="serial_0-error""#), "{}", refused.text);
    assert!(refused.text.contains("已用于其他证书") && refused.text.contains(r#"value="李四""#), "the form keeps what was typed");
    assert_eq!(count(&o.app, rows).await, 1);
    let done = post(vec![
        ("recipient_name", "李四".into()),
        ("id_kind", "resident_card".into()),
        ("id_number", "11010519491231002X".into()),
        ("relation", "agent".into()),
        ("serial_0", "JS3204000010".into()),
    ])
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let shown = o.page(&cookie, &format!("/workbench/cases/{b}")).await;
    let table = &shown.text[shown.text.find(r#"id="issuances""#).expect("发证记录")..];
    for text in ["JS3204000010", "李四", "1101**********002X", "代理人", "测试banli", &certificate] {
        assert!(table.contains(text), "{text} in {table}");
    }
    assert!(!shown.text.contains("11010519491231002X"), "shown masked only");
}

crate::both!(
    a_counter_case_names_each_step_and_the_staff_who_took_it,
    an_online_applicant_is_named_as_such_and_told_of_a_correction_by_sms,
    issue_records_the_receiver_sealed_and_refuses_a_used_serial_or_a_bad_id
);
