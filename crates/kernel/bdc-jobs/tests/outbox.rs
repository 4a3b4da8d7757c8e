//! The outbox on both engines: an event queues one job per subscriber in the publishing
//! transaction, never twice for one key, and nothing when the transaction rolls back.

use bdc_db::{engine_tests, testing::fresh_url, Db, Engine};

async fn an_event_queues_one_job_per_subscriber_with_its_transaction(engine: Engine) {
    let db = Db::connect(&fresh_url(engine).await).await.unwrap();
    db.apply_migrations().await.unwrap();
    let now = chrono::Utc::now();
    let mut conn = db.conn().await.unwrap();
    assert_eq!(bdc_jobs::outbox::publish(&mut conn, "registered", "1", "{\"seq\":1}", now).await.unwrap(), 0, "nobody listens yet");
    for _ in 0..2 {
        bdc_jobs::outbox::subscribe(&mut conn, "registered", "court_promotions").await.unwrap();
    }
    bdc_jobs::outbox::subscribe(&mut conn, "registered", "supervision_track").await.unwrap();
    bdc_jobs::outbox::subscribe(&mut conn, "paid", "other_topic").await.unwrap();
    drop(conn);

    // Published in a transaction that rolls back: nothing is queued.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(bdc_jobs::outbox::publish(&mut tx, "registered", "2", "{\"seq\":2}", now).await.unwrap(), 2);
    tx.rollback().await.unwrap();
    let mut conn = db.conn().await.unwrap();
    assert!(bdc_jobs::list(&mut conn, None, 10).await.unwrap().is_empty());

    // Committed: one job per subscriber of the topic; the same event again queues nothing.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(bdc_jobs::outbox::publish(&mut tx, "registered", "2", "{\"seq\":2}", now).await.unwrap(), 2);
    bdc_db::commit(tx).await.unwrap();
    assert_eq!(bdc_jobs::outbox::publish(&mut conn, "registered", "2", "{\"seq\":2}", now).await.unwrap(), 0, "an event is queued once");
    let mut kinds: Vec<(String, String)> = bdc_jobs::list(&mut conn, None, 10).await.unwrap().into_iter().map(|j| (j.kind, j.payload)).collect();
    kinds.sort();
    assert_eq!(kinds, [("court_promotions".to_owned(), "{\"seq\":2}".to_owned()), ("supervision_track".to_owned(), "{\"seq\":2}".to_owned())]);
}

engine_tests!(an_event_queues_one_job_per_subscriber_with_its_transaction);
