//! The optional hooks of the integration (`awsp init SHELL --hook dir,refresh`) in the real
//! shells: `.awsprofile` trees entered, walked in and left, a manual switch inside, an unknown
//! profile; credentials refreshed once near their expiry. Every awsp run is counted by a
//! shim on the path the integration calls, which proves where no process starts. Prompts are
//! run as the shell would run them: bash's PROMPT_COMMAND, zsh's precmd_functions and
//! preexec_functions, fish's fish_prompt and fish_preexec events. Plus `awsp here`, lint for
//! every combination of hooks, and snapshots.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use awsp::cli::{HookName, InitShell, Shell};
use awsp::cmd::init::render_with_hooks;
use common::{awsp_bin, awsp_cmd, clean_env, fixture, require_tool, require_venv_python};

const REAL: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Nu,
    Shell::Elvish,
];

const COMBOS: [&[HookName]; 3] = [
    &[HookName::Dir],
    &[HookName::Refresh],
    &[HookName::Dir, HookName::Refresh],
];

/// The integration of `shell`, which has one.
fn init(shell: Shell) -> InitShell {
    InitShell::new(shell).expect("a shell with an integration")
}

fn ext(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::PowerShell => "ps1",
        Shell::Nu => "nu",
        Shell::Elvish => "elv",
        other => unreachable!("{other:?} has no hooks"),
    }
}

use common::write_executable;

/// A scratch world: the shim `bin/awsp` (counts its runs in `count`, then runs the real
/// binary), and the integration with `hooks` for each shell, calling the shim.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new(hooks: &[HookName]) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let shim = dir.path().join("bin/awsp");
        write_executable(
            &shim,
            &format!(
                "#!/bin/sh\necho run >>'{}'\nexec '{}' \"$@\"\n",
                dir.path().join("count").display(),
                awsp_bin().display()
            ),
        );
        for sh in REAL {
            let text = render_with_hooks(init(sh), "awsp", shim.to_str().unwrap(), hooks);
            std::fs::write(dir.path().join(format!("init.{}", ext(sh))), text).unwrap();
        }
        World { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `script` in `sh` after loading the integration (twice: loading is idempotent), with
    /// the helpers `prompt` (what runs before a prompt), `preexec` (before a command) and
    /// `show NAME` (a step: `@ NAME RUNS`, then the environment).
    fn run(&self, sh: Shell, config: &Path, credentials: &Path, script: &str) -> Option<Output> {
        let (tool, args) = self.invocation(sh, script)?;
        std::fs::write(self.path("count"), "").unwrap();
        let mut cmd = Command::new(tool);
        self.env(&mut cmd, config, credentials);
        common::no_tty(&mut cmd);
        Some(cmd.args(args).output().unwrap())
    }

    fn env(&self, cmd: &mut Command, config: &Path, credentials: &Path) {
        clean_env(cmd, Some(config), Some(credentials));
        cmd.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("xdg"))
            .env("XDG_DATA_HOME", self.path("xdg"))
            .current_dir(self.dir.path());
    }

    /// The shell and its arguments that run `script` after the prelude (see `run`).
    fn invocation(&self, sh: Shell, script: &str) -> Option<(PathBuf, Vec<String>)> {
        let root = self.dir.path().display();
        let (tool, args, prelude) = match sh {
            Shell::Bash => (
                "bash",
                &["--norc", "--noprofile", "-c"][..],
                format!(
                    ". '{root}/init.bash'\n. '{root}/init.bash'\n\
                     prompt() {{ eval \"$PROMPT_COMMAND\"; }}\npreexec() {{ :; }}\n\
                     show() {{ printf '@ %s %s\\n' \"$1\" \"$(wc -l <'{root}/count')\"; env | LC_ALL=C sort; }}\n"
                ),
            ),
            Shell::Zsh => (
                "zsh",
                &["-f", "-c"][..],
                format!(
                    ". '{root}/init.zsh'\n. '{root}/init.zsh'\n\
                     prompt() {{ local f; for f in $precmd_functions; do $f; done; }}\n\
                     preexec() {{ local f; for f in $preexec_functions; do $f; done; }}\n\
                     show() {{ printf '@ %s %s\\n' \"$1\" \"$(wc -l <'{root}/count')\"; env | LC_ALL=C sort; }}\n"
                ),
            ),
            Shell::Fish => (
                "fish",
                &["--no-config", "-c"][..],
                format!(
                    "source '{root}/init.fish'\nsource '{root}/init.fish'\n\
                     function prompt; emit fish_prompt; end\nfunction preexec; emit fish_preexec; end\n\
                     function show; printf '@ %s %s\\n' $argv[1] (wc -l <'{root}/count'); env | LC_ALL=C sort; end\n"
                ),
            ),
            // nushell runs its hooks' closures with their environment changes kept.
            Shell::Nu => (
                "nu",
                &["-n", "-c"][..],
                format!(
                    "source '{root}/init.nu'\nsource '{root}/init.nu'\n\
                     def --env prompt [] {{ for h in $env.config.hooks.pre_prompt {{ do --env $h }} }}\n\
                     def --env preexec [] {{ for h in $env.config.hooks.pre_execution {{ do --env $h }} }}\n\
                     def show [name: string] {{ print $\"@ ($name) (open --raw '{root}/count' | lines | length)\"; ^env | print }}\n"
                ),
            ),
            // elvish registers its hooks in `edit:` only in the interactive shell (see
            // `interactive_hooks_are_registered`): here the prompt calls them.
            Shell::Elvish => (
                "elvish",
                &["-norc", "-c"][..],
                format!(
                    "var awsp~ = $nil\nvar prompt~ = $nil\nvar preexec~ = {{|| }}\n\
                     fn load {{ eval (slurp < '{root}/init.elv') &on-end={{|ns| set awsp~ = $ns[awsp~]; set prompt~ = $ns[__awsp_hook~]; if (has-key $ns __awsp_hook_preexec~) {{ set preexec~ = $ns[__awsp_hook_preexec~] }} }} }}\n\
                     load\nload\n\
                     fn show {{|name| echo '@ '$name' '(wc -l < '{root}/count'); env }}\n"
                ),
            ),
            other => unreachable!("{other:?}"),
        };
        let tool = require_tool(tool)?;
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("{prelude}{script}"));
        Some((tool, args))
    }
}

#[derive(Debug, Default)]
struct Step {
    runs: usize,
    vars: BTreeMap<String, String>,
}

impl Step {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// `@ NAME RUNS` lines, each followed by `env` output (the AWS and AWSP variables are kept).
fn steps(text: &str) -> BTreeMap<String, Step> {
    let mut steps = BTreeMap::new();
    let mut current: Option<(String, Step)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("@ ") {
            if let Some((name, step)) = current.take() {
                steps.insert(name, step);
            }
            let (name, runs) = rest.split_once(' ').unwrap();
            let step = Step {
                runs: runs.trim().parse().unwrap(),
                ..Step::default()
            };
            current = Some((name.to_string(), step));
        } else if let (Some((_, step)), Some((k, v))) = (current.as_mut(), line.split_once('=')) {
            if k.starts_with("AWS_") || k.starts_with("AWSP_") {
                step.vars.insert(k.to_string(), v.to_string());
            }
        }
    }
    if let Some((name, step)) = current {
        steps.insert(name, step);
    }
    steps
}

// ---------------------------------------------------------------------------------------------
// The dir hook

/// The trees: `proj` (dev-alice, its own region) with `sub/deeper` and a nested tree
/// `nested` (dev-bob with --creds); `other` with none; `bad` naming an unknown profile. Both
/// hooks are loaded (the refresh hook has nothing to do: no credentials here expire).
fn dir_world() -> World {
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    for dir in ["proj/sub/deeper", "proj/nested", "other", "bad/x"] {
        std::fs::create_dir_all(world.path(dir)).unwrap();
    }
    std::fs::write(
        world.path("proj/.awsprofile"),
        "# this repository's account\ndev-alice\nregion = ap-south-1  # Mumbai\n",
    )
    .unwrap();
    std::fs::write(
        world.path("proj/nested/.awsprofile"),
        "dev-bob\ncreds = true\n",
    )
    .unwrap();
    std::fs::write(world.path("bad/.awsprofile"), "no-such-profile\n").unwrap();
    world
}

const DIR_SCRIPT: &str = "
awsp use dev-bob; prompt; show start
cd proj; prompt; show in
prompt; prompt; show same
cd sub/deeper; prompt; show deeper
awsp use prod; prompt; show manual
cd ..; prompt; show manual-stays
cd ../nested; prompt; show nested
cd ..; prompt; show parent
cd ../other; prompt; show out
cd ../bad; prompt; show bad
cd x; prompt; prompt; show bad-deeper
cd ../..; prompt; show left-bad
";

#[test]
fn dir_hook_switches_in_and_back_out_with_a_process_only_on_a_change() {
    let world = dir_world();
    for sh in REAL {
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            DIR_SCRIPT,
        ) else {
            continue;
        };
        let stderr = common::stderr(&out);
        assert!(out.status.success(), "{sh:?}: {stderr}");
        let steps = steps(&common::stdout(&out));
        let step = |name: &str| {
            steps
                .get(name)
                .unwrap_or_else(|| panic!("{sh:?}: no step {name}: {}", common::stdout(&out)))
        };
        let proj = world.path("proj");
        let proj = proj.to_str().unwrap();

        let start = step("start");
        assert_eq!(
            start.runs, 1,
            "{sh:?}: a prompt outside any tree starts nothing"
        );
        assert_eq!(start.var("AWS_PROFILE"), Some("dev-bob"));

        let inside = step("in");
        assert_eq!(inside.runs, 2, "{sh:?}: entering the tree: one run");
        assert_eq!(inside.var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(inside.var("AWS_REGION"), Some("ap-south-1"), "{sh:?}");
        assert_eq!(inside.var("AWSP_DIR_ROOT"), Some(proj), "{sh:?}");
        assert_eq!(inside.var("AWSP_DIR_BEFORE"), Some("profile"), "{sh:?}");
        assert_eq!(inside.var("AWSP_DIR_BEFORE_PROFILE"), Some("dev-bob"));
        assert_eq!(inside.var("AWSP_PREVIOUS"), Some("dev-bob"), "{sh:?}");

        assert_eq!(
            step("same").runs,
            2,
            "{sh:?}: prompts in the same directory"
        );
        let deeper = step("deeper");
        assert_eq!(deeper.runs, 2, "{sh:?}: deeper in the tree starts nothing");
        assert_eq!(deeper.var("AWS_PROFILE"), Some("dev-alice"));

        let manual = step("manual");
        assert_eq!(manual.runs, 3, "{sh:?}: only the `use` itself");
        assert_eq!(manual.var("AWS_PROFILE"), Some("prod"), "{sh:?}");
        let stays = step("manual-stays");
        assert_eq!(stays.runs, 3, "{sh:?}");
        assert_eq!(
            stays.var("AWS_PROFILE"),
            Some("prod"),
            "{sh:?}: the manual switch wins"
        );

        let nested = step("nested");
        assert_eq!(nested.runs, 4, "{sh:?}: a nested .awsprofile is found");
        assert_eq!(nested.var("AWS_PROFILE"), None, "{sh:?}");
        assert_eq!(nested.var("AWSP_MODE"), Some("creds"), "{sh:?}");
        assert_eq!(
            nested.var("AWS_ACCESS_KEY_ID"),
            Some("ASIABOBEXAMPLE000002")
        );
        assert_eq!(
            nested.var("AWSP_DIR_BEFORE_PROFILE"),
            Some("dev-bob"),
            "{sh:?}"
        );

        let parent = step("parent");
        assert_eq!(parent.runs, 5, "{sh:?}");
        assert_eq!(parent.var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(parent.var("AWS_ACCESS_KEY_ID"), None, "{sh:?}: stale keys");

        let out_step = step("out");
        assert_eq!(out_step.runs, 6, "{sh:?}: leaving: one run");
        assert_eq!(
            out_step.var("AWS_PROFILE"),
            Some("dev-bob"),
            "{sh:?}: restored"
        );
        assert_eq!(out_step.var("AWS_REGION"), Some("us-east-1"), "{sh:?}");
        for name in awsp::env::DIR_VARS {
            assert_eq!(out_step.var(name), None, "{sh:?}: {name} left over");
        }

        let bad = step("bad");
        assert_eq!(bad.runs, 7, "{sh:?}");
        assert_eq!(bad.var("AWS_PROFILE"), Some("dev-bob"), "{sh:?}: unchanged");
        assert_eq!(bad.var("AWSP_DIR_BEFORE"), None, "{sh:?}");
        assert_eq!(step("bad-deeper").runs, 7, "{sh:?}: no new look inside");
        let left = step("left-bad");
        assert_eq!(left.runs, 8, "{sh:?}");
        assert_eq!(left.var("AWS_PROFILE"), Some("dev-bob"), "{sh:?}");
        assert_eq!(left.var("AWSP_DIR_ROOT"), None, "{sh:?}");

        // The unknown profile is said once, naming the file; nothing else is said.
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{sh:?}: {stderr}");
        assert!(
            lines[0].starts_with("awsp: ~/bad/.awsprofile: profile 'no-such-profile' not found")
                && lines[0].ends_with("this shell's profile is unchanged"),
            "{sh:?}: {stderr}"
        );
    }
}

/// Entering from no profile and leaving again leaves no profile (and no marker).
#[test]
fn dir_hook_restores_no_profile() {
    let world = dir_world();
    let script = "prompt; cd proj; prompt; show in\ncd /; prompt; show out\n";
    for sh in REAL {
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            script,
        ) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let steps = steps(&common::stdout(&out));
        assert_eq!(steps["in"].var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(steps["in"].var("AWSP_DIR_BEFORE"), Some("none"), "{sh:?}");
        let out_step = &steps["out"];
        assert_eq!(out_step.runs, 2, "{sh:?}");
        for name in [
            "AWS_PROFILE",
            "AWS_REGION",
            "AWSP_PROFILE",
            "AWSP_DIR_ROOT",
            "AWSP_DIR_BEFORE",
        ] {
            assert_eq!(out_step.var(name), None, "{sh:?}: {name}");
        }
        assert_eq!(out_step.var("AWSP_PREVIOUS"), Some("dev-alice"), "{sh:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The refresh hook

/// A credential_process that counts its runs in `runs` and prints credentials expiring
/// `FIRST` seconds from now on its first run and `LATER` seconds from now afterwards (or at
/// `FIXED`, an RFC 3339 time, every time); with `FAIL_AFTER=1` every run after the first fails;
/// with `TTY_AFTER=1` every run after the first reads a line from the terminal first.
fn refresh_files(dir: &Path, env: &str) -> (PathBuf, PathBuf) {
    let process = dir.join("creds.sh");
    let runs = dir.join("runs");
    write_executable(
        &process,
        &format!(
            "#!/bin/sh\n{env}\n\
             n=$(( $(wc -l <'{runs}' 2>/dev/null || echo 0) + 1 ))\necho run >>'{runs}'\n\
             echo 'chatter on stderr' >&2\n\
             if [ \"$n\" -gt 1 ] && [ \"${{FAIL_AFTER-}}\" = 1 ]; then exit 3; fi\n\
             if [ \"$n\" -gt 1 ] && [ \"${{TTY_AFTER-}}\" = 1 ]; then IFS= read -r c </dev/tty || exit 9; fi\n\
             if [ \"$n\" -eq 1 ]; then s=$FIRST; else s=$LATER; fi\n\
             at=${{FIXED:-$(date -u -d \"@$(( $(date +%s) + s ))\" +%Y-%m-%dT%H:%M:%SZ)}}\n\
             printf '{{\"Version\":1,\"AccessKeyId\":\"AKIDPROC%04d\",\"SecretAccessKey\":\"secret%d\",\"SessionToken\":\"token%d\",\"Expiration\":\"%s\"}}' \"$n\" \"$n\" \"$n\" \"$at\"\n",
            runs = runs.display()
        ),
    );
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile proc]\ncredential_process = {}\nregion = eu-central-1\n\n[profile dev-alice]\nregion = eu-west-1\n",
            process.display()
        ),
    )
    .unwrap();
    (config, runs)
}

/// What the credential_process says on stderr each run.
const CHATTER: &str = "chatter on stderr\n";

fn runs(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

const REFRESH_SCRIPT: &str = "
awsp use dev-alice; awsp use proc --creds; show used
prompt; show first
prompt; preexec; prompt; show later
";

#[test]
fn refresh_renews_credentials_once_when_they_are_about_to_expire() {
    let world = World::new(&[HookName::Refresh]);
    let (config, process_runs) = refresh_files(world.dir.path(), "FIRST=120 LATER=3600");
    let none = world.path("no-credentials");
    for sh in REAL {
        std::fs::write(&process_runs, "").unwrap();
        let Some(out) = world.run(sh, &config, &none, REFRESH_SCRIPT) else {
            continue;
        };
        let stderr = common::stderr(&out);
        assert!(out.status.success(), "{sh:?}: {stderr}");
        // The process's own stderr shows for the `use` typed by the user, not for the refresh.
        assert_eq!(stderr, CHATTER, "{sh:?}: the refresh is silent");
        let steps = steps(&common::stdout(&out));
        let used = &steps["used"];
        assert_eq!(
            used.var("AWS_ACCESS_KEY_ID"),
            Some("AKIDPROC0001"),
            "{sh:?}"
        );
        let first = &steps["first"];
        assert_eq!(first.runs, used.runs + 1, "{sh:?}: one refresh");
        assert_eq!(
            first.var("AWS_ACCESS_KEY_ID"),
            Some("AKIDPROC0002"),
            "{sh:?}"
        );
        assert_eq!(first.var("AWS_SECRET_ACCESS_KEY"), Some("secret2"));
        assert_eq!(first.var("AWS_SESSION_TOKEN"), Some("token2"));
        assert_ne!(first.var("AWSP_EXPIRATION"), used.var("AWSP_EXPIRATION"));
        // Only the credentials changed: `use -` still goes back to dev-alice.
        assert_eq!(first.var("AWSP_PROFILE"), Some("proc"), "{sh:?}");
        assert_eq!(first.var("AWSP_PREVIOUS"), Some("dev-alice"), "{sh:?}");
        assert_eq!(first.var("AWS_REGION"), Some("eu-central-1"), "{sh:?}");
        let later = &steps["later"];
        assert_eq!(
            later.runs, first.runs,
            "{sh:?}: fresh credentials start nothing"
        );
        assert_eq!(runs(&process_runs), 2, "{sh:?}");
    }
}

/// A refresh that gives the same expiry (a cache), and one that fails: one attempt each, the
/// failure said in one line, and no retry at later prompts.
#[test]
fn refresh_tries_once_per_expiry() {
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(150);
    let soon = soon
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for (env, failing) in [
        (format!("FIXED={soon}"), false),
        ("FIRST=120 LATER=120 FAIL_AFTER=1".to_string(), true),
    ] {
        let world = World::new(&[HookName::Refresh]);
        let (config, process_runs) = refresh_files(world.dir.path(), &env);
        let none = world.path("no-credentials");
        for sh in REAL {
            std::fs::write(&process_runs, "").unwrap();
            let Some(out) = world.run(sh, &config, &none, REFRESH_SCRIPT) else {
                continue;
            };
            let stderr = common::stderr(&out);
            assert!(out.status.success(), "{sh:?} {env}: {stderr}");
            let steps = steps(&common::stdout(&out));
            assert_eq!(steps["first"].runs, steps["used"].runs + 1, "{sh:?} {env}");
            assert_eq!(
                steps["later"].runs, steps["first"].runs,
                "{sh:?} {env}: no retry"
            );
            assert_eq!(runs(&process_runs), 2, "{sh:?} {env}");
            let key = steps["later"].var("AWS_ACCESS_KEY_ID");
            if failing {
                assert_eq!(key, Some("AKIDPROC0001"), "{sh:?}: kept");
                let lines: Vec<&str> = stderr.lines().collect();
                assert_eq!(lines.len(), 2, "{sh:?}: {stderr}");
                assert_eq!(format!("{}\n", lines[0]), CHATTER);
                assert!(
                    lines[1].starts_with(
                        "awsp: the credentials of 'proc' were not refreshed (they expire in "
                    ) && lines[1].contains("it may need you")
                        && lines[1].ends_with("run `awsp use proc --creds`"),
                    "{sh:?}: {stderr}"
                );
            } else {
                assert_eq!(key, Some("AKIDPROC0002"), "{sh:?}");
                assert_eq!(stderr, CHATTER, "{sh:?}");
            }
        }
    }
}

/// Unattended (`--no-prompt`, as the hooks run it), a credential_process gets no stdin and
/// no terminal, and its stderr is not shown.
#[test]
fn no_prompt_runs_the_process_without_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let process = dir.path().join("p.sh");
    write_executable(
        &process,
        "#!/bin/sh\necho 'asking for an MFA code' >&2\n\
         if IFS= read -r line; then exit 4; fi\n\
         if (: </dev/tty) 2>/dev/null; then exit 5; fi\n\
         printf '{\"Version\":1,\"AccessKeyId\":\"AKIDX\",\"SecretAccessKey\":\"s\"}'\n",
    );
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!("[profile p]\ncredential_process = {}\n", process.display()),
    )
    .unwrap();
    // On a terminal (tests/tools/pty_run.py) and with a line on its stdin, so that the
    // process could read either, were they passed on.
    let Some(python) = require_venv_python() else {
        return;
    };
    let mut cmd = Command::new(&python);
    cmd.arg(common::repo_root().join("tests/tools/pty_run.py"))
        .args(["", "", "--", "sh", "-c"])
        .arg("echo line | \"$0\" use p --creds --no-prompt")
        .arg(awsp_bin());
    clean_env(&mut cmd, Some(&config), None);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "pty_run.py: {}", common::stderr(&out));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["rc"], 0, "{run}");
    assert_eq!(run["stderr"], "", "{run}");
    assert!(run["stdout"].as_str().unwrap().contains("AKIDX"), "{run}");
    // Without --no-prompt its stderr is shown.
    let out = awsp_cmd(Some(&config), None)
        .args(["use", "p", "--creds"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(common::stderr(&out).contains("asking for an MFA code"));
}

/// `awsp hook` is for the integration only.
#[test]
fn hook_needs_the_wrapper() {
    let out = awsp_cmd(None, None)
        .args(["hook", "refresh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(common::stderr(&out).starts_with("awsp: `awsp hook` is run by the shell integration"));
}

// ---------------------------------------------------------------------------------------------
// awsp here

fn here(dir: &Path, home: &Path) -> Output {
    awsp_cmd(
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    )
    .arg("here")
    .current_dir(dir)
    .env("HOME", home)
    .env_remove("PWD")
    .output()
    .unwrap()
}

#[test]
fn here_says_which_awsprofile_applies() {
    let world = dir_world();
    let home = world.dir.path();
    let out = here(&world.path("proj/sub/deeper"), home);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        common::stdout(&out),
        "file: ~/proj/.awsprofile\nprofile: dev-alice\nregion: ap-south-1\ncreds: false\n"
    );
    let out = here(&world.path("proj/nested"), home);
    assert_eq!(
        common::stdout(&out),
        "file: ~/proj/nested/.awsprofile\nprofile: dev-bob\nregion: the profile's\ncreds: true\n"
    );
    let out = here(&world.path("other"), home);
    assert!(out.status.success());
    assert_eq!(
        common::stdout(&out),
        "no .awsprofile applies in ~/other (none there or in a parent directory)\n"
    );
    let out = here(&world.path("bad/x"), home);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("profile: no-such-profile\n"));
    assert!(
        common::stderr(&out)
            .starts_with("awsp: ~/bad/.awsprofile: profile 'no-such-profile' not found"),
        "{}",
        common::stderr(&out)
    );
}

/// The file-reading rules of the AWS files: no FIFO (without blocking), no huge file, no
/// directory; a broken file names its line.
#[test]
fn here_refuses_files_that_are_not_small_regular_text() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let fifo = dir.path().join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    let path = std::ffi::CString::new(fifo.join(".awsprofile").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    std::fs::write(big.join(".awsprofile"), "p\n".repeat(40_000)).unwrap();
    let folder = dir.path().join("folder");
    std::fs::create_dir_all(folder.join(".awsprofile")).unwrap();
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join(".awsprofile"), "dev-alice\ncolour = blue\n").unwrap();
    for (dir, want) in [
        (
            &fifo,
            "awsp: could not read ~/fifo/.awsprofile: it is a named pipe (FIFO), not a regular file",
        ),
        (
            &big,
            "awsp: could not read ~/big/.awsprofile: it is 78.1 KiB",
        ),
        (
            &folder,
            "awsp: could not read ~/folder/.awsprofile: it is a directory",
        ),
        (
            &broken,
            "awsp: ~/broken/.awsprofile:2: unknown key 'colour'",
        ),
    ] {
        let out = here(dir, home);
        assert_eq!(out.status.code(), Some(1), "{want}");
        assert!(out.stdout.is_empty());
        assert!(
            common::stderr(&out).starts_with(want),
            "{}",
            common::stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Lint and snapshots

#[test]
fn every_hook_combination_is_lint_clean() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = require_tool("shellcheck");
    let shfmt = require_tool("shfmt");
    let zsh = require_tool("zsh");
    let fish = require_tool("fish");
    let elvish = require_tool("elvish");
    let python = require_venv_python();
    let mut ps_files = Vec::new();
    for (i, hooks) in COMBOS.iter().enumerate() {
        for sh in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Nu,
            Shell::Elvish,
        ] {
            let path = dir.path().join(format!("init-{i}.{}", ext(sh)));
            std::fs::write(
                &path,
                render_with_hooks(init(sh), "aws-p", "/opt/awsp/bin/awsp", hooks),
            )
            .unwrap();
            let checks: Vec<(&Option<PathBuf>, Vec<&str>)> = match sh {
                Shell::Bash => vec![
                    (&shellcheck, vec!["-s", "bash"]),
                    (&shfmt, vec!["-d", "-i", "4", "-ln=bash"]),
                ],
                Shell::Zsh => vec![(&zsh, vec!["-f", "-n"])],
                Shell::Fish => vec![(&fish, vec!["--no-config", "--no-execute"])],
                Shell::PowerShell => {
                    ps_files.push(path.clone());
                    vec![]
                }
                Shell::Nu => {
                    nu_checked(&path);
                    vec![]
                }
                Shell::Elvish => vec![(&elvish, vec!["-compileonly"])],
                other => unreachable!("{other:?}"),
            };
            for (tool, args) in checks {
                let Some(tool) = tool else { continue };
                let out = Command::new(tool).args(&args).arg(&path).output().unwrap();
                assert!(
                    out.status.success(),
                    "{} {hooks:?}: {}{}",
                    tool.display(),
                    common::stdout(&out),
                    common::stderr(&out)
                );
            }
        }
    }
    if let Some(python) = python {
        let out = Command::new(python)
            .arg(common::repo_root().join("tests/tools/ps_parse.py"))
            .args(&ps_files)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    if let Some(fish_indent) = require_tool("fish_indent") {
        let out = Command::new(fish_indent)
            .arg("--check")
            .arg(common::repo_root().join("shell/hooks.fish"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "shell/hooks.fish is not fish_indent clean"
        );
    }
}

/// nushell's checks: `--ide-check` reports no error and `nu-check` accepts the file.
fn nu_checked(path: &Path) {
    let Some(nu) = require_tool("nu") else { return };
    let ide = Command::new(&nu)
        .args(["-n", "--ide-check", "100"])
        .arg(path)
        .output()
        .unwrap();
    let errors: Vec<String> = common::stdout(&ide)
        .lines()
        .filter(|l| l.contains("\"severity\":\"Error\""))
        .map(str::to_string)
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    let out = Command::new(&nu)
        .args(["-n", "-c"])
        .arg(format!(
            "if not (nu-check {}) {{ exit 1 }}",
            Shell::Nu.quote(path.to_str().unwrap())
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nu-check {}: {}{}",
        path.display(),
        common::stdout(&out),
        common::stderr(&out)
    );
}

/// `--hook` takes a comma list or repeats; the order and repeats do not matter.
#[test]
fn hook_option_forms_agree() {
    let init = |args: &[&str]| {
        let out = awsp_cmd(None, None).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
        common::stdout(&out)
    };
    let a = init(&["init", "zsh", "--hook", "dir,refresh"]);
    assert_eq!(
        a,
        init(&[
            "init", "zsh", "--hook", "refresh", "--hook", "dir", "--hook", "dir"
        ])
    );
    assert!(a.contains("__awsp_hook_dir()") && a.contains("__awsp_hook_refresh()"));
    let plain = init(&["init", "zsh"]);
    assert!(!plain.contains("__awsp_hook"), "no hook unless asked for");
    let out = awsp_cmd(None, None)
        .args(["init", "bash", "--hook", "cd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_with_hooks_snapshot() {
    for sh in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Nu,
        Shell::Elvish,
    ] {
        let hooks = render_with_hooks(
            init(sh),
            "awsp",
            "/usr/local/bin/awsp",
            &[HookName::Dir, HookName::Refresh],
        );
        // The plain integration's lines are all there, in order: the hooks only add.
        let plain = awsp::cmd::init::render(init(sh), "awsp", "/usr/local/bin/awsp");
        let mut rest = hooks.lines();
        for line in plain.lines() {
            assert!(rest.any(|l| l == line), "{sh:?}: {line:?} is missing");
        }
        insta::assert_snapshot!(format!("init_hooks_{}", ext(sh)), hooks);
    }
}

/// Under `set -eu` (bash) and `errexit nounset` (zsh) a hook whose binary fails (an unknown
/// profile) or prints no code (a refresh with nothing to refresh: the variables are not
/// exported, so the binary does not see them) neither ends the shell nor says more than the
/// one warning. bash rejected a function body that was only the header's comment.
#[test]
fn hooks_hold_under_strict_modes_and_empty_code() {
    let world = dir_world();
    for (sh, strict) in [
        (Shell::Bash, "set -eu"),
        (Shell::Zsh, "setopt errexit nounset"),
    ] {
        let script = format!(
            "{strict}\ncd bad; prompt; show a\nAWSP_MODE=creds; AWSP_EXPIRATION=5; prompt; preexec; show b\n\
             cd ../proj; prompt; show end\n"
        );
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            &script,
        ) else {
            continue;
        };
        let stderr = common::stderr(&out);
        assert!(out.status.success(), "{sh:?}: {stderr}");
        let steps = steps(&common::stdout(&out));
        assert_eq!(steps["end"].var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(
            steps["end"].runs,
            3,
            "{sh:?}: {}{stderr}",
            common::stdout(&out)
        );
        assert_eq!(stderr.lines().count(), 1, "{sh:?}: {stderr}");
    }
}

/// Directory names are text, not patterns: leaving the tree `t*` for its sibling `tx` (which
/// `t*` would match as a glob) switches back; a quote and a space in the path are fine.
#[test]
fn dir_hook_reads_paths_literally() {
    let world = World::new(&[HookName::Dir]);
    std::fs::create_dir_all(world.path("t*/it's here")).unwrap();
    std::fs::create_dir_all(world.path("tx/deeper")).unwrap();
    std::fs::write(world.path("t*/.awsprofile"), "dev-alice\n").unwrap();
    let script = "cd 't*'; prompt; show in\ncd \"it's here\"; prompt; show deeper\n\
                  cd ../../tx/deeper; prompt; show sibling\n";
    for sh in REAL {
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            script,
        ) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let steps = steps(&common::stdout(&out));
        assert_eq!(steps["in"].var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(steps["deeper"].runs, 1, "{sh:?}");
        let sibling = &steps["sibling"];
        assert_eq!(sibling.runs, 2, "{sh:?}");
        assert_eq!(sibling.var("AWS_PROFILE"), None, "{sh:?}");
        assert_eq!(sibling.var("AWSP_DIR_ROOT"), None, "{sh:?}");
    }
}

/// zsh: the hooks hold whatever options the user set (each function starts with `emulate -L
/// zsh`), and say nothing.
#[test]
fn zsh_hooks_work_under_the_users_options() {
    let world = dir_world();
    for option in [
        "ksh_arrays",
        "sh_word_split",
        "csh_junkie_quotes",
        "no_unset",
        "warn_create_global",
        "rc_quotes",
        "glob_subst",
        "err_exit",
    ] {
        // Loaded again under the option, as from an rc file that sets it first.
        let script = format!(
            "setopt {option}\n. ./init.zsh\ncd proj/sub; prompt; preexec; show in\n\
             cd ../../other; prompt; show out\n"
        );
        let Some(out) = world.run(
            Shell::Zsh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            &script,
        ) else {
            return;
        };
        assert_eq!(common::stderr(&out), "", "{option}");
        assert!(out.status.success(), "{option}");
        let steps = steps(&common::stdout(&out));
        assert_eq!(
            steps["in"].var("AWS_PROFILE"),
            Some("dev-alice"),
            "{option}"
        );
        assert_eq!(steps["out"].var("AWS_PROFILE"), None, "{option}");
        assert_eq!(steps["out"].runs, 2, "{option}");
    }
}

// ---------------------------------------------------------------------------------------------
// Interactive shells on a terminal (tmux)

/// A tmux server of our own running one interactive shell; killed on drop.
struct Tmux {
    socket: PathBuf,
    tmux: PathBuf,
}

impl Tmux {
    fn start(world: &World, config: &Path, shell: &[&str]) -> Option<Tmux> {
        let tmux = require_tool("tmux")?;
        let program = require_tool(shell[0])?;
        // One socket per shell: a server just killed may still hold the previous one.
        let socket = world.path(&format!("tmux-{}.sock", shell[0]));
        let out = Command::new(&tmux)
            .arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
            ])
            .arg("-c")
            .arg(world.dir.path())
            .arg("--")
            .arg(program)
            .args(&shell[1..])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", world.dir.path())
            .env("TERM", "xterm")
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", world.path("xdg"))
            .env("XDG_DATA_HOME", world.path("xdg"))
            .env("AWS_CONFIG_FILE", config)
            .env("AWS_SHARED_CREDENTIALS_FILE", world.path("no-credentials"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux: {}", common::stderr(&out));
        Some(Tmux { socket, tmux })
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        common::stdout(&self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", "0"]))
    }

    /// Wait until the shell reads its input (nushell drops what was typed before it started),
    /// typing `echo ready` again every second.
    fn ready(&self) {
        let start = std::time::Instant::now();
        while !self.screen().lines().any(|l| l.trim_end() == "ready") {
            if start.elapsed() > std::time::Duration::from_secs(15) {
                panic!("the shell did not start; screen:\n{}", self.screen());
            }
            self.tmux(&["send-keys", "-t", "0", "-l", "--", "echo ready"]);
            self.tmux(&["send-keys", "-t", "0", "Enter"]);
            std::thread::sleep(std::time::Duration::from_millis(1000));
        }
    }

    /// Type `line` and Enter, then wait until its `echo` of a marker has come out. (The echo
    /// is typed ahead: the terminal may show it in front of what `line` prints.)
    fn run(&self, line: &str, marker: &str) {
        for text in [line, &format!("echo {marker}")] {
            let out = self.tmux(&["send-keys", "-t", "0", "-l", "--", text]);
            assert!(out.status.success(), "{}", common::stderr(&out));
            self.tmux(&["send-keys", "-t", "0", "Enter"]);
        }
        let start = std::time::Instant::now();
        while !self.screen().lines().any(|l| l.trim_end() == marker) {
            if start.elapsed() > std::time::Duration::from_secs(15) {
                panic!("timed out waiting for {marker}; screen:\n{}", self.screen());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// On a real terminal, with real prompts (every shell with hooks but PowerShell): Enter at an unchanged prompt starts no awsp; a
/// refresh that would prompt (its credential_process reads /dev/tty on its second run) does
/// not get the terminal, fails at once and says so in one line, once; `cd` into a tree and
/// out of it switches and switches back.
#[test]
fn interactive_prompts_refresh_and_switch_without_prompting() {
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    let (config, process_runs) =
        refresh_files(world.dir.path(), "FIRST=120 LATER=3600 TTY_AFTER=1");
    std::fs::create_dir_all(world.path("proj/sub")).unwrap();
    std::fs::write(world.path("proj/.awsprofile"), "dev-alice\n").unwrap();
    let root = world.dir.path().display().to_string();
    for (shell, setup) in [
        (
            &["bash", "--norc", "--noprofile", "-i"][..],
            format!("PS1='$ '; . '{root}/init.bash'"),
        ),
        (
            &["zsh", "-f", "-i"][..],
            format!("PS1='$ '; . '{root}/init.zsh'"),
        ),
        (
            &["fish", "--no-config", "-i"][..],
            format!("function fish_prompt; echo '$ '; end; source '{root}/init.fish'"),
        ),
        (&["nu", "-n"][..], format!("source '{root}/init.nu'")),
        (
            &["elvish", "-norc"][..],
            format!("eval (slurp < '{root}/init.elv')"),
        ),
    ] {
        // `NAME:` and the value of the variable NAME.
        let print_var = |name: &str| match shell[0] {
            "nu" => format!("print $\"{name}:($env.{name}? | default '')\""),
            "elvish" => format!("echo {name}:$E:{name}"),
            _ => format!("printf '{name}:%s\\n' \"${name}\""),
        };
        std::fs::write(&process_runs, "").unwrap();
        std::fs::write(world.path("count"), "").unwrap();
        let Some(t) = Tmux::start(&world, &config, shell) else {
            continue;
        };
        let awsp_runs = || runs(&world.path("count"));
        t.ready();
        t.run(&setup, "loaded");
        assert_eq!(awsp_runs(), 0, "{shell:?}: loading starts nothing");
        t.run("awsp use proc --creds", "used");
        // The prompt after `use` refreshed (the process's second run), which failed.
        assert_eq!(runs(&process_runs), 2, "{shell:?}:\n{}", t.screen());
        assert_eq!(awsp_runs(), 2, "{shell:?}:\n{}", t.screen());
        for i in 0..3 {
            t.run("", &format!("idle-{i}"));
        }
        assert_eq!(
            awsp_runs(),
            2,
            "{shell:?}: prompts start nothing:\n{}",
            t.screen()
        );
        let screen = t.screen();
        let said: Vec<&str> = screen
            .lines()
            .filter(|l| l.contains("awsp: the credentials of 'proc' were not refreshed"))
            .collect();
        assert_eq!(said.len(), 1, "{shell:?}:\n{screen}");
        assert!(
            said[0].contains("it may need you"),
            "{shell:?}: {}",
            said[0]
        );
        t.run("cd proj/sub", "in");
        t.run(&print_var("AWS_PROFILE"), "shown-in");
        assert!(
            t.screen().contains("AWS_PROFILE:dev-alice"),
            "{shell:?}:\n{}",
            t.screen()
        );
        assert_eq!(awsp_runs(), 3, "{shell:?}:\n{}", t.screen());
        // Back to proc's credentials: switching back resolves them again, unattended; the
        // process would read the terminal, so this fails, says so, and leaves nothing stale.
        t.run("cd /", "out");
        t.run(&print_var("AWS_ACCESS_KEY_ID"), "shown-out");
        assert_eq!(awsp_runs(), 4, "{shell:?}:\n{}", t.screen());
        assert_eq!(runs(&process_runs), 3, "{shell:?}");
        let screen = t.screen();
        assert!(
            screen
                .lines()
                .any(|l| l.trim_end().ends_with("AWS_ACCESS_KEY_ID:")),
            "{shell:?}:\n{screen}"
        );
        assert!(
            screen
                .lines()
                .any(|l| l.contains("awsp: could not switch back to 'proc'")),
            "{shell:?}:\n{screen}"
        );
    }
}

/// zsh, fish, nushell and elvish also refresh just before a command (preexec), so that a
/// command typed after the prompt sat idle gets fresh credentials; bash has no preexec (the
/// next prompt does it).
#[test]
fn refresh_runs_before_a_command_where_the_shell_has_preexec() {
    let world = World::new(&[HookName::Refresh]);
    let (config, process_runs) = refresh_files(world.dir.path(), "FIRST=120 LATER=3600");
    let none = world.path("no-credentials");
    for sh in [Shell::Zsh, Shell::Fish, Shell::Nu, Shell::Elvish] {
        std::fs::write(&process_runs, "").unwrap();
        let script = "awsp use proc --creds; show used\npreexec; show pre\n";
        let Some(out) = world.run(sh, &config, &none, script) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let steps = steps(&common::stdout(&out));
        assert_eq!(steps["pre"].runs, steps["used"].runs + 1, "{sh:?}");
        assert_eq!(
            steps["pre"].var("AWS_ACCESS_KEY_ID"),
            Some("AKIDPROC0002"),
            "{sh:?}"
        );
    }
}

/// A role with `mfa_serial`: unattended, awsp does not ask for the code (no terminal is
/// opened, no call is made) and the refresh says what it would need.
#[test]
fn refresh_that_needs_an_mfa_code_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n\n\
         [profile mfa-role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = us-east-1\n",
    )
    .unwrap();
    let out = awsp_cmd(Some(&config), None)
        .args(["use", "mfa-role", "--creds", "--no-prompt"])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        common::stderr(&out).contains(
            "this needs an MFA code for arn:aws:iam::123456789012:mfa/me, and awsp may not ask now"
        ),
        "{}",
        common::stderr(&out)
    );
    let soon = (awsp::cmd::prompt::now() + 60).to_string();
    let out = awsp_cmd(Some(&config), None)
        .args(["--wrapper", "bash", "hook", "refresh"])
        .env("HOME", dir.path())
        .env("AWSP_PROFILE", "mfa-role")
        .env("AWSP_MODE", "creds")
        .env("AWS_ACCESS_KEY_ID", "ASIAOLD")
        .env("AWSP_EXPIRATION", &soon)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = common::stderr(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .starts_with("awsp: the credentials of 'mfa-role' were not refreshed (they expire in ")
            && stderr.contains("that needs an MFA code for arn:aws:iam::123456789012:mfa/me")
            && stderr
                .trim_end()
                .ends_with("run `awsp use mfa-role --creds`"),
        "{stderr}"
    );
}

/// bash, zsh and fish: prompts where nothing changed (the same directory inside a tree,
/// credentials far from expiry), each with the prompt segment, start no process at all,
/// counted with strace: the hooks and `awsp_prompt` are builtins only.
#[test]
fn quiet_prompts_fork_nothing() {
    let Some(strace) = require_tool("strace") else {
        return;
    };
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    std::fs::create_dir_all(world.path("proj/sub")).unwrap();
    std::fs::write(world.path("proj/.awsprofile"), "dev-alice\n").unwrap();
    let far = (awsp::cmd::prompt::now() + 3600).to_string();
    for sh in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let (enter, quiet) = match sh {
            Shell::Fish => (
                format!(
                    "cd proj; prompt; set -gx AWSP_MODE creds; set -gx AWSP_EXPIRATION {far}; cd sub; prompt\n"
                ),
                "prompt; awsp_prompt >/dev/null\n",
            ),
            _ => (
                format!(
                    "cd proj; prompt; export AWSP_MODE=creds AWSP_EXPIRATION={far}; cd sub; prompt\n"
                ),
                "prompt; awsp_prompt -v __segment\n",
            ),
        };
        let count = |prompts: usize| {
            let script = format!("{enter}{}echo \"$AWS_PROFILE\"\n", quiet.repeat(prompts));
            let (tool, args) = world.invocation(sh, &script)?;
            let log = world.path("strace.log");
            let mut cmd = Command::new(&strace);
            world.env(
                &mut cmd,
                &fixture("shell/config"),
                &fixture("shell/credentials"),
            );
            std::fs::write(world.path("count"), "").unwrap();
            let out = cmd
                .args(["-f", "-e", "trace=fork,vfork,clone,clone3", "-o"])
                .arg(&log)
                .arg(tool)
                .args(args)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
            assert_eq!(
                common::stdout(&out),
                "dev-alice\n",
                "{sh:?}: {}",
                common::stderr(&out)
            );
            let log = std::fs::read_to_string(&log).unwrap();
            Some(common::new_processes(&log))
        };
        let Some(base) = count(0) else { continue };
        assert!(base > 0, "{sh:?}: entering the tree starts awsp");
        assert_eq!(count(4), Some(base), "{sh:?}: a quiet prompt forked");
    }
}

/// bash 5.1's array form of PROMPT_COMMAND: the hook goes in front of element 0, once however
/// often the integration is loaded, and the user's other elements stay as they were.
#[test]
fn bash_prompt_command_array_form_is_kept() {
    let Some(bash) = require_tool("bash") else {
        return;
    };
    let world = World::new(&[HookName::Dir]);
    let init = world.path("init.bash");
    let script = format!(
        "PROMPT_COMMAND=('first=1' 'second=2')\n. '{0}'\n. '{0}'\n\
         printf '%s\\n' \"${{#PROMPT_COMMAND[@]}}\" \"${{PROMPT_COMMAND[0]}}\" \"${{PROMPT_COMMAND[1]}}\"\n\
         unset PROMPT_COMMAND; PROMPT_COMMAND='plain=1'\n. '{0}'\nprintf '%s|%s\\n' \"$PROMPT_COMMAND\" \"$(declare -p PROMPT_COMMAND)\"\n",
        init.display()
    );
    let mut cmd = Command::new(bash);
    world.env(
        &mut cmd,
        &fixture("shell/config"),
        &fixture("shell/credentials"),
    );
    let out = cmd
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        ["2", "__awsp_hook;first=1", "second=2"],
        "{text}"
    );
    assert_eq!(
        lines[3], "__awsp_hook;plain=1|declare -- PROMPT_COMMAND=\"__awsp_hook;plain=1\"",
        "a string stays a string: {text}"
    );
}

/// Leaving a tree brings back a region given with `--region` before entering it
/// (`AWSP_DIR_BEFORE_REGION`), not the profile's own.
#[test]
fn leaving_a_tree_restores_a_region_given_by_hand() {
    let world = dir_world();
    let script = "
awsp use dev-bob --region eu-north-1; prompt; show start
cd proj; prompt; show in
cd ..; prompt; show out
";
    for sh in REAL {
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            script,
        ) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let steps = steps(&common::stdout(&out));
        assert_eq!(
            steps["start"].var("AWS_REGION"),
            Some("eu-north-1"),
            "{sh:?}"
        );
        let inside = &steps["in"];
        assert_eq!(inside.var("AWS_REGION"), Some("ap-south-1"), "{sh:?}");
        assert_eq!(
            inside.var("AWSP_DIR_BEFORE_REGION"),
            Some("eu-north-1"),
            "{sh:?}"
        );
        let out_step = &steps["out"];
        assert_eq!(out_step.var("AWS_PROFILE"), Some("dev-bob"), "{sh:?}");
        assert_eq!(out_step.var("AWS_REGION"), Some("eu-north-1"), "{sh:?}");
        assert_eq!(out_step.var("AWSP_DIR_BEFORE_REGION"), None, "{sh:?}");
    }
}
