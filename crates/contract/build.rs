//! Cuts libphonenumber's metadata (the vendored crate's copy) down to the calling
//! codes of the countries the selector offers, for `phone::DATABASE`. Every region
//! that shares one of those codes is kept (all of +1 for the US, Canada and the
//! territories; +44 for the UK, Guernsey, Jersey and the Isle of Man), because
//! libphonenumber decides a number's region among them.

use std::env;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

#[path = "src/countries.rs"]
#[allow(dead_code)]
mod countries;

const METADATA_XML: &str = "../../vendor/phonenumber/assets/PhoneNumberMetadata.xml";

fn main() {
    println!("cargo:rerun-if-changed={METADATA_XML}");
    println!("cargo:rerun-if-changed=src/countries.rs");
    let xml = File::open(METADATA_XML).expect("the vendored phone metadata");
    let all =
        phonenumber::metadata::loader::load(BufReader::new(xml)).expect("the vendored phone metadata loads");
    let served = |code: Option<u16>| countries::COUNTRIES.iter().any(|c| Some(c.calling_code) == code);
    let kept: Vec<_> = all.into_iter().filter(|m| served(m.country_code)).collect();
    for c in countries::COUNTRIES {
        assert!(
            kept.iter().any(|m| m.id.as_deref() == Some(c.region)),
            "no phone metadata for {} (+{})",
            c.region,
            c.calling_code
        );
    }
    let bytes = postcard::to_allocvec(&kept).expect("phone metadata serialises");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("selector-metadata.postcard");
    std::fs::write(out, bytes).expect("write the phone metadata");
}
