//! tcsh: the code is ASCII only, and meant to be sourced from a file (the wrapper alias does
//! that): `eval "`...`"` would join its lines with spaces.
//!
//! Inside single quotes tcsh reads every character as it is except two: `!` (history
//! substitution, also in scripts and sourced files) and a newline. A `!` is written `''!''`
//! (closing the quotes around it): a `!` before a quote starts no event, and no backslash of
//! the value comes right before it (`\!` is an escape). A newline is written as a backslash and
//! a newline, a `'` as `'"'"'`. No other backslash is used: in Shift_JIS tcsh reads the byte
//! 0x5C as a yen sign, so `\!` and `'\''` would not escape there.
//! (A backslash-newline does not either; tcsh then reports an unmatched quote, the wrapper's
//! `tcsh -n` refuses the code, and a value with a newline fails in that locale rather than
//! arriving wrong.) Control characters other than a newline go in as they are. A line of the
//! value holding non-ASCII is printed by `printf` from an ASCII format (every byte but a letter
//! or digit as an octal escape, so no `!`, `$` or quote reaches tcsh) inside double quotes,
//! `"`''printf '\303\251'`"` (the quoted `''` keeps an alias from replacing it), so that no
//! byte of the value can pair with the code around it in a multi-byte locale: tcsh has no
//! escape of its own for a byte in a quoted word. Each such line starts a process when the
//! code runs; a switch starts awsp anyway.
//!
//! The code is one `if ( 1 ) then` block: sourced, it runs; evaluated with `eval`, which would
//! turn a newline of a value into a space, tcsh refuses the block and sets nothing.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::{Init, ShellSpec};
use crate::env::{EnvChange, EnvOp};

pub const SPEC: ShellSpec = ShellSpec {
    name: "tcsh",
    aliases: &[],
    help: None,
    quote,
    set,
    unset,
    render: Some(render),
    init: Some(Init {
        title: "tcsh",
        load: "eval \"`awsp init tcsh`\"",
        ext: "tcsh",
        script: include_str!("../../shell/awsp.tcsh"),
        completion: include_str!("../../shell/completion.tcsh"),
        completion_file: "completions/awsp.tcsh",
        join: Some(join),
        hooks: Some(include_str!("../../shell/hooks.tcsh")),
    }),
};

/// The completion belongs in the script's loading part, which it closes.
fn join(mut script: String, completion: &str) -> String {
    script.push_str(completion);
    script.push_str("endif\n");
    script
}

/// Where `awsp init tcsh` writes the script: `$XDG_CACHE_HOME/awsp` or `~/.cache/awsp`.
fn cache_dir() -> Result<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(dir) = absolute("XDG_CACHE_HOME") {
        return Ok(dir.join("awsp"));
    }
    match absolute("HOME") {
        Some(home) => Ok(home.join(".cache").join("awsp")),
        None => bail!("cannot write the tcsh integration: neither XDG_CACHE_HOME nor HOME is set"),
    }
}

/// `awsp init tcsh`: write `script` to the cache directory under a name made from its content
/// (so shells loading different versions never share a file), replacing it atomically, and
/// return the line that sources it.
pub fn install(script: &str) -> Result<String> {
    let dir = cache_dir()?;
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    // FNV-1a: a name, not a security boundary (the directory is the user's own).
    let hash = script.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let path = dir.join(format!("init-{hash:016x}.tcsh"));
    if std::fs::read(&path).ok().as_deref() != Some(script.as_bytes()) {
        let scratch = dir.join(format!(".init-{hash:016x}.{}", std::process::id()));
        let written =
            std::fs::write(&scratch, script).and_then(|()| std::fs::rename(&scratch, &path));
        if let Err(err) = written {
            let _ = std::fs::remove_file(&scratch);
            return Err(err).with_context(|| format!("could not write {}", path.display()));
        }
    }
    let Some(path) = path.to_str() else {
        bail!("the cache directory is not UTF-8: {}", dir.display());
    };
    Ok(format!(
        "set __awsp_file = {} ; source $__awsp_file:q load\n",
        quote(path)
    ))
}

/// One line of a value (no newline in it) as a tcsh word.
fn quote_line(line: &str, out: &mut String) {
    if line.is_ascii() {
        out.push('\'');
        for ch in line.chars() {
            match ch {
                '\'' => out.push_str("'\"'\"'"),
                // Quotes around it: no event, and no `\` of the value escaping it.
                '!' => out.push_str("''!''"),
                _ => out.push(ch),
            }
        }
        out.push('\'');
        return;
    }
    out.push_str("\"`''printf '");
    for &byte in line.as_bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(char::from(byte));
        } else {
            // Three digits always: a digit after the escape stays a digit.
            let _ = write!(out, "\\{byte:03o}");
        }
    }
    out.push_str("'`\"");
}

/// A word that tcsh, sourcing it from a file, reads back as exactly `value`.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for (i, line) in value.split('\n').enumerate() {
        if i > 0 {
            out.push_str("'\\\n'");
        }
        if !line.is_empty() || value.is_empty() {
            quote_line(line, &mut out);
        }
    }
    out
}

pub fn set(name: &str, value: &str) -> String {
    format!("setenv {name} {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("unsetenv {name}")
}

/// The change as one block (see the module's doc).
pub fn render(change: &EnvChange) -> String {
    let mut out = String::from("if ( 1 ) then\n");
    for op in change.ops() {
        let line = match op {
            EnvOp::Set(name, value) => set(name, value),
            EnvOp::Unset(name) => unset(name),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("endif\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bang_quote_and_newline() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r#"'it'"'"'s'"#);
        assert_eq!(quote("a!b"), "'a''!''b'");
        assert_eq!(quote(r"\!"), r"'\''!'''");
        assert_eq!(quote("$x `y` \"%"), "'$x `y` \"%'");
        assert_eq!(quote("a\nb"), "'a''\\\n''b'");
        assert_eq!(quote("\n"), "'\\\n'");
        assert_eq!(quote("a\n"), "'a''\\\n'");
        // The only backslash is the one before a newline.
        assert!(!quote("\\'!é\\").replace("\\\n", "").contains("\\'"));
    }

    #[test]
    fn non_ascii_lines_come_from_printf_in_ascii() {
        assert_eq!(quote("é!"), r#""`''printf '\303\251\041'`""#);
        assert_eq!(quote("x\né"), "'x''\\\n'\"`''printf '\\303\\251'`\"");
        for value in ["日本語🦀", "\u{10FFFF}\n'", "-\u{2019}$%"] {
            assert!(quote(value).is_ascii());
        }
    }

    #[test]
    fn render_is_one_block() {
        let mut change = EnvChange::new();
        change.set("A", "x").unset("B");
        assert_eq!(
            render(&change),
            "if ( 1 ) then\nsetenv A 'x'\nunsetenv B\nendif\n"
        );
    }
}
