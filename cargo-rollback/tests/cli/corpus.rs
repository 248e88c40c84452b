//! Real migration folders from public projects (../shared/corpus), each
//! applied through the binary on a database of its own kind and rolled back
//! with `--all --yes`. The corpus is other projects' data and is not part of
//! this repository: where it is absent the tests say so and pass.
//!
//! Every corpus goes through one round trip, [`round_trip`], told how it
//! should end: the whole folder reverted; stopped at the newest irreversible
//! migration (exit 3); or stopped at a down script that is itself broken on
//! the real database (exit 1). In both stops the database must be exactly as
//! `up --to` that migration left it: every newer migration reverted, nothing
//! of the failed one half-done. The figures per corpus are in docs/corpus.md.

use std::path::PathBuf;
use std::time::Instant;

use crate::support::{Db, Project, Run};

/// How `up` over the whole folder ends.
#[derive(Debug, Clone, Copy)]
enum Up {
    /// Every migration is applied.
    All,
    /// This migration's up fails with this database message (exit 1): it and
    /// every newer one stay pending, every older one applied.
    FailsAt {
        version: &'static str,
        error: &'static str,
    },
}

/// How `--all --yes` after it ends.
#[derive(Debug, Clone, Copy)]
enum Down {
    /// Everything is reverted and no user object is left.
    Complete,
    /// Stops with exit 3 at this irreversible migration (the newest one),
    /// which stays applied with every older one.
    Irreversible { version: &'static str },
    /// This migration's down fails on the database with this message
    /// (exit 1): it stays applied, every newer one is reverted.
    FailsAt {
        version: &'static str,
        error: &'static str,
    },
}

impl Down {
    /// The migration where the rollback stops, if it stops early.
    fn stop(self) -> Option<&'static str> {
        match self {
            Down::Complete => None,
            Down::Irreversible { version } | Down::FailsAt { version, .. } => Some(version),
        }
    }
}

/// One corpus folder on one database, and what it is expected to do.
struct Corpus {
    name: &'static str,
    db: Db,
    /// Options for every command (`--empty-down`, `--init-sql`).
    options: &'static [&'static str],
    /// Migrations in the folder.
    migrations: usize,
    up: Up,
    down: Down,
}

/// Folders whose downs were written for tools that allowed empty ones.
const EMPTY_DOWNS: &[&str] = &["--empty-down", "irreversible"];

/// The newest migration of Vaultwarden with an empty down, in all three
/// dialects.
const VAULTWARDEN_IRREVERSIBLE: &str = "2025-01-09-172300";

pub(crate) fn corpus(name: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !root.is_dir() {
        eprintln!("corpus tests skipped: {} is absent", root.display());
        return None;
    }
    let folder = root.join(name);
    assert!(folder.is_dir(), "{} is missing", folder.display());
    Some(folder)
}

/// Applies the whole folder, then `--all --yes` back down, and checks that
/// each ends as `expected` says.
fn round_trip(expected: &Corpus) {
    let Some(folder) = corpus(expected.name) else {
        return;
    };
    let Some(project) = Project::on(expected.db) else {
        return;
    };
    let name = expected.name;
    let source = folder.to_str().unwrap();
    let url = project.url();
    // The command's own arguments first: global options before a
    // subcommand would turn it into a VERSION (see docs/corpus.md).
    let run = |args: &[&str]| -> Run {
        let mut all = args.to_vec();
        all.extend(["--source", source, "--database-url", &url, "-q"]);
        all.extend(expected.options);
        project.run_bare(&all)
    };
    let states = || run(&["status", "--format", "json"]).states();

    // Where the rollback should stop, the database as `up --to` leaves it
    // (the up is then timed in two parts).
    let mut up_seconds = 0.0;
    let mut timed = |args: &[&str]| {
        let started = Instant::now();
        let done = run(args);
        up_seconds += started.elapsed().as_secs_f64();
        done
    };
    let at_stop = expected.down.stop().map(|version| {
        timed(&["up", "--to", version]).success();
        snapshot(&project)
    });
    let up = timed(&["up"]);
    let versions: Vec<String> = states().into_iter().map(|(version, _)| version).collect();
    assert_eq!(versions.len(), expected.migrations, "{name}: migrations");
    let position = |version: &str| {
        versions
            .iter()
            .position(|known| known == version)
            .unwrap_or_else(|| panic!("{name}: no migration {version}"))
    };
    let applied = match expected.up {
        Up::All => {
            up.success();
            versions.len()
        }
        Up::FailsAt { version, error } => {
            up.code(1)
                .one_line_error(&[&format!("migration {version} "), "up script", error]);
            position(version)
        }
    };
    let after_up = states_by_position(&versions, |index| {
        if index < applied {
            "applied"
        } else {
            "pending"
        }
    });
    assert_eq!(states(), after_up, "{name}: after up");

    let started = Instant::now();
    let down = run(&["--all", "--yes"]);
    let down_seconds = started.elapsed().as_secs_f64();
    // The migration where the rollback stopped and every older one stay
    // applied; every newer one is pending.
    let applied_through = |stop: Option<&str>| {
        let last = stop.map(position);
        states_by_position(&versions, |index| {
            if last.is_some_and(|last| index <= last) {
                "applied"
            } else {
                "pending"
            }
        })
    };
    match expected.down {
        Down::Complete => {
            down.success();
            assert_eq!(states(), applied_through(None), "{name}");
            assert!(
                project.schema().is_empty(),
                "{name}: {:?}",
                project.schema()
            );
        }
        Down::Irreversible { version } => {
            down.code(3)
                .one_line_error(&[&format!("{version} "), "is irreversible"]);
            assert_eq!(states(), applied_through(Some(version)), "{name}");
        }
        Down::FailsAt { version, error } => {
            down.code(1)
                .one_line_error(&[&format!("migration {version} "), "down script", error]);
            assert_eq!(states(), applied_through(Some(version)), "{name}");
        }
    }
    if let Some(at_stop) = at_stop {
        assert_eq!(snapshot(&project), at_stop, "{name}: schema at the stop");
    }
    eprintln!(
        "corpus {name} on {:?}: {} migrations, {applied} applied in {up_seconds:.2}s, --all in {down_seconds:.2}s",
        expected.db, expected.migrations
    );
}

/// The (version, state) pairs that `status` should show, state by position.
fn states_by_position(
    versions: &[String],
    state: impl Fn(usize) -> &'static str,
) -> Vec<(String, String)> {
    versions
        .iter()
        .enumerate()
        .map(|(index, version)| (version.clone(), state(index).to_owned()))
        .collect()
}

/// The user schema with every column, its type and nullability: enough to
/// see a down that stopped half-way.
fn snapshot(project: &Project) -> Vec<String> {
    let columns = match project.db_kind() {
        Db::Sqlite => {
            "SELECT 'column ' || m.name || '.' || c.name || ' ' || c.type || ' ' || c.\"notnull\"
             FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE '\\_rollback\\_%' ESCAPE '\\'
               AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        }
        Db::Postgres => {
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_rollback\\_%'"
        }
        Db::MySql => {
            "SELECT CONCAT('column ', table_name, '.', column_name, ' ', column_type, ' ', is_nullable)
             FROM information_schema.columns
             WHERE table_schema = DATABASE() AND table_name NOT LIKE '\\_rollback\\_%'"
        }
    };
    let mut snapshot = project.schema();
    snapshot.extend(project.query(columns));
    snapshot.sort();
    snapshot
}

#[test]
fn oxidrive_sqlite_reverts_completely() {
    round_trip(&Corpus {
        name: "oxidrive-sqlite",
        db: Db::Sqlite,
        options: &[],
        migrations: 8,
        up: Up::All,
        down: Down::Complete,
    });
}

#[test]
fn ncps_dbmate_sqlite_reverts_completely() {
    round_trip(&Corpus {
        name: "ncps-dbmate-sqlite",
        db: Db::Sqlite,
        options: &[],
        migrations: 14,
        up: Up::All,
        down: Down::Complete,
    });
}

#[test]
fn vaultwarden_sqlite_stops_at_its_newest_irreversible_migration() {
    round_trip(&Corpus {
        name: "vaultwarden-sqlite",
        db: Db::Sqlite,
        options: &[
            "--empty-down",
            "irreversible",
            "--init-sql",
            "PRAGMA foreign_keys = OFF",
        ],
        migrations: 56,
        up: Up::All,
        down: Down::Irreversible {
            version: VAULTWARDEN_IRREVERSIBLE,
        },
    });
}

#[test]
fn oxidrive_postgres_reverts_completely() {
    round_trip(&Corpus {
        name: "oxidrive-postgres",
        db: Db::Postgres,
        options: &[],
        migrations: 8,
        up: Up::All,
        down: Down::Complete,
    });
}

#[test]
fn ncps_dbmate_postgres_reverts_completely() {
    round_trip(&Corpus {
        name: "ncps-dbmate-postgres",
        db: Db::Postgres,
        options: &[],
        migrations: 8,
        up: Up::All,
        down: Down::Complete,
    });
}

/// Vaultwarden sets nothing on its PostgreSQL migration connection.
#[test]
fn vaultwarden_postgresql_stops_at_its_newest_irreversible_migration() {
    round_trip(&Corpus {
        name: "vaultwarden-postgresql",
        db: Db::Postgres,
        options: EMPTY_DOWNS,
        migrations: 46,
        up: Up::All,
        down: Down::Irreversible {
            version: VAULTWARDEN_IRREVERSIBLE,
        },
    });
}

/// `20260131071854_failed-queued-crates.down.sql` holds only comments.
#[test]
fn docs_rs_stops_at_its_newest_irreversible_migration() {
    round_trip(&Corpus {
        name: "docs-rs",
        db: Db::Postgres,
        options: EMPTY_DOWNS,
        migrations: 33,
        up: Up::All,
        down: Down::Irreversible {
            version: "20260131071854",
        },
    });
}

/// The up of `2024-10-25-112826_make-unique-version-unique` creates a unique
/// *index*; its down drops a *constraint* of that name, which PostgreSQL
/// refuses. The migration runs outside a transaction (`run_in_transaction =
/// false`: `CREATE INDEX CONCURRENTLY`), but the failing statement is the
/// first, so nothing ran and the migration stays applied, not dirty.
#[test]
fn crates_io_stops_at_its_broken_down_script() {
    round_trip(&Corpus {
        name: "crates-io",
        db: Db::Postgres,
        options: EMPTY_DOWNS,
        migrations: 285,
        up: Up::All,
        down: Down::FailsAt {
            version: "2024-10-25-112826",
            error: "constraint \"versions_crate_id_num_no_build_uindex\" of relation \"versions\" does not exist",
        },
    });
}

/// Lemmy's newest migrations need a newer PostgreSQL than the 15 this suite
/// runs on: the up of `2025-08-01-000016_smoosh-tables-together` omits a
/// subquery alias (PostgreSQL 16+), and the down of
/// `2025-08-01-000012_no-individual-inboxes` renames a NOT NULL constraint
/// (PostgreSQL 18+ names them). Both fail cleanly, in their transaction.
#[test]
fn lemmy_stops_where_it_needs_a_newer_postgresql() {
    round_trip(&Corpus {
        name: "lemmy",
        db: Db::Postgres,
        options: &[],
        migrations: 342,
        up: Up::FailsAt {
            version: "2025-08-01-000016",
            error: "subquery in FROM must have an alias",
        },
        down: Down::FailsAt {
            version: "2025-08-01-000012",
            error: "constraint \"person_shared_inbox_url_not_null\" for table \"person\" does not exist",
        },
    });
}

#[test]
fn ncps_dbmate_mysql_reverts_completely() {
    round_trip(&Corpus {
        name: "ncps-dbmate-mysql",
        db: Db::MySql,
        options: &[],
        migrations: 8,
        up: Up::All,
        down: Down::Complete,
    });
}

#[test]
fn vaultwarden_mysql_stops_at_its_newest_irreversible_migration() {
    round_trip(&Corpus {
        name: "vaultwarden-mysql",
        db: Db::MySql,
        options: &[
            "--empty-down",
            "irreversible",
            "--init-sql",
            "SET FOREIGN_KEY_CHECKS = 0",
        ],
        migrations: 55,
        up: Up::All,
        down: Down::Irreversible {
            version: VAULTWARDEN_IRREVERSIBLE,
        },
    });
}
