//! Court requests survive a crash: the real server polls the real sandbox front-end
//! (`bdc sandbox court`) and is killed (SIGKILL) in the middle of a burst. After a restart every
//! request has been registered exactly once and every receipt has reached the front-end.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bdc_adapters::court::message::{parse_feedback, render_requests, Action, Property, Request};
use bdc_db::{engine_tests, testing::fresh_url, Db, Engine};
use sqlx::Row;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const REQUESTS: usize = 400;

fn bdc(dir: &std::path::Path, url: &str) -> Command {
    common::bdc(dir, url, KEY)
}

/// Starts `bdc sandbox court` on a random port; returns it and its base address.
fn sandbox(dir: &std::path::Path, url: &str) -> (common::Server, String) {
    let mut child = bdc(dir, url).args(["sandbox", "court", "--listen", "127.0.0.1:0", "--password", "s3cret"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next().unwrap().unwrap();
    let base = line.split("http://").nth(1).unwrap().split("/frontend").next().unwrap().to_owned();
    std::thread::spawn(move || lines.for_each(drop));
    (common::Server(child), format!("http://{base}"))
}

fn server(dir: &std::path::Path, url: &str, sandbox: &str) -> common::Server {
    let mut cmd = bdc(dir, url);
    cmd.env("BDC_COURT_URL", format!("{sandbox}/frontend")).env("BDC_COURT_USER", "bdc").env("BDC_COURT_PASSWORD", "s3cret").env("BDC_COURT_POLL_SECONDS", "1");
    common::serve(cmd).0
}

async fn count(db: &Db, sql: &str) -> i64 {
    let mut c = db.conn().await.unwrap();
    sqlx::query(sql).fetch_one(&mut *c).await.unwrap().try_get(0).unwrap()
}

async fn receipts(http: &reqwest::Client, sandbox: &str) -> (usize, BTreeSet<String>) {
    let text = http.get(format!("{sandbox}/sandbox/feedback")).send().await.unwrap().text().await.unwrap();
    let fb = parse_feedback(&text).unwrap();
    (fb.len(), fb.into_iter().map(|f| f.request_number).collect())
}

async fn killing_the_server_mid_batch_processes_every_request_once_and_answers_all(engine: Engine) {
    let dir = std::env::temp_dir().join(format!("bdc-court-crash-{}-{}", std::process::id(), engine.name()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = fresh_url(engine).await;
    let out = bdc(&dir, &url).args(["demo", "--units", "400", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = Db::connect(&url).await.unwrap();
    let units: Vec<String> = {
        let mut c = db.conn().await.unwrap();
        sqlx::query("SELECT unit_number FROM units ORDER BY id LIMIT 200").fetch_all(&mut *c).await.unwrap().iter().map(|r| r.try_get(0).unwrap()).collect()
    };
    let seizures_before = count(&db, "SELECT COUNT(*) FROM rights WHERE kind = 'seizure' AND predecessor_id IS NULL").await;

    // Six courts, 400 requests over 200 units (two each: one active, one waiting), in one burst.
    let (_front, front_base) = sandbox(&dir, &url);
    let courts = ["常州市天宁区人民法院", "常州市钟楼区人民法院", "常州市新北区人民法院", "常州市武进区人民法院", "常州市金坛区人民法院", "溧阳市人民法院"];
    let requests: Vec<Request> = (0..REQUESTS)
        .map(|i| Request {
            number: format!("CK{i:05}"),
            court: courts[i % courts.len()].into(),
            judge: "承办法官".into(),
            case_number: format!("(2026)苏04执{i}号"),
            ruling_number: String::new(),
            subject: String::new(),
            subject_id: String::new(),
            delivered_at: format!("2026-11-25T{:02}:{:02}:{:02}", 8 + i / 3600, (i / 60) % 60, i % 60),
            properties: vec![Property::on_unit("1", Action::Seize, &units[i % units.len()])],
            documents: vec![],
        })
        .collect();
    let http = reqwest::Client::new();
    let r = http.post(format!("{front_base}/sandbox/requests")).body(render_requests(&requests)).send().await.unwrap();
    assert_eq!(r.status(), 201);

    // Kill the server once some, not all, are registered.
    let srv = server(&dir, &url, &front_base);
    let started = Instant::now();
    let mut done_at_kill = 0;
    while started.elapsed() < Duration::from_secs(120) {
        done_at_kill = count(&db, "SELECT COUNT(*) FROM court_properties WHERE status <> 'pending'").await;
        if done_at_kill > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    drop(srv); // SIGKILL
    let at_kill = count(&db, "SELECT COUNT(*) FROM court_properties WHERE status <> 'pending'").await;
    let out = bdc(&dir, &url).arg("verify").output().unwrap();
    assert!(out.status.success(), "verify after the crash: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // Restart: the rest is processed and every receipt reaches the front-end.
    let _srv = server(&dir, &url, &front_base);
    let started = Instant::now();
    let (mut sent, mut answered) = (0, BTreeSet::new());
    while started.elapsed() < Duration::from_secs(180) {
        (sent, answered) = receipts(&http, &front_base).await;
        if answered.len() == REQUESTS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(answered.len(), REQUESTS, "every request answered");
    eprintln!("court crash test on {}: {at_kill} of {REQUESTS} processed before the kill (first seen {done_at_kill}); {sent} receipts for {REQUESTS} requests", engine.name());
    assert!(at_kill < i64::try_from(REQUESTS).unwrap(), "the kill came mid-batch");

    // Exactly once: one registered property, one case and one new seizure per request.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM court_requests").await, i64::try_from(REQUESTS).unwrap());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM court_properties WHERE status = 'registered'").await, i64::try_from(REQUESTS).unwrap());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cases WHERE channel = 'court'").await, i64::try_from(REQUESTS).unwrap());
    assert_eq!(count(&db, "SELECT COUNT(DISTINCT case_id) FROM court_properties").await, i64::try_from(REQUESTS).unwrap());
    let seizures_after = count(&db, "SELECT COUNT(*) FROM rights WHERE kind = 'seizure' AND predecessor_id IS NULL").await;
    assert_eq!(seizures_after - seizures_before, i64::try_from(REQUESTS).unwrap(), "one seizure entered per request");
    let out = bdc(&dir, &url).arg("verify").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

engine_tests!(killing_the_server_mid_batch_processes_every_request_once_and_answers_all);
