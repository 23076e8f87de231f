//! Hostile conditions through the binary: full and closed output streams, special files as the
//! AWS files, huge role chains, and credential processes that never exit, never stop printing,
//! leave children behind, read the terminal, or get awsp killed while they run.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::awsp_cmd;
use tempfile::TempDir;

/// What a run with a deadline gave.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Run `cmd` with stdout and stderr to files (a process left behind must not hold a pipe the
/// test reads), killing it and failing the test if it outlives `deadline`.
fn run_within(mut cmd: Command, deadline: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("awsp starts");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("awsp still ran after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        status,
        elapsed: started.elapsed(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

impl Run {
    /// Exit 1, nothing on stdout, one `awsp: ` line on stderr; returns that line.
    fn clean_error(&self) -> &str {
        assert_eq!(self.status.code(), Some(1), "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "stdout must be empty");
        let line = self.stderr.trim_end_matches('\n');
        assert!(
            !line.contains('\n'),
            "one line on stderr: {:?}",
            self.stderr
        );
        assert!(line.starts_with("awsp: "), "{line}");
        line
    }
}

/// A scratch directory with a config file whose profiles run the given scripts as their
/// `credential_process` (`[profile NAME]` runs `NAME.sh`).
struct Helpers {
    dir: TempDir,
    config: PathBuf,
}

fn helpers(scripts: &[(&str, &str)]) -> Helpers {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut config = String::new();
    for (name, body) in scripts {
        let path = dir.path().join(format!("{name}.sh"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        config.push_str(&format!(
            "[profile {name}]\ncredential_process = {} --secret-arg hunter2\n",
            path.display()
        ));
    }
    let config_path = dir.path().join("config");
    std::fs::write(&config_path, config).unwrap();
    Helpers {
        dir,
        config: config_path,
    }
}

impl Helpers {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = awsp_cmd(Some(&self.config), None);
        cmd.env("TMPDIR_HELPERS", self.dir.path()).args(args);
        cmd
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

const VALID_JSON: &str =
    r#"{"Version":1,"AccessKeyId":"AKIDROBUST","SecretAccessKey":"secret-robust"}"#;

/// The pid a helper wrote to `file`, once it is there.
fn wait_for_pid(file: &Path) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(pid) = std::fs::read_to_string(file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no pid in {file:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z') || rest.starts_with('X')),
        Err(_) => false,
    }
}

/// True once `pid` is gone, polling up to 5 s.
fn gone_soon(pid: i32) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Kills what a test left running, also when it fails.
struct Reap(Vec<i32>);

impl Drop for Reap {
    fn drop(&mut self) {
        for pid in &self.0 {
            // SAFETY: signals one process the test started (through awsp).
            unsafe {
                libc::kill(*pid, libc::SIGKILL);
            }
        }
    }
}

// ---- output streams -------------------------------------------------------------------------

#[test]
fn a_full_or_closed_stderr_is_exit_1_not_an_abort() {
    let dev_full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = dev_full() else {
        eprintln!("skipped: /dev/full not available");
        return;
    };
    let out = awsp_cmd(None, None)
        .args(["show", "nope"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{:?}", out.status);
    assert!(out.stdout.is_empty());

    // A pipe whose reader is gone.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = awsp_cmd(None, None)
        .args(["show", "nope"])
        .stderr(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{:?}", out.status);

    // A warning (not an error) on a closed stderr: the command still succeeds.
    let h = helpers(&[]);
    std::fs::write(
        &h.config,
        "[profile broken]\nrole_arn = arn:aws:iam::1:role/r\n",
    )
    .unwrap();
    let out = h
        .cmd(&["use", "broken"])
        .stderr(dev_full().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stdout).contains("AWS_PROFILE"));
}

#[test]
fn a_full_stdout_is_exit_1_with_a_message() {
    let (config, credentials) = common::example_files();
    for args in [&["list"][..], &["completions", "bash"], &["--help"]] {
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            eprintln!("skipped: /dev/full not available");
            return;
        };
        let out = awsp_cmd(Some(&config), Some(&credentials))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {:?}", out.status);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("awsp: could not write"), "{args:?}: {err}");
    }
}

// ---- the AWS files as special files --------------------------------------------------------

#[test]
fn a_fifo_as_an_aws_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(!common::under_ci(), "mkfifo failed");
        eprintln!("skipped: mkfifo not installed");
        return;
    }
    for (config, credentials) in [(Some(fifo.as_path()), None), (None, Some(fifo.as_path()))] {
        for args in [&["list"][..], &["use", "x"], &["show", "x"]] {
            let mut cmd = awsp_cmd(config, credentials);
            cmd.args(args);
            let run = run_within(cmd, Duration::from_secs(10));
            let line = run.clean_error().to_string();
            assert!(line.contains("could not read"), "{line}");
            assert!(line.contains("named pipe"), "{line}");
            assert!(run.elapsed < Duration::from_secs(5));
        }
    }
    // Completion stays quiet and returns.
    let mut cmd = awsp_cmd(Some(&fifo), None);
    cmd.args(["complete", "--index", "2", "--", "awsp", "use", ""]);
    let run = run_within(cmd, Duration::from_secs(10));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(5));
}

#[test]
fn dev_null_is_an_empty_file_and_a_directory_an_error() {
    let null = Path::new("/dev/null");
    let out = awsp_cmd(Some(null), Some(null))
        .args(["list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let out = awsp_cmd(Some(null), Some(null))
        .args(["show", "x"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there are no profiles"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let mut cmd = awsp_cmd(Some(dir.path()), None);
    cmd.arg("list");
    let run = run_within(cmd, Duration::from_secs(10));
    assert!(
        run.clean_error().contains("is a directory"),
        "{}",
        run.stderr
    );

    let mut cmd = awsp_cmd(Some(Path::new("/dev/zero")), None);
    cmd.arg("list");
    let run = run_within(cmd, Duration::from_secs(10));
    assert!(
        run.clean_error().contains("character device"),
        "{}",
        run.stderr
    );
}

// ---- role chains ----------------------------------------------------------------------------

#[test]
fn a_50000_link_chain_and_a_230000_profile_loop_resolve_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain =
        String::from("[profile p0]\naws_access_key_id = AK\naws_secret_access_key = SK\n");
    for i in 1..=50_000 {
        chain.push_str(&format!(
            "[profile p{i}]\nrole_arn=r{i}\nsource_profile=p{}\n",
            i - 1
        ));
    }
    let chain_path = dir.path().join("chain");
    std::fs::write(&chain_path, chain).unwrap();
    let n = 230_000;
    let mut looped = String::new();
    for i in 0..n {
        looped.push_str(&format!(
            "[profile p{i}]\nrole_arn=r\nsource_profile=p{}\n",
            (i + 1) % n
        ));
    }
    let loop_path = dir.path().join("loop");
    std::fs::write(&loop_path, looped).unwrap();

    let mut cmd = awsp_cmd(Some(&chain_path), None);
    cmd.args(["show", "p50000"]);
    let run = run_within(cmd, Duration::from_secs(20));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.stdout.contains("50001. assume_role (profile p50000)"));

    let mut cmd = awsp_cmd(Some(&loop_path), None);
    cmd.args(["use", "p0"]);
    let run = run_within(cmd, Duration::from_secs(20));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("infinite loop: p0 -> p1"),
        "{}",
        run.stderr
    );
    // The message names the loop's ends, not 230,000 profiles.
    assert!(run.stderr.len() < 500, "{}", run.stderr.len());
}

// ---- credential_process ---------------------------------------------------------------------

#[test]
fn a_far_future_expiration_with_a_negative_offset_is_used() {
    let json = r#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","Expiration":"9999-12-31T23:59:59-00:01"}"#;
    let h = helpers(&[("far", &format!("echo '{json}'"))]);
    let run = run_within(h.cmd(&["use", "far", "--creds"]), Duration::from_secs(20));
    assert!(run.status.success(), "{:?} {}", run.status, run.stderr);
    assert!(
        run.stdout
            .contains("AWS_CREDENTIAL_EXPIRATION='9999-12-31T23:59:59Z'"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_credential_process_that_never_exits_times_out_and_is_killed() {
    let h = helpers(&[(
        "hang",
        "sleep 1000 &\necho $! > \"$TMPDIR_HELPERS/pid\"\nwait",
    )]);
    let mut cmd = h.cmd(&["use", "hang", "--creds"]);
    cmd.env("AWSP_PROCESS_TIMEOUT", "1");
    let run = run_within(cmd, Duration::from_secs(20));
    let pid = wait_for_pid(&h.path("pid"));
    let _reap = Reap(vec![pid]);
    let line = run.clean_error();
    assert!(line.contains("did not finish within 1 second"), "{line}");
    assert!(line.contains("hang.sh"), "names the program: {line}");
    assert!(!line.contains("hunter2"), "never its arguments: {line}");
    assert!(run.elapsed < Duration::from_secs(10));
    assert!(gone_soon(pid), "the process group was killed");
}

#[test]
fn a_bad_timeout_setting_is_an_error() {
    let h = helpers(&[("ok", &format!("echo '{VALID_JSON}'"))]);
    for bad in ["0", "-1", "abc", "1.5"] {
        let mut cmd = h.cmd(&["use", "ok", "--creds"]);
        cmd.env("AWSP_PROCESS_TIMEOUT", bad);
        let run = run_within(cmd, Duration::from_secs(20));
        assert!(
            run.clean_error().contains("AWSP_PROCESS_TIMEOUT"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_background_child_holding_stdout_does_not_make_awsp_wait() {
    let h = helpers(&[(
        "bg",
        &format!(
            "echo '{VALID_JSON}'\nsleep 30 2>/dev/null &\necho $! > \"$TMPDIR_HELPERS/pid\"\nexit 0"
        ),
    )]);
    let run = run_within(h.cmd(&["use", "bg", "--creds"]), Duration::from_secs(25));
    let _reap = Reap(vec![wait_for_pid(&h.path("pid"))]);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.stdout.contains("AKIDROBUST"), "{}", run.stdout);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn endless_output_is_cut_off_with_bounded_memory() {
    let h = helpers(&[("zero", "exec cat /dev/zero")]);
    // 512 MiB of address space: far more than awsp needs, far less than it would take
    // without the cap (~0.5 GB/s).
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 524288 && exec \"$0\" use zero --creds")
        .arg(common::awsp_bin());
    common::clean_env(&mut cmd, Some(&h.config), None);
    let run = run_within(cmd, Duration::from_secs(20));
    let line = run.clean_error();
    assert!(line.contains("more than 1 MiB"), "{line}");
}

#[test]
fn awsp_killed_while_waiting_takes_the_process_group_with_it() {
    let h = helpers(&[(
        "slow",
        "sleep 1000 &\necho $! > \"$TMPDIR_HELPERS/pid\"\nwait",
    )]);
    for (signal, number) in [
        ("TERM", libc::SIGTERM),
        ("INT", libc::SIGINT),
        ("HUP", libc::SIGHUP),
    ] {
        let _ = std::fs::remove_file(h.path("pid"));
        let mut child = h
            .cmd(&["use", "slow", "--creds"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = wait_for_pid(&h.path("pid"));
        let _reap = Reap(vec![pid]);
        // SAFETY: signals the awsp this test started.
        let sent = unsafe { libc::kill(child.id() as libc::pid_t, number) };
        assert_eq!(sent, 0);
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("awsp ignored SIG{signal}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(!status.success());
        assert!(
            gone_soon(pid),
            "SIG{signal}: the helper's group outlived awsp"
        );
    }
}

/// SIGKILL cannot be caught; on Linux the kernel still kills the command awsp started.
#[cfg(target_os = "linux")]
#[test]
fn awsp_killed_outright_takes_the_command_with_it() {
    let h = helpers(&[("slow", "echo $$ > \"$TMPDIR_HELPERS/pid\"\nexec sleep 1000")]);
    let mut child = h
        .cmd(&["use", "slow", "--creds"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = wait_for_pid(&h.path("pid"));
    let _reap = Reap(vec![pid]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(gone_soon(pid), "the command outlived awsp");
}

#[test]
fn errors_name_fields_and_never_echo_the_output() {
    let h = helpers(&[(
        "leaky",
        r#"printf '{"Version": {"SecretAccessKey": "LEAKED-SECRET"}, "AccessKeyId": "AKIDLEAK"}'"#,
    )]);
    let run = run_within(h.cmd(&["use", "leaky", "--creds"]), Duration::from_secs(20));
    let line = run.clean_error();
    assert!(line.contains("Version"), "{line}");
    assert!(
        !line.contains("LEAKED-SECRET") && !line.contains("AKIDLEAK"),
        "{line}"
    );
}

/// A credential_process that reads an MFA code from the terminal runs in its own process group;
/// it must get the terminal's foreground (else SIGTTIN stops it). Run on a pty with `script`.
#[test]
fn a_credential_process_can_prompt_on_the_terminal() {
    let Some(script) = common::require_tool("script") else {
        return;
    };
    let h = helpers(&[(
        "mfa",
        "printf 'MFA code: ' >/dev/tty\nread code </dev/tty\n\
         printf '{\"Version\":1,\"AccessKeyId\":\"AK%s\",\"SecretAccessKey\":\"SK\"}\\n' \"$code\"",
    )]);
    let out_file = h.path("out");
    let line = format!(
        "AWSP_PROCESS_TIMEOUT=10 '{}' use mfa --creds > '{}'",
        common::awsp_bin().display(),
        out_file.display()
    );
    let mut cmd = Command::new(script);
    cmd.args(["-qec", &line, "/dev/null"]);
    common::clean_env(&mut cmd, Some(&h.config), None);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Type the code once the prompt is there (script echoes the pty's output).
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        use std::io::Read;
        let started = Instant::now();
        while !String::from_utf8_lossy(&seen).contains("MFA code:") {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
            if started.elapsed() > Duration::from_secs(15) {
                break;
            }
        }
        let _ = stdin.write_all(b"123456\n");
        let mut rest = Vec::new();
        let _ = stdout.read_to_end(&mut rest);
        seen.extend_from_slice(&rest);
        String::from_utf8_lossy(&seen).into_owned()
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the prompting credential_process did not finish");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let terminal = reader.join().unwrap();
    let code = std::fs::read_to_string(&out_file).unwrap_or_default();
    assert!(status.success(), "terminal: {terminal}");
    assert!(
        code.contains("AWS_ACCESS_KEY_ID='AK123456'"),
        "code: {code}\nterminal: {terminal}"
    );
}

/// Ctrl-C at a credential_process's prompt reaches only its process group (it holds the
/// terminal): awsp reports the interruption and exits 130, as a shell would, with no code.
#[test]
fn a_credential_process_interrupted_by_ctrl_c_is_exit_130() {
    let h = helpers(&[("interrupted", "kill -INT $$")]);
    let run = run_within(
        h.cmd(&["use", "interrupted", "--creds"]),
        Duration::from_secs(20),
    );
    assert_eq!(run.status.code(), Some(130), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("was interrupted"), "{}", run.stderr);
}

/// Every file read beside the AWS files (token files, the CA bundle, cache entries) goes
/// through one bounded reader (`config::read_limited`): a FIFO there is refused at once
/// instead of blocking.
#[test]
fn a_fifo_as_a_token_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\nweb_identity_token_file = {}\n",
            fifo.display()
        ),
    )
    .unwrap();
    let mut cmd = awsp_cmd(Some(&config), None);
    cmd.args(["use", "web", "--creds"]);
    let run = run_within(cmd, Duration::from_secs(20));
    let line = run.clean_error();
    assert!(line.contains("not a regular file"), "{line}");
    assert!(run.elapsed < Duration::from_secs(10));
}

/// A signal the caller ignores stays ignored while a credential_process runs (`nohup`: a
/// hangup must not end awsp, nor its child).
#[test]
fn an_ignored_hangup_stays_ignored() {
    let h = helpers(&[(
        "slow",
        &format!("echo $$ > \"$TMPDIR_HELPERS/pid\"; sleep 1; printf '%s' '{VALID_JSON}'"),
    )]);
    // awsp's clean environment, for `sh`, which runs it with SIGHUP ignored (`trap '' HUP`
    // is inherited through exec, as under nohup).
    let cmd = h.cmd(&[]);
    let envs: Vec<_> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
        .collect();
    let shell = Command::new("sh")
        .arg("-c")
        .arg("trap '' HUP; exec \"$0\" creds slow")
        .arg(common::awsp_bin())
        .env_clear()
        .envs(envs)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_pid(&h.path("pid"));
    // SAFETY: a plain kill of our own child.
    unsafe { libc::kill(shell.id() as i32, libc::SIGHUP) };
    let out = shell.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("AKIDROBUST"));
}
