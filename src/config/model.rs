//! The merged model of both files, as the SDKs normalise them.
//!
//! Rules (the SDKs' `normalize`): in the config file `[profile NAME]` and `[default]` are
//! profiles, `[sso-session NAME]` are SSO sessions and other `[PREFIX NAME]` sections are kept
//! as they are (`[services NAME]`); in the credentials file only bare `[NAME]` sections count.
//! Names and keys must match `[A-Za-z0-9_\-/.%@:+]`. `[profile default]` hides `[default]` in
//! the config file. Sections of one name merge, the last key wins, and the credentials file wins
//! over the config file. Ignored sections and keys are kept, with the reason, for `doctor`.
//!
//! Built for the hot commands on large files: the model is a flat list of judged section
//! headers in merge order (config file first, each file top to bottom). Looking up one profile
//! scans that list and reads only that profile's sections; only listing sorts. Many lookups
//! on one set (a long role chain) would make that quadratic, so after a few scans an index by
//! name is built, once.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::{BTreeMap, HashMap};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Class {
    Profile,
    SsoSession,
    Other,
}

#[derive(Debug, Clone)]
struct Entry<'a> {
    class: Class,
    name: &'a str,
    file: usize,
    section: usize,
}

/// A section or key the SDKs skip, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub origin: Origin,
    /// A stable name for the kind of problem, as `doctor` reports it.
    pub code: &'static str,
    pub reason: String,
}

/// One setting of a profile or SSO session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<'a> {
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub origin: Origin,
}

/// Both files, parsed and merged.
#[derive(Debug)]
pub struct ProfileSet<'a> {
    files: Vec<(FileKind, RawFile<'a>)>,
    /// Judged sections in merge order: config file first, each file top to bottom.
    entries: Vec<Entry<'a>>,
    ignored_sections: Vec<Ignored>,
    /// Lookups so far; past `SCANS_BEFORE_INDEX` they go through `index`.
    lookups: Cell<usize>,
    /// The entries by class and name; built on first need.
    index: OnceCell<NameIndex<'a>>,
}

/// Lookups that scan before the index is built: building it hashes every name, which costs
/// about as much as 40 scans (callgrind, 10,000 profiles), and `use` and `show` make a few (one per
/// link of a short role chain).
const SCANS_BEFORE_INDEX: usize = 64;

/// Entries by class and name: the first entry of each, and for every entry the next one of
/// the same class and name (merge order), so that duplicates need no list of their own.
#[derive(Debug)]
struct NameIndex<'a> {
    first: HashMap<(Class, &'a str), usize>,
    next: Vec<usize>,
}

impl<'a> NameIndex<'a> {
    fn new(entries: &[Entry<'a>]) -> Self {
        let mut first = HashMap::with_capacity(entries.len());
        let mut last: HashMap<(Class, &'a str), usize> = HashMap::new();
        let mut next = vec![usize::MAX; entries.len()];
        for (i, e) in entries.iter().enumerate() {
            let key = (e.class, e.name);
            match first.entry(key) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(head) => {
                    // A repeated name (rare): find the end of its run.
                    let end = *last.get(&key).unwrap_or(head.get());
                    next[end] = i;
                    last.insert(key, i);
                }
            }
        }
        NameIndex { first, next }
    }

    /// The indices of the entries of `class` named `name`, in merge order.
    fn entries_of(&self, class: Class, name: &str) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.first.get(&(class, name)).copied();
        std::iter::from_fn(move || {
            let i = at?;
            at = Some(self.next[i]).filter(|&n| n != usize::MAX);
            Some(i)
        })
    }
}

/// Whether `s` may name a profile, SSO session or key.
pub fn is_identifier(s: &str) -> bool {
    s.bytes().all(|b| IDENTIFIER_BYTES[usize::from(b)])
}

/// The bytes an identifier may hold, as a table: every section name and key is checked.
const IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+');
        b += 1;
    }
    table
};

impl<'a> ProfileSet<'a> {
    /// Merge the parsed files; pass the config file before the credentials file.
    pub fn new(files: Vec<(FileKind, RawFile<'a>)>) -> Self {
        let mut entries = Vec::new();
        let mut ignored_sections = Vec::new();
        for (file_idx, (kind, raw)) in files.iter().enumerate() {
            let kind = *kind;
            let has_prefixed_default = kind == FileKind::Config
                && raw
                    .sections
                    .iter()
                    // `contains` first: splitting every header costs more than looking.
                    .any(|s| {
                        s.header.contains("default")
                            && matches!(split_header(s.header), (Some("profile"), "default"))
                    });
            for (section_idx, section) in raw.sections.iter().enumerate() {
                let (prefix, name) = split_header(section.header);
                match judge(kind, prefix, name, has_prefixed_default) {
                    Ok(class) => entries.push(Entry {
                        class,
                        name,
                        file: file_idx,
                        section: section_idx,
                    }),
                    Err((code, reason)) => ignored_sections.push(Ignored {
                        origin: Origin {
                            file: kind,
                            line: section.line,
                        },
                        code,
                        reason,
                    }),
                }
            }
        }
        ProfileSet {
            files,
            entries,
            ignored_sections,
            lookups: Cell::new(0),
            index: OnceCell::new(),
        }
    }

    /// The entries of one class sorted by name, each name's entries in merge order. (Profiles
    /// and SSO sessions have no prefix; `Other` sections are never listed.)
    fn sorted(&self, class: Class) -> Vec<&Entry<'a>> {
        // Sorting on the first 16 bytes of the name as one number, and comparing whole names
        // only when those are equal, halves the cost of sorting 10,000 names with shared
        // prefixes. The entry's index keeps merge order within a name, without a stable
        // sort's scratch buffer.
        let mut keyed: Vec<(u128, usize, &Entry<'a>)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.class == class)
            .map(|(i, e)| (prefix_key(e.name), i, e))
            .collect();
        keyed.sort_unstable_by(|(ka, ia, a), (kb, ib, b)| {
            ka.cmp(kb).then_with(|| a.name.cmp(b.name)).then(ia.cmp(ib))
        });
        keyed.into_iter().map(|(_, _, e)| e).collect()
    }

    /// Sorted names of one class, each once.
    fn names_of(&self, class: Class) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = self.sorted(class).iter().map(|e| e.name).collect();
        names.dedup();
        names
    }

    fn section_of(&self, entries: &[&Entry<'a>]) -> Option<Section<'a>> {
        let first = entries.first()?;
        let mut sources = Vec::with_capacity(entries.len());
        let mut props = Vec::new();
        for e in entries {
            let (kind, raw) = &self.files[e.file];
            let section = &raw.sections[e.section];
            sources.push(Origin {
                file: *kind,
                line: section.line,
            });
            props.extend(
                section
                    .properties()
                    .into_iter()
                    .filter(|p| is_identifier(&p.key))
                    .map(|p| Setting {
                        key: p.key,
                        value: p.value,
                        origin: Origin {
                            file: *kind,
                            line: p.line,
                        },
                    }),
            );
        }
        Some(Section {
            name: first.name,
            sources,
            props,
        })
    }

    fn find(&self, class: Class, name: &str) -> Option<Section<'a>> {
        let lookups = self.lookups.get() + 1;
        self.lookups.set(lookups);
        let entries: Vec<&Entry<'a>> = if lookups <= SCANS_BEFORE_INDEX {
            self.entries
                .iter()
                .filter(|e| e.class == class && e.name == name)
                .collect()
        } else {
            let index = self.index.get_or_init(|| NameIndex::new(&self.entries));
            index
                .entries_of(class, name)
                .map(|i| &self.entries[i])
                .collect()
        };
        self.section_of(&entries)
    }

    /// Every section of one class, merged by name, sorted by name.
    fn all_of(&self, class: Class) -> Vec<Section<'a>> {
        self.sorted(class)
            .chunk_by(|a, b| a.name == b.name)
            .filter_map(|group| self.section_of(group))
            .collect()
    }

    /// Profile names, sorted, each once.
    pub fn profile_names(&self) -> Vec<&'a str> {
        self.names_of(Class::Profile)
    }

    pub fn sso_session_names(&self) -> Vec<&'a str> {
        self.names_of(Class::SsoSession)
    }

    /// Every profile, sorted by name: one pass for listings.
    pub fn profiles(&self) -> Vec<Section<'a>> {
        self.all_of(Class::Profile)
    }

    pub fn sso_sessions(&self) -> Vec<Section<'a>> {
        self.all_of(Class::SsoSession)
    }

    pub fn is_empty(&self) -> bool {
        !self.entries.iter().any(|e| e.class == Class::Profile)
    }

    pub fn profile(&self, name: &str) -> Option<Section<'a>> {
        self.find(Class::Profile, name)
    }

    pub fn sso_session(&self, name: &str) -> Option<Section<'a>> {
        self.find(Class::SsoSession, name)
    }

    /// A `[services NAME]` section of the config file (endpoint settings per service).
    pub fn services(&self, name: &str) -> Option<Section<'a>> {
        let entries: Vec<&Entry<'a>> = self
            .entries
            .iter()
            .filter(|e| {
                e.class == Class::Other
                    && e.name == name
                    && split_header(self.files[e.file].1.sections[e.section].header).0
                        == Some("services")
            })
            .collect();
        self.section_of(&entries)
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
            for p in raw.sections[e.section].properties() {
                if !is_identifier(&p.key) {
                    out.push(Ignored {
                        origin: Origin {
                            file: *kind,
                            line: p.line,
                        },
                        code: "invalid-key",
                        reason: format!("key `{}` ignored: not a valid identifier", p.key),
                    });
                }
            }
        }
        out.sort_by_key(|i| i.origin);
        out
    }
}

/// The first 16 bytes of `s` as a big-endian number (zero-padded): ordering by it agrees with
/// ordering the strings, as far as it goes (names hold no NUL).
fn prefix_key(s: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = s.len().min(16);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// `[profile  name]` → (Some("profile"), "name"); `[name]` → (None, "name").
pub(crate) fn split_header(header: &str) -> (Option<&str>, &str) {
    let header = parse::trim(header);
    match memchr::memchr2(b' ', b'\t', header.as_bytes()) {
        Some(at) => (
            Some(unicode_trim(&header[..at])),
            unicode_trim(&header[at + 1..]),
        ),
        None => (None, unicode_trim(header)),
    }
}

/// `s.trim()` (Unicode whitespace, as the SDKs trim a section's prefix and name), skipping the
/// work when both ends are plainly not whitespace, as in nearly every name.
fn unicode_trim(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if plain(s.as_bytes().first()) && plain(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

fn judge(
    kind: FileKind,
    prefix: Option<&str>,
    name: &str,
    has_prefixed_default: bool,
) -> Result<Class, (&'static str, String)> {
    match (kind, prefix) {
        (FileKind::Config, Some(prefix)) => {
            if !is_identifier(name) {
                return Err((
                    "invalid-name",
                    format!("section [{prefix} {name}] ignored: '{name}' is not a valid name"),
                ));
            }
            Ok(match prefix {
                "profile" => Class::Profile,
                "sso-session" => Class::SsoSession,
                _ => Class::Other,
            })
        }
        (FileKind::Config, None) if name == "default" => {
            if has_prefixed_default {
                Err((
                    "default-shadowed",
                    "section [default] ignored: [profile default] in the same file takes priority"
                        .into(),
                ))
            } else {
                Ok(Class::Profile)
            }
        }
        (FileKind::Config, None) => Err((
            "missing-profile-prefix",
            format!(
                "section [{name}] ignored: profiles in the config file need the prefix, as in [profile {name}]"
            ),
        )),
        (FileKind::Credentials, Some("profile")) => Err((
            "profile-prefix-in-credentials",
            format!(
                "section [profile {name}] ignored: the credentials file takes [{name}], without `profile`"
            ),
        )),
        (FileKind::Credentials, Some(prefix)) => Err((
            "section-in-credentials",
            format!(
                "section [{prefix} {name}] ignored: only profiles belong in the credentials file"
            ),
        )),
        (FileKind::Credentials, None) => {
            if is_identifier(name) {
                Ok(Class::Profile)
            } else {
                Err((
                    "invalid-name",
                    format!("section [{name}] ignored: '{name}' is not a valid name"),
                ))
            }
        }
    }
}

/// A merged profile or SSO session: the settings of all its sections, from both files, in
/// merge order (a later setting of a key wins).
#[derive(Debug, Clone)]
pub struct Section<'a> {
    name: &'a str,
    sources: Vec<Origin>,
    props: Vec<Setting<'a>>,
}

impl<'a> Section<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The effective value of `key` (lower-case), with where it was written.
    pub fn setting(&self, key: &str) -> Option<&Setting<'a>> {
        self.props.iter().rev().find(|p| p.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.setting(key).map(|s| &*s.value)
    }

    /// Every effective setting, sorted by key.
    pub fn settings(&self) -> Vec<&Setting<'a>> {
        let mut map: BTreeMap<&str, &Setting<'a>> = BTreeMap::new();
        for p in &self.props {
            map.insert(&p.key, p);
        }
        map.into_values().collect()
    }

    /// Every setting as written, in merge order, also those a later one overrides.
    pub fn all_settings(&self) -> &[Setting<'a>] {
        &self.props
    }

    /// The section headers that define it, in merge order.
    pub fn sources(&self) -> &[Origin] {
        &self.sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of<'a>(config: &'a str, credentials: &'a str) -> ProfileSet<'a> {
        ProfileSet::new(vec![
            (
                FileKind::Config,
                parse::parse(config).expect("config parses"),
            ),
            (
                FileKind::Credentials,
                parse::parse(credentials).expect("credentials parse"),
            ),
        ])
    }

    /// The listing (one sort over everything) and the lookup of one profile (a scan) merge the
    /// same sections in the same order.
    #[test]
    fn listing_and_lookup_agree() {
        let set = set_of(
            "[profile b]\nk = 1\n[profile a]\nk = 2\n[profile b]\nk = 3\nj = 4\n[default]\nx = 0\n\
             [profile default]\nx = 1\n[sso-session s]\nu = 1\n[profile sso-s]\n",
            "[b]\nj = 5\n[a]\n[c]\nk = 6\n[default]\nx = 2\n",
        );
        let listed = set.profiles();
        let names: Vec<&str> = listed.iter().map(Section::name).collect();
        assert_eq!(names, ["a", "b", "c", "default", "sso-s"]);
        assert_eq!(set.profile_names(), names);
        for section in &listed {
            let looked_up = set.profile(section.name()).expect("found");
            assert_eq!(
                looked_up.settings(),
                section.settings(),
                "{}",
                section.name()
            );
            assert_eq!(looked_up.sources(), section.sources(), "{}", section.name());
        }
        let b = set.profile("b").expect("b");
        assert_eq!((b.get("k"), b.get("j")), (Some("3"), Some("5")));
        // [profile default] hides [default] in config; credentials still merge over it.
        assert_eq!(
            set.profile("default")
                .and_then(|d| d.get("x").map(str::to_string)),
            Some("2".into())
        );
        assert_eq!(set.profile("default").map(|d| d.sources().len()), Some(2));
        assert_eq!(set.sso_session_names(), ["s"]);
        assert_eq!(set.ignored_sections().len(), 1);
        assert_eq!(
            set.ignored_sections()[0].origin.line,
            8,
            "[default] beside [profile default]"
        );
    }

    /// Past `SCANS_BEFORE_INDEX` lookups go through the index; it gives what the scan gives,
    /// repeated sections included.
    #[test]
    fn indexed_lookups_agree_with_scans() {
        let config = "[profile b]\nk = 1\n[profile a]\nk = 2\n[profile b]\nk = 3\n[sso-session b]\nu = 1\n\
                      [profile b]\nj = 9\n[default]\nx = 0\n";
        let credentials = "[b]\nj = 5\n[c]\n[b]\nk = 7\n";
        let scanned = set_of(config, credentials);
        let indexed = set_of(config, credentials);
        for _ in 0..SCANS_BEFORE_INDEX {
            indexed.profile("nothing");
        }
        for name in ["a", "b", "c", "default", "nothing"] {
            let (s, i) = (scanned.profile(name), indexed.profile(name));
            assert_eq!(s.is_some(), i.is_some(), "{name}");
            if let (Some(s), Some(i)) = (s, i) {
                assert_eq!(s.settings(), i.settings(), "{name}");
                assert_eq!(s.sources(), i.sources(), "{name}");
            }
            let (s, i) = (scanned.sso_session(name), indexed.sso_session(name));
            assert_eq!(
                s.map(|s| s.sources().to_vec()),
                i.map(|i| i.sources().to_vec())
            );
        }
        assert!(indexed.index.get().is_some() && scanned.index.get().is_none());
        assert_eq!(indexed.profile("b").map(|b| b.sources().len()), Some(5));
    }

    #[test]
    fn ignored_keys_are_kept_with_their_line() {
        let set = set_of(
            "[profile a]\nok = 1\nin valid = 2\n[profile b]\nb!d = 3\n",
            "",
        );
        let lines: Vec<usize> = set.ignored_keys().iter().map(|i| i.origin.line).collect();
        assert_eq!(lines, [3, 5]);
        assert!(set.ignored_keys()[0].reason.contains("`in valid`"));
        assert_eq!(set.profile("a").map(|a| a.settings().len()), Some(1));
    }
}
