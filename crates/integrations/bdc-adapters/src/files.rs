//! File storage (文件存储): one interface for scans, attachments and generated documents.
//!
//! Files are addressed by an opaque key chosen by the caller (e.g. `cases/2026/0001/scan-1.pdf`).
//! The local implementation keeps them under a directory; an S3-compatible store can implement
//! the same trait for deployments. Keys are checked so that no key reaches outside the root.

use std::path::{Path, PathBuf};

/// Errors of file storage.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("文件键无效：{0}")]
    BadKey(String),
    #[error("文件不存在：{0}")]
    NotFound(String),
    #[error("文件存储读写失败")]
    Io(#[from] std::io::Error),
}

/// A place to keep files.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key`, replacing what was there. The write is atomic: a reader sees
    /// the old file or the new one, never half of it.
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), FileError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, FileError>;
    async fn exists(&self, key: &str) -> Result<bool, FileError>;
}

/// Files in a local directory (the default: `{data_dir}/files`).
#[derive(Debug, Clone)]
pub struct LocalFileStore {
    root: PathBuf,
}

impl LocalFileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFileStore { root: root.into() }
    }

    /// The path of a key: segments of letters, digits, `-`, `_` and `.`, none of them `.` or `..`.
    fn path(&self, key: &str) -> Result<PathBuf, FileError> {
        let ok_segment = |s: &str| !s.is_empty() && s != "." && s != ".." && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if key.len() > 512 || !key.split('/').all(ok_segment) {
            return Err(FileError::BadKey(key.to_owned()));
        }
        Ok(self.root.join(Path::new(key)))
    }
}

#[async_trait::async_trait]
impl FileStore for LocalFileStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), FileError> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, FileError> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::NotFound(key.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    async fn exists(&self, key: &str) -> Result<bool, FileError> {
        Ok(tokio::fs::try_exists(self.path(key)?).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_and_reads_back_and_refuses_escaping_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path());
        store.put("cases/2026/a.pdf", b"%PDF").await.unwrap();
        assert_eq!(store.get("cases/2026/a.pdf").await.unwrap(), b"%PDF");
        assert!(store.exists("cases/2026/a.pdf").await.unwrap());
        assert!(matches!(store.get("cases/none.pdf").await, Err(FileError::NotFound(_))));
        for bad in ["../etc/passwd", "/abs", "a//b", "a/./b", "a\\b", ""] {
            assert!(matches!(store.put(bad, b"x").await, Err(FileError::BadKey(_))), "{bad}");
        }
    }
}
