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

/// The imported-expiry fixture plus `[fresh-session]`, whose credentials expire in 3 hours.
fn imported_expiry() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("credentials");
    let at = (time::OffsetDateTime::now_utc() + time::Duration::hours(3))
        .replace_nanosecond(0)
        .expect("time")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    let text =
        std::fs::read_to_string(fixture("list/imported-expiry.credentials")).expect("fixture");
    std::fs::write(
        &path,
        format!(
            "{text}\n[fresh-session]\naws_access_key_id = ASIAFRESH00000000000\n\
             aws_secret_access_key = freshSecretExample\naws_session_token = freshTokenExample\n\
             x_security_token_expires = {at}\n"
        ),
    )
    .expect("write");
    (dir, path)
}

#[test]
fn list_long_shows_the_time_left_on_imported_credentials() {
    let (_dir, credentials) = imported_expiry();
    let out = run(None, Some(&credentials), &["list", "--long"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let fresh = text
        .lines()
        .find(|l| l.contains("fresh-session"))
        .expect("fresh-session row");
    assert!(
        fresh.contains("session (2h59m)") || fresh.contains("session (3h00m)"),
        "{text}"
    );
    // The rest is fixed: the snapshot (the fresh row, whose minutes move, left out).
    let fixed: String = text
        .lines()
        .filter(|l| !l.contains("fresh-session"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(fixed);
}

#[test]
fn list_json_has_the_expiry_of_imported_credentials() {
    let (_dir, credentials) = imported_expiry();
    let doc = json(&run(None, Some(&credentials), &["list", "--json"]));
    let expires = |name: &str| {
        doc["profiles"]
            .as_array()
            .expect("profiles")
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"))["expires"]
            .clone()
    };
    assert_eq!(expires("expired-session"), "2001-02-03T04:05:06Z");
    assert_eq!(expires("plain"), Value::Null);
    assert_eq!(expires("unreadable-expiry"), Value::Null);
    let fresh = expires("fresh-session");
    let at = time::OffsetDateTime::parse(
        fresh.as_str().expect("a string"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
    let left = at - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(170) && left <= time::Duration::hours(3),
        "{fresh}"
    );
}

/// A hand-edited expiry at the edge of what a time can hold (valid RFC 3339, one minute past
/// the largest UTC time) is shown, not a crash, by every command that reads it.
#[test]
fn expiries_at_the_edge_of_time_do_not_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        "[edge]\naws_access_key_id = ASIAEDGE000000000000\naws_secret_access_key = s\n\
         aws_session_token = t\nx_security_token_expires = 9999-12-31T23:59:59-00:01\n",
    )
    .expect("write");
    for args in [
        &["list", "--json"][..],
        &["list", "--long"],
        &["show", "edge"],
        &["show", "edge", "--json"],
        &["use", "edge"],
        &["creds", "edge"],
        &["doctor"],
    ] {
        let out = run(None, Some(&credentials), args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let doc = json(&run(None, Some(&credentials), &["list", "--json"]));
    assert_eq!(doc["profiles"][0]["expires"], "9999-12-31T23:59:59Z");
    let doc = json(&run(None, Some(&credentials), &["show", "edge", "--json"]));
    assert_eq!(doc["expires"], "9999-12-31T23:59:59Z", "as in list --json");
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
            "credential_process": "/usr/local/bin/get-creds ********"}]),
        "the arguments are masked, as the SDKs redact them"
    );
    let revealed = json(&run_core(&["show", "proc", "--json", "--reveal"]));
    assert_eq!(
        revealed["chain"][0]["credential_process"],
        "/usr/local/bin/get-creds --profile proc"
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
            "region_source": "profile", "region_profile": "dev-alice",
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
    assert_eq!(doc["region_source"], "AWS_REGION");
    assert_eq!(doc["region_profile"], Value::Null);
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

/// As root, permissions never stop a read: then awsp runs as `nobody` (through `setpriv`), so
/// that the path is covered in CI too.
#[test]
fn an_unreadable_file_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile a]\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = if std::fs::read(&config).is_ok() {
        let Some(setpriv) = common::require_tool("setpriv") else {
            return;
        };
        // A copy of the binary where `nobody` can run it, wherever the repository is.
        let bin = dir.path().join("awsp");
        std::fs::copy(common::awsp_bin(), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = std::process::Command::new(setpriv);
        common::clean_env(&mut cmd, Some(&config), None);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin);
        cmd
    } else {
        awsp_cmd(Some(&config), None)
    };
    let err = assert_clean_error(&cmd.arg("list").output().unwrap());
    assert!(
        err.contains(&format!("could not read {}", config.display()))
            && err.contains("Permission denied"),
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

fn secrets() -> (PathBuf, PathBuf) {
    (fixture("secrets/config"), fixture("secrets/credentials"))
}

/// Every value in `tests/fixtures/secrets/` marked `LEAK-01` .. `LEAK-19`.
const LEAKS: usize = 19;

/// What `awsp ARGS` printed (stdout and stderr), on the secrets fixture with `env`.
fn secrets_output(env: &[(&str, &str)], args: &[&str]) -> String {
    let (config, credentials) = secrets();
    let out = awsp_cmd(Some(&config), Some(&credentials))
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("awsp runs");
    format!("{}{}", stdout(&out), stderr(&out))
}

/// One rule masks every secret-looking key and sub-property, in every output path.
#[test]
fn secrets_are_masked_in_every_output_without_reveal() {
    let profiles = ["default", "subs", "names", "proc", "chain", "sso", "keys"];
    // (environment, arguments)
    type Invocation<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let mut runs: Vec<Invocation<'_>> = vec![
        (vec![], vec!["list"]),
        (vec![], vec!["list", "--long"]),
        (vec![], vec!["list", "--json"]),
    ];
    for p in profiles {
        runs.push((vec![], vec!["show", p]));
        runs.push((vec![], vec!["show", p, "--json"]));
        runs.push((vec![], vec!["show", "--profile", p]));
        runs.push((vec![("AWS_PROFILE", p)], vec!["current"]));
        runs.push((vec![("AWS_PROFILE", p)], vec!["current", "--json"]));
        runs.push((vec![("AWS_PROFILE", p)], vec!["list", "--long"]));
        runs.push((vec![], vec!["use", p, "--shell", "bash"]));
        runs.push((vec![], vec!["use", p, "--shell", "fish"]));
    }
    // Errors and warnings: a failing credential_process, unsupported chains.
    for p in ["proc", "sso", "chain", "subs"] {
        runs.push((vec![], vec!["use", p, "--creds", "--shell", "bash"]));
        runs.push((vec![], vec!["exec", p, "--", "true"]));
    }
    for (env, args) in &runs {
        let text = secrets_output(env, args);
        assert!(
            !text.contains("LEAK-"),
            "awsp {args:?} shows a secret:\n{text}"
        );
    }

    // The test can fail: with --reveal every marked value is there.
    let mut revealed = secrets_output(&[], &["list", "--json", "--reveal"]);
    for p in profiles {
        revealed += &secrets_output(&[], &["show", p, "--reveal"]);
    }
    for n in 1..=LEAKS {
        let marker = format!("LEAK-{n:02}");
        assert!(
            revealed.contains(&marker),
            "{marker} not in the fixture output"
        );
    }
    // And what is not secret is still shown.
    let text = secrets_output(&[], &["show", "subs"]);
    assert!(
        text.contains("max_concurrent_requests = 10")
            && text.contains("aws_secret_access_key = ********"),
        "{text}"
    );
    let doc = json(&run(
        Some(&secrets().0),
        Some(&secrets().1),
        &["show", "names", "--json"],
    ));
    assert_eq!(doc["settings"]["aws_access_key_id"], "AKIDNAMESNOTSECRET");
    assert_eq!(
        doc["settings"]["endpoint_url"],
        "https://user:********@example.com/path"
    );
}

/// Characters a terminal acts on: none may reach the human output raw.
fn assert_no_terminal_controls(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {text:?}");
}

#[test]
fn control_characters_from_files_and_the_environment_are_escaped_for_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let role = "arn:aws:iam::1:role/\x1b[2J\x1b]0;owned\x07\u{9b}31m\u{202e}evil";
    let session = "corp\x1b[31m\u{2066}";
    std::fs::write(
        &config,
        format!(
            "[profile hostile]\nrole_arn = {role}\nsource_profile = base\nregion = eu\x1b[1m\n\
             [profile base]\naws_access_key_id = AKID\naws_secret_access_key = s\n\
             [profile sso]\nsso_session = {session}\nsso_account_id = 1\nsso_role_name = r\n"
        ),
    )
    .unwrap();
    let run_here = |env: &[(&str, &str)], args: &[&str]| {
        awsp_cmd(Some(&config), None)
            .envs(env.iter().copied())
            .args(args)
            .output()
            .unwrap()
    };
    for args in [
        &["show", "hostile"][..],
        &["show", "sso"],
        &["list", "--long"],
        &["show", "hostile", "--json"],
        &["list", "--json"],
    ] {
        let out = run_here(&[], args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_no_terminal_controls(&format!("{args:?}"), &stdout(&out));
    }
    let text = stdout(&run_here(&[], &["show", "hostile"]));
    assert!(
        text.contains("role/\\e[2J\\e]0;owned\\x07\\u{9b}31m\\u{202e}evil"),
        "escaped, not dropped: {text}"
    );
    // JSON stays the exact value (escaped the JSON way).
    let doc = json(&run_here(&[], &["show", "hostile", "--json"]));
    assert_eq!(doc["settings"]["role_arn"], role);
    assert_eq!(doc["chain"][1]["role_arn"], role);
    let doc = json(&run_here(&[], &["show", "sso", "--json"]));
    assert_eq!(doc["settings"]["sso_session"], session);

    // Errors and warnings: the whole line is escaped.
    let out = run_here(&[], &["use", "sso", "--creds"]);
    let err = assert_clean_error(&out);
    assert_no_terminal_controls("error", err.trim_end_matches('\n'));
    let out = run_here(&[], &["use", "sso", "--shell", "bash"]);
    let err = stderr(&out);
    assert!(err.contains("corp\\e[31m\\u{2066}"), "{err}");
    assert_no_terminal_controls("warning", err.trim_end_matches('\n'));
    let err = assert_clean_error(&run_here(&[], &["show", "no\x1b[2Jsuch"]));
    assert!(err.contains("no\\e[2Jsuch"), "{err}");

    // The environment: `current` shows a hostile AWS_PROFILE escaped.
    let out = run_here(
        &[("AWS_PROFILE", "x\x1b]0;t\x07"), ("AWS_REGION", "r\u{85}")],
        &["current"],
    );
    assert!(out.status.success());
    assert_no_terminal_controls("current", &stdout(&out));
    let doc = json(&run_here(
        &[("AWS_PROFILE", "x\x1b]0;t\x07")],
        &["current", "--json"],
    ));
    assert_eq!(doc["profile"], "x\x1b]0;t\x07");
}

/// Every valid name has a way in: `--profile NAME` (or `-p NAME`) for names that start with `-`.
#[test]
fn profiles_named_like_flags_are_reached_with_the_profile_option() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile -o]\nregion = eu-west-3\naws_access_key_id = AKIDDASHO\naws_secret_access_key = s\n\
         [profile -]\naws_access_key_id = AKIDDASH\naws_secret_access_key = s\n",
    )
    .unwrap();
    let run_here = |args: &[&str]| awsp_cmd(Some(&config), None).args(args).output().unwrap();

    let out = run_here(&["use", "--profile", "-o", "--shell", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("export AWS_PROFILE='-o'"),
        "{}",
        stdout(&out)
    );
    let out = run_here(&["use", "-p", "-o", "--shell", "bash"]);
    assert!(
        stdout(&out).contains("export AWS_PROFILE='-o'"),
        "{}",
        stderr(&out)
    );
    let out = run_here(&["use", "--profile=-", "--shell", "bash"]);
    assert!(
        stdout(&out).contains("export AWS_PROFILE='-'"),
        "`--profile -` is the profile named `-`, not `use -`: {}",
        stderr(&out)
    );

    let out = run_here(&["show", "--profile", "-o"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("profile   -o\n"),
        "{}",
        stdout(&out)
    );
    let doc = json(&run_here(&["show", "-p", "-o", "--json"]));
    assert_eq!(doc["name"], "-o");

    let out = run_here(&[
        "exec",
        "--profile",
        "-o",
        "--",
        "sh",
        "-c",
        "printf '%s %s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_REGION\"",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "AKIDDASHO eu-west-3");
    let out = run_here(&["exec", "--profile", "-o", "--", "true"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Exactly one of the two: both, or neither, is a usage error.
    for args in [
        &["use", "-o", "--profile", "-o"][..],
        &["show", "x", "-p", "-o"],
        &["exec", "x", "--profile", "-o", "--", "true"],
        &["show"],
        &["use"],
        &["exec", "--", "true"],
    ] {
        let out = run_here(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

/// `script` run by real bash on the core fixtures, with `$AWSP` the binary and `env` added;
/// `None` (skipped) without bash.
fn bash_on_core(env: &[(&str, &std::ffi::OsStr)], script: &str) -> Option<Output> {
    let (config, credentials) = core();
    bash_with(&config, &credentials, env, script)
}

fn bash_with(
    config: &Path,
    credentials: &Path,
    env: &[(&str, &std::ffi::OsStr)],
    script: &str,
) -> Option<Output> {
    let bash = common::require_tool("bash")?;
    let mut cmd = std::process::Command::new(bash);
    common::clean_env(&mut cmd, Some(config), Some(credentials));
    cmd.env("AWSP", common::awsp_bin());
    for (name, value) in env {
        cmd.env(name, value);
    }
    Some(cmd.arg("-c").arg(script).output().unwrap())
}

fn bytes(b: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b)
}

/// A stale variable is cleared by name whatever its bytes: a value that is not UTF-8, or
/// empty (botocore reads an empty `AWS_PROFILE` as a profile named ``).
#[test]
fn stale_variables_are_cleared_whatever_their_bytes() {
    let stale: &[(&str, &std::ffi::OsStr)] = &[
        ("AWS_SESSION_TOKEN", bytes(b"old-token-\xff\xfe")),
        ("AWS_SECURITY_TOKEN", bytes(b"\x80")),
        ("AWS_ACCOUNT_ID", bytes(b"\xc3")),
        ("AWS_DEFAULT_PROFILE", bytes(b"")),
        ("AWSUME_PROFILE", bytes(b"\xff")),
    ];
    let report = "for v in AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ACCOUNT_ID AWS_DEFAULT_PROFILE AWSUME_PROFILE; do \
                  if [ -n \"${!v+set}\" ]; then echo \"left: $v\"; fi; done; echo \"profile=${AWS_PROFILE-}\"";
    for (step, want) in [
        (
            "code=$(\"$AWSP\" use dev-alice) || exit 9; eval \"$code\"",
            "profile=dev-alice\n",
        ),
        (
            "code=$(\"$AWSP\" use dev-alice --creds) || exit 9; eval \"$code\"",
            "profile=\n",
        ),
        (
            "code=$(\"$AWSP\" unset) || exit 9; eval \"$code\"",
            "profile=\n",
        ),
    ] {
        let Some(out) = bash_on_core(stale, &format!("{step}\n{report}")) else {
            return;
        };
        assert!(out.status.success(), "{step}: {}", stderr(&out));
        assert_eq!(stdout(&out), want, "{step}");
    }

    // exec: the child gets the new keys and none of the old token.
    let (config, credentials) = core();
    let mut cmd = awsp_cmd(Some(&config), Some(&credentials));
    for (name, value) in stale {
        cmd.env(name, value);
    }
    let out = cmd
        .args(["exec", "dev-alice", "--", "env"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let child_env = stdout(&out);
    assert!(child_env.contains("AWS_ACCESS_KEY_ID=AKIAALICEEXAMPLE0001\n"));
    for (name, _) in stale {
        assert!(
            !child_env
                .lines()
                .any(|l| l.starts_with(&format!("{name}="))),
            "{name} reached the child: {child_env}"
        );
    }
}

/// `awsp use -` after `awsp unset` returns to what was active before the unset, as `cd -`.
#[test]
fn use_dash_after_unset_returns_to_the_profile_before_it() {
    let script = r#"
        sw() { code=$("$AWSP" "$@") || exit 9; eval "$code"; }
        sw use dev-alice
        sw unset
        echo "after unset: ${AWS_PROFILE-none} ${AWSP_PROFILE-none} $AWSP_PREVIOUS $AWSP_PREVIOUS_MODE"
        sw unset
        sw use -
        echo "back: $AWS_PROFILE $AWSP_MODE"
        sw use dev-bob --creds
        sw unset
        sw use -
        echo "back: ${AWS_PROFILE-none} $AWSP_PROFILE $AWSP_MODE $AWS_ACCESS_KEY_ID"
        env | grep '^AWSP_' | cut -d= -f1 | sort | tr '\n' ' '
    "#;
    let Some(out) = bash_on_core(&[], script) else {
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "after unset: none none dev-alice profile\n\
         back: dev-alice profile\n\
         back: none dev-bob creds AKIABOBEXAMPLE000001\n\
         AWSP_MODE AWSP_PROFILE "
    );
}

/// Other tools' markers are cleared by every switch: the documented list, each by name.
#[test]
fn other_tools_markers_are_cleared_and_documented() {
    let names = [
        "AWSUME_PROFILE",
        "AWSUME_EXPIRATION",
        "AWSUME_DEFAULT_PROFILE",
        "AWSU_PROFILE",
        "AWS_VAULT",
        "AWS_SSO_PROFILE",
        "AWS_SSO_ACCOUNT_ID",
        "AWS_SSO_ROLE_NAME",
        "AWS_SSO_ROLE_ARN",
        "AWS_SSO_SESSION_EXPIRATION",
        "AWS_SSO_DEFAULT_REGION",
        "SAML2AWS_PROFILE",
        "ASSUMED_ROLE",
        "GRANTED_SSO",
        "GRANTED_SSO_START_URL",
        "GRANTED_SSO_ROLE_NAME",
        "GRANTED_SSO_REGION",
        "GRANTED_SSO_ACCOUNT_ID",
        "GRANTED_AWS_ROLE_PROFILE",
        "GRANTED_COMMAND",
    ];
    assert_eq!(awsp::env::FOREIGN_VARS, names);
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let paragraph = readme
        .split("\n\n")
        .find(|p| p.starts_with("**Nothing stale survives a switch.**"))
        .expect("the README paragraph");
    for name in names {
        assert!(
            paragraph.contains(&format!("`{name}`")),
            "{name} not in the README"
        );
    }
    let env: Vec<(&str, &std::ffi::OsStr)> = names
        .iter()
        .map(|n| (*n, std::ffi::OsStr::new("other-tool")))
        .collect();
    let check = format!(
        "for v in {}; do if [ -n \"${{!v+set}}\" ]; then echo \"left: $v\"; fi; done",
        names.join(" ")
    );
    for step in ["use dev-alice", "use dev-alice --creds", "unset"] {
        let Some(out) = bash_on_core(
            &env,
            &format!("code=$(\"$AWSP\" {step}) || exit 9; eval \"$code\"; {check}"),
        ) else {
            return;
        };
        assert!(out.status.success(), "{step}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{step}");
    }
}

/// After `use P --creds` there is no `AWS_PROFILE`: the SDKs take the region of `[default]`.
#[test]
fn current_reports_the_region_the_sdks_use_and_where_it_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[default]\nregion = us-west-2\n[profile keys]\naws_access_key_id = AKIDKEYS\n\
         aws_secret_access_key = s\n",
    )
    .unwrap();
    let script = r#"
        code=$("$AWSP" use keys --creds) || exit 9; eval "$code"
        "$AWSP" current --json
        "$AWSP" current
    "#;
    let Some(out) = bash_with(&config, Path::new("/nonexistent"), &[], script) else {
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let (doc, human) = text.split_at(text.find("}\n").unwrap() + 2);
    let doc: Value = serde_json::from_str(doc).unwrap();
    assert_eq!(doc["profile"], "keys");
    assert_eq!(doc["region"], "us-west-2", "{doc}");
    assert_eq!(doc["region_source"], "profile");
    assert_eq!(doc["region_profile"], "default");
    assert!(
        human.contains(&format!(
            "region       us-west-2 (region of profile default, {}:2)",
            config.display()
        )),
        "{human}"
    );

    let creds_env = [
        ("AWSP_PROFILE", "dev-alice"),
        ("AWSP_MODE", "creds"),
        ("AWS_ACCESS_KEY_ID", "AKIAALICEEXAMPLE0001"),
    ];
    let text = stdout(&run_core_with(&creds_env, &["current"]));
    assert!(
        text.contains("region       us-west-2 (region of profile default, ")
            && text.contains("config:3)"),
        "{text}"
    );
    let mut env = creds_env.to_vec();
    env.push(("AWS_DEFAULT_REGION", "ca-central-1"));
    let doc = json(&run_core_with(&env, &["current", "--json"]));
    assert_eq!(doc["region"], "ca-central-1");
    assert_eq!(doc["region_source"], "AWS_DEFAULT_REGION");
    env.push(("AWS_REGION", "ap-east-1"));
    let doc = json(&run_core_with(&env, &["current", "--json"]));
    assert_eq!(doc["region"], "ap-east-1");
    assert_eq!(doc["region_source"], "AWS_REGION");
    let text = stdout(&run_core_with(&env, &["current"]));
    assert!(
        text.contains("region       ap-east-1 (AWS_REGION)")
            && text.contains("AWS_DEFAULT_REGION=ca-central-1 differs"),
        "{text}"
    );
    // A profile without a region and no [default] region: none, and no source.
    let doc = json(&run_core_with(
        &[("AWS_PROFILE", "proc")],
        &["current", "--json"],
    ));
    assert_eq!(doc["region"], Value::Null);
    assert_eq!(doc["region_source"], Value::Null);
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
