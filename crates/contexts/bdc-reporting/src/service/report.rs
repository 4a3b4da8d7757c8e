//! Real-time reporting of registrations to the province (实时上报, 接入报文).
//!
//! 登簿 queues a `report_registration` job in its own transaction (the outbox), so a
//! registration is reported exactly when it commits and a restart loses nothing. The job builds
//! one message per unit — Head, the exchange-table rows of the change, an SM2 signature — stores
//! it, and hands it to the transport. [`collect_responses`] stores each answer raw, then reads it:
//! accepted, rejected (with the province's code and reason), or quarantined when unreadable.

use chrono::Utc;

use bdc_adapters::province::message::{AccessMessage, DataRow, Head};
use bdc_adapters::province::response;
use bdc_adapters::province::tables;
use bdc_db::{AnyConnection, Page, PageRequest};
use bdc_registry::domain::catalogue::{self, Flow};
use bdc_registry::domain::register::attr;
use bdc_registry::domain::rights::RightKind;
use bdc_registry::register_api::journal::{self, Step};
use bdc_registry::register_api::{self, cases as case_store, registry};

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::Services;

use crate::domain::{ItemCause, ItemStatus, MessageKind, MessageState};
use crate::store as reports;

// The records this use case hands to the API and the pages.
pub use crate::store::{ReconItem, ReportRecord};

/// Job kind subscribed to the register's `registered` event: report journal entry `{"seq": N}`.
pub const REPORT_REGISTRATION: &str = "report_registration";

/// The 7-digit RecType: registration-type digit, 4-digit right group, 2-digit subtype.
pub fn rec_type(flow: &Flow, is_house: bool) -> String {
    let digit = flow.registration_type.code() / 100;
    let group = match flow.right_kind {
        RightKind::CollectiveLandOwnership => "0001",
        RightKind::StateLandAndHouse | RightKind::HomesteadAndHouse | RightKind::CollectiveLandAndHouse => "0004",
        RightKind::StateConstructionLandUse | RightKind::HomesteadUse | RightKind::CollectiveConstructionLandUse => "0003",
        RightKind::LandContractManagement | RightKind::StateAgriculturalLandUse => "0009",
        RightKind::LandContractAndForest | RightKind::ForestLandUse | RightKind::ForestLandAndTrees | RightKind::ForestOwnership => "0012",
        RightKind::Easement => "0021",
        RightKind::Mortgage => "0037",
        RightKind::ResidenceRight => "0099",
        // Restrictions are reported under the group of the unit they restrict.
        RightKind::AdvanceNotice | RightKind::Objection | RightKind::Seizure | RightKind::Lock => {
            if is_house {
                "0004"
            } else {
                "0003"
            }
        }
    };
    let subtype = if group == "0004" { "02" } else { "00" };
    format!("{digit}{group}{subtype}")
}

/// The exchange table (and its 要素代码) a right kind is reported in.
fn right_table(kind: RightKind) -> (&'static str, &'static str) {
    match kind {
        RightKind::StateLandAndHouse | RightKind::HomesteadAndHouse | RightKind::CollectiveLandAndHouse => ("QLT_FW_FDCQ_YZ", "6002010200"),
        RightKind::Mortgage => ("QLF_QL_DYAQ", "6002030100"),
        RightKind::AdvanceNotice => ("QLF_QL_YGDJ", "6002040100"),
        RightKind::Objection => ("QLF_QL_YYDJ", "6002040200"),
        RightKind::Seizure | RightKind::Lock => ("QLF_QL_CFDJ", "6002040300"),
        RightKind::Easement => ("QLF_QL_DYIQ", "6002020900"),
        _ => ("QLF_QL_JSYDSYQ", "6002020300"),
    }
}

/// The flow an entry is reported as: its own, or for a lapse (失效) the cancellation it amounts
/// to (注销异议, 注销预告, 解除查封), so that every change of the register is reported.
pub(crate) fn reported_flow(payload: &journal::Payload) -> Option<&'static Flow> {
    let code = payload.flow_code.as_deref()?;
    catalogue::flow(code).or_else(|| register_api::LapseKind::from_flow_code(code).and_then(|l| catalogue::flow(l.reported_as())))
}

fn registration_type_code(flow: &Flow) -> String {
    flow.registration_type.code().to_string()
}

/// Builds and sends the messages of journal entry `seq`. Idempotent: a message already built for
/// a unit is sent again, not rebuilt.
#[tracing::instrument(name = "report_registration", skip(s), fields(journal.seq = seq))]
pub async fn report_registration(s: &Services, seq: i64) -> ServiceResult<usize> {
    let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
    let mut conn = s.db.conn().await?;
    let entry = journal::entry(&mut conn, seq).await?.ok_or_else(|| ServiceError::NotFound(format!("账本第 {seq} 条不存在")))?;
    let payload = journal::parse_payload(&entry.payload).ok_or_else(|| ServiceError::validation("bad_payload", format!("账本第 {seq} 条无法解析")))?;
    if reported_flow(&payload).is_none() {
        // An entry that is no registration of a flow nor a lapse: nothing to report.
        return Ok(0);
    }
    let case = match payload.case_id {
        Some(id) => case_store::get_case(&mut conn, id).await?,
        None => None,
    };
    let unit_ids: Vec<i64> = match &case {
        Some(c) => c.units.iter().map(|u| u.0).collect(),
        // A lapse has no case: its units are those its steps touch.
        None => {
            let mut ids = Vec::new();
            for step in &payload.steps {
                let id = match step {
                    Step::Create { unit_id, .. } | Step::Relocate { unit_id, .. } => Some(*unit_id),
                    Step::End { right_id, .. } | Step::Recertify { right_id, .. } => registry::unit_of_right(&mut conn, *right_id).await?,
                    Step::Rename { .. } => None,
                };
                if let Some(id) = id.filter(|id| !ids.contains(id)) {
                    ids.push(id);
                }
            }
            ids
        }
    };
    let mut sent = 0;
    for unit_id in unit_ids {
        let record = match reports::find(&mut conn, seq, unit_id).await? {
            Some(r) => r,
            None => match build_and_store_loaded(s, &mut conn, &entry, &payload, case.as_ref(), unit_id, MessageKind::Report, None).await? {
                Some(r) => r,
                None => continue,
            },
        };
        if record.state == MessageState::Sent {
            deliver(s, &mut conn, &transport, &record).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Hands a stored message to the transport: decrypted here, for sending only.
async fn deliver(s: &Services, conn: &mut AnyConnection, transport: &std::sync::Arc<dyn bdc_adapters::province::transport::ProvinceTransport>, record: &reports::ReportRecord) -> ServiceResult<()> {
    let xml = register_api::unseal(s, &record.message)?;
    let answer = transport.send(&record.area_code, &record.biz_msg_id, &xml).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    if let Some(raw) = answer {
        store_answer(conn, transport, record, &raw).await?;
    }
    Ok(())
}

/// One page of the messages reported to the province, newest first (all, or those of a case),
/// with the message decrypted for staff to read: it is stored SM4-encrypted, since it carries the
/// holders' ID numbers in clear as the national exchange requires.
pub async fn messages(s: &Services, actor: &Actor, case_id: Option<i64>, page: PageRequest) -> ServiceResult<Page<ReportRecord>> {
    actor.require(bdc_core::access::Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    let (mut items, total) = reports::page(&mut conn, case_id, page.limit(), page.offset()).await?;
    for r in &mut items {
        r.message = register_api::unseal(s, &r.message)?;
    }
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// Builds, signs and stores a new message for the unit `unit_id` of journal entry `seq`, with a
/// fresh BizMsgID. `kind` is `report`, `supplement` (补报) or `resend` (重报).
async fn build_and_store(s: &Services, conn: &mut AnyConnection, seq: i64, unit_id: i64, kind: MessageKind, resend_of: Option<i64>) -> ServiceResult<Option<reports::ReportRecord>> {
    let entry = journal::entry(conn, seq).await?.ok_or_else(|| ServiceError::NotFound(format!("账本第 {seq} 条不存在")))?;
    let payload = journal::parse_payload(&entry.payload).ok_or_else(|| ServiceError::validation("bad_payload", format!("账本第 {seq} 条无法解析")))?;
    let case = match payload.case_id {
        Some(id) => case_store::get_case(conn, id).await?,
        None => None,
    };
    build_and_store_loaded(s, conn, &entry, &payload, case.as_ref(), unit_id, kind, resend_of).await
}

/// [`build_and_store`] for an entry already read (the report job reads it once for all units).
/// The message is built and signed first; its BizMsgID and the stored row are then written in
/// one short transaction, stored SM4-encrypted ([`register_api::seal`]).
#[allow(clippy::too_many_arguments)]
async fn build_and_store_loaded(
    s: &Services,
    conn: &mut AnyConnection,
    entry: &journal::Entry,
    payload: &journal::Payload,
    case: Option<&case_store::CaseRecord>,
    unit_id: i64,
    kind: MessageKind,
    resend_of: Option<i64>,
) -> ServiceResult<Option<reports::ReportRecord>> {
    let Some(flow) = reported_flow(payload) else { return Ok(None) };
    let Some(unit) = registry::get_unit(conn, unit_id).await? else { return Ok(None) };
    let key = register_api::signing_key(s, "report").await?;
    let area = unit.unit_number[..6].to_owned();
    let now_local = bdc_core::time::beijing(Utc::now());
    let day = now_local.format("%y%m%d").to_string();
    // The message is built first and numbered only when it is stored: the sequence row is then
    // locked for one short transaction, not for the whole build.
    let mut message = build(s, conn, flow, entry, payload, &unit, case, "", now_local.naive_local()).await?;
    let mut tx = bdc_db::begin_on(conn).await?;
    let n = register_api::numbering::next_in_sequence(&mut tx, &area, day.parse::<i32>().unwrap_or(0), "bizmsg").await?;
    let biz_msg_id = format!("{area}{day}{n:06}");
    message.head.biz_msg_id = biz_msg_id.clone();
    let xml = message.to_xml(|bytes| key.sign_hex(bytes));
    let sealed = register_api::seal(s, &xml);
    let id = reports::insert(&mut tx, &biz_msg_id, entry.seq, payload.case_id, unit_id, &area, &message.head.rec_type, &sealed, Utc::now(), kind, resend_of).await?;
    let record = reports::get(&mut tx, id).await?;
    bdc_db::commit(tx).await?;
    Ok(record)
}

/// Re-reports the record of a reconciliation item (补报 when it was never reported, 重报
/// otherwise) with a new BizMsgID, and marks the item 销账中 until the answer comes.
#[tracing::instrument(name = "reconciliation_resend", skip(s, actor))]
pub async fn resend_item(s: &Services, actor: &Actor, item_id: i64) -> ServiceResult<reports::ReconItem> {
    actor.require(bdc_core::access::Permission::CaseRegister)?;
    let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
    let mut conn = s.db.conn().await?;
    let item = reports::item(&mut conn, item_id).await?.ok_or_else(|| ServiceError::NotFound(format!("销账条目 {item_id} 不存在")))?;
    if item.status == ItemStatus::Cleared {
        return Err(ServiceError::Conflict { code: "already_cleared", message: "该条目已销账成功".into() });
    }
    let original = reports::find_by_biz_id(&mut conn, &item.biz_msg_id).await?.ok_or_else(|| ServiceError::NotFound(format!("报文 {} 不存在，无法补报", item.biz_msg_id)))?;
    let kind = if item.cause == ItemCause::NotReported { MessageKind::Supplement } else { MessageKind::Resend };
    let record =
        build_and_store(s, &mut conn, original.journal_seq, original.unit_id, kind, Some(original.id)).await?.ok_or_else(|| ServiceError::validation("cannot_resend", "该登簿记录不是可上报的业务"))?;
    reports::set_item_status(&mut conn, item.id, ItemStatus::Clearing, Some(&record.biz_msg_id), Utc::now()).await?;
    deliver(s, &mut conn, &transport, &record).await?;
    Ok(reports::item(&mut conn, item.id).await?.unwrap_or(item))
}

/// Takes in the province's lists of inconsistent records; each record becomes an item with a
/// deadline 5 working days after the list's date. Ingesting a list again adds nothing.
pub async fn ingest_reconciliation(s: &Services) -> ServiceResult<usize> {
    let Some(transport) = s.province.clone() else { return Ok(0) };
    let lists = transport.reconciliation_lists().await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let cal = register_api::working_calendar(s).await?;
    let mut conn = s.db.conn().await?;
    let mut added = 0;
    for (name, raw) in lists {
        let list = match bdc_adapters::province::reconcile::parse(&raw) {
            Ok(l) => l,
            Err(reason) => {
                tracing::warn!(list = %name, %reason, "malformed reconciliation list left aside");
                continue;
            }
        };
        let date: chrono::NaiveDate = list.list_date.parse().map_err(|_| ServiceError::validation("bad_list", "清单日期无效"))?;
        let deadline = cal.add_working_days(date, 5).to_string();
        for i in &list.items {
            // The reader admits causes 1–4 only; anything else is left aside, never stored.
            let Some(cause) = ItemCause::parse(i.cause) else {
                tracing::warn!(list = %name, cause = i.cause, "reconciliation item of an unknown cause left aside");
                continue;
            };
            // Fill what the list leaves out from the message it names.
            let (mut case_number, mut unit_number) = (i.case_number.clone(), i.unit_number.clone());
            if case_number.is_empty() || unit_number.is_empty() {
                if let Some(m) = reports::find_by_biz_id(&mut conn, &i.biz_msg_id).await? {
                    if unit_number.is_empty() {
                        unit_number = registry::get_unit(&mut conn, m.unit_id).await?.map(|u| u.unit_number).unwrap_or_default();
                    }
                    if case_number.is_empty() {
                        if let Some(id) = m.case_id {
                            case_number = case_store::get_case(&mut conn, id).await?.map(|c| c.case_number).unwrap_or_default();
                        }
                    }
                }
            }
            if reports::insert_item(&mut conn, &list.list_date, &i.biz_msg_id, &case_number, &unit_number, &i.response_code, &i.response_info, cause, &deadline, &raw, Utc::now()).await? {
                added += 1;
            }
        }
    }
    Ok(added)
}

/// 登记机构 as written in the exchange tables (DJJG, and JFJG/注销 of lapses recorded by it).
const REG_ORG_NAME: &str = "常州市不动产登记中心";

/// A row of `table` with its columns in the standard's order ([`tables::TABLES`]): required
/// columns always (an empty one is written `/`, and the conformance test refuses it), optional
/// ones when BDC knows a value. A column the table does not have is a bug, caught in tests.
fn table_row(table: &'static str, values: Vec<(&'static str, String)>) -> DataRow {
    let Some(t) = tables::table(table) else {
        debug_assert!(false, "{table} is not an exchange table");
        return DataRow { table, attrs: values };
    };
    debug_assert!(values.iter().all(|(k, _)| t.columns.iter().any(|c| c.name == *k)), "{table}: a column outside the standard in {values:?}");
    let attrs = t
        .columns
        .iter()
        .filter_map(|c| {
            let v = if c.name == "YSDM" { t.ysdm.to_owned() } else { values.iter().find(|(k, _)| *k == c.name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default() };
            (c.required || !v.is_empty()).then_some((c.name, v))
        })
        .collect();
    DataRow { table: t.name, attrs }
}

/// 房屋结构 as the dictionary code (it is recorded as text at the counter).
fn structure_code(text: &str) -> String {
    let t = text.trim();
    if tables::dict::FWJG.contains(&t) {
        return t.to_owned();
    }
    match t {
        "钢结构" => "1",
        "钢和钢筋混凝土结构" => "2",
        "钢筋混凝土结构" => "3",
        "混合结构" => "4",
        "砖木结构" => "5",
        _ => "6",
    }
    .to_owned()
}

/// 元 → 万元 (BDBZZQSE, ZGZQSE are in 万元), without trailing zeros.
fn wan_yuan(yuan: &str) -> String {
    let Ok(v) = yuan.trim().parse::<f64>() else { return String::new() };
    let s = format!("{:.6}", v / 10_000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// What every row of one message shares.
struct Context<'a> {
    unit: &'a registry::Unit,
    parcel: Option<&'a registry::Parcel>,
    building: Option<&'a registry::Building>,
    ywh: String,
    djlx: String,
    /// 登簿人 and 登记时间 of the journal entry.
    dbr: String,
    djsj: String,
    /// The names of the unit's title holders (抵押人, 预告义务人, 土地使用权人).
    owners: String,
    /// Why restrictions ended in this entry ended: the lapse, or the flow's name.
    end_reason: String,
    /// The authority and document that ended them (解封机关, 文号, 文件), when a court did.
    end_by: (String, String, String),
}

/// The row of a right or restriction, created (`state` 1) or ended (2 historic, 3 ended) by the
/// entry. An ended restriction carries the cancellation fields of its table: JF* for 查封,
/// ZXDY* for 抵押, ZXYY* for 异议.
///
/// `registered` is the 登簿人 and 登记时间 of the right's own registration (DBR, DJSJ); the
/// entry's own are those of the cancellation (ZXSJ, JFDBR, JFDJSJ …).
fn right_row(c: &Context<'_>, kind: RightKind, attrs: &std::collections::BTreeMap<String, String>, certificate: &str, state: i64, registered: (&str, &str)) -> DataRow {
    let (table, _) = right_table(kind);
    let get = |k: &str| attrs.get(k).cloned().unwrap_or_default();
    let ended = state == i64::from(bdc_registry::domain::rights::RightState::Ended.code());
    let common = |mut v: Vec<(&'static str, String)>| {
        v.extend([
            ("BDCDYH", c.unit.unit_number.clone()),
            ("YWH", c.ywh.clone()),
            ("QXDM", c.unit.unit_number[..6].to_owned()),
            ("DJJG", REG_ORG_NAME.to_owned()),
            ("DBR", registered.0.to_owned()),
            ("DJSJ", registered.1.to_owned()),
            ("FJ", get(attr::NOTE)),
            ("QSZT", state.to_string()),
        ]);
        v
    };
    let land_term = (c.parcel.and_then(|p| p.term_start.clone()).unwrap_or_default(), c.parcel.and_then(|p| p.term_end.clone()).unwrap_or_default());
    let values = match table {
        "QLF_QL_DYAQ" => {
            let method = attrs.get(attr::MORTGAGE_METHOD).cloned().unwrap_or_else(|| "1".into());
            let amount = wan_yuan(&get(attr::AMOUNT));
            let mut v = vec![
                ("DYBDCLX", if c.unit.building_no.is_some() { "2" } else { "1" }.to_owned()),
                ("DYR", c.owners.clone()),
                ("DYFS", method.clone()),
                ("DJLX", c.djlx.clone()),
                ("ZWLXQSSJ", get(attr::TERM_START)),
                ("ZWLXJSSJ", get(attr::TERM_END)),
                ("DYQSW", get(attr::RANK)),
                ("BDCDJZMH", certificate.to_owned()),
                (if method == "2" { "ZGZQSE" } else { "BDBZZQSE" }, amount),
            ];
            if method == "2" && !get(attr::CLAIM_START).is_empty() {
                v.push(("ZGZQQDSS", format!("{} 至 {}", get(attr::CLAIM_START), get(attr::CLAIM_END))));
            }
            if ended {
                v.extend([("ZXDYYWH", c.ywh.clone()), ("ZXDYYY", c.end_reason.clone()), ("ZXSJ", c.djsj.clone())]);
            }
            common(v)
        }
        "QLF_QL_YGDJ" => common(vec![
            ("BDCZL", c.unit.location.clone()),
            ("YWR", c.owners.clone()),
            ("YGDJZL", get(attr::ADVANCE_KIND)),
            ("DJLX", c.djlx.clone()),
            ("GHYT", c.unit.house_use.clone().unwrap_or_default()),
            ("JZMJ", c.unit.area.map(|a| format!("{a:.2}")).unwrap_or_default()),
            ("BDCDJZMH", certificate.to_owned()),
        ]),
        "QLF_QL_YYDJ" => {
            let matter = attrs.get(attr::NOTE).cloned().unwrap_or_else(|| format!("对不动产单元 {} 的登记事项提出异议", c.unit.unit_number));
            let mut v = vec![("YYSX", matter), ("BDCDJZMH", certificate.to_owned())];
            if ended {
                v.extend([("ZXYYYWH", c.ywh.clone()), ("ZXYYYY", c.end_reason.clone()), ("ZXYYDBR", c.dbr.clone()), ("ZXYYDJSJ", c.djsj.clone())]);
            }
            common(v)
        }
        "QLF_QL_CFDJ" => {
            let court_case = get(attr::COURT_CASE);
            let ruling = attrs.get(attr::COURT_RULING).cloned().unwrap_or_else(|| format!("协助执行通知书（{}）", if court_case.is_empty() { c.ywh.as_str() } else { court_case.as_str() }));
            let mut v = vec![
                ("CFJG", get(attr::COURT)),
                ("CFLX", bdc_registry::domain::register::SeizureKind::of(attrs).code().into()),
                ("CFWJ", ruling),
                ("CFWH", court_case),
                ("CFQSSJ", get(attr::TERM_START)),
                ("CFJSSJ", get(attr::TERM_END)),
            ];
            if ended {
                let (by, number, document) = &c.end_by;
                v.extend([
                    ("JFYWH", c.ywh.clone()),
                    ("JFJG", if by.is_empty() { REG_ORG_NAME.to_owned() } else { by.clone() }),
                    ("JFWJ", if document.is_empty() { c.end_reason.clone() } else { document.clone() }),
                    ("JFWH", number.clone()),
                    ("JFDBR", c.dbr.clone()),
                    ("JFDJSJ", c.djsj.clone()),
                ]);
            }
            common(v)
        }
        "QLF_QL_DYIQ" => common(vec![
            ("GYDBDCDYH", attrs.get(attr::SERVIENT_UNIT).cloned().unwrap_or_else(|| c.unit.unit_number.clone())),
            ("XYDBDCDYH", get(attr::DOMINANT_UNIT)),
            ("DJLX", c.djlx.clone()),
            ("DYIQNR", get(attr::PURPOSE)),
            ("BDCDJZMH", certificate.to_owned()),
            ("QLQSSJ", get(attr::TERM_START)),
            ("QLJSSJ", get(attr::TERM_END)),
        ]),
        "QLT_FW_FDCQ_YZ" => common(vec![
            ("QLLX", kind.qllx().to_string()),
            ("DJLX", c.djlx.clone()),
            ("FDZL", c.unit.location.clone()),
            ("TDSYQR", c.owners.clone()),
            ("TDSYQSSJ", land_term.0),
            ("TDSYJSSJ", land_term.1),
            ("GHYT", c.unit.house_use.clone().unwrap_or_default()),
            ("FWJG", c.building.map(|b| structure_code(&b.structure)).unwrap_or_default()),
            ("ZCS", c.building.map(|b| b.floors.to_string()).unwrap_or_default()),
            ("JZMJ", c.unit.area.map(|a| format!("{a:.2}")).unwrap_or_default()),
            ("BDCQZH", certificate.to_owned()),
        ]),
        _ => common(vec![
            ("ZDDM", c.unit.parcel_code.clone()),
            ("QLLX", kind.qllx().to_string()),
            ("DJLX", c.djlx.clone()),
            ("SYQMJ", c.parcel.map(|p| format!("{:.2}", p.area)).unwrap_or_default()),
            ("SYQQSSJ", land_term.0),
            ("SYQJSSJ", land_term.1),
            ("BDCQZH", certificate.to_owned()),
        ]),
    };
    table_row(table, values)
}

#[allow(clippy::too_many_arguments)]
async fn build(
    s: &Services,
    conn: &mut AnyConnection,
    flow: &Flow,
    entry: &journal::Entry,
    payload: &journal::Payload,
    unit: &registry::Unit,
    case: Option<&case_store::CaseRecord>,
    biz_msg_id: &str,
    at: chrono::NaiveDateTime,
) -> ServiceResult<AccessMessage> {
    let seq = entry.seq;
    let steps = &payload.steps;
    let ywh = case.map(|c| c.case_number.clone()).or_else(|| payload.case_number.clone()).unwrap_or_else(|| format!("J{seq}"));
    let djlx = registration_type_code(flow);
    let is_house = unit.building_no.is_some();
    let area = unit.unit_number[..6].to_owned();
    let local = |t: &str| bdc_db::parse_time(t).map(|t| bdc_core::time::beijing(t).format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default();
    let djsj = local(&entry.at);
    let dbr = if entry.actor == "system" { "系统".to_owned() } else { entry.actor.clone() };
    let parcel = registry::get_parcel(conn, &unit.parcel_code).await?;
    let building = match unit.building_no.as_deref() {
        Some(b) => registry::find_building(conn, &unit.parcel_code, b).await?,
        None => None,
    };
    let mut rows = Vec::new();
    // The application (受理, 申请, 审核): only a case has one; a lapse is recorded by the registry
    // itself (依职权) and has none.
    if let Some(c) = case {
        rows.push(table_row(
            "DJT_DJ_SL",
            vec![("YWH", ywh.clone()), ("DJDL", djlx.clone()), ("ZL", unit.location.clone()), ("AJZT", "2".into()), ("SLSJ", c.accepted_on.to_string()), ("QXDM", area.clone())],
        ));
        rows.push(table_row("DJF_DJ_SQ", vec![("YWH", ywh.clone()), ("DJDL", djlx.clone()), ("SQRQ", c.accepted_on.to_string())]));
    }
    // The spatial objects: 宗地, 自然幢 and 户, as the exchange tables describe them.
    if let Some(parcel) = &parcel {
        rows.push(table_row(
            "KTT_ZDJBXX",
            vec![
                ("ZDDM", parcel.code.clone()),
                ("BDCDYH", format!("{}W00000000", parcel.code)),
                ("ZL", parcel.location.clone()),
                ("ZDMJ", format!("{:.2}", parcel.area)),
                ("MJDW", "1".into()),
                ("YT", parcel.land_use.clone()),
                ("QLXZ", parcel.right_nature.clone()),
            ],
        ));
    }
    if let Some(b) = unit.building_no.as_deref() {
        if let Some(building) = &building {
            rows.push(table_row(
                "KTT_FW_ZRZ",
                vec![
                    ("BDCDYH", format!("{}F{}0000", unit.parcel_code, building.building_no)),
                    ("ZDDM", unit.parcel_code.clone()),
                    ("ZRZH", format!("{}{}", unit.parcel_code, building.building_no)),
                    ("JZWMC", building.name.clone()),
                    ("ZCS", building.floors.to_string()),
                    ("FWJG", structure_code(&building.structure)),
                    ("BZ", building.completed_year.map(|y| format!("竣工年份 {y}")).unwrap_or_default()),
                ],
            ));
        }
        rows.push(table_row(
            "KTT_FW_H",
            vec![
                ("BDCDYH", unit.unit_number.clone()),
                ("ZRZH", format!("{}{b}", unit.parcel_code)),
                ("ZL", unit.location.clone()),
                ("MJDW", "1".into()),
                ("HH", unit.room_no.as_deref().and_then(|r| r.trim().parse::<i64>().ok()).map(|n| n.to_string()).unwrap_or_default()),
                ("FWYT1", unit.house_use.clone().unwrap_or_default()),
                ("SCJZMJ", unit.area.map(|a| format!("{a:.2}")).unwrap_or_default()),
            ],
        ));
    }
    let current = registry::rights_of_unit(conn, unit.id, false).await?;
    // The title holders of the unit as the entry left it (抵押人, 预告义务人).
    let title = current.iter().rfind(|r| bdc_registry::domain::register::is_title_kind(r.view.kind) && r.registered_seq <= seq && r.ended_seq.is_none_or(|e| e > seq));
    // Every party the message names, read in one query rather than one by one.
    let mut wanted: Vec<i64> = title.map(|t| t.view.holders.iter().map(|h| h.party_id).collect()).unwrap_or_default();
    for step in steps {
        if let Step::Create { unit_id, holders, .. } = step {
            if *unit_id == unit.id {
                wanted.extend(holders.iter().map(|(p, _)| *p));
            }
        }
    }
    let parties = registry::parties_by_ids(conn, &wanted).await?;
    let mut owners = Vec::new();
    if let Some(title) = title {
        for h in &title.view.holders {
            if let Some(p) = parties.get(&h.party_id) {
                owners.push(p.name.clone());
            }
        }
    }
    let lapse = payload.flow_code.as_deref().and_then(register_api::LapseKind::from_flow_code);
    let end_by = match case.and_then(|c| serde_json::from_str::<register_api::RequestDoc>(&c.request).ok()) {
        Some(doc) => {
            (doc.attrs.get(attr::COURT).cloned().unwrap_or_default(), doc.attrs.get(attr::COURT_CASE).cloned().unwrap_or_default(), doc.attrs.get(attr::COURT_RULING).cloned().unwrap_or_default())
        }
        None => Default::default(),
    };
    let ctx = Context {
        unit,
        parcel: parcel.as_ref(),
        building: building.as_ref(),
        ywh: ywh.clone(),
        djlx: djlx.clone(),
        dbr: dbr.clone(),
        djsj: djsj.clone(),
        owners: owners.join("、"),
        end_reason: lapse.map_or_else(|| flow.name.to_owned(), |l| l.reason().to_owned()),
        end_by,
    };
    let (mut certs, mut proofs) = (0u32, 0u32);
    let mut issued: Vec<(String, &'static str)> = Vec::new();
    let mut pre_cert = String::new();
    for step in steps {
        match step {
            Step::Create { unit_id, kind, holders, details, certificate, certificate_kind, predecessor_id, co_ownership, .. } if *unit_id == unit.id => {
                let kind = RightKind::from_code(kind).unwrap_or(flow.right_kind);
                match certificate_kind.as_deref() {
                    Some("title") => certs += 1,
                    Some("proof") => proofs += 1,
                    _ => {}
                }
                if let (Some(number), Some(k)) = (certificate, certificate_kind.as_deref()) {
                    issued.push((number.clone(), if k == "title" { "不动产权证书" } else { "不动产登记证明" }));
                }
                if let Some(p) = predecessor_id.and_then(|p| current.iter().find(|r| r.view.id == p)) {
                    pre_cert = p.view.certificate.clone().unwrap_or_default();
                }
                let attrs: std::collections::BTreeMap<String, String> = serde_json::from_str(details).unwrap_or_default();
                let certificate = certificate.clone().unwrap_or_default();
                rows.push(right_row(&ctx, kind, &attrs, &certificate, 1, (&dbr, &djsj)));
                for (i, (party_id, share)) in holders.iter().enumerate() {
                    if let Some(p) = parties.get(party_id) {
                        // The national exchange carries the ID number in clear; it is decrypted
                        // only here, for the message. A number that does not decrypt stops the
                        // message (the job keeps the cause and retries) — never an empty 证件号.
                        let id_number = s.cipher().decrypt(&p.id_number_enc).map_err(|e| ServiceError::Internal(format!("当事人 {} 的证件号无法解密，报文不予发送：{e}", p.id).into()))?;
                        rows.push(table_row(
                            "ZTT_GY_QLR",
                            vec![
                                ("BDCDYH", unit.unit_number.clone()),
                                ("SXH", (i + 1).to_string()),
                                ("QLRMC", p.name.clone()),
                                ("BDCQZH", certificate.clone()),
                                ("ZJZL", p.id_type.clone()),
                                ("ZJH", id_number),
                                ("QLRLX", party_kind_code(&p.kind).into()),
                                ("QLBL", share.clone()),
                                ("GYFS", co_ownership.clone()),
                            ],
                        ));
                    }
                }
            }
            Step::End { right_id, state } => {
                if let Some(r) = current.iter().find(|r| r.view.id == *right_id && r.unit_id == unit.id) {
                    let certificate = r.view.certificate.clone().unwrap_or_default();
                    let (by, at) = match journal::entry(conn, r.registered_seq).await? {
                        Some(e) => (if e.actor == "system" { "系统".to_owned() } else { e.actor }, local(&e.at)),
                        None => (dbr.clone(), djsj.clone()),
                    };
                    rows.push(right_row(&ctx, r.view.kind, &r.view.attrs, &certificate, *state, (&by, &at)));
                    if pre_cert.is_empty() {
                        pre_cert = certificate;
                    }
                }
            }
            Step::Recertify { right_id, old_certificate, certificate, certificate_kind } => {
                if current.iter().any(|r| r.view.id == *right_id && r.unit_id == unit.id) {
                    if certificate_kind == "title" {
                        certs += 1;
                    } else {
                        proofs += 1;
                    }
                    pre_cert = old_certificate.clone().unwrap_or_default();
                    issued.push((certificate.clone(), if certificate_kind == "title" { "不动产权证书" } else { "不动产登记证明" }));
                }
            }
            // The unit's new 坐落 and a holder's new name are in the unit and party rows of the
            // same message, read after the registration.
            Step::Create { .. } | Step::Relocate { .. } | Step::Rename { .. } => {}
        }
    }
    if let Some(c) = case {
        // 审核: the reviewer is who approved the case (审核 → 待登簿); automatic registration
        // is reviewed by the system.
        let events = case_store::events(conn, c.id).await?;
        let approved = events.iter().rev().find(|e| e.from == Some(bdc_registry::domain::workflow::CaseState::Review) && e.to == bdc_registry::domain::workflow::CaseState::Register);
        let reviewer = approved.map_or_else(|| "系统".to_owned(), |e| if e.actor == "system" { "系统".to_owned() } else { e.actor.clone() });
        let reviewed_at = approved.map_or_else(|| djsj.clone(), |e| local(&e.at));
        rows.push(table_row(
            "DJF_DJ_SH",
            vec![("YWH", ywh.clone()), ("JDMC", "审核".into()), ("SXH", "1".into()), ("SHRYXM", reviewer), ("SHJSSJ", reviewed_at), ("SHYJ", "审核通过".into()), ("CZJG", "1".into())],
        ));
    }
    for (number, name) in issued {
        rows.push(table_row("DJF_DJ_SZ", vec![("YWH", ywh.clone()), ("SZMC", name.to_owned()), ("SZZH", number), ("SZSJ", djsj.clone())]));
    }
    // Issuance-data normalisation (A4.4), as configured.
    let rules: Vec<crate::domain::issuance::Rule> = reports::issuance_rules(conn).await?.into_iter().filter_map(|(_, t, f, a, p)| crate::domain::issuance::Rule::new(&t, &f, &a, &p).ok()).collect();
    for row in &mut rows {
        for (field, value) in &mut row.attrs {
            *value = crate::domain::issuance::normalise(&rules, row.table, field, value);
        }
    }
    Ok(AccessMessage {
        head: Head {
            biz_msg_id: biz_msg_id.to_owned(),
            area_code: area,
            rec_type: rec_type(flow, is_house),
            right_type: flow.right_kind.qllx().to_string(),
            reg_type: djlx,
            create_date: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            rec_flow_id: ywh,
            reg_org_id: s.office.reg_org_id.clone(),
            parcel_id: unit.parcel_code.clone(),
            estate_num: unit.unit_number.clone(),
            pre_estate_num: String::new(),
            cert_count: certs,
            proof_count: proofs,
            pre_cert_id: pre_cert,
        },
        rows,
    })
}

fn party_kind_code(kind: &str) -> &'static str {
    match kind {
        "person" => "1",
        "enterprise" => "2",
        "institution" => "3",
        "state_organ" => "4",
        _ => "99",
    }
}

/// Reads the answers that have arrived; returns how many were read.
pub async fn collect_responses(s: &Services) -> ServiceResult<usize> {
    let Some(transport) = s.province.clone() else { return Ok(0) };
    let mut conn = s.db.conn().await?;
    let waiting = reports::awaiting(&mut conn, 1000).await?;
    let mut n = 0;
    for r in waiting {
        let Some(raw) = transport.response(&r.area_code, &r.biz_msg_id).await.map_err(|e| ServiceError::Internal(Box::new(e)))? else { continue };
        store_answer(&mut conn, &transport, &r, &raw).await?;
        n += 1;
    }
    Ok(n)
}

/// Stores an answer raw, then reads it: accepted, rejected, or quarantined with the reason.
///
/// Once the answer is read (accepted or rejected), the exchange no longer needs the message:
/// the transport is told ([`ProvinceTransport::acknowledged`]), and the file exchange deletes
/// the message and its answer from the front-end directory, so the holders' ID numbers stay
/// only in the encrypted copy. An unreadable answer keeps both, for the province to answer again.
///
/// [`ProvinceTransport::acknowledged`]: bdc_adapters::province::transport::ProvinceTransport::acknowledged
async fn store_answer(conn: &mut AnyConnection, transport: &std::sync::Arc<dyn bdc_adapters::province::transport::ProvinceTransport>, r: &reports::ReportRecord, raw: &str) -> ServiceResult<()> {
    let now = Utc::now();
    match response::parse(raw) {
        Ok(resp) if resp.biz_msg_id != r.biz_msg_id => {
            reports::answer(conn, r.id, MessageState::Quarantined, raw, "", &format!("响应的报文标识 {} 与所发报文不符", resp.biz_msg_id), now).await?;
        }
        Ok(resp) => {
            let state = if resp.success { MessageState::Accepted } else { MessageState::Rejected };
            reports::answer(conn, r.id, state, raw, &resp.code, &resp.info, now).await?;
            transport.acknowledged(&r.area_code, &r.biz_msg_id).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
            // A re-report clears its reconciliation item (销账成功) or fails it.
            if let Some(item) = reports::item_by_resend(conn, &r.biz_msg_id).await? {
                reports::set_item_status(conn, item.id, if resp.success { ItemStatus::Cleared } else { ItemStatus::Failed }, None, now).await?;
            } else if !resp.success {
                // A refused report is a reconciliation item of its own (接入失败), to be fixed and
                // re-reported within 5 working days.
                let today = bdc_core::time::business_date(now);
                // The office's own calendar (its 调休 and closures), as for the lists' items.
                let deadline = register_api::working_calendar_in(conn).await?.add_working_days(today, 5).to_string();
                let case_number = match r.case_id {
                    Some(id) => case_store::get_case(conn, id).await?.map(|c| c.case_number).unwrap_or_default(),
                    None => String::new(),
                };
                let unit_number = registry::get_unit(conn, r.unit_id).await?.map(|u| u.unit_number).unwrap_or_default();
                reports::insert_item(conn, &today.to_string(), &r.biz_msg_id, &case_number, &unit_number, &resp.code, &resp.info, ItemCause::AccessFailed, &deadline, raw, now).await?;
            }
        }
        Err(e) => reports::answer(conn, r.id, MessageState::Quarantined, raw, "", &e.to_string(), now).await?,
    }
    Ok(())
}
