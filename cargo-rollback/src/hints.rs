//! What the command line adds to the library's errors. The library names
//! settings, never flags (an application has none); here each error that a
//! flag or a command settles gets that flag or command, chosen by the error's
//! variant.

use rollback_runtime::Error;
use rollback_runtime::error::Limit;
use rollback_runtime::error::Refusal;
use rollback_runtime::migration::LoadError;

/// The text to append to `error`'s message; `None` when no flag or command
/// settles it.
pub fn hint(error: &Error) -> Option<String> {
    let hint = match error {
        Error::DatabaseMissing { .. } => " (`cargo rollback up` creates it)".to_owned(),
        Error::LockTimeout { .. } => " (raise --lock-timeout to wait longer)".to_owned(),
        Error::NoFile { .. } => " (`cargo rollback repair VERSION --pending`)".to_owned(),
        Error::UnknownBackup { .. } => ": `cargo rollback backups` lists them".to_owned(),
        Error::BackupDatabase { .. } => {
            " (--backup-database and `backup-database` are for MySQL and MariaDB)".to_owned()
        }
        Error::Cancelled { limit, .. } => match limit {
            Limit::Statement(_) => " (--statement-timeout)".to_owned(),
            Limit::Lock(_) => " (--lock-timeout)".to_owned(),
            _ => return None,
        },
        Error::AdoptWhich {
            ambiguous: true, ..
        } => " (choose with --from)".to_owned(),
        Error::Refused(refusal) => return refusal_hint(refusal),
        Error::Load(errors)
            if errors
                .0
                .iter()
                .any(|error| matches!(error, LoadError::EmptyDown { .. })) =>
        {
            " (for one run: --empty-down irreversible)".to_owned()
        }
        _ => return None,
    };
    Some(hint)
}

fn refusal_hint(refusal: &Refusal) -> Option<String> {
    Some(match refusal {
        Refusal::Dirty { version, .. } => format!(
            " (`cargo rollback status` shows the statement it reached; `cargo rollback resume {version}`, or `cargo rollback repair {version}` / `cargo rollback repair {version} --pending`)"
        ),
        Refusal::NoProgress { version, .. } => format!(
            " (`cargo rollback repair {version}` or `cargo rollback repair {version} --pending`)"
        ),
        Refusal::Modified { .. } => " (`cargo rollback repair VERSION`)".to_owned(),
        Refusal::Missing { .. } => {
            " (revert them with `cargo rollback VERSION`, or pass --ignore-missing)".to_owned()
        }
        Refusal::OutOfOrder { .. } => "; pass --out-of-order to revert it anyway".to_owned(),
        Refusal::DownConflict { .. } => " (pass --use-file or --use-stored)".to_owned(),
        Refusal::NotReapplied { version, .. } => format!(" (`cargo rollback up --to {version}`)"),
        Refusal::Adoption { drift: true, .. } => {
            "\n(`cargo rollback adopt --dry-run` shows them; --accept-drift records anyway)"
                .to_owned()
        }
        _ => return None,
    })
}
