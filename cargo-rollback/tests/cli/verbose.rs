//! `-v`: the runtime's `tracing` spans and events on stderr, one line per
//! statement, migration and run; without `-v`, none of it.

use crate::support::Project;

#[test]
fn verbose_shows_the_spans_of_each_migration_and_statement() {
    let project = Project::new();
    project.tables(&["a", "b"]);
    let plain = project.run(&["up", "--to", "1"]);
    plain.success();
    assert_eq!(plain.stderr, "", "without -v, no tracing output");

    let up = project.run(&["-v", "up"]);
    up.success();
    for line in [
        r#"rollback.migration{operation="apply" version="2" name="b" direction="up"}: migration finished duration_ms="#,
        r#"rollback.statement{index=1 total=1 statement="CREATE TABLE b (id INTEGER PRIMARY KEY)"}: statement finished duration_ms="#,
        r#"rollback.run{operation="apply" database=sqlite:"#,
        r#"}: run finished duration_ms="#,
    ] {
        assert!(up.stderr.contains(line), "lacks `{line}`:\n{}", up.stderr);
    }
    assert!(
        !up.stderr.contains(r#"version="1""#),
        "migration 1 was applied before:\n{}",
        up.stderr
    );

    let revert = project.rollback(&["-v"]);
    revert.success();
    let reverted = r#"rollback.migration{operation="revert" version="2" name="b" direction="down"}: migration finished duration_ms="#;
    assert!(
        revert.stderr.contains(reverted)
            && revert
                .stderr
                .contains(r#"outcome="success" rows_backed_up=0"#),
        "{}",
        revert.stderr
    );
}
