//! Storage behaviour on both engines: migrations, seeds, the append-only audit log, jobs, rate
//! limits. (Accounts are tested in `bdc-identity`.)

use bdc_audit::store::{self as audit, AuditEntry, AuditFilter};
use bdc_db::{engine_tests, Engine, PageRequest};
use bdc_registry::store::{calendar, testing::fresh_db};
use chrono::Utc;

async fn migrations_are_idempotent_and_seed_once(engine: Engine) {
    let db = fresh_db(engine).await;
    assert!(bdc_registry::store::migrate(&db).await.unwrap().is_empty(), "second run applies nothing");
    let mut c = db.conn().await.unwrap();
    let days = calendar::all_days(&mut c).await.unwrap();
    assert!(days.iter().any(|d| d.date.to_string() == "2026-01-04"));
}

fn entry(actor: &str, action: &str) -> AuditEntry {
    AuditEntry {
        id: 0,
        at: Utc::now(),
        actor_id: None,
        actor_name: actor.into(),
        realm: Some("staff".into()),
        roles: "admin".into(),
        action: action.into(),
        target: "/x".into(),
        client_addr: "127.0.0.1".into(),
        user_agent: "test".into(),
        outcome: "success".into(),
        status: 200,
        request_id: "r".into(),
        detail: String::new(),
    }
}

/// The audit log is hash-chained: appends from many connections at once still form one chain,
/// and a row changed behind the triggers' back is found.
async fn the_audit_log_is_a_hash_chain(engine: Engine) {
    let db = fresh_db(engine).await;
    let writer = |w: usize| {
        let db = db.clone();
        async move {
            let mut c = db.conn().await.unwrap();
            for i in 0..10 {
                audit::append(&mut c, &entry(&format!("w{w}"), &format!("login {i}"))).await.unwrap();
            }
        }
    };
    tokio::join!(writer(0), writer(1), writer(2), writer(3));
    let mut c = db.conn().await.unwrap();
    assert_eq!(audit::verify_chain(&mut c).await.unwrap(), Ok(40));
    let drop = if engine == Engine::Sqlite { "DROP TRIGGER audit_log_no_update" } else { "DROP TRIGGER audit_log_append_only ON audit_log" };
    sqlx::query(drop).execute(&mut *c).await.unwrap();
    let victim: i64 = sqlx::query_scalar("SELECT MIN(id) + 5 FROM audit_log").fetch_one(&mut *c).await.unwrap();
    sqlx::query("UPDATE audit_log SET detail = '改过' WHERE id = $1").bind(victim).execute(&mut *c).await.unwrap();
    assert_eq!(audit::verify_chain(&mut c).await.unwrap(), Err(victim));
}

async fn audit_rows_cannot_be_changed_or_deleted_even_with_sql(engine: Engine) {
    let db = fresh_db(engine).await;
    let mut c = db.conn().await.unwrap();
    let id = audit::append(&mut c, &entry("zhang", "login")).await.unwrap();
    audit::append(&mut c, &entry("li", "POST /api/v1/admin/users")).await.unwrap();
    let upd = sqlx::query("UPDATE audit_log SET actor_name = 'nobody' WHERE id = $1").bind(id).execute(&mut *c).await;
    assert!(upd.is_err(), "UPDATE must be refused");
    let del = sqlx::query("DELETE FROM audit_log").execute(&mut *c).await;
    assert!(del.is_err(), "DELETE must be refused");
    let page = audit::query(&mut c, &AuditFilter { actor: Some("zhang".into()), ..Default::default() }, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].actor_name, "zhang");
    let page = audit::query(&mut c, &AuditFilter { action: Some("POST".into()), ..Default::default() }, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].actor_name, "li");
}

engine_tests!(migrations_are_idempotent_and_seed_once, the_audit_log_is_a_hash_chain, audit_rows_cannot_be_changed_or_deleted_even_with_sql);

mod keys_and_secrets {
    use bdc_crypto::{sm2_verify_hex, FieldCipher, MasterKey, SigningKeyPair};
    use bdc_db::Engine;
    use bdc_registry::store::{keys, testing::fresh_db};
    use chrono::Utc;

    /// A signing key is stored with its secret only as SM4 cipher text, and comes back whole.
    async fn signing_keys_are_stored_encrypted(engine: Engine) {
        let db = fresh_db(engine).await;
        let cipher = FieldCipher::new(&MasterKey::generate());
        let pair = SigningKeyPair::generate();
        let mut c = db.conn().await.unwrap();
        keys::insert_key(&mut c, "certificate", &pair.public_key_hex(), &cipher.encrypt(&pair.secret_hex()), Utc::now()).await.unwrap();
        let stored = keys::active_key(&mut c, "certificate").await.unwrap().unwrap();
        assert!(!stored.secret_enc.contains(&pair.secret_hex()));
        let back = SigningKeyPair::from_secret_hex(&cipher.decrypt(&stored.secret_enc).unwrap()).unwrap();
        let sig = back.sign_hex(b"payload");
        assert!(sm2_verify_hex(&stored.public_key, b"payload", &sig).unwrap());
        assert!(keys::active_key(&mut c, "report").await.unwrap().is_none());
    }

    bdc_db::engine_tests!(signing_keys_are_stored_encrypted);
}

mod jobs {
    use bdc_db::Engine;
    use bdc_jobs as jobs;
    use bdc_registry::testing::fresh_db;
    use chrono::{Duration, Utc};

    async fn jobs_are_deduplicated_leased_once_retried_with_backoff_and_reclaimed(engine: Engine) {
        let db = fresh_db(engine).await;
        let mut c = db.conn().await.unwrap();
        let now = Utc::now();
        let id = jobs::enqueue(&mut c, "daily", "{}", Some("2026-11-25"), now, 3).await.unwrap().unwrap();
        assert_eq!(jobs::enqueue(&mut c, "daily", "{}", Some("2026-11-25"), now, 3).await.unwrap(), None, "one per key");
        assert!(jobs::enqueue(&mut c, "daily", "{}", Some("2026-11-26"), now + Duration::days(1), 3).await.unwrap().is_some());
        // Leased once; the second worker finds nothing due.
        let job = jobs::lease(&mut c, now, Duration::minutes(5)).await.unwrap().unwrap();
        assert_eq!((job.id, job.attempts, job.state), (id, 1, bdc_jobs::JobState::Running));
        assert!(jobs::lease(&mut c, now, Duration::minutes(5)).await.unwrap().is_none());
        // A failure puts it back after a back-off.
        assert_eq!(jobs::fail(&mut c, &job, "province down", now).await.unwrap(), jobs::Failure::Retry);
        assert!(jobs::lease(&mut c, now, Duration::minutes(5)).await.unwrap().is_none());
        let job = jobs::lease(&mut c, now + Duration::minutes(2), Duration::minutes(5)).await.unwrap().unwrap();
        assert_eq!(job.attempts, 2);
        assert_eq!(job.last_error, "province down");
        // A worker that dies leaves the lease to expire; the job is taken again.
        let later = now + Duration::minutes(30);
        let again = jobs::lease(&mut c, later, Duration::minutes(5)).await.unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (id, 3));
        // The stalled worker of attempt 2 wakes up: its lease is fenced off, nothing it says counts.
        assert!(!jobs::renew(&mut c, &job, later + Duration::minutes(5)).await.unwrap());
        assert!(!jobs::finish(&mut c, &job, later).await.unwrap());
        assert_eq!(jobs::fail(&mut c, &job, "late", later).await.unwrap(), jobs::Failure::LeaseLost);
        assert_eq!(jobs::get(&mut c, id).await.unwrap().state, bdc_jobs::JobState::Running, "attempt 3 still holds it");
        assert!(jobs::renew(&mut c, &again, later + Duration::minutes(5)).await.unwrap(), "the holder renews");
        // After its last attempt it is failed for good.
        assert_eq!(jobs::fail(&mut c, &again, "still down", later).await.unwrap(), jobs::Failure::Final);
        assert_eq!(jobs::get(&mut c, id).await.unwrap().state, bdc_jobs::JobState::Failed);
        let next = jobs::lease(&mut c, now + Duration::days(2), Duration::minutes(5)).await.unwrap().unwrap();
        assert!(jobs::finish(&mut c, &next, now).await.unwrap());
        assert_eq!(jobs::get(&mut c, next.id).await.unwrap().state, bdc_jobs::JobState::Done);
        assert_eq!(jobs::list(&mut c, Some(bdc_jobs::JobState::Failed), 10).await.unwrap().len(), 1);
    }

    /// Two server instances (two pools on one database) lease side by side: every job is
    /// leased exactly once.
    async fn two_instances_never_lease_one_job_twice(engine: Engine) {
        let url = bdc_db::testing::fresh_url(engine).await;
        let db = bdc_db::Db::connect(&url).await.unwrap();
        bdc_registry::store::migrate(&db).await.unwrap();
        let other = bdc_db::Db::connect(&url).await.unwrap();
        let now = Utc::now();
        {
            let mut c = db.conn().await.unwrap();
            for i in 0..120 {
                jobs::enqueue(&mut c, "report", &format!("{{\"n\":{i}}}"), None, now, 3).await.unwrap();
            }
        }
        let worker = |d: bdc_db::Db| async move {
            let mut taken = Vec::new();
            loop {
                let mut c = d.conn().await.unwrap();
                match jobs::lease(&mut c, now, Duration::minutes(5)).await.unwrap() {
                    Some(j) => {
                        assert!(jobs::finish(&mut c, &j, now).await.unwrap());
                        taken.push(j.id);
                    }
                    None => return taken,
                }
            }
        };
        let (a, b, c2, d2) = tokio::join!(worker(db.clone()), worker(other.clone()), worker(db.clone()), worker(other.clone()));
        let mut all: Vec<i64> = a.into_iter().chain(b).chain(c2).chain(d2).collect();
        all.sort_unstable();
        let n = all.len();
        all.dedup();
        assert_eq!((n, all.len()), (120, 120), "each job leased once");
    }

    bdc_db::engine_tests!(jobs_are_deduplicated_leased_once_retried_with_backoff_and_reclaimed, two_instances_never_lease_one_job_twice);
}

mod security_counters {
    use bdc_db::Engine;
    use bdc_registry::store::{limits, testing::fresh_db};
    use chrono::{Duration, Utc};

    /// The window counter adds up across connections and starts again in a new window.
    async fn rate_limit_windows_count_hits_and_purge(engine: Engine) {
        let db = fresh_db(engine).await;
        let w = Utc::now();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { limits::hit(&mut db.conn().await.unwrap(), "login:addr:x", w).await.unwrap() })
            })
            .collect();
        let mut hits = Vec::new();
        for t in tasks {
            hits.push(t.await.unwrap());
        }
        hits.sort_unstable();
        assert_eq!(hits, (1..=10).collect::<Vec<_>>());
        let mut c = db.conn().await.unwrap();
        assert_eq!(limits::hit(&mut c, "login:addr:y", w).await.unwrap(), 1, "buckets are separate");
        assert_eq!(limits::hit(&mut c, "login:addr:x", w + Duration::minutes(10)).await.unwrap(), 1, "a new window starts at one");
        assert_eq!(limits::purge(&mut c, w + Duration::minutes(1)).await.unwrap(), 2);
    }

    bdc_db::engine_tests!(rate_limit_windows_count_hits_and_purge);
}
