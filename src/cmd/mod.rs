//! One module per subcommand. Each writes its stdout into a buffer that `main` prints only
//! when the command succeeded, so a failing command never leaves half its output to be eval'd.

pub mod add;
pub mod complete;
pub mod config;
pub mod creds;
pub mod current;
pub mod doctor;
pub mod exec;
pub mod here;
pub mod hook;
pub mod import;
pub mod init;
pub mod list;
pub mod login;
pub mod pick;
pub mod prompt;
pub mod rename;
pub mod rm;
pub mod show;
pub mod unset;
pub mod r#use;
pub mod whoami;
pub mod write;

use anyhow::{Result, anyhow};

use crate::config::{Files, ProfileSet};
use crate::terminal;

/// Names longer than this are not compared for suggestions: the similarity measure takes
/// time in the product of the two lengths, and no one mistypes a 200-character name.
const SUGGEST_MAX_LEN: usize = 128;

/// How alike `typed` is to `candidate` for a did-you-mean, ignoring case (`DEV-ALICE` is
/// `dev-alice`); `None` when either is too long to be compared.
fn similarity(typed: &str, candidate: &str) -> Option<f64> {
    if typed.len() > SUGGEST_MAX_LEN || candidate.len() > SUGGEST_MAX_LEN {
        return None;
    }
    Some(strsim::jaro_winkler(
        &typed.to_lowercase(),
        &candidate.to_lowercase(),
    ))
}

/// The profile named on the command line, else the one the environment selects
/// (`AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`), else `default`.
pub fn named_or_selected(profile: Option<&str>) -> String {
    profile.map_or_else(
        || environment_profile().unwrap_or_else(|| "default".to_string()),
        str::to_string,
    )
}

/// `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`.
pub fn environment_profile() -> Option<String> {
    crate::env::process_var("AWS_PROFILE")
        .or_else(|| crate::env::process_var("AWS_DEFAULT_PROFILE"))
}

/// The error for a profile that is not defined, with the closest names as suggestions (or,
/// when there are no profiles at all, the files that were read). Linear in the number of
/// names; each comparison is bounded by [`SUGGEST_MAX_LEN`].
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
        .filter_map(|candidate| Some((similarity(name, candidate)?, candidate)))
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

/// The fetch options of `--mfa-token`, `--refresh` and `--region`.
pub fn fetch_options(
    args: &crate::cli::FetchArgs,
    region: Option<&str>,
) -> crate::resolve::FetchOptions {
    crate::resolve::FetchOptions {
        mfa_token: args.mfa_token.clone(),
        refresh: args.refresh,
        region: region.map(str::to_string),
        mfa_session: args.mfa,
    }
}

/// A JSON document followed by a newline, with the characters a terminal acts on escaped
/// ([`terminal::json_safe`]: the same document).
pub fn json_line(out: &mut Vec<u8>, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    out.extend_from_slice(terminal::json_safe(&text).as_bytes());
    out.push(b'\n');
    Ok(())
}

/// Human-readable output, written into `text` by a command, goes into `out` with every
/// character a terminal would act on escaped ([`terminal::escaped_lines`]), whatever part of
/// it came from a file or the environment.
pub fn human(out: &mut Vec<u8>, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    out.extend_from_slice(terminal::escaped_lines(&text).as_bytes());
}
