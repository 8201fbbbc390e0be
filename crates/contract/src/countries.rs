//! The countries a number can be entered for. Its own file because `build.rs` reads it
//! too: the phone metadata built into the contract covers exactly these countries'
//! calling codes.

/// A country a number can be entered for: what the country selector lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166 region code, e.g. "US".
    pub region: &'static str,
    pub name: &'static str,
    pub calling_code: u16,
}

/// The countries offered in the selector, United States first. The server's
/// allow-list decides which of them may receive codes; the default allows all of them.
pub const COUNTRIES: &[Country] = &[
    Country {
        region: "US",
        name: "United States",
        calling_code: 1,
    },
    Country {
        region: "CA",
        name: "Canada",
        calling_code: 1,
    },
    Country {
        region: "PR",
        name: "Puerto Rico",
        calling_code: 1,
    },
    Country {
        region: "GU",
        name: "Guam",
        calling_code: 1,
    },
    Country {
        region: "VI",
        name: "U.S. Virgin Islands",
        calling_code: 1,
    },
    Country {
        region: "AS",
        name: "American Samoa",
        calling_code: 1,
    },
    Country {
        region: "MP",
        name: "Northern Mariana Islands",
        calling_code: 1,
    },
    Country {
        region: "MX",
        name: "Mexico",
        calling_code: 52,
    },
    Country {
        region: "GB",
        name: "United Kingdom",
        calling_code: 44,
    },
    Country {
        region: "ES",
        name: "Spain",
        calling_code: 34,
    },
];

/// Looks a selector country up by its region code.
pub fn country(region: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.region.eq_ignore_ascii_case(region))
}
