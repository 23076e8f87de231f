//! POSIX sh, bash and zsh: the code is ASCII only. A value of ASCII is single-quoted (every
//! byte literal; a `'` is written `'\''`). A value with non-ASCII bytes is written with octal
//! escapes, which give the bytes back exactly: for bash and zsh as `$'\303\251'`; for POSIX
//! sh (dash has no `$'...'`) printed by `printf` from an ASCII format,
//! `"$(\command printf '\303\251')"`, with its trailing newlines (which `$(...)` would strip)
//! single-quoted after it. (`\command` skips aliases and functions; zsh's `command` runs the
//! external `printf`, which reads the same escapes.)
//!
//! Why not UTF-8 inside single quotes: the shells decode their input in the locale's
//! encoding, and bash in GB18030 takes a lead byte and a digit (the start of a four-byte
//! character) together with the next two bytes whatever they are: `'½0'` (in GB18030 the
//! bytes of `½` end with such a lead byte) swallows its closing quote, the string runs on to
//! the next value's opening quote, and that value runs as code. ASCII reads the same in
//! every locale these shells support (`'` is never part of a multi-byte character in GBK,
//! GB18030, Shift_JIS or Big5; `\` is, but only after a non-ASCII byte, and there are none).

use std::fmt::Write;

use super::{Init, ShellSpec};

pub const SH: ShellSpec = ShellSpec {
    name: "sh",
    aliases: &["posix"],
    help: Some("POSIX sh (also fine for bash and zsh)"),
    quote,
    set: |name, value| set(name, &quote(value)),
    unset,
    render: None,
    init: None,
};

pub const BASH: ShellSpec = ShellSpec {
    name: "bash",
    aliases: &[],
    help: None,
    quote: quote_bash,
    set: |name, value| set(name, &quote_bash(value)),
    unset,
    render: None,
    init: Some(Init {
        title: "bash",
        load: "eval \"$(awsp init bash)\"",
        ext: "bash",
        script: include_str!("../../shell/awsp.bash"),
        completion: include_str!("../../shell/completion.bash"),
        completion_file: "completions/awsp.bash",
        join: None,
        hooks: Some(include_str!("../../shell/hooks.bash")),
    }),
};

pub const ZSH: ShellSpec = ShellSpec {
    name: "zsh",
    aliases: &[],
    help: None,
    quote: quote_bash,
    set: |name, value| set(name, &quote_bash(value)),
    unset,
    render: None,
    init: Some(Init {
        title: "zsh",
        load: "eval \"$(awsp init zsh)\"",
        ext: "zsh",
        script: include_str!("../../shell/awsp.zsh"),
        completion: include_str!("../../shell/completion.zsh"),
        completion_file: "completions/_awsp",
        join: Some(zsh_join),
        hooks: Some(include_str!("../../shell/hooks.zsh")),
    }),
};

/// zsh: the completion's statements that run at load time run under zsh's own options,
/// whatever the user set (under ksh_arrays, `$+functions[compdef]` is a math error). Not
/// autoloaded here, so it registers itself with compdef.
fn zsh_join(mut script: String, completion: &str) -> String {
    script.push_str("() {\nemulate -L zsh\n");
    script.push_str(completion);
    script.push_str("}\n");
    script
}

/// POSIX sh: a word that any POSIX shell reads back as exactly `value`.
pub fn quote(value: &str) -> String {
    if value.is_ascii() {
        return single_quoted(value);
    }
    let head = value.trim_end_matches('\n');
    let tail = &value[head.len()..];
    let mut out = String::with_capacity(head.len() * 4 + 32);
    out.push_str("\"$(\\command printf '");
    for (i, &byte) in head.as_bytes().iter().enumerate() {
        match byte {
            b'%' => out.push_str("%%"),
            // A format starting with `-` would be read as an option.
            b'-' if i == 0 => out.push_str("\\055"),
            b' '..=b'~' if byte != b'\\' && byte != b'\'' => out.push(char::from(byte)),
            // Three digits always: `\ooo` takes at most three, so a digit after it is kept.
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push_str("')\"");
    if !tail.is_empty() {
        out.push_str(&single_quoted(tail));
    }
    out
}

/// bash and zsh: the same for ASCII, `$'...'` with octal escapes otherwise (no subshell).
pub fn quote_bash(value: &str) -> String {
    if value.is_ascii() {
        return single_quoted(value);
    }
    let mut out = String::with_capacity(value.len() * 4 + 3);
    out.push_str("$'");
    for &byte in value.as_bytes() {
        match byte {
            b' '..=b'~' if byte != b'\\' && byte != b'\'' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push('\'');
    out
}

fn single_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        if ch == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(ch);
        }
    }
    out.push('\'');
    out
}

/// `quoted` is the value as [`quote`] or [`quote_bash`] wrote it.
pub fn set(name: &str, quoted: &str) -> String {
    format!("export {name}={quoted}")
}

pub fn unset(name: &str) -> String {
    format!("unset {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_stay_inert() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(
            quote("$(rm -rf ~) `x` \\ !! \n"),
            "'$(rm -rf ~) `x` \\ !! \n'"
        );
    }

    #[test]
    fn non_ascii_goes_through_printf_in_ascii() {
        assert_eq!(quote("é"), r#""$(\command printf '\303\251')""#);
        assert_eq!(
            quote("½0'%\\\n"),
            r#""$(\command printf '\302\2750\047%%\134')"'
'"#
        );
        assert_eq!(quote("é\n\n"), "\"$(\\command printf '\\303\\251')\"'\n\n'");
        assert!(quote("日本語\u{1b}🦀").is_ascii());
        assert_eq!(quote("-é"), r#""$(\command printf '\055\303\251')""#);
    }

    #[test]
    fn bash_and_zsh_get_octal_escapes() {
        assert_eq!(quote_bash("it's"), "'it'\\''s'");
        assert_eq!(quote_bash("½0'\\\n"), r"$'\302\2750\047\134\012'");
        assert!(quote_bash("日本語\u{1b}🦀").is_ascii());
    }
}
