//! `awsp here`: which `.awsprofile` applies in the current directory, as the `dir` hook sees
//! it (the search starts at the shell's logical `$PWD`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cmd::{human, unknown_profile};
use crate::config::{Files, dir};
use crate::env::process_var;

/// The shell's `$PWD` when it names the current directory (it keeps the symlinks the user
/// went through, as the hooks see them), else the current directory.
fn logical_cwd() -> Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    if let Some(pwd) = std::env::var_os("PWD").map(PathBuf::from) {
        if pwd.is_absolute() && crate::config::same_file(&pwd, &cwd) {
            return Ok(pwd);
        }
    }
    Ok(cwd)
}

/// Exit 0 when a usable `.awsprofile` applies or none does; 1 (after printing what it says)
/// when it names a profile that is not defined.
pub fn run(out: &mut Vec<u8>) -> Result<i32> {
    let cwd = logical_cwd()?;
    let home = process_var("HOME").map(PathBuf::from);
    let mut text = Vec::new();
    let Some(root) = dir::find(&cwd) else {
        writeln!(
            text,
            "no {} applies in {} (none there or in a parent directory)",
            dir::FILE_NAME,
            dir::display(&cwd, home.as_deref())
        )?;
        human(out, &text);
        return Ok(0);
    };
    let file = dir::load(&root, home.as_deref())?;
    writeln!(text, "file: {}", file.display)?;
    writeln!(text, "profile: {}", file.profile)?;
    match &file.region {
        Some(region) => writeln!(text, "region: {region}")?,
        None => writeln!(text, "region: the profile's")?,
    }
    writeln!(text, "creds: {}", file.creds)?;
    human(out, &text);
    let files = Files::load()?;
    let set = files.parse()?;
    if set.profile(&file.profile).is_none() {
        let err = unknown_profile(&files, &set, &file.profile);
        let message = format!("{}: {err}; the dir hook changes nothing here", file.display);
        crate::errln!("awsp: {}", crate::terminal::escaped(&message));
        return Ok(1);
    }
    Ok(0)
}
