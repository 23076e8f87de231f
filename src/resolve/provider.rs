//! The walk along a planned chain: base credentials first, then each AssumeRole hop signed with
//! the previous hop's credentials, each hop served from (and written to) the cache shared with
//! the AWS CLI. The network is touched only here, and only when the cache cannot answer.

use std::io::{BufRead, BufReader, Write};

use anyhow::{Context, Result, anyhow, bail};
use time::OffsetDateTime;

use super::cache::{self, Arg};
use super::chain::{Step, StepKind};
use super::http::Http;
use super::process::{Credentials, from_static, run_credential_process};
use super::sts::{self, AssumeRole, CredentialsResult, Endpoint, Keys};
use crate::config::ProfileSet;

/// How credentials are fetched: from the command line.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// The MFA code (`--mfa-token`); asked on the terminal when needed and not given.
    pub mfa_token: Option<String>,
    /// Ignore cached credentials (`--refresh`).
    pub refresh: bool,
    /// The region for STS calls (`--region`), over the profile's.
    pub region: Option<String>,
}

/// Everything one walk shares: the client (one connection per endpoint), the endpoint, the cache.
pub struct Session {
    pub http: Http,
    pub endpoint: Endpoint,
    cache_dir: Option<std::path::PathBuf>,
    mfa_token: Option<String>,
}

impl Session {
    /// For the selected profile (its region, endpoint and `ca_bundle` serve the whole chain, as
    /// in the SDKs), or for the environment when `selected` is `None`.
    pub fn new(set: &ProfileSet<'_>, selected: Option<&str>, opts: &FetchOptions) -> Self {
        let env = |k: &str| std::env::var(k).ok();
        let profile = selected.and_then(|name| set.profile(name));
        let endpoint = sts::endpoint(set, profile.as_ref(), opts.region.as_deref(), &env);
        let http = Http::new(profile.as_ref().and_then(|p| p.get("ca_bundle")));
        Session {
            http,
            endpoint,
            cache_dir: cache::dir(),
            mfa_token: opts.mfa_token.clone(),
        }
    }
}

/// The credentials at the end of `chain` (as planned by `resolve`) for profile `selected`.
pub fn walk(
    set: &ProfileSet<'_>,
    chain: &[Step],
    selected: &str,
    opts: &FetchOptions,
) -> Result<Credentials> {
    let Some((base, roles)) = chain.split_first() else {
        bail!("profile '{selected}' has no credential chain");
    };
    // Static keys and credential processes need no network: no client, no TLS.
    if roles.is_empty() {
        match base.kind {
            StepKind::Static => return Ok(from_static(base)),
            StepKind::CredentialProcess => {
                return run_credential_process(
                    &base.profile,
                    base.get("credential_process").unwrap_or(""),
                );
            }
            _ => {}
        }
    }
    let mut session = Session::new(set, Some(selected), opts);
    let hops = roles
        .iter()
        .map(|role| Hop::plan(role).with_context(|| format!("profile '{}'", role.profile)))
        .collect::<Result<Vec<_>>>()?;
    // Like the SDKs' lazy source credentials: the highest hop the cache can serve is where the
    // walk starts; the hops below it are not needed at all.
    let now = OffsetDateTime::now_utc();
    let mut start = 0;
    let mut cached = None;
    if !opts.refresh {
        if let Some(dir) = session.cache_dir.clone() {
            for (i, hop) in hops.iter().enumerate().rev() {
                if let Some(hit) = cache::read(&dir, &hop.key, now) {
                    cached = Some(Credentials {
                        access_key_id: hit.access_key_id,
                        secret_access_key: hit.secret_access_key,
                        session_token: Some(hit.session_token),
                        expiration: Some(hit.expiration),
                        account_id: hit.account_id,
                    });
                    start = i + 1;
                    break;
                }
            }
        }
    }
    // Every MFA code the walk needs must be obtainable before the first call is made.
    let prompts = hops[start..]
        .iter()
        .filter(|h| h.params.serial_number.is_some())
        .count();
    if prompts > usize::from(session.mfa_token.is_some()) && !has_terminal() {
        let serial = hops[start..]
            .iter()
            .filter_map(|h| h.params.serial_number.as_deref())
            .nth(usize::from(session.mfa_token.is_some()))
            .unwrap_or("?");
        bail!(
            "an MFA code for {serial} is needed: pass --mfa-token CODE (there is no terminal to ask on)"
        );
    }
    let mut creds = match cached {
        Some(creds) => creds,
        None => base_credentials(base)?,
    };
    for (hop, role) in hops.iter().zip(roles).skip(start) {
        creds = assume(&mut session, hop, &creds).with_context(|| {
            format!(
                "profile '{}' could not assume role {}",
                role.profile, hop.params.role_arn
            )
        })?;
    }
    Ok(creds)
}

fn base_credentials(base: &Step) -> Result<Credentials> {
    let profile = &base.profile;
    match base.kind {
        StepKind::Static => Ok(from_static(base)),
        StepKind::CredentialProcess => {
            run_credential_process(profile, base.get("credential_process").unwrap_or(""))
        }
        StepKind::CredentialSource => match base.get("credential_source").unwrap_or("") {
            "Environment" => environment_credentials().ok_or_else(|| {
                anyhow!(
                    "profile '{profile}' takes its source credentials from the environment (credential_source = Environment), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"
                )
            }),
            source @ ("Ec2InstanceMetadata" | "EcsContainer") => bail!(
                "profile '{profile}': credential_source = {source} is not supported yet"
            ),
            other => bail!(
                "profile '{profile}': credential_source = {other} is not one of Environment, Ec2InstanceMetadata, EcsContainer"
            ),
        },
        StepKind::WebIdentity => bail!(
            "profile '{profile}' gets its credentials from a web identity token: not supported yet"
        ),
        StepKind::Sso => bail!(
            "profile '{profile}' gets its credentials from AWS IAM Identity Center (SSO): not supported yet; use `awsp use {profile}` without --creds"
        ),
        StepKind::AssumeRole => bail!("profile '{profile}': a role cannot be the base of a chain"),
    }
}

/// Keys exported in this process's environment (`AWS_ACCESS_KEY_ID`, ...), if both are set.
pub fn environment_credentials() -> Option<Credentials> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(Credentials {
        access_key_id: var("AWS_ACCESS_KEY_ID")?,
        secret_access_key: var("AWS_SECRET_ACCESS_KEY")?,
        session_token: var("AWS_SESSION_TOKEN").or_else(|| var("AWS_SECURITY_TOKEN")),
        expiration: None,
        account_id: var("AWS_ACCOUNT_ID"),
    })
}

pub fn keys_of(creds: &Credentials) -> Keys {
    Keys {
        access_key_id: creds.access_key_id.clone(),
        secret_access_key: creds.secret_access_key.clone(),
        session_token: creds.session_token.clone(),
    }
}

/// One AssumeRole hop as planned: its parameters and its cache key.
struct Hop {
    params: AssumeRole,
    key: String,
}

impl Hop {
    fn plan(role: &Step) -> Result<Hop> {
        let role_arn = role.get("role_arn").ok_or_else(|| anyhow!("no role_arn"))?;
        let duration_seconds = match role.get("duration_seconds") {
            None => None,
            Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
                anyhow!("duration_seconds = {text:?} is not a whole number of seconds")
            })?),
        };
        let configured_name = role.get("role_session_name").filter(|s| !s.is_empty());
        let external_id = role.get("external_id");
        let mfa_serial = role.get("mfa_serial");
        // botocore's key: the call's arguments, without a generated session name.
        let mut args = vec![("RoleArn", Arg::Str(role_arn))];
        if let Some(name) = configured_name {
            args.push(("RoleSessionName", Arg::Str(name)));
        }
        if let Some(id) = external_id {
            args.push(("ExternalId", Arg::Str(id)));
        }
        if let Some(serial) = mfa_serial {
            args.push(("SerialNumber", Arg::Str(serial)));
        }
        if let Some(d) = duration_seconds {
            args.push(("DurationSeconds", Arg::Int(i64::from(d))));
        }
        let key = cache::key(&args);
        let role_session_name = configured_name.map_or_else(
            || {
                format!(
                    "botocore-session-{}",
                    OffsetDateTime::now_utc().unix_timestamp()
                )
            },
            str::to_string,
        );
        Ok(Hop {
            params: AssumeRole {
                role_arn: role_arn.to_string(),
                role_session_name,
                external_id: external_id.map(str::to_string),
                serial_number: mfa_serial.map(str::to_string),
                token_code: None,
                duration_seconds,
            },
            key,
        })
    }
}

/// One AssumeRole call (asking for the MFA code now), written back to the cache for the AWS
/// CLI and the next run.
fn assume(session: &mut Session, hop: &Hop, source: &Credentials) -> Result<Credentials> {
    let mut params = hop.params.clone();
    if let Some(serial) = &params.serial_number {
        params.token_code = Some(mfa_code(session, serial)?);
    }
    let result = sts::assume_role(&session.http, &session.endpoint, &keys_of(source), &params)?;
    store(session, &hop.key, &result);
    credentials_of(&result)
}

/// Write an STS answer to the cache; a failure is a warning (the credentials are good).
pub fn store(session: &Session, key: &str, result: &CredentialsResult) {
    let Some(dir) = &session.cache_dir else {
        return;
    };
    if let Err(err) = cache::entry_json(result).and_then(|json| cache::write(dir, key, &json)) {
        eprintln!("awsp: warning: the credentials were not cached: {err:#}");
    }
}

pub fn credentials_of(result: &CredentialsResult) -> Result<Credentials> {
    let c = &result.credentials;
    let expiration = cache::parse_expiration(&c.expiration)
        .ok_or_else(|| anyhow!("STS sent an Expiration that is not a time"))?;
    Ok(Credentials {
        access_key_id: c.access_key_id.clone(),
        secret_access_key: c.secret_access_key.clone(),
        session_token: Some(c.session_token.clone()),
        expiration: Some(expiration),
        account_id: result
            .assumed_role_user
            .as_ref()
            .and_then(|u| cache::account_of_arn(&u.arn)),
    })
}

/// The MFA code: `--mfa-token` (once; a code is good for one call), else asked on the terminal.
fn mfa_code(session: &mut Session, serial: &str) -> Result<String> {
    if let Some(code) = session.mfa_token.take() {
        return Ok(code);
    }
    prompt_tty(&format!("MFA code for {serial}: "))
        .map_err(|e| anyhow!("an MFA code for {serial} is needed: pass --mfa-token CODE ({e})"))
}

fn has_terminal() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Ask on the controlling terminal (never stdout: stdout is code). One line, at most 256 bytes.
fn prompt_tty(prompt: &str) -> Result<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| anyhow!("there is no terminal to ask on"))?;
    let mut writer = &tty;
    writer
        .write_all(prompt.as_bytes())
        .and_then(|()| writer.flush())
        .map_err(|_| anyhow!("could not write to the terminal"))?;
    let mut line = String::new();
    let mut reader = BufReader::new(std::io::Read::take(&tty, 256));
    reader
        .read_line(&mut line)
        .map_err(|_| anyhow!("could not read the terminal"))?;
    let code = line.trim().to_string();
    if code.is_empty() {
        bail!("no code was entered");
    }
    Ok(code)
}
