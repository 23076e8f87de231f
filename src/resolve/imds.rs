//! `credential_source = Ec2InstanceMetadata`: the instance role's credentials from IMDSv2 (a
//! session token by PUT, then the role name and its credentials), as the SDKs fetch them, and
//! from IMDSv1 (no token) where the service gives none, as botocore falls back.

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

use super::cache::parse_expiration;
use super::http::{Http, TimedOut};
use super::process::Credentials;
use crate::config::Section;

const DEFAULT_V4: &str = "http://169.254.169.254";
const DEFAULT_V6: &str = "http://[fd00:ec2::254]";

/// The endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
/// `ec2_metadata_service_endpoint`, else the default of the endpoint mode (IPv4 or IPv6).
pub fn endpoint(profile: Option<&Section<'_>>, env: &dyn Fn(&str) -> Option<String>) -> String {
    let get = |k: &str| profile.and_then(|p| p.get(k)).map(str::to_string);
    let explicit = env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .filter(|v| !v.is_empty())
        .or_else(|| get("ec2_metadata_service_endpoint"));
    if let Some(url) = explicit {
        return url.trim_end_matches('/').to_string();
    }
    let mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
        .or_else(|| get("ec2_metadata_service_endpoint_mode"))
        .unwrap_or_default();
    if mode.eq_ignore_ascii_case("ipv6") {
        DEFAULT_V6.to_string()
    } else {
        DEFAULT_V4.to_string()
    }
}

pub fn credentials(
    profile: Option<&Section<'_>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials> {
    if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        bail!("the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED=true)");
    }
    let base = endpoint(profile, env);
    // In messages without user:password, path or query.
    let shown = super::http::shown_url(&base);
    let not_here = |e: anyhow::Error| {
        anyhow!("the instance metadata service at {shown} did not answer (not on EC2?): {e:#}")
    };
    let http = Http::metadata();
    let v1_disabled = env("AWS_EC2_METADATA_V1_DISABLED")
        .or_else(|| {
            profile
                .and_then(|p| p.get("ec2_metadata_v1_disabled"))
                .map(str::to_string)
        })
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let answer = http.send(
        "PUT",
        &format!("{base}/latest/api/token"),
        &[(
            "x-aws-ec2-metadata-token-ttl-seconds".to_string(),
            "21600".to_string(),
        )],
        b"",
    );
    // botocore's rule: no session token when the service refuses one (403, 404, 405) or
    // takes too long to answer (a container behind a hop limit of 1), and then IMDSv1,
    // unless that is disabled.
    let token = match answer {
        Ok(reply) if reply.status == 200 => Some(
            String::from_utf8(reply.body)
                .map_err(|_| {
                    anyhow!("the instance metadata service sent a token that is not text")
                })?
                .trim()
                .to_string(),
        ),
        Ok(reply) if (403..=405).contains(&reply.status) => None,
        Ok(reply) => bail!(
            "the instance metadata service at {shown} refused a session token (HTTP status {})",
            reply.status
        ),
        Err(e) if e.downcast_ref::<TimedOut>().is_some_and(|t| t.connected) => None,
        Err(e) => return Err(not_here(e)),
    };
    if token.is_none() && v1_disabled {
        bail!(
            "the instance metadata service at {shown} gave no session token, and IMDSv1 is disabled (ec2_metadata_v1_disabled)"
        );
    }
    let headers: Vec<(String, String)> = token
        .map(|t| vec![("x-aws-ec2-metadata-token".to_string(), t)])
        .unwrap_or_default();
    let path = format!("{base}/latest/meta-data/iam/security-credentials/");
    let roles = http.send("GET", &path, &headers, b"").map_err(not_here)?;
    if roles.status == 404 {
        bail!("this instance has no IAM role (instance profile) attached");
    }
    if roles.status != 200 {
        bail!(
            "the instance metadata service answered HTTP status {} for the role name",
            roles.status
        );
    }
    let roles = String::from_utf8_lossy(&roles.body).into_owned();
    let role = roles
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| anyhow!("this instance has no IAM role (instance profile) attached"))?;
    let creds = http
        .send("GET", &format!("{path}{role}"), &headers, b"")
        .map_err(not_here)?;
    if creds.status != 200 {
        bail!(
            "the instance metadata service answered HTTP status {} for the role's credentials",
            creds.status
        );
    }
    parse_credentials_json(&creds.body, "the instance metadata service")
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataCredentials {
    code: Option<String>,
    message: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

/// The JSON of IMDS and the container endpoint: `AccessKeyId`, `SecretAccessKey`, `Token`,
/// `Expiration` (and IMDS's `Code`). Never echoed: it holds secrets.
pub fn parse_credentials_json(body: &[u8], from: &str) -> Result<Credentials> {
    let doc: MetadataCredentials = serde_json::from_slice(body)
        .map_err(|_| anyhow!("{from} sent credentials that are not the documented JSON"))?;
    if let Some(code) = doc.code.filter(|c| c != "Success") {
        match doc.message {
            Some(message) => bail!("{from}: {code}: {message}"),
            None => bail!("{from}: {code}"),
        }
    }
    let required = |v: Option<String>, name: &str| {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow!("{from} sent credentials without {name}"))
    };
    let expiration = match doc.expiration {
        Some(text) => Some(
            parse_expiration(&text)
                .ok_or_else(|| anyhow!("{from} sent an Expiration that is not a time"))?,
        ),
        None => None,
    };
    Ok(Credentials {
        access_key_id: required(doc.access_key_id, "AccessKeyId")?,
        secret_access_key: required(doc.secret_access_key, "SecretAccessKey")?,
        session_token: doc.token.filter(|t| !t.is_empty()),
        expiration,
        account_id: doc.account_id.filter(|a| !a.is_empty()),
    })
}
