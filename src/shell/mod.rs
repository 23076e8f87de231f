//! One emitter per shell: quoting, and an [`EnvChange`] rendered as code the shell evals.

pub mod fish;
pub mod posix;
pub mod powershell;

use crate::cli::{InitShell, ShellName};
use crate::env::{EnvChange, EnvOp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Posix,
    Bash,
    Zsh,
    Fish,
    PowerShell,
}

impl Shell {
    /// `--shell`, else `$AWSP_SHELL` (set by the integration), else POSIX sh.
    pub fn pick(flag: Option<ShellName>, env_value: Option<&str>) -> Shell {
        if let Some(name) = flag {
            return name.into();
        }
        match env_value.unwrap_or("") {
            "bash" => Shell::Bash,
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "powershell" | "pwsh" => Shell::PowerShell,
            _ => Shell::Posix,
        }
    }

    /// A string literal that the shell reads back as exactly `value`.
    pub fn quote(self, value: &str) -> String {
        match self {
            Shell::Posix => posix::quote(value),
            Shell::Bash | Shell::Zsh => posix::quote_bash(value),
            Shell::Fish => fish::quote(value),
            Shell::PowerShell => powershell::quote(value),
        }
    }

    /// The change as code, one statement per line. Call [`EnvChange::validate`] first.
    pub fn render(self, change: &EnvChange) -> String {
        let mut out = String::new();
        for op in change.ops() {
            let line = match (self, op) {
                (Shell::Fish, EnvOp::Set(name, value)) => fish::set(name, value),
                (Shell::Fish, EnvOp::Unset(name)) => fish::unset(name),
                (Shell::PowerShell, EnvOp::Set(name, value)) => powershell::set(name, value),
                (Shell::PowerShell, EnvOp::Unset(name)) => powershell::unset(name),
                (_, EnvOp::Set(name, value)) => posix::set(name, &self.quote(value)),
                (_, EnvOp::Unset(name)) => posix::unset(name),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

impl From<ShellName> for Shell {
    fn from(name: ShellName) -> Self {
        match name {
            ShellName::Sh => Shell::Posix,
            ShellName::Bash => Shell::Bash,
            ShellName::Zsh => Shell::Zsh,
            ShellName::Fish => Shell::Fish,
            ShellName::Powershell => Shell::PowerShell,
        }
    }
}

impl From<InitShell> for Shell {
    fn from(name: InitShell) -> Self {
        match name {
            InitShell::Bash => Shell::Bash,
            InitShell::Zsh => Shell::Zsh,
            InitShell::Fish => Shell::Fish,
            InitShell::Powershell => Shell::PowerShell,
        }
    }
}
