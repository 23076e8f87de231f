//! POSIX sh, bash and zsh: single quotes hold every byte literally; a `'` is written `'\''`.
//!
//! Safe in every locale, also the multi-byte ones where a byte of a value could pair with
//! the code around it (GBK, GB18030, Shift_JIS, Big5): inside single quotes the only byte
//! with a meaning is `'` (0x27), and 0x27 is never part of a multi-byte character in any of
//! them (second bytes are 0x40–0x7E and 0x80–0xFE, GB18030's four-byte forms add 0x30–0x39),
//! so a value's last byte cannot swallow the closing quote. The `\` of `'\''` follows a
//! `'`, never a value byte. The quoting tests run bash, zsh and dash in those locales.

pub fn quote(value: &str) -> String {
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

pub fn set(name: &str, value: &str) -> String {
    format!("export {name}={}", quote(value))
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
}
