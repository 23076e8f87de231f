//! Profile → credential chain → credentials.

pub mod chain;
pub mod child;
pub mod interaction;
pub mod process;

pub use chain::{ChainError, Step, StepKind, kind_of, resolve};
pub use process::{Credentials, credentials};
