//! `/api/v1/portal/…` on both engines: the whole online application, the co-applicants'
//! confirmations (confirm, decline, wrong code), an agent outside his authorisation, and bad
//! input that changes nothing; drafts and material uploads, agents' authorisations, the archive
//! and interested-party queries, the public certificate check and its rate limit, and the
//! one-time-code limits of confirmations (a bank confirms many, a guesser is locked out).

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_db::Engine;
use bdc_portal::service::agency::{self, NewAuthorisation};
use bdc_registry::service::materials::Upload;
use reqwest::Method;
use serde_json::{json, Value};

use bdc_registry::service::limits::Limit;

use crate::helpers::{spawn_app_with, Reply, TestApp};

const PARCEL: &str = "320402001001GB00003";
const UNIT: &str = "320402001001GB00003F00010001";
const PDF: &[u8] = b"%PDF-1.4\n%test\n";

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{}", r.text);
    r
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut c = app.db.conn().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *c).await.unwrap()
}

fn code_of(sms: &SandboxSms, phone: &str) -> String {
    sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect()
}

/// The model city of these tests: 张三 owns a flat (his title registered at the counter); 李四,
/// a bank and an agent have real-name accounts too.
struct City {
    clerk: String,
    t_zhang: String,
    t_li: String,
    t_bank: String,
    t_agent: String,
}

async fn city(app: &TestApp) -> City {
    let clerk = app.staff("banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let party = |name: &str, t: &str, id: &str, kind: &str| {
        let (app, clerk) = (&app, &clerk);
        let body = json!({"kind": kind, "name": name, "id_type": t, "id_number": id});
        async move { ok(app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(body)).await).body["id"].as_i64().unwrap() }
    };
    let zhang = party("张三", "1", "440524188001010014", "person").await;
    let li = party("李四", "1", "11010519491231002X", "person").await;
    let bank = party("常州示例银行股份有限公司", "8", "91350100M000100Y43", "enterprise").await;
    let wang = party("王代理", "1", "320402199001011239", "person").await;
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
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路3号1幢101室", "area": 89.3, "house_use": "10"}))).await).body
        ["id"]
        .as_i64()
        .unwrap();
    let r = ok(app
        .call(Method::POST, "/api/v1/cases", Some(&clerk), Some(json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": zhang, "role": "right_holder"}]})))
        .await);
    let first = r.body["case"]["id"].as_i64().unwrap();
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{first}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let t_zhang = app.public_account("zhangsan", &["person"], zhang, "13912345611").await;
    let t_li = app.public_account("lisi", &["person"], li, "13912345612").await;
    let t_bank = app.public_account("bank", &["institution"], bank, "13912345613").await;
    let t_agent = app.public_account("wangdaili", &["agent"], wang, "13912345614").await;
    City { clerk, t_zhang, t_li, t_bank, t_agent }
}

async fn online_applications_are_confirmed_by_every_co_applicant(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    let City { clerk, t_zhang, t_li, t_bank, t_agent, .. } = city(&app).await;

    // The form of a flow comes from its catalogue record.
    let form = ok(app.get("/api/v1/portal/flows/IND-TRANSFER-STOCK-HOUSE", &t_li).await).body;
    assert_eq!(form["joint"], true);
    assert!(form["roles"].as_array().unwrap().iter().any(|r| r["code"] == "obligor"));
    let mortgage_form = ok(app.get("/api/v1/portal/flows/IND-MORTGAGE-FIRST-PRIVATE-LOAN", &t_li).await).body;
    assert!(mortgage_form["particulars"].as_array().unwrap().iter().any(|p| p["key"] == "amount" && p["required"] == true), "{mortgage_form}");
    assert_eq!(app.get("/api/v1/portal/flows/BANK-DOUBLE-ADVANCE", &t_li).await.problem(404), "not_found", "a person cannot apply for the bank's flows");
    let units = ok(app.get("/api/v1/portal/units", &t_zhang).await).body;
    assert_eq!(units[0]["unit_number"], UNIT, "张三 sees his flat: {units}");
    assert!(ok(app.get("/api/v1/portal/units", &t_li).await).body.as_array().unwrap().is_empty());
    // Staff are not public accounts.
    assert_eq!(app.get("/api/v1/portal/applications", &clerk).await.problem(403), "forbidden");

    // Bad input changes nothing, with the field named.
    let before = count(&app, "SELECT COUNT(*) FROM online_applications").await;
    let sale = |others: Value| json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "property": UNIT, "my_role": "right_holder", "others": others, "materials": ["application_form"]});
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale(json!([{"role": "obligor", "name": "张三丰", "id_number": "440524188001010014"}])))).await;
    assert_eq!(r.problem(422), "party_not_verified");
    assert_eq!(r.body["errors"][0]["field"], "others[0].name", "{}", r.text);
    // An ID nobody registered gets the very same answer: the form is no oracle of who exists.
    let unknown = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale(json!([{"role": "obligor", "name": "张三", "id_number": "320402198807070014"}])))).await;
    assert_eq!((unknown.problem(422), unknown.body["detail"].clone()), ("party_not_verified".to_owned(), r.body["detail"].clone()));
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale(json!([{"role": "obligor", "name": "张三", "id_number": "440524188001010015"}])))).await;
    assert_eq!(r.problem(422), "bad_id_number");
    // The seller must be the owner the register records (申请主体).
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale(json!([{"role": "obligor", "name": "王代理", "id_number": "320402199001011239"}])))).await;
    assert_eq!(r.problem(422), "rule_blocked");
    // A mortgage without the debt's term is refused as at the counter.
    let r = app
        .call(Method::POST, "/api/v1/portal/applications", Some(&t_bank), Some(json!({"flow_code": "BANK-MORTGAGE-FIRST", "property": UNIT, "my_role": "right_holder", "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}], "attributes": {"amount": "500000"}})))
        .await;
    assert_eq!(r.problem(422), "term_required");
    assert_eq!(r.body["errors"][0]["field"], "term_start");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM online_applications").await, before, "nothing was written");

    // 李四 buys the flat: the application waits for 张三.
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale(json!([{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}])))).await);
    assert_eq!(r.status, 201);
    let id = r.body["application"]["id"].as_i64().unwrap();
    assert_eq!(r.body["application"]["state"], "awaiting");
    assert!(r.body["case"].is_null());
    assert_eq!(r.body["application"]["confirmations"][0]["name"], "张三");
    let cases_before = count(&app, "SELECT COUNT(*) FROM cases").await;
    // 张三 sees it waiting for him; 李四 has nothing to confirm; a stranger sees nothing.
    let list = ok(app.get("/api/v1/portal/applications", &t_zhang).await).body;
    assert_eq!((list[0]["id"].as_i64(), list[0]["my_confirmation"].as_str(), list[0]["mine"].as_bool()), (Some(id), Some("pending"), Some(false)), "{list}");
    assert_eq!(app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/code"), Some(&t_li), None).await.problem(403), "forbidden");
    assert_eq!(app.get(&format!("/api/v1/portal/applications/{id}"), &t_agent).await.problem(404), "not_found");
    // A wrong code is refused; the right one confirms and the case is opened.
    let sent = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/code"), Some(&t_zhang), None).await);
    assert_eq!(sent.body["phone_masked"], "139****5611");
    let code = code_of(&sms, "13912345611");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(&t_zhang), Some(json!({"code": wrong}))).await;
    assert_eq!(r.problem(422), "wrong_code");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, cases_before, "no case before every confirmation");
    let r = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(&t_zhang), Some(json!({"code": code}))).await);
    assert_eq!(r.body["state"], "submitted", "{}", r.text);
    assert_eq!(r.body["confirmations"][0]["state"], "confirmed");
    let case_id = r.body["case_id"].as_i64().unwrap();
    let case = ok(app.get(&format!("/api/v1/cases/{case_id}"), &clerk).await).body;
    assert_eq!(case["state"], "intake");
    assert_eq!(case["channel"], "individual");
    assert!(ok(app.get("/api/v1/portal/cases", &t_li).await).body.as_array().unwrap().iter().any(|c| c["id"] == case_id));
    ok(app.get(&format!("/api/v1/portal/cases/{case_id}"), &t_li).await);
    // Confirming again is refused.
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(&t_zhang), Some(json!({"code": code}))).await;
    assert_eq!(r.problem(409), "not_awaiting");
    // The confirmations are kept with the case.
    let kept = bdc_portal::service::applications::confirmations_of_case(&app.services, &bdc_core::Actor::console(), case_id).await.unwrap();
    assert_eq!((kept[0].0.as_str(), kept[0].2), ("张三", bdc_portal::service::applications::ConfirmationState::Confirmed));
    ok(app.call(Method::POST, &format!("/api/v1/cases/{case_id}/actions"), Some(&clerk), Some(json!({"action": "withdraw", "reason": "测试"}))).await);

    // A gift the owner declines: it stops, and the applicant sees why.
    let gift = json!({"flow_code": "IND-TRANSFER-GIFT", "property": UNIT, "my_role": "right_holder", "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}]});
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(gift)).await);
    let gid = r.body["application"]["id"].as_i64().unwrap();
    let r = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{gid}/decline"), Some(&t_zhang), Some(json!({"reason": "未同意赠与"}))).await);
    assert_eq!(r.body["state"], "declined");
    let seen = ok(app.get(&format!("/api/v1/portal/applications/{gid}"), &t_li).await).body;
    assert!(seen["reason"].as_str().unwrap().contains("未同意赠与"), "{seen}");
    assert!(seen["case_id"].is_null());
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{gid}/code"), Some(&t_zhang), None).await;
    assert_eq!(r.problem(409), "not_awaiting");

    // The applicant withdraws a gift still waiting: only he may, and only while it waits.
    let gift = json!({"flow_code": "IND-TRANSFER-GIFT", "property": UNIT, "my_role": "right_holder", "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}]});
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(gift)).await);
    let wid = r.body["application"]["id"].as_i64().unwrap();
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{wid}/withdraw"), Some(&t_zhang), Some(json!({}))).await;
    assert_eq!(r.problem(404), "not_found", "a co-applicant cannot withdraw another's application");
    let r = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{wid}/withdraw"), Some(&t_li), Some(json!({"reason": "改日再办"}))).await);
    assert_eq!(r.body["state"], "withdrawn");
    assert!(r.body["reason"].as_str().unwrap().contains("改日再办"));
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{wid}/confirm"), Some(&t_zhang), Some(json!({"code": "123456"}))).await;
    assert_eq!(r.problem(409), "not_awaiting", "a withdrawn application cannot be confirmed");
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{wid}/withdraw"), Some(&t_li), Some(json!({}))).await;
    assert_eq!(r.problem(409), "not_awaiting");

    // A bank's mortgage: the owner confirms; the bank applies for itself.
    let mortgage = json!({"flow_code": "BANK-MORTGAGE-FIRST", "property": UNIT, "my_role": "right_holder", "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}], "attributes": {"amount": "500000", "term_start": "2026-01-01", "term_end": "2046-01-01"}});
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_bank), Some(mortgage)).await);
    assert_eq!(r.body["application"]["state"], "awaiting");

    // An agent only within his recorded authorisation.
    let agent = bdc_identity::service::auth::authenticate(&app.services, &t_agent).await.unwrap();
    let letter = || Some(Upload { material_code: "document".into(), file_name: "委托书.pdf".into(), bytes: PDF.to_vec() });
    let until = (bdc_registry::service::cases::today() + chrono::Duration::days(30)).to_string();
    let auth = agency::record(
        &app.services,
        &agent,
        NewAuthorisation {
            principal_name: "张三".into(), principal_id: "440524188001010014".into(), matters: "代为申请抵押权注销登记".into(), valid_until: until.clone(), document: letter()
        },
    )
    .await
    .unwrap();
    let listed = ok(app.get("/api/v1/portal/authorisations", &t_agent).await).body;
    assert_eq!(listed[0]["id"], auth.id);
    let outside = json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "property": UNIT, "my_role": "obligor", "on_behalf": auth.id, "others": [{"role": "right_holder", "name": "李四", "id_number": "11010519491231002X"}]});
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_agent), Some(outside.clone())).await;
    assert_eq!(r.problem(422), "outside_authorisation");
    assert_eq!(r.body["errors"][0]["field"], "on_behalf");
    // Within it: the principal applies (he signed the letter), 李四 confirms.
    let within = agency::record(
        &app.services,
        &agent,
        NewAuthorisation { principal_name: "张三".into(), principal_id: "440524188001010014".into(), matters: "代为办理存量房转移".into(), valid_until: until, document: letter() },
    )
    .await
    .unwrap();
    let mut inside = outside;
    inside["on_behalf"] = json!(within.id);
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_agent), Some(inside)).await);
    let confirmers: Vec<&str> = r.body["application"]["confirmations"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(confirmers, ["李四"], "the principal does not confirm again: {}", r.text);
    assert!(r.body["application"]["parties"].as_array().unwrap().iter().any(|p| p["name"] == "张三" && p["role"] == "obligor"));
}

/// A `multipart/form-data` body: text fields, then files as `(part name, file name, bytes)`.
pub(crate) fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----bdc-api-boundary-3a9c";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    for (part, name, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, path: &str, token: Option<&str>, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Reply {
    let (ct, body) = multipart(fields, files);
    let mut req = app.http.post(format!("{}{path}", app.base)).header("content-type", ct).body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    app.raw(req).await
}

async fn bytes_of(app: &TestApp, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let r = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// A buyer keeps his application as a draft over several visits, uploads its materials (checked
/// by their bytes, all or nothing), submits it; the materials go with the application and the
/// case; nobody else sees or touches any of it.
async fn drafts_and_materials_work_through_the_api(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    let City { t_zhang, t_li, t_agent, .. } = city(&app).await;
    let files_now = || count(&app, "SELECT COUNT(*) FROM attachments");

    // A new draft: the fields are kept, SM4-encrypted at rest.
    let fields = json!({"property": UNIT, "my_role": "right_holder", "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}]});
    let r = ok(app.call(Method::POST, "/api/v1/portal/drafts", Some(&t_li), Some(json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "fields": fields}))).await);
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["fields"]["others"][0]["name"], "张三", "{}", r.text);
    let mut c = app.db.conn().await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT form FROM application_drafts WHERE id = $1").bind(id).fetch_one(&mut *c).await.unwrap();
    drop(c);
    assert!(!stored.contains("440524188001010014") && !stored.contains("张三"), "a draft is encrypted at rest: {stored}");
    // Saving is audited in the save's own transaction, under its name, and only once.
    let mut c = app.db.conn().await.unwrap();
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT action, status FROM audit_log WHERE actor_name = 'lisi' AND (action = '保存草稿' OR action LIKE 'POST /api/v1/portal/drafts%') ORDER BY id")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    drop(c);
    assert_eq!(rows, [("保存草稿".to_owned(), 200)], "one row for the save, written with it");
    let list = ok(app.get("/api/v1/portal/drafts", &t_li).await).body;
    assert_eq!((list[0]["id"].as_i64(), list[0]["flow_name"].as_str()), (Some(id), Some("存量房转移")), "{list}");
    assert_eq!(app.call(Method::POST, "/api/v1/portal/drafts", Some(&t_li), Some(json!({"flow_code": "BANK-DOUBLE-ADVANCE"}))).await.problem(422), "flow_not_open");
    assert_eq!(app.call(Method::POST, "/api/v1/portal/drafts", None, Some(json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE"}))).await.problem(401), "unauthenticated");

    // Bad files are refused with a Chinese reason, and nothing is stored — not even the good
    // file sent with them.
    let base = files_now().await;
    let path = format!("/api/v1/portal/drafts/{id}/files");
    let r = upload(&app, &path, Some(&t_li), &[], &[("application_form", "申请书.pdf", PDF), ("applicant_identity", "身份证.pdf", b"<html>not a pdf</html>")]).await;
    assert_eq!(r.problem(422), "bad_file_type");
    assert!(r.body["detail"].as_str().unwrap().contains("身份证.pdf"), "{}", r.text);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    assert_eq!(upload(&app, &path, Some(&t_li), &[], &[("application_form", "大.pdf", &big)]).await.problem(422), "file_too_large");
    assert_eq!(upload(&app, &path, Some(&t_li), &[], &[("no_such_material", "a.pdf", PDF)]).await.problem(422), "unknown_material");
    assert_eq!(upload(&app, &path, Some(&t_li), &[("note", "x")], &[("application_form", "a.pdf", PDF)]).await.problem(422), "unexpected_field");
    assert_eq!(upload(&app, &path, Some(&t_li), &[], &[]).await.problem(422), "no_file");
    assert_eq!(app.call(Method::POST, &path, Some(&t_li), Some(json!({}))).await.problem(415), "unsupported_media_type");
    assert_eq!(upload(&app, &path, None, &[], &[("application_form", "a.pdf", PDF)]).await.problem(401), "unauthenticated");
    assert_eq!(files_now().await, base, "nothing was stored");

    // Another user's draft is "not found", whatever he tries.
    for r in [
        app.get(&format!("/api/v1/portal/drafts/{id}"), &t_zhang).await,
        app.call(Method::PUT, &format!("/api/v1/portal/drafts/{id}"), Some(&t_zhang), Some(json!({"property": "x"}))).await,
        app.call(Method::DELETE, &format!("/api/v1/portal/drafts/{id}"), Some(&t_zhang), None).await,
        app.call(Method::POST, &format!("/api/v1/portal/drafts/{id}/submit"), Some(&t_zhang), None).await,
        upload(&app, &path, Some(&t_zhang), &[], &[("application_form", "a.pdf", PDF)]).await,
    ] {
        assert_eq!(r.problem(404), "not_found");
    }
    assert_eq!(files_now().await, base);

    // The buyer uploads every required material over two visits (a PNG and PDFs).
    let form = ok(app.get("/api/v1/portal/flows/IND-TRANSFER-STOCK-HOUSE", &t_li).await).body;
    let required: Vec<String> = form["materials"].as_array().unwrap().iter().filter(|m| m["required"] == true).map(|m| m["code"].as_str().unwrap().to_owned()).collect();
    assert!(required.len() >= 2, "{form}");
    let r = ok(upload(&app, &path, Some(&t_li), &[], &[(&required[0], "申请书.png", PNG)]).await);
    assert_eq!((r.status.as_u16(), r.body[0]["content_type"].as_str()), (201, Some("image/png")), "{}", r.text);
    let first_file = r.body[0]["id"].as_i64().unwrap();
    // A file is taken back out, and the draft keeps the rest.
    let r = ok(upload(&app, &path, Some(&t_li), &[], &[(&required[0], "多余.pdf", b"%PDF-1.7 extra")]).await);
    let extra = r.body[0]["id"].as_i64().unwrap();
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/portal/drafts/{id}/files/{extra}"), Some(&t_zhang), None).await.problem(404), "not_found");
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/portal/drafts/{id}/files/{extra}"), Some(&t_li), None).await.status, 204);
    // Submitting before every required material is there says which one is missing.
    let r = app.call(Method::POST, &format!("/api/v1/portal/drafts/{id}/submit"), Some(&t_li), None).await;
    assert_eq!(r.problem(422), "material_missing");
    assert_eq!(r.body["errors"][0]["field"], required[1].as_str());
    let rest: Vec<(&str, &str, &[u8])> = required[1..].iter().map(|m| (m.as_str(), "材料.pdf", PDF)).collect();
    ok(upload(&app, &path, Some(&t_li), &[], &rest).await);
    // The fields are saved again on the second visit (the share, say), and the files stay.
    let mut again = fields.clone();
    again["my_share"] = json!("1");
    let r = ok(app.call(Method::PUT, &format!("/api/v1/portal/drafts/{id}"), Some(&t_li), Some(again)).await);
    assert_eq!(r.body["fields"]["my_share"], "1");
    assert_eq!(r.body["files"].as_array().unwrap().len(), required.len(), "{}", r.text);
    // His file downloads as what its bytes are; nobody else's account gets it.
    let (status, ct, bytes) = bytes_of(&app, &format!("/api/v1/portal/files/{first_file}"), &t_li).await;
    assert_eq!((status, ct.as_str(), bytes.as_slice()), (200, "image/png", PNG));
    assert_eq!(app.get(&format!("/api/v1/portal/files/{first_file}"), &t_zhang).await.problem(404), "not_found");

    // Submitted: the application waits for 张三, its materials with it; the draft is gone.
    let r = ok(app.call(Method::POST, &format!("/api/v1/portal/drafts/{id}/submit"), Some(&t_li), None).await);
    assert_eq!((r.status.as_u16(), r.body["application"]["state"].as_str()), (201, Some("awaiting")), "{}", r.text);
    let aid = r.body["application"]["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/portal/drafts/{id}"), &t_li).await.problem(404), "not_found");
    let mine = ok(app.get(&format!("/api/v1/portal/applications/{aid}/files"), &t_li).await).body;
    assert_eq!(mine.as_array().unwrap().len(), required.len(), "{mine}");
    // The co-applicant who signs sees them too; a stranger does not.
    let seen = ok(app.get(&format!("/api/v1/portal/applications/{aid}/files"), &t_zhang).await).body;
    assert_eq!(seen, mine);
    assert_eq!(bytes_of(&app, &format!("/api/v1/portal/files/{first_file}"), &t_zhang).await.0, 200, "the co-applicant opens what he confirms");
    assert_eq!(app.get(&format!("/api/v1/portal/applications/{aid}/files"), &t_agent).await.problem(404), "not_found");
    assert_eq!(app.get(&format!("/api/v1/portal/files/{first_file}"), &t_agent).await.problem(404), "not_found");

    // 张三 confirms; the case carries the materials, and the buyer hands in one more (补正).
    ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{aid}/code"), Some(&t_zhang), None).await);
    let code = code_of(&sms, "13912345611");
    let r = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{aid}/confirm"), Some(&t_zhang), Some(json!({"code": code}))).await);
    let case_id = r.body["case_id"].as_i64().unwrap();
    let case_files = ok(app.get(&format!("/api/v1/portal/cases/{case_id}/files"), &t_li).await).body;
    assert_eq!(case_files.as_array().unwrap().len(), required.len());
    let cpath = format!("/api/v1/portal/cases/{case_id}/files");
    let before = files_now().await;
    let r = upload(&app, &cpath, Some(&t_li), &[], &[(&required[0], "补正.pdf", PDF), (&required[0], "坏.jpg", b"GIF89a")]).await;
    assert_eq!(r.problem(422), "bad_file_type");
    assert_eq!(files_now().await, before, "all or nothing on a case too");
    let r = ok(upload(&app, &cpath, Some(&t_li), &[], &[(&required[0], "补正.pdf", b"%PDF-1.5 correction")]).await);
    assert_eq!(r.status, 201);
    assert_eq!(ok(app.get(&cpath, &t_li).await).body.as_array().unwrap().len(), required.len() + 1);
    // Another's case is "not found" for uploads and reads alike.
    for t in [&t_agent, &t_zhang] {
        assert_eq!(upload(&app, &cpath, Some(t), &[], &[(&required[0], "x.pdf", PDF)]).await.problem(404), "not_found");
    }
    assert_eq!(app.get(&cpath, &t_agent).await.problem(404), "not_found");
    assert_eq!(files_now().await, before + 1);

    // A draft deleted takes its files with it.
    let r = ok(app.call(Method::POST, "/api/v1/portal/drafts", Some(&t_li), Some(json!({"flow_code": "IND-TRANSFER-GIFT"}))).await);
    let gone = r.body["id"].as_i64().unwrap();
    ok(upload(&app, &format!("/api/v1/portal/drafts/{gone}/files"), Some(&t_li), &[], &[(&required[0], "a.pdf", PDF)]).await);
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/portal/drafts/{gone}"), Some(&t_li), None).await.status, 204);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM attachments WHERE owner_kind = 'draft' AND owner_id = {gone}")).await, 0);
    assert_eq!(app.get(&format!("/api/v1/portal/drafts/{gone}"), &t_li).await.problem(404), "not_found");
}

/// An agent records his authorisation with the signed letter (checked like every material), sees
/// and revokes it; 档案查询 shows each his own; 利害关系人查询 takes evidence, and after approval
/// tells only the limited result.
async fn authorisations_archive_and_interest_queries_work_through_the_api(engine: Engine) {
    let app = spawn_app_with(engine, |s| s).await;
    let City { t_zhang, t_li, t_agent, .. } = city(&app).await;
    let until = (bdc_registry::service::cases::today() + chrono::Duration::days(30)).to_string();
    let auths = || count(&app, "SELECT COUNT(*) FROM agent_authorisations");
    let files_now = || count(&app, "SELECT COUNT(*) FROM attachments");
    let form = |name: &'static str| vec![("principal_name", name), ("principal_id", "440524188001010014"), ("matters", "代为办理存量房转移"), ("valid_until", "")];
    let with_until = |mut f: Vec<(&'static str, &'static str)>, until: &'static str| {
        f[3].1 = until;
        f
    };
    let until: &'static str = Box::leak(until.into_boxed_str());
    let (n0, f0) = (auths().await, files_now().await);
    // A letter that is no PDF/JPG/PNG, no letter, a wrong name: refused, nothing stored.
    let r = upload(&app, "/api/v1/portal/authorisations", Some(&t_agent), &with_until(form("张三"), until), &[("document", "委托书.pdf", b"PK\x03\x04 zip")]).await;
    assert_eq!(r.problem(422), "invalid_authorisation");
    assert_eq!(r.body["errors"][0]["field"], "document");
    assert!(r.body["detail"].as_str().unwrap().contains("委托书.pdf"), "{}", r.text);
    let r = upload(&app, "/api/v1/portal/authorisations", Some(&t_agent), &with_until(form("张三"), until), &[]).await;
    assert_eq!(r.problem(422), "invalid_authorisation");
    let r = upload(&app, "/api/v1/portal/authorisations", Some(&t_agent), &with_until(form("张三丰"), until), &[("document", "委托书.pdf", PDF)]).await;
    assert_eq!(r.problem(422), "party_not_verified");
    // A principal the register does not know gets the same answer, and is not made a party by
    // being named (nobody can claim another's ID first).
    let parties = count(&app, "SELECT COUNT(*) FROM parties").await;
    let stranger = vec![("principal_name", "陌生人"), ("principal_id", "320402199002020022"), ("matters", "代为办理存量房转移"), ("valid_until", until)];
    let r = upload(&app, "/api/v1/portal/authorisations", Some(&t_agent), &stranger, &[("document", "委托书.pdf", PDF)]).await;
    assert_eq!(r.problem(422), "party_not_verified");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM parties").await, parties, "no party recorded");
    assert_eq!(
        upload(&app, "/api/v1/portal/authorisations", Some(&t_li), &with_until(form("张三"), until), &[("document", "委托书.pdf", PDF)]).await.problem(403),
        "forbidden",
        "only agents record authorisations"
    );
    assert_eq!(upload(&app, "/api/v1/portal/authorisations", None, &with_until(form("张三"), until), &[("document", "委托书.pdf", PDF)]).await.problem(401), "unauthenticated");
    assert_eq!((auths().await, files_now().await), (n0, f0), "nothing was stored");
    // The right letter is recorded, listed, and opens for the agent alone.
    let r = ok(upload(&app, "/api/v1/portal/authorisations", Some(&t_agent), &with_until(form("张三"), until), &[("document", "委托书.pdf", PDF)]).await);
    assert_eq!((r.status.as_u16(), r.body["principal_name"].as_str(), r.body["usable"].as_bool()), (201, Some("张三"), Some(true)), "{}", r.text);
    let auth_id = r.body["id"].as_i64().unwrap();
    let doc = r.body["document_id"].as_i64().unwrap();
    assert_eq!(ok(app.get("/api/v1/portal/authorisations", &t_agent).await).body[0]["id"], auth_id);
    let (status, ct, bytes) = bytes_of(&app, &format!("/api/v1/portal/files/{doc}"), &t_agent).await;
    assert_eq!((status, ct.as_str(), bytes.as_slice()), (200, "application/pdf", PDF));
    assert_eq!(app.get(&format!("/api/v1/portal/files/{doc}"), &t_zhang).await.problem(404), "not_found", "not even the principal downloads the agent's copy");
    // Revoked once; another account cannot.
    assert_eq!(app.call(Method::POST, &format!("/api/v1/portal/authorisations/{auth_id}/revoke"), Some(&t_li), None).await.problem(404), "not_found");
    assert_eq!(app.call(Method::POST, &format!("/api/v1/portal/authorisations/{auth_id}/revoke"), Some(&t_agent), None).await.status, 204);
    assert_eq!(ok(app.get("/api/v1/portal/authorisations", &t_agent).await).body[0]["usable"], false);
    assert_eq!(app.call(Method::POST, &format!("/api/v1/portal/authorisations/{auth_id}/revoke"), Some(&t_agent), None).await.problem(404), "not_found");

    // 档案查询: 张三 sees his flat and its title; 李四 sees nothing of it. Each look is logged.
    let logged = count(&app, "SELECT COUNT(*) FROM public_queries WHERE kind = 'archive'").await;
    let mine = ok(app.get("/api/v1/portal/archive", &t_zhang).await).body;
    assert_eq!(mine["units"][0]["unit_number"], UNIT, "{mine}");
    let entry = &mine["units"][0]["entries"][0];
    assert!(entry["own"] == true && entry["certificate"].as_str().unwrap().contains("不动产权第"), "{mine}");
    let theirs = ok(app.get("/api/v1/portal/archive", &t_li).await).body;
    assert!(theirs["units"].as_array().unwrap().is_empty() && theirs["cases"].as_array().unwrap().is_empty(), "{theirs}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM public_queries WHERE kind = 'archive'").await, logged + 2);
    assert_eq!(app.call(Method::GET, "/api/v1/portal/archive", None, None).await.problem(401), "unauthenticated");

    // 利害关系人查询: bad evidence stores nothing; good evidence is received.
    let ask = [("property_kind", "unit"), ("property", UNIT), ("relation", "creditor"), ("reason", "借款纠纷，需了解抵押情况")];
    let n = count(&app, "SELECT COUNT(*) FROM interest_applications").await;
    let r = upload(&app, "/api/v1/portal/interest", Some(&t_li), &ask, &[("evidence", "借条.pdf", b"MZ\x90\0 exe")]).await;
    assert_eq!(r.problem(422), "invalid_interest_application");
    assert!(r.body["detail"].as_str().unwrap().contains("借条.pdf"), "{}", r.text);
    assert_eq!(upload(&app, "/api/v1/portal/interest", Some(&t_li), &ask[..3], &[("evidence", "借条.pdf", PDF)]).await.problem(422), "invalid_interest_application");
    assert_eq!(upload(&app, "/api/v1/portal/interest", Some(&t_li), &ask, &[("attachment", "借条.pdf", PDF)]).await.problem(422), "unexpected_field");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM interest_applications").await, n);
    let r = ok(upload(&app, "/api/v1/portal/interest", Some(&t_li), &ask, &[("evidence", "借条.pdf", PDF), ("evidence", "判决书.png", PNG)]).await);
    assert_eq!((r.status.as_u16(), r.body["state"].as_str()), (201, Some("submitted")), "{}", r.text);
    let qid = r.body["id"].as_i64().unwrap();
    assert_eq!(ok(app.get("/api/v1/portal/interest", &t_li).await).body[0]["id"], qid);
    let detail = ok(app.get(&format!("/api/v1/portal/interest/{qid}"), &t_li).await).body;
    assert!(detail["result"].is_null(), "nothing before approval: {detail}");
    assert_eq!(detail["evidence"].as_array().unwrap().len(), 2);
    let (status, ct, bytes) = bytes_of(&app, &format!("/api/v1/portal/interest/{qid}/evidence/2"), &t_li).await;
    assert_eq!((status, ct.as_str(), bytes.as_slice()), (200, "image/png", PNG));
    assert_eq!(app.get(&format!("/api/v1/portal/interest/{qid}"), &t_zhang).await.problem(404), "not_found");
    assert_eq!(app.get(&format!("/api/v1/portal/interest/{qid}/evidence/1"), &t_zhang).await.problem(404), "not_found");
    // Approved at the office: the limited result, no holder, no certificate.
    let reviewer = app.staff("chaxun", &["query"]).await;
    let reviewer = bdc_identity::service::auth::authenticate(&app.services, &reviewer).await.unwrap();
    bdc_portal::service::interest::decide(&app.services, &reviewer, "-", qid, true, "").await.unwrap();
    let r = ok(app.get(&format!("/api/v1/portal/interest/{qid}"), &t_li).await);
    assert_eq!((r.body["application"]["state"].as_str(), r.body["result"]["found"].as_bool(), r.body["result"]["titled"].as_bool()), (Some("approved"), Some(true), Some(true)), "{}", r.text);
    assert!(!r.text.contains("张三") && !r.text.contains("不动产权第"), "no holder or certificate in the result: {}", r.text);
}

/// 证书真伪查询 through the API: anyone may ask (name and number, or the QR payload), it is
/// rate-limited per address like the page, and the holder downloads his electronic certificate.
async fn certificate_check_is_public_and_rate_limited(engine: Engine) {
    let app = spawn_app_with(engine, |mut s| {
        s.security.rate_limits.certificate_check = Limit::new(0, 4);
        s
    })
    .await;
    let City { t_zhang, t_li, .. } = city(&app).await;
    let certs = ok(app.get("/api/v1/portal/certificates", &t_zhang).await).body;
    let number = certs[0]["number"].as_str().unwrap().to_owned();
    let verify = |body: Value| app.call(Method::POST, "/api/v1/portal/verify", None, Some(body));
    let r = ok(verify(json!({"name": "张三", "number": number})).await);
    assert_eq!((r.body["verdict"].as_str(), r.body["facts"]["unit_number"].as_str()), (Some("genuine"), Some(UNIT)), "{}", r.text);
    assert!(!r.text.contains("张三"), "holder names are masked: {}", r.text);
    let r = ok(verify(json!({"name": "李四", "number": number})).await);
    assert_eq!((r.body["verdict"].as_str(), r.body["facts"].is_null()), (Some("not_found"), true));
    let r = verify(json!({"name": "张三"})).await;
    assert_eq!(r.problem(422), "missing");
    assert_eq!(r.body["errors"][0]["field"], "number");
    let r = ok(verify(json!({"payload": "BDCZ1.e30.00"})).await);
    assert_eq!(r.body["verdict"], "forged");
    // Four checks per address in the window (the missing-field answer cost none): the fifth is refused.
    ok(verify(json!({"name": "张三", "number": number})).await);
    let r = verify(json!({"name": "张三", "number": number})).await;
    assert_eq!(r.problem(429), "rate_limited");
    assert!(r.headers.get("retry-after").is_some());
    assert!(r.body["detail"].as_str().unwrap().contains("请求过于频繁"));

    // The holder's electronic certificate; another account is told it is not found.
    let enc: String = number.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    let (status, ct, bytes) = bytes_of(&app, &format!("/api/v1/portal/certificates/{enc}/pdf"), &t_zhang).await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(app.get(&format!("/api/v1/portal/certificates/{enc}/pdf"), &t_li).await.problem(404), "not_found");
}

/// A bank is co-applicant of many customers' applications: it confirms twelve in a row, each
/// with its own code — the one-time-code limit counts per account *and application* — while
/// guessing stays locked out: a code dies after 5 wrong tries, and 10 wrong codes over all its
/// applications stop the account confirming anything in the window, the right code included.
async fn a_bank_confirms_many_applications_but_guessing_is_locked_out(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    let City { t_li, t_bank, .. } = city(&app).await;
    const BANK_PHONE: &str = "13912345613";
    // 李四 and the bank buy the flat together from 张三: both 张三 and the bank confirm, so the
    // bank's confirmation leaves each application waiting for 张三.
    let buy = json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "property": UNIT, "my_role": "right_holder", "co_ownership": "1", "others": [
        {"role": "obligor", "name": "张三", "id_number": "440524188001010014"},
        {"role": "right_holder", "name": "常州示例银行股份有限公司", "id_number": "91350100M000100Y43"}]});
    let mut ids = Vec::new();
    for _ in 0..15 {
        let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(buy.clone())).await);
        ids.push(r.body["application"]["id"].as_i64().unwrap());
    }
    for id in &ids[..12] {
        let sent = app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/code"), Some(&t_bank), None).await;
        assert_eq!(sent.status, 200, "application {id}: {}", sent.text);
        let code = code_of(&sms, BANK_PHONE);
        let r = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(&t_bank), Some(json!({"code": code}))).await);
        let bank = r.body["confirmations"].as_array().unwrap().iter().find(|c| c["name"] == "常州示例银行股份有限公司").cloned().unwrap();
        assert_eq!(bank["state"], "confirmed", "{}", r.text);
    }
    // A second code for one application within the minute is refused.
    assert_eq!(app.call(Method::POST, &format!("/api/v1/portal/applications/{}/code", ids[12]), Some(&t_bank), None).await.status, 200);
    let r = app.call(Method::POST, &format!("/api/v1/portal/applications/{}/code", ids[12]), Some(&t_bank), None).await;
    assert_eq!(r.problem(422), "code_too_soon");

    // Guessing: five wrong tries kill the code, the right one is then refused too.
    let code = code_of(&sms, BANK_PHONE);
    let wrong = |i: u32| format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
    let confirm = |id: i64, code: String| {
        let (app, t_bank) = (&app, &t_bank);
        async move { app.call(Method::POST, &format!("/api/v1/portal/applications/{id}/confirm"), Some(t_bank), Some(json!({"code": code}))).await }
    };
    // Eight guesses at once: the tries are counted before each comparison, so only five are
    // compared, and the right code after them is refused.
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (http, url, token) = (app.http.clone(), format!("{}/api/v1/portal/applications/{}/confirm", app.base, ids[12]), t_bank.clone());
        let guess = wrong(i);
        guesses.spawn(async move {
            http.post(url).bearer_auth(token).json(&json!({"code": guess})).send().await.unwrap().json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap_or("").to_owned()
        });
    }
    let answers: Vec<String> = guesses.join_all().await;
    assert_eq!(answers.iter().filter(|c| *c == "wrong_code").count(), 5, "{answers:?}");
    assert_eq!(answers.iter().filter(|c| *c == "code_expired").count(), 3, "{answers:?}");
    assert_eq!(confirm(ids[12], code.clone()).await.problem(422), "code_expired", "a code dies after 5 tries");
    // Five more wrong codes on another application: the account has used up its wrong codes.
    ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{}/code", ids[13]), Some(&t_bank), None).await);
    let code = code_of(&sms, BANK_PHONE);
    for i in 0..5 {
        assert_eq!(confirm(ids[13], format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000)).await.problem(422), "wrong_code");
    }
    // Now even a fresh, right code on a third application is refused alike, with Retry-After.
    ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{}/code", ids[14]), Some(&t_bank), None).await);
    let code = code_of(&sms, BANK_PHONE);
    let r = confirm(ids[14], code).await;
    assert_eq!(r.problem(429), "rate_limited");
    assert!(r.headers.get("retry-after").is_some());
    let waiting = ok(app.get(&format!("/api/v1/portal/applications/{}", ids[14]), &t_bank).await).body;
    assert_eq!(waiting["my_confirmation"], "pending", "nothing was confirmed by the refused try");
}

crate::both!(
    online_applications_are_confirmed_by_every_co_applicant,
    drafts_and_materials_work_through_the_api,
    authorisations_archive_and_interest_queries_work_through_the_api,
    certificate_check_is_public_and_rate_limited,
    a_bank_confirms_many_applications_but_guessing_is_locked_out,
);
