//! awsp: switch the current shell between AWS profiles.
//!
//! Data flows one way: files (`config`) → chain and credentials (`resolve`) → environment
//! change (`env`) → shell code (`shell`). `cmd` holds one module per subcommand.

// Diagnostics go through `errln!`, which cannot panic.
#![deny(clippy::print_stderr)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod env;
pub mod resolve;
pub mod secret;
pub mod shell;
#[cfg(unix)]
pub mod signals;
pub mod terminal;

/// The user cancelled (Ctrl-C at a prompt, Esc in the picker): `main` exits 130, as a shell does
/// for SIGINT, after printing the message unless it is empty.
#[derive(Debug)]
pub struct Cancelled(pub String);

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cancelled {}

/// Write one line to stderr, ignoring a failed write: stderr may be closed or a full device,
/// and `eprintln!` would then panic, which aborts a release build. Every diagnostic in `src/`
/// goes through [`errln!`].
///
/// The line is written through [`terminal::escaped`]: diagnostics quote names, values from
/// files and messages from servers, and no control character in them may reach the terminal.
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let line = std::fmt::format(args);
    let mut line = terminal::escaped(&line).into_owned();
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `eprintln!` that never panics: see [`write_stderr`].
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::write_stderr(::std::format_args!($($arg)*))
    };
}
