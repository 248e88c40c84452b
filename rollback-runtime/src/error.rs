//! What can go wrong, sorted by what the caller should do about it.

use std::time::Duration;

use rollback_core::LoadErrors;

/// An error from the runtime. [`Error::kind`] tells bad input from a failure
/// from a refusal, which the CLI maps to its exit codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The migrations folder breaks the rules.
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// A database URL that cannot be used.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A SQLite file that does not exist, for a command that does not create it.
    #[error("database file {path} does not exist")]
    DatabaseMissing {
        /// The file.
        path: String,
    },
    /// The database could not be reached.
    #[error("cannot connect to {url}")]
    Connect {
        /// The URL, password masked.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The configured `init-sql` failed.
    #[error("init-sql failed on {url}")]
    InitSql {
        /// The URL, password masked.
        url: String,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
    /// Another run held the migration lock for longer than the lock timeout.
    #[error("timed out after {}s waiting for the migration lock: another run holds it", waited.as_secs_f64())]
    LockTimeout {
        /// How long this run waited.
        waited: Duration,
    },
    /// A version that names no migration where one was looked for.
    #[error("unknown version {version}: no migration {looked_in} has it")]
    UnknownVersion {
        /// The version as typed.
        version: String,
        /// Where it was looked for: "in the folder", "in the folder or in the database".
        looked_in: &'static str,
    },
    /// A repair that needs the migration's files, which are gone.
    #[error(
        "{migration} has no file in the migrations folder, so there are no checksums to record; repairing it as pending forgets it instead"
    )]
    NoFile {
        /// Version and name.
        migration: String,
    },
    /// Text that is not a version.
    #[error(
        "invalid version `{version}`: a version is digit groups joined by `_` or `-`, such as 20260112093000"
    )]
    InvalidVersion {
        /// The text as typed.
        version: String,
    },
    /// A single version to revert that is not applied.
    #[error("{migration} is not applied, so there is nothing to revert")]
    NotApplied {
        /// The migration.
        migration: String,
    },
    /// A resume of a migration that is not dirty.
    #[error("{migration} is not dirty (it is {state}), so there is nothing to resume")]
    NotDirty {
        /// Version and name.
        migration: String,
        /// Where it stands: applied or pending.
        state: &'static str,
    },
    /// A resume asked to start at a statement the script does not have.
    #[error(
        "cannot resume {migration} at statement {from}: its script has {statements} statements (start at 1 to {} inclusive, the last meaning that every statement has run)",
        statements + 1
    )]
    ResumeFrom {
        /// Version and name.
        migration: String,
        /// The statement asked for.
        from: i64,
        /// How many the script has.
        statements: i64,
    },
    /// `--last N` with fewer than N applied.
    #[error("cannot revert the last {requested} migrations: only {applied} applied")]
    NotEnoughApplied {
        /// N.
        requested: usize,
        /// How many are applied.
        applied: usize,
    },
    /// A safety check stopped the run.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A statement of a migration failed; that migration left nothing behind
    /// (unless the database commits DDL implicitly, and then it is marked dirty).
    #[error(transparent)]
    Statement(Box<StatementError>),
    /// A statement of a migration ran past a limit of the run and the
    /// database cancelled it; the migration's transaction rolled back.
    #[error(
        "{failure}: {database}: {} stays {stays}, as it was cancelled by the {limit}",
        failure.migration
    )]
    Cancelled {
        /// The statement.
        failure: Box<StatementError>,
        /// The database's message.
        database: String,
        /// The limit, shown as `statement timeout of 2s`.
        limit: Limit,
        /// `applied` (a down was cancelled) or `pending` (an up).
        stays: &'static str,
    },
    /// A rollback that cannot be rehearsed on this database.
    #[error("cannot rehearse on {dialect}: {reason}")]
    CannotRehearse {
        /// The database.
        dialect: &'static str,
        /// Why.
        reason: String,
    },
    /// A whole-database snapshot that could not be written; nothing was
    /// reverted.
    #[error("cannot write the snapshot {path}: {reason}")]
    Snapshot {
        /// The file asked for.
        path: String,
        /// Why.
        reason: String,
    },
    /// No backup has this id.
    #[error("unknown backup {id}")]
    UnknownBackup {
        /// The id as asked for.
        id: i64,
    },
    /// A backup database set for a database whose copies cannot live in
    /// another one; nothing was reverted.
    #[error("the backup database `{database}` cannot be used on {dialect}: {reason}")]
    BackupDatabase {
        /// The database set for backups.
        database: String,
        /// The dialect of the database rolled back.
        dialect: &'static str,
        /// Where copies go there instead.
        reason: String,
    },
    /// `restore` without an id on a database with no backups.
    #[error("there are no backups to restore")]
    NoBackups,
    /// Adoption found no other tool's tracking table, or the tables of
    /// several tools, and was not told which one to read.
    #[error("{reason}")]
    AdoptWhich {
        /// What was found, and where it was looked for.
        reason: String,
        /// Whether naming the tool settles it (none or several were found).
        ambiguous: bool,
    },
    /// The database failed outside a migration script.
    #[error("database error while {action}")]
    Database {
        /// What the tool was doing.
        action: &'static str,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
}

/// The statement of a migration that failed, and the database's reason.
#[derive(Debug, thiserror::Error)]
#[error(
    "migration {migration} failed at statement {index} of its {script} script ({location}): {statement}"
)]
pub struct StatementError {
    /// Version and name.
    pub migration: String,
    /// `up` or `down`.
    pub script: &'static str,
    /// 1-based index of the statement in the script.
    pub index: usize,
    /// Where the statement is: `migrations/2_x.up.sql line 4`, or the stored down's line.
    pub location: String,
    /// The statement, shortened for one line.
    pub statement: String,
    /// The database's error.
    #[source]
    pub source: sqlx::Error,
}

/// A run that a safety check stopped: nothing was changed by the step refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// A migration started without transactional DDL and never finished.
    #[error(
        "migration {migration} is dirty: it stopped part-way outside a transaction (a failure, a crash, or DDL the database commits at once), so part of it may have run; resume it (the rest of its script, from the statement it reached) once what stopped it is fixed, or make the schema match one side by hand and repair it as applied if its changes are all in place, or as pending if none are"
    )]
    Dirty {
        /// Version and name.
        migration: String,
        /// The version.
        version: String,
    },
    /// Applied ups that no longer match their files.
    #[error("applied migrations were changed on disk since they were applied: {}; restore the files, or accept the change by repairing them", migrations.join(", "))]
    Modified {
        /// Version and name of each.
        migrations: Vec<String>,
    },
    /// Applied migrations with no file.
    #[error("the database has applied migrations that are not in the migrations folder: {}; their down scripts are stored, so they can be reverted, or else ignored", migrations.join(", "))]
    Missing {
        /// Version and name of each.
        migrations: Vec<String>,
    },
    /// One version to revert with newer ones applied after it.
    #[error("{migration} is not the newest applied migration (newer applied: {}), so reverting it is out of order", newer.join(", "))]
    OutOfOrder {
        /// Version and name.
        migration: String,
        /// Applied versions newer than it, oldest first.
        newer: Vec<String>,
    },
    /// A migration that cannot be reverted.
    #[error("{migration} is irreversible: {reason}")]
    Irreversible {
        /// Version and name.
        migration: String,
        /// The reason its down gives.
        reason: String,
    },
    /// A backup that cannot be put back as things stand.
    #[error("cannot restore backup {id} of {migration}: {reason}")]
    CannotRestore {
        /// The backup.
        id: i64,
        /// Its migration.
        migration: String,
        /// What stands in the way.
        reason: String,
    },
    /// A restore of a backup whose migration is not applied: the tables and
    /// columns the data goes into are the ones its up creates.
    #[error(
        "cannot restore backup {id} of {migration}: the migration is not applied; apply it again first"
    )]
    NotReapplied {
        /// The backup.
        id: i64,
        /// Its migration.
        migration: String,
        /// The migration's version, to apply it up to.
        version: String,
    },
    /// A resume of a dirty migration whose progress was not recorded (an
    /// older version marked it dirty).
    #[error(
        "{migration} is dirty with no record of the statement it reached, so it cannot be resumed; make the schema match one side by hand, then repair it as applied or as pending"
    )]
    NoProgress {
        /// Version and name.
        migration: String,
        /// The version.
        version: String,
    },
    /// A resume whose script's part that ran has changed since.
    #[error(
        "cannot resume {migration}: the statements of its {script} script before the one it reached are not the ones that ran, so where to go on means nothing in it (the statement it reached and those after it may be changed, not the ones before); put them back as they were, or repair the migration by hand"
    )]
    ScriptChanged {
        /// Version and name.
        migration: String,
        /// `up` or `down`.
        script: &'static str,
    },
    /// A rehearsal that reaches a down it cannot run inside a transaction.
    #[error(
        "cannot rehearse {migration}: it runs outside a transaction, so a rehearsal would really run it; the migrations before it were rehearsed and rolled back"
    )]
    NotRehearsable {
        /// Version and name.
        migration: String,
    },
    /// Migrations another tool applied that cannot be recorded as they are:
    /// each problem on a line of its own.
    #[error("cannot adopt the migrations {tool} applied; nothing was recorded:\n{}", problems.join("\n"))]
    Adoption {
        /// The tool whose table was read.
        tool: String,
        /// One line per problem, naming the migration or object.
        problems: Vec<String>,
        /// Whether the schema's differences from the replay are among them
        /// (the only problem that can be accepted).
        drift: bool,
    },
    /// The down on disk and the down stored at apply time differ.
    #[error(
        "the down script of {migration} in {path} differs from the one stored when it was applied; choose which of the two runs"
    )]
    DownConflict {
        /// Version and name.
        migration: String,
        /// The file on disk.
        path: String,
    },
}

/// What kind of error this is, for exit codes and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input was wrong (folder, URL, version): fix it and retry.
    Input,
    /// A safety check refused: decide, then retry with the option that says so.
    Refused,
    /// The work failed (a SQL error, a lost connection).
    Failed,
}

impl Error {
    /// Which kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Load(_)
            | Error::InvalidUrl { .. }
            | Error::DatabaseMissing { .. }
            | Error::Connect { .. }
            | Error::UnknownVersion { .. }
            | Error::NoFile { .. }
            | Error::InvalidVersion { .. }
            | Error::NotApplied { .. }
            | Error::NotDirty { .. }
            | Error::ResumeFrom { .. }
            | Error::NotEnoughApplied { .. }
            | Error::CannotRehearse { .. }
            | Error::UnknownBackup { .. }
            | Error::Snapshot { .. }
            | Error::BackupDatabase { .. }
            | Error::AdoptWhich { .. }
            | Error::NoBackups => ErrorKind::Input,
            Error::Refused(_) => ErrorKind::Refused,
            Error::InitSql { .. }
            | Error::LockTimeout { .. }
            | Error::Statement(_)
            | Error::Cancelled { .. }
            | Error::Database { .. } => ErrorKind::Failed,
        }
    }

    pub(crate) fn database(action: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Database { action, source }
    }
}

/// A limit of the run that the database enforces by cancelling a statement
/// ([`Error::Cancelled`]): which setting of
/// [`ConnectOptions`](crate::session::ConnectOptions) to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`ConnectOptions::statement_timeout`](crate::session::ConnectOptions::statement_timeout).
    Statement(Duration),
    /// [`ConnectOptions::lock_timeout`](crate::session::ConnectOptions::lock_timeout), on a lock the statement waited for.
    Lock(Duration),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, limit) = match self {
            Limit::Statement(limit) => ("statement timeout", limit),
            Limit::Lock(limit) => ("lock timeout", limit),
        };
        write!(f, "{what} of {}s", limit.as_secs_f64())
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and its causes on one line, `: `-joined, skipping a cause whose
/// text the line already ends with (sqlx's database errors repeat their
/// source's message).
///
/// A database's own error is shown as its message and code: sqlx's rendering
/// of a PostgreSQL error appends the line of PostgreSQL's C source that raised
/// it ("at line 1188"), which reads as a line of the user's script.
pub fn display_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = String::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let (text, source) = match cause.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::Database(database)) => (database_message(database.as_ref()), None),
            _ => (cause.to_string(), cause.source()),
        };
        if line.is_empty() {
            line = text;
        } else if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        next = source;
    }
    line
}

/// `message (SQLSTATE code)`: what the database said, and the code to look up.
fn database_message(error: &dyn sqlx::error::DatabaseError) -> String {
    match error.code() {
        Some(code) if code.len() == 5 => format!("{} (SQLSTATE {code})", error.message()),
        Some(code) => format!("{} (code {code})", error.message()),
        None => error.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_causes_are_shown_once() {
        let error = Error::Database {
            action: "reading",
            source: sqlx::Error::Protocol("bad packet".to_owned()),
        };
        assert_eq!(
            display_chain(&error),
            "database error while reading: encountered unexpected or invalid data: bad packet"
        );
    }

    /// An application has no command line: a message that names a flag
    /// (`--lock-timeout`) would send its reader looking for one. The CLI adds
    /// its flags itself (cargo-rollback's `hints.rs`).
    #[test]
    fn no_message_names_a_command_line_flag() {
        let statement = || {
            Box::new(StatementError {
                migration: "2 slow".to_owned(),
                script: "down",
                index: 1,
                location: "migrations/2_slow.down.sql line 1".to_owned(),
                statement: "DROP TABLE b".to_owned(),
                source: sqlx::Error::Protocol("cancelled".to_owned()),
            })
        };
        let refusals = [
            Refusal::Dirty {
                migration: "2 pair".to_owned(),
                version: "2".to_owned(),
            },
            Refusal::Modified {
                migrations: vec!["1 users".to_owned()],
            },
            Refusal::Missing {
                migrations: vec!["3 tags".to_owned()],
            },
            Refusal::OutOfOrder {
                migration: "2 b".to_owned(),
                newer: vec!["3".to_owned()],
            },
            Refusal::Irreversible {
                migration: "2 b".to_owned(),
                reason: "data is gone".to_owned(),
            },
            Refusal::NotReapplied {
                id: 1,
                migration: "3 events".to_owned(),
                version: "3".to_owned(),
            },
            Refusal::NotRehearsable {
                migration: "2 b".to_owned(),
            },
            Refusal::NoProgress {
                migration: "2 pair".to_owned(),
                version: "2".to_owned(),
            },
            Refusal::ScriptChanged {
                migration: "2 pair".to_owned(),
                script: "up",
            },
            Refusal::DownConflict {
                migration: "3 tags".to_owned(),
                path: "migrations/3_tags.down.sql".to_owned(),
            },
            Refusal::Adoption {
                tool: "sqlx".to_owned(),
                problems: vec!["table users: unexpected".to_owned()],
                drift: true,
            },
        ];
        let errors = refusals.into_iter().map(Error::from).chain([
            Error::DatabaseMissing {
                path: "app.db".to_owned(),
            },
            Error::LockTimeout {
                waited: Duration::from_millis(500),
            },
            Error::NoFile {
                migration: "3 tags".to_owned(),
            },
            Error::UnknownBackup { id: 7 },
            Error::NotDirty {
                migration: "2 pair".to_owned(),
                state: "applied",
            },
            Error::ResumeFrom {
                migration: "2 pair".to_owned(),
                from: 9,
                statements: 3,
            },
            Error::NotEnoughApplied {
                requested: 3,
                applied: 1,
            },
            Error::Statement(statement()),
            Error::Cancelled {
                failure: statement(),
                database: "canceling statement due to statement timeout".to_owned(),
                limit: Limit::Statement(Duration::from_millis(500)),
                stays: "applied",
            },
            Error::Cancelled {
                failure: statement(),
                database: "lock wait timeout exceeded".to_owned(),
                limit: Limit::Lock(Duration::from_secs(1)),
                stays: "applied",
            },
        ]);
        for error in errors {
            let message = display_chain(&error);
            let flag = message
                .as_bytes()
                .windows(3)
                .any(|w| w.starts_with(b"--") && w[2].is_ascii_alphabetic());
            assert!(!flag, "names a flag: {message}");
        }
    }
}
