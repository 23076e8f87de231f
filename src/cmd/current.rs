//! `awsp current`: what the environment selects, whether or not it is defined.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::CurrentArgs;
use crate::cmd::{human, json_line};
use crate::config::{Files, ProfileSet};
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

/// The region the SDKs will use, and where it comes from.
pub struct Region {
    pub value: String,
    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, or `profile`: the `region` of [`Region::profile`].
    pub source: &'static str,
    /// The profile whose `region` setting it is, with where that is written.
    pub profile: Option<(String, String)>,
}

/// `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the `region` of the profile the SDKs read:
/// `AWS_PROFILE`, or `default` when it is not set — also after `use --creds`, which exports
/// keys and no `AWS_PROFILE`, so the SDKs take the region of `[default]`, not of the profile
/// the keys came from. (The Rust, Go and Java SDKs and AWS CLI v2 read `AWS_REGION` first;
/// botocore reads only `AWS_DEFAULT_REGION`: awsp sets both to the same value.)
pub fn sdk_region(files: &Files, set: &ProfileSet<'_>) -> Option<Region> {
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(value) = var(name) {
            return Some(Region {
                value,
                source: name,
                profile: None,
            });
        }
    }
    let sdk_profile = var("AWS_PROFILE").unwrap_or_else(|| "default".to_string());
    let setting = set.profile(&sdk_profile)?.setting("region")?.clone();
    Some(Region {
        value: setting.value.to_string(),
        source: "profile",
        profile: Some((sdk_profile, files.at(setting.origin))),
    })
}

pub fn run(args: &CurrentArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let active = active_profile();
    let profile = set.profile(&active.name);
    let region = sdk_region(&files, &set);
    if args.json {
        return json_line(
            out,
            &CurrentJson {
                profile: &active.name,
                region: region.as_ref().map(|r| r.value.as_str()),
                region_source: region.as_ref().map(|r| r.source),
                region_profile: region
                    .as_ref()
                    .and_then(|r| r.profile.as_ref())
                    .map(|(name, _)| name.as_str()),
                config_file: files.config.path.display().to_string(),
                credentials_file: files.credentials.path.display().to_string(),
                defined: profile.is_some(),
            },
        );
    }
    // Written here, escaped for the terminal into `out` at the end.
    let mut buf = Vec::new();
    let text = &mut buf;
    let defined = if profile.is_some() {
        String::new()
    } else {
        "  — not defined in either file".to_string()
    };
    writeln!(
        text,
        "profile      {} ({}){defined}",
        active.name, active.from
    )?;
    match &region {
        Some(Region {
            value,
            profile: Some((name, at)),
            ..
        }) => writeln!(
            text,
            "region       {value} (region of profile {name}, {at})"
        )?,
        Some(Region { value, source, .. }) => writeln!(text, "region       {value} ({source})")?,
        None => writeln!(text, "region       -")?,
    }
    writeln!(text, "config       {}", files.config.described())?;
    writeln!(text, "credentials  {}", files.credentials.described())?;
    if let Some(other) = var("AWS_DEFAULT_PROFILE").filter(|p| *p != active.name) {
        writeln!(
            text,
            "note         AWS_DEFAULT_PROFILE={other} is set: the AWS CLI (botocore) reads it before AWS_PROFILE"
        )?;
    }
    if let (Some(region), Some(default)) = (var("AWS_REGION"), var("AWS_DEFAULT_REGION")) {
        if region != default {
            writeln!(
                text,
                "note         AWS_DEFAULT_REGION={default} differs: the AWS CLI (botocore) uses it, not AWS_REGION"
            )?;
        }
    }
    if active.from == "AWS_PROFILE" && var("AWS_ACCESS_KEY_ID").is_some() {
        writeln!(
            text,
            "note         AWS_ACCESS_KEY_ID is set: most SDKs use those keys, not the profile"
        )?;
    }
    human(out, &buf);
    Ok(())
}

#[derive(Serialize)]
struct CurrentJson<'s> {
    profile: &'s str,
    region: Option<&'s str>,
    region_source: Option<&'static str>,
    region_profile: Option<&'s str>,
    config_file: String,
    credentials_file: String,
    defined: bool,
}
