//! The command line: every flag, documented where it is defined, so that `--help` reads
//! like a manual.
//!
//! Owns: parsing and validating arguments into [`Args`], and turning them into a
//! [`Config`]. Does not own: what a run does with them ([`crate::run`]).

use std::path::PathBuf;

use clap::{ArgGroup, Parser};

use crate::config::Overrides;
use crate::printer::{ColorChoice, Format};
use crate::report::Mode;
use crate::rules::registry::parse_selector as parse_rule;
use crate::run::{CacheOptions, Config};
use crate::settings::{parse_step_id, parse_var_name};
use crate::walk::WalkOptions;

/// The name of standard input read as `-` without --stdin-filename.
const STDIN_NAME: &str = "stdin.ts";

const ABOUT: &str = "A linter and codemod for Inngest functions: it finds the code that \
breaks when a run replays, and fixes what it can prove safe.";

const LONG_ABOUT: &str = "\
The codemod (rule unsafe-trailing-return) applies a team convention: a handler whose final
`return` reads values from outside any step, after steps (step results, `event.data`, locals),
builds that value inside one last `step.run` and returns the step's memoized output:

    const finalReturn = await step.run(\"finalize-and-return\", async () => {
      return { jobId, processed: result.count };
    });
    return finalReturn;

The rewrite keeps the returned value (where it cannot prove that, the return is left for
manual review, with the reason) and costs one more step per run. It repairs nothing: the
hazards that do break replays (writes lost inside steps, nondeterminism and side effects
outside steps, nested and unawaited steps, step results that JSON changes) are the other
rules' findings.

By default it prints the fixes as a unified diff (apply it with `git apply`, or run again
with --write).";

/// `--help`: what the tool is, its rules, then the long description.
fn long_about() -> String {
    let rules: Vec<&str> = crate::rules::registry::by_name()
        .into_iter()
        .map(|rule| rule.name)
        .collect();
    format!(
        "{ABOUT}\n\nRules (`--explain RULE` documents each): {}.\n\n{LONG_ABOUT}",
        rules.join(", ")
    )
}

const AFTER_HELP: &str = "\
Exit codes:
  0  nothing left to do
  1  findings remain (--dry-run, --check: any finding; --write: findings not fixed)
  2  usage error, or a file that could not be read, checked or written

Formats (--format):
  text        each finding's path:line:col: rule message line, code frame and help (like
              ruff's default); the unified diff in --dry-run
  concise     one path:line:col: rule message (state) line per finding
  json        one document: {\"version\":2,\"findings\":[…],\"summary\":{…}}
  json-lines  one JSON object per finding, one line each, then one summary object
  sarif       SARIF 2.1.0, with fixes (for GitHub code scanning and other SARIF viewers)
  github      GitHub Actions workflow commands (::warning file=…::message annotations)

Configuration: the closest inngest-fix.toml walking up from each file, else the closest
package.json with an \"inngest-fix\" key. Keys: step-id, var-name, all-returns, select,
ignore, unsafe-fixes, exclude, wrappers, pure, side-effects, cache-dir. Flags given on the
command line win.

Suppress a finding with `// inngest-fix-ignore` on the line before the return or before
the createFunction call (`// inngest-fix-ignore: RULE -- reason` names the rule).";

/// The command line of `inngest-fix`.
#[derive(Debug, Parser)]
#[command(
    name = "inngest-fix",
    version,
    about = ABOUT,
    long_about = long_about(),
    after_help = AFTER_HELP,
    group(ArgGroup::new("mode").args(["dry_run", "write", "check", "interactive"])),
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
)]
pub struct Args {
    /// `server`: run as a language server instead of checking files.
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    /// Files and directories to check.
    ///
    /// Directories are walked recursively, honouring .gitignore, .ignore and hidden-file
    /// rules, and always skipping node_modules. A file named here is checked even when an
    /// ignore rule or --exclude matches it. Only .ts .mts .cts .tsx .js .jsx .mjs .cjs files
    /// are looked at; .d.ts files never are. `-` alone reads one file from standard input,
    /// as TypeScript named stdin.ts (--stdin-filename PATH names it instead). When no file is found to
    /// check, a warning says so (the exit code stays 0).
    #[arg(
        value_name = "PATH",
        default_value = ".",
        conflicts_with_all = ["stdin_filename", "show_config"]
    )]
    pub paths: Vec<PathBuf>,

    /// Print the fixes as a unified diff on stdout and change nothing (the default).
    ///
    /// The diff's paths are relative to the current directory, so `git apply` and
    /// `patch -p1` run from there apply it, with the same result as --write. Diagnostics
    /// go to stderr.
    #[arg(long, visible_alias = "diff", help_heading = "Mode")]
    pub dry_run: bool,

    /// Apply the fixes in place.
    ///
    /// Each file is written through a temporary file in its directory and renamed over
    /// the original, keeping its permissions; a file that changed on disk since it was
    /// read is left alone and reported. Diagnostics go to stderr.
    #[arg(long, visible_alias = "fix", help_heading = "Mode")]
    pub write: bool,

    /// Print the findings on stdout, change nothing, exit 1 if there are any.
    #[arg(long, help_heading = "Mode")]
    pub check: bool,

    /// Show each fix as a diff and ask whether to apply it.
    ///
    /// A file with one fix is asked about once; a file with several, fix by fix (each
    /// diff shows that fix alone). Answers are read from stdin, one line each: y (apply),
    /// n (skip), a (apply this and everything after it), q (quit: skip the rest). The
    /// accepted fixes of a file are applied together, verified like every fix
    /// (re-parse, and a second pass finds exactly the skipped ones), and written as
    /// --write writes them.
    #[arg(short = 'i', long, help_heading = "Mode", conflicts_with_all = ["stdin_filename", "format"])]
    pub interactive: bool,

    /// Also fix returns after steps that are not in tail position.
    ///
    /// By default only a handler's trailing returns are fixed (its last statement, and the
    /// last statements of tail if/else, try/catch and switch branches); an early return or
    /// a return inside a loop is reported and left alone. Config key: all-returns.
    #[arg(long, help_heading = "Fix")]
    pub all_returns: bool,

    /// The step ID of the final step [default: finalize-and-return].
    ///
    /// When the handler already has a step with this ID, `-2`, `-3`… is appended.
    /// Config key: step-id.
    #[arg(
        long,
        value_name = "ID",
        value_parser = parse_step_id,
        help_heading = "Fix"
    )]
    pub step_id: Option<String>,

    /// The name of the variable holding the final step's result [default: finalReturn].
    ///
    /// When the name is taken in the handler, `2`, `3`… is appended. Config key: var-name.
    #[arg(
        long,
        value_name = "NAME",
        value_parser = parse_var_name,
        help_heading = "Fix"
    )]
    pub var_name: Option<String>,

    /// Also apply fixes that a rule marks as needing review.
    ///
    /// Config key: unsafe-fixes.
    #[arg(long, help_heading = "Fix")]
    pub unsafe_fixes: bool,

    /// Check only these rules (comma-separated; `ALL` for every default rule).
    ///
    /// Replaces the configuration's `select`. See --list-rules; a misspelt name gets the
    /// closest one as "did you mean". The migration rules (`v4-…`) are never on by
    /// default nor in `ALL`: `--select v4` selects all of them.
    #[arg(
        long,
        value_name = "RULE,…",
        value_delimiter = ',',
        value_parser = parse_rule,
        help_heading = "Rules"
    )]
    pub select: Option<Vec<String>>,

    /// Never check these rules (comma-separated; `ALL` for every rule).
    ///
    /// Replaces the configuration's `ignore`. As in ruff, a rule named wins over `ALL`
    /// (`--ignore ALL --select nested-step` checks nested-step only), and between two
    /// names or two `ALL`s, --ignore wins. `--ignore unused-suppression` turns off the
    /// reports of suppression comments that silence nothing.
    #[arg(
        long,
        value_name = "RULE,…",
        value_delimiter = ',',
        value_parser = parse_rule,
        help_heading = "Rules"
    )]
    pub ignore: Option<Vec<String>>,

    /// Print a rule's documentation (what it finds, why, an example, fix safety) and exit.
    #[arg(long, value_name = "RULE", help_heading = "Rules")]
    pub explain: Option<String>,

    /// Print the rules as a table (name, default or opt-in, fix: safe / needs review / none,
    /// summary) and exit; with --format json, as a JSON array for scripts.
    #[arg(long, help_heading = "Rules")]
    pub list_rules: bool,

    /// Read no configuration file (inngest-fix.toml, package.json): flags and defaults only.
    #[arg(long, help_heading = "Configuration")]
    pub no_config: bool,

    /// Print the configuration file that applies to PATH (default: .) and the settings
    /// in effect there, flags included, and exit.
    #[arg(
        long,
        value_name = "PATH",
        num_args = 0..=1,
        default_missing_value = ".",
        help_heading = "Configuration"
    )]
    pub show_config: Option<PathBuf>,

    /// How to print findings: text, concise, json, json-lines, sarif or github.
    ///
    /// Every format but text and concise prints only findings on stdout, in every mode (no diff):
    /// json one document, json-lines one object per line, sarif a SARIF 2.1.0 log with
    /// fixes, github workflow-command annotations. Error lines and the summary still go
    /// to stderr (github also prints errors as ::error annotations on stdout).
    #[arg(
        long,
        visible_alias = "output-format",
        value_name = "FORMAT",
        value_enum,
        default_value_t = Format::Text,
        help_heading = "Output"
    )]
    pub format: Format,

    /// Print findings (and the diff) only, no summary line; `-qq`: print nothing, only
    /// the exit code tells.
    ///
    /// The fixed source of --stdin-filename is still written to stdout.
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Output")]
    pub quiet: u8,

    /// Print how many findings each rule has, and what became of them, instead of the
    /// findings (and of the diff), like `ruff check --statistics`.
    ///
    /// One line per rule, most findings first: `5  unsafe-trailing-return  4 fixable
    /// with --write, 1 for manual review`. With --format json, a JSON array of
    /// {"rule","count","fixable","fixed","manual"}; with any other format, the table.
    #[arg(long, help_heading = "Output", conflicts_with = "interactive")]
    pub statistics: bool,

    /// After --write, list each fix written (`path:line:col: rule message (fixed: …)`)
    /// instead of one line per file, like `ruff check --fix --show-fixes`.
    ///
    /// Either way, what is printed in full is what remains in the files as written.
    #[arg(long, help_heading = "Output")]
    pub show_fixes: bool,

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
    /// checked all the same. The configuration's `exclude` globs apply too.
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

    /// `sleep-duration`: a `step.sleep` or `waitForEvent` timeout longer than this many
    /// days is reported as suspiciously long (the engine's own maximum is 366 days).
    #[arg(long, value_name = "DAYS", default_value_t = 180)]
    pub long_sleep: u64,
    /// Do not use the results cache: analyse every file, read and write no cache.
    ///
    /// By default each file's findings are kept in .inngest-fix-cache/ at the project
    /// root (the directory of the configuration file that applies to the current
    /// directory, else the closest one holding .git, else the current directory), and a
    /// file that did not change, nor any file its findings depend on, is not read again.
    /// See docs/cache.md.
    #[arg(long, help_heading = "Cache")]
    pub no_cache: bool,

    /// Keep the results cache in DIR instead (also INNGEST_FIX_CACHE_DIR, or the
    /// configuration key cache-dir).
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Cache",
        conflicts_with = "no_cache"
    )]
    pub cache_dir: Option<PathBuf>,

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

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// `inngest-fix server`.
    Server,
    /// Check (and fix) files.
    Run(Config),
    /// `--explain RULE`.
    Explain(String),
    /// `--list-rules`.
    /// `--list-rules`: the table, or JSON with `--format json`.
    ListRules(Format),
    /// `--show-config [PATH]`.
    ShowConfig(PathBuf, Overrides),
    /// `inngest-fix graph [PATHS] [--format F]`.
    Graph(Vec<PathBuf>, crate::app::graph::GraphFormat),
}

impl Args {
    /// The mode the flags select (`--dry-run` when none is given).
    pub fn mode(&self) -> Mode {
        if self.write {
            Mode::Write
        } else if self.check {
            Mode::Check
        } else if self.interactive {
            Mode::Interactive
        } else {
            Mode::DryRun
        }
    }

    /// The flags a configuration file may also set.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            step_id: self.step_id.clone(),
            var_name: self.var_name.clone(),
            all_returns: self.all_returns,
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            unsafe_fixes: self.unsafe_fixes,
            no_config: self.no_config,
            // SARIF carries the fixes' replacements, even from `--check`.
            report_only: self.mode() == Mode::Check && self.format != Format::Sarif,
        }
    }

    /// What to do.
    pub fn into_command(self) -> Command {
        match self.subcommand {
            Some(Subcommand::Server) => return Command::Server,
            Some(Subcommand::Graph { paths, format }) => return Command::Graph(paths, format),
            None => {}
        }
        if let Some(rule) = self.explain {
            return Command::Explain(rule);
        }
        if self.list_rules {
            return Command::ListRules(self.format);
        }
        if let Some(path) = &self.show_config {
            return Command::ShowConfig(path.clone(), self.overrides());
        }
        Command::Run(self.into_config())
    }

    /// What [`crate::run::run`] takes.
    pub fn into_config(self) -> Config {
        let mode = self.mode();
        let overrides = self.overrides();
        // `-` alone is standard input, as in ruff and biome: named by --stdin-filename, or
        // taken as TypeScript.
        let stdin = self.paths.len() == 1 && self.paths[0].as_os_str() == "-";
        let stdin_filename = match (self.stdin_filename, stdin) {
            (Some(name), _) => Some(name),
            (None, true) => Some(PathBuf::from(STDIN_NAME)),
            (None, false) => None,
        };
        let paths = if stdin { Vec::new() } else { self.paths };
        Config {
            paths,
            mode,
            format: self.format,
            color: self.color,
            quiet: self.quiet,
            statistics: self.statistics,
            show_fixes: self.show_fixes,
            overrides,
            walk: WalkOptions {
                no_ignore: self.no_ignore,
                excludes: self.exclude,
                threads: self.threads,
            },
            max_file_size: self.max_file_size,
            long_sleep_days: self.long_sleep,
            stdin_filename,
            cache: CacheOptions {
                enabled: !self.no_cache,
                dir: self
                    .cache_dir
                    .or_else(|| std::env::var_os("INNGEST_FIX_CACHE_DIR").map(PathBuf::from))
                    .filter(|dir| !dir.as_os_str().is_empty()),
            },
        }
    }
}

/// What `inngest-fix` can run instead of checking files.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Subcommand {
    /// Run as a language server on stdin/stdout, for editors.
    ///
    /// Publishes the findings of open TypeScript and JavaScript documents as you type, and
    /// offers their fixes and suppressions as code actions; see docs/editors.md for VS Code,
    /// Neovim, Zed and Helix. To check a directory named `server`, write `./server`.
    Server,
    /// Print the app's event flow: events, the functions that trigger on them, the events
    /// they send, `step.invoke` edges and cron triggers, each node with its file and line.
    ///
    /// Mermaid by default (paste it into a ```mermaid block of GitHub Markdown), Graphviz
    /// DOT (`--format dot | dot -Tsvg`), or JSON for scripts. See docs/graph.md.
    Graph {
        /// Files and directories to read (default: the current directory).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "mermaid")]
        format: crate::app::graph::GraphFormat,
    },
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
        assert_eq!(
            config.overrides.step_id, None,
            "the configuration or the default decides"
        );
        assert_eq!(config.overrides.var_name, None);
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
    fn rules_are_checked_and_split_on_commas() {
        let args = Args::parse_from([
            "inngest-fix",
            "--select",
            "unsafe-trailing-return,unused-suppression",
            "--ignore=unused-suppression",
        ]);
        assert_eq!(
            args.select.as_deref(),
            Some(
                &[
                    "unsafe-trailing-return".to_string(),
                    "unused-suppression".to_string()
                ][..]
            )
        );
        assert!(Args::try_parse_from(["inngest-fix", "--select", "nope"]).is_err());
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
