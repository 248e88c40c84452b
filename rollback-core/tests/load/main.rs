//! Reading migrations folders from disk: the three layouts, the pairing rules,
//! the directives, names, encodings, ordering, and the real folders of the
//! shared corpus (when it sits beside the repository).

#[path = "../common/mod.rs"]
mod common;
mod support;

mod corpus;
mod directives;
mod files;
mod layouts;
mod many_problems;
mod missing_downs;
mod never_panics;
mod pairing;
mod versions;
