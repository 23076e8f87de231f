//! `awsp prompt`: the prompt segment for prompt frameworks (starship, oh-my-posh).
//! The shell integration computes the same text with builtins only; see `shell/`.

use std::io::Write;

use anyhow::Result;

use crate::env::{self, process_var};

/// The most digits an `AWSP_EXPIRATION` may have and still be a time.
///
/// The rule, the same in `awsp prompt` and in every shell's `awsp_prompt` (`shell/awsp.*`):
/// `AWSP_EXPIRATION` is a time when it is an optional `+` or `-` followed by 1 to 15 ASCII
/// digits and nothing else (`+0042`, `-5` and `000` are times, in decimal whatever the leading
/// zeros; `1e9`, ` 12`, `12\n`, `0x10`, `12.5`, `١٢`, the empty string and 16 digits are not).
/// What is not a time is ignored: the segment is just the profile. 15 digits are exact in
/// every shell's arithmetic (fish's `math` computes in doubles, exact to 2^53, about 9.007e15)
/// and far beyond any real expiry, so no shell ever overflows, rounds or wraps; counting the
/// leading zeros too keeps the check a plain length test in every shell.
pub const MAX_DIGITS: usize = 15;

/// `AWSP_EXPIRATION` as Unix seconds, or `None` where it is not a time (see [`MAX_DIGITS`]).
pub fn parse_expiration(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

/// Time left in the prompt's words: `45s` under a minute, `42m` under an hour, else `1h05m`.
/// `seconds` is positive.
pub fn time_left(seconds: i64) -> String {
    if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 60 {
        format!("{minutes}m")
    } else {
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    }
}

/// `dev-alice`, `dev-alice 45s`, `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`;
/// empty without a profile.
pub fn segment(profile: Option<&str>, expiration: Option<i64>, now: i64) -> String {
    let Some(profile) = profile.filter(|p| !p.is_empty()) else {
        return String::new();
    };
    match expiration {
        None => profile.to_string(),
        Some(at) if at <= now => format!("{profile} expired"),
        Some(at) => format!("{profile} {}", time_left(at - now)),
    }
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub fn run(out: &mut Vec<u8>) -> Result<()> {
    let profile = process_var("AWS_PROFILE").or_else(|| process_var(env::AWSP_PROFILE));
    let expiration = process_var(env::AWSP_EXPIRATION).and_then(|e| parse_expiration(&e));
    let text = segment(profile.as_deref(), expiration, now());
    if !text.is_empty() {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{parse_expiration, segment};

    #[test]
    fn formats_time_left() {
        assert_eq!(segment(None, Some(100), 0), "");
        assert_eq!(segment(Some("p"), None, 0), "p");
        assert_eq!(segment(Some("p"), Some(1), 0), "p 1s");
        assert_eq!(segment(Some("p"), Some(59), 0), "p 59s");
        assert_eq!(segment(Some("p"), Some(60), 0), "p 1m");
        assert_eq!(segment(Some("p"), Some(42 * 60 + 59), 0), "p 42m");
        assert_eq!(segment(Some("p"), Some(3600 + 5 * 60), 0), "p 1h05m");
        assert_eq!(segment(Some("p"), Some(10), 10), "p expired");
    }

    #[test]
    fn only_a_sign_and_up_to_15_digits_are_a_time() {
        for (text, want) in [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("+42", Some(42)),
            ("-5", Some(-5)),
            ("000000000000042", Some(42)),
            ("-00000000000042", Some(-42)),
            ("0000000000000042", None),
            ("999999999999999", Some(999_999_999_999_999)),
            ("-999999999999999", Some(-999_999_999_999_999)),
            ("1000000000000000", None),
            ("9223372036854775807", None),
            ("99999999999999999999", None),
            ("", None),
            ("+", None),
            ("-", None),
            ("+-1", None),
            (" 12", None),
            ("12 ", None),
            ("1e9", None),
            ("12.5", None),
            ("12\n", None),
            ("0x10", None),
            ("١٢", None),
            ("soon", None),
        ] {
            assert_eq!(parse_expiration(text), want, "{text:?}");
        }
    }
}
