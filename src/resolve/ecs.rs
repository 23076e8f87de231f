//! `credential_source = EcsContainer`: credentials from the container credentials endpoint
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on 169.254.170.2, or `..._FULL_URI`), with the
//! authorization token from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `..._TOKEN`.

use anyhow::{Context, Result, anyhow, bail};

use super::http::Http;
use super::imds::parse_credentials_json;
use super::process::Credentials;

const ECS_HOST: &str = "http://169.254.170.2";
/// Tokens are a few hundred bytes; a larger file is not one.
const MAX_TOKEN_BYTES: u64 = 16 * 1024;

pub fn credentials(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    let url = match (
        var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(relative), _) => format!("{ECS_HOST}{relative}"),
        (None, Some(full)) => full,
        (None, None) => bail!(
            "not in a container: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"
        ),
    };
    let token = match var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(path) => Some(read_token(&path)?),
        None => var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    };
    let headers: Vec<(String, String)> = token
        .map(|t| ("authorization".to_string(), t))
        .into_iter()
        .collect();
    let http = Http::metadata();
    let reply = http
        .send("GET", &url, &headers, b"")
        .context("the container credentials endpoint did not answer")?;
    if reply.status != 200 {
        bail!(
            "the container credentials endpoint answered HTTP status {}",
            reply.status
        );
    }
    parse_credentials_json(&reply.body, "the container credentials endpoint")
}

fn read_token(path: &str) -> Result<String> {
    let bytes = crate::config::read_limited(std::path::Path::new(path), MAX_TOKEN_BYTES)
        .with_context(|| format!("could not read the container authorization token {path}"))?
        .ok_or_else(|| {
            anyhow!("could not read the container authorization token {path}: no such file")
        })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("the container authorization token {path} is not text"))?;
    let token = text.trim_end_matches(['\r', '\n']).to_string();
    if token.is_empty() {
        bail!("the container authorization token {path} is empty");
    }
    Ok(token)
}
