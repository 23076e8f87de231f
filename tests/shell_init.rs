//! The shell integration in real shells: `awsp init` and `awsp completions` output is lint
//! clean, loads silently (twice too), switches the calling shell through the wrapper, computes
//! the prompt without a process, and completes; plus snapshots and the committed completions.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use awsp::cli::{InitShell, Shell};
use awsp::cmd::init::{render, render_completions};
use common::{
    awsp_bin, awsp_cmd, clean_env, fixture, repo_root, require_tool, require_venv_python,
};

/// Every shell with an integration, from the table in `src/shell/mod.rs`.
fn all() -> impl Iterator<Item = Shell> {
    InitShell::all().iter().map(|shell| shell.shell())
}
/// The default wrapper name and a custom one (a `-` in it, which every shell must accept).
const NAMES: [&str; 2] = ["awsp", "aws-p"];
/// shfmt's flags for the bash scripts: 4-space indent, `case` items not indented (its default).
const SHFMT_FLAGS: [&str; 4] = ["-d", "-i", "4", "-ln=bash"];

fn name(shell: Shell) -> &'static str {
    shell.name()
}

fn ext(shell: Shell) -> &'static str {
    integration(shell).init().ext
}

/// The integration of a shell that has one.
fn integration(shell: Shell) -> InitShell {
    InitShell::new(shell).expect("a shell with an integration")
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
fn rendered_scripts(shell: Shell, dir: &Path) -> Vec<PathBuf> {
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
    let files = rendered_scripts(Shell::Bash, dir.path());
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
    for file in rendered_scripts(Shell::Zsh, dir.path()) {
        run_checker(&zsh, &["-f", "-n"], &file);
    }
}

#[test]
fn fish_scripts_parse_and_are_indented() {
    let Some(fish) = require_tool("fish") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for file in rendered_scripts(Shell::Fish, dir.path()) {
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
    let files = rendered_scripts(Shell::PowerShell, dir.path());
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
    let good = render(
        integration(Shell::PowerShell),
        "awsp",
        "/usr/local/bin/awsp",
    );
    let broken = good.replacen("(-not (('use', 'unset')", "(-not ({ ('use', 'unset')", 1);
    assert_ne!(good, broken);
    let path = dir.path().join("broken.ps1");
    std::fs::write(&path, &broken).unwrap();
    let out = ps_parse(&python, std::slice::from_ref(&path));
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    let line = 1 + broken
        .lines()
        .position(|l| l.contains("({ ("))
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
fn shell(shell: Shell, home: &Path) -> Option<Command> {
    let (tool, args): (&str, &[&str]) = match shell {
        Shell::Bash => ("bash", &["--norc", "--noprofile", "-c"]),
        Shell::Zsh => ("zsh", &["-f", "-c"]),
        Shell::Fish => ("fish", &["--no-config", "-c"]),
        _ => unreachable!("no pwsh here"),
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

fn run(shell_kind: Shell, script: &str) -> Option<Output> {
    let home = tempfile::tempdir().unwrap();
    let out = shell(shell_kind, home.path())?
        .arg(script)
        .output()
        .unwrap();
    Some(out)
}

fn load_line(shell: Shell) -> &'static str {
    match shell {
        Shell::Fish => "\"$TEST_AWSP_BIN\" init fish | source",
        Shell::Bash => "eval \"$(\"$TEST_AWSP_BIN\" init bash)\"",
        Shell::Zsh => "eval \"$(\"$TEST_AWSP_BIN\" init zsh)\"",
        _ => unreachable!(),
    }
}

const REAL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

// ---------------------------------------------------------------------------------------------
// 2. Loading prints nothing

#[test]
fn loading_prints_nothing_even_twice() {
    for sh in REAL {
        let load = load_line(sh);
        let mut scripts = vec![load.to_string(), format!("{load}\n{load}")];
        if sh == Shell::Zsh {
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
        (Shell::Bash, "set -eu"),
        (Shell::Zsh, "setopt nounset errexit"),
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
            Shell::Bash => ("bash", &["--norc", "--noprofile", "-c"]),
            Shell::Zsh => ("zsh", &["-f", "-c"]),
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
    let load = load_line(Shell::Fish);
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

fn check_scenario(sh: Shell, steps: &BTreeMap<String, Step>) {
    let step = |name: &str| {
        steps
            .get(name)
            .unwrap_or_else(|| panic!("{sh:?}: no step {name}: {steps:#?}"))
    };
    let alice = step("alice");
    assert_eq!(alice.status, 0, "{sh:?} {alice:?}");
    assert_eq!(alice.var("AWS_PROFILE"), Some("dev-alice"));
    assert_eq!(alice.var("AWS_REGION"), Some("eu-west-1"));
    // Nothing exported names the shell: a script started from here gets the plain form's code.
    assert_eq!(alice.var("AWSP_SHELL"), None, "{sh:?}");

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
                    // What `awsp use -` returns to after the unset.
                    | "AWSP_PREVIOUS"
                    | "AWSP_PREVIOUS_MODE"
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
        let scenario = if sh == Shell::Fish {
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
        // The caller's own header (it is run as `--wrapper SHELL ...`), so that only the
        // status can keep the code from being evaluated.
        "#!/bin/sh\necho \"# awsp eval $2\"\necho 'export AWSP_TEST_EVALUATED=yes'\necho 'set -gx AWSP_TEST_EVALUATED yes'\nexit 3\n",
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
        std::fs::write(&init, render(integration(sh), "awsp", fake)).unwrap();
        let init = init.to_str().unwrap();
        let script = if sh == Shell::Fish {
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
        // What it printed is passed on as output, unevaluated.
        assert_eq!(
            common::stdout(&out),
            format!(
                "# awsp eval {}\nexport AWSP_TEST_EVALUATED=yes\nset -gx AWSP_TEST_EVALUATED yes\nstatus=3 evaluated=\n",
                sh.name()
            ),
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

/// A binary's path is put in as it is, never searched for placeholders itself.
#[test]
fn placeholders_in_the_binary_path_stay_text() {
    let path = "/opt/__AWSP_CMD__/__AWSP_CLEARED_VARS__/awsp";
    for sh in REAL {
        let text = render(integration(sh), "awsp", path);
        assert!(text.contains(&sh.quote(path)), "{sh:?}");
    }
}

/// Integrations loaded under two names (`--cmd`) for two binaries: each name runs its own
/// binary, for `use` and everything else, whichever was loaded last.
#[test]
fn each_cmd_name_keeps_its_own_binary() {
    let dir = tempfile::tempdir().unwrap();
    let fake = |who: &str| {
        let path = dir.path().join(format!("bin-{who}"));
        write_executable(
            &path,
            &format!(
                "#!/bin/sh\nif [ \"$1\" != --wrapper ]; then echo \"plain {who}\"; exit 0; fi\n\
                 echo \"# awsp eval $2\"\n\
                 if [ \"$2\" = fish ]; then echo 'set -gx WHO {who}'; else echo 'export WHO={who}'; fi\n"
            ),
        );
        path.to_str().unwrap().to_string()
    };
    let (one, two) = (fake("one"), fake("two"));
    for sh in REAL {
        let mut load = String::new();
        for (name, bin) in [("one", &one), ("two", &two)] {
            let init = dir.path().join(format!("init-{name}.{}", ext(sh)));
            std::fs::write(&init, render(integration(sh), name, bin)).unwrap();
            let init = init.to_str().unwrap().to_string();
            load.push_str(&match sh {
                Shell::Fish => format!("source '{init}'\n"),
                _ => format!(". '{init}'\n"),
            });
        }
        let script = match sh {
            Shell::Fish => format!("{load}one use x; echo \"WHO=$WHO\"; one list\n"),
            _ => format!("{load}one use x; echo \"WHO=$WHO\"; one list\n"),
        };
        let Some(out) = run(sh, &script) else {
            continue;
        };
        assert_eq!(
            common::stdout(&out),
            "WHO=one\nplain one\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3b. The wrapper protocol: `--wrapper SHELL`, the header line, nothing exported

use common::write_executable;

/// Arguments that make clap print help or version text and exit 0 (or a usage error): the
/// old wrappers recognised only the exact words `-h --help -V --version` and evaluated the
/// rest, so `awsp-use 0.1.0` ran whatever `awsp-use` is on PATH.
const HELP_AND_VERSION: [&[&str]; 7] = [
    &["use", "-Vh"],
    &["use", "-hV"],
    &["use", "-hh"],
    &["use", "-VV"],
    &["unset", "-hV"],
    &["unset", "-Vh"],
    &["use", "--help", "--version"],
];

/// Through the real wrappers, help and version text is printed exactly as the binary prints
/// it, with the binary's status, and nothing of it runs: `awsp-use`, `awsp-unset`, `Switch`,
/// `Clear` and `Usage:` on PATH would leave a mark.
#[test]
fn wrapper_never_evaluates_help_or_version() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let marks = dir.path().join("marks");
    for name in [
        "awsp-use",
        "awsp-unset",
        "Switch",
        "Clear",
        "Usage:",
        "Print",
    ] {
        write_executable(
            &bin.join(name),
            &format!("#!/bin/sh\necho \"{name} $*\" >>'{}'\n", marks.display()),
        );
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    for sh in REAL {
        let out_dir = dir.path().join(name(sh));
        std::fs::create_dir(&out_dir).unwrap();
        let mut script = format!("{}\n", load_line(sh));
        for (i, args) in HELP_AND_VERSION.iter().enumerate() {
            let status = if sh == Shell::Fish { "$status" } else { "$?" };
            script.push_str(&format!(
                "awsp {} >'{dir}/out{i}' 2>/dev/null; echo {status} >'{dir}/status{i}'\n",
                args.join(" "),
                dir = out_dir.display()
            ));
        }
        let home = tempfile::tempdir().unwrap();
        let Some(mut cmd) = shell(sh, home.path()) else {
            continue;
        };
        let out = cmd.env("PATH", &path).arg(&script).output().unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        for (i, args) in HELP_AND_VERSION.iter().enumerate() {
            let direct = awsp_cmd(None, None).args(*args).output().unwrap();
            let printed = std::fs::read(out_dir.join(format!("out{i}"))).unwrap();
            let status = std::fs::read_to_string(out_dir.join(format!("status{i}"))).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&printed),
                common::stdout(&direct),
                "{sh:?} {args:?}: not printed unchanged"
            );
            assert_eq!(
                status.trim(),
                direct.status.code().unwrap().to_string(),
                "{sh:?} {args:?}"
            );
        }
        assert!(
            !marks.exists(),
            "{sh:?}: help or version text ran: {}",
            std::fs::read_to_string(&marks).unwrap_or_default()
        );
    }
}

/// The integration exports nothing that changes what the plain form prints: a bash or zsh
/// script started from an integrated fish (or bash, or zsh) gets POSIX code from
/// `eval "$(awsp use P --creds)"`. (The old integration exported `AWSP_SHELL=fish`, so the
/// script got fish code.)
#[test]
fn scripts_started_from_an_integrated_shell_get_posix_code() {
    let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let child = "eval \"$(awsp use dev-bob --creds)\"; printf \"key=%s\\n\" \"$AWS_ACCESS_KEY_ID\"";
    for sh in REAL {
        let mut script = format!(
            "{}\nawsp use dev-alice\nenv | grep '^AWSP_SHELL='\n",
            load_line(sh)
        );
        for child_shell in ["bash --norc --noprofile", "zsh -f"] {
            script.push_str(&format!("{child_shell} -c '{child}'\n"));
        }
        let home = tempfile::tempdir().unwrap();
        let Some(mut cmd) = shell(sh, home.path()) else {
            continue;
        };
        let out = cmd.env("PATH", &path).arg(&script).output().unwrap();
        assert_eq!(
            common::stdout(&out),
            "key=ASIABOBEXAMPLE000002\nkey=ASIABOBEXAMPLE000002\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
    }
}

/// A fake binary that exits 0 with output that must not be evaluated as it stands: no
/// header, another shell's header, or this shell's header with code that does not parse (a
/// statement that would mark the environment, then an unterminated quote). The wrapper
/// prints the first two unchanged with status 0, fails on the third, and changes nothing.
#[test]
fn wrapper_evaluates_only_code_with_its_own_header_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-awsp");
    write_executable(
        &fake,
        r##"#!/bin/sh
# Called as: fake-awsp --wrapper SHELL use ...
mark="export AWSP_TEST_EVALUATED=yes"
[ "$2" = fish ] && mark="set -gx AWSP_TEST_EVALUATED yes"
case "$AWSP_FAKE" in
none) printf '%s\n' "$mark" ;;
other) printf '# awsp eval %s\n%s\n' "$AWSP_FAKE_OTHER" "$mark" ;;
broken) printf "# awsp eval %s\n%s\necho 'unterminated\n" "$2" "$mark" ;;
esac
"##,
    );
    let fake = fake.to_str().unwrap();
    for sh in REAL {
        let init = dir.path().join(format!("init.{}", ext(sh)));
        std::fs::write(&init, render(integration(sh), "awsp", fake)).unwrap();
        let init = init.to_str().unwrap();
        let other = if sh == Shell::Fish { "bash" } else { "fish" };
        let mut script = if sh == Shell::Fish {
            format!("source '{init}'\nset -gx AWSP_FAKE_OTHER {other}\n")
        } else {
            format!(". '{init}'\nexport AWSP_FAKE_OTHER={other}\n")
        };
        for mode in ["none", "other", "broken"] {
            script.push_str(&if sh == Shell::Fish {
                format!(
                    "set -gx AWSP_FAKE {mode}; set -l out (awsp use dev-alice 2>/dev/null); set -l s $status\n\
                     printf '%s status=%s evaluated=%s out=%s\\n' {mode} $s \"$AWSP_TEST_EVALUATED\" (string join '|' -- $out)\n"
                )
            } else {
                format!(
                    "export AWSP_FAKE={mode}; out=$(awsp use dev-alice 2>/dev/null); s=$?\n\
                     printf '%s status=%s evaluated=%s out=%s\\n' {mode} $s \"${{AWSP_TEST_EVALUATED-}}\" \"$(printf '%s' \"$out\" | tr '\\n' '|')\"\n"
                )
            });
        }
        let Some(out) = run(sh, &script) else {
            continue;
        };
        let text = common::stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        let mark = if sh == Shell::Fish {
            "set -gx AWSP_TEST_EVALUATED yes"
        } else {
            "export AWSP_TEST_EVALUATED=yes"
        };
        assert_eq!(lines.len(), 3, "{sh:?}: {text}{}", common::stderr(&out));
        assert_eq!(
            lines[0],
            format!("none status=0 evaluated= out={mark}"),
            "{sh:?}"
        );
        assert_eq!(
            lines[1],
            format!("other status=0 evaluated= out=# awsp eval {other}|{mark}"),
            "{sh:?}"
        );
        assert!(
            lines[2].starts_with("broken status=") && lines[2].contains(" evaluated= out="),
            "{sh:?}: {}",
            lines[2]
        );
        assert!(
            !lines[2].starts_with("broken status=0 "),
            "{sh:?}: a parse error must fail: {}",
            lines[2]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3c. Upgrades: the open shell keeps reaching the binary

/// A release directory with a copy of the binary, as a package manager would lay it out.
fn install_copy(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let to = dir.join("awsp");
    std::fs::copy(awsp_bin(), &to).unwrap();
    to
}

/// `awsp` on PATH is a symlink into a versioned directory. An upgrade re-points it to a copy
/// in another directory and removes the old one: the open shell's wrapper, prompt and
/// completion keep working (the old init embedded the resolved path, so every call then
/// failed with 127).
#[test]
fn upgrade_that_moves_the_binary_keeps_open_shells_working() {
    for sh in REAL {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        install_copy(&root.join("v1"));
        std::fs::create_dir(root.join("bin")).unwrap();
        std::os::unix::fs::symlink(root.join("v1/awsp"), root.join("bin/awsp")).unwrap();
        let path = format!(
            "{}:{}",
            root.join("bin").display(),
            std::env::var("PATH").unwrap()
        );
        let (load, status, complete) = match sh {
            Shell::Fish => (
                "awsp init fish | source",
                "$status",
                "printf 'complete:%s\\n' (complete -C 'awsp use dev-a')",
            ),
            Shell::Bash => (
                "eval \"$(awsp init bash)\"",
                "$?",
                "COMP_WORDS=(awsp use dev-a); COMP_CWORD=2; COMP_LINE='awsp use dev-a'; COMP_POINT=14; __awsp_complete; printf 'complete:%s\\n' \"${COMPREPLY[@]}\"",
            ),
            _ => (
                "eval \"$(awsp init zsh)\"",
                "$?",
                "print -r -- complete:$(\\command awsp complete --index 2 -- awsp use dev-a)",
            ),
        };
        let r = root.display();
        let script = format!(
            "{load}\nawsp use dev-alice; echo \"before:{status}\"\n\
             mkdir '{r}/v2' && cp '{r}/v1/awsp' '{r}/v2/awsp' && ln -sfn '{r}/v2/awsp' '{r}/bin/awsp' && rm -rf '{r}/v1'\n\
             awsp use dev-bob --creds; echo \"after:{status}:$AWS_ACCESS_KEY_ID\"\n\
             awsp list >/dev/null; echo \"list:{status}\"\n{complete}\n"
        );
        let home = tempfile::tempdir().unwrap();
        let Some(mut cmd) = shell(sh, home.path()) else {
            continue;
        };
        let out = cmd.env("PATH", &path).arg(&script).output().unwrap();
        assert_eq!(
            common::stdout(&out),
            "before:0\nafter:0:ASIABOBEXAMPLE000002\nlist:0\ncomplete:dev-alice\n",
            "{sh:?}: {}",
            common::stderr(&out)
        );
        assert!(!root.join("v1").exists());
    }
}

/// `init` run by a path that is not on PATH calls the binary by that path made absolute, with
/// symlinks left as they are: relative (`./rel/awsp`, then the shell changes directory), and
/// through a symlink that an upgrade then re-points.
#[test]
fn init_by_a_path_not_on_path_keeps_that_path() {
    let Some(bash) = require_tool("bash") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    install_copy(&root.join("rel"));
    install_copy(&root.join("v1"));
    std::fs::create_dir(root.join("link")).unwrap();
    std::os::unix::fs::symlink(root.join("v1/awsp"), root.join("link/awsp")).unwrap();
    let r = root.display();
    let script = format!(
        "cd '{r}' && eval \"$(./rel/awsp init bash)\" && cd / && awsp use dev-alice && echo \"rel:$AWS_PROFILE\"\n\
         eval \"$('{r}/link/awsp' init bash)\"\n\
         install -D '{r}/v1/awsp' '{r}/v2/awsp' && ln -sfn '{r}/v2/awsp' '{r}/link/awsp' && rm -rf '{r}/v1'\n\
         awsp use dev-bob; echo \"link:$?:$AWS_PROFILE\"\n\
         declare -f awsp __awsp_eval | grep -c -F -e \"'{r}/link/awsp'\""
    );
    let mut cmd = Command::new(bash);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    let out = cmd
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        common::stdout(&out),
        // The wrapper's `doctor` and other lines and `__awsp_eval`'s: all by that path.
        "rel:dev-alice\nlink:0:dev-bob\n3\n",
        "{}",
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 3d. Feedback on the terminal after a switch

/// AWS files for the feedback test: a profile with a region, and one whose credential_process
/// gives an account and credentials that expire in 59 minutes 30 seconds.
fn feedback_files(dir: &Path) -> (PathBuf, PathBuf) {
    let helper = dir.join("creds.sh");
    write_executable(
        &helper,
        "#!/bin/sh\nat=$(date -u -d \"@$(( $(date +%s) + 3570 ))\" +%Y-%m-%dT%H:%M:%SZ)\n\
         printf '{\"Version\": 1, \"AccessKeyId\": \"ASIAFEEDBACK\", \"SecretAccessKey\": \"s\", \
         \"SessionToken\": \"t\", \"AccountId\": \"123456789012\", \"Expiration\": \"%s\"}\\n' \"$at\"\n",
    );
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile dev-alice]\nregion = eu-west-1\n\n[profile dev-bob]\nregion = us-east-1\n\
             credential_process = {}\n",
            helper.display()
        ),
    )
    .unwrap();
    (config, dir.join("no-credentials"))
}

/// The script: each step after a `[name]` line.
fn feedback_script(sh: Shell) -> String {
    let load = load_line(sh);
    match sh {
        Shell::Fish => format!(
            "{load}\necho '[alice]'; awsp use dev-alice\necho '[bob]'; awsp use dev-bob --creds\n\
             echo '[quiet-env]'; set -gx AWSP_QUIET 1; awsp use dev-alice; set -e AWSP_QUIET\n\
             echo '[quiet-flag]'; awsp use --quiet dev-alice\necho '[unset]'; awsp unset\n\
             echo '[plain]'; command \"$TEST_AWSP_BIN\" use dev-alice >/dev/null\necho '[end]'\n"
        ),
        _ => format!(
            "{load}\necho '[alice]'; awsp use dev-alice\necho '[bob]'; awsp use dev-bob --creds\n\
             echo '[quiet-env]'; export AWSP_QUIET=1; awsp use dev-alice; unset AWSP_QUIET\n\
             echo '[quiet-flag]'; awsp use --quiet dev-alice\necho '[unset]'; awsp unset\n\
             echo '[plain]'; \"$TEST_AWSP_BIN\" use dev-alice >/dev/null\necho '[end]'\n"
        ),
    }
}

/// On a terminal (a pty from `script`), a switch through the wrapper says in one line on
/// stderr what the shell now has; `AWSP_QUIET=1` and `--quiet` silence it, and so does
/// calling the binary without the wrapper. With stderr not a terminal, nothing is said.
#[test]
fn switch_says_what_it_did_on_a_terminal_only() {
    let Some(script_tool) = require_tool("script") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (config, credentials) = feedback_files(dir.path());
    for sh in REAL {
        let file = dir.path().join(format!("feedback.{}", ext(sh)));
        std::fs::write(&file, feedback_script(sh)).unwrap();
        let (tool, args) = match sh {
            Shell::Bash => ("bash", "--norc --noprofile"),
            Shell::Zsh => ("zsh", "-f"),
            _ => ("fish", "--no-config"),
        };
        let Some(tool) = require_tool(tool) else {
            continue;
        };
        let command = format!("'{}' {args} '{}'", tool.display(), file.display());
        let home = tempfile::tempdir().unwrap();
        let mut on_tty = Command::new(&script_tool);
        clean_env(&mut on_tty, Some(&config), Some(&credentials));
        let out = on_tty
            .env("HOME", home.path())
            .env("TEST_AWSP_BIN", awsp_bin())
            .args(["-qec", &command, "/dev/null"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let text = common::stdout(&out).replace('\r', "");
        assert!(out.status.success(), "{sh:?}: {text}");
        let start = text
            .find("[alice]")
            .unwrap_or_else(|| panic!("{sh:?}: {text}"));
        assert_eq!(
            &text[start..],
            "[alice]\nawsp: dev-alice (eu-west-1)\n\
             [bob]\nawsp: dev-bob (us-east-1) · 123456789012 · expires in 59m\n\
             [quiet-env]\n[quiet-flag]\n[unset]\nawsp: cleared\n[plain]\n[end]\n",
            "{sh:?}"
        );

        // Not a terminal: the same steps say nothing on stderr.
        let mut piped = Command::new(&tool);
        clean_env(&mut piped, Some(&config), Some(&credentials));
        let out = piped
            .env("HOME", home.path())
            .env("TEST_AWSP_BIN", awsp_bin())
            .args(args.split(' '))
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stderr(&out), "", "{sh:?}");
        assert_eq!(
            common::stdout(&out),
            "[alice]\n[bob]\n[quiet-env]\n[quiet-flag]\n[unset]\n[plain]\n[end]\n",
            "{sh:?}"
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
/// up to a second) cannot cross a minute; under a minute, seconds are compared within 2 s.
/// Then absurd values: one rule (src/cmd/prompt.rs) says what is a time.
fn prompt_cases(now: i64) -> Vec<(&'static str, &'static str, String)> {
    let mut cases = vec![
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
        ("", "dev-bob", (now + 90).to_string()),
        ("", "dev-bob", (now + 30).to_string()),
        ("", "dev-bob", (now - 100).to_string()),
        // 15 digits: the largest times, exact in fish's `math` too.
        ("", "dev-bob", (now + 900_000_000_000_000 + 30).to_string()),
        ("", "dev-bob", format!("0000{}", now + 42 * 60 + 30)),
    ];
    let absurd = [
        "-5",
        "0",
        "+0",
        "-0",
        "000000000000000",
        "-999999999999999",
        "999999999999999999",
        "9999999999999999",
        "-9999999999999999",
        "00000000000000000042",
        "+00000000000000042",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "99999999999999999999999999999999",
        "+",
        "-",
        "+-5",
        "--5",
        "1e9",
        "0x10",
        "12.5",
        " 12",
        "12 ",
        "12\n",
        "12 34",
        "١٢",
        "soon",
    ];
    cases.extend(absurd.iter().map(|v| ("", "dev-bob", v.to_string())));
    cases
}

/// Two renderings of the same segment agree: the same text, except that a number of seconds
/// left may differ by 2 (the shell's clock and the binary's are read at different instants).
fn same_segment(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let seconds = |s: &str| {
        let (head, last) = s.trim_end().rsplit_once(' ')?;
        Some((
            head.to_string(),
            last.strip_suffix('s')?.parse::<i64>().ok()?,
        ))
    };
    match (seconds(a), seconds(b)) {
        (Some((ha, sa)), Some((hb, sb))) => ha == hb && (sa - sb).abs() <= 2,
        _ => false,
    }
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
        std::fs::write(&init, render(integration(sh), "awsp", "/nonexistent/awsp")).unwrap();
        let init = init.to_str().unwrap();
        let mut script = if sh == Shell::Fish {
            format!("source '{init}'\nset -gx PATH /nonexistent\n")
        } else {
            format!(". '{init}'\nPATH=/nonexistent\n")
        };
        for (aws_profile, awsp_profile, expiration) in &cases {
            let line = if sh == Shell::Fish {
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
            let expected = awsp::cmd::prompt::segment(
                profile,
                awsp::cmd::prompt::parse_expiration(expiration),
                now,
            );
            let expected = if expected.is_empty() {
                expected
            } else {
                format!("{expected}\n")
            };
            let case = (aws_profile, awsp_profile, expiration);
            assert!(
                same_segment(shell_text, binary_text),
                "{sh:?} {case:?}: shell {shell_text:?}, binary {binary_text:?}"
            );
            assert!(
                same_segment(shell_text, &expected),
                "{sh:?} {case:?}: shell {shell_text:?}, expected {expected:?}"
            );
        }
    }
}

/// The cases whose text is fixed: under a minute, the seconds are shown (not `0m`).
#[test]
fn prompt_shows_seconds_under_a_minute() {
    assert_eq!(
        awsp::cmd::prompt::segment(Some("dev-alice"), Some(1045), 1000),
        "dev-alice 45s"
    );
    for sh in REAL {
        let script = match sh {
            Shell::Fish => format!(
                "{}\nset -gx AWSP_PROFILE dev-alice\nset -gx AWSP_EXPIRATION (math (date +%s) + 45)\nawsp_prompt",
                load_line(sh)
            ),
            _ => format!(
                "{}\nexport AWSP_PROFILE=dev-alice AWSP_EXPIRATION=$(( $(date +%s) + 45 ))\nawsp_prompt",
                load_line(sh)
            ),
        };
        let Some(out) = run(sh, &script) else {
            continue;
        };
        let text = common::stdout(&out);
        assert!(
            same_segment(&text, "dev-alice 45s\n"),
            "{sh:?}: {text:?} {}",
            common::stderr(&out)
        );
    }
}

/// No pwsh here: PowerShell's `awsp_prompt` is checked by its rule, the .NET regular
/// expression in awsp.ps1 run through Python's `re` (the same syntax for this pattern, with
/// .NET's `\z` spelled `\Z`), on the same values as the other shells; [long]::TryParse then
/// reads every 15-digit value.
#[test]
fn powershell_prompt_rule_matches_awsp_prompt() {
    let Some(python) = require_venv_python() else {
        return;
    };
    let script = render(
        integration(Shell::PowerShell),
        "awsp",
        "/usr/local/bin/awsp",
    );
    let pattern = script
        .lines()
        .find_map(|l| {
            let rest = l.split_once("$__awsp_text -cmatch '")?.1;
            Some(rest.split_once('\'')?.0.to_string())
        })
        .expect("the AWSP_EXPIRATION pattern in awsp.ps1");
    let values: Vec<String> = prompt_cases(now()).into_iter().map(|c| c.2).collect();
    let code = "import json, re, sys\n\
                pattern, values = json.load(sys.stdin)\n\
                rx = re.compile(pattern.replace('\\\\z', '\\\\Z'))\n\
                print(json.dumps([rx.search(v) is not None for v in values]))\n";
    let mut child = Command::new(python)
        .args(["-c", code])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            serde_json::to_string(&(&pattern, &values))
                .unwrap()
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let matched: Vec<bool> = serde_json::from_slice(&out.stdout).unwrap();
    for (value, matched) in values.iter().zip(matched) {
        assert_eq!(
            matched,
            awsp::cmd::prompt::parse_expiration(value).is_some(),
            "{value:?} with {pattern:?}"
        );
    }
}

/// bash and zsh: `awsp_prompt -v VAR` stores the text instead of printing it.
#[test]
fn prompt_into_a_variable() {
    for sh in [Shell::Bash, Shell::Zsh] {
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
    for sh in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let script = match sh {
            Shell::Fish => format!(
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
        let want = if sh == Shell::Fish {
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
        load_line(Shell::Fish),
        now() + 3600,
        now() + 7200
    );
    let Some(out) = run(Shell::Fish, &script) else {
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
// 4b. zsh: prompt escapes and the user's options

/// The README's two zsh prompt lines, as a user would copy them.
fn readme_zsh_prompt() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("\n# zsh")
        .expect("README: the zsh prompt example")
        + 1;
    readme[start..]
        .lines()
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The README's two bash prompt lines, as a user would copy them.
fn readme_bash_prompt() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("\n# bash: no subshell")
        .expect("README: the bash prompt example")
        + 1;
    readme[start..]
        .lines()
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The README's bash prompt keeps what PROMPT_COMMAND already ran (added in front of it) and
/// the last command's status, and shows the segment.
#[test]
fn bash_readme_prompt_keeps_the_users_prompt_command() {
    let script = format!(
        "{}\nPROMPT_COMMAND='__user_pc=$?'\n{}\nexport AWS_PROFILE=dev-alice\n\
         (exit 3); eval \"$PROMPT_COMMAND\"\nprintf '%s|%s|%s\\n' \"$AWSP_SEGMENT\" \"$__user_pc\" \"${{PS1@P}}\"",
        load_line(Shell::Bash),
        readme_bash_prompt()
    );
    let Some(out) = run(Shell::Bash, &script) else {
        return;
    };
    assert!(out.stderr.is_empty(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.starts_with("dev-alice|3|(dev-alice) "),
        "segment, the user's own PROMPT_COMMAND with the status, the rendered PS1: {text:?}"
    );
}

/// With the README's zsh prompt (`prompt_subst`), a profile named with prompt sequences
/// (`%n`, `%F{red}`, `%{...%}`, `%%`) shows literally: `awsp_prompt -v` doubles every `%`.
/// Plain `awsp_prompt` prints the name as it is.
#[test]
fn zsh_prompt_shows_percent_sequences_literally() {
    let name = "a%n%F{red}%{x%}%%b%";
    let script = format!(
        "{}\n{}\ncd /\nexport AWS_PROFILE='{name}'\n\
         for f in \"${{precmd_functions[@]}}\"; do $f; done\n\
         print -rP -- \"$PROMPT\"\nawsp_prompt",
        load_line(Shell::Zsh),
        readme_zsh_prompt()
    );
    let Some(out) = run(Shell::Zsh, &script) else {
        return;
    };
    assert!(out.stderr.is_empty(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // `%~` is `/` here; `%#` is `#` for root, `%` otherwise.
    assert!(
        lines[0] == format!("({name}) / # ") || lines[0] == format!("({name}) / % "),
        "rendered: {:?}",
        lines[0]
    );
    assert_eq!(lines[1], name);
}

/// zsh options that change how code reads or runs. Under each, loading prints nothing, and the
/// wrapper, `awsp_prompt` (both forms) and the completion's registration work: with compinit
/// loaded before the integration, and after it (registered by the first prompt's hook).
const ZSH_OPTIONS: [&str; 6] = [
    "ksh_arrays",
    "sh_word_split",
    "csh_junkie_quotes",
    "no_unset",
    "warn_create_global",
    "rc_quotes",
];

#[test]
fn zsh_integration_works_under_the_users_options() {
    let compinit = "autoload -Uz compinit && compinit -D -u";
    // The fixture profiles, and one whose region (two lines) is full of quotes and syntax.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let hostile = "it's $(touch pwned) `touch pwned` \\ '' %s *  two  spaces";
    std::fs::write(
        &config,
        format!(
            "{}\n[profile hostile]\nregion = {hostile}\n  ; touch pwned #x\n",
            std::fs::read_to_string(fixture("shell/config")).unwrap()
        ),
    )
    .unwrap();
    for option in ZSH_OPTIONS {
        for compinit_first in [true, false] {
            let load = load_line(Shell::Zsh);
            let (before, after) = if compinit_first {
                (compinit, "")
            } else {
                ("", compinit)
            };
            // The test's own lines must hold under the option too.
            let script = format!(
                "setopt {option}\n{before}\n{load}\n{load}\n{after}\n\
                 if (( ${{+precmd_functions}} )); then for f in \"${{precmd_functions[@]}}\"; do \"$f\"; done; fi\n\
                 print -r -- \"comp:${{_comps[awsp]-none}}\"\n\
                 awsp use dev-bob --creds; print -r -- \"bob:$?:${{AWS_ACCESS_KEY_ID-}}:${{AWS_REGION-}}\"\n\
                 awsp use dev-alice; print -r -- \"alice:$?:${{AWS_PROFILE-}}:${{AWS_ACCESS_KEY_ID-}}\"\n\
                 awsp use -Vh; print -r -- \"version:$?\"\n\
                 AWSP_EXPIRATION=$(( EPOCHSECONDS + 42 * 60 + 30 ))\n\
                 awsp_prompt; awsp_prompt -v seg; print -r -- \"seg:$seg\"\n\
                 awsp unset; print -r -- \"unset:$?:${{AWS_PROFILE-}}\"\n\
                 awsp use hostile; print -r -- \"hostile:$?:${{AWS_REGION-}}\""
            );
            let home = tempfile::tempdir().unwrap();
            let Some(mut cmd) = shell(Shell::Zsh, home.path()) else {
                return;
            };
            let out = cmd
                .current_dir(dir.path())
                .env("AWS_CONFIG_FILE", &config)
                .arg(&script)
                .output()
                .unwrap();
            assert!(!dir.path().join("pwned").exists(), "{option}: a value ran");
            assert_eq!(
                common::stdout(&out),
                format!(
                    "comp:__awsp_complete\nbob:0:ASIABOBEXAMPLE000002:us-east-1\n\
                     alice:0:dev-alice:\nawsp-use 0.1.0\nversion:0\ndev-alice 42m\nseg:dev-alice 42m\n\
                     unset:0:\nhostile:0:{}\n; touch pwned #x\n",
                    hostile
                ),
                "{option} (compinit first: {compinit_first}): {}",
                common::stderr(&out)
            );
            assert_eq!(
                common::stderr(&out),
                "",
                "{option} (compinit first: {compinit_first})"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Completion

/// Sets what bash sets for a line typed up to its end (split at spaces only; the interactive
/// tests in tests/completion.rs cover COMP_WORDBREAKS), then completes.
const BASH_COMPLETE_LINE: &str = "__t() { COMP_LINE=$1; COMP_POINT=${#1}; \
     IFS=' ' read -r -a COMP_WORDS <<<\"$1\"; [[ $1 == *' ' ]] && COMP_WORDS+=(''); \
     COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); __awsp_complete; }";

#[test]
fn bash_completes_subcommands_and_profiles() {
    let script = format!(
        "{}\ncomplete -p awsp\n{BASH_COMPLETE_LINE}\n\
         __t 'awsp '; printf 'sub:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         __t 'awsp use de'; printf 'profile:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         __t 'awsp use '; printf 'all:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         __t 'awsp use --c'; printf 'flag:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         __t 'awsp use zz'; printf 'none:%s\\n' \"${{#COMPREPLY[@]}}\"\n\
         __t 'awsp exec dev-alice -- '; printf 'cmd:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         complete -W 'alpha beta' awspzz-tool\n\
         __t 'awsp exec dev-alice -- awspzz-tool a'; printf 'arg:%s\\n' \"${{COMPREPLY[@]}}\"\n\
         __t 'awsp exec dev-alice -- ls /'; printf 'files:%s\\n' \"${{#COMPREPLY[@]}}\"\n\
         echo done",
        load_line(Shell::Bash)
    );
    // A user's `set -eu` holds while completing.
    let script = format!("set -eu\n{script}");
    let Some(out) = run(Shell::Bash, &script) else {
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
        "all:dev-alice",
        "flag:--creds",
        "none:0",
        "cmd:printf",
        "arg:alpha",
        "files:0",
        "done",
    ] {
        assert!(text.lines().any(|l| l == want), "{want} missing: {text}");
    }
    assert!(
        !text.contains("profile:prod") && !text.contains("profile:use"),
        "{text}"
    );
    // Profiles only until a `-` is typed.
    assert!(!text.contains("all:-"), "{text}");
}

/// The standalone script from `awsp completions bash` calls `awsp` from PATH.
#[test]
fn bash_standalone_completion_uses_path() {
    let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
    let script = format!(
        "PATH='{}':$PATH\neval \"$(awsp completions bash --cmd aws-p)\"\ncomplete -p aws-p\n\
         {BASH_COMPLETE_LINE}\n__t 'aws-p use dev-'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin_dir.display()
    );
    let Some(out) = run(Shell::Bash, &script) else {
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
        load_line(Shell::Fish)
    );
    let Some(out) = run(Shell::Fish, &script) else {
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
    let load = load_line(Shell::Zsh);
    let script = format!(
        "autoload -Uz compinit && compinit -D -u\n{load}\nprint -r -- \"now:${{_comps[awsp]}}\"\n\
         _describe() {{ print -rl -- \"${{(@P)${{@[-1]}}}}\" }}\n\
         words=(awsp use de); CURRENT=3; __awsp_complete\n\
         words=(awsp ''); CURRENT=2; __awsp_complete"
    );
    let Some(out) = run(Shell::Zsh, &script) else {
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
    let Some(out) = run(Shell::Zsh, &script) else {
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
    for shell in all() {
        insta::assert_snapshot!(
            format!("init_{}", name(shell)),
            render(integration(shell), "awsp", "/usr/local/bin/awsp")
        );
    }
    insta::assert_snapshot!(
        "init_bash_custom_name",
        render(integration(Shell::Bash), "aws-p", "/opt/it's here/awsp")
    );
}

fn committed_completion(shell: Shell) -> &'static str {
    integration(shell).init().completion_file
}

#[test]
fn committed_completions_are_current() {
    let mut stale = Vec::new();
    for shell in all() {
        let path = committed_completion(shell);
        let committed = std::fs::read_to_string(repo_root().join(path)).unwrap_or_default();
        let generated = awsp_output(&["completions", name(shell)]);
        assert_eq!(generated, render_completions(integration(shell), "awsp"));
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
    let Some(out) = run(Shell::Zsh, &script) else {
        return;
    };
    assert_eq!(
        common::stdout(&out),
        "comp:_awsp\ndev-alice\ndev-bob\n",
        "{}",
        common::stderr(&out)
    );
}
