//! `awsp unset`: print the code that clears every variable awsp manages.

use crate::cli::UnsetArgs;
use crate::cmd::r#use::{emit, feedback};
use crate::env;
use crate::shell::Shell;

pub fn run(args: &UnsetArgs, wrapper: Option<Shell>, out: &mut Vec<u8>) {
    emit(&args.shell, wrapper, &env::clear(&env::process_env), out);
    if wrapper.is_some() {
        feedback(args.quiet, "cleared");
    }
}
