//! Typed settings (配置): command line > environment (`BDC_…`) > config file > defaults.
//!
//! With nothing configured, BDC runs on an SQLite file under `./data`, listens on
//! 127.0.0.1:8080, and keeps a generated master key in `./data/master.key`. PostgreSQL needs the
//! master key given explicitly (`BDC_MASTER_KEY` or `master_key` in the file): a production key
//! must be managed, not generated on whichever machine starts first.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use bdc_domain::crypto::MasterKey;
use bdc_store::Engine;

/// The optional config file (`--config FILE`, `BDC_CONFIG`, or `./bdc.toml` when present).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub master_key: Option<String>,
    pub session_idle_minutes: Option<i64>,
    pub token_hours: Option<i64>,
    pub max_body_bytes: Option<usize>,
    pub cookie_secure: Option<bool>,
    /// Front-end exchange directory for provincial reporting.
    pub province_root: Option<PathBuf>,
    /// The provincial platform's HTTP address; when set, reports go over HTTP instead of files.
    pub province_url: Option<String>,
    /// The court front-end's SOAP address (法院查控前置机); polling is off until it is set.
    pub court_url: Option<String>,
    pub court_user: Option<String>,
    pub court_password: Option<String>,
    /// Seconds between polls of the court front-end (default 60).
    pub court_poll_seconds: Option<u64>,
}

impl FileSettings {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileSettings> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("bdc.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).with_context(|| format!("配置文件 {} 格式错误", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(FileSettings::default()),
            Err(e) => Err(e).with_context(|| format!("无法读取配置文件 {}", path.display())),
        }
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
    pub province_root: Option<PathBuf>,
    pub province_url: Option<String>,
    pub court: Option<CourtSettings>,
}

/// Where and how often court requests are fetched.
#[derive(Debug, Clone)]
pub struct CourtSettings {
    pub url: String,
    pub user: String,
    pub password: String,
    pub every: std::time::Duration,
}

/// What the command line and environment gave (clap reads both).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub master_key: Option<String>,
}

impl Settings {
    pub fn resolve(cli: Overrides, file: FileSettings) -> anyhow::Result<Settings> {
        let data_dir = cli.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        std::fs::create_dir_all(&data_dir).with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
        let database_url = cli
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("bdc.db").display()));
        let engine = Engine::from_url(&database_url)?;
        let master_key = match cli.master_key.or(file.master_key) {
            Some(hex) => MasterKey::from_hex(&hex).context("主密钥无效")?,
            None if engine == Engine::Sqlite => key_file(&data_dir.join("master.key"))?,
            None => bail!("使用 PostgreSQL 时必须提供主密钥：设置环境变量 BDC_MASTER_KEY 或配置文件中的 master_key（64 位十六进制，可用 `openssl rand -hex 32` 生成）"),
        };
        let session_idle_minutes = file.session_idle_minutes.unwrap_or(30);
        let token_hours = file.token_hours.unwrap_or(12);
        if !(1..=24 * 60).contains(&session_idle_minutes) || !(1..=24 * 90).contains(&token_hours) {
            bail!("session_idle_minutes 须在 1–1440 之间，token_hours 须在 1–2160 之间");
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let court_every = env("BDC_COURT_POLL_SECONDS").map(|v| v.parse::<u64>()).transpose().context("BDC_COURT_POLL_SECONDS 须为秒数")?.or(file.court_poll_seconds).unwrap_or(60);
        if !(1..=86_400).contains(&court_every) {
            bail!("court_poll_seconds 须在 1–86400 之间");
        }
        let court = env("BDC_COURT_URL").or(file.court_url).map(|url| CourtSettings {
            url,
            user: env("BDC_COURT_USER").or(file.court_user.clone()).unwrap_or_else(|| "bdc".into()),
            password: env("BDC_COURT_PASSWORD").or(file.court_password.clone()).unwrap_or_default(),
            every: std::time::Duration::from_secs(court_every),
        });
        Ok(Settings {
            court,
            listen: cli.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url,
            data_dir,
            master_key,
            session_idle_minutes,
            token_hours,
            max_body_bytes: file.max_body_bytes.unwrap_or(1024 * 1024),
            cookie_secure: file.cookie_secure.unwrap_or(false),
            province_root: file.province_root,
            province_url: std::env::var("BDC_PROVINCE_URL").ok().filter(|u| !u.is_empty()).or(file.province_url),
        })
    }
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
}
