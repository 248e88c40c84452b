//! SQL as the databases see it: the dialects and how they name things,
//! scripts split into statements, what each statement does to the data
//! (`analysis`) and what undoes it (`inversion`).

mod analysis;
mod dialect;
mod inversion;
pub mod lint;
mod name;
mod split;

pub use analysis::{AnalyzedStatement, Effect, StatementClass, analyze_script, analyze_statement};
pub use dialect::Dialect;
pub use inversion::{ColumnChanges, Inverse, InversePart, Need, Unnamed, invert_script};
pub use name::TableName;
pub use split::{Statement, split};
