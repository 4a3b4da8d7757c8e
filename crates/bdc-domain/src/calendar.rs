//! Working-day calendar (工作日历): 法定节假日, 调休 make-up working days and office hours.
//!
//! Every deadline in registration counts working days (STANDARDS.md, "Working days"). Which days
//! are holidays and which weekend days are worked is published each November for the next year,
//! so it is data ([`DayOverride`]) that an administrator edits, never code. A day is a working day
//! when it is a make-up working day (调休上班), or when it is Monday–Friday and not a holiday.

pub mod lunar;

use std::collections::BTreeMap;

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
        OfficeHours(vec![
            OfficeSpan { start: t(9, 0), end: t(12, 0) },
            OfficeSpan { start: t(13, 30), end: t(17, 30) },
        ])
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

    /// Is `date` a working day (工作日)?
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.overrides.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
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
        assert!(c.is_working_day(ymd(2024, 2, 18)));  // working Sunday after 春节
        assert!(c.is_working_day(ymd(2024, 10, 12))); // working Saturday
        assert!(!c.is_working_day(ymd(2025, 10, 8)));
        assert!(c.is_working_day(ymd(2025, 10, 9)));
        assert!(c.is_working_day(ymd(2025, 10, 11)));
        assert!(!c.is_working_day(ymd(2025, 6, 2)));  // 端午 Monday
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

    #[test]
    fn working_time_needs_a_working_day_and_office_hours() {
        let c = cal();
        let at = |y, m, d, h, min| ymd(y, m, d).and_hms_opt(h, min, 0).unwrap();
        assert!(c.is_working_time(at(2026, 1, 4, 9, 0)));    // working Sunday, opening minute
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
        assert_eq!(
            OfficeHours::new(vec![OfficeSpan { start: t(12), end: t(9) }]),
            Err(OfficeHoursError::StartNotBeforeEnd(1))
        );
        assert_eq!(
            OfficeHours::new(vec![OfficeSpan { start: t(9), end: t(13) }, OfficeSpan { start: t(12), end: t(17) }]),
            Err(OfficeHoursError::Overlap(2))
        );
    }
}
