use super::*;

fn row(kind: &str, name: &str, attribute: &str, value: &str) -> [Option<String>; 4] {
    [
        Some(kind.to_owned()),
        Some(name.to_owned()),
        Some(attribute.to_owned()),
        Some(value.to_owned()),
    ]
}

#[test]
fn differences_name_the_object_and_the_attribute() {
    let before = Snapshot::from_rows(
        [
            row("table", "orders", "kind", "table"),
            row("column", "orders.status", "default", "'new'"),
            row("column", "orders.status", "not null", "yes"),
            row("index", "orders_customer", "definition", "CREATE INDEX  x"),
        ],
        [],
    );
    let after = Snapshot::from_rows(
        [
            row("table", "orders", "kind", "table"),
            row("column", "orders.status", "type", "text"),
            row("trigger", "orders.touch", "definition", "…"),
        ],
        [],
    );
    assert_eq!(
        diff(&before, &after),
        [
            "column orders.status: default 'new' → none",
            "column orders.status: not null yes → no",
            "column orders.status: type none → text",
            "index orders_customer: missing (CREATE INDEX x)",
            "trigger orders.touch: unexpected (…)",
        ]
    );
}

#[test]
fn a_lost_foreign_key_is_missing_not_another_key_changed() {
    let key = |name: &str, rule: &str| {
        row(
            "constraint",
            &format!("child.{name}"),
            "definition",
            &format!("FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE {rule}"),
        )
    };
    let before = Snapshot::from_rows(
        [
            key("child_parent_id_fkey", "CASCADE"),
            key("child_parent_id_fkey1", "SET NULL"),
        ],
        [],
    );
    let after = Snapshot::from_rows([key("child_parent_id_fkey", "SET NULL")], []);
    assert_eq!(
        diff(&before, &after),
        [
            "constraint child.child_parent_id_fkey1: name child_parent_id_fkey1 → child_parent_id_fkey",
            "constraint child.child_parent_id_fkey: missing (FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE)",
        ]
    );
    // One key whose rule changed is still one change.
    let changed = Snapshot::from_rows([key("child_parent_id_fkey", "CASCADE")], []);
    assert_eq!(
        diff(&after, &changed),
        [
            "constraint child.child_parent_id_fkey: definition FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE SET NULL → FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE"
        ]
    );
}

#[test]
fn sqlite_foreign_keys_match_by_their_rules() {
    let key = |name: &str, rule: &str| row("foreign key", name, "on delete", rule);
    let before = Snapshot::from_rows(
        [
            key(
                "child(parent_id) → parent(id) [on delete CASCADE]",
                "CASCADE",
            ),
            key(
                "child(parent_id) → parent(id) [on delete SET NULL]",
                "SET NULL",
            ),
        ],
        [],
    );
    let after = Snapshot::from_rows([key("child(parent_id) → parent(id)", "SET NULL")], []);
    assert_eq!(
        diff(&before, &after),
        ["foreign key child(parent_id) → parent(id) [on delete CASCADE]: missing"]
    );
    assert_eq!(
        diff(&after, &before),
        ["foreign key child(parent_id) → parent(id) [on delete CASCADE]: unexpected"]
    );
}

#[test]
fn long_values_are_shown_where_they_differ() {
    let start = "SELECT aa, bb, cc, dd, ee, ff, gg, hh, ii, jj, kk, ll, mm, nn, oo, pp, r, s, t, u, v, w, x, y";
    let (expected, actual) = contrast(
        &format!("{start}, old_column FROM t"),
        &format!("{start}, new_column FROM t"),
    );
    assert_eq!(expected, "…, pp, r, s, t, u, v, w, x, y, old_column FROM t");
    assert_eq!(actual, "…, pp, r, s, t, u, v, w, x, y, new_column FROM t");
}

#[test]
fn a_dropped_table_is_one_line() {
    let before = Snapshot::from_rows(
        [
            row("table", "orders", "kind", "table"),
            row("column", "orders.id", "type", "integer"),
        ],
        [],
    );
    let after = Snapshot::default();
    assert_eq!(diff(&before, &after), ["table orders: missing"]);
    assert_eq!(diff(&after, &before), ["table orders: unexpected"]);
}

#[test]
fn a_table_is_left_out_with_what_belongs_to_it() {
    let snapshot = Snapshot::from_rows(
        [
            row("table", "schema_migrations", "kind", "table"),
            row("column", "schema_migrations.version", "type", "bigint"),
            row("unique", "schema_migrations(version)", "", ""),
            row("index", "version_unique", "table", "schema_migrations"),
            row("table", "schema_migrations_archive", "kind", "table"),
            row("table", "users", "kind", "table"),
        ],
        [("schema_migrations".to_owned(), "version".to_owned())],
    );
    let left = snapshot.without_table("schema_migrations");
    assert_eq!(
        left.objects
            .keys()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["table schema_migrations_archive", "table users"]
    );
    assert!(left.column_order.is_empty());
}

#[test]
fn column_order_is_a_note() {
    let order = |columns: &[&str]| {
        Snapshot::from_rows(
            [],
            columns
                .iter()
                .map(|column| ("t".to_owned(), (*column).to_owned())),
        )
    };
    assert_eq!(
        column_order_notes(&order(&["a", "b"]), &order(&["b", "a"])),
        ["column order of t: a, b → b, a"]
    );
    assert!(column_order_notes(&order(&["a", "b"]), &order(&["a"])).is_empty());
}

#[test]
fn creation_timestamps_are_not_compared() {
    assert_eq!(
        normalize("p < ('2026-12-02 01:43:20.896701'::timestamp - '1 mon'::interval) AND x = 'a'"),
        "p < ('<timestamp>'::timestamp - '1 mon'::interval) AND x = 'a'"
    );
    assert_eq!(normalize("'2026-12-02' 'it''s'"), "'2026-12-02' 'it''s'");
}

#[test]
fn definitions_are_whitespace_normalized() {
    assert_eq!(
        normalize("CREATE  VIEW v\n  AS SELECT 1;"),
        "CREATE VIEW v AS SELECT 1"
    );
}
