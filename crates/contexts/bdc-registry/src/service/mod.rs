//! BDC services — the use cases (应用层).
//!
//! Each public function is one use case: it checks the actor's permission (so the CLI and
//! background jobs are checked exactly like HTTP), opens the transaction, calls domain rules and
//! store functions, and commits once. Errors leave as one [`ServiceError`]; only the HTTP layers turn
//! them into HTTP problems.
//!
//! Modules: [`calendar`] (working days and office hours), [`keys`] (SM2 signing keys),
//! [`limits`] (rate limits shared by all server instances), [`directory`] (the accounts, as the
//! identity context answers for them). Accounts, sessions and real-name are `bdc-identity`'s.

pub mod calendar;
pub mod case_search;
pub mod cases;
pub mod certificates;
pub mod checkpoint;
pub mod codes;
pub mod directory;
pub mod documents;
pub mod dto;
pub mod duties;
pub mod events;
pub mod guide;
pub mod jobs;
pub mod keys;
pub mod lapse;
pub mod limits;
pub mod materials;
pub mod origin;
pub mod register_api;
pub mod registry;
pub mod rule_library;
pub mod verify;
pub mod withdrawal;

use std::sync::Arc;

use bdc_adapters::files::FileStore;
use bdc_adapters::province::transport::ProvinceTransport;
use bdc_crypto::{FieldCipher, MasterKey};
use bdc_db::Db;

// The kernel's actor and error, under the names the use cases use.
use bdc_core::{Actor, ServiceError, ServiceResult};

/// Security settings that use cases need.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// Minutes of inactivity after which a browser session ends (sliding).
    pub session_idle_minutes: i64,
    /// Hours a bearer token for API clients lives.
    pub token_hours: i64,
    /// Rate limits (频率限制) of login, codes, sign-up, password change and public queries.
    pub rate_limits: limits::RateLimits,
    /// The least 人证比对 score (thousandths) that proves a person's photo, whatever the
    /// authority's own pass mark.
    pub identity_min_score: u16,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings { session_idle_minutes: 30, token_hours: 12, rate_limits: limits::RateLimits::default(), identity_min_score: 900 }
    }
}

/// Everything a use case may touch: the database, the field cipher, outside systems.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Db,
    pub cipher: Arc<FieldCipherHandle>,
    pub files: Arc<dyn FileStore>,
    pub security: SecuritySettings,
    /// Where registrations are reported (the provincial platform); `None` until configured.
    pub province: Option<Arc<dyn ProvinceTransport>>,
    /// The provincial front-end for court requests (法院查控前置机); `None` until configured.
    pub court: Option<Arc<dyn bdc_adapters::court::frontend::CourtFrontEnd>>,
    /// The identity authority (公安 人证比对, enterprise registry); real-name sign-up is refused
    /// while it is `None`.
    pub identity: Option<Arc<dyn bdc_adapters::identity::IdentityAuthority>>,
    /// Text messages (one-time codes); the sandbox logs them.
    pub sms: Arc<dyn bdc_adapters::sms::SmsGateway>,
    /// How often the court front-end is polled.
    pub court_every: std::time::Duration,
    /// The registration office served: province, city, codes (`[office]`).
    pub office: bdc_core::office::Office,
    /// The font certificates are printed in (`cjk_font`).
    pub cjk_font: bdc_adapters::certificate_pdf::CjkFont,
    /// The address the public reaches this server at (`public_url`): the certificates' QR codes
    /// open its verification page.
    pub public_url: String,
    /// The contexts' background work, run by the worker loop ([`jobs::JobHandler`]).
    pub handlers: Arc<Vec<Arc<dyn jobs::JobHandler>>>,
    /// The accounts, as the identity context answers for them ([`directory`]).
    pub directory: Arc<dyn directory::Directory>,
    /// Where an online case came from, as the portal answers for it ([`origin`]).
    pub origin: Arc<dyn origin::OnlineOrigin>,
    /// Signing keys by purpose, once loaded (see [`keys::signing_key`]).
    pub key_cache: Arc<std::sync::Mutex<std::collections::HashMap<String, bdc_crypto::SigningKeyPair>>>,
}

/// The field cipher and the master key it came from (the key is needed to wrap signing keys).
pub struct FieldCipherHandle {
    pub cipher: FieldCipher,
}

impl std::fmt::Debug for FieldCipherHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(***)")
    }
}

impl Services {
    pub fn new(db: Db, master_key: &MasterKey, files: Arc<dyn FileStore>, security: SecuritySettings) -> Self {
        Services {
            db,
            cipher: Arc::new(FieldCipherHandle { cipher: FieldCipher::new(master_key) }),
            files,
            security,
            province: None,
            court: None,
            identity: None,
            sms: Arc::new(bdc_adapters::sms::SandboxSms::default()),
            court_every: std::time::Duration::from_secs(60),
            handlers: Arc::default(),
            office: bdc_core::office::Office::default(),
            cjk_font: bdc_adapters::certificate_pdf::CjkFont::default(),
            public_url: "http://127.0.0.1:8080".into(),
            directory: Arc::new(directory::NoAccounts),
            origin: Arc::new(origin::CounterOnly),
            key_cache: Arc::default(),
        }
    }

    /// Reports registrations through `transport`.
    #[must_use]
    pub fn with_province(mut self, transport: Arc<dyn ProvinceTransport>) -> Self {
        self.province = Some(transport);
        self
    }

    /// Takes court requests from `front` every `every` and answers them there.
    #[must_use]
    pub fn with_court(mut self, front: Arc<dyn bdc_adapters::court::frontend::CourtFrontEnd>, every: std::time::Duration) -> Self {
        self.court = Some(front);
        self.court_every = every;
        self
    }

    /// Proves real names through `authority`.
    #[must_use]
    pub fn with_identity(mut self, authority: Arc<dyn bdc_adapters::identity::IdentityAuthority>) -> Self {
        self.identity = Some(authority);
        self
    }

    /// Runs `handler`'s jobs in the worker loop (a context installing itself).
    #[must_use]
    pub fn with_handler(mut self, handler: Arc<dyn jobs::JobHandler>) -> Self {
        let mut all: Vec<_> = self.handlers.iter().cloned().collect();
        if !all.iter().any(|h| h.kinds() == handler.kinds()) {
            all.push(handler);
        }
        self.handlers = Arc::new(all);
        self
    }

    /// Serves `office` (another city's codes and names).
    #[must_use]
    pub fn with_office(mut self, office: bdc_core::office::Office) -> Self {
        self.office = office;
        self
    }

    /// Prints certificates in `font`.
    #[must_use]
    pub fn with_cjk_font(mut self, font: bdc_adapters::certificate_pdf::CjkFont) -> Self {
        self.cjk_font = font;
        self
    }

    /// Is reached by the public at `url` (the certificates' QR codes link there).
    #[must_use]
    pub fn with_public_url(mut self, url: String) -> Self {
        self.public_url = url;
        self
    }

    /// Answers for the accounts through `directory` (the identity context installing itself).
    #[must_use]
    pub fn with_directory(mut self, directory: Arc<dyn directory::Directory>) -> Self {
        self.directory = directory;
        self
    }

    /// Answers for online cases' origin through `origin` (the portal installing itself).
    #[must_use]
    pub fn with_origin(mut self, origin: Arc<dyn origin::OnlineOrigin>) -> Self {
        self.origin = origin;
        self
    }

    /// Sends text messages through `sms`.
    #[must_use]
    pub fn with_sms(mut self, sms: Arc<dyn bdc_adapters::sms::SmsGateway>) -> Self {
        self.sms = sms;
        self
    }

    pub fn cipher(&self) -> &FieldCipher {
        &self.cipher.cipher
    }
}
