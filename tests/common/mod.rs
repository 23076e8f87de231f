//! Shared by the integration tests: the binary, the example files, and tools that may be
//! missing on a bare machine (skipped there, required under `CI=true`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod moto;
pub mod stub;

pub fn awsp_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_awsp"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(path)
}

pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The path of `tool` on PATH. Missing: `None` with `skipped: TOOL not installed` printed, or
/// a failure under `CI=true`, where every tool must be there.
pub fn require_tool(tool: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if under_ci() {
            panic!("{tool} is required under CI=true but is not installed");
        }
        eprintln!("skipped: {tool} not installed");
    }
    found
}

/// The Python of the project's virtual environment (`.venv`, made by `.ci/run`), which has
/// the tree-sitter PowerShell grammar; `AWSP_TEST_PYTHON` overrides it.
pub fn require_venv_python() -> Option<PathBuf> {
    let python = std::env::var_os("AWSP_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"));
    if python.is_file() {
        return Some(python);
    }
    if under_ci() {
        panic!(
            "{} is required under CI=true (.ci/run creates it)",
            python.display()
        );
    }
    eprintln!(
        "skipped: {} not installed (run .ci/run or see README)",
        python.display()
    );
    None
}

/// A command running awsp with a clean environment: HOME in a scratch dir, the given AWS
/// files, and none of the caller's AWS or AWSP variables.
pub fn awsp_cmd(config: Option<&Path>, credentials: Option<&Path>) -> Command {
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, config, credentials);
    cmd
}

/// A loopback port nothing listens on.
pub const DEAD_ENDPOINT: &str = "http://127.0.0.1:1";

pub fn clean_env(cmd: &mut Command, config: Option<&Path>, credentials: Option<&Path>) {
    cmd.env_clear();
    for keep in ["PATH", "LANG", "LC_ALL", "TERM"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    let home = std::env::temp_dir().join("awsp-test-home-without-aws");
    cmd.env("HOME", home);
    // Tests never reach the internet: any AWS call a test does not point elsewhere is refused
    // at once on loopback.
    cmd.env("AWS_ENDPOINT_URL", DEAD_ENDPOINT);
    cmd.env(
        "AWS_CONFIG_FILE",
        config.map_or(PathBuf::from("/nonexistent/awsp/config"), Path::to_path_buf),
    );
    cmd.env(
        "AWS_SHARED_CREDENTIALS_FILE",
        credentials.map_or(
            PathBuf::from("/nonexistent/awsp/credentials"),
            Path::to_path_buf,
        ),
    );
}

/// The example files shipped in `examples/aws/`.
pub fn example_files() -> (PathBuf, PathBuf) {
    let dir = repo_root().join("examples/aws");
    (dir.join("config"), dir.join("credentials"))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The stdout of a run that must have succeeded (else its stderr and stdout in the failure).
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\nstdout: {}",
        stderr(out),
        stdout(out)
    );
    stdout(out)
}

/// The stderr of a run that must have failed as awsp fails: exit 1, nothing on stdout.
pub fn failed(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(out));
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    stderr(out)
}

/// Run the commands at the same time (their outputs, in order).
pub fn run_together(commands: impl IntoIterator<Item = Command>) -> Vec<Output> {
    let children: Vec<_> = commands
        .into_iter()
        .map(|mut cmd| {
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect()
}

/// How many processes a `strace -f -e trace=fork,vfork,clone,clone3` log shows started: each
/// counted once (strace splits a call that overlaps another process's into "unfinished" and
/// "resumed" lines), threads left out.
pub fn new_processes(strace_log: &str) -> usize {
    strace_log
        .lines()
        .filter(|l| {
            (l.contains("clone") || l.contains("fork"))
                && !l.contains("resumed>")
                && !l.contains("CLONE_THREAD")
        })
        .count()
}

/// Run `cmd` in a session of its own, without a controlling terminal: what would open
/// `/dev/tty` (the picker, a prompt) finds none, also when the tests run on a terminal.
pub fn no_tty(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    cmd
}

/// Write `text` to `path` as an executable script (0755).
pub fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
