//! The server's layers stay apart (issue 15): route handlers speak HTTP and call the
//! domain modules; only those hold SQL, so the storage can change under them.

#[test]
fn no_route_handler_holds_sql() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            // Doc comments name HTTP methods (`DELETE /api/methods/{id}`).
            if line.trim_start().starts_with("//") {
                continue;
            }
            for marker in [
                "SELECT ",
                "INSERT ",
                "UPDATE ",
                "DELETE ",
                "tx.execute",
                "tx.query_row",
                "tx.prepare",
            ] {
                assert!(
                    !line.contains(marker),
                    "{}:{}: SQL in a route handler: {}",
                    path.display(),
                    n + 1,
                    line.trim()
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} route files");
    let extractors = std::fs::read_to_string(dir.join("../extract.rs")).unwrap();
    assert!(!extractors.contains("tx.execute") && !extractors.contains("SELECT "));
}
