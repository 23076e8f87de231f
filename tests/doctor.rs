//! `awsp doctor`: every finding is triggered by a fixture (`tests/fixtures/doctor/CODE/bad.*`)
//! at the expected file and line, and not by its near miss (`ok.*`); the environment and
//! permission findings likewise. The differences from botocore are measured on the same
//! fixtures with the real botocore.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use common::{awsp_cmd, fixture, repo_root, require_venv_python};

/// A scratch HOME holding copies of a case's files, readable by the owner only (git keeps no
/// modes), so that only the case itself decides the findings.
struct Setup {
    dir: tempfile::TempDir,
    config: Option<PathBuf>,
    credentials: Option<PathBuf>,
}

fn setup(config: Option<&Path>, credentials: Option<&Path>) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = |from: Option<&Path>, name: &str| {
        let from = from.filter(|p| p.is_file())?;
        let to = dir.path().join(name);
        std::fs::copy(from, &to).expect("copy fixture");
        set_mode(&to, 0o600);
        Some(to)
    };
    let config = copy(config, "config");
    let credentials = copy(credentials, "credentials");
    Setup {
        dir,
        config,
        credentials,
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

impl Setup {
    fn command(&self, env: &[(&str, &str)], args: &[&str]) -> Command {
        let mut cmd = awsp_cmd(self.config.as_deref(), self.credentials.as_deref());
        cmd.env("HOME", self.dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        // As the integration runs it: the case alone decides the findings.
        cmd.args(["--wrapper", "bash", "doctor"]).args(args);
        cmd
    }

    /// Exit status and findings of `awsp doctor --json`.
    fn doctor(&self, env: &[(&str, &str)]) -> (i32, Vec<Value>) {
        let out = self.command(env, &["--json"]).output().expect("run awsp");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
        (out.status.code().unwrap_or(-1), findings)
    }
}

fn case(dir: &str, which: &str) -> Setup {
    let path = |ext: &str| fixture(&format!("doctor/{dir}/{which}.{ext}"));
    setup(Some(&path("config")), Some(&path("credentials")))
}

fn env_case() -> Setup {
    setup(
        Some(&fixture("doctor/env/config")),
        Some(&fixture("doctor/env/credentials")),
    )
}

/// `(file, line)` of each finding with `code`: `config`/`credentials`/a path, or `-` for none.
fn places(findings: &[Value], code: &str) -> Vec<(String, Option<u64>)> {
    findings
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            let file = match f["file"].as_str() {
                Some(path) => Path::new(path)
                    .file_name()
                    .map_or(path.to_string(), |n| n.to_string_lossy().into_owned()),
                None => "-".to_string(),
            };
            (file, f["line"].as_u64())
        })
        .collect()
}

fn status_for(findings: &[Value]) -> i32 {
    i32::from(findings.iter().any(|f| f["severity"] == "error"))
}

/// Every file finding: the code, its fixture directory and where it must be reported.
const FILE_CASES: &[(&str, &[(&str, u64)])] = &[
    ("parse-error", &[("config", 1), ("config", 5)]),
    ("key-outside-section", &[("config", 1)]),
    ("colon-separator", &[("config", 2), ("config", 4)]),
    ("missing-profile-prefix", &[("config", 1)]),
    ("profile-prefix-in-credentials", &[("credentials", 1)]),
    ("section-in-credentials", &[("credentials", 1)]),
    ("invalid-name", &[("config", 1)]),
    ("invalid-key", &[("config", 2)]),
    ("default-shadowed", &[("config", 1)]),
    ("overridden-key", &[("config", 2)]),
    ("source-profile-loop", &[("config", 3)]),
    ("missing-source-profile", &[("config", 5)]),
    ("role-without-source", &[("config", 2)]),
    ("source-and-credential-source", &[("config", 3)]),
    ("source-without-credentials", &[("config", 5)]),
    ("invalid-credential-source", &[("config", 3)]),
    ("source-profile-without-role", &[("config", 2)]),
    ("missing-sso-session", &[("config", 2)]),
    ("incomplete-sso-session", &[("config", 5)]),
    ("incomplete-sso", &[("config", 3)]),
    ("sso-without-role", &[("config", 2)]),
    ("web-identity-without-role", &[("config", 2)]),
    ("incomplete-keys", &[("credentials", 2)]),
    (
        "botocore-inline-comment",
        &[("config", 2), ("credentials", 4)],
    ),
    (
        "botocore-duplicate-section",
        &[("config", 4), ("credentials", 3)],
    ),
    ("botocore-duplicate-key", &[("config", 3)]),
    ("botocore-section-name", &[("config", 1), ("config", 3)]),
    ("botocore-defaults-section", &[("config", 1)]),
    ("botocore-replaces-section", &[("config", 3), ("config", 7)]),
    ("indented-comment", &[("config", 2), ("config", 6)]),
];

#[test]
fn each_file_finding_has_a_fixture_that_triggers_it_and_one_that_does_not() {
    for (code, expected) in FILE_CASES {
        let (status, findings) = case(code, "bad").doctor(&[]);
        let want: Vec<(String, Option<u64>)> = expected
            .iter()
            .map(|(f, l)| (f.to_string(), Some(*l)))
            .collect();
        let mut got = places(&findings, code);
        got.sort();
        assert_eq!(got, want, "{code}: {findings:#?}");
        assert_eq!(status, status_for(&findings), "{code}: exit status");
        for f in findings.iter().filter(|f| f["code"] == *code) {
            for field in ["message", "fix"] {
                assert!(
                    f[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{code}: {field}"
                );
            }
        }
        let (_, findings) = case(code, "ok").doctor(&[]);
        assert_eq!(
            places(&findings, code),
            vec![],
            "{code} (ok): {findings:#?}"
        );
    }
}

#[test]
fn every_fixture_directory_is_a_case() {
    let dir = fixture("doctor");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "env" && n != "cache")
        .collect();
    names.sort();
    let mut cases: Vec<String> = FILE_CASES.iter().map(|(c, _)| c.to_string()).collect();
    cases.sort();
    assert_eq!(names, cases);
    let mut names: Vec<String> = std::fs::read_dir(dir.join("cache"))
        .expect("cache fixtures")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut cases: Vec<String> = CACHE_CASES.iter().map(|(c, ..)| c.to_string()).collect();
    cases.sort();
    assert_eq!(names, cases);
}

/// Cache findings: the code, the cache files it is reported on, its severity. The profiles
/// (`doctor/cache/config`) are the same for every case; `doctor/cache/CODE/{bad,ok}/{cli,sso,login}/`
/// become `~/.aws/cli/cache`, `~/.aws/sso/cache` and `~/.aws/login/cache`.
const CACHE_CASES: &[(&str, &[&str], &str)] = &[
    (
        "expired-cached-credentials",
        &[
            // admin (AssumeRole, expired), ci (web identity, within 15 minutes), dev (SSO).
            "2fc6ec24010402fc725213196c2b570cc31278c4.json",
            "559d26c66fe2962c82fc8294fe190faeccbbf241.json",
            "b455e8a8cc0cce913eeaa26479d1dc5d8aa22b15.json",
        ],
        "info",
    ),
    (
        "expired-sso-token",
        &[
            // legacy: expired, refreshable by its fields, but botocore refreshes only
            // sso_session tokens; corp: its registration expired.
            "79e435d7a515078e81c9dffc35f38d5687ebd3a7.json",
            "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
        ],
        "warning",
    ),
    (
        "corrupt-cache-file",
        &[
            "2fc6ec24010402fc725213196c2b570cc31278c4.json",
            "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
        ],
        "info",
    ),
    (
        "unusable-login-session",
        &[
            // console: no refreshToken or clientId; console-key: its dpopKey is no key. (ok:
            // expired but refreshable, and valid.)
            "58e3797c8dabc50c66ad9ce50bd4c532e46620a81b8c93f15b6f4af1f145f097.json",
            "e0a055a0d547e6d59cb642af5e161b6c4fd87b4d3d5ea425932c176664c16740.json",
        ],
        "warning",
    ),
];

/// A HOME with the cache profiles and the case's cache files (0600, `@SOON@` five minutes
/// from now, `@LATER@` an hour from now).
fn cache_case(code: &str, which: &str) -> Setup {
    let setup = setup(
        Some(&fixture("doctor/cache/config")),
        Some(&fixture("doctor/cache/credentials")),
    );
    let at = |minutes: i64| {
        (time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes))
            .replace_nanosecond(0)
            .expect("time")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format")
    };
    for (from, to) in [
        ("cli", ".aws/cli/cache"),
        ("sso", ".aws/sso/cache"),
        ("login", ".aws/login/cache"),
    ] {
        let to = setup.dir.path().join(to);
        std::fs::create_dir_all(&to).expect("mkdir");
        let Ok(entries) =
            std::fs::read_dir(fixture(&format!("doctor/cache/{code}/{which}/{from}")))
        else {
            continue;
        };
        for entry in entries {
            let entry = entry.expect("entry");
            let text = std::fs::read_to_string(entry.path()).expect("read fixture");
            let text = text.replace("@SOON@", &at(5)).replace("@LATER@", &at(60));
            let target = to.join(entry.file_name());
            std::fs::write(&target, text).expect("write");
            set_mode(&target, 0o600);
        }
    }
    setup
}

#[test]
fn each_cache_finding_has_a_fixture_that_triggers_it_and_one_that_does_not() {
    for (code, files, severity) in CACHE_CASES {
        let (status, findings) = cache_case(code, "bad").doctor(&[]);
        let mut got = places(&findings, code);
        got.sort();
        let want: Vec<(String, Option<u64>)> =
            files.iter().map(|f| (f.to_string(), None)).collect();
        assert_eq!(got, want, "{code}: {findings:#?}");
        assert_eq!(
            findings.len(),
            files.len(),
            "{code}: only its findings: {findings:#?}"
        );
        assert_eq!(status, 0, "{code}: cache findings are never errors");
        for f in &findings {
            assert_eq!(f["severity"], *severity, "{code}");
            let fix = f["fix"].as_str().unwrap_or("");
            assert!(
                fix.contains("`awsp ") || fix.contains("`aws login --profile "),
                "{code}: fix {fix:?}"
            );
            let text = f.to_string();
            for secret in [
                "cached-secret",
                "cached-token",
                "access-token",
                "client-secret",
                "refresh-token",
                "PRIVATE KEY",
                "bm90LWEta2V5",
            ] {
                assert!(!text.contains(secret), "{code}: {text}");
            }
        }
        let (status, findings) = cache_case(code, "ok").doctor(&[]);
        assert_eq!(
            (status, findings.len()),
            (0, 0),
            "{code} (ok): {findings:#?}"
        );
    }
}

#[test]
fn cache_findings_name_the_profile_and_the_fix() {
    let (_, findings) = cache_case("expired-cached-credentials", "bad").doctor(&[]);
    let messages: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} | {}",
                f["message"].as_str().unwrap_or(""),
                f["fix"].as_str().unwrap_or("")
            )
        })
        .collect();
    let find = |needle: &str| {
        messages
            .iter()
            .find(|m| m.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {messages:#?}"))
    };
    assert!(find("profile 'admin' (role arn:aws:iam::111111111111:role/Admin) expired at 2000-01-01T00:00:00Z").contains("`awsp use admin --creds --refresh`"));
    assert!(find("profile 'ci'").contains("15-minute window"));
    assert!(
        find("profile 'dev' (IAM Identity Center role Dev in account 333333333333)")
            .contains("`awsp use dev --creds --refresh`")
    );
    let (_, findings) = cache_case("unusable-login-session", "bad").doctor(&[]);
    let texts: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert!(
        texts.iter().any(|t| t.contains("profile 'console'")
            && t.contains("lacks refreshToken, clientId")
            && t.contains("`aws login --profile console`")),
        "{texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("profile 'console-key'") && t.contains("no usable DPoP key")),
        "{texts:#?}"
    );
    let (_, findings) = cache_case("expired-sso-token", "bad").doctor(&[]);
    let message = |i: usize| findings[i]["message"].as_str().unwrap_or("").to_string();
    assert!(
        message(0).contains("start URL https://legacy.awsapps.com/start")
            && message(0).contains("without sso_session is never refreshed"),
        "{}",
        message(0)
    );
    assert_eq!(findings[0]["fix"], "`awsp login legacy`");
    assert!(
        message(1).contains("sso-session 'corp'")
            && message(1).contains("client registration expired at 2000-01-01T00:00:00Z"),
        "{}",
        message(1)
    );
    assert_eq!(findings[1]["fix"], "`awsp login dev`");
    assert!(message(1).ends_with("AWS commands with the profile fail"));
    // While the profile's cached role credentials last, the dead token does not matter yet.
    let setup = cache_case("expired-sso-token", "bad");
    let entry = "b455e8a8cc0cce913eeaa26479d1dc5d8aa22b15.json";
    let target = setup.dir.path().join(".aws/cli/cache").join(entry);
    std::fs::copy(
        fixture(&format!(
            "doctor/cache/expired-cached-credentials/ok/cli/{entry}"
        )),
        &target,
    )
    .expect("copy");
    set_mode(&target, 0o600);
    let (_, findings) = setup.doctor(&[]);
    let message = findings[1]["message"].as_str().unwrap_or("");
    assert!(
        message.ends_with(
            "AWS commands with the profile fail once its cached role credentials expire at 2999-01-01T00:00:00Z"
        ),
        "{message}"
    );
    // The human form shows the cache file under HOME.
    let out = cache_case("corrupt-cache-file", "bad")
        .command(&[], &[])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("info    ~/.aws/cli/cache/2fc6ec24010402fc725213196c2b570cc31278c4.json: "),
        "{text}"
    );
    assert!(
        text.contains("~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json: "),
        "{text}"
    );
}

const K: &str = "AKIAIOSFODNN7EXAMPLE";

/// Environment findings: (code, variables that trigger it, variables that do not).
type Vars = &'static [(&'static str, &'static str)];

const ENV_CASES: &[(&str, Vars, Vars)] = &[
    (
        "unknown-aws-profile",
        &[("AWS_PROFILE", "c")],
        &[("AWS_PROFILE", "a")],
    ),
    ("empty-aws-profile", &[("AWS_PROFILE", "")], &[]),
    (
        "default-profile-differs",
        &[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")],
        &[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "a")],
    ),
    (
        "default-profile-differs",
        &[("AWS_DEFAULT_PROFILE", "b")],
        &[("AWS_DEFAULT_PROFILE", "default")],
    ),
    (
        "keys-override-profile",
        &[("AWS_PROFILE", "b"), ("AWS_ACCESS_KEY_ID", K)],
        &[("AWS_PROFILE", "a"), ("AWS_ACCESS_KEY_ID", K)],
    ),
    (
        "expired-credentials",
        &[
            ("AWS_ACCESS_KEY_ID", K),
            ("AWS_CREDENTIAL_EXPIRATION", "2000-01-01T00:00:00Z"),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", K),
            ("AWS_CREDENTIAL_EXPIRATION", "2999-01-01T00:00:00Z"),
        ],
    ),
    (
        "bad-credential-expiration",
        &[("AWS_CREDENTIAL_EXPIRATION", "tomorrow")],
        &[("AWS_CREDENTIAL_EXPIRATION", "2999-01-01T00:00:00+02:00")],
    ),
];

#[test]
fn each_environment_finding_is_triggered_by_its_variables_only() {
    let setup = env_case();
    let (status, findings) = setup.doctor(&[]);
    assert_eq!((status, findings.len()), (0, 0), "clean: {findings:#?}");
    for (code, bad, ok) in ENV_CASES {
        let (status, findings) = setup.doctor(bad);
        assert_eq!(
            places(&findings, code),
            vec![("-".to_string(), None)],
            "{code} {bad:?}: {findings:#?}"
        );
        assert_eq!(status, status_for(&findings));
        let (_, findings) = setup.doctor(ok);
        assert_eq!(
            places(&findings, code),
            vec![],
            "{code} {ok:?}: {findings:#?}"
        );
    }
    // Expired keys fail every request: an error. A stale expiration alone is a warning.
    let (status, findings) = setup.doctor(&[("AWS_CREDENTIAL_EXPIRATION", "2000-01-01T00:00:00Z")]);
    assert_eq!(
        (status, &findings[0]["severity"]),
        (0, &Value::from("warning"))
    );
}

#[test]
fn files_readable_by_others_are_found() {
    let setup = env_case();
    let credentials = setup.credentials.clone().expect("credentials");
    let config = setup.config.clone().expect("config");
    set_mode(&credentials, 0o644);
    set_mode(&config, 0o640);
    let (status, findings) = setup.doctor(&[]);
    assert_eq!(
        places(&findings, "file-permissions"),
        [
            ("config".to_string(), None),
            ("credentials".to_string(), None)
        ]
    );
    // The config file holds no secret here: a note; the credentials file: a warning.
    let severities: Vec<&Value> = findings.iter().map(|f| &f["severity"]).collect();
    assert_eq!(severities, ["info", "warning"]);
    assert_eq!(status, 0);
    set_mode(&credentials, 0o600);
    set_mode(&config, 0o600);
    assert_eq!(setup.doctor(&[]).1.len(), 0);

    let cache = setup.dir.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).expect("mkdir");
    let token = cache.join("0123abcd.json");
    std::fs::write(&token, "{}").expect("write");
    set_mode(&token, 0o644);
    let (_, findings) = setup.doctor(&[]);
    assert_eq!(
        places(&findings, "cache-permissions"),
        [("0123abcd.json".to_string(), None)]
    );
    set_mode(&token, 0o600);
    assert_eq!(setup.doctor(&[]).1.len(), 0);
}

#[test]
fn unreadable_and_missing_files_are_findings_not_failures() {
    let setup = setup(Some(&fixture("core/nul-bytes.config")), None);
    let (status, findings) = setup.doctor(&[]);
    assert_eq!(
        places(&findings, "unreadable-file"),
        [("config".to_string(), None)]
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("NUL")
    );
    assert_eq!(status, 1);
    let (_, findings) = env_case().doctor(&[]);
    assert_eq!(places(&findings, "unreadable-file"), vec![]);

    let (status, findings) = setup_none().doctor(&[]);
    assert_eq!(places(&findings, "no-files"), [("-".to_string(), None)]);
    assert_eq!(status, 0);
    assert_eq!(places(&env_case().doctor(&[]).1, "no-files"), vec![]);
}

/// Run without the integration's `--wrapper SHELL`: an info finding in the environment, in
/// both outputs; with it, none.
#[test]
fn integration_not_loaded_without_the_wrapper() {
    let setup = env_case();
    let (_, wrapped) = setup.doctor(&[]);
    assert_eq!(places(&wrapped, "integration-not-loaded"), vec![]);
    let mut cmd = awsp_cmd(setup.config.as_deref(), setup.credentials.as_deref());
    cmd.env("HOME", setup.dir.path());
    let out = cmd.args(["doctor", "--json"]).output().expect("run awsp");
    assert_eq!(out.status.code(), Some(0));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(
        places(&findings, "integration-not-loaded"),
        [("-".to_string(), None)]
    );
    let finding = &findings[0];
    assert_eq!(finding["severity"], "info");
    for line in [
        "eval \"$(awsp init bash)\"",
        "eval \"$(awsp init zsh)\"",
        "awsp init fish | source",
    ] {
        assert!(
            finding["fix"].as_str().is_some_and(|f| f.contains(line)),
            "{finding:#?}"
        );
    }
    let mut cmd = awsp_cmd(setup.config.as_deref(), setup.credentials.as_deref());
    cmd.env("HOME", setup.dir.path());
    let out = cmd.arg("doctor").output().expect("run awsp");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("info    environment: awsp doctor was not run through the shell integration's `awsp` function")
            && text.contains("[integration-not-loaded]\n        fix: add the load line")
            && text.ends_with("0 errors, 0 warnings, 1 note\n"),
        "{text}"
    );
}

fn setup_none() -> Setup {
    setup(None, None)
}

#[test]
fn human_output_names_file_line_code_and_fix() {
    let setup = case("source-profile-loop", "bad");
    let out = setup.command(&[], &[]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    // The file as the user would write it: under HOME it starts with `~/`.
    assert_eq!(
        text,
        format!(
            "error   ~/config:3: source_profile loop: a -> b -> a [source-profile-loop]\n        \
             fix: point one of them at a profile with credentials\n1 error, 0 warnings, 0 notes\n"
        )
    );
    let out = env_case().command(&[], &[]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("no problems found in "),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// No secret value from the files appears in any finding, in either output.
#[test]
fn secrets_never_appear_in_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETSECRET";
    let token = "IQoJb3JpZ2luX2VjTOKENTOKENTOKEN";
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        format!(
            "[profile a]\naws_secret_access_key = {secret} # old\naws_secret_access_key = {secret}2\n\
             [profile a]\naws_session_token: {token}\n[profile b]\ncredential_process = /bin/get --password {secret}\n\
             source_profile = a\n"
        ),
    )
    .expect("write");
    std::fs::write(
        &credentials,
        format!("[a]\naws_secret_access_key = {secret}3 ; note\naws_session_token = {token} # x\n"),
    )
    .expect("write");
    let setup = setup(Some(&config), Some(&credentials));
    for args in [&[][..], &["--json"][..]] {
        let out = setup.command(&[], args).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("botocore-inline-comment"), "{text}");
        assert!(text.contains("overridden-key"), "{text}");
        assert!(!text.contains(secret) && !text.contains(token), "{text}");
        assert!(
            !text.contains("hunter") && !text.contains("SECRET"),
            "{text}"
        );
    }
}

/// Names and values from the files are shown with control characters escaped.
#[test]
fn terminal_controls_in_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile a]\nregion = x\x1b[31m # c\n").expect("write");
    let setup = setup(Some(&config), None);
    let out = setup.command(&[], &[]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("x\\e[31m # c"), "{text}");
}

// ---- botocore: each claimed difference, measured on the fixtures ----

fn botocore(python: &Path, requests: &Value) -> Vec<Value> {
    let out = Command::new(python)
        .arg(repo_root().join("tests/tools/botocore_reads.py"))
        .arg(requests.to_string())
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn doctor_file(code: &str, which: &str, ext: &str) -> String {
    fixture(&format!("doctor/{code}/{which}.{ext}"))
        .display()
        .to_string()
}

/// What the SDKs read (awsp's parser passes their conformance vectors): `show --json`.
fn sdk_settings(code: &str, which: &str, profile: &str) -> Option<Value> {
    let config = fixture(&format!("doctor/{code}/{which}.config"));
    let credentials = fixture(&format!("doctor/{code}/{which}.credentials"));
    let out = awsp_cmd(Some(&config), Some(&credentials))
        .args(["show", profile, "--json", "--reveal"])
        .output()
        .expect("run awsp");
    out.status.success().then(|| {
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["settings"].clone()
    })
}

#[test]
fn botocore_reads_the_fixtures_as_doctor_claims() {
    let Some(python) = require_venv_python() else {
        return;
    };
    let cfg =
        |code: &str, which: &str| serde_json::json!(["config", doctor_file(code, which, "config")]);
    let creds = |code: &str, which: &str| {
        serde_json::json!(["credentials", doctor_file(code, which, "credentials")])
    };
    let env_files = [
        ("AWS_CONFIG_FILE", fixture("doctor/env/config")),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            fixture("doctor/env/credentials"),
        ),
    ];
    let session = |vars: &[(&str, &str)]| {
        let mut env = serde_json::Map::new();
        for (k, v) in &env_files {
            env.insert(k.to_string(), v.display().to_string().into());
        }
        for (k, v) in vars {
            env.insert(k.to_string(), (*v).into());
        }
        serde_json::json!(["session", env])
    };
    let requests = serde_json::json!([
        cfg("botocore-inline-comment", "bad"),
        creds("botocore-inline-comment", "bad"),
        cfg("botocore-inline-comment", "ok"),
        cfg("botocore-duplicate-section", "bad"),
        creds("botocore-duplicate-section", "bad"),
        cfg("botocore-duplicate-section", "ok"),
        cfg("botocore-duplicate-key", "bad"),
        cfg("botocore-duplicate-key", "ok"),
        cfg("colon-separator", "bad"),
        cfg("botocore-section-name", "bad"),
        cfg("botocore-section-name", "ok"),
        cfg("botocore-defaults-section", "bad"),
        cfg("botocore-replaces-section", "bad"),
        cfg("botocore-replaces-section", "ok"),
        cfg("indented-comment", "bad"),
        session(&[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")]),
        session(&[
            ("AWS_PROFILE", "a"),
            ("AWS_ACCESS_KEY_ID", "AKIAOTHEREXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "other"),
        ]),
        session(&[("AWS_PROFILE", "c")]),
        session(&[("AWS_PROFILE", "")]),
    ]);
    let got = botocore(&python, &requests);
    let ok = |i: usize| -> &Value {
        assert!(got[i]["ok"].is_object(), "request {i}: {}", got[i]);
        &got[i]["ok"]
    };
    let error = |i: usize| got[i]["error"].as_str().unwrap_or("no error").to_string();

    // ` # comment` after a value: botocore keeps it, the SDKs cut it.
    assert_eq!(
        ok(0)["profiles"]["default"]["region"],
        "us-east-1 # N. Virginia"
    );
    assert_eq!(
        ok(1)["default"]["aws_session_token"],
        "zz1  # Indicates this is a temporary session"
    );
    let sdk = sdk_settings("botocore-inline-comment", "bad", "default").expect("SDKs read it");
    assert_eq!(
        (&sdk["region"], &sdk["aws_session_token"]),
        (&"us-east-1".into(), &"zz1".into())
    );
    // …and `value#x` is the same for both.
    assert_eq!(ok(2)["profiles"]["default"]["output"], "json#x");
    let sdk = sdk_settings("botocore-inline-comment", "ok", "default").expect("SDKs read it");
    assert_eq!(sdk["output"], "json#x");

    // Duplicate sections and keys: botocore refuses the whole file; the SDKs merge.
    assert_eq!(error(3), "ConfigParseError");
    assert_eq!(error(4), "ConfigParseError");
    ok(5);
    let sdk = sdk_settings("botocore-duplicate-section", "bad", "a").expect("SDKs merge");
    assert_eq!(
        (&sdk["region"], &sdk["output"]),
        (&"eu-west-1".into(), &"json".into())
    );
    assert_eq!(error(6), "ConfigParseError");
    ok(7);
    let sdk = sdk_settings("botocore-duplicate-key", "bad", "a").expect("SDKs: last wins");
    assert_eq!(sdk["region"], "us-east-1");

    // `key: value`: botocore reads it; the SDKs refuse the file.
    assert_eq!(ok(8)["profiles"]["a"]["region"], "eu-west-1");
    assert_eq!(
        ok(8)["profiles"]["b"]["endpoint_url"],
        "http://localhost:4566/?x=1"
    );
    assert_eq!(sdk_settings("colon-separator", "bad", "a"), None);

    // `[profile "quoted"]` is a profile for botocore only, `[ default ]` for the SDKs only.
    let profiles = &ok(9)["profiles"];
    assert_eq!(profiles["quoted"]["region"], "eu-west-1");
    assert!(profiles.get("default").is_none(), "{profiles}");
    assert_eq!(sdk_settings("botocore-section-name", "bad", "quoted"), None);
    let sdk = sdk_settings("botocore-section-name", "bad", "default").expect("SDKs trim");
    assert_eq!(sdk["region"], "us-east-1");
    assert_eq!(ok(10)["profiles"]["quoted"]["region"], "eu-west-1");
    assert_eq!(ok(10)["profiles"]["default"]["region"], "us-east-1");

    // [DEFAULT]: botocore gives its settings to every profile; the SDKs ignore it.
    assert_eq!(ok(11)["profiles"]["a"]["region"], "eu-west-1");
    let sdk = sdk_settings("botocore-defaults-section", "bad", "a").expect("a");
    assert!(sdk.get("region").is_none(), "{sdk}");

    // [default] after [profile default]: botocore takes [default], the SDKs [profile
    // default]; two sections of one profile: botocore keeps the last, the SDKs merge.
    let profiles = &ok(12)["profiles"];
    assert_eq!(profiles["default"]["region"], "us-east-1");
    assert_eq!(
        sdk_settings("botocore-replaces-section", "bad", "default").expect("default")["region"],
        "eu-west-1"
    );
    assert!(profiles["a"].get("region").is_none(), "{profiles}");
    let sdk = sdk_settings("botocore-replaces-section", "bad", "a").expect("a");
    assert_eq!(
        (&sdk["region"], &sdk["output"]),
        (&"eu-west-1".into(), &"json".into())
    );
    // [default] before [profile default]: both read [profile default].
    assert_eq!(ok(13)["profiles"]["default"]["region"], "eu-west-1");
    assert_eq!(
        sdk_settings("botocore-replaces-section", "ok", "default").expect("default")["region"],
        "eu-west-1"
    );

    // An indented comment: botocore skips it (the SDKs take it as a continuation line).
    assert_eq!(ok(14)["profiles"]["a"]["region"], "eu-west-1");
    assert_eq!(
        ok(14)["profiles"]["b"]["s3"]["max_concurrent_requests"],
        "20"
    );

    // The environment: botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE; exported
    // keys win over AWS_PROFILE; an unknown or empty AWS_PROFILE fails.
    assert_eq!(ok(15)["profile"], "b");
    assert_eq!(
        (&ok(16)["method"], &ok(16)["access_key"]),
        (&"env".into(), &"AKIAOTHEREXAMPLE".into())
    );
    assert_eq!(error(17), "ProfileNotFound");
    assert_eq!(error(18), "ProfileNotFound");
}
