//! The journal checkpoint carried by the daily 登簿日志 (LogBiz `<Checkpoint>`).
//!
//! BDC signs the head of its journal (the SM3 hash chain of every registration) each day with
//! its SM2 key and sends it inside that day's LogBiz message. The province keeps what it
//! received: a registry that later rewrote its history and recomputed the chain could not
//! produce a head that agrees with the ones already in the province's hands. The sandbox checks
//! what the province would: the element is there, its signature verifies, the journal never
//! goes backwards, the key stays the same, and a sequence number seen before keeps its hash.

use quick_xml::escape::escape;
use quick_xml::events::Event;
use quick_xml::Reader;

/// A signed journal head as carried in LogBiz.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogCheckpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken (UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ` as BDC stores times).
    pub at: String,
    /// SM2 public key, hex (SEC1 uncompressed).
    pub public_key: String,
    /// SM2 signature of [`LogCheckpoint::message`], hex.
    pub signature: String,
}

impl LogCheckpoint {
    /// The signed text: a fixed prefix, the sequence number, the hash and the time.
    pub fn message(seq: i64, hash: &str, at: &str) -> String {
        format!("BDC-JOURNAL-CHECKPOINT\n{seq}\n{hash}\n{at}")
    }

    /// Does the signature verify with the key the checkpoint names?
    pub fn signature_valid(&self) -> bool {
        bdc_crypto::sm2_verify_hex(&self.public_key, Self::message(self.seq, &self.hash, &self.at).as_bytes(), &self.signature).unwrap_or(false)
    }

    /// The `<Checkpoint>` element.
    pub fn to_xml(&self) -> String {
        format!(
            "<Checkpoint>\n<Seq>{}</Seq>\n<Hash>{}</Hash>\n<At>{}</At>\n<PublicKey>{}</PublicKey>\n<Signature>{}</Signature>\n</Checkpoint>\n",
            self.seq,
            escape(&self.hash),
            escape(&self.at),
            escape(&self.public_key),
            escape(&self.signature)
        )
    }
}

/// The checkpoint of a LogBiz message, if it carries one.
pub fn checkpoint_of(xml: &str) -> Result<Option<LogCheckpoint>, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut cp: Option<LogCheckpoint> = None;
    let mut seq_text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "Checkpoint" && path.last().map(String::as_str) == Some("LogBiz") {
                    if cp.is_some() {
                        return Err("登簿日志含有多个账本检查点".into());
                    }
                    cp = Some(LogCheckpoint::default());
                }
                path.push(name);
            }
            Ok(Event::Text(t)) => {
                if path.len() >= 2 && path[path.len() - 2] == "Checkpoint" {
                    let v = t.unescape().map(|c| c.into_owned()).map_err(|e| format!("账本检查点无法读取：{e}"))?;
                    if let Some(c) = cp.as_mut() {
                        match path[path.len() - 1].as_str() {
                            "Seq" => seq_text = v,
                            "Hash" => c.hash = v,
                            "At" => c.at = v,
                            "PublicKey" => c.public_key = v,
                            "Signature" => c.signature = v,
                            _ => {}
                        }
                    }
                }
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("登簿日志不是合法的 XML：{e}")),
        }
    }
    match cp {
        None => Ok(None),
        Some(mut c) => {
            c.seq = seq_text.trim().parse().map_err(|_| format!("账本检查点的序号无效：{seq_text}"))?;
            Ok(Some(c))
        }
    }
}

/// Checks the LogBiz message `xml` as the province does, against the checkpoint it accepted last
/// (`previous`); returns the checkpoint to keep. A message without a checkpoint is refused.
pub fn check_log(xml: &str, previous: Option<&LogCheckpoint>) -> Result<LogCheckpoint, String> {
    if !(xml.contains("<LogBiz>") && xml.contains("</LogBiz>")) {
        return Err("不是登簿日志（LogBiz）报文".into());
    }
    let cp = checkpoint_of(xml)?.ok_or_else(|| "登簿日志缺少账本检查点（Checkpoint）".to_owned())?;
    if cp.hash.len() != 64 || !cp.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("账本检查点的哈希应为 64 位十六进制 SM3 值：{}", cp.hash));
    }
    if !cp.signature_valid() {
        return Err(format!("账本检查点（第 {} 条）的 SM2 签名无效", cp.seq));
    }
    if let Some(p) = previous {
        if p.public_key != cp.public_key {
            return Err("账本检查点的签名密钥与此前收到的不同".into());
        }
        if cp.seq < p.seq {
            return Err(format!("账本检查点倒退：此前已收到第 {} 条，本次为第 {} 条", p.seq, cp.seq));
        }
        if cp.seq == p.seq && cp.hash != p.hash {
            return Err(format!("账本第 {} 条的哈希与此前收到的检查点不符：账本已被改写", cp.seq));
        }
    }
    Ok(cp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_crypto::SigningKeyPair;

    fn signed(key: &SigningKeyPair, seq: i64, hash: &str) -> LogCheckpoint {
        let at = "2026-12-01T16:00:00.000000Z".to_owned();
        let signature = key.sign_hex(LogCheckpoint::message(seq, hash, &at).as_bytes());
        LogCheckpoint { seq, hash: hash.into(), at, public_key: key.public_key_hex(), signature }
    }

    fn log_with(cp: &LogCheckpoint) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LogBiz>\n<AreaCode>320400</AreaCode>\n{}</LogBiz>\n", cp.to_xml())
    }

    #[test]
    fn the_province_checks_the_signed_head_and_that_history_is_never_rewritten() {
        let key = SigningKeyPair::generate();
        let a = signed(&key, 10, &"a".repeat(64));
        assert_eq!(checkpoint_of(&log_with(&a)).unwrap(), Some(a.clone()));
        assert_eq!(check_log(&log_with(&a), None), Ok(a.clone()));
        // Missing, or altered after signing.
        assert!(check_log("<LogBiz>\n</LogBiz>", None).unwrap_err().contains("缺少账本检查点"));
        let mut forged = a.clone();
        forged.seq = 11;
        assert!(check_log(&log_with(&forged), None).unwrap_err().contains("签名无效"));
        // Against the previous one: going back, another key, the same seq with another hash.
        let b = signed(&key, 12, &"b".repeat(64));
        assert_eq!(check_log(&log_with(&b), Some(&a)), Ok(b.clone()));
        assert!(check_log(&log_with(&a), Some(&b)).unwrap_err().contains("倒退"));
        let other = signed(&SigningKeyPair::generate(), 13, &"c".repeat(64));
        assert!(check_log(&log_with(&other), Some(&b)).unwrap_err().contains("签名密钥"));
        let rewritten = signed(&key, 12, &"d".repeat(64));
        assert!(check_log(&log_with(&rewritten), Some(&b)).unwrap_err().contains("已被改写"));
    }
}
