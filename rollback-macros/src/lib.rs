//! `embed_migrations!`: the migrations folder, read and checked at compile time.
//!
//! Use it through `rollback_runtime::embed_migrations!`, which is re-exported
//! with the types the expansion names.

mod expand;
mod input;

use proc_macro::TokenStream;

/// Embeds every migration of a folder into the binary, with its checksums.
///
/// ```
/// static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!("migrations");
/// ```
///
/// The path is relative to the crate's `Cargo.toml` (`CARGO_MANIFEST_DIR`; set
/// `ROLLBACK_MANIFEST_DIR` to resolve it elsewhere, for build systems other than
/// cargo). With no argument the folder is `migrations`. The build fails, naming
/// the file, when a down is missing, a down has no up, a version repeats, a down
/// is empty without `-- rollback:irreversible <reason>`, a file name does not
/// start with a version, or two versions have the same digits. Folders adopted
/// from tools that allowed empty downs can say
/// `embed_migrations!("migrations", empty_down = "irreversible")`.
///
/// Editing a migration makes cargo rebuild the crate (each file is included with
/// `include_str!`). Adding a file does not, until something else changes: run
/// `cargo rollback init` once, which writes the `build.rs` line that fixes it.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::EmbedInput);
    expand::expand(&input, &|key| std::env::var(key).ok())
        .unwrap_or_else(|error| {
            // One `compile_error!` per problem; inside a block they are
            // statements, valid where the macro stands as an expression.
            let errors = error.into_compile_error();
            quote::quote!({ #errors })
        })
        .into()
}
