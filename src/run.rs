//! Orchestration: one run of the tool, from the paths given to the exit code.
//!
//! Owns: the per-file pipeline on the walker's threads (read once, size check, prefilter
//! on bytes, NUL and UTF-8 checks, [`check_source`]), collecting the reports and sorting
//! them by path so output never depends on thread timing, writing fixes in `--write`
//! and `--interactive`, the summary, the exit code, and `--stdin-filename`. Each file is
//! checked with the settings of its configuration file ([`crate::config`]) by the
//! per-file pipeline ([`crate::pipeline`]). Does not
//! own: which files are looked at ([`crate::walk`]), how output looks
//! ([`crate::printer`]), how a file is replaced ([`crate::write`]).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Instant, SystemTime};

use anyhow::Context;

mod interactive;

use crate::analysis::consulted;
use crate::analysis::semantic::tsconfig::lexically_normal;
use crate::app::{self, facts::FileFacts};
use crate::cache::{self, Cache};
use crate::config::{Overrides, Resolver};
use crate::diagnostic::{Finding, Status};
use crate::language::Lang;
use crate::pipeline::{check_source, FileOutcome};
use crate::printer::progress::Progress;
use crate::printer::{self, ColorChoice, FixFlags, Format, PrintOptions};
use crate::report::{Exit, FileError, FileReport, Mode, Rewrite, Summary};
use crate::settings::Settings;
use crate::walk::{self, io_reason, Visit, WalkOptions};
use crate::{prefilter, write};

/// Everything a run needs, as the command line gave it.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files and directories to look at.
    pub paths: Vec<PathBuf>,
    /// What to do with fixes.
    pub mode: Mode,
    /// Output format.
    pub format: Format,
    /// When to colour output.
    pub color: ColorChoice,
    /// `-q`: no summary line; `-qq` (2): nothing printed at all.
    pub quiet: u8,
    /// `--statistics`: counts per rule instead of findings.
    pub statistics: bool,
    /// `--show-fixes`: list each fix written.
    pub show_fixes: bool,
    /// The flags that win over configuration files.
    pub overrides: Overrides,
    /// Which files to walk.
    pub walk: WalkOptions,
    /// Larger files are reported as errors and not read.
    pub max_file_size: u64,
    /// `--long-sleep`: the `sleep-duration` threshold, in days.
    pub long_sleep_days: u64,
    /// Read one file from stdin, named this for its language and messages.
    pub stdin_filename: Option<PathBuf>,
    /// The results cache ([`crate::cache`]).
    pub cache: CacheOptions,
}

/// Whether and where to keep the results cache.
#[derive(Debug, Clone, Default)]
pub struct CacheOptions {
    /// Use it (everything but `--no-cache`). `--interactive` and `--stdin-filename`
    /// never do.
    pub enabled: bool,
    /// `--cache-dir` or `INNGEST_FIX_CACHE_DIR` (relative to the current directory);
    /// `None`: the configuration's `cache-dir`, else the project root's
    /// [`cache::DIR_NAME`].
    pub dir: Option<PathBuf>,
}

/// Run the tool as configured, printing to stdout and stderr.
pub fn run(config: &Config) -> anyhow::Result<Exit> {
    if let Some(filename) = &config.stdin_filename {
        return run_stdin(config, filename);
    }
    let start = Instant::now();
    let started = SystemTime::now();
    let cwd = std::env::current_dir().ok();
    let resolver = Resolver::new(
        config.overrides.clone(),
        cwd.clone().unwrap_or_else(|| PathBuf::from(".")),
    );
    // A broken configuration file for a path given is a usage error, before any work.
    for path in &config.paths {
        resolver.for_path(path, path.is_dir())?;
    }
    let cache = (config.cache.enabled && config.mode != Mode::Interactive)
        .then(|| Cache::open(cache_dir(config, &resolver, cwd.as_deref())));
    let checked = check_files(config, &resolver, cwd.as_deref(), cache.as_ref())?;
    if let Some(cache) = cache {
        let (served, analysed) = cache.counts();
        // A cache that cannot be written only costs the next run its speed.
        let _ = cache.save();
        if std::env::var_os("INNGEST_FIX_CACHE_STATS").is_some() {
            eprintln!("cache: {served} served, {analysed} analysed");
        }
    }
    let mut reports = checked.reports;
    match config.mode {
        Mode::Write => {
            let scope = WriteScope::new(&config.paths);
            reports
                .iter_mut()
                .for_each(|report| apply_rewrite(report, &scope));
        }
        Mode::Interactive => {
            interactive::ask(&mut reports, config, &resolver, &mut io::stdin().lock())?
        }
        Mode::DryRun | Mode::Check => {}
    }
    if matches!(config.mode, Mode::Write | Mode::Interactive) {
        remove_stale_temp_files(&reports, started);
    }
    let mut summary = Summary {
        files_scanned: checked.files_scanned,
        files_matched: checked.files_matched,
        ..Summary::default()
    };
    reports.iter().for_each(|report| summary.count(report));
    summary.elapsed = start.elapsed();

    let options = print_options(config, config.mode);
    let (out, mut err) = output_streams(config);
    if summary.files_scanned == 0 && summary.errors == 0 {
        // Said, not failed (as ruff does): pre-commit and lint-staged hand over lists of
        // changed files that may hold no TypeScript; see docs/usage.md.
        let paths: Vec<String> = config
            .paths
            .iter()
            .map(|path| display_path(path, cwd.as_deref()))
            .collect();
        printer::write_warning_line(
            &mut err,
            &format!(
                "no TypeScript or JavaScript file to check in {} (checked: .ts .tsx .mts .cts \
                 .js .jsx .mjs .cjs, not .d.ts; `-` reads standard input)",
                paths.join(", ")
            ),
            options.color_err,
        )?;
    }
    let mut printer = printer::new_printer(config.format, options, out, err);
    for report in &reports {
        printer.file(report)?;
    }
    printer.plan(&reports)?;
    printer.finish(&summary)?;
    Ok(summary.exit(config.mode))
}

/// Where the results cache lives: `--cache-dir` (or `INNGEST_FIX_CACHE_DIR`), else the
/// `cache-dir` of the configuration that applies to the current directory (relative to
/// that file), else [`cache::DIR_NAME`] at the project root: the directory of that
/// configuration file, else the closest one holding `.git`, else the current directory.
fn cache_dir(config: &Config, resolver: &Resolver, cwd: Option<&Path>) -> PathBuf {
    let cwd = cwd.unwrap_or(Path::new("."));
    if let Some(dir) = &config.cache.dir {
        return cwd.join(dir);
    }
    let resolved = resolver.for_path(cwd, true).ok();
    let config_dir = resolved
        .as_ref()
        .and_then(|r| r.source.as_deref())
        .and_then(Path::parent);
    if let (Some(dir), Some(cache_dir)) = (
        config_dir,
        resolved.as_ref().and_then(|r| r.file.cache_dir.as_ref()),
    ) {
        return dir.join(cache_dir);
    }
    let root = config_dir
        .or_else(|| cwd.ancestors().find(|dir| dir.join(".git").exists()))
        .unwrap_or(cwd);
    root.join(cache::DIR_NAME)
}

/// The app-wide findings of every file under `root`, as `inngest-fix --check root` reports
/// them (each file's own configuration, suppressions, the results cache), keyed by the
/// file's canonical path: what the language server adds to an open document's
/// diagnostics ([`crate::server`]). Files with none are left out.
pub fn app_findings_under(root: &Path) -> anyhow::Result<HashMap<PathBuf, Vec<Finding>>> {
    let config = Config {
        paths: vec![root.to_path_buf()],
        mode: Mode::Check,
        format: Format::Text,
        color: ColorChoice::Never,
        quiet: 2,
        statistics: false,
        show_fixes: false,
        overrides: Overrides {
            report_only: true,
            ..Overrides::default()
        },
        walk: WalkOptions::default(),
        max_file_size: 10 << 20,
        long_sleep_days: 180,
        stdin_filename: None,
        cache: CacheOptions {
            enabled: true,
            ..CacheOptions::default()
        },
    };
    let resolver = Resolver::new(config.overrides.clone(), root.to_path_buf());
    let cache = Cache::open(cache_dir(&config, &resolver, Some(root)));
    let checked = check_files(&config, &resolver, Some(root), Some(&cache))?;
    let _ = cache.save();
    let mut found = HashMap::new();
    for report in checked.reports {
        let findings: Vec<Finding> = report
            .findings
            .into_iter()
            .filter(|f| crate::app::rules::is_app_rule(f.rule))
            .collect();
        if !findings.is_empty() {
            let path = fs::canonicalize(&report.path).unwrap_or(report.path);
            found.insert(path, findings);
        }
    }
    Ok(found)
}

/// `inngest-fix graph`: read every file's app facts under `paths` (the current directory
/// when none) and render the event flow ([`app::graph`]).
pub fn graph(paths: &[PathBuf], format: app::graph::GraphFormat) -> anyhow::Result<String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let cwd = std::env::current_dir().ok();
    let found = Mutex::new(Vec::new());
    walk::walk(&paths, &WalkOptions::default(), || {
        let (found, cwd) = (&found, cwd.as_deref());
        Box::new(move |visit| {
            let Visit::File { path, lang } = visit else {
                return;
            };
            let Ok(bytes) = fs::read(&path) else {
                return;
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                return;
            };
            let facts = panic::catch_unwind(AssertUnwindSafe(|| {
                app::facts::read(&path, &display_path(&path, cwd), text, lang)
            }));
            if let (Ok(Some(facts)), Ok(mut found)) = (facts, found.lock()) {
                found.push(facts);
            }
        })
    })?;
    let mut files = found.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    let context = app::AppContext::new(&files);
    Ok(app::graph::Graph::build(&context).render(format))
}

/// Buffered stdout and stderr, or two sinks under `-qq`.
fn output_streams(config: &Config) -> (Box<dyn Write>, Box<dyn Write>) {
    if config.quiet >= 2 {
        return (Box::new(io::sink()), Box::new(io::sink()));
    }
    (
        Box::new(io::BufWriter::new(io::stdout().lock())),
        Box::new(io::BufWriter::new(io::stderr().lock())),
    )
}

fn print_options(config: &Config, mode: Mode) -> PrintOptions {
    PrintOptions {
        // After the questions, an interactive run reports like --write.
        mode: match mode {
            Mode::Interactive => Mode::Write,
            mode => mode,
        },
        color_out: config.color.enabled(io::stdout().is_terminal()),
        color_err: config.color.enabled(io::stderr().is_terminal()),
        quiet: config.quiet > 0,
        statistics: config.statistics,
        show_fixes: config.show_fixes,
        flags: FixFlags {
            all_returns: config.overrides.all_returns,
            unsafe_fixes: config.overrides.unsafe_fixes,
        },
    }
}

/// What the walker threads found: reports in path order, and the counts of files
/// that had nothing to report.
struct CheckedFiles {
    reports: Vec<FileReport>,
    files_scanned: usize,
    files_matched: usize,
}

/// A report and the identity of the file it is about.
struct Checked {
    report: Option<FileReport>,
    identity: Option<FileIdentity>,
    /// The file's app facts and settings, for the app stage ([`crate::app`]).
    app: Option<AppFile>,
}

/// A file's app facts, with the settings its app findings are selected and suppressed by.
struct AppFile {
    facts: FileFacts,
    settings: Settings,
}

/// Device and inode: the same file reached by two paths (a symbolic link, a path given
/// twice) is reported and fixed once.
type FileIdentity = (u64, u64);

fn check_files(
    config: &Config,
    resolver: &Resolver,
    cwd: Option<&Path>,
    cache: Option<&Cache>,
) -> anyhow::Result<CheckedFiles> {
    let scanned = AtomicUsize::new(0);
    let matched = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<Checked>();
    let show_progress = config.quiet == 0 && Progress::wanted();
    let files = Files {
        config,
        resolver,
        cwd,
        matched: &matched,
        reported_configs: Mutex::new(HashSet::new()),
        cache,
    };
    std::thread::scope(|scope| {
        let progress = Progress::start(scope, show_progress, &scanned);
        let walked = walk::walk(&config.paths, &config.walk, || {
            let sender = sender.clone();
            let (scanned, files) = (&scanned, &files);
            // One buffer per thread, reused for every file it reads.
            let mut buffer = Vec::new();
            Box::new(move |visit| {
                let checked = match visit {
                    Visit::File { path, lang } => files.check(path, lang, scanned, &mut buffer),
                    Visit::Error { path, reason } => {
                        let display_path = display_path(&path, cwd);
                        let report =
                            FileReport::failed(path, display_path, FileError::Unreadable(reason));
                        Some(Checked {
                            report: Some(report),
                            identity: None,
                            app: None,
                        })
                    }
                };
                if let Some(checked) = checked {
                    // The receiver outlives the walk: sending cannot fail.
                    let _ = sender.send(checked);
                }
            })
        });
        progress.finish();
        walked
    })?;
    drop(sender);
    let mut checked: Vec<Checked> = receiver.into_iter().collect();
    checked.sort_by(|a, b| {
        let key = |c: &Checked| match (&c.report, &c.app) {
            (Some(report), _) => (report.display_path.clone(), report.path.clone()),
            (None, Some(app)) => (app.facts.display_path.clone(), app.facts.path.clone()),
            (None, None) => (String::new(), PathBuf::new()),
        };
        key(a).cmp(&key(b))
    });
    let mut seen = HashSet::new();
    checked.retain(|c| c.identity.is_none_or(|identity| seen.insert(identity)));
    let options = app::AppOptions {
        long_sleep_seconds: config.long_sleep_days.saturating_mul(86400),
    };
    add_app_findings(&mut checked, &options);
    Ok(CheckedFiles {
        reports: checked.into_iter().filter_map(|c| c.report).collect(),
        files_scanned: scanned.into_inner(),
        files_matched: matched.into_inner(),
    })
}

/// What every walker thread shares to check files.
struct Files<'a> {
    config: &'a Config,
    resolver: &'a Resolver,
    cwd: Option<&'a Path>,
    matched: &'a AtomicUsize,
    /// Configuration files already reported as broken: each is reported once.
    reported_configs: Mutex<HashSet<PathBuf>>,
    cache: Option<&'a Cache>,
}

impl Files<'_> {
    /// Resolve the file's configuration, then read, filter and check it; `None` when
    /// it has nothing to report or its configuration excludes it.
    fn check(
        &self,
        path: PathBuf,
        lang: Lang,
        scanned: &AtomicUsize,
        buffer: &mut Vec<u8>,
    ) -> Option<Checked> {
        let resolved = match self.resolver.for_path(&path, false) {
            Ok(resolved) => resolved,
            Err(err) => {
                let first = self
                    .reported_configs
                    .lock()
                    .is_ok_and(|mut seen| seen.insert(err.path.clone()));
                let display_path = display_path(&err.path, self.cwd);
                let reason = FileError::Config(err.describe());
                return first.then(|| Checked {
                    report: Some(FileReport::failed(err.path, display_path, reason)),
                    identity: None,
                    app: None,
                });
            }
        };
        let absolute = match self.cwd {
            Some(cwd) => cwd.join(&path),
            None => path.clone(),
        };
        if resolved.excludes(&absolute) && !self.config.paths.contains(&path) {
            return None;
        }
        // A `package.json` is only read for the dependency rule of the v4 migration.
        let manifest_rule = &crate::rules::migration::v4_dependencies::RULE;
        if lang == Lang::Json && !resolved.settings.rules().enabled(manifest_rule) {
            return None;
        }
        scanned.fetch_add(1, Ordering::Relaxed);
        let file = FileToCheck {
            path,
            lang,
            settings: &resolved.settings,
            cached: self.cache.and_then(|cache| {
                let key = lexically_normal(&absolute).to_str()?.to_string();
                Some((cache, key, resolved.fingerprint))
            }),
        };
        check_file(file, self.config, self.cwd, buffer, self.matched)
    }
}

/// One file to check, with its settings and, when the cache is on, its key there.
struct FileToCheck<'a> {
    path: PathBuf,
    lang: Lang,
    settings: &'a Settings,
    /// The cache, the file's key in it and its settings' fingerprint.
    cached: Option<(&'a Cache, String, u64)>,
}

/// The report of a file served from the cache; `Err(())` when the entry does not hold
/// (or the file cannot be read again for its code frames): the file is analysed.
fn served(
    file: &FileToCheck,
    cwd: Option<&Path>,
    matched: &AtomicUsize,
) -> Result<Option<Checked>, ()> {
    let (cache, key, fingerprint) = file.cached.as_ref().ok_or(())?;
    let metadata = fs::metadata(&file.path).map_err(|_| ())?;
    if !metadata.is_file() {
        return Err(());
    }
    let (outcome, text) = cache
        .lookup(key, &file.path, *fingerprint, &metadata)
        .ok_or(())?;
    let (has_inngest_functions, findings) = match outcome {
        cache::Outcome::Skipped => return Ok(None),
        cache::Outcome::Analysed {
            has_inngest_functions,
            findings,
        } => (has_inngest_functions, findings),
    };
    if has_inngest_functions {
        matched.fetch_add(1, Ordering::Relaxed);
    }
    let outcome = FileOutcome {
        has_inngest_functions,
        findings,
        fixed_source: None,
        internal_error: None,
    };
    let path = file.path.clone();
    let report = FileReport::new(path.clone(), display_path(&path, cwd));
    let report = report_for(report, text.as_deref().unwrap_or_default(), outcome);
    Ok(report.map(|report| Checked {
        report: Some(report),
        identity: identity(&metadata),
        app: None,
    }))
}

/// Read, filter and check one file (or serve it from the cache); `None` when it has
/// nothing to report.
fn check_file(
    file: FileToCheck,
    config: &Config,
    cwd: Option<&Path>,
    buffer: &mut Vec<u8>,
    matched: &AtomicUsize,
) -> Option<Checked> {
    if let Ok(served) = served(&file, cwd, matched) {
        // The app stage reads every file's facts, served from the cache or not.
        if !app::any_enabled(file.settings.rules()) {
            return served;
        }
        let app = read_file(&file.path, config.max_file_size, buffer)
            .ok()
            .and_then(|_| app_facts(buffer, file.lang, file.settings, &file.path, cwd));
        return match served {
            Some(checked) => Some(Checked { app, ..checked }),
            None => app.map(|app| Checked {
                report: None,
                identity: fs::metadata(&file.path).ok().as_ref().and_then(identity),
                app: Some(app),
            }),
        };
    }
    let FileToCheck {
        path,
        lang,
        settings,
        cached,
    } = file;
    if let Some((cache, _, _)) = &cached {
        cache.count_analysed();
    }
    let metadata = match read_file(&path, config.max_file_size, buffer) {
        Ok(metadata) => metadata,
        Err(reason) => {
            let report = FileReport::failed(
                path.clone(),
                display_path(&path, cwd),
                FileError::Unreadable(reason),
            );
            return Some(Checked {
                report: Some(report),
                identity: None,
                app: None,
            });
        }
    };
    let (checked, consulted) = consulted::capture(|| check_bytes(buffer, lang, settings, &path));
    if let Some((cache, key, fingerprint)) = cached {
        let outcome = match &checked {
            Ok(None) => Some(cache::Outcome::Skipped),
            // What has a fixed text (or failed) is analysed again every time: `--write`
            // and `--dry-run` never take a fix from the cache.
            Ok(Some((_, outcome)))
                if outcome.fixed_source.is_none() && outcome.internal_error.is_none() =>
            {
                Some(cache::Outcome::Analysed {
                    has_inngest_functions: outcome.has_inngest_functions,
                    findings: outcome.findings.clone(),
                })
            }
            _ => None,
        };
        if let Some(outcome) = outcome {
            cache.store(key, fingerprint, &metadata, buffer, consulted, outcome);
        }
    }
    let identity = identity(&metadata);
    let report = match checked {
        Ok(None) => None,
        Ok(Some((text, outcome))) => {
            if outcome.has_inngest_functions {
                matched.fetch_add(1, Ordering::Relaxed);
            }
            let display_path = display_path(&path, cwd);
            report_for(FileReport::new(path.clone(), display_path), text, outcome).map(
                |mut report| {
                    if config.mode == Mode::Write {
                        report.remaining = remaining_after_write(&report, lang, settings);
                    }
                    report
                },
            )
        }
        Err(reason) => Some(FileReport::failed(
            path.clone(),
            display_path(&path, cwd),
            reason,
        )),
    };
    // After `--write`, the app stage reads the text as written (what `remaining` is about).
    let written = report
        .as_ref()
        .filter(|r| r.remaining.is_some())
        .and_then(|r| r.rewrite.as_ref())
        .map(|rewrite| rewrite.fixed.as_bytes());
    let app = app_facts(written.unwrap_or(buffer), lang, settings, &path, cwd);
    (report.is_some() || app.is_some()).then_some(Checked {
        report,
        identity,
        app,
    })
}

/// The app facts of a file, when an app rule may report on it.
fn app_facts(
    bytes: &[u8],
    lang: Lang,
    settings: &Settings,
    path: &Path,
    cwd: Option<&Path>,
) -> Option<AppFile> {
    if !app::any_enabled(settings.rules()) || !app::facts::wanted(bytes) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let facts = panic::catch_unwind(AssertUnwindSafe(|| {
        app::facts::read(path, &display_path(path, cwd), text, lang)
    }))
    .ok()??;
    Some(AppFile {
        facts,
        settings: settings.clone(),
    })
}

/// The app stage: every file's facts joined, the app rules run, their findings added to
/// the reports (a file with no report yet gets one).
fn add_app_findings(checked: &mut [Checked], options: &app::AppOptions) {
    let files: Vec<FileFacts> = checked
        .iter_mut()
        .filter_map(|c| c.app.as_mut().map(|a| std::mem::take(&mut a.facts)))
        .collect();
    if files.is_empty() {
        return;
    }
    let diagnostics = app::check(&files, options);
    let owners: Vec<usize> = checked
        .iter()
        .enumerate()
        .filter(|(_, c)| c.app.is_some())
        .map(|(i, _)| i)
        .collect();
    let mut by_file: Vec<Vec<crate::diagnostic::Diagnostic>> = vec![Vec::new(); files.len()];
    for found in diagnostics {
        by_file[found.file].push(found.diagnostic);
    }
    for ((facts, diagnostics), owner) in files.iter().zip(by_file).zip(owners) {
        if diagnostics.is_empty() {
            continue;
        }
        let entry = &mut checked[owner];
        let Some(app_file) = &entry.app else {
            continue;
        };
        let findings =
            crate::pipeline::app_findings(&facts.text, facts.bom, &diagnostics, &app_file.settings);
        if findings.is_empty() {
            continue;
        }
        let report = entry
            .report
            .get_or_insert_with(|| FileReport::new(facts.path.clone(), facts.display_path.clone()));
        // After `--write`, the facts were read from the text as written: their findings
        // join what remains in it.
        let shown = report.remaining.as_mut().unwrap_or(&mut report.findings);
        shown.extend(findings);
        shown.sort_by_key(|f| (f.range.start_byte, f.range.end_byte));
        if report.source.is_none() {
            let bom = if facts.bom > 0 { "\u{feff}" } else { "" };
            report.source = Some(format!("{bom}{}", facts.text));
        }
    }
}

/// Read a whole file into `buffer`, refusing files over `max_size` before reading them.
/// The metadata is taken before the read: a change during the read gives a newer stamp.
fn read_file(path: &Path, max_size: u64, buffer: &mut Vec<u8>) -> Result<fs::Metadata, String> {
    let mut file = std::fs::File::open(path).map_err(|err| io_reason(&err))?;
    let metadata = file.metadata().map_err(|err| io_reason(&err))?;
    if metadata.len() > max_size {
        return Err(too_large(max_size));
    }
    buffer.clear();
    // The size may grow between the stat and the read: never hold more than the limit.
    (&mut file)
        .take(max_size.saturating_add(1))
        .read_to_end(buffer)
        .map_err(|err| io_reason(&err))?;
    if buffer.len() as u64 > max_size {
        return Err(too_large(max_size));
    }
    Ok(metadata)
}

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata) -> Option<FileIdentity> {
    None
}

fn too_large(max_size: u64) -> String {
    format!(
        "file is larger than {} (see --max-file-size)",
        human_size(max_size)
    )
}

/// A byte count for people: `10 MiB`, `512 KiB`, `100 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// The prefilter, the binary and encoding checks, then the analysis.
/// `Ok(None)`: the file cannot define an Inngest function and is never parsed.
fn check_bytes<'a>(
    bytes: &'a [u8],
    lang: Lang,
    settings: &Settings,
    path: &Path,
) -> Result<Option<(&'a str, FileOutcome)>, FileError> {
    let mentions_wrapper = || {
        settings
            .extra_create_function_names
            .iter()
            .any(|name| memchr::memmem::find(bytes, name.as_bytes()).is_some())
    };
    if !prefilter(bytes)
        && !mentions_wrapper()
        && !crate::rules::registry::wants_file(settings.rules(), bytes)
    {
        return Ok(None);
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(FileError::Unreadable(
            "binary file (it contains a NUL byte)".to_string(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..err.valid_up_to()]).count();
        FileError::Unreadable(format!(
            "not valid UTF-8 (first invalid byte on line {line})"
        ))
    })?;
    let settings = settings.for_file(path);
    // A bug in the analysis must cost one file, not the run.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check_source(text, lang, &settings)))
        .map_err(|_| {
            FileError::Internal("the analysis panicked; the file was left alone".to_string())
        })?;
    Ok(Some((text, outcome)))
}

/// `--write`: the findings of the text the fixes produced, checked again as the next
/// `--check` will check it (what a fix leaves or creates is reported by this run, as
/// ruff does). `None` when there is no fixed text, or when checking it panicked (the
/// findings as read are printed then).
fn remaining_after_write(
    report: &FileReport,
    lang: Lang,
    settings: &Settings,
) -> Option<Vec<Finding>> {
    let rewrite = report.rewrite.as_ref()?;
    let settings = Settings {
        source_path: Some(report.path.clone()),
        build_fixes: false,
        ..settings.clone()
    };
    let mut findings = panic::catch_unwind(AssertUnwindSafe(|| {
        check_source(&rewrite.fixed, lang, &settings).findings
    }))
    .ok()?;
    // A fix the text as written still has is for the next run.
    for finding in &mut findings {
        if finding.status.is_fixed() {
            finding.status = Status::Deferred;
        }
    }
    Some(findings)
}

/// Fill `report` from a file's outcome; `None` when there is nothing to report.
fn report_for(mut report: FileReport, text: &str, outcome: FileOutcome) -> Option<FileReport> {
    report.findings = outcome.findings;
    if !report.findings.is_empty() {
        report.source = Some(text.to_string());
    }
    let unchanged = outcome.fixed_source.as_deref() == Some(text);
    let fixed = outcome.fixed_source.filter(|fixed| fixed != text);
    match (outcome.internal_error, fixed) {
        // Some fixes did not verify: they were dropped alone, the others still apply.
        (Some(message), Some(fixed)) => {
            report.error = Some(FileError::Internal(message));
            report.rewrite = Some(Rewrite {
                original: text.to_string(),
                fixed,
            });
        }
        (Some(message), None) => {
            report.error = Some(FileError::Internal(message));
            not_applied(&mut report);
        }
        (None, Some(fixed)) => {
            report.rewrite = Some(Rewrite {
                original: text.to_string(),
                fixed,
            });
        }
        // Without a fixed text, `fixed` keeps the library's word: in `--check` (no text is
        // built) it says what `--write` would fix.
        (None, None) if unchanged => not_applied(&mut report),
        (None, None) => {}
    }
    let empty = report.findings.is_empty() && report.rewrite.is_none() && report.error.is_none();
    (!empty).then_some(report)
}

/// Where `--write` may write: a symbolic link met during the walk is written through
/// only when its target lies inside one of the trees the user named; a file named on
/// the command line is written through its links wherever they lead (SPEC 6).
pub(crate) struct WriteScope {
    /// The paths the user named, as given.
    named: Vec<PathBuf>,
    /// The same, resolved: the trees a walked link may lead into.
    roots: Vec<PathBuf>,
}

impl WriteScope {
    pub(crate) fn new(paths: &[PathBuf]) -> WriteScope {
        WriteScope {
            named: paths.to_vec(),
            roots: paths
                .iter()
                .filter_map(|p| fs::canonicalize(p).ok())
                .collect(),
        }
    }

    /// Why `path` must not be written, if it must not. A scope of no paths refuses nothing.
    fn refuses(&self, path: &Path) -> Option<String> {
        if self.roots.is_empty() || self.named.iter().any(|named| named == path) {
            return None;
        }
        let target = fs::canonicalize(path).ok()?;
        let inside = self.roots.iter().any(|root| target.starts_with(root));
        (!inside).then(|| {
            format!(
                "not written: a symbolic link leads outside the paths given, to {} \
                 (name the file on the command line to write through it)",
                target.display()
            )
        })
    }
}

/// `--write`: replace the file; on failure keep it, say why, and mark nothing fixed.
fn apply_rewrite(report: &mut FileReport, scope: &WriteScope) {
    let Some(rewrite) = &report.rewrite else {
        return;
    };
    let written = match scope.refuses(&report.path) {
        Some(reason) => Err(reason),
        None => write::replace_file(
            &report.path,
            rewrite.original.as_bytes(),
            rewrite.fixed.as_bytes(),
        )
        .map_err(|err| err.to_string()),
    };
    if let Err(err) = written {
        report.error = Some(FileError::NotWritten(err));
        report.rewrite = None;
        report.remaining = None;
        not_applied(report);
    }
}

/// Remove what killed runs left beside the files this run wrote: their temporary
/// files, older than this run ([`write::remove_stale_temp_files`]).
fn remove_stale_temp_files(reports: &[FileReport], started: SystemTime) {
    let dirs: std::collections::BTreeSet<PathBuf> = reports
        .iter()
        .filter(|report| report.rewrite.is_some())
        .filter_map(|report| {
            fs::canonicalize(&report.path)
                .ok()?
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    for dir in dirs {
        write::remove_stale_temp_files(&dir, started);
    }
}

/// The report's fixes are not applied after all.
fn not_applied(report: &mut FileReport) {
    for finding in &mut report.findings {
        if finding.status.is_fixed() {
            finding.status = Status::NotApplied;
        }
    }
}

/// `--stdin-filename`: check the text on stdin as if it were that file. The fixed text
/// (or the text unchanged) goes to stdout and diagnostics to stderr; with `--check`,
/// only diagnostics, on stdout. A name of no known language passes the text through.
fn run_stdin(config: &Config, filename: &Path) -> anyhow::Result<Exit> {
    let start = Instant::now();
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let cwd = std::env::current_dir().ok();
    let display_path = display_path(filename, cwd.as_deref());
    let mut report = FileReport::new(filename.to_path_buf(), display_path);
    let mut summary = Summary::default();
    let resolver = Resolver::new(
        config.overrides.clone(),
        cwd.clone().unwrap_or_else(|| PathBuf::from(".")),
    );
    let resolved = resolver.for_path(filename, false)?;
    let settings = &resolved.settings;
    if bytes.len() as u64 > config.max_file_size {
        report.error = Some(FileError::Unreadable(too_large(config.max_file_size)));
    } else if let Some(lang) = Lang::from_path(filename) {
        summary.files_scanned = 1;
        match check_bytes(&bytes, lang, settings, filename) {
            Ok(None) => {}
            Ok(Some((text, outcome))) => {
                summary.files_matched = usize::from(outcome.has_inngest_functions);
                let path = report.path.clone();
                let display_path = report.display_path.clone();
                if let Some(filled) = report_for(FileReport::new(path, display_path), text, outcome)
                {
                    report = filled;
                    if config.mode != Mode::Check {
                        report.remaining = remaining_after_write(&report, lang, settings);
                    }
                }
            }
            Err(reason) => report.error = Some(reason),
        }
    }
    summary.count(&report);
    summary.elapsed = start.elapsed();

    let mode = match config.mode {
        Mode::Check => Mode::Check,
        Mode::DryRun | Mode::Write | Mode::Interactive => Mode::Write,
    };
    let options = print_options(config, mode);
    if mode == Mode::Check {
        let (out, err) = output_streams(config);
        let mut printer = printer::new_printer(config.format, options, out, err);
        printer.file(&report)?;
        printer.finish(&summary)?;
    } else {
        let source = report
            .rewrite
            .as_ref()
            .map_or(&bytes[..], |r| r.fixed.as_bytes());
        let mut stdout = io::stdout().lock();
        stdout.write_all(source)?;
        stdout.flush()?;
        let err = PrintOptions {
            color_out: options.color_err,
            ..options
        };
        let stderr = || -> Box<dyn Write> {
            if config.quiet >= 2 {
                Box::new(io::sink())
            } else {
                Box::new(io::stderr())
            }
        };
        let mut printer = printer::new_printer(config.format, err, stderr(), stderr());
        printer.file(&report)?;
        printer.finish(&summary)?;
    }
    Ok(summary.exit(mode))
}

/// A path as printed and as it appears in diff headers: relative to the current
/// directory when it is under it, without `./`, with `/` separators.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let relative = match cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let clean: PathBuf = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let text = clean.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Finding;

    #[test]
    fn display_paths_are_relative_and_clean() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(Path::new("./src/a.ts"), Some(cwd)), "src/a.ts");
        assert_eq!(
            display_path(Path::new("/repo/src/a.ts"), Some(cwd)),
            "src/a.ts"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/a.ts"), Some(cwd)),
            "/elsewhere/a.ts"
        );
        assert_eq!(display_path(Path::new("src/./a.ts"), None), "src/a.ts");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10 << 20), "10 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(100), "100 bytes");
    }

    #[test]
    fn bytes_are_filtered_before_parsing() {
        let settings = Settings::default();
        let unrelated = check_bytes(
            b"const a = 1;\0",
            Lang::TypeScript,
            &settings,
            Path::new("a.ts"),
        );
        assert_eq!(unrelated.map(|o| o.is_some()), Ok(false));
        let binary = b"inngest.createFunction\0";
        assert_eq!(
            check_bytes(binary, Lang::TypeScript, &settings, Path::new("a.ts"))
                .map(|o| o.is_some()),
            Err(FileError::Unreadable(
                "binary file (it contains a NUL byte)".to_string()
            ))
        );
        let latin1 = b"// caf\xe9\ninngest.createFunction";
        let err = check_bytes(latin1, Lang::TypeScript, &settings, Path::new("a.ts"))
            .map(|o| o.is_some());
        assert_eq!(
            err,
            Err(FileError::Unreadable(
                "not valid UTF-8 (first invalid byte on line 1)".to_string()
            ))
        );
    }

    fn finding(fixed: bool, reason: Option<&str>, suppressed: bool) -> Finding {
        let status = match (suppressed, fixed, reason) {
            (true, _, _) => Status::Suppressed,
            (false, _, Some(reason)) => Status::Manual(reason.to_string()),
            (false, true, None) => Status::Fixed,
            (false, false, None) => Status::WaitsForAllReturns,
        };
        Finding {
            rule: "unsafe-trailing-return",
            range: crate::diagnostic::SourceRange {
                start_byte: 0,
                end_byte: 0,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
            message: String::new(),
            function_id: None,
            status,
            fix: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn exit_codes_follow_the_mode() {
        let mut summary = Summary::default();
        let report = FileReport {
            findings: vec![finding(true, None, false), finding(false, None, true)],
            ..FileReport::new(PathBuf::from("a.ts"), "a.ts".to_string())
        };
        summary.count(&report);
        assert_eq!(
            (summary.findings, summary.fixed, summary.suppressed),
            (1, 1, 1)
        );
        assert_eq!(summary.exit(Mode::Write), Exit::Clean);
        assert_eq!(summary.exit(Mode::DryRun), Exit::FindingsRemain);
        assert_eq!(summary.exit(Mode::Check), Exit::FindingsRemain);
        let manual = FileReport {
            findings: vec![finding(false, Some("nested step"), false)],
            ..FileReport::new(PathBuf::from("b.ts"), "b.ts".to_string())
        };
        summary.count(&manual);
        assert_eq!(summary.manual, 1);
        assert_eq!(summary.exit(Mode::Write), Exit::FindingsRemain);
        summary.count(&FileReport::failed(
            PathBuf::new(),
            String::new(),
            FileError::Unreadable("x".to_string()),
        ));
        assert_eq!(summary.exit(Mode::Write), Exit::Error);
    }

    #[test]
    fn a_dropped_fix_is_an_error_and_the_others_still_apply() {
        let outcome = FileOutcome {
            has_inngest_functions: true,
            findings: vec![finding(true, None, false)],
            fixed_source: Some("changed".to_string()),
            internal_error: Some("the fix at line 3 was not applied".to_string()),
        };
        let report = FileReport::new(PathBuf::from("a.ts"), "a.ts".to_string());
        let report = report_for(report, "text", outcome).unwrap();
        assert_eq!(report.rewrite.map(|r| r.fixed).as_deref(), Some("changed"));
        assert_eq!(
            report.error,
            Some(FileError::Internal(
                "the fix at line 3 was not applied".to_string()
            ))
        );
    }

    #[test]
    fn internal_error_leaves_the_file_alone() {
        let outcome = FileOutcome {
            has_inngest_functions: true,
            findings: vec![finding(true, None, false)],
            fixed_source: None,
            internal_error: Some("re-parse failed".to_string()),
        };
        let report = FileReport::new(PathBuf::from("a.ts"), "a.ts".to_string());
        let report = report_for(report, "text", outcome).unwrap();
        assert!(report.rewrite.is_none());
        assert_eq!(
            report.error.map(|e| e.to_string()).as_deref(),
            Some("internal error: re-parse failed")
        );
        assert_eq!(report.findings[0].status, Status::NotApplied);
    }

    #[test]
    fn nothing_to_report_is_none() {
        let report = FileReport::new(PathBuf::from("a.ts"), "a.ts".to_string());
        assert!(report_for(report, "text", FileOutcome::default()).is_none());
    }
}
