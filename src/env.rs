//! The environment change: an ordered list of variables to set and unset, and the list of
//! variables awsp manages. Shell emitters render it; nothing here knows about shells.

use anyhow::{Result, bail};

/// Credential variables: set by `use --creds`, cleared by every other switch.
pub const CREDENTIAL_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_EXPIRATION",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
];

/// Profile selectors. botocore reads `AWS_DEFAULT_PROFILE` before `AWS_PROFILE`.
pub const PROFILE_VARS: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

pub const REGION_VARS: &[&str] = &["AWS_REGION", "AWS_DEFAULT_REGION"];

/// Other tools' markers of a profile or session, which prompts (starship reads
/// `AWSU_PROFILE`, `AWS_VAULT`, `AWSUME_PROFILE`, `AWS_PROFILE`, `AWS_SSO_PROFILE`) and the
/// tools themselves would take for the active one: awsume, aws-vault, aws-sso-cli, saml2aws,
/// assume-role, and granted's `assume` (the variables its scripts export, by name).
pub const FOREIGN_VARS: &[&str] = &[
    "AWSUME_PROFILE",
    "AWSUME_EXPIRATION",
    "AWSUME_DEFAULT_PROFILE",
    "AWSU_PROFILE",
    "AWS_VAULT",
    "AWS_SSO_PROFILE",
    "AWS_SSO_ACCOUNT_ID",
    "AWS_SSO_ROLE_NAME",
    "AWS_SSO_ROLE_ARN",
    "AWS_SSO_SESSION_EXPIRATION",
    "AWS_SSO_DEFAULT_REGION",
    "SAML2AWS_PROFILE",
    "ASSUMED_ROLE",
    "GRANTED_SSO",
    "GRANTED_SSO_START_URL",
    "GRANTED_SSO_ROLE_NAME",
    "GRANTED_SSO_REGION",
    "GRANTED_SSO_ACCOUNT_ID",
    "GRANTED_AWS_ROLE_PROFILE",
    "GRANTED_COMMAND",
];

/// awsp's own bookkeeping.
pub const AWSP_PROFILE: &str = "AWSP_PROFILE";
/// `profile` or `creds`: how the active profile was applied.
pub const AWSP_MODE: &str = "AWSP_MODE";
pub const AWSP_PREVIOUS: &str = "AWSP_PREVIOUS";
pub const AWSP_PREVIOUS_MODE: &str = "AWSP_PREVIOUS_MODE";
/// The region value awsp set, so that a region exported by hand is told apart and kept.
pub const AWSP_REGION: &str = "AWSP_REGION";
/// When the exported credentials expire, in Unix seconds, for the prompt.
pub const AWSP_EXPIRATION: &str = "AWSP_EXPIRATION";
/// `1` when the exported credentials are an MFA session asked for with `--mfa`, so that a
/// refresh, `use -` and leaving a tree fetch the same kind again (not the long-term keys).
pub const AWSP_MFA: &str = "AWSP_MFA";
pub const AWSP_VARS: &[&str] = &[
    AWSP_PROFILE,
    AWSP_MODE,
    AWSP_PREVIOUS,
    AWSP_PREVIOUS_MODE,
    AWSP_REGION,
    AWSP_EXPIRATION,
    AWSP_MFA,
];

/// The directory hook's bookkeeping (`awsp init SHELL --hook dir`): the root of the tree whose
/// `.awsprofile` applies, and, when the hook changed the profile on entering it, what was
/// active before (`none`, `profile` or `creds`, the profile, and the region awsp had set), to
/// switch back to on leaving. No switch touches them: a manual `use` inside the tree is
/// undone on leaving it too.
pub const AWSP_DIR_ROOT: &str = "AWSP_DIR_ROOT";
pub const AWSP_DIR_BEFORE: &str = "AWSP_DIR_BEFORE";
pub const AWSP_DIR_BEFORE_PROFILE: &str = "AWSP_DIR_BEFORE_PROFILE";
pub const AWSP_DIR_BEFORE_REGION: &str = "AWSP_DIR_BEFORE_REGION";
pub const DIR_VARS: &[&str] = &[
    AWSP_DIR_ROOT,
    AWSP_DIR_BEFORE,
    AWSP_DIR_BEFORE_PROFILE,
    AWSP_DIR_BEFORE_REGION,
];

/// The variables every switch clears (the fish integration checks them). The region is not
/// among them: awsp clears only a region it set itself.
pub fn cleared_vars() -> Vec<&'static str> {
    CREDENTIAL_VARS
        .iter()
        .chain(PROFILE_VARS)
        .chain(FOREIGN_VARS)
        .copied()
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOp {
    Set(String, String),
    Unset(String),
}

/// Ordered; a later op on the same name replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvChange {
    ops: Vec<EnvOp>,
}

impl EnvChange {
    pub fn new() -> Self {
        Self::default()
    }

    fn remove(&mut self, name: &str) {
        self.ops.retain(|op| match op {
            EnvOp::Set(n, _) | EnvOp::Unset(n) => n != name,
        });
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.remove(name);
        self.ops.push(EnvOp::Set(name.to_string(), value.into()));
        self
    }

    pub fn unset(&mut self, name: &str) -> &mut Self {
        self.remove(name);
        self.ops.push(EnvOp::Unset(name.to_string()));
        self
    }

    pub fn ops(&self) -> &[EnvOp] {
        &self.ops
    }

    /// An environment variable cannot hold a NUL byte, and its name must be a plain identifier.
    pub fn validate(&self) -> Result<()> {
        for op in &self.ops {
            let name = match op {
                EnvOp::Set(name, value) => {
                    if value.contains('\0') {
                        bail!(
                            "the value for {name} contains a NUL byte, which no environment variable can hold"
                        );
                    }
                    name
                }
                EnvOp::Unset(name) => name,
            };
            let valid = name.bytes().enumerate().all(|(i, b)| {
                b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit())
            });
            if name.is_empty() || !valid {
                bail!("invalid environment variable name {name:?}");
            }
        }
        Ok(())
    }
}

/// How a profile is applied to the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `AWS_PROFILE=NAME`: every tool resolves the profile itself.
    Profile,
    /// Resolved keys exported; `AWS_PROFILE` unset, since SDKs disagree on which wins.
    Creds,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Profile => "profile",
            Mode::Creds => "creds",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "profile" => Some(Mode::Profile),
            "creds" => Some(Mode::Creds),
            _ => None,
        }
    }
}

/// How a switch is recorded to be made again (`AWSP_PREVIOUS_MODE`, `AWSP_DIR_BEFORE`): the
/// mode, and `creds-mfa` for credentials that were an MFA session (`--mfa`).
pub fn recorded_mode(mode: Mode, mfa: bool) -> &'static str {
    match (mode, mfa) {
        (Mode::Creds, true) => "creds-mfa",
        (mode, _) => mode.name(),
    }
}

/// The mode and whether it was an MFA session, from [`recorded_mode`]'s spelling.
pub fn parse_recorded_mode(name: &str) -> Option<(Mode, bool)> {
    match name {
        "creds-mfa" => Some((Mode::Creds, true)),
        other => Mode::from_name(other).map(|m| (m, false)),
    }
}

/// Whether the credentials exported now are an MFA session (`AWSP_MFA`).
pub fn active_mfa(current: &dyn Fn(&str) -> Option<String>) -> bool {
    value(current, AWSP_MFA).is_some()
}

/// The switch to make: which profile, how, with which region and (for `Creds`) which keys.
pub struct Target<'a> {
    pub profile: &'a str,
    pub region: Option<&'a str>,
    pub credentials: Option<&'a crate::resolve::Credentials>,
    /// The credentials are an MFA session (`--mfa`): noted in `AWSP_MFA`.
    pub mfa: bool,
}

/// A variable's value, where an empty one counts as unset.
fn value(current: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    current(name).filter(|v| !v.is_empty())
}

/// The profile active now, as awsp sees it, and how it was applied. `current` reads a
/// variable ([`process_var`] or [`process_env`]); empty values count as unset.
pub fn active(current: &dyn Fn(&str) -> Option<String>) -> Option<(String, Mode)> {
    let awsp_profile = value(current, AWSP_PROFILE);
    let awsp_mode = value(current, AWSP_MODE).and_then(|m| Mode::from_name(&m));
    if let Some(profile) = value(current, "AWS_PROFILE") {
        return Some((profile, Mode::Profile));
    }
    match (awsp_profile, awsp_mode) {
        (Some(profile), Some(Mode::Creds)) if value(current, "AWS_ACCESS_KEY_ID").is_some() => {
            Some((profile, Mode::Creds))
        }
        _ => None,
    }
}

/// Clear what the previous profile left: keys, selectors, other switchers' markers, and the
/// region only where it still holds the value awsp set (a region exported by hand stays).
/// A variable is cleared when it is set at all: also when empty (botocore reads an empty
/// `AWS_PROFILE` as a profile with an empty name, and fails) or not UTF-8.
fn clear_previous(change: &mut EnvChange, current: &dyn Fn(&str) -> Option<String>) {
    for name in cleared_vars() {
        if current(name).is_some() {
            change.unset(name);
        }
    }
    let awsp_region = value(current, AWSP_REGION);
    for name in REGION_VARS {
        if let (Some(value), Some(ours)) = (value(current, name), &awsp_region) {
            if &value == ours {
                change.unset(name);
            }
        }
    }
    for name in [AWSP_REGION, AWSP_EXPIRATION, AWSP_MFA] {
        if current(name).is_some() {
            change.unset(name);
        }
    }
}

/// The change that switches from the current environment to `target`. `current` reads a
/// variable of the environment being changed as [`process_env`] does: `Some` whenever it is
/// set, also empty.
pub fn switch(current: &dyn Fn(&str) -> Option<String>, target: &Target<'_>) -> EnvChange {
    let mut change = EnvChange::new();
    let previous = active(current);
    clear_previous(&mut change, current);
    if let Some(region) = target.region {
        change.set("AWS_REGION", region);
        change.set("AWS_DEFAULT_REGION", region);
        change.set(AWSP_REGION, region);
    }
    let mode = match target.credentials {
        None => {
            change.set("AWS_PROFILE", target.profile);
            Mode::Profile
        }
        Some(creds) => {
            set_credentials(&mut change, creds);
            if target.mfa {
                change.set(AWSP_MFA, "1");
            }
            Mode::Creds
        }
    };
    change.set(AWSP_PROFILE, target.profile);
    change.set(AWSP_MODE, mode.name());
    match previous {
        Some((name, mode)) => {
            change.set(AWSP_PREVIOUS, name);
            change.set(AWSP_PREVIOUS_MODE, recorded_mode(mode, active_mfa(current)));
        }
        None => {
            for name in [AWSP_PREVIOUS, AWSP_PREVIOUS_MODE] {
                if current(name).is_some() {
                    change.unset(name);
                }
            }
        }
    }
    change
}

/// The change that replaces the exported credentials by `creds` (of the same profile) and
/// nothing else: the profile, the region and what `awsp use -` goes back to stay.
pub fn refresh(
    current: &dyn Fn(&str) -> Option<String>,
    creds: &crate::resolve::Credentials,
) -> EnvChange {
    let mut change = EnvChange::new();
    for name in CREDENTIAL_VARS.iter().chain(&[AWSP_EXPIRATION]) {
        if current(name).is_some() {
            change.unset(name);
        }
    }
    set_credentials(&mut change, creds);
    change
}

/// Export `creds`: the keys, the token and account when there are, the expiry when known.
fn set_credentials(change: &mut EnvChange, creds: &crate::resolve::Credentials) {
    change.set("AWS_ACCESS_KEY_ID", creds.access_key_id.as_str());
    change.set("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.as_str());
    if let Some(token) = &creds.session_token {
        change.set("AWS_SESSION_TOKEN", token.as_str());
    }
    if let Some(account) = &creds.account_id {
        change.set("AWS_ACCOUNT_ID", account.as_str());
    }
    if let (Some(text), Some(at)) = (creds.expiration_rfc3339(), creds.expiration) {
        change.set("AWS_CREDENTIAL_EXPIRATION", text);
        change.set(AWSP_EXPIRATION, at.unix_timestamp().to_string());
    }
}

/// The change that clears everything awsp manages, except what `awsp use -` needs: as `cd -`
/// after leaving a directory, the profile active before the unset becomes the previous one
/// (when none was active, the previous one stays).
pub fn clear(current: &dyn Fn(&str) -> Option<String>) -> EnvChange {
    let mut change = EnvChange::new();
    let previous = active(current);
    clear_previous(&mut change, current);
    for name in [AWSP_PROFILE, AWSP_MODE] {
        if current(name).is_some() {
            change.unset(name);
        }
    }
    if let Some((name, mode)) = previous {
        if value(current, AWSP_PREVIOUS).as_deref() != Some(name.as_str()) {
            change.set(AWSP_PREVIOUS, name);
        }
        let recorded = recorded_mode(mode, active_mfa(current));
        if value(current, AWSP_PREVIOUS_MODE).as_deref() != Some(recorded) {
            change.set(AWSP_PREVIOUS_MODE, recorded);
        }
    }
    change
}

/// A variable of the process environment as a value: `None` when it is unset or empty; a
/// value that is not UTF-8 is read lossily (it can name no profile awsp knows).
pub fn process_var(name: &str) -> Option<String> {
    process_env(name).filter(|v| !v.is_empty())
}

/// A variable of the process environment, `Some` whenever it is set: also when it is empty or
/// not UTF-8 (read lossily), so that a switch clears it by name whatever its bytes.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Credentials;

    #[test]
    fn refresh_replaces_only_the_credentials() {
        let now: &[(&str, &str)] = &[
            ("AWS_ACCESS_KEY_ID", "OLD"),
            ("AWS_SECRET_ACCESS_KEY", "old"),
            ("AWS_SESSION_TOKEN", "old-token"),
            ("AWS_SECURITY_TOKEN", "old-token"),
            ("AWS_REGION", "eu-west-1"),
            (AWSP_PROFILE, "p"),
            (AWSP_PREVIOUS, "q"),
            (AWSP_EXPIRATION, "100"),
        ];
        let current = |name: &str| {
            now.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        let creds = Credentials {
            access_key_id: "NEW".into(),
            secret_access_key: "new".into(),
            session_token: None,
            expiration: None,
            account_id: None,
        };
        let change = refresh(&current, &creds);
        let ops = change.ops();
        assert!(ops.contains(&EnvOp::Set("AWS_ACCESS_KEY_ID".into(), "NEW".into())));
        for gone in ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", AWSP_EXPIRATION] {
            assert!(ops.contains(&EnvOp::Unset(gone.into())), "{gone}: {ops:?}");
        }
        for kept in ["AWS_REGION", AWSP_PROFILE, AWSP_PREVIOUS, AWSP_MODE] {
            assert!(
                !ops.iter()
                    .any(|op| matches!(op, EnvOp::Set(n, _) | EnvOp::Unset(n) if n == kept)),
                "{kept}: {ops:?}"
            );
        }
    }
}
