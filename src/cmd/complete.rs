//! `awsp complete --index N -- WORDS...`: completion candidates from clap_complete's engine,
//! with profile names read from the live files. The scripts in `shell/` call it.
//!
//! Two rules on top of the engine, the same for every shell:
//! - Flags are offered only once the word starts with `-` (or when nothing else fits), so that
//!   `awsp use <TAB>` lists profiles, not `--creds --region ...` mixed in.
//! - A value starting with `-` (a profile named `-o`) is never offered where it would be read
//!   as a flag; only after `--profile`, which takes such names.

use std::collections::HashSet;
use std::io::Write;

use anyhow::Result;
use clap::{Command, CommandFactory};

use crate::cli::{Cli, CompleteArgs};

/// The option whose value may start with `-`.
const HYPHEN_VALUE_OPTION: &str = "--profile";

pub fn run(args: &CompleteArgs, out: &mut Vec<u8>) -> Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let flags = flag_spellings(&cmd);
    let current_dir = std::env::current_dir().ok();
    // A word missing at --index is empty: PowerShell before 7.3 drops an empty argument, so
    // its completer leaves the new word out.
    let mut words = args.words.clone();
    if words.len() == args.index {
        words.push(Default::default());
    }
    let current = words
        .get(args.index)
        .map(|w| w.to_string_lossy().into_owned())
        .unwrap_or_default();
    let previous = args
        .index
        .checked_sub(1)
        .and_then(|i| words.get(i))
        .map(|w| w.to_string_lossy().into_owned())
        .unwrap_or_default();
    let candidates =
        clap_complete::engine::complete(&mut cmd, words, args.index, current_dir.as_deref())?;

    let is_flag = |value: &str| {
        flags.contains(value)
            || value
                .split_once('=')
                .is_some_and(|(flag, _)| flags.contains(flag))
    };
    let mut shown: Vec<_> = candidates
        .iter()
        .filter(|c| !c.is_hide_set())
        .map(|c| (c.get_value().to_string_lossy().into_owned(), c))
        .filter(|(value, _)| {
            !value.starts_with('-') || is_flag(value) || previous == HYPHEN_VALUE_OPTION
        })
        .collect();
    if !current.starts_with('-') && shown.iter().any(|(value, _)| !is_flag(value)) {
        shown.retain(|(value, _)| !is_flag(value));
    }
    for (value, c) in shown {
        out.extend_from_slice(value.as_bytes());
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

/// Every way a flag of any (sub)command is written: `--long`, `-s`, their aliases, and the
/// built-in `--help`/`--version`.
fn flag_spellings(cmd: &Command) -> HashSet<String> {
    let mut out: HashSet<String> = ["--help", "-h", "--version", "-V"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut stack = vec![cmd];
    while let Some(cmd) = stack.pop() {
        for arg in cmd.get_arguments() {
            for long in arg.get_long_and_visible_aliases().into_iter().flatten() {
                out.insert(format!("--{long}"));
            }
            for short in arg.get_short_and_visible_aliases().into_iter().flatten() {
                out.insert(format!("-{short}"));
            }
        }
        stack.extend(cmd.get_subcommands());
    }
    out
}
