//! The phone rules against an independent implementation of Google's libphonenumber:
//! libphonenumber-js (npm, its "max" metadata), through `tests/phone/oracle.mjs`.
//!
//! For each of the selector's countries and every kind of number it has, numbers are
//! generated from the metadata's own patterns (plus its example number) and typed the
//! ways people type them: national, punctuated, international, E.164, `(+CC)`, `tel:`,
//! with each extension form, with letters, one digit short, one digit long, and every
//! prefix the field passes through while a number is typed. Both must agree on the
//! verdict, the kind of refusal, the kind of number and its E.164 form. Differences
//! whose cause is known and justified are in `tests/phone/known-differences.txt`, each
//! with its reason; the test fails below 99.9% agreement or on an unlisted difference,
//! and prints its figures.
//!
//! Needs Node and `node_modules` (npm ci): `cargo xtask test` runs it; by hand,
//! `cargo test -p phone-mfa-contract --test differential -- --ignored --nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use phone_mfa_contract::phone::{check_phone_with, reading_with, PhoneProblem, COUNTRIES, DATABASE};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Deterministic, so a failure reproduces: xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// A random string the pattern matches (the metadata's patterns use digits, classes,
/// repetition, alternation and groups only).
fn generate(hir: &Hir, rng: &mut Rng, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.push_str(std::str::from_utf8(&lit.0).unwrap()),
        HirKind::Class(Class::Unicode(class)) => {
            let chars: Vec<char> = class.iter().flat_map(|r| r.start()..=r.end()).collect();
            out.push(chars[rng.below(chars.len() as u64) as usize]);
        }
        HirKind::Class(Class::Bytes(class)) => {
            let bytes: Vec<u8> = class.iter().flat_map(|r| r.start()..=r.end()).collect();
            out.push(bytes[rng.below(bytes.len() as u64) as usize] as char);
        }
        HirKind::Repetition(rep) => {
            let max = rep.max.unwrap_or(rep.min + 2);
            let n = rep.min + rng.below(u64::from(max - rep.min) + 1) as u32;
            for _ in 0..n {
                generate(&rep.sub, rng, out);
            }
        }
        HirKind::Capture(cap) => generate(&cap.sub, rng, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| generate(p, rng, out)),
        HirKind::Alternation(alts) => generate(&alts[rng.below(alts.len() as u64) as usize], rng, out),
    }
}

/// National numbers of every kind the region has: its examples and `per_kind` more
/// generated from each kind's pattern.
fn numbers_of(region: &str, per_kind: usize, rng: &mut Rng) -> Vec<String> {
    let meta = phonenumber::metadata::DATABASE
        .by_id(region)
        .expect("a region of the metadata");
    let mut out = vec![];
    for desc in meta.descriptors().number_kinds() {
        out.extend(desc.example().map(str::to_owned));
        // ASCII classes: `\d` in the metadata means 0-9.
        let hir = regex_syntax::ParserBuilder::new()
            .ignore_whitespace(true)
            .unicode(false)
            .build()
            .parse(desc.national_number().as_str())
            .expect("metadata patterns parse");
        for _ in 0..per_kind {
            let mut n = String::new();
            generate(&hir, rng, &mut n);
            out.push(n);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Keypad letters for digits 2-9: a vanity spelling of the number's last digits.
fn with_letters(n: &str) -> Option<String> {
    const KEYPAD: [&str; 10] = ["", "", "A", "D", "G", "J", "M", "P", "T", "W"];
    let split = n.len().saturating_sub(4);
    let tail: String = n[split..]
        .chars()
        .map(|c| KEYPAD[c.to_digit(10).unwrap() as usize])
        .collect();
    (tail.len() == 4).then(|| format!("{}{tail}", &n[..split]))
}

/// A case: the selected country (None: typed with `+`), and the text.
type Case = (Option<&'static str>, String);

fn cases() -> Vec<Case> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cases: Vec<Case> = vec![];
    for country in COUNTRIES {
        let (region, code) = (country.region, country.calling_code);
        for (i, n) in numbers_of(region, 12, &mut rng).into_iter().enumerate() {
            let grouped: String = n
                .as_bytes()
                .chunks(3)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("-");
            let national = Some(region);
            cases.push((national, n.clone()));
            cases.push((national, grouped.clone()));
            cases.push((None, format!("+{code} {grouped}")));
            cases.push((None, format!("+{code}{n}")));
            cases.push((national, format!("(+{code}) {n}")));
            cases.push((national, format!("tel:+{code}-{grouped}")));
            for ext in [
                " ext. 12",
                " x12",
                " #12",
                " ~12",
                " int 12",
                " доб 12",
                " ｘ12",
                ";ext=12",
            ] {
                cases.push((national, format!("{grouped}{ext}")));
            }
            if let Some(vanity) = with_letters(&n) {
                cases.push((national, vanity));
            }
            cases.push((national, n[..n.len() - 1].to_owned()));
            cases.push((None, format!("+{code}{}", &n[..n.len() - 1])));
            cases.push((national, format!("{n}5")));
            cases.push((None, format!("+{code}{n}5")));
            // Every state while typing, for some of the numbers.
            if i % 4 == 0 {
                for k in 1..n.len() {
                    cases.push((None, format!("+{code}{}", &n[..k])));
                    cases.push((national, n[..k].to_owned()));
                }
            }
        }
    }
    cases.sort();
    cases.dedup();
    cases
}

/// Our verdict, in the oracle's terms.
fn ours(region: Option<&str>, input: &str) -> String {
    // A `+` number ignores the selected country; "US" is as good as any.
    let selected = region.unwrap_or("US");
    match reading_with(&DATABASE, input, selected) {
        Ok(r) if r.valid => format!("valid {} {}", r.kind.unwrap_or("UNKNOWN"), r.e164),
        Ok(_) => match check_phone_with(&DATABASE, input, selected, |_| true) {
            Err(PhoneProblem::TooShort) => "refused too_short".into(),
            Err(PhoneProblem::TooLong) => "refused too_long".into(),
            _ => "refused not_valid".into(),
        },
        Err(PhoneProblem::Extension) => "extension".into(),
        Err(PhoneProblem::InvalidCharacters) if input.chars().any(|c| c.is_ascii_alphabetic()) => {
            "letters".into()
        }
        Err(PhoneProblem::TooShort | PhoneProblem::Empty) => "refused too_short".into(),
        Err(PhoneProblem::TooLong) => "refused too_long".into(),
        Err(PhoneProblem::CountryNotSupported) => "refused country".into(),
        Err(p) => format!("refused {p:?}"),
    }
}

fn oracle(cases: &[Case]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new("node")
        .arg(root.join("tests/phone/oracle.mjs"))
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (cargo xtask test installs node_modules first)");
    let mut stdin = child.stdin.take().unwrap();
    let input: String = cases
        .iter()
        .map(|(r, i)| serde_json::to_string(&(r, i)).unwrap() + "\n")
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "the oracle failed (is node_modules installed?)"
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            match v["c"].as_str().unwrap() {
                "valid" => format!("valid {} {}", v["t"].as_str().unwrap(), v["e"].as_str().unwrap()),
                "refused" => format!("refused {}", v["k"].as_str().unwrap()),
                other => other.to_owned(),
            }
        })
        .collect()
}

/// Known, justified differences: a class (matched on the case and both verdicts), its
/// reason, and whether it is a difference of *rules* (the two implementations
/// deliberately answer differently: such cases have no common answer to agree on and
/// are left out of the agreement figure) or of *data* (same rule, other metadata:
/// counted as disagreement). From `tests/phone/known-differences.txt`.
struct Known {
    id: String,
    rule: bool,
    reason: String,
}

fn known_differences() -> Vec<Known> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/phone/known-differences.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (head, reason) = l.split_once(':').expect("`class [rule|data]: reason`");
            let (id, kind) = head.trim().split_once(' ').expect("`class [rule|data]: reason`");
            assert!(kind == "[rule]" || kind == "[data]", "{id}: {kind}");
            Known {
                id: id.to_owned(),
                rule: kind == "[rule]",
                reason: reason.trim().to_owned(),
            }
        })
        .collect()
}

/// Which listed class a difference belongs to, if any. Each class is one clause here
/// and one line, with its reason, in the file.
fn classify(region: Option<&str>, input: &str, ours: &str, theirs: &str) -> Option<&'static str> {
    let letters = input.chars().any(|c| c.is_ascii_alphabetic()) && !input.starts_with("tel:");
    if ours == "letters" && letters {
        return Some("letters");
    }
    let nanp_not_us =
        region.is_some_and(|r| r != "US" && COUNTRIES.iter().any(|c| c.region == r && c.calling_code == 1));
    if nanp_not_us && ours == "refused too_short" && theirs == "refused not_valid" {
        return Some("length-by-main-region");
    }
    if ours.starts_with("valid MOBILE +34590") && theirs == "refused not_valid" {
        return Some("metadata-es-590");
    }
    None
}

#[test]
#[ignore = "needs Node and node_modules: run by `cargo xtask test`"]
fn the_phone_rules_agree_with_libphonenumber_js() {
    let cases = cases();
    let theirs = oracle(&cases);
    assert_eq!(theirs.len(), cases.len(), "one verdict per case");
    let known = known_differences();
    let mut agree = 0;
    let mut explained: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = vec![];
    for ((region, input), theirs) in cases.iter().zip(&theirs) {
        let ours = ours(*region, input);
        if &ours == theirs {
            agree += 1;
            continue;
        }
        match classify(*region, input, &ours, theirs) {
            Some(class) => *explained.entry(class).or_default() += 1,
            None => unexplained.push(format!(
                "{region:?} {input:?}: ours {ours} | libphonenumber-js {theirs}"
            )),
        }
    }
    let total = cases.len();
    let is_rule = |class: &str| known.iter().any(|k| k.id == class && k.rule);
    let rules: usize = explained.iter().filter(|(c, _)| is_rule(c)).map(|(_, n)| n).sum();
    let comparable = total - rules;
    let agreement = agree as f64 / comparable as f64;
    println!(
        "phone rules vs libphonenumber-js: {total} cases, {agree} agree ({:.2}% of all); \
         {comparable} where both apply the same rule, {:.3}% of them agree",
        100.0 * agree as f64 / total as f64,
        100.0 * agreement
    );
    for (class, n) in &explained {
        let k = known.iter().find(|k| k.id == *class);
        let kind = k.map_or("?", |k| if k.rule { "rule" } else { "data" });
        println!(
            "  {class} ({kind}): {n} cases: {}",
            k.map_or("(not in the file)", |k| k.reason.as_str())
        );
    }
    println!("  unexplained: {}", unexplained.len());
    for class in explained.keys() {
        assert!(
            known.iter().any(|k| k.id == *class),
            "class {class} has no reason in known-differences.txt"
        );
    }
    assert!(
        unexplained.is_empty(),
        "{} differences are not explained:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        agreement >= 0.999,
        "agreement {:.3}% is under 99.9%",
        100.0 * agreement
    );
}
