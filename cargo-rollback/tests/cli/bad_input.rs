//! Bad input: one clear `error:` line naming the file or value, exit code 2,
//! and the database exactly as it was.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// A project with two applied migrations, ready to be fed bad input.
fn applied_project(db: Db) -> Option<Project> {
    let project = Project::on(db)?;
    project.tables(&["users", "posts"]);
    project.run(&["up"]).success();
    Some(project)
}

/// Runs `args` and checks exit 2, one error line with `parts`, and an untouched database.
#[track_caller]
fn rejects(project: &Project, args: &[&str], parts: &[&str]) {
    let before = project.fingerprint();
    let run = project.run(args);
    run.code(2).one_line_error(parts);
    assert_eq!(project.fingerprint(), before, "the database changed");
}

#[apply(each_database)]
fn malformed_file_name(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    project.write(
        "migrations/create_comments.up.sql",
        "CREATE TABLE comments (id INTEGER);",
    );
    project.write(
        "migrations/create_comments.down.sql",
        "DROP TABLE comments;",
    );
    let before = project.fingerprint();
    for args in [&["up"][..], &["--all", "--yes"], &["status"], &["check"]] {
        let run = project.run(args);
        run.code(2);
        assert!(
            run.stderr
                .contains("create_comments.up.sql: name does not start with a version"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.lines().all(|line| line.starts_with("error: ")),
            "{}",
            run.stderr
        );
    }
    assert_eq!(project.fingerprint(), before);
}

#[apply(each_database)]
fn script_that_is_not_utf8(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    project.write(
        "migrations/3_latin1.up.sql",
        b"INSERT INTO users VALUES (1); -- caf\xe9\n".as_slice(),
    );
    project.write("migrations/3_latin1.down.sql", "DELETE FROM users;");
    rejects(&project, &["up"], &["3_latin1.up.sql", "not valid UTF-8"]);
    rejects(
        &project,
        &["--all", "--yes"],
        &["3_latin1.up.sql", "not valid UTF-8"],
    );
}

#[apply(each_database)]
fn missing_down_file(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    project.write(
        "migrations/3_comments.up.sql",
        "CREATE TABLE comments (id INTEGER);",
    );
    rejects(
        &project,
        &["up"],
        &[
            "3_comments.up.sql has no down script",
            "3_comments.down.sql",
        ],
    );
}

#[apply(each_database)]
fn empty_down_file(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    project.migration(
        "3_comments",
        "CREATE TABLE comments (id INTEGER);",
        "-- TODO\n",
    );
    rejects(
        &project,
        &["up"],
        &[
            "3_comments.down.sql: down script is empty",
            "rollback:irreversible",
        ],
    );
}

#[apply(each_database)]
fn missing_folder(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    let before = project.fingerprint();
    let url = project.url();
    project
        .run_bare(&["up", "--source", "no/such/folder", "--database-url", &url])
        .code(2)
        .one_line_error(&["migrations folder no/such/folder does not exist"]);
    assert_eq!(project.fingerprint(), before);
}

#[test]
fn malformed_urls() {
    let project = Project::new();
    for (url, part) in [
        ("app.db", "no scheme"),
        ("oracle://scott:tiger@db/orcl", "unknown scheme `oracle`"),
        ("sqlite:", "no file name"),
        ("postgres:db", "expected scheme://host/database"),
        ("mysql://scott:tiger@db", "no database name"),
    ] {
        let run = project.run_bare(&["up", "--source", "migrations", "--database-url", url]);
        run.code(2).one_line_error(&["invalid database URL", part]);
        assert!(
            !run.stderr.contains("tiger"),
            "password shown: {}",
            run.stderr
        );
    }
}

#[test]
fn unreachable_database_masks_the_password() {
    let project = Project::new();
    for url in [
        "postgres://admin:hunter2@127.0.0.1:1/app",
        "mysql://admin:hunter2@127.0.0.1:1/app",
    ] {
        let run = project.run_bare(&["status", "--source", "migrations", "--database-url", url]);
        run.code(2).one_line_error(&["127.0.0.1:1"]);
        assert!(
            !run.stderr.contains("hunter2"),
            "password shown: {}",
            run.stderr
        );
    }
}

#[test]
fn sqlite_file_that_does_not_exist_is_not_created_except_by_up() {
    let project = Project::new();
    project.migration(
        "1_users",
        "CREATE TABLE users (id INTEGER);",
        "DROP TABLE users;",
    );
    rejects(
        &project,
        &["--all", "--yes"],
        &["app.db does not exist", "cargo rollback up"],
    );
    rejects(&project, &["log"], &["app.db does not exist"]);
    assert!(!project.db().exists());
    // status shows everything pending without creating the file.
    let status = project.run(&["status"]);
    status.success();
    assert!(
        status.stdout.contains("⏳ 1 users (pending)"),
        "{}",
        status.stdout
    );
    assert!(!project.db().exists());
    project.run(&["up"]).success();
    assert!(project.db().exists());
}

#[apply(each_database)]
fn unknown_versions(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    rejects(
        &project,
        &["--to", "999", "--yes"],
        &["unknown version 999"],
    );
    rejects(&project, &["999", "--yes"], &["unknown version 999"]);
    rejects(&project, &["up", "--to", "999"], &["unknown version 999"]);
    rejects(&project, &["repair", "999"], &["unknown version 999"]);
}

#[apply(each_database)]
fn text_that_is_not_a_version(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    rejects(
        &project,
        &["--to", "latest", "--yes"],
        &["invalid version `latest`"],
    );
    rejects(&project, &["up", "--to", "v2"], &["invalid version `v2`"]);
}

#[apply(each_database)]
fn reverting_more_than_is_applied(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    rejects(&project, &["--last", "3", "--yes"], &["only 2 applied"]);
}

#[apply(each_database)]
fn bad_flags_are_usage_errors(#[case] db: Db) {
    let Some(project) = applied_project(db) else {
        return;
    };
    let before = project.fingerprint();
    for args in [
        &["--last", "0", "--yes"][..],
        &["--last", "2", "--all", "--yes"],
        &["--frobnicate"],
        &["--lock-timeout", "soon"],
        &["--last", "1", "--yes", "status"],
        &["--all", "up"],
    ] {
        let run = project.run(args);
        run.code(2);
        assert!(run.stderr.starts_with("error:"), "{}", run.stderr);
    }
    assert_eq!(project.fingerprint(), before);
}

#[test]
fn a_file_that_is_not_a_database() {
    let project = Project::new();
    project.write(
        "notes.txt",
        "these are not the tables you are looking for\n".repeat(50),
    );
    let notes = project.root().join("notes.txt");
    let before = std::fs::read(&notes).unwrap();
    let url = format!("sqlite:{}", notes.display());
    let run = project.run_bare(&["status", "--source", "migrations", "--database-url", &url]);
    run.code(2)
        .one_line_error(&["cannot connect", "notes.txt", "not a database"]);
    assert_eq!(std::fs::read(&notes).unwrap(), before);
}

#[test]
fn up_to_an_unknown_version_creates_no_database() {
    let project = Project::new();
    project.migration(
        "1_users",
        "CREATE TABLE users (id INTEGER);",
        "DROP TABLE users;",
    );
    project
        .run(&["up", "--to", "7"])
        .code(2)
        .one_line_error(&["unknown version 7"]);
    assert!(!project.db().exists());
}

#[test]
fn no_database_url() {
    let project = Project::new();
    project.tables(&["users"]);
    project
        .run_bare(&["up", "--source", "migrations"])
        .code(2)
        .one_line_error(&["no database URL", "DATABASE_URL"]);
}
