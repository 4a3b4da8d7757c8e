//! 线上苏小登 services on both engines: real-name sign-up with the one-time code, and the
//! certificate authenticity query (genuine, void, not found, forged).

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_services::certificates::{self, Verdict};
use bdc_services::portal::{self, SignUp};
use bdc_services::ServiceError;
use bdc_store::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app_with;

const PARCEL: &str = "320402001001GB00001";
const UNIT: &str = "320402001001GB00001F00010001";

fn field_of(e: ServiceError) -> String {
    match e {
        ServiceError::Validation { field, .. } => field.unwrap_or_default(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn sign_up_checks_the_code_and_the_real_name_and_certificates_can_be_verified(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    let s = &app.services;
    let clerk = app.staff("banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let seller = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await;
    let seller = seller.body["id"].as_i64().unwrap();

    // The form: every problem by field.
    let bad = SignUp { kind: "person".into(), username: "x".into(), name: String::new(), id_number: "440524188001010015".into(), phone: "123".into(), ..SignUp::default() };
    let fields: Vec<&str> = portal::check_sign_up(&bad).into_iter().map(|(f, _)| f).collect();
    for f in ["username", "name", "id_number", "password", "phone", "code"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }

    // The code: sent once a minute, must match.
    portal::send_code(s, "13912345678", portal::SIGN_UP, "127.0.0.1").await.unwrap();
    assert_eq!(field_of(portal::send_code(s, "13912345678", portal::SIGN_UP, "127.0.0.1").await.unwrap_err()), "phone", "at most one a minute");
    let text = sms.last("13912345678").unwrap();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let form = |name: &str, code: &str| SignUp {
        kind: "person".into(),
        username: "zhangsan".into(),
        password: "Changzhou-2026".into(),
        password_again: "Changzhou-2026".into(),
        name: name.into(),
        id_number: "440524188001010014".into(),
        phone: "13912345678".into(),
        code: code.into(),
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(field_of(portal::sign_up(s, form("张三", wrong), "127.0.0.1").await.unwrap_err()), "code");
    // Real name: the ID is on record as 张三. A wrong name uses up a try of the code, so with
    // the 5 tries of one code a name cannot be guessed through sign-up.
    assert_eq!(field_of(portal::sign_up(s, form("张三丰", &code), "127.0.0.1").await.unwrap_err()), "name");
    assert_eq!(field_of(portal::sign_up(s, form("张三风", &code), "127.0.0.1").await.unwrap_err()), "name");
    assert_eq!(field_of(portal::sign_up(s, form("张叁", &code), "127.0.0.1").await.unwrap_err()), "name");
    // (the wrong code above and three wrong names: four of five tries are gone.)
    let user = portal::sign_up(s, form("张三", &code), "127.0.0.1").await.unwrap();
    assert_eq!(user.display_name, "张三");
    // One party, one account; and the code is spent.
    assert!(portal::sign_up(s, SignUp { username: "zhangsan2".into(), ..form("张三", &code) }, "127.0.0.1").await.is_err());

    // A certificate for 张三, then the authenticity query.
    let ok = |r: crate::helpers::Reply| {
        assert!(r.status.is_success(), "{}", r.text);
        r
    };
    ok(app
        .call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(json!({"code": PARCEL, "location": "常州市天宁区青洋北路1号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"})))
        .await);
    ok(app.call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008}))).await);
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路1号1幢101室", "area": 89.3, "house_use": "10"}))).await).body["id"].as_i64().unwrap();
    let register = |flow: &'static str, applicants: serde_json::Value| {
        let (app, clerk, team) = (&app, &clerk, &team);
        async move {
            let r = ok(app.call(Method::POST, "/api/v1/cases", Some(clerk), Some(json!({"flow_code": flow, "unit_ids": [unit], "applicants": applicants}))).await);
            let id = r.body["case"]["id"].as_i64().unwrap();
            for a in ["submit", "approve", "register"] {
                ok(app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
            }
        }
    };
    register("CTR-FIRST-STATE-HOUSE", json!([{"party_id": seller, "role": "right_holder"}])).await;
    let book = app.get(&format!("/api/v1/units/{unit}/register"), &clerk).await;
    let number = book.body["current"][0]["certificate_number"].as_str().unwrap().to_owned();

    let genuine = certificates::verify_by_number(s, None, "127.0.0.1", "张三", &number).await.unwrap();
    assert!(matches!(&genuine, Verdict::Genuine(f) if f.n == number && f.h == "*三" && f.u == UNIT), "{genuine:?}");
    assert_eq!(certificates::verify_by_number(s, None, "127.0.0.1", "李四", &number).await.unwrap(), Verdict::NotFound);
    let view = certificates::view(s, &number).await.unwrap().unwrap();
    let payload = certificates::qr_payload(s, &view).await.unwrap();
    assert!(matches!(certificates::verify_payload(s, None, "-", &payload).await.unwrap(), Verdict::Genuine(_)));
    // Altered: one character of the signed facts changed.
    let mut forged: Vec<char> = payload.chars().collect();
    forged[8] = if forged[8] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    assert_eq!(certificates::verify_payload(s, None, "-", &forged).await.unwrap(), Verdict::Forged);
    assert_eq!(certificates::verify_payload(s, None, "-", "BDCZ1.e30.00").await.unwrap(), Verdict::Forged);
    // The PDF carries it.
    let pdf = certificates::pdf(s, &view).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    // After a transfer the old certificate is void, and the same QR code says so.
    let li = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "李四", "id_type": "1", "id_number": "11010519491231002X"}))).await.body["id"].as_i64().unwrap();
    register("CTR-TRANSFER", json!([{"party_id": li, "role": "right_holder"}, {"party_id": seller, "role": "obligor"}])).await;
    assert!(matches!(certificates::verify_payload(s, None, "-", &payload).await.unwrap(), Verdict::Void(_)));

    // 张三 sold the house: online he may no longer cancel it, have its certificate reissued or
    // change it — alone, or by naming the new owner beside himself (申请主体).
    let r = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "zhangsan", "password": "Changzhou-2026", "realm": "public", "mode": "token"}))).await;
    let zhang = bdc_services::auth::authenticate(s, r.body["token"].as_str().unwrap()).await.unwrap();
    for flow in ["IND-CANCEL-STATE-HOUSE", "IND-REISSUE-CERTIFICATE", "IND-REPLACE-CERTIFICATE", "IND-CORRECTION"] {
        let alone = portal::Application { flow_code: flow.into(), property: UNIT.into(), my_role: "right_holder".into(), my_share: "1".into(), ..Default::default() };
        let err = portal::apply(s, &zhang, alone.clone()).await.unwrap_err();
        assert!(matches!(&err, ServiceError::RuleBlocked { message, .. } if message.contains("第十四条")), "{flow}: {err:?}");
        let with_owner = portal::Application { others: vec![portal::OtherParty { role: "right_holder".into(), name: "李四".into(), id_number: "11010519491231002X".into(), share: "1".into() }], ..alone };
        assert!(matches!(portal::apply(s, &zhang, with_owner).await, Err(ServiceError::RuleBlocked { .. })), "{flow}: a third party cannot ride on the owner's name");
    }
    let book = app.get(&format!("/api/v1/units/{unit}/register"), &clerk).await;
    assert_eq!(book.body["current"][0]["holders"][0]["name"], "李四", "the register is untouched");

    // Every query is logged, masked.
    let mut conn = app.db.conn().await.unwrap();
    let log = bdc_store::portal::queries(&mut conn, 100).await.unwrap();
    assert_eq!(log.len(), 6, "two by number, four by QR payload");
    assert!(log.iter().any(|q| q.4.starts_with("*四") && q.5 == "not_found"), "{log:?}");
}

crate::both!(sign_up_checks_the_code_and_the_real_name_and_certificates_can_be_verified);
