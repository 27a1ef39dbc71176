//! The documentation stays true: the README is a front page that links every page of
//! `docs/`, every relative link of the README and of `docs/` leads to a file, and the
//! generated parts of `docs/` are what the tool itself says: the command-line reference
//! is `inngest-fix --help` (docs/cli.md) and the rule pages are the rules' own doc
//! comments (docs/rules.md), and the README's picture of the output is what the tool
//! prints for tests/docs/src/fn.ts. `UPDATE_DOCS=1 cargo test --test docs` rewrites the
//! generated parts.

use std::fs;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `docs/*.md` page, sorted.
fn doc_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages
}

/// The targets of the Markdown links `[text](target)` of `text`, outside code blocks
/// and code spans.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    found
}

/// Replace the text between `start` and `end` (markers included) of the file at `path`
/// with `generated`, or fail saying how to, unless `UPDATE_DOCS` is set.
fn check_generated(path: &Path, start: &str, end: &str, generated: &str) {
    let text = read(path);
    let (Some(from), Some(to)) = (text.find(start), text.find(end)) else {
        panic!("{} has no {start} … {end} section", path.display());
    };
    let wanted = format!("{start}\n{generated}{end}");
    if text[from..to + end.len()] == wanted {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{wanted}{}", &text[..from], &text[to + end.len()..]);
        fs::write(path, updated).unwrap();
        return;
    }
    panic!(
        "{} is out of date: run `UPDATE_DOCS=1 cargo test --test docs` and commit it",
        path.display()
    );
}

#[test]
fn the_readme_is_a_front_page_that_links_every_docs_page() {
    let readme = read(&root().join("README.md"));
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines: move the reference to docs/"
    );
    let targets = links(&readme);
    for page in doc_pages() {
        let name = format!("docs/{}", page.file_name().unwrap().to_str().unwrap());
        assert!(
            targets
                .iter()
                .any(|t| t.split('#').next() == Some(name.as_str())),
            "README.md does not link {name}"
        );
    }
}

#[test]
fn every_relative_link_leads_to_a_file() {
    let mut files = vec![root().join("README.md")];
    files.extend(doc_pages());
    for file in files {
        let dir = file.parent().unwrap();
        for target in links(&read(&file)) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap();
            assert!(
                dir.join(path).exists(),
                "{}: the link ({target}) leads nowhere",
                file.display()
            );
        }
    }
}

/// docs/cli.md's reference is `inngest-fix --help` as clap renders it.
#[test]
fn the_command_line_reference_is_the_help() {
    let mut command = inngest_fix::cli::Args::command().term_width(100);
    let help = command.render_long_help().to_string();
    let help: String = help
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    check_generated(
        &root().join("docs/cli.md"),
        "<!-- cli-reference:start -->",
        "<!-- cli-reference:end -->",
        &format!("```text\n$ inngest-fix --help\n{help}```\n"),
    );
}

/// docs/rules.md holds every rule's documentation, as `--explain` prints it, its
/// headings two levels down.
#[test]
fn the_rule_pages_are_the_rules_docs() {
    let mut generated = String::new();
    for rule in inngest_fix::rules::registry::by_name() {
        let (name, doc) = (rule.name, rule.doc());
        // The first line repeats the name: `Rule `x`.`
        let body = doc.split_once('\n').map_or(doc, |(_, rest)| rest).trim();
        generated.push_str(&format!("\n### `{name}`\n\n"));
        let mut in_code = false;
        for line in body.lines() {
            if line.starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.starts_with("## ") {
                generated.push_str("##");
            }
            generated.push_str(line);
            generated.push('\n');
        }
    }
    generated.push('\n');
    check_generated(
        &root().join("docs/rules.md"),
        "<!-- rule-docs:start -->",
        "<!-- rule-docs:end -->",
        &generated,
    );
}

/// The README's picture of the output is `inngest-fix --check` of tests/docs/src/fn.ts.
#[test]
fn the_readme_picture_is_the_output() {
    let dir = root().join("tests/docs");
    let output = common::inngest_fix(&dir)
        .args(["--check", "src/fn.ts"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    check_generated(
        &root().join("README.md"),
        "<!-- readme-picture:start -->",
        "<!-- readme-picture:end -->",
        &format!("```text\n$ inngest-fix --check src/fn.ts\n{out}```\n"),
    );
}
