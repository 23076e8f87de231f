//! awsp: switch the current shell between AWS profiles.
//!
//! `main` parses the arguments, runs one command, and is the only place that prints errors.
//! A command's stdout is buffered and written only when it succeeded: stdout is code.

#![deny(clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;

use awsp::cli::{Cli, Command};
use awsp::cmd;

fn run(cli: &Cli, out: &mut Vec<u8>) -> anyhow::Result<Option<i32>> {
    match &cli.command {
        Command::List(args) => cmd::list::run(args, out)?,
        Command::Show(args) => cmd::show::run(args, out)?,
        Command::Current(args) => cmd::current::run(args, out)?,
        Command::Doctor(args) => {
            return cmd::doctor::run(args, cli.wrapper.is_some(), out).map(Some);
        }
        Command::Use(args) => cmd::r#use::run(args, cli.wrapper, out)?,
        Command::Unset(args) => cmd::unset::run(args, cli.wrapper, out),
        Command::Init(args) => cmd::init::run(args, out)?,
        Command::Prompt => cmd::prompt::run(out)?,
        Command::Here => return cmd::here::run(out).map(Some),
        Command::Hook(args) => cmd::hook::run(args, cli.wrapper, out)?,
        Command::Completions(args) => cmd::init::run_completions(args, out)?,
        Command::Complete(args) => cmd::complete::run(args, out)?,
        Command::Exec(args) => return cmd::exec::run(args).map(Some),
        Command::Whoami(args) => cmd::whoami::run(args, out)?,
        Command::Creds(args) => cmd::creds::run(args, out)?,
        Command::Login(args) => cmd::login::run(args)?,
        Command::Logout(args) => cmd::login::run_logout(args)?,
        Command::Config(args) => cmd::config::run(args, out)?,
        Command::Import(args) => cmd::import::run(args, out)?,
        Command::Add(args) => cmd::add::run(args, out)?,
        Command::Rm(args) => cmd::rm::run(args, out)?,
        Command::Rename(args) => cmd::rename::run(args, out)?,
    }
    Ok(None)
}

fn is_broken_pipe(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::BrokenPipe
}

/// Print a usage error (or help) as clap does and exit with clap's code.
fn clap_exit(err: &clap::Error) -> ExitCode {
    let code = err.exit_code();
    match err.print() {
        Err(e) if !is_broken_pipe(&e) => {
            awsp::errln!("awsp: could not write the output: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::from(u8::try_from(code).unwrap_or(2)),
    }
}

fn main() -> ExitCode {
    // clap's own `exit` ignores a failed write of help or an error; a full or closed stdout
    // or stderr must still fail (a closed stdout pipe excepted).
    let cli = match awsp::cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    let mut out = Vec::new();
    match run(&cli, &mut out) {
        Ok(code) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(err) = stdout.write_all(&out).and_then(|()| stdout.flush()) {
                if !is_broken_pipe(&err) {
                    awsp::errln!("awsp: could not write the output: {err}");
                    return ExitCode::FAILURE;
                }
            }
            match code {
                Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
                None => ExitCode::SUCCESS,
            }
        }
        Err(err) => {
            // A usage error found after parsing (`use` with no profile and no terminal).
            if let Some(usage) = err.downcast_ref::<clap::Error>() {
                return clap_exit(usage);
            }
            // Cancelled by the user: Esc in the picker has nothing to say.
            let cancelled = err
                .chain()
                .find_map(|c| c.downcast_ref::<awsp::Cancelled>());
            if cancelled.is_some_and(|c| c.0.is_empty()) {
                return ExitCode::from(130);
            }
            // One line: the message and its causes, with what a terminal would act on (also
            // newlines) escaped: messages quote names and values from files.
            let message = format!("{err:#}");
            let message = awsp::terminal::escaped(&message);
            awsp::errln!("awsp: {message}");
            if cancelled.is_some() {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
