//! `awsp unset`: print the code that clears every variable awsp manages.

use crate::cli::UnsetArgs;
use crate::cmd::r#use::emit;
use crate::env;

pub fn run(args: &UnsetArgs, out: &mut Vec<u8>) {
    emit(&args.shell, &env::clear(&env::process_env), out);
}
