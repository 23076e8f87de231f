//! AWS STS over its Query API: AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken and
//! GetCallerIdentity, signed with the official SigV4 signer, and the endpoint the SDKs choose.

use std::time::SystemTime;

use anyhow::{Context, Result, anyhow, bail};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde::Deserialize;

use super::http::{Http, Reply};
use crate::config::{ProfileSet, Section};

/// Long-term or session keys that sign a call.
#[derive(Clone)]
pub struct Keys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// Where STS calls go and the region they are signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub region: String,
}

/// The SDKs' endpoint rules for STS: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's
/// `[services]` section, the profile's `endpoint_url` (none of them when configured endpoints are
/// ignored), else the regional endpoint (the global one with `sts_regional_endpoints = legacy`).
pub fn endpoint(
    set: &ProfileSet<'_>,
    profile: Option<&Section<'_>>,
    region_override: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Endpoint {
    let get = |k: &str| profile.and_then(|p| p.get(k)).filter(|v| !v.is_empty());
    let region = region_override
        .map(str::to_string)
        .or_else(|| get("region").map(str::to_string))
        .or_else(|| env("AWS_REGION").filter(|v| !v.is_empty()))
        .or_else(|| env("AWS_DEFAULT_REGION").filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "us-east-1".to_string());
    let url = configured_endpoint(set, profile, "STS", "sts", env).unwrap_or_else(|| {
        let legacy = env("AWS_STS_REGIONAL_ENDPOINTS")
            .or_else(|| get("sts_regional_endpoints").map(str::to_string))
            .is_some_and(|v| v.eq_ignore_ascii_case("legacy"));
        if legacy && LEGACY_GLOBAL_REGIONS.contains(&region.as_str()) {
            "https://sts.amazonaws.com".to_string()
        } else if region.starts_with("cn-") {
            format!("https://sts.{region}.amazonaws.com.cn")
        } else {
            format!("https://sts.{region}.amazonaws.com")
        }
    });
    Endpoint { url, region }
}

/// A configured endpoint for one service, as the SDKs look for it: `AWS_ENDPOINT_URL_<ID>`,
/// `AWS_ENDPOINT_URL`, the profile's `[services]` section (`<key> =` sub-properties), the
/// profile's `endpoint_url`; none of them under `ignore_configured_endpoint_urls`.
pub fn configured_endpoint(
    set: &ProfileSet<'_>,
    profile: Option<&Section<'_>>,
    env_id: &str,
    services_key: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let get = |k: &str| profile.and_then(|p| p.get(k)).filter(|v| !v.is_empty());
    let ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| get("ignore_configured_endpoint_urls").map(str::to_string))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if ignore {
        return None;
    }
    env(&format!("AWS_ENDPOINT_URL_{env_id}"))
        .filter(|v| !v.is_empty())
        .or_else(|| env("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()))
        .or_else(|| {
            let services = set.services(get("services")?)?;
            sub_property(services.get(services_key)?, "endpoint_url")
        })
        .or_else(|| get("endpoint_url").map(str::to_string))
}

/// Regions that used the global endpoint under `sts_regional_endpoints = legacy`.
const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// `key = value` from a sub-property block (`sts =\n  endpoint_url = ...`).
fn sub_property(block: &str, key: &str) -> Option<String> {
    block.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key) && !v.trim().is_empty()).then(|| v.trim().to_string())
    })
}

/// Temporary credentials as STS returns them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StsCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumedRoleUser {
    pub arn: String,
    pub assumed_role_id: String,
}

/// The result of AssumeRole, AssumeRoleWithWebIdentity or GetSessionToken.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialsResult {
    pub credentials: StsCredentials,
    pub assumed_role_user: Option<AssumedRoleUser>,
    pub packed_policy_size: Option<u64>,
    pub source_identity: Option<String>,
    pub subject_from_web_identity_token: Option<String>,
    pub audience: Option<String>,
    pub provider: Option<String>,
    #[serde(skip)]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(
        alias = "AssumeRoleResult",
        alias = "AssumeRoleWithWebIdentityResult",
        alias = "GetSessionTokenResult",
        alias = "GetCallerIdentityResult"
    )]
    result: T,
    #[serde(rename = "ResponseMetadata")]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    request_id: Option<String>,
}

/// The parameters of AssumeRole, by their API names, in the order they are sent.
#[derive(Debug, Clone, Default)]
pub struct AssumeRole {
    pub role_arn: String,
    pub role_session_name: String,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
    pub duration_seconds: Option<u32>,
}

pub fn assume_role(
    http: &Http,
    at: &Endpoint,
    keys: &Keys,
    p: &AssumeRole,
) -> Result<CredentialsResult> {
    let mut params = vec![
        ("RoleArn", p.role_arn.clone()),
        ("RoleSessionName", p.role_session_name.clone()),
    ];
    let optional = [
        ("ExternalId", p.external_id.clone()),
        ("SerialNumber", p.serial_number.clone()),
        ("TokenCode", p.token_code.clone()),
        ("DurationSeconds", p.duration_seconds.map(|d| d.to_string())),
    ];
    params.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
    call_credentials(http, at, Some(keys), "AssumeRole", &params)
}

pub fn assume_role_with_web_identity(
    http: &Http,
    at: &Endpoint,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<CredentialsResult> {
    let params = [
        ("RoleArn", role_arn.to_string()),
        ("RoleSessionName", session_name.to_string()),
        ("WebIdentityToken", token.to_string()),
    ];
    call_credentials(http, at, None, "AssumeRoleWithWebIdentity", &params)
}

pub fn get_session_token(
    http: &Http,
    at: &Endpoint,
    keys: &Keys,
    serial_number: Option<&str>,
    token_code: Option<&str>,
    duration_seconds: Option<u32>,
) -> Result<CredentialsResult> {
    let optional = [
        ("SerialNumber", serial_number.map(str::to_string)),
        ("TokenCode", token_code.map(str::to_string)),
        ("DurationSeconds", duration_seconds.map(|d| d.to_string())),
    ];
    let params: Vec<_> = optional
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
    call_credentials(http, at, Some(keys), "GetSessionToken", &params)
}

pub fn get_caller_identity(http: &Http, at: &Endpoint, keys: &Keys) -> Result<CallerIdentity> {
    let reply = call(http, at, Some(keys), "GetCallerIdentity", &[])?;
    let envelope: Envelope<CallerIdentity> = parse(&reply.body, "GetCallerIdentity")?;
    Ok(envelope.result)
}

fn call_credentials(
    http: &Http,
    at: &Endpoint,
    keys: Option<&Keys>,
    action: &str,
    params: &[(&str, String)],
) -> Result<CredentialsResult> {
    let reply = call(http, at, keys, action, params)?;
    let envelope: Envelope<CredentialsResult> = parse(&reply.body, action)?;
    let mut result = envelope.result;
    result.request_id = envelope
        .metadata
        .and_then(|m| m.request_id)
        .or(reply.request_id);
    Ok(result)
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8], action: &str) -> Result<T> {
    let text =
        std::str::from_utf8(body).map_err(|_| anyhow!("{action}: the answer is not UTF-8"))?;
    // Never echo the document: it holds secrets.
    quick_xml::de::from_str(text)
        .map_err(|_| anyhow!("{action}: STS sent an answer that is not the documented XML"))
}

/// Send one Query API call, signed when `keys` are given; AWS errors come back as
/// `Code: Message`, as AWS sent them.
fn call(
    http: &Http,
    at: &Endpoint,
    keys: Option<&Keys>,
    action: &str,
    params: &[(&str, String)],
) -> Result<Reply> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action);
    form.append_pair("Version", "2011-06-15");
    for (k, v) in params {
        form.append_pair(k, v);
    }
    let body = form.finish().into_bytes();
    let url = if at.url.ends_with('/') {
        at.url.clone()
    } else {
        format!("{}/", at.url)
    };
    let mut headers = vec![(
        "content-type".to_string(),
        "application/x-www-form-urlencoded; charset=utf-8".to_string(),
    )];
    if let Some(keys) = keys {
        headers.extend(sign_headers(&url, &headers, &body, &at.region, keys)?);
    }
    let reply = http
        .send("POST", &url, &headers, &body)
        .with_context(|| format!("STS {action}"))?;
    if reply.status == 200 {
        return Ok(reply);
    }
    match aws_error(&reply.body) {
        Some((code, Some(message))) => bail!("{code}: {message}"),
        Some((code, None)) => bail!("{code}"),
        None => bail!(
            "STS {action} failed with HTTP status {} (from {})",
            reply.status,
            super::http::shown_url(&at.url)
        ),
    }
}

/// `Code` and `Message` of an AWS error document, at whatever depth the service nests them
/// (`ErrorResponse/Error`, `ErrorResponse/Errors/Error`, `Response/Errors/Error`).
pub fn aws_error(body: &[u8]) -> Option<(String, Option<String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let (mut code, mut message) = (None, None);
    let mut current: Option<(bool, String)> = None;
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                current = match e.local_name().as_ref() {
                    b"Code" if code.is_none() => Some((true, String::new())),
                    b"Message" if message.is_none() => Some((false, String::new())),
                    _ => None,
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t.decode().ok()?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = &mut current {
                    let name = r.decode().ok()?;
                    match r.resolve_char_ref().ok()? {
                        Some(c) => text.push(c),
                        None => text.push_str(
                            quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""),
                        ),
                    }
                }
            }
            Event::End(_) => match current.take() {
                Some((true, text)) => code = Some(text.trim().to_string()),
                Some((false, text)) => message = Some(text.trim().to_string()),
                None => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let code = code.filter(|c| !c.is_empty())?;
    Some((code, message.filter(|m| !m.is_empty())))
}

/// The SigV4 headers for a POST to STS, from the official signer.
fn sign_headers(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    region: &str,
    keys: &Keys,
) -> Result<Vec<(String, String)>> {
    let identity = aws_credential_types::Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        keys.session_token.clone(),
        None,
        "awsp",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| anyhow!("could not sign the STS request: {e}"))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| anyhow!("could not sign the STS request: {e}"))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| anyhow!("could not sign the STS request: {e}"))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Files;

    #[test]
    fn parses_assume_role_and_errors() {
        let xml = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>
    <Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>SK</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2026-01-01T00:00:00.123Z</Expiration></Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;
        let env: Envelope<CredentialsResult> = parse(xml.as_bytes(), "AssumeRole").unwrap();
        assert_eq!(env.result.credentials.session_token, "T");
        assert_eq!(env.result.packed_policy_size, Some(6));
        assert_eq!(env.metadata.unwrap().request_id.as_deref(), Some("rid"));
        let err = br#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User &apos;x&apos; no</Message></Error></ErrorResponse>"#;
        assert_eq!(
            aws_error(err),
            Some(("AccessDenied".into(), Some("User 'x' no".into())))
        );
        let nested = br#"<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code></Error></Errors></ErrorResponse>"#;
        assert_eq!(
            aws_error(nested),
            Some(("SignatureDoesNotMatch".into(), None))
        );
        assert_eq!(aws_error(b"<html>502</html>"), None);
    }

    #[test]
    fn endpoint_precedence() {
        let files = Files::from_text(
            Some(
                "[profile a]\nregion = eu-west-1\nservices = s\nendpoint_url = http://127.0.0.1:1\n\
                 [services s]\nsts =\n  endpoint_url = http://127.0.0.1:2\n\
                 [profile b]\nregion = eu-west-1\nsts_regional_endpoints = legacy\n\
                 [profile c]\nendpoint_url = http://127.0.0.1:3\nignore_configured_endpoint_urls = true\n",
            ),
            None,
        );
        let set = files.parse().unwrap();
        let none = |_: &str| None;
        let at = |p: &str, env: &dyn Fn(&str) -> Option<String>| {
            endpoint(&set, set.profile(p).as_ref(), None, env)
        };
        assert_eq!(at("a", &none).url, "http://127.0.0.1:2");
        assert_eq!(at("a", &none).region, "eu-west-1");
        let env = |k: &str| (k == "AWS_ENDPOINT_URL_STS").then(|| "http://127.0.0.1:9".to_string());
        assert_eq!(at("a", &env).url, "http://127.0.0.1:9");
        assert_eq!(at("b", &none).url, "https://sts.amazonaws.com");
        assert_eq!(at("c", &none).url, "https://sts.us-east-1.amazonaws.com");
        let region = |k: &str| (k == "AWS_REGION").then(|| "cn-north-1".to_string());
        assert_eq!(
            at("c", &region).url,
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
    }
}
