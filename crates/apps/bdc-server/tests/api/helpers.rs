//! `spawn_app`: a fresh migrated database, the real router on a random port, an HTTP client.

use std::sync::Arc;

use bdc_adapters::files::LocalFileStore;
use bdc_adapters::province::transport::FileExchange;
use bdc_core::access::{self, Realm};
use bdc_core::Actor;
use bdc_crypto::MasterKey;
use bdc_db::{Db, Engine};
use bdc_identity::service::users::CreateUser;
use bdc_registry::service::{SecuritySettings, Services};
use bdc_registry::testing::fresh_db;
use bdc_server::{Application, WebSettings};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The password every test user gets (it satisfies the policy).
pub const PASSWORD: &str = "Changzhou-2026";

pub struct TestApp {
    /// The front-end exchange directory registrations are reported to.
    pub province_root: std::path::PathBuf,
    pub base: String,
    pub http: reqwest::Client,
    pub services: Services,
    pub db: Db,
    /// The identity authority's sandbox, when the app has one ([`spawn_app_with_identity`]).
    pub identity: Option<Arc<bdc_sandbox::identity::Sandbox>>,
}

/// What came back from a request.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Asserts a problem+json reply with this status and returns its `code`.
    pub fn problem(&self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        let ct = self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_eq!(ct, "application/problem+json", "body: {}", self.text);
        assert_eq!(self.body["status"], status);
        let detail = self.body["detail"].as_str().unwrap_or("");
        assert!(detail.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "detail must be Chinese: {detail}");
        self.body["code"].as_str().unwrap_or("").to_owned()
    }
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, |s| s).await
}

/// A sandbox court front-end on a random port; returns its base address.
pub async fn spawn_court_sandbox() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, bdc_sandbox::court::sandbox_router("bdc", "sandbox-secret")).await });
    base
}

/// The app with the court front-end at `sandbox` (see [`spawn_court_sandbox`]).
pub async fn spawn_app_with_court(engine: Engine, sandbox: &str) -> TestApp {
    let front = Arc::new(bdc_adapters::court::frontend::SoapClient::new(format!("{sandbox}/frontend"), "bdc", "sandbox-secret"));
    spawn_app_with(engine, |s| s.with_court(front, std::time::Duration::from_secs(3600))).await
}

/// The app with an identity authority (the sandbox, on a random port) for real-name sign-up.
pub async fn spawn_app_with_identity(engine: Engine, configure: impl FnOnce(Services) -> Services) -> (TestApp, Arc<bdc_sandbox::identity::Sandbox>) {
    let sandbox = bdc_sandbox::identity::Sandbox::new("bdc", "identity-test-secret", bdc_crypto::SigningKeyPair::generate());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = bdc_sandbox::identity::router(sandbox.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let authority = Arc::new(bdc_adapters::identity::HttpAuthority::new(base, "bdc", "identity-test-secret", sandbox.public_key_hex()));
    let mut app = spawn_app_with(engine, |s| configure(s.with_identity(authority))).await;
    app.identity = Some(sandbox.clone());
    (app, sandbox)
}

pub async fn spawn_app_with(engine: Engine, configure: impl FnOnce(Services) -> Services) -> TestApp {
    spawn_app_with_web(engine, configure, |w| w).await
}

/// The app with its services and its HTTP settings adjusted (rate limits, time-out, TLS).
pub async fn spawn_app_with_web(engine: Engine, configure: impl FnOnce(Services) -> Services, web: impl FnOnce(WebSettings) -> WebSettings) -> TestApp {
    let db = fresh_db(engine).await;
    let files = std::env::temp_dir().join(format!("bdc-test-files-{}", uuid_like()));
    let province_root = std::env::temp_dir().join(format!("bdc-test-province-{}", uuid_like()));
    let services = Services::new(db.clone(), &MasterKey::generate(), Arc::new(LocalFileStore::new(files)), SecuritySettings::default()).with_province(Arc::new(FileExchange::new(&province_root)));
    let services = bdc_identity::install(configure(services)).await.expect("install identity");
    let services = bdc_portal::install(bdc_reporting::install(services).await.expect("install reporting"));
    let services = bdc_court::install(services).await.expect("install the court desk");
    let settings = web(WebSettings { listen: "127.0.0.1:0".into(), max_body_bytes: 64 * 1024, ..WebSettings::default() });
    let app = Application::build(services.clone(), &settings).await.expect("bind");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run(std::future::pending()));
    TestApp { province_root, base, http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(), services, db, identity: None }
}

fn uuid_like() -> String {
    bdc_crypto::random_hex(8)
}

impl TestApp {
    /// Creates a user directly through the service, as the console would.
    pub async fn user(&self, username: &str, roles: &[&str]) -> i64 {
        let realm = roles.first().and_then(|r| access::role(r)).map_or(Realm::Staff, |d| d.realm);
        let cmd = CreateUser { realm, username: username.into(), display_name: format!("测试{username}"), password: PASSWORD.into(), roles: roles.iter().map(|r| (*r).to_owned()).collect() };
        bdc_identity::service::users::create_user(&self.services, &Actor::console(), cmd).await.expect("create user").id
    }

    /// Logs in for a bearer token.
    pub async fn token(&self, username: &str, realm: &str) -> String {
        let r = self.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": PASSWORD, "realm": realm, "mode": "token"}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["token"].as_str().unwrap().to_owned()
    }

    /// A public account with these roles, real-name linked to `party` with `phone` as sign-up
    /// links it (through a matched verification, recorded here as a fixture: sign-up itself and
    /// the identity authority are tested in `portal.rs`), logged in; returns the bearer token.
    pub async fn public_account(&self, username: &str, roles: &[&str], party: i64, phone: &str) -> String {
        let user = self.user(username, roles).await;
        let cipher = self.services.cipher();
        let mut conn = self.db.conn().await.unwrap();
        let p = bdc_registry::store::registry::get_party(&mut conn, party).await.unwrap().expect("party");
        let v = bdc_identity::testing::NewVerification {
            subject: if p.id_type == "8" { "enterprise" } else { "person" },
            id_type: &p.id_type,
            id_number_bidx: &p.id_number_bidx,
            id_number_masked: &p.id_number_masked,
            name: &p.name,
            representative_of: None,
            outcome: "match",
            score: 990,
            authority: "test fixture",
            serial: "FIXTURE",
            answer: "{}",
            signature: "",
            purpose: "test",
            requested_by: username,
        };
        let verification = bdc_identity::testing::record_verification(&mut conn, &v).await.unwrap();
        bdc_identity::testing::link(&mut conn, cipher, user, party, Some(verification), phone).await.unwrap();
        drop(conn);
        self.token(username, "public").await
    }

    /// The live photo for signing up `name` with `id_number`: the person is first made known to
    /// the app's identity sandbox, as the 公安 population register knows every resident.
    pub fn resident_photo(&self, name: &str, id_number: &str) -> Vec<u8> {
        let sandbox = self.identity.as_ref().expect("an app with an identity sandbox (spawn_app_with_identity)");
        sandbox.add_resident(name, id_number);
        bdc_sandbox::portrait::portrait(id_number, 1)
    }

    /// A staff user with these roles, logged in; returns the bearer token.
    /// Logs a staff user in through the login page and returns the session cookie (`name=value`).
    pub async fn page_cookie(&self, username: &str) -> String {
        let r = self.raw(self.http.post(format!("{}/login", self.base)).form(&[("realm", "staff"), ("username", username), ("password", PASSWORD)])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {username}: {}", r.text);
        r.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
    }

    pub async fn staff(&self, username: &str, roles: &[&str]) -> String {
        self.user(username, roles).await;
        self.token(username, "staff").await
    }

    /// The people who take a case into the register beside `clerk` (who accepts it): a reviewer
    /// `{name}_sh` and a registrar `{name}_db`, since acceptance, review and registration of one
    /// case are done by three people (不相容岗位分离).
    pub async fn team(&self, name: &str, clerk: &str) -> Team {
        let reviewer = self.staff(&format!("{name}_sh"), &["review", "query"]).await;
        let registrar = self.staff(&format!("{name}_db"), &["register", "query"]).await;
        Team { clerk: clerk.to_owned(), reviewer, registrar }
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.expect("request")).await
    }

    pub async fn raw(&self, req: reqwest::RequestBuilder) -> Reply {
        reply(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }
}

async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, body, text }
}

/// `both!(name, …)`: runs each `async fn name(engine: Engine)` on SQLite, and on PostgreSQL as
/// an ignored test that the test script includes when `BDC_TEST_DATABASE_URL` is set.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => { bdc_db::engine_tests!($($name),*); };
}

/// Three staff tokens: the clerk (受理 and everything else), the reviewer (审核) and the
/// registrar (登簿) of the cases a test drives.
#[derive(Clone)]
pub struct Team {
    pub clerk: String,
    pub reviewer: String,
    pub registrar: String,
}

impl Team {
    /// The token of whoever takes `action` on a case.
    pub fn for_action(&self, action: &str) -> &str {
        match action {
            "approve" => &self.reviewer,
            "register" => &self.registrar,
            _ => &self.clerk,
        }
    }
}

/// The newest `n` messages reported to the province (of a case, or all), as staff read them:
/// decrypted, through the reporting context's service.
pub async fn reported(s: &Services, case_id: Option<i64>, n: u32) -> Vec<bdc_reporting::service::report::ReportRecord> {
    bdc_reporting::service::report::messages(s, &Actor::console(), case_id, bdc_db::PageRequest { page: 1, per_page: n }).await.unwrap().items
}

/// One reported message, read again.
pub async fn reported_by_id(s: &Services, id: i64) -> bdc_reporting::service::report::ReportRecord {
    reported(s, None, 200).await.into_iter().find(|m| m.id == id).unwrap_or_else(|| panic!("message {id} not found"))
}

/// A message as it lies in the database, as anyone holding the database file would read it.
pub async fn stored_message(db: &Db, id: i64) -> String {
    use sqlx::Row;
    let mut conn = db.conn().await.unwrap();
    sqlx::query("SELECT message FROM report_messages WHERE id = $1").bind(id).fetch_one(&mut *conn).await.unwrap().get(0)
}
