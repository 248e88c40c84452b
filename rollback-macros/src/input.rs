//! The arguments of `embed_migrations!`.

use rollback_core::EmptyDown;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// `embed_migrations!()`, `embed_migrations!("dir")`,
/// `embed_migrations!("dir", empty_down = "irreversible")`.
pub(crate) struct EmbedInput {
    /// The folder literal, kept for its span: errors point at it.
    pub path: Option<LitStr>,
    pub empty_down: EmptyDown,
}

impl Parse for EmbedInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<EmbedInput> {
        let path = if input.peek(LitStr) {
            Some(input.parse::<LitStr>()?)
        } else {
            None
        };
        let mut empty_down = EmptyDown::default();
        while !input.is_empty() {
            if path.is_some() || !input.peek(Ident) {
                input.parse::<Token![,]>()?;
                if input.is_empty() {
                    break;
                }
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            if key != "empty_down" {
                return Err(syn::Error::new_spanned(
                    key,
                    "unknown option (expected `empty_down = \"error\" | \"irreversible\"`)",
                ));
            }
            empty_down = value.value().parse().map_err(|message: String| {
                syn::Error::new_spanned(&value, format!("empty_down: {message}"))
            })?;
        }
        Ok(EmbedInput { path, empty_down })
    }
}
