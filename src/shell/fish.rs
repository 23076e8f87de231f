//! fish: inside single quotes only `\\` and `\'` are escapes, so both are escaped.

pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        if ch == '\\' || ch == '\'' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('\'');
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
        assert_eq!(quote("$x (y) \n"), "'$x (y) \n'");
    }
}
