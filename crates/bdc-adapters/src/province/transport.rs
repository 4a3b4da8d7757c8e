//! How messages reach the province (报文传输).

use std::path::{Path, PathBuf};

/// Errors of a transport.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("报文标识无效：{0}")]
    BadId(String),
    #[error("前置机目录读写失败")]
    Io(#[from] std::io::Error),
}

/// A way to hand messages to the provincial platform and collect its answers.
#[async_trait::async_trait]
pub trait ProvinceTransport: Send + Sync + std::fmt::Debug {
    /// Delivers a message. Delivering the same message again replaces it (idempotent).
    async fn send(&self, area_code: &str, biz_msg_id: &str, xml: &str) -> Result<(), TransportError>;
    /// The province's response to a message, once there is one.
    async fn response(&self, area_code: &str, biz_msg_id: &str) -> Result<Option<String>, TransportError>;
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

/// Writes a file so that a reader sees all of it or none of it.
pub async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let tmp = path.with_extension("xml.part");
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, path).await
}

#[async_trait::async_trait]
impl ProvinceTransport for FileExchange {
    async fn send(&self, area_code: &str, biz_msg_id: &str, xml: &str) -> Result<(), TransportError> {
        let (out, _) = self.paths(area_code, biz_msg_id)?;
        write_atomically(&out, xml.as_bytes()).await?;
        Ok(())
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
