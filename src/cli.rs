//! The command line: every flag, documented where it is defined, so that `--help` reads
//! like a manual.
//!
//! Owns: parsing and validating arguments into [`Args`], and turning them into a
//! [`Config`]. Does not own: what a run does with them ([`crate::run`]).

use std::path::PathBuf;

use clap::{ArgGroup, Parser};

use crate::printer::{ColorChoice, Format};
use crate::run::{Config, Mode};
use crate::walk::WalkOptions;
use crate::Settings;

const ABOUT: &str = "Wrap unsafe trailing returns of Inngest handlers in a final step.";

const LONG_ABOUT: &str = "\
Wrap unsafe trailing returns of Inngest handlers in a final step.

An Inngest handler runs again from the top on every step. Code outside steps re-runs on
each replay, so a `return` after steps that reads handler variables can return values that
were computed again, differently, or not at all. inngest-fix finds those returns in
TypeScript and JavaScript files and rewrites each one to build its value inside one last
`step.run`, whose result is memoized:

    const finalReturn = await step.run(\"finalize-and-return\", async () => {
      return { jobId, processed: result.count };
    });
    return finalReturn;

By default it prints the fixes as a unified diff (apply it with `git apply`, or run again
with --write). Returns it cannot fix safely are reported for manual review with the reason.";

const AFTER_HELP: &str = "\
Exit codes:
  0  nothing left to do
  1  findings remain (--dry-run, --check: any finding; --write: findings not fixed)
  2  usage error, or a file that could not be read, checked or written

Suppress a finding with `// inngest-fix-ignore` on the line before the return or before
the createFunction call.";

/// The command line of `inngest-fix`.
#[derive(Debug, Parser)]
#[command(
    name = "inngest-fix",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    group(ArgGroup::new("mode").args(["dry_run", "write", "check"])),
)]
pub struct Args {
    /// Files and directories to check.
    ///
    /// Directories are walked recursively, honouring .gitignore, .ignore and hidden-file
    /// rules, and always skipping node_modules. A file named here is checked even when an
    /// ignore rule or --exclude matches it. Only .ts .mts .cts .tsx .js .jsx .mjs .cjs files
    /// are looked at; .d.ts files never are.
    #[arg(
        value_name = "PATH",
        default_value = ".",
        conflicts_with = "stdin_filename"
    )]
    pub paths: Vec<PathBuf>,

    /// Print the fixes as a unified diff on stdout and change nothing (the default).
    ///
    /// The diff's paths are relative to the current directory, so `git apply` and
    /// `patch -p1` run from there apply it, with the same result as --write. Diagnostics
    /// go to stderr.
    #[arg(long, help_heading = "Mode")]
    pub dry_run: bool,

    /// Apply the fixes in place.
    ///
    /// Each file is written through a temporary file in its directory and renamed over
    /// the original, keeping its permissions; a file that changed on disk since it was
    /// read is left alone and reported. Diagnostics go to stderr.
    #[arg(long, help_heading = "Mode")]
    pub write: bool,

    /// Print the findings on stdout, change nothing, exit 1 if there are any.
    #[arg(long, help_heading = "Mode")]
    pub check: bool,

    /// Also fix returns after steps that are not in tail position.
    ///
    /// By default only a handler's trailing returns are fixed (its last statement, and the
    /// last statements of tail if/else, try/catch and switch branches); an early return or
    /// a return inside a loop is reported and left alone.
    #[arg(long, help_heading = "Fix")]
    pub all_returns: bool,

    /// The step ID of the final step.
    ///
    /// When the handler already has a step with this ID, `-2`, `-3`… is appended.
    #[arg(
        long,
        value_name = "ID",
        default_value = "finalize-and-return",
        value_parser = parse_step_id,
        help_heading = "Fix"
    )]
    pub step_id: String,

    /// The name of the variable holding the final step's result.
    ///
    /// When the name is taken in the handler, `2`, `3`… is appended.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "finalReturn",
        value_parser = parse_var_name,
        help_heading = "Fix"
    )]
    pub var_name: String,

    /// How to print findings: `text`, or `json` (one document on stdout).
    ///
    /// With json, stdout holds only the JSON document, in every mode (no diff is
    /// printed); error lines and the summary still go to stderr.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    /// When to use colours: auto (when printing to a terminal and NO_COLOR is unset),
    /// always, or never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// Read the source from stdin, as if it were the file at PATH.
    ///
    /// PATH gives the language and the name in messages; the file itself is not read.
    /// The fixed source (or the source unchanged) is written to stdout, and diagnostics to
    /// stderr; with --check, only the diagnostics are printed, on stdout.
    #[arg(long, value_name = "PATH", help_heading = "Input")]
    pub stdin_filename: Option<PathBuf>,

    /// Leave out paths matching this gitignore-style glob (repeatable).
    ///
    /// Globs are relative to the current directory: `generated` or `*.gen.ts` match at
    /// any depth, `src/legacy/**` only there. Files named on the command line are
    /// checked all the same.
    #[arg(long, value_name = "GLOB", help_heading = "Input")]
    pub exclude: Vec<String>,

    /// Also walk files that .gitignore, .ignore and git's exclude files leave out.
    ///
    /// Hidden files and node_modules are still skipped.
    #[arg(long, help_heading = "Input")]
    pub no_ignore: bool,

    /// Report files larger than this as errors instead of reading them.
    ///
    /// A number of bytes, or with a suffix: K, M, G (powers of 1024; `KiB`, `MB`… work too).
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "10M",
        value_parser = parse_size,
        help_heading = "Input"
    )]
    pub max_file_size: u64,

    /// Number of threads that walk and check files (default: one per core).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub threads: usize,
}

impl Args {
    /// The mode the flags select (`--dry-run` when none is given).
    pub fn mode(&self) -> Mode {
        if self.write {
            Mode::Write
        } else if self.check {
            Mode::Check
        } else {
            Mode::DryRun
        }
    }

    /// What [`crate::run::run`] takes.
    pub fn into_config(self) -> Config {
        let mode = self.mode();
        Config {
            paths: self.paths,
            mode,
            format: self.format,
            color: self.color,
            settings: Settings {
                step_id: self.step_id,
                var_name: self.var_name,
                all_returns: self.all_returns,
                ..Settings::default()
            },
            walk: WalkOptions {
                no_ignore: self.no_ignore,
                excludes: self.exclude,
                threads: self.threads,
            },
            max_file_size: self.max_file_size,
            stdin_filename: self.stdin_filename,
        }
    }
}

/// A step ID goes into a string literal as is: no quotes, backslashes, `${` or newlines.
fn parse_step_id(value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err("the step ID cannot be empty".to_string());
    }
    if value
        .chars()
        .any(|c| matches!(c, '"' | '\'' | '`' | '\\') || c.is_control())
        || value.contains("${")
    {
        return Err(
            "the step ID cannot contain quotes, backslashes, `${` or control characters"
                .to_string(),
        );
    }
    Ok(value.to_string())
}

const RESERVED_WORDS: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// A variable name must be a plain JavaScript identifier (ASCII) and not a reserved word.
fn parse_var_name(value: &str) -> Result<String, String> {
    let mut chars = value.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    let continues_well = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !starts_well || !continues_well {
        return Err(format!("{value:?} is not a JavaScript identifier"));
    }
    if RESERVED_WORDS.contains(&value) {
        return Err(format!("{value:?} is a reserved word"));
    }
    Ok(value.to_string())
}

/// `1048576`, `512K`, `10M`, `10MiB`, `1G`: powers of 1024.
fn parse_size(value: &str) -> Result<u64, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{value:?} is not a size"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("unknown size unit in {value:?} (use K, M or G)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{value:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let config = Args::parse_from(["inngest-fix"]).into_config();
        assert_eq!(config.paths, [PathBuf::from(".")]);
        assert_eq!(config.mode, Mode::DryRun);
        assert_eq!(config.settings.step_id, "finalize-and-return");
        assert_eq!(config.settings.var_name, "finalReturn");
        assert_eq!(config.max_file_size, 10 << 20);
    }

    #[test]
    fn modes_exclude_each_other() {
        assert!(Args::try_parse_from(["inngest-fix", "--write", "--check"]).is_err());
        assert_eq!(
            Args::parse_from(["inngest-fix", "--check"]).mode(),
            Mode::Check
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("1T").is_err());
    }

    #[test]
    fn names_and_ids() {
        assert!(parse_var_name("finalResult2").is_ok());
        assert!(parse_var_name("2x").is_err());
        assert!(parse_var_name("return").is_err());
        assert!(parse_step_id("finish-up").is_ok());
        assert!(parse_step_id("it's").is_err());
        assert!(parse_step_id("").is_err());
    }
}
