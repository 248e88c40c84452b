//! `kill -9` of the real binary at random moments of `up`, of a rollback
//! with backups and of `restore`, on every database: after each kill every
//! migration is applied with all its changes, pending with none, or dirty
//! at a statement that matches the catalog (the ones before it took effect,
//! the ones after it did not); every backup is restored with all its rows
//! or not at all. Each kill is then settled the way a person would (`resume`
//! for a dirty migration, from the statement after the one it reached when
//! the catalog shows that one took effect), and the run goes on from there.
//!
//! `ROLLBACK_TORTURE_KILLS` sets the kills per operation and database
//! (default 8, which keeps each database's test well under five minutes in
//! CI; the longer run in docs/decisions.md used 60).
//! `ROLLBACK_TORTURE_SEED` replays a run: every test prints the seed it used.

use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// Migrations in the folder: each makes a table, an index and a view.
const MIGRATIONS: usize = 40;

/// The statements of each up, by the object each creates; the down drops
/// them in the other order.
const OBJECTS: usize = 3;

/// Kills per operation and database in CI.
const DEFAULT_KILLS: usize = 8;

/// A tiny seeded xorshift64*: reproducible from the printed seed, and no
/// dependency for it.
struct Rng(u64);

impl Rng {
    fn from_env(test: &str) -> Rng {
        let seed = std::env::var("ROLLBACK_TORTURE_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(1, |now| now.as_nanos() as u64)
            });
        println!("{test}: ROLLBACK_TORTURE_SEED={seed}");
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A whole number of milliseconds in `low..high`.
    fn millis(&mut self, low: u64, high: u64) -> Duration {
        Duration::from_millis(low + self.next() % (high - low))
    }
}

fn kills() -> usize {
    std::env::var("ROLLBACK_TORTURE_KILLS")
        .ok()
        .and_then(|kills| kills.parse().ok())
        .unwrap_or(DEFAULT_KILLS)
}

/// Every fourth migration runs outside a transaction, so that PostgreSQL and
/// SQLite have dirty states to reach too (on MySQL every migration can).
/// A SQLite file is created empty first, so that the checks can open it
/// before the first run has.
fn write_migrations(project: &Project) {
    let db = project.db_kind();
    if db == Db::Sqlite {
        std::fs::File::create(project.db()).expect("an empty SQLite file");
    }
    for i in 1..=MIGRATIONS {
        let directive = if i % 4 == 0 {
            "-- rollback:no-transaction\n"
        } else {
            ""
        };
        let drop_index = match db {
            Db::MySql => format!("DROP INDEX ix_{i} ON t_{i};"),
            _ => format!("DROP INDEX ix_{i};"),
        };
        project.migration(
            &format!("{i}_m{i}"),
            &format!(
                "{directive}CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, v VARCHAR(20));\n\
                 CREATE INDEX ix_{i} ON t_{i} (v);\n\
                 CREATE VIEW w_{i} AS SELECT id, v FROM t_{i};\n"
            ),
            &format!("{directive}DROP VIEW w_{i};\n{drop_index}\nDROP TABLE t_{i};\n"),
        );
    }
}

/// Which of migration `i`'s objects exist, in the order its up creates them.
fn objects(schema: &[String], i: usize) -> [bool; OBJECTS] {
    let has = |line: String| schema.contains(&line);
    [
        has(format!("table t_{i}")),
        has(format!("index ix_{i}")),
        has(format!("view w_{i}")),
    ]
}

/// What the tracking tables say of migration `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recorded {
    Pending,
    Applied,
    /// Dirty at 1-based statement `k` of its `up` or `down`.
    Dirty {
        script: String,
        k: usize,
    },
}

fn recorded(project: &Project) -> Vec<Recorded> {
    let mut states = vec![Recorded::Pending; MIGRATIONS + 1];
    if !project.has_table("_rollback_migrations") {
        return states;
    }
    let progress: Vec<(String, String, usize)> = if project.has_table("_rollback_progress") {
        project
            .query(
                "SELECT CONCAT(version, ' ', script, ' ', statement_index) FROM _rollback_progress",
            )
            .iter()
            .map(|line| {
                let fields: Vec<&str> = line.split(' ').collect();
                (
                    fields[0].to_owned(),
                    fields[1].to_owned(),
                    fields[2].parse().unwrap(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    for line in project.query("SELECT CONCAT(version, ' ', dirty) FROM _rollback_migrations") {
        let (version, dirty) = line.split_once(' ').unwrap();
        let i: usize = version.parse().unwrap();
        states[i] = if matches!(dirty, "1" | "t" | "true") {
            let (_, script, k) = progress
                .iter()
                .find(|(v, _, _)| v == version)
                .unwrap_or_else(|| panic!("{version} is dirty with no progress row"))
                .clone();
            Recorded::Dirty { script, k }
        } else {
            Recorded::Applied
        };
    }
    states
}

/// Whether statement `k` of the script took effect, by the catalog; panics
/// when the catalog does not fit the record.
fn check_one(i: usize, state: &Recorded, present: [bool; OBJECTS]) -> Option<bool> {
    // Statement j of the up creates object j-1; statement j of the down
    // drops object OBJECTS-j.
    let done: Vec<bool> = match state {
        Recorded::Pending => {
            assert_eq!(present, [false; OBJECTS], "{i} is pending with changes");
            return None;
        }
        Recorded::Applied => {
            assert_eq!(
                present, [true; OBJECTS],
                "{i} is applied without all its changes"
            );
            return None;
        }
        Recorded::Dirty { script, .. } if script == "up" => present.to_vec(),
        Recorded::Dirty { .. } => present.iter().rev().map(|there| !there).collect(),
    };
    let Recorded::Dirty { script, k } = state else {
        unreachable!()
    };
    for (j, took_effect) in done.iter().enumerate() {
        let statement = j + 1;
        if statement < *k {
            assert!(
                took_effect,
                "{i} dirty at {k} of its {script}, but statement {statement} did not take effect: {present:?}"
            );
        } else if statement > *k {
            assert!(
                !took_effect,
                "{i} dirty at {k} of its {script}, but statement {statement} took effect: {present:?}"
            );
        }
    }
    Some(done[k - 1])
}

/// Checks every migration against the catalog, and settles each dirty one
/// with `resume`. Returns the states found, for the tally.
fn check_and_settle(project: &Project, tally: &mut Tally) {
    wait_for_orphans(project);
    let schema = project.schema();
    let states = recorded(project);
    for i in 1..=MIGRATIONS {
        let reached = check_one(i, &states[i], objects(&schema, i));
        let Recorded::Dirty { script, k } = &states[i] else {
            continue;
        };
        tally.dirty.push(format!("{i} at {k} of its {script}"));
        let version = i.to_string();
        let mut args = vec!["resume", version.as_str()];
        let next = (k + 1).to_string();
        if reached == Some(true) {
            args.extend(["--from", next.as_str()]);
        }
        project.run(&args).success();
    }
    let settled = recorded(project);
    assert!(
        !settled
            .iter()
            .any(|state| matches!(state, Recorded::Dirty { .. })),
        "still dirty after resume: {settled:?}"
    );
}

/// Waits until the killed binary's connection is gone: the server finishes
/// a statement whose client died before it notices, and only then is the
/// catalog what the run left. (The next run waits too: that connection
/// holds the migration lock until then.)
fn wait_for_orphans(project: &Project) {
    let sql = match project.db_kind() {
        Db::Sqlite => return,
        Db::Postgres => {
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        }
        Db::MySql => {
            "SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()"
        }
    };
    for _ in 0..600 {
        if project.query(sql) == ["0"] {
            return;
        }
        sleep(Duration::from_millis(50));
    }
    panic!("the killed run's connection is still there after 30 s");
}

/// Starts the binary with `args` and kills it (SIGKILL) after `after`.
/// Returns whether it was still running then.
fn kill_after(project: &Project, args: &[&str], after: Duration) -> bool {
    let mut child: Child = project
        .command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start cargo-rollback");
    sleep(after);
    let running = child.try_wait().expect("poll the run").is_none();
    child.kill().expect("kill the run");
    child.wait().expect("reap the run");
    running
}

#[derive(Default)]
struct Tally {
    kills: usize,
    finished_first: usize,
    dirty: Vec<String>,
}

impl Tally {
    fn report(&self, what: &str, project: &Project) {
        println!(
            "{:?} {what}: {} kills ({} after the run had ended), dirty and resumed: [{}]",
            project.db_kind(),
            self.kills,
            self.finished_first,
            self.dirty.join(", ")
        );
    }
}

fn applied_count(project: &Project) -> usize {
    recorded(project)
        .iter()
        .filter(|state| **state == Recorded::Applied)
        .count()
}

/// Two rows in every table, so that a rollback has data to back up.
fn fill(project: &Project) {
    for i in 1..=MIGRATIONS {
        project.execute(&format!(
            "INSERT INTO t_{i} (id, v) VALUES (1, 'one'), (2, 'two')"
        ));
    }
}

#[apply(each_database)]
fn kill_9_during_up_leaves_every_migration_applied_pending_or_dirty_where_it_says(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_migrations(&project);
    let mut rng = Rng::from_env("up");
    let mut tally = Tally::default();
    for _ in 0..kills() {
        if applied_count(&project) == MIGRATIONS {
            project.rollback(&["--all", "--no-backup"]).success();
        }
        tally.kills += 1;
        if !kill_after(&project, &["up"], rng.millis(50, 900)) {
            tally.finished_first += 1;
        }
        check_and_settle(&project, &mut tally);
    }
    project.run(&["up"]).success();
    check_and_settle(&project, &mut tally);
    assert_eq!(applied_count(&project), MIGRATIONS);
    tally.report("up", &project);
}

#[apply(each_database)]
fn kill_9_during_a_rollback_with_backups_leaves_every_migration_where_it_says(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_migrations(&project);
    let mut rng = Rng::from_env("rollback");
    let mut tally = Tally::default();
    for _ in 0..kills() {
        if applied_count(&project) == 0 {
            project.run(&["up"]).success();
            fill(&project);
        }
        tally.kills += 1;
        if !kill_after(&project, &["--all", "--yes"], rng.millis(50, 900)) {
            tally.finished_first += 1;
        }
        check_and_settle(&project, &mut tally);
        // What is still applied kept its rows.
        for i in 1..=MIGRATIONS {
            if recorded(&project)[i] == Recorded::Applied {
                assert_eq!(
                    project.query(&format!("SELECT count(*) FROM t_{i}")),
                    ["2"],
                    "t_{i}"
                );
            }
        }
    }
    project.rollback(&["--all"]).success();
    check_and_settle(&project, &mut tally);
    assert_eq!(applied_count(&project), 0);
    assert_eq!(project.schema(), Vec::<String>::new());
    tally.report("rollback", &project);
}

#[apply(each_database)]
fn kill_9_during_restore_leaves_each_backup_restored_whole_or_not_at_all(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_migrations(&project);
    project.run(&["up"]).success();
    fill(&project);
    project.rollback(&["--all"]).success();
    project.run(&["up"]).success();
    let mut rng = Rng::from_env("restore");
    let mut tally = Tally::default();
    // Backup ids and the table each copied, newest first.
    let backups: Vec<(String, String)> = project
        .query("SELECT CONCAT(id, ' ', version) FROM _rollback_backups ORDER BY id DESC")
        .iter()
        .map(|line| {
            let (id, version) = line.split_once(' ').unwrap();
            (id.to_owned(), format!("t_{version}"))
        })
        .collect();
    assert_eq!(backups.len(), MIGRATIONS);
    let check = |project: &Project| {
        wait_for_orphans(project);
        for (id, table) in &backups {
            let restored = project.query(&format!(
                "SELECT count(*) FROM _rollback_backups WHERE id = {id} AND restored_at IS NOT NULL"
            )) == ["1"];
            let rows = project.query(&format!("SELECT count(*) FROM {table}"));
            let expected = if restored { "2" } else { "0" };
            assert_eq!(
                rows,
                [expected],
                "backup {id} of {table}, restored: {restored}"
            );
        }
    };
    for (id, _) in backups.iter().cycle().take(kills()) {
        let restored = project.query(&format!(
            "SELECT count(*) FROM _rollback_backups WHERE id = {id} AND restored_at IS NOT NULL"
        )) == ["1"];
        if restored {
            continue;
        }
        tally.kills += 1;
        if !kill_after(&project, &["restore", id], rng.millis(10, 300)) {
            tally.finished_first += 1;
        }
        check(&project);
    }
    for (id, _) in &backups {
        let restored = project.query(&format!(
            "SELECT count(*) FROM _rollback_backups WHERE id = {id} AND restored_at IS NOT NULL"
        )) == ["1"];
        if !restored {
            project.run(&["restore", id]).success();
        }
    }
    check(&project);
    for (_, table) in &backups {
        assert_eq!(
            project.query(&format!("SELECT count(*) FROM {table}")),
            ["2"]
        );
    }
    tally.report("restore", &project);
}
