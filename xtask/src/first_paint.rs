//! The words a screen shows before the app's code has arrived (issue 21).
//!
//! A client-rendered screen paints nothing of its own until the main module has
//! downloaded, compiled and run: on Lighthouse's slow 4G that is 2.2 s at best, and the
//! screens after sign-in wait for their chunk too. So each address's page (written by
//! `split::split_app`) carries its screen's first words: the heading, the sentence under
//! it, in English and in Spanish; index.html's script shows the language the app will
//! choose. The app keeps that card on screen until its own screen renders in its place,
//! at the same size (src/first_paint.rs).
//!
//! Which words: the `first paint [...]` clause of a screen in src/screens.rs, only for
//! what its first render shows whatever the session holds. A screen without one keeps
//! index.html's neutral placeholder.
//! - `back <key>`: the screen has a way back above its heading, whose words depend on
//!   the session: its line is kept, the words hidden;
//! - `title <key>`: the heading;
//! - `intro <key>`: the paragraph right under it;
//! - `wide`: the card is the wide one (the dashboard).

use crate::Result;
use std::collections::BTreeMap;

/// The languages of the app, as in locales/<lang>.json.
pub const LANGUAGES: [&str; 2] = ["en", "es"];

/// One part of a screen's first paint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Back(String),
    Title(String),
    Intro(String),
    Wide,
}

/// Each fixed address of the table (one with a parameter, `/gallery/:state`, keeps
/// index.html) with its screen's first-paint parts (empty: the screen has none).
pub fn addresses(table: &str) -> Result<BTreeMap<String, Vec<Part>>> {
    let mut out = BTreeMap::new();
    let lines: Vec<&str> = table.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((addresses, _)) = line
            .split_once(" at [")
            .and_then(|(_, rest)| rest.split_once("], ("))
        else {
            continue;
        };
        let parts = match lines
            .get(i + 1)
            .and_then(|next| next.strip_prefix("first paint ["))
        {
            Some(clause) => parse_parts(clause)?,
            None => vec![],
        };
        for address in addresses.split(',').map(|a| a.trim().trim_matches('"')) {
            if !address.is_empty() && !address.contains([':', '*']) {
                out.insert(address.to_owned(), parts.clone());
            }
        }
    }
    Ok(out)
}

fn parse_parts(clause: &str) -> Result<Vec<Part>> {
    let inside = clause
        .strip_suffix("],")
        .ok_or_else(|| format!("`first paint [{clause}`: end it with `],` on the same line"))?;
    inside
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once(' ') {
            Some(("back", key)) => Ok(Part::Back(key.trim().to_owned())),
            Some(("title", key)) => Ok(Part::Title(key.trim().to_owned())),
            Some(("intro", key)) => Ok(Part::Intro(key.trim().to_owned())),
            None if part == "wide" => Ok(Part::Wide),
            _ => Err(format!(
                "first paint: `{part}` is not back/title/intro <key> or wide"
            )),
        })
        .collect()
}

/// The cards of a screen's first paint, one per language (`words[lang][key]`): the
/// same elements and classes as `Page` renders (src/components/page.rs), so nothing
/// moves when the app's own card takes their place. A key missing from a language, or
/// one that needs a value filled in, fails the build.
pub fn cards(parts: &[Part], words: &BTreeMap<&str, BTreeMap<String, String>>) -> Result<String> {
    let mut html = String::new();
    for lang in LANGUAGES {
        let text = |key: &str| -> Result<String> {
            let text = words
                .get(lang)
                .and_then(|w| w.get(key))
                .ok_or_else(|| format!("first paint: no `{key}` in locales/{lang}.json"))?;
            if text.contains("{{") {
                return Err(format!(
                    "first paint: `{key}` needs a value filled in; only fixed words can be painted first"
                ));
            }
            Ok(escape(text))
        };
        let wide = if parts.contains(&Part::Wide) { " wide" } else { "" };
        html.push_str(&format!(
            r#"<section class="card boot-card{wide}" lang="{lang}">"#
        ));
        for part in parts {
            match part {
                Part::Back(key) => html.push_str(&format!(
                    r#"<span class="back-link boot-back">{}</span>"#,
                    text(key)?
                )),
                Part::Title(key) => html.push_str(&format!("<h1>{}</h1>", text(key)?)),
                Part::Intro(key) => html.push_str(&format!("<p>{}</p>", text(key)?)),
                Part::Wide => {}
            }
        }
        html.push_str(r#"<div class="boot-line"></div><div class="boot-line short"></div></section>"#);
    }
    Ok(html)
}

/// `page` (index.html as built) with `cards` in place of the frame's placeholder card:
/// whatever the frame's `<main>` (the first one, in `id=boot`) holds.
pub fn with_cards(page: &str, cards: &str) -> Result<String> {
    let frame = page
        .find("id=boot")
        .or_else(|| page.find(r#"id="boot""#))
        .ok_or("index.html has no boot frame")?;
    let open = page[frame..]
        .find("<main>")
        .map(|i| frame + i + "<main>".len())
        .ok_or("the boot frame has no <main>")?;
    let close = page[open..]
        .find("</main>")
        .map(|i| open + i)
        .ok_or("the boot frame's <main> is not closed")?;
    Ok(format!("{}{cards}{}", &page[..open], &page[close..]))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The app's words, flattened per language (`sign_in.title` → "Sign in to Phone MFA").
pub fn read_words(root: &std::path::Path) -> Result<BTreeMap<&'static str, BTreeMap<String, String>>> {
    let mut words = BTreeMap::new();
    for lang in LANGUAGES {
        let path = root.join(format!("locales/{lang}.json"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        words.insert(lang, phone_mfa_contract::catalogue::flat_keys(&json));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> BTreeMap<&'static str, BTreeMap<String, String>> {
        let en = [
            ("a.title", "Sign in & <stay>"),
            ("a.intro", "Hello"),
            ("a.back", "Back"),
            ("a.n", "In {{ n }}"),
        ];
        let es = [
            ("a.title", "Inicia sesión"),
            ("a.intro", "Hola"),
            ("a.back", "Atrás"),
            ("a.n", "En {{ n }}"),
        ];
        let map = |pairs: [(&str, &str); 4]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        [("en", map(en)), ("es", map(es))].into()
    }

    #[test]
    fn a_screens_clause_gives_each_of_its_fixed_addresses_its_words() {
        let table = r#"
            SignIn at ["/", "/sign-in"], (eager),
                first paint [title a.title, intro a.intro],
                gallery sign_in: [
            Dashboard at ["/account"], (preloaded methods::dashboard),
                first paint [back a.back, title a.title, wide],
            Gallery at ["/gallery", "/gallery/:state"], (lazy gallery::gallery),
            NotFound at [], (eager),
        "#;
        let got = addresses(table).unwrap();
        let sign_in = vec![Part::Title("a.title".into()), Part::Intro("a.intro".into())];
        assert_eq!(got["/"], sign_in);
        assert_eq!(got["/sign-in"], sign_in);
        assert_eq!(
            got["/account"],
            vec![
                Part::Back("a.back".into()),
                Part::Title("a.title".into()),
                Part::Wide
            ]
        );
        assert_eq!(
            got["/gallery"],
            vec![],
            "a screen without the clause keeps the placeholder"
        );
        assert_eq!(
            got.len(),
            4,
            "no page for an address with a parameter, nor for none: {got:?}"
        );
        assert!(addresses("X at [\"/x\"], (eager),\nfirst paint [heading a.title],").is_err());
    }

    #[test]
    fn the_cards_hold_the_words_in_each_language_escaped_as_page_renders_them() {
        let parts = [
            Part::Back("a.back".into()),
            Part::Title("a.title".into()),
            Part::Intro("a.intro".into()),
        ];
        let html = cards(&parts, &words()).unwrap();
        assert!(html.starts_with(r#"<section class="card boot-card" lang="en"><span class="back-link boot-back">Back</span><h1>Sign in &amp; &lt;stay&gt;</h1><p>Hello</p>"#), "{html}");
        assert!(html.contains(r#"<section class="card boot-card" lang="es"><span class="back-link boot-back">Atrás</span><h1>Inicia sesión</h1><p>Hola</p>"#), "{html}");
        assert!(cards(&[Part::Wide], &words())
            .unwrap()
            .contains(r#"class="card boot-card wide""#));
        let missing = cards(&[Part::Title("a.none".into())], &words()).unwrap_err();
        assert!(missing.contains("a.none"), "{missing}");
        let filled_in = cards(&[Part::Intro("a.n".into())], &words()).unwrap_err();
        assert!(filled_in.contains("value filled in"), "{filled_in}");
    }

    #[test]
    fn the_cards_replace_the_frames_placeholder_and_nothing_else() {
        let page = "<head><title>x</title></head><body><div aria-hidden=true class=boot id=boot><header>h</header><main><section class=card><div class=boot-title></div></section></main></div><noscript>n</noscript></body>";
        let got = with_cards(page, "<p>W</p>").unwrap();
        assert_eq!(got, "<head><title>x</title></head><body><div aria-hidden=true class=boot id=boot><header>h</header><main><p>W</p></main></div><noscript>n</noscript></body>");
        assert!(
            with_cards("<body><main></main></body>", "x").is_err(),
            "no frame, no page"
        );
    }

    /// The real table and locales: every clause parses and every word is there, in
    /// both languages, without a value to fill in.
    #[test]
    fn every_first_paint_in_the_apps_table_has_its_words() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let table = std::fs::read_to_string(root.join("src/screens.rs")).unwrap();
        let words = read_words(root).unwrap();
        let pages = addresses(&table).unwrap();
        let painted: Vec<_> = pages.iter().filter(|(_, parts)| !parts.is_empty()).collect();
        assert!(
            painted.len() >= 10,
            "the screens Lighthouse measures have words: {painted:?}"
        );
        for (address, parts) in painted {
            cards(parts, &words).unwrap_or_else(|e| panic!("{address}: {e}"));
        }
    }
}
