//! xonsh and tcsh in the real shells: the wrapper's switches, quoting of hostile values
//! (property tests of `xonsh::quote` and `tcsh::quote`), the prompt without a process,
//! completion, loading, and every emitted script through the shell's own checker.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use awsp::cmd::init::render;
use awsp::env::EnvChange;
use awsp::shell::{InitShell, Shell, tcsh, xonsh};
use common::{awsp_bin, clean_env, fixture, require_tool};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sh {
    Xonsh,
    Tcsh,
}

const BOTH: [Sh; 2] = [Sh::Xonsh, Sh::Tcsh];

impl Sh {
    fn shell(self) -> Shell {
        match self {
            Sh::Xonsh => Shell::Xonsh,
            Sh::Tcsh => Shell::Tcsh,
        }
    }

    fn tool(self) -> &'static str {
        match self {
            Sh::Xonsh => "xonsh",
            Sh::Tcsh => "tcsh",
        }
    }

    /// The shell running `file`, without the user's rc files.
    fn command(self, path: &Path, file: &Path) -> Command {
        let mut cmd = Command::new(path);
        match self {
            Sh::Xonsh => cmd.args(["--no-rc", "--no-script-cache"]),
            Sh::Tcsh => cmd.arg("-f"),
        };
        cmd.arg(file).stdin(Stdio::null());
        cmd
    }

    /// The README's line loading the integration (`--cmd NAME` when not `awsp`).
    fn load(self, cmd: &str) -> String {
        let flag = if cmd == "awsp" {
            String::new()
        } else {
            format!(" --cmd {cmd}")
        };
        match self {
            Sh::Xonsh => format!("execx($($TEST_AWSP_BIN init xonsh{flag}))\n"),
            Sh::Tcsh => format!("eval \"`$TEST_AWSP_BIN init tcsh{flag}`\"\n"),
        }
    }

    /// Run `line` through the wrapper; its status goes to `STEP.status` and the exported
    /// environment to `STEP.env` in the working directory.
    fn step(self, line: &str, step: &str) -> String {
        match self {
            Sh::Xonsh => format!(
                "__awsp_p = ![{line}]\necho @(__awsp_p.returncode) > {step}.status\nenv -0 > {step}.env\n"
            ),
            Sh::Tcsh => format!("{line}\necho $status >! {step}.status\nenv -0 >! {step}.env\n"),
        }
    }
}

/// A directory to run in, with HOME (and the tcsh cache) inside it.
struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Run {
        Run {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run `script` in `sh` with the given AWS files; `None` when the shell is missing.
    fn run(
        &self,
        sh: Sh,
        script: &str,
        config: &Path,
        credentials: Option<&Path>,
    ) -> Option<Output> {
        let path = require_tool(sh.tool())?;
        let file = self.path().join(format!("script.{}", sh.tool()));
        std::fs::write(&file, script).unwrap();
        let mut cmd = sh.command(&path, &file);
        clean_env(&mut cmd, Some(config), credentials);
        cmd.current_dir(self.path())
            .env("HOME", self.path())
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("TEST_AWSP_BIN", awsp_bin());
        Some(cmd.output().unwrap())
    }

    fn status(&self, step: &str) -> i32 {
        let text = std::fs::read_to_string(self.path().join(format!("{step}.status")))
            .unwrap_or_else(|_| panic!("no status for {step}"));
        text.trim().parse().unwrap()
    }

    fn env(&self, step: &str) -> BTreeMap<String, String> {
        let bytes = std::fs::read(self.path().join(format!("{step}.env")))
            .unwrap_or_else(|_| panic!("no env for {step}"));
        bytes
            .split(|b| *b == 0)
            .filter_map(|entry| {
                let text = String::from_utf8_lossy(entry);
                let (name, value) = text.split_once('=')?;
                Some((name.to_string(), value.to_string()))
            })
            .collect()
    }
}

fn shell_files() -> (PathBuf, PathBuf) {
    (fixture("shell/config"), fixture("shell/credentials"))
}

// ---------------------------------------------------------------------------------------------
// The switches through the wrapper

#[test]
fn wrapper_switches_like_the_other_shells() {
    let (config, credentials) = shell_files();
    for sh in BOTH {
        let run = Run::new();
        let mut script = sh.load("awsp");
        script.push_str(&sh.load("awsp"));
        for (line, step) in [
            ("awsp use dev-alice", "alice"),
            ("awsp use dev-bob --creds", "bob_creds"),
            ("awsp use dev-alice", "plain"),
            ("awsp use -", "back"),
            ("awsp use no-such-profile", "unknown"),
            ("awsp unset", "unset"),
        ] {
            script.push_str(&sh.step(line, step));
        }
        let Some(out) = run.run(sh, &script, &config, Some(&credentials)) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stdout(&out), "", "{sh:?}");
        assert!(
            common::stderr(&out).contains("no-such-profile"),
            "{sh:?}: {}",
            common::stderr(&out)
        );

        let alice = run.env("alice");
        assert_eq!(run.status("alice"), 0, "{sh:?}");
        assert_eq!(
            alice.get("AWS_PROFILE").map(String::as_str),
            Some("dev-alice")
        );
        assert_eq!(
            alice.get("AWS_REGION").map(String::as_str),
            Some("eu-west-1")
        );

        let bob = run.env("bob_creds");
        assert_eq!(run.status("bob_creds"), 0, "{sh:?}");
        assert_eq!(
            bob.get("AWS_ACCESS_KEY_ID").map(String::as_str),
            Some("ASIABOBEXAMPLE000002")
        );
        assert_eq!(
            bob.get("AWS_SESSION_TOKEN").map(String::as_str),
            Some("bob-session-token")
        );
        assert_eq!(bob.get("AWS_PROFILE"), None, "{sh:?}");

        let plain = run.env("plain");
        for stale in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ] {
            assert_eq!(plain.get(stale), None, "{sh:?}: {stale} is stale");
        }
        assert_eq!(
            plain.get("AWS_PROFILE").map(String::as_str),
            Some("dev-alice")
        );

        let back = run.env("back");
        assert_eq!(run.status("back"), 0, "{sh:?}");
        assert_eq!(
            back.get("AWSP_PROFILE").map(String::as_str),
            Some("dev-bob")
        );
        assert_eq!(
            back.get("AWS_ACCESS_KEY_ID").map(String::as_str),
            Some("ASIABOBEXAMPLE000002"),
            "{sh:?}: use - returns with the previous mode"
        );

        assert_ne!(run.status("unknown"), 0, "{sh:?}");
        assert_eq!(
            run.env("unknown"),
            back,
            "{sh:?}: a failed switch changed the env"
        );

        let unset = run.env("unset");
        assert_eq!(run.status("unset"), 0, "{sh:?}");
        for gone in [
            "AWS_PROFILE",
            "AWSP_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_REGION",
        ] {
            assert_eq!(unset.get(gone), None, "{sh:?}: {gone} after unset");
        }
    }
}

#[test]
fn loading_prints_nothing_and_cmd_renames_the_wrapper() {
    let (config, credentials) = shell_files();
    for sh in BOTH {
        let run = Run::new();
        let mut script = sh.load("aws-p");
        script.push_str(&sh.load("aws-p"));
        script.push_str(&sh.step("aws-p use prod", "prod"));
        let Some(out) = run.run(sh, &script, &config, Some(&credentials)) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stdout(&out), "", "{sh:?}");
        assert_eq!(common::stderr(&out), "", "{sh:?}");
        assert_eq!(run.status("prod"), 0);
        assert_eq!(
            run.env("prod").get("AWS_PROFILE").map(String::as_str),
            Some("prod")
        );
    }
}

/// Help and version pass through unchanged with the binary's status; nothing is evaluated.
#[test]
fn wrapper_never_evaluates_help_or_version() {
    let (config, credentials) = shell_files();
    for sh in BOTH {
        let run = Run::new();
        let mut script = sh.load("awsp");
        script.push_str(&sh.step("awsp use --version", "version"));
        script.push_str(&sh.step("awsp use dev-alice --help", "help"));
        let Some(out) = run.run(sh, &script, &config, Some(&credentials)) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let text = common::stdout(&out);
        assert!(text.contains("awsp "), "{sh:?}: {text}");
        assert!(text.contains("Usage"), "{sh:?}: {text}");
        assert_eq!(run.status("version"), 0);
        assert_eq!(run.env("help").get("AWS_PROFILE"), None, "{sh:?}");
    }
}

/// A profile whose region (over two lines) is full of syntax of every shell arrives exactly.
#[test]
fn wrapper_passes_hostile_values_through_exactly() {
    let run0 = Run::new();
    let config = run0.path().join("config");
    let region_lines = [
        "it's $(touch pwned) `touch pwned` \\ \u{2019}' \"q\" $HOME !! !$ %s * {x} é日",
        "; touch pwned #x \\!",
    ];
    std::fs::write(
        &config,
        format!(
            "[profile hostile]\nregion = {}\n  {}\n",
            region_lines[0], region_lines[1]
        ),
    )
    .unwrap();
    let want = format!("{}\n{}", region_lines[0], region_lines[1]);
    for sh in BOTH {
        let run = Run::new();
        let mut script = sh.load("awsp");
        script.push_str(&sh.step("awsp use hostile", "hostile"));
        let Some(out) = run.run(sh, &script, &config, None) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(run.status("hostile"), 0, "{sh:?}: {}", common::stderr(&out));
        let env = run.env("hostile");
        assert_eq!(env.get("AWS_REGION"), Some(&want), "{sh:?}");
        assert!(!run.path().join("pwned").exists(), "{sh:?} ran a value");
    }
}

/// The plain form's tcsh code, evaluated with `eval` (which would turn a newline into a
/// space), sets nothing and fails, rather than setting a wrong value.
#[test]
fn tcsh_code_refuses_to_run_under_eval() {
    let Some(tcsh) = require_tool("tcsh") else {
        return;
    };
    let mut change = EnvChange::new();
    change.set("AWSP_T", "a\nb");
    let code = Shell::Tcsh.render(&change);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("code"), code).unwrap();
    let out = Command::new(tcsh)
        .args([
            "-f",
            "-c",
            "eval \"`cat code`\"; echo \"st=$status set=$?AWSP_T\"",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        common::stdout(&out),
        "st=1 set=0\n",
        "{}",
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// Quoting: hostile values evaluated in the real shells

const MARKER: &str = "pwned";
const VALUES_PER_SCRIPT: usize = 24;

const PIECES: &[&str] = &[
    "'",
    "\"",
    "$",
    "`",
    "\\",
    "!",
    "!!",
    "!$",
    "\\!",
    "\n",
    "\r",
    "\t",
    "%",
    "{",
    "}",
    ";",
    "&",
    "|",
    "*",
    "?",
    "~",
    "#",
    "(",
    ")",
    "<",
    ">",
    "[",
    "]",
    " ",
    "=",
    "^",
    "@",
    "-",
    ":",
    "\u{7f}",
    "\u{1}",
    "\u{1b}[31m",
    "é",
    "日本語",
    "🦀",
    "\u{2019}",
    "\u{FEFF}",
    "\u{10FFFF}",
    "\u{85}",
    "$(touch pwned)",
    "`touch pwned`",
    "; touch pwned",
    "'; touch pwned; '",
    "\ntouch pwned\n",
    "\\\ntouch pwned",
    "__import__('os').system('touch pwned')",
    "'); __import__('os').system('touch pwned'); ('",
    "\\'; touch pwned #",
    "${HOME}",
    "$HOME",
    "$?",
    "$#",
    "@(touch pwned)",
    "![touch pwned]",
    "\\x41",
    "\\u0041",
    "\\N{DASH}",
    "%s%n",
    "{0}",
    "\u{fffd}0'",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<char>().prop_map(|c| if c == '\0' { '\u{1}' } else { c }.to_string()),
        6 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[a-zA-Z0-9/+=._-]{1,20}",
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..16).prop_map(|pieces| pieces.concat())
}

fn var(i: usize) -> String {
    format!("AWSP_QT_{i}")
}

const GONE: &str = "AWSP_QT_GONE";

/// Evaluate `code` the way each wrapper does (xonsh: compiled as Python and run; tcsh: sourced
/// from a file after `tcsh -n`), then the exported environment (`env -0`) to `env.out`.
fn evaluate(sh: Sh, path: &Path, dir: &Path, code: &str, locale: &str) -> Output {
    std::fs::write(dir.join("code"), code).unwrap();
    let _ = std::fs::remove_file(dir.join("env.out"));
    let script = match sh {
        Sh::Xonsh => "__awsp_t = open('code', encoding='ascii').read()\n\
                      exec(compile(__awsp_t, '<awsp>', 'exec'), {'__xonsh__': __xonsh__})\n\
                      env -0 > env.out\n"
            .to_string(),
        Sh::Tcsh => "tcsh -f -n code\nif ( $status != 0 ) exit 1\nsource code\nenv -0 >! env.out\n"
            .to_string(),
    };
    let file = dir.join("eval");
    std::fs::write(&file, script).unwrap();
    let mut cmd = sh.command(path, &file);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("LC_ALL", locale)
        .env(GONE, "still here");
    if let Some(dir) = legacy_locales().filter(|_| locale.contains('_')) {
        cmd.env("LOCPATH", dir);
    }
    cmd.output().unwrap()
}

fn exported(dir: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let bytes = std::fs::read(dir.join("env.out")).unwrap_or_default();
    bytes
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let eq = entry.iter().position(|b| *b == b'=')?;
            Some((entry[..eq].to_vec(), entry[eq + 1..].to_vec()))
        })
        .collect()
}

/// The legacy multi-byte locales (name, source, charmap), compiled with `localedef` into the
/// same cache as tests/quoting.rs (each built in a scratch directory renamed into place).
const LEGACY_LOCALES: &[(&str, &str, &str)] = &[
    ("zh_CN.GBK", "zh_CN", "GBK"),
    ("zh_CN.GB18030", "zh_CN", "GB18030"),
    ("ja_JP.SJIS", "ja_JP", "SHIFT_JIS"),
    ("zh_TW.BIG5", "zh_TW", "BIG5"),
];

fn legacy_locales() -> Option<&'static Path> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        require_tool("localedef")?;
        let i18n = Path::new("/usr/share/i18n");
        if !i18n.join("charmaps/GBK.gz").is_file() {
            assert!(
                !common::under_ci(),
                "Debian locales is required under CI=true"
            );
            eprintln!("skipped: locales not installed");
            return None;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsp-legacy-locales");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, source, charmap) in LEGACY_LOCALES {
            let target = dir.join(name);
            if target.join("LC_CTYPE").is_file() {
                continue;
            }
            let scratch = dir.join(format!(".{name}.xt.{}", std::process::id()));
            let out = Command::new("localedef")
                .args(["--no-warnings=ascii", "-f", charmap, "-i", source])
                .arg(&scratch)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "localedef {name}: {}",
                common::stderr(&out)
            );
            if std::fs::rename(&scratch, &target).is_err() {
                let _ = std::fs::remove_dir_all(&scratch);
            }
        }
        Some(dir)
    })
    .as_deref()
}

fn round_trip(sh: Sh, cases: u32) {
    round_trip_in(sh, &["C.UTF-8", "C"], cases);
    if legacy_locales().is_some() {
        let names: Vec<&'static str> = LEGACY_LOCALES.iter().map(|(name, _, _)| *name).collect();
        round_trip_in(sh, names.leak(), cases / 2);
    }
}

fn round_trip_in(sh: Sh, locales: &'static [&'static str], cases: u32) {
    let Some(path) = require_tool(sh.tool()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(hostile(), VALUES_PER_SCRIPT),
        prop::sample::select(locales),
    );
    let result = runner.run(&strategy, |(values, locale)| {
        let mut change = EnvChange::new();
        for (i, value) in values.iter().enumerate() {
            change.set(&var(i), value.as_str());
        }
        change.unset(GONE);
        change.unset("AWSP_QT_NEVER_SET");
        change.validate().unwrap();
        let code = sh.shell().render(&change);
        prop_assert!(code.is_ascii(), "not ASCII: {code}");
        let out = evaluate(sh, &path, dir.path(), &code, locale);
        let executed = dir.path().join(MARKER).exists();
        let _ = std::fs::remove_file(dir.path().join(MARKER));
        prop_assert!(!executed, "a value ran as code:\n{code}");
        // tcsh in Shift_JIS reads 0x5C as a yen sign: a backslash-newline is no line break
        // there, the check refuses the code, and nothing is set.
        if sh == Sh::Tcsh && locale == "ja_JP.SJIS" && values.iter().any(|v| v.contains('\n')) {
            prop_assert!(!out.status.success(), "tcsh in Shift_JIS took a newline");
            prop_assert!(!dir.path().join("env.out").exists());
            return Ok(());
        }
        prop_assert!(
            out.status.success(),
            "{locale}: {}\n{code}",
            common::stderr(&out)
        );
        prop_assert_eq!(common::stderr(&out), "");
        let env = exported(dir.path());
        for (i, value) in values.iter().enumerate() {
            let got = env.get(var(i).as_bytes());
            prop_assert_eq!(
                got.map(|v| String::from_utf8_lossy(v).into_owned()),
                Some(value.clone()),
                "{} in {}",
                var(i),
                locale
            );
        }
        prop_assert!(!env.contains_key(GONE.as_bytes()), "{GONE} still set");
        Ok(())
    });
    if let Err(err) = result {
        panic!("{}: {err}", sh.tool());
    }
}

#[test]
fn xonsh_reads_back_every_value() {
    round_trip(Sh::Xonsh, 24);
}

#[test]
fn tcsh_reads_back_every_value() {
    round_trip(Sh::Tcsh, 48);
}

/// The escapes at the edges, each value on its own line of code.
#[test]
fn edge_values_in_both_shells() {
    let values = [
        "",
        "'",
        "''",
        "\\",
        "\\\\",
        "\\'",
        "'\\",
        "!",
        "\\!",
        "!\\",
        "\n",
        "\n\n",
        "\\\n",
        "a\\\nb",
        "\né",
        "é\n",
        "-é",
        "%é",
        "!é!",
        "\r",
        "\u{1}\u{7f}",
        "$",
        "`",
        "\"",
    ];
    for sh in BOTH {
        let Some(path) = require_tool(sh.tool()) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut change = EnvChange::new();
        for (i, value) in values.iter().enumerate() {
            change.set(&var(i), *value);
        }
        let code = sh.shell().render(&change);
        let out = evaluate(sh, &path, dir.path(), &code, "C.UTF-8");
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let env = exported(dir.path());
        for (i, value) in values.iter().enumerate() {
            assert_eq!(
                env.get(var(i).as_bytes()).map(Vec::as_slice),
                Some(value.as_bytes()),
                "{sh:?}: {value:?} from {code}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checkers: every emitted script passes the shell's own

fn emitted_scripts(dir: &Path, sh: Sh) -> Vec<PathBuf> {
    let shell = InitShell::new(sh.shell()).unwrap();
    let mut files = Vec::new();
    for (i, cmd) in ["awsp", "aws-p"].iter().enumerate() {
        for (j, bin) in ["awsp", "/opt/it's here/awsp", "/opt/é!/awsp"]
            .iter()
            .enumerate()
        {
            let file = dir.join(format!("init-{i}-{j}"));
            std::fs::write(&file, render(shell, cmd, bin)).unwrap();
            files.push(file);
        }
    }
    let file = dir.join("completion");
    std::fs::write(&file, awsp::cmd::init::render_completions(shell, "awsp")).unwrap();
    if sh == Sh::Xonsh {
        files.push(file);
    }
    let mut change = EnvChange::new();
    change
        .set("AWS_PROFILE", "it's $(x) !! \n é")
        .unset("AWS_REGION");
    let file = dir.join("code");
    std::fs::write(&file, sh.shell().render(&change)).unwrap();
    files.push(file);
    files
}

#[test]
fn xonsh_scripts_compile() {
    let Some(xonsh) = require_tool("xonsh") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = emitted_scripts(dir.path(), Sh::Xonsh);
    // xonsh's own compile step (`compilex`), and Python's: the code is plain Python.
    let mut check = String::from("import sys\n");
    for file in &files {
        check.push_str(&format!(
            "__t = open({0}).read()\ncompilex(__t)\ncompile(__t, {0}, 'exec')\n",
            xonsh::quote(file.to_str().unwrap())
        ));
    }
    check.push_str("print('ok')\n");
    let file = dir.path().join("check.xsh");
    std::fs::write(&file, check).unwrap();
    let out = Sh::Xonsh.command(&xonsh, &file).output().unwrap();
    assert_eq!(common::stdout(&out), "ok\n", "{}", common::stderr(&out));
    // And the check fails on a broken script.
    std::fs::write(&files[0], "def (:\n").unwrap();
    let out = Sh::Xonsh.command(&xonsh, &file).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn tcsh_scripts_pass_tcsh_n() {
    let Some(tcsh) = require_tool("tcsh") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in emitted_scripts(dir.path(), Sh::Tcsh) {
        let out = Command::new(&tcsh).arg("-n").arg(&file).output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            file.display(),
            common::stderr(&out)
        );
    }
    let broken = dir.path().join("broken");
    std::fs::write(&broken, "if ( 1 ) then\nsetenv A 'x\n").unwrap();
    let out = Command::new(&tcsh).arg("-n").arg(&broken).output().unwrap();
    assert!(!out.status.success());
}

// ---------------------------------------------------------------------------------------------
// The prompt: no process

fn now() -> i64 {
    awsp::cmd::prompt::now()
}

fn prompt_cases(now: i64) -> Vec<(&'static str, &'static str, String)> {
    let mut cases = vec![
        ("", "", String::new()),
        ("dev-alice", "", String::new()),
        ("", "dev-bob", String::new()),
        ("dev-alice", "dev-bob", String::new()),
        ("", "dev-bob", (now + 42 * 60 + 30).to_string()),
        ("", "dev-bob", format!("+{}", now + 42 * 60 + 30)),
        ("", "dev-bob", format!("000{}", now + 42 * 60 + 30)),
        ("", "dev-bob", (now + 3600 + 5 * 60 + 30).to_string()),
        ("", "dev-bob", (now + 26 * 3600 + 30).to_string()),
        ("", "dev-bob", (now + 30).to_string()),
        ("", "dev-bob", (now - 100).to_string()),
        ("", "dev-bob", (now + 900_000_000_000_000 + 30).to_string()),
    ];
    for absurd in [
        "-5",
        "0",
        "+0",
        "-0",
        "000000000000000",
        "-999999999999999",
        "9999999999999999",
        "+",
        "-",
        "+-5",
        "1e9",
        "0x10",
        "12.5",
        " 12",
        "12 ",
        "12\n",
        "١٢",
        "soon",
        "$HOME",
        "!!",
    ] {
        cases.push(("", "dev-bob", absurd.to_string()));
    }
    cases
}

/// Seconds may differ by 2 between the test's clock and the shell's.
fn same_segment(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let seconds = |s: &str| {
        let (head, last) = s.rsplit_once(' ')?;
        Some((
            head.to_string(),
            last.strip_suffix('s')?.parse::<i64>().ok()?,
        ))
    };
    matches!((seconds(a), seconds(b)), (Some((ha, sa)), Some((hb, sb))) if ha == hb && (sa - sb).abs() <= 2)
}

#[test]
fn prompt_matches_awsp_prompt_without_a_process() {
    let now = now();
    let cases = prompt_cases(now);
    for sh in BOTH {
        let run = Run::new();
        // The integration for a binary that does not exist, and no PATH: a process started
        // by name or through awsp would fail and say so.
        let init = run.path().join("init");
        let shell = InitShell::new(sh.shell()).unwrap();
        std::fs::write(&init, render(shell, "awsp", "/nonexistent/awsp")).unwrap();
        let init = init.to_str().unwrap();
        let mut script = match sh {
            Sh::Xonsh => format!("execx(open({}).read())\n$PATH = []\n", xonsh::quote(init)),
            Sh::Tcsh => format!(
                "set __awsp_file = {}\nsource $__awsp_file:q load\nset __path = ( $path:q )\n",
                tcsh::quote(init)
            ),
        };
        for (aws_profile, awsp_profile, expiration) in &cases {
            let mut change = EnvChange::new();
            for (name, value) in [
                ("AWS_PROFILE", aws_profile),
                ("AWSP_PROFILE", awsp_profile),
                ("AWSP_EXPIRATION", &expiration.as_str()),
            ] {
                if value.is_empty() {
                    change.unset(name);
                } else {
                    change.set(name, *value);
                }
            }
            match sh {
                Sh::Xonsh => {
                    script.push_str(&Shell::Xonsh.render(&change));
                    script.push_str("print('<' + awsp_prompt() + '>')\n");
                }
                Sh::Tcsh => {
                    script.push_str(&Shell::Tcsh.render(&change));
                    script.push_str(
                        "set path = ( )\nawsp_prompt\nset path = ( $__path:q )\necho '<'$awsp_segment:q'>'\n",
                    );
                }
            }
        }
        let Some(out) = run.run(sh, &script, Path::new("/nonexistent"), None) else {
            continue;
        };
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{sh:?}: {}",
            common::stderr(&out)
        );
        let text = common::stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), cases.len(), "{sh:?}: {text}");
        for ((aws_profile, awsp_profile, expiration), line) in cases.iter().zip(lines) {
            let profile = [*aws_profile, *awsp_profile]
                .into_iter()
                .find(|p| !p.is_empty());
            let want = awsp::cmd::prompt::segment(
                profile,
                awsp::cmd::prompt::parse_expiration(expiration),
                now,
            );
            let got = line
                .strip_prefix('<')
                .and_then(|l| l.strip_suffix('>'))
                .unwrap();
            assert!(
                same_segment(got, &want),
                "{sh:?} {expiration:?}: got {got:?}, want {want:?}"
            );
        }
    }
}

/// tcsh: the prompt starts no process (counted with strace where it is installed).
#[test]
fn tcsh_prompt_forks_nothing() {
    let Some(tcsh) = require_tool("tcsh") else {
        return;
    };
    let Some(strace) = require_tool("strace") else {
        return;
    };
    let run = Run::new();
    let init = run.path().join("init");
    std::fs::write(
        &init,
        render(InitShell::new(Shell::Tcsh).unwrap(), "awsp", "awsp"),
    )
    .unwrap();
    let count = |body: &str| {
        let script = run.path().join("p.tcsh");
        std::fs::write(
            &script,
            format!(
                "set __awsp_file = {}\nsource $__awsp_file:q load\nsetenv AWSP_PROFILE p\nsetenv AWSP_EXPIRATION 99999999999\n{body}\nif ( $?awsp_segment ) then\n echo $awsp_segment:q\nendif\n",
                tcsh::quote(init.to_str().unwrap())
            ),
        )
        .unwrap();
        let log = run.path().join("strace.log");
        let out = Command::new(&strace)
            .args(["-f", "-e", "trace=fork,vfork,clone,clone3", "-o"])
            .arg(&log)
            .arg(&tcsh)
            .arg("-f")
            .arg(&script)
            .env("HOME", run.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
        let log = std::fs::read_to_string(&log).unwrap();
        (common::stdout(&out), common::new_processes(&log))
    };
    let (without, base) = count("");
    let (with, forks) = count("awsp_prompt\nawsp_prompt\nawsp_prompt");
    assert!(without.trim().is_empty(), "{without}");
    assert!(with.starts_with("p "), "{with}");
    assert_eq!(forks, base, "awsp_prompt started a process");
}

// ---------------------------------------------------------------------------------------------
// Completion

#[test]
fn xonsh_completes_subcommands_flags_and_profiles() {
    let (config, credentials) = shell_files();
    let run = Run::new();
    let script = format!(
        "{}from xonsh.completer import Completer\n\
         for __l in ['awsp us', 'awsp use dev-', 'awsp use --cr']:\n    \
         print(sorted(str(c) for c in Completer().complete_line(__l)[0]))\n",
        Sh::Xonsh.load("awsp")
    );
    let Some(out) = run.run(Sh::Xonsh, &script, &config, Some(&credentials)) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "['use']\n['dev-alice', 'dev-bob']\n['--creds']\n",
        "{}",
        common::stderr(&out)
    );
}

/// A tmux server of our own running one interactive shell; killed on drop.
struct Tmux {
    tmux: PathBuf,
    socket: PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        common::stdout(&self.cmd(&["capture-pane", "-p", "-t", "0"]))
    }

    /// Poll the screen until it has a line equal to `want` (10 s at most).
    fn wait_line(&self, want: &str) {
        let start = std::time::Instant::now();
        while !self.screen().lines().any(|l| l.trim_end() == want) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "waiting for {want:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn type_text(&self, text: &str) {
        assert!(
            self.cmd(&["send-keys", "-t", "0", "-l", "--", text])
                .status
                .success()
        );
    }

    fn key(&self, key: &str) {
        assert!(self.cmd(&["send-keys", "-t", "0", key]).status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// Tab in an interactive tcsh (in tmux): subcommands, profile names, flags.
#[test]
fn tcsh_tab_completes_subcommands_flags_and_profiles() {
    let Some(tcsh) = require_tool("tcsh") else {
        return;
    };
    let Some(tmux) = require_tool("tmux") else {
        return;
    };
    let (config, credentials) = shell_files();
    let run = Run::new();
    // The binary off PATH, in a directory whose name a shell would split or end a quote at:
    // the completion must run it by that path, quoted.
    let bin_dir = run.path().join("o'neil bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let bin = bin_dir.join("awsp");
    std::fs::copy(awsp_bin(), &bin).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    let t = Tmux {
        tmux,
        socket: run.path().join("tmux.sock"),
    };
    let out = Command::new(&t.tmux)
        .arg("-S")
        .arg(&t.socket)
        .args([
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "160",
            "-y",
            "40",
            "--",
        ])
        .arg(&tcsh)
        .args(["-f", "-i"])
        .env_clear()
        .env("PATH", path)
        .env("HOME", run.path())
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWSP_TEST_BIN", &bin)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "tmux: {}", common::stderr(&out));
    // (tcsh cannot keep a quote in a path through a backquote inside double quotes: the
    // line init prints goes through a file instead.)
    t.type_text(
        "set prompt = '$ '; $AWSP_TEST_BIN:q init tcsh >! ~/init.line; source ~/init.line; echo loaded",
    );
    t.key("Enter");
    t.wait_line("loaded");
    for (typed, want) in [
        ("awsp us", "$ awsp use"),
        ("awsp use dev-a", "$ awsp use dev-alice"),
        ("awsp use --cr", "$ awsp use --creds"),
        ("awsp use --region il-c", "$ awsp use --region il-central-1"),
    ] {
        t.type_text(typed);
        t.key("Tab");
        t.wait_line(want);
        t.key("C-u");
        t.type_text("clear");
        t.key("Enter");
        t.wait_line("$");
    }
}

// ---------------------------------------------------------------------------------------------
// The wrapper evaluates only its own header's code, whole, after the binary succeeded

use common::write_executable;

#[test]
fn wrapper_evaluates_only_its_own_code_that_parses() {
    for sh in BOTH {
        let name = sh.shell().name();
        let (set, broken) = match sh {
            Sh::Xonsh => ("__xonsh__.env['AWSP_T'] = 'ran'", "def (:"),
            Sh::Tcsh => ("setenv AWSP_T ran", "setenv B 'unterminated"),
        };
        let cases = [
            // (what the binary prints, its status, the wrapper's status, printed)
            (
                format!("# awsp eval {name}\n{set}\n{broken}\n"),
                0,
                false,
                false,
            ),
            (
                format!("# awsp eval bash\nexport AWSP_T=ran\n{set}\n"),
                0,
                true,
                true,
            ),
            (format!("# awsp eval {name}\n{set}\n"), 3, false, true),
        ];
        for (i, (output, status, wrapper_ok, printed)) in cases.iter().enumerate() {
            let run = Run::new();
            let fake = run.path().join("fake");
            std::fs::write(run.path().join("output"), output).unwrap();
            write_executable(
                &fake,
                &format!(
                    "#!/bin/sh\ncat '{}/output'\nexit {status}\n",
                    run.path().display()
                ),
            );
            let init = run.path().join("init");
            let shell = InitShell::new(sh.shell()).unwrap();
            std::fs::write(&init, render(shell, "awsp", fake.to_str().unwrap())).unwrap();
            let init = init.to_str().unwrap();
            let mut script = match sh {
                Sh::Xonsh => format!("execx(open({}).read())\n", xonsh::quote(init)),
                Sh::Tcsh => format!(
                    "set __awsp_file = {}\nsource $__awsp_file:q load\n",
                    tcsh::quote(init)
                ),
            };
            script.push_str(&sh.step("awsp use x", "s"));
            let Some(out) = run.run(sh, &script, Path::new("/nonexistent"), None) else {
                break;
            };
            let what = format!("{sh:?} case {i}");
            assert!(out.status.success(), "{what}: {}", common::stderr(&out));
            assert_eq!(run.env("s").get("AWSP_T"), None, "{what}: code ran");
            assert_eq!(
                run.status("s") == 0,
                *wrapper_ok,
                "{what}: status {}",
                run.status("s")
            );
            if !*wrapper_ok && *status != 0 {
                assert_eq!(run.status("s"), *status, "{what}");
            }
            assert_eq!(
                common::stdout(&out) == *output,
                *printed,
                "{what}: {}",
                common::stdout(&out)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// tcsh: `init` writes the script to the cache directory

#[test]
fn tcsh_init_writes_the_script_once_and_prints_the_source_line() {
    let run = Run::new();
    let cache = run.path().join("cache");
    let init = |home: &Path, cache: Option<&Path>| {
        let mut cmd = common::awsp_cmd(None, None);
        cmd.args(["init", "tcsh"]).env("HOME", home);
        if let Some(cache) = cache {
            cmd.env("XDG_CACHE_HOME", cache);
        }
        cmd.output().unwrap()
    };
    let first = init(run.path(), Some(&cache));
    assert!(first.status.success(), "{}", common::stderr(&first));
    let second = init(run.path(), Some(&cache));
    assert_eq!(first.stdout, second.stdout);
    let line = common::stdout(&first);
    let files: Vec<PathBuf> = std::fs::read_dir(cache.join("awsp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = files[0].to_str().unwrap();
    assert_eq!(
        line,
        format!(
            "set __awsp_file = {} ; source $__awsp_file:q load\n",
            tcsh::quote(file)
        )
    );
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.starts_with("# awsp shell integration for tcsh"),
        "{text}"
    );
    assert!(!text.contains("__AWSP_"));

    // Without a usable cache directory: one error line, nothing to evaluate.
    let blocker = run.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let out = init(&blocker.join("home"), Some(&blocker));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = common::stderr(&out);
    assert!(
        err.starts_with("awsp: could not create") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn xonsh_prompt_field_is_awsp_prompt() {
    let (config, credentials) = shell_files();
    let run = Run::new();
    let script = format!(
        "{}$AWSP_PROFILE = 'dev-bob'\nprint($PROMPT_FIELDS['awsp'](), awsp_prompt())\n",
        Sh::Xonsh.load("awsp")
    );
    let Some(out) = run.run(Sh::Xonsh, &script, &config, Some(&credentials)) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "dev-bob dev-bob\n",
        "{}",
        common::stderr(&out)
    );
}
