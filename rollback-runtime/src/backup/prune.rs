//! Which backups a prune deletes: the rule a team sets for how long copies of
//! deleted data are kept, as a pure choice over the backup catalog.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::record::Backup;

/// Which backups a prune deletes. A backup (the copies one rollback took of
/// one migration's down) is deleted when every condition given holds: it is
/// older than `older_than`, and it is not one of the `keep` newest. With
/// neither, nothing is deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneRule {
    /// Delete only backups taken longer ago than this.
    pub older_than: Option<Duration>,
    /// Keep this many of the newest backups, whatever their age.
    pub keep: Option<usize>,
}

impl PruneRule {
    /// A rule that deletes nothing until a condition is set.
    pub fn new() -> PruneRule {
        PruneRule::default()
    }

    /// Delete only backups taken longer ago than `age`.
    pub fn older_than(mut self, age: impl Into<Option<Duration>>) -> Self {
        self.older_than = age.into();
        self
    }

    /// Keep the `count` newest backups.
    pub fn keep(mut self, count: impl Into<Option<usize>>) -> Self {
        self.keep = count.into();
        self
    }

    /// Whether the rule has a condition, and so deletes anything at all.
    pub fn is_set(&self) -> bool {
        self.older_than.is_some() || self.keep.is_some()
    }

    /// The backups of `backups` (oldest first, as the catalog lists them)
    /// that the rule deletes at `now`, oldest first.
    pub fn select<'b>(&self, backups: &'b [Backup], now: DateTime<Utc>) -> Vec<&'b Backup> {
        if !self.is_set() {
            return Vec::new();
        }
        let mut newest_first: Vec<&Backup> = backups.iter().collect();
        newest_first.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let kept = self.keep.unwrap_or(0);
        let mut chosen: Vec<&Backup> = newest_first
            .into_iter()
            .skip(kept)
            .filter(|backup| match self.older_than {
                // An age beyond what a timestamp can hold: nothing is that old.
                Some(age) => chrono::Duration::from_std(age)
                    .ok()
                    .and_then(|age| now.checked_sub_signed(age))
                    .is_some_and(|cutoff| backup.created_at < cutoff),
                None => true,
            })
            .collect();
        chosen.reverse();
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: i64, hours_ago: i64, now: DateTime<Utc>) -> Backup {
        Backup {
            id,
            version: id.to_string(),
            name: String::new(),
            created_at: now - chrono::Duration::hours(hours_ago),
            rows: 1,
            bytes: 0,
            restored_at: None,
            items: Vec::new(),
        }
    }

    fn ids(chosen: &[&Backup]) -> Vec<i64> {
        chosen.iter().map(|backup| backup.id).collect()
    }

    #[test]
    fn age_count_and_both_together() {
        let now = Utc::now();
        let backups = [
            backup(1, 100, now),
            backup(2, 50, now),
            backup(3, 10, now),
            backup(4, 1, now),
        ];
        let day = Duration::from_secs(24 * 3600);
        assert!(PruneRule::new().select(&backups, now).is_empty());
        assert_eq!(
            ids(&PruneRule::new().older_than(day).select(&backups, now)),
            [1, 2]
        );
        assert_eq!(
            ids(&PruneRule::new().keep(1).select(&backups, now)),
            [1, 2, 3]
        );
        assert_eq!(
            ids(&PruneRule::new()
                .keep(3)
                .older_than(day)
                .select(&backups, now)),
            [1]
        );
        assert!(PruneRule::new().keep(9).select(&backups, now).is_empty());
        assert!(
            PruneRule::new()
                .older_than(Duration::from_secs(u64::MAX))
                .select(&backups, now)
                .is_empty()
        );
    }
}
