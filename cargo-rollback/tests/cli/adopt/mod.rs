//! `cargo rollback adopt` against the real tools: sqlx-cli, diesel_cli,
//! dbmate and refinery_cli migrate a folder on each database, then the
//! real binary adopts it and works on it as on a database it migrated
//! itself (`status`, `--last 3 --yes`, `up`, `verify`). golang-migrate's
//! CLI cannot be installed here: its table is written as its drivers
//! write it. Each refusal leaves the database as it was.
//!
//! The tools come from `ROLLBACK_TEST_TOOLS` (a folder holding their
//! binaries; `bench/peers.sh` installs them). When it is unset the tests
//! say so and pass; in CI (`CI` set) they fail.

mod corpus;
mod refusals;
mod tools;

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};
use tools::{Layout, Peer, migrate_with, write_steps};

/// Everything a database holds that adoption could change: the user
/// schema, cargo-rollback's tables and the other tool's rows.
pub(crate) fn everything(project: &Project, peer: Peer) -> Vec<String> {
    let mut lines = project.fingerprint();
    lines.extend(peer.rows(project));
    lines
}

/// The switch every test makes: the tool migrated the folder; `adopt`
/// records it, and cargo-rollback works on it from then on.
fn switch(project: &Project, peer: Peer, count: usize) {
    let before = everything(project, peer);
    let peer_before = peer.rows(project);
    let dry = project.run(&["adopt", "--dry-run"]);
    dry.success();
    assert!(
        dry.stdout
            .contains(&format!("Found {}'s tracking table", peer.name())),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("would record"), "{}", dry.stdout);
    assert_eq!(
        everything(project, peer),
        before,
        "a dry run changed the database"
    );

    let adopted = project.run(&["adopt", "--format", "json"]);
    adopted.success();
    let report = adopted.json();
    assert_eq!(report["tool"], peer.name());
    assert_eq!(report["adopted"].as_array().unwrap().len(), count);
    assert_eq!(report["drift"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["schema_checked"], true);
    assert_eq!(
        peer.rows(project),
        peer_before,
        "adoption wrote the other tool's table"
    );
    let log = project.log_lines();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].starts_with("adopt "), "{log:?}");
    assert_eq!(project.in_state("applied").len(), count);

    let again = project.run(&["adopt"]);
    again.success();
    assert!(
        again.stdout.contains("Nothing to adopt"),
        "{}",
        again.stdout
    );
    assert_eq!(project.log_lines().len(), 1);

    // A rollback plans, backs up and reverts adopted migrations from the
    // folder's downs, and a restore puts the data back.
    project.execute("INSERT INTO customers (id, email) VALUES (1, 'a@example.com')");
    project.execute("INSERT INTO orders (id, customer_id, status) VALUES (7, 1, 2)");
    let plan = project.run(&["plan", "--last", "3"]);
    plan.success();
    assert!(
        plan.stdout.contains("create_orders") || plan.stdout.contains("create orders"),
        "{}",
        plan.stdout
    );
    project.rollback(&["--last", "3"]).success();
    assert_eq!(project.in_state("pending").len(), 3);
    let backups = project.run(&["backups", "--format", "json"]);
    backups.success();
    assert_eq!(backups.json()[0]["rows"], 1, "{}", backups.stdout);
    let after_revert = project.run(&["adopt"]);
    after_revert.success();
    assert!(
        after_revert.stdout.contains("reverted it since"),
        "{}",
        after_revert.stdout
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied").len(), count);
    project.run(&["restore"]).success();
    assert_eq!(
        project.query("SELECT CONCAT(id, ' ', status) FROM orders"),
        ["7 2"]
    );
    project.run(&["verify"]).success();
}

#[apply(each_database)]
fn adopts_what_sqlx_applied(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    switch(&project, peer, 4);
}

#[apply(each_database)]
fn adopts_what_diesel_applied(db: Db) {
    let Some((project, peer)) = Peer::Diesel.project(db) else {
        return;
    };
    write_steps(&project, Layout::Directory, db);
    migrate_with(&project, peer);
    switch(&project, peer, 4);
}

#[apply(each_database)]
fn adopts_what_dbmate_applied(db: Db) {
    let Some((project, peer)) = Peer::Dbmate.project(db) else {
        return;
    };
    write_steps(&project, Layout::Single, db);
    migrate_with(&project, peer);
    switch(&project, peer, 4);
}

#[apply(each_database)]
fn adopts_what_refinery_applied(db: Db) {
    let Some((project, peer)) = Peer::Refinery.project(db) else {
        return;
    };
    write_steps(&project, Layout::Refinery, db);
    migrate_with(&project, peer);
    switch(&project, peer, 4);
}

#[apply(each_database)]
fn adopts_what_golang_migrate_applied(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    tools::golang_migrate(&project, 4, false);
    switch(&project, Peer::GolangMigrate, 4);
}

#[apply(each_database)]
fn a_migration_added_after_the_switch_is_applied_by_up(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    project.run(&["adopt", "--from", "sqlx"]).success();
    project.migration(
        "20260112093500_create_notes",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY);",
        "DROP TABLE notes;",
    );
    project.run(&["up"]).success();
    assert!(project.has_table("notes"));
    // sqlx's table still says what sqlx applied, and no more.
    assert_eq!(peer.rows(&project).len(), 4);
    assert_eq!(project.in_state("applied").len(), 5);
}
