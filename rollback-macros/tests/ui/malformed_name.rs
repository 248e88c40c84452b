// A migration file whose name does not start with a version.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/malformed_name");
}
