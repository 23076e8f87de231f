//! Every clap type in one place; completions are generated from these.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

#[derive(Debug, Parser)]
#[command(
    name = "awsp",
    version,
    about = "Switch the current shell between AWS profiles",
    long_about = "Switch the current shell between AWS profiles.\n\n\
        Load the shell integration once (for example `eval \"$(awsp init zsh)\"` in ~/.zshrc), \
        then `awsp use PROFILE` switches this shell, `awsp use -` switches back.",
    propagate_version = true
)]
pub struct Cli {
    /// Set by the shell integration's wrapper: `use`/`unset` print the header line
    /// `# awsp eval SHELL` before SHELL's code, and say on the terminal what they switched to
    #[arg(long, value_enum, value_name = "SHELL", hide = true)]
    pub wrapper: Option<ShellName>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List profiles: names one per line, or a table (--long), or JSON (--json)
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show a profile's effective settings and its credential chain
    Show(ShowArgs),
    /// Show the active profile, its region and the files in use
    Current(CurrentArgs),
    /// Switch this shell to a profile (prints shell code to eval)
    Use(UseArgs),
    /// Clear every variable awsp manages (prints shell code to eval)
    Unset(UnsetArgs),
    /// Print the shell integration to load from your shell's rc file
    Init(InitArgs),
    /// Print the prompt segment: the active profile and time left on expiring credentials
    Prompt,
    /// Run a command with a profile's credentials in its environment
    Exec(ExecArgs),
    /// Print the completion script for a shell (the integration from `init` includes it)
    Completions(CompletionsArgs),
    /// Completion candidates for the words of a command line (used by the completion scripts)
    #[command(hide = true)]
    Complete(CompleteArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// A table: name, kind, region, where it is defined; `*` marks the active profile
    #[arg(short, long, conflicts_with = "json")]
    pub long: bool,
    /// JSON: the files, every profile with its settings, and the SSO sessions
    #[arg(long)]
    pub json: bool,
    /// Show secrets instead of masking them (with --json)
    #[arg(long, requires = "json")]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The profile to show
    #[arg(add = profile_candidates(), value_name = "PROFILE", required_unless_present = "profile_option")]
    pub name: Option<String>,
    /// The profile to show, for a name that starts with `-`
    #[arg(long = "profile", short = 'p', id = "profile_option", value_name = "PROFILE",
        allow_hyphen_values = true, conflicts_with = "name", add = profile_candidates())]
    pub profile_option: Option<String>,
    /// JSON output
    #[arg(long)]
    pub json: bool,
    /// Show secrets instead of masking them
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// The profile to switch to; `-` switches back to the previous one; none: pick one on
    /// the terminal (type to filter, arrows and Enter to choose, Esc to cancel)
    #[arg(add = profile_candidates(), value_name = "PROFILE")]
    pub name: Option<String>,
    /// The profile to switch to, for a name that starts with `-` (`--profile -` is the
    /// profile named `-`)
    #[arg(long = "profile", short = 'p', id = "profile_option", value_name = "PROFILE",
        allow_hyphen_values = true, conflicts_with = "name", add = profile_candidates())]
    pub profile_option: Option<String>,
    /// Export the profile's resolved credentials instead of AWS_PROFILE
    #[arg(long)]
    pub creds: bool,
    /// Set this region instead of the profile's
    #[arg(long, value_name = "REGION", add = region_candidates())]
    pub region: Option<String>,
    #[command(flatten)]
    pub shell: ShellArg,
    /// Through the integration: do not say on the terminal what was switched to
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    #[command(flatten)]
    pub shell: ShellArg,
    /// Through the integration: do not say on the terminal that the profile was cleared
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ShellArg {
    /// The shell to print code for [default: POSIX sh]
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<ShellName>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The shell to print the integration for
    #[arg(value_enum)]
    pub shell: InitShell,
    /// Name of the shell function that wraps awsp
    #[arg(long, value_name = "NAME", default_value = "awsp")]
    pub cmd: String,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The profile whose credentials the command gets
    #[arg(add = profile_candidates(), value_name = "PROFILE", required_unless_present = "profile_option")]
    pub name: Option<String>,
    /// The profile, for a name that starts with `-`
    #[arg(long = "profile", short = 'p', id = "profile_option", value_name = "PROFILE",
        allow_hyphen_values = true, conflicts_with = "name", add = profile_candidates())]
    pub profile_option: Option<String>,
    /// Set this region instead of the profile's
    #[arg(long, value_name = "REGION", add = region_candidates())]
    pub region: Option<String>,
    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

/// The profile named by the positional argument or by `--profile` (clap requires exactly one).
fn profile_of<'a>(name: &'a Option<String>, option: &'a Option<String>) -> &'a str {
    name.as_deref().or(option.as_deref()).unwrap_or_default()
}

impl ShowArgs {
    pub fn profile(&self) -> &str {
        profile_of(&self.name, &self.profile_option)
    }
}

impl UseArgs {
    pub fn profile(&self) -> &str {
        profile_of(&self.name, &self.profile_option)
    }

    /// `awsp use -`: back to the previous profile (`--profile -` names a profile instead).
    pub fn is_back(&self) -> bool {
        self.name.as_deref() == Some("-")
    }

    /// `awsp use` with no profile: the picker chooses one.
    pub fn is_pick(&self) -> bool {
        self.name.is_none() && self.profile_option.is_none()
    }
}

impl ExecArgs {
    pub fn profile(&self) -> &str {
        profile_of(&self.name, &self.profile_option)
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: InitShell,
    /// Name of the command to complete
    #[arg(long, value_name = "NAME", default_value = "awsp")]
    pub cmd: String,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// Index in WORDS of the word being completed
    #[arg(long)]
    pub index: usize,
    /// Print `value<TAB>description` lines instead of bare values
    #[arg(long)]
    pub describe: bool,
    /// The command line, split into words, starting with the command name
    #[arg(last = true)]
    pub words: Vec<OsString>,
}

/// Shells that `use` and `unset` can emit code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellName {
    /// POSIX sh (also fine for bash and zsh)
    #[value(alias = "posix")]
    Sh,
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
}

/// Shells with an integration script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitShell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
}

fn region_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::config::regions::regions_for_completion()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}

fn profile_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::config::profile_names_for_completion()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}
