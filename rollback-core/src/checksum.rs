//! Checksums of migration scripts.
//!
//! The checksum is a forever format: it is stored in every database the
//! migration is applied to. It is computed over the script *after* line endings
//! are normalized, so a checkout with CRLF endings (git on Windows, sqlx #2659)
//! does not look like a modified migration, and the algorithm's name is stored
//! beside it so that a later change of algorithm can tell old rows apart.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// The name stored beside every checksum.
pub const CHECKSUM_ALGORITHM: &str = "sha256";

/// Turns file text into the script that is checksummed and run: a leading
/// byte-order mark is dropped and CRLF line endings become LF.
///
/// ```rust
/// use rollback_core::{checksum, normalize};
///
/// let windows = "\u{feff}CREATE TABLE users (id INTEGER);\r\n";
/// let unix = "CREATE TABLE users (id INTEGER);\n";
/// assert_eq!(normalize(windows), unix);
/// assert_eq!(checksum(&normalize(windows)), checksum(unix));
/// ```
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Hex SHA-256 of an already normalized script. Every file of the folder is
/// checksummed on every run, so the hex is written from a table: a `format!`
/// per byte cost more than the hashing.
pub fn checksum(script: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(script.as_bytes());
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_checksum_alike() {
        let lf = normalize("CREATE TABLE a (id INT);\nDROP TABLE b;\n");
        let crlf = normalize("CREATE TABLE a (id INT);\r\nDROP TABLE b;\r\n");
        assert_eq!(checksum(&lf), checksum(&crlf));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        assert_eq!(normalize("\u{feff}SELECT 1;"), "SELECT 1;");
    }

    #[test]
    fn known_digest() {
        assert_eq!(
            checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_ne!(checksum("SELECT 1;"), checksum("SELECT 2;"));
    }
}
