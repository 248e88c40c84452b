//! What a real subscriber sees of runs on a real SQLite database: the spans
//! of each run, migration and statement, with the fields they end with.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::{Error, Migrator, Selection};

/// A span or an event as the subscriber saw it.
#[derive(Debug, Clone, Default)]
struct Seen {
    /// A span's name; an event's message.
    name: String,
    /// Every field recorded, as text, in the order recorded.
    fields: Vec<(String, String)>,
    /// An event's span.
    span: Option<String>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A layer that keeps what it is told.
#[derive(Clone, Default)]
struct Collect {
    spans: Arc<Mutex<Vec<(Id, Seen)>>>,
    events: Arc<Mutex<Vec<Seen>>>,
}

struct Fields<'a>(&'a mut Seen);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.push(field, format!("{value:?}"));
    }
}

impl Fields<'_> {
    fn push(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.0.name = value;
        } else {
            self.0.fields.push((field.name().to_owned(), value));
        }
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Collect {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut seen = Seen {
            name: attributes.metadata().name().to_owned(),
            ..Seen::default()
        };
        let message = std::mem::take(&mut seen.name);
        attributes.record(&mut Fields(&mut seen));
        seen.name = message;
        self.spans.lock().unwrap().push((id.clone(), seen));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.spans.lock().unwrap();
        if let Some((_, seen)) = spans.iter_mut().rev().find(|(seen, _)| seen == id) {
            values.record(&mut Fields(seen));
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        let mut seen = Seen {
            span: context.event_span(event).map(|span| span.name().to_owned()),
            ..Seen::default()
        };
        event.record(&mut Fields(&mut seen));
        self.events.lock().unwrap().push(seen);
    }
}

impl Collect {
    fn spans(&self, name: &str) -> Vec<Seen> {
        let spans = self.spans.lock().unwrap();
        spans
            .iter()
            .filter(|(_, seen)| seen.name == name)
            .map(|(_, seen)| seen.clone())
            .collect()
    }

    fn events(&self, message: &str) -> Vec<Seen> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|seen| seen.name == message)
            .cloned()
            .collect()
    }
}

/// A migrations folder in `dir` with one migration per (name, up, down),
/// and the URL of a SQLite file beside it.
fn migrator(dir: &Path, migrations: &[(&str, &str, &str)]) -> (Migrator, String) {
    let folder = dir.join("migrations");
    std::fs::create_dir(&folder).unwrap();
    for (name, up, down) in migrations {
        std::fs::write(folder.join(format!("{name}.up.sql")), up).unwrap();
        std::fs::write(folder.join(format!("{name}.down.sql")), down).unwrap();
    }
    let migrator = Migrator::from_folder(&folder, &Default::default()).unwrap();
    (migrator, format!("sqlite:{}", dir.join("app.db").display()))
}

/// Runs `work` with `collect` as the thread's subscriber (the test's runtime
/// runs every future on this thread).
async fn watched<T>(collect: &Collect, work: impl Future<Output = T>) -> T {
    let subscriber = tracing_subscriber::registry().with(collect.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    work.await
}

#[tokio::test]
async fn an_apply_and_a_revert_show_their_runs_migrations_and_statements() {
    let dir = tempfile::tempdir().unwrap();
    let (migrator, url) = migrator(
        dir.path(),
        &[(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
             INSERT INTO users (id, email) VALUES (1, 'a@example.com');",
            "DROP TABLE users;",
        )],
    );
    let collect = Collect::default();
    watched(&collect, async {
        migrator.run(&url).await.unwrap();
        migrator
            .runner()
            .revert(&url, Selection::Last(1))
            .await
            .unwrap();
    })
    .await;

    let runs = collect.spans("rollback.run");
    let operations: Vec<_> = runs.iter().map(|run| run.field("operation")).collect();
    assert_eq!(operations, [Some("apply"), Some("revert")]);
    for run in &runs {
        assert_eq!(run.field("dialect"), Some("SQLite"));
        assert!(
            run.field("database").unwrap().ends_with("app.db"),
            "{run:?}"
        );
        assert_eq!(run.field("outcome"), Some("success"), "{run:?}");
        assert!(run.field("duration_ms").is_some(), "{run:?}");
    }

    let migrations = collect.spans("rollback.migration");
    let directions: Vec<_> = migrations
        .iter()
        .map(|migration| {
            (
                migration.field("version"),
                migration.field("name"),
                migration.field("direction"),
                migration.field("outcome"),
            )
        })
        .collect();
    assert_eq!(
        directions,
        [
            (Some("1"), Some("users"), Some("up"), Some("success")),
            (Some("1"), Some("users"), Some("down"), Some("success")),
        ]
    );
    // The down dropped a table of one row, copied first.
    assert_eq!(migrations[1].field("rows_backed_up"), Some("1"));
    assert!(migrations[1].field("backup_id").is_some());

    let statements: Vec<_> = collect
        .spans("rollback.statement")
        .into_iter()
        .map(|statement| {
            assert_eq!(statement.field("outcome"), Some("success"));
            assert!(statement.field("duration_ms").is_some());
            statement.field("statement").unwrap().to_owned()
        })
        .collect();
    assert_eq!(statements.len(), 3, "{statements:?}");
    assert!(statements[0].starts_with("CREATE TABLE users"));
    assert!(statements[1].starts_with("INSERT INTO users"));
    assert!(statements[2].starts_with("DROP TABLE users"));

    let finished = collect.events("migration finished");
    assert_eq!(finished.len(), 2);
    assert!(
        finished
            .iter()
            .all(|event| event.span.as_deref() == Some("rollback.migration"))
    );
    assert_eq!(collect.events("run finished").len(), 2);
}

#[tokio::test]
async fn a_failed_statement_fails_its_migration_and_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let (migrator, url) = migrator(
        dir.path(),
        &[(
            "1_broken",
            "CREATE TABLE a (id INTEGER);\nINSERT INTO missing VALUES (1);",
            "DROP TABLE a;",
        )],
    );
    let collect = Collect::default();
    let result = watched(&collect, migrator.run(&url)).await;
    assert!(matches!(result, Err(Error::Statement(_))), "{result:?}");

    let statements = collect.spans("rollback.statement");
    let outcomes: Vec<_> = statements
        .iter()
        .map(|statement| statement.field("outcome"))
        .collect();
    assert_eq!(outcomes, [Some("success"), Some("failure")]);
    assert!(
        statements[1]
            .field("error")
            .unwrap()
            .contains("no such table: missing")
    );
    for name in ["rollback.migration", "rollback.run"] {
        let spans = collect.spans(name);
        assert_eq!(spans.len(), 1, "{name}");
        assert_eq!(spans[0].field("outcome"), Some("failure"), "{name}");
        assert!(
            spans[0].field("error").unwrap().contains("1 broken"),
            "{name}: {:?}",
            spans[0]
        );
    }
    assert_eq!(collect.events("migration failed").len(), 1);
}
