//! Every clap type in one place; completions and the man page are generated from these.
//!
//! [`command`] adds what the types do not say: the order of `awsp help` (everyday commands
//! first) and each command's examples, in one table ([`HELP`]) rather than on the variants.

use std::ffi::OsString;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

pub use crate::shell::{InitShell, Shell};

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
    pub wrapper: Option<Shell>,
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
    /// Check the AWS files and the environment: what is wrong, where, and how to fix it
    ///
    /// Each finding names the file and line (or the environment), its severity (error, warning
    /// or info), a stable code and how to fix it; among them, what the AWS CLI (botocore) reads
    /// differently from the SDKs, and expired or corrupt entries in the AWS CLI's credential
    /// and SSO token caches (read only: doctor never calls AWS). The exit status is 1 when any
    /// finding is an error, else 0.
    Doctor(DoctorArgs),
    /// Switch this shell to a profile (prints shell code to eval)
    Use(UseArgs),
    /// Clear every variable awsp manages (prints shell code to eval)
    Unset(UnsetArgs),
    /// Print the shell integration to load from your shell's rc file
    Init(InitArgs),
    /// Print the prompt segment: the active profile and time left on expiring credentials
    Prompt,
    /// Show which .awsprofile applies here (its path, profile, region and creds), if any
    Here,
    /// Run by the shell integration's hooks (`init --hook`): prints code to eval
    #[command(hide = true)]
    Hook(HookArgs),
    /// Run a command with a profile's credentials in its environment
    Exec(ExecArgs),
    /// Ask AWS who the credentials are (STS GetCallerIdentity)
    Whoami(WhoamiArgs),
    /// Print a profile's resolved credentials for other tools (process, env or json format)
    Creds(CredsArgs),
    /// Sign in to IAM Identity Center (SSO) for a profile's session, as `aws sso login` does
    Login(LoginArgs),
    /// Remove cached IAM Identity Center tokens: one profile's session, or all
    Logout(LogoutArgs),
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
    /// A table: name, kind (with the time left on imported credentials), region, where it is
    /// defined; `*` marks the active profile
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
pub struct DoctorArgs {
    /// JSON: [{"severity", "code", "file", "line", "message", "fix"}]
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
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub shell: ShellArg,
    /// Through the integration: do not say on the terminal what was switched to
    #[arg(short, long)]
    pub quiet: bool,
    /// Fail instead of asking (for an MFA code, an SSO sign-in; a credential_process runs
    /// without the terminal)
    #[arg(long)]
    pub no_prompt: bool,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub hook: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// The shell is in DIR now (its logical `$PWD`): apply the .awsprofile there, or switch
    /// back to what was active before the tree was entered
    Dir {
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
    },
    /// Refresh the exported credentials of the active profile if they expire within 5 minutes
    Refresh,
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
    /// Through the integration: do not say on the terminal that the profile was cleared
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ShellArg {
    /// The shell to print code for [default: POSIX sh]
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<Shell>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The shell to print the integration for
    #[arg(value_enum)]
    pub shell: InitShell,
    /// Name of the shell function that wraps awsp
    #[arg(long, value_name = "NAME", default_value = "awsp")]
    pub cmd: String,
    /// Also install a hook (repeatable, or a comma list): `dir` applies .awsprofile files,
    /// `refresh` renews exported credentials before they expire
    #[arg(long, value_enum, value_name = "HOOK", value_delimiter = ',')]
    pub hook: Vec<HookName>,
}

/// The optional hooks of the shell integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum HookName {
    /// Switch to the profile a .awsprofile names on entering its tree, and back on leaving
    Dir,
    /// Renew credentials exported by `use --creds` within 5 minutes of their expiry
    Refresh,
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
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

/// `awsp help` lists these commands first, in this order, each with its examples at the end of
/// its `--help`; a command not named here follows them in the order of [`Command`].
const HELP: &[(&str, &str)] = &[
    (
        "use",
        "Examples:
  awsp use dev-alice            # this shell now uses profile dev-alice
  awsp use dev-bob --creds      # export dev-bob's temporary credentials instead
  awsp use prod --region eu-west-1
  awsp use -                    # back to the previous profile
  eval \"$(awsp use dev-alice)\"  # without the shell integration (POSIX sh)",
    ),
    (
        "current",
        "Examples:
  awsp current
  awsp current --json | jq -r .region",
    ),
    (
        "list",
        "Examples:
  awsp list
  awsp ls --long
  awsp list --json | jq -r '.profiles[] | select(.kind == \"sso\") | .name'",
    ),
    (
        "show",
        "Examples:
  awsp show admin               # settings with file:line, and the credential chain
  awsp show admin --json",
    ),
    (
        "exec",
        "Examples:
  awsp exec dev-bob -- aws s3 ls
  awsp exec prod --region us-east-1 -- terraform plan",
    ),
    (
        "unset",
        "Examples:
  awsp unset                    # then `awsp use -` returns to the profile you had",
    ),
    (
        "whoami",
        "Examples:
  awsp whoami                   # who the current environment's credentials are
  awsp whoami prod --json
  awsp whoami admin --mfa-token 123456",
    ),
    (
        "creds",
        "Examples:
  awsp creds admin              # credential_process JSON, from the shared cache when valid
  awsp creds admin --format env
  credential_process = awsp creds base-mfa   # in another profile of ~/.aws/config",
    ),
    (
        "login",
        "Examples:
  awsp login sso-dev            # IAM Identity Center sign-in (device flow)
  awsp login sso-dev --no-browser",
    ),
    (
        "logout",
        "Examples:
  awsp logout sso-dev           # forget the session's cached token
  awsp logout                   # every cached token and SSO role credential",
    ),
    (
        "config",
        "Examples:
  awsp config set dev-alice region eu-west-1
  awsp config get dev-alice region
  awsp config set sso-session.corp sso_region eu-west-1
  awsp config unset dev-alice output --dry-run   # the diff, nothing written",
    ),
    (
        "import",
        "Examples:
  aws sts assume-role --role-arn arn:aws:iam::123456789012:role/ops --role-session-name me \\
    | awsp import ops-temp -
  awsp import ops-temp creds.json --dry-run
  awsp import ops-temp --from-env",
    ),
    (
        "add",
        "Examples:
  awsp add dev-carol            # asks for the key id, the secret (not shown), region, output
  printf '%s' \"$SECRET\" | awsp add ci --access-key-id AKIA... --secret-stdin --region us-east-1",
    ),
    (
        "rm",
        "Examples:
  awsp rm old-profile           # asks first
  awsp rm old-profile --yes --dry-run",
    ),
    (
        "rename",
        "Examples:
  awsp rename dev dev-alice     # also every source_profile = dev",
    ),
    (
        "doctor",
        "Examples:
  awsp doctor
  awsp doctor --json | jq -r '.[] | select(.severity == \"error\") | .message'",
    ),
    (
        "prompt",
        "Examples:
  awsp prompt                   # dev-alice 42m
  In a prompt, prefer the integration's `awsp_prompt`: it starts no process.",
    ),
    (
        "init",
        "Examples:
  eval \"$(awsp init bash)\"                            # in ~/.bashrc
  eval \"$(awsp init zsh)\"                             # in ~/.zshrc
  awsp init fish | source                             # in ~/.config/fish/config.fish
  awsp init powershell | Out-String | Invoke-Expression  # in $PROFILE
  eval \"$(awsp init zsh --cmd ap)\"                    # call it `ap` instead
  eval \"$(awsp init bash --hook dir,refresh)\"         # .awsprofile trees, fresh credentials",
    ),
    (
        "here",
        "Examples:
  awsp here                     # the .awsprofile that applies here, if any
  echo dev-alice > .awsprofile  # this tree uses dev-alice (with `init --hook dir`)",
    ),
    (
        "completions",
        "Examples:
  awsp completions zsh > ~/.zfunc/_awsp
  awsp completions bash > /etc/bash_completion.d/awsp",
    ),
];

const TOP_EXAMPLES: &str = "Examples:
  eval \"$(awsp init zsh)\"      # once, in ~/.zshrc
  awsp use dev-alice           # this shell is now dev-alice
  awsp use dev-bob --creds     # export temporary credentials instead
  awsp use -                   # back
  awsp doctor                  # what is wrong with the setup, and how to fix it";

/// The clap command with the help order and examples: `main` parses with it, and the man page
/// is generated from it.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command().after_help(TOP_EXAMPLES);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for (i, name) in names.iter().enumerate() {
        let entry = HELP.iter().position(|(n, _)| n == name);
        cmd = cmd.mut_subcommand(name, |sub| {
            let sub = sub.display_order(entry.unwrap_or(HELP.len() + i));
            match entry {
                Some(at) => sub.after_help(HELP[at].1),
                None => sub,
            }
        });
    }
    cmd
}

/// Parse the process arguments with [`command`], as `Cli::try_parse` does with the bare types.
pub fn try_parse() -> Result<Cli, clap::Error> {
    let mut cmd = command();
    let matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
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
    /// The shell to print the completion script for
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
