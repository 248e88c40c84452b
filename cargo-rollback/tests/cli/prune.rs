//! `backups prune` and `backup-retention`: old backups deleted by age or by
//! count, asked for first, logged; the retention applied after a rollback;
//! bad durations refused before anything is deleted.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// Three migrations, each creating a table with rows; all applied and then
/// rolled back, so that there are three backups: 1 of `c`, 2 of `b`, 3 of `a`.
fn three_backups(db: Db) -> Option<Project> {
    let project = Project::on(db)?;
    three_tables(&project);
    project.run(&["up"]).success();
    fill(&project);
    project.rollback(&["--all"]).success();
    assert_eq!(backup_ids(&project), ["1", "2", "3"]);
    Some(project)
}

fn three_tables(project: &Project) {
    for (index, table) in ["a", "b", "c"].iter().enumerate() {
        project.migration(
            &format!("{}_{table}", index + 1),
            &format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY, v VARCHAR(20));"),
            &format!("DROP TABLE {table};"),
        );
    }
}

fn fill(project: &Project) {
    project.execute(
        "INSERT INTO a VALUES (1, 'one'); INSERT INTO b VALUES (2, 'two'); INSERT INTO c VALUES (3, 'three');",
    );
}

fn backup_ids(project: &Project) -> Vec<String> {
    project.query("SELECT id FROM _rollback_backups ORDER BY id")
}

/// The copy tables the catalog names, as `schema.table` or `table`.
fn copies(project: &Project) -> Vec<String> {
    project.query("SELECT backup_table FROM _rollback_backup_items ORDER BY backup_id")
}

/// Sets backup `id`'s time back to 2020, as if it had been taken then.
fn age(project: &Project, id: i64) {
    let then = match project.db_kind() {
        Db::Sqlite => "'2020-01-01T00:00:00+00:00'",
        Db::Postgres => "TIMESTAMPTZ '2020-01-01 00:00:00+00'",
        Db::MySql => "'2020-01-01 00:00:00'",
    };
    project.execute(&format!(
        "UPDATE _rollback_backups SET created_at = {then} WHERE id = {id}"
    ));
}

#[apply(each_database)]
fn prune_by_age_and_by_count_asks_first_and_logs(#[case] db: Db) {
    let Some(project) = three_backups(db) else {
        return;
    };
    age(&project, 1);
    let copy_of_c = copies(&project)[0].clone();

    // `backups` shows each backup's age and size.
    let listed = project.run(&["backups"]);
    listed.success();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", listed.stdout);
    assert!(lines[0].ends_with("years ago"), "{}", lines[0]);
    assert!(lines[2].ends_with("just now"), "{}", lines[2]);
    for line in &lines {
        assert!(
            line.contains(" B ") || line.contains("iB "),
            "no size: {line}"
        );
    }

    // Without a terminal or --yes: refused, nothing deleted.
    project
        .run(&["backups", "prune", "--older-than", "30d"])
        .code(3)
        .one_line_error(&["refusing to delete 1 backup", "--yes"]);
    assert_eq!(backup_ids(&project), ["1", "2", "3"]);

    // At the terminal: the backups are shown, and typing PRUNE deletes them.
    let run = project.run_at_terminal(&["backups", "prune", "--older-than", "30d"], "PRUNE\n");
    run.success();
    let shown = run.stdout.find("3 c").expect(&run.stdout);
    let question = run.stdout.find("Type PRUNE").expect(&run.stdout);
    assert!(shown < question, "{}", run.stdout);
    assert!(run.stdout.contains("Pruned 1 backup."), "{}", run.stdout);
    assert_eq!(backup_ids(&project), ["2", "3"]);
    assert!(!copies(&project).contains(&copy_of_c));
    let copy_gone = match db {
        Db::Postgres => project.query(&format!(
            "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = '{copy_of_c}'"
        )),
        _ => vec![u8::from(project.has_table(&copy_of_c)).to_string()],
    };
    assert_eq!(copy_gone, ["0"], "the copy {copy_of_c} is still there");

    // By count: the newest is kept, whatever its age.
    let run = project.run(&["backups", "prune", "--keep", "1", "--yes"]);
    run.success();
    assert!(
        run.stdout.contains("Pruned backup 2 of 2 b"),
        "{}",
        run.stdout
    );
    assert_eq!(backup_ids(&project), ["3"]);

    // Nothing left to prune by age: nothing asked, nothing deleted.
    let run = project.run(&["backups", "prune", "--older-than", "1d"]);
    run.success();
    assert!(
        run.stdout.contains("No backups to prune."),
        "{}",
        run.stdout
    );
    assert_eq!(backup_ids(&project), ["3"]);

    let log = project.log_lines();
    assert_eq!(
        log.iter()
            .filter(|line| line.starts_with("prune "))
            .collect::<Vec<_>>(),
        ["prune 3 success", "prune 2 success"]
    );
    // The backup that is left is whole: it restores.
    project.run(&["up"]).success();
    project.run(&["restore", "3"]).success();
    assert_eq!(project.query("SELECT v FROM a"), ["one"]);
}

#[apply(each_database)]
fn bad_prune_input_is_refused_on_one_line_and_deletes_nothing(#[case] db: Db) {
    let Some(project) = three_backups(db) else {
        return;
    };
    for (args, parts) in [
        (
            &["backups", "prune", "--older-than", "10 days", "--yes"][..],
            &["--older-than", "`10 days`", "30d"][..],
        ),
        (
            &["backups", "prune", "--older-than", "30", "--yes"],
            &["`30`"],
        ),
        (
            &["backups", "prune", "--yes"],
            &["--older-than DURATION", "--keep N"],
        ),
    ] {
        project.run(args).code(2).one_line_error(parts);
    }
    assert_eq!(backup_ids(&project), ["1", "2", "3"]);
    assert!(
        project
            .log_lines()
            .iter()
            .all(|line| !line.starts_with("prune "))
    );
}

/// A cargo package in the project folder whose metadata sets `settings`.
fn package_with(project: &Project, settings: &str) {
    project.write(
        "Cargo.toml",
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.rollback]\n{settings}\n"
        ),
    );
    project.write("src/main.rs", "fn main() {}\n");
}

#[apply(each_database)]
fn backup_retention_prunes_after_each_rollback(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    package_with(&project, "backup-retention = \"7d\"");
    three_tables(&project);
    let url = project.url();
    let run = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--database-url", &url]);
        project.run_bare(&args)
    };
    run(&["up"]).success();
    fill(&project);

    let plan = run(&["plan", "--last", "1"]);
    plan.success();
    assert!(
        plan.stdout.contains("backups are kept 7d"),
        "{}",
        plan.stdout
    );

    run(&["--last", "1", "--yes"]).success();
    assert_eq!(backup_ids(&project), ["1"]);
    age(&project, 1);
    run(&["up"]).success();
    project.execute("INSERT INTO c VALUES (4, 'four')");
    // The next rollback takes its own backup, then deletes the old one.
    let rollback = run(&["--last", "1", "--yes"]);
    rollback.success();
    assert!(
        rollback.stdout.contains("Pruned backup 1 of 3 c"),
        "{}",
        rollback.stdout
    );
    assert_eq!(backup_ids(&project), ["2"]);
    assert!(project.log_lines().contains(&"prune 3 success".to_owned()));

    // `backups prune` without flags prunes by the retention.
    age(&project, 2);
    let prune = run(&["backups", "prune", "--yes"]);
    prune.success();
    assert!(
        prune.stdout.contains("Pruned 1 backup."),
        "{}",
        prune.stdout
    );
    assert!(backup_ids(&project).is_empty());
}

#[test]
fn a_bad_backup_retention_names_the_setting_and_the_value() {
    let project = Project::new();
    package_with(&project, "backup-retention = \"soon\"");
    project.tables(&["a"]);
    let url = project.url();
    project
        .run_bare(&["backups", "--database-url", &url])
        .code(2)
        .one_line_error(&["backup-retention", "`soon`"]);
}
