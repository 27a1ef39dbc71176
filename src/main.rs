//! The `inngest-fix` binary: parse the command line, hand off to [`inngest_fix::run`]
//! (or to [`inngest_fix::server`], `--explain`, `--list-rules`, `--show-config`), turn the outcome into an exit
//! code.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use inngest_fix::cli::{Args, Command};
use inngest_fix::config::{self, Overrides, Resolver};
use inngest_fix::explain;
use inngest_fix::report::Exit;

fn main() -> ExitCode {
    // clap exits with 2 on a usage error, and 0 after --help and --version.
    let outcome = match Args::parse().into_command() {
        Command::Server => inngest_fix::server::run_stdio().map(|end| match end {
            inngest_fix::server::End::Clean => Exit::Clean,
            // `exit` without `shutdown`: exit code 1, as the protocol asks.
            inngest_fix::server::End::Abrupt => Exit::FindingsRemain,
        }),
        Command::Run(config) => inngest_fix::run::run(&config),
        Command::Explain(rule) => {
            explain::explain(&rule, &mut io::stdout(), &mut io::stderr()).map_err(Into::into)
        }
        Command::ListRules(format) => explain::list_rules(format, &mut io::stdout())
            .map(|()| Exit::Clean)
            .map_err(Into::into),
        Command::ShowConfig(path, overrides) => show_config(&path, overrides),
    };
    match outcome {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("inngest-fix: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// `--show-config PATH`: the configuration that applies there, with the flags given.
fn show_config(path: &Path, overrides: Overrides) -> anyhow::Result<Exit> {
    let cwd = std::env::current_dir()?;
    let resolver = Resolver::new(overrides, cwd);
    let resolved = resolver.for_path(path, path.is_dir())?;
    let mut out = io::stdout().lock();
    out.write_all(config::show(&resolved).as_bytes())?;
    out.flush()?;
    Ok(Exit::Clean)
}

/// Output piped into `head` and closed early is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
