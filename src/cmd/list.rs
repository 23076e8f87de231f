//! `awsp list`: names (for completion, so plain and fast), `--long` table, `--json`.

use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::cli::ListArgs;
use crate::cmd::{current, json_line, shown};
use crate::config::{Files, Origin, ProfileSet, Section};
use crate::resolve::kind_of;

pub fn run(args: &ListArgs, out: &mut Vec<u8>) -> Result<()> {
    let files = Files::load()?;
    let set = files.parse()?;
    if args.json {
        json_line(out, &to_json(&files, &set, args.reveal))
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

/// Profile names for shell completion; a broken file gives no names rather than an error.
pub fn profile_names_for_completion() -> Vec<String> {
    let Ok(files) = Files::load() else {
        return Vec::new();
    };
    match files.parse() {
        Ok(set) => set
            .profile_names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        Err(_) => Vec::new(),
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
    let active = current::active_profile();
    let rows: Vec<[String; 5]> = set
        .profiles()
        .iter()
        .map(|p| {
            [
                if p.name() == active.name { "*" } else { " " }.to_string(),
                p.name().to_string(),
                kind_of(p).to_string(),
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
            files.config.display, files.credentials.display
        )?;
    }
    Ok(())
}

/// A profile's or SSO session's settings as a JSON object, secrets masked unless `reveal`.
pub fn settings_json(section: &Section<'_>, reveal: bool) -> Value {
    let mut map = Map::new();
    for s in section.settings() {
        map.insert(
            s.key.to_string(),
            Value::from(shown(&s.key, &s.value, reveal)),
        );
    }
    Value::Object(map)
}

fn to_json(files: &Files, set: &ProfileSet<'_>, reveal: bool) -> Value {
    let profiles: Vec<Value> = set
        .profiles()
        .iter()
        .map(|p| {
            let mut sources: Vec<&str> = p.sources().iter().map(|o| o.file.name()).collect();
            sources.dedup();
            json!({
                "name": p.name(),
                "kind": kind_of(p),
                "region": p.get("region"),
                "sources": sources,
                "settings": settings_json(p, reveal),
            })
        })
        .collect();
    let sso_sessions: Vec<Value> = set
        .sso_sessions()
        .iter()
        .map(|s| json!({"name": s.name(), "settings": settings_json(s, reveal)}))
        .collect();
    json!({
        "config_file": files.config.path.display().to_string(),
        "credentials_file": files.credentials.path.display().to_string(),
        "profiles": profiles,
        "sso_sessions": sso_sessions,
    })
}
