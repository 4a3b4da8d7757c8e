//! Materials, drafts, agents and the own-archive query, on both engines: files are recognised by
//! their bytes and a bad one stores nothing; a draft keeps its files and becomes a case with
//! them; an agent applies for his principal under a recorded authorisation; a citizen sees his
//! own units and the materials of his cases, and nobody else's; the counter's precheck shows a
//! blocking seizure before anything is written.

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_core::{Actor, ServiceError};
use bdc_db::Engine;
use bdc_identity::service::signup::{self as portal, SignUp};
use bdc_portal::service::agency::{self, NewAuthorisation};
use bdc_portal::service::archive;
use bdc_portal::service::drafts::{self, Fields};
use bdc_registry::service::cases::{OpenCase, RequestDoc};
use bdc_registry::service::materials::{self, Upload};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app_with_identity, TestApp};

const PARCEL: &str = "320402001002GB00002";
const UNIT: &str = "320402001002GB00002F00010001";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn upload(code: &str, name: &str, bytes: &[u8]) -> Upload {
    Upload { material_code: code.into(), file_name: name.into(), bytes: bytes.to_vec() }
}

fn field_of(e: ServiceError) -> String {
    match e {
        ServiceError::Validation { field, .. } => field.unwrap_or_default(),
        // Several fields at once: the first named.
        ServiceError::Fields(errors) => errors[0].field.clone(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// Signs up a public account (the one-time code read from the SMS sandbox) and returns its actor.
async fn citizen(app: &TestApp, sms: &SandboxSms, kind: &str, username: &str, name: &str, id: &str, phone: &str) -> Actor {
    portal::send_code(&app.services, phone, "127.0.0.1").await.unwrap();
    let code: String = sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
    let f = SignUp {
        kind: kind.into(),
        username: username.into(),
        password: "Changzhou-2026".into(),
        password_again: "Changzhou-2026".into(),
        name: name.into(),
        id_number: id.into(),
        phone: phone.into(),
        code,
        photo: app.resident_photo(name, id),
        ..SignUp::default()
    };
    portal::sign_up(&app.services, f, "127.0.0.1", None).await.unwrap();
    let r = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": "Changzhou-2026", "realm": "public", "mode": "token"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    bdc_identity::service::auth::authenticate(&app.services, r.body["token"].as_str().unwrap()).await.unwrap()
}

async fn staff_actor(app: &TestApp, username: &str, roles: &[&str]) -> (String, Actor) {
    let token = app.staff(username, roles).await;
    let actor = bdc_identity::service::auth::authenticate(&app.services, &token).await.unwrap();
    (token, actor)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.conn().await.unwrap();
    sqlx::Row::try_get(&sqlx::query(sql).fetch_one(&mut *conn).await.unwrap(), 0).unwrap()
}

async fn materials_drafts_agents_and_the_own_archive(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let (app, _authority) = spawn_app_with_identity(engine, |s| s.with_sms(sms.clone())).await;
    let s = &app.services;
    let (clerk, clerk_actor) = staff_actor(&app, "banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let ok = |r: crate::helpers::Reply| {
        assert!(r.status.is_success(), "{}", r.text);
        r
    };
    // 张三 owns a flat.
    let seller = ok(app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await).body["id"]
        .as_i64()
        .unwrap();
    ok(app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(
                json!({"code": PARCEL, "location": "常州市天宁区竹林西路2号", "area": 4100.0, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"}),
            ),
        )
        .await);
    ok(app
        .call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 6, "structure": "混合结构", "completed_year": 2001})))
        .await);
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区竹林西路2号1幢101室", "area": 72.4, "house_use": "10"}))).await).body
        ["id"]
        .as_i64()
        .unwrap();
    let first = ok(app
        .call(Method::POST, "/api/v1/cases", Some(&clerk), Some(json!({"flow_code": "CTR-FIRST-STATE-HOUSE", "unit_ids": [unit], "applicants": [{"party_id": seller, "role": "right_holder"}]})))
        .await);
    let first_id = first.body["case"]["id"].as_i64().unwrap();
    // The counter scans the application form with the case; a fake PDF stores nothing.
    let before = count(&app, "SELECT COUNT(*) FROM attachments").await;
    let bad =
        materials::add_to_case(s, &clerk_actor, first_id, &[upload("application_form", "申请书.pdf", PDF), upload("applicant_identity", "身份证.pdf", b"<html>not a pdf</html>")]).await.unwrap_err();
    assert!(bad.to_string().contains("不是 PDF、JPG 或 PNG"), "{bad}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, before, "one bad file stores none");
    let stored = materials::add_to_case(s, &clerk_actor, first_id, &[upload("application_form", "C:\\扫描\\申请书.pdf", PDF), upload("applicant_identity", "身份证.png", PNG)]).await.unwrap();
    assert_eq!(stored[0].file_name, "申请书.pdf");
    assert_eq!(stored[1].content_type, "image/png");
    assert_eq!(stored[0].sm3, bdc_crypto::sm3_hex(PDF));
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{first_id}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let (_, bytes) = bdc_portal::service::files::open(s, &clerk_actor, stored[0].id).await.unwrap();
    assert_eq!(bytes, PDF, "the file comes back as stored");

    // 张三 signs up: his archive shows his flat and the first registration's scans.
    let zhang = citizen(&app, &sms, "person", "zhangsan", "张三", "440524188001010014", "13912345601").await;
    let mine = archive::my_archive(s, &zhang, "127.0.0.1", &archive::ArchiveQuery::default()).await.unwrap();
    assert_eq!(mine.units.len(), 1);
    assert_eq!(mine.units[0].unit.unit_number, UNIT);
    assert!(mine.units[0].entries.iter().any(|e| e.own && e.certificate.starts_with('苏')), "{:?}", mine.units[0].entries);
    assert_eq!(mine.cases.len(), 1);
    assert_eq!(mine.cases[0].files.len(), 2);
    assert!(bdc_portal::service::files::open(s, &zhang, stored[1].id).await.is_ok(), "an applicant sees his case's files");

    // 李四 sees nothing of 张三's, and cannot open his files.
    let li = citizen(&app, &sms, "person", "lisi", "李四", "11010519491231002X", "13912345602").await;
    let theirs = archive::my_archive(s, &li, "127.0.0.1", &archive::ArchiveQuery::default()).await.unwrap();
    assert!(theirs.units.is_empty() && theirs.cases.is_empty());
    assert!(matches!(bdc_portal::service::files::open(s, &li, stored[0].id).await, Err(ServiceError::NotFound(_))));
    let logged = count(&app, "SELECT COUNT(*) FROM public_queries WHERE kind = 'archive'").await;
    assert_eq!(logged, 2, "each archive query is logged");

    // 李四 buys it online: a draft with two files, then the rest, then submit.
    let flow = "IND-TRANSFER-STOCK-HOUSE";
    let fields = Fields {
        property: UNIT.into(),
        my_role: "right_holder".into(),
        my_share: "1".into(),
        other_role: "obligor".into(),
        other_name: "张三".into(),
        other_id: "440524188001010014".into(),
        on_behalf: None,
        ..Fields::default()
    };
    let draft = drafts::save(s, &li, None, flow, &fields, &[upload("application_form", "申请书.pdf", PDF), upload("sale_contract", "合同.pdf", PDF)]).await.unwrap();
    // The draft names the seller with his ID number: stored encrypted, read back whole.
    let stored_form: String = {
        let mut conn = app.db.conn().await.unwrap();
        sqlx::Row::try_get(&sqlx::query("SELECT form FROM application_drafts WHERE id = $1").bind(draft).fetch_one(&mut *conn).await.unwrap(), 0).unwrap()
    };
    assert!(!stored_form.contains("440524188001010014") && !stored_form.contains("张三"), "no clear personal data in the stored draft");
    assert_eq!(drafts::get(s, &li, draft).await.unwrap().1.other_id, "440524188001010014");
    assert_eq!(field_of(drafts::save(s, &li, Some(draft), flow, &fields, &[upload("tax_certificate", "完税.exe", b"MZ\x90\0")]).await.unwrap_err()), "tax_certificate");
    assert_eq!(field_of(drafts::submit(s, &li, draft).await.unwrap_err()), "applicant_identity", "the first missing required material is named");
    assert!(drafts::get(s, &zhang, draft).await.is_err(), "a draft is its owner's only");
    drafts::save(
        s,
        &li,
        Some(draft),
        flow,
        &fields,
        &[upload("applicant_identity", "身份证.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), upload("title_certificate", "证书.pdf", PDF), upload("tax_certificate", "完税.pdf", PDF)],
    )
    .await
    .unwrap();
    assert_eq!(drafts::get(s, &li, draft).await.unwrap().2.len(), 5);
    // A sale is applied for by both (第十四条): the case exists once 张三 has confirmed.
    let applied = drafts::submit(s, &li, draft).await.unwrap();
    assert!(applied.case.is_none(), "waits for the seller");
    let waiting = applied.application.id;
    bdc_portal::service::applications::send_confirmation_code(s, &zhang, waiting, "127.0.0.1").await.unwrap();
    let code: String = sms.last("13912345601").unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
    let confirmed = bdc_portal::service::applications::confirm(s, &zhang, waiting, &code).await.unwrap();
    let case = bdc_registry::service::cases::get_case(s, &clerk_actor, confirmed.case_id.expect("opened")).await.unwrap();
    assert_eq!(case.state, bdc_registry::service::cases::CaseState::Intake);
    assert!(drafts::mine(s, &li).await.unwrap().is_empty(), "the draft became the case");
    let files = materials::case_files(s, &clerk_actor, case.id).await.unwrap();
    assert_eq!(files.len(), 5, "the draft's files moved to the case");
    assert!(materials::case_files(s, &zhang, case.id).await.is_ok(), "the seller is an applicant of the case");

    // An agent applies for 王五 under a recorded authorisation. 王五 is on record (the counter
    // took his particulars): naming someone in an authorisation never makes him a party.
    ok(app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "王五", "id_type": "1", "id_number": "320411198502021234"}))).await);
    let agent = citizen(&app, &sms, "agent", "dailiren", "赵代理", "320402199001011239", "13912345603").await;
    let today = bdc_registry::service::cases::today();
    let form = |doc: Option<Upload>, until: chrono::NaiveDate| NewAuthorisation {
        principal_name: "王五".into(),
        principal_id: "320411198502021234".into(),
        matters: "代为申请抵押权注销登记".into(),
        valid_until: until.to_string(),
        document: doc,
    };
    let errs: Vec<&str> = agency::check(&form(None, today - chrono::Duration::days(1)), today).into_iter().map(|e| e.0).collect();
    assert_eq!(errs, ["valid_until", "document"]);
    assert!(agency::check(&NewAuthorisation { principal_id: "320411198502021230".into(), ..form(Some(upload("document", "委托书.pdf", PDF)), today) }, today)
        .iter()
        .any(|e| e.0 == "principal_id" && e.1.contains("校验")));
    assert!(matches!(agency::record(s, &li, form(Some(upload("document", "委托书.pdf", PDF)), today)).await, Err(ServiceError::Forbidden(_))), "only agents record authorisations");
    let auth = agency::record(s, &agent, form(Some(upload("document", "委托书.pdf", PDF)), today + chrono::Duration::days(30))).await.unwrap();
    let (_, letter) = bdc_portal::service::files::open(s, &agent, auth.document_id).await.unwrap();
    assert_eq!(letter, PDF);
    assert!(bdc_portal::service::files::open(s, &clerk_actor, auth.document_id).await.is_ok(), "staff see the letter");
    assert!(bdc_portal::service::files::open(s, &li, auth.document_id).await.is_err());
    let wang = bdc_registry::store::registry::get_party(&mut app.db.conn().await.unwrap(), auth.principal_party_id).await.unwrap().unwrap();
    assert_eq!(wang.name, "王五");
    // 王五 holds no mortgage on the flat: a cancellation in his name is refused (申请主体), an
    // objection (any interested party, reviewed by staff) is taken.
    let cancel_for_wang = bdc_portal::service::applications::Application {
        flow_code: "IND-MORTGAGE-CANCEL".into(),
        property: UNIT.into(),
        my_role: "right_holder".into(),
        my_share: "1".into(),
        others: vec![bdc_portal::service::applications::OtherParty { role: "obligor".into(), name: "张三".into(), id_number: "440524188001010014".into(), share: "1".into() }],
        materials: vec![],
        on_behalf: Some(auth.id),
        ..Default::default()
    };
    assert!(matches!(bdc_portal::service::applications::apply(s, &agent, cancel_for_wang).await, Err(ServiceError::RuleBlocked { .. })));
    // An objection is not what 王五 entrusted: refused. Under a letter that names it, taken.
    let app_for_wang = bdc_portal::service::applications::Application {
        flow_code: "IND-OBJECTION".into(),
        property: UNIT.into(),
        my_role: "right_holder".into(),
        my_share: "1".into(),
        others: vec![],
        materials: vec![],
        on_behalf: Some(auth.id),
        ..Default::default()
    };
    assert_eq!(field_of(bdc_portal::service::applications::apply(s, &agent, app_for_wang.clone()).await.unwrap_err()), "on_behalf", "outside the authorisation");
    let auth =
        agency::record(s, &agent, NewAuthorisation { matters: "代为申请异议登记".into(), ..form(Some(upload("document", "委托书.pdf", PDF)), today + chrono::Duration::days(30)) }).await.unwrap();
    let app_for_wang = bdc_portal::service::applications::Application { on_behalf: Some(auth.id), ..app_for_wang };
    let opened = bdc_portal::service::applications::apply(s, &agent, app_for_wang.clone()).await.unwrap().case.expect("nobody else to confirm");
    assert!(opened.applicants.iter().any(|(p, role, _)| *p == wang.id && role == "right_holder"), "the principal applies: {:?}", opened.applicants);
    let request: RequestDoc = serde_json::from_str(&opened.request).unwrap();
    assert_eq!(request.attrs.get("authorisation"), Some(&auth.id.to_string()));
    agency::revoke(s, &agent, auth.id).await.unwrap();
    assert_eq!(field_of(bdc_portal::service::applications::apply(s, &agent, app_for_wang).await.unwrap_err()), "on_behalf", "a revoked authorisation cannot be used");

    // The counter's precheck: a seizure on the flat blocks a transfer, shown before 受理, and
    // nothing is written.
    ok(app.call(Method::POST, &format!("/api/v1/cases/{}/actions", case.id), Some(&clerk), Some(json!({"action": "withdraw", "reason": "申请人撤回"}))).await);
    let court = ok(app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "state_organ", "name": "常州市天宁区人民法院", "id_type": "99", "id_number": "TNFY"}))).await).body
        ["id"]
        .as_i64()
        .unwrap();
    let seize = ok(app.call(Method::POST, "/api/v1/cases", Some(&clerk), Some(json!({"flow_code": "CTR-SEIZURE", "unit_ids": [unit], "applicants": [{"party_id": court, "role": "agent"}]}))).await);
    let seize_id = seize.body["case"]["id"].as_i64().unwrap();
    for a in ["submit", "approve", "register"] {
        ok(app.call(Method::POST, &format!("/api/v1/cases/{seize_id}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
    }
    let cases_before = count(&app, "SELECT COUNT(*) FROM cases").await;
    let cmd = OpenCase {
        flow_code: "CTR-TRANSFER".into(),
        unit_ids: vec![unit],
        applicants: vec![(bdc_portal::service::account::account_of(s, &li).await.unwrap().party_id, "right_holder".into(), "1".into()), (seller, "obligor".into(), "1".into())],
        channel: "counter".into(),
        request: RequestDoc::default(),
    };
    let findings = bdc_registry::service::cases::precheck(s, &clerk_actor, &cmd).await.unwrap();
    let blocking: Vec<_> = findings.iter().filter(|f| f.blocks()).collect();
    assert!(!blocking.is_empty() && blocking.iter().any(|f| !f.legal_basis.is_empty()), "{findings:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, cases_before, "precheck writes nothing");
    assert!(matches!(bdc_registry::service::cases::open_case(s, &clerk_actor, cmd).await, Err(ServiceError::RuleBlocked { .. })));
}

crate::both!(materials_drafts_agents_and_the_own_archive);
