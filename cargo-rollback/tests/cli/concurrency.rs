//! Many processes at once: the migration lock makes each migration run once.

use std::process::Child;

use crate::support::Project;

const PROCESSES: usize = 8;

fn many_migrations(project: &Project) {
    for n in 1..=12 {
        project.migration(
            &format!("{n}_table_{n}"),
            &format!("CREATE TABLE t{n} (id INTEGER PRIMARY KEY, note TEXT);\nINSERT INTO t{n} (note) VALUES ('x');"),
            &format!("DROP TABLE t{n};"),
        );
    }
}

fn run_at_once(project: &Project, args: &[&str]) -> Vec<(i32, String)> {
    let children: Vec<Child> = (0..PROCESSES)
        .map(|_| {
            project
                .command(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn cargo-rollback")
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            (
                output.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        })
        .collect()
}

#[test]
fn eight_concurrent_ups_apply_each_migration_once() {
    let project = Project::new();
    many_migrations(&project);
    // The file exists before the race, as a deployed database would.
    project.run(&["up", "--to", "1"]).success();
    for (code, stderr) in run_at_once(&project, &["up"]) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(project.in_state("applied").len(), 12);
    assert_eq!(
        project.query(
            "SELECT count(*) FROM _rollback_log WHERE operation = 'apply' AND outcome = 'success'"
        ),
        ["12"]
    );
    assert_eq!(
        project.query("SELECT count(*) FROM (SELECT version FROM _rollback_log GROUP BY version HAVING count(*) > 1)"),
        ["0"]
    );
    for n in 1..=12 {
        assert_eq!(
            project.query(&format!("SELECT count(*) FROM t{n}")),
            ["1"],
            "t{n}"
        );
    }
}

#[test]
fn eight_concurrent_rollbacks_to_a_version_revert_each_once() {
    let project = Project::new();
    many_migrations(&project);
    project.run(&["up"]).success();
    for (code, stderr) in run_at_once(&project, &["--to", "4"]) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(project.in_state("applied"), ["1", "2", "3", "4"]);
    assert_eq!(
        project.query(
            "SELECT count(*) FROM _rollback_log WHERE operation = 'revert' AND outcome = 'success'"
        ),
        ["8"]
    );
    assert_eq!(
        project.query(
            "SELECT count(*) FROM (SELECT version FROM _rollback_log WHERE operation = 'revert' GROUP BY version HAVING count(*) > 1)"
        ),
        ["0"]
    );
}

#[test]
fn a_held_lock_times_out_with_a_clear_message() {
    let project = Project::new();
    many_migrations(&project);
    project.run(&["up", "--to", "1"]).success();
    // Another writer holds the database's write lock for the whole test.
    let url = project.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut holder = runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .unwrap();
        conn
    });
    let run = project.run(&["up", "--lock-timeout", "0.5"]);
    run.code(1).one_line_error(&[
        "timed out after 0.5s waiting for the migration lock",
        "--lock-timeout",
    ]);
    runtime.block_on(async {
        sqlx::raw_sql("ROLLBACK")
            .execute(&mut holder)
            .await
            .unwrap();
    });
    assert_eq!(project.in_state("applied"), ["1"]);
}

#[rstest_reuse::apply(crate::each_database)]
fn probe_each_database(#[case] db: crate::support::Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    println!("{:?}", project.schema());
    if db != crate::support::Db::Sqlite {
        println!("{:?}", project.fingerprint());
    }
    project.run(&["--all"]).success();
    assert!(project.schema().is_empty(), "{:?}", project.schema());
}
