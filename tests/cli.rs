//! The core commands through the binary: `list`, `show`, `current`, and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::{awsp_cmd, fixture, stderr, stdout};
use serde_json::Value;

fn core() -> (PathBuf, PathBuf) {
    (fixture("core/config"), fixture("core/credentials"))
}

fn run(config: Option<&Path>, credentials: Option<&Path>, args: &[&str]) -> Output {
    awsp_cmd(config, credentials)
        .args(args)
        .output()
        .expect("awsp runs")
}

fn run_core(args: &[&str]) -> Output {
    run_core_with(&[], args)
}

/// `awsp ARGS` on the core fixtures, with these variables in its environment.
fn run_core_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    let (config, credentials) = core();
    awsp_cmd(Some(&config), Some(&credentials))
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("awsp runs")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "failed: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Exit 1, nothing on stdout, one line on stderr starting `awsp: `; returns that line.
fn assert_clean_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(out));
    assert!(
        out.stdout.is_empty(),
        "stdout must be empty: {}",
        stdout(out)
    );
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err:?}");
    assert!(err.starts_with("awsp: "), "{err}");
    err
}

#[test]
fn list_prints_sorted_names_only() {
    let out = run_core(&["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "admin\ndefault\ndev-alice\ndev-bob\nlegacy-sso\nloop-a\nloop-b\nproc\nsettings-only\nsso-dev\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn list_with_no_files_is_empty_not_an_error() {
    let out = run(None, None, &["list"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn list_long_is_a_table_with_the_active_marker() {
    let out = run_core_with(&[("AWS_PROFILE", "dev-bob")], &["list", "--long"]);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn list_json_has_the_documented_shape_and_masks_secrets() {
    let doc = json(&run_core(&["list", "--json"]));
    let (config, credentials) = core();
    assert_eq!(doc["config_file"], config.display().to_string());
    assert_eq!(doc["credentials_file"], credentials.display().to_string());
    let profiles = doc["profiles"].as_array().unwrap();
    let by_name = |n: &str| {
        profiles
            .iter()
            .find(|p| p["name"] == n)
            .unwrap_or_else(|| panic!("{n} listed"))
            .clone()
    };
    let kinds: Vec<(String, String)> = profiles
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("admin", "assume_role"),
        ("default", "static"),
        ("dev-alice", "static"),
        ("dev-bob", "session"),
        ("legacy-sso", "sso"),
        ("loop-a", "assume_role"),
        ("loop-b", "assume_role"),
        ("proc", "credential_process"),
        ("settings-only", "config_only"),
        ("sso-dev", "sso"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(kinds, expect);
    let alice = by_name("dev-alice");
    assert_eq!(alice["region"], "eu-west-1");
    assert_eq!(
        alice["sources"],
        serde_json::json!(["config", "credentials"])
    );
    assert_eq!(
        alice["settings"]["region"], "eu-west-1",
        "keys are lower-cased"
    );
    assert_eq!(alice["settings"]["aws_secret_access_key"], "********");
    assert_eq!(
        by_name("dev-bob")["settings"]["aws_session_token"],
        "********"
    );
    assert_eq!(by_name("admin")["sources"], serde_json::json!(["config"]));
    assert_eq!(
        by_name("settings-only")["settings"]["s3"],
        "\nmax_concurrent_requests = 20\naddressing_style = path"
    );
    assert_eq!(by_name("admin")["region"], "eu-central-1");
    assert_eq!(by_name("proc")["region"], Value::Null);
    assert_eq!(
        doc["sso_sessions"],
        serde_json::json!([{"name": "corp", "settings": {
            "sso_region": "us-east-1", "sso_start_url": "https://corp.awsapps.com/start"}}])
    );
    let text = stdout(&run_core(&["list", "--json"]));
    assert!(!text.contains("SECRET"), "no secret in the output");

    let revealed = json(&run_core(&["list", "--json", "--reveal"]));
    let bob = revealed["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "dev-bob")
        .unwrap()
        .clone();
    assert_eq!(
        bob["settings"]["aws_session_token"], "zz1",
        "the comment is not part of it"
    );
}

#[test]
fn show_json_gives_the_chain_base_first() {
    let doc = json(&run_core(&["show", "admin", "--json"]));
    assert_eq!(doc["name"], "admin");
    assert_eq!(doc["kind"], "assume_role");
    assert_eq!(doc["region"], "eu-central-1");
    assert_eq!(doc["chain_error"], Value::Null);
    assert_eq!(
        doc["chain"],
        serde_json::json!([
            {"type": "static", "profile": "dev-alice",
             "aws_access_key_id": "AKIAALICEEXAMPLE0001", "aws_secret_access_key": "********"},
            {"type": "assume_role", "profile": "admin",
             "role_arn": "arn:aws:iam::123456789012:role/Admin",
             "mfa_serial": "arn:aws:iam::123456789012:mfa/alice", "duration_seconds": "3600"}
        ])
    );

    let sso = json(&run_core(&["show", "sso-dev", "--json"]));
    assert_eq!(
        sso["chain"],
        serde_json::json!([{"type": "sso", "profile": "sso-dev", "sso_session": "corp",
            "sso_start_url": "https://corp.awsapps.com/start", "sso_region": "us-east-1",
            "sso_account_id": "111122223333", "sso_role_name": "Developer"}])
    );
    let legacy = json(&run_core(&["show", "legacy-sso", "--json"]));
    assert_eq!(
        legacy["chain"][0]["sso_start_url"],
        "https://legacy.awsapps.com/start"
    );

    let proc_ = json(&run_core(&["show", "proc", "--json"]));
    assert_eq!(
        proc_["chain"],
        serde_json::json!([{"type": "credential_process", "profile": "proc",
            "credential_process": "/usr/local/bin/get-creds --profile proc"}])
    );
    let revealed = json(&run_core(&["show", "dev-bob", "--json", "--reveal"]));
    assert_eq!(revealed["chain"][0]["aws_session_token"], "zz1");
}

#[test]
fn show_explains_profiles_without_a_usable_chain() {
    let doc = json(&run_core(&["show", "settings-only", "--json"]));
    assert_eq!(doc["chain"], Value::Null);
    assert_eq!(
        doc["chain_error"],
        "profile `settings-only` did not contain credential information"
    );
    let doc = json(&run_core(&["show", "loop-a", "--json"]));
    assert!(
        doc["chain_error"]
            .as_str()
            .unwrap()
            .contains("infinite loop"),
        "{doc}"
    );
}

#[test]
fn show_readable_names_where_each_setting_comes_from() {
    let out = run_core(&["show", "dev-alice"]);
    assert!(out.status.success());
    let text = stdout(&out).replace(&fixture("core").display().to_string(), "FIXTURES");
    insta::assert_snapshot!(text);
    assert!(!text.contains("aliceSECRET"));
}

#[test]
fn current_reports_what_the_environment_selects() {
    let (config, credentials) = core();
    let out = run_core_with(&[("AWS_PROFILE", "dev-alice")], &["current", "--json"]);
    let doc = json(&out);
    assert_eq!(
        doc,
        serde_json::json!({"profile": "dev-alice", "region": "eu-west-1",
            "config_file": config.display().to_string(),
            "credentials_file": credentials.display().to_string(), "defined": true})
    );
    let out = run_core_with(
        &[("AWS_PROFILE", "ghost"), ("AWS_REGION", "ap-east-1")],
        &["current", "--json"],
    );
    let doc = json(&out);
    assert_eq!(doc["profile"], "ghost");
    assert_eq!(doc["defined"], false);
    assert_eq!(doc["region"], "ap-east-1");
    let out = run_core_with(&[("AWS_PROFILE", "ghost")], &["current"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("not defined"), "{}", stdout(&out));
    let out = run_core_with(
        &[
            ("AWS_PROFILE", "dev-alice"),
            ("AWS_DEFAULT_PROFILE", "dev-bob"),
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ],
        &["current"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("AWS_DEFAULT_PROFILE=dev-bob is set")
            && text.contains("AWS_ACCESS_KEY_ID is set"),
        "{text}"
    );
    let doc = json(&run_core(&["current", "--json"]));
    assert_eq!(doc["profile"], "default");
    assert_eq!(doc["region"], "us-west-2");
}

#[test]
fn bom_crlf_and_tabs_are_read() {
    let out = run(
        Some(&fixture("core/bom-crlf-tabs.config")),
        None,
        &["list", "--json"],
    );
    let doc = json(&out);
    let profiles = doc["profiles"].as_array().unwrap();
    assert_eq!(profiles[0]["name"], "crlf");
    assert_eq!(profiles[0]["region"], "sa-east-1");
    assert_eq!(
        profiles[0]["settings"]["s3"],
        "\nmax_concurrent_requests = 10"
    );
    assert_eq!(profiles[1]["name"], "tabbed");
}

#[test]
fn unknown_profile_suggests_close_names() {
    let err = assert_clean_error(&run_core(&["show", "dev-alise"]));
    assert!(err.contains("'dev-alice'"), "{err}");
    let err = assert_clean_error(&run_core(&["show", "zzz"]));
    assert!(err.contains("not found"), "{err}");
    let err = assert_clean_error(&run(None, None, &["show", "dev"]));
    assert!(
        err.contains("there are no profiles in /nonexistent/awsp/config (missing)"),
        "{err}"
    );
}

#[test]
fn malformed_file_error_names_file_and_line() {
    let path = fixture("core/missing-equals.config");
    let err = assert_clean_error(&run(Some(&path), None, &["list"]));
    assert!(
        err.contains(&format!(
            "{}:5: Expected an '=' sign defining a property",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn files_under_home_are_shown_with_a_tilde() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), "[profile x]\n= nothing\n").unwrap();
    let out = common::awsp_bin();
    let out = std::process::Command::new(out)
        .env_clear()
        .env("HOME", home.path())
        .arg("list")
        .output()
        .unwrap();
    let err = assert_clean_error(&out);
    assert!(
        err.contains("~/.aws/config:2: Property did not have a name"),
        "{err}"
    );
}

#[test]
fn bad_bytes_and_non_files_are_clear_errors() {
    let err = assert_clean_error(&run(Some(&fixture("core/latin1.config")), None, &["list"]));
    assert!(err.contains("latin1.config:2: not valid UTF-8"), "{err}");
    let err = assert_clean_error(&run(
        Some(&fixture("core/binary-garbage.config")),
        None,
        &["list"],
    ));
    assert!(
        err.contains("not valid UTF-8") || err.contains("NUL"),
        "{err}"
    );
    let err = assert_clean_error(&run(
        Some(&fixture("core/nul-bytes.config")),
        None,
        &["list"],
    ));
    assert!(
        err.contains("nul-bytes.config:2: contains a NUL byte"),
        "{err}"
    );
    let err = assert_clean_error(&run(Some(&fixture("core")), None, &["list"]));
    assert!(err.contains("is a directory"), "{err}");

    // A file that cannot be opened (as root, permissions never stop a read; a path through a
    // regular file fails for everyone).
    let through_file = fixture("core/config").join("config");
    let err = assert_clean_error(&run(Some(&through_file), None, &["list"]));
    assert!(
        err.contains(&format!("could not read {}", through_file.display()))
            && err.contains("Not a directory"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("config");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let err = assert_clean_error(&run(Some(&big), None, &["list"]));
    assert!(err.contains("50.0 MiB"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = run_core(&["show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = run_core(&["list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let text: String = (0..20_000)
        .map(|i| format!("[profile profile-number-{i:06}]\nregion = us-east-1\n"))
        .collect();
    std::fs::write(&config, text).unwrap();
    let mut child = awsp_cmd(Some(&config), None)
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "status {:?}", out.status);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn an_unreadable_file_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile a]\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&config).is_ok() {
        eprintln!("skipped: running as root, permissions do not stop reads");
        return;
    }
    let err = assert_clean_error(&run(Some(&config), None, &["list"]));
    assert!(
        err.contains("could not read") && err.contains("Permission denied"),
        "{err}"
    );
}

#[test]
fn use_warns_about_a_profile_whose_chain_is_broken() {
    let out = run_core(&["use", "loop-a", "--shell", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("export AWS_PROFILE='loop-a'"));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("awsp: warning: profile 'loop-a' cannot give credentials")
            && err.contains("infinite loop"),
        "{err}"
    );
    // A profile with settings only is a normal choice: nothing to warn about.
    let out = run_core(&["use", "settings-only", "--shell", "bash"]);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
}

/// The completion scripts call `awsp complete`; PowerShell before 7.3 drops an empty last
/// argument, so a missing word at `--index` must count as the empty word being completed.
#[test]
fn complete_offers_profiles_with_descriptions_even_without_the_empty_word() {
    for words in [&["awsp", "use", ""][..], &["awsp", "use"][..]] {
        let out = awsp_cmd(Some(&core().0), Some(&core().1))
            .args(["complete", "--index", "2", "--describe", "--"])
            .args(words)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.lines().any(|l| l == "dev-alice"), "{words:?}: {text}");
        assert!(text.lines().any(|l| l == "sso-dev"), "{words:?}: {text}");
    }
    let out = run_core(&["complete", "--index", "1", "--describe", "--", "awsp", "sh"]);
    assert!(
        stdout(&out).lines().any(|l| l.starts_with("show\t")),
        "subcommands come with their help: {}",
        stdout(&out)
    );
}

#[test]
fn pwsh_is_another_name_for_powershell() {
    let init = |shell: &str| stdout(&run_core(&["init", shell]));
    assert_eq!(init("pwsh"), init("powershell"));
    assert!(init("pwsh").contains("Register-ArgumentCompleter"));
}

#[test]
fn reveal_only_goes_with_json() {
    assert_eq!(run_core(&["list", "--reveal"]).status.code(), Some(2));
    assert!(run_core(&["list", "--json", "--reveal"]).status.success());
}

#[test]
fn suggestions_ignore_case() {
    for args in [
        &["show", "DEV-ALICE"][..],
        &["show", "Dev-Bob"],
        &["use", "DEV-ALICE"],
    ] {
        let err = assert_clean_error(&run_core(args));
        let want = format!("did you mean '{}'", args[1].to_lowercase());
        assert!(err.contains(&want), "{args:?}: {err}");
    }
}

/// The did-you-mean search once took time in the product of the lengths (a 100,000-character
/// argument against a 4 MB name: 15 s in a release build, minutes in a debug one).
#[test]
fn suggestions_for_huge_names_finish_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let long_name = "a".repeat(4 << 20);
    std::fs::write(
        &config,
        format!("[profile {long_name}]\nregion = eu-west-1\n[profile dev-alice]\n"),
    )
    .unwrap();
    let typed = format!("{}b", "a".repeat(100_000));
    // Into files, not pipes: the error line (it names the argument) outgrows a pipe's buffer.
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let mut child = awsp_cmd(Some(&config), None)
        .args(["show", &typed])
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    // Generous: a regression test, not a benchmark.
    let limit = std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("did-you-mean took over {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = Output {
        status: child.wait().unwrap(),
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    };
    let err = assert_clean_error(&out);
    assert!(err.contains("not found"), "{}", &err[..err.len().min(200)]);
}
