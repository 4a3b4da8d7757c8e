//! 业务查询: staff find any case — an archived one by its certificate number typed on a Chinese
//! keyboard, a case by its applicant's ID number —, page through the results, export them to
//! Excel (audited), and the public cannot. Conditions are matched literally, `%`, `_` and `'`
//! included.

use std::io::Read;

use bdc_db::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Reply, Team, TestApp};

const PARCEL: &str = "320402001001GB00001";
const FIRST: &str = "CTR-FIRST-STATE-HOUSE";

struct Desk {
    app: TestApp,
    clerk: String,
    team: Team,
    cookie: String,
    zhang: i64,
    li: i64,
}

async fn party(app: &TestApp, t: &str, name: &str, id: &str) -> i64 {
    let r = app.call(Method::POST, "/api/v1/parties", Some(t), Some(json!({"kind": "person", "name": name, "id_type": "1", "id_number": id}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

async fn desk(engine: Engine) -> Desk {
    let app = crate::helpers::spawn_app(engine).await;
    let clerk = app.staff("chaxun", &["intake", "certify", "archive", "query"]).await;
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
    let zhang = party(&app, &clerk, "张三", "440524188001010014").await;
    let li = party(&app, &clerk, "李四", "11010519491231002X").await;
    let team = app.team("chaxun", &clerk).await;
    let cookie = app.page_cookie("chaxun").await;
    Desk { app, clerk, team, cookie, zhang, li }
}

impl Desk {
    /// Unit `n` of building 1 at `location`.
    async fn unit(&self, n: u32, location: &str) -> i64 {
        let number = format!("{PARCEL}F0001{n:04}");
        let r = self.app.call(Method::POST, "/api/v1/units", Some(&self.clerk), Some(json!({"unit_number": number, "location": location, "area": 89.3, "house_use": "10"}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_i64().unwrap()
    }

    /// Opens a first registration of `unit` for `party`; returns the case.
    async fn open(&self, unit: i64, party: i64) -> Value {
        let r =
            self.app.call(Method::POST, "/api/v1/cases", Some(&self.clerk), Some(json!({"flow_code": FIRST, "unit_ids": [unit], "applicants": [{"party_id": party, "role": "right_holder"}]}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["case"].clone()
    }

    async fn act(&self, case: i64, action: &str, reason: &str) {
        let r = self.app.call(Method::POST, &format!("/api/v1/cases/{case}/actions"), Some(self.team.for_action(action)), Some(json!({"action": action, "reason": reason}))).await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }

    /// 发证 to the holder himself. Where 发证 records who collected the certificate (领证人, with
    /// his ID and the certificate's 印制号), the first answer names those fields and the
    /// certificate is handed over with them.
    async fn issue(&self, case: i64, holder_id: &str) {
        let path = format!("/api/v1/cases/{case}/actions");
        let r = self.app.call(Method::POST, &path, Some(&self.clerk), Some(json!({"action": "issue", "reason": "本人领取"}))).await;
        if r.status == 422 {
            let issuance = json!({"recipient_name": "张三", "id_kind": "resident_card", "id_number": holder_id, "relation": "holder", "serials": [{"print_serial": "JS3204009001"}]});
            let r = self.app.call(Method::POST, &path, Some(&self.clerk), Some(json!({"action": "issue", "reason": "本人领取", "issuance": issuance}))).await;
            assert_eq!(r.status, 200, "issue: {}", r.text);
        } else {
            assert_eq!(r.status, 200, "issue: {}", r.text);
        }
    }

    async fn search(&self, query: &str) -> Reply {
        self.app.get(&format!("/api/v1/cases/search?{query}"), &self.clerk).await
    }

    async fn page(&self, path: &str) -> Reply {
        self.app.raw(self.app.http.get(format!("{}{path}", self.app.base)).header("cookie", &self.cookie)).await
    }
}

fn numbers(r: &Reply) -> Vec<String> {
    r.body["items"].as_array().unwrap_or_else(|| panic!("{}", r.text)).iter().map(|c| c["case_number"].as_str().unwrap().to_owned()).collect()
}

fn enc(s: &str) -> String {
    bdc_http::forms::urlencode(s)
}

async fn an_archived_case_is_found_by_its_certificate_typed_with_full_width_brackets(engine: Engine) {
    let d = desk(engine).await;
    let unit = d.unit(1, "常州市天宁区青洋北路1号1幢101室").await;
    let case = d.open(unit, d.zhang).await;
    let id = case["id"].as_i64().unwrap();
    for action in ["submit", "approve", "register", "certify"] {
        d.act(id, action, "").await;
    }
    d.issue(id, "440524188001010014").await;
    d.act(id, "archive", "").await;
    let book = d.app.get(&format!("/api/v1/units/{unit}/register"), &d.clerk).await;
    let cert = book.body["current"][0]["certificate_number"].as_str().unwrap().to_owned();
    assert!(cert.contains('(') && cert.contains(')'), "{cert}");
    // As typed on a Chinese keyboard: full-width brackets, a space.
    let typed = cert.replace('(', "（").replace(')', "） ");
    let r = d.search(&format!("certificate={}", enc(&typed))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["total"], 1, "{}", r.text);
    let hit = &r.body["items"][0];
    assert_eq!((hit["id"].as_i64(), hit["state"].as_str(), hit["state_name"].as_str()), (Some(id), Some("archived"), Some("已归档")));
    assert!(hit["days_left"].is_null(), "a closed case has no working days left");
    assert_eq!(hit["locations"], json!(["常州市天宁区青洋北路1号1幢101室"]));
    // The workbench's task list no longer shows it; the search page does, linked to the case.
    let page = d.page(&format!("/workbench/search?certificate={}", enc(&typed))).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains(&format!("<a href=\"/workbench/cases/{id}\">{}</a>", case["case_number"].as_str().unwrap())), "{}", page.text);
    assert!(page.text.contains("已归档") && page.text.contains("查询结果（共 1 件）"));
    assert!(page.text.contains(&format!("value=\"{}\"", typed.trim())), "the condition stays in the form");
    let tasks = d.page("/workbench").await;
    assert!(!tasks.text.contains(case["case_number"].as_str().unwrap()) && tasks.text.contains("href=\"/workbench/search\""));
    // Another number finds nothing.
    let other = cert.replace("0000001", "0000002");
    assert_eq!(d.search(&format!("certificate={}", enc(&other))).await.body["total"], 0);
}

async fn a_case_is_found_by_its_applicant_s_id_number_shown_masked(engine: Engine) {
    let d = desk(engine).await;
    let unit = d.unit(1, "常州市天宁区青洋北路1号1幢101室").await;
    d.open(unit, d.zhang).await;
    let li_case = d.open(d.unit(2, "常州市天宁区青洋北路1号1幢102室").await, d.li).await;
    // Typed with a lower-case x and spaces around it.
    let r = d.search("id_number=%2011010519491231002x%20").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(numbers(&r), [li_case["case_number"].as_str().unwrap()]);
    assert_eq!(r.body["items"][0]["applicants"], json!([{"name": "李四", "id_number_masked": "1101**********002X"}]));
    assert!(!r.text.contains("11010519491231002X"), "the number is never shown whole");
    let r = d.search(&format!("applicant={}", enc("张"))).await;
    assert_eq!(r.body["total"], 1, "{}", r.text);
    let page = d.page("/workbench/search?id_number=11010519491231002X").await;
    assert!(page.text.contains("李四（1101**********002X）") && page.text.contains("查询结果（共 1 件）"), "{}", page.text);
    assert!(!page.text.contains("<td>张三"), "{}", page.text);
}

async fn results_are_paged_in_the_database_and_the_pager_keeps_the_conditions(engine: Engine) {
    let d = desk(engine).await;
    let unit = d.unit(1, "常州市天宁区青洋北路1号1幢101室").await;
    let mut opened = Vec::new();
    for _ in 0..45 {
        opened.push(d.open(unit, d.zhang).await["case_number"].as_str().unwrap().to_owned());
    }
    let today = bdc_core::time::today();
    let cond = format!("flow={FIRST}&from={today}&to={today}&channel=counter&state=intake");
    let mut seen = Vec::new();
    for (page, len) in [(1, 20), (2, 20), (3, 5)] {
        let r = d.search(&format!("{cond}&per_page=20&page={page}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["total"].as_i64(), r.body["page"].as_i64(), r.body["per_page"].as_i64()), (Some(45), Some(page), Some(20)));
        assert_eq!(r.body["items"].as_array().unwrap().len(), len, "page {page}");
        seen.extend(numbers(&r));
    }
    let mut newest_first = opened.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "受理时间, newest first, each case once");
    let by_number = numbers(&d.search(&format!("{cond}&sort=case_number&per_page=50")).await);
    let mut sorted = opened.clone();
    sorted.sort();
    assert_eq!(by_number, sorted);
    assert_eq!(d.search(&format!("{cond}&page=4&per_page=20")).await.body["items"], json!([]));
    assert_eq!(d.search("channel=online").await.body["total"], 0);

    // The page: 3 pages of 20; the next page's link keeps every condition.
    let page = d.page(&format!("/workbench/search?{cond}&per_page=20")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("查询结果（共 45 件）") && page.text.contains("第 1 / 3 页"), "{}", page.text);
    assert_eq!(page.text.matches("<a href=\"/workbench/cases/").count(), 20);
    let next = format!("/workbench/search?flow={FIRST}&amp;state=intake&amp;from={today}&amp;to={today}&amp;channel=counter&amp;per_page=20&amp;page=2");
    assert!(page.text.replace("&#38;", "&amp;").contains(&next), "{next} in {}", page.text);
    let last = d.page(&format!("/workbench/search?{cond}&per_page=20&page=3")).await;
    assert!(last.text.contains("第 3 / 3 页") && !last.text.contains("下一页"));
    assert_eq!(last.text.matches("<a href=\"/workbench/cases/").count(), 5);
    let fifty = d.page(&format!("/workbench/search?{cond}&per_page=50")).await;
    assert_eq!(fifty.text.matches("<a href=\"/workbench/cases/").count(), 45);
    assert!(!fifty.text.contains("下一页"));

    // The export: every row, Chinese headers, and its own audit row.
    let x = d.app.raw(d.app.http.get(format!("{}/workbench/search.xlsx?{cond}", d.app.base)).header("cookie", &d.cookie)).await;
    assert_eq!(x.status, 200);
    assert_eq!(x.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(x.headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let bytes = d.app.http.get(format!("{}/workbench/search.xlsx?{cond}", d.app.base)).header("cookie", &d.cookie).send().await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let strings = part("xl/sharedStrings.xml");
    let sheet = part("xl/worksheets/sheet1.xml");
    assert_eq!(sheet.matches("<row ").count(), 46, "the header and 45 rows");
    for h in ["业务号", "坐落", "申请人", "受理时间", "承诺办结日期", "剩余工作日"] {
        assert!(strings.contains(h), "{h}");
    }
    assert!(opened.iter().all(|n| strings.contains(n.as_str())), "every case number");
    assert!(strings.contains("张三（4405**********0014）") && !strings.contains("440524188001010014"));
    assert!(!strings.contains("仅导出前"), "not cut");
    let supervisor = d.app.staff("jianguan", &["supervise"]).await;
    let audit = d.app.get(&format!("/api/v1/audit?action={}&actor=chaxun", enc("导出业务查询结果")), &supervisor).await;
    let rows = audit.body["items"].as_array().unwrap_or_else(|| panic!("{}", audit.text));
    assert_eq!(rows.len(), 2, "one row per export: {rows:?}");
    let detail = rows[0]["detail"].as_str().unwrap();
    assert!(detail.contains("导出 45 条") && detail.contains("渠道=窗口") && detail.contains("状态=受理"), "{detail}");
}

async fn the_public_cannot_search_cases(engine: Engine) {
    let d = desk(engine).await;
    d.open(d.unit(1, "常州市天宁区青洋北路1号1幢101室").await, d.zhang).await;
    let citizen = d.app.public_account("zhangsan", &["person"], d.zhang, "13912340001").await;
    let r = d.app.get("/api/v1/cases/search?applicant=%E5%BC%A0", &citizen).await;
    assert_eq!(r.problem(403), "forbidden", "{}", r.text);
    let login = d.app.raw(d.app.http.post(format!("{}/login", d.app.base)).form(&[("realm", "public"), ("username", "zhangsan"), ("password", crate::helpers::PASSWORD)])).await;
    assert_eq!(login.status, 303, "{}", login.text);
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    for path in ["/workbench/search", "/workbench/search.xlsx"] {
        let r = d.app.raw(d.app.http.get(format!("{}{path}", d.app.base)).header("cookie", &cookie)).await;
        assert_eq!(r.status, 403, "{path}");
        assert!(r.text.contains("没有权限") && !r.text.contains("张三"), "{path}");
    }
    let anonymous = d.app.raw(d.app.http.get(format!("{}/workbench/search", d.app.base))).await;
    assert_eq!(anonymous.status, 303, "to the staff's login");
}

async fn conditions_with_sql_metacharacters_match_literally(engine: Engine) {
    let d = desk(engine).await;
    let odd = d.open(d.unit(1, "青洋北路1号100%_'室").await, d.zhang).await;
    d.open(d.unit(2, "青洋北路1号100ab室").await, d.zhang).await;
    d.open(d.unit(3, "青洋北路1号1000室").await, d.li).await;
    let odd_number = odd["case_number"].as_str().unwrap().to_owned();
    for cond in ["100%_'", "%", "_", "'", "%_"] {
        let r = d.search(&format!("location={}", enc(cond))).await;
        assert_eq!(r.status, 200, "{cond}: {}", r.text);
        assert_eq!(numbers(&r), [odd_number.as_str()], "{cond}");
    }
    for (key, cond) in [("case_number", "%"), ("case_number", "_"), ("applicant", "%"), ("applicant", "'"), ("applicant", "' OR '1'='1")] {
        let r = d.search(&format!("{key}={}", enc(cond))).await;
        assert_eq!((r.status.as_u16(), r.body["total"].as_i64()), (200, Some(0)), "{key}={cond}: {}", r.text);
    }
    let prefix = &odd_number[..odd_number.len() - 2];
    assert_eq!(d.search(&format!("case_number={prefix}")).await.body["total"], 3, "a 业务号's beginning");
    assert_eq!(numbers(&d.search(&format!("case_number={odd_number}")).await), [odd_number.as_str()]);
    let page = d.page(&format!("/workbench/search?location={}", enc("100%_'"))).await;
    assert!(page.text.contains("查询结果（共 1 件）") && page.text.contains("青洋北路1号100%_&#39;室"), "{}", page.text);

    // Conditions that cannot be read are refused beside their field, and nothing is searched.
    let r = d.search("from=2026-12-04&to=2026-12-01").await;
    assert_eq!(r.problem(422), "date_range_reversed");
    assert_eq!(r.body["errors"][0]["field"], "to");
    assert_eq!(d.search("state=lost").await.problem(422), "unknown_state");
    assert_eq!(d.search("per_page=500").await.problem(400), "bad_paging");
    assert_eq!(d.search("colour=red").await.problem(400), "bad_query");
    let page = d.page("/workbench/search?from=2026-12-04&to=2026-12-01&location=abc").await;
    assert_eq!(page.status, 422);
    assert!(page.text.contains("field--invalid") && page.text.contains("早于") && page.text.contains("value=\"abc\""), "{}", page.text);
    let x = d.page("/workbench/search.xlsx?from=2026-12-04&to=2026-12-01").await;
    assert_eq!(x.status, 422);
    assert!(x.text.contains("早于"));
    let doc = d.app.call(Method::GET, "/api/openapi.json", None, None).await.body;
    assert_eq!(doc["paths"]["/api/v1/cases/search"]["get"]["operationId"], "search_cases");
}

crate::both!(
    an_archived_case_is_found_by_its_certificate_typed_with_full_width_brackets,
    a_case_is_found_by_its_applicant_s_id_number_shown_masked,
    results_are_paged_in_the_database_and_the_pager_keeps_the_conditions,
    the_public_cannot_search_cases,
    conditions_with_sql_metacharacters_match_literally
);
