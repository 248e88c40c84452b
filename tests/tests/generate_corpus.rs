//! `generate` on the real migration folders of ../shared/corpus: a down is
//! generated for every up, from the schema the earlier migrations produce,
//! and put through verify's round trip; next to it, verify's verdict on the
//! projects' own hand-written downs. Both counts are pinned here and
//! recorded in docs/generate.md: a change is a regression or an improvement,
//! to be written down there. Where the corpus is absent the tests say so
//! and pass.

use std::path::PathBuf;
use std::time::Instant;

use rollback_runtime::generate::{GenerateOptions, GeneratedDown, generate_downs};
use rollback_runtime::migration::{EmptyDown, LoadOptions, MigrationSet};
use rollback_runtime::verify::{VerifyOptions, VerifyResult, verify_with};
use rollback_tests::{Db, ScratchDatabase};

/// A corpus folder and how its project runs it (docs/corpus.md).
struct Corpus {
    name: &'static str,
    db: Db,
    init_sql: Option<&'static str>,
    /// What the two runs find, in the order of [`Counts`].
    expected: Counts,
}

/// What generate and verify find in one corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    /// Migrations in the folder.
    migrations: usize,
    /// Generated downs that restore the schema exactly.
    generated_pass: usize,
    /// Of those, the ones with no `cannot invert` line.
    generated_complete: usize,
    /// Generated downs the round trip rejects.
    generated_fail: usize,
    /// Ups that fail in the scratch database (the run stops there) and the
    /// migrations after them, not generated.
    not_generated: usize,
    /// The projects' own downs that restore the schema exactly.
    own_pass: usize,
    /// The projects' own downs: how many there are (the rest are empty).
    own_downs: usize,
}

fn folder(name: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !root.is_dir() {
        eprintln!(
            "corpus generate tests skipped: {} is absent",
            root.display()
        );
        return None;
    }
    Some(root.join(name))
}

fn load(folder: &std::path::Path) -> MigrationSet {
    let options = LoadOptions {
        empty_down: EmptyDown::Irreversible,
        allow_missing_down: true,
    };
    rollback_runtime::migration::load(folder, &options)
        .expect("the corpus folder loads")
        .migrations
}

async fn check(corpus: &Corpus) {
    let Some(folder) = folder(corpus.name) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = ScratchDatabase::create(corpus.db, dir.path()) else {
        return;
    };
    let url = database.url();
    let set = load(&folder);
    let versions: Vec<_> = set
        .migrations()
        .iter()
        .map(|migration| migration.version().clone())
        .collect();

    let started = Instant::now();
    let options = GenerateOptions::new().init_sql(corpus.init_sql.map(str::to_owned));
    let generated = generate_downs(&set, &versions, &url, &options, &mut |_| {})
        .await
        .expect("generate runs");
    let generate_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let own = verify_with(
        &set,
        &url,
        &VerifyOptions::new().init_sql(corpus.init_sql.map(str::to_owned)),
        &mut |_| {},
    )
    .await
    .expect("verify runs");
    let verify_seconds = started.elapsed().as_secs_f64();

    let passed = |down: &&GeneratedDown| down.verified();
    let counts = Counts {
        migrations: set.migrations().len(),
        generated_pass: generated.iter().filter(passed).count(),
        generated_complete: generated
            .iter()
            .filter(passed)
            .filter(|down| down.complete())
            .count(),
        generated_fail: generated
            .iter()
            .filter(|down| down.verification.result == VerifyResult::Fail)
            .count(),
        not_generated: set.migrations().len()
            - generated
                .iter()
                .filter(|down| down.verification.result != VerifyResult::Error)
                .count(),
        own_pass: own.count(VerifyResult::Pass),
        own_downs: set.migrations().len() - own.count(VerifyResult::Irreversible),
    };
    eprintln!(
        "| {} | {:?} | {} | {} ({} complete) | {} | {} | {} of {} | {generate_seconds:.1} | {verify_seconds:.1} |",
        corpus.name,
        corpus.db,
        counts.migrations,
        counts.generated_pass,
        counts.generated_complete,
        counts.generated_fail,
        counts.not_generated,
        counts.own_pass,
        counts.own_downs,
    );
    for down in generated.iter().filter(|down| !down.verified()) {
        eprintln!(
            "  {} {} {:?}: {}",
            down.version,
            down.name,
            down.verification.result,
            down.verification
                .diff
                .iter()
                .chain(&down.verification.error)
                .next()
                .map_or("", String::as_str)
        );
    }
    assert_eq!(counts, corpus.expected, "{}", corpus.name);
}

macro_rules! corpus_test {
    ($test:ident, $name:literal, $db:expr, $init_sql:expr, $expected:expr) => {
        #[tokio::test]
        async fn $test() {
            check(&Corpus {
                name: $name,
                db: $db,
                init_sql: $init_sql,
                expected: $expected,
            })
            .await;
        }
    };
}

const fn counts(values: [usize; 7]) -> Counts {
    let [
        migrations,
        generated_pass,
        generated_complete,
        generated_fail,
        not_generated,
        own_pass,
        own_downs,
    ] = values;
    Counts {
        migrations,
        generated_pass,
        generated_complete,
        generated_fail,
        not_generated,
        own_pass,
        own_downs,
    }
}

corpus_test!(
    oxidrive_sqlite,
    "oxidrive-sqlite",
    Db::Sqlite,
    None,
    counts([8, 8, 8, 0, 0, 8, 8])
);
corpus_test!(
    ncps_dbmate_sqlite,
    "ncps-dbmate-sqlite",
    Db::Sqlite,
    None,
    counts([14, 14, 14, 0, 0, 14, 14])
);
corpus_test!(
    vaultwarden_sqlite,
    "vaultwarden-sqlite",
    Db::Sqlite,
    Some("PRAGMA foreign_keys = OFF"),
    counts([56, 56, 55, 0, 0, 23, 24])
);
corpus_test!(
    oxidrive_postgres,
    "oxidrive-postgres",
    Db::Postgres,
    None,
    counts([8, 8, 8, 0, 0, 8, 8])
);
corpus_test!(
    ncps_dbmate_postgres,
    "ncps-dbmate-postgres",
    Db::Postgres,
    None,
    counts([8, 8, 8, 0, 0, 8, 8])
);
corpus_test!(
    vaultwarden_postgresql,
    "vaultwarden-postgresql",
    Db::Postgres,
    None,
    counts([46, 46, 46, 0, 0, 17, 20])
);
corpus_test!(
    docs_rs,
    "docs-rs",
    Db::Postgres,
    None,
    counts([33, 31, 28, 2, 0, 25, 31])
);
corpus_test!(
    crates_io,
    "crates-io",
    Db::Postgres,
    None,
    counts([285, 284, 271, 1, 0, 255, 276])
);
corpus_test!(
    lemmy,
    "lemmy",
    Db::Postgres,
    None,
    counts([342, 238, 199, 9, 95, 239, 342])
);
corpus_test!(
    ncps_dbmate_mysql,
    "ncps-dbmate-mysql",
    Db::MySql,
    None,
    counts([8, 8, 8, 0, 0, 8, 8])
);
corpus_test!(
    vaultwarden_mysql,
    "vaultwarden-mysql",
    Db::MySql,
    Some("SET FOREIGN_KEY_CHECKS = 0"),
    counts([55, 54, 53, 1, 0, 22, 24])
);
