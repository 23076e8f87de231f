//! IAM Identity Center (SSO): the access token from the AWS CLI's token cache
//! (`~/.aws/sso/cache/<sha1>.json`), refreshed with its refresh token as botocore does (and
//! written back), then the portal's GetRoleCredentials; the role credentials are cached in
//! `~/.aws/cli/cache` under the key and in the shape of botocore's SSO fetcher.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::cache::{self, Arg, parse_expiration, zulu_time};
use super::http::Http;
use super::process::Credentials;
use super::sts::configured_endpoint;
use crate::config::ProfileSet;

/// botocore refreshes a token this long before it expires.
const REFRESH_WINDOW: time::Duration = time::Duration::minutes(15);

/// A profile's Identity Center settings (from the profile or its `[sso-session]`).
#[derive(Debug, Clone)]
pub struct SsoConfig {
    pub profile: String,
    pub session: Option<String>,
    pub start_url: String,
    pub region: String,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    pub scopes: Vec<String>,
    /// The endpoints of the portal (GetRoleCredentials) and of OIDC (tokens).
    pub portal_url: String,
    pub oidc_url: String,
    /// The profile's `ca_bundle` (`AWS_CA_BUNDLE` wins over it in the client).
    pub ca_bundle: Option<String>,
}

impl SsoConfig {
    /// The name the token cache file is the sha1 of: the session, else the start URL.
    pub fn token_name(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }

    pub fn token_path(&self) -> Option<PathBuf> {
        token_dir().map(|d| d.join(format!("{}.json", token_key(self.token_name()))))
    }
}

pub fn token_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".aws").join("sso").join("cache"))
}

/// botocore's `SSOTokenLoader._generate_cache_key`.
pub fn token_key(name: &str) -> String {
    hex::encode(Sha1::digest(name.as_bytes()))
}

pub fn config_of(set: &ProfileSet<'_>, name: &str) -> Result<SsoConfig> {
    let env = |k: &str| std::env::var(k).ok();
    let profile = set
        .profile(name)
        .ok_or_else(|| anyhow!("profile '{name}' not found"))?;
    let own = |k: &str| profile.get(k).filter(|v| !v.is_empty()).map(str::to_string);
    let session = own("sso_session");
    let (start_url, region, scopes) = match &session {
        Some(s) => {
            let section = set.sso_session(s).ok_or_else(|| {
                anyhow!("sso-session named `{s}` (referenced by profile `{name}`) was not found")
            })?;
            let get = |k: &str| section.get(k).filter(|v| !v.is_empty()).map(str::to_string);
            (
                get("sso_start_url"),
                get("sso_region"),
                get("sso_registration_scopes"),
            )
        }
        None => (own("sso_start_url"), own("sso_region"), None),
    };
    let (Some(start_url), Some(region)) = (start_url, region) else {
        bail!(
            "profile '{name}' is not an IAM Identity Center profile: it needs sso_session (or sso_start_url and sso_region)"
        );
    };
    let scopes = scopes
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let portal_url = configured_endpoint(set, Some(&profile), "SSO", "sso", &env)
        .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    let oidc_url = configured_endpoint(set, Some(&profile), "SSO_OIDC", "sso_oidc", &env)
        .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"));
    Ok(SsoConfig {
        profile: name.to_string(),
        session,
        start_url,
        region,
        account_id: own("sso_account_id"),
        role_name: own("sso_role_name"),
        scopes,
        portal_url: portal_url.trim_end_matches('/').to_string(),
        oidc_url: oidc_url.trim_end_matches('/').to_string(),
        ca_bundle: own("ca_bundle"),
    })
}

/// The state of the cached token, without the network (for warnings and `awsp doctor`).
#[derive(Debug, PartialEq, Eq)]
pub enum TokenState {
    Missing,
    /// There, but not a token (not JSON, no accessToken, too large): ignored and replaced.
    Corrupt,
    /// Expired and not refreshable; `registration_expired` when the client registration (which
    /// a refresh needs) has expired too, at that time.
    Expired {
        at: Option<OffsetDateTime>,
        registration_expired: Option<OffsetDateTime>,
    },
    Valid,
}

pub fn token_state(cfg: &SsoConfig, now: OffsetDateTime) -> TokenState {
    match load_token(cfg) {
        TokenFile::Missing => TokenState::Missing,
        TokenFile::Corrupt => TokenState::Corrupt,
        TokenFile::Token(token) => match expires_at(&token) {
            Some(at) if at > now => TokenState::Valid,
            // As in `access_token`: only an `sso_session` token is refreshed (botocore's rule).
            _ if cfg.session.is_some() && refreshable(&token, now) => TokenState::Valid,
            at => TokenState::Expired {
                at,
                registration_expired: registration_expires_at(&token).filter(|at| *at <= now),
            },
        },
    }
}

enum TokenFile {
    Missing,
    Corrupt,
    Token(Map<String, Value>),
}

fn load_token(cfg: &SsoConfig) -> TokenFile {
    let Some(path) = cfg.token_path() else {
        return TokenFile::Missing;
    };
    let text = match crate::config::read_limited(&path, 1024 * 1024) {
        Ok(Some(text)) => text,
        Ok(None) => return TokenFile::Missing,
        Err(_) => return TokenFile::Corrupt,
    };
    match serde_json::from_slice(&text) {
        Ok(Value::Object(map)) if map.get("accessToken").and_then(Value::as_str).is_some() => {
            TokenFile::Token(map)
        }
        _ => TokenFile::Corrupt,
    }
}

fn read_token(cfg: &SsoConfig) -> Option<Map<String, Value>> {
    match load_token(cfg) {
        TokenFile::Token(map) => Some(map),
        _ => None,
    }
}

fn registration_expires_at(token: &Map<String, Value>) -> Option<OffsetDateTime> {
    parse_expiration(token.get("registrationExpiresAt")?.as_str()?)
}

fn expires_at(token: &Map<String, Value>) -> Option<OffsetDateTime> {
    parse_expiration(token.get("expiresAt")?.as_str()?)
}

fn refreshable(token: &Map<String, Value>, now: OffsetDateTime) -> bool {
    let has = |k: &str| token.get(k).and_then(Value::as_str).is_some();
    has("refreshToken")
        && has("clientId")
        && has("clientSecret")
        && registration_expires_at(token).is_some_and(|at| at > now)
}

fn login_hint(cfg: &SsoConfig) -> String {
    format!("run `awsp login {}`", cfg.profile)
}

/// A usable access token: the cached one, refreshed when it expires within 15 minutes and the
/// registration allows it (the refreshed token is written back, as the CLI does).
pub fn access_token(http: &Http, cfg: &SsoConfig, now: OffsetDateTime) -> Result<String> {
    let Some(mut token) = read_token(cfg) else {
        bail!(
            "no IAM Identity Center token for {} in ~/.aws/sso/cache: {}",
            cfg.token_name(),
            login_hint(cfg)
        );
    };
    let fresh =
        |token: &Map<String, Value>| expires_at(token).is_some_and(|at| at - now >= REFRESH_WINDOW);
    let mut _lock = None;
    if !fresh(&token) && cfg.session.is_some() && refreshable(&token, now) {
        // One refresh at a time; another process may have refreshed the token meanwhile.
        _lock = cfg.token_path().and_then(|p| cache::refresh_lock(&p));
        if let Some(again) = read_token(cfg) {
            token = again;
        }
    }
    let expiry = expires_at(&token);
    if !fresh(&token) && cfg.session.is_some() && refreshable(&token, now) {
        match refresh(http, cfg, &token, now) {
            Ok(new) => {
                // The refresh token may be spent: a token that cannot be written still serves.
                if let Err(err) = write_token(cfg, &new) {
                    crate::errln!(
                        "awsp: warning: the refreshed IAM Identity Center token was not cached: {err:#}"
                    );
                }
                token = new;
            }
            Err(err) if expiry.is_some_and(|at| at > now) => {
                crate::errln!(
                    "awsp: warning: could not refresh the IAM Identity Center token: {err:#}"
                );
            }
            Err(err) => {
                return Err(err.context(format!(
                    "the IAM Identity Center token for {} has expired and could not be refreshed; {}",
                    cfg.token_name(),
                    login_hint(cfg)
                )));
            }
        }
    }
    if expires_at(&token).is_none_or(|at| at <= now) {
        bail!(
            "the IAM Identity Center token for {} has expired: {}",
            cfg.token_name(),
            login_hint(cfg)
        );
    }
    token
        .get("accessToken")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| anyhow!("the token cache entry has no accessToken"))
}

fn refresh(
    http: &Http,
    cfg: &SsoConfig,
    token: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<Map<String, Value>> {
    let field = |k: &str| token.get(k).and_then(Value::as_str).unwrap_or("");
    let answer = post_json(
        http,
        &format!("{}/token", cfg.oidc_url),
        &json!({
            "grantType": "refresh_token",
            "clientId": field("clientId"),
            "clientSecret": field("clientSecret"),
            "refreshToken": field("refreshToken"),
        }),
    )
    .context("SSO OIDC CreateToken (refresh)")?;
    let answer = ok_or_aws(answer)?;
    let client = Client {
        id: field("clientId"),
        secret: field("clientSecret"),
        registration_expires_at: field("registrationExpiresAt"),
    };
    token_entry(cfg, &answer, &client, Some(field("refreshToken")), now)
}

/// The client registration a token entry records.
pub struct Client<'a> {
    pub id: &'a str,
    pub secret: &'a str,
    /// As the entry spells it (`...Z`).
    pub registration_expires_at: &'a str,
}

/// The longest token lifetime taken from CreateToken's expiresIn (the portal's are hours).
const MAX_TOKEN_SECS: i64 = 90 * 24 * 3600;

/// The token cache entry, in the shape `aws sso login` writes, from a CreateToken answer (a
/// sign-in or a refresh): the refresh token it sent, else `old_refresh`.
pub fn token_entry(
    cfg: &SsoConfig,
    answer: &Map<String, Value>,
    client: &Client<'_>,
    old_refresh: Option<&str>,
    now: OffsetDateTime,
) -> Result<Map<String, Value>> {
    let access = answer
        .get("accessToken")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("SSO OIDC CreateToken sent no accessToken"))?;
    let expires = answer
        .get("expiresIn")
        .and_then(Value::as_i64)
        .filter(|s| (1..=MAX_TOKEN_SECS).contains(s))
        .and_then(|s| now.checked_add(time::Duration::seconds(s)))
        .ok_or_else(|| anyhow!("SSO OIDC CreateToken sent no usable expiresIn"))?;
    let mut entry = Map::new();
    entry.insert("startUrl".into(), json!(cfg.start_url));
    entry.insert("region".into(), json!(cfg.region));
    entry.insert("accessToken".into(), json!(access));
    entry.insert("expiresAt".into(), json!(zulu_time(expires)));
    entry.insert("clientId".into(), json!(client.id));
    entry.insert("clientSecret".into(), json!(client.secret));
    entry.insert(
        "registrationExpiresAt".into(),
        json!(client.registration_expires_at),
    );
    let refresh = answer
        .get("refreshToken")
        .and_then(Value::as_str)
        .or(old_refresh);
    if let Some(refresh) = refresh {
        entry.insert("refreshToken".into(), json!(refresh));
    }
    Ok(entry)
}

/// Write a token cache entry (0600 in a 0700 directory, atomically).
pub fn write_token(cfg: &SsoConfig, token: &Map<String, Value>) -> Result<()> {
    let dir = token_dir().ok_or_else(|| anyhow!("no home directory for ~/.aws/sso/cache"))?;
    let json = serde_json::to_vec(token)?;
    cache::write(&dir, &token_key(cfg.token_name()), &json)
}

/// The answer of [`post_json`], its AWS error as `code: message` (`code` alone without one).
pub fn ok_or_aws(
    answer: std::result::Result<Map<String, Value>, (String, String)>,
) -> Result<Map<String, Value>> {
    answer.map_err(|(code, message)| {
        if message.is_empty() {
            anyhow!("{code}")
        } else {
            anyhow!("{code}: {message}")
        }
    })
}

/// POST a JSON document; an AWS JSON error comes back as `Err((code, message))`.
pub fn post_json(
    http: &Http,
    url: &str,
    body: &Value,
) -> Result<std::result::Result<Map<String, Value>, (String, String)>> {
    let reply = http.send(
        "POST",
        url,
        &[("content-type".into(), "application/json".into())],
        &serde_json::to_vec(body)?,
    )?;
    let doc: Option<Map<String, Value>> = serde_json::from_slice(&reply.body).ok();
    if reply.status == 200 {
        return doc.map(Ok).ok_or_else(|| anyhow!("the answer is not JSON"));
    }
    let doc = doc.unwrap_or_default();
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_string);
    let code = text("error")
        .or_else(|| text("__type"))
        .unwrap_or_else(|| format!("HTTP status {}", reply.status));
    let message = text("error_description")
        .or_else(|| text("message"))
        .unwrap_or_default();
    Ok(Err((code, message)))
}

/// The key of the role credentials in `~/.aws/cli/cache` (botocore's SSO fetcher's).
pub fn credentials_key(cfg: &SsoConfig, account: &str, role: &str) -> String {
    let mut args = vec![
        ("roleName", Arg::Str(role)),
        ("accountId", Arg::Str(account)),
    ];
    match &cfg.session {
        Some(s) => args.push(("sessionName", Arg::Str(s))),
        None => args.push(("startUrl", Arg::Str(&cfg.start_url))),
    }
    cache::compact_key(&args)
}

/// Role credentials for an SSO profile: the CLI's cache, else GetRoleCredentials.
pub fn credentials(http: &Http, cfg: &SsoConfig, refresh_creds: bool) -> Result<Credentials> {
    let (Some(account), Some(role)) = (cfg.account_id.as_deref(), cfg.role_name.as_deref()) else {
        bail!(
            "profile '{}': selected profile will resolve an access token instead of credentials (it has no sso_account_id and sso_role_name)",
            cfg.profile
        );
    };
    let key = credentials_key(cfg, account, role);
    let now = OffsetDateTime::now_utc();
    let dir = cache::dir();
    if !refresh_creds {
        if let Some(hit) = dir.as_deref().and_then(|d| cache::read(d, &key, now)) {
            return Ok(Credentials {
                access_key_id: hit.access_key_id,
                secret_access_key: hit.secret_access_key,
                session_token: Some(hit.session_token),
                expiration: Some(hit.expiration),
                account_id: Some(account.to_string()),
            });
        }
    }
    let token = access_token(http, cfg, now)?;
    let mut url =
        form_urlencoded::Serializer::new(format!("{}/federation/credentials?", cfg.portal_url));
    url.append_pair("account_id", account);
    url.append_pair("role_name", role);
    let reply = http
        .send(
            "GET",
            &url.finish(),
            &[("x-amz-sso_bearer_token".into(), token)],
            b"",
        )
        .context("SSO GetRoleCredentials")?;
    if reply.status == 401 || reply.status == 403 {
        bail!(
            "the IAM Identity Center token for {} is no longer accepted: {}",
            cfg.token_name(),
            login_hint(cfg)
        );
    }
    let doc: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    if reply.status != 200 {
        let message = doc.get("message").and_then(Value::as_str).unwrap_or("");
        bail!(
            "SSO GetRoleCredentials failed (HTTP status {}): {message}",
            reply.status
        );
    }
    let rc = &doc["roleCredentials"];
    let field = |k: &str| {
        rc.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| anyhow!("SSO GetRoleCredentials sent no {k}"))
    };
    let expiration = rc
        .get("expiration")
        .and_then(Value::as_i64)
        .and_then(|ms| OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .ok_or_else(|| anyhow!("SSO GetRoleCredentials sent no expiration"))?;
    let creds = Credentials {
        access_key_id: field("accessKeyId")?,
        secret_access_key: field("secretAccessKey")?,
        session_token: Some(field("sessionToken")?),
        expiration: Some(expiration),
        account_id: Some(account.to_string()),
    };
    if let Some(dir) = dir {
        let entry = json!({
            "ProviderType": "sso",
            "Credentials": {
                "AccessKeyId": creds.access_key_id,
                "SecretAccessKey": creds.secret_access_key,
                "SessionToken": creds.session_token,
                "Expiration": zulu_time(expiration),
                "AccountId": account,
            }
        });
        if let Err(err) = serde_json::to_vec(&entry)
            .map_err(anyhow::Error::from)
            .and_then(|j| cache::write(&dir, &key, &j))
        {
            crate::errln!("awsp: warning: the credentials were not cached: {err:#}");
        }
    }
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_botocores() {
        // hashlib.sha1(b"my-sso").hexdigest()
        assert_eq!(
            token_key("my-sso"),
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        );
        // json.dumps({...}, sort_keys=True, separators=(",", ":")) hashed with sha1
        assert_eq!(
            cache::compact_key(&[
                ("roleName", Arg::Str("R")),
                ("accountId", Arg::Str("123456789012")),
                ("sessionName", Arg::Str("s")),
            ]),
            "f5c139c90b634c780544787e9dadefd6779cb5cf"
        );
    }
}
