//! `awsp import PROFILE [FILE|-]`: write temporary credentials into `[PROFILE]` of the
//! credentials file, from the JSON of `aws sts ...`, the `credential_process` shape, or
//! `AWS_*` variable lines (`--from-env`: this process's environment).
//!
//! The expiration goes to `x_security_token_expires` (RFC 3339, UTC), the key saml2aws and
//! others write and starship's AWS module reads; the SDKs ignore it.

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::ImportArgs;
use crate::cmd::write::{read_stdin, transaction};
use crate::config::FileKind;
use crate::config::edit::{Target, check_name, check_value};

/// Where the expiration of imported credentials is kept.
pub const EXPIRES_KEY: &str = "x_security_token_expires";

/// The most an input may hold: the JSON of one set of credentials is about 1.5 KiB.
const MAX_INPUT: u64 = 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiration: Option<OffsetDateTime>,
}

pub fn run(args: &ImportArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name("profile name", &args.profile)?;
    let creds = if args.from_env {
        from_vars(&|name| std::env::var(name).ok(), "the environment")?
    } else {
        let (text, what) = match args.file.as_deref() {
            Some(path) if path.as_os_str() != "-" => {
                let what = path.display().to_string();
                (read_file(path, &what)?, what)
            }
            _ => {
                if args.file.is_none() && std::io::stdin().is_terminal() {
                    bail!(
                        "nothing to import: pipe the credentials in, or name a FILE (`-` reads the terminal), or pass --from-env"
                    );
                }
                (
                    read_stdin(MAX_INPUT, "the credentials")?,
                    "standard input".to_string(),
                )
            }
        };
        parse_input(&text, &what)?
    };
    let profile = Target::Profile(&args.profile);
    let kind = FileKind::Credentials;
    transaction(&[kind], &[], args.dry_run.dry_run, out, |snap| {
        let mut editor = snap.editor(kind)?;
        editor.set(profile, "aws_access_key_id", &creds.access_key_id)?;
        editor.set(profile, "aws_secret_access_key", &creds.secret_access_key)?;
        match &creds.session_token {
            Some(token) => editor.set(profile, "aws_session_token", token)?,
            None => {
                editor.unset(profile, "aws_session_token");
            }
        }
        // The legacy name of the token: botocore reads it when aws_session_token is missing,
        // so a stale one must not survive.
        editor.unset(profile, "aws_security_token");
        match creds.expiration {
            Some(at) => editor.set(profile, EXPIRES_KEY, &rfc3339(at))?,
            None => {
                editor.unset(profile, EXPIRES_KEY);
            }
        }
        Ok(vec![(kind, editor.finish())])
    })?;
    if !args.dry_run.dry_run {
        let until = match creds.expiration {
            Some(at) => {
                let left = at - OffsetDateTime::now_utc();
                if left.is_negative() {
                    crate::errln!(
                        "awsp: warning: these credentials expired at {}",
                        rfc3339(at)
                    );
                }
                format!(", expiring {}", rfc3339(at))
            }
            None => String::new(),
        };
        crate::errln!("awsp: wrote credentials to [{}]{until}", args.profile);
    }
    Ok(())
}

/// When the credentials `import` wrote into a profile expire, from `x_security_token_expires`
/// (`None` when absent or not a time), and how that reads: `in 42m`, `expired 3h05m ago`.
pub fn expiry(profile: &crate::config::Section<'_>) -> Option<(OffsetDateTime, String)> {
    let at = parse_time(profile.get(EXPIRES_KEY)?)?;
    let left = (at - OffsetDateTime::now_utc()).whole_minutes();
    let text = if left < 0 {
        format!("expired {} ago", span(-left))
    } else {
        format!("in {}", span(left))
    };
    Some((at, text))
}

/// A number of minutes as it reads in a table: `42m`, `3h05m`, `12d04h`.
pub fn span(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m}m"),
        m if m < 48 * 60 => format!("{}h{:02}m", m / 60, m % 60),
        m => format!("{}d{:02}h", m / (24 * 60), m % (24 * 60) / 60),
    }
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    crate::resolve::process::rfc3339_utc(at).unwrap_or_else(|| at.unix_timestamp().to_string())
}

fn read_file(path: &std::path::Path, what: &str) -> Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).with_context(|| format!("could not read {what}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read {what}"))?;
    if bytes.len() as u64 > MAX_INPUT {
        bail!("{what} is larger than {MAX_INPUT} bytes: not a set of credentials");
    }
    String::from_utf8(bytes).map_err(|_| anyhow!("{what} is not UTF-8 text"))
}

/// JSON (`{"Credentials": {...}}` or `{"Version": 1, "AccessKeyId": ...}`) or variable lines.
/// Errors name what was read and never show a value.
pub fn parse_input(text: &str, what: &str) -> Result<Imported> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        from_json(text, what)
    } else {
        from_lines(text, what)
    }
}

fn from_json(text: &str, what: &str) -> Result<Imported> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        anyhow!(
            "{what}: not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let creds = match doc.get("Credentials") {
        Some(c) => c,
        None if doc.get("AccessKeyId").is_some() => &doc,
        None => bail!(
            "{what}: no credentials: expected {{\"Credentials\": {{\"AccessKeyId\", ...}}}} (aws sts) or {{\"Version\": 1, \"AccessKeyId\", ...}} (credential_process)"
        ),
    };
    if let Some(version) = doc.get("Version") {
        if version.as_i64() != Some(1) {
            bail!("{what}: Version must be 1");
        }
    }
    let field = |name: &str| -> Result<Option<String>> {
        match creds.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => bail!("{what}: {name} is not a string"),
        }
    };
    let required = |name: &str| -> Result<String> {
        field(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow!("{what}: {name} is missing"))
    };
    let expiration = field("Expiration")?
        .map(|s| {
            parse_time(&s).ok_or_else(|| anyhow!("{what}: Expiration is not an RFC 3339 time"))
        })
        .transpose()?;
    finish(
        Imported {
            access_key_id: required("AccessKeyId")?,
            secret_access_key: required("SecretAccessKey")?,
            session_token: field("SessionToken")?.filter(|s| !s.is_empty()),
            expiration,
        },
        what,
    )
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// `NAME=VALUE` lines as printed by `aws configure export-credentials` (`env`,
/// `env-no-export`, `powershell`, `windows-cmd`): `export NAME=VALUE`, `NAME=VALUE`,
/// `$Env:NAME="VALUE"`, `set NAME=VALUE`; values may be quoted. Other variables are ignored.
fn from_lines(text: &str, what: &str) -> Result<Imported> {
    let mut vars: Vec<(String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let assignment = line
            .strip_prefix("export ")
            .or_else(|| line.strip_prefix("$Env:"))
            .or_else(|| line.strip_prefix("$env:"))
            .or_else(|| line.strip_prefix("set "))
            .unwrap_or(line)
            .trim_start();
        let Some((name, value)) = assignment.split_once('=') else {
            bail!(
                "{what}:{}: expected NAME=VALUE (or JSON from `aws sts` or credential_process)",
                i + 1
            );
        };
        let value = value.trim();
        let value = ['\'', '"']
            .iter()
            .find_map(|&q| value.strip_prefix(q).and_then(|v| v.strip_suffix(q)))
            .unwrap_or(value);
        vars.push((name.trim().to_string(), value.to_string()));
    }
    let get = |name: &str| {
        vars.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    from_vars(&get, what)
}

/// From variables by name: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`
/// (or the legacy `AWS_SECURITY_TOKEN`), `AWS_CREDENTIAL_EXPIRATION` (or
/// `AWS_SESSION_EXPIRATION`).
pub fn from_vars(get: &dyn Fn(&str) -> Option<String>, what: &str) -> Result<Imported> {
    let get = |name: &str| get(name).filter(|v| !v.is_empty());
    let required = |name: &str| get(name).ok_or_else(|| anyhow!("{what}: {name} is not set"));
    let expiration =
        match get("AWS_CREDENTIAL_EXPIRATION").or_else(|| get("AWS_SESSION_EXPIRATION")) {
            Some(s) => Some(
                parse_time(&s)
                    .ok_or_else(|| anyhow!("{what}: the expiration is not an RFC 3339 time"))?,
            ),
            None => None,
        };
    finish(
        Imported {
            access_key_id: required("AWS_ACCESS_KEY_ID")?,
            secret_access_key: required("AWS_SECRET_ACCESS_KEY")?,
            session_token: get("AWS_SESSION_TOKEN").or_else(|| get("AWS_SECURITY_TOKEN")),
            expiration,
        },
        what,
    )
}

/// Every value must read back from the file exactly.
fn finish(creds: Imported, what: &str) -> Result<Imported> {
    let check = |key: &str, value: &str| {
        check_value(key, value).with_context(|| format!("{what}: not written"))
    };
    check("aws_access_key_id", &creds.access_key_id)?;
    check("aws_secret_access_key", &creds.secret_access_key)?;
    if let Some(token) = &creds.session_token {
        check("aws_session_token", token)?;
    }
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_minutes_hours_days() {
        let cases = [
            (0, "0m"),
            (59, "59m"),
            (60, "1h00m"),
            (185, "3h05m"),
            (47 * 60 + 59, "47h59m"),
            (48 * 60, "2d00h"),
            (12 * 24 * 60 + 4 * 60 + 59, "12d04h"),
        ];
        for (minutes, text) in cases {
            assert_eq!(span(minutes), text);
        }
    }

    #[test]
    fn the_three_shapes_read_the_same() {
        let sts = r#"{"Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "s/k+1",
            "SessionToken": "tok", "Expiration": "2030-01-02T03:04:05+00:00"},
            "AssumedRoleUser": {"Arn": "arn:aws:sts::1:assumed-role/r/s"}}"#;
        let process = r#"{"Version": 1, "AccessKeyId": "ASIAX", "SecretAccessKey": "s/k+1",
            "SessionToken": "tok", "Expiration": "2030-01-02T04:04:05+01:00"}"#;
        let env = "export AWS_ACCESS_KEY_ID=ASIAX\nexport AWS_SECRET_ACCESS_KEY='s/k+1'\n\
            AWS_SESSION_TOKEN=\"tok\"\nexport AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z\n";
        let a = parse_input(sts, "x").unwrap();
        assert_eq!(a, parse_input(process, "x").unwrap());
        assert_eq!(a, parse_input(env, "x").unwrap());
        assert_eq!(rfc3339(a.expiration.unwrap()), "2030-01-02T03:04:05Z");
        let ps = "$Env:AWS_ACCESS_KEY_ID=\"ASIAX\"\n$Env:AWS_SECRET_ACCESS_KEY=\"s/k+1\"\n";
        assert_eq!(parse_input(ps, "x").unwrap().session_token, None);
    }

    #[test]
    fn errors_do_not_show_values() {
        let err = parse_input("export AWS_ACCESS_KEY_ID=AKIA\n", "in").unwrap_err();
        assert_eq!(format!("{err:#}"), "in: AWS_SECRET_ACCESS_KEY is not set");
        let err = parse_input(
            r#"{"AccessKeyId": "AKIA", "SecretAccessKey": "sec ret #x"}"#,
            "in",
        )
        .unwrap_err();
        assert!(!format!("{err:#}").contains("sec ret"), "{err:#}");
        let err = parse_input("hunter2 is my password", "in").unwrap_err();
        assert!(!format!("{err:#}").contains("hunter2"), "{err:#}");
    }
}
