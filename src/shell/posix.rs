//! POSIX sh, bash and zsh: single quotes hold every byte literally; a `'` is written `'\''`.

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
