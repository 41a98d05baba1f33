//! Calendar dates as the policy inputs write them (`YYYY-MM-DD`): ignore-entry
//! expiry, OS end-of-life, and "today".

use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Parses a strict `YYYY-MM-DD` date (what `expired_at`, `exp:` and
/// `OsInfo::eol` hold).
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Today's date in UTC as `YYYY-MM-DD`, the `today` argument of [`crate::apply`].
/// Kept out of `apply` so tests and reproducible runs can pass a fixed date.
pub fn today_utc() -> String {
    let d = OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses an RFC 3339 timestamp (OpenVEX `timestamp`, CycloneDX `lastUpdated`).
pub(crate) fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = parse_date("2026-01-31").unwrap();
        assert_eq!((d.year(), u8::from(d.month()), d.day()), (2026, 1, 31));
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-1-5").is_none());
        assert!(parse_date("01/02/2026").is_none());
        assert!(parse_date("").is_none());
    }

    #[test]
    fn today_is_a_parsable_date() {
        let t = today_utc();
        assert_eq!(t.len(), 10, "{t}");
        assert!(parse_date(&t).is_some(), "{t}");
    }

    #[test]
    fn timestamps() {
        let a = parse_timestamp("2023-01-08T18:02:03.647787998-06:00").unwrap();
        let b = parse_timestamp("2023-01-09T00:02:04Z").unwrap();
        assert!(a < b);
        assert!(parse_timestamp("2023-01-09").is_none());
    }
}
