//! Written by `cargo rollback init`: rebuild when a migration file is added,
//! so that embed_migrations! never embeds a stale folder.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
