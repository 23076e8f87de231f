//! Text for a terminal: values from files and the environment may hold escape sequences, so
//! every human-readable output (and the error printer) goes through [`escaped`] — one rule.
//! JSON output stays exact: [`json_safe`] only changes how the same string is written.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters a terminal may act on instead of showing: C0 controls and DEL, C1 controls
/// (U+0080–U+009F; `U+009B` is a CSI), and the bidi marks, embeddings, overrides and
/// isolates that reorder what is shown (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character (newlines too) written as an escape: `\n`, `\r`, `\t`,
/// `\e` for ESC, `\xNN` for the other C0 controls and DEL, `\u{NNNN}` for the rest.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`escaped`], but newlines stay: for output of several lines.
pub fn escaped_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            '\0'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with the unsafe characters serde_json writes raw (DEL, C1 controls, bidi
/// controls) as `\uNNNN` escapes: the same document for a JSON reader, harmless on a
/// terminal. Outside strings JSON holds only ASCII punctuation and whitespace, so every such
/// character is inside a string, where the escape means the same character.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json
        .chars()
        .any(|c| is_unsafe(c) && !c.is_ascii_whitespace())
    {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe(c) && !c.is_ascii_whitespace() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escaped("plain é ✓"), "plain é ✓");
        assert_eq!(
            escaped("a\x1b[31mred\x07\n\r\t\x7f"),
            "a\\e[31mred\\x07\\n\\r\\t\\x7f"
        );
        assert_eq!(escaped("\u{9b}2J\u{85}"), "\\u{9b}2J\\u{85}");
        assert_eq!(
            escaped("x\u{202e}y\u{2066}\u{200f}"),
            "x\\u{202e}y\\u{2066}\\u{200f}"
        );
        assert_eq!(escaped_lines("a\nb\x1b"), "a\nb\\e");
    }

    #[test]
    fn json_stays_the_same_document() {
        let value = "a\x1b\u{9b}\u{202e}\x7f\"\\ é";
        let json = serde_json::to_string_pretty(&serde_json::json!({ "k": value })).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["k"], value);
    }
}
