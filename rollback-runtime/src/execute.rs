//! Running one script: statement by statement, so that a failure names the
//! statement, its file and line, and the database's message.

use rollback_core::sql::split;

use crate::driver::Driver;
use crate::error::{Error, Result, StatementError};
use crate::records::MIGRATIONS_TABLE;

/// A script about to run, and where it came from, for error messages.
pub(crate) struct ScriptRun<'a> {
    pub migration: &'a str,
    pub kind: &'static str,
    pub sql: &'a str,
    /// The file; `None` for a down stored in the database.
    pub path: Option<&'a str>,
    pub first_line: u32,
}

/// Runs a script statement by statement, so that a failure names its statement
/// and the line of its file.
pub(crate) async fn run_script(driver: &mut dyn Driver, script: &ScriptRun<'_>) -> Result<()> {
    for (index, statement) in split(script.sql, driver.dialect()).into_iter().enumerate() {
        driver.execute(statement.sql).await.map_err(|source| {
            let line = statement.line + script.first_line as usize - 1;
            let location = match script.path {
                Some(path) => format!("{path} line {line}"),
                None => format!("the down stored in {MIGRATIONS_TABLE}, line {line}"),
            };
            Error::Statement(Box::new(StatementError {
                migration: script.migration.to_owned(),
                script: script.kind,
                index: index + 1,
                location,
                statement: one_line(statement.sql),
                source,
            }))
        })?;
    }
    Ok(())
}

/// A statement on one line, cut to a readable length.
fn one_line(sql: &str) -> String {
    const LIMIT: usize = 120;
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
