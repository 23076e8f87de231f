//! `.awsprofile`: the file that selects a profile for a directory tree. Finding it (upward
//! from a directory, bounded) and reading it.
//!
//! The format: the first line that is not blank or a comment is the profile name; after it,
//! optional `region = NAME` and `creds = true|false` lines. `#` at the start of a line, or
//! after a space or tab, starts a comment.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

/// The file's name.
pub const FILE_NAME: &str = ".awsprofile";

/// The most directories the upward search looks at (the start included). The shell hooks
/// look at no more than this either, with builtins, before they start the binary.
pub const SEARCH_LIMIT: usize = 64;

/// Larger files are refused: a real one is a line or three.
pub const MAX_BYTES: u64 = 64 * 1024;

/// A `.awsprofile` that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirProfile {
    /// The directory that holds the file: the root of the tree it applies to.
    pub root: PathBuf,
    /// The file as shown in messages (`~/src/app/.awsprofile`).
    pub display: String,
    pub profile: String,
    pub region: Option<String>,
    pub creds: bool,
}

/// The nearest directory, from `start` up (as written: `..` and symlinks are not resolved, so
/// that the result is a prefix of the shell's `$PWD`), that holds an entry named
/// `.awsprofile` of any kind, looking at [`SEARCH_LIMIT`] directories at most. A directory
/// that cannot be looked into is passed over.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take(SEARCH_LIMIT)
        .find(|dir| std::fs::symlink_metadata(dir.join(FILE_NAME)).is_ok())
        .map(Path::to_path_buf)
}

/// Read and parse `root/.awsprofile` with the rules of the AWS files (regular files only, or
/// /dev/null; bounded; UTF-8 without NUL). Errors name the file, and the line where one
/// applies; none quotes the file's contents beyond the name of a key.
pub fn load(root: &Path, home: Option<&Path>) -> Result<DirProfile> {
    let path = root.join(FILE_NAME);
    let display = display(&path, home);
    let text = super::read_text_within(&path, &display, MAX_BYTES, "a .awsprofile")?
        .ok_or_else(|| anyhow!("could not read {display}: it is a symbolic link to nothing"))?;
    let (profile, region, creds) = parse(&text).map_err(|(line, msg)| match line {
        0 => anyhow!("{display}: {msg}"),
        line => anyhow!("{display}:{line}: {msg}"),
    })?;
    Ok(DirProfile {
        root: root.to_path_buf(),
        display,
        profile,
        region,
        creds,
    })
}

/// A path as the user would write it: under the home directory it starts with `~/`.
pub fn display(path: &Path, home: Option<&Path>) -> String {
    if let Some(home) = home.filter(|h| !h.as_os_str().is_empty() && *h != Path::new("/")) {
        if let Ok(rest) = path.strip_prefix(home) {
            return format!("~/{}", rest.display());
        }
    }
    path.display().to_string()
}

/// The text without its comment: from a `#` at the start or after a space or tab.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let cut = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'));
    cut.map_or(line, |i| &line[..i]).trim()
}

type Parsed = (String, Option<String>, bool);

/// The profile, region and creds flag; an error is `(line, message)` (line 0: the file).
pub fn parse(text: &str) -> Result<Parsed, (usize, String)> {
    let mut profile: Option<String> = None;
    let mut region: Option<String> = None;
    let mut creds: Option<bool> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = strip_comment(raw);
        if line.is_empty() {
            continue;
        }
        if profile.is_none() {
            if line.contains('=') {
                return Err((
                    line_no,
                    "the first line must be the profile's name, before any `key = value`"
                        .to_string(),
                ));
            }
            profile = Some(line.to_string());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err((
                line_no,
                "expected `region = NAME` or `creds = true` (the profile's name is the first line)"
                    .to_string(),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "region" => {
                if region.is_some() {
                    return Err((line_no, "`region` is set twice".to_string()));
                }
                if value.is_empty() {
                    return Err((line_no, "`region` needs a value".to_string()));
                }
                region = Some(value.to_string());
            }
            "creds" => {
                if creds.is_some() {
                    return Err((line_no, "`creds` is set twice".to_string()));
                }
                creds = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err((line_no, "`creds` must be `true` or `false`".to_string())),
                });
            }
            _ => {
                // The key is shown escaped and shortened: it comes from the file.
                let shown: String = key.chars().take(40).collect();
                return Err((
                    line_no,
                    format!(
                        "unknown key '{}' (the keys are `region` and `creds`)",
                        crate::terminal::escaped(&shown)
                    ),
                ));
            }
        }
    }
    match profile {
        Some(profile) => Ok((profile, region, creds.unwrap_or(false))),
        None => Err((
            0,
            "no profile name (the first line names the profile)".to_string(),
        )),
    }
}

/// Fails unless `dir` is absolute: the hooks pass the shell's `$PWD`.
pub fn check_absolute(dir: &Path) -> Result<()> {
    if !dir.is_absolute() {
        bail!("{} is not an absolute directory", dir.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_name_then_the_keys() {
        assert_eq!(parse("dev-alice\n"), Ok(("dev-alice".into(), None, false)));
        assert_eq!(
            parse("# for this repo\n\n  dev-bob  # the team's\nregion = eu-west-1\ncreds = true\n"),
            Ok(("dev-bob".into(), Some("eu-west-1".into()), true))
        );
        assert_eq!(parse("a#b\n"), Ok(("a#b".into(), None, false)));
        assert_eq!(
            parse("p\ncreds=false\nregion=x"),
            Ok(("p".into(), Some("x".into()), false))
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        assert_eq!(parse("").unwrap_err().0, 0);
        assert_eq!(parse("# only a comment\n").unwrap_err().0, 0);
        assert_eq!(parse("region = x\np\n").unwrap_err().0, 1);
        assert_eq!(parse("p\nregion = a\nregion = b\n").unwrap_err().0, 3);
        assert_eq!(parse("p\ncreds = yes\n").unwrap_err().0, 2);
        assert_eq!(parse("p\nq\n").unwrap_err().0, 2);
        let (line, msg) = parse("p\n\x1b[31m = 1\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(!msg.contains('\x1b'), "{msg:?}");
    }

    #[test]
    fn search_stops_at_the_nearest_file_and_at_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("a");
        let deep = root.join("b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find(&deep), None);
        std::fs::write(root.join(FILE_NAME), "p\n").unwrap();
        assert_eq!(find(&deep), Some(root.clone()));
        std::fs::write(deep.join(FILE_NAME), "q\n").unwrap();
        assert_eq!(find(&deep), Some(deep.clone()));
        // Deeper than the limit: the file at `a` is out of reach.
        let mut far = root.clone();
        for _ in 0..SEARCH_LIMIT {
            far.push("d");
        }
        std::fs::create_dir_all(&far).unwrap();
        assert_eq!(find(&far), None);
        assert_eq!(find(far.parent().unwrap()), Some(root));
    }
}
