//! What `use` and `unset` print for each shell, as snapshots (the real-shell proof of the
//! same code is in quoting.rs and switch.rs).

mod common;

use common::{awsp_cmd, example_files, stderr, stdout};

fn emitted(shell: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let (config, credentials) = example_files();
    let mut cmd = awsp_cmd(Some(&config), Some(&credentials));
    cmd.args(args).args(["--shell", shell]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("awsp runs");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn use_output_per_shell() {
    // Coming from a --creds switch to dev-bob, with another switcher's marker left behind.
    let before = [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
        ("AWS_SESSION_TOKEN", "zz1"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWSP_REGION", "us-east-1"),
        ("AWSP_PROFILE", "dev-bob"),
        ("AWSP_MODE", "creds"),
        ("AWSUME_PROFILE", "old"),
    ];
    for shell in awsp::shell::Shell::ALL.iter().map(|s| s.name()) {
        insta::assert_snapshot!(
            format!("use_dev_alice_{shell}"),
            emitted(shell, &["use", "dev-alice"], &before)
        );
        insta::assert_snapshot!(
            format!("use_creds_dev_bob_{shell}"),
            emitted(shell, &["use", "dev-bob", "--creds"], &[])
        );
        insta::assert_snapshot!(
            format!("unset_{shell}"),
            emitted(shell, &["unset"], &before)
        );
    }
}

/// PowerShell cannot run here, so emitted code is parsed with the tree-sitter grammar: hostile
/// values must give exactly one assignment per variable, and nothing else.
#[test]
fn powershell_code_parses_to_exactly_the_intended_statements() {
    use awsp::env::EnvChange;
    use awsp::shell::Shell;
    let Some(python) = common::require_venv_python() else {
        return;
    };
    let hostile = [
        "it's",
        "\u{2018}x\u{2019}",
        "a\u{201A}\u{201B}b",
        "'; Remove-Item -Recurse C:\\ ; '",
        "$(Get-Process)",
        "`n`r`$x",
        "line1\nline2",
        "cr\rlf\r\n",
        "\u{1b}[31mred",
        "@'\n'@",
        "\"double\" $env:HOME",
        "#comment",
        "tab\there",
        "caf\u{e9} \u{1F600}",
        "''''",
        "\u{7f}",
    ];
    let mut change = EnvChange::new();
    for (i, value) in hostile.iter().enumerate() {
        change.set(&format!("AWSP_T{i}"), *value);
    }
    change.unset("AWSP_GONE");
    let code = Shell::PowerShell.render(&change);
    assert_eq!(
        code.lines().count(),
        hostile.len() + 1,
        "one line per statement"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("use.ps1");
    std::fs::write(&path, &code).unwrap();
    let out = std::process::Command::new(python)
        .arg(common::repo_root().join("tests/tools/ps_parse.py"))
        .arg("--statements")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{code}", stderr(&out));
    let mut want: Vec<String> = (0..hostile.len())
        .map(|i| format!("assign $env:AWSP_T{i}"))
        .collect();
    want.push("command Remove-Item".into());
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), want, "{code}");
}
