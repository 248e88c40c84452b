//! Pure decisions: which of the migrations another tool recorded can be
//! recorded by cargo-rollback, and what stands in the way. No database
//! here; `adopt` feeds these functions what it read.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use rollback_core::{Migration, MigrationSet, Version};

use super::checksums::same_script;
use super::tools::{AdoptFrom, Recorded, ToolRecord};
use crate::records::AppliedMigration;

/// What adoption would do with what the other tool recorded.
#[derive(Debug, Default)]
pub(crate) struct Decision<'a> {
    /// Migrations to record, each with the other tool's record of it.
    pub adopt: Vec<(&'a Migration, ToolRecord)>,
    /// Migrations the other tool recorded that cargo-rollback has recorded
    /// already (adopted before, or applied by it).
    pub already: Vec<&'a Migration>,
    /// Migrations the other tool recorded that cargo-rollback reverted
    /// since it recorded them: the other tool's record is stale.
    pub reverted: Vec<&'a Migration>,
    /// One line per problem; adoption refuses when there is any.
    pub problems: Vec<String>,
}

/// Matches each migration `tool` recorded to the folder's by its digits,
/// and checks what it says against the files and cargo-rollback's records.
/// `reverted` holds the versions cargo-rollback's log shows reverted since.
pub(crate) fn decide<'a>(
    tool: AdoptFrom,
    recorded: &Recorded,
    set: &'a MigrationSet,
    applied: &[AppliedMigration],
    reverted: &BTreeSet<String>,
) -> Decision<'a> {
    let mut decision = Decision::default();
    let table = tool.table();
    let records = match recorded {
        Recorded::Each(records) => records.clone(),
        Recorded::UpTo { version, dirty } => {
            up_to(tool, version, *dirty, set, &mut decision.problems)
        }
    };
    let ours: Vec<(&Migration, &AppliedMigration)> = applied
        .iter()
        .filter_map(|row| Some((set.find(&Version::parse(&row.version)?)?, row)))
        .collect();
    for record in records {
        let shown = match &record.name {
            Some(name) if !name.is_empty() => format!("{} {name}", record.version),
            _ => record.version.clone(),
        };
        let Some(version) = Version::parse(record.version.trim()) else {
            decision.problems.push(format!(
                "{shown}: `{}` in {table} is not a version",
                record.version
            ));
            continue;
        };
        let Some(migration) = set
            .find(&version)
            .or_else(|| by_prefix(set, version.digits()))
        else {
            decision.problems.push(format!(
                "{shown}: {tool} applied it, but the folder has no migration with that version"
            ));
            continue;
        };
        if record.failed {
            decision.problems.push(format!(
                "{migration}: {tool} recorded it as failed in {table}; settle it with {tool} first"
            ));
            continue;
        }
        if let Some(checksum) = &record.checksum
            && !same_script(
                checksum,
                &record.version,
                record.name.as_deref(),
                migration.up().sql(),
            )
        {
            decision.problems.push(format!(
                "{migration}: {} is not the up {tool} applied (its checksum in {table} differs)",
                migration.up_path()
            ));
            continue;
        }
        match ours
            .iter()
            .find(|(mine, _)| mine.version() == migration.version())
        {
            Some((_, row)) if row.dirty => decision.problems.push(format!(
                "{migration}: cargo-rollback's record of it is dirty; repair it first"
            )),
            Some(_) => decision.already.push(migration),
            None if reverted.contains(migration.version().as_str()) => {
                decision.reverted.push(migration);
            }
            None => decision.adopt.push((migration, record)),
        }
    }
    decision
}

/// The migration whose file or directory name, up to its first `_` and
/// without dashes, is `digits`: the version sqlx, diesel, dbmate and
/// golang-migrate read from a name. It differs from the folder's version
/// where a name has more digit groups after an `_` (`2024-03-13_170000_x`
/// is `20240313` to diesel), which only matches when nothing else does.
fn by_prefix<'a>(set: &'a MigrationSet, digits: &str) -> Option<&'a Migration> {
    let wanted = digits.trim_start_matches('0');
    set.migrations().iter().find(|migration| {
        let path = std::path::Path::new(migration.up_path());
        let named = if path.file_name().is_some_and(|file| file == "up.sql") {
            path.parent().and_then(|dir| dir.file_name())
        } else {
            path.file_name()
        };
        named
            .and_then(|name| name.to_str())
            .and_then(|name| name.split('_').next())
            .is_some_and(|prefix| {
                prefix.chars().all(|c| c.is_ascii_digit() || c == '-')
                    && prefix.replace('-', "").trim_start_matches('0') == wanted
            })
    })
}

/// golang-migrate's one row as a record per migration: every migration of
/// the folder up to its version is applied.
fn up_to(
    tool: AdoptFrom,
    version: &str,
    dirty: bool,
    set: &MigrationSet,
    problems: &mut Vec<String>,
) -> Vec<ToolRecord> {
    let Some(current) = Version::parse(version.trim()) else {
        problems.push(format!("`{version}` in {} is not a version", tool.table()));
        return Vec::new();
    };
    if dirty {
        problems.push(format!(
            "{tool} marks version {version} dirty: it stopped part-way; settle it with {tool} (`migrate force`) first"
        ));
        return Vec::new();
    }
    if set.find(&current).is_none() {
        problems.push(format!(
            "{tool} is at version {version}, but the folder has no migration with that version"
        ));
        return Vec::new();
    }
    set.migrations()
        .iter()
        .filter(|migration| set.order().compare(migration.version(), &current) != Ordering::Greater)
        .map(|migration| ToolRecord::applied(migration.version().as_str().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adopt::tools::ToolChecksum;
    use chrono::Utc;

    fn folder(versions: &[&str]) -> MigrationSet {
        let dir = tempfile::tempdir().unwrap();
        for version in versions {
            std::fs::write(
                dir.path().join(format!("{version}_m.up.sql")),
                format!("CREATE TABLE t{version} (id INT);\n"),
            )
            .unwrap();
            std::fs::write(
                dir.path().join(format!("{version}_m.down.sql")),
                format!("DROP TABLE t{version};\n"),
            )
            .unwrap();
        }
        rollback_core::load(dir.path(), &Default::default())
            .unwrap()
            .migrations
    }

    fn each(versions: &[&str]) -> Recorded {
        Recorded::Each(
            versions
                .iter()
                .map(|version| ToolRecord::applied((*version).to_owned()))
                .collect(),
        )
    }

    fn versions(migrations: impl IntoIterator<Item = &'static str>) -> Vec<String> {
        migrations.into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn versions_match_by_their_digits() {
        let set = folder(&["0001", "0002", "0003"]);
        let decision = decide(
            AdoptFrom::Dbmate,
            &each(&["1", "2"]),
            &set,
            &[],
            &BTreeSet::new(),
        );
        assert!(decision.problems.is_empty(), "{:?}", decision.problems);
        let adopted: Vec<&str> = decision
            .adopt
            .iter()
            .map(|(migration, _)| migration.version().as_str())
            .collect();
        assert_eq!(adopted, ["0001", "0002"]);
    }

    #[test]
    fn a_version_the_tool_cut_at_the_first_underscore_matches_its_migration() {
        let dir = tempfile::tempdir().unwrap();
        let migration = dir.path().join("2024-03-13_170000_sso");
        std::fs::create_dir(&migration).unwrap();
        std::fs::write(migration.join("up.sql"), "CREATE TABLE a (id INT);").unwrap();
        std::fs::write(migration.join("down.sql"), "DROP TABLE a;").unwrap();
        let set = rollback_core::load(dir.path(), &Default::default())
            .unwrap()
            .migrations;
        let decision = decide(
            AdoptFrom::Diesel,
            &each(&["20240313"]),
            &set,
            &[],
            &BTreeSet::new(),
        );
        assert!(decision.problems.is_empty(), "{:?}", decision.problems);
        assert_eq!(decision.adopt.len(), 1);
    }

    #[test]
    fn every_problem_is_a_line() {
        let set = folder(&["1", "2"]);
        let mut failed = ToolRecord::applied("1".to_owned());
        failed.failed = true;
        let mut changed = ToolRecord::applied("2".to_owned());
        changed.checksum = Some(ToolChecksum::Sha384("00".to_owned()));
        let recorded = Recorded::Each(vec![failed, changed, ToolRecord::applied("9".to_owned())]);
        let decision = decide(AdoptFrom::Sqlx, &recorded, &set, &[], &BTreeSet::new());
        assert_eq!(decision.problems.len(), 3, "{:?}", decision.problems);
        assert!(decision.problems[0].contains("recorded it as failed"));
        assert!(decision.problems[1].contains("checksum"));
        assert!(
            decision.problems[2].starts_with("9: sqlx applied it, but the folder has no migration")
        );
        assert!(decision.adopt.is_empty());
    }

    #[test]
    fn golang_migrate_applied_everything_up_to_its_version() {
        let set = folder(&["1", "2", "3"]);
        let at = |version: &str, dirty| Recorded::UpTo {
            version: version.to_owned(),
            dirty,
        };
        let decision = decide(
            AdoptFrom::GolangMigrate,
            &at("2", false),
            &set,
            &[],
            &BTreeSet::new(),
        );
        assert_eq!(decision.adopt.len(), 2);
        let dirty = decide(
            AdoptFrom::GolangMigrate,
            &at("2", true),
            &set,
            &[],
            &BTreeSet::new(),
        );
        assert!(dirty.problems[0].contains("dirty"));
        let unknown = decide(
            AdoptFrom::GolangMigrate,
            &at("7", false),
            &set,
            &[],
            &BTreeSet::new(),
        );
        assert!(unknown.problems[0].contains("no migration with that version"));
    }

    #[test]
    fn recorded_and_reverted_migrations_are_not_adopted_again() {
        let set = folder(&["1", "2", "3"]);
        let applied = vec![AppliedMigration::for_migration(
            &set.migrations()[0],
            Utc::now(),
        )];
        let reverted = BTreeSet::from(["2".to_owned()]);
        let decision = decide(
            AdoptFrom::Diesel,
            &each(&["1", "2", "3"]),
            &set,
            &applied,
            &reverted,
        );
        assert_eq!(
            decision
                .already
                .iter()
                .map(|m| m.version().to_string())
                .collect::<Vec<_>>(),
            versions(["1"])
        );
        assert_eq!(
            decision
                .reverted
                .iter()
                .map(|m| m.version().to_string())
                .collect::<Vec<_>>(),
            versions(["2"])
        );
        assert_eq!(decision.adopt.len(), 1);
    }
}
