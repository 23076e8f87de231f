//! Mutation fuzzing of the AWS files through the real binary: the fixtures are mutated line by
//! line (inserted, deleted, duplicated and swapped lines; lines from the format's grammar,
//! broken brackets, bare `=`, continuation lines, hostile bytes, huge lines) or replaced by
//! random bytes, and `list`, `list --json`, `show`, `use` and completion run on the result.
//! Whatever the input: no panic or abort, exit 0 or 1, and on error nothing on stdout and one
//! `awsp: ` line on stderr that names the file and line when it is about a line of a file.
//!
//! A bounded number of runs (`PROPTEST_CASES` raises it); `fuzz/` has a `cargo fuzz` target for
//! longer, coverage-guided runs of the parser and model.

mod common;

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use common::{awsp_cmd, fixture};

/// The fixtures the mutations start from.
fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        "core/config",
        "core/credentials",
        "core/bom-crlf-tabs.config",
        "core/missing-equals.config",
        "switch/config",
        "shell/config",
        "shell/credentials",
    ]
    .iter()
    .map(|p| std::fs::read(fixture(p)).expect("fixture"))
    .collect();
    let (config, credentials) = common::example_files();
    seeds.push(std::fs::read(config).expect("example config"));
    seeds.push(std::fs::read(credentials).expect("example credentials"));
    seeds
}

/// Lines the grammar knows, broken ones included.
fn grammar_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(vec![
        "default",
        "dev",
        "dev-alice",
        "admin",
        "a",
        "loop-a",
        "x y",
        "",
        "profile",
        "%n",
        "é",
    ]);
    let key = prop::sample::select(vec![
        "region",
        "role_arn",
        "source_profile",
        "credential_source",
        "credential_process",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "sso_session",
        "sso_start_url",
        "sso_region",
        "sso_account_id",
        "sso_role_name",
        "web_identity_token_file",
        "s3",
        "in valid",
        "",
    ]);
    let value = prop::sample::select(vec![
        "",
        "dev",
        "admin",
        "Environment",
        "arn:aws:iam::123456789012:role/R",
        "us-east-1",
        "/bin/false",
        "x ; comment",
        "a # b",
        "=",
        "[profile x]",
    ]);
    prop_oneof![
        (name.clone()).prop_map(|n| format!("[profile {n}]").into_bytes()),
        (name.clone()).prop_map(|n| format!("[{n}]").into_bytes()),
        (name.clone()).prop_map(|n| format!("[sso-session {n}]").into_bytes()),
        (name.clone()).prop_map(|n| format!("[profile {n}").into_bytes()),
        (name).prop_map(|n| format!("[[profile {n}]]  # c").into_bytes()),
        (key.clone(), value.clone()).prop_map(|(k, v)| format!("{k} = {v}").into_bytes()),
        (key.clone(), value.clone()).prop_map(|(k, v)| format!("  {k} = {v}").into_bytes()),
        (key.clone(), value).prop_map(|(k, v)| format!("\t{k}={v}").into_bytes()),
        key.prop_map(|k| format!("{k} =").into_bytes()),
        Just(b"=".to_vec()),
        Just(b"= value".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"[]".to_vec()),
        Just(b"  continued".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"; comment".to_vec()),
        Just(b"\xef\xbb\xbf[default]".to_vec()),
    ]
}

/// Lines no grammar makes: hostile bytes and huge lines.
fn hostile_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        prop::collection::vec(
            prop::sample::select(vec![
                b'\0', b'\r', 0x1b, 0xff, 0xc3, 0x80, b'[', b']', b'=', b' ', b'\t', b'#', b';',
                b'a',
            ]),
            0..40
        ),
        (
            1usize..200_000,
            prop::sample::select(vec![b'a', b'[', b'=', b' '])
        )
            .prop_map(|(n, b)| vec![b; n]),
        (1usize..50_000).prop_map(|n| format!("region = {}", "x".repeat(n)).into_bytes()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = prop_oneof![6 => grammar_line(), 1 => hostile_line()];
    prop_oneof![
        (any::<usize>(), line.clone()).prop_map(|(at, l)| Mutation::Insert(at, l)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), line).prop_map(|(at, l)| Mutation::Replace(at, l)),
    ]
}

fn mutate(seed: &[u8], mutations: &[Mutation], crlf: bool) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = seed.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    for m in mutations {
        let n = lines.len();
        match m {
            Mutation::Insert(at, l) => lines.insert(at % (n + 1), l.clone()),
            Mutation::Delete(at) if n > 0 => {
                lines.remove(at % n);
            }
            Mutation::Duplicate(at) if n > 0 => {
                let l = lines[at % n].clone();
                lines.insert(at % n, l);
            }
            Mutation::Swap(a, b) if n > 0 => lines.swap(a % n, b % n),
            Mutation::Replace(at, l) if n > 0 => lines[at % n] = l.clone(),
            _ => {}
        }
    }
    lines.join(if crlf { &b"\r\n"[..] } else { &b"\n"[..] })
}

/// A file for one case: a mutated seed, or (rarely) random bytes.
fn file_strategy() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    prop_oneof![
        8 => (
            prop::sample::select(seeds),
            prop::collection::vec(mutation(), 1..6),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(seed, ms, crlf)| mutate(&seed, &ms, crlf)),
        1 => prop::collection::vec(any::<u8>(), 0..2000),
    ]
}

/// The invariants every run keeps, whatever the files held.
fn check(args: &[&str], out: &Output, files: &[&Path]) -> Result<(), TestCaseError> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    prop_assert!(
        matches!(code, Some(0 | 1)),
        "{args:?}: exit {:?} (a panic is 101, an abort a signal): {stderr}",
        out.status
    );
    if code == Some(1) {
        prop_assert!(out.stdout.is_empty(), "{args:?}: stdout on error");
        prop_assert!(
            stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
            "{args:?}: one line on stderr: {stderr:?}"
        );
        prop_assert!(stderr.starts_with("awsp: "), "{args:?}: {stderr:?}");
        // A message about a file's content names the file and line: `awsp: PATH:LINE: ...`.
        let about_content = ["not valid UTF-8", "NUL byte", "Expected"]
            .iter()
            .any(|w| stderr.contains(w));
        if about_content {
            let names_line = files.iter().any(|file| {
                let prefix = format!("awsp: {}:", file.display());
                stderr.strip_prefix(&prefix).is_some_and(|rest| {
                    let digits = rest.chars().take_while(char::is_ascii_digit).count();
                    digits > 0 && rest[digits..].starts_with(": ")
                })
            });
            prop_assert!(names_line, "{args:?}: no file:line in {stderr:?}");
        }
    } else {
        for line in stderr.lines() {
            prop_assert!(
                line.starts_with("awsp: "),
                "{args:?}: stray stderr {stderr:?}"
            );
        }
    }
    Ok(())
}

fn run(config: &Path, credentials: &Path, args: &[&str]) -> Output {
    awsp_cmd(Some(config), Some(credentials))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("awsp runs")
}

#[test]
fn mutated_files_never_crash_and_fail_cleanly() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    let names = prop::sample::select(vec![
        "default",
        "dev",
        "dev-alice",
        "admin",
        "loop-a",
        "a",
        "x",
        "sso-dev",
        "proc",
    ]);
    let strategy = (file_strategy(), file_strategy(), names);
    // Both outcomes must be reached, or the mutations are too tame (or too wild) to test much.
    let (failed, succeeded) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    runner
        .run(&strategy, |(config_bytes, credentials_bytes, name)| {
            std::fs::write(&config, &config_bytes).unwrap();
            std::fs::write(&credentials, &credentials_bytes).unwrap();
            let files = [config.as_path(), credentials.as_path()];
            for args in [
                &["list"][..],
                &["list", "--json"],
                &["show", name],
                &["use", name],
            ] {
                let out = run(&config, &credentials, args);
                check(args, &out, &files)?;
                let count = if out.status.success() {
                    &succeeded
                } else {
                    &failed
                };
                count.set(count.get() + 1);
            }
            // Completion reads the same files and must stay quiet whatever they hold.
            let out = awsp_cmd(Some(&config), Some(&credentials))
                .args(["complete", "--index", "2", "--", "awsp", "use", ""])
                .output()
                .expect("awsp runs");
            prop_assert!(
                out.status.success(),
                "completion: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(())
        })
        .unwrap();
    assert!(
        failed.get() > 0 && succeeded.get() > 0,
        "{} failed, {} succeeded",
        failed.get(),
        succeeded.get()
    );
    eprintln!(
        "{} runs failed cleanly, {} succeeded",
        failed.get(),
        succeeded.get()
    );
}
