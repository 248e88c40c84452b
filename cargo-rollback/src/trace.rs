//! `-v`: the runtime's `tracing` spans and events (each run, migration and
//! statement, with its duration and outcome) printed to stderr, beside the
//! settings the commands show. Without `-v` no subscriber is installed, and
//! the output is what it always was.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the subscriber: the runtime's spans and events down to each
/// statement, none of sqlx's; through anstream, so that colours follow
/// `--color`.
pub fn install() {
    let runtime = Targets::new().with_target("rollback_runtime", LevelFilter::DEBUG);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(anstream::stderr)
        .with_target(false)
        .with_filter(runtime);
    // Only fails when a subscriber is already set, which nothing else does.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
