//! The checksums other tools keep of an up, computed again from the folder's
//! file to see that it is the script the tool ran. A file checked out with
//! other line endings (CRLF) or with a byte-order mark is the same script:
//! the folder's text is normalized (`rollback_core::normalize`), so each
//! spelling it may have had when the tool read it is tried.

use std::hash::{Hash, Hasher};

use sha2::{Digest, Sha384};
use siphasher::sip::SipHasher13;

use super::tools::ToolChecksum;

/// Whether `checksum`, recorded with `version` and `name`, is the tool's
/// checksum of the up script `sql` (normalized text).
pub(crate) fn same_script(
    checksum: &ToolChecksum,
    version: &str,
    name: Option<&str>,
    sql: &str,
) -> bool {
    let spellings = spellings(sql);
    match checksum {
        ToolChecksum::Sha384(hex) => spellings.iter().any(|text| sha384_hex(text) == *hex),
        ToolChecksum::Refinery(recorded) => {
            let Ok(version) = version.parse::<i32>() else {
                return false;
            };
            let name = name.unwrap_or_default();
            spellings
                .iter()
                .any(|text| refinery_checksum(name, version, text).to_string() == *recorded)
        }
    }
}

/// The texts a normalized script may have had on disk: LF or CRLF line
/// endings, with or without a byte-order mark.
fn spellings(sql: &str) -> [String; 4] {
    let crlf = sql.replace('\n', "\r\n");
    [
        sql.to_owned(),
        format!("\u{feff}{sql}"),
        format!("\u{feff}{crlf}"),
        crlf,
    ]
}

/// sqlx's checksum: SHA-384 of the file's text, as lowercase hex.
fn sha384_hex(text: &str) -> String {
    Sha384::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// refinery's checksum (`refinery_core::Migration::unapplied`): SipHash-1-3
/// with zero keys over the name, the version as an `i32` and the SQL, each
/// hashed as `std::hash::Hash` hashes it.
fn refinery_checksum(name: &str, version: i32, sql: &str) -> u64 {
    let mut hasher = SipHasher13::new();
    name.hash(&mut hasher);
    version.hash(&mut hasher);
    sql.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlx_checksums_are_sha384_of_the_file() {
        // SHA-384 of the empty string.
        assert!(same_script(
            &ToolChecksum::Sha384(
                "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b".to_owned()
            ),
            "1",
            None,
            ""
        ));
    }

    #[test]
    fn refinery_checksums_are_the_ones_refinery_cli_wrote() {
        // refinery_cli 0.10.0, `V2__posts.sql` on SQLite.
        assert_eq!(
            refinery_checksum("posts", 2, "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n"),
            10_518_705_774_638_764_732
        );
    }

    #[test]
    fn a_crlf_or_bom_spelling_is_the_same_script() {
        let on_disk = "\u{feff}CREATE TABLE a (id INT);\r\n";
        let recorded = ToolChecksum::Sha384(sha384_hex(on_disk));
        assert!(same_script(
            &recorded,
            "1",
            None,
            "CREATE TABLE a (id INT);\n"
        ));
        assert!(!same_script(
            &recorded,
            "1",
            None,
            "CREATE TABLE b (id INT);\n"
        ));
        let refinery = ToolChecksum::Refinery(refinery_checksum("a", 1, "X;\r\n").to_string());
        assert!(same_script(&refinery, "1", Some("a"), "X;\n"));
        assert!(!same_script(&refinery, "1", Some("b"), "X;\n"));
        assert!(!same_script(&refinery, "2", Some("a"), "X;\n"));
    }
}
