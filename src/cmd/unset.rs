//! `awsp unset`: print the code that clears every variable awsp manages.

use std::io::IsTerminal;

use anyhow::Result;

use crate::cli::UnsetArgs;
use crate::cmd::r#use::not_evaluated_hint;
use crate::env::{self, process_var};
use crate::shell::Shell;

pub fn run(args: &UnsetArgs, out: &mut Vec<u8>) -> Result<()> {
    let shell = Shell::pick(args.shell.shell, process_var("AWSP_SHELL").as_deref());
    let change = env::clear(&process_var);
    change.validate()?;
    out.extend_from_slice(shell.render(&change).as_bytes());
    if std::io::stdout().is_terminal() {
        eprintln!("{}", not_evaluated_hint());
    }
    Ok(())
}
