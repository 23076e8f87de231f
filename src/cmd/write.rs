//! Shared by the commands that write the AWS files: one transaction over the files a command
//! writes (locked, re-read, replaced by `config::edit::update`), the `--dry-run` diff with
//! secrets masked, and questions on the terminal.

use std::cell::OnceCell;
use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};

use crate::config::edit::{self, Editor, FileRef};
use crate::config::{FileKind, Files, SourceFile, locate};
use crate::secret::is_secret_key;

/// Both files as read for an edit, BOM kept (a file a command did not ask for reads as
/// missing). The model is built only when a command asks for it.
pub struct Snapshot {
    refs: [FileRef; 2],
    config: Option<String>,
    credentials: Option<String>,
    files: OnceCell<Files>,
}

impl Snapshot {
    fn raw(&self, kind: FileKind) -> &Option<String> {
        match kind {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    /// A file's text, BOM removed.
    pub fn text(&self, kind: FileKind) -> Option<&str> {
        let text = self.raw(kind).as_deref()?;
        Some(text.strip_prefix('\u{feff}').unwrap_or(text))
    }

    /// A file's name in messages (`~/.aws/config`).
    pub fn display(&self, kind: FileKind) -> &str {
        &self.refs[index(kind)].display
    }

    /// Both files as the model reads them.
    pub fn files(&self) -> &Files {
        self.files.get_or_init(|| {
            let source = |kind| {
                let r: &FileRef = &self.refs[index(kind)];
                SourceFile {
                    kind,
                    path: r.path.clone(),
                    display: r.display.clone(),
                    text: self.text(kind).map(str::to_string),
                }
            };
            Files {
                config: source(FileKind::Config),
                credentials: source(FileKind::Credentials),
            }
        })
    }

    /// An editor of one file's current text (an empty one when the file is missing).
    pub fn editor(&self, kind: FileKind) -> Result<Editor<'_>> {
        let text = self.raw(kind).as_deref().unwrap_or("");
        Editor::new(kind, text, &is_secret_key)
            .map_err(|e| anyhow!("{}:{}: {}", self.display(kind), e.line, e.message))
    }
}

fn index(kind: FileKind) -> usize {
    match kind {
        FileKind::Config => 0,
        FileKind::Credentials => 1,
    }
}

fn file_refs() -> Result<[FileRef; 2]> {
    let locations = locate::locate(&|k| std::env::var_os(k))?;
    let at = |kind, path: &PathBuf| FileRef {
        kind,
        path: path.clone(),
        display: locations.display(path),
    };
    Ok([
        at(FileKind::Config, &locations.config),
        at(FileKind::Credentials, &locations.credentials),
    ])
}

fn snapshot(refs: [FileRef; 2], config: Option<String>, credentials: Option<String>) -> Snapshot {
    Snapshot {
        refs,
        config,
        credentials,
        files: OnceCell::new(),
    }
}

/// Both files as they are now, unlocked: for checks before asking questions, and `get`.
pub fn peek() -> Result<Snapshot> {
    let refs = file_refs()?;
    let config = edit::read_current(&refs[0])?;
    let credentials = edit::read_current(&refs[1])?;
    Ok(snapshot(refs, config, credentials))
}

/// Run one edit. `writes` are the files it may change (only these are locked), `reads` the
/// others it needs to see (read without a lock); `compute` gets them as read under the locks
/// and returns the new text of each file it changes. With `dry_run` nothing is locked or
/// written and the diff goes to `out`. Returns whether anything changed (or would).
pub fn transaction(
    writes: &[FileKind],
    reads: &[FileKind],
    dry_run: bool,
    out: &mut Vec<u8>,
    compute: impl FnOnce(&Snapshot) -> Result<Vec<(FileKind, String)>>,
) -> Result<bool> {
    let refs = file_refs()?;
    if dry_run {
        let snap = peek()?;
        let mut changed = false;
        for (kind, new) in compute(&snap)? {
            let old = snap.raw(kind).as_deref().unwrap_or("");
            if old != new {
                changed = true;
                write_diff(out, snap.display(kind), old, &new)?;
            }
        }
        if !changed {
            crate::errln!("awsp: nothing would change");
        }
        return Ok(changed);
    }
    let locked: Vec<FileRef> = writes.iter().map(|&k| refs[index(k)].clone()).collect();
    let mut changed = false;
    let notes = edit::update(&locked, |texts| {
        let mut raw: [Option<String>; 2] = [None, None];
        for (r, text) in locked.iter().zip(texts) {
            raw[index(r.kind)] = text.clone();
        }
        for &kind in reads {
            if !writes.contains(&kind) {
                raw[index(kind)] = edit::read_current(&refs[index(kind)])?;
            }
        }
        let [config, credentials] = raw;
        let snap = snapshot(refs.clone(), config, credentials);
        let mut new: Vec<Option<String>> = vec![None; locked.len()];
        for (kind, text) in compute(&snap)? {
            let Some(i) = locked.iter().position(|r| r.kind == kind) else {
                bail!("internal error: {} was not locked", kind.name());
            };
            if snap.raw(kind).as_deref().unwrap_or("") != text {
                changed = true;
                new[i] = Some(text);
            }
        }
        Ok(new)
    })?;
    for note in notes {
        crate::errln!("awsp: {note}");
    }
    Ok(changed)
}

/// A unified diff of `old` → `new`, secret values masked (a changed secret still shows as a
/// changed line) and control characters escaped for the terminal.
pub fn write_diff(out: &mut Vec<u8>, display: &str, old: &str, new: &str) -> Result<()> {
    let old_raw = edit::raw_lines(old);
    let new_raw = edit::raw_lines(new);
    let old_shown = edit::masked_lines(old);
    let new_shown = edit::masked_lines(new);
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_raw, &new_raw);
    let display = crate::terminal::escaped(display);
    writeln!(out, "--- {display}")?;
    writeln!(out, "+++ {display} (new)")?;
    let no_newline = |lines: &[&str], i: usize| !lines[i].ends_with('\n');
    for group in similar::group_diff_ops(ops, 3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_start = first.old_range().start;
        let new_start = first.new_range().start;
        let old_len = last.old_range().end - old_start;
        let new_len = last.new_range().end - new_start;
        writeln!(
            out,
            "@@ -{},{old_len} +{},{new_len} @@",
            old_start + usize::from(old_len > 0),
            new_start + usize::from(new_len > 0)
        )?;
        for op in &group {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => {
                    for i in old_range {
                        writeln!(out, " {}", crate::terminal::escaped(&old_shown[i]))?;
                    }
                }
                similar::DiffTag::Delete | similar::DiffTag::Replace | similar::DiffTag::Insert => {
                    for i in old_range {
                        writeln!(out, "-{}", crate::terminal::escaped(&old_shown[i]))?;
                        if no_newline(&old_raw, i) {
                            writeln!(out, "\\ No newline at end of file")?;
                        }
                    }
                    for i in new_range {
                        writeln!(out, "+{}", crate::terminal::escaped(&new_shown[i]))?;
                        if no_newline(&new_raw, i) {
                            writeln!(out, "\\ No newline at end of file")?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The terminal, for questions: `/dev/tty`, never stdout (stdout may be captured). Every
/// question goes through [`crate::terminal::ask`]: bounded in time and length, the terminal's
/// settings restored whatever happens.
pub struct Terminal;

impl Terminal {
    /// `None` when there is no terminal to ask on.
    pub fn open() -> Option<Terminal> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .map(|_| Terminal)
    }

    /// Ask a question and read one line (at most 4 KiB), without its newline.
    pub fn ask(&mut self, prompt: &str) -> Result<String> {
        crate::terminal::ask(prompt, false, 4096).map_err(|e| anyhow!("cancelled ({e})"))
    }

    /// Ask for a secret (at most 4 KiB); what is typed is not echoed.
    pub fn ask_secret(&mut self, prompt: &str) -> Result<String> {
        crate::terminal::ask(prompt, true, 4096).map_err(|e| anyhow!("cancelled ({e})"))
    }

    /// A yes/no question; only `y` or `yes` is yes.
    pub fn confirm(&mut self, question: &str) -> Result<bool> {
        let answer = self.ask(&format!("{question} [y/N] "))?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// Read all of standard input, at most `limit` bytes (more is an error).
pub fn read_stdin(limit: u64, what: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read {what} from standard input"))?;
    if bytes.len() as u64 > limit {
        bail!("{what} on standard input is larger than {limit} bytes");
    }
    String::from_utf8(bytes).map_err(|_| anyhow!("{what} on standard input is not UTF-8 text"))
}
