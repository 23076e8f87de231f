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
    /// Ask AWS who the credentials are (STS GetCallerIdentity)
    Whoami(WhoamiArgs),
    /// Print a profile's resolved credentials for other tools (credential_process JSON, env, json)
    Creds(CredsArgs),
    /// Sign in to IAM Identity Center (SSO) for a profile's session, as `aws sso login` does
    Login(LoginArgs),
    /// Remove cached IAM Identity Center tokens: one profile's session, or all
    Logout(LogoutArgs),
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
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub shell: ShellArg,
}

/// How credentials that need AWS are fetched.
#[derive(Debug, Clone, Default, Args)]
pub struct FetchArgs {
    /// The MFA code for a role with mfa_serial (else it is asked on the terminal)
    #[arg(long, value_name = "CODE")]
    pub mfa_token: Option<String>,
    /// Ignore cached credentials and fetch new ones
    #[arg(long)]
    pub refresh: bool,
    /// For static keys with mfa_serial: an MFA session (STS GetSessionToken), cached
    #[arg(long)]
    pub mfa: bool,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// The profile to ask about [default: the current environment's credentials]
    #[arg(add = profile_candidates())]
    pub profile: Option<String>,
    /// JSON: {"profile", "account", "arn", "user_id"}
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub struct CredsArgs {
    /// The profile whose credentials to print [default: AWS_PROFILE, else `default`]
    #[arg(add = profile_candidates())]
    pub profile: Option<String>,
    /// process: the credential_process JSON; env: KEY=value lines; json: indented JSON
    #[arg(long, value_enum, default_value = "process")]
    pub format: CredsFormat,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile whose sso_session (or sso_start_url) to sign in to [default: AWS_PROFILE, else `default`]
    #[arg(add = profile_candidates())]
    pub profile: Option<String>,
    /// Print the URL and code only; do not open a browser
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The profile whose session to sign out of [default: every cached token]
    #[arg(add = profile_candidates())]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CredsFormat {
    Process,
    Env,
    Json,
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
    #[command(flatten)]
    pub fetch: FetchArgs,
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
