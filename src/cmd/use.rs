//! `awsp use PROFILE | -`: print the code that switches this shell.

use std::io::IsTerminal;

use anyhow::{Result, anyhow};

use crate::cli::{ShellArg, UseArgs};
use crate::cmd::unknown_profile;
use crate::config::Files;
use crate::env::{self, EnvChange, Mode, Target, process_var};
use crate::resolve::{ChainError, credentials, resolve};
use crate::shell::Shell;

pub fn run(args: &UseArgs, out: &mut Vec<u8>) -> Result<()> {
    let (name, mut mode) = if args.profile == "-" {
        let previous = process_var(env::AWSP_PREVIOUS)
            .ok_or_else(|| anyhow!("no previous profile to switch back to"))?;
        let mode = process_var(env::AWSP_PREVIOUS_MODE)
            .and_then(|m| Mode::from_name(&m))
            .unwrap_or(Mode::Profile);
        (previous, mode)
    } else {
        (args.profile.clone(), Mode::Profile)
    };
    if args.creds {
        mode = Mode::Creds;
    }
    let change = switch_change(&name, mode, args.region.as_deref())?;
    emit(&args.shell, &change, out);
    Ok(())
}

/// Write `change` as code for the shell (`--shell`, else `$AWSP_SHELL`, else POSIX sh). On a
/// terminal nothing will evaluate it, so say so on stderr.
pub fn emit(shell: &ShellArg, change: &EnvChange, out: &mut Vec<u8>) {
    let shell = Shell::pick(shell.shell, process_var("AWSP_SHELL").as_deref());
    out.extend_from_slice(shell.render(change).as_bytes());
    if std::io::stdout().is_terminal() {
        eprintln!("{NOT_EVALUATED_HINT}");
    }
}

/// The environment change that switches to profile `name` in `mode`, from the process
/// environment: the profile must exist, and in `Creds` mode its credentials are resolved now.
pub fn switch_change(name: &str, mode: Mode, region: Option<&str>) -> Result<EnvChange> {
    let files = Files::load()?;
    let set = files.parse()?;
    let profile = set
        .profile(name)
        .ok_or_else(|| unknown_profile(&files, &set, name))?;
    if let Some((at, when)) = crate::cmd::import::expiry(&profile) {
        if at <= time::OffsetDateTime::now_utc() {
            eprintln!(
                "awsp: warning: the credentials of profile '{name}' {when} ({})",
                crate::cmd::import::EXPIRES_KEY
            );
        }
    }
    let creds = match mode {
        Mode::Creds => Some(credentials(&set, profile.name())?),
        Mode::Profile => {
            // The switch is what was asked for, but every AWS command would fail: say why.
            // A profile with no credentials at all is fine (the SDKs go on to other sources).
            match resolve(&set, profile.name()) {
                Err(ChainError::NoCredentials { .. }) | Ok(_) => {}
                Err(err) => {
                    eprintln!("awsp: warning: profile '{name}' cannot give credentials: {err}")
                }
            }
            None
        }
    };
    let region = region.or_else(|| profile.get("region"));
    let change = env::switch(
        &process_var,
        &Target {
            profile: profile.name(),
            region: region.filter(|r| !r.is_empty()),
            credentials: creds.as_ref(),
        },
    );
    change.validate()?;
    Ok(change)
}

/// Said on stderr when the code goes to a terminal, where nothing will eval it.
const NOT_EVALUATED_HINT: &str = "awsp: this shell is unchanged: the code above must be evaluated. Load the integration once \
     (bash: eval \"$(awsp init bash)\", zsh: eval \"$(awsp init zsh)\", fish: awsp init fish | source, \
     PowerShell: awsp init powershell | Out-String | Invoke-Expression), or run eval \"$(awsp use PROFILE)\".";
