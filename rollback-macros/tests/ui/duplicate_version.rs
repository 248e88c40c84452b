// Two migrations with the same version.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/duplicate_version");
}
