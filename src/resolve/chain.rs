//! Profile → the chain of credential providers the AWS SDKs would walk (no network here).
//!
//! The rules are the SDKs' (`resolve_chain` in the Rust SDK, checked against the shared
//! `assume-role-tests.json`): follow `source_profile` through `role_arn` profiles; after the
//! first profile, static keys end the walk; a profile names its source by `source_profile` or
//! `credential_source`, never both; the base is a `credential_source`, a web identity, SSO,
//! `credential_process` or static keys, in that order of precedence.

use std::collections::HashSet;
use std::fmt;

use crate::config::{ProfileSet, Section};

/// One provider in the chain, base first. `profile` is where its settings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub profile: String,
    /// The step's settings under their config-file key names, in a fixed order.
    pub settings: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Static,
    AssumeRole,
    CredentialSource,
    WebIdentity,
    Sso,
    /// A console sign-in session (`login_session`, written by AWS CLI v2's `aws login`).
    Login,
    CredentialProcess,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Static => "static",
            StepKind::AssumeRole => "assume_role",
            StepKind::CredentialSource => "credential_source",
            StepKind::WebIdentity => "web_identity",
            StepKind::Sso => "sso",
            StepKind::Login => "login",
            StepKind::CredentialProcess => "credential_process",
        }
    }
}

impl Step {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    fn new(kind: StepKind, profile: &Section<'_>, settings: Vec<(&'static str, String)>) -> Step {
        Step {
            kind,
            profile: profile.name().to_string(),
            settings,
        }
    }
}

/// Why a profile's credentials cannot be resolved; the texts contain the SDKs' own phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    NoProfiles,
    MissingProfile {
        name: String,
        from: String,
    },
    Loop {
        path: Vec<String>,
    },
    NoCredentials {
        profile: String,
    },
    Invalid {
        profile: String,
        message: String,
    },
    MissingSsoSession {
        profile: String,
        session: String,
    },
    /// An `sso_session` profile without `sso_account_id`/`sso_role_name`: a token, not keys.
    TokenOnly {
        profile: String,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::NoProfiles => write!(f, "No profiles were defined"),
            ChainError::MissingProfile { name, from } => {
                write!(
                    f,
                    "could not find source profile {name} referenced from {from}"
                )
            }
            ChainError::Loop { path } => {
                // A loop through thousands of profiles is named by its ends.
                const SHOWN: usize = 4;
                if path.len() <= 2 * SHOWN + 1 {
                    write!(f, "profile formed an infinite loop: {}", path.join(" -> "))
                } else {
                    write!(
                        f,
                        "profile formed an infinite loop: {} -> ... ({} more) ... -> {}",
                        path[..SHOWN].join(" -> "),
                        path.len() - 2 * SHOWN,
                        path[path.len() - SHOWN..].join(" -> ")
                    )
                }
            }
            ChainError::NoCredentials { profile } => {
                write!(
                    f,
                    "profile `{profile}` did not contain credential information"
                )
            }
            ChainError::Invalid { profile, message } => write!(f, "profile '{profile}': {message}"),
            ChainError::MissingSsoSession { profile, session } => write!(
                f,
                "sso-session named `{session}` (referenced by profile `{profile}`) was not found"
            ),
            // The Rust SDK's text, word for word.
            ChainError::TokenOnly { .. } => write!(
                f,
                "selected profile will resolve an access token instead of credentials since it doesn't have `sso_account_id` and `sso_role_name` set. Specify both `sso_account_id` and `sso_role_name` to let this profile resolve credentials."
            ),
        }
    }
}

impl std::error::Error for ChainError {}

fn invalid(profile: &Section<'_>, message: impl Into<String>) -> ChainError {
    ChainError::Invalid {
        profile: profile.name().to_string(),
        message: message.into(),
    }
}

/// The chain for `selected`, base credentials first.
pub fn resolve(set: &ProfileSet<'_>, selected: &str) -> Result<Vec<Step>, ChainError> {
    if set.is_empty() {
        return Err(ChainError::NoProfiles);
    }
    let mut name = selected.to_string();
    // The path in order (for the loop message) and as a set (for a linear loop check).
    let mut visited: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut roles: Vec<Step> = Vec::new();
    let base = loop {
        let profile = set
            .profile(&name)
            .ok_or_else(|| ChainError::MissingProfile {
                name: name.clone(),
                from: visited
                    .last()
                    .map_or("the root profile".to_string(), Clone::clone),
            })?;
        if !seen.insert(profile.name()) {
            let mut path = visited;
            path.push(profile.name().to_string());
            return Err(ChainError::Loop { path });
        }
        visited.push(profile.name().to_string());
        if visited.len() > 1 {
            if let Ok(step) = static_step(&profile) {
                break step;
            }
        }
        match role_step(&profile) {
            Some(role) => {
                let next = next_profile(&profile)?;
                roles.push(role);
                match next {
                    Some(source) => name = source,
                    None => break base_step(set, &profile)?,
                }
            }
            None => {
                break base_step(set, &profile).map_err(|err| {
                    if visited.len() == 1 {
                        err
                    } else {
                        invalid(&profile, format!("could not load source profile: {err}"))
                    }
                })?;
            }
        }
    };
    let mut chain = vec![base];
    chain.extend(roles.into_iter().rev());
    Ok(chain)
}

/// The chain, and whether it can end in credentials: the SDKs plan an `sso_session` profile
/// without `sso_account_id`/`sso_role_name` (the planner above matches them), but building
/// a credentials provider from that plan fails, since it yields an access token.
pub fn resolve_for_credentials(
    set: &ProfileSet<'_>,
    selected: &str,
) -> Result<Vec<Step>, ChainError> {
    let chain = resolve(set, selected)?;
    let base = &chain[0];
    if base.kind == StepKind::Sso && base.get("sso_account_id").is_none() {
        return Err(ChainError::TokenOnly {
            profile: base.profile.clone(),
        });
    }
    Ok(chain)
}

fn pick(profile: &Section<'_>, keys: &[&'static str]) -> Vec<(&'static str, String)> {
    keys.iter()
        .filter_map(|k| profile.get(k).map(|v| (*k, v.to_string())))
        .collect()
}

fn role_step(profile: &Section<'_>) -> Option<Step> {
    // A web identity profile is a base provider, not a chained role.
    if profile.get("web_identity_token_file").is_some() {
        return None;
    }
    profile.get("role_arn")?;
    Some(Step::new(
        StepKind::AssumeRole,
        profile,
        pick(
            profile,
            &[
                "role_arn",
                "external_id",
                "role_session_name",
                "mfa_serial",
                "duration_seconds",
            ],
        ),
    ))
}

/// Where a role profile's source credentials come from: another profile, or (None) itself.
fn next_profile(profile: &Section<'_>) -> Result<Option<String>, ChainError> {
    match (
        profile.get("source_profile"),
        profile.get("credential_source"),
    ) {
        (Some(_), Some(_)) => Err(invalid(
            profile,
            "profile contained both source_profile and credential_source; only one may be defined",
        )),
        (None, None) => Err(invalid(
            profile,
            "profile must contain `source_profile` or `credential_source` but neither were defined",
        )),
        (Some(source), None) if source == profile.name() => Ok(None),
        (Some(source), None) => Ok(Some(source.to_string())),
        (None, Some(_)) => Ok(None),
    }
}

fn base_step(set: &ProfileSet<'_>, profile: &Section<'_>) -> Result<Step, ChainError> {
    if profile.get("credential_source").is_some() {
        let settings = pick(profile, &["credential_source"]);
        return Ok(Step::new(StepKind::CredentialSource, profile, settings));
    }
    if let Some(step) = web_identity_step(profile)? {
        return Ok(step);
    }
    if let Some(step) = sso_step(set, profile)? {
        return Ok(step);
    }
    // botocore's order: after SSO (and the credentials file's keys), before credential_process.
    if profile.get("login_session").is_some() && static_step(profile).is_err() {
        let settings = pick(profile, &["login_session"]);
        return Ok(Step::new(StepKind::Login, profile, settings));
    }
    if profile.get("credential_process").is_some() {
        let settings = pick(profile, &["credential_process"]);
        return Ok(Step::new(StepKind::CredentialProcess, profile, settings));
    }
    static_step(profile)
}

fn web_identity_step(profile: &Section<'_>) -> Result<Option<Step>, ChainError> {
    match (
        profile.get("role_arn"),
        profile.get("web_identity_token_file"),
    ) {
        (Some(_), Some(_)) => Ok(Some(Step::new(
            StepKind::WebIdentity,
            profile,
            pick(
                profile,
                &["role_arn", "web_identity_token_file", "role_session_name"],
            ),
        ))),
        (None, Some(_)) => Err(invalid(
            profile,
            "`web_identity_token_file` was specified but `role_arn` was missing",
        )),
        _ => Ok(None),
    }
}

fn sso_step(set: &ProfileSet<'_>, profile: &Section<'_>) -> Result<Option<Step>, ChainError> {
    let account = profile.get("sso_account_id");
    let role = profile.get("sso_role_name");
    let session = profile.get("sso_session");
    let own_region = profile.get("sso_region");
    let own_start_url = profile.get("sso_start_url");
    if [account, own_region, role, own_start_url, session]
        .iter()
        .all(Option::is_none)
    {
        return Ok(None);
    }
    let (start_url, region) = match session {
        Some(session_name) => {
            for (key, value) in [("sso_start_url", own_start_url), ("sso_region", own_region)] {
                if value.is_some() {
                    return Err(invalid(
                        profile,
                        format!(
                            "`{key}` can only be specified in the [sso-session] config when a session name is given"
                        ),
                    ));
                }
            }
            let sso =
                set.sso_session(session_name)
                    .ok_or_else(|| ChainError::MissingSsoSession {
                        profile: profile.name().to_string(),
                        session: session_name.to_string(),
                    })?;
            (
                sso.get("sso_start_url").map(str::to_string),
                sso.get("sso_region").map(str::to_string),
            )
        }
        None => (
            own_start_url.map(str::to_string),
            own_region.map(str::to_string),
        ),
    };
    match (account, role) {
        (Some(_), None) => {
            return Err(invalid(
                profile,
                "if `sso_account_id` is set, then `sso_role_name` must also be set",
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                profile,
                "if `sso_role_name` is set, then `sso_account_id` must also be set",
            ));
        }

        _ => {}
    }
    let region = region.ok_or_else(|| invalid(profile, "missing field `sso_region`"))?;
    let start_url = start_url.ok_or_else(|| invalid(profile, "missing field `sso_start_url`"))?;
    let mut settings = Vec::new();
    if let Some(session) = session {
        settings.push(("sso_session", session.to_string()));
    }
    settings.push(("sso_start_url", start_url));
    settings.push(("sso_region", region));
    if let (Some(account), Some(role)) = (account, role) {
        settings.push(("sso_account_id", account.to_string()));
        settings.push(("sso_role_name", role.to_string()));
    }
    Ok(Some(Step::new(StepKind::Sso, profile, settings)))
}

fn static_step(profile: &Section<'_>) -> Result<Step, ChainError> {
    let key = profile.get("aws_access_key_id");
    let secret = profile.get("aws_secret_access_key");
    let token = profile.get("aws_session_token");
    if key.is_none() && secret.is_none() && token.is_none() {
        return Err(ChainError::NoCredentials {
            profile: profile.name().to_string(),
        });
    }
    if key.is_none() {
        return Err(invalid(profile, "profile missing aws_access_key_id"));
    }
    if secret.is_none() {
        return Err(invalid(profile, "profile missing aws_secret_access_key"));
    }
    Ok(Step::new(
        StepKind::Static,
        profile,
        pick(
            profile,
            &[
                "aws_access_key_id",
                "aws_secret_access_key",
                "aws_session_token",
                "aws_account_id",
            ],
        ),
    ))
}

/// What kind of profile this is, judged from its own keys with the SDKs' precedence. Unlike
/// the chain this never fails: a broken role profile is still an `assume_role` profile.
pub fn kind_of(profile: &Section<'_>) -> &'static str {
    let has = |k: &str| profile.get(k).is_some();
    if has("role_arn") && !has("web_identity_token_file") {
        if has("credential_source") && !has("source_profile") {
            "credential_source"
        } else {
            "assume_role"
        }
    } else if has("credential_source") {
        "credential_source"
    } else if has("web_identity_token_file") {
        "web_identity"
    } else if [
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
        "sso_region",
    ]
    .iter()
    .any(|k| has(k))
    {
        "sso"
    } else if has("login_session") && !has("aws_access_key_id") {
        "login"
    } else if has("credential_process") {
        "credential_process"
    } else if has("aws_session_token") {
        "session"
    } else if has("aws_access_key_id") || has("aws_secret_access_key") {
        "static"
    } else {
        "config_only"
    }
}
