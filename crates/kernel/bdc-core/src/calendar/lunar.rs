//! The lunar calendar (农历) and the 清明 solar term (节气), for the statutory holidays.
//!
//! Four of the statutory holidays move with the lunar calendar or the sun: 春节 starts on
//! 除夕 (new year's eve, the last day of the twelfth lunar month — 腊月廿九 in a year whose 腊月
//! is short, 腊月三十 otherwise), 端午节 is 五月初五, 中秋节 is 八月十五, and 清明节 is the day of the
//! 清明 solar term (the sun at ecliptic longitude 15°, Beijing time). They are read from the
//! `tyme4rs` crate (6tail's Tyme, whose lunar months and solar terms come from the 寿星天文历
//! algorithms); this module only turns its days into [`NaiveDate`]s and keeps the years it is
//! asked about to a range the tests have checked.

use std::ops::RangeInclusive;

use chrono::{Duration, NaiveDate};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

/// Gregorian years whose lunar dates and solar terms are computed: wider than any deadline
/// (the calendar accepts 2000–2100 and adds at most about 40 years of working days). Outside it
/// the functions answer `None` rather than extrapolate the astronomy.
pub const YEARS: RangeInclusive<i32> = 1901..=2199;

fn date_of(day: &SolarDay) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(day.get_year()).ok()?, u32::try_from(day.get_month()).ok()?, u32::try_from(day.get_day()).ok()?)
}

/// The Gregorian date of day `day` of the (non-leap) lunar month `month` of the lunar year that
/// starts in Gregorian `year`. Months 1–12 always exist, day 15 always exists.
fn lunar(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    if !YEARS.contains(&year) {
        return None;
    }
    let d = LunarDay::new(isize::try_from(year).ok()?, month, day).ok()?;
    date_of(&d.get_solar_day())
}

/// 春节 — the lunar new year's day (正月初一) that falls in Gregorian `year`.
pub fn lunar_new_year(year: i32) -> Option<NaiveDate> {
    lunar(year, 1, 1)
}

/// 除夕 — lunar new year's eve before the 正月初一 of Gregorian `year`: the day before it, so
/// whether 腊月 has 29 or 30 days (or a leap 腊月 follows) is the lunar calendar's business and
/// never a fixed "腊月三十".
pub fn new_years_eve(year: i32) -> Option<NaiveDate> {
    lunar_new_year(year).map(|d| d - Duration::days(1))
}

/// 端午节 — 五月初五 (never the leap fifth month's day: the festival is kept in the ordinary month).
pub fn dragon_boat(year: i32) -> Option<NaiveDate> {
    lunar(year, 5, 5)
}

/// 中秋节 — 八月十五.
pub fn mid_autumn(year: i32) -> Option<NaiveDate> {
    lunar(year, 8, 15)
}

/// 清明 — the day (Beijing time) of the 清明 solar term in `year`, 4, 5 or 6 April.
pub fn qingming(year: i32) -> Option<NaiveDate> {
    if !YEARS.contains(&year) {
        return None;
    }
    let term = SolarTerm::new(isize::try_from(year).ok()?, "清明").ok()?;
    date_of(&term.get_solar_day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn lunar_new_year_matches_the_published_dates() {
        // 春节 as printed in the State Council's schedules and the almanacs.
        let known = [
            (2000, 2, 5),
            (2001, 1, 24),
            (2002, 2, 12),
            (2003, 2, 1),
            (2004, 1, 22),
            (2005, 2, 9),
            (2006, 1, 29),
            (2007, 2, 18),
            (2008, 2, 7),
            (2009, 1, 26),
            (2010, 2, 14),
            (2011, 2, 3),
            (2012, 1, 23),
            (2013, 2, 10),
            (2014, 1, 31),
            (2015, 2, 19),
            (2016, 2, 8),
            (2017, 1, 28),
            (2018, 2, 16),
            (2019, 2, 5),
            (2020, 1, 25),
            (2021, 2, 12),
            (2022, 2, 1),
            (2023, 1, 22),
            (2024, 2, 10),
            (2025, 1, 29),
            (2026, 2, 17),
            (2027, 2, 6),
            (2028, 1, 26),
            (2029, 2, 13),
            (2030, 2, 3),
        ];
        for (y, m, d) in known {
            assert_eq!(lunar_new_year(y), Some(ymd(y, m, d)), "春节 {y}");
        }
    }

    #[test]
    fn new_years_eve_is_the_last_day_of_the_twelfth_month_even_when_it_is_the_29th() {
        assert_eq!(new_years_eve(2024), Some(ymd(2024, 2, 9))); // 腊月三十
        assert_eq!(new_years_eve(2025), Some(ymd(2025, 1, 28))); // 腊月廿九: 2025 has no 年三十
        assert_eq!(new_years_eve(2026), Some(ymd(2026, 2, 16))); // 腊月廿九
        assert_eq!(new_years_eve(2027), Some(ymd(2027, 2, 5)));
        assert_eq!(new_years_eve(2028), Some(ymd(2028, 1, 25)));
        for y in 2000..=2100 {
            let eve = new_years_eve(y).unwrap();
            let l = SolarDay::from_ymd(isize::try_from(eve.year()).unwrap(), eve.month() as usize, eve.day() as usize).get_lunar_day();
            let month = l.get_lunar_month();
            assert_eq!(month.get_month(), 12, "除夕 {y} lies in 腊月");
            assert_eq!(l.get_day(), month.get_day_count(), "除夕 {y} is the month's last day");
            assert!(l.get_day() == 29 || l.get_day() == 30);
        }
    }

    #[test]
    fn dragon_boat_and_mid_autumn_match_the_published_dates() {
        let dragon = [(2020, 6, 25), (2021, 6, 14), (2022, 6, 3), (2023, 6, 22), (2024, 6, 10), (2025, 5, 31), (2026, 6, 19), (2027, 6, 9), (2028, 5, 28), (2029, 6, 16), (2030, 6, 5)];
        for (y, m, d) in dragon {
            assert_eq!(dragon_boat(y), Some(ymd(y, m, d)), "端午 {y}");
        }
        let autumn = [(2020, 10, 1), (2021, 9, 21), (2022, 9, 10), (2023, 9, 29), (2024, 9, 17), (2025, 10, 6), (2026, 9, 25), (2027, 9, 15), (2028, 10, 3), (2029, 9, 22), (2030, 9, 12)];
        for (y, m, d) in autumn {
            assert_eq!(mid_autumn(y), Some(ymd(y, m, d)), "中秋 {y}");
        }
    }

    #[test]
    fn qingming_matches_the_published_dates_2000_to_2030() {
        // The 清明 solar term (Beijing time) comes about 5¾ hours later each year and a day
        // earlier after each 29 February, so in this span it is on 5 April in the second and
        // third years after a leap year (and, until 2005, in the first), else on 4 April.
        let fifth = [2001, 2002, 2003, 2005, 2006, 2007, 2010, 2011, 2014, 2015, 2018, 2019, 2022, 2023, 2026, 2027, 2030];
        for y in 2000..=2030 {
            let expect = if fifth.contains(&y) { 5 } else { 4 };
            assert_eq!(qingming(y), Some(ymd(y, 4, expect)), "清明 {y}");
        }
    }

    #[test]
    fn years_outside_the_checked_range_are_not_guessed() {
        assert_eq!(lunar_new_year(1900), None);
        assert_eq!(qingming(2200), None);
        assert!(lunar_new_year(2199).is_some());
    }
}
