//! The progress indicator on stderr while files are checked (SPEC 5).
//!
//! Owns: a small thread that, once a run has taken longer than a moment, shows an
//! indicatif spinner with `Scanning… 12,345 files (4,100 files/s, 3s)` on stderr until
//! the walk ends, then clears it. The walk streams, so there is no total to show a bar
//! against: the count of files scanned, the rate and the elapsed time are what is known. It is only started when stderr is a
//! terminal and the run is not in CI (`CI` set), see [`Progress::wanted`]; nothing else
//! writes to stderr during the walk (reports are printed after it), so it is never torn.

use std::ffi::OsStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

use super::number;

/// How long a run goes before the line appears: short runs print nothing.
const DELAY: Duration = Duration::from_millis(400);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A running progress indicator; [`Progress::finish`] stops and clears it.
pub struct Progress<'scope> {
    stop: Option<mpsc::Sender<()>>,
    handle: Option<ScopedJoinHandle<'scope, ()>>,
}

impl<'scope> Progress<'scope> {
    /// Whether this process should show progress: stderr is a terminal that is not
    /// `TERM=dumb`, and `CI` is not set (CI logs are not terminals to redraw).
    /// The indicator is not coloured, so `--color` does not matter here.
    pub fn wanted() -> bool {
        wanted_given(
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
            std::env::var_os("CI").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    /// Start the indicator on `scope`, counting `files`; a no-op unless `enabled`.
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        enabled: bool,
        files: &'scope AtomicUsize,
    ) -> Progress<'scope> {
        if !enabled {
            return Progress {
                stop: None,
                handle: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = scope.spawn(move || draw_until_stopped(&stopped, files));
        Progress {
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    /// Stop redrawing and clear the line.
    pub fn finish(mut self) {
        self.stop.take();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// [`Progress::wanted`] with the facts given.
fn wanted_given(stderr_is_terminal: bool, ci: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    let in_ci = ci.is_some_and(|value| !value.is_empty() && value != "false" && value != "0");
    let dumb = term.is_some_and(|value| value == "dumb");
    stderr_is_terminal && !in_ci && !dumb
}

fn draw_until_stopped(stopped: &mpsc::Receiver<()>, files: &AtomicUsize) {
    let started = Instant::now();
    if !matches!(stopped.recv_timeout(DELAY), Err(RecvTimeoutError::Timeout)) {
        return;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    loop {
        bar.set_message(progress_line(
            files.load(Ordering::Relaxed),
            started.elapsed(),
        ));
        bar.tick();
        if !matches!(stopped.recv_timeout(TICK), Err(RecvTimeoutError::Timeout)) {
            break;
        }
    }
    bar.finish_and_clear();
}

/// `Scanning… 12,345 files (4,100 files/s, 3s)`: numbers as the summary writes them,
/// the rate in whole files per second since the run started.
fn progress_line(files: usize, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        (files as f64 / seconds).round() as usize
    } else {
        0
    };
    format!(
        "Scanning… {} files ({} files/s, {}s)",
        number(files),
        number(rate),
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_files_per_second() {
        assert_eq!(
            progress_line(12_345, Duration::from_millis(3_010)),
            "Scanning… 12,345 files (4,101 files/s, 3s)"
        );
        assert_eq!(
            progress_line(0, Duration::ZERO),
            "Scanning… 0 files (0 files/s, 0s)"
        );
    }

    #[test]
    fn shown_on_terminals_outside_ci_only() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert!(wanted_given(true, None, os("xterm-256color")));
        assert!(!wanted_given(false, None, os("xterm")), "not in pipes");
        assert!(
            !wanted_given(true, os("true"), os("xterm")),
            "not in CI logs"
        );
        assert!(wanted_given(true, os("false"), None));
        assert!(!wanted_given(true, None, os("dumb")));
    }

    #[test]
    fn disabled_progress_starts_no_thread() {
        let files = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let progress = Progress::start(scope, false, &files);
            assert!(progress.handle.is_none());
            progress.finish();
        });
    }

    #[test]
    fn a_quick_run_prints_nothing_and_finishes_at_once() {
        let files = AtomicUsize::new(0);
        let started = std::time::Instant::now();
        std::thread::scope(|scope| Progress::start(scope, true, &files).finish());
        assert!(started.elapsed() < DELAY);
    }
}
