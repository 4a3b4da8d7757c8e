//! The demo city (演示数据): a deterministic synthetic Changzhou.
//!
//! The six county codes of Changzhou, parcels of residential compounds, buildings and units with
//! valid 不动产单元号, synthetic people (valid, fictional 身份证号) and companies (valid 统一社会
//! 信用代码), banks and courts, and years of registrations: first registrations, transfers,
//! mortgages current and released, seizures with waiting lists, objections and advance notices.
//! Every registration is a real journal entry (SM3-chained) with its archived case, so `bdc
//! verify` passes on the result. The same `--units` and `--seed` give the same city.
//!
//! An app of its own: no production crate links the demo city.

use chrono::{Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use bdc_core::ids::{CertificateKind, CertificateNumber};
use bdc_core::masking::mask_id_number;
use bdc_db::{format_time, AnyConnection};
use bdc_registry::domain::register::Attributes;
use bdc_registry::domain::workflow::CaseState;
use bdc_registry::store::bulk::{self, Val};
use bdc_registry::store::calendar as settings;
use bdc_registry::store::journal::{entry_hash, Payload, Step};

use bdc_core::{ServiceError, ServiceResult};
use bdc_registry::Services;

/// The counties (区县) of Changzhou with GB/T 2260 codes.
pub const COUNTIES: &[(&str, &str)] = &[("320402", "天宁区"), ("320404", "钟楼区"), ("320411", "新北区"), ("320412", "武进区"), ("320413", "金坛区"), ("320481", "溧阳市")];

const STREETS: &[&str] = &[
    "青洋北路",
    "延陵西路",
    "和平中路",
    "劳动东路",
    "通江中路",
    "龙锦路",
    "常澄路",
    "长江北路",
    "人民东路",
    "晋陵北路",
    "花园街",
    "丽华路",
    "太湖东路",
    "泰山路",
    "湖塘大道",
    "东门大街",
    "燕山路",
    "南大街",
];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "钱", "恽", "盛"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建国", "晓东", "雨轩", "子涵"];
const BANKS: &[&str] = &[
    "中国工商银行股份有限公司常州分行",
    "中国农业银行股份有限公司常州分行",
    "中国银行股份有限公司常州分行",
    "中国建设银行股份有限公司常州分行",
    "交通银行股份有限公司常州分行",
    "江苏银行股份有限公司常州分行",
    "江南农村商业银行股份有限公司",
    "招商银行股份有限公司常州分行",
];
const COURTS: &[&str] = &["常州市天宁区人民法院", "常州市钟楼区人民法院", "常州市新北区人民法院", "常州市武进区人民法院", "常州市金坛区人民法院", "溧阳市人民法院"];

/// Units per parcel (a residential compound): 4 buildings of 50 units.
const UNITS_PER_PARCEL: u64 = 200;
/// Units per transaction, and per progress report.
pub const BATCH: u64 = 5000;

/// What the demo built.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub units: u64,
    pub parcels: u64,
    pub parties: u64,
    pub rights: u64,
    pub journal_entries: u64,
    pub cases: u64,
    /// All rows written.
    pub rows: u64,
    pub seconds: f64,
    /// False when the database already held this demo and nothing was built.
    pub built: bool,
}

const SETTING: &str = "demo.built";

fn citizen_id(rng: &mut StdRng, county: &str) -> String {
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1).expect("constant") + Duration::days(rng.gen_range(0..18_250));
    let body = format!("{county}{}{:03}", birth.format("%Y%m%d"), rng.gen_range(1..999));
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(w).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
}

fn credit_code(seq: u64, county: &str) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body = format!("91{county}{:09}", seq % 1_000_000_000).into_bytes();
    let w = [1u32, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: u32 = body.iter().zip(w).map(|(b, w)| A.iter().position(|x| x == b).unwrap_or(0) as u32 * w).sum();
    let check = A[((31 - sum % 31) % 31) as usize] as char;
    format!("{}{check}", String::from_utf8(body).unwrap_or_default())
}

fn person_name(rng: &mut StdRng) -> String {
    format!("{}{}", SURNAMES[rng.gen_range(0..SURNAMES.len())], GIVEN[rng.gen_range(0..GIVEN.len())])
}

/// Accumulates the rows of one batch.
#[derive(Default)]
struct Rows {
    parcels: Vec<Vec<Val>>,
    buildings: Vec<Vec<Val>>,
    units: Vec<Vec<Val>>,
    parties: Vec<Vec<Val>>,
    rights: Vec<Vec<Val>>,
    holders: Vec<Vec<Val>>,
    certificates: Vec<Vec<Val>>,
    journal: Vec<Vec<Val>>,
    cases: Vec<Vec<Val>>,
    case_units: Vec<Vec<Val>>,
    case_events: Vec<Vec<Val>>,
}

/// The running state of the generator across batches.
struct Gen<'a> {
    s: &'a Services,
    rng: StdRng,
    next_party: i64,
    next_right: i64,
    next_case: i64,
    next_event: i64,
    seq: i64,
    prev_hash: String,
    cert_seq: std::collections::BTreeMap<(i32, &'static str), i64>,
    case_seq: std::collections::BTreeMap<String, i64>,
    banks: Vec<i64>,
    courts: Vec<i64>,
    rows: Rows,
    /// ID numbers given out, so no two synthetic people share one.
    used_ids: std::collections::HashSet<String>,
}

struct NewRight {
    unit: i64,
    kind: &'static str,
    co: &'static str,
    holders: Vec<(i64, String)>,
    attrs: Attributes,
    cert: Option<CertificateKind>,
    predecessor: Option<i64>,
}

impl Gen<'_> {
    /// A person with a fresh, valid, fictional 身份证号 of the county.
    fn person(&mut self, county: &str) -> i64 {
        let name = person_name(&mut self.rng);
        let mut id = citizen_id(&mut self.rng, county);
        while !self.used_ids.insert(id.clone()) {
            id = citizen_id(&mut self.rng, county);
        }
        self.party("person", &name, "1", &id)
    }

    fn party(&mut self, kind: &str, name: &str, id_type: &str, number: &str) -> i64 {
        let id = self.next_party;
        self.next_party += 1;
        let c = self.s.cipher();
        self.rows.parties.push(vec![
            id.into(),
            kind.into(),
            name.into(),
            id_type.into(),
            c.encrypt(number).into(),
            c.blind_index(number).into(),
            mask_id_number(number).into(),
            format_time(Utc::now()).into(),
        ]);
        id
    }

    fn certificate(&mut self, kind: CertificateKind, year: i32) -> String {
        let code = if kind == CertificateKind::Title { "title" } else { "proof" };
        let n = self.cert_seq.entry((year, code)).or_insert(0);
        *n += 1;
        CertificateNumber::new('苏', u16::try_from(year).unwrap_or(2026), "常州市", kind, u32::try_from(*n).unwrap_or(1), 7).map(|c| c.format()).unwrap_or_default()
    }

    /// One registration: a case (archived), its journal entry, and the projection rows.
    fn register(&mut self, unit: i64, county: &str, date: NaiveDate, flow: &str, creates: Vec<NewRight>, ends: Vec<(i64, i64)>) -> Vec<i64> {
        self.seq += 1;
        let seq = self.seq;
        let case_id = self.next_case;
        self.next_case += 1;
        let day_key = format!("{county}{}", date.format("%Y%m%d"));
        let n = self.case_seq.entry(day_key.clone()).or_insert(0);
        *n += 1;
        let case_number = format!("{day_key}{:06}", *n);
        let at = format_time(date.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc());
        let mut steps = Vec::new();
        let mut ids = Vec::new();
        for (right_id, state) in ends {
            steps.push(Step::End { right_id, state });
        }
        for r in creates {
            let id = self.next_right;
            self.next_right += 1;
            ids.push(id);
            let cert = r.cert.map(|k| (self.certificate(k, date.year_ce().1 as i32), if k == CertificateKind::Title { "title" } else { "proof" }));
            let details = serde_json::to_string(&r.attrs).unwrap_or_default();
            for (p, share) in &r.holders {
                self.rows.holders.push(vec![id.into(), (*p).into(), share.clone().into()]);
            }
            if let Some((n, k)) = &cert {
                self.rows.certificates.push(vec![n.clone().into(), (*k).into(), id.into(), case_id.into(), "valid".into(), seq.into(), Val::NullI]);
            }
            self.rows.rights.push(vec![
                id.into(),
                r.unit.into(),
                r.kind.into(),
                1i64.into(),
                r.co.into(),
                cert.as_ref().map(|c| c.0.clone()).into(),
                details.clone().into(),
                seq.into(),
                Val::NullI,
                case_id.into(),
                r.predecessor.into(),
            ]);
            steps.push(Step::Create {
                right_id: id,
                unit_id: r.unit,
                kind: r.kind.into(),
                co_ownership: r.co.into(),
                holders: r.holders,
                details,
                certificate: cert.as_ref().map(|c| c.0.clone()),
                certificate_kind: cert.map(|c| c.1.to_owned()),
                predecessor_id: r.predecessor,
                names: Vec::new(),
                location: None,
            });
        }
        let payload = Payload { case_id: Some(case_id), case_number: Some(case_number.clone()), flow_code: Some(flow.into()), at: at.clone(), steps };
        let text = bdc_registry::store::journal::sealed_text("demo", &payload);
        let hash = entry_hash(&self.prev_hash, seq, &text);
        self.rows.journal.push(vec![seq.into(), at.clone().into(), case_id.into(), "demo".into(), self.prev_hash.clone().into(), hash.clone().into(), text.into()]);
        self.prev_hash = hash;
        let date_s = date.to_string();
        self.rows.cases.push(vec![
            case_id.into(),
            case_number.into(),
            flow.into(),
            CaseState::Archived.code().into(),
            "counter".into(),
            county.into(),
            "{}".into(),
            "demo".into(),
            at.clone().into(),
            date_s.clone().into(),
            date_s.into(),
            "".into(),
            seq.into(),
            1i64.into(),
        ]);
        self.rows.case_units.push(vec![case_id.into(), unit.into(), 1i64.into()]);
        self.next_event += 1;
        self.rows.case_events.push(vec![
            self.next_event.into(),
            case_id.into(),
            CaseState::Register.code().into(),
            CaseState::Archived.code().into(),
            "demo".into(),
            at.into(),
            "演示数据：已登簿归档".into(),
        ]);
        ids
    }

    /// Marks a right created in this batch as ended by the registration `seq`.
    fn end_in_batch(&mut self, right_id: i64, state: i64) {
        let seq = self.seq;
        if let Some(row) = self.rows.rights.iter_mut().find(|r| r[0] == Val::I(right_id)) {
            row[3] = Val::I(state);
            row[8] = Val::I(seq);
        }
    }
}

fn attrs(pairs: &[(&str, String)]) -> Attributes {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Builds the demo city of `units` units from `seed` into an empty database; returns what it
/// built. `progress` is called with the units done after each batch.
pub async fn build(s: &Services, units: u64, seed: u64, progress: &(dyn Fn(u64) + Sync)) -> ServiceResult<Summary> {
    let started = std::time::Instant::now();
    let marker = format!("units={units};seed={seed}");
    let mut conn = s.db.conn().await?;
    if let Some(existing) = settings::get_setting(&mut conn, SETTING).await? {
        if existing == marker {
            return Ok(Summary { built: false, ..Summary::default() });
        }
        return Err(ServiceError::validation("demo_exists", format!("数据库中已有另一套演示数据（{existing}）；请使用新的数据目录或删除旧库后重试")));
    }
    if bulk::max_id(&mut conn, "units").await? > 0 || bulk::max_id(&mut conn, "cases").await? > 0 {
        return Err(ServiceError::validation("not_empty", "数据库中已有业务数据，演示数据只能装入空库"));
    }
    drop(conn);
    if units == 0 || units > 5_000_000 {
        return Err(ServiceError::field("bad_units", "units", "单元数须在 1 至 5000000 之间"));
    }
    let mut g = Gen {
        s,
        rng: StdRng::seed_from_u64(seed),
        next_party: 1,
        next_right: 1,
        next_case: 1,
        next_event: 1,
        seq: 0,
        prev_hash: "0".repeat(64),
        cert_seq: Default::default(),
        case_seq: Default::default(),
        banks: Vec::new(),
        courts: Vec::new(),
        rows: Rows::default(),
        used_ids: Default::default(),
    };
    let mut summary = Summary { built: true, ..Summary::default() };
    for (i, b) in BANKS.iter().enumerate() {
        let code = credit_code(100 + i as u64, "320400");
        let id = g.party("enterprise", b, "8", &code);
        g.banks.push(id);
    }
    for (i, c) in COURTS.iter().enumerate() {
        let code = credit_code(900 + i as u64, COUNTIES[i].0);
        let id = g.party("state_organ", c, "8", &code);
        g.courts.push(id);
    }
    let today = bdc_core::time::business_date(Utc::now());
    let mut done = 0u64;
    while done < units {
        let end = (done + BATCH).min(units);
        let t = std::time::Instant::now();
        for i in done..end {
            generate_unit(&mut g, i, today);
        }
        let gen_s = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        summary.rows += flush(s, &mut g).await?;
        tracing::debug!(generate = gen_s, write = t.elapsed().as_secs_f64(), "demo batch");
        done = end;
        progress(done);
    }
    let mut tx = s.db.begin().await?;
    bulk::sync_sequences(&mut tx, s.db.engine(), &["buildings", "units", "parties", "rights", "cases", "case_events"]).await?;
    bulk::set_journal_head(&mut tx, g.seq, &g.prev_hash).await?;
    for ((year, kind), last) in &g.cert_seq {
        bulk::set_certificate_seq(&mut tx, "常州市", i64::from(*year), kind, *last).await?;
    }
    // 业务号 are numbered per county and day: a demo case dated today (a recent release, say)
    // must not be numbered again by the first live case of the day. Live cases are dated today,
    // so only today's and later days' sequences matter.
    let from = today.format("%Y%m%d").to_string();
    for (day_key, last) in &g.case_seq {
        let (county, day) = day_key.split_at(6);
        if day >= from.as_str() {
            bulk::set_certificate_seq(&mut tx, county, day.parse().unwrap_or(0), "case", *last).await?;
        }
    }
    settings::put_setting(&mut tx, SETTING, &marker, Utc::now()).await?;
    bdc_db::commit(tx).await?;
    let mut conn = s.db.conn().await?;
    bulk::analyze(&mut conn, s.db.engine()).await?;
    drop(conn);
    summary.units = units;
    summary.parcels = units.div_ceil(UNITS_PER_PARCEL);
    summary.parties = u64::try_from(g.next_party - 1).unwrap_or(0);
    summary.rights = u64::try_from(g.next_right - 1).unwrap_or(0);
    summary.journal_entries = u64::try_from(g.seq).unwrap_or(0);
    summary.cases = u64::try_from(g.next_case - 1).unwrap_or(0);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn generate_unit(g: &mut Gen<'_>, i: u64, today: NaiveDate) {
    let p = i / UNITS_PER_PARCEL;
    let k = i % UNITS_PER_PARCEL;
    let (county, district_name) = COUNTIES[(p % 6) as usize];
    let parcel_seq = p / 6 + 1;
    let district = (parcel_seq / 1000) % 999 + 1;
    let parcel = format!("{county}{district:03}001GB{:05}", parcel_seq % 100_000);
    let street = STREETS[(p as usize / 6) % STREETS.len()];
    let house_no = parcel_seq % 300 + 1;
    if k == 0 {
        let start = NaiveDate::from_ymd_opt(2000 + (p % 20) as i32, 1 + (p % 12) as u32, 1).unwrap_or_default();
        g.rows.parcels.push(vec![
            parcel.clone().into(),
            county.into(),
            format!("常州市{district_name}{street}{house_no}号").into(),
            (8000.0 + (p % 50) as f64 * 100.0).into(),
            "城镇住宅用地".into(),
            "102".into(),
            start.to_string().into(),
            start.with_year(start.year_ce().1 as i32 + 70).unwrap_or(start).to_string().into(),
            format_time(Utc::now()).into(),
        ]);
        for b in 1..=UNITS_PER_PARCEL.div_ceil(50) {
            g.rows.buildings.push(vec![
                parcel.clone().into(),
                format!("{b:04}").into(),
                format!("{b}幢").into(),
                10i64.into(),
                "钢筋混凝土结构".into(),
                i64::from(start.year_ce().1 as i32 + 2).into(),
                format_time(Utc::now()).into(),
            ]);
        }
    }
    let building = k / 50 + 1;
    let floor = (k % 50) / 5 + 1;
    let room = floor * 100 + k % 5 + 1;
    let unit_id = i as i64 + 1;
    let unit_number = format!("{parcel}F{building:04}{room:04}");
    let area = 60.0 + g.rng.gen_range(0.0..90.0_f64);
    let area = (area * 100.0).round() / 100.0;
    g.rows.units.push(vec![
        unit_id.into(),
        unit_number.into(),
        parcel.into(),
        format!("{building:04}").into(),
        format!("{room:04}").into(),
        format!("常州市{district_name}{street}{house_no}号{building}幢{room}室").into(),
        area.into(),
        "10".into(),
        1i64.into(),
        format_time(Utc::now()).into(),
    ]);

    // 首次登记 between 2008 and 2020.
    let first_date = NaiveDate::from_ymd_opt(2008, 1, 1).unwrap_or_default() + Duration::days(g.rng.gen_range(0..4700));
    let owner = g.person(county);
    let mut holders = vec![(owner, "1".to_owned())];
    let mut co = "0";
    if g.rng.gen_bool(0.3) {
        holders.push((g.person(county), "1".to_owned()));
        co = "1";
    }
    let land_attrs = attrs(&[("term_end", "2076-12-31".to_owned()), ("house_use", "住宅".to_owned())]);
    let mut title = g.register(
        unit_id,
        county,
        first_date,
        "CTR-FIRST-STATE-HOUSE",
        vec![NewRight { unit: unit_id, kind: "state_land_and_house", co, holders: holders.clone(), attrs: land_attrs.clone(), cert: Some(CertificateKind::Title), predecessor: None }],
        vec![],
    )[0];
    let mut owners = holders;

    // A released mortgage from the years of history.
    if g.rng.gen_bool(0.10) {
        let bank = g.banks[g.rng.gen_range(0..g.banks.len())];
        let d = first_date + Duration::days(g.rng.gen_range(30..900));
        let amount = g.rng.gen_range(20..150) * 10_000;
        let released = d + Duration::days(g.rng.gen_range(200..1500));
        let m = g.register(
            unit_id,
            county,
            d,
            "CTR-MORTGAGE-FIRST",
            vec![NewRight {
                unit: unit_id,
                kind: "mortgage",
                co: "0",
                holders: vec![(bank, "1".into())],
                attrs: attrs(&[
                    ("amount", amount.to_string()),
                    ("rank", "1".into()),
                    ("mortgage_method", "1".into()),
                    ("term_start", d.to_string()),
                    ("term_end", (d + Duration::days(365 * 10)).to_string()),
                ]),
                cert: Some(CertificateKind::Proof),
                predecessor: None,
            }],
            vec![],
        )[0];
        g.register(unit_id, county, released, "CTR-MORTGAGE-CANCEL", vec![], vec![(m, 3)]);
        g.end_in_batch(m, 3);
    }
    // A resale (存量房转移) for 30% of units.
    if g.rng.gen_bool(0.30) {
        let d = first_date + Duration::days(g.rng.gen_range(400..2000)).min(today - first_date);
        let buyer = g.person(county);
        let old = title;
        title = g.register(
            unit_id,
            county,
            d,
            "CTR-TRANSFER",
            vec![NewRight { unit: unit_id, kind: "state_land_and_house", co: "0", holders: vec![(buyer, "1".into())], attrs: land_attrs, cert: Some(CertificateKind::Title), predecessor: Some(old) }],
            vec![(old, 2)],
        )[0];
        g.end_in_batch(old, 2);
        owners = vec![(buyer, "1".into())];
    }
    let _ = (title, &owners);
    let recent = || NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    // A current mortgage on a quarter of the units.
    if g.rng.gen_bool(0.25) {
        let bank = g.banks[g.rng.gen_range(0..g.banks.len())];
        let d = recent() + Duration::days(g.rng.gen_range(0..900));
        let amount = g.rng.gen_range(30..300) * 10_000;
        g.register(
            unit_id,
            county,
            d,
            "CTR-MORTGAGE-FIRST",
            vec![NewRight {
                unit: unit_id,
                kind: "mortgage",
                co: "0",
                holders: vec![(bank, "1".into())],
                attrs: attrs(&[
                    ("amount", amount.to_string()),
                    ("rank", "1".into()),
                    ("mortgage_method", "1".into()),
                    ("term_start", d.to_string()),
                    ("term_end", (d + Duration::days(365 * 20)).to_string()),
                ]),
                cert: Some(CertificateKind::Proof),
                predecessor: None,
            }],
            vec![],
        );
    }
    // Seizures (1%), a fifth of them with a waiting second court.
    if g.rng.gen_bool(0.01) {
        let ci = (i as usize) % g.courts.len();
        let court = g.courts[ci];
        let d = today - Duration::days(g.rng.gen_range(10..700));
        let case_no = format!("({}苏04{:02}执{}号", d.format("%Y)"), ci + 2, g.rng.gen_range(1..9000));
        g.register(
            unit_id,
            county,
            d,
            "CTR-SEIZURE",
            vec![NewRight {
                unit: unit_id,
                kind: "seizure",
                co: "0",
                holders: vec![(court, "1".into())],
                attrs: attrs(&[
                    ("seizure_kind", "1".into()),
                    ("court", COURTS[ci].into()),
                    ("court_case", case_no),
                    ("term_start", d.to_string()),
                    ("term_end", (d + Duration::days(3 * 365 - 1)).to_string()),
                ]),
                cert: None,
                predecessor: None,
            }],
            vec![],
        );
        if g.rng.gen_bool(0.2) {
            let cj = (ci + 1) % g.courts.len();
            let court2 = g.courts[cj];
            g.register(
                unit_id,
                county,
                d + Duration::days(5),
                "CTR-SEIZURE-QUEUED",
                vec![NewRight {
                    unit: unit_id,
                    kind: "seizure",
                    co: "0",
                    holders: vec![(court2, "1".into())],
                    attrs: attrs(&[("seizure_kind", "2".into()), ("queue", "1".into()), ("court", COURTS[cj].into())]),
                    cert: None,
                    predecessor: None,
                }],
                vec![],
            );
        }
    }
    // Objections (0.5%) and advance notices (2%).
    if g.rng.gen_bool(0.005) {
        let claimant = g.person(county);
        let d = today - Duration::days(g.rng.gen_range(1..60));
        g.register(
            unit_id,
            county,
            d,
            "CTR-OBJECTION",
            vec![NewRight {
                unit: unit_id,
                kind: "objection",
                co: "0",
                holders: vec![(claimant, "1".into())],
                attrs: attrs(&[("lapses_on", (d + Duration::days(15)).to_string())]),
                cert: Some(CertificateKind::Proof),
                predecessor: None,
            }],
            vec![],
        );
    }
    if g.rng.gen_bool(0.02) {
        let buyer = g.person(county);
        let d = today - Duration::days(g.rng.gen_range(1..80));
        g.register(
            unit_id,
            county,
            d,
            "CTR-ADVANCE",
            vec![NewRight {
                unit: unit_id,
                kind: "advance_notice",
                co: "0",
                holders: vec![(buyer, "1".into())],
                attrs: attrs(&[("advance_kind", "2".into()), ("lapses_on", (d + Duration::days(90)).to_string())]),
                cert: Some(CertificateKind::Proof),
                predecessor: None,
            }],
            vec![],
        );
    }
}

async fn flush(s: &Services, g: &mut Gen<'_>) -> ServiceResult<u64> {
    let rows = std::mem::take(&mut g.rows);
    let mut conn = s.db.conn().await?;
    // The generator's rows are consistent by construction; SQLite skips the per-row foreign-key
    // lookups for this bulk load (PostgreSQL has no such switch and keeps checking).
    let sqlite = s.db.engine() == bdc_db::Engine::Sqlite;
    if sqlite {
        bdc_db::execute(&mut conn, "PRAGMA foreign_keys = OFF").await?;
    }
    let result = write_rows(&mut conn, &rows).await;
    if sqlite {
        bdc_db::execute(&mut conn, "PRAGMA foreign_keys = ON").await?;
    }
    result
}

async fn write_rows(conn: &mut AnyConnection, rows: &Rows) -> ServiceResult<u64> {
    let mut tx = bdc_db::begin_on(conn).await?;
    let c: &mut AnyConnection = &mut tx;
    let mut n = 0;
    n += bulk::insert(c, "parcels", &["code", "county_code", "location", "area", "land_use", "right_nature", "term_start", "term_end", "created_at"], &rows.parcels).await?;
    n += bulk::insert(c, "buildings", &["parcel_code", "building_no", "name", "floors", "structure", "completed_year", "created_at"], &rows.buildings).await?;
    n += bulk::insert(c, "units", &["id", "unit_number", "parcel_code", "building_no", "room_no", "location", "area", "house_use", "version", "created_at"], &rows.units).await?;
    n += bulk::insert(c, "parties", &["id", "kind", "name", "id_type", "id_number_enc", "id_number_bidx", "id_number_masked", "created_at"], &rows.parties).await?;
    n += bulk::insert(c, "rights", &["id", "unit_id", "kind", "state", "co_ownership", "certificate_number", "details", "registered_seq", "ended_seq", "case_id", "predecessor_id"], &rows.rights)
        .await?;
    n += bulk::insert(c, "right_holders", &["right_id", "party_id", "share"], &rows.holders).await?;
    n += bulk::insert(c, "certificates", &["number", "kind", "right_id", "case_id", "status", "issued_seq", "voided_seq"], &rows.certificates).await?;
    n += bulk::insert(c, "journal", &["seq", "at", "case_id", "actor", "prev_hash", "hash", "payload"], &rows.journal).await?;
    n += bulk::insert(
        c,
        "cases",
        &["id", "case_number", "flow_code", "state", "channel", "county_code", "request", "created_by", "created_at", "accepted_on", "deadline", "state_reason", "registered_seq", "version"],
        &rows.cases,
    )
    .await?;
    n += bulk::insert(c, "case_units", &["case_id", "unit_id", "seen_version"], &rows.case_units).await?;
    n += bulk::insert(c, "case_events", &["id", "case_id", "from_state", "to_state", "actor", "at", "reason"], &rows.case_events).await?;
    bdc_db::commit(tx).await?;
    Ok(n)
}

trait YearCe {
    fn year_ce(&self) -> (bool, u32);
    fn with_year(&self, y: i32) -> Option<NaiveDate>;
}

impl YearCe for NaiveDate {
    fn year_ce(&self) -> (bool, u32) {
        chrono::Datelike::year_ce(self)
    }
    fn with_year(&self, y: i32) -> Option<NaiveDate> {
        chrono::Datelike::with_year(self, y)
    }
}

/// The demo's public accounts and whom they stand for (实名认证), so that a newcomer can apply at
/// once: a person who owns a house (个人), a bank holding mortgages (机构·银行), a second bank
/// as the enterprise (企业), and an agent with a recorded authorisation from the person (代理).
pub const DEMO_PUBLIC: &[(&str, &str)] = &[("geren", "person"), ("yinhang", "institution"), ("qiye", "enterprise"), ("daili", "agent")];

/// A tiny signed-letter stand-in for the demo agent's 授权委托书 (a PDF by its first bytes).
const DEMO_LETTER: &[u8] = b"%PDF-1.4\n% demo power of attorney\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Links the demo's public accounts to parties of the demo city (fictional phone numbers
/// 1380000000x) exactly as sign-up does: through a matched real-name verification by the
/// identity authority. `sandbox` is the demo's own authority, which is first told of each person
/// (and of each bank with a fictional 法定代表人) so that it can answer; without it no account is
/// linked, since nobody can take the live photos. Accounts already linked are left alone.
/// Returns `(username, party name)` of each link.
pub async fn link_accounts(s: &Services, sandbox: Option<&bdc_sandbox::identity::Sandbox>) -> ServiceResult<Vec<(String, String)>> {
    use bdc_identity::service::{signup, users};
    use bdc_registry::store::registry as apps;
    use bdc_sandbox::portrait::portrait;
    let console = bdc_core::Actor::console();
    let mut out = Vec::new();
    let Some(sandbox) = sandbox else {
        tracing::warn!("no identity sandbox: the demo's public accounts are not real-name linked");
        return Ok(out);
    };
    let mut conn = s.db.conn().await?;
    // Holders with no proven account yet, the most holdings first.
    let mut owners = Vec::new();
    for p in apps::holders_of_kind(&mut conn, "person", "state_land_and_house", 20).await? {
        if owners.len() < 2 && s.directory.account_of_party(&mut conn, p).await?.is_none() {
            owners.push(p);
        }
    }
    let mut banks = Vec::new();
    for p in apps::holders_of_kind(&mut conn, "enterprise", "mortgage", 20).await? {
        if banks.len() < 2 && s.directory.account_of_party(&mut conn, p).await?.is_none() {
            banks.push(p);
        }
    }
    let mut person_party = None;
    let mut rng = StdRng::seed_from_u64(20_260_101);
    for (i, (username, kind)) in DEMO_PUBLIC.iter().enumerate() {
        let Some(user) = users::find_user(s, &console, bdc_core::access::Realm::Public, username).await? else { continue };
        if let Some(existing) = s.directory.link(&mut conn, user.id).await? {
            if *kind == "person" {
                person_party = Some(existing.party_id);
            }
            continue;
        }
        let party = match *kind {
            "person" => owners.first(),
            "agent" => owners.get(1),
            "institution" => banks.first(),
            _ => banks.get(1).or(banks.first()),
        };
        let Some(party) = party.copied() else { continue };
        if s.directory.account_of_party(&mut conn, party).await?.is_some() {
            continue;
        }
        let Some(p) = bdc_registry::store::registry::get_party(&mut conn, party).await? else { continue };
        let id = s.cipher().decrypt(&p.id_number_enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
        let checked = if p.id_type == "8" {
            let rep_id = citizen_id(&mut rng, "320402");
            let rep_name = format!("{}法定代表人", &p.name.chars().take(4).collect::<String>());
            sandbox.add_resident(&rep_name, &rep_id);
            sandbox.add_enterprise(bdc_sandbox::identity::EnterpriseRecord { credit_code: id.clone(), name: p.name.clone(), representative_name: rep_name.clone(), representative_id: rep_id.clone() });
            bdc_identity::service::verification::verify_enterprise(s, &id, &p.name, &rep_name, &rep_id, &portrait(&rep_id, 1), "demo", "demo").await?
        } else {
            sandbox.add_resident(&p.name, &id);
            bdc_identity::service::verification::verify_person(s, &p.name, &id, &portrait(&id, 1), "demo", "demo").await?
        };
        if !checked.matched {
            tracing::warn!(username, "the demo account's real-name verification did not match");
            continue;
        }
        let phone = format!("1380000000{}", i + 1);
        signup::link_proven(s, &console, user.id, party, checked.verification_id, &phone).await?;
        if *kind == "person" {
            person_party = Some(party);
        }
        out.push(((*username).to_owned(), p.name));
    }
    // The agent acts for the person under a signed authorisation covering every registration.
    let agent = users::find_user(s, &console, bdc_core::access::Realm::Public, "daili").await?;
    drop(conn);
    if let (Some(agent), Some(principal)) = (agent, person_party) {
        let actor = bdc_core::Actor {
            user_id: agent.id,
            username: agent.username.clone(),
            display_name: agent.display_name.clone(),
            realm: bdc_core::access::Realm::Public,
            roles: vec!["agent".into()],
            permissions: Default::default(),
            session_id: 0,
            csrf_token: String::new(),
            via: bdc_core::actor::AuthVia::Console,
            audit: None,
        };
        let has = bdc_portal::service::agency::mine(s, &actor).await.map(|l| l.iter().any(|a| a.usable)).unwrap_or(true);
        let mut conn = s.db.conn().await?;
        let party = bdc_registry::store::registry::get_party(&mut conn, principal).await?;
        drop(conn);
        if let (false, Some(p)) = (has, party) {
            let id = s.cipher().decrypt(&p.id_number_enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
            let until = bdc_registry::service::cases::today() + Duration::days(300);
            let a = bdc_portal::service::agency::NewAuthorisation {
                principal_name: p.name,
                principal_id: id,
                matters: "代为办理本人名下不动产的全部登记事项".into(),
                valid_until: until.to_string(),
                document: Some(bdc_registry::service::materials::Upload { material_code: "document".into(), file_name: "授权委托书.pdf".into(), bytes: DEMO_LETTER.to_vec() }),
            };
            bdc_portal::service::agency::record(s, &actor, a).await?;
        }
    }
    Ok(out)
}
