//! `awsp exec PROFILE -- CMD ...`: run CMD with the profile's credentials, exit with its status.

use std::process::Command;

use anyhow::{Result, anyhow};

use crate::cli::ExecArgs;
use crate::cmd::r#use::switch_change;
use crate::env::{EnvOp, Mode};

/// Returns the exit code to leave with (only when the command could not replace this process).
pub fn run(args: &ExecArgs) -> Result<i32> {
    let opts = crate::cmd::fetch_options(&args.fetch, args.region.as_deref());
    let change = switch_change(args.profile(), Mode::Creds, args.region.as_deref(), &opts)?;
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| anyhow!("no command given after --"))?;
    let mut command = Command::new(program);
    command.args(rest);
    for op in change.ops() {
        match op {
            EnvOp::Set(name, value) => command.env(name, value),
            EnvOp::Unset(name) => command.env_remove(name),
        };
    }
    let program_name = program.to_string_lossy();
    let name = crate::terminal::escaped(&program_name);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = command.exec();
        let code = if err.kind() == std::io::ErrorKind::NotFound {
            127
        } else {
            126
        };
        crate::errln!("awsp: could not run '{name}': {err}");
        Ok(code)
    }
    #[cfg(not(unix))]
    {
        match command.status() {
            Ok(status) => Ok(status.code().unwrap_or(1)),
            Err(err) => {
                crate::errln!("awsp: could not run '{name}': {err}");
                Ok(if err.kind() == std::io::ErrorKind::NotFound {
                    127
                } else {
                    126
                })
            }
        }
    }
}
