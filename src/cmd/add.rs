//! `awsp add PROFILE`: the `aws configure --profile P` flow without the AWS CLI: static keys
//! into the credentials file, region and output into the config file.

use anyhow::{Result, bail};

use crate::cli::AddArgs;
use crate::cmd::list::defined_at;
use crate::cmd::write::{Snapshot, Terminal, peek, read_stdin, transaction};
use crate::config::FileKind;
use crate::config::edit::{Target, check_name, check_value};

pub fn run(args: &AddArgs, out: &mut Vec<u8>) -> Result<()> {
    let name = args.profile.as_str();
    check_name("profile name", name)?;
    // Refuse before asking anything; checked again under the lock.
    refuse_existing(&peek()?, name, args.force)?;
    let mut tty: Option<Terminal> = None;
    let asked = args.access_key_id.is_none() || !args.secret_stdin;
    let access_key_id = match &args.access_key_id {
        Some(id) => id.clone(),
        None => {
            terminal(&mut tty, "access key id (--access-key-id)")?.ask("AWS Access Key ID: ")?
        }
    };
    check_value("aws_access_key_id", &access_key_id)?;
    let secret = if args.secret_stdin {
        let text = read_stdin(64 * 1024, "the secret access key")?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        text.strip_suffix('\r').unwrap_or(text).to_string()
    } else {
        terminal(&mut tty, "secret access key (--secret-stdin)")?
            .ask_secret("AWS Secret Access Key: ")?
    };
    check_value("aws_secret_access_key", &secret)?;
    let mut region = args.region.clone();
    let mut output = args.output.clone();
    if asked {
        if let Ok(t) = terminal(&mut tty, "region") {
            if region.is_none() {
                region = Some(t.ask("Default region name [none]: ")?).filter(|r| !r.is_empty());
            }
            if output.is_none() {
                output = Some(t.ask("Default output format [none]: ")?).filter(|o| !o.is_empty());
            }
        }
    }
    for (key, value) in [("region", &region), ("output", &output)] {
        if let Some(value) = value {
            check_value(key, value)?;
        }
    }
    let profile = Target::Profile(name);
    let mut writes = vec![FileKind::Credentials];
    if region.is_some() || output.is_some() {
        writes.push(FileKind::Config);
    }
    transaction(
        &writes,
        &[FileKind::Config],
        args.dry_run.dry_run,
        out,
        |snap| {
            refuse_existing(snap, name, args.force)?;
            let mut creds = snap.editor(FileKind::Credentials)?;
            creds.set(profile, "aws_access_key_id", &access_key_id)?;
            creds.set(profile, "aws_secret_access_key", &secret)?;
            // Static keys: a session token or expiry left from before would not belong to them.
            for stale in [
                "aws_session_token",
                "aws_security_token",
                crate::cmd::import::EXPIRES_KEY,
            ] {
                creds.unset(profile, stale);
            }
            let mut new = vec![(FileKind::Credentials, creds.finish())];
            if region.is_some() || output.is_some() {
                let mut config = snap.editor(FileKind::Config)?;
                for (key, value) in [("region", &region), ("output", &output)] {
                    if let Some(value) = value {
                        config.set(profile, key, value)?;
                    }
                }
                new.push((FileKind::Config, config.finish()));
            }
            Ok(new)
        },
    )?;
    if !args.dry_run.dry_run {
        crate::errln!("awsp: added profile '{name}'");
    }
    Ok(())
}

/// The terminal, opened once.
fn terminal<'t>(tty: &'t mut Option<Terminal>, what: &str) -> Result<&'t mut Terminal> {
    if tty.is_none() {
        *tty = Terminal::open();
    }
    match tty {
        Some(t) => Ok(t),
        None => bail!("no terminal to ask for the {what}: pass it with its option"),
    }
}

fn refuse_existing(snap: &Snapshot, name: &str, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let set = snap.files().parse()?;
    if let Some(p) = set.profile(name) {
        bail!(
            "profile '{name}' already exists ({}); --force overwrites its keys",
            defined_at(p.sources())
        );
    }
    Ok(())
}
