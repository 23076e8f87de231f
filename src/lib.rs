//! awsp: switch the current shell between AWS profiles.
//!
//! Data flows one way: files (`config`) → chain and credentials (`resolve`) → environment
//! change (`env`) → shell code (`shell`). `cmd` holds one module per subcommand.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod env;
pub mod resolve;
pub mod secret;
pub mod shell;
pub mod terminal;
