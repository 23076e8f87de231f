//! The hooks (`awsp init SHELL --hook dir,refresh`) in xonsh and tcsh, in the style of
//! tests/hooks.rs: a shim on the path the integration calls counts every awsp run. Prompts are
//! run as the shell runs them: xonsh's on_pre_prompt and on_precommand events, tcsh's
//! `precmd` alias. Plus `awsp` alone through the wrapper (the picker), and every combination
//! of hooks through the shell's own checker.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use awsp::cli::{HookName, InitShell, Shell};
use awsp::cmd::init::render_with_hooks;
use awsp::shell::{tcsh, xonsh};
use common::{awsp_bin, clean_env, fixture, require_tool};

const BOTH: [Shell; 2] = [Shell::Xonsh, Shell::Tcsh];

use common::write_executable;

struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new(hooks: &[HookName]) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::fs::create_dir(dir.path().join("cache")).unwrap();
        let shim = dir.path().join("bin/awsp");
        write_executable(
            &shim,
            &format!(
                "#!/bin/sh\necho run >>'{}'\nexec '{}' \"$@\"\n",
                dir.path().join("count").display(),
                awsp_bin().display()
            ),
        );
        for sh in BOTH {
            let init = InitShell::new(sh).unwrap();
            let text = render_with_hooks(init, "awsp", shim.to_str().unwrap(), hooks);
            std::fs::write(dir.path().join(format!("init.{}", sh.name())), text).unwrap();
        }
        World { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `steps` (lines of the shell, `prompt`, `show NAME`) after loading the integration twice.
    fn run(&self, sh: Shell, config: &Path, credentials: &Path, steps: &[&str]) -> Option<Output> {
        let count = self.path("count");
        let init = self.path(&format!("init.{}", sh.name()));
        let mut script = match sh {
            Shell::Xonsh => format!(
                "execx(open({init}).read())\nexecx(open({init}).read())\n\
                 from xonsh.events import events\n\
                 def show(name):\n    print('@ %s %d' % (name, len(open({count}).read().splitlines())))\n\
                 \x20   for k, v in sorted(__xonsh__.env.detype().items()):\n        print('%s=%s' % (k, v))\n",
                init = xonsh::quote(init.to_str().unwrap()),
                count = xonsh::quote(count.to_str().unwrap()),
            ),
            Shell::Tcsh => format!(
                "set __awsp_file = {init}\nsource $__awsp_file:q load\nsource $__awsp_file:q load\n",
                init = tcsh::quote(init.to_str().unwrap())
            ),
            other => unreachable!("{other:?}"),
        };
        for step in steps {
            let line = match (sh, *step) {
                (Shell::Xonsh, "prompt") => "events.on_pre_prompt.fire()".to_string(),
                (Shell::Xonsh, "preexec") => "events.on_precommand.fire(cmd='x')".to_string(),
                (Shell::Tcsh, "prompt") => "precmd".to_string(),
                (Shell::Xonsh, s) if s.starts_with("show ") => format!("show('{}')", &s[5..]),
                (Shell::Tcsh, s) if s.starts_with("show ") => format!(
                    "echo '@ {} '`wc -l < {}`\nenv",
                    &s[5..],
                    tcsh::quote(count.to_str().unwrap())
                ),
                (_, s) => s.to_string(),
            };
            script.push_str(&line);
            script.push('\n');
        }
        let tool = require_tool(sh.name())?;
        std::fs::write(&count, "").unwrap();
        let file = self.path(&format!("script.{}", sh.name()));
        std::fs::write(&file, script).unwrap();
        let mut cmd = Command::new(tool);
        match sh {
            Shell::Xonsh => cmd.args(["--no-rc", "--no-script-cache"]),
            _ => cmd.arg("-f"),
        };
        clean_env(&mut cmd, Some(config), Some(credentials));
        common::no_tty(&mut cmd);
        Some(
            cmd.arg(&file)
                .stdin(Stdio::null())
                .env("HOME", self.dir.path())
                .env("XDG_CACHE_HOME", self.path("cache"))
                .current_dir(self.dir.path())
                .output()
                .unwrap(),
        )
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

#[test]
fn dir_hook_switches_in_and_back_out_with_a_process_only_on_a_change() {
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    for dir in ["proj/sub/deeper", "other", "bad/x"] {
        std::fs::create_dir_all(world.path(dir)).unwrap();
    }
    std::fs::write(
        world.path("proj/.awsprofile"),
        "dev-alice\nregion = ap-south-1\n",
    )
    .unwrap();
    std::fs::write(world.path("bad/.awsprofile"), "no-such-profile\n").unwrap();
    let script = [
        "awsp use dev-bob",
        "prompt",
        "show start",
        "cd proj",
        "prompt",
        "show in",
        "prompt",
        "prompt",
        "show same",
        "cd sub/deeper",
        "prompt",
        "show deeper",
        "awsp use prod",
        "prompt",
        "show manual",
        "cd ..",
        "prompt",
        "show stays",
        "cd ../../other",
        "prompt",
        "show out",
        "cd ../bad",
        "prompt",
        "show bad",
        "cd x",
        "prompt",
        "prompt",
        "show bad-deeper",
    ];
    for sh in BOTH {
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
        let stdout = common::stdout(&out);
        let steps = steps(&stdout);
        let step = |name: &str| {
            steps
                .get(name)
                .unwrap_or_else(|| panic!("{sh:?}: no step {name}: {stdout}{stderr}"))
        };
        let proj = world.path("proj");
        assert_eq!(step("start").runs, 1, "{sh:?}: {stderr}");
        assert_eq!(step("start").var("AWS_PROFILE"), Some("dev-bob"));
        let inside = step("in");
        assert_eq!(inside.runs, 2, "{sh:?}: entering: one run");
        assert_eq!(inside.var("AWS_PROFILE"), Some("dev-alice"), "{sh:?}");
        assert_eq!(inside.var("AWS_REGION"), Some("ap-south-1"), "{sh:?}");
        assert_eq!(inside.var("AWSP_DIR_ROOT"), proj.to_str(), "{sh:?}");
        assert_eq!(step("same").runs, 2, "{sh:?}: same directory");
        assert_eq!(step("deeper").runs, 2, "{sh:?}: deeper starts nothing");
        assert_eq!(step("manual").runs, 3, "{sh:?}");
        assert_eq!(step("manual").var("AWS_PROFILE"), Some("prod"), "{sh:?}");
        assert_eq!(step("stays").runs, 3, "{sh:?}");
        assert_eq!(step("stays").var("AWS_PROFILE"), Some("prod"), "{sh:?}");
        let out_step = step("out");
        assert_eq!(out_step.runs, 4, "{sh:?}: leaving: one run");
        assert_eq!(out_step.var("AWS_PROFILE"), Some("dev-bob"), "{sh:?}");
        for name in awsp::env::DIR_VARS {
            assert_eq!(out_step.var(name), None, "{sh:?}: {name} left over");
        }
        assert_eq!(step("bad").runs, 5, "{sh:?}");
        assert_eq!(step("bad").var("AWS_PROFILE"), Some("dev-bob"), "{sh:?}");
        assert_eq!(step("bad-deeper").runs, 5, "{sh:?}: no new look inside");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{sh:?}: {stderr}");
        assert!(
            lines[0].starts_with("awsp: ~/bad/.awsprofile: profile 'no-such-profile' not found"),
            "{sh:?}: {stderr}"
        );
    }
}

#[test]
fn refresh_renews_credentials_once_when_they_are_about_to_expire() {
    let world = World::new(&[HookName::Refresh]);
    let process = world.path("creds.sh");
    let runs = world.path("runs");
    write_executable(
        &process,
        &format!(
            "#!/bin/sh\nn=$(( $(wc -l <'{runs}' 2>/dev/null || echo 0) + 1 ))\necho run >>'{runs}'\n\
             if [ \"$n\" -eq 1 ]; then s=120; else s=3600; fi\n\
             at=$(date -u -d \"@$(( $(date +%s) + s ))\" +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"Version\":1,\"AccessKeyId\":\"AKIDPROC%04d\",\"SecretAccessKey\":\"s%d\",\"SessionToken\":\"t%d\",\"Expiration\":\"%s\"}}' \"$n\" \"$n\" \"$n\" \"$at\"\n",
            runs = runs.display()
        ),
    );
    let config = world.path("config");
    std::fs::write(
        &config,
        format!(
            "[profile proc]\ncredential_process = {}\nregion = eu-central-1\n",
            process.display()
        ),
    )
    .unwrap();
    let script = [
        "awsp use proc --creds",
        "show used",
        "prompt",
        "show first",
        "prompt",
        "prompt",
        "show later",
    ];
    for sh in BOTH {
        std::fs::write(&runs, "").unwrap();
        let Some(out) = world.run(sh, &config, &world.path("none"), &script) else {
            continue;
        };
        let stderr = common::stderr(&out);
        assert!(out.status.success(), "{sh:?}: {stderr}");
        assert_eq!(stderr, "", "{sh:?}: the refresh is silent");
        let steps = steps(&common::stdout(&out));
        let (used, first, later) = (&steps["used"], &steps["first"], &steps["later"]);
        assert_eq!(
            used.var("AWS_ACCESS_KEY_ID"),
            Some("AKIDPROC0001"),
            "{sh:?}"
        );
        assert_eq!(first.runs, used.runs + 1, "{sh:?}: one refresh");
        assert_eq!(
            first.var("AWS_ACCESS_KEY_ID"),
            Some("AKIDPROC0002"),
            "{sh:?}"
        );
        assert_eq!(first.var("AWS_SESSION_TOKEN"), Some("t2"), "{sh:?}");
        assert_eq!(
            later.runs, first.runs,
            "{sh:?}: fresh credentials start nothing"
        );
        assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 2);
    }
}

/// `awsp` alone through the wrapper is `awsp use` (the picker; without a terminal, a usage
/// error), as in the POSIX wrapper.
#[test]
fn awsp_alone_is_awsp_use() {
    let world = World::new(&[]);
    let script = ["awsp", "show alone"];
    let want = {
        let out = common::no_tty(&mut common::awsp_cmd(Some(&fixture("shell/config")), None))
            .arg("use")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        common::stderr(&out)
    };
    for sh in BOTH {
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            &script,
        ) else {
            continue;
        };
        let stderr = common::stderr(&out);
        assert!(
            stderr.contains(want.lines().next().unwrap()),
            "{sh:?}: {stderr} / {want}"
        );
    }
}

/// Every combination of hooks passes xonsh's compile step and `tcsh -n`.
#[test]
fn every_hook_combination_passes_the_checkers() {
    let dir = tempfile::tempdir().unwrap();
    let combos: [&[HookName]; 3] = [
        &[HookName::Dir],
        &[HookName::Refresh],
        &[HookName::Dir, HookName::Refresh],
    ];
    for (i, hooks) in combos.iter().enumerate() {
        for sh in BOTH {
            let file = dir.path().join(format!("init-{i}.{}", sh.name()));
            let text =
                render_with_hooks(InitShell::new(sh).unwrap(), "aws-p", "/opt/é!/awsp", hooks);
            std::fs::write(&file, text).unwrap();
            let out = match sh {
                Shell::Xonsh => {
                    let Some(xonsh) = require_tool("xonsh") else {
                        continue;
                    };
                    let check = dir.path().join("check.xsh");
                    std::fs::write(
                        &check,
                        format!(
                            "__t = open({0}).read()\ncompilex(__t)\ncompile(__t, {0}, 'exec')\nprint('ok')\n",
                            xonsh::quote(file.to_str().unwrap())
                        ),
                    )
                    .unwrap();
                    Command::new(xonsh)
                        .args(["--no-rc", "--no-script-cache"])
                        .arg(&check)
                        .output()
                        .unwrap()
                }
                _ => {
                    let Some(tcsh) = require_tool("tcsh") else {
                        continue;
                    };
                    Command::new(tcsh).arg("-n").arg(&file).output().unwrap()
                }
            };
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{sh:?} {hooks:?}: {}",
                common::stderr(&out)
            );
        }
    }
}

/// tcsh has one `precmd`: the hooks run first, then the user's own (here the README's
/// `awsp_prompt` line, which sees the profile the hook just applied), once, also after loading
/// twice.
#[test]
fn tcsh_precmd_chains_the_users_own() {
    let world = World::new(&[HookName::Dir]);
    std::fs::create_dir_all(world.path("proj")).unwrap();
    std::fs::write(world.path("proj/.awsprofile"), "dev-alice\n").unwrap();
    let init = tcsh::quote(world.path("init.tcsh").to_str().unwrap());
    let script = format!(
        "alias precmd 'awsp_prompt; echo \"seg:$awsp_segment\"'\n\
         set __awsp_file = {init}\nsource $__awsp_file:q load\nsource $__awsp_file:q load\n\
         cd proj\nprecmd\nprecmd\n"
    );
    let Some(tool) = require_tool("tcsh") else {
        return;
    };
    let file = world.path("chain.tcsh");
    std::fs::write(&file, script).unwrap();
    std::fs::write(world.path("count"), "").unwrap();
    let mut cmd = Command::new(tool);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    let out = cmd
        .arg("-f")
        .arg(&file)
        .stdin(Stdio::null())
        .env("HOME", world.dir.path())
        .env("XDG_CACHE_HOME", world.path("cache"))
        .current_dir(world.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out), "seg:dev-alice\nseg:dev-alice\n");
    assert_eq!(common::stderr(&out), "");
    let runs = std::fs::read_to_string(world.path("count")).unwrap();
    assert_eq!(runs.lines().count(), 1);
}

/// An interactive tcsh (its real `precmd` before each prompt): a switch at the prompt keeps
/// the status of the command before it.
#[test]
fn tcsh_prompt_hands_back_the_status() {
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    std::fs::create_dir_all(world.path("proj")).unwrap();
    std::fs::write(world.path("proj/.awsprofile"), "dev-alice\n").unwrap();
    let Some(tool) = require_tool("tcsh") else {
        return;
    };
    let init = tcsh::quote(world.path("init.tcsh").to_str().unwrap());
    let input = format!(
        "set __awsp_file = {init}\nsource $__awsp_file:q load\n\
         cd proj; (exit 3)\necho \"st=$status $AWS_PROFILE\"\n"
    );
    let mut cmd = Command::new(tool);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    let mut child = cmd
        .args(["-f", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("HOME", world.dir.path())
        .env("XDG_CACHE_HOME", world.path("cache"))
        .current_dir(world.dir.path())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = common::stdout(&out);
    assert!(
        stdout.contains("st=3 dev-alice"),
        "{stdout}{}",
        common::stderr(&out)
    );
    let runs = std::fs::read_to_string(world.path("count")).unwrap();
    assert_eq!(runs.lines().count(), 1);
}

#[test]
fn init_with_hooks_snapshot() {
    for sh in BOTH {
        let hooks = render_with_hooks(
            InitShell::new(sh).unwrap(),
            "awsp",
            "/usr/local/bin/awsp",
            &[HookName::Dir, HookName::Refresh],
        );
        insta::assert_snapshot!(format!("init_hooks_{}", sh.name()), hooks);
    }
}

/// Directory names are text, not patterns: leaving the tree `t*` for its sibling `tx` switches
/// back; a quote and a space in the path are fine.
#[test]
fn dir_hook_reads_paths_literally() {
    let world = World::new(&[HookName::Dir]);
    std::fs::create_dir_all(world.path("t*/it's here")).unwrap();
    std::fs::create_dir_all(world.path("tx/deeper")).unwrap();
    std::fs::write(world.path("t*/.awsprofile"), "dev-alice\n").unwrap();
    for sh in BOTH {
        let (into, deeper) = ("cd 't*'", "cd \"it's here\"");
        let script = [
            into,
            "prompt",
            "show in",
            deeper,
            "prompt",
            "show deeper",
            "cd ../../tx/deeper",
            "prompt",
            "show sibling",
        ];
        let Some(out) = world.run(
            sh,
            &fixture("shell/config"),
            &fixture("shell/credentials"),
            &script,
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

/// tcsh: a prompt where nothing changed (the same directory inside a tree, credentials far
/// from expiry) starts no process at all, counted with strace: the hooks are builtins only.
#[test]
fn tcsh_hooks_fork_nothing_while_nothing_changed() {
    let Some(tcsh) = require_tool("tcsh") else {
        return;
    };
    let Some(strace) = require_tool("strace") else {
        return;
    };
    let world = World::new(&[HookName::Dir, HookName::Refresh]);
    std::fs::create_dir_all(world.path("proj/sub")).unwrap();
    std::fs::write(world.path("proj/.awsprofile"), "dev-alice\n").unwrap();
    let init = tcsh::quote(world.path("init.tcsh").to_str().unwrap());
    let far = (awsp::cmd::prompt::now() + 3600).to_string();
    let count = |prompts: &str| {
        let script = world.path("quiet.tcsh");
        std::fs::write(
            &script,
            format!(
                "set __awsp_file = {init}\nsource $__awsp_file:q load\ncd proj\nprecmd\n\
                 setenv AWSP_MODE creds\nsetenv AWSP_EXPIRATION {far}\ncd sub\nprecmd\n{prompts}\n\
                 echo $AWS_PROFILE\n"
            ),
        )
        .unwrap();
        let log = world.path("strace.log");
        let mut cmd = Command::new(&strace);
        clean_env(
            &mut cmd,
            Some(&fixture("shell/config")),
            Some(&fixture("shell/credentials")),
        );
        let out = cmd
            .args(["-f", "-e", "trace=fork,vfork,clone,clone3", "-o"])
            .arg(&log)
            .arg(&tcsh)
            .arg("-f")
            .arg(&script)
            .env("HOME", world.dir.path())
            .env("XDG_CACHE_HOME", world.path("cache"))
            .current_dir(world.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
        assert_eq!(
            common::stdout(&out),
            "dev-alice\n",
            "{}",
            common::stderr(&out)
        );
        let log = std::fs::read_to_string(&log).unwrap();
        common::new_processes(&log)
    };
    let base = count("");
    assert!(base > 0, "entering the tree starts awsp");
    assert_eq!(
        count("precmd\nprecmd\nprecmd"),
        base,
        "a quiet prompt forked"
    );
}

/// xonsh also refreshes just before a command (on_precommand).
#[test]
fn xonsh_refreshes_before_a_command() {
    let world = World::new(&[HookName::Refresh]);
    let process = world.path("creds.sh");
    // The same expiry every time (a cache): one attempt for it, however many commands follow.
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(90);
    let soon = soon
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    write_executable(
        &process,
        &format!(
            "#!/bin/sh\nprintf '{{\"Version\":1,\"AccessKeyId\":\"AKIDSOON\",\"SecretAccessKey\":\"s\",\"Expiration\":\"{soon}\"}}'\n"
        ),
    );
    let config = world.path("config");
    std::fs::write(
        &config,
        format!(
            "[profile proc]\ncredential_process = {}\n",
            process.display()
        ),
    )
    .unwrap();
    let script = [
        "awsp use proc --creds",
        "show used",
        "preexec",
        "show pre",
        "preexec",
        "show again",
    ];
    let Some(out) = world.run(Shell::Xonsh, &config, &world.path("none"), &script) else {
        return;
    };
    assert!(out.status.success(), "{}", common::stderr(&out));
    let steps = steps(&common::stdout(&out));
    assert_eq!(steps["pre"].runs, steps["used"].runs + 1);
    assert_eq!(
        steps["again"].runs, steps["pre"].runs,
        "once per expiry value"
    );
}
