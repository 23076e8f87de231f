//! IAM Identity Center sign-in with the OAuth device flow (RegisterClient,
//! StartDeviceAuthorization, CreateToken polled), writing the token where and as `aws sso login`
//! does, so that the AWS CLI and awsp share it.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::cache::{parse_expiration, zulu_time};
use super::http::Http;
use super::sso::{
    Client, SsoConfig, ok_or_aws, post_json, token_dir, token_entry, token_key, write_token,
};

/// The longest wait between two polls of CreateToken, whatever the server asks for.
const MAX_POLL_INTERVAL_SECS: u64 = 60;
/// The longest a sign-in may wait for approval (the CLI's device codes last 10 minutes).
const MAX_SIGN_IN_SECS: u64 = 1800;

/// How the user is shown where to approve the sign-in.
pub struct Prompt {
    pub open_browser: bool,
}

/// Sign in and write the token cache entry; returns its path for the message.
pub fn login(cfg: &SsoConfig, prompt: &Prompt) -> Result<std::path::PathBuf> {
    let http = Http::new(cfg.ca_bundle.as_deref());
    let now = OffsetDateTime::now_utc();
    let (client_id, client_secret, registration_expires) = registration(&http, cfg, now)?;
    let device = ok_or_aws(
        post_json(
            &http,
            &format!("{}/device_authorization", cfg.oidc_url),
            &json!({"clientId": client_id, "clientSecret": client_secret, "startUrl": cfg.start_url}),
        )
        .context("SSO OIDC StartDeviceAuthorization")?,
    )?;
    let text = |k: &str| {
        device
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let device_code = text("deviceCode");
    if device_code.is_empty() {
        bail!("SSO OIDC StartDeviceAuthorization sent no deviceCode");
    }
    let url = match text("verificationUriComplete") {
        u if !u.is_empty() => u,
        _ => text("verificationUri"),
    };
    crate::errln!(
        "awsp: to sign in to {}, open {url} and confirm the code {}",
        cfg.start_url,
        text("userCode")
    );
    if prompt.open_browser {
        open_browser(&url);
    }
    let mut interval = device
        .get("interval")
        .and_then(Value::as_u64)
        .unwrap_or(5)
        .clamp(1, MAX_POLL_INTERVAL_SECS);
    // The server's numbers are bounded here: the wait ends within MAX_SIGN_IN_SECS whatever
    // it sends, and no sleep outlasts the deadline.
    let expires_in = device
        .get("expiresIn")
        .and_then(Value::as_u64)
        .unwrap_or(600)
        .min(MAX_SIGN_IN_SECS);
    let deadline = Instant::now() + Duration::from_secs(expires_in);
    let token = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(Duration::from_secs(interval).min(left));
        if Instant::now() >= deadline {
            bail!(
                "the sign-in was not approved in time; run `awsp login {}` again",
                cfg.profile
            );
        }
        let answer = post_json(
            &http,
            &format!("{}/token", cfg.oidc_url),
            &json!({
                "grantType": "urn:ietf:params:oauth:grant-type:device_code",
                "deviceCode": device_code,
                "clientId": client_id,
                "clientSecret": client_secret,
            }),
        )
        .context("SSO OIDC CreateToken")?;
        match answer {
            Ok(token) => break token,
            Err((code, _)) if code == "authorization_pending" => {}
            Err((code, _)) if code == "slow_down" => {
                interval = (interval + 5).min(MAX_POLL_INTERVAL_SECS);
            }
            Err((code, _)) if code == "expired_token" => bail!(
                "the sign-in expired before it was approved; run `awsp login {}` again",
                cfg.profile
            ),
            Err(aws) => {
                ok_or_aws(Err(aws)).context("SSO OIDC CreateToken")?;
            }
        }
    };
    let registration_expires_at = zulu_time(registration_expires);
    let client = Client {
        id: &client_id,
        secret: &client_secret,
        registration_expires_at: &registration_expires_at,
    };
    let entry = token_entry(cfg, &token, &client, None, OffsetDateTime::now_utc())?;
    write_token(cfg, &entry)?;
    cfg.token_path()
        .ok_or_else(|| anyhow!("no home directory for ~/.aws/sso/cache"))
}

/// A still-valid client registration from the token cache entry, else RegisterClient.
fn registration(
    http: &Http,
    cfg: &SsoConfig,
    now: OffsetDateTime,
) -> Result<(String, String, OffsetDateTime)> {
    let cached: Option<Map<String, Value>> = cfg
        .token_path()
        .and_then(|p| crate::config::read_limited(&p, 1024 * 1024).ok().flatten())
        .and_then(|b| serde_json::from_slice(&b).ok());
    if let Some(entry) = cached {
        let text = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
        if let (Some(id), Some(secret), Some(expires)) = (
            text("clientId"),
            text("clientSecret"),
            text("registrationExpiresAt").and_then(|t| parse_expiration(&t)),
        ) {
            // Keep a margin so that the registration outlives the sign-in.
            if expires - now > time::Duration::minutes(15) {
                return Ok((id, secret, expires));
            }
        }
    }
    let mut request = json!({"clientName": "awsp", "clientType": "public"});
    if cfg.session.is_some() {
        let scopes = if cfg.scopes.is_empty() {
            vec!["sso:account:access".to_string()]
        } else {
            cfg.scopes.clone()
        };
        request["scopes"] = json!(scopes);
        request["grantTypes"] = json!([
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token"
        ]);
    }
    let answer = ok_or_aws(
        post_json(http, &format!("{}/client/register", cfg.oidc_url), &request)
            .context("SSO OIDC RegisterClient")?,
    )?;
    let text = |k: &str| {
        answer
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("SSO OIDC RegisterClient sent no {k}"))
    };
    let expires = answer
        .get("clientSecretExpiresAt")
        .and_then(Value::as_i64)
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| anyhow!("SSO OIDC RegisterClient sent no clientSecretExpiresAt"))?;
    Ok((text("clientId")?, text("clientSecret")?, expires))
}

/// Open the URL in a browser, if there is a display; never fatal, never waited for.
fn open_browser(url: &str) {
    #[cfg(target_os = "macos")]
    let program = "open";
    #[cfg(not(target_os = "macos"))]
    let program = {
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
        if !display {
            return;
        }
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Remove the cached token of one session (or, with `None`, every cached token and every
/// SSO role credential awsp or the CLI cached). Returns how many files were removed.
pub fn logout(cfg: Option<&SsoConfig>) -> Result<usize> {
    let Some(dir) = token_dir() else {
        return Ok(0);
    };
    let mut removed = 0;
    let mut remove = |path: &std::path::Path| -> Result<()> {
        match std::fs::remove_file(path) {
            Ok(()) => {
                removed += 1;
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("could not remove {}", path.display())),
        }
    };
    match cfg {
        Some(cfg) => remove(&dir.join(format!("{}.json", token_key(cfg.token_name()))))?,
        None => {
            for path in json_files(&dir) {
                remove(&path)?;
            }
            if let Some(cli) = super::cache::dir() {
                for path in json_files(&cli) {
                    let is_sso = crate::config::read_limited(&path, 1024 * 1024)
                        .ok()
                        .flatten()
                        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                        .is_some_and(|v| v["ProviderType"] == "sso");
                    if is_sso {
                        remove(&path)?;
                    }
                }
            }
        }
    }
    Ok(removed)
}

fn json_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default()
}
