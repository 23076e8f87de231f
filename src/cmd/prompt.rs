//! `awsp prompt`: the prompt segment for prompt frameworks (starship, oh-my-posh).
//! The shell integration computes the same text with builtins only; see `shell/`.

use std::io::Write;

use anyhow::Result;

use crate::env::{self, process_var};

/// `dev-alice`, `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`; empty without a profile.
pub fn segment(profile: Option<&str>, expiration: Option<i64>, now: i64) -> String {
    let Some(profile) = profile.filter(|p| !p.is_empty()) else {
        return String::new();
    };
    match expiration {
        None => profile.to_string(),
        Some(at) if at <= now => format!("{profile} expired"),
        Some(at) => {
            let minutes = (at - now) / 60;
            if minutes < 60 {
                format!("{profile} {minutes}m")
            } else {
                format!("{profile} {}h{:02}m", minutes / 60, minutes % 60)
            }
        }
    }
}

pub fn run(out: &mut Vec<u8>) -> Result<()> {
    let profile = process_var("AWS_PROFILE").or_else(|| process_var(env::AWSP_PROFILE));
    let expiration = process_var(env::AWSP_EXPIRATION).and_then(|e| e.parse().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let text = segment(profile.as_deref(), expiration, now);
    if !text.is_empty() {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn formats_time_left() {
        assert_eq!(segment(None, Some(100), 0), "");
        assert_eq!(segment(Some("p"), None, 0), "p");
        assert_eq!(segment(Some("p"), Some(42 * 60 + 59), 0), "p 42m");
        assert_eq!(segment(Some("p"), Some(3600 + 5 * 60), 0), "p 1h05m");
        assert_eq!(segment(Some("p"), Some(10), 10), "p expired");
    }
}
