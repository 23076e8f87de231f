//! `awsp show PROFILE`: effective settings with where each comes from, and the chain.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::cli::ShowArgs;
use crate::cmd::list::{SettingsJson, defined_at};
use crate::cmd::{human, json_line, unknown_profile};
use crate::config::Files;
use crate::resolve::{Step, kind_of, resolve_for_credentials};
use crate::secret::shown;

pub fn run(args: &ShowArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    let name = args.profile();
    let profile = set
        .profile(name)
        .ok_or_else(|| unknown_profile(&files, &set, name))?;
    let chain = resolve_for_credentials(&set, profile.name());
    if args.json {
        let steps: Option<Vec<StepJson<'_>>> = chain.as_ref().ok().map(|steps| {
            steps
                .iter()
                .map(|step| StepJson {
                    step,
                    reveal: args.reveal,
                })
                .collect()
        });
        return json_line(
            out,
            &ShowJson {
                name: profile.name(),
                kind: kind_of(&profile),
                region: profile.get("region"),
                expires: crate::cmd::import::expiry(&profile)
                    .map(|(at, _)| crate::cmd::import::rfc3339(at)),
                settings: SettingsJson::new(&profile, args.reveal),
                chain: steps,
                chain_error: chain.as_ref().err().map(ToString::to_string),
            },
        );
    }
    // Written here, escaped for the terminal into `out` at the end.
    let mut buf = Vec::new();
    let text = &mut buf;
    writeln!(text, "profile   {}", profile.name())?;
    writeln!(text, "kind      {}", kind_of(&profile))?;
    writeln!(text, "region    {}", profile.get("region").unwrap_or("-"))?;
    writeln!(text, "defined   {}", defined_at(profile.sources()))?;
    if let Some((at, when)) = crate::cmd::import::expiry(&profile) {
        writeln!(
            text,
            "expires   {} ({when})",
            crate::cmd::import::rfc3339(at)
        )?;
    }
    let settings = profile.settings();
    writeln!(text, "\nsettings")?;
    if settings.is_empty() {
        writeln!(text, "  (none)")?;
    }
    let width = settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
    let shown_values: Vec<_> = settings
        .iter()
        .map(|s| shown(&s.key, &s.value, args.reveal))
        .collect();
    let value_width = shown_values
        .iter()
        .filter(|v| !v.contains('\n'))
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(0);
    for (s, value) in settings.iter().zip(shown_values) {
        let at = files.at(s.origin);
        if value.contains('\n') {
            // A multi-line value (sub-properties): where it is, then its lines indented.
            writeln!(text, "  {:width$}  {at}", s.key)?;
            for line in value.lines().filter(|l| !l.is_empty()) {
                writeln!(text, "  {:width$}    {line}", "")?;
            }
        } else {
            let pad = value_width - value.chars().count();
            writeln!(text, "  {:width$}  {value}{:pad$}  {at}", s.key, "")?;
        }
    }
    writeln!(text, "\ncredential chain")?;
    match &chain {
        Ok(steps) => {
            for (i, step) in steps.iter().enumerate() {
                writeln!(
                    text,
                    "  {}. {} (profile {})",
                    i + 1,
                    step.kind.name(),
                    step.profile
                )?;
                for (k, v) in &step.settings {
                    writeln!(text, "       {k} = {}", shown(k, v, args.reveal))?;
                }
            }
        }
        Err(e) => writeln!(text, "  cannot be resolved: {e}")?,
    }
    human(out, &buf);
    Ok(())
}

#[derive(Serialize)]
struct ShowJson<'s> {
    name: &'s str,
    kind: &'static str,
    region: Option<&'s str>,
    /// When imported credentials expire (`x_security_token_expires`), RFC 3339 UTC, as in
    /// `list --json`.
    expires: Option<String>,
    settings: SettingsJson<'s>,
    chain: Option<Vec<StepJson<'s>>>,
    chain_error: Option<String>,
}

/// A step as `{"type", "profile", then its settings in the order they are used}`.
struct StepJson<'s> {
    step: &'s Step,
    reveal: bool,
}

impl Serialize for StepJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.step.settings.len() + 2))?;
        map.serialize_entry("type", self.step.kind.name())?;
        map.serialize_entry("profile", &self.step.profile)?;
        for (k, v) in &self.step.settings {
            map.serialize_entry(k, &shown(k, v, self.reveal))?;
        }
        map.end()
    }
}
