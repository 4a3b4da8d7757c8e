//! Business time (业务时间): the registration office works in Beijing time (UTC+8), whatever the
//! server's zone. Instants are stored in UTC; dates of the business — 受理日, deadlines, the
//! daily jobs' day, statutory terms — and times shown to people are Beijing's, computed here
//! and nowhere else.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8, China Standard Time.
pub fn beijing_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// An instant as Beijing time, for display and for the local fields of outside messages.
pub fn beijing(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&beijing_offset())
}

/// The business date of an instant: the calendar day in Beijing.
pub fn business_date(t: DateTime<Utc>) -> NaiveDate {
    beijing(t).date_naive()
}

/// Today's business date.
pub fn today() -> NaiveDate {
    business_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_business_day_turns_at_midnight_in_beijing() {
        let before = "2026-12-02T15:59:59Z".parse::<DateTime<Utc>>().unwrap();
        let after = "2026-12-02T16:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(business_date(before).to_string(), "2026-12-02");
        assert_eq!(business_date(after).to_string(), "2026-12-03");
        assert_eq!(beijing(after).format("%H:%M").to_string(), "00:00");
    }
}
