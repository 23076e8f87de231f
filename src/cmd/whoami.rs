//! `awsp whoami [PROFILE]`: STS GetCallerIdentity with the profile's credentials, or with
//! whatever the current environment selects (exported keys, else `AWS_PROFILE`, else `default`).

use anyhow::{Context, Result, anyhow};
use serde::Serialize;

use crate::cli::WhoamiArgs;
use crate::cmd::{fetch_options, json_line, unknown_profile};
use crate::config::Files;
use crate::env::process_var;
use crate::resolve::provider::{
    Session, environment_credentials, environment_web_identity, keys_of, walk_in,
};
use crate::resolve::{Credentials, resolve_for_credentials, sts};

#[derive(Serialize)]
struct Identity<'a> {
    profile: Option<&'a str>,
    account: &'a str,
    arn: &'a str,
    user_id: &'a str,
}

/// Where the credentials to ask about come from.
enum Source<'a> {
    Profile(&'a str),
    /// Keys exported in the environment, with the profile awsp or `AWS_PROFILE` names.
    Exported(Option<&'a str>, Credentials),
    WebIdentity,
}

pub fn run(args: &WhoamiArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let opts = fetch_options(&args.fetch, None);
    let lookup = |name: &str| {
        set.profile(name)
            .map(|p| p.name())
            .ok_or_else(|| unknown_profile(&files, &set, name))
    };
    // The SDKs' order without a profile: exported keys, a web identity from the environment,
    // then AWS_PROFILE, then `default`.
    let source = match &args.profile {
        Some(name) => Source::Profile(lookup(name)?),
        None => match environment_credentials() {
            Some(creds) => {
                let name = process_var("AWS_PROFILE")
                    .or_else(|| process_var(crate::env::AWSP_PROFILE))
                    .and_then(|n| set.profile(&n).map(|p| p.name()));
                Source::Exported(name, creds)
            }
            None => {
                let named = crate::cmd::environment_profile();
                let web_identity = process_var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                    && process_var("AWS_ROLE_ARN").is_some();
                match named {
                    None if web_identity => Source::WebIdentity,
                    named => Source::Profile(lookup(named.as_deref().unwrap_or("default"))?),
                }
            }
        },
    };
    let profile = match &source {
        Source::Profile(p) => Some(*p),
        Source::Exported(p, _) => *p,
        Source::WebIdentity => None,
    };
    // One session for the whole run: the chain's calls and GetCallerIdentity share connections.
    let mut session = Session::new(&set, profile, &opts);
    let creds = match source {
        Source::Profile(p) => {
            let chain = resolve_for_credentials(&set, p).map_err(|e| anyhow!("{e}"))?;
            walk_in(&mut session, &set, &chain, p)?
        }
        Source::Exported(_, creds) => creds,
        Source::WebIdentity => environment_web_identity(&mut session)
            .unwrap_or_else(|| Err(anyhow!("no web identity in the environment")))?,
    };
    let who = sts::get_caller_identity(&session.http, &session.endpoint, &keys_of(&creds))
        .with_context(|| match profile {
            Some(p) => format!("could not verify the credentials of profile '{p}'"),
            None => "could not verify the credentials in the environment".to_string(),
        })?;
    if args.json {
        json_line(
            out,
            &Identity {
                profile,
                account: &who.account,
                arn: &who.arn,
                user_id: &who.user_id,
            },
        )?;
    } else {
        // STS's answer is text from the network: escaped for the terminal, as every listing.
        let mut text = String::new();
        if let Some(p) = profile {
            text.push_str(&format!("profile  {p}\n"));
        }
        text.push_str(&format!(
            "account  {}\narn      {}\nuser_id  {}\n",
            who.account, who.arn, who.user_id
        ));
        crate::cmd::human(out, text.as_bytes());
    }
    Ok(())
}
