//! 系统管理 pages on both engines, used as a browser would: log in on /login, read the CSRF token
//! from the page, post the forms. An administrator creates a user who can then log in; a refused
//! form keeps what was typed; a clerk gets 403; a role's new grants take effect; the calendar,
//! the rule library and the catalogue show what was changed.

use bdc_db::Engine;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, Reply, TestApp, PASSWORD};

/// A logged-in browser: the session cookie and the page's CSRF token.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("page has a csrf field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_owned()
}

async fn log_in<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let cookie = app.page_cookie(username).await;
    let mut b = Browser { app, cookie, csrf: String::new() };
    // Any page with a form carries the token (the logout button).
    let page = b.get("/verify").await;
    b.csrf = csrf_of(&page.text);
    b
}

impl Browser<'_> {
    async fn get(&self, path: &str) -> Reply {
        self.app.raw(self.app.http.get(format!("{}{path}", self.app.base)).header("cookie", &self.cookie)).await
    }

    /// Posts a form with the CSRF token added.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.app.raw(self.app.http.post(format!("{}{path}", self.app.base)).header("cookie", &self.cookie).form(&all)).await
    }
}

fn location(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "expected a redirect: {}", r.text);
    r.headers.get("location").unwrap().to_str().unwrap().to_owned()
}

/// What a reader sees of a page: its text without the tags (attributes such as form values'
/// codes, links' addresses and tooltips are not read).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Raw identifiers in a text: lower-case words joined by a dot or an underscore (`case.intake`,
/// `state_land_and_house`, `restriction_present`).
fn raw_codes(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c == '.' || c == '_')).map(|w| w.trim_matches(['.', '_'])).filter(|w| w.contains(['.', '_'])).map(str::to_owned).collect()
}

/// Lower-case ASCII words of a text (`block`, `intake`); a rule's own hyphenated code
/// (`seizure-blocks-disposal`) is one word.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c == '-')).map(|w| w.trim_matches('-')).filter(|w| !w.is_empty()).collect()
}

async fn api_login(app: &TestApp, username: &str, password: &str) -> Reply {
    app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": password, "realm": "staff", "mode": "token"}))).await
}

async fn an_administrator_creates_a_user_on_the_page_and_the_user_logs_in(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("admin1", &["admin"]).await;
    let admin = log_in(&app, "admin1").await;

    let home = admin.get("/workbench/admin").await;
    assert_eq!(home.status, 200);
    for section in ["用户管理", "角色权限", "工作日历", "规则库", "业务目录"] {
        assert!(home.text.contains(section), "overview lists {section}");
    }

    // Without the token nothing happens.
    let forged = app
        .raw(app.http.post(format!("{}/workbench/admin/users", app.base)).header("cookie", &admin.cookie).form(&[
            ("username", "wangwu"),
            ("display_name", "王五"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
            ("roles", "intake"),
        ]))
        .await;
    assert_eq!(forged.status, 403);

    // A weak password: the error beside the password, the rest kept as typed.
    let weak = admin
        .post("/workbench/admin/users", &[("username", "zhangmin"), ("display_name", "综合窗口张敏"), ("password", "short"), ("password_again", "short"), ("roles", "intake"), ("roles", "review")])
        .await;
    assert_eq!(weak.status, 422, "{}", weak.text);
    assert!(weak.text.contains(r#"value="zhangmin""#) && weak.text.contains(r#"value="综合窗口张敏""#), "typed values kept");
    assert!(weak.text.contains(r#"value="intake" checked"#) && weak.text.contains(r#"value="review" checked"#) && !weak.text.contains(r#"value="register" checked"#));
    assert!(weak.text.contains(r#"id="password-error""#), "the error sits beside the password field");
    assert!(!weak.text.contains("value=\"short\""), "a password is never sent back");
    assert_eq!(api_login(&app, "zhangmin", "short").await.status, 401);

    // No role ticked: said beside the roles.
    let no_roles = admin.post("/workbench/admin/users", &[("username", "zhangmin"), ("display_name", "张敏"), ("password", PASSWORD), ("password_again", PASSWORD)]).await;
    assert_eq!(no_roles.status, 422);
    assert!(no_roles.text.contains(r#"id="roles-error""#) && no_roles.text.contains("请至少选择一个角色"));

    let created = admin
        .post("/workbench/admin/users", &[("username", "zhangmin"), ("display_name", "综合窗口张敏"), ("password", PASSWORD), ("password_again", PASSWORD), ("roles", "intake"), ("roles", "review")])
        .await;
    let to = location(&created);
    assert!(to.starts_with("/workbench/admin/users/") && to.ends_with("?done=created"), "{to}");
    let login = api_login(&app, "zhangmin", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let token = login.body["token"].as_str().unwrap().to_owned();
    let me = app.get("/api/v1/auth/me", &token).await;
    let roles: Vec<&str> = me.body["roles"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(roles, ["intake", "review"]);
    // A second account of the same name: beside the user name.
    let dup = admin.post("/workbench/admin/users", &[("username", "zhangmin"), ("display_name", "另一个"), ("password", PASSWORD), ("password_again", PASSWORD), ("roles", "query")]).await;
    assert_eq!(dup.status, 422);
    assert!(dup.text.contains(r#"id="username-error""#) && dup.text.contains("已被使用"));

    // The list finds the account by name and role, not among the disabled ones.
    let found = admin.get("/workbench/admin/users?q=zhang&role=review").await;
    assert!(found.text.contains("综合窗口张敏") && found.text.contains("共 1 个"), "{}", found.text);
    assert!(!admin.get("/workbench/admin/users?q=zhang&status=disabled").await.text.contains("综合窗口张敏"));

    // Edit: disable, and the user can no longer log in; enable again with a new password.
    let edit = admin.get(&to).await;
    assert!(edit.text.contains("综合窗口张敏"));
    let version = edit.text.split(r#"name="version" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = to.split('?').next().unwrap().to_owned();
    let saved = admin.post(&path, &[("version", &version), ("display_name", "张敏"), ("status", "disabled"), ("roles", "intake")]).await;
    assert!(location(&saved).ends_with("?done=saved"));
    let refused = api_login(&app, "zhangmin", PASSWORD).await;
    assert_eq!(refused.status, 401);
    assert!(admin.get("/workbench/admin/users?status=disabled").await.text.contains("张敏"));
    // A stale version is refused with the typed values kept.
    let stale = admin.post(&path, &[("version", &version), ("display_name", "张敏敏"), ("status", "active"), ("roles", "intake")]).await;
    assert_eq!(stale.status, 422);
    assert!(stale.text.contains("已被他人修改") && stale.text.contains(r#"value="张敏敏""#));
    let version = admin.get(&path).await.text.split(r#"name="version" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    location(&admin.post(&path, &[("version", &version), ("display_name", "张敏"), ("status", "active"), ("roles", "intake")]).await);
    let bad = admin.post(&format!("{path}/password"), &[("new_password", "abc"), ("new_password_again", "abc")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains(r#"id="new_password-error""#));
    location(&admin.post(&format!("{path}/password"), &[("new_password", "Reset-pass-2026"), ("new_password_again", "Reset-pass-2026")]).await);
    assert_eq!(api_login(&app, "zhangmin", PASSWORD).await.status, 401, "the old password is gone");
    assert_eq!(api_login(&app, "zhangmin", "Reset-pass-2026").await.status, 200);

    // Locked out after repeated failures; unlocking lets the user in at once.
    for _ in 0..6 {
        api_login(&app, "zhangmin", "Wrong-pass-2026").await;
    }
    assert_eq!(api_login(&app, "zhangmin", "Reset-pass-2026").await.status, 423);
    let locked = admin.get("/workbench/admin/users?status=locked").await;
    assert!(locked.text.contains("张敏") && locked.text.contains(r#"<span class="badge badge--danger" title="锁定至"#), "{}", locked.text);
    location(&admin.post(&format!("{path}/unlock"), &[]).await);
    assert_eq!(api_login(&app, "zhangmin", "Reset-pass-2026").await.status, 200);
    assert!(!admin.get("/workbench/admin/users?status=locked").await.text.contains("张敏"));
}

async fn only_permitted_staff_reach_the_pages(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("clerk1", &["intake"]).await;
    let clerk = log_in(&app, "clerk1").await;
    for path in ["/workbench/admin/users", "/workbench/admin/users/new", "/workbench/admin/roles", "/workbench/admin/rules"] {
        let r = clerk.get(path).await;
        assert_eq!(r.status, 403, "{path}");
        assert!(r.text.contains("没有权限"), "{path}: {}", r.text);
    }
    let r = clerk.post("/workbench/admin/users", &[("username", "sneaky"), ("display_name", "越权"), ("password", PASSWORD), ("password_again", PASSWORD), ("roles", "admin")]).await;
    assert_eq!(r.status, 403);
    assert_eq!(api_login(&app, "sneaky", PASSWORD).await.status, 401);
    // The overview shows only what the clerk may open; the calendar is read-only.
    let home = clerk.get("/workbench/admin").await;
    assert!(home.status == 200 && !home.text.contains("用户管理") && home.text.contains("业务目录"));
    let cal = clerk.get("/workbench/admin/calendar?month=2026-10").await;
    assert_eq!(cal.status, 200);
    assert!(cal.text.contains("国庆节") && !cal.text.contains(r#"id="set-day""#));
    assert_eq!(clerk.post("/workbench/admin/calendar/days", &[("date", "2026-10-12"), ("kind", "holiday"), ("note", "假")]).await.status, 403);

    // The catalogue: all flows, filtered by channel and 登记类型, with materials.
    let all = clerk.get("/workbench/admin/catalogue").await;
    let count = bdc_registry::domain::catalogue::flows().len();
    assert_eq!(count, bdc_registry::domain::catalogue::flows().len());
    assert!(all.text.contains(&format!(r#"<span id="flow-count">{count}</span>"#)), "all flows listed");
    let bank = clerk.get("/workbench/admin/catalogue?channel=bank&kind=400").await;
    let n = bdc_registry::domain::catalogue::flows().iter().filter(|f| f.channels.contains(&bdc_registry::domain::catalogue::Channel::Bank) && f.registration_type.code() == 400).count();
    assert!(n > 0 && bank.text.contains(&format!(r#"<span id="flow-count">{n}</span>"#)), "{n}");
    assert!(bank.text.contains("抵押权注销") && bank.text.contains("注销登记") && !bank.text.contains("CTR-"));

    // Nobody logged in: the staff's own login door, not the public's.
    for path in ["/workbench/admin/users", "/workbench", "/workbench/intake"] {
        let anon = app.raw(app.http.get(format!("{}{path}", app.base))).await;
        assert_eq!(location(&anon), "/workbench/login", "{path}");
    }
    let door = app.raw(app.http.get(format!("{}/workbench/login", app.base))).await;
    assert!(door.text.contains("工作人员登录") && door.text.contains(r#"name="realm" value="staff""#) && !door.text.contains("注册实名账户"), "{}", door.text);
    let public = app.raw(app.http.get(format!("{}/login", app.base))).await;
    assert!(public.text.contains(r#"name="realm" value="public""#) && public.text.contains("注册实名账户"));
}

async fn a_flow_s_duty_setting_is_changed_on_the_catalogue_page_with_a_reason(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("admin1", &["admin"]).await;
    app.user("clerk1", &["intake"]).await;
    let admin = log_in(&app, "admin1").await;
    let page = admin.get("/workbench/admin/catalogue").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("<title>业务目录"), "a plain title");
    assert_eq!(page.text.matches(r#"id="duties""#).count(), 1, "one duty section");
    assert!(page.text.contains("所有业务均为受理、审核、登簿分岗办理") && page.text.contains(r#"id="duty-form""#));
    // A combined setting needs a reason; nothing is saved without one.
    let r = admin.post("/workbench/admin/catalogue/duties", &[("flow", "CTR-FIRST-STATE-HOUSE"), ("rule", "review_with_register"), ("reason", "")]).await;
    assert!(r.status == 422 && r.text.contains("合并岗位须写明理由"), "{}", r.text);
    let r = admin.post("/workbench/admin/catalogue/duties", &[("flow", "CTR-FIRST-STATE-HOUSE"), ("rule", "review_with_register"), ("reason", "审核登簿一体化办理")]).await;
    assert!(location(&r).starts_with("/workbench/admin/catalogue?saved=CTR-FIRST-STATE-HOUSE"), "{}", r.text);
    let page = admin.get("/workbench/admin/catalogue").await;
    assert!(page.text.contains("审核登簿一体化办理") && page.text.contains(r#"badge badge--warning">审核、登簿可由一人办理"#));
    // A clerk sees the catalogue but no form, and cannot post one.
    let clerk = log_in(&app, "clerk1").await;
    let page = clerk.get("/workbench/admin/catalogue").await;
    assert!(page.status == 200 && !page.text.contains(r#"id="duty-form""#));
    assert_eq!(clerk.post("/workbench/admin/catalogue/duties", &[("flow", "CTR-FIRST-STATE-HOUSE"), ("rule", "combined"), ("reason", "越权合并岗位")]).await.status, 403);
}

async fn a_role_s_new_grants_take_effect_and_public_roles_stay_public(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("admin1", &["admin"]).await;
    let admin = log_in(&app, "admin1").await;
    let query = app.staff("chaxun1", &["query"]).await;
    assert_eq!(app.get("/api/v1/rules", &query).await.status, 403, "查询 cannot read the rule library yet");

    let matrix = admin.get("/workbench/admin/roles").await;
    assert_eq!(matrix.status, 200);
    assert!(matrix.text.contains("查阅规则库") && matrix.text.contains(r#"form="role-query""#));
    let saved = admin.post("/workbench/admin/roles/query", &[("permissions", "calendar.read"), ("permissions", "registry.read"), ("permissions", "case.read"), ("permissions", "rules.read")]).await;
    assert_eq!(location(&saved), "/workbench/admin/roles?saved=query");
    assert!(admin.get("/workbench/admin/roles?saved=query").await.text.contains("角色“查询”的权限已保存"));
    assert_eq!(app.get("/api/v1/rules", &query).await.status, 200, "the new grant applies on the next request");

    // A staff permission on a public role: a Chinese error, the ticks kept, nothing saved.
    let refused = admin.post("/workbench/admin/roles/person", &[("permissions", "users.manage")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("不能授予公众角色"), "{}", refused.text);
    assert!(refused.text.contains(r#"form="role-person" name="permissions" value="users.manage" aria-label="个人：管理用户" checked"#), "the tick is kept");
    let token = app.token("admin1", "staff").await;
    let roles = app.get("/api/v1/admin/roles", &token).await;
    let person = roles.body.as_array().or_else(|| roles.body["items"].as_array()).unwrap().iter().find(|r| r["code"] == "person").unwrap().clone();
    assert!(!person["permissions"].as_array().unwrap().iter().any(|p| p == "users.manage"), "{person}");
}

async fn calendar_overrides_and_rules_are_edited_on_the_pages(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("admin1", &["admin"]).await;
    let admin = log_in(&app, "admin1").await;

    // The month view: 2026-10-01 is 国庆节, 2026-10-10 (Saturday) 调休上班.
    let oct = admin.get("/workbench/admin/calendar?month=2026-10").await;
    assert!(oct.text.contains("2026 年 10 月"));
    assert!(oct.text.contains(r#"admin-day--holiday" data-date="2026-10-01""#), "{}", oct.text);
    assert!(oct.text.contains(r#"admin-day--workday" data-date="2026-10-12""#));
    assert!(oct.text.contains(r#"href="/workbench/admin/calendar?month=2026-09" rel="prev""#) && oct.text.contains("month=2026-11"));
    let bad = admin.post("/workbench/admin/calendar/days", &[("date", "2026-13-40"), ("kind", "holiday"), ("note", "测试假日")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains(r#"id="date-error""#) && bad.text.contains(r#"value="测试假日""#));
    let set = admin.post("/workbench/admin/calendar/days", &[("date", "2026-10-12"), ("kind", "holiday"), ("note", "测试假日")]).await;
    assert_eq!(location(&set), "/workbench/admin/calendar?month=2026-10&done=set");
    let oct = admin.get("/workbench/admin/calendar?month=2026-10").await;
    assert!(oct.text.contains(r#"admin-day--holiday" data-date="2026-10-12""#) && oct.text.contains("测试假日"));
    let token = app.token("admin1", "staff").await;
    // Deadlines follow at once: from the make-up Saturday, Sunday and the new holiday are skipped.
    let due = app.get("/api/v1/calendar/working-days/add?from=2026-10-10&days=1", &token).await;
    assert_eq!(due.body["date"], "2026-10-13", "{}", due.text);
    location(&admin.post("/workbench/admin/calendar/days/remove", &[("date", "2026-10-12")]).await);
    assert!(!admin.get("/workbench/admin/calendar?month=2026-10").await.text.contains("测试假日"));
    // Office hours.
    let hours = admin.post("/workbench/admin/calendar/hours", &[("month", "2026-10"), ("hours", "13:00-12:00")]).await;
    assert_eq!(hours.status, 422);
    assert!(hours.text.contains(r#"id="hours-error""#) && hours.text.contains(r#"value="13:00-12:00""#));
    location(&admin.post("/workbench/admin/calendar/hours", &[("month", "2026-10"), ("hours", "08:30-12:00, 13:00-17:00")]).await);
    assert!(admin.get("/workbench/admin/calendar").await.text.contains("08:30-12:00, 13:00-17:00"));

    // The rule library: the seeded rules with severity and legal basis.
    let lib = admin.get("/workbench/admin/rules").await;
    assert_eq!(lib.status, 200);
    assert!(lib.text.contains("阻断") && lib.text.contains("法律依据") && lib.text.contains("other-open-case"), "{}", lib.text);
    // A new version of a rule: version 2 listed first, version 1 kept.
    let v = admin.get("/workbench/admin/rules/other-open-case").await;
    assert!(v.text.contains("v1") && v.text.contains(r#"name="version_of" value="other-open-case""#));
    let fields = |legal: &'static str| {
        vec![
            ("version_of", "other-open-case"),
            ("code", "other-open-case"),
            ("name", "同一单元无其他在办业务"),
            ("check", "no_other_open_case"),
            ("severity", "warn"),
            ("legal_basis", legal),
            ("effective_from", "2026-12-01"),
        ]
    };
    let empty = admin.post("/workbench/admin/rules", &fields("")).await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains(r#"id="legal_basis-error""#) && empty.text.contains(r#"value="同一单元无其他在办业务""#));
    let saved = admin.post("/workbench/admin/rules", &fields("《不动产登记暂行条例》第二十二条")).await;
    assert_eq!(location(&saved), "/workbench/admin/rules/other-open-case");
    let v = admin.get("/workbench/admin/rules/other-open-case").await;
    assert!(v.text.contains("v2") && v.text.contains("v1") && v.text.find("v2") < v.text.find("v1"), "newest first");
    assert!(admin.get("/workbench/admin/rules").await.text.contains("提示"));
    // Retire, after the confirmation page.
    let confirm = admin.get("/workbench/admin/rules/other-open-case/retire").await;
    assert!(confirm.text.contains("确认停用") && confirm.text.contains(r#"action="/workbench/admin/rules/other-open-case/retire""#));
    assert_eq!(location(&admin.post("/workbench/admin/rules/other-open-case/retire", &[]).await), "/workbench/admin/rules?done=retired");
    let api = app.get("/api/v1/rules?per_page=100", &token).await;
    assert!(api.body["items"].as_array().unwrap().iter().filter(|r| r["code"] == "other-open-case").all(|r| r["retired"] == true));

    // Issuance-data rules: add, refuse a bad one with the values kept, remove after confirming.
    let bad = admin.post("/workbench/admin/issuance-rules", &[("table", "*"), ("field", "zl"), ("action", "trim"), ("param", "")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains(r#"id="field-error""#) && bad.text.contains(r#"value="zl""#));
    location(&admin.post("/workbench/admin/issuance-rules", &[("table", "KTT_FW_H"), ("field", "GHYT"), ("action", "map"), ("param", "10=>住宅")]).await);
    let lib = admin.get("/workbench/admin/rules").await;
    assert!(lib.text.contains("GHYT") && lib.text.contains("10=&#62;住宅"));
    // The exchange's table and field by their Chinese names, the codes beside them in grey.
    assert!(lib.text.contains(r#"户（房屋）<br><span class="mono muted admin-code">KTT_FW_H</span>"#), "{}", lib.text);
    assert!(lib.text.contains(r#"规划用途<br><span class="mono muted admin-code">GHYT</span>"#) && lib.text.contains("值规范（映射）"));
    assert!(lib.text.contains(r#"<option value="KTT_FW_H">户（房屋）（KTT_FW_H）</option>"#), "the table is chosen by its name");
    let id = app.get("/api/v1/issuance-rules?per_page=100", &token).await.body["items"].as_array().unwrap().iter().find(|r| r["field"] == "GHYT").unwrap()["id"].as_i64().unwrap();
    let confirm = admin.get(&format!("/workbench/admin/issuance-rules/{id}/remove")).await;
    assert!(confirm.text.contains("确认删除") && confirm.text.contains("表：户（房屋）（KTT_FW_H），字段：规划用途（GHYT），值规范（映射）"), "{}", confirm.text);
    location(&admin.post(&format!("/workbench/admin/issuance-rules/{id}/remove"), &[]).await);
    assert!(!admin.get("/workbench/admin/rules").await.text.contains("GHYT"));
}

/// The 调休 warning: calendar administrators see it on the workbench, the overview and the
/// calendar page until each missing year has an entry; nobody else sees it.
async fn calendar_administrators_are_warned_while_a_years_arrangement_is_not_entered(engine: Engine) {
    let app = spawn_app(engine).await;
    // An administrator who also works cases (so /workbench is open to him), and a clerk.
    app.user("admin1", &["admin", "intake"]).await;
    app.user("clerk1", &["intake"]).await;
    // A fresh database holds the 2024–2026 seed, so from 2026-10-01 on some year is missing:
    // 2027 now, later this year's own.
    let missing = bdc_core::calendar::WorkCalendar::seeded().missing_arrangements(bdc_registry::service::cases::today());
    assert!(!missing.is_empty(), "a year is missing in a fresh database from 2026-10-01 on");
    let pages = ["/workbench", "/workbench/admin", "/workbench/admin/calendar"];
    let admin = log_in(&app, "admin1").await;
    for page in pages {
        let r = admin.get(page).await;
        assert_eq!(r.status, 200, "{page}: {}", r.text);
        for y in &missing {
            assert!(r.text.contains(&format!("{y} 年调休安排尚未录入")) && r.text.contains(&format!(r#"data-arrangement="{y}""#)), "{page} warns about {y}: {}", r.text);
            assert!(r.text.contains("法定节假日已自动计算") && r.text.contains(&format!("/workbench/admin/calendar?month={y}-01")));
        }
    }
    let clerk = log_in(&app, "clerk1").await;
    for page in pages {
        let r = clerk.get(page).await;
        assert_eq!(r.status, 200, "{page}");
        assert!(!r.text.contains("调休安排尚未录入"), "{page}: the clerk cannot enter it and is not told");
    }
    // Without any entry the statutory holidays are on the month view as computed.
    let jan = admin.get("/workbench/admin/calendar?month=2027-01").await;
    assert!(jan.text.contains(r#"admin-day--holiday" data-date="2027-01-01""#) && jan.text.contains("元旦（自动计算）"), "{}", jan.text);
    let feb = admin.get("/workbench/admin/calendar?month=2027-02").await;
    assert!(feb.text.contains(r#"admin-day--holiday" data-date="2027-02-05""#) && feb.text.contains("春节（自动计算）"));
    // Entering the arrangement (here one make-up day per missing year) ends the warning.
    for y in &missing {
        let date = format!("{y}-02-20");
        location(&admin.post("/workbench/admin/calendar/days", &[("date", date.as_str()), ("kind", "workday"), ("note", "春节调休")]).await);
    }
    for page in pages {
        let r = admin.get(page).await;
        assert!(!r.text.contains("调休安排尚未录入"), "{page}: {}", r.text);
    }
}

/// 修改密码 on its page: a wrong old password or a mistyped repetition is named beside its field
/// and changes nothing; a right one changes it, ends every session (this one too) and sends the
/// user to his own login door; the new password then signs in and the old one does not.
async fn a_user_changes_his_password_on_the_page(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("clerk2", &["intake"]).await;
    let b = log_in(&app, "clerk2").await;
    let form = b.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("修改密码") && form.text.contains(r#"href="/account/password""#), "the header links the page");
    let wrong = b.post("/account/password", &[("old_password", "Wrong-Password-1"), ("new_password", "Changzhou-2027!x"), ("new_password_again", "Changzhou-2027!x")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("原密码不正确"), "{}", wrong.text);
    let mismatch = b.post("/account/password", &[("old_password", PASSWORD), ("new_password", "Changzhou-2027!x"), ("new_password_again", "Changzhou-2027!y")]).await;
    assert!(mismatch.text.contains("两次输入的新密码不一致"));
    let weak = b.post("/account/password", &[("old_password", PASSWORD), ("new_password", "short"), ("new_password_again", "short")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text.contains(r#"id="new_password-error""#), "the policy's reason beside the new password: {}", weak.text);
    assert_eq!(api_login(&app, "clerk2", PASSWORD).await.status, 200, "nothing changed yet");
    let done = b.post("/account/password", &[("old_password", PASSWORD), ("new_password", "Changzhou-2027!x"), ("new_password_again", "Changzhou-2027!x")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("密码已修改") && done.text.contains("/workbench/login"));
    assert!(done.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"), "the session cookie is cleared");
    assert_eq!(location(&b.get("/workbench").await), "/workbench/login", "this session ended too");
    assert_eq!(api_login(&app, "clerk2", PASSWORD).await.status, 401);
    assert_eq!(api_login(&app, "clerk2", "Changzhou-2027!x").await.status, 200);
    // Nobody signed in: the login page.
    assert_eq!(location(&app.raw(app.http.get(format!("{}/account/password", app.base))).await), "/login");
}

/// 窗口受理 offers the counter's flows only, and refuses an online flow asked for by its code: a
/// case taken at the counter is a 窗口 case.
async fn the_counter_takes_counter_flows_only(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("clerk3", &["intake"]).await;
    let b = log_in(&app, "clerk3").await;
    let picker = b.get("/workbench/intake").await;
    let counter = bdc_registry::domain::catalogue::flows().iter().filter(|f| f.channels.contains(&bdc_registry::domain::catalogue::Channel::Counter)).count();
    assert!(picker.text.contains(&format!("业务（共 {counter} 项）")), "{}", picker.text);
    assert!(picker.text.contains(r#"value="CTR-TRANSFER""#) && !picker.text.contains(r#"value="IND-TRANSFER-STOCK-HOUSE""#));
    let online = b.get("/workbench/intake?flow=IND-TRANSFER-STOCK-HOUSE").await;
    assert!(online.text.contains("请选择业务目录中的窗口业务") && !online.text.contains(r#"id="intake-form""#), "{}", online.text);
}

/// 系统管理 speaks Chinese: no page shows a permission, right kind, check or severity by its
/// code; a 存在限制 rule's restrictions and a rule's right kinds are ticked by name.
async fn the_admin_pages_name_every_code_in_chinese(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("admin1", &["admin"]).await;
    let admin = log_in(&app, "admin1").await;

    // A rule limited to restrictions and right kinds, entered by ticking their names.
    let form = admin.get("/workbench/admin/rules").await;
    assert!(form.text.contains(r#"name="kinds" value="seizure""#) && visible_text(&form.text).contains("查封登记"), "restrictions are ticked by name");
    assert!(form.text.contains(r#"name="right_kinds" value="state_land_and_house""#));
    let mut fields = vec![
        ("code", "no-transfer-under-seizure"),
        ("name", "查封或异议期间不得转移"),
        ("check", "restriction_present"),
        ("severity", "block"),
        ("effects", "transfer_right"),
        ("right_kinds", "state_land_and_house"),
        ("legal_basis", "《不动产登记暂行条例》第二十二条"),
        ("effective_from", "2026-12-01"),
    ];
    let none = admin.post("/workbench/admin/rules", &fields).await;
    assert_eq!(none.status, 422);
    assert!(none.text.contains(r#"id="kinds-error""#) && none.text.contains("须勾选至少一种限制的权利类型"), "{}", none.text);
    assert!(none.text.contains(r#"value="state_land_and_house" checked"#), "the ticks are kept");
    fields.extend([("kinds", "seizure"), ("kinds", "objection")]);
    assert_eq!(location(&admin.post("/workbench/admin/rules", &fields).await), "/workbench/admin/rules?done=created");
    let v = admin.get("/workbench/admin/rules/no-transfer-under-seizure").await;
    assert!(v.text.contains(r#"value="seizure" checked"#) && v.text.contains(r#"value="objection" checked"#) && !v.text.contains(r#"value="mortgage" checked"#));
    assert!(visible_text(&v.text).contains("存在限制（查封、抵押、异议等）：查封登记、异议登记"), "{}", v.text);

    let users = admin.get("/workbench/admin/users?q=admin1").await;
    let id: String =
        users.text.split(r#"href="/workbench/admin/users/"#).skip(1).map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>()).find(|id| !id.is_empty()).expect("admin1 is listed");
    let pages = [
        "/workbench/admin".to_owned(),
        "/workbench/admin/users".to_owned(),
        "/workbench/admin/users/new".to_owned(),
        format!("/workbench/admin/users/{id}"),
        "/workbench/admin/roles".to_owned(),
        "/workbench/admin/calendar".to_owned(),
        "/workbench/admin/rules".to_owned(),
        "/workbench/admin/rules/no-transfer-under-seizure".to_owned(),
        "/workbench/admin/catalogue".to_owned(),
    ];
    for path in &pages {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let text = visible_text(&page.text);
        assert!(raw_codes(&text).is_empty(), "{path} shows codes: {:?}", raw_codes(&text));
        for p in bdc_core::access::Permission::ALL {
            assert!(!text.contains(p.code()), "{path} shows the permission code {}", p.code());
        }
    }
    // Severity and roles by name: no `block`, `warn`, `consent` in the library, no role code in the matrix.
    let lib = visible_text(&admin.get("/workbench/admin/rules").await.text);
    assert!(lib.contains("阻断") && !words(&lib).iter().any(|w| ["block", "warn", "consent"].contains(w)), "{lib}");
    let matrix = admin.get("/workbench/admin/roles").await;
    let table = &matrix.text[matrix.text.find(r#"id="role-matrix""#).expect("the matrix")..];
    let table = &table[..table.find("</table>").unwrap()];
    let shown = visible_text(table);
    let roles = words(&shown).into_iter().filter(|w| bdc_core::access::role(w).is_some()).collect::<Vec<_>>();
    assert!(roles.is_empty(), "role codes shown: {roles:?}");
    assert!(matrix.text.contains(r#"title="权限代码 case.intake">受理</th>"#), "the code is kept as a tooltip");
}

crate::both!(
    the_admin_pages_name_every_code_in_chinese,
    the_counter_takes_counter_flows_only,
    a_user_changes_his_password_on_the_page,
    an_administrator_creates_a_user_on_the_page_and_the_user_logs_in,
    only_permitted_staff_reach_the_pages,
    a_role_s_new_grants_take_effect_and_public_roles_stay_public,
    calendar_overrides_and_rules_are_edited_on_the_pages,
    calendar_administrators_are_warned_while_a_years_arrangement_is_not_entered,
    a_flow_s_duty_setting_is_changed_on_the_catalogue_page_with_a_reason,
);
