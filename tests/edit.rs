//! The writing commands (`config set|unset`, `import`, `add`, `rm`, `rename`) on a corpus of
//! real-looking files: only the intended lines change (byte comparisons of everything else),
//! awsp's parser and botocore read every untouched profile as before, random edits change
//! only their own lines, `kill -9` never leaves a broken file, and parallel writers lose
//! nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use awsp::config::edit::{Editor, Target};
use awsp::config::{FileKind, Files};
use awsp::secret::is_secret_key;
use common::{awsp_cmd, fixture, require_tool, require_venv_python, stderr, stdout};
use proptest::strategy::Strategy;

// ---------------------------------------------------------------------------------------------
// Harness

/// A scratch HOME with a config and a credentials file (copied from fixtures, or absent).
struct Aws {
    dir: tempfile::TempDir,
    config: PathBuf,
    credentials: PathBuf,
}

impl Aws {
    fn new(config: Option<&str>, credentials: Option<&str>) -> Aws {
        let dir = tempfile::tempdir().expect("tempdir");
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).expect("mkdir .aws");
        let config_path = aws.join("config");
        let credentials_path = aws.join("credentials");
        if let Some(name) = config {
            std::fs::copy(fixture(&format!("edit/{name}")), &config_path).expect("copy");
        }
        if let Some(name) = credentials {
            std::fs::copy(fixture(&format!("edit/{name}")), &credentials_path).expect("copy");
        }
        Aws {
            dir,
            config: config_path,
            credentials: credentials_path,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = awsp_cmd(Some(&self.config), Some(&self.credentials));
        cmd.env("HOME", self.dir.path()).args(args);
        cmd
    }

    fn run(&self, args: &[&str], input: Option<&str>) -> Output {
        let mut cmd = self.cmd(args);
        run_with_input(&mut cmd, input)
    }

    fn ok(&self, args: &[&str], input: Option<&str>) -> Output {
        let out = self.run(args, input);
        assert!(
            out.status.success(),
            "awsp {args:?} failed: {}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "", "a write prints nothing on stdout");
        out
    }

    fn texts(&self) -> (String, String) {
        (read(&self.config), read(&self.credentials))
    }
}

fn run_with_input(cmd: &mut Command, input: Option<&str>) -> Output {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn awsp");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin");
        // awsp may refuse before it reads (a bad name): a closed pipe is fine.
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

fn read(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).expect("utf-8"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => panic!("read {}: {e}", path.display()),
    }
}

type Settings = BTreeMap<String, Vec<(String, String)>>;

/// Every profile and SSO session as awsp's parser merges them: name → sorted settings.
fn model(config: &str, credentials: &str) -> Settings {
    let files = Files::from_text(Some(config), Some(credentials));
    let set = files.parse().expect("both files parse");
    let mut out = Settings::new();
    for p in set.profiles() {
        let settings = p
            .settings()
            .iter()
            .map(|s| (s.key.to_string(), s.value.to_string()))
            .collect();
        out.insert(p.name().to_string(), settings);
    }
    for s in set.sso_sessions() {
        let settings = s
            .settings()
            .iter()
            .map(|s| (s.key.to_string(), s.value.to_string()))
            .collect();
        out.insert(format!("sso-session {}", s.name()), settings);
    }
    out
}

fn value(config: &str, credentials: &str, profile: &str, key: &str) -> Option<String> {
    model(config, credentials)
        .get(profile)
        .and_then(|s| s.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
}

/// The section each line belongs to (`profile NAME` and `[NAME]` as NAME, other sections as
/// `PREFIX NAME`, lines above the first header as ""), with the line's content.
fn owned_lines(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut owner = String::new();
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        if let Some(rest) = content.strip_prefix('[') {
            let inner = rest.split([']', '#', ';']).next().unwrap_or("").trim();
            let words: Vec<&str> = inner.split_whitespace().collect();
            owner = match words.as_slice() {
                ["profile", name] => (*name).to_string(),
                [name] => (*name).to_string(),
                [prefix, name] => format!("{prefix} {name}"),
                _ => inner.to_string(),
            };
        }
        out.push((owner.clone(), content.to_string()));
    }
    out
}

/// The sections whose lines differ between `old` and `new` (contents compared; blank lines
/// added or removed count for no section). Everything else is byte-identical line for line.
fn touched(old: &str, new: &str) -> BTreeSet<String> {
    let a = owned_lines(old);
    let b = owned_lines(new);
    let a_content: Vec<&str> = a.iter().map(|(_, c)| c.as_str()).collect();
    let b_content: Vec<&str> = b.iter().map(|(_, c)| c.as_str()).collect();
    let mut owners = BTreeSet::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a_content, &b_content) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            continue;
        }
        for i in old_range {
            if !a[i].1.trim().is_empty() {
                owners.insert(a[i].0.clone());
            }
        }
        for i in new_range {
            if !b[i].1.trim().is_empty() {
                owners.insert(b[i].0.clone());
            }
        }
    }
    owners
}

/// Line endings and the BOM are as they were: a CRLF file's lines all end in CRLF.
fn assert_format_kept(old: &str, new: &str) {
    assert_eq!(
        old.starts_with('\u{feff}'),
        new.starts_with('\u{feff}'),
        "BOM kept"
    );
    if old.contains("\r\n") {
        for line in new.split_inclusive('\n') {
            if line.ends_with('\n') {
                assert!(line.ends_with("\r\n"), "CRLF kept: {line:?} in {new:?}");
            }
        }
    } else {
        assert!(!new.contains('\r'), "LF file stays LF");
    }
}

/// After a command: only `allowed` sections changed (in both files), everything else reads
/// the same through awsp's parser, and the format is kept.
fn assert_only(before: &(String, String), after: &(String, String), allowed: &[&str]) {
    let allowed: BTreeSet<String> = allowed.iter().map(|s| s.to_string()).collect();
    for (old, new) in [(&before.0, &after.0), (&before.1, &after.1)] {
        let changed = touched(old, new);
        assert!(
            changed.is_subset(&allowed),
            "sections {changed:?} changed, only {allowed:?} may:\n--- old\n{old}\n--- new\n{new}"
        );
        assert_format_kept(old, new);
    }
    let old = model(&before.0, &before.1);
    let new = model(&after.0, &after.1);
    for (name, settings) in &old {
        if !allowed.contains(name) {
            assert_eq!(new.get(name), Some(settings), "untouched profile {name}");
        }
    }
}

const STS_JSON: &str = r#"{
    "Credentials": {
        "AccessKeyId": "ASIAIMPORTED00000000",
        "SecretAccessKey": "importedSecret/kept+private0000000000000",
        "SessionToken": "IQoJb3JpZ2luX2VjEImported//token+value==",
        "Expiration": "2030-06-01T12:00:00+00:00"
    },
    "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::1:assumed-role/r/s"}
}"#;

/// One fixture pair and the profiles the scenarios use.
struct Case {
    config: &'static str,
    credentials: &'static str,
    /// A profile with settings in both files.
    both: &'static str,
    /// A profile to remove.
    removable: &'static str,
    /// Profiles that name `both` as their source_profile.
    dependents: &'static [&'static str],
    /// Whether botocore reads both files (it refuses a BOM and duplicate sections).
    botocore: bool,
}

const CORPUS: &[Case] = &[
    Case {
        config: "commented.config",
        credentials: "commented.credentials",
        both: "dev-alice",
        removable: "temp",
        dependents: &["dev-bob"],
        botocore: true,
    },
    Case {
        config: "crlf.config",
        credentials: "bom-crlf.credentials",
        both: "win",
        removable: "default",
        dependents: &[],
        botocore: false,
    },
    Case {
        config: "duplicates.config",
        credentials: "duplicates.credentials",
        both: "dup",
        removable: "other",
        dependents: &[],
        botocore: false,
    },
    Case {
        config: "no-final-newline.config",
        credentials: "no-final-newline.credentials",
        both: "last",
        removable: "last",
        dependents: &[],
        botocore: true,
    },
];

/// What botocore reads from both files: `profiles` of the config file and the raw sections of
/// the credentials file, by name.
fn botocore_view(python: &Path, aws: &Aws) -> BTreeMap<String, serde_json::Value> {
    let script = common::repo_root().join("tests/tools/botocore_read.py");
    let mut view = BTreeMap::new();
    for (kind, path) in [("config", &aws.config), ("credentials", &aws.credentials)] {
        if !path.exists() {
            continue;
        }
        let out = Command::new(python)
            .arg(&script)
            .arg(kind)
            .arg(path)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "botocore could not read {kind}: {}",
            stderr(&out)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let sections = if kind == "config" {
            doc["profiles"].clone()
        } else {
            doc
        };
        if let serde_json::Value::Object(map) = sections {
            for (name, value) in map {
                view.insert(format!("{kind}:{name}"), value);
            }
        }
    }
    view
}

fn assert_botocore_same(
    before: &BTreeMap<String, serde_json::Value>,
    after: &BTreeMap<String, serde_json::Value>,
    allowed: &[&str],
) {
    for (key, value) in before {
        let name = key.split_once(':').map_or(key.as_str(), |(_, n)| n);
        if !allowed.contains(&name) {
            assert_eq!(
                after.get(key),
                Some(value),
                "botocore reads {key} as before"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The corpus through every command

/// A check of both files' texts after a command.
type Check<'c> = Box<dyn Fn(&str, &str) + 'c>;

/// One scenario: the command, its stdin, the sections it may change, and a check of the
/// result through awsp's parser.
struct Scenario<'c> {
    args: Vec<String>,
    input: Option<String>,
    allowed: Vec<&'c str>,
    check: Check<'c>,
}

fn scenarios(case: &Case) -> Vec<Scenario<'_>> {
    let p = case.both;
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut rename_allowed = vec![p, "renamed-x"];
    rename_allowed.extend(case.dependents);
    let old_settings = {
        let (c, k) = (
            read(&fixture(&format!("edit/{}", case.config))),
            read(&fixture(&format!("edit/{}", case.credentials))),
        );
        model(&c, &k).get(p).cloned()
    };
    vec![
        Scenario {
            args: s(&["config", "set", p, "region", "zz-test-1"]),
            input: None,
            allowed: vec![p],
            check: Box::new(move |c, k| {
                assert_eq!(value(c, k, p, "region").as_deref(), Some("zz-test-1"));
            }),
        },
        Scenario {
            args: s(&["config", "set", p, "cli_timestamp_format", "iso8601"]),
            input: None,
            allowed: vec![p],
            check: Box::new(move |c, k| {
                assert_eq!(
                    value(c, k, p, "cli_timestamp_format").as_deref(),
                    Some("iso8601")
                );
            }),
        },
        Scenario {
            args: s(&["config", "set", "brand-new", "region", "xx-new-1"]),
            input: None,
            allowed: vec!["brand-new"],
            check: Box::new(|c, k| {
                assert_eq!(
                    value(c, k, "brand-new", "region").as_deref(),
                    Some("xx-new-1")
                );
                assert!(
                    c.ends_with("[profile brand-new]\nregion = xx-new-1\n")
                        || c.ends_with("[profile brand-new]\r\nregion = xx-new-1\r\n")
                );
            }),
        },
        Scenario {
            args: s(&["config", "set", p, "aws_secret_access_key", "newSecret/111"]),
            input: None,
            allowed: vec![p],
            check: Box::new(move |c, k| {
                assert_eq!(
                    value(c, k, p, "aws_secret_access_key").as_deref(),
                    Some("newSecret/111")
                );
            }),
        },
        Scenario {
            args: s(&["config", "unset", p, "region"]),
            input: None,
            allowed: vec![p],
            check: Box::new(move |c, k| {
                assert_eq!(value(c, k, p, "region"), None);
            }),
        },
        Scenario {
            args: s(&["import", p]),
            input: Some(STS_JSON.to_string()),
            allowed: vec![p],
            check: Box::new(move |c, k| {
                assert_eq!(
                    value(c, k, p, "aws_access_key_id").as_deref(),
                    Some("ASIAIMPORTED00000000")
                );
                assert_eq!(
                    value(c, k, p, "aws_session_token").as_deref(),
                    Some("IQoJb3JpZ2luX2VjEImported//token+value==")
                );
                assert_eq!(
                    value(c, k, p, "x_security_token_expires").as_deref(),
                    Some("2030-06-01T12:00:00Z")
                );
            }),
        },
        Scenario {
            args: s(&[
                "add",
                "added-x",
                "--access-key-id",
                "AKIAADDED00000000000",
                "--secret-stdin",
                "--region",
                "eu-south-1",
            ]),
            input: Some("addedSecret000\n".to_string()),
            allowed: vec!["added-x"],
            check: Box::new(|c, k| {
                assert_eq!(
                    value(c, k, "added-x", "aws_secret_access_key").as_deref(),
                    Some("addedSecret000")
                );
                assert_eq!(
                    value(c, k, "added-x", "region").as_deref(),
                    Some("eu-south-1")
                );
            }),
        },
        Scenario {
            args: s(&["rename", p, "renamed-x"]),
            input: None,
            allowed: rename_allowed,
            check: Box::new(move |c, k| {
                let m = model(c, k);
                assert!(!m.contains_key(p), "{p} is gone");
                let mut expected = old_settings.clone().expect("profile existed");
                for (key, v) in expected.iter_mut() {
                    if key == "source_profile" && v == p {
                        *v = "renamed-x".into();
                    }
                }
                assert_eq!(m.get("renamed-x"), Some(&expected));
                for d in case.dependents {
                    assert_eq!(
                        value(c, k, d, "source_profile").as_deref(),
                        Some("renamed-x")
                    );
                }
            }),
        },
        Scenario {
            args: s(&["rm", case.removable, "--yes"]),
            input: None,
            allowed: vec![case.removable],
            check: Box::new(move |c, k| {
                assert!(!model(c, k).contains_key(case.removable));
            }),
        },
    ]
}

#[test]
fn corpus_round_trips_every_command() {
    let python = require_venv_python();
    for case in CORPUS {
        for scenario in scenarios(case) {
            let args: Vec<&str> = scenario.args.iter().map(String::as_str).collect();
            let aws = Aws::new(Some(case.config), Some(case.credentials));
            let before = aws.texts();
            let boto_before = match (&python, case.botocore) {
                (Some(py), true) => Some(botocore_view(py, &aws)),
                _ => None,
            };

            // --dry-run first: a diff, secrets masked, nothing written.
            let mut dry = args.clone();
            dry.push("--dry-run");
            let out = aws.run(&dry, scenario.input.as_deref());
            assert!(out.status.success(), "{dry:?}: {}", stderr(&out));
            assert_eq!(aws.texts(), before, "{dry:?} wrote nothing");
            let shown = stdout(&out) + &stderr(&out);
            assert!(shown.starts_with("--- ~/.aws/"), "{dry:?}: {shown}");
            for secret in [
                "importedSecret",
                "IQoJb3JpZ2lu",
                "addedSecret",
                "newSecret",
                "Secret0",
                "crlfSecret",
                "winSecret",
                "dupSecret",
                "lastSecret",
            ] {
                assert!(!shown.contains(secret), "{dry:?} shows a secret: {shown}");
            }

            aws.ok(&args, scenario.input.as_deref());
            let after = aws.texts();
            assert_ne!(after, before, "{args:?} changed something");
            assert_only(&before, &after, &scenario.allowed);
            (scenario.check)(&after.0, &after.1);
            if let Some(boto_before) = boto_before {
                let boto_after = botocore_view(python.as_deref().expect("python"), &aws);
                assert_botocore_same(&boto_before, &boto_after, &scenario.allowed);
            }
            assert!(
                !aws.dir.path().join(".aws/.credentials.awsp-tmp").exists()
                    && !aws.dir.path().join(".aws/.config.awsp-tmp").exists(),
                "no temporary file left"
            );
        }
    }
}

#[test]
fn an_updated_line_keeps_its_spacing_and_comment() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    aws.ok(&["config", "set", "default", "region", "eu-north-1"], None);
    aws.ok(&["config", "set", "dev-bob", "s3", "off"], None);
    aws.ok(
        &[
            "config",
            "set",
            "default",
            "aws_secret_access_key",
            "rotated",
        ],
        None,
    );
    let (config, credentials) = aws.texts();
    assert!(
        config
            .contains("\n[default]\nregion = eu-north-1   # where most things live\noutput=json\n")
    );
    // The sub-property block is replaced whole: its indented lines would extend the value.
    assert!(config.contains(
        "role_arn = arn:aws:iam::222222222222:role/Developer\ns3 = off\nregion = eu-central-1\n"
    ));
    // A secret's line keeps `key = ` but not its comment.
    assert!(credentials.contains(
        "aws_access_key_id     = AKIADEFAULT000000000\naws_secret_access_key = rotated\n\n"
    ));
}

#[test]
fn duplicate_sections_change_where_the_sdks_read() {
    let aws = Aws::new(Some("duplicates.config"), Some("duplicates.credentials"));
    aws.ok(&["config", "set", "dup", "region", "sa-east-1"], None);
    let config = read(&aws.config);
    assert!(
        config.ends_with("region = us-west-2\nRegion = sa-east-1\n"),
        "{config}"
    );
    assert!(config.starts_with("[profile dup]\nregion = us-east-1\n"));
    aws.ok(&["config", "unset", "dup", "region"], None);
    let (config, credentials) = aws.texts();
    assert_eq!(value(&config, &credentials, "dup", "region"), None);
    assert!(
        !config.to_ascii_lowercase().contains("region = us-"),
        "{config}"
    );
    assert!(config.contains("[profile other]\nregion = eu-west-1\n"));
    aws.ok(
        &["config", "set", "dup", "aws_access_key_id", "AKIANEW"],
        None,
    );
    let credentials = read(&aws.credentials);
    assert!(
        credentials.starts_with("[dup]\naws_access_key_id = AKIADUP1000000000000\n"),
        "the earlier, shadowed key stays"
    );
    assert!(credentials.ends_with("[dup]\naws_access_key_id = AKIANEW\n"));
}

#[test]
fn missing_files_and_directory_are_created_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aws_dir = dir.path().join(".aws");
    let mut cmd = awsp_cmd(None, None);
    cmd.env("HOME", dir.path())
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .args(["import", "fresh"]);
    let out = run_with_input(&mut cmd, Some(STS_JSON));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut cmd = awsp_cmd(None, None);
    cmd.env("HOME", dir.path())
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .args(["config", "set", "fresh", "region", "eu-west-1"]);
    let out = run_with_input(&mut cmd, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&aws_dir), 0o700);
    assert_eq!(mode(&aws_dir.join("credentials")), 0o600);
    assert_eq!(mode(&aws_dir.join("config")), 0o600);
    assert_eq!(
        read(&aws_dir.join("credentials")),
        "[fresh]\naws_access_key_id = ASIAIMPORTED00000000\n\
         aws_secret_access_key = importedSecret/kept+private0000000000000\n\
         aws_session_token = IQoJb3JpZ2luX2VjEImported//token+value==\n\
         x_security_token_expires = 2030-06-01T12:00:00Z\n"
    );
    assert_eq!(
        read(&aws_dir.join("config")),
        "[profile fresh]\nregion = eu-west-1\n"
    );
}

#[test]
fn import_shapes_and_a_token_that_goes_away() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let process = r#"{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "procSecret",
        "SessionToken": "procToken", "Expiration": "2031-01-01T01:00:00+01:00"}"#;
    aws.ok(&["import", "temp", "-"], Some(process));
    let (c, k) = aws.texts();
    assert_eq!(
        value(&c, &k, "temp", "aws_session_token").as_deref(),
        Some("procToken")
    );
    assert_eq!(
        value(&c, &k, "temp", "x_security_token_expires").as_deref(),
        Some("2031-01-01T00:00:00Z")
    );
    // Static keys from variable lines: the old token and expiry go.
    let file = aws.dir.path().join("creds.env");
    std::fs::write(
        &file,
        "# from a script\nexport AWS_ACCESS_KEY_ID=AKIASTATIC\nexport AWS_SECRET_ACCESS_KEY='static Secret'\n",
    )
    .expect("write");
    aws.ok(&["import", "temp", file.to_str().expect("utf-8")], None);
    let (c, k) = aws.texts();
    let temp = model(&c, &k).remove("temp").expect("temp");
    assert_eq!(
        temp,
        vec![
            ("aws_access_key_id".into(), "AKIASTATIC".into()),
            ("aws_secret_access_key".into(), "static Secret".into()),
        ]
    );
    // --from-env.
    let mut cmd = aws.cmd(&["import", "env-made", "--from-env"]);
    cmd.env("AWS_ACCESS_KEY_ID", "ASIAENV")
        .env("AWS_SECRET_ACCESS_KEY", "envSecret")
        .env("AWS_SESSION_TOKEN", "envToken");
    let out = run_with_input(&mut cmd, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let (c, k) = aws.texts();
    assert_eq!(
        value(&c, &k, "env-made", "aws_session_token").as_deref(),
        Some("envToken")
    );
    assert!(!stderr(&out).contains("envSecret"));
}

#[test]
fn imported_expiry_shows_and_use_warns_when_passed() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let past = STS_JSON.replace("2030-06-01T12:00:00+00:00", "2001-02-03T04:05:06Z");
    let out = aws.ok(&["import", "old-session"], Some(&past));
    assert!(
        stderr(&out).contains("expired at 2001-02-03T04:05:06Z"),
        "{}",
        stderr(&out)
    );
    let show = aws.ok_get(&["show", "old-session"]);
    assert!(
        stdout(&show).contains("\nexpires   2001-02-03T04:05:06Z (expired "),
        "{}",
        stdout(&show)
    );
    let used = aws.ok_get(&["use", "old-session", "--shell", "bash"]);
    assert!(stdout(&used).contains("AWS_PROFILE='old-session'"));
    assert!(
        stderr(&used).contains("the credentials of profile 'old-session' expired "),
        "{}",
        stderr(&used)
    );
    aws.ok(&["import", "new-session"], Some(STS_JSON));
    let show = aws.ok_get(&["show", "new-session"]);
    assert!(stdout(&show).contains("\nexpires   2030-06-01T12:00:00Z (in "));
    let used = aws.ok_get(&["use", "new-session", "--shell", "bash"]);
    assert!(!stderr(&used).contains("expired"), "{}", stderr(&used));
}

#[test]
fn a_config_key_the_credentials_file_overrides_is_pointed_out() {
    let aws = Aws::new(None, None);
    std::fs::write(&aws.credentials, "[p]\nregion = a\n").expect("write");
    let out = aws.ok(&["config", "set", "p", "region", "b"], None);
    assert_eq!(
        stderr(&out),
        "awsp: warning: ~/.aws/credentials:2 also sets region for profile 'p', and the credentials file wins\n"
    );
    let out = aws.ok(&["config", "set", "p", "output", "json"], None);
    assert_eq!(stderr(&out), "");
}

#[test]
fn dry_run_is_a_unified_diff_with_secrets_masked() {
    let aws = Aws::new(None, None);
    std::fs::write(
        &aws.credentials,
        "[a]\naws_access_key_id = AKIAOLD\naws_secret_access_key = oldSecret\nregion = x\n\n[b]\nk = 1",
    )
    .expect("write");
    let before = aws.texts();
    let out = aws.run(
        &[
            "config",
            "set",
            "a",
            "aws_secret_access_key",
            "newSecret",
            "--dry-run",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "--- ~/.aws/credentials\n+++ ~/.aws/credentials (new)\n@@ -1,6 +1,6 @@\n [a]\n \
         aws_access_key_id = AKIAOLD\n-aws_secret_access_key = ********\n\
         +aws_secret_access_key = ********\n region = x\n \n [b]\n"
    );
    let out = aws.run(
        &[
            "config",
            "set",
            "b",
            "aws_session_token",
            "tok",
            "--dry-run",
        ],
        None,
    );
    assert_eq!(
        stdout(&out),
        "--- ~/.aws/credentials\n+++ ~/.aws/credentials (new)\n@@ -4,4 +4,5 @@\n region = x\n \n \
         [b]\n-k = 1\n\\ No newline at end of file\n+k = 1\n+aws_session_token = ********\n"
    );
    assert_eq!(aws.texts(), before);

    // The same rule as `show`: a credential_process's arguments and a URL's password too.
    for (key, value, secret, shown) in [
        (
            "credential_process",
            "/usr/bin/get-creds --token hunter2",
            "hunter2",
            "+credential_process = /usr/bin/get-creds ********\n",
        ),
        (
            "endpoint_url",
            "https://user:pw-in-url@proxy.example",
            "pw-in-url",
            "+endpoint_url = https://user:********@proxy.example\n",
        ),
    ] {
        let out = aws.run(&["config", "set", "a", key, value, "--dry-run"], None);
        assert!(out.status.success(), "{}", stderr(&out));
        let diff = stdout(&out);
        assert!(diff.contains(shown), "{diff}");
        assert!(!diff.contains(secret), "{diff}");
    }
    assert_eq!(aws.texts(), before);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let before = aws.texts();
    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (
            &["config", "set", "dev-alice", "region", " eu-west-1"],
            None,
            "whitespace",
        ),
        (
            &["config", "set", "dev-alice", "region", "eu-west-1 # x"],
            None,
            "comment",
        ),
        (
            &["config", "set", "dev-alice", "region", "a\tb ;c"],
            None,
            "comment",
        ),
        (
            &["config", "set", "dev-alice", "region", "a\nb"],
            None,
            "line break",
        ),
        (
            &["config", "set", "bad name", "region", "x"],
            None,
            "would be ignored",
        ),
        (
            &["config", "set", "dev-alice", "bad key", "x"],
            None,
            "would be ignored",
        ),
        (
            &[
                "config",
                "set",
                "dev-alice",
                "aws_secret_access_key",
                "hunter2 #x",
            ],
            None,
            "comment",
        ),
        (
            &["import", "temp"],
            Some("{\"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"hunter2 ;x\"}"),
            "comment",
        ),
        (
            &["import", "temp"],
            Some("AWS_ACCESS_KEY_ID=AKIA\nhunter2\n"),
            "NAME=VALUE",
        ),
        (&["import", "bad/name?"], Some(STS_JSON), "would be ignored"),
        (
            &[
                "add",
                "dev-alice",
                "--access-key-id",
                "AKIA",
                "--secret-stdin",
            ],
            Some("hunter2\n"),
            "already exists",
        ),
        (&["rename", "dev-alice", "default"], None, "already exists"),
        (&["rename", "nobody", "somebody"], None, "not found"),
        (
            &["rm", "dev-alice", "--yes"],
            None,
            "source_profile of dev-bob",
        ),
    ];
    for (args, input, message) in cases {
        let out = aws.run(args, *input);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = stderr(&out);
        assert!(
            err.starts_with("awsp: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert!(!err.contains("hunter2"), "{args:?} shows a secret: {err}");
        assert_eq!(stdout(&out), "");
        assert_eq!(aws.texts(), before, "{args:?} wrote nothing");
    }
}

#[test]
fn get_prints_the_effective_value_masked() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let get = |args: &[&str]| stdout(&aws.ok_get(args));
    assert_eq!(
        get(&["config", "get", "dev-bob", "region"]),
        "eu-central-1\n"
    );
    assert_eq!(
        get(&["config", "get", "temp", "aws_session_token"]),
        "********\n"
    );
    assert_eq!(
        get(&["config", "get", "temp", "aws_session_token", "--reveal"]),
        "zz1\n"
    );
    assert_eq!(
        get(&["config", "get", "sso-session.corp", "sso_region"]),
        "eu-west-1\n"
    );
    let out = aws.run(&["config", "get", "dev-bob", "nothing_here"], None);
    assert!(!out.status.success());
    // What a terminal would act on is escaped, as `show` does.
    let mut text = std::fs::read_to_string(&aws.config).unwrap();
    text.push_str("\n[profile hostile]\nnote = a\u{1b}]0;pwn\u{7}b\n");
    std::fs::write(&aws.config, text).unwrap();
    let shown = get(&["config", "get", "hostile", "note"]);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(
        shown.starts_with('a') && shown.ends_with("b\n"),
        "{shown:?}"
    );
    aws.ok(
        &[
            "config",
            "set",
            "sso-session.corp",
            "sso_region",
            "us-east-2",
        ],
        None,
    );
    assert_eq!(
        get(&["config", "get", "sso-session.corp", "sso_region"]),
        "us-east-2\n"
    );
}

impl Aws {
    fn ok_get(&self, args: &[&str]) -> Output {
        let out = self.run(args, None);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    }
}

#[test]
fn rm_needs_a_terminal_or_yes_and_lists_dependents() {
    let Some(setsid) = require_tool("setsid") else {
        return;
    };
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let before = aws.texts();
    // No controlling terminal (a new session) and no --yes: refused, nothing removed.
    let mut cmd = Command::new(setsid);
    cmd.arg("-w").arg(common::awsp_bin());
    common::clean_env(&mut cmd, Some(&aws.config), Some(&aws.credentials));
    cmd.args(["rm", "temp"]);
    let out = run_with_input(&mut cmd, None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(aws.texts(), before);
    // The same for add without its options.
    let mut cmd = Command::new(require_tool("setsid").expect("setsid"));
    cmd.arg("-w").arg(common::awsp_bin());
    common::clean_env(&mut cmd, Some(&aws.config), Some(&aws.credentials));
    cmd.args(["add", "someone"]);
    let out = run_with_input(&mut cmd, None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no terminal"), "{}", stderr(&out));
    assert_eq!(aws.texts(), before);
    // --force removes a profile others depend on (their source_profile then dangles).
    aws.ok(&["rm", "dev-alice", "--yes", "--force"], None);
    let (c, k) = aws.texts();
    assert!(!model(&c, &k).contains_key("dev-alice"));
    assert!(!c.contains("[profile dev-alice]") && !k.contains("[dev-alice]"));
}

#[test]
fn modes_symlinks_and_owners_are_kept() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    let set_mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    // Readable by others: tightened, and said.
    set_mode(&aws.credentials, 0o644);
    let out = aws.ok(&["import", "temp"], Some(STS_JSON));
    assert_eq!(mode(&aws.credentials), 0o600);
    assert!(stderr(&out).contains("0644"), "{}", stderr(&out));
    // Stricter: kept.
    set_mode(&aws.credentials, 0o400);
    aws.ok(&["config", "set", "temp", "aws_session_token", "t2"], None);
    assert_eq!(mode(&aws.credentials), 0o400);
    // The config file keeps its mode.
    set_mode(&aws.config, 0o644);
    aws.ok(&["config", "set", "dev-bob", "output", "text"], None);
    assert_eq!(mode(&aws.config), 0o644);

    // A symlinked file (a dotfile manager's) stays a link; its target is written and locked.
    let dotfiles = aws.dir.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).expect("mkdir");
    let target = dotfiles.join("credentials");
    std::fs::rename(&aws.credentials, &target).expect("move");
    std::os::unix::fs::symlink("../dotfiles/credentials", &aws.credentials).expect("symlink");
    aws.ok(&["config", "set", "temp", "aws_session_token", "t3"], None);
    assert!(
        std::fs::symlink_metadata(&aws.credentials)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert!(read(&target).contains("aws_session_token = t3\n"));
    assert!(dotfiles.join("credentials.lock").exists());

    // Ownership: as root, a file owned by someone else keeps its owner.
    if std::fs::metadata(aws.dir.path()).expect("stat").uid() == 0 {
        std::os::unix::fs::chown(&target, Some(4321), Some(4322)).expect("chown");
        aws.ok(&["config", "set", "temp", "aws_session_token", "t4"], None);
        let meta = std::fs::metadata(&target).expect("stat");
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    } else {
        eprintln!("skipped: the ownership check needs root");
    }
}

#[test]
fn a_leftover_temporary_file_is_replaced_by_the_next_write() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let tmp = aws.dir.path().join(".aws/.credentials.awsp-tmp");
    std::fs::write(&tmp, "[half\nwritten").expect("write");
    aws.ok(&["config", "set", "temp", "aws_session_token", "t"], None);
    assert!(!tmp.exists());
    let (c, k) = aws.texts();
    assert_eq!(
        value(&c, &k, "temp", "aws_session_token").as_deref(),
        Some("t")
    );
}

/// Stops a child process when dropped, also when the test fails.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_held_lock_is_waited_for_then_named() {
    let Some(flock) = require_tool("flock") else {
        return;
    };
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let lock = aws.dir.path().join(".aws/credentials.lock");
    let _holder = Kill(
        Command::new(&flock)
            .arg(&lock)
            .args(["sleep", "30"])
            .spawn()
            .expect("flock"),
    );
    // Poll until the holder has it.
    let start = Instant::now();
    loop {
        let free = Command::new(&flock)
            .arg("-n")
            .arg(&lock)
            .arg("true")
            .status()
            .expect("flock -n");
        if !free.success() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the lock was never taken"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = aws.texts();
    let mut cmd = aws.cmd(&["config", "set", "temp", "aws_session_token", "t"]);
    cmd.env("AWSP_LOCK_TIMEOUT", "0.3");
    let started = Instant::now();
    let out = run_with_input(&mut cmd, None);
    assert!(!out.status.success());
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
    let err = stderr(&out);
    assert!(err.contains("~/.aws/credentials.lock"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(aws.texts(), before);
}

#[test]
fn parallel_writers_lose_no_update() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let before = aws.texts();
    let mut children = Vec::new();
    for i in 0..20 {
        let mut cmd = aws.cmd(&[
            "config",
            "set",
            "busy",
            &format!("key_{i}"),
            &format!("value-{i}"),
        ]);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        children.push(cmd.spawn().expect("spawn"));
    }
    for i in 0..5 {
        let mut cmd = aws.cmd(&["import", &format!("imp-{i}")]);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(STS_JSON.as_bytes())
            .expect("write");
        children.push(child);
    }
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let after = aws.texts();
    let m = model(&after.0, &after.1);
    let busy = m.get("busy").expect("busy");
    assert_eq!(busy.len(), 20, "{busy:?}");
    for i in 0..20 {
        assert!(busy.contains(&(format!("key_{i}"), format!("value-{i}"))));
    }
    for i in 0..5 {
        assert!(m.contains_key(&format!("imp-{i}")), "imp-{i}");
    }
    let mut allowed = vec!["busy".to_string()];
    allowed.extend((0..5).map(|i| format!("imp-{i}")));
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    assert_only(&before, &after, &allowed);
}

/// `kill -9` at random moments of a write into a large file: the file is always the old or
/// the new text, whole, and at most the one temporary file is left.
#[test]
fn sigkill_never_leaves_a_broken_file() {
    let aws = Aws::new(None, None);
    let mut big = String::from("# a large credentials file\n");
    for i in 0..4_000 {
        big.push_str(&format!(
            "[user-{i:05}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = {:040}  # rotated\n\n",
            i
        ));
    }
    big.push_str("[crash]\naws_access_key_id = AKIACRASH\naws_secret_access_key = crash\n");
    std::fs::write(&aws.credentials, &big).expect("write");
    let write = |n: usize| {
        let mut cmd = aws.cmd(&[
            "config",
            "set",
            "crash",
            "aws_session_token",
            &format!("token-{n}"),
        ]);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    let expected = |old: &str, n: usize| {
        let mut e = Editor::new(FileKind::Credentials, old, &is_secret_key).expect("parses");
        e.set(
            Target::Profile("crash"),
            "aws_session_token",
            &format!("token-{n}"),
        )
        .expect("set");
        e.finish()
    };
    // How long one whole write takes here: the quickest of three (the first also pays for
    // loading the binary, which would spread the kills too late).
    let mut full = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        assert!(write(0).status().expect("run").success());
        full = full.min(start.elapsed());
    }
    let mut current = read(&aws.credentials);
    assert_eq!(current, expected(&big, 0));
    let (mut old_seen, mut new_seen, mut mid_write) = (0, 0, 0);
    let mut last = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    // At least 200 kills, more (up to 1000) until some hit each phase: on a loaded machine
    // the window between the temporary file and the rename is narrow.
    for n in 1..=1000 {
        if n > 200 && mid_write > 0 && old_seen > 0 && new_seen > 0 {
            break;
        }
        // xorshift: a delay anywhere from 0 to 1.5 times a whole write.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = full.mul_f64((seed % 1500) as f64 / 1000.0);
        // The edit replaces the token's line and nothing else (checked by `expected` once).
        let next = current.replacen(
            &format!("aws_session_token = token-{last}\n"),
            &format!("aws_session_token = token-{n}\n"),
            1,
        );
        let mut child = write(n).spawn().expect("spawn");
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = read(&aws.credentials);
        if now == current {
            old_seen += 1;
        } else if now == next {
            new_seen += 1;
            current = now;
            last = n;
        } else {
            panic!("after a kill at {delay:?} the file is neither the old nor the new text");
        }
        // Killed between creating the temporary file and renaming it over the original:
        // where a writer that wrote in place would have left half a file.
        if aws.dir.path().join(".aws/.credentials.awsp-tmp").exists() {
            mid_write += 1;
        }
        let extra: Vec<String> = std::fs::read_dir(aws.dir.path().join(".aws"))
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| {
                !matches!(
                    n.as_str(),
                    "credentials" | "credentials.lock" | ".credentials.awsp-tmp"
                )
            })
            .collect();
        assert!(extra.is_empty(), "unexpected files: {extra:?}");
    }
    eprintln!(
        "kills: {old_seen} left the old file ({mid_write} of them mid-write), {new_seen} the new one"
    );
    awsp::config::parse::parse(&current).expect("the file parses");
    assert!(
        mid_write > 0,
        "some kills hit between the temporary file and the rename"
    );
    assert!(
        old_seen > 0 && new_seen > 0,
        "the kills hit both before and after the rename"
    );
    // The next write cleans up.
    assert!(write(999).status().expect("run").success());
    assert!(!aws.dir.path().join(".aws/.credentials.awsp-tmp").exists());
}

// ---------------------------------------------------------------------------------------------
// Property test: random edits of random files change only their own lines.

#[derive(Debug, Clone)]
enum Op {
    Set(&'static str, &'static str, &'static str),
    Unset(&'static str, &'static str),
}

fn target_name(section: &str) -> &str {
    section
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 2000, failure_persistence: None, ..Default::default()
    })]

    #[test]
    fn random_edits_change_only_their_lines(
        sections in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "[profile a]", "[profile b]", "[default]", "[ profile\ta ]", "[profile c] # c",
                    "[sso-session s]", "[services x]",
                ]),
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "k = 1", "K2=v # c", "region\t=\tx", "  cont", "# comment", "", "; c",
                        "s3 =", "  max = 1", "output = json ;c", "key = v;w",
                    ]),
                    0..6,
                ),
            ),
            0..6,
        ),
        op in proptest::prop_oneof![
            (
                proptest::sample::select(vec!["a", "b", "c", "default", "new"]),
                proptest::sample::select(vec!["k", "k2", "region", "s3", "newkey"]),
                proptest::sample::select(vec!["v1", "x y", "a#b", "é"]),
            ).prop_map(|(t, k, v)| Op::Set(t, k, v)),
            (
                proptest::sample::select(vec!["a", "b", "default", "new"]),
                proptest::sample::select(vec!["k", "k2", "region", "s3"]),
            ).prop_map(|(t, k)| Op::Unset(t, k)),
        ],
        crlf in proptest::bool::ANY,
        bom in proptest::bool::ANY,
        final_newline in proptest::bool::ANY,
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut lines = Vec::new();
        for (header, body) in &sections {
            lines.push(header.to_string());
            // Continuation lines only where the parser takes them (after a property; with an
            // `=` in a sub-property block), so that nearly every file is valid.
            let mut block: Option<bool> = None;
            for line in body {
                if line.starts_with(' ') {
                    match block {
                        None => continue,
                        Some(true) if !line.contains('=') => continue,
                        _ => {}
                    }
                } else if !line.is_empty() && !line.starts_with(['#', ';']) {
                    block = Some(line.trim_end().ends_with('='));
                }
                lines.push(line.to_string());
            }
        }
        let mut text = lines.join(nl);
        if final_newline && !text.is_empty() {
            text.push_str(nl);
        }
        if bom {
            text.insert(0, '\u{feff}');
        }
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        proptest::prop_assume!(awsp::config::parse::parse(body).is_ok());
        let mut editor = Editor::new(FileKind::Config, &text, &is_secret_key).expect("parses");
        let (name, key) = match op {
            Op::Set(t, k, v) => {
                editor.set(Target::Profile(t), k, v).expect("valid");
                (t, k)
            }
            Op::Unset(t, k) => {
                editor.unset(Target::Profile(t), k);
                (t, k)
            }
        };
        let new = editor.finish();
        let new_body = new.strip_prefix('\u{feff}').unwrap_or(&new);
        awsp::config::parse::parse(new_body).expect("the result parses");
        assert_format_kept(&text, &new);
        let changed = touched(&text, &new);
        proptest::prop_assert!(
            changed.iter().all(|s| s == target_name(name)),
            "changed {:?} for {:?}:\n{:?}\n{:?}", changed, op, text, new
        );
        let before = model(body, "");
        let after = model(new_body, "");
        for (profile, settings) in &before {
            if profile != name {
                proptest::prop_assert_eq!(after.get(profile), Some(settings), "{}", profile);
            }
        }
        let without = |m: &Settings| -> Vec<(String, String)> {
            m.get(name).cloned().unwrap_or_default().into_iter().filter(|(k, _)| k != key).collect()
        };
        proptest::prop_assert_eq!(without(&before), without(&after));
        let got = value(new_body, "", name, key);
        match op {
            Op::Set(_, _, v) => proptest::prop_assert_eq!(got.as_deref(), Some(v)),
            Op::Unset(..) => proptest::prop_assert_eq!(got, None),
        }
        // A file without a final newline gets one only where a line is added.
        let count = |s: &str| s.split_inclusive('\n').count();
        // (Unless the last line left is a blank one: "" cannot end a file without a newline.)
        let blank_left = body.contains("\n\n") || body.contains("\n\r\n") || body.starts_with(['\n', '\r']);
        if !body.ends_with('\n') && !body.is_empty() && count(&new) <= count(&text) && !blank_left {
            proptest::prop_assert!(!new.ends_with('\n'), "{:?} -> {:?}", text, new);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Questions on a real terminal (`script` runs awsp on a pseudo-terminal).

/// awsp on a pseudo-terminal: answers are typed when their prompt has appeared.
struct OnTerminal {
    child: std::process::Child,
    output: std::sync::mpsc::Receiver<Vec<u8>>,
    /// What was shown since the last answer, and everything shown.
    seen: Vec<u8>,
    all: Vec<u8>,
}

impl OnTerminal {
    fn start(aws: &Aws, args: &str) -> Option<OnTerminal> {
        let script = require_tool("script")?;
        let mut cmd = Command::new(script);
        common::clean_env(&mut cmd, Some(&aws.config), Some(&aws.credentials));
        cmd.env("HOME", aws.dir.path())
            .args(["-q", "-e", "-c"])
            .arg(format!("{} {args}", common::awsp_bin().display()))
            .arg("/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("spawn script");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Some(OnTerminal {
            child,
            output: rx,
            seen: Vec::new(),
            all: Vec::new(),
        })
    }

    /// Wait (bounded) until `prompt` has been shown, then type `answer` and Enter.
    fn answer(&mut self, prompt: &str, answer: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !String::from_utf8_lossy(&self.seen).contains(prompt) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => {
                    self.all.extend(&bytes);
                    self.seen.extend(bytes);
                }
                Err(_) => panic!(
                    "no prompt {prompt:?}; the terminal showed {:?}",
                    String::from_utf8_lossy(&self.seen)
                ),
            }
        }
        // The prompt is written just before echo is switched off for a secret.
        std::thread::sleep(Duration::from_millis(200));
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin
            .write_all(format!("{answer}\n").as_bytes())
            .expect("type");
        stdin.flush().expect("flush");
        self.seen.clear();
    }

    /// The exit status and everything the terminal showed.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().expect("wait");
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_secs(5)) {
            self.all.extend(bytes);
        }
        (status, String::from_utf8_lossy(&self.all).into_owned())
    }
}

#[test]
fn add_asks_on_the_terminal_without_echoing_the_secret() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let Some(mut term) = OnTerminal::start(&aws, "add typed") else {
        return;
    };
    term.answer("AWS Access Key ID: ", "AKIATYPED");
    term.answer("AWS Secret Access Key: ", "typedSecret0");
    term.answer("Default region name [none]: ", "eu-west-3");
    term.answer("Default output format [none]: ", "");
    let (status, shown) = term.finish();
    assert!(status.success(), "{shown}");
    assert!(
        shown.contains("AKIATYPED"),
        "typed answers are echoed: {shown}"
    );
    assert!(
        !shown.contains("typedSecret0"),
        "the secret was echoed: {shown}"
    );
    let (c, k) = aws.texts();
    assert_eq!(
        value(&c, &k, "typed", "aws_secret_access_key").as_deref(),
        Some("typedSecret0")
    );
    assert_eq!(
        value(&c, &k, "typed", "region").as_deref(),
        Some("eu-west-3")
    );
    assert_eq!(value(&c, &k, "typed", "output"), None);
}

#[test]
fn rm_asks_on_the_terminal() {
    let aws = Aws::new(Some("commented.config"), Some("commented.credentials"));
    let before = aws.texts();
    let Some(mut term) = OnTerminal::start(&aws, "rm temp") else {
        return;
    };
    term.answer("[y/N] ", "n");
    let (status, shown) = term.finish();
    assert_eq!(status.code(), Some(130), "{shown}");
    assert_eq!(aws.texts(), before, "nothing removed");
    let mut term = OnTerminal::start(&aws, "rm temp").expect("script");
    term.answer(
        "Remove profile 'temp' from the config and credentials files? [y/N] ",
        "y",
    );
    let (status, shown) = term.finish();
    assert!(status.success(), "{shown}");
    let after = aws.texts();
    assert!(!model(&after.0, &after.1).contains_key("temp"));
    assert_only(&before, &after, &["temp"]);
}

/// The `--dry-run` diff shows lines of the user's files: what a terminal would act on in them
/// (an ESC sequence in a value) is escaped, as in every other human-readable output.
#[test]
fn dry_run_escapes_control_characters_from_the_files() {
    let aws = Aws::new(None, None);
    std::fs::write(
        &aws.config,
        "[profile a]\nnote = \u{1b}]0;owned\u{7}\nregion = x\n",
    )
    .expect("write");
    let out = aws.run(&["config", "set", "a", "output", "json", "--dry-run"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains(" note = \\e]0;owned\\x07\n"), "{text:?}");
}

/// The config and credentials files named through a symlinked directory are one file: said at
/// once, not after waiting for a lock held by this very process.
#[test]
fn the_same_file_under_two_names_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
    let file = dir.path().join("a/f");
    std::fs::write(&file, "[p]\naws_access_key_id = AKIDEXAMPLE\n").unwrap();
    let before = std::fs::read(&file).unwrap();
    let mut cmd = awsp_cmd(Some(&file), Some(&dir.path().join("b/f")));
    let started = std::time::Instant::now();
    let out = cmd
        .env("HOME", dir.path())
        .env("AWSP_LOCK_TIMEOUT", "30")
        .args(["rm", "p", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("are the same file"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// The diff's context lines follow the same rule: a continued credential_process's
/// arguments and a commented-out old key are masked too.
#[test]
fn dry_run_context_masks_continued_arguments_and_commented_out_keys() {
    let aws = Aws::new(None, None);
    std::fs::write(
        &aws.config,
        "[profile a]\ncredential_process = /usr/bin/get-creds\n  --token hunter2\n\
         # aws_secret_access_key = OLDSECRET\noutput = json\n",
    )
    .unwrap();
    let out = aws.run(&["config", "set", "a", "output", "text", "--dry-run"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("+output = text"), "{diff}");
    assert!(
        diff.contains(" credential_process = /usr/bin/get-creds"),
        "{diff}"
    );
    assert!(diff.contains("   ********"), "{diff}");
    assert!(
        diff.contains(" # aws_secret_access_key = ********"),
        "{diff}"
    );
    for secret in ["hunter2", "OLDSECRET"] {
        assert!(!diff.contains(secret), "{diff}");
    }
}

/// `add`'s secret prompt: not echoed, bounded, and Ctrl-C at it leaves the terminal as it was
/// and the files untouched (run on a pseudo-terminal, tests/tools/pty_run.py).
#[test]
fn the_secret_prompt_hides_the_answer_and_restores_the_terminal() {
    let Some(python) = require_venv_python() else {
        return;
    };
    let aws = Aws::new(None, None);
    let pty = |answer: &str| -> serde_json::Value {
        let mut cmd = Command::new(&python);
        cmd.arg(common::repo_root().join("tests/tools/pty_run.py"))
            .args(["AWS Secret Access Key: ", answer, "--"])
            .arg(common::awsp_bin())
            .args(["add", "p", "--access-key-id", "AKIDEXAMPLE"])
            .args(["--region", "eu-west-1", "--output", "json"]);
        common::clean_env(&mut cmd, Some(&aws.config), Some(&aws.credentials));
        cmd.env("HOME", aws.dir.path());
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "pty_run.py: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let run = pty("^C");
    assert_eq!(run["rc"], -2, "killed by SIGINT: {run}");
    assert_eq!(run["echo"], true, "{run}");
    assert!(
        !aws.credentials.exists()
            || std::fs::read_to_string(&aws.credentials)
                .unwrap()
                .is_empty()
    );
    let run = pty("s3cr3tVALUE");
    assert_eq!(run["rc"], 0, "{run}");
    assert_eq!(run["echo"], true, "{run}");
    assert!(
        !run["tty"].as_str().unwrap().contains("s3cr3tVALUE"),
        "{run}"
    );
    let text = std::fs::read_to_string(&aws.credentials).unwrap();
    assert!(
        text.contains("aws_secret_access_key = s3cr3tVALUE"),
        "{text}"
    );
}

/// `rename default` where `[profile default]` hides a `[default]`: refused, nothing written,
/// rather than carrying the ignored section along or bringing it to life.
#[test]
fn renaming_a_default_that_hides_another_is_refused() {
    let aws = Aws::new(None, None);
    std::fs::write(
        &aws.config,
        "[default]\nregion = hidden-1\n\n[profile default]\noutput = json\n",
    )
    .unwrap();
    let before = aws.texts();
    let out = aws.run(&["rename", "default", "x"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("line 1: [default] is ignored beside [profile default]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(aws.texts(), before);
    // Alone, a [default] renames as before.
    std::fs::write(&aws.config, "[default]\nregion = r\n").unwrap();
    aws.ok(&["rename", "default", "x"], None);
    assert_eq!(
        std::fs::read_to_string(&aws.config).unwrap(),
        "[profile x]\nregion = r\n"
    );
}
