//! elvish: the code is ASCII only. Printable ASCII goes inside single quotes, where nothing
//! is special but `'`, written `''`; every other byte (control characters, and each byte of a
//! non-ASCII character's UTF-8 form) is a `\xHH` escape in a double-quoted string joined to
//! the quoted parts (`'a'"\xc3\xa9"'b'` is one word). elvish's `\xHH` is one byte, so the value
//! arrives byte for byte; and nothing in either kind of string is evaluated (`$x`, `(...)` in
//! single quotes are text, and the double-quoted parts hold only escapes).

use std::fmt::Write;

use super::{Init, ShellSpec};

pub const SPEC: ShellSpec = ShellSpec {
    name: "elvish",
    aliases: &[],
    help: None,
    quote,
    set,
    unset,
    render: None,
    init: Some(Init {
        title: "elvish",
        load: "eval (awsp init elvish | slurp)",
        ext: "elv",
        script: include_str!("../../shell/awsp.elv"),
        completion: include_str!("../../shell/completion.elv"),
        completion_file: "completions/awsp.elv",
        join: None,
        hooks: Some(include_str!("../../shell/hooks.elv")),
    }),
};

fn is_plain(byte: u8) -> bool {
    (b' '..=b'~').contains(&byte)
}

pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    // 0: outside, 1: in '...', 2: in "..."
    let mut state = 0;
    for &byte in value.as_bytes() {
        if is_plain(byte) {
            if state != 1 {
                if state == 2 {
                    out.push('"');
                }
                out.push('\'');
                state = 1;
            }
            if byte == b'\'' {
                out.push('\'');
            }
            out.push(char::from(byte));
        } else {
            if state != 2 {
                if state == 1 {
                    out.push('\'');
                }
                out.push('"');
                state = 2;
            }
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    match state {
        0 => out.push_str("''"),
        1 => out.push('\''),
        _ => out.push('"'),
    }
    out
}

pub fn set(name: &str, value: &str) -> String {
    format!("set-env {name} {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("unset-env {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_the_rest_escaped() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's $x (y)"), "'it''s $x (y)'");
        assert_eq!(quote("a\né'"), r#"'a'"\x0a\xc3\xa9"''''"#);
        assert_eq!(quote("\u{1b}"), r#""\x1b""#);
        assert!(quote("日本語🦀\u{7f}").is_ascii());
    }
}
