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
    /// Set, get or unset one setting of a profile or SSO session
    Config(ConfigArgs),
    /// Write credentials (JSON from `aws sts`, credential_process output, or AWS_* variables) into a profile
    Import(ImportArgs),
    /// Create a profile with static keys, asking on the terminal (like `aws configure`)
    Add(AddArgs),
    /// Remove a profile from both files
    Rm(RmArgs),
    /// Rename a profile in both files, and every `source_profile` that names it
    Rename(RenameArgs),
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
    #[arg(add = profile_candidates())]
    pub profile: String,
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
    /// The profile to switch to; `-` switches back to the previous one
    #[arg(add = profile_candidates())]
    pub profile: String,
    /// Export the profile's resolved credentials instead of AWS_PROFILE
    #[arg(long)]
    pub creds: bool,
    /// Set this region instead of the profile's
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[command(flatten)]
    pub shell: ShellArg,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    #[command(flatten)]
    pub shell: ShellArg,
}

#[derive(Debug, Args)]
pub struct ShellArg {
    /// The shell to print code for [default: $AWSP_SHELL, else POSIX sh]
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
    #[arg(add = profile_candidates())]
    pub profile: String,
    /// Set this region instead of the profile's
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
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

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Set KEY in PROFILE (secrets go to the credentials file, the rest to the config file)
    Set {
        /// The profile, or `sso-session.NAME` for an [sso-session NAME] section
        #[arg(add = profile_candidates())]
        profile: String,
        key: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
        #[command(flatten)]
        dry_run: DryRunArg,
    },
    /// Print the effective value of KEY in PROFILE (secrets masked unless --reveal)
    Get {
        /// The profile, or `sso-session.NAME`
        #[arg(add = profile_candidates())]
        profile: String,
        key: String,
        /// Show a secret instead of masking it
        #[arg(long)]
        reveal: bool,
    },
    /// Remove KEY from PROFILE (every occurrence, in duplicate sections too)
    Unset {
        /// The profile, or `sso-session.NAME`
        #[arg(add = profile_candidates())]
        profile: String,
        key: String,
        #[command(flatten)]
        dry_run: DryRunArg,
    },
}

#[derive(Debug, Args)]
pub struct DryRunArg {
    /// Print what would change as a diff (secrets masked); write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The profile to write the credentials into (created when missing)
    #[arg(add = profile_candidates())]
    pub profile: String,
    /// Where to read them from; `-` or nothing: standard input
    #[arg(value_name = "FILE", conflicts_with = "from_env")]
    pub file: Option<std::path::PathBuf>,
    /// Take AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
    /// AWS_CREDENTIAL_EXPIRATION from this process's environment
    #[arg(long)]
    pub from_env: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The profile to create
    pub profile: String,
    /// The access key id (else asked on the terminal)
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,
    /// Read the secret access key from standard input (else asked on the terminal, not echoed)
    #[arg(long)]
    pub secret_stdin: bool,
    /// The profile's region
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The profile's output format (json, text, table, yaml)
    #[arg(long, value_name = "FORMAT")]
    pub output: Option<String>,
    /// Overwrite the keys of an existing profile
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The profile to remove
    #[arg(add = profile_candidates())]
    pub profile: String,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// Remove it even when other profiles use it as their source_profile
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The profile's current name
    #[arg(add = profile_candidates())]
    pub old: String,
    /// Its new name
    pub new: String,
    #[command(flatten)]
    pub dry_run: DryRunArg,
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

fn profile_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::config::profile_names_for_completion()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}
