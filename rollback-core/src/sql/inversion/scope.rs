//! What the up has created so far, read in statement order, and the table
//! rebuilds of the whole up: what decides that a statement needs no undoing
//! because the down drops its object anyway.

use super::kind::Kind;
use crate::sql::analysis::rebuild::Rebuild;
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, same_table};

/// The state of the up at the statement being inverted.
#[derive(Debug)]
pub(super) struct Scope {
    dialect: Dialect,
    /// The objects the up created before this statement, under their
    /// current names (a created table follows its renames).
    created: Vec<(Kind, TableName)>,
    /// Every rebuild of the up: the `DROP TABLE`'s statement index, the
    /// dropped table, the rebuild.
    rebuilds: Vec<(usize, TableName, Rebuild)>,
    /// The index of the statement being inverted.
    statement: usize,
}

impl Scope {
    pub(super) fn new(dialect: Dialect, rebuilds: Vec<(usize, TableName, Rebuild)>) -> Scope {
        Scope {
            dialect,
            created: Vec::new(),
            rebuilds,
            statement: 0,
        }
    }

    pub(super) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Moves to the statement at `index` of the up (in `split` order).
    pub(super) fn enter(&mut self, index: usize) {
        self.statement = index;
    }

    pub(super) fn create(&mut self, kind: Kind, name: TableName) {
        self.created.push((kind, name));
    }

    /// Why a statement on the object needs no undoing, when the up created
    /// it before this statement: the down drops it.
    pub(super) fn created(&self, kind: Kind, name: &TableName) -> Option<String> {
        self.position(kind, name)
            .map(|_| format!("the down drops {kind} {name}, which this up creates"))
    }

    /// Forgets a dropped object, if the up created it: what a later
    /// statement does to the same name is not done to it.
    pub(super) fn forget(&mut self, kind: Kind, name: &TableName) {
        if let Some(index) = self.position(kind, name) {
            self.created.remove(index);
        }
    }

    /// Follows a table renamed by the up, if the up created it.
    pub(super) fn rename_table(&mut self, from: &TableName, to: TableName) {
        self.rename(Kind::Table, from, to);
    }

    /// Follows an object renamed by the up, if the up created it.
    pub(super) fn rename(&mut self, kind: Kind, from: &TableName, to: TableName) {
        if let Some(index) = self.position(kind, from) {
            self.created[index].1 = to;
        }
    }

    /// Why a statement acting on `table` (its index, trigger, rows…) needs
    /// no undoing: the up created the table, and the down drops it.
    pub(super) fn on_created_table(&self, table: &TableName) -> Option<String> {
        self.created(Kind::Table, table)
    }

    /// Whether renaming `from` to `to` puts a rebuilt table in place of the
    /// one the up dropped before (SQLite's `DROP TABLE t; ALTER TABLE new_t
    /// RENAME TO t`; not the rename away of the other order).
    pub(super) fn completes_rebuild(&self, from: &TableName, to: &TableName) -> bool {
        self.rebuilds.iter().any(|(index, dropped, rebuild)| {
            *index < self.statement
                && same_table(&rebuild.renamed, from, self.dialect)
                && same_table(dropped, to, self.dialect)
        })
    }

    /// The rebuild that this statement's drop of `table` is half of.
    pub(super) fn rebuild_of(&self, table: &TableName) -> Option<&Rebuild> {
        self.rebuilds
            .iter()
            .find(|(index, dropped, _)| *index == self.statement && dropped == table)
            .map(|(_, _, rebuild)| rebuild)
    }

    fn position(&self, kind: Kind, name: &TableName) -> Option<usize> {
        self.created
            .iter()
            .position(|(k, n)| *k == kind && same_table(n, name, self.dialect))
    }
}
