//! `awsp unset`: print the code that clears every variable awsp manages.

use crate::cli::UnsetArgs;
use crate::cmd::r#use::emit;
use crate::env::{self, process_var};

pub fn run(args: &UnsetArgs, out: &mut Vec<u8>) {
    emit(&args.shell, &env::clear(&process_var), out);
}
