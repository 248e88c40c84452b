// Every problem in the folder is reported, not just the first.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/several_problems");
}
