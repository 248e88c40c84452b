//! mysql: what a need recreates, read from the catalog.

use rollback_core::sql::Need;

use super::{NotRecreated, Recreated};
use crate::verify::inspector::Inspector;

pub(super) async fn recreate(
    inspector: &mut Inspector,
    need: &Need,
) -> Result<Recreated, NotRecreated> {
    let _ = inspector;
    Err(NotRecreated::Unsupported(format!("{need:?} is not recreated yet")))
}
