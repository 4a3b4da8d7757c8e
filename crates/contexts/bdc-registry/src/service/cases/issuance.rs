//! 发证 with its own fields: the person collecting (领证人姓名, 证件类型 and 证件号码, 与权利人关系)
//! and, for each certificate of the case, the 证书印制号 of the blank it was printed on.
//!
//! The form is checked whole (every problem beside its field, [`FieldErrors`]) before the
//! transaction; the certificates and the 印制号 already used are checked inside it, and the rows
//! are written in the very transaction of the `issue` transition, so a refusal changes nothing.

use bdc_core::ids::CitizenId;
use bdc_core::masking::mask_id_number;
use bdc_core::FieldErrors;
use bdc_db::AnyConnection;

use crate::domain::issuance::{document_number_ok, serial_ok};
pub use crate::domain::issuance::{IdKind, Relation};
use crate::service::{Actor, ServiceError, ServiceResult, Services};
pub use crate::store::issuances::Issued;
use crate::store::issuances::{self as store, NewIssuance};

/// 发证 as the clerk or an API client fills it in.
#[derive(Debug, Clone, Default)]
pub struct Issuance {
    /// 领证人姓名.
    pub recipient_name: String,
    /// 证件类型 code ([`IdKind::code`]).
    pub id_kind: String,
    /// 证件号码.
    pub id_number: String,
    /// 与权利人关系 code ([`Relation::code`]).
    pub relation: String,
    /// 证书印制号 per certificate: `(certificate number, serial)`. An entry without a number
    /// takes the next certificate of the case not named otherwise, in number order.
    pub serials: Vec<(Option<String>, String)>,
}

/// The field a certificate's 印制号 is reported under: its place among the case's certificates
/// in number order (`serials[0]` …), as the case page lists them.
pub fn serial_field(index: usize) -> String {
    format!("serials[{index}]")
}

/// The person, checked: what does not depend on the case.
#[derive(Debug, Clone)]
struct Recipient {
    name: String,
    kind: IdKind,
    id_number: String,
    relation: Relation,
}

impl Recipient {
    /// How the event and the case's state reason name him (the number masked).
    fn summary(&self) -> String {
        format!("领证人：{}（{}，{} {}）", self.name, self.relation.name(), self.kind.name(), mask_id_number(&self.id_number))
    }
}

/// Checks the person's fields, noting every problem beside its field.
fn check_recipient(i: &Issuance, errors: &mut FieldErrors) -> Option<Recipient> {
    let name = i.recipient_name.trim();
    if name.is_empty() {
        errors.add("recipient_required", "recipient_name", "请填写领证人姓名");
    } else if name.chars().count() > 50 {
        errors.add("recipient_too_long", "recipient_name", "领证人姓名不超过 50 个字");
    } else if let Err(e) = bdc_core::text::check(name) {
        errors.add("bad_recipient", "recipient_name", format!("领证人姓名{e}"));
    }
    let kind = IdKind::parse(i.id_kind.trim());
    if kind.is_none() {
        errors.add("bad_id_kind", "id_kind", "请选择证件类型：居民身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证或其他");
    }
    let number = i.id_number.trim().to_uppercase();
    let id_number = match kind {
        _ if number.is_empty() => {
            errors.add("id_number_required", "id_number", "请填写领证人的证件号码");
            None
        }
        Some(IdKind::ResidentCard) => match CitizenId::parse(&number) {
            Ok(id) => Some(id.as_str().to_owned()),
            Err(e) => {
                errors.add("bad_id_number", "id_number", format!("身份证号码有误：{e}"));
                None
            }
        },
        Some(_) if !document_number_ok(&number) => {
            errors.add("bad_id_number", "id_number", "证件号码应为 5 至 30 位字母或数字");
            None
        }
        Some(_) => Some(number),
        None => None,
    };
    let relation = Relation::parse(i.relation.trim());
    if relation.is_none() {
        errors.add("bad_relation", "relation", "请选择与权利人关系：本人、代理人或其他");
    }
    match (kind, id_number, relation) {
        (Some(kind), Some(id_number), Some(relation)) if !errors.has("recipient_name") => Some(Recipient { name: name.to_owned(), kind, id_number, relation }),
        _ => None,
    }
}

/// Pairs each certificate of the case with its 印制号, noting what is missing, malformed, given
/// twice or already used in the office.
async fn serials_for(conn: &mut AnyConnection, certificates: &[String], given: &[(Option<String>, String)], errors: &mut FieldErrors) -> ServiceResult<Vec<(String, String)>> {
    let mut assigned: Vec<Option<String>> = vec![None; certificates.len()];
    let mut unnamed = Vec::new();
    for (number, serial) in given {
        let serial = serial.trim().to_uppercase();
        match number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => match certificates.iter().position(|c| c == n) {
                Some(i) => assigned[i] = Some(serial),
                None => errors.add("unknown_certificate", "serials", format!("证书 {n} 不是本业务缮制的证书")),
            },
            None => unnamed.push(serial),
        }
    }
    let mut unnamed = unnamed.into_iter();
    for slot in assigned.iter_mut().filter(|s| s.is_none()) {
        *slot = unnamed.next();
    }
    if unnamed.next().is_some() {
        errors.add("too_many_serials", "serials", format!("本业务共 {} 本证书（证明），填写的印制号多于证书数", certificates.len()));
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, (cert, serial)) in certificates.iter().zip(&assigned).enumerate() {
        let field = serial_field(i);
        match serial.as_deref() {
            None | Some("") => errors.add("serial_required", &field, format!("请填写证书 {cert} 的证书印制号")),
            Some(s) if !serial_ok(s) => errors.add("bad_serial", &field, "证书印制号应为 4 至 32 位字母或数字（印在空白证书纸上的编号）"),
            Some(s) if seen.iter().any(|x| x == s) => errors.add("serial_repeated", &field, format!("印制号 {s} 填写了两次：每本证书的印制号各不相同")),
            Some(s) => seen.push(s.to_owned()),
        }
    }
    for taken in store::serials_taken(conn, &seen).await? {
        if let Some(i) = assigned.iter().position(|s| s.as_deref() == Some(taken.as_str())) {
            errors.add("serial_taken", &serial_field(i), format!("印制号 {taken} 已用于其他证书，同一印制号不能重复使用"));
        }
    }
    Ok(certificates.iter().cloned().zip(assigned.into_iter().map(Option::unwrap_or_default)).collect())
}

/// Records the 发证 of case `case_id` inside the `issue` transition's transaction: every
/// certificate with its 印制号 and the receiver, his number sealed. A problem of any field
/// refuses it, all of them reported together. Returns how the event names the receiver.
pub(crate) async fn record(s: &Services, conn: &mut AnyConnection, actor: &Actor, case_id: i64, input: &Issuance, now: &str) -> ServiceResult<String> {
    let mut errors = FieldErrors::new();
    let recipient = check_recipient(input, &mut errors);
    let certificates = store::certificates_of_case(conn, case_id).await?;
    let pairs = serials_for(conn, &certificates, &input.serials, &mut errors).await?;
    errors.finish()?;
    let r = recipient.ok_or_else(|| ServiceError::field("recipient_required", "recipient_name", "请填写领证人信息"))?;
    let (enc, bidx, masked) = (s.cipher().encrypt(&r.id_number), s.cipher().blind_index(&r.id_number), mask_id_number(&r.id_number));
    for (i, (certificate, serial)) in pairs.iter().enumerate() {
        let row = NewIssuance {
            case_id,
            certificate_number: certificate,
            print_serial: serial,
            recipient_name: &r.name,
            id_kind: r.kind,
            id_number_enc: &enc,
            id_number_bidx: &bidx,
            id_number_masked: &masked,
            relation: r.relation,
            issued_by: &actor.username,
            issued_at: now,
        };
        match store::insert(conn, &row).await {
            Ok(()) => {}
            // Another 发证 took the serial between the check and the write.
            Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::field("serial_taken", &serial_field(i), format!("印制号 {serial} 已用于其他证书，同一印制号不能重复使用"))),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(r.summary())
}

/// What 发证 has to hand over for a case and what it recorded: `(certificates, issued)`.
pub async fn sheet(conn: &mut AnyConnection, case_id: i64) -> ServiceResult<(Vec<String>, Vec<Issued>)> {
    Ok((store::certificates_of_case(conn, case_id).await?, store::of_case(conn, case_id).await?))
}
