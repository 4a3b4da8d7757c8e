//! The workbench's task list and a unit's register book cost a fixed number of statements,
//! whatever the data: counted from sqlx's statement events while a real server answers the
//! page, on a small register and on one with many more cases and entries.
//!
//! A test binary of its own, so no other test's statements are counted; the engines run one
//! after the other for the same reason.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bdc_db::statements::StatementCounter;
use bdc_db::{engine_tests, Engine};
use bdc_registry::store::cases::{insert_case, NewCase};
use reqwest::StatusCode;
use tracing_subscriber::layer::SubscriberExt;

use helpers::{spawn_app, TestApp};

fn counter() -> Arc<AtomicUsize> {
    static COUNT: std::sync::OnceLock<Arc<AtomicUsize>> = std::sync::OnceLock::new();
    COUNT
        .get_or_init(|| {
            let counter = StatementCounter::default();
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter.clone())).expect("one subscriber per test binary");
            counter.0
        })
        .clone()
}

/// One engine at a time: both share the counter.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Statements run while the server answers `path` (and settles what it writes after).
async fn statements_of(app: &TestApp, cookie: &str, path: &str) -> usize {
    let n = counter();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let before = n.load(Ordering::SeqCst);
    let r = app.raw(app.http.get(format!("{}{path}", app.base)).header("cookie", cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    n.load(Ordering::SeqCst) - before
}

/// `count` open cases spread over the workbench's states, each on a unit with an applicant.
async fn open_cases(app: &TestApp, count: usize, from: usize) {
    let states = bdc_registry::service::cases::CaseState::WORKING;
    let mut conn = app.db.conn().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    for i in from..from + count {
        let unit = i64::try_from(i % 50 + 1).unwrap();
        let number = format!("3204022026{:010}", 900_000 + i);
        let applicants = [(unit, "right_holder".to_owned(), "1".to_owned())];
        let c = NewCase {
            case_number: &number,
            flow_code: "IND-TRANSFER-STOCK-HOUSE",
            state: states[i % states.len()],
            channel: "counter",
            county_code: "320402",
            request: "{}",
            created_by: "test",
            accepted_on: today,
            deadline: today + chrono::Duration::days(i64::try_from(i % 20).unwrap()),
            units: &[(unit, 1)],
            applicants: &applicants,
        };
        insert_case(&mut conn, &c, chrono::Utc::now()).await.unwrap();
    }
}

/// The unit with the fewest and the one with the most register entries.
async fn smallest_and_largest_book(app: &TestApp) -> (i64, i64, i64, i64) {
    let mut conn = app.db.conn().await.unwrap();
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT unit_id, COUNT(*) FROM rights GROUP BY unit_id ORDER BY COUNT(*), unit_id").fetch_all(&mut *conn).await.unwrap();
    let (first, last) = (rows[0], *rows.last().unwrap());
    (first.0, first.1, last.0, last.1)
}

async fn the_task_list_and_the_register_book_cost_a_fixed_number_of_statements(engine: Engine) {
    let _one = SERIAL.lock().await;
    counter();
    let app = spawn_app(engine).await;
    bdc_demo::build(&app.services, 60, 7, &|_| {}).await.unwrap();
    app.user("banli", &["intake", "review", "register"]).await;
    let cookie = app.page_cookie("banli").await;

    // One case in each of the page's eight states, then 15 times as many.
    open_cases(&app, 8, 0).await;
    // A first load warms what the server reads once (the session's first touch, caches).
    statements_of(&app, &cookie, "/workbench").await;
    let few = statements_of(&app, &cookie, "/workbench").await;
    open_cases(&app, 112, 8).await;
    let many = statements_of(&app, &cookie, "/workbench").await;
    assert_eq!(few, many, "the task list with 8 and with 120 open cases");
    assert!((8..=40).contains(&many), "the task list ran {many} statements (one or more per state, a small constant in all)");

    let (small, small_n, large, large_n) = smallest_and_largest_book(&app).await;
    assert!(large_n > small_n, "the demo city has books of different sizes: {small_n} and {large_n} entries");
    let a = statements_of(&app, &cookie, &format!("/workbench/units/{small}")).await;
    let b = statements_of(&app, &cookie, &format!("/workbench/units/{large}")).await;
    assert_eq!(a, b, "the register book with {small_n} and with {large_n} entries");
    assert!((3..=20).contains(&b), "the register book ran {b} statements");
}

engine_tests!(the_task_list_and_the_register_book_cost_a_fixed_number_of_statements);
