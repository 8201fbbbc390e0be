//! `cargo xtask phone-metadata <PhoneNumberMetadata.xml>`: moves the project to another
//! version of libphonenumber's metadata (issue 14), repeatably.
//!
//! The XML replaces `vendor/phonenumber/assets/PhoneNumberMetadata.xml`, from which the
//! vendored crate builds its whole-world database and `crates/contract/build.rs` cuts
//! the selector's (browser and server alike) on the next build. Before replacing it,
//! every example number of every region sharing a served calling code, in either
//! version, is checked with both, typed nationally and with its `+code`, and each whose
//! verdict changes is printed: what a metadata update changes for people, to read
//! before committing it.

use crate::Result;
use phone_mfa_contract::phone::{check_phone_with, CheckedPhone, PhoneProblem, COUNTRIES};
use phonenumber::metadata::{loader, Database};
use std::collections::BTreeSet;
use std::path::Path;

const VENDORED: &str = "vendor/phonenumber/assets/PhoneNumberMetadata.xml";

fn load(path: &Path) -> Result<Database> {
    let xml = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let all = loader::load(std::io::BufReader::new(xml))
        .map_err(|e| format!("{}: not libphonenumber metadata: {e:?}", path.display()))?;
    Database::from(all).map_err(|e| format!("{}: {e:?}", path.display()))
}

fn served(code: u16) -> bool {
    COUNTRIES.iter().any(|c| c.calling_code == code)
}

/// Every (region, calling code, example number) of the served calling codes.
fn examples(db: &Database) -> BTreeSet<(String, u16, String)> {
    let mut out = BTreeSet::new();
    for meta in db.iter().filter(|m| served(m.country_code())) {
        for example in meta.descriptors().number_kinds().filter_map(|k| k.example()) {
            out.insert((meta.id().to_owned(), meta.country_code(), example.to_owned()));
        }
    }
    out
}

/// The example numbers whose verdict differs between two versions of the metadata.
pub fn changed_verdicts(old: &Database, new: &Database) -> Vec<String> {
    let mut cases = examples(old);
    cases.extend(examples(new));
    let mut changed = vec![];
    for (region, code, example) in cases {
        // A region only selectable in the app is checked as selected; others by +code.
        let selected = if COUNTRIES.iter().any(|c| c.region == region) {
            region.as_str()
        } else {
            "US"
        };
        for input in [example.clone(), format!("+{code} {example}")] {
            if !input.starts_with('+') && selected != region {
                continue;
            }
            let before = check_phone_with(old, &input, selected, |_| true);
            let after = check_phone_with(new, &input, selected, |_| true);
            if before != after {
                let show = |v: std::result::Result<CheckedPhone, PhoneProblem>| match v {
                    Ok(p) => format!("{} {:?}", p.e164, p.kind),
                    Err(e) => format!("{e:?}"),
                };
                changed.push(format!("{region} {input:?}: {} -> {}", show(before), show(after)));
            }
        }
    }
    changed
}

pub fn update(new_xml: &str) -> Result {
    let old = load(Path::new(VENDORED))?;
    let new = load(Path::new(new_xml))?;
    let changed = changed_verdicts(&old, &new);
    println!(
        "{} example numbers of the served calling codes change verdict:",
        changed.len()
    );
    for line in &changed {
        println!("  {line}");
    }
    let same = std::fs::canonicalize(new_xml).ok() == std::fs::canonicalize(VENDORED).ok();
    if same {
        println!("{new_xml} is the vendored metadata already: nothing to replace.");
        return Ok(());
    }
    // Written, not copied: a copy would keep the source's permissions (read-only in
    // shared/data) and the next update could not replace the file.
    let xml = std::fs::read(new_xml).map_err(|e| format!("{new_xml}: {e}"))?;
    std::fs::write(VENDORED, xml).map_err(|e| format!("write {VENDORED}: {e}"))?;
    println!(
        "{new_xml} is now {VENDORED}: the next build cuts the selector's metadata from it. \
         Say its version in vendor/phonenumber/PATCHED.md (the XML does not carry one)."
    );
    Ok(())
}
