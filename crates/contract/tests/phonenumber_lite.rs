//! The vendored phonenumber (vendor/phonenumber: regex-lite instead of regex, and the
//! parsing faults of the published crate fixed, see PATCHED.md): every pattern of the
//! bundled metadata must compile under regex-lite (they are compiled lazily, so a bad
//! one would otherwise only show when used). Its answers are compared with an
//! independent implementation of libphonenumber's rules, libphonenumber-js, in
//! `differential.rs`; the published crate is no longer the reference (it has the faults
//! fixed here, and older metadata).
//!
//! And `phone::DATABASE`, which holds only the selector's calling codes (build.rs):
//! for every example number of those codes, written several ways and checked with
//! every selectable country, it must give exactly the answer the whole metadata gives;
//! for every other calling code, "country not supported" (the whole metadata refuses
//! those too, sometimes for a reason such as "too short").
#![cfg(not(target_arch = "wasm32"))]

use phone_mfa_contract::phone::{check_phone_with, PhoneProblem, COUNTRIES, DATABASE};
use phonenumber as lite;

fn examples(meta: &lite::metadata::Metadata) -> Vec<&str> {
    meta.descriptors()
        .number_kinds()
        .filter_map(|desc| desc.example())
        .collect()
}

#[test]
fn every_pattern_in_the_bundled_metadata_compiles_under_regex_lite() {
    let mut checked = 0;
    let mut check = |re: Option<&lite::lite_regex::CachedRegex>| {
        if let Some(re) = re {
            checked += 1;
            if let Err(e) = re.try_compile() {
                panic!("{:?} does not compile: {e}", re.as_str());
            }
        }
    };
    for meta in lite::metadata::DATABASE.iter() {
        check(meta.international_prefix());
        check(meta.national_prefix_for_parsing());
        check(meta.leading_digits());
        let d = meta.descriptors();
        for desc in [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.emergency(),
            d.voicemail(),
            d.short_code(),
            d.standard_rate(),
            d.carrier(),
            d.no_international(),
        ]
        .into_iter()
        .flatten()
        {
            check(Some(desc.national_number()));
        }
        for format in meta.formats().iter().chain(meta.international_formats()) {
            check(Some(format.pattern()));
            for leading in format.leading_digits() {
                check(Some(leading));
            }
        }
    }
    assert!(checked > 4_000, "only {checked} patterns");
}

fn served(code: u16) -> bool {
    COUNTRIES.iter().any(|c| c.calling_code == code)
}

/// A region's example numbers, each written a few ways people type them.
fn typed_examples(meta: &lite::metadata::Metadata) -> Vec<String> {
    let code = meta.country_code();
    examples(meta)
        .into_iter()
        .flat_map(|example| {
            vec![
                example.to_string(),
                format!("+{code} {example}"),
                format!("+{code}{example}9"),
                format!("{example}9"),
                example.chars().take(4).collect(),
                format!("+{code} {}", example.chars().take(3).collect::<String>()),
            ]
        })
        .collect()
}

#[test]
fn the_selector_metadata_answers_exactly_like_the_whole_world_for_served_codes() {
    let whole_world = &*lite::metadata::DATABASE;
    let mut compared = 0;
    let mut differences = vec![];
    for meta in lite::metadata::DATABASE.iter() {
        if !served(meta.country_code()) {
            continue;
        }
        for input in typed_examples(meta) {
            for selected in COUNTRIES {
                let ours = check_phone_with(&DATABASE, &input, selected.region, |_| true);
                let whole = check_phone_with(whole_world, &input, selected.region, |_| true);
                compared += 1;
                if ours != whole {
                    differences.push(format!("{input:?} in {}: {ours:?} != {whole:?}", selected.region));
                }
            }
        }
    }
    assert!(compared > 2_000, "only {compared} inputs compared");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn every_other_calling_code_is_not_supported() {
    let whole_world = &*lite::metadata::DATABASE;
    let mut checked = 0;
    for meta in lite::metadata::DATABASE.iter() {
        if served(meta.country_code()) {
            continue;
        }
        for input in typed_examples(meta).into_iter().filter(|i| i.starts_with('+')) {
            let ours = check_phone_with(&DATABASE, &input, "US", |_| true);
            assert_eq!(ours, Err(PhoneProblem::CountryNotSupported), "{input}");
            assert!(
                check_phone_with(whole_world, &input, "US", |_| true).is_err(),
                "{input} is accepted by the whole metadata"
            );
            checked += 1;
        }
    }
    assert!(checked > 1_000, "only {checked} inputs checked");
}
