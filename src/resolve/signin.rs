//! Console sign-in profiles (`login_session`, written by AWS CLI v2's `aws login`): the
//! credentials the CLI cached in `~/.aws/login/cache/<sha256 of the session>.json`, while they are
//! valid. Refreshing them needs a DPoP-signed call to the sign-in service, which awsp does not
//! make: an expired session says to run `aws login` again.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::cache::parse_expiration;
use super::process::Credentials;

/// botocore refreshes these 5 minutes before they expire; awsp cannot, so it stops using them then.
const REFRESH_THRESHOLD: time::Duration = time::Duration::minutes(5);

/// `AWS_LOGIN_CACHE_DIRECTORY`, else `~/.aws/login/cache`.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("AWS_LOGIN_CACHE_DIRECTORY").filter(|v| !v.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            match (dir.strip_prefix("~"), dirs::home_dir()) {
                (Ok(rest), Some(home)) => Some(home.join(rest)),
                _ => Some(dir),
            }
        }
        None => dirs::home_dir().map(|h| h.join(".aws").join("login").join("cache")),
    }
}

/// botocore's `generate_login_cache_key`.
pub fn cache_key(session: &str) -> String {
    hex::encode(Sha256::digest(session.as_bytes()))
}

pub fn credentials(profile: &str, session: &str, now: OffsetDateTime) -> Result<Credentials> {
    let again = format!("run `aws login --profile {profile}`");
    let path = cache_dir()
        .ok_or_else(|| anyhow!("no home directory for ~/.aws/login/cache"))?
        .join(format!("{}.json", cache_key(session)));
    let text = match crate::config::read_limited(&path, 1024 * 1024) {
        Ok(Some(text)) => text,
        Ok(None) => bail!(
            "profile '{profile}': no console sign-in session {session} in ~/.aws/login/cache: {again}"
        ),
        Err(e) => bail!("could not read {}: {e}", path.display()),
    };
    let doc: Value = serde_json::from_slice(&text).map_err(|_| {
        anyhow!(
            "profile '{profile}': the sign-in cache {} is not JSON: {again}",
            path.display()
        )
    })?;
    let token = &doc["accessToken"];
    let field = |k: &str| {
        token
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (Some(key), Some(secret), Some(expires)) = (
        field("accessKeyId"),
        field("secretAccessKey"),
        field("expiresAt").and_then(parse_expiration),
    ) else {
        bail!(
            "profile '{profile}': the sign-in cache {} has no usable credentials: {again}",
            path.display()
        );
    };
    if expires - now < REFRESH_THRESHOLD {
        bail!(
            "profile '{profile}': the console sign-in session {session} has expired (awsp does not refresh it): {again}"
        );
    }
    Ok(Credentials {
        access_key_id: key.to_string(),
        secret_access_key: secret.to_string(),
        session_token: field("sessionToken").map(str::to_string),
        expiration: Some(expires),
        account_id: field("accountId").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_botocores() {
        // hashlib.sha256(b"my-login").hexdigest()
        assert_eq!(
            cache_key("my-login"),
            "c5cf176824f78ad97c7bf565e9c801c0a00f78dae3d7725b50405d5752906c0b"
        );
    }
}
