//! Each refusal of adoption: exit 3, one line per problem naming the
//! migration or object, and the database exactly as it was.

use rstest_reuse::apply;

use super::everything;
use super::tools::{Layout, Peer, golang_migrate, migrate_with, write_steps};
use crate::each_database;
use crate::support::{Db, Project};

/// Runs `adopt` with `args`, expects the refusal with every one of
/// `parts` on some error line, and the database unchanged.
fn refused(project: &Project, peer: Peer, args: &[&str], parts: &[&str]) -> String {
    let before = everything(project, peer);
    let mut all = vec!["adopt"];
    all.extend(args);
    let run = project.run(&all);
    run.code(3);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot adopt the migrations {} applied; nothing was recorded:",
            peer.name()
        )),
        "{}",
        run.stderr
    );
    for part in parts {
        assert!(
            run.stderr
                .lines()
                .any(|line| line.starts_with("error: ") && line.contains(part)),
            "no error line has `{part}`:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        everything(project, peer),
        before,
        "a refused adoption changed the database"
    );
    assert!(!project.has_table("_rollback_migrations"));
    run.stderr
}

/// sqlx's MySQL migrator records `success = FALSE` before a script and
/// leaves it when the script fails.
#[apply(each_database)]
fn a_failed_migration_is_refused(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    project.execute("UPDATE _sqlx_migrations SET success = FALSE WHERE version = 3");
    refused(
        &project,
        peer,
        &[],
        &["0003 index_orders: sqlx recorded it as failed"],
    );
}

#[apply(each_database)]
fn a_dirty_golang_migrate_version_is_refused(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    golang_migrate(&project, 3, true);
    refused(
        &project,
        Peer::GolangMigrate,
        &["--from", "golang-migrate"],
        &["golang-migrate marks version 3 dirty"],
    );
}

#[apply(each_database)]
fn versions_the_folder_lacks_are_refused(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    for script in ["up", "down"] {
        std::fs::remove_file(
            project
                .migrations()
                .join(format!("0004_order_counts.{script}.sql")),
        )
        .unwrap();
    }
    refused(
        &project,
        peer,
        &[],
        &["4 order counts: sqlx applied it, but the folder has no migration with that version"],
    );
}

#[apply(each_database)]
fn an_up_changed_since_sqlx_applied_it_is_refused_but_not_its_line_endings(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    let up = project.migrations().join("0002_create_orders.up.sql");
    let text = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, text.replace('\n', "\r\n")).unwrap();
    project.run(&["adopt", "--dry-run"]).success();
    std::fs::write(&up, format!("{text}-- reviewed\n")).unwrap();
    refused(
        &project,
        peer,
        &[],
        &[
            "0002 create_orders: ",
            "0002_create_orders.up.sql is not the up sqlx applied",
        ],
    );
}

#[test]
fn an_up_changed_since_refinery_applied_it_is_refused() {
    let Some((project, peer)) = Peer::Refinery.project(Db::Sqlite) else {
        return;
    };
    write_steps(&project, Layout::Refinery, Db::Sqlite);
    migrate_with(&project, peer);
    project.write(
        "migrations/2_create_orders.up.sql",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n",
    );
    refused(
        &project,
        peer,
        &[],
        &["2 create_orders: ", "not the up refinery applied"],
    );
}

#[apply(each_database)]
fn a_schema_that_differs_from_the_replay_is_refused_until_accepted(db: Db) {
    let Some((project, peer)) = Peer::Sqlx.project(db) else {
        return;
    };
    write_steps(&project, Layout::Flat, db);
    migrate_with(&project, peer);
    project.execute("CREATE TABLE hand_made (id INTEGER PRIMARY KEY)");
    let drop_index = match db {
        Db::MySql => "DROP INDEX orders_status ON orders",
        _ => "DROP INDEX orders_status",
    };
    project.execute(drop_index);
    refused(
        &project,
        peer,
        &[],
        &[
            "the schema differs from the folder's migrations: table hand_made: unexpected",
            "orders_status",
        ],
    );
    let dry = project.run(&["adopt", "--dry-run"]);
    dry.code(3);
    assert!(
        dry.stdout.contains("table hand_made: unexpected"),
        "{}",
        dry.stdout
    );

    let accepted = project.run(&["adopt", "--accept-drift"]);
    accepted.success();
    assert!(
        accepted.stdout.contains("Recorded anyway"),
        "{}",
        accepted.stdout
    );
    let log = project.query("SELECT name FROM _rollback_log WHERE operation = 'adopt'");
    assert_eq!(log.len(), 1);
    assert!(log[0].contains("schema drift accepted: "), "{log:?}");
    assert!(log[0].contains("table hand_made: unexpected"), "{log:?}");
    assert_eq!(project.in_state("applied").len(), 4);
}

#[test]
fn the_tool_is_named_when_the_database_has_none_or_several_tables() {
    let project = Project::new();
    project.tables(&["users"]);
    project.run(&["up"]).success();
    project.run(&["adopt"]).code(2).one_line_error(&[
        "found no other tool's tracking table",
        "_sqlx_migrations",
        "(choose with --from)",
    ]);
    project.execute(
        "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
         CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY NOT NULL);",
    );
    project.run(&["adopt"]).code(2).one_line_error(&[
        "several tools: diesel (__diesel_schema_migrations), dbmate (schema_migrations)",
    ]);
    project
        .run(&["adopt", "--from", "refinery"])
        .code(2)
        .one_line_error(&["the database has no refinery_schema_history table"]);
    // Named, an empty table of a tool adopts nothing.
    let nothing = project.run(&["adopt", "--from", "dbmate"]);
    nothing.success();
    assert!(
        nothing.stdout.contains("Nothing to adopt"),
        "{}",
        nothing.stdout
    );
}
