//! The AWS config and credentials files: locate, read, parse, merge.

pub mod dir;
pub mod edit;
pub mod locate;
pub mod model;
pub mod parse;
pub mod regions;

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use locate::Locations;
pub use model::{FileKind, Origin, ProfileSet, Section, Setting};

/// Larger files are refused: real ones are kilobytes, 10,000 profiles are ~1.4 MB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One file's text (BOM removed), or `None` when it does not exist.
#[derive(Debug)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    /// The path as shown in messages (`~/.aws/config`).
    pub display: String,
    pub text: Option<String>,
}

impl SourceFile {
    /// The path as shown in messages, with ` (missing)` when there is no such file.
    pub fn described(&self) -> String {
        match self.text {
            Some(_) => self.display.clone(),
            None => format!("{} (missing)", self.display),
        }
    }
}

/// Both files as read from disk.
#[derive(Debug)]
pub struct Files {
    pub config: SourceFile,
    pub credentials: SourceFile,
}

impl Files {
    /// Locate and read both files from the process environment.
    pub fn load() -> Result<Files> {
        Self::load_with(&|k| std::env::var_os(k))
    }

    pub fn load_with(env: &dyn Fn(&str) -> Option<OsString>) -> Result<Files> {
        let locations = locate::locate(env)?;
        let config = read_source(FileKind::Config, &locations.config, &locations)?;
        let credentials = read_source(FileKind::Credentials, &locations.credentials, &locations)?;
        Ok(Files {
            config,
            credentials,
        })
    }

    /// Files given as text, for tests and the conformance vectors.
    pub fn from_text(config: Option<&str>, credentials: Option<&str>) -> Files {
        let source = |kind, text: Option<&str>, name: &str| SourceFile {
            kind,
            path: PathBuf::from(name),
            display: name.to_string(),
            text: text.map(|t| t.strip_prefix('\u{feff}').unwrap_or(t).to_string()),
        };
        Files {
            config: source(FileKind::Config, config, "config"),
            credentials: source(FileKind::Credentials, credentials, "credentials"),
        }
    }

    pub fn source(&self, kind: FileKind) -> &SourceFile {
        match kind {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    /// Parse both files and merge them. Errors name the file and line.
    pub fn parse(&self) -> Result<ProfileSet<'_>> {
        let mut parsed = Vec::with_capacity(2);
        for source in [&self.config, &self.credentials] {
            let raw = match &source.text {
                Some(text) => parse::parse(text)
                    .map_err(|e| anyhow::anyhow!("{}:{}: {}", source.display, e.line, e.message))?,
                None => parse::RawFile::default(),
            };
            parsed.push((source.kind, raw));
        }
        Ok(ProfileSet::new(parsed))
    }

    /// `~/.aws/config:12` for an origin.
    pub fn at(&self, origin: Origin) -> String {
        format!("{}:{}", self.source(origin.file).display, origin.line)
    }
}

/// Profile names for shell completion, from the process environment's files; a missing or
/// broken file gives no names rather than an error (completion must stay quiet).
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

pub fn read_source(kind: FileKind, path: &Path, locations: &Locations) -> Result<SourceFile> {
    let display = locations.display(path);
    let text = read_text(path, &display)?;
    Ok(SourceFile {
        kind,
        path: path.to_path_buf(),
        display,
        text,
    })
}

/// Read a whole file as UTF-8 text, BOM removed; a missing file is `None`. Anything else that
/// is not a readable text file of sane size is an error that names the file (and line, for bad
/// bytes). Only regular files are read, and `/dev/null` (as empty: people point the variables at
/// it on purpose); a FIFO, socket or device is refused without blocking on it.
fn read_text(path: &Path, display: &str) -> Result<Option<String>> {
    read_text_within(path, display, MAX_FILE_BYTES, "an AWS file")
}

/// [`read_text`] with its own size limit: `max` bytes, and `what` names the kind of file in
/// the message about a larger one (`an AWS file`). The BOM is removed.
pub(crate) fn read_text_within(
    path: &Path,
    display: &str,
    max: u64,
    what: &str,
) -> Result<Option<String>> {
    Ok(
        read_with_bom(path, display, max, what)?.map(|text| match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
    )
}

/// As [`read_text`], keeping a BOM: what an edit must write back.
pub(crate) fn read_text_with_bom(path: &Path, display: &str) -> Result<Option<String>> {
    read_with_bom(path, display, MAX_FILE_BYTES, "an AWS file")
}

fn read_with_bom(path: &Path, display: &str, max: u64, what: &str) -> Result<Option<String>> {
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read {display}")),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("could not read {display}"))?;
    if meta.is_dir() {
        bail!("could not read {display}: it is a directory, not a file");
    }
    if !meta.is_file() {
        if is_dev_null(&meta) {
            return Ok(Some(String::new()));
        }
        bail!(
            "could not read {display}: it is {}, not a regular file",
            special_kind(&meta)
        );
    }
    if meta.len() > max {
        bail!(
            "could not read {display}: it is {}, more than the {} {what} can sensibly be",
            match meta.len() {
                n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
                n if n >= 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
                n => format!("{n} bytes"),
            },
            size(max)
        );
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // `take` guards against files that grow, and devices whose length is not their size.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read {display}"))?;
    if bytes.len() as u64 > max {
        bail!(
            "could not read {display}: more than the {} {what} can sensibly be",
            size(max)
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..good].iter().filter(|&&b| b == b'\n').count();
        anyhow::anyhow!(
            "{display}:{line}: not valid UTF-8 (byte 0x{:02x}); AWS files must be UTF-8 text",
            bytes[good]
        )
    })?;
    if let Some(pos) = memchr::memchr(0, text.as_bytes()) {
        let line = 1 + text[..pos].matches('\n').count();
        bail!("{display}:{line}: contains a NUL byte; this is not a text file");
    }
    Ok(Some(text))
}

/// A limit for messages: `16 MiB`, `64 KiB`, `120 bytes`.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes % KIB == 0 {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A small file's bytes, bounded: opened without blocking (a FIFO with no writer would wait
/// forever), only a regular file (or `/dev/null`, read as empty), at most `max` bytes;
/// `Ok(None)` when it does not exist. For the files beside the AWS files that awsp reads:
/// cache entries, tokens, CA bundles. The errors name no content.
pub fn read_limited(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::{Error, ErrorKind};
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        if is_dev_null(&meta) {
            return Ok(Some(Vec::new()));
        }
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", special_kind(&meta)),
        ));
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("it is larger than {}", size(max)),
        ));
    }
    Ok(Some(bytes))
}

/// Open for reading without blocking: opening a FIFO that has no writer would wait forever.
pub fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(unix)]
fn is_dev_null(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    meta.file_type().is_char_device()
        && std::fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == meta.rdev())
}

#[cfg(not(unix))]
fn is_dev_null(_meta: &std::fs::Metadata) -> bool {
    false
}

/// What a file that is not regular is, for messages.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

/// Whether both paths (symlinks followed) are the same file or directory.
#[cfg(unix)]
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
