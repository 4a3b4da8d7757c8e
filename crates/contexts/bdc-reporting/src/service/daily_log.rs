//! The daily registration log (登簿日志, A4.1): counts by registration type, the 登簿详单
//! (业务号, 登记类型, 权利类型, 不动产单元号, 证书证明号, 是否上报, 报文ID) and the 上报详单
//! (报文ID, 业务号, 不动产单元号) — as data, as the LogBiz message, and as an .xlsx workbook.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use quick_xml::escape::escape;

use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::domain::rights::RegistrationType;
use bdc_registry::register_api::journal::{self, Checkpoint, Step};
use bdc_registry::register_api::{cases as case_store, registry};
use bdc_registry::Services;

use crate::domain::MessageState;
use crate::store as reports;

/// One line of the 登簿详单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLine {
    pub case_number: String,
    pub registration_type: u16,
    pub right_type: u16,
    pub unit_number: String,
    /// Certificate and proof numbers issued, comma-joined.
    pub certificates: String,
    pub reported: bool,
    pub biz_msg_id: String,
}

/// One line of the 上报详单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine {
    pub biz_msg_id: String,
    pub case_number: String,
    pub unit_number: String,
}

/// The log of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyLog {
    pub date: NaiveDate,
    /// The office's 行政区划代码 and name (AreaCode, AreaName).
    pub area_code: String,
    pub area_name: String,
    /// first, transfer, change, logout, revise, dissenting, advance, seize, other.
    pub counts: [(&'static str, u32); 9],
    pub register_list: Vec<RegisterLine>,
    pub access_list: Vec<AccessLine>,
}

const COUNT_NAMES: [&str; 9] = ["first", "transfer", "change", "logout", "revise", "dissenting", "advance", "seize", "other"];

fn count_index(t: RegistrationType) -> usize {
    match t {
        RegistrationType::First => 0,
        RegistrationType::Transfer => 1,
        RegistrationType::Change => 2,
        RegistrationType::Cancellation => 3,
        RegistrationType::Correction => 4,
        RegistrationType::Objection => 5,
        RegistrationType::Advance => 6,
        RegistrationType::Seizure => 7,
        RegistrationType::Other => 8,
    }
}

/// Builds the log of `date` (Beijing time) from the journal and the report messages.
pub async fn daily_log(s: &Services, actor: &Actor, date: NaiveDate) -> ServiceResult<DailyLog> {
    actor.require(Permission::CaseRead)?;
    let tz = bdc_core::time::beijing_offset();
    let start = tz.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default()).single().ok_or_else(|| ServiceError::Internal("date".into()))?.with_timezone(&Utc);
    let mut conn = s.db.conn().await?;
    let entries = journal::entries_between(&mut conn, start, start + Duration::days(1)).await?;
    let mut counts = [0u32; 9];
    let mut register_list = Vec::new();
    let messages = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => reports::for_seqs(&mut conn, a.seq, b.seq).await?,
        _ => Vec::new(),
    };
    for e in &entries {
        let Some(payload) = journal::parse_payload(&e.payload) else { continue };
        let Some(flow) = super::report::reported_flow(&payload) else { continue };
        counts[count_index(flow.registration_type)] += 1;
        let certificates: Vec<String> = payload
            .steps
            .iter()
            .filter_map(|st| match st {
                Step::Create { certificate, .. } => certificate.clone(),
                Step::Recertify { certificate, .. } => Some(certificate.clone()),
                Step::End { .. } | Step::Relocate { .. } | Step::Rename { .. } => None,
            })
            .collect();
        let case = match payload.case_id {
            Some(id) => case_store::get_case(&mut conn, id).await?,
            None => None,
        };
        // A lapse has no case: its units are those of the messages that reported it.
        let units: Vec<i64> = match &case {
            Some(c) => c.units.iter().map(|u| u.0).collect(),
            None => messages.iter().filter(|m| m.journal_seq == e.seq).map(|m| m.unit_id).collect(),
        };
        for unit_id in units {
            let unit_number = registry::get_unit(&mut conn, unit_id).await?.map(|u| u.unit_number).unwrap_or_default();
            let msg = messages.iter().find(|m| m.journal_seq == e.seq && m.unit_id == unit_id);
            register_list.push(RegisterLine {
                case_number: payload.case_number.clone().unwrap_or_default(),
                registration_type: flow.registration_type.code(),
                right_type: flow.right_kind.qllx(),
                unit_number,
                certificates: certificates.join(","),
                reported: msg.is_some_and(|m| m.state == MessageState::Accepted),
                biz_msg_id: msg.map(|m| m.biz_msg_id.clone()).unwrap_or_default(),
            });
        }
    }
    let access_list = register_list
        .iter()
        .filter(|l| !l.biz_msg_id.is_empty())
        .map(|l| AccessLine { biz_msg_id: l.biz_msg_id.clone(), case_number: l.case_number.clone(), unit_number: l.unit_number.clone() })
        .collect();
    let mut named = [("", 0u32); 9];
    for (i, n) in COUNT_NAMES.iter().enumerate() {
        named[i] = (n, counts[i]);
    }
    Ok(DailyLog { date, area_code: s.office.city_code.clone(), area_name: s.office.city_name.clone(), counts: named, register_list, access_list })
}

/// The LogBiz message of a day as it is sent: with the journal checkpoint signed when it was
/// sent (`<Checkpoint>`, [`bdc_registry::register_api::journal::checkpoint_for_log`]), which the province keeps and checks against the
/// ones it received before ([`bdc_adapters::province::logbiz::check_log`]).
pub fn log_biz_xml_with_checkpoint(log: &DailyLog, cp: Option<&Checkpoint>) -> String {
    let xml = log_biz_xml(log);
    let Some(cp) = cp else { return xml };
    let element = bdc_adapters::province::logbiz::LogCheckpoint { seq: cp.seq, hash: cp.hash.clone(), at: cp.at.clone(), public_key: cp.public_key.clone(), signature: cp.signature.clone() }.to_xml();
    match xml.rfind("</LogBiz>") {
        Some(i) => format!("{}{element}{}", &xml[..i], &xml[i..]),
        None => xml,
    }
}

/// The LogBiz message of a day (without the checkpoint: as shown to staff).
pub fn log_biz_xml(log: &DailyLog) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LogBiz>\n<AreaCode>{}</AreaCode>\n<AreaName>{}</AreaName>\n", log.area_code, log.area_name);
    out.push_str(&format!("<AccessDate>{}</AccessDate>\n", log.date));
    for (name, n) in &log.counts {
        out.push_str(&format!("<{name}>{n}</{name}>\n"));
    }
    out.push_str("<RegisterList>\n");
    for l in &log.register_list {
        out.push_str(&format!(
            "<Register YWH=\"{}\" DJLX=\"{}\" QLLX=\"{}\" BDCDYH=\"{}\" ZSZMH=\"{}\" SFSB=\"{}\" BWID=\"{}\"/>\n",
            escape(&l.case_number),
            l.registration_type,
            l.right_type,
            escape(&l.unit_number),
            escape(if l.certificates.is_empty() { "/" } else { &l.certificates }),
            if l.reported { 1 } else { 0 },
            escape(if l.biz_msg_id.is_empty() { "/" } else { &l.biz_msg_id })
        ));
    }
    out.push_str("</RegisterList>\n<AccessList>\n");
    for a in &log.access_list {
        out.push_str(&format!("<Access YWH=\"{}\" BDCDYH=\"{}\" BWID=\"{}\"/>\n", escape(&a.case_number), escape(&a.unit_number), escape(&a.biz_msg_id)));
    }
    out.push_str("</AccessList>\n</LogBiz>\n");
    out
}

/// The log as an .xlsx workbook: a summary sheet, the 登簿详单 and the 上报详单.
pub fn xlsx(log: &DailyLog) -> ServiceResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(Box::new(e));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let names = ["首次登记", "转移登记", "变更登记", "注销登记", "更正登记", "异议登记", "预告登记", "查封登记", "其他登记"];
    let sheet = wb.add_worksheet().set_name("汇总").map_err(err)?;
    sheet.write_string_with_format(0, 0, format!("常州市不动产登簿日志 {}", log.date), &bold).map_err(err)?;
    for (i, (_, n)) in log.counts.iter().enumerate() {
        let row = u32::try_from(i + 2).unwrap_or(0);
        sheet.write_string(row, 0, names[i]).map_err(err)?;
        sheet.write_number(row, 1, f64::from(*n)).map_err(err)?;
    }
    let sheet = wb.add_worksheet().set_name("登簿详单").map_err(err)?;
    for (c, h) in ["业务号", "登记类型", "权利类型", "不动产单元号", "证书证明号", "是否上报", "报文ID"].iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold).map_err(err)?;
    }
    for (r, l) in log.register_list.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let cells = [
            l.case_number.clone(),
            l.registration_type.to_string(),
            l.right_type.to_string(),
            l.unit_number.clone(),
            l.certificates.clone(),
            if l.reported { "是".into() } else { "否".into() },
            l.biz_msg_id.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(row, u16::try_from(c).unwrap_or(0), v).map_err(err)?;
        }
    }
    let sheet = wb.add_worksheet().set_name("上报详单").map_err(err)?;
    for (c, h) in ["报文ID", "业务号", "不动产单元号"].iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold).map_err(err)?;
    }
    for (r, a) in log.access_list.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in [&a.biz_msg_id, &a.case_number, &a.unit_number].iter().enumerate() {
            sheet.write_string(row, u16::try_from(c).unwrap_or(0), v.as_str()).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
