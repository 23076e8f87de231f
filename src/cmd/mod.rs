//! One module per subcommand. Each writes its stdout into a buffer that `main` prints only
//! when the command succeeded, so a failing command never leaves half its output to be eval'd.

pub mod add;
pub mod complete;
pub mod config;
pub mod current;
pub mod exec;
pub mod import;
pub mod init;
pub mod list;
pub mod prompt;
pub mod rename;
pub mod rm;
pub mod show;
pub mod unset;
pub mod r#use;
pub mod write;

use anyhow::{Result, anyhow};

use crate::config::{Files, ProfileSet};

/// Keys whose values are secrets: masked unless `--reveal`.
pub fn is_secret_key(key: &str) -> bool {
    key.contains("secret")
        || key.contains("password")
        || key == "aws_security_token"
        || (key.ends_with("_token") && !key.starts_with("sso_"))
}

pub const MASK: &str = "********";

pub fn shown<'v>(key: &str, value: &'v str, reveal: bool) -> &'v str {
    if !reveal && is_secret_key(key) && !value.is_empty() {
        MASK
    } else {
        value
    }
}

/// The error for a profile that is not defined, with the closest names as suggestions (or,
/// when there are no profiles at all, the files that were read).
pub fn unknown_profile(files: &Files, set: &ProfileSet<'_>, name: &str) -> anyhow::Error {
    let names = set.profile_names();
    if names.is_empty() {
        return anyhow!(
            "profile '{name}' not found: there are no profiles in {} or {}",
            files.config.described(),
            files.credentials.described()
        );
    }
    let mut close: Vec<(f64, &str)> = names
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let names: Vec<String> = close
        .iter()
        .take(3)
        .map(|(_, n)| format!("'{n}'"))
        .collect();
    if names.is_empty() {
        anyhow!("profile '{name}' not found (`awsp list` shows the profiles)")
    } else {
        anyhow!(
            "profile '{name}' not found; did you mean {}?",
            names.join(" or ")
        )
    }
}

/// A JSON document followed by a newline.
pub fn json_line(out: &mut Vec<u8>, value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.push(b'\n');
    Ok(())
}
