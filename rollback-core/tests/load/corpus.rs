//! The shared corpus of real folders (when it sits beside the repository).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use rollback_core::{
    EmptyDown, Layout, LoadError, LoadErrors, LoadOptions, LoadWarning, Loaded, Migration,
    VersionOrder, checksum, load_shown_as,
};

use crate::common::{corpus, load_corpus};

/// The file or folder name a migration was read from, without `.up.sql`/`.sql`.
fn stem(m: &Migration) -> &str {
    let path = m.up_path();
    let relative = &path[path.find('/').unwrap() + 1..];
    match m.layout() {
        Layout::Flat => relative.strip_suffix(".up.sql").unwrap(),
        Layout::Directory => relative.strip_suffix("/up.sql").unwrap(),
        Layout::SingleFile | Layout::Simple => relative.strip_suffix(".sql").unwrap(),
    }
}

fn stems(loaded: &Loaded) -> Vec<&str> {
    loaded.migrations.migrations().iter().map(stem).collect()
}

/// Checks what every corpus folder shares: the count, one layout, versions in
/// strictly increasing order, and stems as in the folder.
fn check_corpus(loaded: &Loaded, count: usize, layout: Layout, order: VersionOrder) {
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), count);
    assert_eq!(loaded.migrations.order(), order);
    for m in migrations {
        assert_eq!(m.layout(), layout, "{m}");
        assert_eq!(m.up().checksum(), checksum(m.up().sql()), "{m}");
        assert_eq!(m.down().checksum(), checksum(m.down().sql()), "{m}");
        assert!(!m.up().sql().contains('\r'), "{m}");
    }
    for pair in migrations.windows(2) {
        assert!(
            order.compare(pair[0].version(), pair[1].version()).is_lt(),
            "{} should come before {}",
            pair[0],
            pair[1]
        );
        if order == VersionOrder::Timestamp {
            assert!(pair[0].version().digits() < pair[1].version().digits());
        }
    }
}

/// Names of the entries of a corpus folder that are migrations, sorted as
/// plain strings.
fn listed(dir: &Path, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| {
            if suffix.is_empty() {
                dir.join(&name).is_dir().then_some(name)
            } else {
                name.strip_suffix(suffix).map(str::to_owned)
            }
        })
        .collect();
    names.sort();
    names
}

fn blank_downs(loaded: &Loaded) -> BTreeSet<&str> {
    loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.down().is_blank())
        .map(stem)
        .collect()
}

#[test]
fn corpus_crates_io_refuses_its_empty_downs_by_default() {
    // SOURCE.md does not say so, but 9 crates-io downs are empty or comment-only.
    refuses_only_empty_downs("crates-io", 9);
}

#[test]
fn corpus_crates_io_with_empty_downs_irreversible() {
    let Some(loaded) = load_corpus("crates-io", EmptyDown::Irreversible) else {
        return;
    };
    check_crates_io(&loaded);
}

fn check_crates_io(loaded: &Loaded) {
    check_corpus(loaded, 285, Layout::Directory, VersionOrder::Timestamp);
    let stems = stems(loaded);
    assert_eq!(stems[0], "00000000000000_diesel_initial_setup");
    let position = |stem: &str| {
        stems
            .iter()
            .position(|s| *s == stem)
            .unwrap_or_else(|| panic!("{stem} not loaded"))
    };
    assert_eq!(
        position("2026-05-27-120000_add_username_to_users") + 1,
        position("2026-05-27-120000-0000_semver_ord_v2_not_null")
    );
    assert!(
        position("20170102131034_dumped_migration_120") < position("2017-08-31-230457_invitations")
    );
    // SOURCE.md: a plain sort of the folder names differs in 38 positions.
    let plain = listed(&corpus("crates-io").unwrap(), "");
    assert_eq!(plain.len(), 285);
    let differing = plain
        .iter()
        .zip(&stems)
        .filter(|(a, b)| a.as_str() != **b)
        .count();
    assert_eq!(differing, 38);

    let no_transaction: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().no_transaction())
        .map(stem)
        .collect();
    assert_eq!(
        no_transaction,
        BTreeSet::from([
            "2024-02-12-120203_remove_unused_index",
            "2024-03-05-120032_add-crate-downloads-index",
            "2024-05-27-142004_add-versions-id-yanked-index",
            "2024-10-25-112826_make-unique-version-unique",
            "2025-09-22-090805_add_background_jobs_priority_id_index",
            "2025-09-29-161354_add_index_trustpub_configs_github_repo",
            "2026-07-30-140000-0000_add_users_username_index",
        ])
    );
    for m in loaded.migrations.migrations() {
        assert_eq!(m.up().no_transaction(), m.down().no_transaction(), "{m}");
    }
    // No metadata.toml, so diesel would run it in a transaction: so do we.
    let remove_downloads =
        &loaded.migrations.migrations()[position("2024-04-12-144536_remove-downloads-column")];
    assert!(
        remove_downloads
            .down()
            .sql()
            .to_lowercase()
            .contains("create index concurrently")
    );
    assert!(!remove_downloads.down().no_transaction());

    let not_migrations: Vec<&LoadWarning> = loaded
        .warnings
        .iter()
        .filter(|w| matches!(w, LoadWarning::NotAMigration { .. }))
        .collect();
    assert_eq!(
        not_migrations,
        [&LoadWarning::NotAMigration {
            path: "crates-io/data_oauth_github.sql".to_owned()
        }]
    );
    // Every other warning is an accepted empty down.
    let empty: BTreeSet<String> = loaded
        .warnings
        .iter()
        .filter_map(|w| match w {
            LoadWarning::EmptyDownIrreversible { path } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(empty.len() + 1, loaded.warnings.len());
    let expected: BTreeSet<String> = blank_downs(loaded)
        .into_iter()
        .map(|stem| format!("crates-io/{stem}/down.sql"))
        .collect();
    assert_eq!(empty, expected);
}

#[test]
fn corpus_docs_rs_refuses_its_empty_downs_by_default() {
    refuses_only_empty_downs("docs-rs", 2);
}

#[test]
fn corpus_docs_rs_with_empty_downs_irreversible() {
    let Some(loaded) = load_corpus("docs-rs", EmptyDown::Irreversible) else {
        return;
    };
    check_docs_rs(&loaded);
    let irreversible: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.irreversible().is_some())
        .map(stem)
        .collect();
    assert_eq!(irreversible, blank_downs(&loaded));
    assert_eq!(loaded.warnings.len(), irreversible.len());
}

fn check_docs_rs(loaded: &Loaded) {
    check_corpus(loaded, 33, Layout::Flat, VersionOrder::Timestamp);
    let dir = corpus("docs-rs").unwrap();
    assert_eq!(stems(loaded), listed(&dir, ".up.sql"));
    assert_eq!(stems(loaded)[0], "20231021111635_initial");
    let view = loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.version().as_str() == "20240309082057")
        .expect("20240309082057 loaded");
    assert_eq!(view.name(), "release_status_view.sql");
    assert_eq!(
        view.down_path(),
        "docs-rs/20240309082057_release_status_view.sql.down.sql"
    );
    let blank_ups: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().is_blank())
        .map(stem)
        .collect();
    assert_eq!(
        blank_ups,
        BTreeSet::from([
            "20240221114302_ensure_no_buildless_releases_exist",
            "20251220165302_remove-files"
        ])
    );
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
    }
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| !matches!(w, LoadWarning::NotAMigration { .. }))
    );
}

#[test]
fn corpus_lemmy() {
    let Some(loaded) = load_corpus("lemmy", EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, 342, Layout::Directory, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let stems = stems(&loaded);
    assert_eq!(stems[0], "00000000000000_diesel_initial_setup");
    assert_eq!(stems[1], "2019-02-26-002946_create_user");
    // SOURCE.md: here the plain name order equals diesel's order.
    assert_eq!(stems, listed(&corpus("lemmy").unwrap(), ""));
    assert!(
        loaded
            .migrations
            .migrations()
            .iter()
            .all(|m| !m.up().no_transaction() && !m.down().no_transaction())
    );
    assert!(
        loaded
            .migrations
            .migrations()
            .iter()
            .any(|m| m.version().as_str().len() == "2026-06-02-122008-0000".len())
    );
}

fn check_single_file_corpus(name: &str, count: usize) {
    let Some(loaded) = load_corpus(name, EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, count, Layout::SingleFile, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(stems(&loaded), listed(&corpus(name).unwrap(), ".sql"));
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
        assert!(!m.up().is_blank(), "{m}");
        assert!(!m.down().is_blank(), "{m}");
        assert_eq!(m.irreversible(), None, "{m}");
        assert_eq!(m.up_path(), m.down_path());
        assert!(!m.up().sql().contains("migrate:down"), "{m}");
    }
}

#[test]
fn corpus_ncps_dbmate_mysql() {
    check_single_file_corpus("ncps-dbmate-mysql", 8);
}

#[test]
fn corpus_ncps_dbmate_postgres() {
    check_single_file_corpus("ncps-dbmate-postgres", 8);
    if let Some(loaded) = load_corpus("ncps-dbmate-postgres", EmptyDown::Error) {
        assert_eq!(stems(&loaded)[0], "20260101000000_init_schema");
    }
}

#[test]
fn corpus_ncps_dbmate_sqlite() {
    check_single_file_corpus("ncps-dbmate-sqlite", 14);
}

fn check_oxidrive(name: &str) {
    let Some(loaded) = load_corpus(name, EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, 8, Layout::Flat, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(stems(&loaded), listed(&corpus(name).unwrap(), ".up.sql"));
    assert_eq!(stems(&loaded)[0], "20250102160800_create_accounts");
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
        assert_eq!(m.irreversible(), None, "{m}");
    }
}

#[test]
fn corpus_oxidrive_postgres() {
    check_oxidrive("oxidrive-postgres");
}

#[test]
fn corpus_oxidrive_sqlite() {
    check_oxidrive("oxidrive-sqlite");
}

/// With the default `empty-down = "error"`, a corpus with `empty` blank downs
/// gives exactly that many `EmptyDown` errors, each naming its down file, and
/// nothing else.
fn refuses_only_empty_downs(name: &str, empty: usize) {
    let Some(dir) = corpus(name) else {
        return;
    };
    let errors = load_shown_as(&dir, name, &LoadOptions::default())
        .expect_err("empty downs are refused by default")
        .0;
    assert_eq!(errors.len(), empty, "{}", LoadErrors(errors.clone()));
    assert!(
        errors.iter().all(|e| matches!(e, LoadError::EmptyDown { path }
            if path.starts_with(name) && (path.ends_with("/down.sql") || path.ends_with(".down.sql")))),
        "{errors:#?}"
    );
}

/// vaultwarden: SOURCE.md says many downs are empty, so the folder is read
/// with `empty-down = "irreversible"`; with the default each of them is an
/// `EmptyDown` error and nothing else is.
fn check_vaultwarden(name: &str, count: usize, empty: usize) -> Option<Loaded> {
    let dir = corpus(name)?;
    refuses_only_empty_downs(name, empty);

    let loaded = load_corpus(name, EmptyDown::Irreversible)?;
    check_corpus(&loaded, count, Layout::Directory, VersionOrder::Timestamp);
    assert_eq!(stems(&loaded), listed(&dir, ""));
    assert_eq!(loaded.warnings.len(), empty);
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| matches!(w, LoadWarning::EmptyDownIrreversible { .. }))
    );
    let irreversible = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.irreversible().is_some())
        .count();
    assert_eq!(irreversible, empty);
    assert_eq!(blank_downs(&loaded).len(), empty);
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
    }
    // Impossible clock times are still versions.
    assert!(
        stems(&loaded)
            .iter()
            .any(|s| s.starts_with("2024-01-12-210182_"))
    );
    Some(loaded)
}

#[test]
fn corpus_vaultwarden_mysql() {
    if let Some(loaded) = check_vaultwarden("vaultwarden-mysql", 55, 31) {
        assert!(
            stems(&loaded)
                .iter()
                .any(|s| s.starts_with("2019-05-26-216651_"))
        );
    }
}

#[test]
fn corpus_vaultwarden_postgresql() {
    check_vaultwarden("vaultwarden-postgresql", 46, 26);
}

#[test]
fn corpus_vaultwarden_sqlite() {
    let Some(loaded) = check_vaultwarden("vaultwarden-sqlite", 56, 32) else {
        return;
    };
    let blank_ups: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().is_blank())
        .map(stem)
        .collect();
    assert_eq!(
        blank_ups,
        BTreeSet::from([
            "2024-01-12-210182_change_attachment_size",
            "2024-02-14-140000_change_time_stamp_data_type"
        ])
    );
    let cascade = loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.name() == "sso_userscascade")
        .expect("sso_userscascade loaded");
    assert_eq!(cascade.version().as_str(), "2024-03-13_170000");
    assert_eq!(cascade.version().digits(), "20240313170000");
    let stems = stems(&loaded);
    let at = stems
        .iter()
        .position(|s| *s == "2024-03-13_170000_sso_userscascade")
        .unwrap();
    assert_eq!(stems[at - 1], "2024-03-06-170000_add_sso_users");
    assert_eq!(stems[at + 1], "2024-06-05-131359_add_2fa_duo_store");
}
