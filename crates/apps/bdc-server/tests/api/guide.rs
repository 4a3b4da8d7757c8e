//! 办事指南 on both engines: the home page searches the guides and links every flow to its
//! guide; a guide says who may apply, the conditions the rule library holds today, every
//! material with its note, the fee, the time limit, the law and the halls; nothing needs an
//! account, and an unknown flow is a Chinese 404 page.

use bdc_db::Engine;
use reqwest::Method;

use crate::helpers::{spawn_app, Reply, TestApp};

const HTML: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

async fn page(app: &TestApp, path: &str) -> Reply {
    app.raw(app.http.get(format!("{}{path}", app.base)).header("accept", HTML)).await
}

async fn the_home_page_searches_the_guides_and_links_every_flow(engine: Engine) {
    let app = spawn_app(engine).await;
    let home = page(&app, "/").await;
    assert_eq!(home.status.as_u16(), 200);
    assert!(home.text.contains(r#"action="/guide""#), "a search box: {}", home.text);
    assert!(home.text.contains(r#"href="/guide/IND-TRANSFER-STOCK-HOUSE""#), "each flow links to its guide");

    // Characters in order find the flow ("抵押注销" → 抵押权注销…), only those.
    let found = page(&app, "/guide?q=%E6%8A%B5%E6%8A%BC%E6%B3%A8%E9%94%80").await;
    assert_eq!(found.status.as_u16(), 200);
    assert!(found.text.contains("抵押权注销"), "{}", found.text);
    assert!(!found.text.contains("存量房转移"), "only matching flows");
    // By channel, and a query that matches nothing says so in Chinese.
    let bank = page(&app, "/guide?channel=bank").await;
    assert!(bank.text.contains("银行代办") && !bank.text.contains("IND-TRANSFER-STOCK-HOUSE"));
    let none = page(&app, "/guide?q=%E7%81%AB%E6%98%9F").await;
    assert!(none.text.contains("没有找到与“火星”相符的业务"), "{}", none.text);
    // A hostile query is text, never markup, and a very long one is cut, not refused.
    let hostile = page(&app, "/guide?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(hostile.status.as_u16(), 200);
    assert!(!hostile.text.contains("<script>alert(1)"), "escaped");
    let long = page(&app, &format!("/guide?q={}", "%E6%88%BF".repeat(500))).await;
    assert!(long.status.is_success() && long.text.contains("只按前 40 个字检索"));
}

async fn a_guide_tells_everything_a_citizen_needs_before_applying(engine: Engine) {
    let app = spawn_app(engine).await;
    let g = page(&app, "/guide/IND-TRANSFER-STOCK-HOUSE").await;
    assert_eq!(g.status.as_u16(), 200, "{}", g.text);
    for text in [
        "存量房转移",
        "申请主体与渠道",
        "双方共同申请",
        // The conditions are the rule library's: 查封 blocks a transfer.
        "查封限制处分",
        "不符合的不予办理",
        "《不动产登记暂行条例》第二十二条",
        // Every material with its note.
        "不动产买卖合同",
        "买卖双方签订的不动产买卖合同",
        "完税证明",
        // Fees, time limit, law, halls and hours.
        "住宅类每件 80 元，非住宅类每件 550 元",
        "发改价格规〔2016〕2559号",
        "个工作日",
        "第四章第三节 国有建设用地使用权及房屋所有权登记",
        "办事大厅",
        "09:00–12:00",
        "可全程网上办理",
        "登录后在线办理",
    ] {
        assert!(g.text.contains(text), "the guide lacks {text}");
    }
    // A seizure is free, and comes from the court.
    let seizure = page(&app, "/guide/CTR-SEIZURE").await;
    assert_eq!(seizure.status.as_u16(), 200);
    assert!(seizure.text.contains("查封登记不收取不动产登记费") && seizure.text.contains("须到窗口办理"), "{}", seizure.text);
    // Unknown flow: a Chinese 404 page; the JSON API is not involved.
    let unknown = page(&app, "/guide/NO-SUCH-FLOW").await;
    assert_eq!(unknown.status.as_u16(), 404);
    assert!(unknown.text.contains("没有这项业务"));
}

async fn a_retired_rule_leaves_the_guides_conditions(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("ruler", &["admin"]).await;
    let token = app.token("ruler", "staff").await;
    assert!(page(&app, "/guide/IND-TRANSFER-STOCK-HOUSE").await.text.contains("查封限制处分"));
    let r = app.call(Method::DELETE, "/api/v1/rules/seizure-blocks-disposal", Some(&token), None).await;
    assert!(r.status.is_success(), "{}", r.text);
    assert!(!page(&app, "/guide/IND-TRANSFER-STOCK-HOUSE").await.text.contains("查封限制处分"), "the guide reads the library of today");
}

crate::both!(the_home_page_searches_the_guides_and_links_every_flow, a_guide_tells_everything_a_citizen_needs_before_applying, a_retired_rule_leaves_the_guides_conditions,);
