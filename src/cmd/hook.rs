//! `awsp --wrapper SHELL hook dir DIR` and `awsp --wrapper SHELL hook refresh`: what the
//! integration's hooks (`awsp init SHELL --hook dir,refresh`) run, at most once per
//! directory change or per expiry. Both print the wrapper's header and code like `use`;
//! neither ever asks the user anything (see `resolve::interaction`).
//!
//! The contract with the shell scripts (`shell/hooks.*`), the same in every shell:
//! - dir: before a prompt, when `$PWD` differs from the last one the hook saw, the script
//!   starts `hook dir "$PWD"` only if `$PWD` is outside `AWSP_DIR_ROOT`, or if an entry named
//!   `.awsprofile` exists (builtin tests) in `$PWD` or a parent below `AWSP_DIR_ROOT` (below
//!   `/` when none), looking at [`dir::SEARCH_LIMIT`] directories at most; otherwise nothing.
//!   This command then does the real search and the switch, and keeps `AWSP_DIR_*` current.
//! - refresh: before a prompt (and before a command where the shell has a preexec event),
//!   when `AWSP_MODE` is `creds` and `AWSP_EXPIRATION` (digits) is at most
//!   [`REFRESH_WINDOW_SECS`] ahead of the shell's clock and differs from the last value the
//!   script tried, the script notes the value as tried and starts `hook refresh`.
//! - the scripts evaluate the output as the wrapper does (header, parse first) and hand back
//!   the caller's status.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::cli::{HookArgs, HookCommand, Shell, ShellArg};
use crate::cmd::r#use::{emit, feedback, switch_change, switched};
use crate::cmd::{prompt, unknown_profile};
use crate::config::{Files, dir};
use crate::env::{self, EnvChange, Mode, process_env, process_var};
use crate::resolve::{FetchOptions, credentials_with, interaction};

/// Credentials this close to their expiry (in seconds) are refreshed.
pub const REFRESH_WINDOW_SECS: i64 = 300;

pub fn run(args: &HookArgs, wrapper: Option<Shell>, out: &mut Vec<u8>) -> Result<()> {
    if wrapper.is_none() {
        bail!("`awsp hook` is run by the shell integration (`awsp init SHELL --hook ...`)");
    }
    interaction::forbid_prompts();
    let change = match &args.hook {
        HookCommand::Dir { dir } => dir_change(dir)?,
        HookCommand::Refresh => refresh_change()?,
    };
    change.validate()?;
    emit(&ShellArg { shell: None }, wrapper, &change, out);
    Ok(())
}

fn home() -> Option<std::path::PathBuf> {
    process_var("HOME").map(Into::into)
}

fn path_text(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow!("the directory {} is not UTF-8", path.display()))
}

/// What entering or leaving a tree changes, from the process environment.
fn dir_change(pwd: &Path) -> Result<EnvChange> {
    dir::check_absolute(pwd)?;
    let current_root = process_var(env::AWSP_DIR_ROOT);
    match dir::find(pwd) {
        None => Ok(match current_root {
            Some(_) => leave(),
            None => EnvChange::new(),
        }),
        Some(root) if current_root.as_deref() == Some(path_text(&root)?) => Ok(EnvChange::new()),
        Some(root) => enter(&root),
    }
}

/// The switch to the tree's profile, remembering what was active before (unless an earlier
/// tree already did); when the file cannot be used, a warning and only the marker, so that
/// the tree is not looked at again until it is left.
fn enter(root: &Path) -> Result<EnvChange> {
    let root_text = path_text(root)?;
    let home = home();
    let opts = FetchOptions::default();
    let applied = dir::load(root, home.as_deref()).and_then(|file| {
        let mode = if file.creds {
            Mode::Creds
        } else {
            Mode::Profile
        };
        let change = switch_change(&file.profile, mode, file.region.as_deref(), &opts)?;
        Ok((file, change))
    });
    let mut change = match applied {
        Ok((file, mut change)) => {
            if process_env(env::AWSP_DIR_BEFORE).is_none() {
                remember_before(&mut change);
            }
            feedback(
                false,
                &format!("{} · {}", switched(&change, &process_var), file.display),
            );
            change
        }
        Err(err) => {
            let shown = dir::display(&root.join(dir::FILE_NAME), home.as_deref());
            let message = format!("{err:#}");
            let message = if message.starts_with(&shown) {
                message
            } else {
                format!("{shown}: {message}")
            };
            crate::errln!(
                "awsp: {}; this shell's profile is unchanged",
                crate::terminal::escaped(&message)
            );
            EnvChange::new()
        }
    };
    change.set(env::AWSP_DIR_ROOT, root_text);
    Ok(change)
}

/// Note in `AWSP_DIR_BEFORE*` what is active now (before `change`).
fn remember_before(change: &mut EnvChange) {
    match env::active(&process_var) {
        Some((profile, mode)) => {
            change.set(
                env::AWSP_DIR_BEFORE,
                env::recorded_mode(mode, env::active_mfa(&process_var)),
            );
            change.set(env::AWSP_DIR_BEFORE_PROFILE, profile);
            let ours = process_var(env::AWSP_REGION);
            match ours.filter(|r| process_var("AWS_REGION").as_ref() == Some(r)) {
                Some(region) => change.set(env::AWSP_DIR_BEFORE_REGION, region),
                None => change.unset(env::AWSP_DIR_BEFORE_REGION),
            };
        }
        None => {
            change.set(env::AWSP_DIR_BEFORE, "none");
            change.unset(env::AWSP_DIR_BEFORE_PROFILE);
            change.unset(env::AWSP_DIR_BEFORE_REGION);
        }
    }
}

/// Back to what was active before the tree was entered (nothing to do when the hook changed
/// nothing), and the markers cleared.
fn leave() -> EnvChange {
    let before = process_var(env::AWSP_DIR_BEFORE);
    let profile = process_var(env::AWSP_DIR_BEFORE_PROFILE);
    let region = process_var(env::AWSP_DIR_BEFORE_REGION);
    let mut change = match (
        before.as_deref().and_then(env::parse_recorded_mode),
        profile,
    ) {
        (Some((mode, mfa)), Some(profile)) => {
            let opts = FetchOptions {
                mfa_session: mfa,
                ..FetchOptions::default()
            };
            match switch_change(&profile, mode, region.as_deref(), &opts) {
                Ok(change) => change,
                Err(err) => {
                    let message = format!(
                        "could not switch back to '{profile}' ({err:#}); no profile is active"
                    );
                    crate::errln!("awsp: {}", crate::terminal::escaped(&message));
                    env::clear(&process_env)
                }
            }
        }
        _ if before.is_some() => env::clear(&process_env),
        _ => EnvChange::new(),
    };
    if before.is_some() {
        let line = switched(&change, &process_var);
        feedback(false, if line.is_empty() { "cleared" } else { &line });
    }
    for name in env::DIR_VARS {
        if process_env(name).is_some() {
            change.unset(name);
        }
    }
    change
}

/// New credentials for the active profile when the exported ones are within the window;
/// nothing when there is nothing to refresh.
fn refresh_change() -> Result<EnvChange> {
    let (Some(profile), Some("creds"), Some(_), Some(at)) = (
        process_var(env::AWSP_PROFILE),
        process_var(env::AWSP_MODE).as_deref(),
        process_var("AWS_ACCESS_KEY_ID"),
        process_var(env::AWSP_EXPIRATION).and_then(|e| prompt::parse_expiration(&e)),
    ) else {
        return Ok(EnvChange::new());
    };
    let left = at - prompt::now();
    if left > REFRESH_WINDOW_SECS {
        return Ok(EnvChange::new());
    }
    let when = if left > 0 {
        format!("they expire in {}", prompt::time_left(left))
    } else {
        "they expired".to_string()
    };
    // The same kind of credentials again: an MFA session stays one (not the long-term keys).
    let opts = FetchOptions {
        mfa_session: env::active_mfa(&process_var),
        ..FetchOptions::default()
    };
    let resolved = Files::load().and_then(|files| {
        let set = files.parse()?;
        if set.profile(&profile).is_none() {
            return Err(unknown_profile(&files, &set, &profile));
        }
        credentials_with(&set, &profile, &opts)
    });
    match resolved {
        Ok(creds) => Ok(env::refresh(&process_env, &creds)),
        Err(err) => match interaction::needs_user(&err) {
            Some(needs) => bail!(
                "the credentials of '{profile}' were not refreshed ({when}): that needs {}; run `awsp use {profile} --creds`",
                needs.what
            ),
            None => bail!(
                "the credentials of '{profile}' were not refreshed ({when}): {err:#}; run `awsp use {profile} --creds`"
            ),
        },
    }
}
