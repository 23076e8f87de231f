//! PowerShell: in a single-quoted string `'` and the curly quotes U+2018–U+201B all close
//! the string, and each is escaped by doubling it. Control characters are written as
//! `[char]N` joined to the literals, so that every statement is one line of printable text:
//! the wrapper reads a native command's output line by line, which would turn a CR into a
//! line break.

const QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

fn is_control(ch: char) -> bool {
    (ch < ' ' && ch != '\t') || ch == '\u{7f}'
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
/// holds control characters, `('…' + [char]13 + '…')` (starting with a literal, so that `+`
/// concatenates strings).
pub fn quote(value: &str) -> String {
    if !value.chars().any(is_control) {
        return literal(value);
    }
    let mut parts = Vec::new();
    let mut pending = String::new();
    for ch in value.chars() {
        if is_control(ch) {
            if parts.is_empty() || !pending.is_empty() {
                parts.push(literal(&pending));
            }
            pending.clear();
            parts.push(format!("[char]{}", ch as u32));
        } else {
            pending.push(ch);
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
        let mut out = String::new();
        let mut rest = inner;
        loop {
            if let Some(after) = rest.strip_prefix("[char]") {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                let code: u32 = after[..digits].parse().ok()?;
                out.push(char::from_u32(code)?);
                rest = &after[digits..];
            } else {
                let (value, after) = read_literal(rest)?;
                out.push_str(&value);
                rest = after;
            }
            if rest.is_empty() {
                return Some(out);
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
            "'\u{2018}\u{2018}x\u{2019}\u{2019}'"
        );
        assert_eq!(quote("$env:HOME `n"), "'$env:HOME `n'");
    }

    #[test]
    fn control_characters_become_char_codes_on_one_line() {
        assert_eq!(quote("a\r\nb"), "('a' + [char]13 + [char]10 + 'b')");
        assert_eq!(quote("\u{1b}x"), "('' + [char]27 + 'x')");
        assert_eq!(quote("tab\tstays"), "'tab\tstays'");
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
        ] {
            assert_eq!(unquote(&quote(value)).as_deref(), Some(value));
        }
        assert_eq!(unquote("'a'b'"), None);
        assert_eq!(unquote("'open"), None);
        assert_eq!(unquote("('a' [char]13)"), None);
    }
}
