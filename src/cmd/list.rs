//! `awsp list`: names (for completion, so plain and fast), `--long` table, `--json`.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use time::OffsetDateTime;

use crate::cli::ListArgs;
use crate::cmd::import::{expiry, rfc3339, span};
use crate::cmd::{current, human, json_line};
use crate::config::{Files, Origin, ProfileSet, Section};
use crate::resolve::kind_of;
use crate::secret::shown;

pub fn run(args: &ListArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    if args.json {
        write_json(out, &files, &set, args.reveal)
    } else if args.long {
        long(&files, &set, out)
    } else {
        for name in set.profile_names() {
            out.extend_from_slice(name.as_bytes());
            out.push(b'\n');
        }
        Ok(())
    }
}

/// `config:12 credentials:3`: the file name and line of each section header.
pub fn defined_at(sources: &[Origin]) -> String {
    sources
        .iter()
        .map(|o| format!("{}:{}", o.file.name(), o.line))
        .collect::<Vec<_>>()
        .join(" ")
}

fn long(files: &Files, set: &ProfileSet<'_>, out: &mut Vec<u8>) -> Result<()> {
    let mut buf = Vec::new();
    long_table(files, set, &mut buf)?;
    human(out, &buf);
    Ok(())
}

fn long_table(files: &Files, set: &ProfileSet<'_>, out: &mut Vec<u8>) -> Result<()> {
    let active = current::active_profile();
    let now = OffsetDateTime::now_utc();
    let rows: Vec<[String; 5]> = set
        .profiles()
        .iter()
        .map(|p| {
            [
                if p.name() == active.name { "*" } else { " " }.to_string(),
                p.name().to_string(),
                kind_cell(p, now),
                p.get("region").unwrap_or("-").to_string(),
                defined_at(p.sources()),
            ]
        })
        .collect();
    let header = [
        String::new(),
        "NAME".into(),
        "KIND".into(),
        "REGION".into(),
        "DEFINED AT".into(),
    ];
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i == row.len() - 1 {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + if i == 0 { 1 } else { 2 }));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if rows.is_empty() {
        writeln!(
            out,
            "(no profiles in {} or {})",
            files.config.described(),
            files.credentials.described()
        )?;
    }
    Ok(())
}

/// The kind, and for credentials `import` wrote with an expiry the time left:
/// `session (42m)`, `session (expired)`.
fn kind_cell(p: &Section<'_>, now: OffsetDateTime) -> String {
    let kind = kind_of(p);
    match expiry(p) {
        Some((at, _)) if at <= now => format!("{kind} (expired)"),
        Some((at, _)) => format!("{kind} ({})", span((at - now).whole_minutes())),
        None => kind.to_string(),
    }
}

/// A profile's or SSO session's effective settings, serialized as a JSON object (sorted by
/// key), secrets masked unless `reveal`. Borrowed, so 10,000 profiles cost no copies.
pub struct SettingsJson<'s> {
    settings: Vec<(&'s str, Cow<'s, str>)>,
}

impl<'s> SettingsJson<'s> {
    pub fn new(section: &'s Section<'_>, reveal: bool) -> Self {
        let settings = section
            .settings()
            .into_iter()
            .map(|s| (&*s.key, shown(&s.key, &s.value, reveal)))
            .collect();
        SettingsJson { settings }
    }
}

impl Serialize for SettingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.settings.len()))?;
        for (k, v) in &self.settings {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ListJson<'s> {
    config_file: String,
    credentials_file: String,
    profiles: Vec<ProfileJson<'s>>,
    sso_sessions: Vec<SsoSessionJson<'s>>,
}

#[derive(Serialize)]
struct ProfileJson<'s> {
    name: &'s str,
    kind: &'static str,
    region: Option<&'s str>,
    /// When imported credentials expire (`x_security_token_expires`), RFC 3339 UTC.
    expires: Option<String>,
    sources: Vec<&'static str>,
    settings: SettingsJson<'s>,
}

#[derive(Serialize)]
struct SsoSessionJson<'s> {
    name: &'s str,
    settings: SettingsJson<'s>,
}

fn write_json(out: &mut Vec<u8>, files: &Files, set: &ProfileSet<'_>, reveal: bool) -> Result<()> {
    let profiles = set.profiles();
    let sso_sessions = set.sso_sessions();
    let doc = ListJson {
        config_file: files.config.path.display().to_string(),
        credentials_file: files.credentials.path.display().to_string(),
        profiles: profiles
            .iter()
            .map(|p| {
                let mut sources: Vec<&str> = p.sources().iter().map(|o| o.file.name()).collect();
                sources.dedup();
                ProfileJson {
                    name: p.name(),
                    kind: kind_of(p),
                    region: p.get("region"),
                    expires: expiry(p).map(|(at, _)| rfc3339(at)),
                    sources,
                    settings: SettingsJson::new(p, reveal),
                }
            })
            .collect(),
        sso_sessions: sso_sessions
            .iter()
            .map(|s| SsoSessionJson {
                name: s.name(),
                settings: SettingsJson::new(s, reveal),
            })
            .collect(),
    };
    json_line(out, &doc)
}
