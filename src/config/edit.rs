//! Format-preserving edits of the raw lines of one AWS file, and the one place that writes
//! them: lock, re-read under the lock, atomic replace.
//!
//! [`Editor`] changes only the lines it means to: an updated key keeps its line, its
//! `key = ` spacing and (on a non-secret line) its trailing comment; a new key goes after the
//! last key of its section; a new section goes at the end after one blank line. Every other
//! byte — comments, blank lines, alignment, CRLF, a BOM, a missing final newline — is copied.
//! Lines are classified by the parser's own rules (`parse.rs`), and a key is changed where the
//! SDKs read it: its last occurrence among the sections of that name.
//!
//! [`update`] is the only writer: it takes an exclusive `flock` on `<target>.lock` beside the
//! symlink-resolved file (bounded wait), re-reads the file under the lock, lets the caller
//! compute the new text, and replaces the file atomically (temporary file in the same
//! directory, fsync, rename, fsync of the directory), keeping its mode and owner.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use super::model::{FileKind, is_identifier, split_header};
use super::parse::{self, ParseError};

/// A section an edit addresses: a profile (`[profile NAME]`, `[default]` in the config file,
/// `[NAME]` in the credentials file) or an SSO session (`[sso-session NAME]`, config only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'n> {
    Profile(&'n str),
    SsoSession(&'n str),
}

impl Target<'_> {
    /// The header a new section gets in a file of `kind`.
    fn header(&self, kind: FileKind) -> String {
        match (self, kind) {
            (Target::Profile(n), FileKind::Credentials) => format!("[{n}]"),
            (Target::Profile("default"), FileKind::Config) => "[default]".to_string(),
            (Target::Profile(n), FileKind::Config) => format!("[profile {n}]"),
            (Target::SsoSession(n), _) => format!("[sso-session {n}]"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation: what would not read back as written is refused before anything is written.

/// A profile or SSO session name the SDKs would read: not empty, only identifier characters.
pub fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        bail!("the {what} is empty");
    }
    if !is_identifier(name) {
        bail!(
            "{what} '{}' would be ignored by the AWS SDKs: a name may hold only letters, digits and - / . % @ _ : +",
            name.escape_debug()
        );
    }
    Ok(())
}

/// A key the SDKs would read (the same characters as a name).
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        bail!("the key is empty");
    }
    if !is_identifier(key) {
        bail!(
            "key '{}' would be ignored by the AWS SDKs: a key may hold only letters, digits and - / . % @ _ : +",
            key.escape_debug()
        );
    }
    Ok(())
}

/// A value that reads back exactly as given from `key = value`. Errors never show the value.
pub fn check_value(key: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        bail!("the value for {key} is empty (`awsp config unset` removes a setting)");
    }
    if value.contains(['\n', '\r']) {
        bail!("the value for {key} contains a line break, which the file cannot hold");
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        bail!(
            "the value for {key} starts or ends with whitespace, which the AWS parsers trim away"
        );
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        bail!("the value for {key} contains a control character");
    }
    let bytes = value.as_bytes();
    if let Some(at) = (0..bytes.len())
        .find(|&i| matches!(bytes[i], b'#' | b';') && parse::preceded_by_whitespace(value, i))
    {
        bail!(
            "the value for {key} contains whitespace followed by '{}', where the AWS parsers start a comment: the rest would be cut",
            bytes[at] as char
        );
    }
    let line = format!("{key} = {value}");
    if parse::property_of(&line) != Some((key, value)) {
        bail!("the value for {key} would not read back as written");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The lines of a file.

/// One line: `text[start..content_end]` is what the parser sees, `text[content_end..end]` the
/// terminator (`\n`, `\r\n`, or nothing on a last line without one).
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Blank, or a comment (`#`/`;` in the first column).
    Blank,
    Header,
    /// Starts with a space or tab and is not blank: continues the property above.
    Continuation,
    Property,
}

/// As the parser splits lines: at `\n`, dropping one `\r` before it.
fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 24 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let content_end = if nl > start && text.as_bytes()[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        lines.push(Line {
            start,
            content_end,
            end: nl + 1,
        });
        start = nl + 1;
    }
    if start < text.len() {
        lines.push(Line {
            start,
            content_end: text.len(),
            end: text.len(),
        });
    }
    lines
}

/// The parser's classification of a line (the file has been checked by `parse::parse`).
fn kind_of_line(content: &str) -> LineKind {
    let bytes = content.as_bytes();
    match bytes.first() {
        None | Some(b'#' | b';') => LineKind::Blank,
        _ if bytes.iter().all(|&b| b == b' ' || b == b'\t') => LineKind::Blank,
        Some(b'[') => LineKind::Header,
        Some(b' ' | b'\t') => LineKind::Continuation,
        _ => LineKind::Property,
    }
}

/// The byte offset of `inner` within `outer` (a subslice of it).
fn offset_in(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// Where the value of a property line is: `(start, end)` in the line, the value trimmed and
/// cut before a trailing comment, exactly as the parser reads it.
fn value_span(content: &str) -> Option<(usize, usize)> {
    let prepared = parse::prepare_property(content);
    let base = offset_in(content, prepared);
    let eq = memchr::memchr(b'=', prepared.as_bytes())?;
    let after = &prepared[eq + 1..];
    let value = parse::trim(after);
    let start = if value.is_empty() {
        base + prepared.len()
    } else {
        base + eq + 1 + offset_in(after, value)
    };
    Some((start, start + value.len()))
}

/// `(prefix, name, name's offset in the line)` of a header line.
fn header_of(content: &str) -> Option<(Option<&str>, &str, usize)> {
    let inner = parse::prepare_header(content)
        .strip_prefix('[')?
        .strip_suffix(']')?;
    let (prefix, name) = split_header(inner);
    Some((prefix, name, offset_in(content, name)))
}

#[derive(Debug)]
struct Prop {
    /// Lower-cased, as the parser stores keys.
    key: String,
    line: usize,
    /// Its continuation lines (blank and comment lines between them are not its own).
    continuations: Vec<usize>,
}

impl Prop {
    fn last_line(&self) -> usize {
        self.continuations.last().copied().unwrap_or(self.line)
    }
}

#[derive(Debug)]
struct SectionLines<'t> {
    prefix: Option<&'t str>,
    name: &'t str,
    header: usize,
    /// The lines after the header, up to the next header.
    body: std::ops::Range<usize>,
}

#[derive(Debug, Default)]
struct Change {
    /// `Some(None)`: delete the line; `Some(Some(text))`: replace its content.
    replace: Option<Option<String>>,
    /// New lines after it.
    after: Vec<String>,
}

/// Edits of one file's text, applied all at once by [`Editor::finish`].
pub struct Editor<'t> {
    kind: FileKind,
    bom: &'t str,
    text: &'t str,
    lines: Vec<Line>,
    sections: Vec<SectionLines<'t>>,
    newline: &'static str,
    is_secret: &'t dyn Fn(&str) -> bool,
    changes: BTreeMap<usize, Change>,
    /// Sections created at the end of the file, with their lines.
    new_sections: Vec<(String, Vec<String>)>,
}

impl<'t> Editor<'t> {
    /// `text` is the whole file as read (a BOM is kept); `is_secret` says which keys are
    /// secrets (their lines lose a trailing comment when updated).
    pub fn new(
        kind: FileKind,
        text: &'t str,
        is_secret: &'t dyn Fn(&str) -> bool,
    ) -> Result<Self, ParseError> {
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (&text[..3], rest),
            None => ("", text),
        };
        parse::parse(text)?;
        let lines = split_lines(text);
        let newline = match lines.iter().find(|l| l.end > l.content_end) {
            Some(l) if l.end - l.content_end == 2 => "\r\n",
            _ => "\n",
        };
        let mut sections: Vec<SectionLines<'t>> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let content = &text[line.start..line.content_end];
            if content.as_bytes().first() == Some(&b'[') {
                if let Some((prefix, name, _)) = header_of(content) {
                    if let Some(last) = sections.last_mut() {
                        last.body.end = i;
                    }
                    sections.push(SectionLines {
                        prefix,
                        name,
                        header: i,
                        body: i + 1..lines.len(),
                    });
                }
            }
        }
        Ok(Editor {
            kind,
            bom,
            text,
            lines,
            sections,
            newline,
            is_secret,
            changes: BTreeMap::new(),
            new_sections: Vec::new(),
        })
    }

    fn content(&self, line: usize) -> &'t str {
        let l = self.lines[line];
        &self.text[l.start..l.content_end]
    }

    /// The sections `target` addresses in this file, in file order. With `every_default`, a
    /// config file's `[default]` and `[profile default]` both count (for removing and
    /// renaming); otherwise `[profile default]` hides `[default]`, as the SDKs read it.
    fn matching(&self, target: Target<'_>, every_default: bool) -> Vec<usize> {
        let config = self.kind == FileKind::Config;
        let prefixed_default = config
            && self
                .sections
                .iter()
                .any(|s| s.prefix == Some("profile") && s.name == "default");
        self.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| match (target, self.kind) {
                (Target::Profile(n), FileKind::Credentials) => s.prefix.is_none() && s.name == n,
                (Target::SsoSession(_), FileKind::Credentials) => false,
                (Target::Profile(n), FileKind::Config) => {
                    s.name == n
                        && match s.prefix {
                            Some(p) => p == "profile",
                            None => n == "default" && (every_default || !prefixed_default),
                        }
                }
                (Target::SsoSession(n), FileKind::Config) => {
                    s.prefix == Some("sso-session") && s.name == n
                }
            })
            .map(|(i, _)| i)
            .collect()
    }

    fn props(&self, section: usize) -> Vec<Prop> {
        let mut props: Vec<Prop> = Vec::new();
        for i in self.sections[section].body.clone() {
            let content = self.content(i);
            match kind_of_line(content) {
                LineKind::Property => {
                    if let Some((key, _)) = parse::property_of(content) {
                        props.push(Prop {
                            key: key.to_ascii_lowercase(),
                            line: i,
                            continuations: Vec::new(),
                        });
                    }
                }
                LineKind::Continuation => {
                    if let Some(last) = props.last_mut() {
                        last.continuations.push(i);
                    }
                }
                LineKind::Blank | LineKind::Header => {}
            }
        }
        props
    }

    /// Whether the file has a section `target` addresses.
    pub fn has_section(&self, target: Target<'_>) -> bool {
        !self.matching(target, true).is_empty()
    }

    fn change(&mut self, line: usize) -> &mut Change {
        self.changes.entry(line).or_default()
    }

    fn delete(&mut self, line: usize) {
        self.change(line).replace = Some(None);
    }

    /// Set `key` (lower-case) to `value` in `target`: on the line the SDKs read it from (its
    /// last occurrence), else after the last key of the last such section, else in a new
    /// section at the end.
    pub fn set(&mut self, target: Target<'_>, key: &str, value: &str) -> Result<()> {
        check_key(key)?;
        check_value(key, value)?;
        let key = key.to_ascii_lowercase();
        let sections = self.matching(target, false);
        let Some(&last_section) = sections.last() else {
            let header = target.header(self.kind);
            let line = format!("{key} = {value}");
            match self.new_sections.iter_mut().find(|(h, _)| *h == header) {
                Some((_, lines)) => lines.push(line),
                None => self.new_sections.push((header, vec![line])),
            }
            return Ok(());
        };
        let mut last: Option<Prop> = None;
        for &s in &sections {
            for p in self.props(s) {
                if p.key == key {
                    last = Some(p);
                }
            }
        }
        match last {
            Some(prop) => {
                let content = self.content(prop.line);
                let (start, end) = value_span(content)
                    .ok_or_else(|| anyhow!("line {} is not a property", prop.line + 1))?;
                let mut line = content[..start].to_string();
                if start == end && line.ends_with('=') {
                    line.push(' ');
                }
                line.push_str(value);
                if !(self.is_secret)(&key) {
                    line.push_str(&content[end..]);
                }
                if parse::property_of(&line).map(|(k, v)| (k.to_ascii_lowercase(), v))
                    != Some((key.clone(), value))
                {
                    // The kept comment would change what is read: write the plain line.
                    line = format!("{key} = {value}");
                }
                self.change(prop.line).replace = Some(Some(line));
                for c in prop.continuations {
                    self.delete(c);
                }
            }
            None => {
                let after = self
                    .props(last_section)
                    .last()
                    .map_or(self.sections[last_section].header, Prop::last_line);
                self.change(after).after.push(format!("{key} = {value}"));
            }
        }
        Ok(())
    }

    /// Remove every occurrence of `key` from the sections `target` addresses (an earlier one
    /// would otherwise become effective). Returns how many were removed.
    pub fn unset(&mut self, target: Target<'_>, key: &str) -> usize {
        let key = key.to_ascii_lowercase();
        let mut removed = 0;
        for s in self.matching(target, false) {
            for p in self.props(s) {
                if p.key == key {
                    self.delete(p.line);
                    for c in p.continuations {
                        self.delete(c);
                    }
                    removed += 1;
                }
            }
        }
        removed
    }

    /// Remove the sections `target` addresses: the header through its last property (comment
    /// and blank lines after it stay: they usually introduce the next section). Returns how
    /// many sections were removed.
    pub fn remove_sections(&mut self, target: Target<'_>) -> usize {
        let sections = self.matching(target, true);
        for &s in &sections {
            let header = self.sections[s].header;
            let last = self.props(s).last().map_or(header, Prop::last_line);
            for line in header..=last {
                self.delete(line);
            }
            // Leave one blank line, not two, where the section was (none at the top).
            let is_blank = |e: &Self, i: usize| e.content(i).is_empty();
            let after_blank = last + 1 < self.lines.len() && is_blank(self, last + 1);
            let at_end = last + 1 >= self.lines.len();
            if header == 0 {
                if after_blank {
                    self.delete(last + 1);
                }
            } else if is_blank(self, header - 1)
                && (after_blank || at_end)
                && !self.changes.contains_key(&(header - 1))
            {
                self.delete(header - 1);
            }
        }
        sections.len()
    }

    /// Rename the sections `target` addresses to `new` (a config file's `[default]` becomes
    /// `[profile NEW]`). Returns how many headers changed.
    pub fn rename_sections(&mut self, target: Target<'_>, new: &str) -> usize {
        let sections = self.matching(target, true);
        for &s in &sections {
            let section = &self.sections[s];
            let line = section.header;
            let content = self.content(line);
            let Some((prefix, name, at)) = header_of(content) else {
                continue;
            };
            let renamed = if self.kind == FileKind::Config && prefix.is_none() {
                let prefix = match target {
                    Target::SsoSession(_) => "sso-session",
                    Target::Profile(_) => "profile",
                };
                format!(
                    "{}{prefix} {new}{}",
                    &content[..at],
                    &content[at + name.len()..]
                )
            } else {
                format!("{}{new}{}", &content[..at], &content[at + name.len()..])
            };
            self.change(line).replace = Some(Some(renamed));
        }
        sections.len()
    }

    /// Point every `source_profile = OLD` of every profile in this file at `new`. Returns how
    /// many lines changed.
    pub fn replace_source_profile(&mut self, old: &str, new: &str) -> usize {
        let mut changed = 0;
        for s in 0..self.sections.len() {
            let section = &self.sections[s];
            let is_profile = match self.kind {
                FileKind::Credentials => section.prefix.is_none(),
                FileKind::Config => {
                    section.prefix == Some("profile")
                        || (section.prefix.is_none() && section.name == "default")
                }
            };
            if !is_profile {
                continue;
            }
            for p in self.props(s) {
                if p.key != "source_profile" || !p.continuations.is_empty() {
                    continue;
                }
                let content = self.content(p.line);
                let Some((start, end)) = value_span(content) else {
                    continue;
                };
                if &content[start..end] == old {
                    let line = format!("{}{new}{}", &content[..start], &content[end..]);
                    self.change(p.line).replace = Some(Some(line));
                    changed += 1;
                }
            }
        }
        changed
    }

    /// The whole new text (with the BOM, if the file had one).
    pub fn finish(self) -> String {
        let mut out = String::with_capacity(self.bom.len() + self.text.len() + 256);
        out.push_str(self.bom);
        let body_start = out.len();
        let nl = self.newline;
        let ensure_newline = |out: &mut String| {
            if out.len() > body_start && !out.ends_with('\n') {
                out.push_str(nl);
            }
        };
        let mut cursor = 0;
        let mut last_deleted = false;
        for (&idx, change) in &self.changes {
            let line = self.lines[idx];
            out.push_str(
                &self.text[self.lines.get(cursor).map_or(line.start, |l| l.start)..line.start],
            );
            last_deleted = false;
            match &change.replace {
                None => out.push_str(&self.text[line.start..line.end]),
                Some(None) => last_deleted = true,
                Some(Some(content)) => {
                    out.push_str(content);
                    out.push_str(&self.text[line.content_end..line.end]);
                }
            }
            if !change.after.is_empty() {
                last_deleted = false;
                ensure_newline(&mut out);
                for added in &change.after {
                    out.push_str(added);
                    out.push_str(nl);
                }
            }
            cursor = idx + 1;
        }
        if let Some(l) = self.lines.get(cursor) {
            out.push_str(&self.text[l.start..]);
            last_deleted = false;
        }
        let unterminated = self.lines.last().is_some_and(|l| l.end == l.content_end);
        if last_deleted && unterminated && self.new_sections.is_empty() {
            // The file had no final newline: removing its last lines does not add one.
            if out.ends_with("\r\n") {
                out.truncate(out.len() - 2);
            } else if out.ends_with('\n') {
                out.truncate(out.len() - 1);
            }
        }
        for (header, lines) in &self.new_sections {
            ensure_newline(&mut out);
            let last_line = out[body_start..]
                .trim_end_matches(['\r', '\n'])
                .rsplit('\n')
                .next()
                .unwrap_or("");
            let ends_blank = out.len() == body_start
                || out[body_start..].ends_with("\n\n")
                || out[body_start..].ends_with("\n\r\n")
                || (out.len() > body_start && last_line.trim_matches([' ', '\t', '\r']).is_empty());
            if !ends_blank {
                out.push_str(nl);
            }
            out.push_str(header);
            out.push_str(nl);
            for line in lines {
                out.push_str(line);
                out.push_str(nl);
            }
        }
        out
    }
}

/// The lines of `text` (BOM removed) for display, masked by the one rule of
/// [`crate::secret::shown`]: a secret property's value and its continuation lines, the
/// arguments of a `credential_process`, the secret lines of a sub-property block, a URL's
/// password. The result has one entry per line, terminators removed.
pub fn masked_lines(text: &str) -> Vec<Cow<'_, str>> {
    use crate::secret::{shown, shown_continuation};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parent: Option<String> = None;
    let replaced = |content: &str, start: usize, end: usize, value: Cow<'_, str>| {
        if value == content[start..end] {
            None
        } else {
            Some(format!("{}{value}{}", &content[..start], &content[end..]))
        }
    };
    // `key = value` masked by the rule: a secret to the end of the line (what follows may be a
    // comment, or part of the secret for a reader that takes no inline comments).
    let property = |content: &str, key: &str| match value_span(content) {
        Some((start, end)) if end > start && crate::secret::is_secret_key(key) => {
            Some(format!("{}{}", &content[..start], crate::secret::MASK))
        }
        Some((start, end)) if end > start => {
            replaced(content, start, end, shown(key, &content[start..end], false))
        }
        _ => None,
    };
    split_lines(text)
        .iter()
        .map(|l| {
            let content = &text[l.start..l.content_end];
            let masked = match kind_of_line(content) {
                LineKind::Property => {
                    parent = parse::property_of(content).map(|(k, _)| k.to_ascii_lowercase());
                    parent.as_deref().and_then(|key| property(content, key))
                }
                LineKind::Continuation => match &parent {
                    Some(key) => {
                        let start = content.len() - content.trim_start_matches([' ', '\t']).len();
                        replaced(
                            content,
                            start,
                            content.len(),
                            shown_continuation(key, &content[start..]),
                        )
                    }
                    None => None,
                },
                LineKind::Header => {
                    parent = None;
                    None
                }
                // A commented-out setting (`# aws_secret_access_key = OLD`) is masked as the
                // setting would be: old keys are often still valid.
                LineKind::Blank => {
                    let body = content.trim_start_matches(['#', ';']);
                    let at = content.len() - body.len();
                    let start = at + (body.len() - body.trim_start_matches([' ', '\t']).len());
                    let rest = &content[start..];
                    match parse::property_of(rest) {
                        Some((key, _)) if at > 0 => property(rest, &key.to_ascii_lowercase())
                            .map(|masked| format!("{}{masked}", &content[..start])),
                        _ => None,
                    }
                }
            };
            masked.map_or(Cow::Borrowed(content), Cow::Owned)
        })
        .collect()
}

/// The lines of `text` with their terminators (for comparing two versions).
pub fn raw_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    split_lines(text)
        .iter()
        .map(|l| &text[l.start..l.end])
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writing: lock, re-read under the lock, atomic replace.

/// One file to update: its kind, its path (as configured) and its name in messages.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub kind: FileKind,
    pub path: PathBuf,
    pub display: String,
}

/// How long a writer waits for another to finish: `AWSP_LOCK_TIMEOUT` seconds, default 5.
fn lock_wait() -> Duration {
    std::env::var("AWSP_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 600.0)
        .map_or(Duration::from_secs(5), Duration::from_secs_f64)
}

/// The file a path names, following symlinks (a dotfile manager's link stays a link; its
/// target is what gets replaced). A missing file resolves to itself.
fn resolve_symlinks(path: &Path, display: &str) -> Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)
                    .with_context(|| format!("could not read the symlink {display}"))?;
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(path),
        }
    }
    bail!("could not follow {display}: too many levels of symbolic links")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The lock file of a resolved target, `credentials.lock` beside `credentials`. It is never
/// removed: removing a lock file races with the next writer that opens it.
pub fn lock_path(resolved: &Path) -> PathBuf {
    with_suffix(resolved, ".lock")
}

/// The one temporary file per target, `.credentials.awsp-tmp`: a writer killed mid-write
/// leaves at most this one, and the next write replaces it.
pub fn temp_path(resolved: &Path) -> PathBuf {
    let name = resolved.file_name().unwrap_or_default().to_string_lossy();
    resolved.with_file_name(format!(".{name}.awsp-tmp"))
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another process holds the lock. (std's
/// `File::try_lock` does this from Rust 1.89; awsp supports 1.85.) The kernel releases the
/// lock when the holder exits, also on `kill -9`, so a lock file is never stale.
fn try_lock(file: &File) -> std::io::Result<bool> {
    loop {
        // SAFETY: flock only reads the descriptor number, which `file` keeps open.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(true);
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(err),
        }
    }
}

/// An exclusive `flock` on `file`, waiting at most `wait`: `Ok(false)` when another process
/// still holds it then. The one wait of every lock awsp takes (file writes, cache refreshes).
pub fn lock_within(file: &File, wait: Duration) -> std::io::Result<bool> {
    let deadline = Instant::now() + wait;
    loop {
        if try_lock(file)? {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct Locked {
    file: FileRef,
    resolved: PathBuf,
    _lock: File,
}

fn lock(file: &FileRef, wait: Duration) -> Result<Locked> {
    let resolved = resolve_symlinks(&file.path, &file.display)?;
    let dir = resolved
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create the directory {}", dir.display()))?;
    }
    let lock_path = lock_path(&resolved);
    let lock_name = if resolved == file.path {
        format!("{}.lock", file.display)
    } else {
        lock_path.display().to_string()
    };
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_path)
        .with_context(|| format!("could not open the lock file {lock_name}"))?;
    match lock_within(&lock, wait) {
        Ok(true) => {}
        Ok(false) => bail!(
            "could not lock {lock_name} within {} s: another process (another awsp?) is writing {}",
            wait.as_secs_f64(),
            file.display
        ),
        Err(e) => return Err(e).with_context(|| format!("could not lock {lock_name}")),
    }
    Ok(Locked {
        file: file.clone(),
        resolved,
        _lock: lock,
    })
}

/// Read the current text of a file (BOM kept) without locking, for `--dry-run`.
pub fn read_current(file: &FileRef) -> Result<Option<String>> {
    let resolved = resolve_symlinks(&file.path, &file.display)?;
    super::read_text_with_bom(&resolved, &file.display)
}

/// Lock every file, read each under its lock, let `compute` turn the current texts (`None`:
/// missing) into new ones (`None`: unchanged), and replace each changed file atomically.
/// Returns notes for stderr (a mode that was tightened).
pub fn update(
    files: &[FileRef],
    compute: impl FnOnce(&[Option<String>]) -> Result<Vec<Option<String>>>,
) -> Result<Vec<String>> {
    let wait = lock_wait();
    let mut order: Vec<usize> = (0..files.len()).collect();
    let mut resolved = Vec::with_capacity(files.len());
    for f in files {
        resolved.push(resolve_symlinks(&f.path, &f.display)?);
    }
    // One order for everyone (by resolved path), so two writers of both files never deadlock.
    order.sort_by(|&a, &b| resolved[a].cmp(&resolved[b]));
    // The same file also through a symlinked directory: by device and inode.
    for (i, a) in resolved.iter().enumerate() {
        for (j, b) in resolved.iter().enumerate().skip(i + 1) {
            if a == b || super::same_file(a, b) {
                bail!(
                    "{} and {} are the same file",
                    files[i].display,
                    files[j].display
                );
            }
        }
    }
    let mut locked: Vec<Option<Locked>> = (0..files.len()).map(|_| None).collect();
    for &i in &order {
        locked[i] = Some(lock(&files[i], wait)?);
    }
    let locked: Vec<Locked> = locked.into_iter().flatten().collect();
    let mut texts = Vec::with_capacity(files.len());
    for l in &locked {
        texts.push(super::read_text_with_bom(&l.resolved, &l.file.display)?);
    }
    let new = compute(&texts)?;
    let mut notes = Vec::new();
    for ((l, old), new) in locked.iter().zip(&texts).zip(new) {
        let Some(new) = new else { continue };
        if old.as_deref() == Some(new.as_str()) {
            continue;
        }
        if new.len() as u64 > super::MAX_FILE_BYTES {
            bail!(
                "not writing {}: it would be larger than {} MiB",
                l.file.display,
                super::MAX_FILE_BYTES / (1024 * 1024)
            );
        }
        if let Some(note) = replace(l, &new)? {
            notes.push(note);
        }
    }
    Ok(notes)
}

/// Write `text` over the locked file: temporary file, fsync, rename, fsync the directory.
fn replace(l: &Locked, text: &str) -> Result<Option<String>> {
    let display = &l.file.display;
    let target = &l.resolved;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = match fs::metadata(target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("could not read {display}")),
    };
    let mut note = None;
    let mode = match &old {
        None => 0o600,
        Some(meta) => {
            let mode = meta.mode() & 0o777;
            if l.file.kind == FileKind::Credentials && mode & 0o077 != 0 {
                let tightened = mode & 0o700;
                note = Some(format!(
                    "{display} was readable by others (mode {mode:04o}); it is now {tightened:04o}"
                ));
                tightened
            } else {
                mode
            }
        }
    };
    let tmp = temp_path(target);
    // A leftover of a writer that was killed (or anything else there) goes; `create_new`
    // then never follows a link planted at that name.
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("could not remove {}", tmp.display()));
        }
    }
    let write = || -> Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("could not create {}", tmp.display()))?;
        f.set_permissions(Permissions::from_mode(mode))
            .with_context(|| format!("could not set the mode of {}", tmp.display()))?;
        if let Some(meta) = &old {
            let mine = f.metadata()?;
            if mine.uid() != meta.uid() || mine.gid() != meta.gid() {
                std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid())).with_context(
                    || {
                        format!(
                            "could not keep the owner of {display} (uid {}, gid {})",
                            meta.uid(),
                            meta.gid()
                        )
                    },
                )?;
            }
        }
        f.write_all(text.as_bytes())
            .with_context(|| format!("could not write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("could not sync {}", tmp.display()))?;
        drop(f);
        fs::rename(&tmp, target).with_context(|| format!("could not replace {display}"))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("could not sync the directory of {display}"))?;
        Ok(())
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(k: &str) -> bool {
        k.contains("secret") || k.ends_with("_token")
    }

    fn edit(kind: FileKind, text: &str, f: impl FnOnce(&mut Editor<'_>)) -> String {
        let mut e = Editor::new(kind, text, &secret).expect("parses");
        f(&mut e);
        e.finish()
    }

    const P: Target<'static> = Target::Profile("a");

    #[test]
    fn update_keeps_spacing_and_comment() {
        let text = "# top\n[profile a]\nregion\t=  us-east-1   # home\noutput=json\n\n[profile b]\nregion = x\n";
        let out = edit(FileKind::Config, text, |e| {
            e.set(P, "region", "eu-west-1").unwrap();
            e.set(P, "output", "text").unwrap();
        });
        assert_eq!(
            out,
            "# top\n[profile a]\nregion\t=  eu-west-1   # home\noutput=text\n\n[profile b]\nregion = x\n"
        );
    }

    #[test]
    fn secret_line_loses_its_comment() {
        let text = "[a]\naws_secret_access_key = old # was old\n";
        let out = edit(FileKind::Credentials, text, |e| {
            e.set(P, "aws_secret_access_key", "new").unwrap()
        });
        assert_eq!(out, "[a]\naws_secret_access_key = new\n");
    }

    #[test]
    fn new_key_after_last_key_and_new_section_at_end() {
        let text = "[profile a]\nregion = x\n# about b\n[profile b]\nk = 1";
        let out = edit(FileKind::Config, text, |e| {
            e.set(P, "output", "json").unwrap();
            e.set(Target::Profile("c"), "region", "r").unwrap();
            e.set(Target::Profile("c"), "output", "o").unwrap();
        });
        assert_eq!(
            out,
            "[profile a]\nregion = x\noutput = json\n# about b\n[profile b]\nk = 1\n\n[profile c]\nregion = r\noutput = o\n"
        );
    }

    #[test]
    fn crlf_and_bom_stay() {
        let text = "\u{feff}[a]\r\nk = 1\r\n";
        let out = edit(FileKind::Credentials, text, |e| {
            e.set(P, "j", "2").unwrap();
            e.set(Target::Profile("b"), "k", "3").unwrap();
        });
        assert_eq!(out, "\u{feff}[a]\r\nk = 1\r\nj = 2\r\n\r\n[b]\r\nk = 3\r\n");
    }

    #[test]
    fn last_occurrence_is_updated_and_unset_removes_all() {
        let text = "[a]\nk = 1\n[b]\nk = 0\n[a]\nk = 2\n  more\nj = 1\n";
        let set = edit(FileKind::Credentials, text, |e| e.set(P, "k", "3").unwrap());
        assert_eq!(set, "[a]\nk = 1\n[b]\nk = 0\n[a]\nk = 3\nj = 1\n");
        let unset = edit(FileKind::Credentials, text, |e| {
            assert_eq!(e.unset(P, "K"), 2);
        });
        assert_eq!(unset, "[a]\n[b]\nk = 0\n[a]\nj = 1\n");
    }

    #[test]
    fn no_final_newline_is_kept_unless_a_line_is_added() {
        let text = "[a]\nk = 1\nj = 2";
        assert_eq!(
            edit(FileKind::Credentials, text, |e| e.set(P, "j", "3").unwrap()),
            "[a]\nk = 1\nj = 3"
        );
        assert_eq!(
            edit(FileKind::Credentials, text, |e| {
                e.unset(P, "j");
            }),
            "[a]\nk = 1"
        );
        assert_eq!(
            edit(FileKind::Credentials, text, |e| e.set(P, "x", "3").unwrap()),
            "[a]\nk = 1\nj = 2\nx = 3\n"
        );
    }

    #[test]
    fn default_and_sso_session_headers() {
        let out = edit(FileKind::Config, "", |e| {
            e.set(Target::Profile("default"), "region", "r").unwrap();
            e.set(Target::SsoSession("corp"), "sso_region", "s")
                .unwrap();
        });
        assert_eq!(
            out,
            "[default]\nregion = r\n\n[sso-session corp]\nsso_region = s\n"
        );
        // [profile default] hides [default]: the edit lands where the SDKs read it.
        let text = "[default]\nregion = a\n[profile default]\nregion = b\n";
        let out = edit(FileKind::Config, text, |e| {
            e.set(Target::Profile("default"), "region", "c").unwrap()
        });
        assert_eq!(
            out,
            "[default]\nregion = a\n[profile default]\nregion = c\n"
        );
    }

    #[test]
    fn remove_and_rename() {
        let text = "[profile a] # mine\nk = 1\n\n[profile b]\nsource_profile = a # src\n\n[profile a]\nj = 2\n";
        let removed = edit(FileKind::Config, text, |e| {
            assert_eq!(e.remove_sections(P), 2);
        });
        assert_eq!(removed, "[profile b]\nsource_profile = a # src\n");
        let renamed = edit(FileKind::Config, text, |e| {
            assert_eq!(e.rename_sections(P, "z"), 2);
            assert_eq!(e.replace_source_profile("a", "z"), 1);
        });
        assert_eq!(
            renamed,
            "[profile z] # mine\nk = 1\n\n[profile b]\nsource_profile = z # src\n\n[profile z]\nj = 2\n"
        );
        let out = edit(FileKind::Config, "[default]\nk = 1\n", |e| {
            e.rename_sections(Target::Profile("default"), "x");
        });
        assert_eq!(out, "[profile x]\nk = 1\n");
    }

    #[test]
    fn values_that_would_not_read_back_are_refused() {
        for bad in [
            "",
            " x",
            "x ",
            "a\nb",
            "a\rb",
            "a #b",
            "a\t;b",
            "a\u{3000}#b",
            "a\0b",
        ] {
            assert!(check_value("k", bad).is_err(), "{bad:?}");
        }
        for good in ["a#b", "a;b", "x = y", "[z]", "a\tb", "é"] {
            check_value("k", good).expect(good);
        }
        assert!(check_name("profile name", "a b").is_err());
        assert!(check_name("profile name", "").is_err());
        check_name("profile name", "dev-alice@corp").expect("valid");
        let err = check_value("aws_secret_access_key", "s3cr3t #x").unwrap_err();
        assert!(!format!("{err:#}").contains("s3cr3t"));
    }

    #[test]
    fn masked_lines_hide_secrets_and_their_continuations() {
        let text = "[a]\naws_secret_access_key = abc # c\n  more\nregion = r\n";
        let lines = masked_lines(text);
        assert_eq!(
            lines,
            [
                "[a]",
                "aws_secret_access_key = ********",
                "  ********",
                "region = r"
            ]
        );
    }

    #[test]
    fn masked_lines_follow_the_one_rule_beyond_key_names() {
        let text = "[profile p]\ncredential_process = /bin/get --token hunter2\n\
                    endpoint_url = https://u:pw1@proxy.example\n\
                    s3 =\n  aws_secret_access_key = nested\n  max_concurrent_requests = 20\n";
        let lines = masked_lines(text);
        assert_eq!(
            lines,
            [
                "[profile p]",
                "credential_process = /bin/get ********",
                "endpoint_url = https://u:********@proxy.example",
                "s3 =",
                "  aws_secret_access_key = ********",
                "  max_concurrent_requests = 20"
            ]
        );
    }

    #[test]
    fn masked_lines_hide_continued_arguments_and_commented_out_secrets() {
        let text = "[profile p]\ncredential_process = /bin/get\n  --token hunter2\n\
                    # aws_secret_access_key = OLDSECRET\n;aws_session_token=OLDTOKEN\n\
                    # just a comment = fine\n";
        let lines = masked_lines(text);
        assert_eq!(
            lines,
            [
                "[profile p]",
                "credential_process = /bin/get",
                "  ********",
                "# aws_secret_access_key = ********",
                ";aws_session_token=********",
                "# just a comment = fine"
            ]
        );
    }
}
