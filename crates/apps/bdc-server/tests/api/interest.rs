//! 利害关系人查询 through the pages, on both engines: a real-name citizen applies with evidence
//! (multipart upload), a reviewer without 审批利害关系人查询 is refused, one with it approves, and
//! the applicant sees only the limited result; a refusal carries its reason; a fake PDF is
//! refused and nothing is stored; nobody else sees the application or its evidence; every step
//! is in the query log.

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_db::Engine;
use bdc_identity::service::signup::{self as portal, SignUp};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app_with_identity, Reply, TestApp, PASSWORD};

const PARCEL: &str = "320402001001GB00001";
const UNIT: &str = "320402001001GB00001F00010001";
const LOCATION: &str = "常州市天宁区青洋北路1号1幢101室";
const HOLDER_ID: &str = "440524188001010014";
const BANK: &str = "常州示例银行股份有限公司";

/// A browser session: the cookie and its CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn session(app: &TestApp, username: &str, realm: &str) -> Session {
    let login = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": PASSWORD, "realm": realm}))).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    Session { cookie, csrf: login.body["csrf_token"].as_str().unwrap().to_owned() }
}

async fn page(app: &TestApp, s: &Session, path: &str) -> Reply {
    app.raw(app.http.get(format!("{}{path}", app.base)).header("cookie", &s.cookie)).await
}

async fn post_form(app: &TestApp, s: &Session, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut body: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
    body.extend_from_slice(fields);
    let encoded: String = body.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&");
    app.raw(app.http.post(format!("{}{path}", app.base)).header("cookie", &s.cookie).header("content-type", "application/x-www-form-urlencoded").body(encoded)).await
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// The application form as a browser sends it: text fields, then the files.
fn multipart(csrf: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----bdc-test-boundary-7d1f";
    let mut body = Vec::new();
    for (k, v) in [("csrf", csrf)].iter().chain(fields) {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    for (name, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn apply(app: &TestApp, s: &Session, kind: &str, property: &str, reason: &str, files: &[(&str, &[u8])]) -> Reply {
    let (ct, body) = multipart(&s.csrf, &[("property_kind", kind), ("property", property), ("relation", "creditor"), ("reason", reason)], files);
    app.raw(app.http.post(format!("{}/portal/interest", app.base)).header("cookie", &s.cookie).header("content-type", ct).body(body)).await
}

/// The id in `Location: /portal/interest/{id}`.
fn applied_id(r: &Reply) -> i64 {
    assert_eq!(r.status, 303, "{}", r.text);
    let loc = r.headers.get("location").unwrap().to_str().unwrap();
    loc.strip_prefix("/portal/interest/").unwrap().parse().unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let mut c = app.db.conn().await.unwrap();
    let row: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *c).await.unwrap();
    row.0
}

/// Signs up a real-name portal account (the code comes from the SMS sandbox).
async fn citizen(app: &TestApp, sms: &SandboxSms, username: &str, name: &str, id: &str, phone: &str) {
    portal::send_code(&app.services, phone, "127.0.0.1").await.unwrap();
    let code: String = sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
    let form = SignUp {
        kind: "person".into(),
        username: username.into(),
        password: PASSWORD.into(),
        password_again: PASSWORD.into(),
        name: name.into(),
        id_number: id.into(),
        phone: phone.into(),
        code,
        photo: app.resident_photo(name, id),
        ..SignUp::default()
    };
    portal::sign_up(&app.services, form, "127.0.0.1", None).await.unwrap();
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

async fn an_interested_party_sees_only_the_limited_result_after_approval(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let (app, _authority) = spawn_app_with_identity(engine, |s| s.with_sms(sms.clone())).await;
    let clerk = app.staff("banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let ok = |r: Reply| {
        assert!(r.status.is_success(), "{}", r.text);
        r
    };
    ok(app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(
                json!({"code": PARCEL, "location": "常州市天宁区青洋北路1号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"}),
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
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": LOCATION, "area": 89.3, "house_use": "10"}))).await).body["id"].as_i64().unwrap();
    let party = |kind: &'static str, name: &'static str, id_type: &'static str, id: &'static str| {
        let (app, clerk) = (&app, &clerk);
        async move { ok(app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(json!({"kind": kind, "name": name, "id_type": id_type, "id_number": id}))).await).body["id"].as_i64().unwrap() }
    };
    let zhang = party("person", "张三", "1", HOLDER_ID).await;
    let bank = party("enterprise", BANK, "8", "91350100M000100Y43").await;
    let register = |flow: &'static str, applicants: serde_json::Value, request: serde_json::Value| {
        let (app, clerk, team) = (&app, &clerk, &team);
        async move {
            let r = ok(app.call(Method::POST, "/api/v1/cases", Some(clerk), Some(json!({"flow_code": flow, "unit_ids": [unit], "applicants": applicants, "request": request}))).await);
            let id = r.body["case"]["id"].as_i64().unwrap();
            for a in ["submit", "approve", "register"] {
                ok(app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
            }
        }
    };
    register("CTR-FIRST-STATE-HOUSE", json!([{"party_id": zhang, "role": "right_holder"}]), json!({})).await;
    register(
        "CTR-MORTGAGE-FIRST",
        json!([{"party_id": bank, "role": "right_holder"}, {"party_id": zhang, "role": "obligor"}]),
        json!({"attributes": {"amount": "800000", "term_start": "2026-01-01", "term_end": "2046-01-01"}}),
    )
    .await;
    let book = app.get(&format!("/api/v1/units/{unit}/register"), &clerk).await;
    let certificates: Vec<String> = book.body["current"].as_array().unwrap().iter().filter_map(|r| r["certificate_number"].as_str().map(str::to_owned)).collect();
    assert_eq!(certificates.len(), 2, "title and mortgage proof");

    citizen(&app, &sms, "lisi", "李四", "11010519491231002X", "13912345678").await;
    citizen(&app, &sms, "wangwu", "王五", "320402199001011239", "13912345679").await;
    let li = session(&app, "lisi", "public").await;
    let wang = session(&app, "wangwu", "public").await;

    // A fake PDF (an executable renamed) is refused with a Chinese error; nothing is stored.
    let fake = apply(&app, &li, "unit", UNIT, "借款纠纷已起诉", &[("判决书.pdf", b"MZ\x90\x00\x03 not a pdf")]).await;
    assert_eq!(fake.status, 422, "{}", fake.text);
    assert!(fake.text.contains("不是 PNG、JPEG 图片或 PDF 文件"), "{}", fake.text);
    assert!(fake.text.contains("id=\"evidence-error\""), "the error is beside the file field");
    assert!(fake.text.contains("借款纠纷已起诉"), "the typed reason is kept");
    // Missing fields are each named beside their field.
    let empty = apply(&app, &li, "unit", "", "", &[]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains("id=\"property-error\"") && empty.text.contains("id=\"reason-error\"") && empty.text.contains("请上传利害关系证明材料"), "{}", empty.text);
    // A file over 10 MB is refused by name.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let too_big = apply(&app, &li, "unit", UNIT, "借款纠纷", &[("大文件.pdf", &big)]).await;
    assert_eq!(too_big.status, 422);
    assert!(too_big.text.contains("“大文件.pdf”超过 10 MB"), "{}", too_big.text);
    // A body over the upload limit (five files of 10 MB) gets the form back with a clear message.
    let mut huge = PDF.to_vec();
    huge.resize(bdc_portal::pages::interest::UPLOAD_LIMIT + 1024, b' ');
    let over = apply(&app, &li, "unit", UNIT, "借款纠纷", &[("扫描件.pdf", &huge)]).await;
    assert_eq!(over.status, 422);
    assert!(over.text.contains("上传内容过大"), "{}", over.text);
    assert!(over.text.contains(&format!("value=\"{UNIT}\"")), "the typed values are kept");
    assert_eq!(count(&app, "interest_applications").await, 0);
    assert_eq!(count(&app, "interest_evidence").await, 0);

    // A proper application: a PDF and a photo.
    let first = applied_id(&apply(&app, &li, "unit", UNIT, "房主欠我借款 20 万元，已向天宁区法院起诉", &[("起诉状.pdf", PDF), ("借条.png", PNG)]).await);
    assert_eq!(count(&app, "interest_evidence").await, 2);
    assert!(app.services.files.exists(&format!("interest/{first}/1.pdf")).await.unwrap());
    assert!(app.services.files.exists(&format!("interest/{first}/2.png")).await.unwrap());
    // One that names nothing in the register gets the very same answer: no leak before approval.
    let nowhere = applied_id(&apply(&app, &li, "location", "常州市天宁区不存在路9号", "拟承租该房屋", &[("意向书.pdf", PDF)]).await);
    for id in [first, nowhere] {
        let mine = page(&app, &li, &format!("/portal/interest/{id}")).await;
        assert_eq!(mine.status, 200);
        assert!(mine.text.contains("申请已收到") && mine.text.contains("待审核"), "{}", mine.text);
        assert!(!mine.text.contains("id=\"interest-result\"") && !mine.text.contains("未找到") && !mine.text.contains("未查询到"), "{}", mine.text);
    }
    assert!(!page(&app, &li, &format!("/portal/interest/{first}")).await.text.contains(LOCATION), "the location is not shown before approval");

    // Someone else sees neither the application nor its evidence.
    assert_eq!(page(&app, &wang, &format!("/portal/interest/{first}")).await.status, 404);
    assert_eq!(page(&app, &wang, &format!("/portal/interest/{first}/evidence/1")).await.status, 404);
    assert!(!page(&app, &wang, "/portal/interest").await.text.contains(&format!("#{first}<")));
    // The applicant sees their own evidence, inline and typed by its bytes.
    let own = page(&app, &li, &format!("/portal/interest/{first}/evidence/1")).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.headers["content-type"], "application/pdf");
    assert_eq!(own.headers["x-content-type-options"], "nosniff");
    assert!(own.headers["content-disposition"].to_str().unwrap().starts_with("inline"));

    // Staff without 审批利害关系人查询 are refused everything.
    app.user("shenhe", &["review"]).await;
    let reviewer = session(&app, "shenhe", "staff").await;
    assert_eq!(page(&app, &reviewer, "/workbench/interest").await.status, 403);
    assert_eq!(page(&app, &reviewer, &format!("/workbench/interest/{first}")).await.status, 403);
    assert_eq!(page(&app, &reviewer, &format!("/workbench/interest/{first}/evidence/1")).await.status, 404);
    assert_eq!(post_form(&app, &reviewer, &format!("/workbench/interest/{first}"), &[("decision", "approve"), ("reason", "")]).await.status, 403);

    // The 查询 role holds it by default: the queue, oldest first, and the evidence.
    app.user("chaxun", &["query"]).await;
    let q = session(&app, "chaxun", "staff").await;
    let queue = page(&app, &q, "/workbench/interest").await;
    assert_eq!(queue.status, 200);
    let (a, b) = (queue.text.find(&format!("#{first}<")).unwrap(), queue.text.find(&format!("#{nowhere}<")).unwrap());
    assert!(a < b, "oldest first");
    let detail = page(&app, &q, &format!("/workbench/interest/{first}")).await;
    assert!(detail.text.contains("起诉状.pdf") && detail.text.contains("<iframe") && detail.text.contains("<img") && detail.text.contains(UNIT), "{}", detail.text);
    let png = page(&app, &q, &format!("/workbench/interest/{first}/evidence/2")).await;
    assert_eq!(png.status, 200);
    assert_eq!(png.headers["content-type"], "image/png");

    // Approve; a second decision is refused.
    let approved = post_form(&app, &q, &format!("/workbench/interest/{first}"), &[("decision", "approve"), ("reason", "起诉状与借条相符")]).await;
    assert_eq!(approved.status, 303, "{}", approved.text);
    let again = post_form(&app, &q, &format!("/workbench/interest/{first}"), &[("decision", "refuse"), ("reason", "重复")]).await;
    assert_eq!(again.status, 409);
    assert!(again.text.contains("不能再次审核"), "{}", again.text);

    // The applicant sees the limited result: natural state and restrictions, no names, IDs,
    // certificate numbers or amounts.
    let result = page(&app, &li, &format!("/portal/interest/{first}")).await;
    assert_eq!(result.status, 200);
    let text = &result.text;
    assert!(text.contains("已同意") && text.contains("id=\"interest-result\"") && text.contains(LOCATION) && text.contains(UNIT) && text.contains("89.30 平方米") && text.contains("住宅"), "{text}");
    let mortgage_line = text.find("抵押权登记</dt><dd>有").is_some();
    assert!(mortgage_line, "the mortgage shows as present: {text}");
    for secret in ["张三", "*三", HOLDER_ID, "4405**********0014", BANK, "800000", "80万"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    for c in &certificates {
        assert!(!text.contains(c.as_str()), "certificate {c} leaked");
    }

    // A refusal needs its reason, which the applicant then reads.
    let no_reason = post_form(&app, &q, &format!("/workbench/interest/{nowhere}"), &[("decision", "refuse"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.text.contains("拒绝查询须填写理由"));
    assert_eq!(post_form(&app, &q, &format!("/workbench/interest/{nowhere}"), &[("decision", "refuse"), ("reason", "未提供租赁意向书")]).await.status, 303);
    let refused = page(&app, &li, &format!("/portal/interest/{nowhere}")).await;
    assert!(refused.text.contains("已拒绝") && refused.text.contains("未提供租赁意向书") && !refused.text.contains("id=\"interest-result\""), "{}", refused.text);
    let list = page(&app, &li, "/portal/interest").await;
    assert!(list.text.contains("已同意") && list.text.contains("已拒绝"));

    // Every step is in the query log, kind `interest`.
    let mut conn = app.db.conn().await.unwrap();
    let log: Vec<_> = bdc_audit::queries::recent(&mut conn, 100).await.unwrap().into_iter().filter(|q| q.kind == "interest").collect();
    let outcomes = |o: &str| log.iter().filter(|q| q.outcome == o).count();
    assert_eq!(outcomes("submitted"), 2, "{log:?}");
    assert_eq!(outcomes("approved"), 1);
    assert_eq!(outcomes("refused"), 1);
    assert_eq!(outcomes("result_shown"), 1, "one viewing of the approved result");
    assert!(log.iter().all(|q| q.user_id.is_some() && !q.client.is_empty()), "who and from where: {log:?}");
}

crate::both!(an_interested_party_sees_only_the_limited_result_after_approval);
