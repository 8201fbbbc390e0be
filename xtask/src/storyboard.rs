//! `cargo xtask storyboard`: screenshots of every step of the real flows.

use crate::*;

pub(crate) const STORYBOARD_DIR: &str = "target/storyboard";

/// Walks the real flows in headless Chromium (tests/storyboard), photographing each
/// step in four variants, then writes the contact sheet. `flows` limits which flows run.
pub(crate) fn storyboard(flows: Option<&str>) -> Result {
    build_app(true)?;
    build_server()?;
    walk_storyboard(flows)
}

/// The walk and the contact sheet, on the app and server already built.
pub(crate) fn walk_storyboard(flows: Option<&str>) -> Result {
    let _ = std::fs::remove_dir_all(STORYBOARD_DIR);
    step("Storyboard: walking the flows (mobile 390 px, desktop 1280 px, light and dark)");
    let mut c = cmd(
        "node_modules/.bin/playwright",
        &["test", "-c", "tests/storyboard"],
    );
    c.env("CHROMIUM", CHROMIUM);
    if let Some(f) = flows {
        c.env("STORYBOARD_FLOWS", f);
    }
    status(c)?;
    let shots = write_contact_sheet()?;
    println!("{shots} screenshots; contact sheet: {STORYBOARD_DIR}/index.html");
    Ok(())
}

/// `target/storyboard/<flow>/<NN>-<step>.<variant>.png` -> one table per flow, a row per
/// step, a column per variant, in order.
pub(crate) fn write_contact_sheet() -> Result<usize> {
    const VARIANTS: [&str; 4] = ["mobile-light", "mobile-dark", "desktop-light", "desktop-dark"];
    let mut flows: Vec<PathBuf> = std::fs::read_dir(STORYBOARD_DIR)
        .map_err(|e| format!("{STORYBOARD_DIR}: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    flows.sort();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Phone MFA storyboard</title>\
         <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:.5rem;vertical-align:top}img{max-width:260px;display:block}</style>\
         </head><body><h1>Phone MFA storyboard</h1>",
    );
    let mut count = 0;
    for flow in &flows {
        let name = flow
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut steps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in std::fs::read_dir(flow).into_iter().flatten().flatten() {
            let file_name = file.file_name().to_string_lossy().into_owned();
            if let Some((step, _variant)) = file_name.strip_suffix(".png").and_then(|s| s.rsplit_once('.')) {
                steps.entry(step.to_owned()).or_default().push(file_name.clone());
                count += 1;
            }
        }
        html.push_str(&format!("<h2>{name}</h2><table><tr><th>step</th>"));
        for v in VARIANTS {
            html.push_str(&format!("<th>{v}</th>"));
        }
        html.push_str("</tr>");
        for (step, files) in &steps {
            html.push_str(&format!("<tr><th>{step}</th>"));
            for v in VARIANTS {
                match files.iter().find(|f| f.ends_with(&format!(".{v}.png"))) {
                    Some(f) => html.push_str(&format!(
                        "<td><a href=\"{name}/{f}\"><img src=\"{name}/{f}\" alt=\"{step}, {v}\" loading=\"lazy\"></a></td>"
                    )),
                    None => html.push_str("<td></td>"),
                }
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>\n");
    std::fs::write(format!("{STORYBOARD_DIR}/index.html"), html).map_err(|e| e.to_string())?;
    if count == 0 {
        return Err("the storyboard took no screenshots".into());
    }
    Ok(count)
}
