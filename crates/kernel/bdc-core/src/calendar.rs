//! Working-day calendar (工作日历): 法定节假日, 调休 make-up working days and office hours.
//!
//! Every deadline in registration counts working days (STANDARDS.md, "Working days"). A day's
//! kind comes from three places, the first that speaks winning:
//! 1. a stored entry ([`DayOverride`]): the State Council's yearly 调休 arrangement as an
//!    administrator entered it (make-up working days, bridged holidays) — data, never code, and
//!    seeded with the verified 2024–2026 schedules;
//! 2. the statutory holidays of 《全国年节及纪念日放假办法》 ([`statutory_holidays`]), computed for
//!    any year from the lunar calendar and the 清明 solar term, so a year whose arrangement is not
//!    published yet still has its 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆 (and 2027-01-01 is not
//!    a working day just because nobody typed it in);
//! 3. the week: Monday–Friday work, Saturday and Sunday rest.

pub mod lunar;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

/// What an entry of the calendar table says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// 法定节假日 — a holiday, even on a weekday.
    Holiday,
    /// 调休上班 — a working day, even on a weekend.
    Workday,
}

impl DayKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One entry of the calendar table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOverride {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// e.g. "春节", "国庆节调休".
    pub note: String,
}

/// A span of office hours within a working day (办公时间), e.g. 09:00–12:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeSpan {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Why office hours were refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OfficeHoursError {
    #[error("办公时间至少需要一个时段")]
    Empty,
    #[error("办公时段 {0} 的开始时间必须早于结束时间")]
    StartNotBeforeEnd(usize),
    #[error("办公时段 {0} 与前一时段重叠或顺序颠倒")]
    Overlap(usize),
}

/// Office hours: ordered, non-overlapping spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours(Vec<OfficeSpan>);

impl OfficeHours {
    pub fn new(spans: Vec<OfficeSpan>) -> Result<Self, OfficeHoursError> {
        if spans.is_empty() {
            return Err(OfficeHoursError::Empty);
        }
        for (i, s) in spans.iter().enumerate() {
            if s.start >= s.end {
                return Err(OfficeHoursError::StartNotBeforeEnd(i + 1));
            }
            if i > 0 && spans[i - 1].end > s.start {
                return Err(OfficeHoursError::Overlap(i + 1));
            }
        }
        Ok(OfficeHours(spans))
    }

    pub fn spans(&self) -> &[OfficeSpan] {
        &self.0
    }

    fn contains(&self, t: NaiveTime) -> bool {
        self.0.iter().any(|s| s.start <= t && t < s.end)
    }
}

impl Default for OfficeHours {
    /// 09:00–12:00 and 13:30–17:30, the usual hours of a registration hall.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid constant time");
        OfficeHours(vec![OfficeSpan { start: t(9, 0), end: t(12, 0) }, OfficeSpan { start: t(13, 30), end: t(17, 30) }])
    }
}

/// The working-day calendar: overrides plus office hours. Times are local (Beijing) time.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    overrides: BTreeMap<NaiveDate, DayKind>,
    office_hours: OfficeHours,
}

impl WorkCalendar {
    pub fn new(overrides: impl IntoIterator<Item = (NaiveDate, DayKind)>, office_hours: OfficeHours) -> Self {
        WorkCalendar { overrides: overrides.into_iter().collect(), office_hours }
    }

    /// The calendar seeded with the published 2024–2026 schedules and default office hours.
    pub fn seeded() -> Self {
        WorkCalendar::new(seed_overrides().into_iter().map(|o| (o.date, o.kind)), OfficeHours::default())
    }

    pub fn office_hours(&self) -> &OfficeHours {
        &self.office_hours
    }

    /// Is `date` a working day (工作日)? A stored entry decides; without one, a statutory
    /// holiday (or its 补假) is not, and otherwise Monday–Friday are.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.overrides.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date) && statutory_holiday(date).is_none(),
        }
    }

    /// Has the 调休 arrangement (调休安排) of `year` been entered? True when at least one stored
    /// entry is dated in that year.
    ///
    /// Why this test and not a flag: the State Council's arrangement always moves days (春节 and
    /// 国庆 are stretched over weekends, with make-up working days), so entering it always writes
    /// entries, while the statutory days themselves need none — they are computed. A year with no
    /// entry at all is therefore a year nobody has entered. The test cannot tell a complete entry
    /// from a half-finished one (or from a single ad-hoc closure); the calendar page lists the
    /// year's entries for the administrator to check.
    pub fn arrangement_entered(&self, year: i32) -> bool {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(from), Some(to)) => self.overrides.range(from..=to).next().is_some(),
            _ => false,
        }
    }

    /// The years whose 调休 arrangement is due but not entered, as of `today`: this year when it
    /// has no entry (every deadline now is counted without its 调休), and next year from
    /// [`ARRANGEMENT_DUE`] on (the arrangement is published in late October or November, and a
    /// 30-working-day deadline set from mid-November already ends in January).
    pub fn missing_arrangements(&self, today: NaiveDate) -> Vec<i32> {
        let year = today.year();
        let mut out = Vec::new();
        if !self.arrangement_entered(year) {
            out.push(year);
        }
        let (m, d) = ARRANGEMENT_DUE;
        if NaiveDate::from_ymd_opt(year, m, d).is_some_and(|due| today >= due) && !self.arrangement_entered(year + 1) {
            out.push(year + 1);
        }
        out
    }

    /// The date `n` working days after `from` (from itself not counted): the deadline of a case
    /// accepted on `from` with a time limit of `n` working days. `n == 0` gives `from` itself if
    /// it is a working day, else the next working day.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        if n == 0 {
            while !self.is_working_day(d) {
                d += Duration::days(1);
            }
            return d;
        }
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(from, to]`: how many working days have passed from `from` to `to`.
    /// Negative when `to` is before `from`, so `working_days_between(a, b) == -working_days_between(b, a)`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }

    /// Is the local moment `at` within working time: a working day and inside office hours?
    pub fn is_working_time(&self, at: NaiveDateTime) -> bool {
        self.is_working_day(at.date()) && self.office_hours.contains(at.time())
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// From this day of the year (month, day) on, next year's 调休 arrangement is expected: 1 October.
/// The State Council has published it between late October (2024's, on 2023-10-25) and early
/// December, so the reminder starts before the earliest publication.
pub const ARRANGEMENT_DUE: (u32, u32) = (10, 1);

/// A festival of 《全国年节及纪念日放假办法》 on which all citizens have the day off (全体公民放假).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Festival {
    /// 元旦 — 1 January, 1 day.
    NewYear,
    /// 春节 — 除夕 to 正月初三, 4 days.
    SpringFestival,
    /// 清明节 — the day of the 清明 solar term, 1 day.
    Qingming,
    /// 劳动节 — 1 and 2 May, 2 days.
    LabourDay,
    /// 端午节 — 五月初五, 1 day.
    DragonBoat,
    /// 中秋节 — 八月十五, 1 day.
    MidAutumn,
    /// 国庆节 — 1 to 3 October, 3 days.
    NationalDay,
}

impl Festival {
    pub const fn name(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::LabourDay => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::NationalDay => "国庆节",
        }
    }
}

/// One computed statutory day off (法定节假日).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryDay {
    pub date: NaiveDate,
    pub festival: Festival,
    /// 补假 — a weekday off in place of a festival day that fell on a weekend or on another
    /// festival's day.
    pub substitute: bool,
}

impl StatutoryDay {
    /// e.g. "国庆节", "国庆节补假".
    pub fn note(&self) -> String {
        if self.substitute {
            format!("{}补假", self.festival.name())
        } else {
            self.festival.name().to_owned()
        }
    }
}

/// Years whose statutory holidays are computed. The 2024 amendment (国务院令第795号) is in force
/// from 2025: earlier years had other rules (春节 3 days, 劳动节 1 day), 2024 is in the verified
/// seed and older years predate the register, so they are not computed at all rather than
/// computed wrongly. The end is the lunar calendar's checked range.
pub const STATUTORY_YEARS: std::ops::RangeInclusive<i32> = 2025..=*lunar::YEARS.end();

/// The statutory days off of `year` (empty outside [`STATUTORY_YEARS`]), in date order.
///
/// The festival days of 《全国年节及纪念日放假办法》 as amended in 2024: 元旦 1/1; 春节 除夕 to
/// 正月初三; 清明节; 劳动节 5/1–5/2; 端午节; 中秋节; 国庆节 10/1–10/3. Its article on weekends
/// (全体公民放假的假日，如果适逢周六、周日，应当在工作日补假) owes a weekday for each festival day on a
/// Saturday or Sunday — and for a festival day taken by another festival (中秋 on 10/1–10/3). Where
/// that weekday falls is the State Council's choice, published with the 调休; until then it is
/// placed on the first following weekday that is not already off, so the count of working days
/// over the holiday is right even before the arrangement is entered (checked against 2025 and
/// 2026, whose published schedules give the same number of working days).
pub fn statutory_holidays(year: i32) -> Vec<StatutoryDay> {
    if !STATUTORY_YEARS.contains(&year) {
        return Vec::new();
    }
    let (Some(eve), Some(qingming), Some(dragon), Some(autumn)) = (lunar::new_years_eve(year), lunar::qingming(year), lunar::dragon_boat(year), lunar::mid_autumn(year)) else {
        return Vec::new();
    };
    let mut days: Vec<(NaiveDate, Festival)> = vec![(ymd(year, 1, 1), Festival::NewYear)];
    days.extend((0..4).map(|i| (eve + Duration::days(i), Festival::SpringFestival)));
    days.push((qingming, Festival::Qingming));
    days.extend([(ymd(year, 5, 1), Festival::LabourDay), (ymd(year, 5, 2), Festival::LabourDay)]);
    days.push((dragon, Festival::DragonBoat));
    days.push((autumn, Festival::MidAutumn));
    days.extend((1..=3).map(|d| (ymd(year, 10, d), Festival::NationalDay)));
    days.sort_by_key(|(d, _)| *d);

    let mut off: BTreeMap<NaiveDate, StatutoryDay> = BTreeMap::new();
    let mut owed = Vec::new();
    for (date, festival) in days {
        if is_weekend(date) || off.contains_key(&date) {
            owed.push((date, festival));
        }
        off.entry(date).or_insert(StatutoryDay { date, festival, substitute: false });
    }
    for (date, festival) in owed {
        let mut d = date + Duration::days(1);
        while is_weekend(d) || off.contains_key(&d) {
            d += Duration::days(1);
        }
        off.insert(d, StatutoryDay { date: d, festival, substitute: true });
    }
    off.into_values().collect()
}

/// The statutory day off on `date`, if any: computed once for every year of [`STATUTORY_YEARS`]
/// (a few milliseconds) and kept, as deadlines ask about thousands of days.
pub fn statutory_holiday(date: NaiveDate) -> Option<StatutoryDay> {
    static TABLE: OnceLock<BTreeMap<NaiveDate, StatutoryDay>> = OnceLock::new();
    TABLE.get_or_init(|| STATUTORY_YEARS.flat_map(statutory_holidays).map(|d| (d.date, d)).collect()).get(&date).copied()
}

/// The published schedules of 2024–2026 (STANDARDS.md). Holidays as inclusive ranges with their
/// festival; make-up working days single.
pub fn seed_overrides() -> Vec<DayOverride> {
    /// Year, first day (month, day), last day (month, day), festival.
    type HolidayRange = (i32, (u32, u32), (u32, u32), &'static str);
    #[rustfmt::skip]
    let holidays: &[HolidayRange] = &[
        (2024, (1, 1), (1, 1), "元旦"), (2024, (2, 10), (2, 17), "春节"), (2024, (4, 4), (4, 6), "清明节"),
        (2024, (5, 1), (5, 5), "劳动节"), (2024, (6, 10), (6, 10), "端午节"), (2024, (9, 15), (9, 17), "中秋节"),
        (2024, (10, 1), (10, 7), "国庆节"),
        (2025, (1, 1), (1, 1), "元旦"), (2025, (1, 28), (2, 4), "春节"), (2025, (4, 4), (4, 6), "清明节"),
        (2025, (5, 1), (5, 5), "劳动节"), (2025, (5, 31), (6, 2), "端午节"), (2025, (10, 1), (10, 8), "国庆节、中秋节"),
        (2026, (1, 1), (1, 3), "元旦"), (2026, (2, 15), (2, 23), "春节"), (2026, (4, 4), (4, 6), "清明节"),
        (2026, (5, 1), (5, 5), "劳动节"), (2026, (6, 19), (6, 21), "端午节"), (2026, (9, 25), (9, 27), "中秋节"),
        (2026, (10, 1), (10, 7), "国庆节"),
    ];
    #[rustfmt::skip]
    let workdays: &[(i32, u32, u32, &str)] = &[
        (2024, 2, 4, "春节调休"), (2024, 2, 18, "春节调休"), (2024, 4, 7, "清明节调休"), (2024, 4, 28, "劳动节调休"),
        (2024, 5, 11, "劳动节调休"), (2024, 9, 14, "中秋节调休"), (2024, 9, 29, "国庆节调休"), (2024, 10, 12, "国庆节调休"),
        (2025, 1, 26, "春节调休"), (2025, 2, 8, "春节调休"), (2025, 4, 27, "劳动节调休"), (2025, 9, 28, "国庆节调休"),
        (2025, 10, 11, "国庆节调休"),
        (2026, 1, 4, "元旦调休"), (2026, 2, 14, "春节调休"), (2026, 2, 28, "春节调休"), (2026, 5, 9, "劳动节调休"),
        (2026, 9, 20, "中秋节调休"), (2026, 10, 10, "国庆节调休"),
    ];
    let mut out = Vec::new();
    for &(y, (m1, d1), (m2, d2), note) in holidays {
        let mut d = ymd(y, m1, d1);
        while d <= ymd(y, m2, d2) {
            out.push(DayOverride { date: d, kind: DayKind::Holiday, note: note.to_owned() });
            d += Duration::days(1);
        }
    }
    for &(y, m, d, note) in workdays {
        out.push(DayOverride { date: ymd(y, m, d), kind: DayKind::Workday, note: note.to_owned() });
    }
    out.sort_by_key(|o| o.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> WorkCalendar {
        WorkCalendar::seeded()
    }

    #[test]
    fn edges_of_the_2026_table() {
        let c = cal();
        let check = [
            ((2026, 1, 1), false),   // 元旦, Thursday
            ((2026, 1, 3), false),   // 元旦, Saturday
            ((2026, 1, 4), true),    // working Sunday
            ((2026, 2, 14), true),   // working Saturday
            ((2026, 2, 15), false),  // 春节 starts, Sunday
            ((2026, 2, 23), false),  // 春节 last day, Monday
            ((2026, 2, 24), true),   // back to work
            ((2026, 2, 28), true),   // working Saturday
            ((2026, 10, 7), false),  // 国庆 last day
            ((2026, 10, 8), true),   // working Thursday
            ((2026, 10, 10), true),  // working Saturday
            ((2026, 10, 11), false), // ordinary Sunday
            ((2026, 9, 20), true),   // working Sunday before 中秋
            ((2026, 6, 19), false),  // 端午, Friday
        ];
        for ((y, m, d), expect) in check {
            assert_eq!(c.is_working_day(ymd(y, m, d)), expect, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn edges_of_the_2024_and_2025_tables() {
        let c = cal();
        assert!(!c.is_working_day(ymd(2024, 2, 10)));
        assert!(c.is_working_day(ymd(2024, 2, 18))); // working Sunday after 春节
        assert!(c.is_working_day(ymd(2024, 10, 12))); // working Saturday
        assert!(!c.is_working_day(ymd(2025, 10, 8)));
        assert!(c.is_working_day(ymd(2025, 10, 9)));
        assert!(c.is_working_day(ymd(2025, 10, 11)));
        assert!(!c.is_working_day(ymd(2025, 6, 2))); // 端午 Monday
    }

    #[test]
    fn adding_working_days_jumps_over_the_national_day_week() {
        let c = cal();
        // Accepted Tuesday 2026-09-29 with 5 working days: 9/30, 10/8, 10/9, 10/10 (Sat, worked), 10/12.
        assert_eq!(c.add_working_days(ymd(2026, 9, 29), 5), ymd(2026, 10, 12));
        // 1 working day after the last holiday is the next day.
        assert_eq!(c.add_working_days(ymd(2026, 10, 7), 1), ymd(2026, 10, 8));
        // Across 春节: Friday 2026-02-13, next working days 2/14 (Sat), 2/24.
        assert_eq!(c.add_working_days(ymd(2026, 2, 13), 2), ymd(2026, 2, 24));
        // Zero days on a holiday rolls to the next working day.
        assert_eq!(c.add_working_days(ymd(2026, 1, 1), 0), ymd(2026, 1, 4));
        assert_eq!(c.add_working_days(ymd(2026, 1, 5), 0), ymd(2026, 1, 5));
    }

    #[test]
    fn counting_working_days_matches_adding_them() {
        let c = cal();
        let start = ymd(2024, 1, 1);
        for n in [0, 1, 5, 17, 30, 250, 700] {
            let end = c.add_working_days(start, n);
            if n > 0 {
                assert_eq!(c.working_days_between(start, end), i64::from(n));
                assert_eq!(c.working_days_between(end, start), -i64::from(n));
            }
        }
        // 2026 has 250 working days? Count them from the table: 365 days, 104 weekend days,
        // holidays on weekdays and 6 make-up days.
        let in_2026 = c.working_days_between(ymd(2025, 12, 31), ymd(2026, 12, 31));
        let weekdays = (1..=365).map(|i| ymd(2025, 12, 31) + Duration::days(i)).filter(|d| d.weekday().num_days_from_monday() < 5).count() as i64;
        let holiday_weekdays = seed_overrides().iter().filter(|o| o.date.year() == 2026 && o.kind == DayKind::Holiday && o.date.weekday().num_days_from_monday() < 5).count() as i64;
        assert_eq!(in_2026, weekdays - holiday_weekdays + 6);
    }

    /// `(month, day, note)` of every computed day off of `year`.
    fn computed(year: i32) -> Vec<(u32, u32, String)> {
        statutory_holidays(year).iter().map(|d| (d.date.month(), d.date.day(), d.note())).collect()
    }

    #[test]
    fn the_statutory_holidays_of_2027_are_computed_with_their_weekend_substitutes() {
        let expect: Vec<(u32, u32, String)> = [
            (1, 1, "元旦"), // Friday
            (2, 5, "春节"),
            (2, 6, "春节"),
            (2, 7, "春节"),
            (2, 8, "春节"), // 除夕 (Friday) to 初三
            (2, 9, "春节补假"),
            (2, 10, "春节补假"), // for Saturday and Sunday
            (4, 5, "清明节"),    // Monday
            (5, 1, "劳动节"),
            (5, 2, "劳动节"),
            (5, 3, "劳动节补假"),
            (5, 4, "劳动节补假"), // a weekend
            (6, 9, "端午节"),
            (9, 15, "中秋节"),
            (10, 1, "国庆节"),
            (10, 2, "国庆节"),
            (10, 3, "国庆节"),
            (10, 4, "国庆节补假"),
            (10, 5, "国庆节补假"),
        ]
        .into_iter()
        .map(|(m, d, n)| (m, d, n.to_owned()))
        .collect();
        assert_eq!(computed(2027), expect);
    }

    #[test]
    fn a_festival_on_another_festivals_day_still_owes_a_day() {
        // 2028: 中秋 is 10/3 (Tuesday), inside 国庆; 10/1 is a Sunday. Four weekdays off in all.
        let oct: Vec<_> = computed(2028).into_iter().filter(|(m, _, _)| *m == 10).map(|(_, d, _)| d).collect();
        assert_eq!(oct, vec![1, 2, 3, 4, 5]);
        let substitutes: Vec<_> = computed(2028).into_iter().filter(|(_, _, n)| n.ends_with("补假")).map(|(m, d, _)| (m, d)).collect();
        // 元旦 on a Saturday, 端午 (5/28) on a Sunday, 国庆 10/1 on a Sunday, 中秋 on 国庆's 10/3.
        assert_eq!(substitutes, vec![(1, 3), (5, 29), (10, 4), (10, 5)]);
    }

    #[test]
    fn years_outside_the_2024_rules_are_not_computed() {
        assert!(statutory_holidays(2024).is_empty(), "2024 followed the 2013 rules and is in the seed");
        assert!(statutory_holidays(2200).is_empty());
        assert_eq!(statutory_holiday(ymd(2024, 5, 2)), None);
    }

    #[test]
    fn the_computed_days_agree_with_the_published_2025_and_2026_schedules() {
        let seed = seed_overrides();
        let plain = WorkCalendar::new([], OfficeHours::default());
        for year in [2025, 2026] {
            // Every computed day off is a holiday of the published schedule …
            for d in statutory_holidays(year) {
                assert!(seed.iter().any(|o| o.date == d.date && o.kind == DayKind::Holiday), "{} {} is off in the schedule", d.date, d.note());
            }
            // … and the year has as many working days computed as published: the 调休 only move them.
            let (from, to) = (ymd(year - 1, 12, 31), ymd(year, 12, 31));
            assert_eq!(plain.working_days_between(from, to), cal().working_days_between(from, to), "{year}");
        }
    }

    #[test]
    fn new_years_day_2027_is_not_a_working_day_without_any_entry() {
        let c = cal();
        assert!(!c.is_working_day(ymd(2027, 1, 1)));
        assert!(!c.is_working_day(ymd(2027, 2, 5)), "除夕");
        assert!(c.is_working_day(ymd(2027, 2, 11)));
        assert_eq!(c.add_working_days(ymd(2026, 12, 31), 1), ymd(2027, 1, 4));
        // A 30-working-day time limit (不动产登记暂行条例 art. 20) accepted on 2026-12-02: 21
        // working days left in December, 元旦 off, then 9 more up to Thursday 14 January.
        assert_eq!(c.add_working_days(ymd(2026, 12, 2), 30), ymd(2027, 1, 14));
        assert_eq!(c.working_days_between(ymd(2026, 12, 2), ymd(2027, 1, 14)), 30);
    }

    #[test]
    fn a_stored_entry_wins_over_the_computed_holiday() {
        let worked = WorkCalendar::new([(ymd(2027, 2, 10), DayKind::Workday), (ymd(2027, 2, 20), DayKind::Workday), (ymd(2027, 2, 11), DayKind::Holiday)], OfficeHours::default());
        assert!(worked.is_working_day(ymd(2027, 2, 10)), "a computed 补假 moved by the arrangement");
        assert!(worked.is_working_day(ymd(2027, 2, 20)), "a make-up Saturday");
        assert!(!worked.is_working_day(ymd(2027, 2, 11)), "a bridged day");
        assert!(!worked.is_working_day(ymd(2027, 2, 9)), "the computed days without an entry stay off");
    }

    #[test]
    fn a_years_arrangement_counts_as_entered_once_it_has_an_entry() {
        let c = cal();
        assert!(c.arrangement_entered(2026));
        assert!(!c.arrangement_entered(2027));
        assert_eq!(c.missing_arrangements(ymd(2026, 9, 30)), Vec::<i32>::new());
        assert_eq!(c.missing_arrangements(ymd(2026, 10, 1)), vec![2027]);
        assert_eq!(c.missing_arrangements(ymd(2026, 12, 2)), vec![2027]);
        assert_eq!(c.missing_arrangements(ymd(2027, 3, 1)), vec![2027], "this year's is missing all year");
        assert_eq!(c.missing_arrangements(ymd(2027, 11, 1)), vec![2027, 2028]);
        let entered = WorkCalendar::new([(ymd(2027, 2, 20), DayKind::Workday)], OfficeHours::default());
        assert_eq!(entered.missing_arrangements(ymd(2027, 3, 1)), Vec::<i32>::new());
        assert_eq!(entered.missing_arrangements(ymd(2027, 10, 1)), vec![2028]);
    }

    #[test]
    fn working_time_needs_a_working_day_and_office_hours() {
        let c = cal();
        let at = |y, m, d, h, min| ymd(y, m, d).and_hms_opt(h, min, 0).unwrap();
        assert!(c.is_working_time(at(2026, 1, 4, 9, 0))); // working Sunday, opening minute
        assert!(!c.is_working_time(at(2026, 1, 4, 8, 59)));
        assert!(!c.is_working_time(at(2026, 1, 4, 12, 30))); // lunch
        assert!(c.is_working_time(at(2026, 1, 4, 17, 29)));
        assert!(!c.is_working_time(at(2026, 1, 4, 17, 30)));
        assert!(!c.is_working_time(at(2026, 10, 7, 10, 0))); // holiday
    }

    #[test]
    fn office_hours_are_validated() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert_eq!(OfficeHours::new(vec![]), Err(OfficeHoursError::Empty));
        assert_eq!(OfficeHours::new(vec![OfficeSpan { start: t(12), end: t(9) }]), Err(OfficeHoursError::StartNotBeforeEnd(1)));
        assert_eq!(OfficeHours::new(vec![OfficeSpan { start: t(9), end: t(13) }, OfficeSpan { start: t(12), end: t(17) }]), Err(OfficeHoursError::Overlap(2)));
    }
}
