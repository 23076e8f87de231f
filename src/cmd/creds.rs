//! `awsp creds [PROFILE]`: the resolved credentials on stdout for other tools. The default
//! format is the `credential_process` JSON, so `credential_process = awsp creds P` hands any SDK
//! awsp's cached (MFA) session.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use crate::cli::{CredsArgs, CredsFormat};
use crate::cmd::{fetch_options, json_line, unknown_profile};
use crate::config::Files;
use crate::env::process_var;
use crate::resolve::credentials_with;

/// The profiles an `awsp creds` up the process tree is resolving: a `credential_process` that
/// calls `awsp creds` on its own profile would otherwise recurse for ever.
const ACTIVE_VAR: &str = "AWSP_CREDS_ACTIVE";

pub fn run(args: &CredsArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let name = crate::cmd::named_or_selected(args.profile.as_deref());
    let profile = set
        .profile(&name)
        .ok_or_else(|| unknown_profile(&files, &set, &name))?;
    let active = process_var(ACTIVE_VAR).unwrap_or_default();
    if active.split('\n').any(|p| p == profile.name()) {
        bail!(
            "profile '{}' loops: its credentials are being resolved by an `awsp creds` that called itself (credential_process = awsp creds {} on the same profile?)",
            profile.name(),
            profile.name()
        );
    }
    let chain = if active.is_empty() {
        profile.name().to_string()
    } else {
        format!("{active}\n{}", profile.name())
    };
    // SAFETY: awsp is single-threaded here; the variable is read by child processes only.
    unsafe { std::env::set_var(ACTIVE_VAR, chain) };
    let creds = credentials_with(&set, profile.name(), &fetch_options(&args.fetch, None))?;
    let expiration = creds.expiration_rfc3339();
    match args.format {
        CredsFormat::Env => {
            let mut line =
                |k: &str, v: &str| out.extend_from_slice(format!("{k}={v}\n").as_bytes());
            line("AWS_ACCESS_KEY_ID", &creds.access_key_id);
            line("AWS_SECRET_ACCESS_KEY", &creds.secret_access_key);
            if let Some(token) = &creds.session_token {
                line("AWS_SESSION_TOKEN", token);
            }
            if let Some(at) = &expiration {
                line("AWS_CREDENTIAL_EXPIRATION", at);
            }
            if let Some(account) = &creds.account_id {
                line("AWS_ACCOUNT_ID", account);
            }
        }
        CredsFormat::Process | CredsFormat::Json => {
            let mut doc = Map::new();
            doc.insert("Version".into(), json!(1));
            doc.insert("AccessKeyId".into(), json!(creds.access_key_id));
            doc.insert("SecretAccessKey".into(), json!(creds.secret_access_key));
            if let Some(token) = &creds.session_token {
                doc.insert("SessionToken".into(), json!(token));
            }
            if let Some(at) = &expiration {
                doc.insert("Expiration".into(), json!(at));
            }
            if let Some(account) = &creds.account_id {
                doc.insert("AccountId".into(), json!(account));
            }
            let doc = Value::Object(doc);
            if args.format == CredsFormat::Json {
                json_line(out, &doc)?;
            } else {
                serde_json::to_writer(&mut *out, &doc)?;
                out.push(b'\n');
            }
        }
    }
    Ok(())
}
