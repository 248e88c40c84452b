// A diesel-style folder (`V_name/up.sql`) without its `down.sql`.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/missing_down_directory");
}
