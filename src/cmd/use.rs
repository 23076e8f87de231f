//! `awsp use PROFILE | - | (nothing: the picker)`: print the code that switches this shell.

use std::io::IsTerminal;

use anyhow::{Result, anyhow};

use crate::cli::{ShellArg, UseArgs};
use crate::cmd::{prompt, unknown_profile};
use crate::config::{Files, ProfileSet};
use crate::env::{self, EnvChange, EnvOp, Mode, Target, process_var};
use crate::resolve::{
    ChainError, FetchOptions, StepKind, credentials_with, resolve_for_credentials,
};
use crate::shell::Shell;

pub fn run(args: &UseArgs, wrapper: Option<Shell>, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let mut back_to_mfa = false;
    let (name, mut mode) = if args.is_back() {
        let previous = process_var(env::AWSP_PREVIOUS)
            .ok_or_else(|| anyhow!("no previous profile to switch back to"))?;
        let (mode, mfa) = process_var(env::AWSP_PREVIOUS_MODE)
            .and_then(|m| env::parse_recorded_mode(&m))
            .unwrap_or((Mode::Profile, false));
        back_to_mfa = mfa;
        (previous, mode)
    } else if args.is_pick() {
        if args.no_prompt {
            return Err(crate::cmd::pick::usage(
                "no PROFILE given, and --no-prompt forbids the picker",
            ));
        }
        (crate::cmd::pick::pick(&files, &set)?, Mode::Profile)
    } else {
        (args.profile().to_string(), Mode::Profile)
    };
    if args.creds {
        mode = Mode::Creds;
    }
    if args.no_prompt {
        crate::resolve::interaction::forbid_prompts();
    }
    let opts = crate::cmd::fetch_options(&args.fetch, args.region.as_deref());
    let opts = FetchOptions {
        mfa_session: opts.mfa_session || back_to_mfa,
        ..opts
    };
    let change = switch_change_in(&files, &set, &name, mode, args.region.as_deref(), &opts)?;
    emit(&args.shell, wrapper, &change, out);
    if wrapper.is_some() {
        feedback(args.quiet, &switched(&change, &process_var));
    }
    Ok(())
}

/// Write `change` as code for the shell (`--shell`, else the wrapper's, else POSIX sh), after
/// the header line the wrapper checks (`# awsp eval bash`) when called by the integration. On
/// a terminal nothing will evaluate it, so say so on stderr.
pub fn emit(shell: &ShellArg, wrapper: Option<Shell>, change: &EnvChange, out: &mut Vec<u8>) {
    let shell = Shell::pick(shell.shell, wrapper);
    if wrapper.is_some() {
        out.extend_from_slice(format!("# awsp eval {}\n", shell.name()).as_bytes());
    }
    out.extend_from_slice(shell.render(change).as_bytes());
    if std::io::stdout().is_terminal() {
        crate::errln!("{}", crate::shell::not_evaluated_hint());
    }
}

/// The one line said after a switch through the integration (`awsp: dev-alice (eu-west-1)`),
/// on a terminal only, and not with `--quiet` or `AWSP_QUIET=1`. A failed write is ignored:
/// the switch itself succeeded.
pub fn feedback(quiet: bool, line: &str) {
    let quiet = quiet || process_var("AWSP_QUIET").is_some_and(|v| v != "0");
    if !quiet && std::io::stderr().is_terminal() {
        crate::errln!("awsp: {line}");
    }
}

/// What the shell holds after `change`: the profile, then the parts that are known of the
/// region, the account and the time left (`dev-bob (us-east-1) · 123456789012 · expires in
/// 59m`). `current` reads the environment before the change.
pub fn switched(change: &EnvChange, current: &dyn Fn(&str) -> Option<String>) -> String {
    let after = |name: &str| {
        let op = change.ops().iter().rev().find(|op| match op {
            EnvOp::Set(n, _) | EnvOp::Unset(n) => n == name,
        });
        match op {
            Some(EnvOp::Set(_, value)) => Some(value.clone()).filter(|v| !v.is_empty()),
            Some(EnvOp::Unset(_)) => None,
            None => current(name),
        }
    };
    let mut line =
        crate::terminal::escaped(&after(env::AWSP_PROFILE).unwrap_or_default()).into_owned();
    if let Some(region) = after("AWS_REGION").or_else(|| after("AWS_DEFAULT_REGION")) {
        line.push_str(&format!(" ({})", crate::terminal::escaped(&region)));
    }
    if let Some(account) = after("AWS_ACCOUNT_ID") {
        line.push_str(&format!(" · {}", crate::terminal::escaped(&account)));
    }
    if let Some(at) = after(env::AWSP_EXPIRATION).and_then(|e| prompt::parse_expiration(&e)) {
        let left = at - prompt::now();
        if left > 0 {
            line.push_str(&format!(" · expires in {}", prompt::time_left(left)));
        } else {
            line.push_str(" · expired");
        }
    }
    line
}

/// The environment change that switches to profile `name` in `mode`, from the process
/// environment: the profile must exist, and in `Creds` mode its credentials are resolved now.
pub fn switch_change(
    name: &str,
    mode: Mode,
    region: Option<&str>,
    opts: &FetchOptions,
) -> Result<EnvChange> {
    let files = Files::load()?;
    let set = files.parse()?;
    switch_change_in(&files, &set, name, mode, region, opts)
}

/// [`switch_change`] with the files read and parsed already.
pub fn switch_change_in(
    files: &Files,
    set: &ProfileSet<'_>,
    name: &str,
    mode: Mode,
    region: Option<&str>,
    opts: &FetchOptions,
) -> Result<EnvChange> {
    let profile = set
        .profile(name)
        .ok_or_else(|| unknown_profile(files, set, name))?;
    if let Some((at, when)) = crate::cmd::import::expiry(&profile) {
        if at <= time::OffsetDateTime::now_utc() {
            crate::errln!(
                "awsp: warning: the credentials of profile '{name}' {when} ({})",
                crate::cmd::import::EXPIRES_KEY
            );
        }
    }
    let creds = match mode {
        Mode::Creds => Some(credentials_with(set, profile.name(), opts)?),
        Mode::Profile => {
            // The switch is what was asked for, but every AWS command would fail: say why.
            // A profile with no credentials at all is fine (the SDKs go on to other sources).
            match resolve_for_credentials(set, profile.name()) {
                Ok(chain) if chain[0].kind == StepKind::Sso => {
                    crate::cmd::login::warn_without_token(set, &chain[0].profile);
                }
                Ok(chain) if chain[0].kind == StepKind::Login => {
                    let session = chain[0].get("login_session").unwrap_or("");
                    crate::cmd::login::warn_without_session(set, &chain[0].profile, session);
                }
                Err(ChainError::NoCredentials { .. }) | Ok(_) => {}
                Err(err) => {
                    let warning = format!("profile '{name}' cannot give credentials: {err}");
                    crate::errln!("awsp: warning: {}", crate::terminal::escaped(&warning))
                }
            }
            None
        }
    };
    let region = region.or_else(|| profile.get("region"));
    let change = env::switch(
        &env::process_env,
        &Target {
            profile: profile.name(),
            region: region.filter(|r| !r.is_empty()),
            credentials: creds.as_ref(),
            mfa: creds.is_some() && opts.mfa_session,
        },
    );
    change.validate()?;
    Ok(change)
}
