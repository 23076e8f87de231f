//! fish: the code is ASCII only. Printable ASCII goes inside single quotes, where only `\\`
//! and `\'` are escapes; every other byte (control characters, and each byte of a non-ASCII
//! character's UTF-8 form) is a `\xHH` escape outside the quotes: `'a'\xc3\xa9'b'`.
//!
//! Why not UTF-8 inside the quotes: fish decodes its input in the locale's encoding. In
//! GBK, GB18030, Shift_JIS and Big5 a byte 0x5C (`\`) can be the second byte of a
//! two-byte character, so a value byte in front of an escaping `\` swallows it, the quote
//! ends early and the rest of the value runs as code. With ASCII-only code no byte can pair
//! with another. `\xHH` is a byte escape: fish keeps the byte as it is and passes it on
//! unchanged in every locale (adjacent byte escapes are decoded together as one character
//! where the locale's encoding allows it), so the value arrives byte for byte as the UTF-8
//! it is here. `\uXXXX` would not: fish re-encodes it in the locale's charset, and drops what
//! the charset cannot hold.

use std::fmt::Write;

use super::{Init, ShellSpec};

pub const SPEC: ShellSpec = ShellSpec {
    name: "fish",
    aliases: &[],
    help: None,
    quote,
    set,
    unset,
    render: None,
    init: Some(Init {
        title: "fish",
        load: "awsp init fish | source",
        ext: "fish",
        script: include_str!("../../shell/awsp.fish"),
        completion: include_str!("../../shell/completion.fish"),
        completion_file: "completions/awsp.fish",
        join: None,
        hooks: Some(include_str!("../../shell/hooks.fish")),
    }),
};

fn is_plain(byte: u8) -> bool {
    (b' '..=b'~').contains(&byte)
}

pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut quoted = false;
    for &byte in value.as_bytes() {
        if is_plain(byte) {
            if !quoted {
                out.push('\'');
                quoted = true;
            }
            if byte == b'\\' || byte == b'\'' {
                out.push('\\');
            }
            out.push(char::from(byte));
        } else {
            if quoted {
                out.push('\'');
                quoted = false;
            }
            // Always two digits: fish reads at most two after `\x`, and what follows is a
            // quote or another escape, never a hex digit.
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    if quoted {
        out.push('\'');
    }
    if out.is_empty() {
        out.push_str("''");
    }
    out
}

pub fn set(name: &str, value: &str) -> String {
    format!("set -gx {name} {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("set -e -g {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_backslash_and_quote() {
        assert_eq!(quote(r"a\'b"), r"'a\\\'b'");
        assert_eq!(quote("$x (y) "), "'$x (y) '");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn only_ascii_comes_out() {
        assert_eq!(quote("\n"), r"\x0a");
        assert_eq!(quote("a\tb\u{7f}"), r"'a'\x09'b'\x7f");
        assert_eq!(quote("é\\"), r"\xc3\xa9'\\'");
        assert_eq!(quote("日'"), r"\xe6\x97\xa5'\''");
        for value in ["🦀", "\u{10FFFF}", "a\u{2019}\u{1b}[31m"] {
            assert!(quote(value).bytes().all(is_plain), "{value:?}");
        }
    }
}
