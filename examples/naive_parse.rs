//! The benchmark's baseline: the AWS files parsed the quick way, std only.
//!
//! `cargo run --release --example naive_parse -- list` prints the profile names, sorted;
//! `... -- show NAME` prints that profile's settings. The files are found as awsp finds them
//! (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/`). Every key and value
//! becomes its own `String` in a map of maps, the way a parser is usually written in a hurry.
//! It is meant to be fair, not slow: output is buffered like awsp's. It ignores most of the
//! format's finer rules (continuation lines, which sections count), so it is not a parser to
//! use; bench/run.sh checks that its `list` agrees with awsp's on the generated files.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

type Profiles = HashMap<String, HashMap<String, String>>;

fn file_path(var: &str, default: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(path) => PathBuf::from(path),
        None => {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".aws").join(default)
        }
    }
}

/// Read one file into `profiles`; later values replace earlier ones.
fn parse_into(profiles: &mut Profiles, path: &PathBuf, is_config: bool) -> io::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let header = rest.split(']').next().unwrap_or("").trim();
            current = if !is_config {
                Some(header.to_string())
            } else if let Some(name) = header.strip_prefix("profile ") {
                Some(name.trim().to_string())
            } else if header == "default" {
                Some(header.to_string())
            } else {
                // `[sso-session X]`, `[services X]`: not profiles.
                None
            };
            if let Some(name) = &current {
                profiles.entry(name.clone()).or_default();
            }
            continue;
        }
        let (Some(name), Some((key, value))) = (&current, line.split_once('=')) else {
            continue;
        };
        let value = match value.find(" #").or_else(|| value.find(" ;")) {
            Some(cut) => &value[..cut],
            None => value,
        };
        if let Some(settings) = profiles.get_mut(name) {
            settings.insert(key.trim().to_string(), value.trim().to_string());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut profiles = Profiles::new();
    for (var, default, is_config) in [
        ("AWS_CONFIG_FILE", "config", true),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials", false),
    ] {
        let path = file_path(var, default);
        if let Err(e) = parse_into(&mut profiles, &path, is_config) {
            eprintln!("naive_parse: could not read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["list"] => {
            let mut names: Vec<&String> = profiles.keys().collect();
            names.sort();
            names.iter().try_for_each(|name| writeln!(out, "{name}"))
        }
        ["show", name] => {
            let Some(settings) = profiles.get(name) else {
                eprintln!("naive_parse: profile '{name}' not found");
                return ExitCode::FAILURE;
            };
            let mut keys: Vec<(&String, &String)> = settings.iter().collect();
            keys.sort();
            writeln!(out, "profile {name}").and_then(|()| {
                keys.iter()
                    .try_for_each(|(k, v)| writeln!(out, "{k} = {v}"))
            })
        }
        _ => {
            eprintln!("usage: naive_parse list | naive_parse show NAME");
            return ExitCode::from(2);
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("naive_parse: {e}");
            ExitCode::FAILURE
        }
    }
}
