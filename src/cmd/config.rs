//! `awsp config set|get|unset PROFILE KEY [VALUE]`: one setting, as `aws configure set` files
//! it: the three credential keys in the credentials file, everything else in the config file.

use anyhow::{Result, anyhow, bail};

use crate::cli::{ConfigAction, ConfigArgs};
use crate::cmd::unknown_profile;
use crate::cmd::write::{Snapshot, peek, transaction};
use crate::config::edit::{Target, check_key, check_name, check_value};
use crate::config::{FileKind, ProfileSet, parse};
use crate::secret::shown;

/// The keys `aws configure set` writes to the credentials file.
pub const CREDENTIAL_KEYS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// What `PROFILE KEY` addresses: the section and the file the key belongs in.
fn address<'p>(profile: &'p str, key: &str) -> Result<(Target<'p>, FileKind)> {
    check_key(key)?;
    let credential = CREDENTIAL_KEYS.contains(&key);
    if let Some(name) = profile.strip_prefix("sso-session.") {
        check_name("SSO session name", name)?;
        if credential {
            bail!("{key} belongs to a profile, not to an SSO session");
        }
        return Ok((Target::SsoSession(name), FileKind::Config));
    }
    check_name("profile name", profile)?;
    let kind = if credential {
        FileKind::Credentials
    } else {
        FileKind::Config
    };
    Ok((Target::Profile(profile), kind))
}

pub fn run(args: &ConfigArgs, out: &mut Vec<u8>) -> Result<()> {
    match &args.action {
        ConfigAction::Set {
            profile,
            key,
            value,
            dry_run,
        } => {
            let key = key.to_ascii_lowercase();
            let (target, kind) = address(profile, &key)?;
            check_value(&key, value)?;
            let mut shadowed = None;
            // The credentials file is read too, to point out a key it overrides.
            transaction(
                &[kind],
                &[FileKind::Credentials],
                dry_run.dry_run,
                out,
                |snap| {
                    let mut editor = snap.editor(kind)?;
                    editor.set(target, &key, value)?;
                    shadowed = shadowing_line(snap, target, &key, kind);
                    Ok(vec![(kind, editor.finish())])
                },
            )?;
            if let Some(at) = shadowed {
                crate::errln!(
                    "awsp: warning: {at} also sets {key} for profile '{profile}', and the credentials file wins"
                );
            }
            Ok(())
        }
        ConfigAction::Unset {
            profile,
            key,
            dry_run,
        } => {
            let key = key.to_ascii_lowercase();
            let (target, kind) = address(profile, &key)?;
            let mut removed = 0;
            transaction(&[kind], &[], dry_run.dry_run, out, |snap| {
                let mut editor = snap.editor(kind)?;
                removed = editor.unset(target, &key);
                Ok(vec![(kind, editor.finish())])
            })?;
            if removed == 0 {
                crate::errln!(
                    "awsp: profile '{profile}' has no {key} in the {} file; nothing changed",
                    kind.name()
                );
            }
            Ok(())
        }
        ConfigAction::Get {
            profile,
            key,
            reveal,
        } => {
            let key = key.to_ascii_lowercase();
            let (target, _) = address(profile, &key)?;
            let snap = peek()?;
            let set = snap.files().parse()?;
            let section = match target {
                Target::Profile(name) => set
                    .profile(name)
                    .ok_or_else(|| unknown_profile(snap.files(), &set, name))?,
                Target::SsoSession(name) => set
                    .sso_session(name)
                    .ok_or_else(|| anyhow!("SSO session '{name}' not found"))?,
            };
            let setting = section
                .setting(&key)
                .ok_or_else(|| anyhow!("profile '{profile}' has no setting {key}"))?;
            // What a terminal would act on is escaped, as `show` does.
            let value = shown(&key, &setting.value, *reveal);
            crate::cmd::human(out, format!("{value}\n").as_bytes());
            Ok(())
        }
    }
}

/// A key set in the config file that the credentials file also sets for the profile is not
/// what the SDKs will use: where the credentials file sets it (`~/.aws/credentials:12`).
fn shadowing_line(
    snap: &Snapshot,
    target: Target<'_>,
    key: &str,
    written: FileKind,
) -> Option<String> {
    let Target::Profile(name) = target else {
        return None;
    };
    if written != FileKind::Config {
        return None;
    }
    // Only the credentials file is parsed: this runs on every `config set`.
    let text = snap.text(FileKind::Credentials)?;
    if !text.contains(name) {
        return None;
    }
    let raw = parse::parse(text).ok()?;
    let set = ProfileSet::new(vec![(FileKind::Credentials, raw)]);
    let line = set.profile(name)?.setting(key)?.origin.line;
    Some(format!("{}:{line}", snap.display(FileKind::Credentials)))
}
