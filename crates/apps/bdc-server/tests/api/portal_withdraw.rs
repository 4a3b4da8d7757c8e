//! 撤回 of an online case before 受理 (`POST /api/v1/portal/cases/{id}/withdraw`), and the
//! online form answering every field at once, on both engines: a case applied for jointly is
//! withdrawn only by all its applicants, at the office; the applicant withdraws a case
//! still in 受理中 and the register's case list shows 撤回 with his reason; a stranger, a
//! co-applicant who did not submit, and staff cannot; after a clerk's 受理 — or when the clerk's
//! 受理 and the withdrawal race — exactly one wins; the unit is free for a new case afterwards.

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_db::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Reply, Team, TestApp};

const PARCEL: &str = "320402001001GB00007";
const UNIT: &str = "320402001001GB00007F00010001";
const ZHANG_PHONE: &str = "13912345621";

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{}", r.text);
    r
}

/// 张三 owns a flat (registered at the counter); 李四 and 王五 have real-name accounts.
struct Town {
    clerk: String,
    team: Team,
    t_zhang: String,
    t_li: String,
    t_wang: String,
    unit: i64,
}

async fn town(app: &TestApp) -> Town {
    let clerk = app.staff("shouli", &["intake", "review", "register", "certify", "archive", "query"]).await;
    let team = app.team("shouli", &clerk).await;
    let party = |name: &str, id: &str| {
        let (app, clerk) = (&app, &clerk);
        let body = json!({"kind": "person", "name": name, "id_type": "1", "id_number": id});
        async move { ok(app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(body)).await).body["id"].as_i64().unwrap() }
    };
    let zhang = party("张三", "440524188001010014").await;
    let li = party("李四", "11010519491231002X").await;
    let wang = party("王五", "320402199001011239").await;
    let parcel =
        json!({"code": PARCEL, "location": "常州市天宁区青洋北路7号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"});
    ok(app.call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(parcel)).await);
    let building = json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008});
    ok(app.call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(building)).await);
    let unit = json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路7号1幢101室", "area": 89.3, "house_use": "10"});
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(unit)).await).body["id"].as_i64().unwrap();
    let first = json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": zhang, "role": "right_holder"}]});
    let case = ok(app.call(Method::POST, "/api/v1/cases", Some(&clerk), Some(first)).await).body["case"]["id"].as_i64().unwrap();
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{case}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let t_zhang = app.public_account("zhangsan", &["person"], zhang, ZHANG_PHONE).await;
    let t_li = app.public_account("lisi", &["person"], li, "13912345622").await;
    let t_wang = app.public_account("wangwu", &["person"], wang, "13912345623").await;
    Town { clerk, team, t_zhang, t_li, t_wang, unit }
}

/// 换证 of 张三's own flat: nobody else confirms, so the case opens at once, in 受理中.
async fn replace_certificate(app: &TestApp, token: &str) -> Reply {
    let body = json!({"flow_code": "IND-REPLACE-CERTIFICATE", "property": UNIT, "my_role": "right_holder", "materials": ["application_form"]});
    app.call(Method::POST, "/api/v1/portal/applications", Some(token), Some(body)).await
}

fn case_of(r: &Reply) -> i64 {
    r.body["case"]["id"].as_i64().unwrap_or_else(|| panic!("a case was opened: {}", r.text))
}

async fn withdraw(app: &TestApp, token: &str, case: i64, reason: &str) -> Reply {
    app.call(Method::POST, &format!("/api/v1/portal/cases/{case}/withdraw"), Some(token), Some(json!({"reason": reason}))).await
}

/// The case as the register's case list shows it to staff.
async fn listed(app: &TestApp, clerk: &str, case: i64) -> Value {
    let list = ok(app.get(&format!("/api/v1/cases?unit_id={}", unit_of(app, clerk, case).await), clerk).await).body;
    list["items"].as_array().unwrap().iter().find(|c| c["id"] == case).cloned().unwrap_or_else(|| panic!("case {case} is listed: {list}"))
}

async fn unit_of(app: &TestApp, clerk: &str, case: i64) -> i64 {
    ok(app.get(&format!("/api/v1/cases/{case}"), clerk).await).body["unit_ids"][0].as_i64().unwrap()
}

async fn an_online_case_is_withdrawn_by_its_applicant_before_acceptance(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    let Town { clerk, team, t_zhang, t_li, t_wang, unit } = town(&app).await;

    // 李四 buys the flat; 张三 confirms with his code and the case opens, submitted by 李四.
    let sale = json!({"flow_code": "IND-TRANSFER-STOCK-HOUSE", "property": UNIT, "my_role": "right_holder", "materials": ["application_form"],
        "others": [{"role": "obligor", "name": "张三", "id_number": "440524188001010014"}]});
    let application = ok(app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale)).await).body["application"]["id"].as_i64().unwrap();
    ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{application}/code"), Some(&t_zhang), None).await);
    let code: String = sms.last(ZHANG_PHONE).unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
    let confirmed = ok(app.call(Method::POST, &format!("/api/v1/portal/applications/{application}/confirm"), Some(&t_zhang), Some(json!({"code": code}))).await).body;
    let sale_case = confirmed["case_id"].as_i64().unwrap_or_else(|| panic!("the sale is a case: {confirmed}"));
    assert_eq!(listed(&app, &clerk, sale_case).await["state"], "intake");

    // 张三 asks for a new certificate meanwhile: accepted, it waits behind the earlier sale.
    let later = case_of(&ok(replace_certificate(&app, &t_zhang).await));
    ok(act(&app, &team, later, "submit").await);
    assert_eq!(act(&app, &team, later, "approve").await.problem(409), "earlier_case_open", "the open sale holds the unit");

    // Only the account that submitted it may take it back: not the co-applicant who confirmed,
    // not a stranger, not staff (the portal is for public accounts).
    assert_eq!(withdraw(&app, &t_zhang, sale_case, "").await.problem(404), "not_found", "the co-applicant did not submit it");
    assert_eq!(withdraw(&app, &t_wang, sale_case, "").await.problem(404), "not_found");
    assert_eq!(withdraw(&app, &clerk, sale_case, "").await.problem(403), "forbidden");
    assert_eq!(withdraw(&app, &t_li, sale_case, &"太长".repeat(101)).await.problem(422), "reason_too_long");
    assert_eq!(listed(&app, &clerk, sale_case).await["state"], "intake", "nothing changed");

    // A sale is applied for by both parties: one of them cannot take it back alone online
    // (实施细则 第十三条: all the applicants withdraw together). Nothing changes.
    let joint = withdraw(&app, &t_li, sale_case, "买卖双方协商解除").await;
    assert_eq!(joint.problem(409), "joint_withdrawal", "{}", joint.text);
    assert!(joint.body["detail"].as_str().unwrap().contains("全体申请人"), "{}", joint.text);
    assert_eq!(listed(&app, &clerk, sale_case).await["state"], "intake", "nothing changed");
    let page = app.get(&format!("/api/v1/portal/cases/{sale_case}"), &t_li).await;
    assert!(page.status.is_success(), "{}", page.text);
    // Both come to the office: the clerk takes the workflow's own 撤回, and the unit is free.
    ok(app.call(Method::POST, &format!("/api/v1/cases/{sale_case}/actions"), Some(&clerk), Some(json!({"action": "withdraw", "reason": "买卖双方到窗口共同撤回"}))).await);
    let approved = ok(act(&app, &team, later, "approve").await).body;
    assert_eq!(approved["case"]["state"], "register", "{approved}");
    assert_eq!(unit_of(&app, &clerk, later).await, unit);

    // What 张三 applied for alone he takes back alone: the register lists it 撤回, with his
    // reason under his name.
    let own = case_of(&ok(replace_certificate(&app, &t_zhang).await));
    assert_eq!(withdraw(&app, &t_li, own, "").await.problem(404), "not_found", "another account did not submit it");
    let r = ok(withdraw(&app, &t_zhang, own, "证书找到了").await);
    assert_eq!((r.body["state"].as_str(), r.body["state_name"].as_str()), (Some("withdrawn"), Some("撤回")), "{}", r.text);
    let shown = listed(&app, &clerk, own).await;
    assert_eq!((shown["state"].as_str(), shown["state_name"].as_str()), (Some("withdrawn"), Some("撤回")), "{shown}");
    let events = ok(app.get(&format!("/api/v1/cases/{own}/events"), &clerk).await).body;
    let last = events["items"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!((last["to"].as_str(), last["actor"].as_str(), last["reason"].as_str()), (Some("withdrawn"), Some("zhangsan"), Some("申请人撤回：证书找到了")), "{events}");
    let mut c = app.db.conn().await.unwrap();
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'zhangsan' AND action = '申请人撤回'").fetch_one(&mut *c).await.unwrap();
    drop(c);
    assert_eq!(audited, 1, "the withdrawal is audited once, with the move");
    assert_eq!(withdraw(&app, &t_zhang, own, "").await.problem(409), "case_withdrawn", "once is enough");
    let mine = ok(app.get(&format!("/api/v1/portal/cases/{own}"), &t_zhang).await).body;
    assert_eq!(mine["case"]["state"], "withdrawn", "the applicant sees it withdrawn: {mine}");

    // Past 受理 the applicant is sent to the office.
    let refused = withdraw(&app, &t_zhang, later, "").await;
    assert_eq!(refused.problem(409), "case_accepted");
    assert_eq!(refused.body["detail"], "办件已受理，如需撤回请联系登记机构");

    // The clerk's 受理 and the applicant's 撤回 at the same moment: exactly one wins.
    let raced = case_of(&ok(replace_certificate(&app, &t_zhang).await));
    let (accepted, withdrawn) = tokio::join!(act(&app, &team, raced, "submit"), withdraw(&app, &t_zhang, raced, "不办了"));
    assert!(accepted.status.is_success() != withdrawn.status.is_success(), "one winner: 受理 {} / 撤回 {}", accepted.text, withdrawn.text);
    if withdrawn.status.is_success() {
        // Lost at the state check, or (PostgreSQL, both read 受理中) at the version guard.
        let code = accepted.problem(409);
        assert!(code == "bad_state" || code == "stale_case", "the clerk lost the race to a withdrawn case: {code}");
    } else {
        assert_eq!(withdrawn.problem(409), "case_accepted", "the applicant lost the race to 受理");
    }
    let state = listed(&app, &clerk, raced).await["state"].clone();
    assert_eq!(state, if withdrawn.status.is_success() { "withdrawn" } else { "review" });
}

/// A workflow action by whoever of the team takes it.
async fn act(app: &TestApp, team: &Team, case: i64, action: &str) -> Reply {
    app.call(Method::POST, &format!("/api/v1/cases/{case}/actions"), Some(team.for_action(action)), Some(json!({"action": action}))).await
}

/// The form answers every wrong field in one submit (a 400/422 problem listing each), and
/// writes nothing.
async fn the_online_form_reports_every_wrong_field_at_once(engine: Engine) {
    let app = spawn_app_with(engine, |s| s).await;
    let Town { t_li, .. } = town(&app).await;
    // 共有性质变更 with no unit, the second applicant's ID number wrong, and no 共有方式.
    let sale = json!({"flow_code": "IND-CHANGE-STATE-HOUSE-CO-OWNERSHIP", "property": "", "my_role": "right_holder", "others": [
        {"role": "right_holder", "name": "王五", "id_number": "320402199001011239"},
        {"role": "right_holder", "name": "张三", "id_number": "440524188001010015"}]});
    let r = app.call(Method::POST, "/api/v1/portal/applications", Some(&t_li), Some(sale)).await;
    assert_eq!(r.problem(422), "invalid_fields");
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["property", "others[1].id_number", "co_ownership"], "{}", r.text);
    assert!(r.body["errors"].as_array().unwrap().iter().all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
    assert!(r.body["detail"].as_str().unwrap().contains("3 处"), "{}", r.text);
    let mut c = app.db.conn().await.unwrap();
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM online_applications").fetch_one(&mut *c).await.unwrap();
    assert_eq!(written, 0, "nothing was written");
}

crate::both!(an_online_case_is_withdrawn_by_its_applicant_before_acceptance, the_online_form_reports_every_wrong_field_at_once,);
