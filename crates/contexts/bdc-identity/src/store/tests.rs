//! The identity store on both engines: built-in roles seeded once, user names unique per realm,
//! login attempts counted atomically.

use bdc_db::{engine_tests, Engine, PageRequest, StoreError};
use bdc_registry::testing::fresh_db;
use chrono::{Duration, Utc};

use super::accounts;

async fn built_in_roles_are_seeded_once_and_an_administrators_change_survives(engine: Engine) {
    let db = fresh_db(engine).await;
    let mut c = db.conn().await.unwrap();
    accounts::seed_builtin_roles(&mut c).await.unwrap();
    assert_eq!(accounts::list_roles(&mut c).await.unwrap().len(), 12);
    accounts::set_role_permissions(&mut c, "query", &[]).await.unwrap();
    accounts::seed_builtin_roles(&mut c).await.unwrap();
    assert_eq!(accounts::list_roles(&mut c).await.unwrap().len(), 12);
    assert!(accounts::get_role(&mut c, "query").await.unwrap().unwrap().permissions.is_empty(), "the next start keeps the administrator's change");
}

async fn user_names_are_unique_per_realm(engine: Engine) {
    let db = fresh_db(engine).await;
    let mut c = db.conn().await.unwrap();
    accounts::seed_builtin_roles(&mut c).await.unwrap();
    let roles = vec!["admin".to_string()];
    let u = accounts::NewUser { realm: "staff", username: "wang", display_name: "王", password_hash: "h", roles: &roles };
    let id = accounts::insert_user(&mut c, &u, Utc::now()).await.unwrap();
    assert!(matches!(accounts::insert_user(&mut c, &u, Utc::now()).await, Err(StoreError::Unique(_))));
    let public = accounts::NewUser { realm: "public", roles: &[], ..u };
    accounts::insert_user(&mut c, &public, Utc::now()).await.unwrap();
    let got = accounts::get_user(&mut c, id).await.unwrap().unwrap();
    assert_eq!(got.roles, roles);
    assert!(accounts::update_user(&mut c, id, got.version, "王五", "active", Utc::now()).await.unwrap());
    assert!(!accounts::update_user(&mut c, id, got.version, "王六", "active", Utc::now()).await.unwrap(), "stale version");
    let page = accounts::list_users(&mut c, &accounts::UserFilter { q: Some("wan".into()), ..Default::default() }, PageRequest { page: 1, per_page: 1 }).await.unwrap();
    assert_eq!((page.total, page.items.len()), (2, 1));
    let perms = accounts::permissions_of(&mut c, id).await.unwrap();
    assert!(perms.contains(&"users.manage".to_string()));
}

/// Parallel attempts each get their own number: none is lost, so none escapes the lock-out.
async fn login_attempts_are_counted_atomically_and_not_while_locked(engine: Engine) {
    let db = fresh_db(engine).await;
    let mut c = db.conn().await.unwrap();
    let u = accounts::NewUser { realm: "staff", username: "li", display_name: "李", password_hash: "h", roles: &[] };
    let id = accounts::insert_user(&mut c, &u, Utc::now()).await.unwrap();
    drop(c);
    let now = Utc::now();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let n = accounts::count_login_attempt(&mut tx, id, now).await.unwrap();
                bdc_db::commit(tx).await.unwrap();
                n
            })
        })
        .collect();
    let mut seen: Vec<i64> = Vec::new();
    for t in tasks {
        seen.push(t.await.unwrap().expect("not locked"));
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=20).collect::<Vec<_>>(), "every attempt has its own number");
    let mut c = db.conn().await.unwrap();
    accounts::set_locked_until(&mut c, id, Some(now + Duration::minutes(1))).await.unwrap();
    assert_eq!(accounts::count_login_attempt(&mut c, id, now).await.unwrap(), None, "a locked account is not counted");
    assert_eq!(accounts::count_login_attempt(&mut c, id, now + Duration::minutes(2)).await.unwrap(), Some(21), "after the lock, counting goes on");
}

engine_tests!(built_in_roles_are_seeded_once_and_an_administrators_change_survives, user_names_are_unique_per_realm, login_attempts_are_counted_atomically_and_not_while_locked);
