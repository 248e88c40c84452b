// A down script whose up script does not exist.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/orphan_down");
}
