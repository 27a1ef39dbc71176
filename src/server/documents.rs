//! The documents the editor has open, as it last sent them, and when each is due for
//! analysis.
//!
//! Owns: the unsaved text of each open document (full-text sync: every change sends the
//! whole text), its version, its language, and the debounce: a document is analysed once
//! the user has stopped typing for [`DEBOUNCE`]. Does not own: the analysis
//! ([`super::diagnose`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_types::Url;

use crate::language::Lang;

/// How long after the last change a document is analysed. Opening a document analyses
/// it at once.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text as the editor holds it, saved or not.
    pub text: String,
    /// The editor's version of that text.
    pub version: i32,
    /// The grammar to parse it with; `None` for a file the CLI would not look at
    /// (a `.d.ts`, another language).
    pub lang: Option<Lang>,
    /// The file on disk it belongs to (for its configuration); `None` for an unsaved
    /// buffer.
    pub path: Option<PathBuf>,
    /// The name an unsaved buffer is checked under, from its language id
    /// (`untitled.js` for `javascript`); `None` for a file.
    pub untitled_name: Option<&'static str>,
    /// When it is due for analysis; `None` when its diagnostics are current.
    pub due: Option<Instant>,
}

impl Document {
    /// A document the editor opened, with the protocol's language id as the fallback
    /// when its name does not say (an untitled buffer).
    pub fn new(uri: &Url, text: String, version: i32, language_id: &str) -> Self {
        let path = uri.to_file_path().ok().filter(|_| uri.scheme() == "file");
        let untitled_name = match &path {
            Some(_) => None,
            None => untitled_name(language_id),
        };
        let lang = match (&path, untitled_name) {
            (Some(path), _) => Lang::from_path(path),
            (None, Some(name)) => Lang::from_path(Path::new(name)),
            (None, None) => None,
        };
        Document {
            text,
            version,
            lang,
            path,
            untitled_name,
            due: Some(Instant::now()),
        }
    }

    /// The file the document is checked as: its own, or for an unsaved buffer a file of
    /// its language in the workspace `root` (as `--stdin-filename untitled.js` run in
    /// `root` checks it: the workspace's configuration applies and relative imports are
    /// read from `root`).
    pub fn checked_as(&self, root: &Path) -> PathBuf {
        match &self.path {
            Some(path) => path.clone(),
            None => root.join(self.untitled_name.unwrap_or("untitled.ts")),
        }
    }
}

/// The name an unsaved buffer of an editor's language id is checked under: its
/// extension gives the grammar and whether the text is JavaScript.
fn untitled_name(language_id: &str) -> Option<&'static str> {
    match language_id {
        "typescript" => Some("untitled.ts"),
        "typescriptreact" => Some("untitled.tsx"),
        "javascript" => Some("untitled.js"),
        "javascriptreact" => Some("untitled.jsx"),
        _ => None,
    }
}

/// Every open document, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<Url, Document>,
}

impl Documents {
    /// `didOpen`: analyse now.
    pub fn open(&mut self, uri: Url, document: Document) {
        self.open.insert(uri, document);
    }

    /// `didChange` with the whole new text: analyse after [`DEBOUNCE`]. A change to a
    /// document that is not open is ignored (the client broke the protocol).
    pub fn change(&mut self, uri: &Url, text: String, version: i32) {
        if let Some(document) = self.open.get_mut(uri) {
            document.text = text;
            document.version = version;
            document.due = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// `didClose`: forget it.
    pub fn close(&mut self, uri: &Url) -> Option<Document> {
        self.open.remove(uri)
    }

    /// The document, if open.
    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Every open document due for analysis at `now` (the workspace changed on disk).
    pub fn all_due(&mut self, now: Instant) {
        for document in self.open.values_mut() {
            document.due = Some(now);
        }
    }

    /// When the next document is due, if any is.
    pub fn next_due(&self) -> Option<Instant> {
        self.open.values().filter_map(|d| d.due).min()
    }

    /// The documents due by `now`, marked as current.
    pub fn take_due(&mut self, now: Instant) -> Vec<(Url, Document)> {
        let mut due = Vec::new();
        for (uri, document) in &mut self.open {
            if document.due.is_some_and(|at| at <= now) {
                document.due = None;
                due.push((uri.clone(), document.clone()));
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(name: &str) -> Url {
        Url::parse(&format!("file:///project/{name}")).unwrap()
    }

    #[test]
    fn a_change_waits_for_the_debounce_and_an_open_does_not() {
        let mut documents = Documents::default();
        let a = uri("a.ts");
        documents.open(a.clone(), Document::new(&a, "x".into(), 1, "typescript"));
        let now = Instant::now();
        assert_eq!(documents.take_due(now).len(), 1);
        assert!(documents.take_due(now).is_empty());
        documents.change(&a, "y".into(), 2);
        assert!(documents.take_due(now).is_empty());
        let later = now + DEBOUNCE * 2;
        let due = documents.take_due(later);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].1.text, "y");
        assert_eq!(due[0].1.version, 2);
    }

    #[test]
    fn the_language_comes_from_the_name_then_the_language_id() {
        let ts = uri("a.ts");
        assert_eq!(
            Document::new(&ts, String::new(), 1, "x").lang,
            Some(Lang::TypeScript)
        );
        let dts = uri("a.d.ts");
        assert_eq!(
            Document::new(&dts, String::new(), 1, "typescript").lang,
            None
        );
        let untitled = Url::parse("untitled:Untitled-1").unwrap();
        let document = Document::new(&untitled, String::new(), 1, "javascript");
        assert_eq!(document.lang, Some(Lang::Tsx));
        assert_eq!(document.path, None);
        let root = Path::new("/project");
        assert_eq!(document.checked_as(root), root.join("untitled.js"));
        assert_eq!(
            Document::new(&ts, String::new(), 1, "x").checked_as(root),
            root.join("a.ts")
        );
    }
}
