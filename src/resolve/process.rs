//! Credentials from a profile: static keys now, `credential_process` by running it; the
//! providers that need the network are walked by `provider`.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::chain::{Step, resolve_for_credentials};
use super::provider::FetchOptions;
use crate::config::ProfileSet;

/// Resolved credentials, ready to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiration: Option<OffsetDateTime>,
    pub account_id: Option<String>,
}

impl Credentials {
    /// The expiration as RFC 3339 in UTC, whole seconds: `2026-11-30T12:00:00Z`.
    pub fn expiration_rfc3339(&self) -> Option<String> {
        let at = self.expiration?.to_offset(time::UtcOffset::UTC);
        at.replace_nanosecond(0).ok()?.format(&Rfc3339).ok()
    }
}

/// Resolve `profile` to credentials now.
pub fn credentials(set: &ProfileSet<'_>, profile: &str) -> Result<Credentials> {
    credentials_with(set, profile, &FetchOptions::default())
}

/// Resolve `profile` along its chain (cache, STS, MFA prompt as needed).
pub fn credentials_with(
    set: &ProfileSet<'_>,
    profile: &str,
    opts: &FetchOptions,
) -> Result<Credentials> {
    let chain = resolve_for_credentials(set, profile).map_err(|e| anyhow!("{e}"))?;
    super::provider::walk(set, &chain, profile, opts)
}

pub(crate) fn from_static(step: &Step) -> Credentials {
    let owned = |k: &str| step.get(k).map(str::to_string);
    Credentials {
        access_key_id: owned("aws_access_key_id").unwrap_or_default(),
        secret_access_key: owned("aws_secret_access_key").unwrap_or_default(),
        session_token: owned("aws_session_token").filter(|t| !t.is_empty()),
        expiration: None,
        account_id: owned("aws_account_id").filter(|t| !t.is_empty()),
    }
}

/// The documented output of a credential process (version 1).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput {
    version: serde_json::Value,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

/// Run the command (split like a shell would, but run without one) and read its JSON.
/// Its stderr goes to the terminal so that it can prompt; its stdout is only ever parsed.
pub fn run_credential_process(profile: &str, command: &str) -> Result<Credentials> {
    let ctx = || format!("credential_process of profile '{profile}'");
    let argv = shell_words::split(command)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("{}: cannot split the command", ctx()))?;
    let Some((program, args)) = argv.split_first() else {
        bail!("{}: the command is empty", ctx());
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .with_context(|| format!("{}: could not run '{program}'", ctx()))?;
    if !output.status.success() {
        bail!("{}: '{program}' failed ({})", ctx(), output.status);
    }
    parse_process_output(&output.stdout, OffsetDateTime::now_utc())
        .with_context(|| format!("{}: '{program}' printed unusable output", ctx()))
}

/// Validate the process's JSON; never echo it, it holds secrets.
pub fn parse_process_output(stdout: &[u8], now: OffsetDateTime) -> Result<Credentials> {
    let out: ProcessOutput = serde_json::from_slice(stdout).map_err(|e| {
        anyhow!(
            "expected a JSON object with Version, AccessKeyId and SecretAccessKey ({} at line {} column {})",
            match e.classify() {
                serde_json::error::Category::Data => "wrong field type",
                serde_json::error::Category::Eof => "truncated JSON",
                _ => "not JSON",
            },
            e.line(),
            e.column()
        )
    })?;
    if out.version != 1 {
        bail!("unsupported Version {}; expected 1", out.version);
    }
    let required = |v: Option<String>, name: &str| -> Result<String> {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow!("missing {name}"))
    };
    let access_key_id = required(out.access_key_id, "AccessKeyId")?;
    let secret_access_key = required(out.secret_access_key, "SecretAccessKey")?;
    let expiration = match out.expiration {
        None => None,
        Some(text) => {
            let at = OffsetDateTime::parse(&text, &Rfc3339)
                .map_err(|_| anyhow!("Expiration {text:?} is not an RFC 3339 time"))?;
            if at <= now {
                bail!("the credentials expired at {text}");
            }
            Some(at)
        }
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: out.session_token.filter(|t| !t.is_empty()),
        expiration,
        account_id: out.account_id.filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap()
    }

    #[test]
    fn reads_version_1_output() {
        let creds = parse_process_output(
            br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"T","Expiration":"2026-01-01T01:30:00+01:00"}"#,
            now(),
        )
        .unwrap();
        assert_eq!(creds.session_token.as_deref(), Some("T"));
        assert_eq!(
            creds.expiration_rfc3339().as_deref(),
            Some("2026-01-01T00:30:00Z")
        );
    }

    #[test]
    fn rejects_bad_output_without_echoing_it() {
        let err = |s: &[u8]| parse_process_output(s, now()).unwrap_err().to_string();
        assert!(
            err(br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#).contains("Version")
        );
        assert!(err(br#"{"Version":1,"SecretAccessKey":"S"}"#).contains("AccessKeyId"));
        assert!(
            err(br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2025-01-01T00:00:00Z"}"#)
                .contains("expired")
        );
        let e = err(b"SECRETSECRET not json");
        assert!(!e.contains("SECRETSECRET"), "{e}");
    }
}
