//! Bad input: one clear `error:` line naming the file or value, exit code 2,
//! and the database byte-for-byte as it was.

use crate::support::Project;

/// A project with two applied migrations, ready to be fed bad input.
fn applied_project() -> Project {
    let project = Project::new();
    project.tables(&["users", "posts"]);
    project.run(&["up"]).success();
    project
}

/// Runs `args` and checks exit 2, one error line with `parts`, and an untouched database.
#[track_caller]
fn rejects(project: &Project, args: &[&str], parts: &[&str]) {
    let before = project.db_bytes();
    let run = project.run(args);
    run.code(2).one_line_error(parts);
    assert!(before == project.db_bytes(), "the database file changed");
}

#[test]
fn malformed_file_name() {
    let project = applied_project();
    project.write(
        "migrations/create_comments.up.sql",
        "CREATE TABLE comments (id INTEGER);",
    );
    project.write(
        "migrations/create_comments.down.sql",
        "DROP TABLE comments;",
    );
    for args in [&["up"][..], &["--all"], &["status"], &["check"]] {
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
    let before = project.db_bytes();
    project.run(&["up"]).code(2);
    assert!(before == project.db_bytes());
}

#[test]
fn script_that_is_not_utf8() {
    let project = applied_project();
    project.write(
        "migrations/3_latin1.up.sql",
        b"INSERT INTO users VALUES (1); -- caf\xe9\n".as_slice(),
    );
    project.write("migrations/3_latin1.down.sql", "DELETE FROM users;");
    rejects(&project, &["up"], &["3_latin1.up.sql", "not valid UTF-8"]);
    rejects(
        &project,
        &["--all"],
        &["3_latin1.up.sql", "not valid UTF-8"],
    );
}

#[test]
fn missing_down_file() {
    let project = applied_project();
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

#[test]
fn empty_down_file() {
    let project = applied_project();
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

#[test]
fn missing_folder() {
    let project = applied_project();
    let before = project.db_bytes();
    let mut command = project.bare_command(&["up", "--source", "no/such/folder", "--database-url"]);
    command.arg(project.url());
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: migrations folder no/such/folder does not exist"
    );
    assert!(before == project.db_bytes());
}

#[test]
fn malformed_urls() {
    let project = applied_project();
    for (url, part) in [
        ("app.db", "no scheme"),
        ("oracle://scott:tiger@db/orcl", "unknown scheme `oracle`"),
        ("sqlite:", "no file name"),
        ("postgres:db", "expected scheme://host/database"),
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
    let project = applied_project();
    let run = project.run_bare(&[
        "status",
        "--source",
        "migrations",
        "--database-url",
        "postgres://admin:hunter2@127.0.0.1:1/app",
    ]);
    run.code(2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        !run.stderr.contains("hunter2"),
        "password shown: {}",
        run.stderr
    );
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
        &["--all"],
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

#[test]
fn unknown_versions() {
    let project = applied_project();
    rejects(&project, &["--to", "999"], &["unknown version 999"]);
    rejects(&project, &["999"], &["unknown version 999"]);
    rejects(&project, &["up", "--to", "999"], &["unknown version 999"]);
    rejects(&project, &["repair", "999"], &["unknown version 999"]);
}

#[test]
fn text_that_is_not_a_version() {
    let project = applied_project();
    rejects(&project, &["--to", "latest"], &["invalid version `latest`"]);
    rejects(&project, &["up", "--to", "v2"], &["invalid version `v2`"]);
}

#[test]
fn reverting_more_than_is_applied() {
    let project = applied_project();
    rejects(&project, &["--last", "3"], &["only 2 applied"]);
}

#[test]
fn bad_flags_are_usage_errors() {
    let project = applied_project();
    let before = project.db_bytes();
    for args in [
        &["--last", "0"][..],
        &["--last", "2", "--all"],
        &["--frobnicate"],
        &["--lock-timeout", "soon"],
    ] {
        let run = project.run(args);
        run.code(2);
        assert!(run.stderr.starts_with("error:"), "{}", run.stderr);
    }
    assert!(before == project.db_bytes());
}

#[test]
fn a_file_that_is_not_a_database() {
    let project = applied_project();
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
    let project = applied_project();
    project
        .run_bare(&["up", "--source", "migrations"])
        .code(2)
        .one_line_error(&["no database URL", "DATABASE_URL"]);
}
