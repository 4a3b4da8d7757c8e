//! An identity authority on one machine (身份核验沙箱), speaking the protocol of
//! [`bdc_adapters::identity::protocol`]: for tests, the demo and a tester's own trials.
//!
//! It knows the residents and enterprises it is given (`POST /sandbox/residents`,
//! `POST /sandbox/enterprises`, or [`Sandbox::add_resident`] in-process) and compares faces by
//! the convention of [`crate::portrait`]. It checks every request as the real authority would:
//! the application id and its HMAC-SM3 signature, a timestamp within five minutes, a nonce used
//! once; and signs every answer with its SM2 key (`GET /sandbox/public-key`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use bdc_crypto::{hmac_sm3_hex, sm3_hex, SigningKeyPair};
use serde::Deserialize;

use crate::portrait::{face_in, face_of, portrait};
use bdc_adapters::identity::protocol::*;

/// The sandbox's own pass mark for a face, in thousandths (BDC may demand more).
pub const FACE_PASS: u16 = 800;

#[derive(Debug, Clone)]
struct Resident {
    name: String,
    face: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EnterpriseRecord {
    pub credit_code: String,
    pub name: String,
    pub representative_name: String,
    pub representative_id: String,
}

#[derive(Debug, Default)]
struct Book {
    residents: HashMap<String, Resident>,
    enterprises: HashMap<String, EnterpriseRecord>,
    nonces: HashSet<String>,
    serial: u64,
    /// `(path, result)` of every check answered, for tests.
    answered: Vec<(String, String)>,
}

/// The sandbox authority.
#[derive(Debug)]
pub struct Sandbox {
    app: String,
    secret: String,
    key: SigningKeyPair,
    book: Mutex<Book>,
}

impl Sandbox {
    pub fn new(app: &str, secret: &str, key: SigningKeyPair) -> Arc<Self> {
        Arc::new(Sandbox { app: app.to_owned(), secret: secret.to_owned(), key, book: Mutex::default() })
    }

    /// The authority's SM2 public key (hex), which BDC is configured with.
    pub fn public_key_hex(&self) -> String {
        self.key.public_key_hex()
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records a resident (常住人口) with the face of [`portrait`].
    pub fn add_resident(&self, name: &str, id_number: &str) {
        self.book().residents.insert(id_number.to_owned(), Resident { name: name.to_owned(), face: face_of(id_number) });
    }

    /// Records an enterprise or institution at the registry.
    pub fn add_enterprise(&self, e: EnterpriseRecord) {
        self.book().enterprises.insert(e.credit_code.clone(), e);
    }

    /// How many checks it answered with each result, for tests.
    pub fn answered(&self) -> Vec<(String, String)> {
        self.book().answered.clone()
    }

    /// Checks a request's signature, time and nonce; returns the nonce.
    fn admit(&self, path: &str, headers: &HeaderMap, body: &[u8]) -> Result<String, (StatusCode, &'static str)> {
        let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let (app, ts, nonce, sig) = (h(APP), h(TIMESTAMP), h(NONCE), h(SIGNATURE));
        if app != self.app {
            return Err((StatusCode::UNAUTHORIZED, "未知的应用"));
        }
        let expected = hmac_sm3_hex(self.secret.as_bytes(), signing_string(path, &ts, &nonce, body).as_bytes());
        if sig != expected {
            return Err((StatusCode::UNAUTHORIZED, "请求签名无效"));
        }
        let age = ts.parse::<i64>().map(|t| (chrono::Utc::now().timestamp() - t).abs());
        if !matches!(age, Ok(a) if a <= 300) {
            return Err((StatusCode::UNAUTHORIZED, "请求时间戳超出允许范围"));
        }
        if nonce.len() != 32 || !self.book().nonces.insert(nonce.clone()) {
            return Err((StatusCode::UNAUTHORIZED, "请求随机数无效或已使用"));
        }
        Ok(nonce)
    }

    fn serial(&self, path: &str, result: Outcome) -> String {
        let mut b = self.book();
        b.serial += 1;
        b.answered.push((path.to_owned(), result.as_str().to_owned()));
        format!("SBX{}{:08}", chrono::Utc::now().format("%Y%m%d"), b.serial)
    }

    fn signed(&self, body: String) -> Response {
        let sig = self.key.sign_hex(body.as_bytes());
        ([("content-type", "application/json"), (AUTHORITY_SIGNATURE, sig.as_str())], body).into_response()
    }

    fn person(&self, req: &PersonRequest, nonce: String) -> Response {
        let Ok(photo) = base64::engine::general_purpose::STANDARD.decode(req.photo.as_bytes()) else {
            return (StatusCode::BAD_REQUEST, "照片不是有效的 base64").into_response();
        };
        if bdc_adapters::identity::photo_kind(&photo).is_none() {
            return (StatusCode::BAD_REQUEST, "照片须为 1 KB–2 MB 的 JPEG 或 PNG").into_response();
        }
        let resident = self.book().residents.get(&req.id_number).cloned();
        let (result, score) = match resident {
            None => (Outcome::NotFound, 0),
            Some(r) if r.name != req.name => (Outcome::NameMismatch, 0),
            Some(r) => {
                // Same face: 950–999 by the shot; another or no face: 0–299.
                let jitter = u16::from(sm3_hex(&photo).as_bytes()[0] % 50);
                let score = if face_in(&photo).as_deref() == Some(r.face.as_str()) { 950 + jitter } else { jitter * 6 };
                (if score >= FACE_PASS { Outcome::Match } else { Outcome::PhotoMismatch }, score)
            }
        };
        let body = PersonAnswerBody { serial: self.serial(PERSON_PATH, result), result, score, answered_at: chrono::Utc::now().to_rfc3339(), request_nonce: nonce };
        self.signed(serde_json::to_string(&body).unwrap_or_default())
    }

    fn enterprise(&self, req: &EnterpriseRequest, nonce: String) -> Response {
        let record = self.book().enterprises.get(&req.credit_code).cloned();
        let result = match record {
            None => Outcome::NotFound,
            Some(e) if e.name != req.name => Outcome::NameMismatch,
            Some(e) if e.representative_name != req.representative_name || e.representative_id != req.representative_id => Outcome::RepresentativeMismatch,
            Some(_) => Outcome::Match,
        };
        let body = EnterpriseAnswerBody { serial: self.serial(ENTERPRISE_PATH, result), result, answered_at: chrono::Utc::now().to_rfc3339(), request_nonce: nonce };
        self.signed(serde_json::to_string(&body).unwrap_or_default())
    }
}

#[derive(Deserialize)]
struct NewResident {
    name: String,
    id_number: String,
}

#[derive(Deserialize)]
struct Shot {
    #[serde(default)]
    shot: u32,
}

/// One signed check: admitted (application, signature, time, nonce), read, answered by `answer`.
fn checked<T: serde::de::DeserializeOwned>(s: &Sandbox, path: &str, headers: &HeaderMap, body: &[u8], answer: fn(&Sandbox, &T, String) -> Response) -> Response {
    let nonce = match s.admit(path, headers, body) {
        Ok(n) => n,
        Err(r) => return r.into_response(),
    };
    match serde_json::from_slice::<T>(body) {
        Ok(req) => answer(s, &req, nonce),
        Err(e) => (StatusCode::BAD_REQUEST, format!("请求无法解析：{e}")).into_response(),
    }
}

/// The sandbox's HTTP interface: the two signed checks, and the `/sandbox/…` routes a tester
/// uses to add residents and enterprises and to fetch a resident's photo.
pub fn router(sandbox: Arc<Sandbox>) -> axum::Router {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(PERSON_PATH, post(|State(s): State<Arc<Sandbox>>, headers: HeaderMap, body: axum::body::Bytes| async move { checked(&s, PERSON_PATH, &headers, &body, Sandbox::person) }))
        .route(ENTERPRISE_PATH, post(|State(s): State<Arc<Sandbox>>, headers: HeaderMap, body: axum::body::Bytes| async move { checked(&s, ENTERPRISE_PATH, &headers, &body, Sandbox::enterprise) }))
        .route(
            "/sandbox/residents",
            post(|State(s): State<Arc<Sandbox>>, axum::Json(r): axum::Json<NewResident>| async move {
                s.add_resident(r.name.trim(), r.id_number.trim());
                (StatusCode::CREATED, axum::Json(serde_json::json!({"face": face_of(r.id_number.trim())})))
            }),
        )
        .route(
            "/sandbox/enterprises",
            post(|State(s): State<Arc<Sandbox>>, axum::Json(e): axum::Json<EnterpriseRecord>| async move {
                s.add_enterprise(e);
                StatusCode::CREATED
            }),
        )
        .route(
            "/sandbox/portrait/{id_number}",
            get(|State(s): State<Arc<Sandbox>>, Path(id): Path<String>, Query(q): Query<Shot>| async move {
                if !s.book().residents.contains_key(&id) {
                    return (StatusCode::NOT_FOUND, "无此人口记录").into_response();
                }
                ([("content-type", "image/png")], portrait(&id, q.shot)).into_response()
            }),
        )
        .route("/sandbox/public-key", get(|State(s): State<Arc<Sandbox>>| async move { s.public_key_hex() }))
        .with_state(sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_adapters::identity::{HttpAuthority, IdentityAuthority, IdentityError, PersonCheck};

    async fn start() -> (Arc<Sandbox>, String) {
        let sandbox = Sandbox::new("bdc", "secret", SigningKeyPair::generate());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(sandbox.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (sandbox, base)
    }

    #[tokio::test]
    async fn a_resident_matches_with_a_live_photo_of_her_face_only() {
        let (sandbox, base) = start().await;
        sandbox.add_resident("王芳", "320402198801011234");
        let client = HttpAuthority::new(&base, "bdc", "secret", sandbox.public_key_hex());
        let check = |name: &str, id: &str, photo: Vec<u8>| PersonCheck { name: name.into(), id_number: id.into(), photo };
        let a = client.verify_person(&check("王芳", "320402198801011234", portrait("320402198801011234", 7))).await.unwrap();
        assert_eq!(a.answer.result, Outcome::Match);
        assert!(a.answer.score >= 950);
        let b = client.verify_person(&check("王芳", "320402198801011234", portrait("320402198801019999", 1))).await.unwrap();
        assert_eq!(b.answer.result, Outcome::PhotoMismatch);
        let c = client.verify_person(&check("李四", "320402198801011234", portrait("320402198801011234", 2))).await.unwrap();
        assert_eq!(c.answer.result, Outcome::NameMismatch);
        let d = client.verify_person(&check("王芳", "320402198801015555", portrait("320402198801015555", 2))).await.unwrap();
        assert_eq!(d.answer.result, Outcome::NotFound);
        // A client with the wrong secret is refused; one expecting another authority key refuses the answer.
        let wrong = HttpAuthority::new(&base, "bdc", "guess", sandbox.public_key_hex());
        assert!(matches!(wrong.verify_person(&check("王芳", "320402198801011234", portrait("320402198801011234", 3))).await, Err(IdentityError::Refused(_))));
        let forged = HttpAuthority::new(&base, "bdc", "secret", SigningKeyPair::generate().public_key_hex());
        assert!(matches!(forged.verify_person(&check("王芳", "320402198801011234", portrait("320402198801011234", 3))).await, Err(IdentityError::BadSignature)));
    }
}
