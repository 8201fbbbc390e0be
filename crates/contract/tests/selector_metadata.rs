//! `phone::DATABASE` holds only the selector's calling codes (build.rs). For every
//! example number libphonenumber has for those codes, written several ways and checked
//! with every selectable country, it must give exactly the answer the whole metadata
//! gives; for every other calling code, "country not supported" (the whole metadata
//! refuses those too, sometimes for a reason such as "too short").
#![cfg(not(target_arch = "wasm32"))]

use phone_mfa_contract::phone::{check_phone_with, PhoneProblem, COUNTRIES, DATABASE};
use phonenumber::metadata::DATABASE as WHOLE_WORLD;

fn served(code: u16) -> bool {
    COUNTRIES.iter().any(|c| c.calling_code == code)
}

/// The example numbers of one region, each written a few ways people type them.
fn inputs(meta: &phonenumber::Metadata) -> Vec<String> {
    let d = meta.descriptors();
    let code = meta.country_code();
    [
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
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|desc| desc.example())
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
    let mut compared = 0;
    let mut differences = vec![];
    for meta in WHOLE_WORLD.iter().filter(|m| served(m.country_code())) {
        for input in inputs(meta) {
            for selected in COUNTRIES {
                let ours = check_phone_with(&DATABASE, &input, selected.region, |_| true);
                let whole = check_phone_with(&WHOLE_WORLD, &input, selected.region, |_| true);
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
    let mut checked = 0;
    for meta in WHOLE_WORLD.iter().filter(|m| !served(m.country_code())) {
        for input in inputs(meta).into_iter().filter(|i| i.starts_with('+')) {
            let ours = check_phone_with(&DATABASE, &input, "US", |_| true);
            assert_eq!(ours, Err(PhoneProblem::CountryNotSupported), "{input}");
            assert!(
                check_phone_with(&WHOLE_WORLD, &input, "US", |_| true).is_err(),
                "{input} is accepted by the whole metadata"
            );
            checked += 1;
        }
    }
    assert!(checked > 1_000, "only {checked} inputs checked");
}
