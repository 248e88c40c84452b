// A migrations folder that does not exist.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/does_not_exist");
}
