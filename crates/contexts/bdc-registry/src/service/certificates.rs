//! Electronic certificates (电子证书证明) and their authenticity (证书真伪查询, B5).
//!
//! Each certificate's QR code carries a payload signed with the registry's SM2 key:
//! `BDCZ1.<base64url(JSON facts)>.<signature hex>`. The facts are the certificate number, its
//! kind, the unit number, the registration date and the masked holder names, so a scanned code
//! can be checked offline against the public key, and online against the register (it may have
//! been voided since). An altered or invented payload fails the signature and is reported as
//! forged. Every public query is logged with what was asked (masked) and the answer (C1.4).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::rights::RightKind;
use crate::store::{journal, registry};
use bdc_core::masking::mask_name;
use bdc_crypto::sm2_verify_hex;

use crate::service::documents::{self, DocumentKind};
use crate::service::{ServiceError, ServiceResult, Services};

/// The key purpose certificates are signed with.
pub const KEY_PURPOSE: &str = "certificate";
const PREFIX: &str = "BDCZ1";

/// What the QR code states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrFacts {
    /// 证书号.
    pub n: String,
    /// `title` 不动产权证书 or `proof` 不动产登记证明.
    pub k: String,
    /// 不动产单元号.
    pub u: String,
    /// 登簿日期.
    pub d: String,
    /// 权利人, masked.
    pub h: String,
}

impl QrFacts {
    /// Whether the code is a printed document's (登记文书: 受理回执, 告知书, 申请书, 查询结果证明)
    /// rather than a certificate's; its fields then read 文书编号, 文书种类, 对象, 摘要, 出具日期.
    pub fn is_document(&self) -> bool {
        DocumentKind::parse(&self.k).is_some()
    }

    /// 证书种类 or 文书种类 in Chinese.
    pub fn kind_name(&self) -> &'static str {
        match (self.k.as_str(), DocumentKind::parse(&self.k)) {
            (_, Some(d)) => d.name(),
            ("title", None) => "不动产权证书",
            _ => "不动产登记证明",
        }
    }
}

/// Everything a certificate shows, gathered from the register.
#[derive(Debug, Clone)]
pub struct CertificateView {
    pub number: String,
    pub kind: String,
    /// valid or void (as stored; a certificate whose right has ended is void too, see
    /// [`CertificateView::in_force`]).
    pub status: String,
    /// Whether its right is still current (a transfer or cancellation ends it).
    pub right_current: bool,
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    pub house_use: Option<String>,
    pub right_kind: RightKind,
    pub co_ownership: String,
    /// `(name, masked ID, share)` of each holder.
    pub holders: Vec<(String, String, String)>,
    pub attrs: std::collections::BTreeMap<String, String>,
    pub registered_on: String,
    pub land_use: String,
    pub right_nature: String,
    pub land_term: String,
    pub case_id: Option<i64>,
}

/// Loads a certificate with its right, unit and holders.
pub async fn view(s: &Services, number: &str) -> ServiceResult<Option<CertificateView>> {
    let mut conn = s.db.conn().await?;
    let Some((cert, unit_id)) = registry::get_certificate(&mut conn, number).await? else { return Ok(None) };
    let unit = registry::get_unit(&mut conn, unit_id).await?.ok_or_else(|| ServiceError::NotFound("不动产单元不存在".into()))?;
    let parcel = registry::get_parcel(&mut conn, &unit.parcel_code).await?;
    let rights = registry::rights_of_unit(&mut conn, unit_id, false).await?;
    let right = rights.into_iter().find(|r| r.view.id == cert.right_id).ok_or_else(|| ServiceError::NotFound("证书对应的权利不存在".into()))?;
    let mut holders = Vec::new();
    for h in &right.view.holders {
        if let Some(p) = registry::get_party(&mut conn, h.party_id).await? {
            holders.push((p.name, p.id_number_masked, h.share.to_string()));
        }
    }
    let registered_on = match journal::entry(&mut conn, cert.issued_seq).await? {
        Some(e) => registered_on(&e.at)?,
        None => String::new(),
    };
    Ok(Some(CertificateView {
        number: cert.number,
        kind: cert.kind,
        status: cert.status,
        right_current: right.view.state == crate::domain::rights::RightState::Current,
        unit_id,
        unit_number: unit.unit_number,
        location: unit.location,
        area: unit.area,
        house_use: unit.house_use,
        right_kind: right.view.kind,
        co_ownership: right.view.co_ownership.name().into(),
        holders,
        attrs: right.view.attrs,
        registered_on,
        land_use: parcel.as_ref().map(|p| p.land_use.clone()).unwrap_or_default(),
        right_nature: parcel.as_ref().map(|p| p.right_nature.clone()).unwrap_or_default(),
        land_term: parcel.as_ref().map(|p| format!("{} 起 {} 止", p.term_start.clone().unwrap_or_default(), p.term_end.clone().unwrap_or_default())).unwrap_or_default(),
        case_id: cert.case_id,
    }))
}

/// 登簿日期 of a journal entry: the business date in Beijing (a registration at 07:45 on 12-02 is
/// of 12-02, though the journal keeps 23:45 of 12-01 UTC).
fn registered_on(at: &str) -> ServiceResult<String> {
    Ok(bdc_core::time::business_date(bdc_db::parse_time(at)?).format("%Y-%m-%d").to_string())
}

impl CertificateView {
    /// 有效: not voided, and its right still current.
    pub fn in_force(&self) -> bool {
        self.status == "valid" && self.right_current
    }
}

fn facts_of(v: &CertificateView) -> QrFacts {
    QrFacts { n: v.number.clone(), k: v.kind.clone(), u: v.unit_number.clone(), d: v.registered_on.clone(), h: v.holders.iter().map(|(n, _, _)| mask_name(n)).collect::<Vec<_>>().join("、") }
}

/// The signed QR payload of a certificate.
pub async fn qr_payload(s: &Services, v: &CertificateView) -> ServiceResult<String> {
    let key = crate::service::keys::signing_key(s, KEY_PURPOSE).await?;
    let body = B64.encode(serde_json::to_vec(&facts_of(v)).map_err(|e| ServiceError::Internal(Box::new(e)))?);
    let signed = format!("{PREFIX}.{body}");
    Ok(format!("{signed}.{}", key.sign_hex(signed.as_bytes())))
}

/// The answer of an authenticity query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 真实有效, with the masked facts.
    Genuine(QrFacts),
    /// 已注销 (voided: replaced, transferred, cancelled).
    Void(QrFacts),
    /// 未查询到.
    NotFound,
    /// 二维码内容被伪造或篡改.
    Forged,
}

impl Verdict {
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Genuine(_) => "genuine",
            Verdict::Void(_) => "void",
            Verdict::NotFound => "not_found",
            Verdict::Forged => "forged",
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Genuine(_) => "真实有效",
            Verdict::Void(_) => "已注销（证书作废）",
            Verdict::NotFound => "未查询到该证书",
            Verdict::Forged => "二维码内容经核验被伪造或篡改",
        }
    }
}

async fn log(s: &Services, user_id: Option<i64>, client: &str, query: &str, verdict: &Verdict) -> ServiceResult<()> {
    let mut conn = s.db.conn().await?;
    bdc_audit::queries::log(&mut conn, "certificate_authenticity", user_id, client, query, verdict.code(), Utc::now()).await?;
    Ok(())
}

fn verdict_of(v: Option<CertificateView>) -> Verdict {
    match v {
        None => Verdict::NotFound,
        Some(v) if v.in_force() => Verdict::Genuine(facts_of(&v)),
        Some(v) => Verdict::Void(facts_of(&v)),
    }
}

/// The rate limit of 证书真伪查询 (per user when logged in, and per address): it is open to
/// anyone, so without one it would let a script walk through certificate numbers.
async fn check_limit(s: &Services, user_id: Option<i64>, client: &str) -> ServiceResult<()> {
    crate::service::limits::hit(s, crate::service::limits::Kind::CertificateCheck, user_id.map(|u| u.to_string()).as_deref(), client).await
}

/// 证书真伪查询 by holder name and certificate number: the name must be one of the holders'.
#[tracing::instrument(name = "verify_certificate", skip_all)]
pub async fn verify_by_number(s: &Services, user_id: Option<i64>, client: &str, name: &str, number: &str) -> ServiceResult<Verdict> {
    check_limit(s, user_id, client).await?;
    let name = name.trim();
    let number = bdc_core::ids::CertificateNumber::typed(number);
    let number = number.as_str();
    if name.is_empty() || number.is_empty() {
        return Err(ServiceError::field("missing", if name.is_empty() { "name" } else { "number" }, "请填写权利人姓名（名称）和证书号"));
    }
    let v = view(s, number).await?.filter(|v| v.holders.iter().any(|(n, _, _)| n == name));
    let verdict = verdict_of(v);
    log(s, user_id, client, &format!("{} / {}", mask_name(name), number), &verdict).await?;
    Ok(verdict)
}

/// The signed text of a scanned code: the payload itself, or the verification address that
/// carries it (`…/verify?payload=BDCZ1.…`, what the certificate's QR code holds).
fn scanned(text: &str) -> &str {
    let text = text.trim();
    match text.split_once("payload=") {
        Some((_, rest)) => rest.split('&').next().unwrap_or(rest),
        None => text,
    }
}

/// 证书真伪查询 by the QR payload: the signature first, then the register. A printed
/// document's payload ([`documents::PREFIX`]) is checked against its issued row instead, and a
/// genuine one answers with its facts under its own kind ([`QrFacts::is_document`]).
#[tracing::instrument(name = "verify_certificate_qr", skip_all)]
pub async fn verify_payload(s: &Services, user_id: Option<i64>, client: &str, payload: &str) -> ServiceResult<Verdict> {
    check_limit(s, user_id, client).await?;
    let payload = scanned(payload);
    // A printed document's code (BDCW1): its signature and its issued row.
    if documents::is_document_payload(payload) {
        let verdict = match documents::verify(s, payload).await? {
            Some((f, row)) => Verdict::Genuine(QrFacts { n: f.n, k: f.k, u: f.s, d: f.d, h: row.summary }),
            None => Verdict::Forged,
        };
        log(s, user_id, client, &payload.chars().take(60).collect::<String>(), &verdict).await?;
        return Ok(verdict);
    }
    let verdict = match check_signature(s, payload).await? {
        None => Verdict::Forged,
        Some(facts) => match verdict_of(view(s, &facts.n).await?) {
            // The register must still say what the code says.
            Verdict::Genuine(now) | Verdict::Void(now) if now.u != facts.u || now.k != facts.k => Verdict::Forged,
            other => other,
        },
    };
    log(s, user_id, client, &payload.chars().take(60).collect::<String>(), &verdict).await?;
    Ok(verdict)
}

/// The facts of a payload whose signature is the registry's; `None` when it is not.
async fn check_signature(s: &Services, payload: &str) -> ServiceResult<Option<QrFacts>> {
    let mut parts = payload.rsplitn(2, '.');
    let (Some(sig), Some(signed)) = (parts.next(), parts.next()) else { return Ok(None) };
    let Some(body) = signed.strip_prefix(&format!("{PREFIX}.")) else { return Ok(None) };
    let key = crate::service::keys::signing_key(s, KEY_PURPOSE).await?;
    if !sm2_verify_hex(&key.public_key_hex(), signed.as_bytes(), sig).unwrap_or(false) {
        return Ok(None);
    }
    Ok(B64.decode(body).ok().and_then(|b| serde_json::from_slice::<QrFacts>(&b).ok()))
}

/// The certificate or proof as a PDF with its signed QR code (电子证书证明), in the configured
/// CJK font ([`Services::cjk_font`]).
pub async fn pdf(s: &Services, v: &CertificateView) -> ServiceResult<Vec<u8>> {
    use crate::domain::register::attr;
    use bdc_adapters::certificate_pdf::{render, CertificateDoc, CertificateKind};
    let payload = qr_payload(s, v).await?;
    let holders = v.holders.iter().map(|(n, id, _)| format!("{n}（{id}）")).collect::<Vec<_>>().join("、");
    let shares = v.holders.iter().filter(|(_, _, sh)| sh != "1").map(|(n, _, sh)| format!("{n} {sh}")).collect::<Vec<_>>().join("，");
    let mut other = Vec::new();
    for (k, label) in [(attr::AMOUNT, "被担保主债权数额（元）"), (attr::RANK, "抵押顺位"), (attr::TERM_START, "期限起"), (attr::TERM_END, "期限止")] {
        if let Some(x) = v.attrs.get(k) {
            other.push(format!("{label}：{x}"));
        }
    }
    if !shares.is_empty() {
        other.push(format!("份额：{shares}"));
    }
    let doc = CertificateDoc {
        kind: if v.kind == "title" { CertificateKind::Title } else { CertificateKind::Proof },
        number: v.number.clone(),
        authority: "常州市不动产登记中心".into(),
        issued_on: v.registered_on.clone(),
        holders,
        co_ownership: v.co_ownership.clone(),
        location: v.location.clone(),
        unit_number: v.unit_number.clone(),
        right_kind: v.right_kind.name().into(),
        right_nature: match v.right_nature.as_str() {
            "101" => "划拨".into(),
            "102" => "出让".into(),
            "" => String::new(),
            other => other.to_owned(),
        },
        usage: [v.land_use.clone(), v.house_use.as_deref().map(|u| if u == "10" { "住宅".to_owned() } else { u.to_owned() }).unwrap_or_default()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" / "),
        area: v.area.map(|a| format!("房屋建筑面积 {a:.2} ㎡")).unwrap_or_default(),
        term: v.land_term.clone(),
        other: other.join("\n"),
        note: v.attrs.get(attr::NOTE).cloned().unwrap_or_default(),
        obligors: String::new(),
        // A phone's camera opens the verification page with the signed payload.
        qr_payload: format!("{}/verify?payload={payload}", s.public_url.trim_end_matches('/')),
    };
    let (font, index) = s.cjk_font.load().map_err(|e| ServiceError::Internal(Box::new(e)))?;
    tokio::task::spawn_blocking(move || render(&doc, &font, index)).await.map_err(|e| ServiceError::Internal(Box::new(e)))?.map_err(|e| ServiceError::Internal(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_typed_on_a_chinese_keyboard_reads_as_the_registers() {
        for typed in
            ["苏(2026)常州市不动产权第0000001号", "苏（2026）常州市不动产权第0000001号", " 苏（２０２６）常州市 不动产权第０００００01号\u{3000}", "苏 (2026) 常州市不动产权第 0000001 号\u{a0}"]
        {
            assert_eq!(bdc_core::ids::CertificateNumber::typed(typed), "苏(2026)常州市不动产权第0000001号", "{typed:?}");
        }
    }

    #[test]
    fn the_registration_date_is_beijing_s() {
        assert_eq!(registered_on("2026-12-01T23:45:00.000000Z").unwrap(), "2026-12-02");
        assert_eq!(registered_on("2026-12-01T15:59:59.999999Z").unwrap(), "2026-12-01");
        assert_eq!(registered_on("2026-12-01T16:00:00.000000Z").unwrap(), "2026-12-02");
    }

    #[test]
    fn a_scanned_code_is_the_payload_or_the_address_carrying_it() {
        assert_eq!(scanned(" BDCZ1.abc.0f "), "BDCZ1.abc.0f");
        assert_eq!(scanned("https://bdc.example.gov.cn/verify?payload=BDCZ1.abc.0f"), "BDCZ1.abc.0f");
        assert_eq!(scanned("http://127.0.0.1:8080/verify?payload=BDCZ1.abc.0f&x=1"), "BDCZ1.abc.0f");
    }
}
