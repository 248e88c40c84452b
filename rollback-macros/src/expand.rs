//! Reading the folder with `rollback-core` (the same code path as the runtime's
//! loader, so the build and `cargo rollback check` agree) and writing the
//! `static` data that the runtime's `Migrator` wraps.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use rollback_core::{Layout, LoadOptions, Migration, Script, VersionOrder};

use crate::input::EmbedInput;

const DEFAULT_FOLDER: &str = "migrations";

/// Expands the macro; `env` reads the environment (a parameter so that tests
/// need not set variables).
pub(crate) fn expand(
    input: &EmbedInput,
    env: &dyn Fn(&str) -> Option<String>,
) -> syn::Result<TokenStream> {
    let span = input
        .path
        .as_ref()
        .map_or_else(Span::call_site, |lit| lit.span());
    let written = input
        .path
        .as_ref()
        .map_or_else(|| DEFAULT_FOLDER.to_owned(), |lit| lit.value());
    let folder = resolve(&written, env).map_err(|message| syn::Error::new(span, message))?;
    let options = LoadOptions {
        empty_down: input.empty_down,
        ..LoadOptions::default()
    };
    let loaded = rollback_core::load_shown_as(&folder, &written, &options).map_err(|errors| {
        errors
            .0
            .iter()
            .map(|error| match error {
                // Say where the relative path led: CARGO_MANIFEST_DIR is not obvious.
                rollback_core::LoadError::MissingFolder { .. } => {
                    syn::Error::new(span, format!("{error} (looked for {})", folder.display()))
                }
                // The setting is spelled as the macro takes it.
                rollback_core::LoadError::EmptyDown { .. } => syn::Error::new(
                    span,
                    format!("{error} (here: `embed_migrations!(\"{written}\", empty_down = \"irreversible\")`)"),
                ),
                _ => syn::Error::new(span, error),
            })
            .reduce(|mut all, next| {
                all.combine(next);
                all
            })
            .unwrap_or_else(|| syn::Error::new(span, "cannot read the migrations folder"))
    })?;

    let mut tracked = Vec::new();
    let migrations: Vec<TokenStream> = loaded
        .migrations
        .migrations()
        .iter()
        .map(|migration| {
            tracked.extend(source_files(&folder, &written, migration));
            migration_tokens(migration)
        })
        .collect();
    tracked.sort();
    tracked.dedup();
    let tracked = tracked
        .iter()
        .map(|path| path.to_string_lossy().into_owned());
    let order = match loaded.migrations.order() {
        VersionOrder::Timestamp => quote!(Timestamp),
        VersionOrder::Integer => quote!(Integer),
    };
    Ok(quote! {
        {
            #( const _: &str = ::core::include_str!(#tracked); )*
            ::rollback_runtime::Migrator::__embedded(::rollback_runtime::migration::MigrationSet::__embedded(
                const { &[ #( #migrations ),* ] },
                ::rollback_runtime::migration::VersionOrder::#order,
            ))
        }
    })
}

/// The folder, absolute: relative to `ROLLBACK_MANIFEST_DIR`, else `CARGO_MANIFEST_DIR`.
fn resolve(written: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    let path = Path::new(written);
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    let base = env("ROLLBACK_MANIFEST_DIR")
        .or_else(|| env("CARGO_MANIFEST_DIR"))
        .ok_or("CARGO_MANIFEST_DIR is not set: embed_migrations! must run under cargo, or ROLLBACK_MANIFEST_DIR must name the crate's folder")?;
    Ok(Path::new(&base).join(path))
}

/// The files of a migration on disk, so that editing one recompiles the crate.
fn source_files(folder: &Path, written: &str, migration: &Migration) -> Vec<PathBuf> {
    [migration.up_path(), migration.down_path()]
        .into_iter()
        .map(|shown| {
            let relative = shown
                .strip_prefix(written.trim_end_matches(['/', '\\']))
                .unwrap_or(shown)
                .trim_start_matches(['/', '\\']);
            let path = folder.join(relative);
            path.canonicalize().unwrap_or(path)
        })
        .collect()
}

fn migration_tokens(migration: &Migration) -> TokenStream {
    let version = migration.version().as_str();
    let digits = migration.version().digits();
    let name = migration.name();
    let layout = match migration.layout() {
        Layout::Flat => quote!(Flat),
        Layout::Directory => quote!(Directory),
        Layout::SingleFile => quote!(SingleFile),
        Layout::Simple => quote!(Simple),
    };
    let up = script_tokens(migration.up());
    let down = script_tokens(migration.down());
    let irreversible = match migration.irreversible() {
        Some(reason) => quote!(::core::option::Option::Some(#reason)),
        None => quote!(::core::option::Option::None),
    };
    let up_path = migration.up_path();
    let down_path = migration.down_path();
    quote! {
        ::rollback_runtime::migration::Migration::__embedded(
            ::rollback_runtime::migration::Version::__embedded(#version, #digits),
            #name,
            ::rollback_runtime::migration::Layout::#layout,
            #up,
            #down,
            #irreversible,
            #up_path,
            #down_path,
        )
    }
}

fn script_tokens(script: &Script) -> TokenStream {
    let sql = script.sql();
    let checksum = script.checksum();
    let no_transaction = script.no_transaction();
    let first_line = script.first_line();
    quote!(::rollback_runtime::migration::Script::__embedded(#sql, #checksum, #no_transaction, #first_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_folders_resolve_against_the_override_first() {
        let env = |key: &str| match key {
            "ROLLBACK_MANIFEST_DIR" => Some("/override".to_owned()),
            "CARGO_MANIFEST_DIR" => Some("/crate".to_owned()),
            _ => None,
        };
        assert_eq!(
            resolve("migrations", &env).unwrap(),
            Path::new("/override/migrations")
        );
        let cargo_only = |key: &str| (key == "CARGO_MANIFEST_DIR").then(|| "/crate".to_owned());
        assert_eq!(resolve("db", &cargo_only).unwrap(), Path::new("/crate/db"));
        assert_eq!(resolve("/abs", &cargo_only).unwrap(), Path::new("/abs"));
        assert!(resolve("db", &|_| None).is_err());
    }
}
