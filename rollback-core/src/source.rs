//! Reading a migrations folder: the three layouts, the pairing rules, and the
//! checks that the macro, `cargo rollback check` and the CLI loader share.

mod sections;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::str::FromStr;

use crate::checksum::normalize;
use crate::error::{LoadError, LoadErrors, LoadWarning};
use crate::migration::{Layout, Migration, MigrationParts, MigrationSet};
use crate::script::{Directives, Script, read_directives};
use crate::version::{Version, VersionOrder, split_file_stem};
use sections::{has_markers, split_sections, up_section_only};

/// What to make of a down script that is empty or holds only comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmptyDown {
    /// Refuse it: a down must undo its up or say why it cannot.
    #[default]
    Error,
    /// Accept it as irreversible, with a warning: for folders adopted from
    /// tools that allowed empty downs.
    Irreversible,
}

impl EmptyDown {
    /// The spelling used in `Cargo.toml`, on the command line and in the macro.
    pub fn as_str(self) -> &'static str {
        match self {
            EmptyDown::Error => "error",
            EmptyDown::Irreversible => "irreversible",
        }
    }
}

impl FromStr for EmptyDown {
    type Err = String;

    fn from_str(value: &str) -> Result<EmptyDown, String> {
        match value {
            "error" => Ok(EmptyDown::Error),
            "irreversible" => Ok(EmptyDown::Irreversible),
            other => Err(format!(
                "invalid value `{other}` (expected `error` or `irreversible`)"
            )),
        }
    }
}

/// How a folder is read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// What an empty down means.
    pub empty_down: EmptyDown,
    /// Whether an up without its down file loads, with an empty down at the
    /// path the down belongs (which `empty_down` then judges): for
    /// `generate`, which writes that file. Off, a missing down is an error.
    pub allow_missing_down: bool,
}

/// A folder read successfully.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The migrations, sorted.
    pub migrations: MigrationSet,
    /// What was accepted but deserves a look.
    pub warnings: Vec<LoadWarning>,
}

/// Reads every migration in `dir`. File names in messages start with `dir` as given.
///
/// ```rust
/// use rollback_core::{LoadError, LoadOptions, load};
///
/// let dir = tempfile::tempdir()?;
/// let up = dir.path().join("20260112093000_create_users.up.sql");
/// std::fs::write(&up, "CREATE TABLE users (id INTEGER PRIMARY KEY);\n")?;
///
/// // An up without its down does not load.
/// let errors = load(dir.path(), &LoadOptions::default()).unwrap_err();
/// assert!(matches!(errors.0[..], [LoadError::MissingDown { .. }]));
///
/// let down = dir.path().join("20260112093000_create_users.down.sql");
/// std::fs::write(&down, "DROP TABLE users;\n")?;
/// let loaded = load(dir.path(), &LoadOptions::default())?;
/// let [users] = loaded.migrations.migrations() else {
///     panic!("one migration");
/// };
/// assert_eq!(users.to_string(), "20260112093000 create_users");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load(dir: &Path, options: &LoadOptions) -> Result<Loaded, LoadErrors> {
    load_shown_as(dir, &dir.display().to_string(), options)
}

/// Reads every migration in `dir`, naming files in messages and in
/// [`Migration::up_path`] as `shown/<file>` (the macro reads an absolute path
/// but names files as the user wrote the folder).
pub fn load_shown_as(dir: &Path, shown: &str, options: &LoadOptions) -> Result<Loaded, LoadErrors> {
    let mut reader = Reader {
        dir,
        shown: shown.trim_end_matches(['/', '\\']).to_owned(),
        options,
        errors: Vec::new(),
        warnings: Vec::new(),
        parts: Vec::new(),
    };
    reader.read_folder();
    reader.finish()
}

struct Reader<'a> {
    dir: &'a Path,
    shown: String,
    options: &'a LoadOptions,
    errors: Vec<LoadError>,
    warnings: Vec<LoadWarning>,
    parts: Vec<MigrationParts>,
}

/// A script file before its partner is known.
struct ScriptFile {
    path: String,
    text: String,
    /// The file line where the text starts (1 unless it is a section).
    first_line: u32,
}

/// The two halves of a flat migration; `Some(None)` is a file that exists
/// but could not be read (its error is already reported).
#[derive(Default)]
struct FlatPair {
    up: Option<Option<ScriptFile>>,
    down: Option<Option<ScriptFile>>,
}

impl Reader<'_> {
    fn show(&self, relative: &str) -> String {
        if self.shown.is_empty() {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.shown)
        }
    }

    fn read_folder(&mut self) {
        let entries = match fs::read_dir(self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                self.errors.push(LoadError::MissingFolder {
                    path: self.shown.clone(),
                });
                return;
            }
            Err(error) => {
                self.errors.push(io_error(self.shown.clone(), &error));
                return;
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(error) => self.errors.push(io_error(self.shown.clone(), &error)),
            }
        }
        names.sort();

        let mut flat: BTreeMap<String, FlatPair> = BTreeMap::new();
        for os_name in names {
            let Some(name) = os_name.to_str() else {
                let lossy = os_name.to_string_lossy();
                if lossy.ends_with(".sql") || split_file_stem(&lossy).is_some() {
                    self.errors.push(LoadError::NonUtf8Name {
                        path: self.show(&lossy),
                    });
                }
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let path = self.dir.join(name);
            if path.is_dir() {
                self.read_directory_migration(name, &path);
            } else if let Some(stem) = name.strip_suffix(".up.sql") {
                let file = self.read_script(name, &path);
                flat.entry(stem.to_owned()).or_default().up = Some(file);
            } else if let Some(stem) = name.strip_suffix(".down.sql") {
                let file = self.read_script(name, &path);
                flat.entry(stem.to_owned()).or_default().down = Some(file);
            } else if let Some(stem) = name.strip_suffix(".sql") {
                self.read_single_file(name, stem, &path);
            }
        }
        for (stem, pair) in flat {
            self.pair_flat(&stem, pair);
        }
    }

    fn read_script(&mut self, relative: &str, path: &Path) -> Option<ScriptFile> {
        let shown = self.show(relative);
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.errors.push(io_error(shown, &error));
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Some(ScriptFile {
                path: shown,
                text: normalize(&text).into_owned(),
                first_line: 1,
            }),
            Err(error) => {
                self.errors.push(LoadError::NonUtf8Text {
                    path: shown,
                    offset: error.utf8_error().valid_up_to(),
                });
                None
            }
        }
    }

    fn pair_flat(&mut self, stem: &str, pair: FlatPair) {
        let Some((version, name)) = split_file_stem(stem) else {
            for file in [pair.up, pair.down].into_iter().flatten().flatten() {
                let suffix = if file.path.ends_with(".up.sql") {
                    ".up.sql"
                } else {
                    ".down.sql"
                };
                self.errors.push(LoadError::MalformedName {
                    path: file.path,
                    example: format!("20260112093000_{}{suffix}", example_name(stem)),
                });
            }
            return;
        };
        match (pair.up, pair.down) {
            (Some(Some(up)), Some(Some(down))) => self.add(
                Version::from_text(version.to_owned()),
                name,
                Layout::Flat,
                up,
                down,
                false,
            ),
            (Some(Some(up)), None) => {
                let expected = self.show(&format!("{stem}.down.sql"));
                self.missing_down(
                    Version::from_text(version.to_owned()),
                    name,
                    Layout::Flat,
                    up,
                    expected,
                );
            }
            (None, Some(Some(down))) => self.errors.push(LoadError::MissingUp {
                path: down.path,
                expected: self.show(&format!("{stem}.up.sql")),
            }),
            // One half could not be read, and said so; or neither exists.
            _ => {}
        }
    }

    fn read_directory_migration(&mut self, dir_name: &str, path: &Path) {
        let up_path = path.join("up.sql");
        let down_path = path.join("down.sql");
        let has_up = up_path.is_file();
        let has_down = down_path.is_file();
        let version = split_file_stem(dir_name);
        let Some((version, name)) = version else {
            if has_up || has_down {
                self.errors.push(LoadError::MalformedName {
                    path: self.show(dir_name),
                    example: format!("20260112093000_{}/", example_name(dir_name)),
                });
            }
            return;
        };
        let up_relative = format!("{dir_name}/up.sql");
        let down_relative = format!("{dir_name}/down.sql");
        if !has_up {
            let error = if has_down {
                LoadError::MissingUp {
                    path: self.show(&down_relative),
                    expected: self.show(&up_relative),
                }
            } else {
                LoadError::Markers {
                    path: self.show(dir_name),
                    message: "migration folder holds neither up.sql nor down.sql".to_owned(),
                }
            };
            self.errors.push(error);
            return;
        }
        if !has_down {
            if let Some(up) = self.read_script(&up_relative, &up_path) {
                let expected = self.show(&down_relative);
                self.missing_down(
                    Version::from_text(version.to_owned()),
                    name,
                    Layout::Directory,
                    up,
                    expected,
                );
            }
            return;
        }
        let no_transaction = self.read_metadata(dir_name, &path.join("metadata.toml"));
        let up = self.read_script(&up_relative, &up_path);
        let down = self.read_script(&down_relative, &down_path);
        if let (Some(up), Some(down), Some(no_transaction)) = (up, down, no_transaction) {
            self.add(
                Version::from_text(version.to_owned()),
                name,
                Layout::Directory,
                up,
                down,
                no_transaction,
            );
        }
    }

    /// diesel's `run_in_transaction = false`; `None` when the file is invalid.
    fn read_metadata(&mut self, dir_name: &str, path: &Path) -> Option<bool> {
        if !path.is_file() {
            return Some(false);
        }
        let relative = format!("{dir_name}/metadata.toml");
        let file = self.read_script(&relative, path)?;
        let table = match file.text.parse::<toml::Table>() {
            Ok(table) => table,
            Err(error) => {
                self.errors.push(LoadError::Metadata {
                    path: file.path,
                    message: error.message().to_owned(),
                });
                return None;
            }
        };
        match table.get("run_in_transaction") {
            None => Some(false),
            Some(toml::Value::Boolean(run_in_transaction)) => Some(!run_in_transaction),
            Some(other) => {
                let other = other.type_str();
                self.errors.push(LoadError::Metadata {
                    path: file.path,
                    message: format!("run_in_transaction must be true or false, not a {other}"),
                });
                None
            }
        }
    }

    fn read_single_file(&mut self, file_name: &str, stem: &str, path: &Path) {
        let version = split_file_stem(stem);
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.errors.push(io_error(self.show(file_name), &error));
                return;
            }
        };
        if version.is_none() && !has_markers(&String::from_utf8_lossy(&bytes)) {
            self.warnings.push(LoadWarning::NotAMigration {
                path: self.show(file_name),
            });
            return;
        }
        let Some(file) = self.read_script(file_name, path) else {
            return;
        };
        let Some((version, name)) = version else {
            self.errors.push(LoadError::MalformedName {
                path: file.path,
                example: format!("20260112093000_{}.sql", example_name(stem)),
            });
            return;
        };
        let sections = match split_sections(&file.text) {
            Ok(sections) => sections,
            // An up without its down, which `generate` writes: sqlx's
            // simple migration, or a dbmate file without its down section.
            Err(_) if self.options.allow_missing_down && !has_markers(&file.text) => {
                let expected = self.show(&format!("{stem}.down.sql"));
                let version = Version::from_text(version.to_owned());
                self.missing_down(version, name, Layout::Simple, file, expected);
                return;
            }
            Err(message) => match up_section_only(&file.text) {
                Some(sections) if self.options.allow_missing_down => sections,
                _ => {
                    self.errors.push(LoadError::Markers {
                        path: file.path,
                        message,
                    });
                    return;
                }
            },
        };
        let (up_no_transaction, down_no_transaction) =
            (sections.up_no_transaction, sections.down_no_transaction);
        let up = ScriptFile {
            path: file.path.clone(),
            text: sections.up.to_owned(),
            first_line: sections.up_line,
        };
        let down = ScriptFile {
            path: file.path.clone(),
            text: sections.down.to_owned(),
            first_line: sections.down_line,
        };
        self.add_with(
            Version::from_text(version.to_owned()),
            name,
            Layout::SingleFile,
            (up, up_no_transaction),
            (down, down_no_transaction),
        );
    }

    fn add(
        &mut self,
        version: Version,
        name: &str,
        layout: Layout,
        up: ScriptFile,
        down: ScriptFile,
        no_transaction: bool,
    ) {
        self.add_with(
            version,
            name,
            layout,
            (up, no_transaction),
            (down, no_transaction),
        );
    }

    /// An up whose down file does not exist: an error, or with
    /// [`LoadOptions::allow_missing_down`] a migration with an empty down.
    fn missing_down(
        &mut self,
        version: Version,
        name: &str,
        layout: Layout,
        up: ScriptFile,
        expected: String,
    ) {
        if !self.options.allow_missing_down {
            self.errors.push(LoadError::MissingDown {
                path: up.path,
                expected,
            });
            return;
        }
        let down = ScriptFile {
            path: expected,
            text: String::new(),
            first_line: 1,
        };
        self.add(version, name, layout, up, down, false);
    }

    /// Applies the script rules (directives, empty downs) and keeps the migration.
    fn add_with(
        &mut self,
        version: Version,
        name: &str,
        layout: Layout,
        (up, up_no_transaction): (ScriptFile, bool),
        (down, down_no_transaction): (ScriptFile, bool),
    ) {
        let up_directives = self.directives(&up);
        let down_directives = self.directives(&down);
        let (Some(up_directives), Some(down_directives)) = (up_directives, down_directives) else {
            return;
        };
        if up_directives.irreversible.is_some() {
            self.errors.push(LoadError::Directive {
                path: up.path,
                message: "`-- rollback:irreversible` belongs in the down script, not the up"
                    .to_owned(),
            });
            return;
        }
        let up_script =
            Script::from_text(&up.text, up_no_transaction || up_directives.no_transaction)
                .starting_at_line(up.first_line);
        let down_script = Script::from_text(
            &down.text,
            down_no_transaction || down_directives.no_transaction,
        )
        .starting_at_line(down.first_line);
        let irreversible = match down_directives.irreversible {
            Some(reason) if reason.is_empty() => Some("marked irreversible".to_owned()),
            Some(reason) => Some(reason),
            None if down_script.is_blank() => match self.options.empty_down {
                EmptyDown::Error => {
                    self.errors.push(LoadError::EmptyDown { path: down.path });
                    return;
                }
                EmptyDown::Irreversible => {
                    self.warnings.push(LoadWarning::EmptyDownIrreversible {
                        path: down.path.clone(),
                    });
                    Some("the down script is empty".to_owned())
                }
            },
            None => None,
        };
        self.parts.push(MigrationParts {
            version,
            name: name.to_owned(),
            layout,
            up: up_script,
            down: down_script,
            irreversible,
            up_path: up.path,
            down_path: down.path,
        });
    }

    fn directives(&mut self, file: &ScriptFile) -> Option<Directives> {
        match read_directives(&file.text) {
            Ok(directives) => Some(directives),
            Err(message) => {
                self.errors.push(LoadError::Directive {
                    path: file.path.clone(),
                    message,
                });
                None
            }
        }
    }

    fn finish(mut self) -> Result<Loaded, LoadErrors> {
        let order = VersionOrder::for_versions(self.parts.iter().map(|part| &part.version));
        self.parts.sort_by(|a, b| {
            order
                .compare(&a.version, &b.version)
                .then(a.up_path.cmp(&b.up_path))
        });
        for pair in self.parts.windows(2) {
            let (first, second) = (&pair[0], &pair[1]);
            if order.compare(&first.version, &second.version).is_ne() {
                continue;
            }
            self.errors
                .push(if first.version.as_str() == second.version.as_str() {
                    LoadError::DuplicateVersion {
                        version: first.version.to_string(),
                        first: first.up_path.clone(),
                        second: second.up_path.clone(),
                    }
                } else {
                    LoadError::SameDigits {
                        first: first.up_path.clone(),
                        second: second.up_path.clone(),
                        digits: order.key(&first.version),
                    }
                });
        }
        if !self.errors.is_empty() {
            return Err(LoadErrors(self.errors));
        }
        let migrations = self.parts.into_iter().map(Migration::from_parts).collect();
        Ok(Loaded {
            migrations: MigrationSet::new(migrations),
            warnings: self.warnings,
        })
    }
}

fn io_error(path: String, error: &io::Error) -> LoadError {
    LoadError::Io {
        path,
        message: error.to_string(),
    }
}

/// A readable name for the example in a "name does not start with a version" message.
fn example_name(stem: &str) -> &str {
    let trimmed = stem.trim_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() {
        "create_users"
    } else {
        trimmed
    }
}
