//! How messages reach the province (报文传输).

use std::path::{Path, PathBuf};

/// Errors of a transport.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("报文标识无效：{0}")]
    BadId(String),
    #[error("前置机目录读写失败")]
    Io(#[from] std::io::Error),
    #[error("省级平台接口不可用：{0}")]
    Http(String),
}

/// A way to hand messages to the provincial platform and collect its answers.
#[async_trait::async_trait]
pub trait ProvinceTransport: Send + Sync + std::fmt::Debug {
    /// Delivers a message. Delivering the same message again replaces it (idempotent). A
    /// transport that answers at once (HTTP) returns the response; the file exchange answers later
    /// through [`response`](Self::response).
    async fn send(&self, area_code: &str, biz_msg_id: &str, xml: &str) -> Result<Option<String>, TransportError>;
    /// The province's response to a message, once there is one.
    async fn response(&self, area_code: &str, biz_msg_id: &str) -> Result<Option<String>, TransportError>;
    /// Delivers the daily registration log (LogBiz) of `date` (`YYYY-MM-DD`).
    async fn send_log(&self, area_code: &str, date: &str, xml: &str) -> Result<(), TransportError>;
    /// The province's answer to a message has been read and stored: the exchange no longer needs
    /// the message. The file exchange deletes the message and the answer (they carry the
    /// holders' ID numbers in clear); an HTTP transport keeps nothing.
    async fn acknowledged(&self, _area_code: &str, _biz_msg_id: &str) -> Result<(), TransportError> {
        Ok(())
    }
    /// The daily lists of inconsistent records the province has delivered: `(name, xml)`.
    async fn reconciliation_lists(&self) -> Result<Vec<(String, String)>, TransportError> {
        Ok(Vec::new())
    }
}

/// The front-end machine's file exchange: `{root}/{AreaCode}/BizMsg/Biz{BizMsgID}.xml` out and
/// `{root}/{AreaCode}/RepMsg/Rep{BizMsgID}.xml` back.
#[derive(Debug, Clone)]
pub struct FileExchange {
    root: PathBuf,
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

impl FileExchange {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileExchange { root: root.into() }
    }

    fn paths(&self, area: &str, id: &str) -> Result<(PathBuf, PathBuf), TransportError> {
        if !digits(area, 6) || !digits(id, 18) || !id.starts_with(area) {
            return Err(TransportError::BadId(format!("{area}/{id}")));
        }
        let base = self.root.join(area);
        Ok((base.join("BizMsg").join(format!("Biz{id}.xml")), base.join("RepMsg").join(format!("Rep{id}.xml"))))
    }
}

/// Writes a file so that a reader sees all of it or none of it. The file is created owner-only
/// (0600) and its directories owner-only (0700): messages carry ID numbers in clear.
pub async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        if !tokio::fs::try_exists(dir).await? {
            let mut b = tokio::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            b.mode(0o700);
            b.create(dir).await?;
        }
    }
    let tmp = path.with_extension("xml.part");
    let mut o = tokio::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    o.mode(0o600);
    let mut f = o.open(&tmp).await?;
    tokio::io::AsyncWriteExt::write_all(&mut f, bytes).await?;
    tokio::io::AsyncWriteExt::flush(&mut f).await?;
    drop(f);
    tokio::fs::rename(&tmp, path).await
}

/// Removes a file that may already be gone.
async fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[async_trait::async_trait]
impl ProvinceTransport for FileExchange {
    async fn send(&self, area_code: &str, biz_msg_id: &str, xml: &str) -> Result<Option<String>, TransportError> {
        let (out, _) = self.paths(area_code, biz_msg_id)?;
        write_atomically(&out, xml.as_bytes()).await?;
        Ok(None)
    }

    async fn send_log(&self, area_code: &str, date: &str, xml: &str) -> Result<(), TransportError> {
        if !digits(area_code, 6) || chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
            return Err(TransportError::BadId(format!("{area_code}/{date}")));
        }
        let path = self.root.join(area_code).join("LogBiz").join(format!("LogBiz{}.xml", date.replace('-', "")));
        write_atomically(&path, xml.as_bytes()).await?;
        Ok(())
    }

    async fn acknowledged(&self, area_code: &str, biz_msg_id: &str) -> Result<(), TransportError> {
        let (out, back) = self.paths(area_code, biz_msg_id)?;
        remove_if_there(&out).await?;
        remove_if_there(&back).await?;
        Ok(())
    }

    async fn reconciliation_lists(&self) -> Result<Vec<(String, String)>, TransportError> {
        let mut out = Vec::new();
        let Ok(mut areas) = tokio::fs::read_dir(&self.root).await else { return Ok(out) };
        while let Some(area) = areas.next_entry().await? {
            let Ok(mut files) = tokio::fs::read_dir(area.path().join("Reconcile")).await else { continue };
            while let Some(f) = files.next_entry().await? {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.ends_with(".xml") {
                    out.push((format!("{}/{name}", area.file_name().to_string_lossy()), String::from_utf8_lossy(&tokio::fs::read(f.path()).await?).into_owned()));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    async fn response(&self, area_code: &str, biz_msg_id: &str) -> Result<Option<String>, TransportError> {
        let (_, back) = self.paths(area_code, biz_msg_id)?;
        match tokio::fs::read(&back).await {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The provincial platform's HTTP interface: `POST {base}/api/province/messages` with the message
/// as `application/xml`; the answer (`<respond>`) comes back in the body.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    base: String,
    client: reqwest::Client,
}

impl HttpTransport {
    pub fn new(base: impl Into<String>) -> Self {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap_or_default();
        HttpTransport { base: base.into().trim_end_matches('/').to_owned(), client }
    }
}

#[async_trait::async_trait]
impl ProvinceTransport for HttpTransport {
    async fn send(&self, _area_code: &str, biz_msg_id: &str, xml: &str) -> Result<Option<String>, TransportError> {
        let resp = self
            .client
            .post(format!("{}/api/province/messages", self.base))
            .header("content-type", "application/xml; charset=utf-8")
            .header("x-biz-msg-id", biz_msg_id)
            .body(xml.to_owned())
            .send()
            .await
            .map_err(|e| TransportError::Http(e.to_string()))?;
        if resp.status().is_server_error() {
            return Err(TransportError::Http(format!("HTTP {}", resp.status())));
        }
        Ok(Some(resp.text().await.map_err(|e| TransportError::Http(e.to_string()))?))
    }

    async fn response(&self, _area_code: &str, _biz_msg_id: &str) -> Result<Option<String>, TransportError> {
        // Answers arrive with the request; nothing is pending on this transport.
        Ok(None)
    }

    async fn send_log(&self, area_code: &str, date: &str, xml: &str) -> Result<(), TransportError> {
        let resp = self
            .client
            .post(format!("{}/api/province/logs?area={area_code}&date={date}", self.base))
            .header("content-type", "application/xml; charset=utf-8")
            .body(xml.to_owned())
            .send()
            .await
            .map_err(|e| TransportError::Http(e.to_string()))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(TransportError::Http(format!("HTTP {}", resp.status())))
        }
    }
}

#[cfg(test)]
mod tls_tests {
    /// The HTTP client speaks TLS (rustls), so `https://` province and court addresses work: a
    /// request to a closed local port fails to connect, not for an unsupported scheme.
    #[tokio::test]
    async fn https_addresses_are_supported() {
        let err = reqwest::Client::new().get("https://127.0.0.1:9/").send().await.unwrap_err();
        assert!(!err.is_builder(), "https must be supported: {err:?}");
        assert!(err.is_connect(), "{err:?}");
    }
}
