//! The walk along a planned chain: base credentials first, then each AssumeRole hop signed with
//! the previous hop's credentials, each hop served from (and written to) the cache shared with
//! the AWS CLI. The network is touched only here, and only when the cache cannot answer.

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
    /// `--mfa`: a static-keys profile with `mfa_serial` gets an MFA session (GetSessionToken).
    pub mfa_session: bool,
}

/// Everything one walk shares: the client (one connection per endpoint), the endpoint, the cache.
pub struct Session {
    pub http: Http,
    pub endpoint: Endpoint,
    cache_dir: Option<std::path::PathBuf>,
    mfa_token: Option<String>,
    refresh: bool,
    mfa_session: bool,
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
            refresh: opts.refresh,
            mfa_session: opts.mfa_session,
        }
    }

    /// A valid cache entry under `key`, unless `--refresh`.
    fn cached(&self, key: &str) -> Option<Credentials> {
        if self.refresh {
            return None;
        }
        let hit = cache::read(self.cache_dir.as_deref()?, key, OffsetDateTime::now_utc())?;
        Some(Credentials {
            access_key_id: hit.access_key_id,
            secret_access_key: hit.secret_access_key,
            session_token: Some(hit.session_token),
            expiration: Some(hit.expiration),
            account_id: hit.account_id,
        })
    }
}

/// The credentials at the end of `chain` (as planned by `resolve`) for profile `selected`.
pub fn walk(
    set: &ProfileSet<'_>,
    chain: &[Step],
    selected: &str,
    opts: &FetchOptions,
) -> Result<Credentials> {
    walk_in(
        &mut Session::new(set, Some(selected), opts),
        set,
        chain,
        selected,
    )
}

/// `walk` with the caller's session, whose client (and its connections) the caller reuses.
pub fn walk_in(
    session: &mut Session,
    set: &ProfileSet<'_>,
    chain: &[Step],
    selected: &str,
) -> Result<Credentials> {
    let Some((base, roles)) = chain.split_first() else {
        bail!("profile '{selected}' has no credential chain");
    };
    // Static keys and credential processes need no network: no client, no TLS.
    if roles.is_empty() && !(session.mfa_session && base.kind == StepKind::Static) {
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
    let hops = roles
        .iter()
        .map(|role| Hop::plan(role).with_context(|| format!("profile '{}'", role.profile)))
        .collect::<Result<Vec<_>>>()?;
    // Like the SDKs' lazy source credentials: the highest hop the cache can serve is where the
    // walk starts; the hops below it are not needed at all.
    let mut start = 0;
    let mut cached = None;
    for (i, hop) in hops.iter().enumerate().rev() {
        if let Some(hit) = session.cached(&hop.key) {
            cached = Some(hit);
            start = i + 1;
            break;
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
        return Err(no_terminal_for(serial));
    }
    let mut creds = match cached {
        Some(creds) => creds,
        None => base_credentials(session, set, base)?,
    };
    for (hop, role) in hops.iter().zip(roles).skip(start) {
        creds = assume(session, hop, &creds).with_context(|| {
            format!(
                "profile '{}' could not assume role {}",
                role.profile, hop.params.role_arn
            )
        })?;
    }
    Ok(creds)
}

fn base_credentials(
    session: &mut Session,
    set: &ProfileSet<'_>,
    base: &Step,
) -> Result<Credentials> {
    let profile = &base.profile;
    let env = |k: &str| std::env::var(k).ok();
    match base.kind {
        StepKind::Static if session.mfa_session => mfa_session(session, set, base),
        StepKind::Static => Ok(from_static(base)),
        StepKind::CredentialProcess => {
            run_credential_process(profile, base.get("credential_process").unwrap_or(""))
        }
        StepKind::CredentialSource => {
            let source = base.get("credential_source").unwrap_or("");
            let context = || format!("profile '{profile}' (credential_source = {source})");
            match source {
                "Environment" => environment_credentials().ok_or_else(|| {
                    anyhow!(
                        "profile '{profile}' takes its source credentials from the environment (credential_source = Environment), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"
                    )
                }),
                "Ec2InstanceMetadata" => {
                    super::imds::credentials(set.profile(profile).as_ref(), &env)
                        .with_context(context)
                }
                "EcsContainer" => super::ecs::credentials(&env).with_context(context),
                other => bail!(
                    "profile '{profile}': credential_source = {other} is not one of Environment, Ec2InstanceMetadata, EcsContainer"
                ),
            }
        }
        StepKind::WebIdentity => web_identity(
            session,
            base.get("role_arn").unwrap_or(""),
            base.get("web_identity_token_file").unwrap_or(""),
            base.get("role_session_name"),
        )
        .with_context(|| format!("profile '{profile}' (web identity)")),
        StepKind::Sso => {
            let cfg = super::sso::config_of(set, profile)?;
            super::sso::credentials(&session.http, &cfg, session.refresh)
        }
        StepKind::Login => super::signin::credentials(
            profile,
            base.get("login_session").unwrap_or(""),
            &super::signin::Refresh {
                http: &session.http,
                set,
                force: session.refresh,
            },
            OffsetDateTime::now_utc(),
        ),
        StepKind::AssumeRole => bail!("profile '{profile}': a role cannot be the base of a chain"),
    }
}

/// AssumeRoleWithWebIdentity (unsigned) with the token in `token_file`, through the cache
/// under botocore's key (the role and a configured session name).
pub fn web_identity(
    session: &mut Session,
    role_arn: &str,
    token_file: &str,
    session_name: Option<&str>,
) -> Result<Credentials> {
    let session_name = session_name.filter(|s| !s.is_empty());
    let key = web_identity_key(role_arn, session_name);
    if let Some(hit) = session.cached(&key) {
        return Ok(hit);
    }
    let token = read_token_file(token_file)?;
    let name = session_name.map_or_else(
        || {
            format!(
                "botocore-session-{}",
                OffsetDateTime::now_utc().unix_timestamp()
            )
        },
        str::to_string,
    );
    let result = sts::assume_role_with_web_identity(
        &session.http,
        &session.endpoint,
        role_arn,
        &name,
        &token,
    )?;
    store(session, &key, &result);
    credentials_of(&result)
}

/// botocore's cache key of AssumeRoleWithWebIdentity: the role and a configured session name.
pub fn web_identity_key(role_arn: &str, session_name: Option<&str>) -> String {
    let mut args = vec![("RoleArn", Arg::Str(role_arn))];
    if let Some(name) = session_name.filter(|s| !s.is_empty()) {
        args.push(("RoleSessionName", Arg::Str(name)));
    }
    cache::key(&args)
}

/// The cache key of a step whose credentials are cached in `~/.aws/cli/cache` (an AssumeRole
/// hop, a web identity, SSO role credentials); `None` for the others and for settings that a
/// walk would refuse.
pub fn cache_key(set: &ProfileSet<'_>, step: &Step) -> Option<String> {
    match step.kind {
        StepKind::AssumeRole => Hop::plan(step).ok().map(|hop| hop.key),
        StepKind::WebIdentity => Some(web_identity_key(
            step.get("role_arn")?,
            step.get("role_session_name"),
        )),
        StepKind::Sso => {
            let cfg = super::sso::config_of(set, &step.profile).ok()?;
            Some(super::sso::credentials_key(
                &cfg,
                step.get("sso_account_id")?,
                step.get("sso_role_name")?,
            ))
        }
        _ => None,
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`), if set.
pub fn environment_web_identity(session: &mut Session) -> Option<Result<Credentials>> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let file = var("AWS_WEB_IDENTITY_TOKEN_FILE")?;
    let role = var("AWS_ROLE_ARN")?;
    let name = var("AWS_ROLE_SESSION_NAME");
    Some(
        web_identity(session, &role, &file, name.as_deref())
            .context("web identity from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"),
    )
}

fn read_token_file(path: &str) -> Result<String> {
    if path.is_empty() {
        bail!("no web_identity_token_file");
    }
    let bytes = crate::config::read_limited(std::path::Path::new(path), 64 * 1024)
        .with_context(|| format!("could not read the web identity token file {path}"))?
        .ok_or_else(|| {
            anyhow!("could not read the web identity token file {path}: no such file")
        })?;
    let token = String::from_utf8(bytes)
        .map_err(|_| anyhow!("the web identity token file {path} is not text"))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        bail!("the web identity token file {path} is empty");
    }
    Ok(token)
}

/// `--mfa` on a static-keys profile with `mfa_serial`: a GetSessionToken session, cached.
fn mfa_session(session: &mut Session, set: &ProfileSet<'_>, base: &Step) -> Result<Credentials> {
    let profile = &base.profile;
    let section = set.profile(profile);
    let get = |k: &str| {
        section
            .as_ref()
            .and_then(|p| p.get(k))
            .filter(|v| !v.is_empty())
    };
    let serial = get("mfa_serial")
        .ok_or_else(|| anyhow!("profile '{profile}': --mfa needs mfa_serial in the profile"))?;
    let duration = match get("duration_seconds") {
        None => None,
        Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
            anyhow!(
                "profile '{profile}': duration_seconds = {text:?} is not a whole number of seconds"
            )
        })?),
    };
    let keys = from_static(base);
    // Not a key the AWS CLI computes (it has no such provider); named so it cannot collide.
    let mut args = vec![
        ("Action", Arg::Str("GetSessionToken")),
        ("AccessKeyId", Arg::Str(&keys.access_key_id)),
        ("SerialNumber", Arg::Str(serial)),
    ];
    if let Some(d) = duration {
        args.push(("DurationSeconds", Arg::Int(i64::from(d))));
    }
    let key = cache::key(&args);
    if let Some(mut hit) = session.cached(&key) {
        hit.account_id = hit.account_id.or(keys.account_id);
        return Ok(hit);
    }
    if session.mfa_token.is_none() && !has_terminal() {
        return Err(no_terminal_for(serial));
    }
    let code = mfa_code(session, serial)?;
    let result = sts::get_session_token(
        &session.http,
        &session.endpoint,
        &keys_of(&keys),
        Some(serial),
        Some(&code),
        duration,
    )
    .with_context(|| format!("profile '{profile}' could not get an MFA session"))?;
    store(session, &key, &result);
    let mut creds = credentials_of(&result)?;
    creds.account_id = keys.account_id;
    Ok(creds)
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
        crate::errln!("awsp: warning: the credentials were not cached: {err:#}");
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

/// Why an MFA code for `serial` cannot be had: prompts forbidden (`NeedsUser`), or no terminal.
fn no_terminal_for(serial: &str) -> anyhow::Error {
    match super::interaction::check_may_prompt(&format!("an MFA code for {serial}")) {
        Err(needs) => needs.into(),
        Ok(()) => anyhow!(
            "an MFA code for {serial} is needed: pass --mfa-token CODE (there is no terminal to ask on)"
        ),
    }
}

/// The MFA code: `--mfa-token` (once; a code is good for one call), else asked on the terminal.
fn mfa_code(session: &mut Session, serial: &str) -> Result<String> {
    if let Some(code) = session.mfa_token.take() {
        return Ok(code);
    }
    super::interaction::check_may_prompt(&format!("an MFA code for {serial}"))?;
    let code = crate::terminal::ask(&format!("MFA code for {serial}: "), true, 256)
        .map_err(|e| anyhow!("an MFA code for {serial} is needed: pass --mfa-token CODE ({e})"))?;
    let code = code.trim().to_string();
    if code.is_empty() {
        bail!("an MFA code for {serial} is needed: pass --mfa-token CODE (no code was entered)");
    }
    Ok(code)
}

/// A terminal to ask on, when asking is allowed at all (not with `--no-prompt` or from a
/// hook: see `interaction`).
fn has_terminal() -> bool {
    super::interaction::may_prompt()
        && std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
}
