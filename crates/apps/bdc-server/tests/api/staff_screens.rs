//! The staff screens over what was JSON only (issue 20): 审计日志 for the supervisor, 上报省厅 /
//! 登簿日志 / 销账 for case staff, and 法院送达（窗口） on the court desk — used as a browser
//! would: log in on the page, read the CSRF token, post the forms, on both engines.

use bdc_db::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, Team, TestApp};

const UNIT: &str = "320402001001GB00001F00010001";
const PARCEL: &str = "320402001001GB00001";

/// A logged-in browser: the session cookie and the page's CSRF token.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("page has a csrf field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_owned()
}

async fn log_in<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let cookie = app.page_cookie(username).await;
    let mut b = Browser { app, cookie, csrf: String::new() };
    b.csrf = csrf_of(&b.get("/verify").await.text);
    b
}

impl Browser<'_> {
    async fn get(&self, path: &str) -> Reply {
        self.app.raw(self.app.http.get(format!("{}{path}", self.app.base)).header("cookie", &self.cookie)).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.app.raw(self.app.http.post(format!("{}{path}", self.app.base)).header("cookie", &self.cookie).form(&all)).await
    }

    /// Posts a multipart form (the CSRF token added) with one file `(field, name, bytes)`.
    async fn post_multipart(&self, path: &str, fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Reply {
        let boundary = "----bdc-staff-screens-5c2a";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in std::iter::once(("csrf", self.csrf.as_str())).chain(fields.iter().copied()) {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        if let Some((field, name, bytes)) = file {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.app.raw(self.app.http.post(format!("{}{path}", self.app.base)).header("cookie", &self.cookie).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body)).await
    }
}

fn location(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "expected a redirect: {}", r.text);
    r.headers.get("location").unwrap().to_str().unwrap().to_owned()
}

/// A registration office with one house unit, its parcel and building, and a first title.
struct Office {
    app: TestApp,
    clerk: String,
    team: Team,
    unit: i64,
    zhang: i64,
}

async fn office(engine: Engine) -> Office {
    let app = spawn_app(engine).await;
    let clerk = app.staff("banliyuan", &["intake", "review", "register", "certify", "archive"]).await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(
                json!({"code": PARCEL, "location": "常州市天宁区青洋北路1号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .call(
            Method::POST,
            "/api/v1/buildings",
            Some(&clerk),
            Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路1号1幢101室", "area": 89.3, "house_use": "10"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let unit = r.body["id"].as_i64().unwrap();
    let r = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let zhang = r.body["id"].as_i64().unwrap();
    let team = app.team("banliyuan", &clerk).await;
    Office { app, clerk, team, unit, zhang }
}

impl Office {
    /// 首次登记 of the unit for 张三: 受理 → 审核 → 登簿; returns the case.
    async fn first_registration(&self) -> Value {
        let r = self
            .app
            .call(
                Method::POST,
                "/api/v1/cases",
                Some(&self.clerk),
                Some(json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [self.unit], "applicants": [{"party_id": self.zhang, "role": "right_holder"}], "request": {}})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["case"]["id"].as_i64().unwrap();
        let mut case = Value::Null;
        for action in ["submit", "approve", "register"] {
            let r = self.app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(self.team.for_action(action)), Some(json!({"action": action, "reason": ""}))).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
            case = r.body["case"].clone();
        }
        case
    }
}

async fn each_screen_answers_its_role_and_refuses_the_others(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("jianguan", &["supervise"]).await;
    app.user("chaxun", &["query"]).await;
    app.user("shouli", &["intake"]).await;
    app.user("guanli", &["admin"]).await;
    let supervisor = log_in(&app, "jianguan").await;
    let query = log_in(&app, "chaxun").await;
    let intake = log_in(&app, "shouli").await;
    let admin = log_in(&app, "guanli").await;

    let audit = supervisor.get("/workbench/audit").await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    for heading in ["审计日志", "审计记录", "操作人", "关键字", "审计链完整", "导出 Excel"] {
        assert!(audit.text.contains(heading), "the audit page shows {heading}");
    }
    for other in [&query, &intake, &admin] {
        let r = other.get("/workbench/audit").await;
        assert_eq!(r.status, 403, "only audit.read holders see the audit log");
        assert!(r.text.contains("没有权限"));
        assert_eq!(other.get("/workbench/audit/export").await.status, 403);
    }

    for (path, headings) in [
        ("/workbench/reporting", &["上报省厅", "接入报文", "已发送", "接入成功", "接入失败", "响应隔离"][..]),
        ("/workbench/reporting/log", &["登簿日志", "登簿汇总", "登簿详单", "下载 LogBiz 报文", "下载 Excel"][..]),
        ("/workbench/reporting/reconciliation", &["销账", "销账条目", "没有销账条目"][..]),
    ] {
        for who in [&query, &intake, &supervisor] {
            let r = who.get(path).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text);
            for h in headings {
                assert!(r.text.contains(h), "{path} shows {h}");
            }
        }
        let r = admin.get(path).await;
        assert_eq!(r.status, 403, "{path}: the administrator reads no cases");
        assert!(r.text.contains("没有权限"));
    }

    let form = intake.get("/workbench/court/deliver").await;
    assert_eq!(form.status, 200, "{}", form.text);
    for h in ["法院送达（窗口）", "送达法院", "案号", "送达时间", "执行人员姓名", "工作证、执行公务证号", "不动产单元号", "查封期限自", "查封期限至", "协助执行通知书"]
    {
        assert!(form.text.contains(h), "the counter form asks for {h}");
    }
    let today = bdc_core::time::today().to_string();
    assert!(form.text.contains(&format!("value=\"{today}T")), "送达时间 defaults to now, in Beijing");
    assert!(intake.get("/workbench/court").await.text.contains("href=\"/workbench/court/deliver\""), "the desk links its form");
    assert!(!query.get("/workbench/court").await.text.contains("href=\"/workbench/court/deliver\""), "no link for who may not deliver");
    assert_eq!(query.get("/workbench/court/deliver").await.status, 403, "delivery needs case.intake");
    let posted = query.post_multipart("/workbench/court/deliver", &[("court", "x")], None).await;
    assert_eq!(posted.status, 403);

    // The workbench links the reporting screens.
    let wb = query.get("/workbench").await;
    assert!(wb.text.contains("href=\"/workbench/reporting\"") && wb.text.contains("href=\"/workbench/reporting/log\""), "{}", wb.text);

    // Nobody logged in: the staff's login door.
    let anon = app.raw(app.http.get(format!("{}/workbench/audit", app.base))).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
}

async fn the_audit_log_filters_pages_in_the_database_and_exports_what_it_shows(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("jianguan", &["supervise"]).await;
    let supervisor = log_in(&app, "jianguan").await;
    // 30 rows by one clerk (the log is written by the system only, so they are appended as it
    // appends them).
    for i in 0..30 {
        let e = bdc_audit::store::AuditEntry {
            id: 0,
            at: chrono::Utc::now(),
            actor_id: Some(99),
            actor_name: "piliang".into(),
            realm: Some("staff".into()),
            roles: "intake".into(),
            action: "POST /api/v1/cases".into(),
            target: "/api/v1/cases".into(),
            client_addr: "10.1.2.3".into(),
            user_agent: "test".into(),
            outcome: if i % 10 == 0 { "denied".into() } else { "success".into() },
            status: 200,
            request_id: format!("req-{i:02}"),
            detail: format!("批次测试 第{i:02}号"),
        };
        bdc_audit::record(&app.db, &e).await.unwrap();
    }
    let rows = |r: &Reply| r.text.matches("批次测试 第").count();

    let first = supervisor.get("/workbench/audit?actor=piliang").await;
    assert_eq!(first.status, 200);
    assert!(first.text.contains("共 30 条") && first.text.contains("第 1 / 2 页"), "{}", first.text);
    assert_eq!(rows(&first), 20, "20 a page");
    assert!(first.text.find("第29号").unwrap() < first.text.find("第10号").unwrap(), "newest first");
    assert!(first.text.contains("req-29") && first.text.contains("10.1.2.3"), "request id and source address shown");
    let second = supervisor.get("/workbench/audit?actor=piliang&page=2").await;
    assert_eq!(rows(&second), 10);
    assert!(second.text.contains("第 2 / 2 页") && second.text.contains("第00号"));
    let fifty = supervisor.get("/workbench/audit?actor=piliang&per_page=50").await;
    assert_eq!(rows(&fifty), 30);
    assert!(!fifty.text.contains("第 1 / 2 页"));

    // 关键字 in the detail, 结果, the Beijing dates.
    let kw = supervisor.get(&format!("/workbench/audit?keyword={}", bdc_http::forms::urlencode("第07号"))).await;
    assert!(kw.text.contains("共 1 条"), "{}", kw.text);
    let denied = supervisor.get("/workbench/audit?actor=piliang&outcome=denied").await;
    assert!(denied.text.contains("共 3 条") && denied.text.contains("拒绝"), "{}", denied.text);
    let today = bdc_core::time::today();
    let tomorrow = today + chrono::Duration::days(1);
    assert!(supervisor.get(&format!("/workbench/audit?actor=piliang&from={today}&to={today}")).await.text.contains("共 30 条"));
    assert!(supervisor.get(&format!("/workbench/audit?actor=piliang&from={tomorrow}")).await.text.contains("共 0 条"));
    let bad = supervisor.get(&format!("/workbench/audit?from={tomorrow}&to={today}")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("结束日期不能早于起始日期"), "the error beside 到");
    let bad = supervisor.get("/workbench/audit?from=2026-13-40").await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("日期格式应为 YYYY-MM-DD"));

    // The export: the filtered rows as .xlsx, and the export itself in the log.
    let x = supervisor.get("/workbench/audit/export?actor=piliang&outcome=denied").await;
    assert_eq!(x.status, 200);
    assert_eq!(x.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(x.headers["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = app.http.get(format!("{}/workbench/audit/export?actor=piliang", app.base)).header("cookie", &supervisor.cookie).send().await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    // Each export is in the log, with how many rows it carried and its conditions, by name.
    let exported = supervisor.get(&format!("/workbench/audit?action={}", bdc_http::forms::urlencode("导出审计日志"))).await;
    assert!(exported.text.contains("共 2 条"), "{}", exported.text);
    assert!(exported.text.contains("导出审计日志 3 条（共 3 条符合）；条件：操作人 piliang，结果 denied") && exported.text.contains("导出审计日志 30 条"), "{}", exported.text);
    assert!(exported.text.contains("测试jianguan"), "the actor's display name beside his username");
    assert!(exported.text.contains("审计链完整"));
}

async fn a_registration_shows_on_the_reporting_screens_and_a_resend_clears_its_item(engine: Engine) {
    use bdc_sandbox::province as sandbox;
    let o = office(engine).await;
    o.app.user("chaxun", &["query"]).await;
    let query = log_in(&o.app, "chaxun").await;
    o.app.user("dengbu", &["register"]).await;
    let registrar = log_in(&o.app, "dengbu").await;
    let case = o.first_registration().await;
    let number = case["case_number"].as_str().unwrap().to_owned();
    assert_eq!(bdc_registry::service::jobs::run_due(&o.app.services, chrono::Utc::now()).await.unwrap(), 1);
    let m = crate::helpers::reported(&o.app.services, None, 1).await.pop().unwrap();

    let page = query.get("/workbench/reporting").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(&m.biz_msg_id) && page.text.contains(&number) && page.text.contains("已发送") && page.text.contains("待响应"), "{}", page.text);
    assert!(page.text.contains("共 1 条"));
    // The province answers: accepted, with its time.
    sandbox::process(&o.app.province_root).await.unwrap();
    bdc_reporting::service::report::collect_responses(&o.app.services).await.unwrap();
    let accepted = query.get("/workbench/reporting?state=accepted").await;
    assert!(accepted.text.contains(&m.biz_msg_id) && accepted.text.contains("共 1 条") && !accepted.text.contains("待响应"), "{}", accepted.text);
    assert!(query.get("/workbench/reporting?state=rejected").await.text.contains("共 0 条"));
    let today = bdc_core::time::today();
    let tomorrow = today + chrono::Duration::days(1);
    assert!(query.get(&format!("/workbench/reporting?from={tomorrow}")).await.text.contains("共 0 条"));
    assert_eq!(query.get("/workbench/reporting?from=yesterday").await.status, 422);

    // The day's 登簿日志: the registration, reported, with links to the XML and the workbook.
    let log = query.get(&format!("/workbench/reporting/log?date={today}")).await;
    assert_eq!(log.status, 200);
    assert!(log.text.contains(&number) && log.text.contains(UNIT) && log.text.contains(&m.biz_msg_id) && log.text.contains("首次登记") && log.text.contains("已接入"), "{}", log.text);
    assert!(log.text.contains(&format!("/api/v1/registration-log/logbiz?date={today}")) && log.text.contains(&format!("/api/v1/registration-log/xlsx?date={today}")));
    let xlsx = query.get(&format!("/api/v1/registration-log/xlsx?date={today}")).await;
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "the link works with the page's session");
    let xml = query.get(&format!("/api/v1/registration-log/logbiz?date={today}")).await;
    assert!(xml.text.contains(&format!("BWID=\"{}\"", m.biz_msg_id)));
    assert!(query.get(&format!("/workbench/reporting/log?date={tomorrow}")).await.text.contains("当日没有登簿"));

    // The province lists the record as inconsistent: an item to clear; 重新上报 from the page.
    use bdc_adapters::province::reconcile::{Item, List};
    let list = List {
        area_code: "320402".into(),
        list_date: today.to_string(),
        items: vec![Item {
            biz_msg_id: m.biz_msg_id.clone(),
            case_number: number.clone(),
            unit_number: UNIT.into(),
            response_code: "C401".into(),
            response_info: "权利人与省级库不一致".into(),
            cause: 4,
        }],
    };
    sandbox::deliver_inconsistencies(&o.app.province_root, &list).await.unwrap();
    assert_eq!(bdc_reporting::service::report::ingest_reconciliation(&o.app.services).await.unwrap(), 1);
    let items = registrar.get("/workbench/reporting/reconciliation").await;
    assert!(items.text.contains("未销账") && items.text.contains("比对不一致") && items.text.contains("权利人与省级库不一致") && items.text.contains("重新上报"), "{}", items.text);
    let id: i64 = items.text.split("data-item=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    assert!(!query.get("/workbench/reporting/reconciliation").await.text.contains("重新上报</button>"), "no button for who may not report");
    let refused = query.post(&format!("/workbench/reporting/reconciliation/{id}/resend"), &[]).await;
    assert_eq!(refused.status, 403, "resending needs case.register");
    let forged = o.app.raw(o.app.http.post(format!("{}/workbench/reporting/reconciliation/{id}/resend", o.app.base)).header("cookie", &registrar.cookie).form(&[("csrf", "x")])).await;
    assert_eq!(forged.status, 403, "no resend without the token");
    assert!(registrar.get("/workbench/reporting/reconciliation?status=1").await.text.contains("共 1 条"));
    let r = registrar.post(&format!("/workbench/reporting/reconciliation/{id}/resend"), &[]).await;
    let back = location(&r);
    assert!(back.starts_with("/workbench/reporting/reconciliation?resent="), "{back}");
    let after = registrar.get(&back).await;
    assert!(after.text.contains("已重新上报") && after.text.contains("销账中"), "{}", after.text);
    assert!(registrar.get("/workbench/reporting/reconciliation?status=1").await.text.contains("共 0 条"));
    assert!(registrar.get("/workbench/reporting/reconciliation?status=2").await.text.contains("共 1 条"));
    // The province accepts the resent message: cleared.
    sandbox::process(&o.app.province_root).await.unwrap();
    bdc_reporting::service::report::collect_responses(&o.app.services).await.unwrap();
    let done = registrar.get("/workbench/reporting/reconciliation").await;
    assert!(done.text.contains("badge--success\">成功") && !done.text.contains("重新上报</button>"), "{}", done.text);
    assert!(query.get("/workbench/reporting").await.text.contains("重报"), "the resent message is listed as 重报");
}

async fn the_counter_form_registers_a_seizure_and_refuses_an_ended_term(engine: Engine) {
    let o = office(engine).await;
    o.first_registration().await;
    o.app.user("chuangkou", &["intake"]).await;
    let clerk = log_in(&o.app, "chuangkou").await;
    let today = bdc_core::time::today();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let end = (today + chrono::Duration::days(365)).to_string();
    let now = format!("{today}T09:30");
    let pdf: &[u8] = b"%PDF-1.4\n% scanned notice\n";
    let fields = |term_end: &str| -> Vec<(&'static str, String)> {
        vec![
            ("court", "常州市天宁区人民法院".into()),
            ("case_number", "(2026)苏0402执88号".into()),
            ("ruling_number", "(2026)苏0402执88号之一".into()),
            ("delivered_at", now.clone()),
            ("officers", "王法官、李法官".into()),
            ("officer_ids", "执行公务证 3204001、3204002".into()),
            ("subject", "张三".into()),
            ("subject_id", "440524188001010014".into()),
            ("action", "11".into()),
            ("units", UNIT.into()),
            ("original_case", String::new()),
            ("term_start", today.to_string()),
            ("term_end", term_end.into()),
        ]
    };
    let seizures = || async { o.app.get(&format!("/api/v1/units/{}/seizures", o.unit), &o.clerk).await.body };
    let inbox = || async { o.app.get("/api/v1/court/inbox", &o.clerk).await.body["total"].clone() };

    // A term that has already ended: refused beside its field, nothing registered or queued.
    let ended: Vec<(&str, String)> = fields(&yesterday);
    let pairs: Vec<(&str, &str)> = ended.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = clerk.post_multipart("/workbench/court/deliver", &pairs, Some(("notice", "通知书.pdf", pdf))).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(&format!("查封期限已于 {yesterday} 届满")) && r.text.contains("term_end-error"), "{}", r.text);
    assert!(r.text.contains("常州市天宁区人民法院") && r.text.contains("王法官、李法官"), "what was typed is kept");
    assert_eq!(seizures().await.as_array().map(Vec::len), Some(0), "nothing registered");
    assert_eq!(inbox().await, 0, "nothing queued");

    // Other fields refused beside theirs: no scan, a bad unit number, no court.
    let mut bad = fields(&end);
    bad[0].1 = String::new();
    bad[9].1 = "320402001001GB00001F0001000".into();
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = clerk.post_multipart("/workbench/court/deliver", &pairs, None).await;
    assert_eq!(r.status, 422);
    for e in ["court-error", "units-error", "notice-error", "请上传协助执行通知书扫描件", "请填写送达法院"] {
        assert!(r.text.contains(e), "{e}: {}", r.text);
    }
    assert_eq!(inbox().await, 0);

    // Without the token: nothing.
    let good = fields(&end);
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stale = Browser { app: &o.app, cookie: clerk.cookie.clone(), csrf: "stale".into() };
    assert_eq!(stale.post_multipart("/workbench/court/deliver", &pairs, Some(("notice", "通知书.pdf", pdf))).await.status, 403);
    assert_eq!(inbox().await, 0);

    // The notice as delivered: registered at once, the desk says 查封成功 with the 业务号.
    let r = clerk.post_multipart("/workbench/court/deliver", &pairs, Some(("notice", "通知书.pdf", pdf))).await;
    let back = location(&r);
    assert!(back.starts_with("/workbench/court?delivered=CTR"), "{back}");
    let desk = clerk.get(&back).await;
    assert_eq!(desk.status, 200);
    assert!(desk.text.contains("窗口送达已受理") && desk.text.contains("查封成功") && desk.text.contains(&format!("至 {end}")), "{}", desk.text);
    let s = seizures().await;
    assert_eq!(s.as_array().unwrap().len(), 1, "{s}");
    assert_eq!((s[0]["court"].as_str(), s[0]["court_case"].as_str(), s[0]["term_end"].as_str()), (Some("常州市天宁区人民法院"), Some("(2026)苏0402执88号"), Some(end.as_str())), "{s}");
    assert_eq!(s[0]["delivered_at"].as_str().map(|t| t.starts_with(&format!("{today}T09:30"))), Some(true), "{s}");
    let book = o.app.get(&format!("/api/v1/units/{}/register", o.unit), &o.clerk).await;
    assert!(book.text.contains("常州市天宁区人民法院"), "the unit's register shows the seizure: {}", book.text);
    // The paper receipt is the counter's; the inbox lists it.
    let listed = o.app.get("/api/v1/court/inbox", &o.clerk).await;
    assert_eq!((listed.body["total"].as_i64(), listed.body["items"][0]["receipt_state"].as_str()), (Some(1), Some("paper")), "{}", listed.text);

    // A second court's notice on the same unit waits its turn: 轮候.
    let mut second = fields(&end);
    second[0].1 = "常州市钟楼区人民法院".into();
    second[1].1 = "(2026)苏0404执9号".into();
    second[3].1 = format!("{today}T10:00");
    let pairs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = clerk.post_multipart("/workbench/court/deliver", &pairs, Some(("notice", "通知书.pdf", pdf))).await;
    let desk = clerk.get(&location(&r)).await;
    assert!(desk.text.contains("轮候查封"), "{}", desk.text);
    assert_eq!(seizures().await.as_array().unwrap().len(), 2);
}

crate::both!(
    each_screen_answers_its_role_and_refuses_the_others,
    the_audit_log_filters_pages_in_the_database_and_exports_what_it_shows,
    a_registration_shows_on_the_reporting_screens_and_a_resend_clears_its_item,
    the_counter_form_registers_a_seizure_and_refuses_an_ended_term,
);
