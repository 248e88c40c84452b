// Two versions written differently with the same digits (diesel layout).
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/same_digits");
}
