//! Database URLs: which dialect they name, and how to show them without their password.

use std::fmt;

use rollback_core::sql::Dialect;

use crate::error::{Error, Result};

/// A database URL whose scheme names a supported database.
#[derive(Clone)]
pub struct DatabaseUrl {
    raw: String,
    dialect: Dialect,
    /// The URL the driver reads: `raw` without the `schema=` parameter, which
    /// is ours, not the driver's.
    driver: String,
    /// PostgreSQL: the schema named by `schema=`, where the tracking tables
    /// and the migrations live (one schema per tenant).
    schema: Option<String>,
}

impl DatabaseUrl {
    /// Reads the scheme: `sqlite:`, `postgres://` / `postgresql://`, `mysql://` / `mariadb://`.
    pub fn parse(raw: &str) -> Result<DatabaseUrl> {
        let raw = raw.trim();
        let invalid = |reason: &str| Error::InvalidUrl {
            url: mask_password(raw),
            reason: reason.to_owned(),
        };
        let (scheme, rest) = raw
            .split_once(':')
            .ok_or_else(|| invalid("no scheme (expected sqlite:, postgres:// or mysql://)"))?;
        let dialect = match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Dialect::Sqlite,
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::MySql,
            _ => {
                return Err(invalid(&format!(
                    "unknown scheme `{scheme}` (expected sqlite, postgres or mysql)"
                )));
            }
        };
        let path = rest.trim_start_matches('/');
        if dialect == Dialect::Sqlite && path.split('?').next().unwrap_or("").is_empty() {
            return Err(invalid(
                "no file name (expected sqlite:path/to/file.db or sqlite::memory:)",
            ));
        }
        if dialect != Dialect::Sqlite && !rest.starts_with("//") {
            return Err(invalid("expected scheme://host/database"));
        }
        let (driver, schema) = take_schema(raw);
        if let Some(schema) = &schema {
            if dialect != Dialect::Postgres {
                return Err(invalid(
                    "`schema=` is for PostgreSQL (a MySQL schema is a database: name it in the path)",
                ));
            }
            if !is_plain_schema(schema) {
                return Err(invalid(&format!(
                    "schema `{schema}`: expected letters, digits, `_` or `$`, at most 63 characters, not starting with a digit"
                )));
            }
        }
        Ok(DatabaseUrl {
            raw: raw.to_owned(),
            dialect,
            driver,
            schema,
        })
    }

    /// The URL of database `database` on the server at `host`, as an
    /// application's pool was configured (no credentials: only to name it).
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub(crate) fn of_server(
        scheme: &str,
        host: &str,
        database: Option<&str>,
    ) -> Result<DatabaseUrl> {
        DatabaseUrl::parse(&format!(
            "{scheme}://{host}/{}",
            database.unwrap_or_default()
        ))
    }

    /// The dialect the scheme names.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL as the driver reads it, password included (and our own
    /// `schema=` left out): for the driver only.
    pub(crate) fn expose(&self) -> &str {
        &self.driver
    }

    /// PostgreSQL: the schema the URL names with `schema=`, where the
    /// tracking tables and the migrations live; `None` for the connection's
    /// default `search_path`.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The URL with its password replaced by `***`.
    pub fn masked(&self) -> String {
        mask_password(&self.raw)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.masked())
    }
}

/// Splits a `schema=` query parameter off `url`: the URL without it, and
/// its value.
fn take_schema(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut schema = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case("schema") => {
                schema = Some(value.to_owned());
                false
            }
            _ => true,
        })
        .collect();
    let driver = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    (driver, schema)
}

/// A schema name that needs no quoting or escaping anywhere it goes (the
/// connection's `search_path`, the lock key, `CREATE SCHEMA`): PostgreSQL's
/// unquoted identifiers, any case.
fn is_plain_schema(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Replaces the password of `scheme://user:password@host/…` and of a
/// `password=` query parameter with `***`.
pub fn mask_password(url: &str) -> String {
    let mut masked = url.to_owned();
    if let Some(scheme_end) = masked.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = masked[authority_start..]
            .find(['/', '?'])
            .map_or(masked.len(), |offset| authority_start + offset);
        if let Some(at) = masked[authority_start..authority_end].rfind('@') {
            let userinfo = &masked[authority_start..authority_start + at];
            if let Some(colon) = userinfo.find(':') {
                let from = authority_start + colon + 1;
                masked.replace_range(from..authority_start + at, "***");
            }
        }
    }
    if let Some(query_start) = masked.find('?') {
        let (base, query) = masked.split_at(query_start + 1);
        let query = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        masked = format!("{base}{query}");
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_name_dialects() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:app.db").unwrap().dialect(),
            Dialect::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap().dialect(),
            Dialect::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@localhost/db")
                .unwrap()
                .dialect(),
            Dialect::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("mariadb://root@localhost/test")
                .unwrap()
                .dialect(),
            Dialect::MySql
        );
    }

    #[test]
    fn bad_urls_are_rejected_with_the_password_masked() {
        for bad in ["app.db", "oracle://u:pw@h/db", "sqlite:", "postgres:db"] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad}");
        }
        let error = DatabaseUrl::parse("oracle://user:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
        assert!(error.contains("user:***@h"), "{error}");
    }

    #[test]
    fn a_postgres_url_names_its_schema_apart_from_the_driver_url() {
        let url =
            DatabaseUrl::parse("postgres://u:pw@h/db?sslmode=disable&schema=tenant_7").unwrap();
        assert_eq!(url.schema(), Some("tenant_7"));
        assert_eq!(url.expose(), "postgres://u:pw@h/db?sslmode=disable");
        assert_eq!(
            url.masked(),
            "postgres://u:***@h/db?sslmode=disable&schema=tenant_7"
        );
        let only = DatabaseUrl::parse("postgres://h/db?schema=Acme").unwrap();
        assert_eq!(only.expose(), "postgres://h/db");
        assert_eq!(
            DatabaseUrl::parse("postgres://h/db").unwrap().schema(),
            None
        );
        for bad in [
            "postgres://h/db?schema=",
            "postgres://h/db?schema=a;drop",
            "postgres://h/db?schema=1tenant",
            "mysql://h/db?schema=tenant",
        ] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("postgres://u:p%40ss@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(mask_password("mysql://root@h/db"), "mysql://root@h/db");
        assert_eq!(
            mask_password("postgres://h/db?user=u&password=secret&sslmode=disable"),
            "postgres://h/db?user=u&password=***&sslmode=disable"
        );
        assert_eq!(mask_password("sqlite:data.db"), "sqlite:data.db");
    }
}
