//! Loading any folder, however its files are named and whatever they
//! hold, gives migrations or errors and never panics.

use proptest::prelude::*;
use rollback_core::{EmptyDown, LoadOptions, load};

/// File names shaped like migrations and not: versions, separators,
/// suffixes, unicode, dots.
fn file_name() -> impl Strategy<Value = String> {
    (
        "[0-9]{0,16}([-_][0-9]{1,6}){0,2}",
        "[-_ ]?",
        "\\PC{0,12}",
        prop_oneof![
            Just(".up.sql"),
            Just(".down.sql"),
            Just(".sql"),
            Just(""),
            Just(".txt")
        ],
    )
        .prop_map(|(version, separator, name, suffix)| {
            format!("{version}{separator}{name}{suffix}").replace(['/', '\0'], "_")
        })
        .prop_filter("a usable file name", |name| {
            !name.is_empty() && name != "." && name != ".." && name.len() < 200
        })
}

fn contents() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "\\PC{0,80}".prop_map(String::into_bytes),
        Just(b"-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n".to_vec()),
        Just(b"-- rollback:irreversible why\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any folder either loads or gives errors; reading it never panics.
    #[test]
    fn loading_any_folder_never_panics(
        files in proptest::collection::vec((file_name(), contents()), 0..8),
        irreversible in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in &files {
            let _ = std::fs::write(dir.path().join(name), bytes);
        }
        let empty_down = if irreversible { EmptyDown::Irreversible } else { EmptyDown::Error };
        match load(dir.path(), &LoadOptions {
    empty_down,
    ..LoadOptions::default()
}) {
            Ok(loaded) => {
                let versions: Vec<_> = loaded.migrations.migrations().iter().map(|m| m.version().digits().to_owned()).collect();
                prop_assert!(versions.iter().all(|digits| digits.bytes().all(|b| b.is_ascii_digit())));
            }
            Err(errors) => prop_assert!(!errors.0.is_empty()),
        }
    }
}
