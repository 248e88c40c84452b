//! The example app, run as a user would: it migrates its database on start,
//! and a second start finds nothing to do.

use std::process::Command;

fn start(url: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_shop"))
        .env("DATABASE_URL", url)
        .output()
        .expect("run the shop");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn migrates_itself_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shop.db").display());
    let first = start(&url);
    assert_eq!(first.matches("applied ").count(), 5, "{first}");
    assert!(
        first.contains("applied 20260112093400 track_order_updates"),
        "{first}"
    );
    assert!(
        first.contains("ada has 1 orders, 4200 cents spent"),
        "{first}"
    );
    let second = start(&url);
    assert!(!second.contains("applied "), "{second}");
    assert!(
        second.contains("ada has 2 orders, 8400 cents spent"),
        "{second}"
    );
}
