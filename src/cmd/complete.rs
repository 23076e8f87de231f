//! `awsp complete --index N -- WORDS...`: completion candidates from clap_complete's engine,
//! with profile names read from the live files. The scripts in `shell/` call it.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompleteArgs};

pub fn run(args: &CompleteArgs, out: &mut Vec<u8>) -> Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let current_dir = std::env::current_dir().ok();
    // A word missing at --index is empty: PowerShell before 7.3 drops an empty argument, so
    // its completer leaves the new word out.
    let mut words = args.words.clone();
    if words.len() == args.index {
        words.push(Default::default());
    }
    let candidates =
        clap_complete::engine::complete(&mut cmd, words, args.index, current_dir.as_deref())?;
    for c in candidates.iter().filter(|c| !c.is_hide_set()) {
        out.extend_from_slice(c.get_value().to_string_lossy().as_bytes());
        if args.describe {
            if let Some(help) = c.get_help() {
                let help = help.to_string();
                let first = help.lines().next().unwrap_or("");
                write!(out, "\t{first}")?;
            }
        }
        out.push(b'\n');
    }
    Ok(())
}
