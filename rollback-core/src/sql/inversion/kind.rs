//! The kinds of object an up creates and a down drops, and how SQL spells
//! them: what the objects of [`super::object`] and the memory of
//! [`super::scope`] are keyed by.

use std::fmt;

/// The kinds of object an up creates and a down drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Type,
    Domain,
    Schema,
    Extension,
    Function,
    Procedure,
    Trigger,
    Policy,
    Statistics,
}

impl Kind {
    const ALL: [Kind; 14] = [
        Kind::Table,
        Kind::View,
        Kind::MaterializedView,
        Kind::Index,
        Kind::Sequence,
        Kind::Type,
        Kind::Domain,
        Kind::Schema,
        Kind::Extension,
        Kind::Function,
        Kind::Procedure,
        Kind::Trigger,
        Kind::Policy,
        Kind::Statistics,
    ];

    /// The kind as `CREATE`, `DROP` and `COMMENT ON` spell it.
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Kind::Table => "TABLE",
            Kind::View => "VIEW",
            Kind::MaterializedView => "MATERIALIZED VIEW",
            Kind::Index => "INDEX",
            Kind::Sequence => "SEQUENCE",
            Kind::Type => "TYPE",
            Kind::Domain => "DOMAIN",
            Kind::Schema => "SCHEMA",
            Kind::Extension => "EXTENSION",
            Kind::Function => "FUNCTION",
            Kind::Procedure => "PROCEDURE",
            Kind::Trigger => "TRIGGER",
            Kind::Policy => "POLICY",
            Kind::Statistics => "STATISTICS",
        }
    }

    /// The kind a keyword (`TABLE`, `MATERIALIZED VIEW`) names, any case.
    pub(super) fn from_keyword(keyword: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.keyword().eq_ignore_ascii_case(keyword))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.keyword().to_ascii_lowercase())
    }
}
