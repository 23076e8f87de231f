//! Whether resolving credentials may ask the user (an MFA code, an SSO sign-in, a
//! `credential_process` that prompts). `use --no-prompt` and the shell hooks forbid it: then
//! a provider that would ask fails with [`NeedsUser`] instead, and a `credential_process`
//! runs without the terminal (no stdin, no controlling terminal, stderr discarded), so that
//! one that tries to prompt fails rather than waits.
//!
//! A provider that prompts calls [`check_may_prompt`] first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static NO_PROMPT: AtomicBool = AtomicBool::new(false);

/// From now on, nothing in this process asks the user.
pub fn forbid_prompts() {
    NO_PROMPT.store(true, Ordering::SeqCst);
}

pub fn may_prompt() -> bool {
    !NO_PROMPT.load(Ordering::SeqCst)
}

/// How long a `credential_process` may run without the user, when `AWSP_PROCESS_TIMEOUT`
/// is not set: nobody is there to wait for.
pub const UNATTENDED_PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

/// Resolving needed the user, who may not be asked now. `what` says for what: `an MFA code
/// for arn:...`, `an SSO sign-in`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsUser {
    pub what: String,
}

impl std::fmt::Display for NeedsUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "this needs {}, and awsp may not ask now", self.what)
    }
}

impl std::error::Error for NeedsUser {}

/// `Ok` when the user may be asked; else the [`NeedsUser`] error for `what`.
pub fn check_may_prompt(what: &str) -> Result<(), NeedsUser> {
    if may_prompt() {
        Ok(())
    } else {
        Err(NeedsUser {
            what: what.to_string(),
        })
    }
}

/// Whether `err` (or one of its causes) is a [`NeedsUser`].
pub fn needs_user(err: &anyhow::Error) -> Option<&NeedsUser> {
    err.chain().find_map(|e| e.downcast_ref::<NeedsUser>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn needs_user_is_found_under_context() {
        let err = anyhow::Error::new(NeedsUser {
            what: "an MFA code".into(),
        })
        .context("profile 'p'");
        assert_eq!(
            needs_user(&err).map(|n| n.what.as_str()),
            Some("an MFA code")
        );
        let other: anyhow::Result<()> = Err(anyhow::anyhow!("boom"));
        assert!(needs_user(&other.context("x").unwrap_err()).is_none());
    }
}
