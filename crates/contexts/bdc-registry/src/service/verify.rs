//! `bdc verify` (账本校验): re-walks the journal's SM3 chain, checks it against the latest signed
//! checkpoint, rebuilds the projections from it and compares them with the tables — rights and
//! certificates, the holders' names and the units' 坐落 the journal records, the cases it names —
//! and checks the register's invariants. It reports every problem it finds (up to
//! [`MAX_PROBLEMS`]), not only the first; a broken chain stops the walk, since nothing after
//! it can be trusted.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::domain::register::{encumbers, is_title_kind};
use crate::domain::rights::{RightKind, RightState};
use crate::store::journal::{self, Step};
use crate::store::registry::{self, ProjectedRight};

use crate::service::{ServiceResult, Services};

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub entries: i64,
    pub rights: i64,
    pub certificates: i64,
    /// The first problem found, in Chinese, or `None` when everything matches.
    pub problem: Option<String>,
    /// Every problem found, in the order found.
    pub problems: Vec<String>,
    /// The checkpoint the chain was checked against: `(seq, taken at)`.
    pub checkpoint: Option<(i64, String)>,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cert {
    kind: String,
    right_id: i64,
    case_id: Option<i64>,
    status: String,
    issued_seq: i64,
    voided_seq: Option<i64>,
}

const BATCH: i64 = 10_000;
/// More problems than this are summarised by their count.
pub const MAX_PROBLEMS: usize = 100;

#[derive(Default)]
struct Problems {
    list: Vec<String>,
    more: usize,
}

impl Problems {
    fn push(&mut self, p: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }
}

/// Verifies the whole register. Read-only.
pub async fn verify(s: &Services) -> ServiceResult<Report> {
    let started = Instant::now();
    let mut conn = s.db.conn().await?;
    let mut problems = Problems::default();
    let mut rights: HashMap<i64, ProjectedRight> = HashMap::new();
    let mut certs: HashMap<String, Cert> = HashMap::new();
    // The last name the journal gave each party, and the last 坐落 each unit (账本格式 2).
    let mut names: HashMap<i64, (i64, String)> = HashMap::new();
    let mut locations: HashMap<i64, (i64, String)> = HashMap::new();
    // Which journal entry registered each case.
    let mut case_entries: HashMap<i64, i64> = HashMap::new();
    let checkpoint = crate::service::checkpoint::latest(s).await?;
    if let Some(cp) = &checkpoint {
        if !cp.signature_valid() {
            problems.push(format!("账本检查点（第 {} 条）的 SM2 签名无效：检查点已被改动", cp.seq));
        }
        let office_key = crate::store::keys::active_key(&mut conn, crate::service::checkpoint::KEY_PURPOSE).await?;
        if office_key.as_ref().is_none_or(|k| k.public_key != cp.public_key) {
            problems.push("账本检查点不是由本登记机构的账本签名密钥签署的".to_owned());
        }
    }
    let mut prev = "0".repeat(64);
    let mut last = 0i64;
    let mut entries = 0i64;
    // The journal is read one batch ahead on a connection of its own, and each batch's SM3
    // hashes and payloads are computed on every core ([`check_batch`]); only the walk along the
    // chain and the projection it builds are sequential.
    let (batches, mut incoming) = tokio::sync::mpsc::channel::<bdc_db::StoreResult<Vec<journal::Entry>>>(2);
    let db = s.db.clone();
    let reader = tokio::spawn(async move {
        let mut conn = match db.conn().await {
            Ok(c) => c,
            Err(e) => {
                let _ = batches.send(Err(e)).await;
                return;
            }
        };
        let mut after = 0i64;
        loop {
            let batch = journal::entries(&mut conn, after, BATCH).await;
            match batch {
                Ok(b) if b.is_empty() => return,
                Ok(b) => {
                    after = b.last().map_or(after, |e| e.seq);
                    if batches.send(Ok(b)).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = batches.send(Err(e)).await;
                    return;
                }
            }
        }
    });
    'walk: while let Some(batch) = incoming.recv().await {
        let checked = tokio::task::spawn_blocking(move || check_batch(batch?)).await.map_err(|e| crate::service::ServiceError::Internal(Box::new(e)))??;
        for Checked { entry: e, hash_ok, payload, seal } in checked {
            if e.seq != last + 1 {
                problems.push(format!("账本第 {} 条缺失（下一条为第 {} 条）", last + 1, e.seq));
                break 'walk;
            }
            if e.prev_hash != prev {
                problems.push(format!("账本第 {} 条的前序哈希与第 {} 条不符：链条断裂", e.seq, last));
                break 'walk;
            }
            if !hash_ok {
                problems.push(format!("账本第 {} 条的内容与其 SM3 哈希不符：该条已被篡改", e.seq));
                break 'walk;
            }
            if let Some(cp) = checkpoint.as_ref().filter(|cp| cp.seq == e.seq) {
                if cp.hash != e.hash {
                    problems.push(format!("账本第 {} 条与签名检查点（{}）不符：账本在检查点之前已被改写并重算哈希", e.seq, cp.at));
                }
            }
            let Some(payload) = payload else {
                problems.push(format!("账本第 {} 条的内容无法解析", e.seq));
                break 'walk;
            };
            if seal.v.is_some() {
                // 账本格式 2: the hash covers the actor and the case; the row must say the same.
                if seal.actor.as_deref() != Some(e.actor.as_str()) {
                    problems.push(format!("账本第 {} 条记录的办理人与其哈希覆盖的办理人不符", e.seq));
                }
                if payload.case_id != e.case_id {
                    problems.push(format!("账本第 {} 条记录的业务与其哈希覆盖的业务不符", e.seq));
                }
            }
            if let Some(case_id) = payload.case_id {
                case_entries.insert(case_id, e.seq);
            }
            for step in payload.steps {
                match step {
                    Step::Create { right_id, unit_id, kind, co_ownership, holders, details, certificate, certificate_kind, predecessor_id, names: holder_names, location } => {
                        if let (Some(n), Some(k)) = (&certificate, &certificate_kind) {
                            certs.insert(n.clone(), Cert { kind: k.clone(), right_id, case_id: payload.case_id, status: "valid".into(), issued_seq: e.seq, voided_seq: None });
                        }
                        for ((party, _), name) in holders.iter().zip(holder_names) {
                            names.insert(*party, (e.seq, name));
                        }
                        if let Some(l) = location {
                            locations.insert(unit_id, (e.seq, l));
                        }
                        let mut holders = holders;
                        holders.sort();
                        rights.insert(
                            right_id,
                            ProjectedRight {
                                id: right_id,
                                unit_id,
                                kind,
                                state: 1,
                                co_ownership,
                                certificate_number: certificate,
                                details,
                                registered_seq: e.seq,
                                ended_seq: None,
                                case_id: payload.case_id,
                                predecessor_id,
                                holders,
                            },
                        );
                    }
                    Step::End { right_id, state } => match rights.get_mut(&right_id) {
                        Some(r) => {
                            r.state = state;
                            r.ended_seq = Some(e.seq);
                        }
                        None => problems.push(format!("账本第 {} 条注销了不存在的权利 {right_id}", e.seq)),
                    },
                    Step::Recertify { right_id, old_certificate, certificate, certificate_kind } => {
                        if let Some(o) = old_certificate.and_then(|o| certs.get_mut(&o)) {
                            o.status = "void".into();
                            o.voided_seq = Some(e.seq);
                        }
                        certs.insert(certificate.clone(), Cert { kind: certificate_kind, right_id, case_id: payload.case_id, status: "valid".into(), issued_seq: e.seq, voided_seq: None });
                        if let Some(r) = rights.get_mut(&right_id) {
                            r.certificate_number = Some(certificate);
                        }
                    }
                    Step::Relocate { unit_id, location, .. } => {
                        locations.insert(unit_id, (e.seq, location));
                    }
                    Step::Rename { party_id, name, .. } => {
                        names.insert(party_id, (e.seq, name));
                    }
                }
            }
            prev = e.hash;
            last = e.seq;
            entries += 1;
        }
    }
    // A broken chain stops the walk: the reader is no longer needed.
    drop(incoming);
    reader.abort();
    let chain_intact = !problems.list.iter().any(|p| p.contains("链条断裂") || p.contains("已被篡改") || p.contains("缺失") || p.contains("无法解析"));
    if chain_intact {
        let (head_seq, head_hash) = journal::head(&mut conn).await?;
        if head_seq != last || (last > 0 && head_hash != prev) {
            problems.push(format!("账本头记录（第 {head_seq} 条）与账本末条（第 {last} 条）不一致"));
        }
        if let Some(cp) = checkpoint.as_ref().filter(|cp| cp.seq > last) {
            problems.push(format!("账本只有 {last} 条，而签名检查点（{}）记载了 {} 条：账本已被截断", cp.at, cp.seq));
        }
    }
    for p in invariant_breaches(&rights) {
        problems.push(p);
    }
    // The particulars the journal records, against their rows: read in pages, not one by one.
    if !names.is_empty() {
        let mut after = 0i64;
        loop {
            let page = registry::party_names_page(&mut conn, after, BATCH).await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, name) in page {
                if let Some((seq, recorded)) = names.remove(&id) {
                    if recorded != name {
                        problems.push(format!("当事人 {id} 的姓名（名称）与账本第 {seq} 条的记载不符：当事人表已被改动"));
                    }
                }
            }
        }
        let mut gone: Vec<(i64, i64)> = names.into_iter().map(|(id, (seq, _))| (id, seq)).collect();
        gone.sort_unstable();
        for (id, seq) in gone {
            problems.push(format!("账本第 {seq} 条记载的当事人 {id} 不存在"));
        }
    }
    if !locations.is_empty() {
        let mut after = 0i64;
        loop {
            let page = registry::unit_locations_page(&mut conn, after, BATCH).await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, number, location) in page {
                if let Some((seq, recorded)) = locations.remove(&id) {
                    if recorded != location {
                        problems.push(format!("不动产单元 {number} 的坐落与账本第 {seq} 条的记载不符：单元表已被改动"));
                    }
                }
            }
        }
        let mut gone: Vec<(i64, i64)> = locations.into_iter().map(|(id, (seq, _))| (id, seq)).collect();
        gone.sort_unstable();
        for (id, seq) in gone {
            problems.push(format!("账本第 {seq} 条记载的不动产单元 {id} 不存在"));
        }
    }
    // Every case the journal registered says so, and no case claims an entry that is not its.
    for (case_id, registered) in crate::store::cases::registered_seqs(&mut conn).await? {
        match case_entries.remove(&case_id) {
            Some(seq) if seq == registered => {}
            Some(seq) => problems.push(format!("业务 {case_id} 记载的登簿序号（第 {registered} 条）与账本（第 {seq} 条）不符")),
            None => problems.push(format!("业务 {case_id} 记载已于账本第 {registered} 条登簿，但账本中没有该业务的记录")),
        }
    }
    let mut missing: Vec<(i64, i64)> = case_entries.into_iter().collect();
    missing.sort();
    for (case_id, seq) in missing {
        problems.push(format!("账本第 {seq} 条登簿的业务 {case_id} 在业务表中没有登簿记录"));
    }
    // Compare the projections with what the journal says.
    let mut after = 0i64;
    let mut compared = 0i64;
    loop {
        let batch = registry::projected_rights(&mut conn, after, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for mut row in batch {
            after = row.id;
            compared += 1;
            row.holders.sort();
            match rights.remove(&row.id) {
                None => problems.push(format!("权利表第 {} 行在账本中没有记录", row.id)),
                Some(expected) if expected != row => {
                    let field = first_difference(&expected, &row);
                    problems.push(format!("权利表第 {} 行与账本不符（{field}）", row.id));
                }
                Some(_) => {}
            }
        }
    }
    let mut absent: Vec<&i64> = rights.keys().collect();
    absent.sort();
    for id in absent {
        problems.push(format!("账本记载的权利 {id} 在权利表中缺失"));
    }
    let stored = registry::all_certificates(&mut conn).await?;
    let total_certs = i64::try_from(certs.len()).unwrap_or(i64::MAX);
    for c in stored {
        let actual = Cert { kind: c.kind, right_id: c.right_id, case_id: c.case_id, status: c.status, issued_seq: c.issued_seq, voided_seq: c.voided_seq };
        match certs.remove(&c.number) {
            None => problems.push(format!("证书 {} 在账本中没有记录", c.number)),
            Some(expected) if expected != actual => problems.push(format!("证书 {} 与账本不符（状态或关联权利被改动）", c.number)),
            Some(_) => {}
        }
    }
    let mut gone: Vec<&String> = certs.keys().collect();
    gone.sort();
    for n in gone {
        problems.push(format!("账本记载的证书 {n} 在证书表中缺失"));
    }
    // The audit trail is chained too (审计日志哈希链).
    if let Err(id) = bdc_audit::store::verify_chain(&mut conn).await? {
        problems.push(format!("审计日志第 {id} 行与其哈希链不符：审计记录已被改动或删除"));
    }
    if problems.more > 0 {
        let more = problems.more;
        problems.list.push(format!("另有 {more} 处不符未列出"));
    }
    Ok(Report {
        entries,
        rights: compared,
        certificates: total_certs,
        problem: problems.list.first().cloned(),
        problems: problems.list,
        checkpoint: checkpoint.map(|c| (c.seq, c.at)),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One journal entry with what can be computed from it alone.
struct Checked {
    entry: journal::Entry,
    /// Does its SM3 hash match its predecessor hash, number and text?
    hash_ok: bool,
    payload: Option<journal::Payload>,
    seal: journal::Seal,
}

/// Hashes and parses a batch of entries on every core (they are independent of each other; the
/// chain itself — each entry's predecessor hash — is checked in order by the caller).
fn check_batch(batch: Vec<journal::Entry>) -> ServiceResult<Vec<Checked>> {
    let check = |e: journal::Entry| {
        let hash_ok = journal::entry_hash(&e.prev_hash, e.seq, &e.payload) == e.hash;
        let payload = journal::parse_payload(&e.payload);
        let seal = journal::seal_of(&e.payload);
        Checked { entry: e, hash_ok, payload, seal }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, 8);
    if threads == 1 || batch.len() < 256 {
        return Ok(batch.into_iter().map(check).collect());
    }
    let per = batch.len().div_ceil(threads);
    let mut chunks: Vec<Vec<journal::Entry>> = Vec::with_capacity(threads);
    let mut rest = batch.into_iter();
    loop {
        let chunk: Vec<journal::Entry> = rest.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks.into_iter().map(|chunk| scope.spawn(move || chunk.into_iter().map(check).collect::<Vec<_>>())).collect();
        let mut out = Vec::new();
        for h in handles {
            out.extend(h.join().map_err(|_| crate::service::ServiceError::Internal("账本校验线程异常退出".into()))?);
        }
        Ok(out)
    })
}

/// The register's invariants on the rights the journal builds: no unit with two current titles
/// of one kind, no restriction left current on a unit whose title was cancelled.
fn invariant_breaches(rights: &HashMap<i64, ProjectedRight>) -> Vec<String> {
    let mut titles: BTreeMap<(i64, &str), usize> = BTreeMap::new();
    let mut units: BTreeMap<i64, (bool, bool, Option<&str>)> = BTreeMap::new();
    for r in rights.values() {
        let Some(kind) = RightKind::from_code(&r.kind) else { continue };
        let entry = units.entry(r.unit_id).or_insert((false, false, None));
        if is_title_kind(kind) {
            if r.state == i64::from(RightState::Current.code()) {
                *titles.entry((r.unit_id, kind.name())).or_default() += 1;
                entry.0 = true;
            } else if r.state == i64::from(RightState::Ended.code()) {
                entry.1 = true;
            }
        } else if encumbers(kind) && r.state == i64::from(RightState::Current.code()) {
            entry.2 = Some(kind.name());
        }
    }
    let mut out: Vec<String> = titles.iter().filter(|(_, n)| **n > 1).map(|((unit, kind), _)| format!("不动产单元 {unit} 有两项以上现势的{kind}：同一单元同一类权利只能有一个现势权利")).collect();
    out.extend(units.iter().filter_map(|(unit, (titled, cancelled, restriction))| match restriction {
        Some(k) if *cancelled && !*titled => Some(format!("不动产单元 {unit} 的权利已注销，但仍有现势的{k}")),
        _ => None,
    }));
    out
}

fn first_difference(a: &ProjectedRight, b: &ProjectedRight) -> &'static str {
    if a.unit_id != b.unit_id {
        "不动产单元"
    } else if a.kind != b.kind {
        "权利类型"
    } else if a.state != b.state {
        "权属状态"
    } else if a.co_ownership != b.co_ownership {
        "共有方式"
    } else if a.certificate_number != b.certificate_number {
        "证书号"
    } else if a.details != b.details {
        "权利内容"
    } else if a.holders != b.holders {
        "权利人或份额"
    } else if a.registered_seq != b.registered_seq || a.ended_seq != b.ended_seq {
        "登簿序号"
    } else {
        "业务或前序权利"
    }
}
