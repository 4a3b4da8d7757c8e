//! `bdc verify` (账本校验): re-walks the journal's SM3 chain and rebuilds the projections from
//! it, reporting the first entry or projection row that does not match.

use std::collections::{BTreeMap, HashMap};

use bdc_domain::register::{encumbers, is_title_kind};
use bdc_domain::rights::{RightKind, RightState};
use std::time::Instant;

use bdc_store::journal::{self, Step};
use bdc_store::registry::{self, ProjectedRight};

use crate::{ServiceResult, Services};

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub entries: i64,
    pub rights: i64,
    pub certificates: i64,
    /// The first problem found, in Chinese, or `None` when everything matches.
    pub problem: Option<String>,
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

const BATCH: i64 = 5000;

/// Verifies the whole register. Read-only.
pub async fn verify(s: &Services) -> ServiceResult<Report> {
    let started = Instant::now();
    let mut conn = s.db.conn().await?;
    let mut rights: HashMap<i64, ProjectedRight> = HashMap::new();
    let mut certs: HashMap<String, Cert> = HashMap::new();
    let mut prev = "0".repeat(64);
    let mut last = 0i64;
    let mut entries = 0i64;
    // The last 坐落 and name the journal gave a unit or party, to compare with their rows.
    let mut locations: HashMap<i64, String> = HashMap::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    let done = |entries, problem: String, rights: &HashMap<_, _>, certs: &HashMap<_, _>| Report {
        entries,
        rights: i64::try_from(rights.len()).unwrap_or(i64::MAX),
        certificates: i64::try_from(certs.len()).unwrap_or(i64::MAX),
        problem: Some(problem),
        seconds: started.elapsed().as_secs_f64(),
    };
    loop {
        let batch = journal::entries(&mut conn, last, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            if e.seq != last + 1 {
                return Ok(done(entries, format!("账本第 {} 条缺失（下一条为第 {} 条）", last + 1, e.seq), &rights, &certs));
            }
            if e.prev_hash != prev {
                return Ok(done(entries, format!("账本第 {} 条的前序哈希与第 {} 条不符：链条断裂", e.seq, last), &rights, &certs));
            }
            if journal::entry_hash(&e.prev_hash, e.seq, &e.payload) != e.hash {
                return Ok(done(entries, format!("账本第 {} 条的内容与其 SM3 哈希不符：该条已被篡改", e.seq), &rights, &certs));
            }
            let Some(payload) = journal::parse_payload(&e.payload) else {
                return Ok(done(entries, format!("账本第 {} 条的内容无法解析", e.seq), &rights, &certs));
            };
            for step in payload.steps {
                match step {
                    Step::Create { right_id, unit_id, kind, co_ownership, holders, details, certificate, certificate_kind, predecessor_id } => {
                        if let (Some(n), Some(k)) = (&certificate, &certificate_kind) {
                            certs.insert(n.clone(), Cert { kind: k.clone(), right_id, case_id: payload.case_id, status: "valid".into(), issued_seq: e.seq, voided_seq: None });
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
                        None => return Ok(done(entries, format!("账本第 {} 条注销了不存在的权利 {right_id}", e.seq), &rights, &certs)),
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
                        locations.insert(unit_id, location);
                    }
                    Step::Rename { party_id, name, .. } => {
                        names.insert(party_id, name);
                    }
                }
            }
            prev = e.hash;
            last = e.seq;
            entries += 1;
        }
    }
    let (head_seq, head_hash) = journal::head(&mut conn).await?;
    if head_seq != last || (last > 0 && head_hash != prev) {
        return Ok(done(entries, format!("账本头记录（第 {head_seq} 条）与账本末条（第 {last} 条）不一致"), &rights, &certs));
    }
    if let Some(problem) = invariant_breach(&rights) {
        return Ok(done(entries, problem, &rights, &certs));
    }
    for (unit_id, location) in &locations {
        match registry::get_unit(&mut conn, *unit_id).await? {
            Some(u) if &u.location == location => {}
            Some(u) => return Ok(done(entries, format!("不动产单元 {} 的坐落与账本记载的坐落变更不符", u.unit_number), &rights, &certs)),
            None => return Ok(done(entries, format!("账本记载坐落变更的不动产单元 {unit_id} 不存在"), &rights, &certs)),
        }
    }
    for (party_id, name) in &names {
        match registry::get_party(&mut conn, *party_id).await? {
            Some(p) if &p.name == name => {}
            _ => return Ok(done(entries, format!("当事人 {party_id} 的姓名（名称）与账本记载的变更不符"), &rights, &certs)),
        }
    }
    // Compare the projections with what the journal says.
    let mut after = 0i64;
    loop {
        let batch = registry::projected_rights(&mut conn, after, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for mut row in batch {
            after = row.id;
            row.holders.sort();
            match rights.remove(&row.id) {
                None => return Ok(done(entries, format!("权利表第 {} 行在账本中没有记录", row.id), &rights, &certs)),
                Some(expected) if expected != row => {
                    let field = first_difference(&expected, &row);
                    return Ok(done(entries, format!("权利表第 {} 行与账本不符（{field}）", row.id), &rights, &certs));
                }
                Some(_) => {}
            }
        }
    }
    if let Some(id) = rights.keys().min() {
        return Ok(done(entries, format!("账本记载的权利 {id} 在权利表中缺失"), &rights, &certs));
    }
    let stored = registry::all_certificates(&mut conn).await?;
    let total_certs = i64::try_from(certs.len()).unwrap_or(i64::MAX);
    for c in stored {
        let actual = Cert { kind: c.kind, right_id: c.right_id, case_id: c.case_id, status: c.status, issued_seq: c.issued_seq, voided_seq: c.voided_seq };
        match certs.remove(&c.number) {
            None => return Ok(done(entries, format!("证书 {} 在账本中没有记录", c.number), &rights, &certs)),
            Some(expected) if expected != actual => return Ok(done(entries, format!("证书 {} 与账本不符（状态或关联权利被改动）", c.number), &rights, &certs)),
            Some(_) => {}
        }
    }
    if let Some(n) = certs.keys().min() {
        return Ok(done(entries, format!("账本记载的证书 {n} 在证书表中缺失"), &rights, &certs));
    }
    Ok(Report { entries, rights: after, certificates: total_certs, problem: None, seconds: started.elapsed().as_secs_f64() })
}

/// The register's invariants on the rights the journal builds: no unit with two current titles
/// of one kind, no restriction left current on a unit whose title was cancelled.
fn invariant_breach(rights: &HashMap<i64, ProjectedRight>) -> Option<String> {
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
    if let Some(((unit, kind), _)) = titles.iter().find(|(_, n)| **n > 1) {
        return Some(format!("不动产单元 {unit} 有两项以上现势的{kind}：同一单元同一类权利只能有一个现势权利"));
    }
    units.iter().find_map(|(unit, (titled, cancelled, restriction))| match restriction {
        Some(k) if *cancelled && !*titled => Some(format!("不动产单元 {unit} 的权利已注销，但仍有现势的{k}")),
        _ => None,
    })
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
