//! Profile → credential chain → credentials.

pub mod cache;
pub mod chain;
pub mod child;
pub mod ecs;
pub mod http;
pub mod imds;
pub mod interaction;
pub mod login;
pub mod process;
pub mod provider;
pub mod signin;
pub mod sso;
pub mod sts;

pub use chain::{ChainError, Step, StepKind, kind_of, resolve, resolve_for_credentials};
pub use process::{Credentials, credentials, credentials_with};
pub use provider::FetchOptions;
