//! Personal data at rest (数据库文件检索): after a demo city with its province reports, a court
//! seizure naming the 被执行人 by ID number, and online drafts saved and deleted, no clear ID
//! number of the demo is found anywhere under the data directory — the database file and its
//! WAL (SQLite), the file store, the province exchange directory — nor, on PostgreSQL, in the
//! stored messages. The exchange files are owner-only while they exist and removed once the
//! province's answer has been read; the daily 登簿日志 carries the signed journal checkpoint,
//! which the province sandbox checks.

use std::sync::Arc;

use bdc_adapters::files::LocalFileStore;
use bdc_adapters::province::logbiz;
use bdc_adapters::province::transport::FileExchange;
use bdc_crypto::MasterKey;
use bdc_db::{engine_tests, Db, Engine};
use bdc_registry::service::{SecuritySettings, Services};
use bdc_sandbox::province as sandbox;
use bdc_server::{Application, WebSettings};

use crate::helpers::TestApp;

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn nothing_personal_is_left_in_clear_under_the_data_directory(engine: Engine) {
    let data = std::env::temp_dir().join(format!("bdc-at-rest-{}", bdc_crypto::random_hex(8)));
    std::fs::create_dir_all(&data).unwrap();
    let url = match engine {
        Engine::Sqlite => format!("sqlite://{}", data.join("bdc.db").display()),
        Engine::Postgres => bdc_db::testing::fresh_url(engine).await,
    };
    let db = Db::connect(&url).await.unwrap();
    bdc_registry::store::migrate(&db).await.unwrap();
    let province = data.join("province");
    let court = crate::helpers::spawn_court_sandbox().await;
    let front = Arc::new(bdc_adapters::court::frontend::SoapClient::new(format!("{court}/frontend"), "bdc", "sandbox-secret"));
    let s = Services::new(db.clone(), &MasterKey::generate(), Arc::new(LocalFileStore::new(data.join("files"))), SecuritySettings::default())
        .with_province(Arc::new(FileExchange::new(&province)))
        .with_court(front, std::time::Duration::from_secs(3600));
    let s = bdc_identity::install(s).await.unwrap();
    let s = bdc_portal::install(bdc_reporting::install(s).await.unwrap());
    let s = bdc_court::install(s).await.unwrap();
    let app = Application::build(s.clone(), &WebSettings { listen: "127.0.0.1:0".into(), max_body_bytes: 64 * 1024, ..WebSettings::default() }).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run(std::future::pending()));
    let app = TestApp { province_root: province.clone(), base, http: reqwest::Client::new(), services: s.clone(), db: db.clone(), identity: None };

    // The demo city, and the ID numbers of all its parties.
    let summary = bdc_demo::build(&s, 60, 7, &|_| {}).await.unwrap();
    assert!(summary.built);
    let numbers: Vec<(i64, String)> = {
        let mut conn = db.conn().await.unwrap();
        let ids: Vec<i64> = (1..=i64::try_from(summary.parties).unwrap() + 10).collect();
        let parties = bdc_registry::store::registry::parties_by_ids(&mut conn, &ids).await.unwrap();
        parties.values().filter(|p| p.kind == "person").map(|p| (p.id, s.cipher().decrypt(&p.id_number_enc).unwrap())).collect()
    };
    assert!(numbers.len() > 10 && numbers.iter().all(|(_, n)| n.len() == 18), "{numbers:?}");

    // Every registration of the demo is reported to the province, which answers each: the
    // demo's bulk-loaded history is announced as the register announces each entry.
    let head = {
        let mut conn = db.conn().await.unwrap();
        bdc_registry::store::journal::head(&mut conn).await.unwrap().0
    };
    {
        let mut tx = db.begin().await.unwrap();
        for seq in 1..=head {
            bdc_registry::service::events::registered(&mut tx, seq, &[]).await.unwrap();
        }
        bdc_db::commit(tx).await.unwrap();
    }
    bdc_registry::service::jobs::run_due(&s, chrono::Utc::now()).await.unwrap();
    let written = files_under(&province).into_iter().filter(|p| p.to_string_lossy().contains("BizMsg")).collect::<Vec<_>>();
    assert!(!written.is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in &written {
            assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o600, "{} is owner-only", f.display());
        }
        assert_eq!(std::fs::metadata(province.join("320402")).unwrap().permissions().mode() & 0o777, 0o700);
    }
    // A message as stored is SM4 cipher text; staff read it decrypted, as sent.
    let clerk = app.staff("chakan", &["intake"]).await;
    let listed = app.get("/api/v1/reports?per_page=5", &clerk).await;
    let shown = listed.body["items"][0]["message"].as_str().unwrap().to_owned();
    assert!(shown.starts_with("<?xml") && shown.contains("ZJH=\""), "{}", listed.text);
    {
        let id = listed.body["items"][0]["id"].as_i64().unwrap();
        let stored = crate::helpers::stored_message(&db, id).await;
        assert!(stored.starts_with("sm4gcm:"), "{stored}");
        assert_eq!(s.cipher().decrypt(&stored).unwrap(), shown);
    }
    assert!(sandbox::process(&province).await.unwrap() > 0);
    assert!(bdc_reporting::service::report::collect_responses(&s).await.unwrap() > 0);
    let left: Vec<_> = files_under(&province).into_iter().filter(|p| p.to_string_lossy().contains("BizMsg") || p.to_string_lossy().contains("RepMsg")).collect();
    assert!(left.is_empty(), "answered messages are removed from the exchange: {left:?}");

    // Yesterday's 登簿日志 carries the signed journal checkpoint; the province sandbox checks it.
    bdc_registry::service::jobs::schedule_daily(&s, chrono::Utc::now()).await.unwrap();
    bdc_registry::service::jobs::run_due(&s, chrono::Utc::now()).await.unwrap();
    let yesterday = bdc_core::time::today() - chrono::Duration::days(1);
    let day = yesterday.format("%Y%m%d").to_string();
    let log = std::fs::read_to_string(province.join("320400").join("LogBiz").join(format!("LogBiz{day}.xml"))).unwrap();
    let cp = logbiz::checkpoint_of(&log).unwrap().expect("the log carries the checkpoint");
    assert!(cp.signature_valid() && cp.seq >= head, "{cp:?}");
    assert_eq!(bdc_registry::service::checkpoint::latest(&s).await.unwrap().map(|c| (c.seq, c.hash)), Some((cp.seq, cp.hash.clone())));
    sandbox::process(&province).await.unwrap();
    let answer = std::fs::read_to_string(province.join("320400").join("LogBiz").join(format!("LogRep{day}.xml"))).unwrap();
    let answer = bdc_adapters::province::response::parse(&answer).unwrap();
    assert!(answer.success, "{answer:?}");
    // A log whose checkpoint was altered is refused by the province.
    let forged = log.replace(&format!("<Seq>{}</Seq>", cp.seq), &format!("<Seq>{}</Seq>", cp.seq + 1));
    assert!(logbiz::check_log(&forged, Some(&cp)).unwrap_err().contains("签名无效"));

    // A court seizes a unit of the first person, naming him by ID number (被执行人).
    let (owner, owner_number) = numbers[0].clone();
    let unit = {
        let mut conn = db.conn().await.unwrap();
        let sql = "SELECT u.unit_number FROM units u JOIN rights r ON r.unit_id = u.id JOIN right_holders h ON h.right_id = r.id WHERE h.party_id = $1 LIMIT 1";
        let row = sqlx::query(sql).bind(owner).fetch_optional(&mut *conn).await.unwrap();
        row.map(|r| sqlx::Row::try_get::<String, _>(&r, 0).unwrap())
    };
    if let Some(unit) = unit {
        use bdc_adapters::court::message::{render_requests, Action, Property, Request};
        let request = Request {
            number: "R-AT-REST-1".into(),
            court: "常州市天宁区人民法院".into(),
            judge: "承办法官".into(),
            case_number: "(2026)苏0402执1号".into(),
            ruling_number: String::new(),
            subject: "被执行人".into(),
            subject_id: owner_number.clone(),
            delivered_at: "2026-11-25T09:00:00".into(),
            properties: vec![Property::on_unit("1", Action::Seize, &unit)],
            documents: vec![],
        };
        let r = reqwest::Client::new().post(format!("{court}/sandbox/requests")).body(render_requests(&[request])).send().await.unwrap();
        assert!(r.status().is_success());
        let (polled, processed, _) = bdc_court::service::run(&s).await.unwrap();
        assert_eq!((polled.new_requests, processed.registered), (1, 1), "{polled:?} {processed:?}");
        let mut conn = db.conn().await.unwrap();
        for sql in ["SELECT raw FROM court_messages", "SELECT body FROM court_requests"] {
            for row in sqlx::query(sql).fetch_all(&mut *conn).await.unwrap() {
                let text: String = sqlx::Row::try_get(&row, 0).unwrap();
                assert!(text.starts_with("sm4gcm:"), "{sql}: stored encrypted");
            }
        }
        // Staff still read the message as it came.
        let token = app.staff("chakong", &["register"]).await;
        let actor = bdc_identity::service::auth::authenticate(&s, &token).await.unwrap();
        let raw = bdc_court::service::raw_message(&s, &actor, 1).await.unwrap().0;
        assert!(raw.contains("Envelope") || raw.contains("<"), "{raw}");
    }

    // Online drafts naming the other party by ID number: one kept, one deleted.
    let (other, other_number) = numbers[1].clone();
    let token = app.public_account("caogao", &["person"], numbers[2].0, "13912345678").await;
    let citizen = bdc_identity::service::auth::authenticate(&s, &token).await.unwrap();
    let fields = bdc_portal::service::drafts::Fields {
        property: "x".into(),
        my_role: "right_holder".into(),
        my_share: "1".into(),
        other_role: "obligor".into(),
        other_name: format!("当事人{other}"),
        other_id: other_number.clone(),
        ..Default::default()
    };
    let kept = bdc_portal::service::drafts::save(&s, &citizen, None, "IND-TRANSFER-STOCK-HOUSE", &fields, &[]).await.unwrap();
    let gone = bdc_portal::service::drafts::save(&s, &citizen, None, "IND-TRANSFER-STOCK-HOUSE", &fields, &[]).await.unwrap();
    bdc_portal::service::drafts::discard(&s, &citizen, gone).await.unwrap();
    assert_eq!(bdc_portal::service::drafts::get(&s, &citizen, kept).await.unwrap().1.other_id, other_number);

    // The grep: no clear ID number in any file under the data directory.
    // On SQLite that is the database file and its WAL as they are (deleted rows included).
    let files = files_under(&data);
    assert!(engine == Engine::Postgres || files.iter().any(|f| f.ends_with("bdc.db")), "{files:?}");
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for (_, n) in &numbers {
            assert!(!contains(&bytes, n.as_bytes()), "the clear ID number {n} is in {}", f.display());
        }
    }
    // On PostgreSQL the database is not under the data directory: its stored texts are searched.
    let mut conn = db.conn().await.unwrap();
    for sql in [
        "SELECT message FROM report_messages",
        "SELECT COALESCE(response_raw, '') FROM report_messages",
        "SELECT raw FROM court_messages",
        "SELECT body FROM court_requests",
        "SELECT form FROM application_drafts",
    ] {
        for row in sqlx::query(sql).fetch_all(&mut *conn).await.unwrap() {
            let text: String = sqlx::Row::try_get(&row, 0).unwrap();
            for (_, n) in &numbers {
                assert!(!text.contains(n.as_str()), "{sql} holds the clear ID number {n}");
            }
        }
    }
    drop(conn);
    db.close().await;
    std::fs::remove_dir_all(&data).ok();
}

engine_tests!(nothing_personal_is_left_in_clear_under_the_data_directory);
