//! What the crash tests share: migrations whose every statement leaves a
//! mark in the catalog, and the check that each migration's record matches
//! the catalog after a run was killed or lost its server.

use std::thread::sleep;
use std::time::Duration;

use super::{Db, Project};

/// Migrations in the folder: each makes a table, an index and a view.
pub const MIGRATIONS: usize = 40;

/// The statements of each up, by the object each creates; the down drops
/// them in the other order.
pub const OBJECTS: usize = 3;

/// Every fourth migration runs outside a transaction, so that PostgreSQL and
/// SQLite have dirty states to reach too (on MySQL every migration can). A
/// SQLite file is created empty first, so that the checks can open it
/// before the first run has. `slow` makes each table from a query that
/// sleeps 50 ms (one row, id 1), so that a run lasts long enough to lose
/// its server half-way (PostgreSQL and MySQL only).
pub fn write_migrations(project: &Project, slow: bool) {
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
        let create = match (slow, db) {
            (false, _) | (true, Db::Sqlite) => {
                format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, v VARCHAR(20));")
            }
            (true, Db::Postgres) => format!(
                "CREATE TABLE t_{i} AS SELECT 1 AS id, CAST('x' AS VARCHAR(20)) AS v FROM pg_sleep(0.05);"
            ),
            (true, Db::MySql) => format!(
                "CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, v VARCHAR(20)) SELECT 1 AS id, 'x' AS v FROM DUAL WHERE SLEEP(0.05) = 0;"
            ),
        };
        let drop_index = match db {
            Db::MySql => format!("DROP INDEX ix_{i} ON t_{i};"),
            _ => format!("DROP INDEX ix_{i};"),
        };
        project.migration(
            &format!("{i}_m{i}"),
            &format!(
                "{directive}{create}\n\
                 CREATE INDEX ix_{i} ON t_{i} (v);\n\
                 CREATE VIEW w_{i} AS SELECT id, v FROM t_{i};\n"
            ),
            &format!("{directive}DROP VIEW w_{i};\n{drop_index}\nDROP TABLE t_{i};\n"),
        );
    }
}

/// Which of migration `i`'s objects exist, in the order its up creates them.
pub fn objects(schema: &[String], i: usize) -> [bool; OBJECTS] {
    let has = |line: String| schema.contains(&line);
    [
        has(format!("table t_{i}")),
        has(format!("index ix_{i}")),
        has(format!("view w_{i}")),
    ]
}

/// What the tracking tables say of migration `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Pending,
    Applied,
    /// Dirty at 1-based statement `k` of its `up` or `down`.
    Dirty {
        script: String,
        k: usize,
    },
}

pub fn recorded(project: &Project) -> Vec<Recorded> {
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
pub fn check_one(i: usize, state: &Recorded, present: [bool; OBJECTS]) -> Option<bool> {
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
/// with `resume`, noting each in the tally.
pub fn check_and_settle(project: &Project, tally: &mut Tally) {
    wait_for_orphans(project);
    let schema = project.schema();
    let states = recorded(project);
    let count = |wanted: fn(&Recorded) -> bool| states.iter().skip(1).filter(|s| wanted(s)).count();
    tally.states.push(format!(
        "{}/{}/{}",
        count(|state| *state == Recorded::Applied),
        count(|state| *state == Recorded::Pending),
        count(|state| matches!(state, Recorded::Dirty { .. })),
    ));
    for (i, state) in states.iter().enumerate().skip(1) {
        let reached = check_one(i, state, objects(&schema, i));
        let Recorded::Dirty { script, k } = state else {
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
pub fn wait_for_orphans(project: &Project) {
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

#[derive(Default)]
pub struct Tally {
    pub interruptions: usize,
    pub finished_first: usize,
    /// Every dirty migration found, as `version at k of its script`.
    pub dirty: Vec<String>,
    /// After each check: how many migrations were applied, pending, dirty
    /// (or, for backups, restored and not).
    pub states: Vec<String>,
}

impl Tally {
    pub fn report(&self, what: &str, project: &Project) {
        println!(
            "{:?} {what}: {} interruptions ({} after the run had ended); after each: [{}]; dirty and resumed: [{}]",
            project.db_kind(),
            self.interruptions,
            self.finished_first,
            self.states.join(" "),
            self.dirty.join(", ")
        );
    }
}

pub fn applied_count(project: &Project) -> usize {
    recorded(project)
        .iter()
        .filter(|state| **state == Recorded::Applied)
        .count()
}

/// Two rows in every table, so that a rollback has data to back up.
pub fn fill(project: &Project) {
    for i in 1..=MIGRATIONS {
        project.execute(&format!(
            "INSERT INTO t_{i} (id, v) VALUES (1, 'one'), (2, 'two')"
        ));
    }
}
