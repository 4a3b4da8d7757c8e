//! 线上苏小登 services on both engines: real-name sign-up with the one-time code, proven by the
//! identity authority (the sandbox, over HTTP), and the certificate authenticity query (genuine,
//! void, not found, forged).

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_core::ServiceError;
use bdc_db::Engine;
use bdc_identity::service::signup::{self as portal, SignUp};
use bdc_registry::service::certificates::{self, Verdict};
use reqwest::Method;
use serde_json::json;

use bdc_sandbox::portrait::portrait;

use crate::helpers::{spawn_app, spawn_app_with_identity};

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
    let (app, authority) = spawn_app_with_identity(engine, |s| s.with_sms(sms.clone())).await;
    let s = &app.services;
    // The authority knows 张三 (and her face); the register knows her too.
    authority.add_resident("张三", "440524188001010014");
    let clerk = app.staff("banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let seller = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await;
    let seller = seller.body["id"].as_i64().unwrap();

    // The form: every problem by field.
    let bad = SignUp { kind: "person".into(), username: "x".into(), name: String::new(), id_number: "440524188001010015".into(), phone: "123".into(), ..SignUp::default() };
    let fields: Vec<&str> = portal::check_sign_up(&bad).into_iter().map(|(f, _)| f).collect();
    for f in ["username", "name", "id_number", "password", "phone", "code", "photo"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }

    // The code: sent once a minute, must match.
    portal::send_code(s, "13912345678", "127.0.0.1").await.unwrap();
    assert_eq!(field_of(portal::send_code(s, "13912345678", "127.0.0.1").await.unwrap_err()), "phone", "at most one a minute");
    let text = sms.last("13912345678").unwrap();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let form = |name: &str, code: &str, photo: Vec<u8>| SignUp {
        kind: "person".into(),
        username: "zhangsan".into(),
        password: "Changzhou-2026".into(),
        password_again: "Changzhou-2026".into(),
        name: name.into(),
        id_number: "440524188001010014".into(),
        phone: "13912345678".into(),
        code: code.into(),
        photo,
        ..SignUp::default()
    };
    let her_face = || portrait("440524188001010014", 5);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(field_of(portal::sign_up(s, form("张三", wrong, her_face()), "127.0.0.1", None).await.unwrap_err()), "code");
    // Real name is proven by the authority, and a failure says only that it failed — a wrong
    // name, another person's face, each uses up a try of the code, so with the 5 tries of one
    // code nothing can be guessed through sign-up.
    let refused = |e: ServiceError| matches!(e, ServiceError::Validation { code: "not_verified", ref field, .. } if field.as_deref() == Some("name"));
    assert!(refused(portal::sign_up(s, form("张三丰", &code, her_face()), "127.0.0.1", None).await.unwrap_err()));
    assert!(refused(portal::sign_up(s, form("张三", &code, portrait("440524188001019999", 1)), "127.0.0.1", None).await.unwrap_err()), "knowing her name and number is not enough");
    // An account linked without verification (as before real-name was proven by the authority)
    // sees nothing and does not lock her out.
    let squatter = app.user("zhanwei", &["person"]).await;
    {
        let cipher = s.cipher();
        let mut conn = app.db.conn().await.unwrap();
        bdc_identity::testing::link(&mut conn, cipher, squatter, seller, None, "13900000001").await.unwrap();
    }
    let squatter_token = app.token("zhanwei", "public").await;
    assert_eq!(app.get("/api/v1/portal/cases", &squatter_token).await.problem(403), "forbidden");
    assert!(refused(portal::sign_up(s, form("张叁", &code, her_face()), "127.0.0.1", None).await.unwrap_err()));
    // (the wrong code above and three failed checks: four of five tries are gone.)
    let user = portal::sign_up(s, form("张三", &code, her_face()), "127.0.0.1", None).await.unwrap();
    assert_eq!(user.display_name, "张三");
    // One party, one account; and the code is spent.
    assert!(portal::sign_up(s, SignUp { username: "zhangsan2".into(), ..form("张三", &code, her_face()) }, "127.0.0.1", None).await.is_err());
    // The squatter's account cannot be proven now, not even with her face: she has hers.
    let r = app.call(Method::POST, "/api/v1/portal/real-name", Some(&squatter_token), Some(json!({"photo": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, her_face())}))).await;
    assert_eq!(r.problem(409), "already_registered");
    assert_eq!(app.get("/api/v1/portal/cases", &squatter_token).await.problem(403), "forbidden");
    // Every check is kept with the authority's signed answer; the account names the matched one.
    {
        let mut conn = app.db.conn().await.unwrap();
        let checks = bdc_identity::testing::verifications_of(&mut conn, &s.cipher().blind_index("440524188001010014"), 10).await.unwrap();
        let outcomes: Vec<&str> = checks.iter().rev().map(|v| v.outcome.as_str()).collect();
        assert_eq!(outcomes, ["name_mismatch", "photo_mismatch", "name_mismatch", "match", "match"], "the last: the squatter's try, matched and still refused");
        let matched = &checks[1];
        assert!(matched.score >= 950 && !matched.signature.is_empty() && matched.answer.contains(&matched.serial), "{matched:?}");
        assert!(!matched.answer.contains("440524188001010014"), "the answer holds no ID number");
    }

    // A certificate for 张三, then the authenticity query.
    let ok = |r: crate::helpers::Reply| {
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
    let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(json!({"unit_number": UNIT, "location": "常州市天宁区青洋北路1号1幢101室", "area": 89.3, "house_use": "10"}))).await).body
        ["id"]
        .as_i64()
        .unwrap();
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
    // As typed on a Chinese keyboard: full-width brackets and digits, spaces.
    let typed: String = number.replace('(', "（").replace(')', "）").replace('2', "２").replacen("不动产", " 不动产", 1) + "\u{3000}";
    assert!(matches!(certificates::verify_by_number(s, None, "127.0.0.1", "张三", &typed).await.unwrap(), Verdict::Genuine(_)), "{typed}");
    let view = certificates::view(s, &number).await.unwrap().unwrap();
    let payload = certificates::qr_payload(s, &view).await.unwrap();
    assert!(matches!(certificates::verify_payload(s, None, "-", &payload).await.unwrap(), Verdict::Genuine(_)));
    // What the printed QR code holds: the verification page's address carrying the payload.
    let scanned = format!("{}/verify?payload={payload}", s.public_url);
    assert!(matches!(certificates::verify_payload(s, None, "-", &scanned).await.unwrap(), Verdict::Genuine(_)));
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
    let li =
        app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "李四", "id_type": "1", "id_number": "11010519491231002X"}))).await.body["id"].as_i64().unwrap();
    register("CTR-TRANSFER", json!([{"party_id": li, "role": "right_holder"}, {"party_id": seller, "role": "obligor"}])).await;
    assert!(matches!(certificates::verify_payload(s, None, "-", &payload).await.unwrap(), Verdict::Void(_)));

    // 张三 sold the house: online he may no longer cancel it, have its certificate reissued or
    // change it — alone, or by naming the new owner beside himself (申请主体).
    let r = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "zhangsan", "password": "Changzhou-2026", "realm": "public", "mode": "token"}))).await;
    let zhang = bdc_identity::service::auth::authenticate(s, r.body["token"].as_str().unwrap()).await.unwrap();
    for flow in ["IND-CANCEL-STATE-HOUSE", "IND-REISSUE-CERTIFICATE", "IND-REPLACE-CERTIFICATE", "IND-CORRECTION"] {
        let alone = bdc_portal::service::applications::Application { flow_code: flow.into(), property: UNIT.into(), my_role: "right_holder".into(), my_share: "1".into(), ..Default::default() };
        let err = bdc_portal::service::applications::apply(s, &zhang, alone.clone()).await.unwrap_err();
        assert!(matches!(&err, ServiceError::RuleBlocked { message, .. } if message.contains("第十四条")), "{flow}: {err:?}");
        let with_owner = bdc_portal::service::applications::Application {
            others: vec![bdc_portal::service::applications::OtherParty { role: "right_holder".into(), name: "李四".into(), id_number: "11010519491231002X".into(), share: "1".into() }],
            ..alone
        };
        assert!(matches!(bdc_portal::service::applications::apply(s, &zhang, with_owner).await, Err(ServiceError::RuleBlocked { .. })), "{flow}: a third party cannot ride on the owner's name");
    }
    let book = app.get(&format!("/api/v1/units/{unit}/register"), &clerk).await;
    assert_eq!(book.body["current"][0]["holders"][0]["name"], "李四", "the register is untouched");

    // Every query is logged, masked.
    let mut conn = app.db.conn().await.unwrap();
    let log = bdc_audit::queries::recent(&mut conn, 100).await.unwrap();
    assert_eq!(log.len(), 8, "three by number, five by QR payload");
    assert!(log.iter().any(|q| q.query.starts_with("*四") && q.outcome == "not_found"), "{log:?}");
}

/// Sign-up over the JSON API (the city app): a person and an enterprise (its 法定代表人 by
/// 人证比对, then the registry's record); without an authority nobody can sign up.
async fn sign_up_over_the_json_api_is_proven_by_the_authority(engine: Engine) {
    use base64::Engine as _;
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
    let sms = Arc::new(SandboxSms::default());
    let (app, authority) = spawn_app_with_identity(engine, |s| s.with_sms(sms.clone())).await;
    let code_for = |phone: &'static str| {
        let (app, sms) = (&app, &sms);
        async move {
            let r = app.call(Method::POST, "/api/v1/portal/sign-up/code", None, Some(json!({"phone": phone}))).await;
            assert_eq!(r.status, 202, "{}", r.text);
            sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect::<String>()
        }
    };
    // A person the register has never seen: the authority proves her, and she becomes a party.
    authority.add_resident("陈静", "320402199002020022");
    let code = code_for("13912340001").await;
    let body = |name: &str, photo: Vec<u8>, code: &str| json!({"kind": "person", "username": "chenjing", "password": "Changzhou-2026", "name": name, "id_number": "320402199002020022", "phone": "13912340001", "code": code, "photo": b64(photo)});
    let r = app.call(Method::POST, "/api/v1/portal/sign-up", None, Some(body("陈静", portrait("320402199002029991", 0), &code))).await;
    assert_eq!(r.problem(422), "not_verified");
    let missing = app
        .call(
            Method::POST,
            "/api/v1/portal/sign-up",
            None,
            Some(json!({"kind": "person", "username": "chenjing", "password": "Changzhou-2026", "name": "陈静", "id_number": "320402199002020022", "phone": "13912340001", "code": code})),
        )
        .await;
    assert_eq!(missing.problem(422), "invalid_sign_up");
    assert!(missing.text.contains("photo"), "{}", missing.text);
    let parties_numbered = |number: &'static str| {
        let app = &app;
        async move {
            let mut conn = app.db.conn().await.unwrap();
            let ids = bdc_registry::store::registry::find_party_by_index(&mut conn, &app.services.cipher().blind_index(number)).await.unwrap();
            let parties = bdc_registry::store::registry::parties_by_ids(&mut conn, &ids).await.unwrap();
            parties.into_values().map(|p| p.name).collect::<Vec<_>>()
        }
    };
    assert!(parties_numbered("320402199002020022").await.is_empty(), "a refused sign-up records nobody");
    let r = app.call(Method::POST, "/api/v1/portal/sign-up", None, Some(body("陈静", portrait("320402199002020022", 3), &code))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(parties_numbered("320402199002020022").await, ["陈静"], "the proven person is recorded as a party, once");
    let token = app.token("chenjing", "public").await;
    assert_eq!(app.get("/api/v1/portal/cases", &token).await.status, 200, "a verified account reaches the portal");

    // An enterprise: the registry knows the code, the name and the representative.
    authority.add_resident("周建国", "320402197505050013");
    authority.add_enterprise(bdc_sandbox::identity::EnterpriseRecord {
        credit_code: CREDIT.into(),
        name: "常州示例置业有限公司".into(),
        representative_name: "周建国".into(),
        representative_id: "320402197505050013".into(),
    });
    let code = code_for("13912340002").await;
    let company = |rep: &str, rep_id: &str, code: &str| json!({"kind": "enterprise", "username": "shili", "password": "Changzhou-2026", "name": "常州示例置业有限公司", "id_number": CREDIT, "phone": "13912340002", "code": code, "photo": b64(portrait(rep_id, 1)), "representative_name": rep, "representative_id": rep_id});
    let r = app.call(Method::POST, "/api/v1/portal/sign-up", None, Some(company("周建民", "320402197505050013", &code))).await;
    assert_eq!(r.problem(422), "not_verified", "another representative");
    let r = app.call(Method::POST, "/api/v1/portal/sign-up", None, Some(company("周建国", "320402197505050013", &code))).await;
    assert_eq!(r.status, 201, "{}", r.text);

    // An account linked before real-name was proven (by a register lookup) reaches nothing
    // until its holder proves it with her face (实名认证); nobody else's face does.
    legacy_account(&app, &authority, "sunmin", "孙敏", "320402198801011232", "13912340009").await;
    let t_legacy = app.token("sunmin", "public").await;
    assert_eq!(app.get("/api/v1/portal/cases", &t_legacy).await.problem(403), "forbidden");
    let r = app.call(Method::POST, "/api/v1/portal/real-name", Some(&t_legacy), Some(json!({"photo": b64(portrait("320402198801019998", 1))}))).await;
    assert_eq!(r.problem(422), "not_verified");
    let r = app.call(Method::POST, "/api/v1/portal/real-name", Some(&t_legacy), Some(json!({"photo": b64(portrait("320402198801011232", 4))}))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.get("/api/v1/portal/cases", &t_legacy).await.status, 200, "proven now");
    let r = app.call(Method::POST, "/api/v1/portal/real-name", Some(&t_legacy), Some(json!({"photo": b64(portrait("320402198801011232", 4))}))).await;
    assert_eq!(r.problem(409), "already_verified");

    // The same on the page (实名认证): the portal sends such an account there; a wrong face is
    // named beside the photo field, hers proves it.
    legacy_account(&app, &authority, "zhoulei", "周磊", "320402198801015559", "13912340010").await;
    let login = app.raw(app.http.post(format!("{}/login", app.base)).form(&[("realm", "public"), ("username", "zhoulei"), ("password", crate::helpers::PASSWORD)])).await;
    assert_eq!(login.status, 303, "{}", login.text);
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = |path: &str| app.http.get(format!("{}{path}", app.base)).header("cookie", &cookie);
    let home = app.raw(page("/portal")).await;
    assert_eq!((home.status.as_u16(), home.headers.get("location").and_then(|v| v.to_str().ok())), (303, Some("/portal/real-name")));
    let form = app.raw(page("/portal/real-name")).await;
    assert!(form.status == 200 && form.text.contains(r#"name="photo""#), "{}", form.text);
    let at = form.text.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    let csrf = form.text[at..].split('"').next().unwrap().to_owned();
    let submit = |photo: Vec<u8>| {
        let (ct, body) = crate::portal_api::multipart(&[("csrf", csrf.as_str())], &[("photo", "live.png", &photo)]);
        app.raw(app.http.post(format!("{}/portal/real-name", app.base)).header("cookie", &cookie).header("content-type", ct).body(body))
    };
    let refused = submit(portrait("320402198801019998", 2)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("photo-error") && refused.text.contains("实名核验未通过"), "{}", refused.text);
    let proven = submit(portrait("320402198801015559", 2)).await;
    assert!(proven.status == 200 && proven.text.contains("实名认证成功"), "{}", proven.text);
    assert_eq!(app.raw(page("/portal")).await.status, 200, "the portal opens now");

    // No authority: refused as unavailable, nothing created.
    let plain = spawn_app(engine).await;
    portal::send_code(&plain.services, "13912340003", "127.0.0.1").await.unwrap();
    let r = plain.call(Method::POST, "/api/v1/portal/sign-up", None, Some(json!({"kind": "person", "username": "nobody", "password": "Changzhou-2026", "name": "陈静", "id_number": "320402199002020022", "phone": "13912340003", "code": "123456", "photo": b64(portrait("320402199002020022", 1))}))).await;
    assert_eq!(r.problem(503), "service_unavailable");
}

/// A public account linked to a recorded party the way accounts were before real-name was
/// proven by the authority (no verification); the authority knows the person.
async fn legacy_account(app: &crate::helpers::TestApp, authority: &bdc_sandbox::identity::Sandbox, username: &str, name: &str, id_number: &str, phone: &str) {
    authority.add_resident(name, id_number);
    let party = bdc_registry::service::registry::record_party(
        &app.services,
        &bdc_core::Actor::console(),
        bdc_registry::service::registry::NewParty { kind: "person".into(), name: name.into(), id_type: "1".into(), id_number: id_number.into() },
    )
    .await
    .unwrap();
    let user = app.user(username, &["person"]).await;
    let cipher = app.services.cipher();
    let mut conn = app.db.conn().await.unwrap();
    bdc_identity::testing::link(&mut conn, cipher, user, party.id, None, phone).await.unwrap();
}

const CREDIT: &str = "91320400MA1MQ5W4Y2";

crate::both!(sign_up_checks_the_code_and_the_real_name_and_certificates_can_be_verified, sign_up_over_the_json_api_is_proven_by_the_authority);
