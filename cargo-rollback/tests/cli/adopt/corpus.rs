//! Real folders of public projects (../shared/corpus) migrated by the tool
//! that migrated them upstream, then adopted: diesel for crates.io, Lemmy
//! and Vaultwarden, dbmate for ncps. Where the corpus is absent the tests
//! say so and pass.

use std::time::Instant;

use super::tools::{Peer, run_over};
use crate::corpus::corpus;
use crate::support::Db;

/// `peer` migrates the corpus `name` (recording `count` migrations: all,
/// or those before one this server cannot run); `adopt` records every one
/// of them (and says how long it took, for docs/adopt.md); `status` shows
/// them applied.
fn adopt_corpus(name: &str, db: Db, peer: Peer, options: &[&str], count: usize) {
    let Some(folder) = corpus(name) else {
        return;
    };
    let Some((project, peer)) = peer.project(db) else {
        return;
    };
    run_over(&project, peer, &folder);
    assert_eq!(
        peer.rows(&project).len(),
        count,
        "{name}: what {} applied",
        peer.name()
    );
    let source = folder.to_str().unwrap();
    let url = project.url();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--source", source, "--database-url", &url]);
        all.extend(options);
        project.run_bare(&all)
    };
    let before = peer.rows(&project);
    let started = Instant::now();
    let adopted = run(&["adopt", "--format", "json"]);
    let seconds = started.elapsed().as_secs_f64();
    adopted.success();
    let report = adopted.json();
    assert_eq!(report["adopted"].as_array().unwrap().len(), count, "{name}");
    assert_eq!(
        report["drift"].as_array().unwrap().len(),
        0,
        "{name}: {report}"
    );
    eprintln!(
        "adopted {name} ({count} migrations) from {} on {db:?} in {seconds:.2}s",
        peer.name()
    );
    assert_eq!(peer.rows(&project), before);
    let states = run(&["status", "--format", "json"]).states();
    let applied = states
        .iter()
        .filter(|(_, state)| state == "applied")
        .count();
    assert_eq!(applied, count, "{states:?}");
    run(&["adopt"]).success();
}

#[test]
fn crates_io_migrated_by_diesel_is_adopted() {
    let empty_downs = ["--empty-down", "irreversible"];
    adopt_corpus("crates-io", Db::Postgres, Peer::Diesel, &empty_downs, 285);
}

/// diesel stops at `2025-08-01-000016`, whose SQL needs PostgreSQL 16
/// (an unaliased subquery in FROM) where the test server is older: what it
/// applied before is adopted.
#[test]
fn lemmy_migrated_by_diesel_is_adopted() {
    let applied_before_pg16 = 247;
    adopt_corpus(
        "lemmy",
        Db::Postgres,
        Peer::Diesel,
        &[],
        applied_before_pg16,
    );
}

/// On SQLite and PostgreSQL. Not on MariaDB: its first migration creates a
/// table whose foreign key names a table created after it, which only runs
/// with `SET FOREIGN_KEY_CHECKS = 0`, set by Vaultwarden's own connection
/// and not by diesel_cli, so diesel_cli cannot migrate it.
#[test]
fn vaultwarden_migrated_by_diesel_is_adopted() {
    let empty_downs = ["--empty-down", "irreversible"];
    let sqlite = [
        &empty_downs[..],
        &["--init-sql", "PRAGMA foreign_keys = OFF"],
    ]
    .concat();
    adopt_corpus("vaultwarden-sqlite", Db::Sqlite, Peer::Diesel, &sqlite, 56);
    adopt_corpus(
        "vaultwarden-postgresql",
        Db::Postgres,
        Peer::Diesel,
        &empty_downs,
        46,
    );
}

#[test]
fn ncps_migrated_by_dbmate_is_adopted_on_each_database() {
    adopt_corpus("ncps-dbmate-sqlite", Db::Sqlite, Peer::Dbmate, &[], 14);
    adopt_corpus("ncps-dbmate-postgres", Db::Postgres, Peer::Dbmate, &[], 8);
    adopt_corpus("ncps-dbmate-mysql", Db::MySql, Peer::Dbmate, &[], 8);
}
