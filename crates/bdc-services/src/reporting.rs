//! Real-time reporting of registrations to the province (实时上报, 接入报文).
//!
//! 登簿 queues a `report_registration` job in its own transaction (the outbox), so a
//! registration is reported exactly when it commits and a restart loses nothing. The job builds
//! one message per unit — Head, the exchange-table rows of the change, an SM2 signature — stores
//! it, and hands it to the transport. [`collect_responses`] stores each answer raw, then reads it:
//! accepted, rejected (with the province's code and reason), or quarantined when unreadable.

use chrono::{Duration, Utc};

use bdc_adapters::province::message::{AccessMessage, DataRow, Head};
use bdc_adapters::province::response;
use bdc_domain::catalogue::{self, Flow};
use bdc_domain::register::attr;
use bdc_domain::rights::RightKind;
use bdc_store::journal::{self, Step};
use bdc_store::{cases as case_store, registry, reports, AnyConnection};

use crate::{ServiceError, ServiceResult, Services};

/// Job kind of the outbox entry written by 登簿.
pub const REPORT_REGISTRATION: &str = "report_registration";

/// Registration organisation code (登记机构代码) of Changzhou.
const REG_ORG_ID: &str = "320400";

/// Queues the report of journal entry `seq` inside the registration's transaction.
pub async fn queue(conn: &mut AnyConnection, seq: i64) -> ServiceResult<()> {
    bdc_store::jobs::enqueue(conn, REPORT_REGISTRATION, &format!("{{\"seq\":{seq}}}"), Some(&seq.to_string()), Utc::now(), 20).await?;
    Ok(())
}

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

fn registration_type_code(flow: &Flow) -> String {
    flow.registration_type.code().to_string()
}

/// Builds and sends the messages of journal entry `seq`. Idempotent: a message already built for
/// a unit is sent again, not rebuilt.
pub async fn report_registration(s: &Services, seq: i64) -> ServiceResult<usize> {
    let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
    let mut conn = s.db.conn().await?;
    let entry = journal::entry(&mut conn, seq).await?.ok_or_else(|| ServiceError::NotFound(format!("账本第 {seq} 条不存在")))?;
    let payload = journal::parse_payload(&entry.payload).ok_or_else(|| ServiceError::validation("bad_payload", format!("账本第 {seq} 条无法解析")))?;
    if payload.flow_code.as_deref().and_then(catalogue::flow).is_none() {
        // Lapses and other system entries are not registrations of a flow: nothing to report.
        return Ok(0);
    }
    let case = match payload.case_id {
        Some(id) => case_store::get_case(&mut conn, id).await?,
        None => None,
    };
    let unit_ids: Vec<i64> = case.as_ref().map(|c| c.units.iter().map(|u| u.0).collect()).unwrap_or_default();
    let mut sent = 0;
    for unit_id in unit_ids {
        let record = match reports::find(&mut conn, seq, unit_id).await? {
            Some(r) => r,
            None => match build_and_store(s, &mut conn, seq, unit_id, "report", None).await? {
                Some(r) => r,
                None => continue,
            },
        };
        if record.state == "sent" {
            deliver(s, &mut conn, &transport, &record).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

async fn deliver(_s: &Services, conn: &mut AnyConnection, transport: &std::sync::Arc<dyn bdc_adapters::province::transport::ProvinceTransport>, record: &reports::ReportRecord) -> ServiceResult<()> {
    let answer = transport.send(&record.area_code, &record.biz_msg_id, &record.message).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    if let Some(raw) = answer {
        store_answer(conn, record, &raw).await?;
    }
    Ok(())
}

/// Builds, signs and stores a new message for the unit `unit_id` of journal entry `seq`, with a
/// fresh BizMsgID. `kind` is `report`, `supplement` (补报) or `resend` (重报).
async fn build_and_store(s: &Services, conn: &mut AnyConnection, seq: i64, unit_id: i64, kind: &str, resend_of: Option<i64>) -> ServiceResult<Option<reports::ReportRecord>> {
    let entry = journal::entry(conn, seq).await?.ok_or_else(|| ServiceError::NotFound(format!("账本第 {seq} 条不存在")))?;
    let payload = journal::parse_payload(&entry.payload).ok_or_else(|| ServiceError::validation("bad_payload", format!("账本第 {seq} 条无法解析")))?;
    let Some(flow) = payload.flow_code.as_deref().and_then(catalogue::flow) else { return Ok(None) };
    let case = match payload.case_id {
        Some(id) => case_store::get_case(conn, id).await?,
        None => None,
    };
    let Some(unit) = registry::get_unit(conn, unit_id).await? else { return Ok(None) };
    let key = crate::keys::signing_key(s, "report").await?;
    let area = unit.unit_number[..6].to_owned();
    let now_local = Utc::now() + Duration::hours(8);
    let day = now_local.format("%y%m%d").to_string();
    let n = registry::next_certificate_seq(conn, &area, day.parse::<i32>().unwrap_or(0), "bizmsg").await?;
    let biz_msg_id = format!("{area}{day}{n:06}");
    let message = build(s, conn, flow, &payload.steps, &unit, case.as_ref(), &biz_msg_id, seq, now_local.naive_local()).await?;
    let xml = message.to_xml(|bytes| key.sign_hex(bytes));
    let id = reports::insert(conn, &biz_msg_id, seq, payload.case_id, unit_id, &area, &message.head.rec_type, &xml, Utc::now(), kind, resend_of).await?;
    Ok(reports::get(conn, id).await?)
}

/// Re-reports the record of a reconciliation item (补报 when it was never reported, 重报
/// otherwise) with a new BizMsgID, and marks the item 销账中 until the answer comes.
pub async fn resend_item(s: &Services, actor: &crate::Actor, item_id: i64) -> ServiceResult<reports::ReconItem> {
    actor.require(bdc_domain::access::Permission::CaseRegister)?;
    let transport = s.province.clone().ok_or_else(|| ServiceError::validation("province_not_configured", "未配置省级平台传输方式"))?;
    let mut conn = s.db.conn().await?;
    let item = reports::item(&mut conn, item_id).await?.ok_or_else(|| ServiceError::NotFound(format!("销账条目 {item_id} 不存在")))?;
    if item.status == 3 {
        return Err(ServiceError::Conflict { code: "already_cleared", message: "该条目已销账成功".into() });
    }
    let original = reports::find_by_biz_id(&mut conn, &item.biz_msg_id).await?.ok_or_else(|| ServiceError::NotFound(format!("报文 {} 不存在，无法补报", item.biz_msg_id)))?;
    let kind = if item.cause == 3 { "supplement" } else { "resend" };
    let record = build_and_store(s, &mut conn, original.journal_seq, original.unit_id, kind, Some(original.id))
        .await?
        .ok_or_else(|| ServiceError::validation("cannot_resend", "该登簿记录不是可上报的业务"))?;
    reports::set_item_status(&mut conn, item.id, 2, Some(&record.biz_msg_id), Utc::now()).await?;
    deliver(s, &mut conn, &transport, &record).await?;
    Ok(reports::item(&mut conn, item.id).await?.unwrap_or(item))
}

/// Takes in the province's lists of inconsistent records; each record becomes an item with a
/// deadline 5 working days after the list's date. Ingesting a list again adds nothing.
pub async fn ingest_reconciliation(s: &Services) -> ServiceResult<usize> {
    let Some(transport) = s.province.clone() else { return Ok(0) };
    let lists = transport.reconciliation_lists().await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let cal = crate::calendar::load(s).await?;
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
            if reports::insert_item(&mut conn, &list.list_date, &i.biz_msg_id, &case_number, &unit_number, &i.response_code, &i.response_info, i.cause, &deadline, &raw, Utc::now()).await? {
                added += 1;
            }
        }
    }
    Ok(added)
}

#[allow(clippy::too_many_arguments)]
async fn build(
    s: &Services,
    conn: &mut AnyConnection,
    flow: &Flow,
    steps: &[Step],
    unit: &registry::Unit,
    case: Option<&case_store::CaseRecord>,
    biz_msg_id: &str,
    seq: i64,
    at: chrono::NaiveDateTime,
) -> ServiceResult<AccessMessage> {
    let ywh = case.map(|c| c.case_number.clone()).unwrap_or_default();
    let djlx = registration_type_code(flow);
    let is_house = unit.building_no.is_some();
    let mut rows = vec![DataRow {
        table: "DJT_DJ_SL",
        attrs: vec![
            ("YSDM", "6004020000".into()),
            ("YWH", ywh.clone()),
            ("DJLX", djlx.clone()),
            ("DJDL", djlx.clone()),
            ("SLSJ", case.map(|c| c.accepted_on.to_string()).unwrap_or_default()),
            ("ZL", unit.location.clone()),
            ("BDCDYH", unit.unit_number.clone()),
            ("AJZT", "2".into()),
        ],
    }];
    // The spatial objects: 宗地, 自然幢 and 户, as the exchange tables describe them.
    if let Some(parcel) = registry::get_parcel(conn, &unit.parcel_code).await? {
        rows.push(DataRow {
            table: "KTT_ZDJBXX",
            attrs: vec![
                ("YSDM", "6001010000".into()),
                ("ZDDM", parcel.code.clone()),
                ("BDCDYH", format!("{}W00000000", parcel.code)),
                ("ZL", parcel.location.clone()),
                ("ZDMJ", format!("{:.2}", parcel.area)),
                ("YT", parcel.land_use.clone()),
                ("QLXZ", parcel.right_nature.clone()),
                ("QSRQ", parcel.term_start.clone().unwrap_or_default()),
                ("ZZRQ", parcel.term_end.clone().unwrap_or_default()),
            ],
        });
    }
    if let Some(b) = unit.building_no.as_deref() {
        if let Some(building) = registry::find_building(conn, &unit.parcel_code, b).await? {
            rows.push(DataRow {
                table: "KTT_FW_ZRZ",
                attrs: vec![
                    ("YSDM", "6001030110".into()),
                    ("ZDDM", unit.parcel_code.clone()),
                    ("ZRZH", format!("{}{}", unit.parcel_code, building.building_no)),
                    ("JZWMC", building.name.clone()),
                    ("ZCS", building.floors.to_string()),
                    ("FWJG", building.structure.clone()),
                    ("JGRQ", building.completed_year.map(|y| y.to_string()).unwrap_or_default()),
                ],
            });
        }
        rows.push(DataRow {
            table: "KTT_FW_H",
            attrs: vec![
                ("YSDM", "6001030140".into()),
                ("BDCDYH", unit.unit_number.clone()),
                ("ZRZH", format!("{}{b}", unit.parcel_code)),
                ("HH", unit.room_no.clone().unwrap_or_default()),
                ("ZL", unit.location.clone()),
                ("SCJZMJ", unit.area.map(|a| format!("{a:.2}")).unwrap_or_default()),
                ("GHYT", unit.house_use.clone().unwrap_or_default()),
            ],
        });
    }
    if let Some(c) = case {
        rows.push(DataRow {
            table: "DJF_DJ_SQ",
            attrs: vec![("YSDM", "6004010000".into()), ("YWH", ywh.clone()), ("DJDL", djlx.clone()), ("SQRQ", c.accepted_on.to_string()), ("SQFS", c.channel.clone())],
        });
    }
    let (mut certs, mut proofs) = (0u32, 0u32);
    let mut pre_cert = String::new();
    let current = registry::rights_of_unit(conn, unit.id, false).await?;
    for step in steps {
        match step {
            Step::Create { right_id, unit_id, kind, holders, details, certificate, certificate_kind, predecessor_id, co_ownership, .. } if *unit_id == unit.id => {
                let kind = RightKind::from_code(kind).unwrap_or(flow.right_kind);
                match certificate_kind.as_deref() {
                    Some("title") => certs += 1,
                    Some("proof") => proofs += 1,
                    _ => {}
                }
                if let Some(p) = predecessor_id.and_then(|p| current.iter().find(|r| r.view.id == p)) {
                    pre_cert = p.view.certificate.clone().unwrap_or_default();
                }
                let attrs: std::collections::BTreeMap<String, String> = serde_json::from_str(details).unwrap_or_default();
                let (table, ysdm) = right_table(kind);
                let mut row = vec![
                    ("YSDM", ysdm.to_owned()),
                    ("BDCDYH", unit.unit_number.clone()),
                    ("YWH", ywh.clone()),
                    ("QLLX", kind.qllx().to_string()),
                    ("DJLX", djlx.clone()),
                    ("BDCQZH", certificate.clone().unwrap_or_default()),
                    ("QSZT", "1".into()),
                    ("FJ", attrs.get(attr::NOTE).cloned().unwrap_or_default()),
                ];
                match kind {
                    RightKind::Mortgage => {
                        row.push(("DYFS", attrs.get(attr::MORTGAGE_METHOD).cloned().unwrap_or_else(|| "1".into())));
                        row.push(("BDBZZQSE", attrs.get(attr::AMOUNT).cloned().unwrap_or_default()));
                        row.push(("ZWLXQSSJ", attrs.get(attr::TERM_START).cloned().unwrap_or_default()));
                        row.push(("ZWLXJSSJ", attrs.get(attr::TERM_END).cloned().unwrap_or_default()));
                        row.push(("DYSW", attrs.get(attr::RANK).cloned().unwrap_or_default()));
                    }
                    RightKind::Seizure => {
                        row.push(("CFLX", attrs.get(attr::SEIZURE_KIND).cloned().unwrap_or_else(|| "1".into())));
                        row.push(("CFJG", attrs.get(attr::COURT).cloned().unwrap_or_default()));
                        row.push(("CFWH", attrs.get(attr::COURT_CASE).cloned().unwrap_or_default()));
                        row.push(("CFQSSJ", attrs.get(attr::TERM_START).cloned().unwrap_or_default()));
                        row.push(("CFJSSJ", attrs.get(attr::TERM_END).cloned().unwrap_or_default()));
                    }
                    RightKind::AdvanceNotice => row.push(("YGDJZL", attrs.get(attr::ADVANCE_KIND).cloned().unwrap_or_default())),
                    _ => row.push(("GYQK", co_ownership.clone())),
                }
                rows.push(DataRow { table, attrs: row });
                for (party_id, share) in holders {
                    if let Some(p) = registry::get_party(conn, *party_id).await? {
                        // The national exchange carries the ID number in clear; it is decrypted
                        // only here, for the message.
                        let id_number = s.cipher().decrypt(&p.id_number_enc).unwrap_or_default();
                        rows.push(DataRow {
                            table: "ZTT_GY_QLR",
                            attrs: vec![
                                ("YSDM", "6003000000".into()),
                                ("BDCDYH", unit.unit_number.clone()),
                                ("QLRMC", p.name.clone()),
                                ("ZJZL", p.id_type.clone()),
                                ("ZJH", id_number),
                                ("QLRLX", party_kind_code(&p.kind).into()),
                                ("GYFS", co_ownership.clone()),
                                ("QLBL", share.clone()),
                                ("BDCQZH", certificate.clone().unwrap_or_default()),
                            ],
                        });
                    }
                }
            }
            Step::End { right_id, state } => {
                if let Some(r) = current.iter().find(|r| r.view.id == *right_id && r.unit_id == unit.id) {
                    let (table, ysdm) = right_table(r.view.kind);
                    rows.push(DataRow {
                        table,
                        attrs: vec![
                            ("YSDM", ysdm.to_owned()),
                            ("BDCDYH", unit.unit_number.clone()),
                            ("YWH", ywh.clone()),
                            ("QLLX", r.view.kind.qllx().to_string()),
                            ("DJLX", djlx.clone()),
                            ("BDCQZH", r.view.certificate.clone().unwrap_or_default()),
                            ("QSZT", state.to_string()),
                        ],
                    });
                    if pre_cert.is_empty() {
                        pre_cert = r.view.certificate.clone().unwrap_or_default();
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
                    rows.push(DataRow {
                        table: "DJF_DJ_SZ",
                        attrs: vec![("YSDM", "6004060000".into()), ("YWH", ywh.clone()), ("BDCQZH", certificate.clone())],
                    });
                }
            }
            // The unit's new 坐落 and a holder's new name are in the unit and party rows of the
            // same message, read after the registration.
            Step::Create { .. } | Step::Relocate { .. } | Step::Rename { .. } => {}
        }
    }
    // Issuance-data normalisation (A4.4), as configured.
    let rules: Vec<bdc_domain::issuance::Rule> = reports::issuance_rules(conn)
        .await?
        .into_iter()
        .filter_map(|(_, t, f, a, p)| bdc_domain::issuance::Rule::new(&t, &f, &a, &p).ok())
        .collect();
    rows.push(DataRow {
        table: "DJF_DJ_SH",
        attrs: vec![("YSDM", "6004030000".into()), ("YWH", ywh.clone()), ("SHJG", "1".into()), ("SHYJ", "审核通过".into())],
    });
    if certs + proofs > 0 {
        rows.push(DataRow { table: "DJF_DJ_SZ", attrs: vec![("YSDM", "6004060000".into()), ("YWH", ywh.clone()), ("SZRQ", at.date().to_string())] });
    }
    for row in &mut rows {
        for (field, value) in &mut row.attrs {
            *value = bdc_domain::issuance::normalise(&rules, row.table, field, value);
        }
    }
    Ok(AccessMessage {
        head: Head {
            biz_msg_id: biz_msg_id.to_owned(),
            area_code: unit.unit_number[..6].to_owned(),
            rec_type: rec_type(flow, is_house),
            right_type: flow.right_kind.qllx().to_string(),
            reg_type: djlx,
            create_date: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            rec_flow_id: if ywh.is_empty() { format!("J{seq}") } else { ywh },
            reg_org_id: REG_ORG_ID.into(),
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
        store_answer(&mut conn, &r, &raw).await?;
        n += 1;
    }
    Ok(n)
}

/// Stores an answer raw, then reads it: accepted, rejected, or quarantined with the reason.
async fn store_answer(conn: &mut AnyConnection, r: &reports::ReportRecord, raw: &str) -> ServiceResult<()> {
    let now = Utc::now();
    match response::parse(raw) {
        Ok(resp) if resp.biz_msg_id != r.biz_msg_id => {
            reports::answer(conn, r.id, "quarantined", raw, "", &format!("响应的报文标识 {} 与所发报文不符", resp.biz_msg_id), now).await?;
        }
        Ok(resp) => {
            let state = if resp.success { "accepted" } else { "rejected" };
            reports::answer(conn, r.id, state, raw, &resp.code, &resp.info, now).await?;
            // A re-report clears its reconciliation item (销账成功) or fails it.
            if let Some(item) = reports::item_by_resend(conn, &r.biz_msg_id).await? {
                reports::set_item_status(conn, item.id, if resp.success { 3 } else { 4 }, None, now).await?;
            } else if !resp.success {
                // A refused report is a reconciliation item of its own (接入失败), to be fixed and
                // re-reported within 5 working days.
                let today = (now + Duration::hours(8)).date_naive();
                let deadline = bdc_domain::calendar::WorkCalendar::seeded().add_working_days(today, 5).to_string();
                let case_number = match r.case_id {
                    Some(id) => case_store::get_case(conn, id).await?.map(|c| c.case_number).unwrap_or_default(),
                    None => String::new(),
                };
                let unit_number = registry::get_unit(conn, r.unit_id).await?.map(|u| u.unit_number).unwrap_or_default();
                reports::insert_item(conn, &today.to_string(), &r.biz_msg_id, &case_number, &unit_number, &resp.code, &resp.info, 1, &deadline, raw, now).await?;
            }
        }
        Err(e) => reports::answer(conn, r.id, "quarantined", raw, "", &e.to_string(), now).await?,
    }
    Ok(())
}
