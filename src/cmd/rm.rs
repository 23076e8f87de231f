//! `awsp rm PROFILE`: remove the profile's sections from both files, after a confirmation on
//! the terminal (or `--yes`); refused while other profiles use it as their `source_profile`.

use anyhow::{Result, bail};

use crate::cli::RmArgs;
use crate::cmd::unknown_profile;
use crate::cmd::write::{Snapshot, Terminal, peek, transaction};
use crate::config::FileKind;
use crate::config::edit::Target;

pub fn run(args: &RmArgs, out: &mut Vec<u8>) -> Result<()> {
    let name = args.profile.as_str();
    check(&peek()?, name, args.force)?;
    if !args.yes && !args.dry_run.dry_run {
        let Some(mut tty) = Terminal::open() else {
            bail!("no terminal to confirm removing profile '{name}': pass --yes");
        };
        if !tty.confirm(&format!(
            "Remove profile '{name}' from the config and credentials files?"
        ))? {
            return Err(crate::Cancelled("cancelled; nothing removed".into()).into());
        }
    }
    let both = [FileKind::Config, FileKind::Credentials];
    transaction(&both, &[], args.dry_run.dry_run, out, |snap| {
        check(snap, name, args.force)?;
        let mut new = Vec::new();
        for kind in both {
            let mut editor = snap.editor(kind)?;
            editor.remove_sections(Target::Profile(name));
            new.push((kind, editor.finish()));
        }
        Ok(new)
    })?;
    if !args.dry_run.dry_run {
        crate::errln!("awsp: removed profile '{name}'");
    }
    Ok(())
}

/// The profile exists, and (unless `force`) no other profile names it as its source.
fn check(snap: &Snapshot, name: &str, force: bool) -> Result<()> {
    let set = snap.files().parse()?;
    if set.profile(name).is_none() {
        return Err(unknown_profile(snap.files(), &set, name));
    }
    if force {
        return Ok(());
    }
    let dependents: Vec<String> = set
        .profiles()
        .iter()
        .filter(|p| p.name() != name && p.get("source_profile") == Some(name))
        .map(|p| p.name().to_string())
        .collect();
    if !dependents.is_empty() {
        bail!(
            "profile '{name}' is the source_profile of {}; remove or change those first, or pass --force",
            dependents.join(", ")
        );
    }
    Ok(())
}
