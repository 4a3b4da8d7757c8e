//! `bdc bench` — measures the registry on this machine (性能基准).
//!
//! Figures: demo bulk-load rate beside the engine's own multi-row insert rate; the restriction
//! check of one unit (p50/p99); 登簿 throughput with the full transaction (rules, projections,
//! journal, case event) beside a raw single-row insert transaction; `verify` rate.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use rand::{Rng, SeedableRng};

use bdc_core::Actor;
use bdc_registry::domain::catalogue;
use bdc_registry::domain::rules::{self, Facts};
use bdc_registry::service::cases::{OpenCase, RequestDoc};
use bdc_registry::store::bulk::{self, Val};
use bdc_registry::store::registry;
use bdc_registry::Services;

/// What to measure.
pub struct BenchArgs {
    pub units: u64,
    pub seed: u64,
    pub checks: usize,
    pub cases: usize,
    pub workers: usize,
    /// Registrations whose reports to the province to build, sign and send (0 = skip).
    pub reports: usize,
    /// Court requests to post to a sandbox front-end as one burst and process end to end (0 = skip).
    pub court: usize,
    /// Loads of the 工作台 task list and of random units' register books to time through the
    /// real server (0 = skip).
    pub pages: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(s: &Services, a: &BenchArgs) -> anyhow::Result<()> {
    let engine = s.db.engine().name();
    println!("## bdc bench — {engine}, {} units", a.units);

    // 1. Bulk load.
    let summary = bdc_demo::build(s, a.units, a.seed, &|done| {
        if done % 100_000 == 0 {
            eprintln!("  … {done} units");
        }
    })
    .await?;
    if summary.built {
        println!(
            "demo bulk load: {} rows in {:.1} s = {:.0} rows/s ({} units, {} journal entries)",
            summary.rows,
            summary.seconds,
            summary.rows as f64 / summary.seconds,
            summary.units,
            summary.journal_entries
        );
    } else {
        println!("demo bulk load: reused the demo already in the database");
    }
    {
        let mut tx = s.db.begin().await?;
        sqlx_exec(&mut tx, "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, a TEXT NOT NULL, b BIGINT NOT NULL)").await?;
        sqlx_exec(&mut tx, "DELETE FROM bench_raw").await?;
        bdc_db::commit(tx).await?;
        let rows: Vec<Vec<Val>> = (0..200_000i64).map(|i| vec![Val::I(i), Val::T(format!("row-{i}")), Val::I(i * 7)]).collect();
        let t = Instant::now();
        let mut tx = s.db.begin().await?;
        bulk::insert(&mut tx, "bench_raw", &["id", "a", "b"], &rows).await?;
        bdc_db::commit(tx).await?;
        let secs = t.elapsed().as_secs_f64();
        println!("engine multi-row insert (3 narrow columns, one transaction): {:.0} rows/s", rows.len() as f64 / secs);
    }

    // 2. Restriction check of one unit.
    let flow = catalogue::flow("CTR-TRANSFER").context("catalogue lacks CTR-TRANSFER")?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(a.seed);
    let mut conn = s.db.conn().await?;
    let active = bdc_registry::store::rules::active_rules(&mut conn).await?;
    let mut lat = Vec::with_capacity(a.checks);
    let consents = Default::default();
    for _ in 0..a.checks {
        let unit = rng.gen_range(1..=a.units as i64);
        let t = Instant::now();
        let rights: Vec<_> = registry::rights_of_unit(&mut conn, unit, true).await?.into_iter().map(|r| r.view).collect();
        let open = bdc_registry::store::cases::open_cases_on_unit(&mut conn, unit, 0, bdc_registry::service::cases::OPEN_STATES).await?;
        let facts = Facts {
            flow,
            unit: &rights,
            applicants: &[],
            co_ownership: None,
            consents: &consents,
            other_open_cases: open as usize,
            today: chrono::Utc::now().date_naive(),
            submitter: None,
            target_right: None,
        };
        let findings = rules::evaluate(&active, &facts);
        std::hint::black_box(findings);
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "restriction check of one unit ({} units sampled; load current rights + open cases, evaluate {} rules): p50 {:.3} ms, p99 {:.3} ms",
        a.checks,
        active.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    drop(conn);

    // 3. 登簿 throughput.
    let console = Actor::console();
    let bank = {
        let mut conn = s.db.conn().await?;
        let p = bdc_registry::store::registry::get_party(&mut conn, 1).await?.context("demo bank party missing")?;
        p.id
    };
    let mut ids = Vec::new();
    let mut unit = 0i64;
    let prep = Instant::now();
    while ids.len() < a.cases && unit < a.units as i64 {
        unit += 1;
        let mut conn = s.db.conn().await?;
        let rights = registry::rights_of_unit(&mut conn, unit, true).await?;
        drop(conn);
        if rights.iter().any(|r| r.view.kind.is_restriction() && r.view.kind != bdc_registry::domain::rights::RightKind::Mortgage) {
            continue;
        }
        let Some(title) = rights.iter().find(|r| !r.view.kind.is_restriction()) else { continue };
        let mut applicants = vec![(bank, "right_holder".to_owned(), "1".to_owned())];
        applicants.extend(title.view.holders.iter().map(|h| (h.party_id, "obligor".to_owned(), "1".to_owned())));
        let cmd = OpenCase {
            flow_code: "CTR-MORTGAGE-FIRST".into(),
            unit_ids: vec![unit],
            applicants,
            channel: "counter".into(),
            request: RequestDoc {
                attrs: [("amount", "500000"), ("term_start", "2026-01-01"), ("term_end", "2046-01-01")].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
                ..Default::default()
            },
        };
        let opened = bdc_registry::service::cases::open_case(s, &console, cmd).await?;
        bdc_registry::service::cases::act(s, &console, opened.case.id, "submit", "").await?;
        bdc_registry::service::cases::act(s, &console, opened.case.id, "approve", "").await?;
        ids.push(opened.case.id);
    }
    eprintln!("  prepared {} approved cases in {:.1} s", ids.len(), prep.elapsed().as_secs_f64());
    let queue = Arc::new(std::sync::Mutex::new(ids.clone()));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.workers {
        let (s, q, actor) = (s.clone(), queue.clone(), console.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            loop {
                let next = q.lock().map(|mut v| v.pop()).unwrap_or(None);
                let Some(id) = next else { break };
                bdc_registry::service::cases::act(&s, &actor, id, "register", "").await?;
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    let mut done = 0;
    for task in tasks {
        done += task.await??;
    }
    let secs = t.elapsed().as_secs_f64();
    println!("登簿 throughput (full transaction: rules, projections, certificate number, journal, case event; {} workers): {done} cases in {secs:.2} s = {:.0} cases/s", a.workers, done as f64 / secs);
    {
        let n = 3000i64;
        let t = Instant::now();
        let next = Arc::new(std::sync::atomic::AtomicI64::new(1_000_000));
        let mut tasks = Vec::new();
        for _ in 0..a.workers {
            let (s, next) = (s.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if i >= 1_000_000 + n {
                        break;
                    }
                    let mut tx = s.db.begin().await?;
                    bulk::insert(&mut tx, "bench_raw", &["id", "a", "b"], &[vec![Val::I(i), Val::T("x".into()), Val::I(i)]]).await?;
                    bdc_db::commit(tx).await?;
                }
                anyhow::Ok(())
            }));
        }
        for task in tasks {
            task.await??;
        }
        let secs = t.elapsed().as_secs_f64();
        println!("engine single-row insert transactions ({} workers): {:.0} tx/s", a.workers, n as f64 / secs);
    }

    // 4. Reporting to the province from a backlog.
    if a.reports > 0 {
        let mut tx = s.db.begin().await?;
        // As the register announces each entry: reporting's job is queued by its subscription.
        for seq in 1..=a.reports as i64 {
            bdc_registry::service::events::registered(&mut tx, seq, &[]).await?;
        }
        bdc_db::commit(tx).await?;
        let t = Instant::now();
        let mut done = 0;
        let mut tasks = Vec::new();
        // SQLite has one writer: concurrent workers only wait on each other's locks.
        let workers = if s.db.engine() == bdc_db::Engine::Sqlite { 1 } else { a.workers };
        for _ in 0..workers {
            let s = s.clone();
            tasks.push(tokio::spawn(async move { bdc_registry::service::jobs::run_due(&s, chrono::Utc::now()).await }));
        }
        for task in tasks {
            done += task.await??;
        }
        let secs = t.elapsed().as_secs_f64();
        let sent = bdc_reporting::service::report::messages(s, &bdc_core::Actor::console(), None, bdc_db::PageRequest { page: 1, per_page: 1 }).await?.total;
        println!(
            "province reporting from a backlog of {} registrations ({} workers; build message, SM2-sign, store, write to the exchange directory): {done} jobs, {sent} messages in {secs:.1} s = {:.0} messages/s",
            a.reports,
            workers,
            sent as f64 / secs
        );
    }

    // 5. A burst of court requests through the sandbox front-end.
    if a.court > 0 {
        court_burst(s, a, &mut rng).await?;
    }

    // 6. The staff's two busiest pages at this size, through the real server.
    if a.pages > 0 {
        pages(s, a, &mut rng).await?;
    }

    // 7. verify.
    let report = bdc_registry::service::verify::verify(s).await?;
    println!(
        "verify: {} journal entries, {} rights, {} certificates in {:.1} s = {:.0} entries/s ({})",
        report.entries,
        report.rights,
        report.certificates,
        report.seconds,
        report.entries as f64 / report.seconds,
        report.problem.as_deref().unwrap_or("all match")
    );
    let mut tx = s.db.begin().await?;
    sqlx_exec(&mut tx, "DROP TABLE bench_raw").await?;
    bdc_db::commit(tx).await?;
    Ok(())
}

async fn sqlx_exec(conn: &mut bdc_db::AnyConnection, sql: &str) -> anyhow::Result<()> {
    bdc_db::execute(conn, sql).await?;
    Ok(())
}

/// SQL statements run by this process, counted once `bdc bench` installs the counter (only
/// then: the events cost a formatted record per statement).
pub static STATEMENTS: std::sync::OnceLock<bdc_db::statements::StatementCounter> = std::sync::OnceLock::new();

fn statements() -> usize {
    STATEMENTS.get().map_or(0, bdc_db::statements::StatementCounter::count)
}

/// Times `a.pages` loads each of the 工作台 task list and of a random unit's register book
/// (登记簿) as a clerk sees them: a real server on loopback, a logged-in browser session, the
/// whole HTML page. Reports p50 / p99 and the statements each page ran.
async fn pages(s: &Services, a: &BenchArgs, rng: &mut rand::rngs::StdRng) -> anyhow::Result<()> {
    const CLERK: &str = "bench-banli";
    const PASSWORD: &str = "Yace-Gongzuotai-2026!";
    let clerk = bdc_identity::service::users::CreateUser {
        realm: bdc_core::access::Realm::Staff,
        username: CLERK.into(),
        display_name: "压测办理员".into(),
        password: PASSWORD.into(),
        roles: vec!["intake".into(), "review".into(), "register".into()],
    };
    match bdc_identity::service::users::create_user(s, &Actor::console(), clerk).await {
        Ok(_) | Err(bdc_core::ServiceError::Conflict { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let settings = bdc_server::WebSettings { listen: "127.0.0.1:0".into(), ..bdc_server::WebSettings::default() };
    let app = bdc_server::Application::build(s.clone(), &settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run(std::future::pending()));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let login = http.post(format!("{base}/login")).form(&[("realm", "staff"), ("username", CLERK), ("password", PASSWORD)]).send().await?;
    let cookie = login.headers().get("set-cookie").and_then(|v| v.to_str().ok()).and_then(|c| c.split(';').next()).map(str::to_owned).context("the login set no session cookie")?;
    let open = {
        let f = bdc_registry::store::cases::CaseFilter { states: bdc_registry::service::cases::CaseState::WORKING.to_vec(), ..Default::default() };
        let mut conn = s.db.conn().await?;
        bdc_registry::store::cases::list_cases(&mut conn, &f, bdc_db::PageRequest { page: 1, per_page: 1 }).await?.total
    };
    let measure = |path: String| {
        let (http, cookie, base) = (http.clone(), cookie.clone(), base.clone());
        async move {
            let before = statements();
            let t = Instant::now();
            let r = http.get(format!("{base}{path}")).header("cookie", cookie).send().await?;
            let status = r.status();
            let body = r.bytes().await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            anyhow::ensure!(status.is_success(), "{path}: {status}");
            anyhow::Ok((ms, statements() - before, body.len()))
        }
    };
    // A first load warms what the server reads once (the session's first touch).
    measure("/workbench".into()).await?;
    for (name, paths) in [
        ("工作台 task list (/workbench)", (0..a.pages).map(|_| "/workbench".to_owned()).collect::<Vec<_>>()),
        ("register book of a random unit (/workbench/units/{id})", (0..a.pages).map(|_| format!("/workbench/units/{}", rng.gen_range(1..=a.units as i64))).collect()),
    ] {
        let (mut lat, mut stmts, mut bytes) = (Vec::with_capacity(paths.len()), Vec::with_capacity(paths.len()), 0usize);
        for p in paths {
            let (ms, n, len) = measure(p).await?;
            lat.push(ms);
            stmts.push(n);
            bytes += len;
        }
        lat.sort_by(f64::total_cmp);
        stmts.sort_unstable();
        println!(
            "{name}: {} loads, p50 {:.2} ms, p99 {:.2} ms; statements per page: median {}, max {}; {:.0} KB per page ({open} open cases)",
            lat.len(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            stmts[stmts.len() / 2],
            stmts[stmts.len() - 1],
            bytes as f64 / lat.len() as f64 / 1024.0
        );
    }
    Ok(())
}

/// Posts `a.court` seizure requests (one property each, on random units; six courts) to a
/// sandbox front-end on loopback as one burst, then times BDC taking them end to end: fetch over
/// SOAP, store raw, parse, queue; match, open and register each case; send every receipt.
async fn court_burst(s: &Services, a: &BenchArgs, rng: &mut rand::rngs::StdRng) -> anyhow::Result<()> {
    use bdc_adapters::court::frontend::{CourtFrontEnd, SoapClient};
    use bdc_adapters::court::message::{render_requests, Action, Property, Request};
    use bdc_sandbox::court::sandbox_router;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(bdc_server::serve_router(listener, sandbox_router("bdc", "bench")));
    let front: Arc<dyn CourtFrontEnd> = Arc::new(SoapClient::new(format!("{base}/frontend"), "bdc", "bench"));
    let sc = s.clone().with_court(front.clone(), std::time::Duration::from_secs(60));
    let courts = ["常州市天宁区人民法院", "常州市钟楼区人民法院", "常州市新北区人民法院", "常州市武进区人民法院", "常州市金坛区人民法院", "溧阳市人民法院"];
    let mut requests = Vec::with_capacity(a.court);
    let mut conn = s.db.conn().await?;
    // Numbers unique to this run, so a bench database can be reused.
    let run = chrono::Utc::now().format("%m%d%H%M%S").to_string();
    for i in 0..a.court {
        let id = rng.gen_range(1..=a.units as i64);
        let unit = registry::get_unit(&mut conn, id).await?.context("unit missing")?;
        requests.push(Request {
            number: format!("B{run}-{i:07}"),
            court: courts[i % courts.len()].into(),
            judge: "承办法官".into(),
            case_number: format!("(2026)苏04执{i}号"),
            ruling_number: String::new(),
            subject: String::new(),
            subject_id: String::new(),
            delivered_at: format!("2026-11-25T{:02}:{:02}:{:02}", 8 + i / 3600, (i / 60) % 60, i % 60),
            properties: vec![Property::on_unit("1", Action::Seize, &unit.unit_number)],
            documents: vec![],
        });
    }
    drop(conn);
    let body = render_requests(&requests);
    let r = reqwest::Client::new().post(format!("{base}/sandbox/requests")).body(body.clone()).send().await?;
    anyhow::ensure!(r.status().is_success(), "sandbox refused the burst: {}", r.text().await.unwrap_or_default());
    let t = Instant::now();
    let polled = bdc_court::service::poll(&sc, &front).await?;
    let fetched = t.elapsed().as_secs_f64();
    let (_, processed, sent) = bdc_court::service::run(&sc).await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "court burst of {} requests ({:.1} MB list; fetch over SOAP, store raw, parse, queue: {:.1} s; then match, register, receipt): {} registered ({} refused, {} quarantined), {} receipts in {:.1} s = {:.0} requests/s end to end",
        a.court,
        body.len() as f64 / 1e6,
        fetched,
        processed.registered,
        processed.refused,
        processed.quarantined,
        sent,
        secs,
        polled.new_requests as f64 / secs
    );
    Ok(())
}
