//! Timestamps as fixed-width UTC text, identical on both engines and ordered like time.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::StoreError;

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// `2026-01-04T09:00:00.000000Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format(FORMAT).to_string()
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    NaiveDateTime::parse_from_str(s, FORMAT).map(|n| n.and_utc()).map_err(|_| StoreError::Corrupt(format!("时间格式错误：{s}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let a = Utc::now();
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(parse_time(&format_time(a)).unwrap(), a.with_nanosecond_truncated());
        assert!(format_time(a) < format_time(b));
    }

    trait Trunc {
        fn with_nanosecond_truncated(self) -> Self;
    }
    impl Trunc for DateTime<Utc> {
        fn with_nanosecond_truncated(self) -> Self {
            use chrono::Timelike;
            self.with_nanosecond(self.nanosecond() / 1000 * 1000).unwrap()
        }
    }
}
