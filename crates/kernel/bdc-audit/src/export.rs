//! The audit log as an Excel workbook (审计日志导出): one sheet of the rows a supervisor
//! selected, in the order and with the headings of the 审计日志 page.

use std::collections::BTreeMap;

use bdc_core::ServiceError;

use crate::store::AuditEntry;

/// The Chinese name of an outcome as stored (`success`, `failure`, `denied`).
pub fn outcome_name(code: &str) -> &'static str {
    match code {
        "success" => "成功",
        "denied" => "拒绝",
        "failure" => "失败",
        _ => "其他",
    }
}

/// The workbook of `rows`; `names` gives a user's display name by username (姓名), `time` the
/// instant as shown (Beijing time).
pub fn xlsx(rows: &[AuditEntry], names: &BTreeMap<String, String>, time: impl Fn(&AuditEntry) -> String) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(Box::new(e));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet().set_name("审计日志").map_err(err)?;
    let headings = ["时间（北京时间）", "姓名", "用户名", "操作", "对象", "结果", "状态码", "详情", "请求号", "来源地址"];
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold).map_err(err)?;
    }
    for (r, e) in rows.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let cells = [
            time(e),
            names.get(&e.actor_name).cloned().unwrap_or_default(),
            e.actor_name.clone(),
            e.action.clone(),
            e.target.clone(),
            outcome_name(&e.outcome).to_owned(),
            e.status.to_string(),
            e.detail.clone(),
            e.request_id.clone(),
            e.client_addr.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(row, u16::try_from(c).unwrap_or(0), v).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
