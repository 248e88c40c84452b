//! Strategies the property tests of rollback-core share.

/// Any of the three dialects, for property tests.
pub fn dialect() -> impl proptest::strategy::Strategy<Value = rollback_core::sql::Dialect> {
    use rollback_core::sql::Dialect;
    proptest::prop_oneof![
        proptest::strategy::Just(Dialect::Sqlite),
        proptest::strategy::Just(Dialect::Postgres),
        proptest::strategy::Just(Dialect::MySql)
    ]
}

/// Text made of up to 32 of `words`, for property tests that must reach past
/// a parser's first token.
pub fn sql_like(
    words: &'static [&'static str],
) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::sample::select(words), 0..32)
        .prop_map(|words| words.concat())
}
