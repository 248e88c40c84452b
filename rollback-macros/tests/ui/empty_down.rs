// A down script holding only a comment, without `-- rollback:irreversible <reason>`.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/empty_down");
}
