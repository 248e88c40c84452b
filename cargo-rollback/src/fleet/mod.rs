//! `--targets FILE`: one command on many databases (a database or schema
//! per tenant), in this process, at most `--parallel` at once, with a line
//! per target and a summary. Each target's state lives in its own tracking
//! tables, so running the command again finishes what a failure left.
//!
//! A command takes part through a function that does its work on one
//! [`Target`] with the shared [`Context`] and returns a [`TargetDone`];
//! `commands/fleet.rs` names those functions, one line per command.

mod confirm;
mod report;
mod run;
mod targets;
mod work;

pub use confirm::confirm_fleet_rollback;
pub use run::{Fleet, Pace};
pub use targets::{Target, read};
pub use work::{Context, Standing, TargetDone};
