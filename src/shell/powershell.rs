//! PowerShell: in a single-quoted string `'` and the curly quotes U+2018–U+201B all close
//! the string, and each is escaped by doubling it.

const QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

pub fn quote(value: &str) -> String {
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

pub fn set(name: &str, value: &str) -> String {
    format!("$env:{name} = {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("Remove-Item -LiteralPath Env:{name} -ErrorAction SilentlyContinue")
}

/// Read back a single-quoted PowerShell string literal, as PowerShell's tokenizer does.
/// Used by tests to prove that [`quote`] round-trips; returns `None` for a malformed literal.
pub fn unquote(literal: &str) -> Option<String> {
    let mut chars = literal.chars().peekable();
    if !QUOTES.contains(&chars.next()?) {
        return None;
    }
    let mut out = String::new();
    while let Some(ch) = chars.next() {
        if QUOTES.contains(&ch) {
            match chars.peek() {
                Some(next) if QUOTES.contains(next) => {
                    out.push(*next);
                    chars.next();
                }
                None => return Some(out),
                Some(_) => return None,
            }
        } else {
            out.push(ch);
        }
    }
    None
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
    fn unquote_reads_back() {
        for value in ["", "'", "a''b", "\u{201B}\u{201A}'", "`$x\n\"y\""] {
            assert_eq!(unquote(&quote(value)).as_deref(), Some(value));
        }
        assert_eq!(unquote("'a'b'"), None);
        assert_eq!(unquote("'open"), None);
    }
}
