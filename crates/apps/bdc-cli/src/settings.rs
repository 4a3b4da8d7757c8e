//! Typed settings (配置): command line > environment (`BDC_…`) > config file > defaults.
//!
//! The file and the environment are layered by `figment`: every key of the config file can
//! also be given as `BDC_<KEY>` (`BDC_COURT_URL`), and a key of a section as
//! `BDC_<SECTION>__<KEY>` (`BDC_OFFICE__CITY_CODE`, `BDC_RATE_LIMITS__LOGIN__PER_ACCOUNT`). An
//! error names the key and where it came from (the file or the environment).
//!
//! With nothing configured, BDC runs on an SQLite file under `./data`, listens on
//! 127.0.0.1:8080, and keeps a generated master key in `./data/master.key`. PostgreSQL needs the
//! master key given explicitly (`BDC_MASTER_KEY` or `master_key` in the file): a production key
//! must be managed, not generated on whichever machine starts first.
//!
//! Secrets (the master key, the court front-end's password, the identity authority's
//! application secret, the metrics scrape token) are `SecretString`s from the moment they are
//! read: their `Debug` prints `[REDACTED]`, so no log line or error report can carry them, and
//! each is exposed only where it is handed to the client that needs it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use bdc_crypto::MasterKey;
use bdc_db::Engine;

/// The optional config file (`--config FILE`, `BDC_CONFIG`, or `./bdc.toml` when present).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub master_key: Option<SecretString>,
    pub session_idle_minutes: Option<i64>,
    pub token_hours: Option<i64>,
    pub max_body_bytes: Option<usize>,
    /// Mark cookies `Secure` and send HSTS; default: on unless `listen` is a loopback address
    /// (a server reachable from the network is meant to be behind TLS).
    pub cookie_secure: Option<bool>,
    /// Seconds a request may take before it is answered 408 (default 60).
    pub request_timeout_seconds: Option<u64>,
    /// The scrape token of `/metrics` (`Authorization: Bearer …`) for Prometheus off this
    /// machine; without it `/metrics` answers loopback clients only. Also `BDC_METRICS_TOKEN`.
    pub metrics_token: Option<SecretString>,
    /// Rate limits (频率限制): `[rate_limits]` with `window_seconds` and, per kind (`login`,
    /// `sms_code`, `sign_up`, `password_change`, `certificate_check`, `public_query`),
    /// `per_account` and `per_address` (0 = no limit).
    pub rate_limits: Option<bdc_registry::service::limits::RateLimits>,
    /// Front-end exchange directory for provincial reporting.
    pub province_root: Option<PathBuf>,
    /// The provincial platform's HTTP address; when set, reports go over HTTP instead of files.
    pub province_url: Option<String>,
    /// The court front-end's SOAP address (法院查控前置机); polling is off until it is set.
    pub court_url: Option<String>,
    pub court_user: Option<String>,
    pub court_password: Option<SecretString>,
    /// Seconds between polls of the court front-end (default 60).
    pub court_poll_seconds: Option<u64>,
    /// The identity authority (公安 人证比对 and the enterprise registry): its address, this
    /// application's id and secret, and the authority's SM2 public key (hex) that signs its
    /// answers. Real-name sign-up is refused until they are set (`bdc demo` runs a sandbox).
    /// Also `BDC_IDENTITY_URL`, `BDC_IDENTITY_APP`, `BDC_IDENTITY_SECRET`, `BDC_IDENTITY_PUBLIC_KEY`.
    pub identity_url: Option<String>,
    pub identity_app: Option<String>,
    pub identity_secret: Option<SecretString>,
    pub identity_public_key: Option<String>,
    /// The least 人证比对 score, in thousandths, that proves a photo (default 900).
    pub identity_min_score: Option<u16>,
    /// The registration office served (登记机构): `[office]` with `province_abbr` (苏),
    /// `city_code` (320400), `city_name` (常州市) and `reg_org_id` (320400); default Changzhou.
    pub office: Option<OfficeFile>,
    /// The CJK font certificates are printed in (a `.ttf` or `.ttc`), and the face in a `.ttc`
    /// (default: the setup step's WenQuanYi Micro Hei, face 0).
    pub cjk_font: Option<PathBuf>,
    pub cjk_font_index: Option<u32>,
    /// The front-end files the setup step installs (default: `web/dist` of the source tree).
    pub web_dist: Option<PathBuf>,
    /// The address the public reaches this server at, e.g. `https://bdc.example.gov.cn` (the
    /// certificates' QR codes open its verification page); default `http://<listen>`.
    pub public_url: Option<String>,
}

/// `[office]` of the config file; each key defaults to Changzhou's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeFile {
    pub province_abbr: Option<String>,
    pub city_code: Option<String>,
    pub city_name: Option<String>,
    pub reg_org_id: Option<String>,
    /// The halls the 办事指南 lists (`[[office.halls]]` with `name`, `address`, `phone`,
    /// `serves`); default the model city's.
    pub halls: Option<Vec<HallFile>>,
}

/// One `[[office.halls]]` entry (办事大厅).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallFile {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub serves: String,
}

impl OfficeFile {
    /// The office, every key checked: a 1-character province abbreviation, a 6-digit city code.
    fn resolve(self) -> anyhow::Result<bdc_core::office::Office> {
        let d = bdc_core::office::Office::default();
        let abbr = match self.province_abbr {
            Some(a) => {
                let mut chars = a.trim().chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_ascii() => c,
                    _ => bail!("office.province_abbr 须为一个汉字的省份简称，如“苏”"),
                }
            }
            None => d.province_abbr,
        };
        let code = |v: Option<String>, default: String, key: &str| -> anyhow::Result<String> {
            let v = v.map_or(default, |v| v.trim().to_owned());
            if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
                bail!("office.{key} 须为 6 位数字的行政区划代码");
            }
            Ok(v)
        };
        let city_code = code(self.city_code, d.city_code, "city_code")?;
        let reg_org_id = code(self.reg_org_id, city_code.clone(), "reg_org_id")?;
        let city_name = self.city_name.map_or(d.city_name, |n| n.trim().to_owned());
        if city_name.is_empty() || city_name.chars().count() > 20 || bdc_core::text::check(&city_name).is_err() {
            bail!("office.city_name 须为登记机构所在市县全称，如“常州市”");
        }
        let halls = match self.halls {
            None => d.halls,
            Some(halls) => {
                let mut out = Vec::with_capacity(halls.len());
                for h in halls {
                    let (name, address) = (h.name.trim().to_owned(), h.address.trim().to_owned());
                    if name.is_empty() || address.is_empty() || [&name, &address, &h.phone, &h.serves].iter().any(|t| bdc_core::text::check(t).is_err()) {
                        bail!("office.halls 的每一项须写明名称（name）和地址（address），且不含控制字符");
                    }
                    out.push(bdc_core::office::ServiceHall { name, address, phone: h.phone.trim().to_owned(), serves: h.serves.trim().to_owned() });
                }
                out
            }
        };
        Ok(bdc_core::office::Office { province_abbr: abbr, city_code, city_name, reg_org_id, halls })
    }
}

impl FileSettings {
    /// The config file (`path`, or `./bdc.toml` when present) with the process environment
    /// over it.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileSettings> {
        Self::layered(path, Environment::of(std::env::vars()))
    }

    fn layered(path: Option<&Path>, env: Environment) -> anyhow::Result<FileSettings> {
        let mut layers = Figment::new();
        match path {
            Some(p) => {
                std::fs::metadata(p).with_context(|| format!("无法读取配置文件 {}", p.display()))?;
                layers = layers.merge(Toml::file_exact(p));
            }
            None if Path::new("bdc.toml").is_file() => layers = layers.merge(Toml::file_exact("bdc.toml")),
            None => {}
        }
        // Lossy: numbers and flags are read from the environment's text; strings stay text.
        layers.merge(env).extract_lossy().map_err(|e| anyhow::anyhow!("配置无效：{e}"))
    }

    /// The config file's top-level keys, as serde sees this struct (so the list cannot drift
    /// from the fields): the environment variables that are settings.
    fn keys() -> &'static [&'static str] {
        /// A deserializer that only asks for the struct's field names.
        struct Fields;
        #[derive(Debug)]
        struct Named(&'static [&'static str]);
        impl std::fmt::Display for Named {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("field names")
            }
        }
        impl std::error::Error for Named {}
        impl serde::de::Error for Named {
            fn custom<T: std::fmt::Display>(_: T) -> Self {
                Named(&[])
            }
        }
        impl<'de> serde::Deserializer<'de> for Fields {
            type Error = Named;
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Named> {
                Err(Named(&[]))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Named> {
                Err(Named(fields))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
                newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        match FileSettings::deserialize(Fields) {
            Err(Named(fields)) => fields,
            Ok(_) => &[],
        }
    }
}

/// The environment as a settings source: `BDC_<KEY>` for a key of the config file,
/// `BDC_<SECTION>__<KEY>` for a key of a section. Values are kept as the text they are, so a
/// secret or a code made of digits (`BDC_OFFICE__CITY_CODE=320400`, a numeric password) stays a
/// string with its leading zeros. Only the file's own keys are taken: `BDC_CONFIG`, the tests'
/// `BDC_TEST_…` and other programs' variables are not settings; an empty value counts as unset.
#[derive(Debug, Default)]
struct Environment {
    vars: Vec<(String, String)>,
}

impl Environment {
    fn of(vars: impl IntoIterator<Item = (String, String)>) -> Environment {
        let keys = FileSettings::keys();
        let vars = vars
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(name, value)| {
                let key = name.strip_prefix("BDC_")?.to_ascii_lowercase();
                keys.contains(&key.split("__").next()?).then_some((key, value))
            })
            .collect();
        Environment { vars }
    }
}

impl Provider for Environment {
    fn metadata(&self) -> Metadata {
        Metadata::named("环境变量 BDC_…")
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        fn put(dict: &mut Dict, path: &[&str], value: &str) {
            match path {
                [] => {}
                [key] => {
                    dict.insert((*key).to_owned(), Value::from(value.to_owned()));
                }
                [section, rest @ ..] => {
                    if let Value::Dict(_, inner) = dict.entry((*section).to_owned()).or_insert_with(|| Value::Dict(Tag::Default, Dict::new())) {
                        put(inner, rest, value);
                    }
                }
            }
        }
        let mut root = Dict::new();
        for (key, value) in &self.vars {
            put(&mut root, &key.split("__").collect::<Vec<_>>(), value);
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Settings after merging every source.
#[derive(Debug)]
pub struct Settings {
    pub listen: String,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub master_key: MasterKey,
    pub session_idle_minutes: i64,
    pub token_hours: i64,
    pub max_body_bytes: usize,
    pub cookie_secure: bool,
    pub request_timeout: std::time::Duration,
    pub metrics_token: Option<SecretString>,
    pub rate_limits: bdc_registry::service::limits::RateLimits,
    pub province_root: Option<PathBuf>,
    pub province_url: Option<String>,
    pub court: Option<CourtSettings>,
    pub identity: Option<IdentitySettings>,
    pub identity_min_score: u16,
    pub office: bdc_core::office::Office,
    pub cjk_font: bdc_adapters::certificate_pdf::CjkFont,
    pub web_dist: PathBuf,
    pub public_url: String,
}

/// How the identity authority is reached.
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    pub url: String,
    pub app: String,
    pub secret: SecretString,
    pub public_key: String,
}

/// Where and how often court requests are fetched.
#[derive(Debug, Clone)]
pub struct CourtSettings {
    pub url: String,
    pub user: String,
    pub password: SecretString,
    pub every: std::time::Duration,
}

/// What the command line gave (its flags win over the environment and the file).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    pub fn resolve(cli: Overrides, file: FileSettings) -> anyhow::Result<Settings> {
        let data_dir = cli.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        std::fs::create_dir_all(&data_dir).with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
        owner_only_dir(&data_dir)?;
        let database_url = cli.database_url.or(file.database_url).unwrap_or_else(|| format!("sqlite://{}", data_dir.join("bdc.db").display()));
        if let Some(path) = database_url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p)) {
            owner_only_file(std::path::Path::new(path))?;
        }
        let engine = Engine::from_url(&database_url)?;
        let master_key = match file.master_key {
            Some(hex) => MasterKey::from_hex(hex.expose_secret()).context("主密钥无效")?,
            None if engine == Engine::Sqlite => key_file(&data_dir.join("master.key"))?,
            None => bail!("使用 PostgreSQL 时必须提供主密钥：设置环境变量 BDC_MASTER_KEY 或配置文件中的 master_key（64 位十六进制，可用 `openssl rand -hex 32` 生成）"),
        };
        let session_idle_minutes = file.session_idle_minutes.unwrap_or(30);
        let token_hours = file.token_hours.unwrap_or(12);
        if !(1..=24 * 60).contains(&session_idle_minutes) || !(1..=24 * 90).contains(&token_hours) {
            bail!("session_idle_minutes 须在 1–1440 之间，token_hours 须在 1–2160 之间");
        }
        let court_every = file.court_poll_seconds.unwrap_or(60);
        if !(1..=86_400).contains(&court_every) {
            bail!("court_poll_seconds 须在 1–86400 之间");
        }
        let court = file.court_url.map(|url| CourtSettings {
            url,
            user: file.court_user.unwrap_or_else(|| "bdc".into()),
            password: file.court_password.unwrap_or_else(|| SecretString::from("")),
            every: std::time::Duration::from_secs(court_every),
        });
        let identity = match file.identity_url {
            Some(url) => {
                let secret = file.identity_secret.unwrap_or_else(|| SecretString::from(""));
                let public_key = file.identity_public_key.unwrap_or_default();
                if secret.expose_secret().len() < 16 {
                    bail!("identity_secret（身份核验应用密钥）至少 16 个字符");
                }
                if public_key.len() != 130 || !public_key.starts_with("04") || !public_key.bytes().all(|b| b.is_ascii_hexdigit()) {
                    bail!("identity_public_key 须为身份核验服务的 SM2 公钥（未压缩，130 位十六进制，04 开头）");
                }
                Some(IdentitySettings { url, app: file.identity_app.unwrap_or_else(|| "bdc".into()), secret, public_key })
            }
            None => None,
        };
        let identity_min_score = file.identity_min_score.unwrap_or(900);
        if !(500..=1000).contains(&identity_min_score) {
            bail!("identity_min_score 须在 500–1000 之间（千分制）");
        }
        let office = file.office.unwrap_or_default().resolve()?;
        let listen = cli.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let request_timeout = file.request_timeout_seconds.unwrap_or(60);
        if !(1..=3600).contains(&request_timeout) {
            bail!("request_timeout_seconds 须在 1–3600 之间");
        }
        let rate_limits = file.rate_limits.unwrap_or_default();
        rate_limits.check().map_err(anyhow::Error::msg)?;
        let metrics_token = file.metrics_token.filter(|t| !t.expose_secret().trim().is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.expose_secret().len() < 16) {
            bail!("metrics_token 至少 16 个字符");
        }
        let cjk_font = match file.cjk_font {
            Some(path) => bdc_adapters::certificate_pdf::CjkFont { path, index: file.cjk_font_index.unwrap_or(0) },
            // The index names a face of the named file only.
            None => bdc_adapters::certificate_pdf::CjkFont::default(),
        };
        let public_url = file.public_url.map(|u| u.trim().trim_end_matches('/').to_owned()).unwrap_or_else(|| format!("http://{listen}"));
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) || public_url.contains(char::is_whitespace) {
            bail!("public_url 须为 http:// 或 https:// 开头的网址，如 https://bdc.example.gov.cn");
        }
        Ok(Settings {
            public_url,
            cjk_font,
            web_dist: file.web_dist.unwrap_or_else(bdc_http::page::default_web_dist),
            office,
            court,
            identity,
            identity_min_score,
            cookie_secure: file.cookie_secure.unwrap_or_else(|| !is_loopback(&listen)),
            listen,
            request_timeout: std::time::Duration::from_secs(request_timeout),
            metrics_token,
            rate_limits,
            database_url,
            data_dir,
            master_key,
            session_idle_minutes,
            token_hours,
            max_body_bytes: file.max_body_bytes.unwrap_or(1024 * 1024),
            province_root: file.province_root,
            province_url: file.province_url,
        })
    }
}

/// Whether a listen address is on this machine only (127.0.0.0/8, ::1, localhost): then plain
/// HTTP is expected and cookies are not marked `Secure` by default.
pub fn is_loopback(listen: &str) -> bool {
    if let Ok(addr) = listen.parse::<std::net::SocketAddr>() {
        return addr.ip().is_loopback();
    }
    let host = listen.rsplit_once(':').map_or(listen, |(h, _)| h).trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Reads the embedded default's key file, or creates it (readable by the owner only).
fn key_file(path: &Path) -> anyhow::Result<MasterKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => MasterKey::from_hex(&text).with_context(|| format!("主密钥文件 {} 无效", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = MasterKey::generate();
            write_private(path, &key.to_hex()).with_context(|| format!("无法写入主密钥文件 {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new master key for the embedded database");
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("无法读取主密钥文件 {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// The data directory holds the database, the master key and the files: only its owner may
/// enter it (0700).
fn owner_only_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).with_context(|| format!("无法设置数据目录 {} 的权限", dir.display()))?;
    }
    let _ = dir;
    Ok(())
}

/// The embedded database file is created owner-only (0600) before SQLite opens it; SQLite gives
/// its -wal and -shm files the same permissions.
fn owner_only_file(path: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") {
            return Ok(());
        }
        if !path.exists() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| format!("无法创建目录 {}", parent.display()))?;
            }
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).with_context(|| format!("无法创建数据库文件 {}", path.display()))?;
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).with_context(|| format!("无法设置数据库文件 {} 的权限", path.display()))?;
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_use_sqlite_under_the_data_dir_and_generate_a_key_once() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-{}", std::process::id()));
        let over = Overrides { data_dir: Some(dir.clone()), ..Default::default() };
        let s = Settings::resolve(over.clone(), FileSettings::default()).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert!(s.database_url.starts_with("sqlite://") && s.database_url.ends_with("bdc.db"));
        let again = Settings::resolve(over, FileSettings::default()).unwrap();
        assert_eq!(s.master_key.to_hex(), again.master_key.to_hex(), "the key file is reused");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn postgres_without_a_key_is_refused() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-pg-{}", std::process::id()));
        let over = Overrides { data_dir: Some(dir.clone()), database_url: Some("postgres://h/db".into()), ..Default::default() };
        let err = Settings::resolve(over, FileSettings::default()).unwrap_err().to_string();
        assert!(err.contains("BDC_MASTER_KEY"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn file_values_apply_below_the_command_line() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-file-{}", std::process::id()));
        let file: FileSettings = toml::from_str(&format!("listen = \"0.0.0.0:9000\"\nmaster_key = \"{}\"\n", "11".repeat(32))).unwrap();
        let over = Overrides { data_dir: Some(dir.clone()), listen: Some("127.0.0.1:1".into()), ..Default::default() };
        let s = Settings::resolve(over, file).unwrap();
        assert_eq!(s.listen, "127.0.0.1:1");
        assert_eq!(s.master_key.to_hex(), "11".repeat(32));
        assert!(toml::from_str::<FileSettings>("lisen = 1").is_err(), "typos are errors");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn cookies_are_secure_by_default_off_loopback_and_limits_are_read() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-sec-{}", std::process::id()));
        let at = |listen: &str, file: FileSettings| Settings::resolve(Overrides { data_dir: Some(dir.clone()), listen: Some(listen.into()), ..Default::default() }, file).unwrap();
        assert!(!at("127.0.0.1:8080", FileSettings::default()).cookie_secure);
        assert!(!at("[::1]:8080", FileSettings::default()).cookie_secure);
        assert!(!at("localhost:8080", FileSettings::default()).cookie_secure);
        assert!(at("0.0.0.0:8080", FileSettings::default()).cookie_secure);
        assert!(!at("0.0.0.0:8080", FileSettings { cookie_secure: Some(false), ..Default::default() }).cookie_secure, "an explicit setting wins");
        let file: FileSettings = toml::from_str("[rate_limits]\nwindow_seconds = 60\n[rate_limits.login]\nper_account = 3\nper_address = 9\n").unwrap();
        let s = at("127.0.0.1:1", file);
        assert_eq!((s.rate_limits.window_seconds, s.rate_limits.login.per_account, s.rate_limits.login.per_address), (60, 3, 9));
        assert_eq!(s.rate_limits.sms_code, bdc_registry::service::limits::RateLimits::default().sms_code, "unset kinds keep their defaults");
        assert_eq!(s.request_timeout, std::time::Duration::from_secs(60));
        let bad: FileSettings = toml::from_str("[rate_limits]\nwindow_seconds = 0\n").unwrap();
        assert!(Settings::resolve(Overrides { data_dir: Some(dir.clone()), ..Default::default() }, bad).is_err());
        std::fs::remove_dir_all(dir).ok();
    }

    /// The environment as `figment` layers it over the file.
    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::of(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[test]
    fn the_environment_overrides_the_file_key_by_key_and_digits_stay_text() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bdc.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\nsession_idle_minutes = 20\n[office]\ncity_name = \"无锡市\"\ncity_code = \"320200\"\n").unwrap();
        let key = "0".repeat(63) + "1";
        let file = FileSettings::layered(
            Some(&path),
            env(&[
                ("BDC_SESSION_IDLE_MINUTES", "45"),
                ("BDC_OFFICE__CITY_CODE", "320400"),
                ("BDC_MASTER_KEY", &key),
                ("BDC_COURT_PASSWORD", "0123456789"),
                ("BDC_COURT_URL", "http://127.0.0.1:1/"),
                ("BDC_CONFIG", "elsewhere.toml"),
                ("BDC_TEST_DATABASE_URL", "postgres://x"),
                ("BDC_LISTEN", ""),
            ]),
        )
        .unwrap();
        assert_eq!(file.listen.as_deref(), Some("0.0.0.0:9000"), "an empty variable is unset: the file's value stays");
        assert_eq!(file.session_idle_minutes, Some(45), "a number read from the environment's text");
        let office = file.office.as_ref().unwrap();
        assert_eq!((office.city_name.as_deref(), office.city_code.as_deref()), (Some("无锡市"), Some("320400")), "one key of a section overridden, its neighbours kept");
        assert_eq!(file.master_key.as_ref().unwrap().expose_secret(), key, "a key of digits keeps its leading zeros");
        assert_eq!(file.court_password.as_ref().unwrap().expose_secret(), "0123456789");
        let s = Settings::resolve(Overrides { data_dir: Some(dir.clone()), ..Default::default() }, file).unwrap();
        assert_eq!(s.office.city_code, "320400");
        assert_eq!(s.court.unwrap().url, "http://127.0.0.1:1/");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_bad_value_or_a_misspelt_key_is_refused_with_its_source() {
        let err = FileSettings::layered(None, env(&[("BDC_SESSION_IDLE_MINUTES", "thirty")])).unwrap_err().to_string();
        assert!(err.contains("配置无效") && err.contains("session_idle_minutes") && err.contains("环境变量"), "{err}");
        let err = FileSettings::layered(None, env(&[("BDC_OFFICE__CITI_CODE", "320400")])).unwrap_err().to_string();
        assert!(err.contains("citi_code"), "{err}");
        assert!(FileSettings::layered(Some(Path::new("/nonexistent/bdc.toml")), Environment::default()).is_err(), "a named file must exist");
        assert!(FileSettings::keys().contains(&"identity_min_score") && FileSettings::keys().contains(&"office"));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let dir = std::env::temp_dir().join(format!("bdc-settings-secret-{}", std::process::id()));
        let text = format!("master_key = \"{}\"\nmetrics_token = \"scrape-token-0123456789\"\ncourt_url = \"http://127.0.0.1:1/\"\ncourt_password = \"court-password-xyz\"\n", "ab".repeat(32));
        let file: FileSettings = toml::from_str(&text).unwrap();
        assert!(!format!("{file:?}").contains("court-password-xyz"));
        let s = Settings::resolve(Overrides { data_dir: Some(dir.clone()), ..Default::default() }, file).unwrap();
        let shown = format!("{s:?}");
        for secret in ["court-password-xyz", "scrape-token-0123456789", &"ab".repeat(32)] {
            assert!(!shown.contains(secret), "a secret shows in the settings' Debug output");
        }
        assert_eq!(s.court.as_ref().unwrap().password.expose_secret(), "court-password-xyz", "the secret itself is kept");
        let _ = std::fs::remove_dir_all(dir);
    }
}
