//! The server's layers stay apart (issue 15): `http` speaks HTTP and calls `domain`;
//! `domain` holds the rules; only `store` holds SQL, so the storage can change under
//! them (it has: rusqlite, then sqlx with PostgreSQL).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code (not comments) that look like SQL or reach for the driver.
fn sql_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        // Doc comments name HTTP methods (`DELETE /api/methods/{id}`) and tables.
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| {
            [
                "SELECT ",
                "INSERT ",
                "UPDATE ",
                "DELETE FROM",
                "sqlx::query",
                "sqlx::raw_sql",
            ]
            .iter()
            .any(|marker| line.contains(marker))
        })
        .map(|(n, line)| format!("{}:{}: {}", path.display(), n + 1, line.trim()))
        .collect()
}

#[test]
fn only_the_store_holds_sql() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let store = src.join("store");
    let mut outside = Vec::new();
    let mut inside = 0;
    for file in &files {
        let found = sql_lines(file);
        if file.starts_with(&store) {
            inside += found.len();
        } else {
            outside.extend(found);
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside the store:\n{}",
        outside.join("\n")
    );
    assert!(inside > 30, "the scan finds the store's own SQL ({inside} lines)");
}

#[test]
fn http_handlers_reach_the_data_only_through_the_domain_or_typed_store_calls() {
    let http = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut files = Vec::new();
    rust_files(&http, &mut files);
    assert!(files.len() >= 7, "only {} http files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("sqlx::"), "{} uses the driver", file.display());
    }
}

/// Rule C7: a typed code is compared in constant time. `code_matches` compares MACs
/// with `subtle`'s `ct_eq`, and nothing else compares a stored MAC with `==`/`!=` (a
/// timing test could not tell a 32-byte memcmp from noise, so the rule is held here).
#[test]
fn c7_codes_are_compared_in_constant_time() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let secrets = std::fs::read_to_string(src.join("secrets.rs")).unwrap();
    let start = secrets.find("pub fn code_matches(").expect("code_matches exists");
    let body = &secrets[start..start + secrets[start..].find("\n}\n").unwrap()];
    assert!(body.contains(".ct_eq("), "{body}");
    assert!(!body.contains("==") && !body.contains("!="), "{body}");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let mac = line.contains("code_mac") || line.contains("mac ==") || line.contains("mac !=");
            if mac && (line.contains(" == ") || line.contains(" != ")) && !line.trim_start().starts_with("//")
            {
                panic!(
                    "{}:{}: a MAC compared with ==: {}",
                    file.display(),
                    n + 1,
                    line.trim()
                );
            }
        }
    }
}
