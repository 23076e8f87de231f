//! Completion as a user meets it: `awsp complete` on its own, and real interactive bash, zsh
//! and fish in tmux (keys sent with `send-keys`, the line read back with `capture-pane`),
//! where only an interactive shell shows what Tab inserts (bash's COMP_WORDBREAKS, the
//! command after `exec PROFILE --`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{awsp_cmd, require_tool, stderr, stdout};

/// Profiles whose names bash would split (`:`, `@`), one that looks like a flag, and a region
/// that only the user's file names.
const CONFIG: &str = "\
[default]
region = us-west-2

[profile dev-alice]
region = eu-west-1

[profile dev-bob]

[profile corp:dev]

[profile ops@cluster]

[profile -o]

[profile lab]
region = xx-test-9
";

struct Fixture {
    dir: tempfile::TempDir,
    config: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, CONFIG).unwrap();
    std::fs::write(dir.path().join("credentials"), "").unwrap();
    // A command of our own on PATH, one with a completion of its own, and a file for them.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for tool in ["awspzz-tool", "awspzz-other"] {
        let path = bin.join(tool);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("awspzz-file.txt"), "").unwrap();
    Fixture { dir, config }
}

fn complete(fx: &Fixture, words: &[&str]) -> Vec<String> {
    let out: Output = awsp_cmd(Some(&fx.config), Some(&fx.dir.path().join("credentials")))
        .arg("complete")
        .arg("--index")
        .arg((words.len() - 1).to_string())
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn flags_only_once_a_dash_is_typed() {
    let fx = fixture();
    let names = complete(&fx, &["awsp", "use", ""]);
    assert!(names.contains(&"dev-alice".to_string()), "{names:?}");
    assert!(names.contains(&"corp:dev".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('-')), "{names:?}");
    let flags = complete(&fx, &["awsp", "use", "-"]);
    assert!(flags.contains(&"--creds".to_string()), "{flags:?}");
    // With nothing else left to offer, the flags are offered.
    let after = complete(&fx, &["awsp", "use", "dev-alice", ""]);
    assert!(after.contains(&"--creds".to_string()), "{after:?}");
}

#[test]
fn names_starting_with_a_dash_are_not_offered_as_values() {
    let fx = fixture();
    for words in [
        &["awsp", "use", ""][..],
        &["awsp", "use", "-"],
        &["awsp", "show", "-"],
        &["awsp", "exec", "-"],
    ] {
        let got = complete(&fx, words);
        assert!(!got.contains(&"-o".to_string()), "{words:?}: {got:?}");
    }
}

#[test]
fn region_completes_standard_and_file_regions() {
    let fx = fixture();
    let all = complete(&fx, &["awsp", "use", "--region", ""]);
    for want in ["us-east-1", "eu-central-1", "ap-southeast-2", "xx-test-9"] {
        assert!(all.contains(&want.to_string()), "{want}: {all:?}");
    }
    assert_eq!(
        complete(&fx, &["awsp", "exec", "--region", "xx-"]),
        ["xx-test-9"]
    );
    assert_eq!(
        complete(&fx, &["awsp", "use", "--region=il-"]),
        ["--region=il-central-1"]
    );
}

// ---------------------------------------------------------------------------------------------
// Interactive shells in tmux

/// A tmux server of our own (its socket in a scratch directory) running one interactive
/// shell; killed on drop, also when the test fails.
struct Tmux {
    socket: PathBuf,
    tmux: PathBuf,
}

impl Tmux {
    fn start(fx: &Fixture, shell: &[&str], env: &[(&str, &str)]) -> Option<Tmux> {
        let tmux = require_tool("tmux")?;
        require_tool(shell[0])?;
        let socket = fx.dir.path().join("tmux.sock");
        let bin_dir = common::awsp_bin().parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}:{}",
            bin_dir.display(),
            fx.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let home = fx.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(&tmux);
        cmd.arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "40",
            ])
            .arg("-c")
            .arg(fx.dir.path().join("work"))
            .arg("--")
            .args(shell)
            .env_clear()
            .env("PATH", path)
            .env("HOME", &home)
            .env("TERM", "xterm")
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("AWS_CONFIG_FILE", &fx.config)
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                fx.dir.path().join("credentials"),
            )
            .envs(env.iter().copied())
            .stdin(Stdio::null());
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "tmux: {}", stderr(&out));
        Some(Tmux { socket, tmux })
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "0", "-l", "--", text]);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn key(&self, key: &str) {
        let out = self.tmux(&["send-keys", "-t", "0", key]);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn screen(&self) -> String {
        stdout(&self.tmux(&["capture-pane", "-p", "-t", "0"]))
    }

    /// The last non-empty line of the screen, without trailing blanks.
    fn last_line(&self) -> String {
        self.screen()
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_end()
            .to_string()
    }

    /// Poll the screen until `ok` holds (10 s at most).
    fn wait(&self, what: &str, ok: impl Fn(&Tmux) -> bool) {
        let start = Instant::now();
        while !ok(self) {
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {what}; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Run a setup line and wait for the prompt (`$`) to come back.
    fn run(&self, line: &str) {
        self.type_text(line);
        self.key("Enter");
        let marker = format!("awsp-ready-{}", line.len());
        self.type_text(&format!("echo {marker}"));
        self.key("Enter");
        self.wait(&marker, |t| {
            let screen = t.screen();
            screen.lines().any(|l| l.trim_end() == marker) && t.last_line().trim_end() == "$"
        });
        self.key("C-l");
        self.wait("a clear screen", |t| t.last_line() == "$");
    }

    /// Type `typed`, press Tab, and expect the line to read `want`; then clear the line.
    fn tab(&self, typed: &str, want: &str) {
        self.type_text(typed);
        self.key("Tab");
        let want_line = format!("$ {want}");
        self.wait(&format!("{typed:?} + Tab to become {want:?}"), |t| {
            t.last_line() == want_line
        });
        self.clear_line();
    }

    fn clear_line(&self) {
        self.key("C-e");
        self.key("C-u");
        self.wait("an empty prompt", |t| t.last_line() == "$");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The cases every shell must get right, as `(typed, line after Tab)`.
const CASES: &[(&str, &str)] = &[
    ("awsp use corp:d", "awsp use corp:dev"),
    ("awsp use ops@c", "awsp use ops@cluster"),
    ("awsp show corp:", "awsp show corp:dev"),
    ("awsp use --region xx-t", "awsp use --region xx-test-9"),
    ("awsp use --region il-c", "awsp use --region il-central-1"),
    ("awsp use --region=il-c", "awsp use --region=il-central-1"),
    (
        "awsp exec dev-alice -- awspzz-t",
        "awsp exec dev-alice -- awspzz-tool",
    ),
    (
        "awsp exec dev-alice -- awspzz-other awspzz-f",
        "awsp exec dev-alice -- awspzz-other awspzz-file.txt",
    ),
    (
        "awsp exec corp:dev -- awspzz-tool al",
        "awsp exec corp:dev -- awspzz-tool alpha",
    ),
];

fn check_cases(t: &Tmux) {
    for (typed, want) in CASES {
        t.tab(typed, want);
    }
    // Tab twice on `awsp use `: profile names listed, no flags among them.
    t.type_text("awsp use ");
    t.key("Tab");
    t.key("Tab");
    t.wait("the list of profiles", |t| t.screen().contains("dev-alice"));
    let screen = t.screen();
    assert!(screen.contains("ops@cluster"), "{screen}");
    assert!(!screen.contains("--creds"), "flags offered: {screen}");
    assert!(
        !screen.contains(" -o "),
        "a hyphen-led name offered: {screen}"
    );
}

#[test]
fn bash_tab_inserts_names_with_colon_and_at_and_completes_after_exec() {
    let fx = fixture();
    let Some(t) = Tmux::start(
        &fx,
        &["bash", "--norc", "--noprofile", "-i"],
        &[("PS1", "$ "), ("INPUTRC", "/dev/null")],
    ) else {
        return;
    };
    t.run("bind 'set show-all-if-ambiguous off'; bind 'set bell-style none'");
    t.run("source <(awsp completions bash)");
    t.run("complete -W 'alpha beta' awspzz-tool");
    check_cases(&t);
}

#[test]
fn zsh_tab_completes_names_and_after_exec() {
    let fx = fixture();
    let Some(t) = Tmux::start(&fx, &["zsh", "-f", "-i"], &[]) else {
        return;
    };
    t.run("PS1='$ '; unsetopt beep; autoload -Uz compinit && compinit -u -D");
    t.run("source <(awsp completions zsh)");
    t.run("_awspzz() { compadd alpha beta }; compdef _awspzz awspzz-tool");
    check_cases(&t);
}

#[test]
fn fish_tab_completes_names_and_after_exec() {
    let fx = fixture();
    let Some(t) = Tmux::start(&fx, &["fish", "--no-config", "-i"], &[]) else {
        return;
    };
    t.run(
        "function fish_prompt; printf '$ '; end; set -g fish_autosuggestion_enabled 0; \
         function fish_greeting; end",
    );
    t.run("awsp completions fish | source");
    t.run("complete -c awspzz-tool -x -a 'alpha beta'");
    check_cases(&t);
}
