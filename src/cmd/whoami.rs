//! `awsp whoami [PROFILE]`: STS GetCallerIdentity with the profile's credentials, or with
//! whatever the current environment selects (exported keys, else `AWS_PROFILE`, else `default`).

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cli::WhoamiArgs;
use crate::cmd::{fetch_options, json_line, unknown_profile};
use crate::config::Files;
use crate::env::process_var;
use crate::resolve::provider::{
    Session, environment_credentials, environment_web_identity, keys_of,
};
use crate::resolve::{credentials_with, sts};

#[derive(Serialize)]
struct Identity<'a> {
    profile: Option<&'a str>,
    account: &'a str,
    arn: &'a str,
    user_id: &'a str,
}

pub fn run(args: &WhoamiArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let opts = fetch_options(&args.fetch, None);
    let (profile, creds) = match &args.profile {
        Some(name) => {
            let p = set
                .profile(name)
                .ok_or_else(|| unknown_profile(&files, &set, name))?;
            (Some(p.name()), credentials_with(&set, p.name(), &opts)?)
        }
        None => match environment_credentials() {
            // Exported keys belong to the profile awsp or AWS_PROFILE names, if it exists.
            Some(creds) => {
                let name = process_var("AWS_PROFILE")
                    .or_else(|| process_var(crate::env::AWSP_PROFILE))
                    .and_then(|n| set.profile(&n).map(|p| p.name()));
                (name, creds)
            }
            None => {
                let named =
                    process_var("AWS_PROFILE").or_else(|| process_var("AWS_DEFAULT_PROFILE"));
                // The SDKs' order: exported keys, then a web identity from the environment.
                let mut session = Session::new(&set, None, &opts);
                let from_env = match named {
                    None => environment_web_identity(&mut session),
                    Some(_) => None,
                };
                match from_env {
                    Some(creds) => (None, creds?),
                    None => {
                        let name = named.unwrap_or_else(|| "default".to_string());
                        let p = set
                            .profile(&name)
                            .ok_or_else(|| unknown_profile(&files, &set, &name))?;
                        (Some(p.name()), credentials_with(&set, p.name(), &opts)?)
                    }
                }
            }
        },
    };
    let session = Session::new(&set, profile, &opts);
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
        if let Some(p) = profile {
            out.extend_from_slice(format!("profile  {p}\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "account  {}\narn      {}\nuser_id  {}\n",
                who.account, who.arn, who.user_id
            )
            .as_bytes(),
        );
    }
    Ok(())
}
