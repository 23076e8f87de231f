//! `awsp rename OLD NEW`: rename the profile's sections in both files and point every
//! `source_profile = OLD` at NEW.

use anyhow::{Result, bail};

use crate::cli::RenameArgs;
use crate::cmd::list::defined_at;
use crate::cmd::unknown_profile;
use crate::cmd::write::{Snapshot, peek, transaction};
use crate::config::FileKind;
use crate::config::edit::{Target, check_name};

pub fn run(args: &RenameArgs, out: &mut Vec<u8>) -> Result<()> {
    let (old, new) = (args.old.as_str(), args.new.as_str());
    check_name("new profile name", new)?;
    check(&peek()?, old, new)?;
    let both = [FileKind::Config, FileKind::Credentials];
    let mut references = 0;
    transaction(&both, &[], args.dry_run.dry_run, out, |snap| {
        check(snap, old, new)?;
        let mut texts = Vec::new();
        for kind in both {
            let mut editor = snap.editor(kind)?;
            editor.rename_sections(Target::Profile(old), new);
            references += editor.replace_source_profile(old, new);
            texts.push((kind, editor.finish()));
        }
        Ok(texts)
    })?;
    if !args.dry_run.dry_run {
        let refs = match references {
            0 => String::new(),
            1 => " and 1 source_profile".to_string(),
            n => format!(" and {n} source_profile lines"),
        };
        crate::errln!("awsp: renamed profile '{old}' to '{new}'{refs}");
    }
    Ok(())
}

fn check(snap: &Snapshot, old: &str, new: &str) -> Result<()> {
    let set = snap.files().parse()?;
    if set.profile(old).is_none() {
        return Err(unknown_profile(snap.files(), &set, old));
    }
    // Renaming would carry the section the SDKs ignore along (or bring it to life as the new
    // default): which one the user means is theirs to say.
    if let Some(shadowed) = set
        .ignored_sections()
        .iter()
        .find(|i| old == "default" && i.code == "default-shadowed")
    {
        bail!(
            "{} line {}: [default] is ignored beside [profile default]; remove or merge it before renaming 'default'",
            snap.files().config.described(),
            shadowed.origin.line
        );
    }
    if let Some(p) = set.profile(new) {
        bail!(
            "profile '{new}' already exists ({}); remove it first",
            defined_at(p.sources())
        );
    }
    Ok(())
}
