//! 打印文书 on both engines: 受理回执, 补正告知书, 退件告知书 and 申请书 download as PDFs for staff
//! and the case's own people and not for a stranger; 补正告知书 is refused (409, in Chinese) for a
//! case not in 补正; each print is an issued record whose signed QR payload verifies at `/verify`
//! and fails with one byte changed; the 有房／无房证明 says 未发现 for a user with no units and lists
//! the unit of one who holds it, and is logged as a public query.

use bdc_db::Engine;
use reqwest::{Method, StatusCode};
use serde_json::json;

use bdc_registry::service::certificates::{self, Verdict};
use bdc_registry::service::documents::{self, DocumentKind};

use crate::helpers::{spawn_app, Reply, Team, TestApp, PASSWORD};

const PARCEL: &str = "320402001001GB00024";
const UNIT: &str = "320402001001GB00024F00010001";

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{}", r.text);
    r
}

/// 张三 owns a flat (registered at the counter); 李四 has a real-name account and nothing.
struct Town {
    clerk: String,
    team: Team,
    t_zhang: String,
    t_li: String,
    /// The counter case that registered 张三's flat.
    first: i64,
}

async fn town(app: &TestApp) -> Town {
    let clerk = app.staff("wenshu", &["intake", "review", "register", "certify", "archive", "query"]).await;
    let team = app.team("wenshu", &clerk).await;
    let party = |name: &str, id: &str| {
        let (app, clerk) = (&app, &clerk);
        let body = json!({"kind": "person", "name": name, "id_type": "1", "id_number": id});
        async move { ok(app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(body)).await).body["id"].as_i64().unwrap() }
    };
    let zhang = party("张三", "440524188001010014").await;
    let li = party("李四", "11010519491231002X").await;
    let parcel =
        json!({"code": PARCEL, "location": "常州市天宁区青洋北路24号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"});
    ok(app.call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(parcel)).await);
    let building = json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008});
    ok(app.call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(building)).await);
    let unit = json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路24号1幢101室", "area": 89.3, "house_use": "10"});
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(unit)).await).body["id"].as_i64().unwrap();
    let first = json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": zhang, "role": "right_holder"}]});
    let first = ok(app.call(Method::POST, "/api/v1/cases", Some(&clerk), Some(first)).await).body["case"]["id"].as_i64().unwrap();
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{first}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let t_zhang = app.public_account("zhangsan", &["person"], zhang, "13912345641").await;
    let t_li = app.public_account("lisi", &["person"], li, "13912345642").await;
    Town { clerk, team, t_zhang, t_li, first }
}

/// Logs a public user in through the login page; returns the session cookie.
async fn public_cookie(app: &TestApp, username: &str) -> String {
    let login = app.raw(app.http.post(format!("{}/login", app.base)).form(&[("realm", "public"), ("username", username), ("password", PASSWORD)])).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text);
    login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.http.get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap()
}

/// Asserts a PDF answer and returns its bytes.
async fn pdf(r: reqwest::Response) -> Vec<u8> {
    let status = r.status();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = r.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    bytes
}

fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("page has a csrf field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// The verification page's answer to a scanned code.
async fn verify_page(app: &TestApp, payload: &str) -> String {
    let r = app.http.get(format!("{}/verify", app.base)).query(&[("payload", payload)]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// `payload` with one character of its signed facts changed.
fn altered(payload: &str) -> String {
    let mut chars: Vec<char> = payload.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

async fn stored_digest(app: &TestApp, number: &str) -> (String, String, Option<i64>) {
    let mut conn = app.db.conn().await.unwrap();
    sqlx::query_as("SELECT kind, digest, case_id FROM issued_documents WHERE number = $1").bind(number).fetch_one(&mut *conn).await.unwrap()
}

async fn case_documents_print_for_their_people_and_verify(engine: Engine) {
    let app = spawn_app(engine).await;
    let Town { clerk, team, t_zhang, t_li, first } = town(&app).await;
    let staff_cookie = app.page_cookie("wenshu").await;

    // The workbench prints the receipt and the application form of the registered case.
    let receipt = pdf(page(&app, &staff_cookie, &format!("/workbench/cases/{first}/documents/receipt.pdf")).await).await;
    pdf(page(&app, &staff_cookie, &format!("/workbench/cases/{first}/documents/application.pdf")).await).await;
    // The case page offers them; 补正告知书 only in 补正.
    let case_page = page(&app, &staff_cookie, &format!("/workbench/cases/{first}")).await.text().await.unwrap();
    assert!(case_page.contains("打印受理回执") && case_page.contains("打印申请书") && !case_page.contains("打印补正告知书"), "{case_page}");
    // Not in 补正: refused with a Chinese page, nothing issued.
    let refused = page(&app, &staff_cookie, &format!("/workbench/cases/{first}/documents/correction.pdf")).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let text = refused.text().await.unwrap();
    assert!(text.contains("不在补正状态"), "{text}");
    let refused = page(&app, &staff_cookie, &format!("/workbench/cases/{first}/documents/rejection.pdf")).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(page(&app, &staff_cookie, &format!("/workbench/cases/{first}/documents/certificate.pdf")).await.status(), StatusCode::NOT_FOUND);
    {
        let mut conn = app.db.conn().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issued_documents").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(n, 2, "the refusals issued nothing");
    }

    // 张三 applies online for a new certificate; the clerk asks for a correction.
    let body = json!({"flow_code": "IND-REPLACE-CERTIFICATE", "property": UNIT, "my_role": "right_holder", "materials": ["application_form"]});
    let online = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_zhang), Some(body)).await).body["case"]["id"].as_i64().unwrap();
    ok(app.call(Method::POST, &format!("/api/v1/cases/{online}/actions"), Some(&clerk), Some(json!({"action": "request_correction", "reason": "请补交原不动产权证书"}))).await);

    // 张三 has it on the portal (page and API); 李四, a stranger, is told it does not exist;
    // staff are no public account.
    let zhang_cookie = public_cookie(&app, "zhangsan").await;
    let mine = page(&app, &zhang_cookie, &format!("/portal/cases/{online}")).await.text().await.unwrap();
    assert!(mine.contains("打印补正告知书") && mine.contains(&format!("/portal/cases/{online}/documents/correction.pdf")), "{mine}");
    pdf(page(&app, &zhang_cookie, &format!("/portal/cases/{online}/documents/correction.pdf")).await).await;
    pdf(page(&app, &zhang_cookie, &format!("/portal/cases/{online}/documents/application.pdf")).await).await;
    let li_cookie = public_cookie(&app, "lisi").await;
    assert_eq!(page(&app, &li_cookie, &format!("/portal/cases/{online}/documents/receipt.pdf")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(page(&app, &li_cookie, &format!("/portal/cases/{first}/documents/receipt.pdf")).await.status(), StatusCode::NOT_FOUND);
    let api = app.http.get(format!("{}/api/v1/portal/cases/{online}/documents/correction", app.base)).bearer_auth(&t_zhang).send().await.unwrap();
    pdf(api).await;
    assert_eq!(app.get(&format!("/api/v1/portal/cases/{online}/documents/receipt"), &t_li).await.problem(404), "not_found");
    assert_eq!(app.get(&format!("/api/v1/portal/cases/{online}/documents/receipt"), &team.reviewer).await.problem(403), "forbidden");
    assert_eq!(app.get(&format!("/api/v1/portal/cases/{first}/documents/correction"), &t_zhang).await.problem(409), "document_not_offered");
    // Not yet accepted (受理) by the office: no receipt yet.
    assert_eq!(app.get(&format!("/api/v1/portal/cases/{online}/documents/receipt"), &t_zhang).await.problem(409), "document_not_offered");
    // A public user has no workbench.
    assert_ne!(page(&app, &zhang_cookie, &format!("/workbench/cases/{online}/documents/receipt.pdf")).await.status(), StatusCode::OK);

    // Each print is an issued record; its QR payload verifies, and altered it does not.
    let s = &app.services;
    let actor = bdc_core::Actor::console();
    let notice = documents::case_document(s, &actor, online, DocumentKind::Correction, documents::register_labels).await.unwrap();
    assert!(notice.number.starts_with("BZ"), "{}", notice.number);
    let (kind, digest, case_id) = stored_digest(&app, &notice.number).await;
    assert_eq!((kind.as_str(), digest, case_id), ("correction", bdc_crypto::sm3_hex(&notice.pdf), Some(online)), "stored with the SM3 digest of the PDF handed out");
    let Verdict::Genuine(facts) = certificates::verify_payload(s, None, "-", &notice.payload).await.unwrap() else { panic!("genuine") };
    assert!(facts.is_document() && facts.n == notice.number && facts.kind_name() == "补正告知书" && facts.h.contains("*三"), "{facts:?}");
    let shown = verify_page(&app, &format!("{}/verify?payload={}", s.public_url, notice.payload)).await;
    assert!(shown.contains("该文书真实有效") && shown.contains(&notice.number) && shown.contains("补正告知书"), "{shown}");
    assert_eq!(certificates::verify_payload(s, None, "-", &altered(&notice.payload)).await.unwrap(), Verdict::Forged);
    let shown = verify_page(&app, &altered(&notice.payload)).await;
    assert!(shown.contains("伪造或篡改") && !shown.contains("该文书真实有效"), "{shown}");
    // The receipt printed on the workbench is stored under its own number.
    {
        let mut conn = app.db.conn().await.unwrap();
        let digests: Vec<String> = sqlx::query_scalar("SELECT digest FROM issued_documents WHERE kind = 'receipt'").fetch_all(&mut *conn).await.unwrap();
        assert!(digests.contains(&bdc_crypto::sm3_hex(&receipt)), "the workbench's receipt is on record");
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = '出具文书'").fetch_one(&mut *conn).await.unwrap();
        assert!(audited >= 5, "every print is audited: {audited}");
    }

    // Returned: the 退件告知书 (不予受理 before 受理) is printed, with its legal basis.
    ok(app.call(Method::POST, &format!("/api/v1/cases/{online}/actions"), Some(&clerk), Some(json!({"action": "return", "reason": "申请人未按期补正"}))).await);
    pdf(page(&app, &staff_cookie, &format!("/workbench/cases/{online}/documents/rejection.pdf")).await).await;
    let case_page = page(&app, &staff_cookie, &format!("/workbench/cases/{online}")).await.text().await.unwrap();
    assert!(case_page.contains("打印退件告知书"), "{case_page}");
    let rejection = documents::case_document(s, &actor, online, DocumentKind::Rejection, documents::register_labels).await.unwrap();
    assert!(matches!(certificates::verify_payload(s, None, "-", &rejection.payload).await.unwrap(), Verdict::Genuine(f) if f.n == rejection.number));
    // An unsigned document payload is forged.
    assert_eq!(certificates::verify_payload(s, None, "-", "BDCW1.e30.00").await.unwrap(), Verdict::Forged);
}

async fn housing_proof_says_none_or_lists_the_unit(engine: Engine) {
    let app = spawn_app(engine).await;
    let Town { clerk, t_zhang, t_li, .. } = town(&app).await;
    let s = &app.services;

    // 李四 holds nothing: 无房证明.
    let r = app.http.post(format!("{}/api/v1/portal/proofs/housing", app.base)).bearer_auth(&t_li).send().await.unwrap();
    pdf(r).await;
    // 张三 holds the flat: 有房证明 listing it.
    let r = app.http.post(format!("{}/api/v1/portal/proofs/housing", app.base)).bearer_auth(&t_zhang).send().await.unwrap();
    pdf(r).await;
    // Staff have no such proof.
    assert_eq!(app.call(Method::POST, "/api/v1/portal/proofs/housing", Some(&clerk), None).await.problem(403), "forbidden");
    {
        let mut conn = app.db.conn().await.unwrap();
        let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT kind, subject, summary FROM issued_documents WHERE kind = 'housing' ORDER BY id").fetch_all(&mut *conn).await.unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].1.starts_with("*四") && rows[0].2 == "未发现不动产登记记录", "{rows:?}");
        assert!(rows[1].1.starts_with("*三") && rows[1].2.contains(UNIT) && rows[1].2.contains("1 处"), "{rows:?}");
        assert!(!rows[0].1.contains("11010519491231002X"), "the ID number is masked");
        let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM public_queries WHERE kind = 'housing_proof'").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(logged, 2, "each proof is a logged public query");
    }

    // The verification returns the stored facts: 无房 for 李四, the unit for 张三.
    let li_actor = actor_of(&app, "lisi").await;
    let proof = documents::housing_proof(s, &li_actor, "127.0.0.1").await.unwrap();
    assert!(proof.number.starts_with("ZM"));
    let Verdict::Genuine(f) = certificates::verify_payload(s, None, "-", &proof.payload).await.unwrap() else { panic!("genuine") };
    assert_eq!((f.h.as_str(), f.kind_name()), ("未发现不动产登记记录", "不动产登记资料查询结果证明"));
    let zhang_actor = actor_of(&app, "zhangsan").await;
    let proof = documents::housing_proof(s, &zhang_actor, "127.0.0.1").await.unwrap();
    let shown = verify_page(&app, &proof.payload).await;
    assert!(shown.contains("该文书真实有效") && shown.contains(UNIT), "{shown}");
    assert_eq!(certificates::verify_payload(s, None, "-", &altered(&proof.payload)).await.unwrap(), Verdict::Forged);

    // The button on 档案查询: a POST with the page's CSRF token returns the PDF; without it,
    // the page has expired.
    let cookie = public_cookie(&app, "lisi").await;
    let archive = page(&app, &cookie, "/portal/archive").await.text().await.unwrap();
    assert!(archive.contains("开具有房/无房证明"), "{archive}");
    let csrf = csrf_of(&archive);
    let r = app.http.post(format!("{}/portal/archive/proof.pdf", app.base)).header("cookie", &cookie).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    pdf(r).await;
    let r = app.http.post(format!("{}/portal/archive/proof.pdf", app.base)).header("cookie", &cookie).form(&[("csrf", "wrong")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The public user's actor, as the gate makes it from his session.
async fn actor_of(app: &TestApp, username: &str) -> bdc_core::Actor {
    let mut actor = bdc_core::Actor::console();
    actor.realm = bdc_core::access::Realm::Public;
    actor.username = username.into();
    let mut conn = app.db.conn().await.unwrap();
    actor.user_id = sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(username).fetch_one(&mut *conn).await.unwrap();
    actor
}

crate::both!(case_documents_print_for_their_people_and_verify, housing_proof_says_none_or_lists_the_unit);
