//! Console sign-in profiles (`login_session`, written by AWS CLI v2's `aws login`): the
//! credentials cached in `~/.aws/login/cache/<sha256 of the session>.json`, used while they are
//! valid and refreshed as botocore's `LoginCredentialFetcher` does it: the sign-in service's
//! CreateOAuth2Token with the refresh token, unsigned but with a DPoP proof (RFC 9449) made with
//! the session's own P-256 key, then the refreshed entry written back for the AWS CLI.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::cache::{self, parse_expiration, zulu_time};
use super::http::Http;
use super::process::Credentials;
use super::sts::configured_endpoint;
use crate::config::{ProfileSet, Section};

/// botocore refreshes these 5 minutes before they expire (`_REFRESH_THRESHOLD`).
const REFRESH_THRESHOLD: time::Duration = time::Duration::minutes(5);
/// The fields botocore requires in a cache entry before it uses it at all.
const REQUIRED: [&str; 4] = ["accessToken", "refreshToken", "dpopKey", "clientId"];
/// The sign-in service answers in a few hundred bytes; its expiresIn is at most 900 s, but any
/// sane lifetime is taken (a day at most).
const MAX_EXPIRES_IN: i64 = 24 * 3600;

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

/// What a refresh needs besides the cache entry.
pub struct Refresh<'a, 'f> {
    pub http: &'a Http,
    pub set: &'a ProfileSet<'f>,
    /// `--refresh`: refresh even when the cached credentials are still valid.
    pub force: bool,
}

pub fn credentials(
    profile: &str,
    session: &str,
    refresh: &Refresh<'_, '_>,
    now: OffsetDateTime,
) -> Result<Credentials> {
    let again = format!("run `aws login --profile {profile}`");
    let dir = cache_dir().ok_or_else(|| anyhow!("no home directory for ~/.aws/login/cache"))?;
    let key = cache_key(session);
    let path = cache::path(&dir, &key);
    let seen = load(profile, session, &path, &again)?;
    if !refresh.force {
        if let Some(creds) = valid(&seen, now) {
            return Ok(creds);
        }
    }
    let _lock = cache::refresh_lock(&path);
    // Another process may have refreshed the session while this one waited: then its
    // credentials serve, and its refresh token is not spent again.
    let mut entry = load(profile, session, &path, &again)?;
    let now = OffsetDateTime::now_utc();
    if !refresh.force || entry != seen {
        if let Some(creds) = valid(&entry, now) {
            return Ok(creds);
        }
    }
    let output = Value::Object(create_token(profile, &entry, refresh, &again)?);
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let invalid = || {
        anyhow!(
            "profile '{profile}': the sign-in service sent an unusable answer to CreateOAuth2Token: {again}"
        )
    };
    let access = &output["accessToken"];
    let (Some(key_id), Some(secret), Some(token), Some(refresh_token)) = (
        text(access, "accessKeyId"),
        text(access, "secretAccessKey"),
        text(access, "sessionToken"),
        text(&output, "refreshToken"),
    ) else {
        return Err(invalid());
    };
    let expires = output
        .get("expiresIn")
        .and_then(Value::as_i64)
        .filter(|s| (1..=MAX_EXPIRES_IN).contains(s))
        .and_then(|s| now.checked_add(time::Duration::seconds(s)))
        .ok_or_else(invalid)?;
    let account = entry
        .get("accessToken")
        .and_then(|a| a.get("accountId"))
        .cloned();
    let mut fresh = Map::new();
    fresh.insert("accessKeyId".into(), json!(key_id));
    fresh.insert("secretAccessKey".into(), json!(secret));
    fresh.insert("sessionToken".into(), json!(token));
    if let Some(account) = account {
        fresh.insert("accountId".into(), account);
    }
    fresh.insert("expiresAt".into(), json!(zulu_time(expires)));
    entry.insert("accessToken".into(), Value::Object(fresh));
    entry.insert("refreshToken".into(), json!(refresh_token));
    // Written back as botocore does, so that the AWS CLI uses the refreshed credentials (and the
    // refresh token, which the service may rotate) without a call of its own.
    // The old refresh token may be spent: credentials that cannot be written still serve.
    if let Err(err) = serde_json::to_vec(&entry)
        .map_err(anyhow::Error::from)
        .and_then(|json| cache::write(&dir, &key, &json))
    {
        crate::errln!(
            "awsp: warning: the refreshed console sign-in session was not cached: {err:#}"
        );
    }
    entry
        .get("accessToken")
        .and_then(credentials_of)
        .ok_or_else(invalid)
}

/// The cache entry, with every field botocore requires before it uses one.
fn load(profile: &str, session: &str, path: &Path, again: &str) -> Result<Map<String, Value>> {
    match read_entry(path) {
        Ok(Some(entry)) => Ok(entry),
        Ok(None) => bail!(
            "profile '{profile}': no console sign-in session {session} in ~/.aws/login/cache: {again}"
        ),
        Err(why) => bail!(
            "profile '{profile}': the sign-in cache {} {why}: {again}",
            path.display()
        ),
    }
}

/// The entry at `path` (`None`: there is none), or what makes it unusable.
fn read_entry(path: &Path) -> std::result::Result<Option<Map<String, Value>>, String> {
    let text = match crate::config::read_limited(path, 1024 * 1024) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(e) => return Err(format!("could not be read ({e})")),
    };
    let Ok(Value::Object(entry)) = serde_json::from_slice::<Value>(&text) else {
        return Err("is not a JSON object".to_string());
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| !entry.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(format!("lacks {}", missing.join(", ")));
    }
    Ok(Some(entry))
}

/// The cached session of profile `profile` (`login_session = session`), offline: one bounded
/// read, for `awsp doctor` and the warning of `use` in profile mode.
pub enum EntryState {
    Missing,
    /// Its path, and why neither awsp nor the AWS CLI can use or refresh it.
    Unusable(PathBuf, String),
    /// Valid, or refreshable.
    Usable,
}

pub fn entry_state(set: &ProfileSet<'_>, profile: &str, session: &str) -> EntryState {
    let Some(dir) = cache_dir() else {
        return EntryState::Missing;
    };
    let path = cache::path(&dir, &cache_key(session));
    let entry = match read_entry(&path) {
        Ok(None) => return EntryState::Missing,
        Ok(Some(entry)) => entry,
        Err(why) => return EntryState::Unusable(path, why),
    };
    if valid(&entry, OffsetDateTime::now_utc()).is_some() {
        return EntryState::Usable;
    }
    // Expired: what a refresh needs.
    let key = entry.get("dpopKey").and_then(Value::as_str).unwrap_or("");
    if dpop_key(key).is_err() {
        return EntryState::Unusable(path, "has expired and holds no usable DPoP key".into());
    }
    let env = |k: &str| std::env::var(k).ok();
    if region(&entry, set.profile(profile).as_ref(), &env).is_none() {
        return EntryState::Unusable(
            path,
            "has expired, and there is no region for the sign-in service (no signInRegion, no region in the profile or AWS_REGION)".into(),
        );
    }
    EntryState::Usable
}

/// The entry's credentials while they are valid for longer than the refresh threshold.
fn valid(entry: &Map<String, Value>, now: OffsetDateTime) -> Option<Credentials> {
    credentials_of(entry.get("accessToken")?).filter(|c| {
        c.expiration
            .is_some_and(|expires| expires - now > REFRESH_THRESHOLD)
    })
}

fn credentials_of(token: &Value) -> Option<Credentials> {
    let field = |k: &str| {
        token
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    Some(Credentials {
        access_key_id: field("accessKeyId")?.to_string(),
        secret_access_key: field("secretAccessKey")?.to_string(),
        session_token: field("sessionToken").map(str::to_string),
        expiration: Some(field("expiresAt").and_then(parse_expiration)?),
        account_id: field("accountId").map(str::to_string),
    })
}

/// CreateOAuth2Token with the refresh token: the `tokenOutput` document.
fn create_token(
    profile: &str,
    entry: &Map<String, Value>,
    refresh: &Refresh<'_, '_>,
    again: &str,
) -> Result<Map<String, Value>> {
    let field = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
    let key = dpop_key(field("dpopKey")).map_err(|_| {
        anyhow!("profile '{profile}': the sign-in cache holds no usable DPoP key: {again}")
    })?;
    let section = refresh.set.profile(profile);
    let env = |k: &str| std::env::var(k).ok();
    let region = region(entry, section.as_ref(), &env).ok_or_else(|| {
        anyhow!(
            "profile '{profile}': no region for the sign-in service (the cache has no signInRegion; set region in the profile or AWS_REGION)"
        )
    })?;
    let base = configured_endpoint(refresh.set, section.as_ref(), "SIGNIN", "signin", &env)
        .unwrap_or_else(|| default_endpoint(&region));
    let url = format!("{}/v1/token", base.trim_end_matches('/'));
    let body = serde_json::to_vec(&json!({
        "clientId": field("clientId"),
        "refreshToken": field("refreshToken"),
        "grantType": "refresh_token",
    }))?;
    let headers = || -> Result<Vec<(String, String)>> {
        Ok(vec![
            ("content-type".into(), "application/json".into()),
            (
                "dpop".into(),
                dpop_proof(&key, &url, OffsetDateTime::now_utc())?,
            ),
        ])
    };
    let reply = refresh
        .http
        .send_with("POST", &url, &headers, &body)
        .with_context(|| format!("profile '{profile}': Signin CreateOAuth2Token"))?;
    let doc: Map<String, Value> = serde_json::from_slice(&reply.body).unwrap_or_default();
    if reply.status == 200 {
        return Ok(doc);
    }
    let text = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
    let code = text("error");
    let what = format!("profile '{profile}': the console sign-in session could not be refreshed");
    match code {
        "TOKEN_EXPIRED" => bail!("{what}: it has expired (TOKEN_EXPIRED): {again}"),
        "USER_CREDENTIALS_CHANGED" => {
            bail!("{what}: the password changed (USER_CREDENTIALS_CHANGED): {again}")
        }
        "INSUFFICIENT_PERMISSIONS" => bail!(
            "{what}: the identity may not call signin:CreateOAuth2Token (INSUFFICIENT_PERMISSIONS)"
        ),
        "" => bail!(
            "{what}: Signin CreateOAuth2Token answered HTTP status {}",
            reply.status
        ),
        code => match text("message") {
            "" => bail!("{what}: {code}"),
            message => bail!("{what}: {code}: {message}"),
        },
    }
}

/// The session's P-256 key: a PEM `EC PRIVATE KEY` (SEC1), read as botocore does (the lines
/// between the armour, base64); PKCS #8 is taken too.
fn dpop_key(pem: &str) -> Result<SigningKey> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----BEGIN") && !l.starts_with("-----END"))
        .collect::<String>();
    let der = STANDARD.decode(body.trim())?;
    let secret = p256::SecretKey::from_sec1_der(&der)
        .or_else(|_| p256::SecretKey::from_pkcs8_der(&der))
        .map_err(|_| anyhow!("not a P-256 private key"))?;
    Ok(SigningKey::from(secret))
}

/// The token's `signInRegion`, else the region the profile or the environment selects.
fn region(
    entry: &Map<String, Value>,
    profile: Option<&Section<'_>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let some = |v: Option<String>| v.filter(|s| !s.is_empty());
    some(
        entry
            .get("signInRegion")
            .and_then(Value::as_str)
            .map(str::to_string),
    )
    .or_else(|| some(profile.and_then(|p| p.get("region")).map(str::to_string)))
    .or_else(|| some(env("AWS_REGION")))
    .or_else(|| some(env("AWS_DEFAULT_REGION")))
}

/// The sign-in service's OAuth endpoint by partition (botocore's endpoint rules for
/// CreateOAuth2Token).
fn default_endpoint(region: &str) -> String {
    let suffix = [
        ("cn-", "signin.amazonaws.cn"),
        ("us-gov-", "signin.amazonaws-us-gov.com"),
        ("us-isob-", "signin.sc2shome.sgov.gov"),
        ("us-isof-", "signin.csphome.hci.ic.gov"),
        ("us-iso-", "signin.c2shome.ic.gov"),
        ("eu-isoe-", "signin.csphome.adc-e.uk"),
    ]
    .into_iter()
    .find(|(prefix, _)| region.starts_with(prefix))
    .map_or("signin.aws.amazon.com", |(_, suffix)| suffix);
    format!("https://{region}.{suffix}")
}

#[derive(Serialize)]
struct Jwk {
    kty: &'static str,
    x: String,
    y: String,
    crv: &'static str,
}

#[derive(Serialize)]
struct Header {
    typ: &'static str,
    alg: &'static str,
    jwk: Jwk,
}

#[derive(Serialize)]
struct Claims<'a> {
    htm: &'static str,
    htu: &'a str,
    iat: i64,
    jti: String,
}

/// A DPoP proof for `POST url`: a JWT signed with ES256, the public key in its header, as
/// botocore's `_build_dpop_header` makes it.
fn dpop_proof(key: &SigningKey, url: &str, now: OffsetDateTime) -> Result<String> {
    let point = key.verifying_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        bail!("the DPoP key has no affine point");
    };
    let header = Header {
        typ: "dpop+jwt",
        alg: "ES256",
        jwk: Jwk {
            kty: "EC",
            x: URL_SAFE_NO_PAD.encode(x),
            y: URL_SAFE_NO_PAD.encode(y),
            crv: "P-256",
        },
    };
    let claims = Claims {
        htm: "POST",
        htu: url,
        iat: now.unix_timestamp(),
        jti: uuid_v4()?,
    };
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header)?),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims)?)
    );
    let signature: Signature = key.sign(input.as_bytes());
    Ok(format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// A random (version 4) UUID, the proof's unique `jti`.
fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|e| anyhow!("no random bytes for the DPoP proof: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier as _;

    // A throwaway key made for this test (`openssl ecparam -name prime256v1 -genkey -noout`).
    const KEY: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIAgFdrocjMHUCufZOVxn/seF3KQHQSTqF3MAU+s/GZSuoAoGCCqGSM49
AwEHoUQDQgAEvd8B3FszLWYhgKXq2xpIwKnO6vnXJ8U9zcVY0JK+36H/RRAerfjN
yBuN8i4BosT9uSvcyIEWwcxjNtjyzMLQVQ==
-----END EC PRIVATE KEY-----
";

    #[test]
    fn key_is_botocores() {
        // hashlib.sha256(b"my-login").hexdigest()
        assert_eq!(
            cache_key("my-login"),
            "c5cf176824f78ad97c7bf565e9c801c0a00f78dae3d7725b50405d5752906c0b"
        );
    }

    #[test]
    fn endpoints_follow_the_partitions() {
        assert_eq!(
            default_endpoint("eu-west-1"),
            "https://eu-west-1.signin.aws.amazon.com"
        );
        assert_eq!(
            default_endpoint("cn-north-1"),
            "https://cn-north-1.signin.amazonaws.cn"
        );
        assert_eq!(
            default_endpoint("us-gov-west-1"),
            "https://us-gov-west-1.signin.amazonaws-us-gov.com"
        );
        assert_eq!(
            default_endpoint("us-isob-east-1"),
            "https://us-isob-east-1.signin.sc2shome.sgov.gov"
        );
    }

    #[test]
    fn a_proof_is_an_es256_jwt_over_its_own_public_key() {
        let key = dpop_key(KEY).expect("the test key");
        let at = OffsetDateTime::from_unix_timestamp(1_763_510_400).unwrap();
        let proof = dpop_proof(&key, "https://us-east-1.signin.aws.amazon.com/v1/token", at)
            .expect("a proof");
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).expect("base64url");
        let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
        let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["crv"], "P-256");
        assert_eq!(claims["htm"], "POST");
        assert_eq!(
            claims["htu"],
            "https://us-east-1.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(claims["iat"], 1_763_510_400);
        let jti = claims["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 36);
        assert_eq!(&jti[14..15], "4");
        // The key in the header verifies the signature over the first two parts.
        let mut point = vec![4u8];
        point.extend(decode(header["jwk"]["x"].as_str().unwrap()));
        point.extend(decode(header["jwk"]["y"].as_str().unwrap()));
        let public = VerifyingKey::from_sec1_bytes(&point).unwrap();
        assert_eq!(&public, key.verifying_key());
        let signature = Signature::from_slice(&decode(parts[2])).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(input.as_bytes(), &signature).is_ok());
        assert!(public.verify(b"something else", &signature).is_err());
        // Each proof is new.
        let again = dpop_proof(&key, "https://x/v1/token", at).unwrap();
        let claims2: Value =
            serde_json::from_slice(&decode(again.split('.').nth(1).unwrap())).unwrap();
        assert_ne!(claims2["jti"], claims["jti"]);
    }

    #[test]
    fn unusable_keys_are_refused() {
        assert!(dpop_key("").is_err());
        assert!(
            dpop_key("-----BEGIN EC PRIVATE KEY-----\n!!!\n-----END EC PRIVATE KEY-----").is_err()
        );
        assert!(
            dpop_key("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----").is_err()
        );
    }
}
