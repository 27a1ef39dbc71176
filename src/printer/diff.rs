//! The unified diff of one fixed file, as `--dry-run` prints it.
//!
//! Owns: the patch format. The patch must apply with `git apply` and `patch -p1` from
//! the current directory and give byte for byte what `--write` writes, so lines are split
//! on `\n` only (a `\r` stays part of its line, as it does for git and patch), and a last
//! line without a newline gets `\ No newline at end of file`.

use std::io::{self, Write};

use similar::{Algorithm, ChangeTag};

use super::style;

/// Lines of context around each change, as `git diff` and `diff -u` use.
const CONTEXT_LINES: usize = 3;

/// Write the diff turning `old` into `new` for the file shown as `path` (relative to the
/// current directory, `/`-separated). Writes nothing when the texts are equal.
pub fn write_diff(
    w: &mut dyn Write,
    path: &str,
    old: &str,
    new: &str,
    color: bool,
) -> io::Result<()> {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let hunks = similar::group_diff_ops(ops, CONTEXT_LINES);
    if hunks.is_empty() {
        return Ok(());
    }
    let (bold, reset) = if color {
        (style::BOLD, style::RESET)
    } else {
        ("", "")
    };
    writeln!(w, "{bold}--- {}{reset}", header_name("a/", path))?;
    writeln!(w, "{bold}+++ {}{reset}", header_name("b/", path))?;
    for hunk in &hunks {
        let header = similar::udiff::UnifiedHunkHeader::new(hunk);
        writeln!(
            w,
            "{}",
            style::paint(&header.to_string(), style::CYAN, color)
        )?;
        for op in hunk {
            for change in op.iter_changes(&old_lines, &new_lines) {
                let (sign, paint) = match change.tag() {
                    ChangeTag::Equal => (' ', None),
                    ChangeTag::Delete => ('-', Some(style::RED)),
                    ChangeTag::Insert => ('+', Some(style::GREEN)),
                };
                write_line(w, sign, change.value(), paint.filter(|_| color))?;
            }
        }
    }
    Ok(())
}

/// A file name in a `---`/`+++` header, written as git writes it so that both `git apply`
/// and GNU `patch` read it back: C-quoted when it holds a quote, a backslash or a control
/// character; followed by a tab when it holds a space (where patch would stop reading).
fn header_name(prefix: &str, path: &str) -> String {
    let needs_quotes = path
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control());
    if needs_quotes {
        let mut quoted = String::from("\"");
        for c in prefix.chars().chain(path.chars()) {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\n' => quoted.push_str("\\n"),
                '\t' => quoted.push_str("\\t"),
                c if c.is_control() => {
                    let mut bytes = [0; 4];
                    for byte in c.encode_utf8(&mut bytes).bytes() {
                        quoted.push_str(&format!("\\{byte:03o}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        quoted
    } else if path.contains(' ') {
        format!("{prefix}{path}\t")
    } else {
        format!("{prefix}{path}")
    }
}

/// One patch line: sign, content (a `\r` kept), newline, and the marker git and patch
/// need when the file's last line has no newline.
fn write_line(w: &mut dyn Write, sign: char, line: &str, paint: Option<&str>) -> io::Result<()> {
    let content = line.strip_suffix('\n');
    let text = content.unwrap_or(line);
    match paint {
        Some(paint) => write!(w, "{paint}{sign}{text}{}", style::RESET)?,
        None => write!(w, "{sign}{text}")?,
    }
    writeln!(w)?;
    if content.is_none() {
        writeln!(w, "\\ No newline at end of file")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn diff(old: &str, new: &str) -> String {
        let mut out = Vec::new();
        write_diff(&mut out, "src/a.ts", old, new, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn equal_texts_print_nothing() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn plain_hunk() {
        assert_eq!(
            diff("a\nb\nc\n", "a\nB\nc\n"),
            "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            diff("a\nb", "a\nB"),
            "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n\
             +B\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn carriage_returns_stay_in_their_lines() {
        assert_eq!(
            diff("a\r\nb\r\n", "a\r\nB\r\n"),
            "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n"
        );
        // A lone `\r` is not a line break for git.
        assert_eq!(
            diff("a\rb\n", "a\rB\n"),
            "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-a\rb\n+a\rB\n"
        );
    }

    #[test]
    fn odd_names_are_written_as_git_writes_them() {
        assert_eq!(header_name("a/", "src/a.ts"), "a/src/a.ts");
        assert_eq!(header_name("a/", "my dir/a.ts"), "a/my dir/a.ts\t");
        assert_eq!(header_name("b/", "we\"ird\\.ts"), r#""b/we\"ird\\.ts""#);
        assert_eq!(header_name("a/", "tab\there.ts"), r#""a/tab\there.ts""#);
    }

    #[test]
    fn colour_marks_lines() {
        let mut out = Vec::new();
        write_diff(&mut out, "a.ts", "a\n", "b\n", true).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("\x1b[31m-a\x1b[0m\n"));
        assert!(out.contains("\x1b[32m+b\x1b[0m\n"));
    }

    /// The contract that matters: `git apply` and `patch -p1` accept the patch and give
    /// exactly the new text, for LF, CRLF, BOM, no final newline, and far-apart hunks.
    #[test]
    fn git_apply_and_patch_reproduce_the_new_text() {
        let long: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let cases: Vec<(String, String)> = vec![
            ("a\nb\nc\n".into(), "a\nb2\nb3\nc\n".into()),
            ("a\r\nb\r\nc\r\n".into(), "a\r\n  b\r\n  b2\r\nc\r\n".into()),
            ("\u{feff}a\nb\n".into(), "\u{feff}a\nB\n".into()),
            ("a\nb\nlast".into(), "a\nB\nlast".into()),
            ("a\nb\nlast".into(), "a\nb\nlast\nmore".into()),
            ("a\nb\r\nlast".into(), "a\nB\r\nlast".into()),
            (
                long.clone(),
                long.replace("line 2\n", "line two\n")
                    .replace("line 37\n", ""),
            ),
        ];
        for (old, new) in cases {
            assert_applies("src/a.ts", &old, &new);
        }
    }

    #[test]
    fn odd_names_apply() {
        for path in ["src/my dir/a b.ts", "src/we\"ird.ts", "src/caf\u{e9}.ts"] {
            assert_applies(path, "a\nb\n", "a\nB\n");
        }
    }

    fn assert_applies(path: &str, old: &str, new: &str) {
        let mut patch = Vec::new();
        write_diff(&mut patch, path, old, new, false).unwrap();
        for tool in ["git", "patch"] {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, old).unwrap();
            std::fs::write(root.join("fix.patch"), &patch).unwrap();
            let status = if tool == "git" {
                run(root, "git", &["init", "-q"]);
                run(root, "git", &["apply", "fix.patch"])
            } else {
                run(root, "patch", &["-p1", "-s", "-i", "fix.patch"])
            };
            if status.is_none() {
                continue; // the tool is not installed here
            }
            assert_eq!(
                status,
                Some(true),
                "{tool} rejected the patch for {path:?} {old:?}"
            );
            let applied = std::fs::read_to_string(&file).unwrap();
            assert_eq!(applied, new, "{tool} applied {path:?} {old:?} wrongly");
        }
    }

    fn run(dir: &Path, program: &str, args: &[&str]) -> Option<bool> {
        let output = Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .ok()?;
        if !output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        }
        Some(output.status.success())
    }
}
