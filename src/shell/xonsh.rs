//! xonsh: the code is pure Python (xonsh runs Python as it is), and ASCII only. A variable is
//! set with `__xonsh__.env['NAME'] = ...` and removed with `__xonsh__.env.pop('NAME', None)`,
//! which does not raise when the variable is absent.
//!
//! A value of ASCII is a Python string literal in single quotes: printable ASCII as it is
//! (`\\` and `\'` escaped), every control character as `\xHH`. A value with non-ASCII is its
//! UTF-8 bytes as a bytes literal (the same escapes), turned into the string that Python
//! encodes back to exactly those bytes when xonsh passes the environment to a command (with
//! the locale's codec and `surrogateescape`): `os.fsdecode(b)` (in a UTF-8 locale the same
//! string as the value; in another, what xonsh would hold had the variable come from its
//! parent) where that round-trips, else `b.decode('ascii', 'surrogateescape')`, which does in
//! every codec (Big5 decodes `\xa2\x40` and encodes it back as `\xa2\x42`, for one):
//! `(lambda b: (lambda s: s if os.fsencode(s) == b else ...)(os.fsdecode(b)))(b'\xc3\xa9')`,
//! with `os` as `__import__('os')`. A plain `'\u00e9'` would be re-encoded in the locale's
//! charset instead, and a character the charset lacks would make every later command fail to
//! start.

use std::fmt::Write;

use super::{Init, ShellSpec};

pub const SPEC: ShellSpec = ShellSpec {
    name: "xonsh",
    aliases: &[],
    help: None,
    quote,
    set,
    unset,
    render: None,
    init: Some(Init {
        title: "xonsh",
        load: "execx($(awsp init xonsh))",
        ext: "xsh",
        script: include_str!("../../shell/awsp.xsh"),
        completion: include_str!("../../shell/completion.xsh"),
        completion_file: "completions/awsp.xsh",
        join: None,
        hooks: Some(include_str!("../../shell/hooks.xsh")),
    }),
};

/// The body of a single-quoted Python literal (str or bytes) holding these ASCII bytes.
fn literal_body(bytes: &[u8], out: &mut String) {
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b' '..=b'~' => out.push(char::from(byte)),
            // Always two digits: `\x` takes exactly two.
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
}

/// The start of the expression for a value with non-ASCII, up to its bytes literal.
const BYTES_OPEN: &str = "(lambda b: (lambda s: s if __import__('os').fsencode(s) == b \
     else b.decode('ascii', 'surrogateescape'))(__import__('os').fsdecode(b)))(b'";

/// A Python expression whose value is exactly `value` (see the module's doc).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 40);
    if value.is_ascii() {
        out.push('\'');
        literal_body(value.as_bytes(), &mut out);
        out.push('\'');
    } else {
        out.push_str(BYTES_OPEN);
        literal_body(value.as_bytes(), &mut out);
        out.push_str("')");
    }
    out
}

pub fn set(name: &str, value: &str) -> String {
    format!("__xonsh__.env['{name}'] = {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("__xonsh__.env.pop('{name}', None)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_a_str_literal() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote(r"it's a \ "), r"'it\'s a \\ '");
        assert_eq!(quote("$HOME {x} `y` %s"), "'$HOME {x} `y` %s'");
        assert_eq!(quote("a\nb\r\t\u{7f}\u{1}"), r"'a\x0ab\x0d\x09\x7f\x01'");
    }

    #[test]
    fn non_ascii_is_decoded_from_its_bytes() {
        assert_eq!(quote("é'"), format!(r"{BYTES_OPEN}\xc3\xa9\'')"));
        for value in ["日本語🦀", "\u{10FFFF}\n", "\u{2019}\u{1b}"] {
            assert!(quote(value).bytes().all(|b| (b' '..=b'~').contains(&b)));
        }
    }

    #[test]
    fn statements() {
        assert_eq!(
            set("AWS_PROFILE", "dev"),
            "__xonsh__.env['AWS_PROFILE'] = 'dev'"
        );
        assert_eq!(
            unset("AWS_PROFILE"),
            "__xonsh__.env.pop('AWS_PROFILE', None)"
        );
    }
}
