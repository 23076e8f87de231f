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
    for shell in ["sh", "bash", "zsh", "fish", "powershell"] {
        insta::assert_snapshot!(
            format!("use_dev_alice_{shell}"),
            emitted(shell, &["use", "dev-alice"], &before)
        );
        insta::assert_snapshot!(
            format!("use_creds_dev_bob_{shell}"),
            emitted(shell, &["use", "dev-bob", "--creds"], &[])
        );
        insta::assert_snapshot!(format!("unset_{shell}"), emitted(shell, &["unset"], &before));
    }
}
