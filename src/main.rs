//! The `inngest-fix` binary: parse the command line, hand off to [`inngest_fix::run`],
//! turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use inngest_fix::cli::Args;

fn main() -> ExitCode {
    // clap exits with 2 on a usage error, and 0 after --help and --version.
    let config = Args::parse().into_config();
    match inngest_fix::run::run(&config) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("inngest-fix: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Output piped into `head` and closed early is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
