//! `awsp current`: what the environment selects, whether or not it is defined.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::CurrentArgs;
use crate::cmd::json_line;
use crate::config::Files;
use crate::env::{self, Mode, process_var as var};

/// The profile this shell acts as, and what selects it.
pub struct Active {
    pub name: String,
    pub from: &'static str,
}

/// What the environment selects ([`env::active`]), else `default`.
pub fn active_profile() -> Active {
    match env::active(&var) {
        Some((name, Mode::Profile)) => Active {
            name,
            from: "AWS_PROFILE",
        },
        Some((name, Mode::Creds)) => Active {
            name,
            from: "credentials exported by `awsp use --creds`",
        },
        None => Active {
            name: "default".into(),
            from: "default: AWS_PROFILE is not set",
        },
    }
}

pub fn run(args: &CurrentArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let active = active_profile();
    let profile = set.profile(&active.name);
    let (region, region_from) = match (var("AWS_REGION"), var("AWS_DEFAULT_REGION")) {
        (Some(r), _) => (Some(r), "AWS_REGION".to_string()),
        (None, Some(r)) => (Some(r), "AWS_DEFAULT_REGION".to_string()),
        _ => match profile.as_ref().and_then(|p| p.setting("region")) {
            Some(s) => (Some(s.value.to_string()), files.at(s.origin)),
            None => (None, String::new()),
        },
    };
    if args.json {
        return json_line(
            out,
            &CurrentJson {
                profile: &active.name,
                region: region.as_deref(),
                config_file: files.config.path.display().to_string(),
                credentials_file: files.credentials.path.display().to_string(),
                defined: profile.is_some(),
            },
        );
    }
    let defined = if profile.is_some() {
        String::new()
    } else {
        "  — not defined in either file".to_string()
    };
    writeln!(
        out,
        "profile      {} ({}){defined}",
        active.name, active.from
    )?;
    match region {
        Some(r) => writeln!(out, "region       {r} ({region_from})")?,
        None => writeln!(out, "region       -")?,
    }
    writeln!(out, "config       {}", files.config.described())?;
    writeln!(out, "credentials  {}", files.credentials.described())?;
    if let Some(other) = var("AWS_DEFAULT_PROFILE").filter(|p| *p != active.name) {
        writeln!(
            out,
            "note         AWS_DEFAULT_PROFILE={other} is set: the AWS CLI (botocore) reads it before AWS_PROFILE"
        )?;
    }
    if active.from == "AWS_PROFILE" && var("AWS_ACCESS_KEY_ID").is_some() {
        writeln!(
            out,
            "note         AWS_ACCESS_KEY_ID is set: most SDKs use those keys, not the profile"
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct CurrentJson<'s> {
    profile: &'s str,
    region: Option<&'s str>,
    config_file: String,
    credentials_file: String,
    defined: bool,
}
