//! Ages of backups as people write them (`30d`, `12h`, `90m`, `2w`): how
//! long copies are kept (`backup-retention`) and which to prune
//! (`--older-than`).

use std::time::Duration;

/// Each unit a retention may be written in, with its length in seconds.
const UNITS: [(&str, u64); 5] = [
    ("w", 7 * 24 * 3600),
    ("d", 24 * 3600),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
];

/// `30d` as a duration: a whole number and one unit of `w` (weeks), `d`,
/// `h`, `m` (minutes) or `s`. A number without a unit is refused: `30`
/// could be days or seconds.
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid duration `{text}`: write a whole number and a unit, such as 30d, 12h, 90m or 2w (units: w, d, h, m, s)"
        )
    };
    let trimmed = text.trim();
    let digits = trimmed.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &trimmed[digits.len()..];
    let seconds = UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, seconds)| *seconds)
        .ok_or_else(invalid)?;
    let count: u64 = digits.parse().map_err(|_| invalid())?;
    count
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(invalid)
}

/// A duration in the largest unit up to days that writes it whole: `30d`,
/// `14d` (not `2w`, which reads less plainly beside other ages), `90m`.
pub fn format_age(age: Duration) -> String {
    let seconds = age.as_secs();
    let (unit, size) = UNITS[1..]
        .iter()
        .find(|(_, size)| seconds > 0 && seconds.is_multiple_of(*size))
        .copied()
        .unwrap_or(("s", 1));
    format!("{}{unit}", seconds / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read_and_written_back() {
        for (text, seconds) in [
            ("30d", 30 * 86_400),
            ("12h", 43_200),
            ("90m", 5_400),
            ("2w", 1_209_600),
            ("45s", 45),
            (" 1d ", 86_400),
        ] {
            assert_eq!(parse_age(text), Ok(Duration::from_secs(seconds)), "{text}");
        }
        assert_eq!(format_age(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(format_age(Duration::from_secs(5_400)), "90m");
        assert_eq!(format_age(Duration::from_secs(1_209_600)), "14d");
        assert_eq!(format_age(Duration::ZERO), "0s");
    }

    #[test]
    fn bad_durations_name_the_value() {
        for text in [
            "",
            "30",
            "d",
            "1.5d",
            "-1d",
            "3 days",
            "1y",
            "99999999999999999999w",
        ] {
            let error = parse_age(text).unwrap_err();
            assert!(error.contains(&format!("`{text}`")), "{error}");
        }
    }
}
