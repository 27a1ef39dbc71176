//! "Did you mean …?": the closest known name to a misspelt one.
//!
//! Owns: the edit distance and the threshold that decides when a name is close enough
//! to suggest. Used for rule names (`--explain`, `--select`, `--ignore`, configuration
//! files, suppression comments) and configuration keys. Does not own the lists of
//! names ([`crate::rules::registry`], [`crate::config`]).

/// The candidate closest to `word`, when one is close enough to be what was meant: at
/// most a third of its length in edits (a swap of two neighbours counts as one), or
/// `word` is a prefix or a different spelling (`_` for `-`, another case) of it.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let normal = normalize(word);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let candidate_normal = normalize(candidate);
        let distance = if candidate_normal == normal {
            0
        } else if normal.len() >= 3 && candidate_normal.starts_with(&normal) {
            1
        } else {
            edit_distance(&normal, &candidate_normal)
        };
        let limit = (candidate.chars().count() / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `; did you mean `name`?` for the closest candidate, or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(word, candidates) {
        Some(name) => format!("; did you mean `{name}`?"),
        None => String::new(),
    }
}

fn normalize(word: &str) -> String {
    word.trim().to_ascii_lowercase().replace('_', "-")
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbouring characters each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        rows[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        rows[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[at(i - 1, j)] + 1)
                .min(rows[at(i, j - 1)] + 1)
                .min(rows[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[at(i - 2, j - 2)] + 1);
            }
            rows[at(i, j)] = best;
        }
    }
    rows[at(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [&str; 3] = [
        "unsafe-trailing-return",
        "nested-step",
        "unused-suppression",
    ];

    #[test]
    fn typos_find_their_rule() {
        assert_eq!(
            closest("unsafe-trailing-retrun", RULES),
            Some("unsafe-trailing-return")
        );
        assert_eq!(closest("nested_step", RULES), Some("nested-step"));
        assert_eq!(closest("Nested-Steps", RULES), Some("nested-step"));
        assert_eq!(closest("unused", RULES), Some("unused-suppression"));
        assert_eq!(closest("stepid", ["step-id", "var-name"]), Some("step-id"));
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        assert_eq!(closest("nope", RULES), None);
        assert_eq!(closest("clients", ["step-id", "wrappers", "select"]), None);
        assert_eq!(did_you_mean("x", RULES), "");
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
