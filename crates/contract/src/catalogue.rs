//! The message format of the word catalogues (`locales/*.json` for the app,
//! `locales/server/*.json` for the server): `{{ name }}` placeholders, and plural forms
//! as keys ending `_one` / `_other`. The app reads it through leptos_i18n; the server
//! and the design gallery (which shows the server's words without a server) fill
//! messages with these two functions, so all three read one format.

/// The key of the form of `key` for `count`: `key_one` for exactly one, `key_other`
/// otherwise. These are the plural rules of English and Spanish for the whole numbers
/// our messages count (CLDR's Spanish "many" is for millions, which no message counts).
pub fn plural_key(key: &str, count: i64) -> String {
    if count == 1 {
        format!("{key}_one")
    } else {
        format!("{key}_other")
    }
}

/// `text` with each `{{ name }}` replaced by `value(name)`. A placeholder without a
/// value is an error naming it, so a caller can never send `{{ minutes }}` to a person.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed placeholder in {text:?}"))?;
        let name = after[..end].trim();
        out.push_str(&value(name).ok_or_else(|| name.to_owned())?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Every `{{ name }}` of a text, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}").map(|(name, _)| name.trim()))
        .collect()
}

/// A catalogue file's texts by dotted key (`errors.busy`, `sms.body`), in key order.
#[cfg(feature = "catalogue-keys")]
pub fn flat_keys(catalogue: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    fn walk(value: &serde_json::Value, prefix: &str, out: &mut std::collections::BTreeMap<String, String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(v, &path, out);
                }
            }
            other => {
                out.insert(prefix.to_owned(), other.as_str().unwrap_or_default().to_owned());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(catalogue, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder_or_names_the_missing_one() {
        let value = |name: &str| (name == "count").then(|| "3".to_owned());
        assert_eq!(fill("In {{ count }} or {{count}}.", value).unwrap(), "In 3 or 3.");
        assert_eq!(fill("No placeholders", value).unwrap(), "No placeholders");
        assert_eq!(fill("In {{ minutes }}", value), Err("minutes".to_owned()));
        assert!(fill("In {{ count", value).is_err());
        assert_eq!(placeholders("a {{ x }} b {{y}}"), ["x", "y"]);
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural_key("k", 1), "k_one");
        for n in [0, 2, 5, 21, 100] {
            assert_eq!(plural_key("k", n), "k_other");
        }
    }
}
