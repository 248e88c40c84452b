//! `cargo rollback verify` on real migration folders (../shared/corpus):
//! its findings on crates-io and the three Vaultwarden folders must stay
//! what docs/verify.md records — the same migrations failing, the same
//! counts. A change here is either a verify regression (a finding lost or
//! a false alarm) or a real improvement, to be written into docs/verify.md.
//! Where the corpus is absent the tests say so and pass.

use std::time::Instant;

use crate::corpus::corpus;
use crate::support::{Db, Project};

/// One corpus and what verify finds in it.
struct Findings {
    name: &'static str,
    db: Db,
    options: &'static [&'static str],
    /// pass, irreversible, fail, error (nothing is skipped in these).
    counts: [usize; 4],
    /// The migrations that fail or error, oldest first, with a piece of one
    /// of their diff lines or their error.
    failing: &'static [(&'static str, &'static str, &'static str)],
}

fn check(expected: &Findings) {
    let Some(folder) = corpus(expected.name) else {
        return;
    };
    let Some(project) = Project::on(expected.db) else {
        return;
    };
    let url = project.url();
    let mut args = vec![
        "verify",
        "--format",
        "json",
        "-q",
        "--source",
        folder.to_str().unwrap(),
        "--database-url",
        &url,
    ];
    args.extend(expected.options);
    let started = Instant::now();
    let run = project.run_bare(&args);
    let seconds = started.elapsed().as_secs_f64();
    run.code(1);
    let report = run.json();
    let report = report.as_array().unwrap();
    let count = |result: &str| {
        report
            .iter()
            .filter(|entry| entry["result"] == result)
            .count()
    };
    let name = expected.name;
    assert_eq!(
        [
            count("pass"),
            count("irreversible"),
            count("fail"),
            count("error")
        ],
        expected.counts,
        "{name}: pass, irreversible, fail, error"
    );
    assert_eq!(count("skipped"), 0, "{name}");
    let failing: Vec<(String, String)> = report
        .iter()
        .filter(|entry| entry["result"] == "fail" || entry["result"] == "error")
        .map(|entry| {
            (
                entry["version"].as_str().unwrap().to_owned(),
                entry["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pinned: Vec<(String, String)> = expected
        .failing
        .iter()
        .map(|(version, result, _)| ((*version).to_owned(), (*result).to_owned()))
        .collect();
    assert_eq!(failing, pinned, "{name}: failing migrations");
    for (version, _, part) in expected.failing {
        let entry = report
            .iter()
            .find(|entry| entry["version"] == *version)
            .unwrap();
        let text: Vec<&str> = entry["diff"]
            .as_array()
            .unwrap()
            .iter()
            .chain(std::iter::once(&entry["error"]))
            .filter_map(|line| line.as_str())
            .collect();
        let text = text.join("\n");
        assert!(
            text.contains(part),
            "{name} {version}: no `{part}` in {entry:#}"
        );
    }
    eprintln!(
        "verify {name}: {} migrations in {seconds:.1}s",
        report.len()
    );
}

#[test]
fn crates_io_findings_stay_as_documented() {
    check(&Findings {
        name: "crates-io",
        db: Db::Postgres,
        options: &["--empty-down", "irreversible"],
        counts: [255, 9, 18, 3],
        failing: &[
            ("20140926130046", "fail", "column versions.downloads: "),
            (
                "20140930082104",
                "fail",
                "column version_dependencies.depends_on_id: ",
            ),
            (
                "20170308191449",
                "fail",
                "constraint crate_owners.crate_owners_unique_owner_per_crate: ",
            ),
            ("20170315133901", "fail", "column dependencies.features: "),
            (
                "20170318181441",
                "error",
                "syntax error at or near \"ALTER\" (SQLSTATE 42601)",
            ),
            (
                "20170322130523",
                "fail",
                "index index_version_downloads_date: ",
            ),
            (
                "20170502181306",
                "fail",
                "sequence schema_migrations_id_seq: ",
            ),
            ("2017-09-23-182408", "fail", "column tokens.token: "),
            (
                "2017-09-23-210614",
                "fail",
                "column readme_rendering.rendered_at: ",
            ),
            ("2017-10-16-200404", "fail", "column crates.max_version: "),
            ("2018-01-18-172821", "fail", "column versions.features: "),
            (
                "2019-03-22-170700",
                "fail",
                "constraint crate_downloads.fk_crate_downloads_crate_id: ",
            ),
            (
                "2019-09-18-233204",
                "fail",
                "function to_semver_no_prerelease(text): ",
            ),
            (
                "2020-02-14-183929",
                "fail",
                "constraint version_authors.fk_version_authors_user_id: ",
            ),
            ("2020-07-14-113112", "fail", "column api_tokens.token: "),
            (
                "2024-04-12-144536",
                "error",
                "CREATE INDEX CONCURRENTLY cannot run inside a tran",
            ),
            (
                "2024-06-14-084455",
                "fail",
                "index index_versions_crate_id_semver_no_prerelease_id: ",
            ),
            (
                "2024-10-25-112826",
                "error",
                "constraint \"versions_crate_id_num_no_build_uindex\"",
            ),
            (
                "2025-02-11-163554",
                "fail",
                "function update_num_versions_from_versions(): ",
            ),
            (
                "2025-07-16-170846",
                "fail",
                "column users.gh_access_token: ",
            ),
            (
                "2026-06-17-105325-0000",
                "fail",
                "constraint versions.versions_tar_sha256_present: ",
            ),
        ],
    });
}
#[test]
fn vaultwarden_sqlite_findings_stay_as_documented() {
    check(&Findings {
        name: "vaultwarden-sqlite",
        db: Db::Sqlite,
        options: &[
            "--empty-down",
            "irreversible",
            "--init-sql",
            "PRAGMA foreign_keys = OFF",
        ],
        counts: [23, 32, 1, 0],
        failing: &[("2020-08-02-025025", "fail", "column ciphers.favorite: ")],
    });
}
#[test]
fn vaultwarden_postgresql_findings_stay_as_documented() {
    check(&Findings {
        name: "vaultwarden-postgresql",
        db: Db::Postgres,
        options: &["--empty-down", "irreversible"],
        counts: [17, 26, 2, 1],
        failing: &[
            ("2019-09-16-150000", "fail", "column collections.org_uuid: "),
            ("2020-08-02-025025", "fail", "column ciphers.favorite: "),
            (
                "2022-07-27-110000",
                "error",
                "cannot drop table groups because other objects dep",
            ),
        ],
    });
}
#[test]
fn vaultwarden_mysql_findings_stay_as_documented() {
    check(&Findings {
        name: "vaultwarden-mysql",
        db: Db::MySql,
        options: &[
            "--empty-down",
            "irreversible",
            "--init-sql",
            "SET FOREIGN_KEY_CHECKS = 0",
        ],
        counts: [22, 31, 2, 0],
        failing: &[
            ("2019-05-26-216651", "fail", "column users.key: "),
            ("2020-08-02-025025", "fail", "column ciphers.favorite: "),
        ],
    });
}
