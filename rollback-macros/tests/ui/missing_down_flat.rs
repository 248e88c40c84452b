// A flat up script (`V_name.up.sql`) without its `V_name.down.sql`.
fn main() {
    let _ = rollback_macros::embed_migrations!("tests/ui/migrations/missing_down_flat");
}
