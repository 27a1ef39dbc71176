//! Structured mutations of the fixtures (`tests/fixtures/*`) through `check_source`.
//!
//! The fuzzer's bytes pick a fixture and a few edits that keep it looking like Inngest
//! code: insert a token that matters to the analysis (`return `, `await step.run(…)`,
//! braces, `else `, `case 1:`, comments, a suppression), delete a span, duplicate, swap
//! or move lines, brace or un-brace a line, switch to CRLF, add a BOM, re-indent with
//! tabs. Most results have syntax errors: an internal error is a failure only when the
//! mutated text parses cleanly.
#![no_main]

#[path = "../../tests/properties/check.rs"]
#[allow(dead_code)]
mod check;
#[path = "../../tests/properties/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use generate::Choices;
use inngest_fix::{Lang, Settings};
use libfuzzer_sys::fuzz_target;

/// Text the mutations insert.
const TOKENS: &[&str] = &[
    "return ",
    "return x;",
    "return { a, b: c };\n",
    "await step.run(\"s\", async () => 1);\n",
    "const r = await step.run('r', () => ({}));\n",
    "step.sleep(\"z\", \"1s\")",
    "{",
    "}",
    "(",
    ")",
    ";",
    "\n",
    "\r\n",
    "if (a) ",
    "else ",
    "case 1:",
    "switch (x) {",
    "try {",
    "} catch {",
    "// inngest-fix-ignore\n",
    "/*",
    "*/",
    "`",
    "${",
    "\"",
    "'",
    "async ",
    "=>",
    "yield ",
    "count += 1;",
    "event",
    "finalReturn",
    "finalize-and-return",
    "\t",
    "  ",
    "é✓",
    "<T>",
    "</b>",
];

fn fixtures() -> &'static [(Lang, String)] {
    static FIXTURES: OnceLock<Vec<(Lang, String)>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("tests/fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .filter_map(|p| Some((Lang::from_path(&p)?, std::fs::read_to_string(&p).ok()?)))
            .collect()
    })
}

/// A char boundary of `text` chosen by two picks.
fn position(c: &mut Choices, text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    let mut at = (c.pick(256) * 256 + c.pick(256)) % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(c: &mut Choices, text: &mut String) {
    match c.pick(10) {
        0 | 1 => {
            let at = position(c, text);
            text.insert_str(at, TOKENS[c.pick(TOKENS.len())]);
        }
        2 => {
            let start = position(c, text);
            let mut end = (start + c.pick(48)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(start..end, "");
        }
        3..=6 => {
            let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
            if lines.is_empty() {
                return;
            }
            let a = (c.pick(256) * 256 + c.pick(256)) % lines.len();
            let b = (c.pick(256) * 256 + c.pick(256)) % lines.len();
            match c.pick(4) {
                0 => {
                    let line = lines[a].clone();
                    lines.insert(b, line);
                }
                1 => lines.swap(a, b),
                2 => {
                    let line = lines.remove(a);
                    lines.insert(b.min(lines.len()), line);
                }
                _ => {
                    // Brace a line, or give it a braceless `if`.
                    let line = lines[a].clone();
                    let body = line.trim_end_matches(['\n', '\r']);
                    let ending = &line[body.len()..];
                    lines[a] = match c.pick(2) {
                        0 => format!("{{ {body} }}{ending}"),
                        _ => format!("if (cond) {}{ending}", body.trim_start()),
                    };
                }
            }
            *text = lines.concat();
        }
        7 => {
            if !text.contains("\r\n") {
                *text = text.replace('\n', "\r\n");
            }
        }
        8 => {
            if !text.starts_with('\u{feff}') {
                text.insert(0, '\u{feff}');
            }
        }
        _ => {
            *text = text
                .split_inclusive('\n')
                .map(|line| {
                    let rest = line.trim_start_matches(' ');
                    let tabs = (line.len() - rest.len()) / 2;
                    format!("{}{rest}", "\t".repeat(tabs))
                })
                .collect();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let fixtures = fixtures();
    let mut c = Choices::new(data);
    let (lang, original) = &fixtures[c.pick(fixtures.len().min(256)) % fixtures.len()];
    let lang = if c.chance(10) { Lang::Tsx } else { *lang };
    let settings = Settings {
        all_returns: c.chance(50),
        ..Settings::default()
    };
    let mut text = original.clone();
    for _ in 0..1 + c.pick(6) {
        mutate(&mut c, &mut text);
    }
    let valid = check::error_count(&text, lang) == 0;
    if let Err(problem) = check::check_properties(&text, lang, &settings, valid) {
        panic!(
            "{lang:?} all_returns={}: {problem}\n{text}",
            settings.all_returns
        );
    }
});
