//! Rebuild when a migration is added, as `cargo rollback init` writes it (and as
//! sqlx's documentation asks for `sqlx::migrate!`): both bins see the same folder.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
