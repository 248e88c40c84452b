//! What the command line's version options mean to the runtime: a typed
//! version, the migrations a rollback (or its plan) reverts, and which down
//! runs when the file and the stored copy differ.

use anyhow::Result;
use rollback_runtime::Error;
use rollback_runtime::migration::Version;
use rollback_runtime::state::{DownChoice, Selection};

use crate::cli::SelectionArgs;

/// A version typed on the command line.
pub fn parse_version(text: &str) -> Result<Version, Error> {
    Version::parse(text).ok_or_else(|| Error::InvalidVersion {
        version: text.to_owned(),
    })
}

/// The migrations the options choose.
pub fn selection(args: &SelectionArgs) -> Result<Selection> {
    Ok(if let Some(version) = &args.version {
        Selection::One {
            version: parse_version(version)?,
            out_of_order: args.out_of_order,
        }
    } else if let Some(count) = args.last {
        Selection::Last(count.get())
    } else if let Some(version) = &args.to {
        Selection::To(parse_version(version)?)
    } else if args.all {
        Selection::All
    } else {
        Selection::Newest
    })
}

/// Which down runs when the file and the stored copy differ.
pub fn down_choice(args: &SelectionArgs) -> DownChoice {
    if args.use_file {
        DownChoice::File
    } else if args.use_stored {
        DownChoice::Stored
    } else {
        DownChoice::Ask
    }
}
