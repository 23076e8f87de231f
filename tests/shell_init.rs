//! The shell integration in real shells: `awsp init` and `awsp completions` output is lint
//! clean, loads silently (twice too), switches the calling shell through the wrapper, computes
//! the prompt without a process, and completes; plus snapshots and the committed completions.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use awsp::cli::InitShell;
use awsp::cmd::init::{render, render_completions};
use common::{
    awsp_bin, awsp_cmd, clean_env, fixture, repo_root, require_tool, require_venv_python,
};

const ALL: [InitShell; 4] = [
    InitShell::Bash,
    InitShell::Zsh,
    InitShell::Fish,
    InitShell::Powershell,
];
/// The default wrapper name and a custom one (a `-` in it, which every shell must accept).
const NAMES: [&str; 2] = ["awsp", "aws-p"];
/// shfmt's flags for the bash scripts: 4-space indent, `case` items not indented (its default).
const SHFMT_FLAGS: [&str; 4] = ["-d", "-i", "4", "-ln=bash"];

fn name(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => "bash",
        InitShell::Zsh => "zsh",
        InitShell::Fish => "fish",
        InitShell::Powershell => "powershell",
    }
}

fn ext(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => "bash",
        InitShell::Zsh => "zsh",
        InitShell::Fish => "fish",
        InitShell::Powershell => "ps1",
    }
}

/// `awsp ARGS` from the built binary; must succeed.
fn awsp_output(args: &[&str]) -> String {
    let out = awsp_cmd(None, None).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "awsp {args:?}: {}",
        common::stderr(&out)
    );
    assert!(
        out.stderr.is_empty(),
        "awsp {args:?}: {}",
        common::stderr(&out)
    );
    common::stdout(&out)
}

/// Every script a checker must accept, written to `dir`: `awsp init` for each wrapper name
/// and `awsp completions`, as the binary prints them.
fn rendered_scripts(shell: InitShell, dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for cmd in NAMES {
        let path = dir.join(format!("init-{cmd}.{}", ext(shell)));
        std::fs::write(&path, awsp_output(&["init", name(shell), "--cmd", cmd])).unwrap();
        files.push(path);
        let path = dir.join(format!("completions-{cmd}.{}", ext(shell)));
        std::fs::write(
            &path,
            awsp_output(&["completions", name(shell), "--cmd", cmd]),
        )
        .unwrap();
        files.push(path);
    }
    files
}

fn run_checker(tool: &Path, args: &[&str], file: &Path) {
    let out = Command::new(tool).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} {} failed:\n{}{}\n--- script ---\n{}",
        tool.display(),
        file.display(),
        common::stdout(&out),
        common::stderr(&out),
        std::fs::read_to_string(file).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Lint

#[test]
fn bash_scripts_pass_shellcheck_and_shfmt() {
    let dir = tempfile::tempdir().unwrap();
    let files = rendered_scripts(InitShell::Bash, dir.path());
    if let Some(shellcheck) = require_tool("shellcheck") {
        for file in &files {
            run_checker(&shellcheck, &["-s", "bash"], file);
        }
    }
    if let Some(shfmt) = require_tool("shfmt") {
        for file in &files {
            run_checker(&shfmt, &SHFMT_FLAGS, file);
        }
    }
}

/// shellcheck and shfmt (3.6) do not read zsh; `zsh -n` parses without running.
#[test]
fn zsh_scripts_parse() {
    let Some(zsh) = require_tool("zsh") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in rendered_scripts(InitShell::Zsh, dir.path()) {
        run_checker(&zsh, &["-f", "-n"], &file);
    }
}

#[test]
fn fish_scripts_parse_and_are_indented() {
    let Some(fish) = require_tool("fish") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in rendered_scripts(InitShell::Fish, dir.path()) {
        run_checker(&fish, &["--no-config", "--no-execute"], &file);
    }
    // The templates (the rendered binary path is quoted, which fish_indent would unquote).
    if let Some(fish_indent) = require_tool("fish_indent") {
        for file in ["shell/awsp.fish", "shell/completion.fish"] {
            run_checker(&fish_indent, &["--check"], &repo_root().join(file));
        }
    }
}

fn ps_parse(python: &Path, files: &[PathBuf]) -> Output {
    Command::new(python)
        .arg(repo_root().join("tests/tools/ps_parse.py"))
        .args(files)
        .output()
        .unwrap()
}

/// No pwsh here: the tree-sitter PowerShell grammar parses the scripts.
#[test]
fn powershell_scripts_parse() {
    let Some(python) = require_venv_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = rendered_scripts(InitShell::Powershell, dir.path());
    let out = ps_parse(&python, &files);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

/// The check can fail: a script with an unclosed `if (` is rejected, with its location.
#[test]
fn powershell_parse_check_rejects_a_broken_script() {
    let Some(python) = require_venv_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let good = render(InitShell::Powershell, "awsp", "/usr/local/bin/awsp");
    let broken = good.replacen(
        "if ($__awsp_status -eq 0 -and",
        "if ($__awsp_status -eq 0 -and {",
        1,
    );
    assert_ne!(good, broken);
    let path = dir.path().join("broken.ps1");
    std::fs::write(&path, &broken).unwrap();
    let out = ps_parse(&python, std::slice::from_ref(&path));
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    let line = 1 + broken
        .lines()
        .position(|l| l.contains("-and {"))
        .expect("the broken line");
    assert!(
        err.contains(&format!("{}:{line}:", path.display())) && err.contains("missing '}'"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Running real shells

/// A shell with a clean environment, a scratch HOME, the fixture AWS files, and the binary's
/// path in `$TEST_AWSP_BIN`. `None` (skipped) when the shell is missing.
fn shell(shell: InitShell, home: &Path) -> Option<Command> {
    let (tool, args): (&str, &[&str]) = match shell {
        InitShell::Bash => ("bash", &["--norc", "--noprofile", "-c"]),
        InitShell::Zsh => ("zsh", &["-f", "-c"]),
        InitShell::Fish => ("fish", &["--no-config", "-c"]),
        InitShell::Powershell => unreachable!("no pwsh here"),
    };
    let path = require_tool(tool)?;
    let mut cmd = Command::new(path);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("TEST_AWSP_BIN", awsp_bin())
        .args(args);
    Some(cmd)
}

fn run(shell_kind: InitShell, script: &str) -> Option<Output> {
    let home = tempfile::tempdir().unwrap();
    let out = shell(shell_kind, home.path())?
        .arg(script)
        .output()
        .unwrap();
    Some(out)
}

fn load_line(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Fish => "\"$TEST_AWSP_BIN\" init fish | source",
        InitShell::Bash => "eval \"$(\"$TEST_AWSP_BIN\" init bash)\"",
        InitShell::Zsh => "eval \"$(\"$TEST_AWSP_BIN\" init zsh)\"",
        InitShell::Powershell => unreachable!(),
    }
}

const REAL: [InitShell; 3] = [InitShell::Bash, InitShell::Zsh, InitShell::Fish];

// ---------------------------------------------------------------------------------------------
// 2. Loading prints nothing

#[test]
fn loading_prints_nothing_even_twice() {
    for sh in REAL {
        let load = load_line(sh);
        let mut scripts = vec![load.to_string(), format!("{load}\n{load}")];
        if sh == InitShell::Zsh {
            // With compinit loaded, and with compinit loaded between two loads.
            scripts.push(format!(
                "autoload -Uz compinit && compinit -D -u\n{load}\n{load}"
            ));
            scripts.push(format!(
                "{load}\nautoload -Uz compinit && compinit -D -u\n{load}"
            ));
        }
        for script in scripts {
            let Some(out) = run(sh, &script) else { break };
            assert!(
                out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
                "{sh:?} {script:?}: {:?}\nstdout: {}\nstderr: {}",
                out.status,
                common::stdout(&out),
                common::stderr(&out)
            );
        }
    }
}

/// Users with strict rc files: the integration loads and works under `set -eu` (bash) and
/// `setopt nounset errexit` (zsh).
#[test]
fn strict_modes_do_not_break_the_integration() {
    for (sh, strict) in [
        (InitShell::Bash, "set -eu"),
        (InitShell::Zsh, "setopt nounset errexit"),
    ] {
        let load = load_line(sh);
        let script = format!(
            "{strict}\n{load}\n{load}\nawsp_prompt\nawsp use dev-alice\nawsp_prompt\n\
             awsp use dev-bob --creds\nawsp use -\nawsp unset\necho \"done:${{AWS_PROFILE-}}\""
        );
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert_eq!(
            common::stdout(&out),
            "dev-alice\ndone:\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
    }
}

/// Hostile values through the real wrapper: a profile whose region (continued over two lines)
/// is full of shell syntax arrives byte for byte in bash, zsh and fish, and runs nothing.
#[test]
fn wrapper_passes_hostile_values_through_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let region_lines = [
        "it's $(touch pwned) `touch pwned` \\ \u{2019}' \"q\" $HOME !! %s *",
        "; touch pwned #x",
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
    for sh in REAL {
        let (tool, args): (&str, &[&str]) = match sh {
            InitShell::Bash => ("bash", &["--norc", "--noprofile", "-c"]),
            InitShell::Zsh => ("zsh", &["-f", "-c"]),
            _ => ("fish", &["--no-config", "-c"]),
        };
        let Some(path) = require_tool(tool) else {
            continue;
        };
        let mut cmd = Command::new(path);
        clean_env(&mut cmd, Some(&config), None);
        let script = format!(
            "{}\nawsp use hostile\nprintf '%s\\0' \"$AWS_REGION\" \"$AWS_PROFILE\"",
            load_line(sh)
        );
        let out = cmd
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("TEST_AWSP_BIN", awsp_bin())
            .args(args)
            .arg(script)
            .output()
            .unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{want}\0hostile\0"),
            "{sh:?}"
        );
        assert!(!dir.path().join("pwned").exists(), "{sh:?} ran a value");
    }
}

/// fish: a universal `AWS_PROFILE` stays exported whatever the global scope holds, so a switch
/// cannot clear it; the wrapper says so (on stderr) rather than erasing the user's setting.
#[test]
fn fish_warns_about_universal_variables_it_cannot_clear() {
    let Some(fish) = require_tool("fish") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/fish")).unwrap();
    let fish_in = |script: &str| {
        let mut cmd = Command::new(&fish);
        clean_env(
            &mut cmd,
            Some(&fixture("shell/config")),
            Some(&fixture("shell/credentials")),
        );
        // Universal variables need a configuration directory (not --no-config).
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("TEST_AWSP_BIN", awsp_bin())
            .args(["-c", script])
            .output()
            .unwrap()
    };
    let out = fish_in("set -Ux AWS_PROFILE kept-by-the-user");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let load = load_line(InitShell::Fish);
    let out = fish_in(&format!(
        "{load}\nawsp use dev-bob --creds; echo status=$status\nset --show AWS_PROFILE | string match -q '*universal*'; and echo universal-kept"
    ));
    let stderr = common::stderr(&out);
    assert_eq!(
        common::stdout(&out),
        "status=0\nuniversal-kept\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("awsp: AWS_PROFILE is a universal variable")
            && stderr.contains("set -e -U AWS_PROFILE"),
        "{stderr}"
    );
    // Without a universal variable, a switch says nothing.
    let out = fish_in(&format!(
        "set -e -U AWS_PROFILE\n{load}\nawsp use dev-bob --creds"
    ));
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Switching through the wrapper

/// What a scenario step left: the wrapper's status, the AWS/AWSP variables of the shell, and
/// any `out:` lines it printed.
#[derive(Debug, Default, Clone)]
struct Step {
    status: i32,
    vars: BTreeMap<String, String>,
    out: Vec<String>,
}

impl Step {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// Parse `@ NAME STATUS` headers followed by `env` lines and `out:` lines.
fn steps(text: &str) -> BTreeMap<String, Step> {
    let mut steps = BTreeMap::new();
    let mut current: Option<(String, Step)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("@ ") {
            if let Some((name, step)) = current.take() {
                steps.insert(name, step);
            }
            let (name, status) = rest.split_once(' ').unwrap();
            let step = Step {
                status: status.parse().unwrap(),
                ..Step::default()
            };
            current = Some((name.to_string(), step));
        } else if let Some((_, step)) = current.as_mut() {
            if let Some(out) = line.strip_prefix("out:") {
                step.out.push(out.to_string());
            } else if let Some((k, v)) = line.split_once('=') {
                if k.starts_with("AWS_") || k.starts_with("AWSP_") {
                    step.vars.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    if let Some((name, step)) = current {
        steps.insert(name, step);
    }
    steps
}

const POSIX_SCENARIO: &str = r#"
show() { printf '@ %s %s\n' "$1" "$2"; env | LC_ALL=C sort; }
lines() { while IFS= read -r l; do printf 'out:%s\n' "$l"; done <<<"$1"; }
awsp use dev-alice; show alice $?
awsp use dev-bob --creds; show bob $?
awsp use dev-alice; show alice-again $?
awsp use -; show back $?
awsp use nope 2>/dev/null; show unknown $?
awsp use --no-such-flag 2>/dev/null; show usage $?
help=$(awsp use --help); show help $?; lines "$help"
list=$(awsp list); show list $?; lines "$list"
awsp show nope 2>/dev/null; show show-unknown $?
awsp unset; show unset $?
"#;

const FISH_SCENARIO: &str = r#"
function show; printf '@ %s %s\n' $argv[1] $argv[2]; env | LC_ALL=C sort; end
awsp use dev-alice; show alice $status
awsp use dev-bob --creds; show bob $status
awsp use dev-alice; show alice-again $status
awsp use -; show back $status
awsp use nope 2>/dev/null; show unknown $status
awsp use --no-such-flag 2>/dev/null; show usage $status
set -l help (awsp use --help); show help $status; printf 'out:%s\n' $help
set -l list (awsp list); show list $status; printf 'out:%s\n' $list
awsp show nope 2>/dev/null; show show-unknown $status
awsp unset; show unset $status
"#;

const KEYS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

fn check_scenario(sh: InitShell, steps: &BTreeMap<String, Step>) {
    let step = |name: &str| {
        steps
            .get(name)
            .unwrap_or_else(|| panic!("{sh:?}: no step {name}: {steps:#?}"))
    };
    let alice = step("alice");
    assert_eq!(alice.status, 0, "{sh:?} {alice:?}");
    assert_eq!(alice.var("AWS_PROFILE"), Some("dev-alice"));
    assert_eq!(alice.var("AWS_REGION"), Some("eu-west-1"));
    assert_eq!(alice.var("AWSP_SHELL"), Some(name(sh)));

    let bob = step("bob");
    assert_eq!(bob.status, 0, "{sh:?} {bob:?}");
    assert_eq!(bob.var("AWS_PROFILE"), None, "{sh:?} {bob:?}");
    assert_eq!(bob.var("AWS_ACCESS_KEY_ID"), Some("ASIABOBEXAMPLE000002"));
    assert_eq!(
        bob.var("AWS_SECRET_ACCESS_KEY"),
        Some("bob/secret/EXAMPLEKEY")
    );
    assert_eq!(bob.var("AWS_SESSION_TOKEN"), Some("bob-session-token"));
    assert_eq!(bob.var("AWS_REGION"), Some("us-east-1"));
    assert_eq!(bob.var("AWSP_MODE"), Some("creds"));

    let again = step("alice-again");
    assert_eq!(again.status, 0);
    assert_eq!(again.var("AWS_PROFILE"), Some("dev-alice"));
    for key in KEYS.iter().chain(&["AWS_SECURITY_TOKEN"]) {
        assert_eq!(again.var(key), None, "{sh:?}: {key} left over: {again:?}");
    }

    let back = step("back");
    assert_eq!(back.status, 0);
    assert_eq!(back.var("AWS_PROFILE"), None);
    assert_eq!(back.var("AWSP_PROFILE"), Some("dev-bob"));
    assert_eq!(back.var("AWS_ACCESS_KEY_ID"), Some("ASIABOBEXAMPLE000002"));

    // Failures change nothing, and the wrapper returns the binary's status (1 error, 2 usage).
    for (name, status) in [("unknown", 1), ("usage", 2), ("help", 0), ("list", 0)] {
        let s = step(name);
        assert_eq!(s.status, status, "{sh:?} {name}: {s:?}");
        assert_eq!(s.vars, back.vars, "{sh:?} {name} changed the environment");
    }
    let help = step("help").out.join("\n");
    assert!(help.contains("Usage:"), "{sh:?}: help not shown: {help}");
    let list = &step("list").out;
    assert!(
        list.iter().any(|l| l == "dev-alice") && list.iter().any(|l| l == "dev-bob"),
        "{sh:?}: {list:?}"
    );
    assert_eq!(step("show-unknown").status, 1);

    let unset = step("unset");
    assert_eq!(unset.status, 0);
    let left: Vec<&String> = unset
        .vars
        .keys()
        .filter(|k| {
            !matches!(
                k.as_str(),
                "AWS_CONFIG_FILE"
                    | "AWS_SHARED_CREDENTIALS_FILE"
                    | "AWSP_SHELL"
                    // The harness's dead endpoint (tests/common): not awsp's to unset.
                    | "AWS_ENDPOINT_URL"
            )
        })
        .collect();
    assert!(left.is_empty(), "{sh:?}: unset left {left:?}");
}

#[test]
fn wrapper_switches_the_calling_shell() {
    for sh in REAL {
        let scenario = if sh == InitShell::Fish {
            FISH_SCENARIO
        } else {
            POSIX_SCENARIO
        };
        let script = format!("{}\n{}\n{scenario}", load_line(sh), load_line(sh));
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        check_scenario(sh, &steps(&common::stdout(&out)));
    }
}

/// A failing `use` evaluates nothing, even where the binary printed something before failing
/// (it never does; this fakes it): the wrapper checks the status before evaluating.
#[test]
fn wrapper_evaluates_nothing_when_the_binary_fails() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-awsp");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'export AWSP_TEST_EVALUATED=yes'\necho 'set -gx AWSP_TEST_EVALUATED yes'\nexit 3\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let fake = fake.to_str().unwrap();
    for sh in REAL {
        let init = dir.path().join(format!("init.{}", ext(sh)));
        std::fs::write(&init, render(sh, "awsp", fake)).unwrap();
        let init = init.to_str().unwrap();
        let script = if sh == InitShell::Fish {
            format!(
                "source '{init}'; awsp use dev-alice; printf 'status=%s evaluated=%s\\n' $status \"$AWSP_TEST_EVALUATED\""
            )
        } else {
            format!(
                ". '{init}'; awsp use dev-alice; printf 'status=%s evaluated=%s\\n' $? \"${{AWSP_TEST_EVALUATED-}}\""
            )
        };
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert_eq!(
            common::stdout(&out),
            "status=3 evaluated=\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The prompt

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The cases: (AWS_PROFILE, AWSP_PROFILE, AWSP_EXPIRATION). Times are at half minutes so
/// that a second or two between here and the shell (and fish's /proc clock, which can lag by
/// up to a second) cannot cross a minute.
fn prompt_cases(now: i64) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("", "", String::new()),
        ("", "", (now + 600).to_string()),
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
        ("", "dev-bob", "-5".to_string()),
        ("", "dev-bob", "0".to_string()),
        ("", "dev-bob", "soon".to_string()),
        ("", "dev-bob", "12 34".to_string()),
    ]
}

/// The shell runs `awsp_prompt` with PATH emptied and the init script rendered for a binary
/// that does not exist, so starting any process by name or through awsp would fail (and
/// print an error); then runs the real binary's `awsp prompt` by its full path to compare.
#[test]
fn prompt_matches_awsp_prompt_without_a_process() {
    let now = now();
    let cases = prompt_cases(now);
    let dir = tempfile::tempdir().unwrap();
    for sh in REAL {
        let init = dir.path().join(format!("init.{}", ext(sh)));
        std::fs::write(&init, render(sh, "awsp", "/nonexistent/awsp")).unwrap();
        let init = init.to_str().unwrap();
        let mut script = if sh == InitShell::Fish {
            format!("source '{init}'\nset -gx PATH /nonexistent\n")
        } else {
            format!(". '{init}'\nPATH=/nonexistent\n")
        };
        for (aws_profile, awsp_profile, expiration) in &cases {
            let line = if sh == InitShell::Fish {
                format!(
                    "set -gx AWS_PROFILE '{aws_profile}'; set -gx AWSP_PROFILE '{awsp_profile}'; set -gx AWSP_EXPIRATION '{expiration}'\n\
                     printf 'case\\n'; awsp_prompt; printf 'binary\\n'; \"$TEST_AWSP_BIN\" prompt\n"
                )
            } else {
                format!(
                    "export AWS_PROFILE='{aws_profile}' AWSP_PROFILE='{awsp_profile}' AWSP_EXPIRATION='{expiration}'\n\
                     printf 'case\\n'; awsp_prompt; printf 'binary\\n'; \"$TEST_AWSP_BIN\" prompt\n"
                )
            };
            script.push_str(&line);
        }
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{sh:?}: {}",
            common::stderr(&out)
        );
        let text = common::stdout(&out);
        let mut results = text.split("case\n").skip(1);
        for (aws_profile, awsp_profile, expiration) in &cases {
            let result = results.next().unwrap_or_else(|| panic!("{sh:?}: {text}"));
            let (shell_text, binary_text) = result.split_once("binary\n").unwrap();
            let profile = [*aws_profile, *awsp_profile]
                .into_iter()
                .find(|p| !p.is_empty());
            let expected = awsp::cmd::prompt::segment(profile, expiration.parse().ok(), now);
            let expected = if expected.is_empty() {
                expected
            } else {
                format!("{expected}\n")
            };
            let case = (aws_profile, awsp_profile, expiration);
            assert_eq!(shell_text, binary_text, "{sh:?} {case:?}");
            assert_eq!(shell_text, expected, "{sh:?} {case:?}");
        }
    }
}

/// bash and zsh: `awsp_prompt -v VAR` stores the text instead of printing it.
#[test]
fn prompt_into_a_variable() {
    for sh in [InitShell::Bash, InitShell::Zsh] {
        let script = format!(
            "{}\nexport AWSP_PROFILE=dev-bob AWSP_EXPIRATION=$(( $(date +%s) + 42 * 60 + 30 ))\n\
             awsp_prompt -v seg; printf '[%s]\\n' \"$seg\"",
            load_line(sh)
        );
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert_eq!(
            common::stdout(&out),
            "[dev-bob 42m]\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

/// A prompt shows the last command's status: `awsp_prompt` hands back the caller's `$?`.
#[test]
fn prompt_keeps_the_callers_status() {
    for sh in [InitShell::Bash, InitShell::Zsh, InitShell::Fish] {
        let script = match sh {
            InitShell::Fish => format!(
                "{}\nset -gx AWSP_PROFILE dev-bob\nfalse; awsp_prompt >/dev/null; echo $status\n\
                 set -e AWSP_PROFILE; false; awsp_prompt; echo $status",
                load_line(sh)
            ),
            _ => format!(
                "{}\nexport AWSP_PROFILE=dev-bob\n(exit 3); awsp_prompt >/dev/null; echo $?\n\
                 (exit 4); awsp_prompt -v seg; echo $?\nunset AWSP_PROFILE; (exit 5); awsp_prompt; echo $?",
                load_line(sh)
            ),
        };
        let Some(out) = run(sh, &script) else {
            continue;
        };
        let want = if sh == InitShell::Fish {
            "1\n1\n"
        } else {
            "3\n4\n5\n"
        };
        assert_eq!(
            common::stdout(&out),
            want,
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

/// fish without /proc (macOS, the BSDs): `use` notes the clock time of expiry, and the prompt
/// shows it; nothing is made up when it was not noted.
#[test]
fn fish_prompt_without_proc_shows_the_expiry_time() {
    let script = format!(
        "{}\nset -g __awsp_proc /nonexistent\nset -gx AWSP_PROFILE dev-bob\n\
         set -gx AWSP_EXPIRATION {}\nawsp_prompt\n__awsp_note_expiry\nawsp_prompt\n\
         set -gx AWSP_EXPIRATION {}\nawsp_prompt",
        load_line(InitShell::Fish),
        now() + 3600,
        now() + 7200
    );
    let Some(out) = run(InitShell::Fish, &script) else {
        return;
    };
    let text = common::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}{}", common::stderr(&out));
    assert_eq!(lines[0], "dev-bob");
    assert!(
        lines[1].starts_with("dev-bob until ") && lines[1].len() == "dev-bob until 12:34".len(),
        "{text}"
    );
    assert_eq!(lines[2], "dev-bob", "a stale noted time is not shown");
}

// ---------------------------------------------------------------------------------------------
// 5. Completion

#[test]
fn bash_completes_subcommands_and_profiles() {
    let script = format!(
        "{}\ncomplete -p awsp\n\
         COMP_WORDS=(awsp ''); COMP_CWORD=1; __awsp_complete; printf 'sub:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(awsp use de); COMP_CWORD=2; __awsp_complete; printf 'profile:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(awsp use zz); COMP_CWORD=2; __awsp_complete; printf 'none:%s\\n' \"${{#COMPREPLY[@]}}\"",
        load_line(InitShell::Bash)
    );
    let Some(out) = run(InitShell::Bash, &script) else {
        return;
    };
    let text = common::stdout(&out);
    assert!(out.stderr.is_empty(), "{}", common::stderr(&out));
    assert!(
        text.contains("complete -F __awsp_complete awsp\n"),
        "{text}"
    );
    for want in [
        "sub:use",
        "sub:list",
        "sub:unset",
        "profile:dev-alice",
        "profile:dev-bob",
        "none:0",
    ] {
        assert!(text.lines().any(|l| l == want), "{want} missing: {text}");
    }
    assert!(
        !text.contains("profile:prod") && !text.contains("profile:use"),
        "{text}"
    );
}

/// The standalone script from `awsp completions bash` calls `awsp` from PATH.
#[test]
fn bash_standalone_completion_uses_path() {
    let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
    let script = format!(
        "PATH='{}':$PATH\neval \"$(awsp completions bash --cmd aws-p)\"\ncomplete -p aws-p\n\
         COMP_WORDS=(aws-p use dev-); COMP_CWORD=2; __awsp_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin_dir.display()
    );
    let Some(out) = run(InitShell::Bash, &script) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "complete -F __awsp_complete aws-p\ndev-alice\ndev-bob\n",
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn fish_completes_subcommands_and_profiles() {
    let script = format!(
        "{}\nprintf 'profile:%s\\n' (complete -C 'awsp use de')\nprintf 'sub:%s\\n' (complete -C 'awsp ')",
        load_line(InitShell::Fish)
    );
    let Some(out) = run(InitShell::Fish, &script) else {
        return;
    };
    let text = common::stdout(&out);
    assert!(out.stderr.is_empty(), "{}", common::stderr(&out));
    for want in ["profile:dev-alice", "profile:dev-bob", "profile:default"] {
        assert!(text.lines().any(|l| l == want), "{want} missing: {text}");
    }
    for want in ["sub:use\t", "sub:list\t", "sub:unset\t"] {
        assert!(
            text.lines().any(|l| l.starts_with(want)),
            "{want} missing: {text}"
        );
    }
}

/// zsh: registered with compinit (at once, or at the first prompt when compinit comes later),
/// and the function offers the candidates (`_describe` stubbed to print what it gets).
#[test]
fn zsh_registers_and_offers_candidates() {
    let load = load_line(InitShell::Zsh);
    let script = format!(
        "autoload -Uz compinit && compinit -D -u\n{load}\nprint -r -- \"now:${{_comps[awsp]}}\"\n\
         _describe() {{ print -rl -- \"${{(@P)${{@[-1]}}}}\" }}\n\
         words=(awsp use de); CURRENT=3; __awsp_complete\n\
         words=(awsp ''); CURRENT=2; __awsp_complete"
    );
    let Some(out) = run(InitShell::Zsh, &script) else {
        return;
    };
    let text = common::stdout(&out);
    assert!(out.stderr.is_empty(), "{}", common::stderr(&out));
    assert!(text.contains("now:__awsp_complete\n"), "{text}");
    for want in ["dev-alice", "dev-bob", "default"] {
        assert!(text.lines().any(|l| l == want), "{want} missing: {text}");
    }
    assert!(
        text.lines().any(|l| l.starts_with("use:Switch this shell")),
        "{text}"
    );

    // compinit after init: registered by the one-shot precmd hook, which then removes itself.
    let script = format!(
        "{load}\nautoload -Uz compinit && compinit -D -u\n\
         print -r -- \"before:${{_comps[awsp]-}}\"\nfor f in $precmd_functions; do $f; done\n\
         print -r -- \"after:${{_comps[awsp]-}} hooks:${{precmd_functions[*]}}\""
    );
    let Some(out) = run(InitShell::Zsh, &script) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "before:\nafter:__awsp_complete hooks:\n",
        "{}",
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Snapshots and the committed completion scripts

#[test]
fn init_scripts_snapshot() {
    for shell in ALL {
        insta::assert_snapshot!(
            format!("init_{}", name(shell)),
            render(shell, "awsp", "/usr/local/bin/awsp")
        );
    }
    insta::assert_snapshot!(
        "init_bash_custom_name",
        render(InitShell::Bash, "aws-p", "/opt/it's here/awsp")
    );
}

fn committed_completion(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => "completions/awsp.bash",
        InitShell::Zsh => "completions/_awsp",
        InitShell::Fish => "completions/awsp.fish",
        InitShell::Powershell => "completions/_awsp.ps1",
    }
}

#[test]
fn committed_completions_are_current() {
    let mut stale = Vec::new();
    for shell in ALL {
        let path = committed_completion(shell);
        let committed = std::fs::read_to_string(repo_root().join(path)).unwrap_or_default();
        let generated = awsp_output(&["completions", name(shell)]);
        assert_eq!(generated, render_completions(shell, "awsp"));
        if committed != generated {
            stale.push(format!(
                "cargo run -q -- completions {} > {path}",
                name(shell)
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "completions/ is stale; regenerate with:\n{}",
        stale.join("\n")
    );
}

/// The committed `completions/_awsp` autoloads from `$fpath` as packagers install it.
#[test]
fn zsh_completion_file_autoloads_from_fpath() {
    let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
    let script = format!(
        "PATH='{}':$PATH\nfpath=('{}' $fpath)\nautoload -Uz compinit && compinit -D -u\n\
         print -r -- \"comp:${{_comps[awsp]}}\"\n\
         _describe() {{ print -rl -- \"${{(@P)${{@[-1]}}}}\" }}\n\
         words=(awsp use dev-); CURRENT=3; _awsp",
        bin_dir.display(),
        repo_root().join("completions").display()
    );
    let Some(out) = run(InitShell::Zsh, &script) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "comp:_awsp\ndev-alice\ndev-bob\n",
        "{}",
        common::stderr(&out)
    );
}
