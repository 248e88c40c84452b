//! Migration versions: how a file name splits into version and name, and how
//! versions are ordered.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// Versions with at least this many digits are timestamps (`20260112093000`).
const TIMESTAMP_DIGITS: usize = 14;

/// A migration version exactly as written in its file name (`2019-01-01-000000`,
/// `20260112_001`, `7`), with its digits kept beside it.
///
/// Two spellings with the same digits are the same version: `2019-01-01-000000`
/// in a folder and `20190101000000` typed on the command line name one
/// migration. Comparisons therefore go through a [`VersionOrder`], which knows
/// whether the folder counts in timestamps or in integers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    text: Cow<'static, str>,
    digits: Cow<'static, str>,
}

impl Version {
    /// Reads a version typed by a user or stored in a database: digit groups
    /// joined by `_` or `-`, nothing else. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        Version::is_valid(text).then(|| Version::from_text(text.to_owned()))
    }

    /// The digits of `text` if [`Version::parse`] would read it, borrowed
    /// when it has no separators: with [`VersionOrder::compare_digits`], what
    /// matches a tracking row to its file without building a version (two
    /// allocations) for every row.
    pub fn digits_of(text: &str) -> Option<Cow<'_, str>> {
        if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Some(Cow::Borrowed(text));
        }
        Version::is_valid(text).then(|| text.chars().filter(char::is_ascii_digit).collect())
    }

    fn is_valid(text: &str) -> bool {
        split_file_stem(text)
            .is_some_and(|(version, name)| name.is_empty() && version.len() == text.len())
    }

    /// The version of a value the caller has already checked (a database row,
    /// a file stem split by [`split_file_stem`]).
    pub(crate) fn from_text(text: String) -> Version {
        let digits = text.chars().filter(char::is_ascii_digit).collect();
        Version {
            text: Cow::Owned(text),
            digits: Cow::Owned(digits),
        }
    }

    /// Builds a version in a `static` (the code `embed_migrations!` writes).
    #[doc(hidden)]
    pub const fn __embedded(text: &'static str, digits: &'static str) -> Version {
        Version {
            text: Cow::Borrowed(text),
            digits: Cow::Borrowed(digits),
        }
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The digits of the version, separators removed.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// How the versions of one folder compare.
///
/// When every version has 14 or more digits the folder counts in timestamps and
/// versions compare as digit strings (diesel's order, which keeps
/// `2026-06-17-105325-0000` next to `2026-06-17-105325`). Otherwise they
/// compare as integers (sqlx's order, `2_x` before `10_x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionOrder {
    /// Digit strings compared character by character.
    Timestamp,
    /// Digit strings compared as unbounded integers.
    #[default]
    Integer,
}

impl VersionOrder {
    /// The order that fits a folder holding these versions.
    pub fn for_versions<'a>(versions: impl IntoIterator<Item = &'a Version>) -> VersionOrder {
        let mut any = false;
        for version in versions {
            any = true;
            if version.digits.len() < TIMESTAMP_DIGITS {
                return VersionOrder::Integer;
            }
        }
        if any {
            VersionOrder::Timestamp
        } else {
            VersionOrder::Integer
        }
    }

    /// Compares two versions in this order.
    pub fn compare(self, a: &Version, b: &Version) -> Ordering {
        self.compare_digits(a, &b.digits)
    }

    /// Compares a version with another given by its digits (as
    /// [`Version::digits`] or [`Version::digits_of`] give them).
    pub fn compare_digits(self, a: &Version, b: &str) -> Ordering {
        match self {
            VersionOrder::Timestamp => a.digits.as_ref().cmp(b),
            VersionOrder::Integer => {
                let a = a.digits.trim_start_matches('0');
                let b = b.trim_start_matches('0');
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            }
        }
    }

    /// A key that is equal for two versions exactly when [`compare`](Self::compare)
    /// says they are equal: use it to match database rows to files.
    pub fn key(self, version: &Version) -> String {
        match self {
            VersionOrder::Timestamp => version.digits.to_string(),
            VersionOrder::Integer => {
                let trimmed = version.digits.trim_start_matches('0');
                if trimmed.is_empty() { "0" } else { trimmed }.to_owned()
            }
        }
    }
}

/// Splits a file stem such as `20260112_001_create_po` into its version
/// (`20260112_001`) and its name (`create_po`).
///
/// The version is the run of digit-only groups, separated by `_` or `-`, at the
/// start of the stem; the name starts at the first group that holds anything
/// else, after the separator that ends the version. Returns `None` when the stem
/// does not start with a digit group. Never panics: the separators are ASCII, so
/// every cut falls on a character boundary.
pub fn split_file_stem(stem: &str) -> Option<(&str, &str)> {
    let mut version_end = 0;
    let mut group_start = 0;
    loop {
        let group_end = stem[group_start..]
            .find(['_', '-'])
            .map_or(stem.len(), |offset| group_start + offset);
        let group = &stem[group_start..group_end];
        if group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        version_end = group_end;
        if group_end == stem.len() {
            break;
        }
        group_start = group_end + 1;
    }
    if version_end == 0 {
        return None;
    }
    let name = stem.get(version_end + 1..).unwrap_or("");
    Some((&stem[..version_end], name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn version(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn splits_the_forms_found_in_real_folders() {
        let cases = [
            ("20260112_001_create_po", "20260112_001", "create_po"),
            (
                "2019-01-01-000000_create_users",
                "2019-01-01-000000",
                "create_users",
            ),
            ("2026-06-17-105325-0000_x", "2026-06-17-105325-0000", "x"),
            (
                "2024-03-13_170000_sso_userscascade",
                "2024-03-13_170000",
                "sso_userscascade",
            ),
            ("1_init", "1", "init"),
            (
                "20240309082057_release_status_view.sql",
                "20240309082057",
                "release_status_view.sql",
            ),
            (
                "20241210054814_create-narinfos-table",
                "20241210054814",
                "create-narinfos-table",
            ),
            ("3_add index with spaces", "3", "add index with spaces"),
            ("42", "42", ""),
            ("20260112_001abc", "20260112", "001abc"),
        ];
        for (stem, expected_version, expected_name) in cases {
            assert_eq!(
                split_file_stem(stem),
                Some((expected_version, expected_name)),
                "{stem}"
            );
        }
    }

    #[test]
    fn rejects_stems_without_a_leading_digit_group() {
        for stem in [
            "create_users",
            "",
            "_1_x",
            "-1",
            "v1_x",
            "data_oauth_github",
        ] {
            assert_eq!(split_file_stem(stem), None, "{stem}");
        }
    }

    #[test]
    fn parse_accepts_only_a_bare_version() {
        assert_eq!(version("2019-01-01-000000").digits(), "20190101000000");
        assert!(Version::parse("1_x").is_none());
        assert!(Version::parse("abc").is_none());
        assert!(Version::parse("1_").is_none());
    }

    #[test]
    fn folder_of_timestamps_compares_digit_strings() {
        let a = version("2026-06-17-105325");
        let b = version("2026-06-17-105325-0000");
        let c = version("2026-06-17-105326");
        let order = VersionOrder::for_versions([&a, &b, &c]);
        assert_eq!(order, VersionOrder::Timestamp);
        assert_eq!(order.compare(&a, &b), Ordering::Less);
        assert_eq!(order.compare(&b, &c), Ordering::Less);
        let dashed = version("2017-08-31-230457");
        let plain = version("20170102000000");
        assert_eq!(order.compare(&plain, &dashed), Ordering::Less);
    }

    #[test]
    fn folder_with_small_versions_compares_integers() {
        let two = version("2");
        let ten = version("10");
        let order = VersionOrder::for_versions([&two, &ten]);
        assert_eq!(order, VersionOrder::Integer);
        assert_eq!(order.compare(&two, &ten), Ordering::Less);
        assert_eq!(
            order.compare(&version("007"), &version("7")),
            Ordering::Equal
        );
        assert_eq!(order.key(&version("007")), order.key(&version("7")));
        assert_eq!(order.key(&version("000")), "0");
    }

    #[test]
    fn same_digits_are_the_same_version() {
        let dashed = version("2019-01-01-000000");
        let plain = version("20190101000000");
        let order = VersionOrder::Timestamp;
        assert_eq!(order.compare(&dashed, &plain), Ordering::Equal);
        assert_eq!(order.key(&dashed), order.key(&plain));
    }

    proptest! {
        #[test]
        fn splitting_never_panics_and_keeps_every_character(stem in "\\PC*") {
            if let Some((version, name)) = split_file_stem(&stem) {
                prop_assert!(!version.is_empty());
                prop_assert!(version.bytes().all(|b| b.is_ascii_digit() || b == b'_' || b == b'-'));
                prop_assert!(stem.starts_with(version));
                prop_assert!(stem.ends_with(name));
                prop_assert!(version.len() + name.len() + 1 >= stem.len());
            }
        }

        #[test]
        fn splitting_arbitrary_separated_stems(stem in "[0-9_\\-a-z ]{0,40}") {
            if let Some((version, _)) = split_file_stem(&stem) {
                let parsed = Version::parse(version).unwrap();
                prop_assert!(parsed.digits().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn comparing_with_digits_of_text_agrees_with_comparing_parsed(
            a in "[0-9]{1,3}([_-][0-9]{1,16}){0,2}",
            b in "0{0,3}[0-9]{1,3}([_-][0-9]{1,16}){0,2}",
        ) {
            let va = version(&a);
            let digits = Version::digits_of(&b).unwrap();
            for order in [VersionOrder::Timestamp, VersionOrder::Integer] {
                prop_assert_eq!(order.compare_digits(&va, &digits), order.compare(&va, &version(&b)));
            }
        }

        #[test]
        fn digits_of_text_are_those_of_the_parsed_version(text in "[0-9_\\-a ]{0,12}") {
            prop_assert_eq!(
                Version::digits_of(&text).map(|digits| digits.into_owned()),
                Version::parse(&text).map(|version| version.digits().to_owned())
            );
        }

        #[test]
        fn integer_order_agrees_with_u64(a in 0u64..1_000_000_000, b in 0u64..1_000_000_000) {
            let va = version(&a.to_string());
            let vb = version(&b.to_string());
            prop_assert_eq!(VersionOrder::Integer.compare(&va, &vb), a.cmp(&b));
        }
    }
}
