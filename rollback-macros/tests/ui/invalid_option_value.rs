// An option value that is not `error` or `irreversible`.
fn main() {
    let _ =
        rollback_macros::embed_migrations!("tests/ui/migrations/empty_down", empty_down = "ignore");
}
