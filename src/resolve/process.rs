//! Credentials from a profile: static keys now, `credential_process` by running it; the
//! providers that need the network are walked by `provider`.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::chain::{Step, resolve_for_credentials};
use super::child::{RunError, run_bounded};
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
    /// The expiration as RFC 3339 in UTC, whole seconds: `2026-11-30T12:00:00Z`. `None` for a
    /// time RFC 3339 cannot write (a year outside 0000–9999).
    pub fn expiration_rfc3339(&self) -> Option<String> {
        rfc3339_utc(self.expiration?)
    }
}

/// `at` as RFC 3339 in UTC, whole seconds: `2026-11-30T12:00:00Z`. `None` for a time RFC 3339
/// cannot write (a year outside 0000–9999).
pub fn rfc3339_utc(at: OffsetDateTime) -> Option<String> {
    in_utc(at).replace_nanosecond(0).ok()?.format(&Rfc3339).ok()
}

/// `at` in UTC, never panicking: a time whose UTC form is past the largest (or before the
/// smallest) representable one is clamped to it. `9999-12-31T23:59:59-00:01` is a valid RFC
/// 3339 time one minute past what `time` holds; a clamp by that much changes nothing real.
pub fn in_utc(at: OffsetDateTime) -> OffsetDateTime {
    at.checked_to_offset(UtcOffset::UTC).unwrap_or_else(|| {
        if at.offset().is_negative() {
            PrimitiveDateTime::MAX.assume_utc()
        } else {
            PrimitiveDateTime::MIN.assume_utc()
        }
    })
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

/// A credential process may print at most this much on stdout (real output is ~1 KB).
pub const MAX_PROCESS_OUTPUT: usize = 1024 * 1024;

/// How long a credential process may run when `AWSP_PROCESS_TIMEOUT` is not set: generous,
/// since one may ask for an MFA code or wait for a browser sign-in.
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(300);

/// The limit on a credential process's run: `AWSP_PROCESS_TIMEOUT` seconds, else the default.
/// Without the user ([`super::interaction`]) the default is shorter.
pub fn process_timeout() -> Result<Duration> {
    let Some(value) = std::env::var_os("AWSP_PROCESS_TIMEOUT").filter(|v| !v.is_empty()) else {
        return Ok(if super::interaction::may_prompt() {
            DEFAULT_PROCESS_TIMEOUT
        } else {
            super::interaction::UNATTENDED_PROCESS_TIMEOUT
        });
    };
    match value.to_str().and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(seconds) if seconds > 0 => Ok(Duration::from_secs(seconds)),
        _ => bail!("AWSP_PROCESS_TIMEOUT must be a whole number of seconds greater than 0"),
    }
}

/// Run the command (split like a shell would, but run without one) and read its JSON.
/// Its stderr goes to the terminal so that it can prompt; its stdout is only ever parsed.
/// The run is bounded (see `child`): messages name the program, never its arguments or output.
pub fn run_credential_process(profile: &str, command: &str) -> Result<Credentials> {
    let ctx = || format!("credential_process of profile '{profile}'");
    let argv = shell_words::split(command)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("{}: cannot split the command", ctx()))?;
    let Some((program, args)) = argv.split_first() else {
        bail!("{}: the command is empty", ctx());
    };
    let timeout = process_timeout()?;
    let mut cmd = Command::new(program);
    cmd.args(args);
    let output = match run_bounded(cmd, timeout, MAX_PROCESS_OUTPUT) {
        Ok(output) => output,
        Err(RunError::Spawn(err)) => {
            return Err(err).with_context(|| format!("{}: could not run '{program}'", ctx()));
        }
        Err(RunError::Io(err)) => {
            return Err(err).with_context(|| format!("{}: could not read from '{program}'", ctx()));
        }
        Err(RunError::Timeout(limit)) => bail!(
            "{}: '{program}' did not finish within {} and was stopped (AWSP_PROCESS_TIMEOUT sets the limit in seconds)",
            ctx(),
            match limit.as_secs() {
                1 => "1 second".to_string(),
                n => format!("{n} seconds"),
            }
        ),
        Err(RunError::TooMuchOutput(max)) => bail!(
            "{}: '{program}' printed more than {} MiB on stdout and was stopped; credentials are a small JSON object",
            ctx(),
            max / (1024 * 1024)
        ),
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // Ctrl-C while the command held the terminal reached only its process group.
        if output.status.signal() == Some(libc::SIGINT) {
            return Err(anyhow::Error::new(crate::Cancelled(format!(
                "{}: '{program}' was interrupted",
                ctx()
            ))));
        }
    }
    if !output.status.success() {
        if !super::interaction::may_prompt() {
            bail!(
                "{}: '{program}' failed ({}) when run without the terminal; it may need you",
                ctx(),
                output.status
            );
        }
        bail!("{}: '{program}' failed ({})", ctx(), output.status);
    }
    parse_process_output(&output.stdout, OffsetDateTime::now_utc())
        .with_context(|| format!("{}: '{program}' printed unusable output", ctx()))
}

/// The top-level members of the output, in order, duplicates kept (so that they can be told).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl Members {
    /// The one value of `field`; a second one is an error (which one would count is unclear).
    fn get(&self, field: &str) -> Result<Option<&serde_json::Value>> {
        let mut found = self.0.iter().filter(|(k, _)| k == field).map(|(_, v)| v);
        let first = found.next();
        if found.next().is_some() {
            bail!("duplicate field {field}");
        }
        Ok(first)
    }

    /// A string field; `null` counts as absent.
    fn string(&self, field: &str) -> Result<Option<&str>> {
        match self.get(field)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(_) => bail!("field {field} must be a string"),
        }
    }

    fn required(&self, field: &str) -> Result<&str> {
        match self.string(field)? {
            None => bail!("missing field {field}"),
            Some("") => bail!("field {field} is empty"),
            Some(s) => Ok(s),
        }
    }
}

/// Validate the process's JSON. Messages name fields and never hold a value from the
/// output: it holds secrets, and whatever it prints is not to be trusted on a terminal.
pub fn parse_process_output(stdout: &[u8], now: OffsetDateTime) -> Result<Credentials> {
    if stdout.iter().all(u8::is_ascii_whitespace) {
        bail!(
            "nothing on stdout; expected a JSON object with Version, AccessKeyId and SecretAccessKey"
        );
    }
    let out: Members = serde_json::from_slice(stdout).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "not a JSON object",
            serde_json::error::Category::Eof => "truncated JSON",
            _ => "not valid JSON",
        };
        anyhow!(
            "expected a JSON object with Version, AccessKeyId and SecretAccessKey ({what} at line {} column {})",
            e.line(),
            e.column()
        )
    })?;
    match out.get("Version")? {
        None => bail!("missing field Version (expected 1)"),
        Some(v) if v.as_u64() == Some(1) => {}
        Some(_) => bail!("unsupported field Version: only the number 1 is supported"),
    }
    let access_key_id = out.required("AccessKeyId")?.to_string();
    let secret_access_key = out.required("SecretAccessKey")?.to_string();
    let session_token = out.string("SessionToken")?.filter(|t| !t.is_empty());
    let account_id = out.string("AccountId")?.filter(|t| !t.is_empty());
    let expiration = match out.string("Expiration")? {
        None => None,
        Some(text) => {
            let at = OffsetDateTime::parse(text, &Rfc3339)
                .map_err(|_| anyhow!("field Expiration is not an RFC 3339 time"))?;
            let at = in_utc(at);
            if at <= now {
                bail!("field Expiration is in the past: the credentials have expired");
            }
            Some(at)
        }
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: session_token.map(str::to_string),
        expiration,
        account_id: account_id.map(str::to_string),
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

    /// Hostile outputs: each error names what is wrong, and no value from the output (here
    /// always containing `LEAK`) ever appears in it.
    #[test]
    fn hostile_outputs_get_their_own_message_and_echo_nothing() {
        let big = "9".repeat(100_000);
        let cases: Vec<(String, &str)> = vec![
            (r#"{"Version":{"SecretAccessKey":"LEAK"},"AccessKeyId":"A","SecretAccessKey":"S"}"#.into(), "unsupported field Version"),
            (r#"{"Version":"LEAK","AccessKeyId":"A","SecretAccessKey":"S"}"#.into(), "unsupported field Version"),
            (r#"{"Version":2,"AccessKeyId":"LEAK","SecretAccessKey":"LEAK"}"#.into(), "unsupported field Version"),
            (r#"{"Version":1.0,"AccessKeyId":"LEAK","SecretAccessKey":"LEAK"}"#.into(), "unsupported field Version"),
            (r#"{"AccessKeyId":"LEAK","SecretAccessKey":"LEAK"}"#.into(), "missing field Version"),
            (r#"{"Version":1,"Version":1,"AccessKeyId":"LEAK","SecretAccessKey":"LEAK"}"#.into(), "duplicate field Version"),
            (r#"{"Version":1,"AccessKeyId":"LEAK","AccessKeyId":"LEAK2","SecretAccessKey":"LEAK"}"#.into(), "duplicate field AccessKeyId"),
            (r#"{"Version":1,"AccessKeyId":"LEAK"}"#.into(), "missing field SecretAccessKey"),
            (r#"{"Version":1,"AccessKeyId":"","SecretAccessKey":"LEAK"}"#.into(), "field AccessKeyId is empty"),
            (r#"{"Version":1,"AccessKeyId":["LEAK"],"SecretAccessKey":"LEAK"}"#.into(), "field AccessKeyId must be a string"),
            (r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":{"LEAK":1}}"#.into(), "field SecretAccessKey must be a string"),
            (r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"LEAK","SessionToken":7}"#.into(), "field SessionToken must be a string"),
            (r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"LEAK","Expiration":"LEAK"}"#.into(), "field Expiration is not an RFC 3339 time"),
            (format!(r#"{{"Version":1,"AccessKeyId":"A","SecretAccessKey":"LEAK","Expiration":"LEAK{big}"}}"#), "field Expiration is not an RFC 3339 time"),
            (r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"LEAK","Expiration":"2025-06-01T00:00:00Z"}"#.into(), "field Expiration is in the past"),
            (r#"["LEAK"]"#.into(), "not a JSON object"),
            (r#""LEAK""#.into(), "not a JSON object"),
            (r#"{"Version":1,"AccessKeyId":"LEAK""#.into(), "truncated JSON"),
            (r#"LEAK"#.into(), "not valid JSON"),
            (" \n".into(), "nothing on stdout"),
            (r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"LEAK"} LEAK"#.into(), "not valid JSON"),
            ("{\"LEAK\u{1b}[31m\":1}".into(), "not valid JSON"),
            (r#"{"LEAK\u001b[31m":1}"#.into(), "missing field Version"),
            (format!("{}LEAK", "[".repeat(10_000)), "not a JSON object"),
            (format!(r#"{{"Version":1,"LEAK":{}"#, "[".repeat(10_000)), "not valid JSON"),
        ];
        for (output, expected) in &cases {
            let err = parse_process_output(output.as_bytes(), now()).unwrap_err();
            let message = format!("{err:#}");
            assert!(message.contains(expected), "{output:.80}: {message}");
            assert!(!message.contains("LEAK"), "{output:.80}: {message}");
            assert!(message.len() < 200, "{message}");
        }
    }

    #[test]
    fn null_optional_fields_are_absent() {
        let creds = parse_process_output(
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":null,"Expiration":null,"Other":[1,{"x":2}],"Other":3}"#,
            now(),
        )
        .unwrap();
        assert_eq!((creds.session_token, creds.expiration), (None, None));
    }

    proptest::proptest! {
        /// Every RFC 3339 time, at every offset, parses and prints without a panic; what is
        /// printed is UTC and reads back as the same instant (or the clamped maximum).
        #[test]
        fn every_rfc3339_expiration_is_handled(
            year in 0u32..=9999,
            month in 1u32..=12,
            day in 1u32..=28,
            hour in 0u32..=23,
            minute in 0u32..=59,
            second in 0u32..=59,
            fraction in proptest::option::of(0u32..1_000_000_000),
            offset in proptest::option::of((proptest::bool::ANY, 0u32..=23, 0u32..=59)),
            now_year in proptest::sample::select(vec![0u32, 1970, 2026, 9999]),
        ) {
            let fraction = fraction.map(|f| format!(".{f:09}")).unwrap_or_default();
            let offset = match offset {
                None => "Z".to_string(),
                Some((negative, h, m)) => format!("{}{h:02}:{m:02}", if negative { '-' } else { '+' }),
            };
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{offset}");
            let json = format!(r#"{{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"{text}"}}"#);
            let now = OffsetDateTime::parse(&format!("{now_year:04}-01-01T00:00:00Z"), &Rfc3339).unwrap();
            match parse_process_output(json.as_bytes(), now) {
                Ok(creds) => {
                    let at = creds.expiration.unwrap();
                    proptest::prop_assert!(at > now);
                    let printed = creds.expiration_rfc3339().unwrap();
                    proptest::prop_assert!(printed.ends_with('Z'));
                    let back = OffsetDateTime::parse(&printed, &Rfc3339).unwrap();
                    proptest::prop_assert_eq!(back, at.replace_nanosecond(0).unwrap());
                    let _ = at.unix_timestamp();
                }
                Err(err) => {
                    let message = err.to_string();
                    proptest::prop_assert!(message.contains("field Expiration"), "{}", message);
                }
            }
        }
    }

    /// Credentials built by any provider print their expiration without a panic.
    #[test]
    fn expiration_at_the_ends_of_time_does_not_panic() {
        for text in [
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z",
        ] {
            let at = OffsetDateTime::parse(text, &Rfc3339).unwrap();
            let creds = Credentials {
                access_key_id: "A".into(),
                secret_access_key: "S".into(),
                session_token: None,
                expiration: Some(at),
                account_id: None,
            };
            let _ = creds.expiration_rfc3339();
            let _ = in_utc(at).unix_timestamp();
        }
        let past_max = OffsetDateTime::parse("9999-12-31T23:59:59-00:01", &Rfc3339).unwrap();
        assert_eq!(in_utc(past_max), PrimitiveDateTime::MAX.assume_utc());
    }
}
