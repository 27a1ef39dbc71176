//! Each rule's documentation, taken at build time from the `//!` comment at the top of
//! its file in `src/rules/` (see `build.rs`): the one source for `--explain`,
//! `--list-rules` and the SARIF rule descriptions.

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// The documentation of `rule`, Markdown with the sections *What it does*, *Why is this
/// bad?*, *Example* and *Fix safety*.
pub fn doc(rule: &str) -> Option<&'static str> {
    RULE_DOCS
        .iter()
        .find(|(name, _)| *name == rule)
        .map(|(_, doc)| *doc)
}

/// Every rule's name, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    RULE_DOCS.iter().map(|(name, _)| *name)
}

/// Whether `rule` names a rule.
pub fn is_known(rule: &str) -> bool {
    doc(rule).is_some()
}

/// What to say about a rule name that names no rule: the closest rule (or one of
/// `also`, such as `ALL`) as "did you mean", else where the list is.
pub fn unknown_rule(name: &str, also: &[&'static str]) -> String {
    match crate::suggest::closest(name, names().chain(also.iter().copied())) {
        Some(known) => format!("unknown rule `{name}`; did you mean `{known}`?"),
        None => format!("unknown rule `{name}` (`inngest-fix --list-rules` lists the rules)"),
    }
}

/// The text of one `## Heading` section of a rule's documentation, trimmed.
pub fn section(doc: &'static str, heading: &str) -> Option<&'static str> {
    let marker = format!("## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The first sentence of *What it does*: a one-line summary.
pub fn summary(doc: &'static str) -> String {
    let what = section(doc, "What it does").unwrap_or("");
    let paragraph = what.split("\n\n").next().unwrap_or("");
    let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.find(". ") {
        Some(end) => joined[..=end].to_string(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_the_four_sections() {
        assert!(names().count() >= 2);
        for (name, doc) in RULE_DOCS {
            assert!(doc.starts_with(&format!("Rule `{name}`.")), "{name}: {doc}");
            for heading in ["What it does", "Why is this bad?", "Example", "Fix safety"] {
                assert!(section(doc, heading).is_some(), "{name}: no ## {heading}");
            }
            assert!(!summary(doc).is_empty());
        }
    }

    #[test]
    fn lookups() {
        assert!(is_known("unsafe-trailing-return"));
        assert!(is_known("unused-suppression"));
        assert!(!is_known("unsafe_trailing_return"));
        assert_eq!(
            unknown_rule("unsafe-trailing-retrun", &[]),
            "unknown rule `unsafe-trailing-retrun`; did you mean `unsafe-trailing-return`?"
        );
        assert_eq!(
            unknown_rule("all", &["ALL"]),
            "unknown rule `all`; did you mean `ALL`?"
        );
        assert!(unknown_rule("nope", &[]).ends_with("(`inngest-fix --list-rules` lists the rules)"));
        assert!(summary(doc("unsafe-trailing-return").unwrap()).starts_with("Finds the `return`"));
    }
}
