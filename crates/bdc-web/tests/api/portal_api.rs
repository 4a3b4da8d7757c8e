//! `/api/v1/portal/…` on both engines: the whole online application, the co-applicants'
//! confirmations (confirm, decline, wrong code), an agent outside his authorisation, and bad
//! input that changes nothing.

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_services::agency::{self, NewAuthorisation};
use bdc_services::materials::Upload;
use bdc_store::Engine;
use reqwest::Method;
use serde_json::{json, Value};

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

async fn online_applications_are_confirmed_by_every_co_applicant(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
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
        .call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(json!({"code": PARCEL, "location": "常州市天宁区青洋北路3号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"})))
        .await);
    ok(app.call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008}))).await);
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路3号1幢101室", "area": 89.3, "house_use": "10"}))).await).body["id"].as_i64().unwrap();
    let r = ok(app.call(Method::POST, "/api/v1/cases", Some(&clerk), Some(json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": zhang, "role": "right_holder"}]}))).await);
    let first = r.body["case"]["id"].as_i64().unwrap();
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{first}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let t_zhang = app.public_account("zhangsan", &["person"], zhang, "13912345611").await;
    let t_li = app.public_account("lisi", &["person"], li, "13912345612").await;
    let t_bank = app.public_account("bank", &["institution"], bank, "13912345613").await;
    let t_agent = app.public_account("wangdaili", &["agent"], wang, "13912345614").await;

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
    let kept = bdc_services::applications::confirmations_of_case(&app.services, &bdc_services::Actor::console(), case_id).await.unwrap();
    assert_eq!((kept[0].0.as_str(), kept[0].2), ("张三", bdc_services::applications::ConfirmationState::Confirmed));
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
    let agent = bdc_services::auth::authenticate(&app.services, &t_agent).await.unwrap();
    let letter = || Some(Upload { material_code: "document".into(), file_name: "委托书.pdf".into(), bytes: PDF.to_vec() });
    let until = (bdc_services::cases::today() + chrono::Duration::days(30)).to_string();
    let auth = agency::record(&app.services, &agent, NewAuthorisation { principal_name: "张三".into(), principal_id: "440524188001010014".into(), matters: "代为申请抵押权注销登记".into(), valid_until: until.clone(), document: letter() }).await.unwrap();
    let listed = ok(app.get("/api/v1/portal/authorisations", &t_agent).await).body;
    assert_eq!(listed[0]["id"], auth.id);
    let outside = json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "property": UNIT, "my_role": "obligor", "on_behalf": auth.id, "others": [{"role": "right_holder", "name": "李四", "id_number": "11010519491231002X"}]});
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_agent), Some(outside.clone())).await;
    assert_eq!(r.problem(422), "outside_authorisation");
    assert_eq!(r.body["errors"][0]["field"], "on_behalf");
    // Within it: the principal applies (he signed the letter), 李四 confirms.
    let within = agency::record(&app.services, &agent, NewAuthorisation { principal_name: "张三".into(), principal_id: "440524188001010014".into(), matters: "代为办理存量房转移".into(), valid_until: until, document: letter() }).await.unwrap();
    let mut inside = outside;
    inside["on_behalf"] = json!(within.id);
    let r = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_agent), Some(inside)).await);
    let confirmers: Vec<&str> = r.body["application"]["confirmations"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(confirmers, ["李四"], "the principal does not confirm again: {}", r.text);
    assert!(r.body["application"]["parties"].as_array().unwrap().iter().any(|p| p["name"] == "张三" && p["role"] == "obligor"));
}

crate::both!(online_applications_are_confirmed_by_every_co_applicant);
