//! The switch semantics end to end: the built binary's output evaluated by bash, one
//! `eval "$(awsp ...)"` after another, and the resulting environment checked.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// The files from `tests/fixtures/switch/`, with the credential_process helpers copied to a
/// temporary directory (their paths must be absolute) and `@BIN@` in the config pointing there.
struct Fixture {
    _dir: TempDir,
    config: PathBuf,
    credentials: PathBuf,
}

fn fixture() -> Fixture {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let spaced = bin.join("path with space");
    std::fs::create_dir_all(&spaced).unwrap();
    let copy = |name: &str, to: &Path| {
        std::fs::copy(common::fixture(&format!("switch/bin/{name}")), to).unwrap();
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    for name in ["valid.sh", "expired.sh", "garbage.sh", "fails.sh"] {
        copy(name, &bin.join(name));
    }
    copy("args.sh", &spaced.join("helper"));
    let template = std::fs::read_to_string(common::fixture("switch/config")).unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, template.replace("@BIN@", bin.to_str().unwrap())).unwrap();
    Fixture {
        config,
        credentials: common::fixture("switch/credentials"),
        _dir: dir,
    }
}

/// Variables bash itself changes on every start; never compared.
const BASH_OWN: &[&str] = &["_", "SHLVL", "PWD", "OLDPWD"];

/// A shell session: its environment, carried from one `eval "$(awsp ...)"` to the next.
struct Session {
    bash: PathBuf,
    env: BTreeMap<String, String>,
}

/// What one `awsp` run did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Exit 0, code on stdout, nothing on stderr.
    fn ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        assert!(!self.stdout.is_empty());
        assert_eq!(self.stderr, "", "stderr");
        self
    }

    /// Exit 0 with code on stdout; stderr may hold what credential_process printed there.
    fn ok_with_helper_noise(&self) -> &Self {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        assert!(!self.stdout.is_empty());
        assert!(!self.stderr.contains("awsp:"), "{}", self.stderr);
        self
    }
}

impl Session {
    fn new(fx: &Fixture) -> Option<Session> {
        Self::with_files(Some(&fx.config), Some(&fx.credentials))
    }

    fn with_files(config: Option<&Path>, credentials: Option<&Path>) -> Option<Session> {
        let bash = common::require_tool("bash")?;
        let mut cmd = Command::new("true");
        common::clean_env(&mut cmd, config, credentials);
        let env = cmd
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
            .collect();
        Some(Session { bash, env })
    }

    /// `export NAME=VALUE` typed by the user.
    fn export(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }

    fn awsp_output(&self, args: &[&str]) -> Output {
        Command::new(common::awsp_bin())
            .args(args)
            .env_clear()
            .envs(&self.env)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// `eval "$(awsp ARGS)"` in bash; the session takes the environment bash ends with.
    fn eval(&mut self, args: &[&str]) -> Run {
        let out = self.awsp_output(args);
        let run = Run {
            code: out.status.code(),
            stdout: common::stdout(&out),
            stderr: common::stderr(&out),
        };
        let evaluated = Command::new(&self.bash)
            .args([
                "--norc",
                "--noprofile",
                "-c",
                "eval \"$1\" && env -0",
                "bash",
            ])
            .arg(&run.stdout)
            .env_clear()
            .envs(&self.env)
            .output()
            .unwrap();
        assert!(
            evaluated.status.success(),
            "bash could not evaluate {:?}: {}",
            run.stdout,
            common::stderr(&evaluated)
        );
        assert_eq!(
            common::stderr(&evaluated),
            "",
            "evaluating printed on stderr"
        );
        self.env = evaluated
            .stdout
            .split(|b| *b == 0)
            .filter_map(|entry| {
                let entry = std::str::from_utf8(entry).ok()?;
                let (name, value) = entry.split_once('=')?;
                (!BASH_OWN.contains(&name)).then(|| (name.to_string(), value.to_string()))
            })
            .collect();
        run
    }

    fn assert_vars(&self, want: &[(&str, &str)]) {
        for (name, value) in want {
            assert_eq!(self.get(name), Some(*value), "{name}");
        }
    }

    fn assert_unset(&self, names: &[&str]) {
        for name in names {
            assert_eq!(self.get(name), None, "{name} should be unset");
        }
    }

    /// The command fails cleanly: exit 1, nothing on stdout, one `awsp:` line on stderr that
    /// contains `needle`, and the environment as it was.
    fn assert_fails(&mut self, args: &[&str], needle: &str) -> String {
        let before = self.env.clone();
        let run = self.eval(args);
        assert_eq!(run.code, Some(1), "{args:?}: stderr: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}: stdout must be empty");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("awsp: "), "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert_eq!(self.env, before, "{args:?} changed the environment");
        run.stderr
    }
}

const CREDENTIAL_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWSP_EXPIRATION",
];

/// Other switchers' markers.
const FOREIGN_VARS: &[(&str, &str)] = &[
    ("AWS_DEFAULT_PROFILE", "other"),
    ("AWSUME_PROFILE", "other"),
    ("AWSUME_EXPIRATION", "2030-01-01T00:00:00"),
    ("AWSUME_DEFAULT_PROFILE", "other"),
    ("AWS_VAULT", "other"),
];

const REGION_VARS: &[&str] = &["AWS_REGION", "AWS_DEFAULT_REGION", "AWSP_REGION"];

/// 2099-01-01T00:00:00Z (valid.sh says 2099-01-01T01:00:00+01:00).
const VALID_EXPIRATION_EPOCH: &str = "4070908800";

#[test]
fn use_sets_the_profile_and_its_region() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "static"]).ok();
    sh.assert_vars(&[
        ("AWS_PROFILE", "static"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("AWSP_REGION", "eu-west-1"),
        ("AWSP_PROFILE", "static"),
        ("AWSP_MODE", "profile"),
    ]);
    sh.assert_unset(CREDENTIAL_VARS);
    sh.assert_unset(&["AWSP_PREVIOUS", "AWSP_PREVIOUS_MODE"]);

    sh.eval(&["use", "session", "--region", "sa-east-1"]).ok();
    sh.assert_vars(&[
        ("AWS_PROFILE", "session"),
        ("AWS_REGION", "sa-east-1"),
        ("AWS_DEFAULT_REGION", "sa-east-1"),
        ("AWSP_PREVIOUS", "static"),
        ("AWSP_PREVIOUS_MODE", "profile"),
    ]);
}

#[test]
fn use_creds_exports_static_keys_and_session_token() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "session", "--creds"]).ok();
    sh.assert_vars(&[
        ("AWS_ACCESS_KEY_ID", "AKIDSESSION"),
        ("AWS_SECRET_ACCESS_KEY", "secret-session"),
        // The inline comment is not part of the token.
        ("AWS_SESSION_TOKEN", "zz1"),
        ("AWS_REGION", "us-east-1"),
        ("AWSP_PROFILE", "session"),
        ("AWSP_MODE", "creds"),
    ]);
    sh.assert_unset(&[
        "AWS_PROFILE",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWSP_EXPIRATION",
    ]);

    // Keys without a token: the previous token does not survive.
    sh.eval(&["use", "static", "--creds"]).ok();
    sh.assert_vars(&[
        ("AWS_ACCESS_KEY_ID", "AKIDSTATIC"),
        ("AWS_SECRET_ACCESS_KEY", "secret/static+key"),
        ("AWSP_PREVIOUS", "session"),
        ("AWSP_PREVIOUS_MODE", "creds"),
    ]);
    sh.assert_unset(&["AWS_PROFILE", "AWS_SESSION_TOKEN"]);
}

#[test]
fn use_creds_runs_credential_process() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    let run = sh.eval(&["use", "process", "--creds"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The helper's stderr reaches the user; its stdout never does.
    assert_eq!(run.stderr, "valid.sh: fetching credentials\n");
    assert!(!run.stdout.contains("fetching"), "{}", run.stdout);
    assert!(!run.stdout.contains("Version"), "{}", run.stdout);
    sh.assert_vars(&[
        ("AWS_ACCESS_KEY_ID", "AKIDPROCESS"),
        ("AWS_SECRET_ACCESS_KEY", "secret-process"),
        ("AWS_SESSION_TOKEN", "token-process"),
        ("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z"),
        ("AWSP_EXPIRATION", VALID_EXPIRATION_EPOCH),
        ("AWS_REGION", "ap-southeast-2"),
        ("AWSP_PROFILE", "process"),
        ("AWSP_MODE", "creds"),
    ]);
    sh.assert_unset(&["AWS_PROFILE"]);
}

#[test]
fn credential_process_command_is_split_like_a_shell_would() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "process-args", "--creds"]).ok();
    sh.assert_vars(&[
        ("AWS_ACCESS_KEY_ID", "AKIDARGS"),
        ("AWS_SESSION_TOKEN", "2|--flag|a b"),
    ]);
}

#[test]
fn switching_from_creds_to_a_profile_leaves_no_keys() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    for (name, value) in FOREIGN_VARS {
        sh.export(name, value);
    }
    sh.export("AWS_SECURITY_TOKEN", "old-token")
        .export("AWS_SESSION_EXPIRATION", "2030-01-01T00:00:00Z")
        .export("AWS_ACCOUNT_ID", "999999999999");
    sh.eval(&["use", "process", "--creds"])
        .ok_with_helper_noise();
    sh.assert_unset(&FOREIGN_VARS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    sh.assert_unset(&[
        "AWS_SECURITY_TOKEN",
        "AWS_SESSION_EXPIRATION",
        "AWS_ACCOUNT_ID",
    ]);

    sh.eval(&["use", "static"]).ok();
    sh.assert_unset(CREDENTIAL_VARS);
    sh.assert_vars(&[
        ("AWS_PROFILE", "static"),
        ("AWS_REGION", "eu-west-1"),
        ("AWSP_MODE", "profile"),
        ("AWSP_PREVIOUS", "process"),
        ("AWSP_PREVIOUS_MODE", "creds"),
    ]);
}

#[test]
fn other_switchers_markers_are_cleared() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    for (name, value) in FOREIGN_VARS {
        sh.export(name, value);
    }
    sh.export("AWS_ACCESS_KEY_ID", "AKIDBYHAND")
        .export("AWS_SECRET_ACCESS_KEY", "by-hand")
        .export("AWS_SESSION_TOKEN", "by-hand");
    sh.eval(&["use", "noregion"]).ok();
    sh.assert_unset(&FOREIGN_VARS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    sh.assert_unset(CREDENTIAL_VARS);
    sh.assert_vars(&[("AWS_PROFILE", "noregion")]);
}

#[test]
fn region_awsp_set_is_cleared_for_a_profile_without_one() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "static"]).ok();
    sh.eval(&["use", "noregion"]).ok();
    sh.assert_unset(REGION_VARS);
    sh.assert_vars(&[("AWS_PROFILE", "noregion")]);

    // Set with --region: cleared the same way.
    sh.eval(&["use", "static", "--region", "sa-east-1"]).ok();
    sh.eval(&["use", "noregion", "--creds"]).ok();
    sh.assert_unset(REGION_VARS);
}

#[test]
fn region_exported_by_hand_is_kept() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    // No AWSP_REGION at all.
    sh.export("AWS_REGION", "hand-1")
        .export("AWS_DEFAULT_REGION", "hand-2");
    sh.eval(&["use", "noregion"]).ok();
    sh.assert_vars(&[("AWS_REGION", "hand-1"), ("AWS_DEFAULT_REGION", "hand-2")]);

    // AWSP_REGION holds something else.
    sh.export("AWSP_REGION", "eu-west-1");
    sh.eval(&["use", "noregion", "--creds"]).ok();
    sh.assert_vars(&[("AWS_REGION", "hand-1"), ("AWS_DEFAULT_REGION", "hand-2")]);
    sh.assert_unset(&["AWSP_REGION"]);

    // awsp set both, then the user changed one by hand: only that one stays.
    sh.eval(&["use", "static"]).ok();
    sh.export("AWS_REGION", "hand-3");
    sh.eval(&["use", "noregion"]).ok();
    sh.assert_vars(&[("AWS_REGION", "hand-3")]);
    sh.assert_unset(&["AWS_DEFAULT_REGION", "AWSP_REGION"]);
}

#[test]
fn use_dash_goes_back_with_the_previous_mode() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "static"]).ok();
    sh.eval(&["use", "session", "--creds"]).ok();
    sh.eval(&["use", "-"]).ok();
    sh.assert_vars(&[
        ("AWS_PROFILE", "static"),
        ("AWS_REGION", "eu-west-1"),
        ("AWSP_PROFILE", "static"),
        ("AWSP_MODE", "profile"),
        ("AWSP_PREVIOUS", "session"),
        ("AWSP_PREVIOUS_MODE", "creds"),
    ]);
    sh.assert_unset(CREDENTIAL_VARS);

    sh.eval(&["use", "-"]).ok();
    sh.assert_vars(&[
        ("AWS_ACCESS_KEY_ID", "AKIDSESSION"),
        ("AWS_SESSION_TOKEN", "zz1"),
        ("AWS_REGION", "us-east-1"),
        ("AWSP_PROFILE", "session"),
        ("AWSP_MODE", "creds"),
        ("AWSP_PREVIOUS", "static"),
        ("AWSP_PREVIOUS_MODE", "profile"),
    ]);
    sh.assert_unset(&["AWS_PROFILE"]);
}

#[test]
fn use_dash_without_a_previous_profile_fails() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.assert_fails(&["use", "-"], "no previous profile");
    sh.eval(&["use", "static"]).ok();
    sh.assert_fails(&["use", "-"], "no previous profile");
}

#[test]
fn unset_clears_everything_but_a_hand_exported_region() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    let base = sh.env.clone();
    sh.eval(&["use", "static"]).ok();
    sh.eval(&["use", "process", "--creds"])
        .ok_with_helper_noise();
    sh.eval(&["unset"]).ok();
    let mut want = base.clone();
    // What `awsp use -` returns to.
    want.insert("AWSP_PREVIOUS".into(), "process".into());
    want.insert("AWSP_PREVIOUS_MODE".into(), "creds".into());
    assert_eq!(
        sh.env, want,
        "unset leaves the environment as it was before any use, but for what `use -` needs"
    );

    sh.export("AWS_REGION", "hand-1");
    sh.eval(&["use", "noregion", "--creds"]).ok();
    sh.eval(&["use", "noregion"]).ok();
    sh.export("AWS_DEFAULT_REGION", "hand-2");
    for (name, value) in FOREIGN_VARS {
        sh.export(name, value);
    }
    sh.eval(&["unset"]).ok();
    let mut want = base.clone();
    want.insert("AWSP_PREVIOUS".into(), "noregion".into());
    want.insert("AWSP_PREVIOUS_MODE".into(), "profile".into());
    want.insert("AWS_REGION".into(), "hand-1".into());
    want.insert("AWS_DEFAULT_REGION".into(), "hand-2".into());
    assert_eq!(sh.env, want);

    // Nothing to clear: no code, no error.
    let run = sh.eval(&["unset"]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    assert_eq!(sh.env, want);
}

#[test]
fn errors_leave_the_environment_unchanged() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.eval(&["use", "session", "--creds"]).ok();
    sh.assert_fails(&["use", "statik"], "did you mean 'static'");
    sh.assert_fails(&["use", "no-such-profile-at-all"], "not found");
    sh.assert_fails(&["use", "process-fails", "--creds"], "process-fails");
    let err = sh.assert_fails(&["use", "process-garbage", "--creds"], "unusable output");
    assert!(
        !err.contains("SECRET-GARBAGE"),
        "the output is not echoed: {err}"
    );
    sh.assert_fails(&["use", "process-expired", "--creds"], "expired");
    sh.assert_fails(&["use", "role", "--creds"], "could not assume role");
    sh.assert_fails(&["use", "sso", "--creds"], "run `awsp login sso`");
    sh.assert_fails(&["use", "statik", "--creds"], "did you mean 'static'");
    sh.assert_vars(&[("AWSP_PROFILE", "session"), ("AWS_SESSION_TOKEN", "zz1")]);
}

#[test]
fn malformed_config_names_file_and_line() {
    let config = common::fixture("switch/malformed/config");
    let Some(mut sh) = Session::with_files(Some(&config), None) else {
        return;
    };
    sh.export("AWS_PROFILE", "ok").export("AWSP_PROFILE", "ok");
    let err = sh.assert_fails(&["use", "ok"], "malformed/config:3");
    assert!(err.contains("]"), "{err}");
    sh.assert_fails(&["use", "ok", "--creds"], "malformed/config:3");
}

/// The first word of every line of `use` output for `shell`.
fn statement_shapes(text: &str) -> Vec<String> {
    assert!(!text.is_empty());
    text.lines()
        .map(|line| {
            let mut words = line.split(' ');
            match words.next().unwrap() {
                w if w.starts_with("$env:") => "$env:".to_string(),
                "set" => format!("set {}", words.next().unwrap()),
                w => w.to_string(),
            }
        })
        .collect()
}

#[test]
fn shell_flag_and_wrapper_pick_the_emitter_and_awsp_shell_is_ignored() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    // Keys to unset, so that both statement kinds appear.
    sh.eval(&["use", "static", "--creds"]).ok();
    // (the header line, if any; the statement kinds)
    let shapes = |extra: &[(&str, &str)], args: &[&str]| {
        let mut cmd = Command::new(common::awsp_bin());
        cmd.args(args)
            .env_clear()
            .envs(&sh.env)
            .envs(extra.iter().copied());
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let text = common::stdout(&out);
        let (header, code) = match text.strip_prefix("# awsp eval ") {
            Some(rest) => {
                let (shell, code) = rest.split_once('\n').unwrap();
                (Some(shell.to_string()), code.to_string())
            }
            None => (None, text),
        };
        assert!(!code.contains("# awsp eval"), "{args:?}: {code}");
        let mut shapes = statement_shapes(&code);
        shapes.sort();
        shapes.dedup();
        (header, shapes)
    };
    let posix = vec!["export".to_string(), "unset".to_string()];
    let fish = vec!["set -e".to_string(), "set -gx".to_string()];
    let powershell = vec!["$env:".to_string(), "Remove-Item".to_string()];
    let none = None;
    let h = |name: &str| Some(name.to_string());
    for (args, env, want) in [
        (&["use", "session"][..], &[][..], (&none, &posix)),
        (&["use", "session", "--shell", "sh"], &[], (&none, &posix)),
        (&["use", "session", "--shell", "bash"], &[], (&none, &posix)),
        (&["use", "session", "--shell", "zsh"], &[], (&none, &posix)),
        (&["use", "session", "--shell", "fish"], &[], (&none, &fish)),
        (
            &["use", "session", "--shell", "powershell"],
            &[],
            (&none, &powershell),
        ),
        (
            &["use", "session", "--shell", "pwsh"],
            &[],
            (&none, &powershell),
        ),
        // Nothing exported changes what the plain form prints.
        (
            &["use", "session"],
            &[("AWSP_SHELL", "fish")],
            (&none, &posix),
        ),
        (
            &["use", "session"],
            &[("AWSP_SHELL", "powershell")],
            (&none, &posix),
        ),
        (
            // unset sets AWSP_PREVIOUS too (for `use -`).
            &["unset"],
            &[("AWSP_SHELL", "fish")],
            (&none, &posix),
        ),
        // The integration's call: the header, then its shell's code.
        (
            &["--wrapper", "bash", "use", "session"],
            &[],
            (&h("bash"), &posix),
        ),
        (
            &["--wrapper", "zsh", "use", "session"],
            &[],
            (&h("zsh"), &posix),
        ),
        (
            &["--wrapper", "fish", "use", "session"],
            &[("AWSP_SHELL", "bash")],
            (&h("fish"), &fish),
        ),
        (
            &["--wrapper", "pwsh", "use", "session"],
            &[],
            (&h("powershell"), &powershell),
        ),
        (&["--wrapper", "fish", "unset"], &[], (&h("fish"), &fish)),
        // An explicit --shell wins, and the header says so: the wrapper then prints the
        // code instead of evaluating another shell's.
        (
            &["--wrapper", "bash", "use", "session", "--shell", "fish"],
            &[],
            (&h("fish"), &fish),
        ),
    ] {
        let got = shapes(env, args);
        assert_eq!(
            (got.0.as_ref(), &got.1),
            (want.0.as_ref(), want.1),
            "{args:?} {env:?}"
        );
    }
}

/// Help and version text under `--wrapper` has no header line, so no wrapper evaluates it.
#[test]
fn wrapper_gets_no_header_on_help_or_version() {
    for args in [
        &["--wrapper", "bash", "use", "-hV"][..],
        &["--wrapper", "zsh", "use", "-Vh"],
        &["--wrapper", "fish", "unset", "--help"],
        &["--wrapper", "powershell", "use", "--version"],
    ] {
        let out = common::awsp_cmd(None, None).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = common::stdout(&out);
        assert!(
            !text.is_empty() && !text.contains("# awsp eval"),
            "{args:?}: {text}"
        );
    }
}

/// The feedback line is for a terminal only: with stderr a pipe, `--wrapper` says nothing.
#[test]
fn wrapper_says_nothing_when_stderr_is_not_a_terminal() {
    let fx = fixture();
    let Some(sh) = Session::new(&fx) else {
        return;
    };
    for args in [
        &["--wrapper", "bash", "use", "static"][..],
        &["--wrapper", "bash", "use", "process", "--creds"],
        &["--wrapper", "fish", "unset"],
    ] {
        let out = sh.awsp_output(args);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        assert!(
            !common::stderr(&out).contains("awsp:"),
            "{args:?}: {}",
            common::stderr(&out)
        );
    }
}

#[test]
fn use_on_a_terminal_says_the_shell_is_unchanged() {
    let fx = fixture();
    let Some(sh) = Session::new(&fx) else {
        return;
    };
    let Some(script) = common::require_tool("script") else {
        return;
    };
    let awsp = common::awsp_bin();
    let out = Command::new(script)
        .args([
            "-qec",
            &format!("'{}' use static", awsp.display()),
            "/dev/null",
        ])
        .env_clear()
        .envs(&sh.env)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("export AWS_PROFILE='static'"), "{text}");
    assert!(text.contains("this shell is unchanged"), "{text}");
    // Not a terminal: no hint.
    assert_eq!(common::stderr(&sh.awsp_output(&["use", "static"])), "");
}

fn exec(sh: &Session, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(common::awsp_bin())
        .args(args)
        .env_clear()
        .envs(&sh.env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn exec_runs_the_command_with_the_credentials() {
    let fx = fixture();
    let Some(mut sh) = Session::new(&fx) else {
        return;
    };
    sh.export("AWS_PROFILE", "static")
        .export("AWS_DEFAULT_PROFILE", "static");
    let script = r#"printf '%s|%s|%s|%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "${AWS_PROFILE-none}${AWS_DEFAULT_PROFILE-none}" "$(cat)""#;
    let out = exec(
        &sh,
        &["exec", "process", "--", "sh", "-c", script],
        "from stdin",
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(
        common::stdout(&out),
        "AKIDPROCESS|secret-process|token-process|2099-01-01T00:00:00Z|ap-southeast-2|nonenone|from stdin"
    );
    assert_eq!(common::stderr(&out), "valid.sh: fetching credentials\n");

    let out = exec(
        &sh,
        &[
            "exec",
            "session",
            "--region",
            "sa-east-1",
            "--",
            "sh",
            "-c",
            script,
        ],
        "",
    );
    assert_eq!(
        common::stdout(&out),
        "AKIDSESSION|secret-session|zz1||sa-east-1|nonenone|"
    );
    assert_eq!(common::stderr(&out), "");
}

#[test]
fn exec_exits_with_the_command_status() {
    let fx = fixture();
    let Some(sh) = Session::new(&fx) else {
        return;
    };
    let out = exec(
        &sh,
        &[
            "exec",
            "static",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 7",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(common::stdout(&out), "out\n");
    assert_eq!(common::stderr(&out), "err\n");

    let out = exec(
        &sh,
        &["exec", "static", "--", "awsp-no-such-command-anywhere"],
        "",
    );
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(common::stdout(&out), "");
    let err = common::stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("awsp: ") && err.contains("awsp-no-such-command-anywhere"),
        "{err}"
    );

    for (args, needle) in [
        (
            &["exec", "statik", "--", "true"][..],
            "did you mean 'static'",
        ),
        (&["exec", "sso", "--", "true"], "run `awsp login sso`"),
        (&["exec", "process-expired", "--", "true"], "expired"),
    ] {
        let out = exec(&sh, args, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(common::stdout(&out), "");
        assert!(
            common::stderr(&out).contains(needle),
            "{}",
            common::stderr(&out)
        );
    }
}

/// A config value full of shell syntax reaches every shell's environment intact, and runs
/// nothing.
#[test]
fn hostile_config_value_is_inert_in_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    let region = "it's $(touch pwned) `touch pwned` \\ \u{2019}' \"q\" $HOME !! %s {a,b} * ~";
    let config = dir.path().join("config");
    std::fs::write(&config, format!("[profile hostile]\nregion = {region}\n")).unwrap();
    let read_back = r#"printf '%s\0' "$AWS_REGION" "$AWS_PROFILE""#;
    for (shell, flag, argv) in [
        ("bash", "bash", &["--norc", "--noprofile", "-c"][..]),
        ("zsh", "zsh", &["-f", "-c"]),
        ("dash", "sh", &["-c"]),
        ("fish", "fish", &["--no-config", "-c"]),
    ] {
        let Some(path) = common::require_tool(shell) else {
            continue;
        };
        let out = common::awsp_cmd(Some(&config), None)
            .args(["use", "hostile", "--shell", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let code = common::stdout(&out);
        let eval = if shell == "fish" {
            format!("echo $argv[1] | source\n{read_back}")
        } else {
            format!("eval \"$1\"\n{read_back}")
        };
        let evaluated = Command::new(path)
            .args(argv)
            .arg(eval)
            .args(if shell == "fish" { vec![] } else { vec![shell] })
            .arg(&code)
            .current_dir(dir.path())
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        assert_eq!(common::stderr(&evaluated), "", "{shell}");
        assert_eq!(
            common::stdout(&evaluated),
            format!("{region}\0hostile\0"),
            "{shell}: {code}"
        );
        assert!(!dir.path().join("pwned").exists(), "{shell} ran a value");
    }
}

/// A warning that cannot be written (stderr is /dev/full) does not abort the switch: the
/// release build aborts on a panic, and `eprintln!` panics on a failed write.
#[test]
fn use_switches_when_its_warning_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = loop-b\n\n\
         [profile loop-b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = loop-a\n",
    )
    .unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = common::awsp_cmd(Some(&config), None)
        .args(["use", "loop-a"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(common::stdout(&out).contains("export AWS_PROFILE='loop-a'"));
}
