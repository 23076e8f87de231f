//! `awsp doctor` tells whether the calling shell has loaded the integration: every wrapper
//! passes `doctor` through as `awsp --wrapper SHELL doctor ...`, so through the loaded
//! integration there is no `integration-not-loaded` finding, and from the binary itself there
//! is one. In each real shell installed here.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{awsp_bin, clean_env, fixture, require_tool};

/// Each shell: its program, the flags to run a script file without the user's rc files, the
/// lines loading the integration (`awsp` is on PATH; `{init}` is `awsp init SHELL` saved to a
/// file, for nushell's parse-time `source`) and a line running the binary past the wrapper.
const SHELLS: &[(&str, &[&str], &str, &str)] = &[
    (
        "bash",
        &["--norc", "--noprofile"],
        "eval \"$(awsp init bash)\"",
        "command awsp",
    ),
    ("zsh", &["-f"], "eval \"$(awsp init zsh)\"", "command awsp"),
    (
        "fish",
        &["--no-config"],
        "awsp init fish | source",
        "command awsp",
    ),
    ("nu", &["-n"], "source '{init}'", "^awsp"),
    (
        "elvish",
        &["-norc"],
        "var awsp~ = $nil\neval (e:awsp init elvish | slurp) &on-end={|ns| set awsp~ = $ns[awsp~] }",
        "e:awsp",
    ),
    (
        "xonsh",
        &["--no-rc", "--no-script-cache"],
        "execx($(awsp init xonsh))",
        "@($TEST_AWSP_BIN)",
    ),
    ("tcsh", &["-f"], "eval \"`awsp init tcsh`\"", "''awsp"),
];

/// The codes of `CALL doctor --json` after loading the integration in `tool`.
fn codes(tool: &str, path: &Path, flags: &[&str], load: &str, call: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
    let search = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let init = dir.path().join("awsp-init");
    let saved = Command::new(awsp_bin())
        .args(["init", tool])
        .env("PATH", &search)
        .output()
        .unwrap();
    assert!(saved.status.success(), "{}", common::stderr(&saved));
    std::fs::write(&init, &saved.stdout).unwrap();
    let script = dir.path().join("script");
    std::fs::write(
        &script,
        format!(
            "{}\n{call} doctor --json\n",
            load.replace("{init}", init.to_str().unwrap())
        ),
    )
    .unwrap();
    let mut cmd = Command::new(path);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    let out = cmd
        .env("PATH", &search)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("TEST_AWSP_BIN", awsp_bin())
        .current_dir(dir.path())
        .args(flags)
        .arg(&script)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "{tool} {call}: not a JSON array ({err}):\n{}\nstderr: {}",
            common::stdout(&out),
            common::stderr(&out)
        )
    });
    findings
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn doctor_through_the_loaded_integration_has_no_integration_not_loaded() {
    for (tool, flags, load, direct) in SHELLS {
        let Some(path) = require_tool(tool) else {
            continue;
        };
        let wrapped = codes(tool, &path, flags, load, "awsp");
        assert!(
            !wrapped.iter().any(|c| c == "integration-not-loaded"),
            "{tool}: through the integration: {wrapped:?}"
        );
        let unwrapped = codes(tool, &path, flags, load, direct);
        assert!(
            unwrapped.iter().any(|c| c == "integration-not-loaded"),
            "{tool}: {direct}: {unwrapped:?}"
        );
    }
}
