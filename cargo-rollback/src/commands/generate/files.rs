//! Where `generate` writes: the down file of each layout, only over a down
//! that holds no SQL or one it wrote, and sqlx's simple migration turned
//! into a reversible pair (its up renamed, its text unchanged, so sqlx's
//! checksum of it still matches).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rollback_runtime::generate::GENERATED_HEADER;
use rollback_runtime::migration::{Layout, Migration, read_directives};

use crate::failure::RefusedError;

/// Refuses, before any work, to overwrite a down written by hand or one
/// that declares the migration irreversible.
pub fn writable(migration: &Migration) -> Result<()> {
    let down = migration.down().sql();
    let declared_irreversible = read_directives(down).is_ok_and(|d| d.irreversible.is_some());
    let hand_written = !migration.down().is_blank() && !down.starts_with(GENERATED_HEADER);
    if declared_irreversible || hand_written {
        return Err(RefusedError(format!(
            "{} already holds a down{}; generate writes only over a down with no SQL or one it wrote (without --write it prints its own, to compare)",
            migration.down_path(),
            if declared_irreversible {
                " that marks the migration irreversible"
            } else {
                " written by hand"
            }
        ))
        .into());
    }
    Ok(())
}

/// Whether the migration has no down to speak of: none, or one with no
/// SQL and no `-- rollback:irreversible` (what `generate --missing` writes).
pub fn lacks_down(migration: &Migration) -> bool {
    migration.down().is_blank()
        && read_directives(migration.down().sql()).is_ok_and(|d| d.irreversible.is_none())
}

/// Writes `down` as the migration's down and returns the down file: a
/// dbmate file gets its `-- migrate:down` section replaced (or added); a
/// simple migration's up is renamed `V_name.up.sql` first.
pub fn write(migration: &Migration, down: &str) -> Result<PathBuf> {
    let destination = PathBuf::from(migration.down_path());
    let text = match migration.layout() {
        Layout::SingleFile => {
            let file = fs::read_to_string(&destination)
                .with_context(|| format!("reading {}", destination.display()))?;
            with_down_section(&file, down)
        }
        Layout::Simple => {
            let up = Path::new(migration.up_path());
            let paired = up.with_extension("up.sql");
            fs::rename(up, &paired)
                .with_context(|| format!("renaming {} to {}", up.display(), paired.display()))?;
            down.to_owned()
        }
        Layout::Flat | Layout::Directory => down.to_owned(),
    };
    fs::write(&destination, text).with_context(|| format!("writing {}", destination.display()))?;
    Ok(destination)
}

/// `file` with everything after its `-- migrate:down` line replaced by
/// `down`, or with the line and `down` added when it has none.
fn with_down_section(file: &str, down: &str) -> String {
    let mut offset = 0;
    for line in file.split_inclusive('\n') {
        offset += line.len();
        if line.trim().eq_ignore_ascii_case("-- migrate:down") {
            let mut text = file[..offset].to_owned();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(down);
            return text;
        }
    }
    let mut text = file.trim_end().to_owned();
    text.push_str("\n\n-- migrate:down\n");
    text.push_str(down);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_down_section_is_replaced_or_added() {
        let file = "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\n-- to do\n";
        assert_eq!(
            with_down_section(file, "DROP TABLE t;\n"),
            "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n"
        );
        assert_eq!(
            with_down_section(
                "-- migrate:up\nCREATE TABLE t (a int);\n",
                "DROP TABLE t;\n"
            ),
            "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n"
        );
    }
}
