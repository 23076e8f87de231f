//! PowerShell: the code is ASCII only. Printable ASCII goes into single-quoted literals,
//! where `'` is escaped by doubling it; every other character (control characters and all
//! non-ASCII) is written as `[char]N` (one UTF-16 code unit each, so a character outside the
//! BMP is its two surrogates) joined to the literals with `+`.
//!
//! Why: PowerShell decodes a native command's output with its console encoding, which on
//! Linux follows the locale (GBK, Shift_JIS, Big5 ... once the code-page encodings are
//! registered, as pwsh does). UTF-8 inside a literal would then be misread, and a UTF-8
//! byte pair that the legacy charset reads as U+2018–U+201B (PowerShell's other single
//! quotes) would end the literal early. ASCII reads the same in all of them. And one line
//! per statement: the wrapper reads the output line by line, which would turn a CR into a
//! line break.

use super::{Init, ShellSpec};

pub const SPEC: ShellSpec = ShellSpec {
    name: "powershell",
    aliases: &["pwsh"],
    help: None,
    quote,
    set,
    unset,
    render: None,
    init: Some(Init {
        title: "PowerShell",
        load: "awsp init powershell | Out-String | Invoke-Expression",
        ext: "ps1",
        script: include_str!("../../shell/awsp.ps1"),
        completion: include_str!("../../shell/completion.ps1"),
        completion_file: "completions/_awsp.ps1",
        join: None,
        hooks: Some(include_str!("../../shell/hooks.ps1")),
    }),
};

/// Characters PowerShell reads as a single quote; only `'` can reach a literal, the others
/// are non-ASCII, but a literal doubles all of them.
const QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

fn is_plain(ch: char) -> bool {
    (' '..='~').contains(&ch)
}

fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        if QUOTES.contains(&ch) {
            out.push(ch);
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

/// An expression whose value is exactly `value`: a single-quoted literal, or, when the value
/// holds anything but printable ASCII, `('…' + [char]13 + '…')` (starting with a literal, so
/// that `+` concatenates strings).
pub fn quote(value: &str) -> String {
    if value.chars().all(is_plain) {
        return literal(value);
    }
    let mut parts = Vec::new();
    let mut pending = String::new();
    for ch in value.chars() {
        if is_plain(ch) {
            pending.push(ch);
            continue;
        }
        if parts.is_empty() || !pending.is_empty() {
            parts.push(literal(&pending));
        }
        pending.clear();
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units) {
            parts.push(format!("[char]{unit}"));
        }
    }
    if !pending.is_empty() {
        parts.push(literal(&pending));
    }
    format!("({})", parts.join(" + "))
}

pub fn set(name: &str, value: &str) -> String {
    format!("$env:{name} = {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("Remove-Item -LiteralPath Env:{name} -ErrorAction SilentlyContinue")
}

/// Read one single-quoted literal at the start of `text`, as PowerShell's tokenizer does;
/// returns its value and the rest of the text.
fn read_literal(text: &str) -> Option<(String, &str)> {
    let mut chars = text.char_indices().peekable();
    let (_, open) = chars.next()?;
    if !QUOTES.contains(&open) {
        return None;
    }
    let mut out = String::new();
    while let Some((idx, ch)) = chars.next() {
        if QUOTES.contains(&ch) {
            match chars.peek() {
                Some(&(_, next)) if QUOTES.contains(&next) => {
                    out.push(next);
                    chars.next();
                }
                _ => return Some((out, &text[idx + ch.len_utf8()..])),
            }
        } else {
            out.push(ch);
        }
    }
    None
}

/// Read back what [`quote`] writes: a single-quoted literal, or a parenthesised `+` chain of
/// literals and `[char]N`. Used by tests to prove the round trip (no pwsh can run here);
/// returns `None` for anything else.
pub fn unquote(expr: &str) -> Option<String> {
    if let Some(inner) = expr.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
        // UTF-16 code units, as a PowerShell string holds them.
        let mut out: Vec<u16> = Vec::new();
        let mut rest = inner;
        loop {
            if let Some(after) = rest.strip_prefix("[char]") {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                out.push(after[..digits].parse().ok()?);
                rest = &after[digits..];
            } else {
                let (value, after) = read_literal(rest)?;
                out.extend(value.encode_utf16());
                rest = after;
            }
            if rest.is_empty() {
                return String::from_utf16(&out).ok();
            }
            rest = rest.strip_prefix(" + ")?;
        }
    }
    match read_literal(expr)? {
        (value, "") => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_every_single_quote_character() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(
            quote("\u{2018}x\u{2019}"),
            "('' + [char]8216 + 'x' + [char]8217)"
        );
        assert_eq!(quote("$env:HOME `n"), "'$env:HOME `n'");
    }

    #[test]
    fn control_characters_become_char_codes_on_one_line() {
        assert_eq!(quote("a\r\nb"), "('a' + [char]13 + [char]10 + 'b')");
        assert_eq!(quote("\u{1b}x"), "('' + [char]27 + 'x')");
        assert_eq!(quote("tab\t"), "('tab' + [char]9)");
        assert_eq!(quote("é🦀"), "('' + [char]233 + [char]55358 + [char]56704)");
    }

    #[test]
    fn unquote_reads_back() {
        for value in [
            "",
            "'",
            "a''b",
            "\u{201B}\u{201A}'",
            "`$x\n\"y\"",
            "\r",
            "a\u{7f}'\n",
            "日本語🦀\u{10FFFF}",
        ] {
            assert_eq!(unquote(&quote(value)).as_deref(), Some(value));
        }
        assert_eq!(unquote("'a'b'"), None);
        assert_eq!(unquote("'open"), None);
        assert_eq!(unquote("('a' [char]13)"), None);
    }
}
