//! A migration (an up and its down) and a sorted set of them.

use std::borrow::Cow;
use std::fmt;

use crate::script::Script;
use crate::version::{Version, VersionOrder};

/// Which of the three file layouts a migration was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// sqlx's reversible pair: `V_name.up.sql` and `V_name.down.sql`.
    Flat,
    /// diesel's folder: `V_name/up.sql`, `V_name/down.sql`, optional `metadata.toml`.
    Directory,
    /// dbmate's single file: `V_name.sql` with `-- migrate:up` and `-- migrate:down`.
    SingleFile,
    /// sqlx's simple migration: `V_name.sql` without markers, an up with no
    /// down. Read only where a missing down is allowed (`generate`, which
    /// writes `V_name.down.sql` and renames the up `V_name.up.sql`, its
    /// text unchanged): a migration needs its down.
    Simple,
}

impl Layout {
    /// The name used on the command line (`new --layout flat|dir|single`);
    /// `simple` for sqlx's simple migration, which `new` does not create.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Flat => "flat",
            Layout::Directory => "dir",
            Layout::SingleFile => "single",
            Layout::Simple => "simple",
        }
    }
}

/// One reversible migration: its up, its down, and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    version: Version,
    name: Cow<'static, str>,
    layout: Layout,
    up: Script,
    down: Script,
    irreversible: Option<Cow<'static, str>>,
    up_path: Cow<'static, str>,
    down_path: Cow<'static, str>,
}

/// The parts of a migration, gathered by the folder reader before validation.
#[derive(Debug, Clone)]
pub(crate) struct MigrationParts {
    pub version: Version,
    pub name: String,
    pub layout: Layout,
    pub up: Script,
    pub down: Script,
    pub irreversible: Option<String>,
    pub up_path: String,
    pub down_path: String,
}

impl Migration {
    pub(crate) fn from_parts(parts: MigrationParts) -> Migration {
        Migration {
            version: parts.version,
            name: Cow::Owned(parts.name),
            layout: parts.layout,
            up: parts.up,
            down: parts.down,
            irreversible: parts.irreversible.map(Cow::Owned),
            up_path: Cow::Owned(parts.up_path),
            down_path: Cow::Owned(parts.down_path),
        }
    }

    /// Builds a migration in a `static` (the code `embed_migrations!` writes).
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __embedded(
        version: Version,
        name: &'static str,
        layout: Layout,
        up: Script,
        down: Script,
        irreversible: Option<&'static str>,
        up_path: &'static str,
        down_path: &'static str,
    ) -> Migration {
        Migration {
            version,
            name: Cow::Borrowed(name),
            layout,
            up,
            down,
            irreversible: match irreversible {
                Some(reason) => Some(Cow::Borrowed(reason)),
                None => None,
            },
            up_path: Cow::Borrowed(up_path),
            down_path: Cow::Borrowed(down_path),
        }
    }

    /// The same migration with another down, reversible: `generate` checks
    /// the down it wrote before it writes the file.
    pub fn with_down(&self, down: Script) -> Migration {
        Migration {
            down,
            irreversible: None,
            ..self.clone()
        }
    }

    /// The version, as written in the file name.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// The name after the version (`create_users`); may be empty.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The layout the migration was read from.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The up script.
    pub fn up(&self) -> &Script {
        &self.up
    }

    /// The down script (for an irreversible migration, the file as written).
    pub fn down(&self) -> &Script {
        &self.down
    }

    /// Why the migration cannot be reverted, when it cannot.
    pub fn irreversible(&self) -> Option<&str> {
        self.irreversible.as_deref()
    }

    /// The file holding the up script, relative to where the folder was named.
    pub fn up_path(&self) -> &str {
        &self.up_path
    }

    /// The file holding the down script (the same file for the single-file layout).
    pub fn down_path(&self) -> &str {
        &self.down_path
    }
}

impl fmt::Display for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.version)
        } else {
            write!(f, "{} {}", self.version, self.name)
        }
    }
}

/// The migrations of one folder, sorted by version, with the order their
/// versions follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSet {
    migrations: Cow<'static, [Migration]>,
    order: VersionOrder,
}

impl MigrationSet {
    /// Sorts `migrations` in the order their versions call for. The caller has
    /// checked that no two share a version (the folder reader and the macro do).
    pub fn new(mut migrations: Vec<Migration>) -> MigrationSet {
        let order = VersionOrder::for_versions(migrations.iter().map(Migration::version));
        migrations.sort_by(|a, b| order.compare(a.version(), b.version()));
        MigrationSet {
            migrations: Cow::Owned(migrations),
            order,
        }
    }

    /// Builds a set in a `static` from migrations already sorted at compile time.
    #[doc(hidden)]
    pub const fn __embedded(migrations: &'static [Migration], order: VersionOrder) -> MigrationSet {
        MigrationSet {
            migrations: Cow::Borrowed(migrations),
            order,
        }
    }

    /// The migrations, oldest version first.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// How versions of this set compare.
    pub fn order(&self) -> VersionOrder {
        self.order
    }

    /// The migration with this version (any spelling with the same digits).
    /// A binary search of the sorted set: the engine looks up every tracking
    /// row, so a scan would make a run quadratic in the number of migrations.
    pub fn find(&self, version: &Version) -> Option<&Migration> {
        self.migrations
            .binary_search_by(|migration| self.order.compare(migration.version(), version))
            .ok()
            .map(|index| &self.migrations[index])
    }
}
