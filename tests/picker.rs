//! The picker of `awsp use` with no profile, driven as a user drives it: real interactive
//! bash, zsh and fish with the integration loaded, in tmux (keys sent with `send-keys`, the
//! screen read back with `capture-pane`). Each check line prints the status, the profile and
//! whether `stty -g` is the same before and after.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{awsp_cmd, require_tool, stderr, stdout};

/// Profiles of every column: an account from `aws_account_id`, `role_arn` and
/// `sso_account_id`, and a region that holds an escape sequence.
const CONFIG: &str = "\
[profile dev-alice]
region = eu-west-1
aws_account_id = 111111111111

[profile dev-bob]
role_arn = arn:aws:iam::222222222222:role/dev
source_profile = dev-alice
region = us-east-1

[profile prod-admin]
sso_account_id = 333333333333
sso_role_name = Admin
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile prod-alice]
region = eu-central-1

[profile zz-hostile]
region = x\x1b[31mred
";

const CREDENTIALS: &str = "\
[dev-alice]
aws_access_key_id = AKIAPICKERTEST
aws_secret_access_key = picker-secret
";

/// A tmux server of our own (its socket in a scratch directory) running one interactive
/// shell with the integration loaded; killed on drop, also when the test fails.
struct Pane {
    dir: tempfile::TempDir,
    tmux: PathBuf,
    /// How many check lines were typed: each prints its number, so that a result is never
    /// read from an earlier line still on the screen.
    checks: std::cell::Cell<u32>,
}

impl Pane {
    /// `shell` is `bash`, `zsh` or `fish`.
    fn start(shell: &str) -> Option<Pane> {
        let tmux = require_tool("tmux")?;
        require_tool(shell)?;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), CONFIG).unwrap();
        std::fs::write(dir.path().join("credentials"), CREDENTIALS).unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let bin_dir = common::awsp_bin().parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let argv: &[&str] = match shell {
            "bash" => &["bash", "--norc", "--noprofile"],
            "zsh" => &["zsh", "-f"],
            _ => &["fish", "--no-config"],
        };
        let mut cmd = Command::new(&tmux);
        cmd.arg("-S")
            .arg(dir.path().join("tmux.sock"))
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "20",
            ])
            .arg("--")
            .args(argv)
            .env_clear()
            .env("PATH", path)
            .env("HOME", &home)
            .env("TERM", "xterm")
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("AWS_CONFIG_FILE", dir.path().join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("credentials"),
            )
            .env("PS1", "$ ")
            .stdin(Stdio::null());
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "tmux: {}", stderr(&out));
        let pane = Pane {
            dir,
            tmux,
            checks: std::cell::Cell::new(0),
        };
        // `check CMD...` runs CMD and prints its status, what the environment holds, and
        // whether `stty -g` is the same before and after.
        let init = match shell {
            "fish" => concat!(
                "function fish_prompt; echo -n '$ '; end; awsp init fish | source; ",
                "function check; set -l n $argv[1]; set -e argv[1]; ",
                "set -l a (stty -g); $argv; set -l s $status; ",
                "set -l b (stty -g); set -l t changed; test \"$a\" = \"$b\"; and set t same; ",
                "echo \"S=$s P=$AWS_PROFILE R=$AWS_REGION K=$AWS_ACCESS_KEY_ID TTY=$t #$n\"; end"
            )
            .to_string(),
            _ => format!(
                "{}{}",
                format_args!("eval \"$(awsp init {shell})\"; "),
                concat!(
                    "check() { n=$1; shift; a=$(stty -g); \"$@\"; s=$?; b=$(stty -g); t=changed; ",
                    "[ \"$a\" = \"$b\" ] && t=same; ",
                    "echo \"S=$s P=${AWS_PROFILE-} R=${AWS_REGION-} K=${AWS_ACCESS_KEY_ID-} TTY=$t #$n\"; }"
                )
            ),
        };
        pane.type_text(&init);
        pane.keys(&["Enter"]);
        pane.run("true");
        Some(pane)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .arg("-S")
            .arg(self.dir.path().join("tmux.sock"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "0", "-l", "--", text]);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            let out = self.tmux(&["send-keys", "-t", "0", key]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
    }

    fn screen(&self) -> String {
        stdout(&self.tmux(&["capture-pane", "-p", "-t", "0"]))
    }

    /// Poll the screen until `ok` holds (10 s at most); the screen then.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// `check COMMAND` on a clear screen; the check line it printed.
    fn run(&self, command: &str) -> String {
        self.check(command);
        self.result()
    }

    fn check(&self, command: &str) {
        self.checks.set(self.checks.get() + 1);
        self.type_text(&format!("clear; check {} {command}", self.checks.get()));
        self.keys(&["Enter"]);
    }

    /// `check COMMAND`, where COMMAND opens the picker: its first screen.
    fn open(&self, command: &str) -> String {
        self.check(command);
        self.wait("the picker", |s| s.starts_with("awsp use>"))
    }

    /// The check line once the command has ended.
    fn result(&self) -> String {
        let end = format!(" #{}", self.checks.get());
        let is_result = |l: &str| l.starts_with("S=") && l.trim_end().ends_with(&end);
        let screen = self.wait("the check line", |s| s.lines().any(is_result));
        let line = screen.lines().find(|l| is_result(l)).unwrap_or_default();
        line.trim_end().trim_end_matches(&end).to_string()
    }

    /// Wait until the picker's count line reads `count` (`2/5`); the screen then.
    fn count(&self, count: &str) -> String {
        let want = format!("  {count}  ");
        self.wait(&format!("the count {count}"), |s| {
            s.lines().nth(1).is_some_and(|l| l.starts_with(&want))
        })
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The rows of a picker screen (below the query and count lines), trailing blanks trimmed.
fn rows_of(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(2)
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn filter_and_enter_switches_the_shell() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    // `awsp` alone through the wrapper is `awsp use`.
    let screen = pane.open("awsp");
    let rows = rows_of(&pane.count("5/5"));
    assert_eq!(rows.len(), 5, "{screen}");
    // Kind, region and account (aws_account_id, role_arn, sso_account_id); nothing active
    // yet, so no marks; the hostile region shown escaped.
    assert!(rows[0].starts_with(">  dev-alice "), "{rows:?}");
    for (row, cells) in rows.iter().zip([
        ["dev-alice", "static", "eu-west-1", "111111111111"],
        ["dev-bob", "assume_role", "us-east-1", "222222222222"],
        ["prod-admin", "sso", "", "333333333333"],
        ["prod-alice", "config_only", "eu-central-1", ""],
        ["zz-hostile", "config_only", "x\\e[31mred", ""],
    ]) {
        let words: Vec<&str> = row[1..].split_whitespace().collect();
        let want: Vec<&str> = cells.into_iter().filter(|c| !c.is_empty()).collect();
        assert_eq!(words, want, "{row}");
    }
    pane.type_text("bob");
    let screen = pane.count("1/5");
    assert_eq!(rows_of(&screen).len(), 1, "{screen}");
    assert!(rows_of(&screen)[0].starts_with(">  dev-bob "), "{screen}");
    pane.keys(&["Enter"]);
    assert_eq!(
        pane.result(),
        "S=0 P=dev-bob R=us-east-1 K= TTY=same",
        "{}",
        pane.screen()
    );
}

#[test]
fn several_words_match_in_any_order() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    pane.open("awsp use");
    pane.type_text("alice prod");
    let screen = pane.count("1/5");
    assert!(
        rows_of(&screen)[0].starts_with(">  prod-alice "),
        "{screen}"
    );
    // Fuzzy within a word: `dv` finds both dev profiles, `bb` then only one.
    pane.keys(&["C-u"]);
    pane.type_text("dv");
    pane.count("2/5");
    pane.type_text(" bb");
    let screen = pane.count("1/5");
    assert!(rows_of(&screen)[0].starts_with(">  dev-bob "), "{screen}");
    // Nothing matches: Enter chooses nothing; Backspace widens again.
    pane.type_text("zzzz");
    pane.count("0/5");
    pane.keys(&["Enter", "BSpace", "BSpace", "BSpace", "BSpace"]);
    pane.count("1/5");
    pane.keys(&["Enter"]);
    assert_eq!(pane.result(), "S=0 P=dev-bob R=us-east-1 K= TTY=same");
}

#[test]
fn arrows_and_ctrl_n_ctrl_p_move_the_selection() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    pane.open("awsp use");
    pane.keys(&["Down", "Down", "Down", "Up"]);
    let screen = pane.wait("the third row selected", |s| {
        rows_of(s)
            .get(2)
            .is_some_and(|r| r.starts_with(">  prod-admin"))
    });
    assert_eq!(
        rows_of(&screen)
            .iter()
            .filter(|r| r.starts_with('>'))
            .count(),
        1
    );
    pane.keys(&["C-n", "C-n", "C-p"]);
    pane.wait("the fourth row selected", |s| {
        rows_of(s)
            .get(3)
            .is_some_and(|r| r.starts_with(">  prod-alice"))
    });
    pane.keys(&["Enter"]);
    assert_eq!(pane.result(), "S=0 P=prod-alice R=eu-central-1 K= TTY=same");
    // Up at the top stays at the top (the active profile now).
    pane.open("awsp use");
    pane.keys(&["Up", "C-p", "Enter"]);
    assert_eq!(pane.result(), "S=0 P=prod-alice R=eu-central-1 K= TTY=same");
}

#[test]
fn esc_and_ctrl_c_cancel_with_130_and_change_nothing() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    assert_eq!(
        pane.run("awsp use dev-bob"),
        "S=0 P=dev-bob R=us-east-1 K= TTY=same"
    );
    for cancel in ["Escape", "C-c", "C-g"] {
        pane.open("awsp");
        pane.type_text("alice");
        pane.count("2/5");
        pane.keys(&[cancel]);
        assert_eq!(
            pane.result(),
            "S=130 P=dev-bob R=us-east-1 K= TTY=same",
            "{cancel}"
        );
    }
    // Nothing reached stdout: the plain form evaluates an empty string.
    pane.open("eval \"$(command awsp use; echo \"O=$?\" >&2)\"");
    pane.keys(&["Escape"]);
    let screen = pane.wait("the status", |s| s.lines().any(|l| l.starts_with("O=")));
    assert!(screen.lines().any(|l| l == "O=130"), "{screen}");
    assert!(pane.result().starts_with("S=0 P=dev-bob R=us-east-1"));
}

#[test]
fn active_and_previous_are_marked_and_listed_first() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    pane.run("awsp use prod-alice");
    pane.run("awsp use dev-bob");
    let screen = pane.open("awsp");
    let rows = rows_of(&pane.count("5/5"));
    assert!(rows[0].starts_with(">* dev-bob "), "{screen}");
    assert!(rows[1].starts_with(" - prod-alice "), "{screen}");
    assert!(rows[2..].iter().all(|r| r.starts_with("   ")), "{screen}");
    // Back to the previous one from the picker: Down, Enter.
    pane.keys(&["Down", "Enter"]);
    assert_eq!(pane.result(), "S=0 P=prod-alice R=eu-central-1 K= TTY=same");
}

#[test]
fn creds_and_region_apply_to_the_chosen_profile() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    pane.open("awsp use --creds --region xx-test-1");
    pane.type_text("dev-alice");
    pane.count("1/5");
    pane.keys(&["Enter"]);
    assert_eq!(
        pane.result(),
        "S=0 P= R=xx-test-1 K=AKIAPICKERTEST TTY=same"
    );
}

#[test]
fn zsh_and_fish_open_the_picker_for_awsp_alone() {
    for shell in ["zsh", "fish"] {
        let Some(pane) = Pane::start(shell) else {
            return;
        };
        pane.open("awsp");
        pane.type_text("admin");
        pane.count("1/5");
        pane.keys(&["Enter"]);
        assert_eq!(pane.result(), "S=0 P=prod-admin R= K= TTY=same", "{shell}");
        pane.open("awsp");
        pane.keys(&["Escape"]);
        assert_eq!(
            pane.result(),
            "S=130 P=prod-admin R= K= TTY=same",
            "{shell}"
        );
    }
}

/// The pid of the process running `awsp` under the pane's shell.
fn awsp_pid(pane: &Pane) -> i32 {
    let shell: i32 = stdout(&pane.tmux(&["display", "-p", "-t", "0", "#{pane_pid}"]))
        .trim()
        .parse()
        .unwrap();
    let start = Instant::now();
    loop {
        let children =
            std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
        for child in children.split_whitespace() {
            let exe = std::fs::read_link(format!("/proc/{child}/exe")).unwrap_or_default();
            if exe == common::awsp_bin() {
                return child.parse().unwrap();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no awsp under {shell}"
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

#[test]
fn a_signal_restores_the_terminal_and_ends_awsp() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    // (Not SIGINT: bash then ends the whole command line, as after Ctrl-C.)
    for (signal, status) in [(libc::SIGTERM, 143), (libc::SIGHUP, 129)] {
        // The binary itself, not the wrapper: its pid is a child of the shell.
        pane.open("command awsp use");
        let pid = awsp_pid(&pane);
        // SAFETY: signals a process this test started through the pane.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let want = format!("S={status} P= R= K= TTY=same");
        assert_eq!(pane.result(), want, "signal {signal}");
    }
}

#[test]
fn without_a_terminal_no_profile_is_a_usage_error() {
    let (config, credentials) = common::example_files();
    let mut cmd = awsp_cmd(Some(&config), Some(&credentials));
    cmd.arg("use").stdin(Stdio::null());
    // A session of its own: no controlling terminal, so no /dev/tty.
    common::no_tty(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no PROFILE given, and there is no terminal"),
        "{}",
        stderr(&out)
    );
    // A named profile, `--profile` and `-` need no terminal.
    for args in [&["use", "dev-bob"][..], &["use", "--profile", "dev-bob"]] {
        let out = awsp_cmd(Some(&config), Some(&credentials))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("AWS_PROFILE='dev-bob'"), "{args:?}");
    }
    let out = awsp_cmd(Some(&config), Some(&credentials))
        .args(["use", "-"])
        .env("AWSP_PREVIOUS", "dev-bob")
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("AWS_PROFILE='dev-bob'"),
        "{}",
        stderr(&out)
    );
}

/// `--no-prompt` never opens the picker, also on a terminal: a usage error, nothing changed.
#[test]
fn no_prompt_without_a_profile_is_a_usage_error_on_a_terminal_too() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    assert_eq!(pane.run("awsp use --no-prompt"), "S=2 P= R= K= TTY=same");
    assert!(pane.screen().contains("--no-prompt forbids the picker"));
}

/// A paste is one batch: what it typed counts when Enter comes in the same batch, and a
/// query longer than any row is cut, so that a long paste stays quick.
#[test]
fn a_pasted_query_and_enter_pick_what_was_pasted() {
    let Some(pane) = Pane::start("bash") else {
        return;
    };
    pane.open("awsp");
    pane.count("5/5");
    // One send: the characters and Enter arrive together.
    let out = pane.tmux(&["send-keys", "-t", "0", "-l", "--", "prod-alice\r"]);
    assert!(out.status.success());
    assert_eq!(pane.result(), "S=0 P=prod-alice R=eu-central-1 K= TTY=same");
    // 20,000 characters: cut to what can match, and the picker still answers at once.
    pane.open("awsp");
    pane.count("5/5");
    let started = std::time::Instant::now();
    for _ in 0..10 {
        pane.type_text(&"x".repeat(2_000));
    }
    pane.count("0/5");
    // Cut at 256 bytes: as many Backspaces empty it.
    let out = pane.tmux(&["send-keys", "-t", "0", "-N", "256", "BSpace"]);
    assert!(out.status.success());
    pane.count("5/5");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    pane.keys(&["Escape"]);
    assert_eq!(
        pane.result(),
        "S=130 P=prod-alice R=eu-central-1 K= TTY=same"
    );
}
