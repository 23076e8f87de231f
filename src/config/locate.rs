//! Where the two AWS files are: `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else
//! `~/.aws/config` and `~/.aws/credentials`, with a leading `~` expanded from `HOME`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The paths of the config and credentials files, and the home directory used to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locations {
    pub config: PathBuf,
    pub credentials: PathBuf,
    pub home: Option<PathBuf>,
}

/// Reads the environment through `env` so that tests can hand in their own.
pub fn locate(env: &dyn Fn(&str) -> Option<OsString>) -> Result<Locations> {
    let home = env("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::home_dir);
    let pick = |var: &str, default: &str| -> Result<PathBuf> {
        match env(var).filter(|v| !v.is_empty()) {
            Some(path) => expand_home(Path::new(&path), home.as_deref()),
            None => match &home {
                Some(home) => Ok(home.join(".aws").join(default)),
                None => bail!("cannot find ~/.aws/{default}: HOME is not set (set {var} instead)"),
            },
        }
    };
    Ok(Locations {
        config: pick("AWS_CONFIG_FILE", "config")?,
        credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials")?,
        home,
    })
}

/// `~` and `~/rest` become the home directory; `~user` and everything else stay as written.
fn expand_home(path: &Path, home: Option<&Path>) -> Result<PathBuf> {
    let Ok(rest) = path.strip_prefix("~") else {
        return Ok(path.to_path_buf());
    };
    match home {
        Some(home) => Ok(home.join(rest)),
        None => bail!("cannot expand '~' in {}: HOME is not set", path.display()),
    }
}

impl Locations {
    /// A path as the user would write it: under the home directory it starts with `~/`.
    pub fn display(&self, path: &Path) -> String {
        if let Some(home) = &self.home {
            if let Ok(rest) = path.strip_prefix(home) {
                if !home.as_os_str().is_empty() && home != Path::new("/") {
                    return format!("~/{}", rest.display());
                }
            }
        }
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.into())
        }
    }

    #[test]
    fn tilde_expands_from_home() {
        let env = env_of(&[("HOME", "/h"), ("AWS_CONFIG_FILE", "~/x/config")]);
        let loc = locate(&env).unwrap();
        assert_eq!(loc.config, PathBuf::from("/h/x/config"));
        assert_eq!(loc.credentials, PathBuf::from("/h/.aws/credentials"));
        assert_eq!(loc.display(&loc.config), "~/x/config");
        let env = env_of(&[("HOME", "/h"), ("AWS_CONFIG_FILE", "~other/config")]);
        assert_eq!(locate(&env).unwrap().config, PathBuf::from("~other/config"));
    }
}
