//! The progress line on stderr while files are checked (SPEC 5).
//!
//! Owns: a small thread that, once a run has taken longer than a moment, redraws
//! `Scanning… N files` on stderr until the walk ends, then clears the line. It is only
//! started when stderr is a terminal; nothing else writes to stderr during the walk
//! (reports are printed after it), so the line is never torn.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Duration;

/// How long a run goes before the line appears: short runs print nothing.
const DELAY: Duration = Duration::from_millis(400);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A running progress line; [`Progress::finish`] stops and clears it.
pub struct Progress<'scope> {
    stop: Option<mpsc::Sender<()>>,
    handle: Option<ScopedJoinHandle<'scope, ()>>,
}

impl<'scope> Progress<'scope> {
    /// Start the line on `scope`, counting `files`; a no-op unless `enabled`.
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

fn draw_until_stopped(stopped: &mpsc::Receiver<()>, files: &AtomicUsize) {
    if !matches!(stopped.recv_timeout(DELAY), Err(RecvTimeoutError::Timeout)) {
        return;
    }
    let mut stderr = std::io::stderr();
    loop {
        let count = files.load(Ordering::Relaxed);
        // A failed write to a terminal is not worth stopping the run for.
        let _ = write!(stderr, "\r\x1b[2KScanning… {count} files");
        let _ = stderr.flush();
        if !matches!(stopped.recv_timeout(TICK), Err(RecvTimeoutError::Timeout)) {
            break;
        }
    }
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

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
