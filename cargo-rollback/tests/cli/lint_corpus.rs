//! `cargo rollback lint` over every folder of the corpus (../shared/corpus)
//! in its own dialect: it must finish without crashing, with exit 0 or 1
//! and a JSON report covering every migration. The figures per rule, and a
//! review of them, are in docs/lint.md.

use crate::corpus::corpus;
use crate::support::Project;

/// Each corpus folder, its dialect (from its SOURCE.md) and its migrations.
const FOLDERS: [(&str, &str, u64); 11] = [
    ("crates-io", "postgres", 285),
    ("docs-rs", "postgres", 33),
    ("lemmy", "postgres", 342),
    ("ncps-dbmate-mysql", "mysql", 8),
    ("ncps-dbmate-postgres", "postgres", 8),
    ("ncps-dbmate-sqlite", "sqlite", 14),
    ("oxidrive-postgres", "postgres", 8),
    ("oxidrive-sqlite", "sqlite", 8),
    ("vaultwarden-mysql", "mysql", 55),
    ("vaultwarden-postgresql", "postgres", 46),
    ("vaultwarden-sqlite", "sqlite", 56),
];

#[test]
fn lint_reads_every_corpus_folder() {
    let project = Project::new();
    for (name, dialect, migrations) in FOLDERS {
        let Some(folder) = corpus(name) else {
            return;
        };
        let run = project.run_bare(&[
            "lint",
            folder.to_str().unwrap(),
            "--dialect",
            dialect,
            "--format",
            "json",
        ]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        let report = run.json();
        assert_eq!(report["summary"]["migrations"], migrations, "{name}");
        let errors = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["severity"] == "error")
            .count();
        assert_eq!(
            run.code == 1,
            errors > 0,
            "{name}: exit {} with {errors} errors",
            run.code
        );
    }
}
