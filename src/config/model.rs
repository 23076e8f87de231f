//! The merged model of both files, as the SDKs normalise them.
//!
//! Rules (the SDKs' `normalize`): in the config file `[profile NAME]` and `[default]` are
//! profiles, `[sso-session NAME]` are SSO sessions and other `[PREFIX NAME]` sections are kept
//! as they are (`[services NAME]`); in the credentials file only bare `[NAME]` sections count.
//! Names and keys must match `[A-Za-z0-9_\-/.%@:+]`. `[profile default]` hides `[default]` in
//! the config file. Sections of one name merge, the last key wins, and the credentials file wins
//! over the config file. Ignored sections and keys are kept, with the reason, for `doctor`.
//!
//! The model indexes sections by name without copying values: a profile's settings are found
//! by walking its few sections, last one first.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::parse::{self, RawFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Config,
    Credentials,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }
}

/// Where something was written: which file, which line (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: FileKind,
    pub line: usize,
}

/// What a section is, once its header is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Profile,
    SsoSession,
    Other,
}

#[derive(Debug, Clone)]
struct Entry<'a> {
    class: Class,
    /// For `Other` sections the prefix (`services`); empty otherwise.
    prefix: &'a str,
    name: &'a str,
    file: usize,
    section: usize,
}

/// A section or key the SDKs skip, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub origin: Origin,
    pub reason: String,
}

/// One effective setting of a profile or SSO session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<'s> {
    pub key: &'s str,
    pub value: &'s str,
    pub origin: Origin,
}

/// Both files, parsed and merged.
#[derive(Debug)]
pub struct ProfileSet<'a> {
    files: Vec<(FileKind, RawFile<'a>)>,
    /// Sorted by (class, prefix, name); within one name, in the order that merging applies.
    entries: Vec<Entry<'a>>,
    ignored_sections: Vec<Ignored>,
}

/// Whether `s` may name a profile, SSO session or key.
pub fn is_identifier(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b))
}

impl<'a> ProfileSet<'a> {
    /// Merge the parsed files; pass the config file before the credentials file.
    pub fn new(files: Vec<(FileKind, RawFile<'a>)>) -> Self {
        let mut entries = Vec::new();
        let mut ignored_sections = Vec::new();
        for (file_idx, (kind, raw)) in files.iter().enumerate() {
            let kind = *kind;
            let split: Vec<(Option<&'a str>, &'a str)> = raw
                .sections
                .iter()
                .map(|s| split_header(s.header))
                .collect();
            let has_prefixed_default = kind == FileKind::Config
                && split
                    .iter()
                    .any(|(p, n)| *p == Some("profile") && *n == "default");
            for (section_idx, (section, (prefix, name))) in
                raw.sections.iter().zip(split).enumerate()
            {
                let origin = Origin {
                    file: kind,
                    line: section.line,
                };
                match judge(kind, prefix, name, has_prefixed_default) {
                    Ok((class, prefix)) => entries.push(Entry {
                        class,
                        prefix,
                        name,
                        file: file_idx,
                        section: section_idx,
                    }),
                    Err(reason) => ignored_sections.push(Ignored { origin, reason }),
                }
            }
        }
        // Within a name, file order (config first) then section order: the order merging
        // applies. (file, section) makes the key unique, so an unstable sort gives the stable
        // order without the stable sort's scratch buffer.
        entries.sort_unstable_by(|a, b| {
            a.class
                .cmp(&b.class)
                .then_with(|| cmp_str(a.prefix, b.prefix))
                .then_with(|| cmp_str(a.name, b.name))
                .then_with(|| (a.file, a.section).cmp(&(b.file, b.section)))
        });
        ProfileSet {
            files,
            entries,
            ignored_sections,
        }
    }

    fn class_range(&self, class: Class) -> &[Entry<'a>] {
        let start = self.entries.partition_point(|e| e.class < class);
        let end = self.entries.partition_point(|e| e.class <= class);
        &self.entries[start..end]
    }

    fn names_of(&self, class: Class) -> impl Iterator<Item = &'a str> + '_ {
        let entries = self.class_range(class);
        entries
            .iter()
            .enumerate()
            .filter(move |(i, e)| *i == 0 || entries[i - 1].name != e.name)
            .map(|(_, e)| e.name)
    }

    fn find(&self, class: Class, prefix: &str, name: &str) -> Option<Section<'_, 'a>> {
        let entries = self.class_range(class);
        let key = |e: &Entry<'a>| cmp_str(e.prefix, prefix).then_with(|| cmp_str(e.name, name));
        let start = entries.partition_point(|e| key(e).is_lt());
        let end = entries.partition_point(|e| key(e).is_le());
        (start < end).then(|| Section {
            set: self,
            name: entries[start].name,
            entries: &entries[start..end],
        })
    }

    /// Profile names, sorted, each once.
    pub fn profile_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names_of(Class::Profile)
    }

    pub fn sso_session_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names_of(Class::SsoSession)
    }

    pub fn is_empty(&self) -> bool {
        self.class_range(Class::Profile).is_empty()
    }

    pub fn profile(&self, name: &str) -> Option<Section<'_, 'a>> {
        self.find(Class::Profile, "", name)
    }

    pub fn sso_session(&self, name: &str) -> Option<Section<'_, 'a>> {
        self.find(Class::SsoSession, "", name)
    }

    /// Another kind of config section, such as `[services NAME]`.
    pub fn other_section(&self, prefix: &str, name: &str) -> Option<Section<'_, 'a>> {
        self.find(Class::Other, prefix, name)
    }

    /// Sections the SDKs skip, in file order.
    pub fn ignored_sections(&self) -> &[Ignored] {
        &self.ignored_sections
    }

    /// Keys the SDKs skip because they are not identifiers, in file order.
    pub fn ignored_keys(&self) -> Vec<Ignored> {
        let mut out = Vec::new();
        for e in &self.entries {
            let (kind, raw) = &self.files[e.file];
            for p in &raw.props[raw.sections[e.section].props.clone()] {
                if !is_identifier(&p.key) {
                    out.push(Ignored {
                        origin: Origin {
                            file: *kind,
                            line: p.line,
                        },
                        reason: format!("key `{}` ignored: not a valid identifier", p.key),
                    });
                }
            }
        }
        out.sort_by_key(|i| i.origin);
        out
    }
}

/// `a.cmp(b)`, without handing an empty string to `memcmp`. An empty `&str` often has a
/// dangling pointer (0x1), and glibc's AVX-512 `memcmp` reads it with a masked load that takes a
/// fault-suppression assist: ~130 ns per comparison instead of ~2 ns. Profiles all have the
/// empty prefix, so sorting 10,000 of them by `(class, prefix, name)` spent 18 ms there.
fn cmp_str(a: &str, b: &str) -> Ordering {
    if a.is_empty() || b.is_empty() {
        a.len().cmp(&b.len())
    } else {
        a.cmp(b)
    }
}

/// `[profile  name]` → (Some("profile"), "name"); `[name]` → (None, "name").
fn split_header(header: &str) -> (Option<&str>, &str) {
    let header = parse::trim(header);
    match parse::find(header.as_bytes(), b' ', b'\t') {
        Some(at) => (Some(header[..at].trim()), header[at + 1..].trim()),
        None => (None, header.trim()),
    }
}

fn judge<'a>(
    kind: FileKind,
    prefix: Option<&'a str>,
    name: &str,
    has_prefixed_default: bool,
) -> Result<(Class, &'a str), String> {
    match (kind, prefix) {
        (FileKind::Config, Some(prefix)) => {
            if !is_identifier(name) {
                return Err(format!(
                    "section [{prefix} {name}] ignored: `{name}` is not a valid name"
                ));
            }
            Ok(match prefix {
                "profile" => (Class::Profile, ""),
                "sso-session" => (Class::SsoSession, ""),
                other => (Class::Other, other),
            })
        }
        (FileKind::Config, None) if name == "default" => {
            if has_prefixed_default {
                Err(
                    "section [default] ignored: [profile default] in the same file takes priority"
                        .into(),
                )
            } else {
                Ok((Class::Profile, ""))
            }
        }
        (FileKind::Config, None) => Err(format!(
            "section [{name}] ignored: profiles in the config file need the prefix, as in [profile {name}]"
        )),
        (FileKind::Credentials, Some("profile")) => Err(format!(
            "section [profile {name}] ignored: the credentials file takes [{name}], without `profile`"
        )),
        (FileKind::Credentials, Some(prefix)) => Err(format!(
            "section [{prefix} {name}] ignored: only profiles belong in the credentials file"
        )),
        (FileKind::Credentials, None) => {
            if is_identifier(name) {
                Ok((Class::Profile, ""))
            } else {
                Err(format!(
                    "section [{name}] ignored: `{name}` is not a valid name"
                ))
            }
        }
    }
}

/// A merged profile or SSO session: all the sections of one name, from both files.
#[derive(Debug, Clone, Copy)]
pub struct Section<'s, 'a> {
    set: &'s ProfileSet<'a>,
    name: &'a str,
    entries: &'s [Entry<'a>],
}

impl<'s, 'a> Section<'s, 'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    fn props(&self) -> impl DoubleEndedIterator<Item = Setting<'s>> + '_ {
        self.entries.iter().flat_map(move |e| {
            let (kind, raw) = &self.set.files[e.file];
            raw.props[raw.sections[e.section].props.clone()]
                .iter()
                .filter(|p| is_identifier(&p.key))
                .map(move |p| Setting {
                    key: &p.key,
                    value: &p.value,
                    origin: Origin {
                        file: *kind,
                        line: p.line,
                    },
                })
        })
    }

    /// The effective value of `key` (lower-case), with where it was written.
    pub fn setting(&self, key: &str) -> Option<Setting<'s>> {
        self.props().rev().find(|p| p.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&'s str> {
        self.setting(key).map(|s| s.value)
    }

    /// Every effective setting, sorted by key.
    pub fn settings(&self) -> Vec<Setting<'s>> {
        let mut map: BTreeMap<&'s str, Setting<'s>> = BTreeMap::new();
        for p in self.props() {
            map.insert(p.key, p);
        }
        map.into_values().collect()
    }

    /// The section headers that define it, in merge order.
    pub fn sources(&self) -> Vec<Origin> {
        self.entries
            .iter()
            .map(|e| {
                let (kind, raw) = &self.set.files[e.file];
                Origin {
                    file: *kind,
                    line: raw.sections[e.section].line,
                }
            })
            .collect()
    }
}
