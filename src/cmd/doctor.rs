//! `awsp doctor`: what is wrong with this setup, each finding with where it is, how bad it is, a
//! stable code and how to fix it.
//!
//! Five sources: the two files as the SDKs read them (parse errors, ignored sections and keys,
//! overridden keys, broken role and SSO profiles), the same files as the AWS CLI's botocore
//! reads them (its `configparser` differs from the SDKs' parser; every difference claimed here
//! is measured against the real botocore in `tests/doctor.rs`), the files' permissions, the
//! caches shared with the AWS CLI (read, never refreshed: no network) and the environment. Values are shown only through the one masking rule ([`secret::shown`]).

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::DoctorArgs;
use crate::cmd::{human, json_line, unknown_profile};
use crate::config::model::split_header;
use crate::config::parse::{self, RawFile};
use crate::config::{FileKind, Files, ProfileSet, Section, SourceFile, locate, read_source};
use crate::env::{process_env, process_var as var};
use crate::resolve::StepKind;
use crate::secret;
use crate::shell::Shell;
use crate::terminal::escaped;

/// At most this many syntax errors are reported per file (each one re-parses the file).
const MAX_PARSE_ERRORS: usize = 50;
/// At most this many cache files are checked for their permissions.
const MAX_CACHE_FILES: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a finding is: a file (and line), or the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    File(FileKind, Option<usize>),
    Cache,
    Environment,
}

#[derive(Debug, Clone)]
struct Finding {
    severity: Severity,
    code: &'static str,
    place: Place,
    /// For `Place::Cache`: the file's path, and as shown (`~/...`).
    path: Option<(String, String)>,
    message: String,
    fix: String,
}

#[derive(Serialize)]
struct FindingJson<'f> {
    severity: Severity,
    code: &'static str,
    file: Option<String>,
    line: Option<usize>,
    message: &'f str,
    fix: &'f str,
}

#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
}

impl Report {
    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        place: Place,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.findings.push(Finding {
            severity,
            code,
            place,
            path: None,
            message: message.into(),
            fix: fix.into(),
        });
    }

    fn at(
        &mut self,
        severity: Severity,
        code: &'static str,
        file: FileKind,
        line: usize,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.add(severity, code, Place::File(file, Some(line)), message, fix);
    }
}

/// Exit status: 1 when any finding is an error. `wrapped`: run through the shell integration's
/// wrapper (`--wrapper SHELL`), the only way to tell that the calling shell has loaded it (a
/// shell function is visible to no child process, and the integration exports nothing).
pub fn run(args: &DoctorArgs, wrapped: bool, out: &mut Vec<u8>) -> Result<i32> {
    let locations = locate::locate(&|k| std::env::var_os(k))?;
    let mut report = Report::default();
    let read = |kind, path: &std::path::Path, report: &mut Report| match read_source(
        kind, path, &locations,
    ) {
        Ok(source) => source,
        Err(err) => {
            report.add(
                Severity::Error,
                "unreadable-file",
                Place::File(kind, None),
                format!("{err:#}"),
                "make it a readable UTF-8 text file (or point the variable elsewhere)",
            );
            SourceFile {
                kind,
                path: path.to_path_buf(),
                display: locations.display(path),
                text: None,
            }
        }
    };
    let config = read(FileKind::Config, &locations.config, &mut report);
    let credentials = read(FileKind::Credentials, &locations.credentials, &mut report);
    let files = Files {
        config,
        credentials,
    };
    diagnose(&files, locations.home.as_deref(), &mut report);
    cache_permissions(locations.home.as_deref(), &mut report);
    if !wrapped {
        integration_not_loaded(&mut report);
    }

    let mut findings = report.findings;
    findings.sort_by(|a, b| (a.place, a.severity, &a.path).cmp(&(b.place, b.severity, &b.path)));
    let file_of = |f: &Finding, display: bool| match f.place {
        Place::File(kind, _) => Some(if display {
            files.source(kind).display.clone()
        } else {
            files.source(kind).path.display().to_string()
        }),
        Place::Cache => f
            .path
            .as_ref()
            .map(|(full, shown)| if display { shown.clone() } else { full.clone() }),
        Place::Environment => None,
    };
    let line_of = |f: &Finding| match f.place {
        Place::File(_, line) => line,
        _ => None,
    };
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if args.json {
        let json: Vec<FindingJson<'_>> = findings
            .iter()
            .map(|f| FindingJson {
                severity: f.severity,
                code: f.code,
                file: file_of(f, false),
                line: line_of(f),
                message: &f.message,
                fix: &f.fix,
            })
            .collect();
        json_line(out, &json)?;
    } else {
        let mut buf = Vec::new();
        for f in &findings {
            let place = match (file_of(f, true), line_of(f)) {
                (Some(file), Some(line)) => format!("{file}:{line}"),
                (Some(file), None) => file,
                (None, _) => "environment".to_string(),
            };
            // One line each: names and values in messages come from files and variables.
            writeln!(
                buf,
                "{:<8}{}: {} [{}]",
                f.severity.name(),
                escaped(&place),
                escaped(&f.message),
                f.code
            )?;
            writeln!(buf, "        fix: {}", escaped(&f.fix))?;
        }
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        if findings.is_empty() {
            writeln!(
                buf,
                "no problems found in {} and {}",
                files.config.described(),
                files.credentials.described()
            )?;
        } else {
            writeln!(
                buf,
                "{}, {}, {}",
                plural(count(Severity::Error), "error"),
                plural(count(Severity::Warning), "warning"),
                plural(count(Severity::Info), "note")
            )?;
        }
        human(out, &buf);
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

/// Not run through the integration's wrapper (which passes `--wrapper SHELL`). The shell is
/// unknown, so the fix names the load lines of the common shells.
fn integration_not_loaded(report: &mut Report) {
    let lines: Vec<String> = [Shell::Bash, Shell::Zsh, Shell::Fish]
        .iter()
        .filter_map(|shell| shell.spec().init.as_ref())
        .map(|init| format!("{}: `{}`", init.title, init.load))
        .collect();
    report.add(
        Severity::Info,
        "integration-not-loaded",
        Place::Environment,
        "awsp doctor was not run through the shell integration's `awsp` function: this shell has not loaded it, or you ran the binary directly",
        format!(
            "add the load line to your shell's rc file ({}; every shell: `awsp init --help`), then open a new shell",
            lines.join(", ")
        ),
    );
}

/// Everything about the two files and the environment.
fn diagnose(files: &Files, home: Option<&std::path::Path>, report: &mut Report) {
    if files.config.text.is_none() && files.credentials.text.is_none() {
        report.add(
            Severity::Info,
            "no-files",
            Place::Environment,
            format!(
                "neither {} nor {} exists: there are no profiles",
                files.config.display, files.credentials.display
            ),
            "create a profile with `aws configure`, or point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at your files",
        );
    }
    // Each file's text with its syntax errors patched out, so that the rest can be checked too.
    let mut texts = Vec::new();
    for source in [&files.config, &files.credentials] {
        let text = source.text.as_deref().unwrap_or("");
        let patched = recover(source.kind, text, report);
        permissions(source, report);
        texts.push((source.kind, patched));
    }
    let raws: Vec<(FileKind, RawFile<'_>)> = texts
        .iter()
        .map(|(kind, text)| (*kind, parse::parse(text).unwrap_or_default()))
        .collect();
    for ((kind, text), (_, raw)) in texts.iter().zip(&raws) {
        botocore_differences(*kind, text, raw, report);
    }
    let set = ProfileSet::new(
        texts
            .iter()
            .map(|(kind, text)| (*kind, parse::parse(text).unwrap_or_default()))
            .collect(),
    );
    ignored(&set, &texts, report);
    overridden(&set, report);
    chains(files, &set, report);
    cached(&set, home, report);
    environment(files, &set, report);
}

/// The text with every syntax error reported and patched: a broken header gets its `]`, any
/// other bad line (and the continuation lines under it) becomes blank. Line numbers stay.
fn recover(kind: FileKind, text: &str, report: &mut Report) -> String {
    let mut patched = text.to_string();
    for _ in 0..MAX_PARSE_ERRORS {
        let err = match parse::parse(&patched) {
            Ok(_) => return patched,
            Err(err) => err,
        };
        let mut lines: Vec<String> = patched.split('\n').map(str::to_string).collect();
        let idx = err.line - 1;
        let Some(line) = lines.get(idx).cloned() else {
            return patched;
        };
        let trimmed = line.trim_end_matches('\r').trim_matches([' ', '\t']);
        let is_header = trimmed.starts_with('[');
        let (code, message, fix) = if is_header {
            (
                "parse-error",
                format!("{}: the SDKs (and awsp) refuse the whole file", err.message),
                "close the section header with `]`".to_string(),
            )
        } else if err.message == "Expected an '=' sign defining a sub-property"
            && trimmed.starts_with(['#', ';'])
        {
            (
                "indented-comment",
                "an indented comment inside a sub-property block: the SDKs (and awsp) refuse the whole file; botocore (the AWS CLI) skips it".to_string(),
                "start comment lines in the first column".to_string(),
            )
        } else if err.message == "Expected a profile definition" {
            (
                "key-outside-section",
                "a setting before the first [section]: the SDKs (and awsp) refuse the whole file, and so does botocore (the AWS CLI)".to_string(),
                "move it into a section such as [default], or delete it".to_string(),
            )
        } else if err.message == "Expected an '=' sign defining a property"
            && colon_before_equals(trimmed)
        {
            // Only a key-like word before the `:` is shown: the line may be anything.
            let key = trimmed.split(':').next().unwrap_or("").trim();
            (
                "colon-separator",
                format!(
                    "`{key}: ...` uses `:`: the SDKs (and awsp) refuse the whole file, while botocore (the AWS CLI) reads it as `{key} = ...`"
                ),
                format!("write `{key} = VALUE`"),
            )
        } else {
            (
                "parse-error",
                format!(
                    "{}: the SDKs (and awsp) refuse the whole file",
                    err.message
                ),
                "write settings as `key = value` inside a [section]; continuation lines need a setting above them".to_string(),
            )
        };
        report.at(Severity::Error, code, kind, err.line, message, fix);
        if is_header {
            let cut = trimmed
                .find(['#', ';'])
                .map_or(trimmed, |i| trimmed[..i].trim_end());
            lines[idx] = match cut.find(']') {
                Some(end) => cut[..=end].to_string(),
                None => format!("{cut}]"),
            };
        } else {
            lines[idx] = String::new();
            for next in lines.iter_mut().skip(idx + 1) {
                if next.starts_with([' ', '\t']) {
                    next.clear();
                } else {
                    break;
                }
            }
        }
        patched = lines.join("\n");
    }
    patched
}

/// `key: value` (a `:` before any `=`, a plain key before it), which botocore reads as
/// `key = value`.
fn colon_before_equals(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let key = line[..colon].trim_end();
    line.find('=').is_none_or(|eq| colon < eq)
        && !key.is_empty()
        && key.len() <= 64
        && crate::config::model::is_identifier(key)
}

/// A file readable by group or others.
fn permissions(source: &SourceFile, report: &mut Report) {
    let Some(mode) = group_or_other_bits(&source.path) else {
        return;
    };
    // The config file rarely holds secrets; when it does, it is as sensitive as credentials.
    let holds_secrets = source.kind == FileKind::Credentials
        || source
            .text
            .as_deref()
            .is_some_and(|t| t.lines().any(line_sets_secret));
    let severity = if holds_secrets {
        Severity::Warning
    } else {
        Severity::Info
    };
    report.add(
        severity,
        "file-permissions",
        Place::File(source.kind, None),
        format!(
            "readable by {} (mode {mode:o}){}",
            if mode & 0o004 != 0 {
                "others"
            } else {
                "its group"
            },
            if holds_secrets {
                ", and it holds secrets"
            } else {
                ""
            }
        ),
        format!("chmod 600 {}", source.display),
    );
}

fn line_sets_secret(line: &str) -> bool {
    line.split_once('=')
        .is_some_and(|(k, _)| secret::is_secret_key(k.trim()))
}

#[cfg(unix)]
fn group_or_other_bits(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o777;
    (meta.is_file() && mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn group_or_other_bits(_path: &std::path::Path) -> Option<u32> {
    None
}

/// The AWS CLI's caches (`~/.aws/cli/cache`, `~/.aws/sso/cache`) hold credentials and tokens.
fn cache_permissions(home: Option<&std::path::Path>, report: &mut Report) {
    let Some(home) = home else { return };
    let mut checked = 0;
    for dir in ["cli/cache", "sso/cache"] {
        let dir = home.join(".aws").join(dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            checked += 1;
            if checked > MAX_CACHE_FILES {
                return;
            }
            let path = entry.path();
            if let Some(mode) = group_or_other_bits(&path) {
                let shown = crate::config::Locations {
                    config: path.clone(),
                    credentials: path.clone(),
                    home: Some(home.to_path_buf()),
                }
                .display(&path);
                report.findings.push(Finding {
                    severity: Severity::Warning,
                    code: "cache-permissions",
                    place: Place::Cache,
                    path: Some((path.display().to_string(), shown.clone())),
                    message: format!(
                        "cached credentials or tokens readable by group or others (mode {mode:o})"
                    ),
                    fix: format!("chmod 600 {shown}"),
                });
            }
        }
    }
}

/// A finding about a cache file, shown under HOME as `~/...`.
fn cache_finding(
    report: &mut Report,
    home: Option<&std::path::Path>,
    path: &std::path::Path,
    (severity, code): (Severity, &'static str),
    message: String,
    fix: String,
) {
    let shown = crate::config::Locations {
        config: path.to_path_buf(),
        credentials: path.to_path_buf(),
        home: home.map(std::path::Path::to_path_buf),
    }
    .display(path);
    report.findings.push(Finding {
        severity,
        code,
        place: Place::Cache,
        path: Some((path.display().to_string(), shown)),
        message,
        fix,
    });
}

/// Cached credentials (`~/.aws/cli/cache`), IAM Identity Center tokens (`~/.aws/sso/cache`) and
/// console sign-in sessions (`~/.aws/login/cache`)
/// that the next use cannot take: expired (or within the SDKs' 15-minute window), corrupt, or
/// a token that cannot be refreshed. Each profile's own step only (the entry its `use --creds`
/// reads first) and each file once: one bounded read per file, linear in the profiles.
fn cached(set: &ProfileSet<'_>, home: Option<&std::path::Path>, report: &mut Report) {
    use crate::resolve::{cache, provider, sso};
    let Some(dir) = cache::dir() else { return };
    let now = OffsetDateTime::now_utc();
    let mut keys: HashSet<String> = HashSet::new();
    let mut tokens: HashSet<std::path::PathBuf> = HashSet::new();
    for name in set.profile_names() {
        let Some(step) = crate::resolve::chain::top_step(set, name) else {
            continue;
        };
        // Until when the profile's own cached credentials still serve it (a dead SSO token
        // matters only after that).
        let mut valid_until = None;
        if let Some(key) = provider::cache_key(set, &step).filter(|k| keys.insert(k.clone())) {
            let what = match step.kind {
                StepKind::Sso => format!(
                    "IAM Identity Center role {} in account {}",
                    step.get("sso_role_name").unwrap_or("?"),
                    step.get("sso_account_id").unwrap_or("?")
                ),
                _ => format!("role {}", step.get("role_arn").unwrap_or("?")),
            };
            let refresh = format!("`awsp use {name} --creds --refresh` fetches new ones");
            let path = cache::path(&dir, &key);
            match cache::lookup(&dir, &key, now) {
                cache::Entry::Expired(at) => {
                    let when = if at <= now {
                        format!("expired at {}", rfc3339(at))
                    } else {
                        format!(
                            "expire at {}, within the SDKs' 15-minute window, so they are no longer used",
                            rfc3339(at)
                        )
                    };
                    cache_finding(
                        report,
                        home,
                        &path,
                        (Severity::Info, "expired-cached-credentials"),
                        format!("the cached credentials of profile '{name}' ({what}) {when}"),
                        format!(
                            "{refresh} (the next `use --creds` or `aws` command replaces them anyway)"
                        ),
                    );
                }
                cache::Entry::Corrupt => cache_finding(
                    report,
                    home,
                    &path,
                    (Severity::Info, "corrupt-cache-file"),
                    format!(
                        "the cache file of profile '{name}' ({what}) is not a cache entry: awsp and the AWS CLI ignore it and replace it"
                    ),
                    format!("nothing to do; {refresh} and replaces the file"),
                ),
                cache::Entry::Valid(cached) => valid_until = Some(cached.expiration),
                cache::Entry::Missing => {}
            }
        }
        if step.kind == StepKind::Login {
            let session = step.get("login_session").unwrap_or("");
            if let crate::resolve::signin::EntryState::Unusable(path, why) =
                crate::resolve::signin::entry_state(set, name, session)
            {
                cache_finding(
                    report,
                    home,
                    &path,
                    (Severity::Warning, "unusable-login-session"),
                    format!(
                        "the console sign-in cache of profile '{name}' {why}: awsp and the AWS CLI cannot use or refresh it"
                    ),
                    format!("`aws login --profile {name}`"),
                );
            }
        }
        if step.kind != StepKind::Sso {
            continue;
        }
        let Ok(cfg) = sso::config_of(set, name) else {
            continue;
        };
        let Some(path) = cfg.token_path().filter(|p| tokens.insert(p.clone())) else {
            continue;
        };
        let token = match &cfg.session {
            Some(session) => format!("sso-session '{session}'"),
            None => format!("start URL {}", cfg.start_url),
        };
        match sso::token_state(&cfg, now) {
            sso::TokenState::Expired {
                at,
                registration_expired,
            } => {
                let when = at.map_or_else(
                    || "has no valid expiry".to_string(),
                    |at| format!("expired at {}", rfc3339(at)),
                );
                let why = match (registration_expired, &cfg.session) {
                    (Some(r), _) => format!("its client registration expired at {}", rfc3339(r)),
                    (None, None) => {
                        "a token of a profile without sso_session is never refreshed".to_string()
                    }
                    (None, Some(_)) => "it has no refresh token".to_string(),
                };
                cache_finding(
                    report,
                    home,
                    &path,
                    (Severity::Warning, "expired-sso-token"),
                    format!(
                        "the IAM Identity Center token of {token} (profile '{name}') {when} and cannot be refreshed: {why}; {}", valid_until.map_or_else(
                        || "AWS commands with the profile fail".to_string(),
                        |at| format!("AWS commands with the profile fail once its cached role credentials expire at {}", rfc3339(at)),
                    )
                    ),
                    format!("`awsp login {name}`"),
                );
            }
            sso::TokenState::Corrupt => cache_finding(
                report,
                home,
                &path,
                (Severity::Info, "corrupt-cache-file"),
                format!(
                    "the IAM Identity Center token file of {token} (profile '{name}') is not a token: awsp and the AWS CLI ignore it"
                ),
                format!("`awsp login {name}` replaces it"),
            ),
            sso::TokenState::Missing | sso::TokenState::Valid => {}
        }
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    crate::cmd::import::rfc3339(at)
}

/// Sections and keys the SDKs skip.
fn ignored(set: &ProfileSet<'_>, texts: &[(FileKind, String)], report: &mut Report) {
    let lines: Vec<(FileKind, Vec<&str>)> = texts
        .iter()
        .map(|(kind, text)| (*kind, text.split('\n').collect()))
        .collect();
    let line_of = |kind: FileKind, line: usize| -> &str {
        lines
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, lines)| lines.get(line - 1).copied())
            .unwrap_or("")
    };
    for ignored in set.ignored_sections() {
        let origin = ignored.origin;
        let header = line_of(origin.file, origin.line);
        let (_, name) = split_header(
            header
                .trim()
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or(""),
        );
        let fix = match ignored.code {
            // The AWS CLI v1's own sections, and configparser's defaults (its own finding).
            "missing-profile-prefix" if matches!(name, "plugins" | "preview" | "DEFAULT") => {
                continue;
            }
            "missing-profile-prefix" => format!("rename it to [profile {name}]"),
            "profile-prefix-in-credentials" => format!("rename it to [{name}]"),
            "section-in-credentials" => "move it to the config file".to_string(),
            "default-shadowed" => {
                "merge its settings into [profile default] and delete it".to_string()
            }
            _ => "use only letters, digits and - / . % @ _ : + in names".to_string(),
        };
        report.at(
            Severity::Warning,
            ignored.code,
            origin.file,
            origin.line,
            format!("{}: the SDKs skip it", ignored.reason),
            fix,
        );
    }
    for ignored in set.ignored_keys() {
        let origin = ignored.origin;
        let line = line_of(origin.file, origin.line).trim();
        if colon_before_equals(line) {
            let key = line.split(':').next().unwrap_or("").trim();
            report.at(
                Severity::Warning,
                "colon-separator",
                origin.file,
                origin.line,
                format!(
                    "`{key}: ...` uses `:`: botocore (the AWS CLI) reads it as `{key}`, the SDKs as a key that is not valid, which they skip"
                ),
                format!("write `{key} = VALUE`"),
            );
        } else {
            report.at(
                Severity::Warning,
                ignored.code,
                origin.file,
                origin.line,
                format!("{}: the SDKs skip it", ignored.reason),
                "use only letters, digits and - / . % @ _ : + in keys",
            );
        }
    }
}

/// Keys set more than once for one profile or SSO session, in different sections: the last
/// one wins without a word. (Twice in one section is [`botocore_differences`]' finding.)
fn overridden(set: &ProfileSet<'_>, report: &mut Report) {
    let sections = set
        .profiles()
        .into_iter()
        .map(|s| ("profile", s))
        .chain(set.sso_sessions().into_iter().map(|s| ("sso-session", s)));
    for (what, section) in sections {
        let all = section.all_settings();
        let mut last: HashMap<&str, usize> = HashMap::new();
        for (i, s) in all.iter().enumerate() {
            last.insert(&s.key, i);
        }
        // The section header each setting sits under: settings of one section share it.
        let header_of = |line: &crate::config::Origin| {
            section
                .sources()
                .iter()
                .filter(|o| o.file == line.file && o.line < line.line)
                .max()
                .copied()
        };
        for (i, s) in all.iter().enumerate() {
            let winner = &all[last[&*s.key]];
            if last[&*s.key] == i || header_of(&s.origin) == header_of(&winner.origin) {
                continue;
            }
            let same = s.value == winner.value;
            let wins = if winner.origin.file != s.origin.file {
                " (the credentials file wins over the config file)"
            } else {
                ""
            };
            report.at(
                if same {
                    Severity::Info
                } else {
                    Severity::Warning
                },
                "overridden-key",
                s.origin.file,
                s.origin.line,
                format!(
                    "`{}` of {what} '{}' is overridden by {}:{}{wins}{}",
                    s.key,
                    section.name(),
                    winner.origin.file.name(),
                    winner.origin.line,
                    if same { ", with the same value" } else { "" }
                ),
                "keep one of them",
            );
        }
    }
}

/// Role and SSO profiles that cannot give credentials, judged on each profile's own keys (one
/// pass; loops by walking the `source_profile` graph once).
fn chains(files: &Files, set: &ProfileSet<'_>, report: &mut Report) {
    let profiles = set.profiles();
    let by_name: HashMap<&str, &Section<'_>> = profiles.iter().map(|p| (p.name(), p)).collect();
    let sessions: HashMap<&str, Section<'_>> = set
        .sso_sessions()
        .into_iter()
        .map(|s| (s.name(), s))
        .collect();
    let mut session_names: Vec<&&str> = sessions.keys().collect();
    session_names.sort_unstable();
    for name in session_names {
        let session = &sessions[*name];
        for key in ["sso_start_url", "sso_region"] {
            if let (None, Some(&o)) = (session.get(key), session.sources().first()) {
                report.at(
                    Severity::Error,
                    "incomplete-sso-session",
                    o.file,
                    o.line,
                    format!("[sso-session {name}] has no {key}"),
                    format!("add `{key} = ...`"),
                );
            }
        }
    }
    let has = |p: &Section<'_>, k: &str| p.get(k).is_some();
    let is_role = |p: &Section<'_>| has(p, "role_arn") && !has(p, "web_identity_token_file");
    let has_static =
        |p: &Section<'_>| has(p, "aws_access_key_id") && has(p, "aws_secret_access_key");
    let line = |p: &Section<'_>, k: &str| {
        p.setting(k)
            .map(|s| s.origin)
            .or_else(|| p.sources().first().copied())
    };
    let mut edges: HashMap<&str, &str> = HashMap::new();
    for p in &profiles {
        let name = p.name();
        let source = p.get("source_profile");
        let cred_source = p.get("credential_source");
        if is_role(p) {
            match (source, cred_source) {
                (Some(_), Some(_)) => {
                    if let Some(o) = line(p, "source_profile") {
                        report.at(
                            Severity::Error,
                            "source-and-credential-source",
                            o.file,
                            o.line,
                            format!("profile '{name}' has both source_profile and credential_source: the SDKs refuse it"),
                            "keep only one of them",
                        );
                    }
                }
                (None, None) => {
                    if let Some(o) = line(p, "role_arn") {
                        report.at(
                            Severity::Error,
                            "role-without-source",
                            o.file,
                            o.line,
                            format!("profile '{name}' has role_arn but neither source_profile nor credential_source: nothing to assume the role with"),
                            "add `source_profile = PROFILE` (a profile with credentials) or `credential_source = Environment|Ec2InstanceMetadata|EcsContainer`",
                        );
                    }
                }
                (Some(target), None) if target != name => match by_name.get(target) {
                    None => {
                        if let Some(o) = line(p, "source_profile") {
                            report.at(
                                Severity::Error,
                                "missing-source-profile",
                                o.file,
                                o.line,
                                format!(
                                    "profile '{name}': its source_profile '{target}' is not defined{}",
                                    suggestion(files, set, target)
                                ),
                                "fix the name, or add the profile",
                            );
                        }
                    }
                    Some(source) => {
                        edges.insert(name, target);
                        if !is_role(source) && base_kind(source).is_none() {
                            if let Some(o) = line(p, "source_profile") {
                                report.at(
                                    Severity::Error,
                                    "source-without-credentials",
                                    o.file,
                                    o.line,
                                    format!("profile '{name}': its source_profile '{target}' has no credentials (no keys, SSO, credential_process or web identity)"),
                                    format!("give profile '{target}' credentials, or point source_profile at a profile that has them"),
                                );
                            }
                        }
                    }
                },
                _ => {}
            }
            if let Some(value) = cred_source {
                if !matches!(
                    value,
                    "Environment" | "Ec2InstanceMetadata" | "EcsContainer"
                ) {
                    if let Some(o) = line(p, "credential_source") {
                        report.at(
                            Severity::Error,
                            "invalid-credential-source",
                            o.file,
                            o.line,
                            format!("profile '{name}': credential_source `{value}` is not one the SDKs know"),
                            "use Environment, Ec2InstanceMetadata or EcsContainer",
                        );
                    }
                }
            }
        } else if source.is_some() && !has(p, "web_identity_token_file") {
            if let Some(o) = line(p, "source_profile") {
                report.at(
                    Severity::Warning,
                    "source-profile-without-role",
                    o.file,
                    o.line,
                    format!("profile '{name}' has source_profile but no role_arn: the SDKs ignore source_profile"),
                    "add the `role_arn` to assume, or delete source_profile",
                );
            }
        }
        sso(&sessions, p, report);
        if has(p, "web_identity_token_file") && !has(p, "role_arn") {
            if let Some(o) = line(p, "web_identity_token_file") {
                report.at(
                    Severity::Error,
                    "web-identity-without-role",
                    o.file,
                    o.line,
                    format!("profile '{name}' has web_identity_token_file but no role_arn"),
                    "add the `role_arn` to assume with the token",
                );
            }
        }
        let key = has(p, "aws_access_key_id");
        let secret_key = has(p, "aws_secret_access_key");
        if key != secret_key {
            let (present, missing) = if key {
                ("aws_access_key_id", "aws_secret_access_key")
            } else {
                ("aws_secret_access_key", "aws_access_key_id")
            };
            if let Some(o) = line(p, present) {
                report.at(
                    Severity::Error,
                    "incomplete-keys",
                    o.file,
                    o.line,
                    format!("profile '{name}' has {present} but no {missing}"),
                    format!("add {missing}, usually in the credentials file"),
                );
            }
        }
    }
    // Loops: each node has at most one edge. A cycle breaks the chain unless two of its
    // profiles have static keys (after the first profile, static keys end the walk).
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 on the current path, 2 done
    let mut names: Vec<&str> = edges.keys().copied().collect();
    names.sort_unstable();
    for start in names {
        let mut path: Vec<&str> = Vec::new();
        let mut node = start;
        loop {
            match state.get(node) {
                Some(2) => break,
                Some(1) => {
                    let from = path.iter().position(|n| *n == node).unwrap_or(0);
                    let cycle = &path[from..];
                    let statics = cycle
                        .iter()
                        .filter(|n| by_name.get(*n).is_some_and(|p| has_static(p)))
                        .count();
                    if statics <= 1 {
                        let first = cycle
                            .iter()
                            .filter_map(|n| by_name.get(n).and_then(|p| line(p, "source_profile")))
                            .min();
                        if let Some(o) = first {
                            let mut shown: Vec<&str> = cycle.to_vec();
                            shown.push(node);
                            report.at(
                                Severity::Error,
                                "source-profile-loop",
                                o.file,
                                o.line,
                                format!("source_profile loop: {}", shown.join(" -> ")),
                                "point one of them at a profile with credentials",
                            );
                        }
                    }
                    break;
                }
                _ => {}
            }
            state.insert(node, 1);
            path.push(node);
            match edges.get(node) {
                Some(next) => node = next,
                None => break,
            }
        }
        for n in path {
            state.insert(n, 2);
        }
    }
}

/// `; did you mean 'x'?` (or where the profiles were looked for) for a name that is not a
/// profile, from the one unknown-profile message.
fn suggestion(files: &Files, set: &ProfileSet<'_>, name: &str) -> String {
    let message = unknown_profile(files, set, name).to_string();
    match message.split_once(" not found") {
        Some((_, tail)) if !tail.starts_with(" (") => tail.to_string(),
        _ => String::new(),
    }
}

/// The credentials a profile has of its own, as the SDKs' base providers see them.
fn base_kind(p: &Section<'_>) -> Option<&'static str> {
    let has = |k: &str| p.get(k).is_some();
    if has("credential_source") {
        Some("credential_source")
    } else if has("web_identity_token_file") {
        Some("web_identity")
    } else if has("sso_session") || has("sso_start_url") || has("sso_account_id") {
        Some("sso")
    } else if has("credential_process") {
        Some("credential_process")
    } else if has("aws_access_key_id") {
        Some("static")
    } else {
        None
    }
}

fn sso(sessions: &HashMap<&str, Section<'_>>, p: &Section<'_>, report: &mut Report) {
    let name = p.name();
    let at = |k: &str| p.setting(k).map(|s| s.origin);
    let session = p.get("sso_session");
    if let (Some(session), Some(o)) = (session, at("sso_session")) {
        if !sessions.contains_key(session) {
            report.at(
                Severity::Error,
                "missing-sso-session",
                o.file,
                o.line,
                format!("profile '{name}': sso_session names [sso-session {session}], which does not exist"),
                format!("add an [sso-session {session}] section with sso_start_url and sso_region to the config file"),
            );
        }
    }
    let is_sso = session.is_some() || p.get("sso_start_url").is_some();
    let account = at("sso_account_id");
    let role = at("sso_role_name");
    match (account, role) {
        (Some(o), None) | (None, Some(o)) => {
            let (present, missing) = if account.is_some() {
                ("sso_account_id", "sso_role_name")
            } else {
                ("sso_role_name", "sso_account_id")
            };
            report.at(
                Severity::Error,
                "incomplete-sso",
                o.file,
                o.line,
                format!("profile '{name}' has {present} but no {missing}: the SDKs refuse it"),
                format!("add `{missing} = ...`"),
            );
        }
        (None, None) if is_sso => {
            if let Some(o) = at("sso_session").or(at("sso_start_url")) {
                report.at(
                    Severity::Warning,
                    "sso-without-role",
                    o.file,
                    o.line,
                    format!("profile '{name}' has no sso_account_id and sso_role_name: it gives no credentials (only `aws sso login` can use it)"),
                    "add `sso_account_id = ...` and `sso_role_name = ...`",
                );
            }
        }
        _ => {}
    }
    if session.is_none() && p.get("sso_start_url").is_some() && p.get("sso_region").is_none() {
        if let Some(o) = at("sso_start_url") {
            report.at(
                Severity::Error,
                "incomplete-sso",
                o.file,
                o.line,
                format!("profile '{name}' has sso_start_url but no sso_region"),
                "add `sso_region = ...` (or move both into an [sso-session] section)",
            );
        }
    }
}

/// What botocore (the AWS CLI) reads differently from the SDKs, from the raw lines: comments
/// after values, duplicate sections and keys, and section names.
fn botocore_differences(kind: FileKind, text: &str, raw: &RawFile<'_>, report: &mut Report) {
    let lines: Vec<&str> = text.split('\n').collect();
    let raw_line = |n: usize| lines.get(n - 1).map_or("", |l| l.trim_end_matches('\r'));
    // A comment after a value: the SDKs cut it, botocore keeps it in the value.
    for section in &raw.sections {
        let props = section.properties();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for p in &props {
            let line = raw_line(p.line).trim();
            if let Some((kept, sdk_value)) = inline_comment(line) {
                let message = if secret::is_secret_key(&p.key) {
                    format!(
                        "botocore (the AWS CLI) keeps the comment after the value of {} as part of it (the SDKs cut it): the AWS CLI sends a wrong {}",
                        p.key, p.key
                    )
                } else {
                    format!(
                        "botocore (the AWS CLI) keeps the comment as part of the value: it reads {} = `{}`, the SDKs `{}`",
                        p.key,
                        secret::shown(&p.key, kept, false),
                        secret::shown(&p.key, sdk_value, false)
                    )
                };
                report.at(
                    Severity::Warning,
                    "botocore-inline-comment",
                    kind,
                    p.line,
                    message,
                    "put the comment on a line of its own",
                );
            }
            // An indented comment line continues the value for the SDKs; botocore skips it.
            if p.value
                .split('\n')
                .skip(1)
                .any(|l| l.starts_with(['#', ';']))
            {
                report.at(
                    Severity::Warning,
                    "indented-comment",
                    kind,
                    p.line,
                    format!(
                        "an indented comment under {} is part of its value for the SDKs (a continuation line); botocore (the AWS CLI) skips it",
                        p.key
                    ),
                    "start comment lines in the first column",
                );
            }
            if let Some(first) = seen.get(&*p.key) {
                report.at(
                    Severity::Error,
                    "botocore-duplicate-key",
                    kind,
                    p.line,
                    format!(
                        "`{}` is set again in the same section (first at line {first}): the SDKs use the last one, botocore (the AWS CLI) refuses the whole file, so every `aws` command fails",
                        p.key
                    ),
                    "delete one of them",
                );
            } else {
                seen.insert(&p.key, p.line);
            }
        }
    }
    // Sections as configparser names them: the whole header between `[` and the last `]`.
    let mut by_header: HashMap<&str, usize> = HashMap::new();
    let mut by_profile: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
    let mut has_prefixed_default = false;
    for section in &raw.sections {
        if kind == FileKind::Config && split_header(section.header) == (Some("profile"), "default")
        {
            has_prefixed_default = true;
        }
    }
    for section in &raw.sections {
        let header = botocore_header(raw_line(section.line)).unwrap_or(section.header);
        if header == "DEFAULT" && kind == FileKind::Config {
            report.at(
                Severity::Warning,
                "botocore-defaults-section",
                kind,
                section.line,
                "botocore (the AWS CLI) adds the settings of [DEFAULT] to every profile; the SDKs ignore the section",
                "move the settings into the profiles that need them (or into [default])",
            );
            continue;
        }
        if let Some(first) = by_header.get(header) {
            report.at(
                Severity::Error,
                "botocore-duplicate-section",
                kind,
                section.line,
                format!(
                    "[{header}] appears again (first at line {first}): the SDKs merge them, botocore (the AWS CLI) refuses the whole file, so every `aws` command fails"
                ),
                "merge the two sections into one",
            );
            continue;
        }
        by_header.insert(header, section.line);
        let sdk = sdk_profile(kind, section.header, has_prefixed_default);
        let boto = botocore_profile(kind, header);
        if let Some(name) = &boto {
            by_profile
                .entry(name.clone())
                .or_default()
                .push((section.line, sdk.as_deref() == Some(name.as_str())));
        }
        let shadowed = kind == FileKind::Config
            && has_prefixed_default
            && split_header(section.header) == (None, "default");
        if sdk != boto && !shadowed {
            let message = match (&sdk, &boto) {
                (Some(s), None) => format!(
                    "the SDKs read [{header}] as profile '{s}'; botocore (the AWS CLI) ignores it"
                ),
                (None, Some(b)) => format!(
                    "botocore (the AWS CLI) reads [{header}] as profile '{b}'; the SDKs ignore it"
                ),
                (Some(s), Some(b)) => format!(
                    "the SDKs read [{header}] as profile '{s}', botocore (the AWS CLI) as profile '{b}'"
                ),
                (None, None) => continue,
            };
            let fix = match &sdk {
                Some(s) if kind == FileKind::Config && s != "default" => {
                    format!("write it as [profile {s}]")
                }
                Some(s) => format!("write it as [{s}]"),
                None => "use a plain name of letters, digits and - / . % @ _ : +, without quotes or padding".to_string(),
            };
            report.at(
                Severity::Warning,
                "botocore-section-name",
                kind,
                section.line,
                message,
                fix,
            );
        }
    }
    // botocore keeps only the last section of a profile name; the SDKs merge the sections
    // they read (and read only [profile default] beside [default]).
    for (name, sections) in &by_profile {
        let Some(&(last_line, last_counts)) = sections.last() else {
            continue;
        };
        let sdk_count = sections.iter().filter(|(_, counts)| *counts).count();
        if sections.len() > 1 && !(last_counts && sdk_count == 1) {
            report.at(
                Severity::Warning,
                "botocore-replaces-section",
                kind,
                last_line,
                format!(
                    "profile '{name}' has {} sections here: botocore (the AWS CLI) reads only this last one, the SDKs {}",
                    sections.len(),
                    if sdk_count == 1 {
                        "another one".to_string()
                    } else {
                        format!("merge {sdk_count} of them")
                    }
                ),
                "merge them into one section",
            );
        }
    }
}

/// The profile name the SDKs give a section, if they read it as a profile.
fn sdk_profile(kind: FileKind, header: &str, has_prefixed_default: bool) -> Option<String> {
    let (prefix, name) = split_header(header);
    if !crate::config::model::is_identifier(name) {
        return None;
    }
    match (kind, prefix) {
        (FileKind::Config, Some("profile")) => Some(name.to_string()),
        (FileKind::Config, None) if name == "default" && !has_prefixed_default => {
            Some(name.to_string())
        }
        (FileKind::Credentials, None) => Some(name.to_string()),
        _ => None,
    }
}

/// The profile name botocore gives a section: in the config file `default`, or a header that
/// starts with `profile` and splits (as `shlex.split`) into exactly two words; in the
/// credentials file the header itself.
fn botocore_profile(kind: FileKind, header: &str) -> Option<String> {
    match kind {
        // A name with blanks cannot be selected: botocore does not read it as that profile.
        FileKind::Credentials if header.contains([' ', '\t']) => None,
        FileKind::Credentials => Some(header.to_string()),
        FileKind::Config if header == "default" => Some(header.to_string()),
        FileKind::Config if header.starts_with("profile") => match shlex_split(header) {
            Some(words) if words.len() == 2 => words.into_iter().nth(1),
            _ => None,
        },
        FileKind::Config => None,
    }
}

/// The section name configparser takes from a header line: the text between the `[` and the
/// last `]` of the stripped line.
fn botocore_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// A `key = value # comment` line (trimmed): the value as botocore reads it (comment kept)
/// and as the SDKs do (cut before a `#` or `;` that follows whitespace).
fn inline_comment(line: &str) -> Option<(&str, &str)> {
    if colon_before_equals(line) {
        return None;
    }
    let value = line[line.find('=')? + 1..].trim();
    let cut = value.char_indices().find(|&(i, c)| {
        matches!(c, '#' | ';')
            && value[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
    })?;
    Some((value, value[..cut.0].trim_end_matches([' ', '\t'])))
}

/// Python's `shlex.split(s)` (POSIX mode, no comments); `None` where it raises.
fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => w.push(c),
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = word {
        words.push(w);
    }
    Some(words)
}

/// Variables that contradict each other or the files.
fn environment(files: &Files, set: &ProfileSet<'_>, report: &mut Report) {
    let env = |name: &str| var(name);
    let profile = process_env("AWS_PROFILE");
    if let Some(name) = &profile {
        if name.is_empty() {
            report.add(
                Severity::Error,
                "empty-aws-profile",
                Place::Environment,
                "AWS_PROFILE is set but empty: botocore (the AWS CLI) looks for a profile with an empty name and fails",
                "unset AWS_PROFILE (`awsp unset`), or `awsp use PROFILE`",
            );
        } else if set.profile(name).is_none() {
            report.add(
                Severity::Error,
                "unknown-aws-profile",
                Place::Environment,
                format!(
                    "AWS_PROFILE={name} is not defined: every SDK and the AWS CLI fail{}",
                    suggestion(files, set, name)
                ),
                "`awsp use PROFILE` with a profile from `awsp list`, or define it",
            );
        }
    }
    let sdk_profile = profile
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "default".to_string());
    if let Some(default_profile) = env("AWS_DEFAULT_PROFILE") {
        if default_profile != sdk_profile {
            report.add(
                Severity::Warning,
                "default-profile-differs",
                Place::Environment,
                format!(
                    "AWS_DEFAULT_PROFILE={default_profile} but the SDKs use {sdk_profile}{}: botocore (the AWS CLI) reads AWS_DEFAULT_PROFILE first, so `aws` acts as {default_profile}",
                    if profile.is_some() {
                        " (AWS_PROFILE)"
                    } else {
                        " (AWS_PROFILE is not set)"
                    }
                ),
                "unset AWS_DEFAULT_PROFILE (`awsp use` clears it)",
            );
        }
    }
    let key_id = env("AWS_ACCESS_KEY_ID");
    if let (Some(key_id), Some(name)) = (&key_id, &profile) {
        let from_profile = set
            .profile(name)
            .and_then(|p| p.get("aws_access_key_id").map(|k| k == key_id))
            .unwrap_or(false);
        if !name.is_empty() && !from_profile {
            report.add(
                Severity::Error,
                "keys-override-profile",
                Place::Environment,
                format!(
                    "AWS_ACCESS_KEY_ID is exported and AWS_PROFILE={name}: most SDKs and the AWS CLI use the exported keys, not profile '{name}'"
                ),
                "`awsp use PROFILE` clears stale keys; or `unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`",
            );
        }
    }
    if let Some(at) = env("AWS_CREDENTIAL_EXPIRATION") {
        match OffsetDateTime::parse(at.trim(), &Rfc3339) {
            Err(_) => report.add(
                Severity::Warning,
                "bad-credential-expiration",
                Place::Environment,
                format!("AWS_CREDENTIAL_EXPIRATION={at} is not an RFC 3339 time"),
                "unset it, or `awsp use PROFILE --creds` for fresh credentials",
            ),
            Ok(when) if when <= OffsetDateTime::now_utc() => {
                let severity = if key_id.is_some() {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                report.add(
                    severity,
                    "expired-credentials",
                    Place::Environment,
                    format!(
                        "the exported credentials expired at {at} (AWS_CREDENTIAL_EXPIRATION){}",
                        if key_id.is_some() {
                            ": every request with them fails"
                        } else {
                            ", and no AWS_ACCESS_KEY_ID is set: the variable is stale"
                        }
                    ),
                    "`awsp use PROFILE --creds` for fresh ones, or `awsp unset`",
                );
            }
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shlex_split_as_python() {
        let split = |s| shlex_split(s).map(|w| w.join("|"));
        assert_eq!(split("profile x").as_deref(), Some("profile|x"));
        assert_eq!(split("profile \"x y\"").as_deref(), Some("profile|x y"));
        assert_eq!(split("profile  'a b'c").as_deref(), Some("profile|a bc"));
        assert_eq!(split("profile a\\ b").as_deref(), Some("profile|a b"));
        assert_eq!(
            split("profile \"a\\\"b\\n\"").as_deref(),
            Some("profile|a\"b\\n")
        );
        assert_eq!(split("profile \"x"), None);
        assert_eq!(split("profile x\\"), None);
        assert_eq!(split("profile ''").as_deref(), Some("profile|"));
    }

    #[test]
    fn botocore_names() {
        let config = |h| botocore_profile(FileKind::Config, h);
        assert_eq!(config("profile \"x\"").as_deref(), Some("x"));
        assert_eq!(config("profiles y").as_deref(), Some("y"));
        assert_eq!(config(" default "), None);
        assert_eq!(config(" profile z"), None);
        assert_eq!(config("profile a b"), None);
        assert_eq!(config("default").as_deref(), Some("default"));
        assert_eq!(botocore_header("  [ default ] ; x"), Some(" default "));
        assert_eq!(botocore_header("[a] # see [b]"), Some("a] # see [b"));
    }
}
