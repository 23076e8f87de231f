//! One emitter per shell: quoting, and an [`EnvChange`] rendered as code the shell evals.
//!
//! Every shell is described by one [`ShellSpec`] in its own module (`src/shell/NAME.rs`), with
//! its integration scripts in `shell/`. Adding a shell: write that module, and add one line to
//! the table in [`shells!`] below. The `--shell`/`--wrapper` values, `awsp init SHELL`,
//! `awsp completions SHELL` and the hint on a terminal all come from the table.

pub mod elvish;
pub mod fish;
pub mod nu;
pub mod posix;
pub mod powershell;
pub mod tcsh;
pub mod xonsh;

use std::sync::LazyLock;

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::env::{EnvChange, EnvOp};

/// How to write code for one shell.
pub struct ShellSpec {
    /// The name as `--shell` spells it, also used in the wrapper's header line.
    pub name: &'static str,
    /// Other spellings `--shell` and `init` accept.
    pub aliases: &'static [&'static str],
    /// Shown next to the name in `--help` (`None`: nothing).
    pub help: Option<&'static str>,
    /// A string literal that the shell reads back as exactly the value.
    pub quote: fn(&str) -> String,
    /// The statement setting (and exporting) a variable to a value (the value unquoted).
    pub set: fn(&str, &str) -> String,
    /// The statement removing a variable.
    pub unset: fn(&str) -> String,
    /// The whole change as code; `None`: one [`set`](Self::set)/[`unset`](Self::unset)
    /// statement per line.
    pub render: Option<fn(&EnvChange) -> String>,
    /// The shell integration (`awsp init`), for shells that have one.
    pub init: Option<Init>,
}

/// A shell's integration: the templates in `shell/`, filled by `cmd::init`.
pub struct Init {
    /// The shell's name in the hint (`PowerShell: ...`).
    pub title: &'static str,
    /// How the integration is loaded, for the hint (`eval "$(awsp init bash)"`).
    pub load: &'static str,
    /// The file extension of its scripts (`shell/awsp.EXT`, the tests' scratch files).
    pub ext: &'static str,
    /// `shell/awsp.EXT`: the wrapper and `awsp_prompt`.
    pub script: &'static str,
    /// `shell/completion.EXT`: completion only (also `awsp completions SHELL`).
    pub completion: &'static str,
    /// Where `awsp completions SHELL` is committed for packagers (`completions/awsp.bash`).
    pub completion_file: &'static str,
    /// How `init` joins the filled script and completion; `None`: one after the other.
    pub join: Option<fn(String, &str) -> String>,
    /// `shell/hooks.EXT`: the `--hook dir|refresh` sections (see `cmd::init::render_hooks`);
    /// `None` for a shell that has none yet, where `--hook` is an error.
    pub hooks: Option<&'static str>,
}

/// The registration table: `Variant => spec`, in the order `--help` lists them. Generates the
/// [`Shell`] enum, [`Shell::ALL`] and [`Shell::spec`].
macro_rules! shells {
    ($($variant:ident => $spec:path,)*) => {
        /// A shell awsp writes code for (see [`ShellSpec`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Shell {
            $($variant,)*
        }

        impl Shell {
            /// Every shell, in the table's order.
            pub const ALL: &'static [Shell] = &[$(Shell::$variant,)*];

            pub fn spec(self) -> &'static ShellSpec {
                match self {
                    $(Shell::$variant => &$spec,)*
                }
            }
        }
    };
}

shells! {
    Posix => posix::SH,
    Bash => posix::BASH,
    Zsh => posix::ZSH,
    Fish => fish::SPEC,
    PowerShell => powershell::SPEC,
    Nu => nu::SPEC,
    Elvish => elvish::SPEC,
    Xonsh => xonsh::SPEC,
    Tcsh => tcsh::SPEC,
}

impl Shell {
    /// `--shell`, else the integration's shell (`--wrapper`), else POSIX sh. Nothing in the
    /// environment counts: an exported variable would reach child scripts of another shell.
    pub fn pick(flag: Option<Shell>, wrapper: Option<Shell>) -> Shell {
        flag.or(wrapper).unwrap_or(Shell::Posix)
    }

    /// The name as `--shell` spells it, used in the wrapper's header line.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The shell's integration, if it has one.
    pub fn init(self) -> Option<&'static Init> {
        self.spec().init.as_ref()
    }

    /// The shell named `name` as `--shell` spells it (or an alias).
    pub fn from_name(name: &str) -> Option<Shell> {
        Shell::ALL.iter().copied().find(|shell| {
            let spec = shell.spec();
            spec.name == name || spec.aliases.contains(&name)
        })
    }

    /// A string literal that the shell reads back as exactly `value`.
    pub fn quote(self, value: &str) -> String {
        (self.spec().quote)(value)
    }

    /// The change as code. Call [`EnvChange::validate`] first.
    pub fn render(self, change: &EnvChange) -> String {
        let spec = self.spec();
        if let Some(render) = spec.render {
            return render(change);
        }
        let mut out = String::new();
        for op in change.ops() {
            let line = match op {
                EnvOp::Set(name, value) => (spec.set)(name, value),
                EnvOp::Unset(name) => (spec.unset)(name),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn possible_value(self) -> PossibleValue {
        let spec = self.spec();
        let value = PossibleValue::new(spec.name).aliases(spec.aliases.iter().copied());
        match spec.help {
            Some(help) => value.help(help),
            None => value,
        }
    }
}

impl ValueEnum for Shell {
    fn value_variants<'a>() -> &'a [Self] {
        Shell::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(self.possible_value())
    }
}

/// A shell with an integration (`awsp init`, `awsp completions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InitShell(Shell);

static INIT_SHELLS: LazyLock<Vec<InitShell>> = LazyLock::new(|| {
    Shell::ALL
        .iter()
        .copied()
        .filter_map(InitShell::new)
        .collect()
});

impl InitShell {
    pub fn new(shell: Shell) -> Option<InitShell> {
        shell.init().map(|_| InitShell(shell))
    }

    /// Every shell with an integration, in the table's order.
    pub fn all() -> &'static [InitShell] {
        &INIT_SHELLS
    }

    pub fn shell(self) -> Shell {
        self.0
    }

    pub fn init(self) -> &'static Init {
        match self.0.init() {
            Some(init) => init,
            None => unreachable!("InitShell::new checks that the shell has an integration"),
        }
    }
}

impl From<InitShell> for Shell {
    fn from(shell: InitShell) -> Self {
        shell.0
    }
}

impl ValueEnum for InitShell {
    fn value_variants<'a>() -> &'a [Self] {
        InitShell::all()
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let spec = self.0.spec();
        Some(PossibleValue::new(spec.name).aliases(spec.aliases.iter().copied()))
    }
}

/// Said on stderr when the code goes to a terminal, where nothing will eval it: how each
/// integration is loaded.
pub fn not_evaluated_hint() -> String {
    let loads: Vec<String> = InitShell::all()
        .iter()
        .map(|shell| {
            let init = shell.init();
            format!("{}: {}", init.title, init.load)
        })
        .collect();
    format!(
        "awsp: this shell is unchanged: the code above must be evaluated. Load the integration \
         once ({}), or run eval \"$(awsp use PROFILE)\".",
        loads.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::{InitShell, Shell};

    #[test]
    fn pick_takes_the_flag_then_the_wrapper_then_posix() {
        assert_eq!(Shell::pick(None, None), Shell::Posix);
        assert_eq!(Shell::pick(None, Some(Shell::Fish)), Shell::Fish);
        assert_eq!(
            Shell::pick(Some(Shell::Bash), Some(Shell::Fish)),
            Shell::Bash
        );
        assert_eq!(
            Shell::pick(Some(Shell::PowerShell), None).name(),
            "powershell"
        );
    }

    #[test]
    fn names_and_aliases_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for shell in Shell::ALL {
            let spec = shell.spec();
            for name in std::iter::once(&spec.name).chain(spec.aliases) {
                assert!(seen.insert(*name), "{name} twice");
                assert_eq!(Shell::from_name(name), Some(*shell));
            }
        }
        assert_eq!(Shell::from_name("pwsh"), Some(Shell::PowerShell));
        assert_eq!(InitShell::new(Shell::Posix), None);
        assert!(InitShell::all().len() >= 4);
    }

    #[test]
    fn the_hint_names_every_integration() {
        let hint = super::not_evaluated_hint();
        for shell in InitShell::all() {
            assert!(hint.contains(shell.init().load), "{hint}");
        }
    }
}
