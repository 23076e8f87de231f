//! `awsp login [PROFILE]` and `awsp logout [PROFILE]`: IAM Identity Center sign-in and sign-out
//! for a profile's session. Messages go to stderr; stdout stays empty.

use anyhow::Result;

use crate::cli::{LoginArgs, LogoutArgs};
use crate::cmd::unknown_profile;
use crate::config::Files;
use crate::resolve::login::{self, Prompt};
use crate::resolve::sso;

pub fn run(args: &LoginArgs) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let name = crate::cmd::named_or_selected(args.profile.as_deref());
    let profile = set
        .profile(&name)
        .ok_or_else(|| unknown_profile(&files, &set, &name))?;
    let cfg = sso::config_of(&set, profile.name())?;
    let path = login::login(
        &cfg,
        &Prompt {
            open_browser: !args.no_browser,
        },
    )?;
    crate::errln!(
        "awsp: signed in to {}; the token is in {}",
        cfg.start_url,
        path.display()
    );
    Ok(())
}

pub fn run_logout(args: &LogoutArgs) -> Result<()> {
    let removed = match &args.profile {
        Some(name) => {
            let files = Files::load()?;
            let set = files.parse()?;
            let profile = set
                .profile(name)
                .ok_or_else(|| unknown_profile(&files, &set, name))?;
            let cfg = sso::config_of(&set, profile.name())?;
            login::logout(Some(&cfg))?
        }
        None => login::logout(None)?,
    };
    crate::errln!("awsp: removed {removed} cached IAM Identity Center file(s)");
    Ok(())
}

/// `use P` in profile mode for an SSO profile: AWS commands fail until the token is there.
pub fn warn_without_token(set: &crate::config::ProfileSet<'_>, profile: &str) {
    let Ok(cfg) = sso::config_of(set, profile) else {
        return;
    };
    let state = sso::token_state(&cfg, time::OffsetDateTime::now_utc());
    let problem = match state {
        sso::TokenState::Valid => return,
        sso::TokenState::Missing => "there is no IAM Identity Center token",
        sso::TokenState::Corrupt => "the cached IAM Identity Center token is unreadable",
        sso::TokenState::Expired { .. } => "the IAM Identity Center token has expired",
    };
    crate::errln!(
        "awsp: warning: {problem} for profile '{profile}': AWS commands will fail until `awsp login {profile}`"
    );
}

/// `use P` in profile mode for a console sign-in profile (`login_session`) whose cached session
/// is missing or unusable: the switch is done, but say that AWS commands will fail.
pub fn warn_without_session(set: &crate::config::ProfileSet<'_>, profile: &str, session: &str) {
    use crate::resolve::signin::{EntryState, entry_state};
    let problem = match entry_state(set, profile, session) {
        EntryState::Usable => return,
        EntryState::Missing => "there is no console sign-in session".to_string(),
        EntryState::Unusable(_, why) => format!("the cached console sign-in session {why}"),
    };
    crate::errln!(
        "awsp: warning: {problem} for profile '{profile}': AWS commands will fail until `aws login --profile {profile}`"
    );
}
