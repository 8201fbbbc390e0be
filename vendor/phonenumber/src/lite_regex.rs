//! The two things this crate took from `regex-cache`, on `regex-lite`: a regular
//! expression compiled the first time it is used (the metadata holds thousands and a
//! lookup touches a few), and the cache handle `Database::cache` hands out (kept so the
//! public API is unchanged; regex-lite needs no cache).

use once_cell::sync::OnceCell;
use regex_lite::{Regex, RegexBuilder};
use std::ops::Deref;
use std::sync::{Arc, Mutex};

/// Stands in for `crate::lite_regex::RegexCache`.
#[derive(Debug, Default)]
pub struct RegexCache;

impl RegexCache {
    pub fn new(_capacity: usize) -> Self {
        RegexCache
    }
}

/// A regular expression compiled on first use, as `regex_cache::CachedRegex` was.
///
/// regex-lite has no parse-only check, and compiling the whole metadata up front would
/// cost the validator's start-up what laziness saves, so a syntax error in the metadata
/// would only show when that pattern is used: the bundled metadata is checked by a test
/// that compiles every pattern (phone-mfa-contract `tests/phonenumber_lite.rs`).
#[derive(Clone, Debug)]
pub struct CachedRegex {
    source: String,
    ignore_whitespace: bool,
    compiled: OnceCell<Regex>,
}

impl CachedRegex {
    pub fn new(_cache: Arc<Mutex<RegexCache>>, source: &str) -> Result<Self, regex_lite::Error> {
        CachedRegexBuilder::new(_cache, source).build()
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Compiles the pattern if it has not been, reporting a syntax error.
    pub fn try_compile(&self) -> Result<&Regex, regex_lite::Error> {
        if let Some(re) = self.compiled.get() {
            return Ok(re);
        }
        let re = Self::compile(&self.source, self.ignore_whitespace)?;
        Ok(self.compiled.get_or_init(|| re))
    }

    fn compile(source: &str, ignore_whitespace: bool) -> Result<Regex, regex_lite::Error> {
        RegexBuilder::new(source)
            .ignore_whitespace(ignore_whitespace)
            .build()
    }
}

impl Deref for CachedRegex {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        self.try_compile()
            .expect("the bundled metadata's patterns compile (tested)")
    }
}

/// Stands in for `crate::lite_regex::CachedRegexBuilder`.
pub struct CachedRegexBuilder {
    source: String,
    ignore_whitespace: bool,
}

impl CachedRegexBuilder {
    pub fn new(_cache: Arc<Mutex<RegexCache>>, source: &str) -> Self {
        CachedRegexBuilder {
            source: source.to_owned(),
            ignore_whitespace: false,
        }
    }

    pub fn ignore_whitespace(mut self, yes: bool) -> Self {
        self.ignore_whitespace = yes;
        self
    }

    pub fn build(self) -> Result<CachedRegex, regex_lite::Error> {
        Ok(CachedRegex {
            source: self.source,
            ignore_whitespace: self.ignore_whitespace,
            compiled: OnceCell::new(),
        })
    }
}
