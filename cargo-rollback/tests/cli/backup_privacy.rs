//! Backups never widen access: a role kept from data by row-level security,
//! by column grants or by table grants cannot read the copies a rollback
//! makes of it. Real roles and users, created for the test and dropped
//! after it.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AnyConnection, AssertSqlSafe, Connection, Row};

use crate::support::{Db, Project};

/// A name no other test run uses: roles and users are server-wide.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{nanos}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its user part replaced by `user` (and `password`).
fn url_as(url: &str, user: &str, password: Option<&str>) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    match password {
        Some(password) => format!("{scheme}://{user}:{password}@{host}"),
        None => format!("{scheme}://{user}@{host}"),
    }
}

/// The first column of each row `sql` returns when run as whoever `url`
/// names, or the database's error.
fn query_as(url: &str, sql: &str) -> Result<Vec<String>, String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                sqlx::any::install_default_drivers();
                let mut conn = AnyConnection::connect(&url)
                    .await
                    .map_err(|error| error.to_string())?;
                let rows = sqlx::query(AssertSqlSafe(sql))
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|error| error.to_string());
                let _ = conn.close().await;
                Ok(rows?
                    .iter()
                    .map(|row| {
                        row.try_get::<String, _>(0)
                            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
                            .unwrap_or_else(|_| "NULL".to_owned())
                    })
                    .collect())
            })
    })
    .join()
    .unwrap()
}

#[track_caller]
fn denied(result: Result<Vec<String>, String>, what: &str) {
    match result {
        Err(error) => assert!(
            error.contains("permission denied") || error.contains("command denied"),
            "{what}: {error}"
        ),
        Ok(rows) => panic!("{what} was readable: {rows:?}"),
    }
}

/// PostgreSQL roles that are dropped, with what they own and were granted
/// in the test's database, when the test ends, however it ends.
struct PgRoles<'p> {
    project: &'p Project,
    names: Vec<String>,
}

impl Drop for PgRoles<'_> {
    fn drop(&mut self) {
        // One role at a time: a default privilege of one role for the
        // other would otherwise be dropped twice.
        for name in &self.names {
            self.project
                .execute(&format!("DROP OWNED BY {name} CASCADE"));
        }
        self.project
            .execute(&format!("DROP ROLE {}", self.names.join(", ")));
    }
}

/// A team on PostgreSQL: the migrations run as `owner`, a role that is not a
/// superuser; `tenant` reads `notes` through row-level security (its own rows
/// only) and `ledger` through a column grant (`id` only), and default
/// privileges give it SELECT on every new table and USAGE on every new schema
/// of `owner`'s. A rollback drops `notes.secret` and `ledger`.
#[test]
fn postgres_copies_are_closed_to_roles_rls_and_column_grants_kept_out() {
    let Some(project) = Project::on(Db::Postgres) else {
        return;
    };
    let (owner, tenant) = (unique("rb_owner"), unique("rb_tenant"));
    project.execute(&format!(
        "CREATE ROLE {owner} LOGIN; CREATE ROLE {tenant} LOGIN;"
    ));
    let _roles = PgRoles {
        project: &project,
        names: vec![owner.clone(), tenant.clone()],
    };
    let database = project.query("SELECT current_database()::text").remove(0);
    project.execute(&format!(
        "GRANT CREATE ON DATABASE \"{database}\" TO {owner};
         GRANT ALL ON SCHEMA public TO {owner};
         GRANT USAGE ON SCHEMA public TO {tenant};
         ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT SELECT ON TABLES TO {tenant};
         ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT USAGE ON SCHEMAS TO {tenant};"
    ));
    project
        .migration(
            "1_notes",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL);
             ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
             CREATE POLICY own_rows ON notes USING (tenant = current_user);",
            "DROP TABLE notes;",
        )
        .migration(
            "2_secret",
            "ALTER TABLE notes ADD COLUMN secret TEXT;",
            "ALTER TABLE notes DROP COLUMN secret;",
        )
        .migration(
            "3_ledger",
            "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);",
            "DROP TABLE ledger;",
        );
    let owner_url = url_as(&project.url(), &owner, None);
    let tenant_url = url_as(&project.url(), &tenant, None);
    let as_owner = |args: &[&str]| {
        let migrations = project.migrations().display().to_string();
        let mut args = args.to_vec();
        args.extend(["--source", &migrations, "--database-url", &owner_url]);
        let run = project.run_bare(&args);
        run.success();
        run
    };
    as_owner(&["up"]);
    project.execute(&format!(
        "INSERT INTO notes VALUES (1, '{tenant}', 'mine'), (2, 'someone_else', 'theirs');
         INSERT INTO ledger VALUES (1, 100), (2, 200);
         REVOKE SELECT ON ledger FROM {tenant};
         GRANT SELECT (id) ON ledger TO {tenant};"
    ));
    // What the tenant could read before: its own row, the ledger's ids.
    assert_eq!(
        query_as(&tenant_url, "SELECT secret FROM notes").unwrap(),
        ["mine"]
    );
    assert_eq!(
        query_as(&tenant_url, "SELECT id FROM ledger ORDER BY id").unwrap(),
        ["1", "2"]
    );
    denied(
        query_as(&tenant_url, "SELECT amount FROM ledger"),
        "ledger.amount",
    );

    let plan = as_owner(&["plan", "--last", "2"]);
    assert!(
        plan.stdout.contains("row-level security on"),
        "{}",
        plan.stdout
    );
    as_owner(&["--last", "2", "--yes"]);
    let copies = [
        "_rollback_backup.\"1_1_ledger\"",
        "_rollback_backup.\"2_1_notes_secret\"",
    ];

    // Default privileges gave the schema and the copies nothing: denied.
    for copy in copies {
        denied(
            query_as(&tenant_url, &format!("SELECT count(*) FROM {copy}")),
            copy,
        );
    }
    denied(
        query_as(&tenant_url, "SELECT count(*) FROM _rollback_backups"),
        "the backup catalog",
    );
    // One GRANT USAGE on the schema: the copies themselves stay closed.
    project.execute(&format!(
        "GRANT USAGE ON SCHEMA _rollback_backup TO {tenant}"
    ));
    for copy in copies {
        denied(
            query_as(&tenant_url, &format!("SELECT count(*) FROM {copy}")),
            copy,
        );
    }
    // Even a grant on the copies shows no row: row-level security, no policy.
    project.execute(&format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA _rollback_backup TO {tenant}"
    ));
    for copy in copies {
        assert_eq!(
            query_as(&tenant_url, &format!("SELECT count(*) FROM {copy}")).unwrap(),
            ["0"],
            "{copy}"
        );
    }
    // The owner, who is no superuser, reads them and restores from them.
    assert_eq!(
        query_as(
            &owner_url,
            "SELECT count(*) FROM _rollback_backup.\"2_1_notes_secret\""
        )
        .unwrap(),
        ["2"]
    );
    as_owner(&["up"]);
    as_owner(&["restore", "2"]);
    as_owner(&["restore", "1"]);
    assert_eq!(
        project.query("SELECT secret FROM notes ORDER BY id"),
        ["mine", "theirs"]
    );
    assert_eq!(
        project.query("SELECT amount FROM ledger ORDER BY id"),
        ["100", "200"]
    );
    // The next backup takes back the grant on the schema.
    as_owner(&["--last", "1", "--yes"]);
    denied(
        query_as(
            &tenant_url,
            "SELECT count(*) FROM _rollback_backup.\"3_1_ledger\"",
        ),
        "a copy after the schema grant was taken back",
    );
    assert_eq!(
        project.query(&format!(
            "SELECT count(*) FROM pg_catalog.pg_namespace
             WHERE nspname = '_rollback_backup'
               AND pg_catalog.has_schema_privilege('{tenant}', oid, 'USAGE')"
        )),
        ["0"]
    );
}

/// A MariaDB user dropped when the test ends, and the backup database.
struct MySqlCleanup<'p> {
    project: &'p Project,
    users: Vec<String>,
    database: String,
}

impl Drop for MySqlCleanup<'_> {
    fn drop(&mut self) {
        for user in &self.users {
            self.project
                .execute(&format!("DROP USER IF EXISTS '{user}'@'%'"));
        }
        self.project
            .execute(&format!("DROP DATABASE IF EXISTS `{}`", self.database));
    }
}

/// On MariaDB grants are per database and table: `app_reader` may read the
/// whole application database, `notes_reader` the `notes` table only. Copies
/// beside their tables are open to the first, as the plan says; copies in a
/// backup database to neither.
#[test]
fn mysql_copies_in_a_backup_database_are_out_of_reach_of_the_data_grants() {
    let Some(project) = Project::on(Db::MySql) else {
        return;
    };
    let (app_reader, notes_reader) = (unique("rb_app"), unique("rb_notes"));
    let database = project.query("SELECT DATABASE()").remove(0);
    let vault = format!("{database}_vault");
    let _cleanup = MySqlCleanup {
        project: &project,
        users: vec![app_reader.clone(), notes_reader.clone()],
        database: vault.clone(),
    };
    project
        .migration(
            "1_notes",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(50));",
            "DROP TABLE notes;",
        )
        .migration(
            "2_ledger",
            "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);",
            "DROP TABLE ledger;",
        );
    project.run(&["up"]).success();
    project.execute(&format!(
        "INSERT INTO notes VALUES (1, 'hello');
         INSERT INTO ledger VALUES (1, 100);
         CREATE USER '{app_reader}'@'%' IDENTIFIED BY 'pw';
         CREATE USER '{notes_reader}'@'%' IDENTIFIED BY 'pw';
         GRANT SELECT ON `{database}`.* TO '{app_reader}'@'%';
         GRANT SELECT ON `{database}`.notes TO '{notes_reader}'@'%';"
    ));
    let app_url = url_as(&project.url(), &app_reader, Some("pw"));
    let notes_url = url_as(&project.url(), &notes_reader, Some("pw"));
    denied(
        query_as(&notes_url, "SELECT amount FROM ledger"),
        "ledger before",
    );

    // Beside the tables, as the plan warns: whoever reads the database reads the copy.
    let plan = project.run(&["plan", "--last", "1"]);
    plan.success();
    assert!(
        plan.stdout
            .contains("any user with SELECT on the database, or global SELECT, can read them"),
        "{}",
        plan.stdout
    );
    project.rollback(&["--last", "1"]).success();
    assert_eq!(
        query_as(&app_url, "SELECT amount FROM _rollback_backup_1_1_ledger").unwrap(),
        ["100"]
    );
    denied(
        query_as(&notes_url, "SELECT amount FROM _rollback_backup_1_1_ledger"),
        "a copy beside the tables, to a user of one table",
    );

    // In a backup database: neither reads it.
    project.run(&["up"]).success();
    project.execute("INSERT INTO ledger VALUES (2, 200)");
    let plan = project.run(&["plan", "--last", "1", "--backup-database", &vault]);
    plan.success();
    assert!(
        plan.stdout
            .contains(&format!("copies go to database `{vault}`")),
        "{}",
        plan.stdout
    );
    project
        .rollback(&["--last", "1", "--backup-database", &vault])
        .success();
    let copy = format!("`{vault}`._rollback_backup_2_1_ledger");
    assert_eq!(
        project.query(&format!("SELECT CAST(SUM(amount) AS SIGNED) FROM {copy}")),
        ["200"]
    );
    for url in [&app_url, &notes_url] {
        denied(
            query_as(url, &format!("SELECT amount FROM {copy}")),
            "a copy in the backup database",
        );
    }
    // And it restores from there.
    project.run(&["up"]).success();
    project.run(&["restore", "2"]).success();
    assert_eq!(
        project.query("SELECT CAST(amount AS SIGNED) FROM ledger"),
        ["200"]
    );
}

#[test]
fn a_backup_database_is_refused_where_copies_cannot_live_in_one() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(project) = Project::on(db) else {
            continue;
        };
        project.migration(
            "1_a",
            "CREATE TABLE a (id INTEGER PRIMARY KEY);",
            "DROP TABLE a;",
        );
        project.run(&["up"]).success();
        project.execute("INSERT INTO a VALUES (1)");
        project
            .rollback(&["--backup-database", "vault"])
            .code(2)
            .one_line_error(&["backup database `vault`", "MySQL and MariaDB"]);
        assert_eq!(project.in_state("applied"), ["1"]);
    }
}
