//! Court network seizure (法院网络查控, A5.1–A5.4).
//!
//! 1. **Intake** ([`poll`]): fetch from the provincial front-end, store every message raw (with
//!    its SM3 digest, so the front-end's repeats of its pending list are kept once) and only
//!    then read it. Each request is kept once by its number, and its properties join the queue.
//!    A message that cannot be read is quarantined with the reason; a request that fails the
//!    checks has its properties quarantined and answered 未能控制 with the reason.
//! 2. **Processing** ([`process_pending`]): the queue is taken strictly in delivery order —
//!    online requests and the deliveries entered at the counter ([`deliver_at_counter`]) alike.
//!    Each property is matched to a unit (by 不动产单元号, certificate number, or 坐落 + owner),
//!    and a 查封 / 轮候查封 / 预查封 / 续封 / 解封 case is opened and registered by the system in
//!    **one transaction with marking the property done**: after a crash a property has either
//!    been registered and marked, or neither, so each is processed exactly once.
//!
//!    **Delivery order (送达时间), the rule.** Seizures rank by the time the registry received
//!    the court's notice (法发〔2004〕5号 第20条), not by when BDC fetched it:
//!    - notices not yet registered are taken in delivery order whatever poll brought them (the
//!      queue is one list ordered by `delivered_at`, online and counter alike), so a notice
//!      delivered earlier never loses its rank to one not yet registered;
//!    - a notice that arrives after a later-delivered one was already registered goes into the
//!      waiting list (轮候) at its delivery-time place, ahead of every later-delivered waiting
//!      seizure, which move back one place;
//!    - but it never displaces the **active** seizure: that one took effect when it was
//!      registered and its court was told 查封成功 with its term. The earlier notice is first in
//!      line and becomes active, with its term from that day, when the active one is released
//!      or lapses ([`note_promotions`] then tells its court).
//!
//!    `register::plan` implements the waiting-list placing; the test
//!    `delivery_order_across_polls_promotion_receipts_continuation_and_lapse_reports` shows it.
//! 3. **Receipts** ([`send_receipts`]): one per property (status, actual term, reason, 业务号,
//!    轮候), due within 1 working day of processing, sent in batches with back-off on failure.
//!    A waiting seizure promoted to active is due a second receipt (查封成功, term from the
//!    promotion date, no 轮候). Counter deliveries are answered on paper.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use bdc_adapters::court::frontend::CourtFrontEnd;
use bdc_adapters::court::message::{check_request, read_request_list, read_requests, render_requests, soap_unwrap, Action, Feedback, Property, Request};
use bdc_core::access::Permission;
use bdc_core::calendar::WorkCalendar;
use bdc_core::masking::mask_id_number;
use bdc_crypto::sm3_hex;
use bdc_registry::domain::register::{attr, RightView, SeizureKind};
use bdc_registry::domain::rights::RightKind;
use bdc_registry::register_api::cases::{self as case_store, NewCase};
use bdc_registry::register_api::{journal, registry};

pub use crate::domain::{PropertyStatus, ReceiptState};
use crate::store::{self, NewRequest, Outcome};
use bdc_db::{AnyConnection, Page, PageRequest};

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::{next_case_number, register_locked, system_actor, today, RequestDoc};
use bdc_registry::Services;

// The records this use case hands to the API and the pages.
pub use crate::store::{CourtProperty, PropertyFilter};

/// The background job that polls, processes and answers (法院查控轮询).
pub const COURT_POLL: &str = "court_poll";

/// The job kind the court desk subscribes to the register's [`SEIZURE_PROMOTED`] events with: a
/// registration or lapse may have made a waiting seizure active (轮候转正).
///
/// [`SEIZURE_PROMOTED`]: bdc_registry::service::events::SEIZURE_PROMOTED
pub const COURT_PROMOTIONS: &str = "court_promotions";

/// Pending properties taken per round of processing.
const BATCH: i64 = 200;
/// Receipts sent per call to the front-end.
const RECEIPT_BATCH: i64 = 500;
/// A seizure lasts at most three years (民诉法解释 第487条).
const MAX_TERM_DAYS: i64 = 3 * 365;

/// What one poll brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    /// Messages kept (a repeat of a message already kept is not counted).
    pub messages: usize,
    pub new_requests: usize,
    pub duplicates: usize,
    /// Messages that could not be read at all.
    pub quarantined: usize,
    /// Requests kept but failing the checks (their properties are quarantined).
    pub rejected_requests: usize,
}

impl Polled {
    fn add(&mut self, o: &Polled) {
        self.messages += o.messages;
        self.new_requests += o.new_requests;
        self.duplicates += o.duplicates;
        self.quarantined += o.quarantined;
        self.rejected_requests += o.rejected_requests;
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> ServiceError {
    ServiceError::Internal(Box::new(e))
}

/// Polls once. Messages kept earlier but not yet read (a crash in between) are read first.
pub async fn poll(s: &Services, front: &Arc<dyn CourtFrontEnd>) -> ServiceResult<Polled> {
    let mut out = Polled::default();
    let unread = {
        let mut conn = s.db.conn().await?;
        store::unread_messages(&mut conn).await?
    };
    for (id, raw) in unread {
        let raw = bdc_registry::register_api::unseal(s, &raw)?;
        out.add(&read_message(s, id, &raw).await?);
    }
    let raw = front.fetch_requests().await.map_err(unavailable)?;
    let digest = sm3_hex(raw.as_bytes());
    let id = {
        let mut conn = s.db.conn().await?;
        if store::message_with_digest(&mut conn, &digest).await?.is_some() {
            return Ok(out);
        }
        // Kept as it came but SM4-encrypted (it names the 被执行人 with his ID number); the SM3
        // digest is of the clear text, so repeats are still recognised.
        store::store_raw(&mut conn, &bdc_registry::register_api::seal(s, &raw), &digest, Utc::now()).await?
    };
    out.messages += 1;
    out.add(&read_message(s, id, &raw).await?);
    Ok(out)
}

/// Reads a kept message: its requests join the queue, in one transaction with marking it read.
///
/// Each request is read on its own ([`read_requests`]): one whose attachment does not decode or
/// whose action is unknown is kept with its properties quarantined and answered 未能控制 with the
/// reason, and the others in the message go on. Only a message that is not a request list at
/// all is quarantined whole; a request without a number, which cannot be answered, is named in
/// the message's reason.
async fn read_message(s: &Services, id: i64, raw: &str) -> ServiceResult<Polled> {
    let mut out = Polled::default();
    let requests = match soap_unwrap(raw).and_then(|(_, _, _, payload)| read_requests(&payload)) {
        Ok(r) => r,
        Err(reason) => {
            let mut conn = s.db.conn().await?;
            store::mark_message(&mut conn, id, "quarantined", &reason).await?;
            out.quarantined += 1;
            return Ok(out);
        }
    };
    let now = Utc::now();
    let due = receipt_due(s).await?;
    let mut unanswerable = Vec::new();
    let mut tx = s.db.begin().await?;
    for read in &requests {
        let r = &read.request;
        if r.number.trim().is_empty() || (r.properties.is_empty() && read.unreadable.is_empty()) {
            let why = read.problems.first().cloned().or_else(|| check_request(r).err()).unwrap_or_else(|| "请求无法应答".into());
            unanswerable.push(why);
            continue;
        }
        let problem = if read.problems.is_empty() { check_request(r).err() } else { Some(read.problems.join("；")) };
        if queue_request(s, &mut tx, r, &read.unreadable, id, "online", problem.as_deref().unwrap_or(""), now).await? {
            out.new_requests += 1;
            if let Some(reason) = &problem {
                out.rejected_requests += 1;
                let seqs = r.properties.iter().map(|p| p.seq.as_str()).chain(read.unreadable.iter().map(|(seq, _)| seq.as_str()));
                for seq in seqs {
                    let o = Outcome { status: PropertyStatus::Quarantined, reason, receipt_state: ReceiptState::Due, receipt_due: Some(&due), ..Outcome::default() };
                    store::settle(&mut tx, &r.number, seq, &o, now).await?;
                }
            }
        } else {
            out.duplicates += 1;
        }
    }
    if unanswerable.is_empty() {
        store::mark_message(&mut tx, id, "parsed", "").await?;
    } else {
        out.quarantined += 1;
        store::mark_message(&mut tx, id, "quarantined", &unanswerable.join("；")).await?;
    }
    bdc_db::commit(tx).await?;
    Ok(out)
}

/// Keeps a request and queues its properties (distinct sequence numbers only), with the
/// properties that could not be read (`unreadable`: 序号 and the code as sent).
#[allow(clippy::too_many_arguments)]
async fn queue_request(s: &Services, conn: &mut AnyConnection, r: &Request, unreadable: &[(String, String)], message_id: i64, source: &str, problem: &str, now: DateTime<Utc>) -> ServiceResult<bool> {
    let mut props: Vec<(String, String)> = Vec::new();
    for (seq, code) in r.properties.iter().map(|p| (p.seq.clone(), p.action.code().to_owned())).chain(unreadable.iter().cloned()) {
        if !props.iter().any(|(s, _)| *s == seq) {
            props.push((seq, code));
        }
    }
    let body = bdc_registry::register_api::seal(s, &render_requests(std::slice::from_ref(r)));
    let delivered = r.delivered_at.trim();
    Ok(store::insert_request(
        conn,
        &NewRequest { number: &r.number, message_id, court: &r.court, case_number: &r.case_number, delivered_at: delivered, body: &body, source, properties: &props, problem },
        now,
    )
    .await?)
}

/// The day a receipt for something processed today is due: 1 working day later (A5.4).
async fn receipt_due(s: &Services) -> ServiceResult<String> {
    let cal = bdc_registry::register_api::working_calendar(s).await?;
    Ok(cal.add_working_days(today(), 1).to_string())
}

/// A delivery handed in at the counter (窗口送达): it joins the same queue, placed by its
/// delivery time. Its receipt is given on paper.
pub async fn deliver_at_counter(s: &Services, actor: &Actor, mut r: Request) -> ServiceResult<String> {
    actor.require(Permission::CaseIntake)?;
    if r.number.trim().is_empty() {
        r.number = format!("CTR{}{}", Utc::now().format("%Y%m%d%H%M%S"), bdc_crypto::random_hex(3).to_uppercase());
    }
    check_request(&r).map_err(|m| ServiceError::validation("bad_court_request", m))?;
    let today = bdc_core::time::today();
    for p in &r.properties {
        if p.unit_number.is_empty() && p.certificate.is_empty() && p.location.is_empty() {
            return Err(ServiceError::field("no_property", "properties", format!("财产 {} 须写明不动产单元号、不动产权证号或坐落", p.seq)));
        }
        // A seizure or continuation whose term has already ended cannot be registered: refused
        // here, at the counter, before anything is queued (the page checks the same).
        if matches!(p.action, Action::Seize | Action::Continue) {
            if let Ok(end) = chrono::NaiveDate::parse_from_str(p.end.get(..10).unwrap_or(&p.end), "%Y-%m-%d") {
                if end < today {
                    return Err(ServiceError::field("term_ended", "properties", format!("财产 {} 的查封期限已于 {end} 届满，不能办理", p.seq)));
                }
            }
        }
    }
    let raw = render_requests(std::slice::from_ref(&r));
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    let id = store::store_raw(&mut tx, &bdc_registry::register_api::seal(s, &raw), &sm3_hex(raw.as_bytes()), now).await?;
    store::mark_message(&mut tx, id, "parsed", &format!("窗口送达，录入人 {}", actor.username)).await?;
    if !queue_request(s, &mut tx, &r, &[], id, "counter", "", now).await? {
        return Err(ServiceError::Conflict { code: "duplicate_request", message: format!("请求单号 {} 已存在", r.number) });
    }
    bdc_audit::commit(tx, actor, "窗口送达法院文书", &format!("请求 {}，{} 项财产", r.number, r.properties.len())).await?;
    Ok(r.number)
}

/// What one round of processing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Processed {
    pub registered: usize,
    pub refused: usize,
    pub quarantined: usize,
    pub manual: usize,
}

/// Processes the queue in delivery order until it is empty.
pub async fn process_pending(s: &Services) -> ServiceResult<Processed> {
    let mut out = Processed::default();
    let cal = bdc_registry::register_api::working_calendar(s).await?;
    while process_batch(s, &cal, &mut out).await? > 0 {}
    Ok(out)
}

/// What to do with one queued property, decided before the write transaction.
enum Plan {
    /// Settle it without registering: `(status, reason, receipt state)`.
    Settle(PropertyStatus, String, ReceiptState),
    /// Register it on the unit matched.
    Register { request: Box<Request>, property: Property, unit_id: i64 },
}

/// Processes the next batch of the queue; returns how many properties it took (0: empty).
///
/// The batch is read and matched first (reads only), then registered **in one transaction**, in
/// delivery order: each property's case, registration and settling in a savepoint of its own,
/// so a property the register refuses is rolled back alone and settled 未能控制 with the
/// reason, and the others go on. One commit for the batch instead of one per property; the
/// journal chain and the order per unit are exactly those of one-by-one processing, since the
/// properties are registered one after another on the same journal head. A failure of the
/// system itself (the database) rolls back the whole batch, which stays pending and is taken
/// again — each property is still registered exactly once.
async fn process_batch(s: &Services, cal: &WorkCalendar, out: &mut Processed) -> ServiceResult<usize> {
    let batch = {
        let mut conn = s.db.conn().await?;
        store::pending(&mut conn, BATCH).await?
    };
    if batch.is_empty() {
        return Ok(0);
    }
    let day = today();
    let due = cal.add_working_days(day, 1).to_string();
    // 1. Read back and match each property (reads only, outside the write transaction).
    let mut plans = Vec::with_capacity(batch.len());
    let mut parties: BTreeMap<String, i64> = BTreeMap::new();
    {
        let mut conn = s.db.conn().await?;
        for p in &batch {
            let receipt = ReceiptState::for_source(&p.source);
            let plan = match load_property(s, &mut conn, p).await? {
                Err(reason) => Plan::Settle(PropertyStatus::Quarantined, reason, receipt),
                Ok((_, property)) if property.action == Action::TransferRuling => Plan::Settle(PropertyStatus::Manual, "过户裁定书已送达，须由窗口办理司法裁决转移登记".into(), ReceiptState::None),
                Ok((request, property)) => match match_unit(s, &mut conn, &request, &property).await? {
                    Ok(unit_id) => Plan::Register { request: Box::new(request), property, unit_id },
                    Err(reason) => Plan::Settle(PropertyStatus::Quarantined, reason, receipt),
                },
            };
            if let Plan::Register { request, .. } = &plan {
                if let std::collections::btree_map::Entry::Vacant(slot) = parties.entry(request.court.trim().to_owned()) {
                    // The court as a party, found or recorded before the batch's transaction
                    // (on SQLite a second writer would wait on the batch's own lock).
                    let id = court_party(s, &mut conn, slot.key()).await?;
                    slot.insert(id);
                }
            }
            plans.push(plan);
        }
    }
    // 2. Register the batch in one transaction, a savepoint per property.
    let mut tx = s.db.begin().await?;
    let mut counts = Processed::default();
    for (p, plan) in batch.iter().zip(plans) {
        let receipt = ReceiptState::for_source(&p.source);
        let settled = match plan {
            Plan::Settle(status, reason, receipt_state) => settle_in(&mut tx, p, status, &reason, None, receipt_state, &due).await?,
            Plan::Register { request, property, unit_id } => {
                let party = parties.get(request.court.trim()).copied().ok_or_else(|| ServiceError::Internal("法院当事人未登记".into()))?;
                bdc_db::execute(&mut tx, "SAVEPOINT court_property").await?;
                match register_property(&mut tx, &s.office, party, p, &request, &property, unit_id, day, &due, receipt).await {
                    Ok(true) => {
                        bdc_db::execute(&mut tx, "RELEASE SAVEPOINT court_property").await?;
                        Some(PropertyStatus::Registered)
                    }
                    // Settled by another worker meanwhile: undo the journal sequence taken.
                    Ok(false) => {
                        bdc_db::execute(&mut tx, "ROLLBACK TO SAVEPOINT court_property").await?;
                        bdc_db::execute(&mut tx, "RELEASE SAVEPOINT court_property").await?;
                        None
                    }
                    // A failure of the system itself leaves the whole batch pending, to be
                    // tried again; anything the request or the register is the cause of refuses
                    // the property with the reason, so no input stops the queue.
                    Err(e @ ServiceError::Internal(_)) => return Err(e),
                    Err(e) => {
                        bdc_db::execute(&mut tx, "ROLLBACK TO SAVEPOINT court_property").await?;
                        bdc_db::execute(&mut tx, "RELEASE SAVEPOINT court_property").await?;
                        settle_in(&mut tx, p, PropertyStatus::Refused, &e.to_string(), Some(unit_id), receipt, &due).await?
                    }
                }
            }
        };
        match settled {
            Some(PropertyStatus::Registered) => counts.registered += 1,
            Some(PropertyStatus::Refused) => counts.refused += 1,
            Some(PropertyStatus::Quarantined) => counts.quarantined += 1,
            Some(PropertyStatus::Manual) => counts.manual += 1,
            Some(PropertyStatus::Pending) | None => {}
        }
    }
    bdc_db::commit(tx).await?;
    out.registered += counts.registered;
    out.refused += counts.refused;
    out.quarantined += counts.quarantined;
    out.manual += counts.manual;
    Ok(batch.len())
}

/// Settles a property without registering it; `None` when it had been settled already.
#[allow(clippy::too_many_arguments)]
async fn settle_in(
    conn: &mut AnyConnection,
    p: &CourtProperty,
    status: PropertyStatus,
    reason: &str,
    unit_id: Option<i64>,
    receipt_state: ReceiptState,
    due: &str,
) -> ServiceResult<Option<PropertyStatus>> {
    let o = Outcome { status, reason, unit_id, receipt_state, receipt_due: Some(due), ..Outcome::default() };
    Ok(store::settle(conn, &p.request_number, &p.seq, &o, Utc::now()).await?.then_some(status))
}

/// The request and property a queued row stands for.
/// `Ok(Err(reason))` when the kept request cannot be read back: the property is then quarantined
/// with that reason (an input problem never stops the queue).
async fn load_property(s: &Services, conn: &mut AnyConnection, p: &CourtProperty) -> ServiceResult<Result<(Request, Property), String>> {
    let Some(body) = store::request_body(conn, &p.request_number).await? else { return Ok(Err(format!("请求 {} 不存在", p.request_number))) };
    let body = bdc_registry::register_api::unseal(s, &body)?;
    let Some(request) = read_request_list(&body).ok().and_then(|mut v| v.pop()) else { return Ok(Err(format!("请求 {} 的存档无法读取", p.request_number))) };
    let Some(property) = request.properties.iter().find(|x| x.seq == p.seq).cloned() else { return Ok(Err(format!("请求 {} 没有可读取的财产 {}", p.request_number, p.seq))) };
    Ok(Ok((request, property)))
}

/// Finds the unit a property means (A5.2): by 不动产单元号, else by certificate number, else by
/// 坐落 together with the owner (the person subject to execution, by name or ID number).
/// `Ok(Err(reason))` when nothing matches.
async fn match_unit(s: &Services, conn: &mut AnyConnection, r: &Request, p: &Property) -> ServiceResult<Result<i64, String>> {
    let mut tried = Vec::new();
    if !p.unit_number.trim().is_empty() {
        if let Some(u) = registry::find_unit(conn, p.unit_number.trim()).await? {
            return Ok(Ok(u.id));
        }
        tried.push(format!("不动产单元号 {} 不存在", p.unit_number.trim()));
    }
    if !p.certificate.trim().is_empty() {
        if let Some(u) = registry::unit_by_certificate(conn, p.certificate.trim()).await? {
            return Ok(Ok(u));
        }
        tried.push(format!("不动产权证号 {} 未找到现势权利", p.certificate.trim()));
    }
    if !p.location.trim().is_empty() {
        let bidx = (!r.subject_id.trim().is_empty()).then(|| s.cipher().blind_index(&r.subject_id.trim().to_uppercase()));
        let mut found = Vec::new();
        for unit in registry::units_at(conn, p.location.trim()).await? {
            let rights = registry::rights_of_unit(conn, unit, true).await?;
            let mut owned = false;
            for h in rights.iter().filter(|x| !x.view.kind.is_restriction()).flat_map(|x| x.view.holders.iter()) {
                if let Some(party) = registry::get_party(conn, h.party_id).await? {
                    owned |= party.name == r.subject.trim() || bidx.as_deref() == Some(party.id_number_bidx.as_str());
                }
            }
            if owned {
                found.push(unit);
            }
        }
        match found.as_slice() {
            [one] => return Ok(Ok(*one)),
            [] => tried.push(format!("坐落“{}”没有被执行人 {} 名下的不动产", p.location.trim(), r.subject.trim())),
            _ => tried.push(format!("坐落“{}”与被执行人对应多个不动产单元，须写明单元号", p.location.trim())),
        }
    }
    if tried.is_empty() {
        tried.push("未写明不动产单元号、不动产权证号或坐落".into());
    }
    Ok(Err(format!("未能匹配不动产单元：{}", tried.join("；"))))
}

/// The court as a party: found by name among state organs, or recorded (证件种类 99, the
/// court's name standing as its identifier, as the request carries no credit code).
async fn court_party(s: &Services, conn: &mut AnyConnection, name: &str) -> ServiceResult<i64> {
    if let Some(id) = registry::parties_named(conn, "state_organ", name).await?.first() {
        return Ok(*id);
    }
    let id_number: String = name.chars().take(40).collect();
    let party = registry::Party {
        id: 0,
        kind: "state_organ".into(),
        name: name.to_owned(),
        id_type: "99".into(),
        id_number_enc: s.cipher().encrypt(&id_number),
        id_number_bidx: s.cipher().blind_index(&id_number),
        id_number_masked: mask_id_number(&id_number),
    };
    Ok(registry::upsert_party(conn, &party, Utc::now()).await?)
}

/// The seizure a continuation or release refers to: by the original 业务号, else by the
/// original case number, else the one seizure of the same court. It must be the same court's.
///
/// A seizure's entry in the register is superseded when it moves up the waiting list, becomes
/// active or is continued, and the new entry belongs to that later case; so the 业务号 is looked
/// for along the entry's whole line — the seizure's own registration and its continuations (续封).
async fn original_seizure<'a>(conn: &mut AnyConnection, unit_id: i64, current: &'a [(RightView, Option<i64>)], r: &Request, p: &Property) -> ServiceResult<Result<&'a RightView, String>> {
    let seizures: Vec<&(RightView, Option<i64>)> = current.iter().filter(|(v, _)| v.kind == RightKind::Seizure).collect();
    let mut hits: Vec<&RightView> = Vec::new();
    if !p.original_business.trim().is_empty() {
        let wanted = p.original_business.trim();
        let line: BTreeMap<i64, (Option<i64>, Option<i64>)> = registry::rights_of_unit(conn, unit_id, false).await?.into_iter().map(|x| (x.view.id, (x.case_id, x.predecessor_id))).collect();
        for (v, _) in &seizures {
            let mut at = Some(v.id);
            let mut steps = 0;
            while let Some(id) = at.filter(|_| steps < 10_000) {
                steps += 1;
                let (case_id, predecessor) = line.get(&id).copied().unwrap_or((None, None));
                if let Some(c) = case_id {
                    if let Some(c) = case_store::get_case(conn, c).await? {
                        if c.case_number == wanted && (predecessor.is_none() || c.flow_code == "CTR-SEIZURE-RENEW") {
                            hits.push(v);
                            break;
                        }
                    }
                }
                at = predecessor;
            }
        }
    } else if !p.original_case.trim().is_empty() {
        hits = seizures.iter().filter(|(v, _)| v.attr(attr::COURT_CASE) == Some(p.original_case.trim()) || v.attr(attr::RENEWAL_CASE) == Some(p.original_case.trim())).map(|(v, _)| v).collect();
    } else {
        hits = seizures.iter().filter(|(v, _)| v.attr(attr::COURT) == Some(r.court.trim())).map(|(v, _)| v).collect();
    }
    let what = if !p.original_business.trim().is_empty() {
        format!("原业务号 {}", p.original_business.trim())
    } else if !p.original_case.trim().is_empty() {
        format!("原案号 {}", p.original_case.trim())
    } else {
        format!("{}的查封", r.court.trim())
    };
    Ok(match hits.as_slice() {
        [] => Err(format!("该单元没有现势的查封（{what}），无法办理")),
        [one] => match one.attr(attr::COURT) {
            Some(c) if c != r.court.trim() => Err(format!("{what}的查封机关为{c}，与请求法院{}不一致", r.court.trim())),
            _ => Ok(*one),
        },
        _ => Err(format!("该单元有多个符合的查封（{what}），须写明原业务号")),
    })
}

fn term(p: &Property, day: NaiveDate) -> Result<(NaiveDate, NaiveDate), String> {
    let end = if p.end.trim().is_empty() { day + Duration::days(MAX_TERM_DAYS - 1) } else { p.end.trim().parse::<NaiveDate>().map_err(|_| format!("查封期限截止日期无效：{}", p.end))? };
    if end < day {
        return Err(format!("查封期限截止日期 {end} 早于登记日 {day}"));
    }
    if end > day + Duration::days(MAX_TERM_DAYS) {
        return Err(format!("查封期限不得超过三年（登记日 {day}，请求截止 {end}）"));
    }
    Ok((day, end))
}

/// Opens the case for a property and registers it, in the batch's transaction `tx` with
/// settling the property. False when the property had been settled already. `party` is the
/// court as a party.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "court_register", skip_all, fields(court.request = %p.request_number, court.property = %p.seq, unit.id = unit_id))]
async fn register_property(
    tx: &mut AnyConnection,
    office: &bdc_core::office::Office,
    party: i64,
    p: &CourtProperty,
    r: &Request,
    prop: &Property,
    unit_id: i64,
    day: NaiveDate,
    due: &str,
    receipt: ReceiptState,
) -> ServiceResult<bool> {
    let now = Utc::now();
    let (seq, prev_hash) = journal::next_seq(&mut *tx).await?;
    if store::get_property(&mut *tx, &p.request_number, &p.seq).await?.is_none_or(|x| x.status != PropertyStatus::Pending) {
        return Ok(false);
    }
    let unit = registry::get_unit(&mut *tx, unit_id).await?.ok_or_else(|| ServiceError::NotFound("不动产单元不存在".into()))?;
    let current: Vec<(RightView, Option<i64>)> = registry::rights_of_unit(&mut *tx, unit_id, true).await?.into_iter().map(|x| (x.view, x.case_id)).collect();
    let mut attrs = BTreeMap::new();
    attrs.insert(attr::COURT.to_owned(), r.court.trim().to_owned());
    attrs.insert(attr::COURT_CASE.to_owned(), r.case_number.trim().to_owned());
    attrs.insert(attr::DELIVERED_AT.to_owned(), r.delivered_at.trim().to_owned());
    attrs.insert(attr::COURT_REQUEST.to_owned(), r.number.clone());
    if !r.ruling_number.trim().is_empty() {
        attrs.insert(attr::COURT_RULING.to_owned(), r.ruling_number.trim().to_owned());
        attrs.insert(attr::NOTE.to_owned(), format!("裁定书文号：{}", r.ruling_number.trim()));
    }
    let mut target = None;
    let flow_code = match prop.action {
        Action::Seize => {
            let titled = current.iter().any(|(v, _)| !v.kind.is_restriction());
            let waits = current.iter().any(|(v, _)| v.kind == RightKind::Seizure);
            if !waits {
                let (start, end) = term(prop, day).map_err(|m| ServiceError::validation("bad_term", m))?;
                attrs.insert(attr::TERM_START.to_owned(), start.to_string());
                attrs.insert(attr::TERM_END.to_owned(), end.to_string());
            } else if !prop.end.trim().is_empty() {
                term(prop, day).map_err(|m| ServiceError::validation("bad_term", m))?;
            }
            attrs.insert(attr::SEIZURE_KIND.to_owned(), if titled { SeizureKind::Seizure } else { SeizureKind::Pre }.code().to_owned());
            if !titled {
                "CTR-SEIZURE-PRE"
            } else if waits {
                "CTR-SEIZURE-QUEUED"
            } else {
                "CTR-SEIZURE"
            }
        }
        Action::Continue => {
            let old = original_seizure(&mut *tx, unit_id, &current, r, prop).await?.map_err(|m| ServiceError::validation("no_seizure", m))?;
            if old.attr(attr::QUEUE).is_some() {
                return Err(ServiceError::validation("seizure_waiting", "原查封为轮候查封，尚未生效，不能续封"));
            }
            if prop.end.trim().is_empty() {
                return Err(ServiceError::validation("term_required", "续封须写明新的查封期限截止日期"));
            }
            // The seizure keeps its own 查封机关, 文号, 送达时间 and 请求单号 (a later release by
            // the original 文号 must find it); the continuation is recorded beside them and is a
            // case of its own, linked to the seizure by the successor entry.
            attrs = BTreeMap::new();
            attrs.insert(attr::TERM_END.to_owned(), prop.end.trim().to_owned());
            attrs.insert(attr::RENEWAL_CASE.to_owned(), r.case_number.trim().to_owned());
            attrs.insert(attr::RENEWAL_REQUEST.to_owned(), r.number.clone());
            attrs.insert(attr::RENEWAL_DELIVERED_AT.to_owned(), r.delivered_at.trim().to_owned());
            if !r.ruling_number.trim().is_empty() {
                attrs.insert(attr::RENEWAL_RULING.to_owned(), r.ruling_number.trim().to_owned());
            }
            target = Some(old.id);
            "CTR-SEIZURE-RENEW"
        }
        Action::Release => {
            let old = original_seizure(&mut *tx, unit_id, &current, r, prop).await?.map_err(|m| ServiceError::validation("no_seizure", m))?;
            target = Some(old.id);
            // The release keeps who released it and by what (解封机关, 文号, 文件) on its case, for
            // the JF* fields of the report; the released seizure's own particulars are untouched.
            attrs.retain(|k, _| k == attr::COURT || k == attr::COURT_CASE || k == attr::COURT_RULING);
            "CTR-SEIZURE-RELEASE"
        }
        Action::TransferRuling => return Err(ServiceError::validation("manual", "过户裁定书须人工办理")),
    };
    let request = RequestDoc { attrs, target_right: target, ..RequestDoc::default() };
    let request_text = serde_json::to_string(&request).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let county = office.county_of(&unit.unit_number).to_owned();
    let number = next_case_number(&mut *tx, &county, day).await?;
    let applicants = vec![(party, "agent".to_owned(), "1".to_owned())];
    let case_id = case_store::insert_case(
        &mut *tx,
        &NewCase {
            case_number: number.as_str(),
            flow_code,
            state: bdc_registry::service::cases::CaseState::Register,
            channel: "court",
            county_code: &county,
            request: &request_text,
            created_by: "system",
            accepted_on: day,
            deadline: due.parse().unwrap_or(day),
            units: &[(unit.id, unit.version)],
            applicants: &applicants,
        },
        now,
    )
    .await?;
    let note = format!("法院网络查控自动受理：{}（{}），请求单号 {}，送达时间 {}", r.court.trim(), r.case_number.trim(), r.number, r.delivered_at.trim());
    case_store::add_event(&mut *tx, case_id, None, bdc_registry::service::cases::CaseState::Register, "system", &note, now).await?;
    let moved = register_locked(&mut *tx, office, &system_actor(), case_id, seq, &prev_hash, now).await?;
    // What the court is told: the seizure as registered (its term, or its place in the queue).
    let after = registry::rights_of_unit(&mut *tx, unit_id, true).await?;
    let created = after.iter().find(|x| x.case_id == Some(case_id) && x.view.kind == RightKind::Seizure).map(|x| &x.view);
    let waiting = created.is_some_and(|v| v.attr(attr::QUEUE).is_some());
    let (start, end) = match (prop.action, created) {
        (Action::Release, _) => (day.to_string(), String::new()),
        (_, Some(v)) if !waiting => (v.attr(attr::TERM_START).unwrap_or_default().to_owned(), v.attr(attr::TERM_END).unwrap_or_default().to_owned()),
        _ => (String::new(), String::new()),
    };
    let reason = if waiting { waiting_reason(created.and_then(|v| v.attr(attr::QUEUE)).unwrap_or("?")) } else { String::new() };
    let o = Outcome {
        status: PropertyStatus::Registered,
        reason: &reason,
        unit_id: Some(unit_id),
        case_id: Some(case_id),
        business_number: &moved.case.case_number,
        waiting,
        actual_start: &start,
        actual_end: &end,
        receipt_state: receipt,
        receipt_due: Some(due),
    };
    Ok(store::settle(&mut *tx, &p.request_number, &p.seq, &o, now).await?)
}

/// What the desk shows of a waiting seizure: its place in the unit's queue (轮候顺序), kept
/// current as the queue moves (see [`note_promotions`]).
fn waiting_reason(place: &str) -> String {
    format!("轮候查封，轮候顺序第 {place} 位")
}

/// Tells the courts whose waiting seizures a registration made active (轮候转查封).
///
/// When the active seizure is released or lapses, the earliest waiting one becomes active
/// automatically (法发〔2004〕5号 第20条) and its term starts that day. Its court was told 轮候
/// when it was registered; now it is due a receipt like any registration (A5.4): 查封成功, the
/// term from the promotion date, no 轮候 flag, within 1 working day. Run for every journal
/// entry that puts a seizure in place of another — 解封 and 续封 cases through 登簿, and the
/// daily lapse — from the register's `seizure_promoted` event ([`promotions_of`]); a property is promoted once, however often the event
/// is handled. Seizures that
/// reached the register at the counter are answered on paper (`paper`), and staff see them in
/// the inbox with `promoted_at`. Returns how many properties were promoted.
pub(crate) async fn note_promotions(conn: &mut AnyConnection, steps: &[journal::Step], now: DateTime<Utc>) -> ServiceResult<usize> {
    // Waiting seizures that moved in the queue: the desk shows each court's place as it is now.
    for step in steps {
        if let journal::Step::Create { unit_id, kind, details, predecessor_id: Some(_), .. } = step {
            let Ok(attrs) = serde_json::from_str::<BTreeMap<String, String>>(details) else { continue };
            if let (true, Some(place), Some(request)) = (kind == RightKind::Seizure.code(), attrs.get(attr::QUEUE), attrs.get(attr::COURT_REQUEST)) {
                store::set_queue_place(conn, request, *unit_id, &waiting_reason(place)).await?;
            }
        }
    }
    let promoted: Vec<(i64, i64, BTreeMap<String, String>)> = steps
        .iter()
        .filter_map(|step| match step {
            journal::Step::Create { unit_id, kind, details, predecessor_id: Some(pred), .. } if kind == RightKind::Seizure.code() => {
                let attrs: BTreeMap<String, String> = serde_json::from_str(details).ok()?;
                (!attrs.contains_key(attr::QUEUE)).then_some((*unit_id, *pred, attrs))
            }
            _ => None,
        })
        .collect();
    if promoted.is_empty() {
        return Ok(0);
    }
    let cal = bdc_registry::register_api::working_calendar_in(conn).await?;
    let due = cal.add_working_days(today(), 1).to_string();
    let mut n = 0;
    for (unit_id, pred, attrs) in promoted {
        let before = registry::rights_of_unit(conn, unit_id, false).await?;
        let was_waiting = before.iter().any(|r| r.view.id == pred && r.view.attr(attr::QUEUE).is_some());
        let Some(request) = attrs.get(attr::COURT_REQUEST).filter(|_| was_waiting) else { continue };
        let counter = store::request_source(conn, request).await?.is_some_and(|src| src == "counter");
        let start = attrs.get(attr::TERM_START).map_or("", String::as_str);
        let end = attrs.get(attr::TERM_END).map_or("", String::as_str);
        if store::promote(conn, request, unit_id, start, end, if counter { ReceiptState::Paper } else { ReceiptState::Due }, &due, now).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Handles the register's event that journal entry `seq` was appended: notes the promotions it
/// made, in one transaction. Returns how many properties were promoted.
#[tracing::instrument(name = "court_promotions", skip(s))]
pub async fn promotions_of(s: &Services, seq: i64) -> ServiceResult<usize> {
    let mut tx = s.db.begin().await?;
    let entry = journal::entry(&mut tx, seq).await?.ok_or_else(|| ServiceError::NotFound(format!("登记簿账本第 {seq} 条不存在")))?;
    let payload = journal::parse_payload(&entry.payload).ok_or_else(|| ServiceError::Internal(format!("登记簿账本第 {seq} 条无法读取").into()))?;
    let n = note_promotions(&mut tx, &payload.steps, Utc::now()).await?;
    bdc_db::commit(tx).await?;
    Ok(n)
}

/// Runs the queued [`COURT_PROMOTIONS`] events now (the worker would within a tick), so that a
/// poll's receipts include the courts a registration just promoted.
async fn run_promotion_events(s: &Services) -> ServiceResult<usize> {
    let now = Utc::now();
    let jobs = {
        let mut conn = s.db.conn().await?;
        bdc_jobs::lease_batch(&mut conn, COURT_PROMOTIONS, now, Duration::minutes(10), 200).await?
    };
    let mut done = Vec::with_capacity(jobs.len());
    let mut n = 0;
    for job in jobs {
        let seq = bdc_registry::service::events::registered_seq(&job.payload).ok_or_else(|| ServiceError::validation("bad_job", "登簿事件缺少账本序号"));
        match async { promotions_of(s, seq?).await }.await {
            Ok(k) => {
                n += k;
                done.push(job);
            }
            Err(e) => {
                let mut conn = s.db.conn().await?;
                bdc_jobs::fail(&mut conn, &job, &e.cause(), Utc::now()).await?;
            }
        }
    }
    if !done.is_empty() {
        let mut conn = s.db.conn().await?;
        bdc_jobs::finish_many(&mut conn, &done, Utc::now()).await?;
    }
    Ok(n)
}

/// The receipt of a settled property.
fn feedback_of(p: &CourtProperty) -> Feedback {
    Feedback {
        request_number: p.request_number.clone(),
        property_seq: p.seq.clone(),
        controlled: p.status == PropertyStatus::Registered,
        start: p.actual_start.clone(),
        end: p.actual_end.clone(),
        reason: if p.status == PropertyStatus::Registered && !p.waiting { String::new() } else { p.reason.clone() },
        business_number: p.business_number.clone(),
        waiting: p.waiting,
    }
}

/// Sends every due receipt; on failure the batch waits 1, 2, 4 … minutes (at most an hour)
/// before the next try. Returns how many were sent.
pub async fn send_receipts(s: &Services, front: &Arc<dyn CourtFrontEnd>, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut sent = 0;
    loop {
        let batch = {
            let mut conn = s.db.conn().await?;
            store::receipts_to_send(&mut conn, now, RECEIPT_BATCH).await?
        };
        if batch.is_empty() {
            return Ok(sent);
        }
        let keys: Vec<(String, String)> = batch.iter().map(|p| (p.request_number.clone(), p.seq.clone())).collect();
        let feedback: Vec<Feedback> = batch.iter().map(feedback_of).collect();
        match front.send_feedback(&feedback).await {
            Ok(()) => {
                let mut conn = s.db.conn().await?;
                store::receipts_sent(&mut conn, &keys, Utc::now()).await?;
                sent += batch.len();
            }
            Err(e) => {
                let attempts = batch.iter().map(|p| p.receipt_attempts).max().unwrap_or(0);
                let wait = Duration::minutes(1_i64 << attempts.clamp(0, 6)).min(Duration::hours(1));
                let mut conn = s.db.conn().await?;
                store::receipts_failed(&mut conn, &keys, &e.to_string(), now + wait).await?;
                return Err(unavailable(e));
            }
        }
    }
}

/// One run of the court job: read, then process the queue a batch at a time, sending the
/// receipts of each batch as it is done.
pub async fn run(s: &Services) -> ServiceResult<(Polled, Processed, usize)> {
    let front = s.court.clone().ok_or_else(|| ServiceError::validation("court_not_configured", "未配置法院查控前置机"))?;
    // A front-end that cannot be reached does not hold back what is already queued.
    let polled = match poll(s, &front).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e.cause(), "polling the court front-end failed");
            Polled::default()
        }
    };
    let cal = bdc_registry::register_api::working_calendar(s).await?;
    let mut processed = Processed::default();
    let mut sent = 0;
    loop {
        let n = process_batch(s, &cal, &mut processed).await?;
        run_promotion_events(s).await?;
        // Receipts that cannot go now wait with back-off; registration goes on.
        match send_receipts(s, &front, Utc::now()).await {
            Ok(k) => sent += k,
            Err(e) => tracing::warn!(error = %e.cause(), "sending court receipts failed; they will be retried"),
        }
        if n == 0 {
            return Ok((polled, processed, sent));
        }
    }
}

// ----- staff views (查控工作台) -----

/// The inbox: every property with its outcome and receipt.
pub async fn inbox(s: &Services, actor: &Actor, f: PropertyFilter, page: PageRequest) -> ServiceResult<Page<CourtProperty>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::properties(&mut conn, &f, page).await?)
}

/// Receipts due by today (`overdue` = due before today) and not yet sent.
pub async fn receipts_due(s: &Services, actor: &Actor, overdue: bool, page: PageRequest) -> ServiceResult<Page<CourtProperty>> {
    actor.require(Permission::CaseRead)?;
    let day = today();
    let by = if overdue { day - Duration::days(1) } else { day };
    let mut conn = s.db.conn().await?;
    Ok(store::properties(&mut conn, &PropertyFilter { receipt_due_by: Some(by.to_string()), ..PropertyFilter::default() }, page).await?)
}

/// A unit's seizures in order: the active one first, then the waiting list (轮候顺序).
pub async fn seizure_queue(s: &Services, actor: &Actor, unit_id: i64) -> ServiceResult<Vec<registry::RightRecord>> {
    actor.require(Permission::RegistryRead)?;
    let mut conn = s.db.conn().await?;
    registry::get_unit(&mut conn, unit_id).await?.ok_or_else(|| ServiceError::NotFound(format!("不动产单元 {unit_id} 不存在")))?;
    let mut seizures: Vec<registry::RightRecord> = registry::rights_of_unit(&mut conn, unit_id, true).await?.into_iter().filter(|r| r.view.kind == RightKind::Seizure).collect();
    seizures.sort_by_key(|r| r.view.attr(attr::QUEUE).and_then(|q| q.parse::<u32>().ok()).unwrap_or(0));
    Ok(seizures)
}

/// Messages that could not be read (quarantine), newest first: `(id, fetched_at, status, reason)`.
pub async fn quarantined_messages(s: &Services, actor: &Actor) -> ServiceResult<Vec<(i64, String, String, String)>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::messages(&mut conn, Some("quarantined"), 200).await?)
}

/// The raw text of a kept message, for staff to read.
pub async fn raw_message(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(String, String, String)> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    let (raw, status, reason) = store::get_message(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound(format!("报文 {id} 不存在")))?;
    Ok((bdc_registry::register_api::unseal(s, &raw)?, status, reason))
}

/// Puts a quarantined, refused or manual property back in the queue (after the unit was
/// recorded, say) and processes the queue.
#[tracing::instrument(name = "court_reprocess", skip(s, actor))]
pub async fn reprocess(s: &Services, actor: &Actor, request_number: &str, seq: &str) -> ServiceResult<CourtProperty> {
    actor.require(Permission::CaseRegister)?;
    {
        let mut conn = s.db.conn().await?;
        if let Some(problem) = store::request_problem(&mut conn, request_number).await?.filter(|p| !p.is_empty()) {
            return Err(ServiceError::Conflict {
                code: "unreadable_request", message: format!("请求 {request_number} 本身无法按原样办理（{problem}），已答复未能控制；须由法院更正后重新发送")
            });
        }
    }
    let mut tx = s.db.begin().await?;
    if !store::requeue(&mut tx, request_number, seq).await? {
        return Err(match store::get_property(&mut tx, request_number, seq).await? {
            None => ServiceError::NotFound(format!("请求 {request_number} 的财产 {seq} 不存在")),
            Some(p) => ServiceError::Conflict { code: "bad_state", message: format!("该财产状态为“{}”，不能重新处理", p.status.name()) },
        });
    }
    bdc_audit::commit(tx, actor, "重新处理法院请求", &format!("请求 {request_number} 财产 {seq}")).await?;
    process_pending(s).await?;
    let mut conn = s.db.conn().await?;
    store::get_property(&mut conn, request_number, seq).await?.ok_or_else(|| ServiceError::NotFound("财产不存在".into()))
}

/// The name of a stored court action code (11 查封, 12 续封, 14 解除查封, 15 过户文书送达).
pub fn action_name(code: &str) -> &'static str {
    Action::from_code(code).map_or("未知", Action::name)
}

/// Reads a quarantined message again (after the cause was fixed, e.g. a parser update).
pub async fn reread_message(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Polled> {
    actor.require(Permission::CaseRegister)?;
    let (raw, status, _) = raw_message(s, actor, id).await?;
    if status != "quarantined" {
        return Err(ServiceError::Conflict { code: "bad_state", message: "只有隔离的报文可以重新读取".into() });
    }
    let out = read_message(s, id, &raw).await?;
    process_pending(s).await?;
    Ok(out)
}

/// Queues the court job for the current slot of the poll interval (one per slot, whatever the number of
/// servers).
pub async fn schedule(s: &Services, now: DateTime<Utc>) -> ServiceResult<()> {
    let secs = i64::try_from(s.court_every.as_secs().max(1)).unwrap_or(60);
    let slot = now.timestamp() / secs;
    let mut conn = s.db.conn().await?;
    bdc_jobs::enqueue(&mut conn, COURT_POLL, "{}", Some(&format!("court:{slot}")), now, 3).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_adapters::court::frontend::CourtError;
    use bdc_adapters::court::message::soap_wrap;
    use bdc_adapters::files::LocalFileStore;
    use bdc_crypto::MasterKey;
    use bdc_db::Engine;
    use bdc_registry::testing::fresh_db;
    use std::sync::Mutex;

    /// A front-end that hands out one list and refuses feedback while `down` is set.
    #[derive(Debug)]
    struct Flaky {
        list: String,
        down: Mutex<bool>,
        got: Mutex<Vec<Feedback>>,
    }

    #[async_trait::async_trait]
    impl CourtFrontEnd for Flaky {
        async fn fetch_requests(&self) -> Result<String, CourtError> {
            Ok(self.list.clone())
        }
        async fn send_feedback(&self, f: &[Feedback]) -> Result<(), CourtError> {
            if *self.down.lock().unwrap() {
                return Err(CourtError::Unavailable("connection refused".into()));
            }
            self.got.lock().unwrap().extend_from_slice(f);
            Ok(())
        }
    }

    fn request(number: &str) -> Request {
        Request {
            number: number.into(),
            court: "常州市天宁区人民法院".into(),
            judge: String::new(),
            case_number: "(2026)苏0402执1号".into(),
            ruling_number: String::new(),
            subject: String::new(),
            subject_id: String::new(),
            delivered_at: "2026-11-25T09:00:00".into(),
            properties: vec![Property::on_unit("1", Action::Seize, "320402001001GB00001F00010001")],
            documents: vec![],
        }
    }

    async fn receipts_wait_with_back_off_while_the_front_end_is_down_and_repeats_are_kept_once(engine: Engine) {
        let db = fresh_db(engine).await;
        let dir = std::env::temp_dir().join(format!("bdc-court-{}", bdc_crypto::random_hex(4)));
        let list = soap_wrap("getRequestsResponse", "", "", &render_requests(&[request("A1"), request("B1")]));
        let front = Arc::new(Flaky { list, down: Mutex::new(true), got: Mutex::default() });
        let s = Services::new(db.clone(), &MasterKey::generate(), Arc::new(LocalFileStore::new(dir)), bdc_registry::SecuritySettings::default())
            .with_court(front.clone(), std::time::Duration::from_secs(60));
        let s = crate::install(s).await.unwrap();
        // The unit does not exist: both properties are quarantined, and due an answer.
        let (polled, processed, sent) = run(&s).await.unwrap();
        assert_eq!((polled.messages, polled.new_requests, processed.quarantined, sent), (1, 2, 2, 0));
        let mut c = db.conn().await.unwrap();
        let p = store::get_property(&mut c, "A1", "1").await.unwrap().unwrap();
        assert_eq!((p.receipt_state, p.receipt_attempts), (ReceiptState::Due, 1));
        assert!(p.receipt_error.contains("connection refused"));
        let next: DateTime<Utc> = bdc_db::parse_time(p.receipt_next_at.as_deref().unwrap()).unwrap();
        assert!(next > Utc::now() + Duration::seconds(50), "the next try waits about a minute");
        // The same list fetched again is not kept again.
        let (polled, _, _) = run(&s).await.unwrap();
        assert_eq!((polled.messages, polled.new_requests), (0, 0));
        assert_eq!(store::messages(&mut c, None, 10).await.unwrap().len(), 1);
        // Back up: nothing goes before the wait is over; then both go, once.
        *front.down.lock().unwrap() = false;
        let c2: Arc<dyn CourtFrontEnd> = front.clone();
        assert_eq!(send_receipts(&s, &c2, Utc::now()).await.unwrap(), 0);
        assert_eq!(send_receipts(&s, &c2, Utc::now() + Duration::minutes(2)).await.unwrap(), 2);
        assert_eq!(send_receipts(&s, &c2, Utc::now() + Duration::minutes(2)).await.unwrap(), 0);
        let got = front.got.lock().unwrap().clone();
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|f| !f.controlled && f.reason.contains("未能匹配不动产单元")));
    }

    /// A court message kept in clear before messages were sealed is sealed when the court
    /// desk's jobs start, and still reads back as it was.
    async fn messages_kept_in_clear_are_sealed_when_the_jobs_start(engine: Engine) {
        use bdc_registry::service::jobs::JobHandler;
        let db = fresh_db(engine).await;
        let dir = std::env::temp_dir().join(format!("bdc-court-seal-{}", std::process::id()));
        let s = crate::install(Services::new(db.clone(), &MasterKey::generate(), Arc::new(LocalFileStore::new(dir)), bdc_registry::SecuritySettings::default())).await.unwrap();
        let mut conn = db.conn().await.unwrap();
        let id = store::store_raw(&mut conn, "<Requests>320402199001011234</Requests>", "d1", Utc::now()).await.unwrap();
        drop(conn);
        crate::jobs::CourtJobs.start(&s).await.unwrap();
        let mut conn = db.conn().await.unwrap();
        let stored: String = sqlx::query_scalar("SELECT raw FROM court_messages WHERE id = $1").bind(id).fetch_one(&mut *conn).await.unwrap();
        assert!(stored.starts_with("sm4gcm:") && !stored.contains("320402199001011234"), "{stored}");
        drop(conn);
        assert_eq!(raw_message(&s, &Actor::console(), id).await.unwrap().0, "<Requests>320402199001011234</Requests>");
    }

    bdc_db::engine_tests!(receipts_wait_with_back_off_while_the_front_end_is_down_and_repeats_are_kept_once, messages_kept_in_clear_are_sealed_when_the_jobs_start);
}
