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
    /// `--shell`, else the integration's shell (`--wrapper`), else POSIX sh. Nothing in the
    /// environment counts: an exported variable would reach child scripts of another shell.
    pub fn pick(flag: Option<ShellName>, wrapper: Option<ShellName>) -> Shell {
        flag.or(wrapper).map_or(Shell::Posix, Shell::from)
    }

    /// The name as `--shell` spells it, used in the wrapper's header line.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Posix => "sh",
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
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

#[cfg(test)]
mod tests {
    use super::Shell;
    use crate::cli::ShellName;

    #[test]
    fn pick_takes_the_flag_then_the_wrapper_then_posix() {
        assert_eq!(Shell::pick(None, None), Shell::Posix);
        assert_eq!(Shell::pick(None, Some(ShellName::Fish)), Shell::Fish);
        assert_eq!(
            Shell::pick(Some(ShellName::Bash), Some(ShellName::Fish)),
            Shell::Bash
        );
        assert_eq!(
            Shell::pick(Some(ShellName::Powershell), None).name(),
            "powershell"
        );
    }
}
