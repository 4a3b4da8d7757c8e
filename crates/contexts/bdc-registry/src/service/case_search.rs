//! 业务查询 — staff find any case, open or finished, by what they were told at the counter or on
//! the phone: 业务号, the applicant's name or ID number, 坐落, 不动产单元号, the certificate
//! number, the flow, the state, the 受理 dates and the channel; paged in the database, and
//! exported to .xlsx (导出 Excel, audited: exports of personal data are what 监管 watches).
//!
//! The use case checks the permission (case.read), reads the conditions as typed — a certificate
//! number written on a Chinese keyboard (`苏（2025）…`), an ID number with a lower-case `x` —
//! and refuses what cannot be a condition with a Chinese message beside its field. Applicants'
//! ID numbers are sealed: a case is found by the number's blind index, and shown masked.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::catalogue::{self, Channel};
use crate::domain::workflow::CaseState;
use crate::store::case_search::{self as store, FoundCase, SearchConditions};
use bdc_core::access::Permission;
use bdc_core::ids::CertificateNumber;
use bdc_core::masking::{mask_id_number, mask_name};
use bdc_db::{Page, PageRequest};

use crate::service::{Actor, ServiceError, ServiceResult, Services};

pub use crate::store::case_search::SearchOrder;

/// The most rows one export holds; past it the sheet says the list was cut.
pub const EXPORT_CAP: usize = 10_000;

/// The longest text condition accepted (a 坐落 is well under it).
const MAX_TEXT: usize = 100;

/// 渠道 as the search offers it: at the counter, or online (any of the online channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelFilter {
    /// 窗口.
    Counter,
    /// 网上: 个人、企业、银行代办、开发企业代办.
    Online,
}

impl ChannelFilter {
    pub const ALL: [ChannelFilter; 2] = [ChannelFilter::Counter, ChannelFilter::Online];

    /// The code in the query string.
    pub fn code(self) -> &'static str {
        match self {
            ChannelFilter::Counter => "counter",
            ChannelFilter::Online => "online",
        }
    }

    /// 中文名称.
    pub fn name(self) -> &'static str {
        match self {
            ChannelFilter::Counter => "窗口",
            ChannelFilter::Online => "网上",
        }
    }

    pub fn parse(code: &str) -> Option<ChannelFilter> {
        ChannelFilter::ALL.into_iter().find(|c| c.code() == code)
    }

    fn stored_codes(self) -> Vec<&'static str> {
        match self {
            ChannelFilter::Counter => vec![Channel::Counter.code()],
            ChannelFilter::Online => [Channel::Individual, Channel::Enterprise, Channel::Bank, Channel::Developer].iter().map(|c| c.code()).collect(),
        }
    }
}

impl SearchOrder {
    pub const ALL: [SearchOrder; 3] = [SearchOrder::Newest, SearchOrder::CaseNumber, SearchOrder::DaysLeft];

    /// The code in the query string.
    pub fn code(self) -> &'static str {
        match self {
            SearchOrder::Newest => "newest",
            SearchOrder::CaseNumber => "case_number",
            SearchOrder::DaysLeft => "days_left",
        }
    }

    /// 中文名称.
    pub fn name(self) -> &'static str {
        match self {
            SearchOrder::Newest => "受理时间（最新在前）",
            SearchOrder::CaseNumber => "业务号",
            SearchOrder::DaysLeft => "剩余工作日（最少在前）",
        }
    }

    pub fn parse(code: &str) -> Option<SearchOrder> {
        SearchOrder::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// The conditions as typed (查询条件): every one optional, empty meaning "any". The page's GET
/// form and the API's query string carry exactly these names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchInput {
    /// 业务号 (whole or its beginning).
    pub case_number: String,
    /// 申请人姓名 (part of it).
    pub applicant: String,
    /// 申请人证件号码 (whole).
    pub id_number: String,
    /// 坐落 (part of it).
    pub location: String,
    /// 不动产单元号 (whole).
    pub unit_number: String,
    /// 不动产权证书号/证明号 (whole, as typed).
    pub certificate: String,
    /// 业务流程: the catalogue code.
    pub flow: String,
    /// 状态: the state's code.
    pub state: String,
    /// 受理日期 from, `YYYY-MM-DD`.
    pub from: String,
    /// 受理日期 to, `YYYY-MM-DD`.
    pub to: String,
    /// 渠道: `counter` or `online`.
    pub channel: String,
    /// 排序: `newest`, `case_number` or `days_left`.
    pub sort: String,
}

/// One case found, as the result table, the API and the sheet show it.
#[derive(Debug, Clone)]
pub struct CaseHit {
    pub id: i64,
    pub case_number: String,
    pub flow_code: String,
    /// 业务 (the flow's name).
    pub flow_name: String,
    pub state: CaseState,
    pub channel: String,
    /// 渠道 in Chinese.
    pub channel_name: String,
    /// 受理时间 (UTC; shown in Beijing time).
    pub received_at: Option<DateTime<Utc>>,
    pub accepted_on: NaiveDate,
    /// 承诺办结日期.
    pub deadline: NaiveDate,
    /// 剩余工作日 (negative: overdue); `None` once the case is closed (已归档, 退件, 撤回).
    pub days_left: Option<i64>,
    /// 坐落 of its units.
    pub locations: Vec<String>,
    /// 申请人: `(name, masked ID number)`.
    pub applicants: Vec<(String, String)>,
}

impl CaseHit {
    /// 受理时间 in Beijing, `2026-12-04 09:30`.
    pub fn received_beijing(&self) -> String {
        self.received_at.map(|t| bdc_core::time::beijing(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    }

    /// The applicants on one line: `张三（4405**********0014）、李四（…）`.
    pub fn applicants_line(&self) -> String {
        self.applicants.iter().map(|(n, id)| format!("{n}（{id}）")).collect::<Vec<_>>().join("、")
    }
}

/// A search read: the conditions as understood, and the order.
#[derive(Debug, Clone)]
pub struct Query {
    pub conditions: SearchConditions,
    pub order: SearchOrder,
    /// What was searched for, for the audit row (numbers masked).
    pub described: String,
}

fn text(field: &str, label: &str, value: &str) -> ServiceResult<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Err(bad) = bdc_core::text::check(v) {
        return Err(ServiceError::field("bad_text", field, format!("{label}第 {} 个字符是{}，请删除后重试", bad.position, bad.kind)));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(ServiceError::field("too_long", field, format!("{label}不能超过 {MAX_TEXT} 个字符")));
    }
    Ok(Some(v.to_owned()))
}

fn date(field: &str, label: &str, value: &str) -> ServiceResult<Option<NaiveDate>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| ServiceError::field("bad_date", field, format!("{label}应为日期，如 2026-12-04")))
}

/// Reads the conditions as typed; the first that cannot be a condition is refused beside its
/// field.
pub fn understand(input: &SearchInput, cipher: &bdc_crypto::FieldCipher) -> ServiceResult<Query> {
    let mut described = Vec::new();
    let mut c = SearchConditions { case_number: text("case_number", "业务号", &input.case_number)?, ..SearchConditions::default() };
    if let Some(n) = &c.case_number {
        described.push(format!("业务号={n}"));
    }
    c.applicant_name = text("applicant", "申请人姓名", &input.applicant)?;
    if let Some(n) = &c.applicant_name {
        described.push(format!("申请人={}", mask_name(n)));
    }
    if let Some(id) = text("id_number", "证件号码", &input.id_number)? {
        let id: String = CertificateNumber::typed(&id).to_uppercase();
        described.push(format!("证件号码={}", mask_id_number(&id)));
        c.applicant_id_bidx = Some(cipher.blind_index(&id));
    }
    c.location = text("location", "坐落", &input.location)?;
    if let Some(l) = &c.location {
        described.push(format!("坐落={l}"));
    }
    if let Some(u) = text("unit_number", "不动产单元号", &input.unit_number)? {
        let u = CertificateNumber::typed(&u).to_uppercase();
        described.push(format!("不动产单元号={u}"));
        c.unit_number = Some(u);
    }
    if let Some(cert) = text("certificate", "证书号", &input.certificate)? {
        let cert = CertificateNumber::typed(&cert);
        described.push(format!("证书号={cert}"));
        c.certificate_number = Some(cert);
    }
    if let Some(flow) = text("flow", "业务流程", &input.flow)? {
        let f = catalogue::flow(&flow).ok_or_else(|| ServiceError::field("unknown_flow", "flow", "请从列表中选择业务流程"))?;
        described.push(format!("业务流程={}", f.name));
        c.flow_code = Some(f.code.to_owned());
    }
    if let Some(state) = text("state", "状态", &input.state)? {
        let st = CaseState::parse(&state).ok_or_else(|| ServiceError::field("unknown_state", "state", "请从列表中选择业务状态"))?;
        described.push(format!("状态={}", st.name()));
        c.state = Some(st);
    }
    c.accepted_from = date("from", "受理日期（起）", &input.from)?;
    c.accepted_to = date("to", "受理日期（止）", &input.to)?;
    if let (Some(from), Some(to)) = (c.accepted_from, c.accepted_to) {
        if from > to {
            return Err(ServiceError::field("date_range_reversed", "to", format!("受理日期（止）{to} 早于（起）{from}，请调换或改正")));
        }
    }
    if let Some(from) = c.accepted_from {
        described.push(format!("受理日期起={from}"));
    }
    if let Some(to) = c.accepted_to {
        described.push(format!("受理日期止={to}"));
    }
    if let Some(ch) = text("channel", "渠道", &input.channel)? {
        let ch = ChannelFilter::parse(&ch).ok_or_else(|| ServiceError::field("unknown_channel", "channel", "渠道应为窗口或网上"))?;
        described.push(format!("渠道={}", ch.name()));
        c.channels = ch.stored_codes();
    }
    let order = match text("sort", "排序", &input.sort)? {
        None => SearchOrder::Newest,
        Some(s) => SearchOrder::parse(&s).ok_or_else(|| ServiceError::field("unknown_sort", "sort", "排序应为受理时间、业务号或剩余工作日"))?,
    };
    let described = if described.is_empty() { "全部业务".to_owned() } else { described.join("；") };
    Ok(Query { conditions: c, order, described })
}

fn channel_name(code: &str) -> String {
    match Channel::from_code(code) {
        Some(Channel::Counter) => "窗口".into(),
        Some(c) => format!("网上（{}）", c.name()),
        None if code == "court" => "法院网络查控".into(),
        None => code.to_owned(),
    }
}

fn hit(f: FoundCase, calendar: &bdc_core::calendar::WorkCalendar, today: NaiveDate) -> CaseHit {
    CaseHit {
        id: f.id,
        flow_name: catalogue::flow(&f.flow_code).map_or_else(|| f.flow_code.clone(), |fl| fl.name.to_owned()),
        flow_code: f.flow_code,
        state: f.state,
        channel_name: channel_name(&f.channel),
        channel: f.channel,
        received_at: bdc_db::parse_time(&f.created_at).ok(),
        accepted_on: f.accepted_on,
        deadline: f.deadline,
        days_left: (!f.state.is_closed()).then(|| calendar.working_days_between(today, f.deadline)),
        locations: f.locations,
        applicants: f.applicants,
        case_number: f.case_number,
    }
}

/// One page of the cases matching `input`, with the total over all pages.
#[tracing::instrument(name = "search_cases", skip_all)]
pub async fn search(s: &Services, actor: &Actor, input: &SearchInput, page: PageRequest) -> ServiceResult<Page<CaseHit>> {
    actor.require(Permission::CaseRead)?;
    let q = understand(input, s.cipher())?;
    let calendar = crate::service::calendar::load(s).await?;
    let mut conn = s.db.conn().await?;
    let found = store::search(&mut conn, &q.conditions, q.order, page).await?;
    let today = crate::service::cases::today();
    Ok(Page { items: found.items.into_iter().map(|f| hit(f, &calendar, today)).collect(), total: found.total, page: found.page, per_page: found.per_page })
}

/// What an export holds.
#[derive(Debug, Clone)]
pub struct Export {
    /// The .xlsx workbook.
    pub bytes: Vec<u8>,
    /// Rows in the sheet.
    pub rows: usize,
    /// Rows matching the conditions; more than `rows` when the list was cut at [`EXPORT_CAP`].
    pub total: i64,
}

/// Every case matching `input` (at most [`EXPORT_CAP`]) as an .xlsx workbook. The export is
/// audited in its own transaction — who exported which conditions and how many rows —, since it
/// carries applicants' names and (masked) ID numbers out of the system.
#[tracing::instrument(name = "export_cases", skip_all)]
pub async fn export(s: &Services, actor: &Actor, input: &SearchInput) -> ServiceResult<Export> {
    actor.require(Permission::CaseRead)?;
    let q = understand(input, s.cipher())?;
    let calendar = crate::service::calendar::load(s).await?;
    // Read outside the audit's transaction: on SQLite a transaction holds the write lock, and
    // an export of thousands of rows should not hold up the counter.
    let mut conn = s.db.conn().await?;
    let total = store::count(&mut conn, &q.conditions).await?;
    let cap = i64::try_from(EXPORT_CAP).unwrap_or(i64::MAX);
    let found = store::rows(&mut conn, &q.conditions, q.order, cap, 0).await?;
    drop(conn);
    let today = crate::service::cases::today();
    let hits: Vec<CaseHit> = found.into_iter().map(|f| hit(f, &calendar, today)).collect();
    let now = Utc::now();
    let bytes = workbook(&hits, total, &q.described, now)?;
    let rows = hits.len();
    let tx = s.db.begin().await?;
    bdc_audit::commit(tx, actor, "导出业务查询结果", &format!("条件：{}；导出 {rows} 条，共 {total} 条", q.described)).await?;
    Ok(Export { bytes, rows, total })
}

/// The sheet's columns (表头).
pub const HEADERS: [&str; 10] = ["业务号", "业务", "坐落", "申请人", "状态", "渠道", "受理时间", "受理日期", "承诺办结日期", "剩余工作日"];

fn excel_date(d: NaiveDate) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    let (m, day) = (u8::try_from(d.month()).unwrap_or(1), u8::try_from(d.day()).unwrap_or(1));
    rust_xlsxwriter::ExcelDateTime::from_ymd(u16::try_from(d.year()).unwrap_or(1900), m, day)
}

fn excel_time(t: DateTime<Utc>) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
    use chrono::Timelike;
    let local = bdc_core::time::beijing(t);
    excel_date(local.date_naive())?.and_hms(u16::try_from(local.hour()).unwrap_or(0), u8::try_from(local.minute()).unwrap_or(0), local.second())
}

fn sheet_row(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The export as an .xlsx workbook: one sheet of results with Chinese headers — dates and
/// times as Excel dates (Beijing), working days as numbers — and a note below the rows when the
/// list was cut at [`EXPORT_CAP`]; a second sheet says what was searched for and when.
pub fn workbook(hits: &[CaseHit], total: i64, described: &str, now: DateTime<Utc>) -> ServiceResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(Box::new(e));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let sheet = wb.add_worksheet().set_name("业务查询").map_err(err)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold).map_err(err)?;
    }
    for (i, h) in hits.iter().enumerate() {
        let row = sheet_row(i + 1);
        sheet.write_string(row, 0, &h.case_number).map_err(err)?;
        sheet.write_string(row, 1, &h.flow_name).map_err(err)?;
        sheet.write_string(row, 2, h.locations.join("；")).map_err(err)?;
        sheet.write_string(row, 3, h.applicants_line()).map_err(err)?;
        sheet.write_string(row, 4, h.state.name()).map_err(err)?;
        sheet.write_string(row, 5, &h.channel_name).map_err(err)?;
        if let Some(t) = h.received_at {
            sheet.write_datetime_with_format(row, 6, excel_time(t).map_err(err)?, &minute).map_err(err)?;
        }
        sheet.write_datetime_with_format(row, 7, excel_date(h.accepted_on).map_err(err)?, &day).map_err(err)?;
        sheet.write_datetime_with_format(row, 8, excel_date(h.deadline).map_err(err)?, &day).map_err(err)?;
        match h.days_left {
            #[allow(clippy::cast_precision_loss)]
            Some(d) => sheet.write_number(row, 9, d as f64).map_err(err)?,
            None => sheet.write_string(row, 9, "已办结").map_err(err)?,
        };
    }
    let shown = i64::try_from(hits.len()).unwrap_or(i64::MAX);
    if total > shown {
        let note = format!("注：共有 {total} 条业务符合条件，仅导出前 {shown} 条；请缩小查询条件后分批导出。");
        sheet.write_string_with_format(sheet_row(hits.len() + 2), 0, note, &bold).map_err(err)?;
    }
    for (c, w) in [22.0, 24.0, 36.0, 36.0, 8.0, 16.0, 17.0, 12.0, 13.0, 11.0].iter().enumerate() {
        sheet.set_column_width(u16::try_from(c).unwrap_or(0), *w).map_err(err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    let about = wb.add_worksheet().set_name("查询条件").map_err(err)?;
    about.write_string_with_format(0, 0, "查询条件", &bold).map_err(err)?;
    about.write_string(0, 1, described).map_err(err)?;
    about.write_string_with_format(1, 0, "导出时间", &bold).map_err(err)?;
    about.write_datetime_with_format(1, 1, excel_time(now).map_err(err)?, &minute).map_err(err)?;
    about.write_string_with_format(2, 0, "导出条数", &bold).map_err(err)?;
    #[allow(clippy::cast_precision_loss)]
    about.write_number(2, 1, shown as f64).map_err(err)?;
    about.write_string_with_format(3, 0, "符合条件", &bold).map_err(err)?;
    #[allow(clippy::cast_precision_loss)]
    about.write_number(3, 1, total as f64).map_err(err)?;
    about.set_column_width(0, 10.0).map_err(err)?;
    about.set_column_width(1, 60.0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> bdc_crypto::FieldCipher {
        bdc_crypto::FieldCipher::new(&bdc_crypto::MasterKey::generate())
    }

    fn field_of(e: &ServiceError) -> (&str, &str) {
        match e {
            ServiceError::Validation { field: Some(f), message, .. } => (f.as_str(), message.as_str()),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn a_reversed_date_range_is_refused_beside_the_second_date() {
        let e = understand(&SearchInput { from: "2026-12-04".into(), to: "2026-12-01".into(), ..SearchInput::default() }, &cipher()).unwrap_err();
        let (field, message) = field_of(&e);
        assert_eq!(field, "to");
        assert!(message.contains("早于"), "{message}");
        let e = understand(&SearchInput { from: "2026/12/04".into(), ..SearchInput::default() }, &cipher()).unwrap_err();
        assert_eq!(field_of(&e).0, "from");
    }

    #[test]
    fn conditions_are_read_as_typed() {
        let c = cipher();
        let q =
            understand(&SearchInput { certificate: "苏（2026）常州市不动产权第 0000001 号".into(), id_number: " 11010519491231002x ".into(), channel: "online".into(), ..SearchInput::default() }, &c)
                .unwrap();
        assert_eq!(q.conditions.certificate_number.as_deref(), Some("苏(2026)常州市不动产权第0000001号"));
        assert_eq!(q.conditions.applicant_id_bidx, Some(c.blind_index("11010519491231002X")));
        assert_eq!(q.conditions.channels.len(), 4);
        assert!(q.described.contains("1101**********002X") && !q.described.contains("19491231"), "{}", q.described);
        assert_eq!(q.order, SearchOrder::Newest);
    }

    #[test]
    fn a_cut_export_is_still_a_workbook() {
        let hit = CaseHit {
            id: 1,
            case_number: "320402202612040001".into(),
            flow_code: "CTR-FIRST-STATE-HOUSE".into(),
            flow_name: "首次登记".into(),
            state: CaseState::Archived,
            channel: "counter".into(),
            channel_name: "窗口".into(),
            received_at: Some(Utc::now()),
            accepted_on: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 12, 11).unwrap(),
            days_left: None,
            locations: vec!["青洋北路1号".into()],
            applicants: vec![("张三".into(), "4405**********0014".into())],
        };
        let bytes = workbook(&[hit], 12_000, "全部业务", Utc::now()).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }

    #[test]
    fn unknown_choices_are_refused_in_chinese() {
        for (input, field) in [
            (SearchInput { flow: "NO-SUCH-FLOW".into(), ..SearchInput::default() }, "flow"),
            (SearchInput { state: "lost".into(), ..SearchInput::default() }, "state"),
            (SearchInput { channel: "fax".into(), ..SearchInput::default() }, "channel"),
            (SearchInput { sort: "random".into(), ..SearchInput::default() }, "sort"),
            (SearchInput { location: "青洋\u{202e}路".into(), ..SearchInput::default() }, "location"),
        ] {
            let e = understand(&input, &cipher()).unwrap_err();
            assert_eq!(field_of(&e).0, field);
        }
    }
}
