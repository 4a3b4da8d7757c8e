//! 登记资料档案查询 for those who hold many units (issue 20): a bank's mortgaged units are listed
//! under 抵押 (the restrictions it holds), never as units "in its name"; its lists are paged,
//! searchable and sorted, in the API as on the page; the owner of the flats sees them as his.

use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, Reply, TestApp};

const PARCEL: &str = "320402007007GB00077";
const FLATS: usize = 22;

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{}", r.text);
    r
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> Reply {
    app.raw(app.http.get(format!("{}{path}", app.base)).header("accept", "text/html").header("cookie", cookie)).await
}

/// 张三 owns 22 flats on 青洋北路, each mortgaged to the bank; returns the tokens of 张三 and the
/// bank, and the bank's page cookie.
async fn mortgaged_street(app: &TestApp) -> (String, String) {
    let clerk = app.staff("banli", &["intake", "review", "register", "certify", "archive"]).await;
    let team = app.team("banli", &clerk).await;
    let party = |name: &str, t: &str, id: &str, kind: &str| {
        let body = json!({"kind": kind, "name": name, "id_type": t, "id_number": id});
        let (app, clerk) = (&app, &clerk);
        async move { ok(app.call(Method::POST, "/api/v1/parties", Some(clerk), Some(body)).await).body["id"].as_i64().unwrap() }
    };
    let zhang = party("张三", "1", "440524188001010014", "person").await;
    let bank = party("常州示例银行股份有限公司", "8", "91350100M000100Y43", "enterprise").await;
    let parcel =
        json!({"code": PARCEL, "location": "常州市天宁区青洋北路7号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"});
    ok(app.call(Method::POST, "/api/v1/parcels", Some(&clerk), Some(parcel)).await);
    let building = json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008});
    ok(app.call(Method::POST, "/api/v1/buildings", Some(&clerk), Some(building)).await);
    let run = |flow: &'static str, unit: i64, applicants: serde_json::Value, request: serde_json::Value| {
        let (app, clerk, team) = (&app, &clerk, &team);
        async move {
            let r = ok(app.call(Method::POST, "/api/v1/cases", Some(clerk), Some(json!({"flow_code": flow, "unit_ids": [unit], "applicants": applicants, "request": request}))).await);
            let id = r.body["case"]["id"].as_i64().unwrap();
            for a in ["submit", "approve", "register"] {
                ok(app.call(Method::POST, &format!("/api/v1/cases/{id}/actions"), Some(team.for_action(a)), Some(json!({"action": a}))).await);
            }
        }
    };
    // Rooms numbered so that 坐落 order is the reverse of the recorded order.
    for i in 1..=FLATS {
        let room = 3000 - i;
        let body = json!({"unit_number": format!("{PARCEL}F0001{i:04}"), "location": format!("常州市天宁区青洋北路7号1幢{room}室"), "area": 89.3, "house_use": "10"});
        let unit = ok(app.call(Method::POST, "/api/v1/units", Some(&clerk), Some(body)).await).body["id"].as_i64().unwrap();
        run("CTR-FIRST-STATE-HOUSE", unit, json!([{"party_id": zhang, "role": "right_holder"}]), json!({})).await;
        let terms = json!({"attributes": {"amount": "500000", "term_start": "2026-01-01", "term_end": "2046-01-01"}});
        run("CTR-MORTGAGE-FIRST", unit, json!([{"party_id": bank, "role": "right_holder"}, {"party_id": zhang, "role": "obligor"}]), terms).await;
    }
    let t_zhang = app.public_account("zhangsan", &["person"], zhang, "13912345611").await;
    let t_bank = app.public_account("bank", &["institution"], bank, "13912345613").await;
    (t_zhang, t_bank)
}

async fn a_bank_finds_its_mortgages_under_mortgage_paged_and_searchable(engine: Engine) {
    let app = spawn_app(engine).await;
    let (t_zhang, t_bank) = mortgaged_street(&app).await;

    // The bank: nothing "in its name", 22 mortgages held, 20 a page.
    let mine = ok(app.get("/api/v1/portal/archive", &t_bank).await).body;
    assert_eq!((mine["units_total"].as_i64(), mine["held_total"].as_i64()), (Some(0), Some(FLATS as i64)), "{mine}");
    assert_eq!(mine["held"].as_array().unwrap().len(), 20);
    assert!(mine["held"][0]["entries"].as_array().unwrap().iter().any(|e| e["kind"] == "抵押权" && e["own"] == true), "{}", mine["held"][0]);
    let second = ok(app.get("/api/v1/portal/archive?held_page=2", &t_bank).await).body;
    assert_eq!(second["held"].as_array().unwrap().len(), FLATS - 20, "the last page holds the rest");
    // Searched by 坐落 (a part) and by 单元号 (a prefix); sorted by 坐落.
    let found = ok(app.get("/api/v1/portal/archive?q=2985", &t_bank).await).body;
    assert_eq!(found["held_total"].as_i64(), Some(1), "{found}");
    assert_eq!(found["held"][0]["location"], "常州市天宁区青洋北路7号1幢2985室");
    let by_number = ok(app.get(&format!("/api/v1/portal/archive?q={PARCEL}F00010002"), &t_bank).await).body;
    assert_eq!(by_number["held_total"].as_i64(), Some(1), "{by_number}");
    let sorted = ok(app.get("/api/v1/portal/archive?order=location", &t_bank).await).body;
    assert_eq!(sorted["held"][0]["location"], "常州市天宁区青洋北路7号1幢2978室", "坐落 order");
    let recorded = ok(app.get("/api/v1/portal/archive", &t_bank).await).body;
    assert_eq!(recorded["held"][0]["location"], "常州市天宁区青洋北路7号1幢2999室", "recorded order");
    assert_eq!(app.get("/api/v1/portal/archive?order=price", &t_bank).await.problem(422), "bad_order");
    // A search for what is not there: none, and LIKE's metacharacters are literal.
    assert_eq!(ok(app.get("/api/v1/portal/archive?q=%25", &t_bank).await).body["held_total"].as_i64(), Some(0));

    // The owner sees the 22 flats as his, the mortgage on each as another's restriction.
    let owner = ok(app.get("/api/v1/portal/archive", &t_zhang).await).body;
    assert_eq!((owner["units_total"].as_i64(), owner["held_total"].as_i64()), (Some(FLATS as i64), Some(0)), "{owner}");
    let entries = owner["units"][0]["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["kind"] == "抵押权" && e["own"] == false && e["certificate"] == ""), "{entries:?}");

    // The page: two lists, the pager keeps the search and order.
    let login = app.raw(app.http.post(format!("{}/login", app.base)).form(&[("realm", "public"), ("username", "bank"), ("password", crate::helpers::PASSWORD)])).await;
    assert_eq!(login.status.as_u16(), 303, "{}", login.text);
    let cookie = login.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = page(&app, "/portal/archive?order=location", &cookie).await;
    assert_eq!(html.status.as_u16(), 200, "{}", html.text);
    assert!(html.text.contains("我名下的不动产（0）") && html.text.contains("抵押、预告等登记（本人为权利人）（22）"), "{}", html.text);
    assert!(html.text.contains("第 1 / 2 页") && html.text.contains("order=location&page=1&amp;held_page=2"), "{}", html.text);
    let nothing = page(&app, "/portal/archive?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", &cookie).await;
    assert!(nothing.text.contains("没有与“不存在”相符的登记记录"));
    // An address that cannot be read shows the first page, not an error.
    assert_eq!(page(&app, "/portal/archive?held_page=abc", &cookie).await.status.as_u16(), 200);
}

crate::both!(a_bank_finds_its_mortgages_under_mortgage_paged_and_searchable,);
