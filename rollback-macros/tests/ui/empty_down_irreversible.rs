// `empty_down = "irreversible"` accepts the empty down of 2019-01-01-000000_create_users:
// only the other problem in the folder (a missing down) is reported. (A folder with no
// problem left compiles: the example in the macro's documentation builds one, and
// examples/shop another.)
fn main() {
    let _ = rollback_macros::embed_migrations!(
        "tests/ui/migrations/empty_down_irreversible",
        empty_down = "irreversible"
    );
}
