// A misspelled option.
fn main() {
    let _ = rollback_macros::embed_migrations!(
        "tests/ui/migrations/empty_down",
        empty_downs = "irreversible"
    );
}
