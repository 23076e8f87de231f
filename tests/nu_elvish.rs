//! nushell and elvish in the real shells: the integration passes the shell's own checker,
//! loads silently (twice too), switches through the wrapper exactly as bash does (creds,
//! `use -`, unset, nothing stale), leaves the environment alone on a failure, passes hostile
//! values byte for byte with nothing run (property tests of each quoting function), computes
//! the prompt without a process, and completes profile names.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use awsp::cli::{InitShell, Shell};
use awsp::cmd::init::render;
use awsp::env::EnvChange;
use awsp::shell::nu;
use common::{awsp_bin, clean_env, fixture, require_tool};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const BOTH: [Shell; 2] = [Shell::Nu, Shell::Elvish];

fn tool(sh: Shell) -> &'static str {
    match sh {
        Shell::Nu => "nu",
        _ => "elvish",
    }
}

fn integration(sh: Shell) -> InitShell {
    InitShell::new(sh).expect("an integration")
}

/// A nushell string literal for a path (for `source`), or an elvish one.
fn literal(sh: Shell, text: &str) -> String {
    sh.quote(text)
}

/// The shell with a clean environment, a scratch HOME (no user config is read), the AWS
/// files, the binary's path in `$TEST_AWSP_BIN` and `dir` as the working directory.
fn shell(
    sh: Shell,
    dir: &Path,
    config: Option<&Path>,
    credentials: Option<&Path>,
) -> Option<Command> {
    let path = require_tool(tool(sh))?;
    let mut cmd = Command::new(path);
    clean_env(&mut cmd, config, credentials);
    cmd.env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("TEST_AWSP_BIN", awsp_bin())
        .current_dir(dir);
    match sh {
        Shell::Nu => cmd.args(["-n", "-c"]),
        _ => cmd.args(["-norc", "-c"]),
    };
    Some(cmd)
}

/// The integration as `awsp init` prints it, saved to `dir`.
fn saved_init(sh: Shell, dir: &Path, extra: &[&str]) -> PathBuf {
    let out = Command::new(awsp_bin())
        .args(["init", sh.name()])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let path = dir.join(format!(
        "awsp-init-{}.{}",
        extra.join(""),
        integration(sh).init().ext
    ));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// The lines that load the integration: nushell `source`s the saved file (it has no eval);
/// elvish evals the binary's output as the README says, and takes the commands out of the
/// eval's namespace (`edit:add-var` does that in the interactive shell).
fn load(sh: Shell, dir: &Path) -> String {
    match sh {
        Shell::Nu => format!("source {}\n", literal(sh, saved_init(sh, dir, &[]).to_str().unwrap())),
        _ => "var awsp~ = $nil\nvar awsp_prompt~ = $nil\n\
              eval ((external $E:TEST_AWSP_BIN) init elvish | slurp) &on-end={|ns| set awsp~ = $ns[awsp~]; set awsp_prompt~ = $ns[awsp_prompt~] }\n"
            .to_string(),
    }
}

fn run(sh: Shell, script: &str) -> Option<(Output, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let script = script.replace("__LOAD__", &load(sh, dir.path()));
    let out = shell(
        sh,
        dir.path(),
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    )?
    .arg(&script)
    .output()
    .unwrap();
    Some((out, dir))
}

fn checked(sh: Shell, file: &Path) {
    let out = match sh {
        Shell::Nu => {
            let Some(nu) = require_tool("nu") else { return };
            let ide = Command::new(&nu)
                .args(["-n", "--ide-check", "100"])
                .arg(file)
                .output()
                .unwrap();
            let errors: Vec<_> = common::stdout(&ide)
                .lines()
                .filter(|l| l.contains("\"severity\":\"Error\""))
                .map(str::to_string)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.display());
            Command::new(&nu)
                .args(["-n", "-c"])
                .arg(format!(
                    "if not (nu-check {}) {{ exit 1 }}",
                    literal(sh, file.to_str().unwrap())
                ))
                .output()
                .unwrap()
        }
        _ => {
            let Some(elvish) = require_tool("elvish") else {
                return;
            };
            Command::new(elvish)
                .arg("-compileonly")
                .arg(file)
                .output()
                .unwrap()
        }
    };
    assert!(
        out.status.success(),
        "{} rejected:\n{}{}\n--- script ---\n{}",
        file.display(),
        common::stdout(&out),
        common::stderr(&out),
        std::fs::read_to_string(file).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// The checkers

#[test]
fn every_script_passes_the_shells_checker() {
    let dir = tempfile::tempdir().unwrap();
    for sh in BOTH {
        let ext = integration(sh).init().ext;
        for cmd in ["awsp", "aws-p"] {
            let mut files = vec![saved_init(sh, dir.path(), &["--cmd", cmd])];
            let out = Command::new(awsp_bin())
                .args(["completions", sh.name(), "--cmd", cmd])
                .output()
                .unwrap();
            let text = common::ok(&out);
            assert!(text.contains(cmd), "{sh:?} --cmd {cmd}: {text}");
            let path = dir.path().join(format!("completions-{cmd}.{ext}"));
            std::fs::write(&path, text).unwrap();
            files.push(path);
            for file in files {
                checked(sh, &file);
            }
        }
        // And what `use` and `unset` print for elvish (nushell's is JSON, read by `from json`
        // in the wrapper and in the tests below).
        if sh == Shell::Elvish {
            let (config, credentials) = common::example_files();
            for args in [
                &["use", "dev-alice"][..],
                &["use", "dev-bob", "--creds"],
                &["unset"],
            ] {
                let out = common::awsp_cmd(Some(&config), Some(&credentials))
                    .args(args)
                    .args(["--shell", "elvish"])
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", common::stderr(&out));
                let path = dir.path().join("emitted.elv");
                std::fs::write(&path, &out.stdout).unwrap();
                checked(sh, &path);
            }
        }
    }
}

/// The checkers can fail: an unclosed bracket is rejected.
#[test]
fn the_checkers_reject_a_broken_script() {
    let dir = tempfile::tempdir().unwrap();
    for sh in BOTH {
        let Some(path) = require_tool(tool(sh)) else {
            continue;
        };
        let good = render(integration(sh), "awsp", "/usr/local/bin/awsp");
        let head = match sh {
            Shell::Nu => "def awsp_prompt [] {",
            _ => "fn awsp_prompt {",
        };
        let broken = good.replacen(head, &format!("{head} ("), 1);
        assert_ne!(good, broken);
        let file = dir
            .path()
            .join(format!("broken.{}", integration(sh).init().ext));
        std::fs::write(&file, broken).unwrap();
        let failed = match sh {
            Shell::Nu => {
                let out = Command::new(&path)
                    .args(["-n", "--ide-check", "100"])
                    .arg(&file)
                    .output()
                    .unwrap();
                common::stdout(&out).contains("\"severity\":\"Error\"")
            }
            _ => !Command::new(&path)
                .arg("-compileonly")
                .arg(&file)
                .output()
                .unwrap()
                .status
                .success(),
        };
        assert!(failed, "{sh:?} accepted a broken script");
    }
}

// ---------------------------------------------------------------------------------------------
// Loading and switching

#[test]
fn loading_prints_nothing_even_twice() {
    for sh in BOTH {
        for script in ["__LOAD__", "__LOAD__\n__LOAD__"] {
            let Some((out, _dir)) = run(sh, script) else {
                break;
            };
            assert!(
                out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
                "{sh:?} {script:?}: {:?}\n{}{}",
                out.status,
                common::stdout(&out),
                common::stderr(&out)
            );
        }
    }
}

/// The variables every dump shows (those awsp sets or clears).
fn watched() -> Vec<&'static str> {
    awsp::env::cleared_vars()
}

fn dump_fn(sh: Shell) -> String {
    let names = watched().join(" ");
    match sh {
        Shell::Nu => format!(
            "def dump [] {{ for n in [{names}] {{ if ($n in $env) {{ print $\"($n)=($env | get $n)\" }} }}; print '--' }}\n"
        ),
        Shell::Elvish => format!(
            "fn dump {{ for n [{names}] {{ if (has-env $n) {{ echo $n'='(get-env $n) }} }}; echo '--' }}\n"
        ),
        _ => format!(
            "dump() {{ for n in {names}; do [ -n \"${{!n+x}}\" ] && printf '%s=%s\\n' \"$n\" \"${{!n}}\"; done; echo --; }}\n"
        ),
    }
}

/// The same steps as bash takes them (its integration is proven in shell_init.rs and
/// switch.rs): use, --creds, back to a plain profile, `use -`, unset.
const STEPS: [&str; 6] = [
    "awsp use dev-alice",
    "awsp use dev-bob --creds",
    "awsp use dev-alice",
    "awsp use -",
    "awsp use prod --region eu-south-2",
    "awsp unset",
];

#[test]
fn switching_matches_bash_step_by_step() {
    let Some(bash) = require_tool("bash") else {
        return;
    };
    let mut script = format!(
        "eval \"$(\"$TEST_AWSP_BIN\" init bash)\"\n{}",
        dump_fn(Shell::Bash)
    );
    for step in STEPS {
        script.push_str(&format!("{step}\ndump\n"));
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bash);
    clean_env(
        &mut cmd,
        Some(&fixture("shell/config")),
        Some(&fixture("shell/credentials")),
    );
    let want = cmd
        .env("HOME", home.path())
        .env("TEST_AWSP_BIN", awsp_bin())
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    assert!(want.status.success(), "{}", common::stderr(&want));
    let want = common::stdout(&want);
    assert!(want.contains("AWS_ACCESS_KEY_ID="), "{want}");
    for sh in BOTH {
        let mut script = format!("__LOAD__\n{}", dump_fn(sh));
        for step in STEPS {
            script.push_str(&format!("{step}\ndump\n"));
        }
        let Some((out, _dir)) = run(sh, &script) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stdout(&out), want, "{sh:?}");
    }
}

/// An unknown profile: the command fails with the binary's status, says why on stderr, and
/// changes nothing. So does `use -` with nothing to go back to.
#[test]
fn a_failed_switch_changes_nothing_and_fails() {
    for sh in BOTH {
        let attempt = |what: &str| match sh {
            Shell::Nu => format!(
                "try {{ {what}; print 'no failure' }} catch {{|e| print $\"failed ($e.exit_code?)\" }}\n"
            ),
            _ => format!(
                "try {{ {what}; echo 'no failure' }} catch e {{ echo 'failed '$e[reason][exit-status] }}\n"
            ),
        };
        let script = format!(
            "__LOAD__\n{}{}dump\nawsp use dev-alice\ndump\n{}dump\n",
            dump_fn(sh),
            attempt("awsp use -"),
            attempt("awsp use nope-not-there")
        );
        let Some((out, _dir)) = run(sh, &script) else {
            continue;
        };
        let text = common::stdout(&out);
        let parts: Vec<&str> = text.split("--\n").collect();
        assert!(text.starts_with("failed 1\n"), "{sh:?}: {text}");
        assert_eq!(
            parts[2],
            format!("failed 1\n{}", parts[1]),
            "{sh:?}: {text}"
        );
        assert!(parts[1].contains("AWS_PROFILE=dev-alice"), "{sh:?}: {text}");
        let err = common::stderr(&out);
        assert!(
            err.contains("awsp: profile 'nope-not-there' not found"),
            "{sh:?}: {err}"
        );
    }
}

/// Help and other output through the wrapper is handed on unchanged, never applied.
#[test]
fn other_output_is_not_applied() {
    for sh in BOTH {
        let script = match sh {
            Shell::Nu => {
                "__LOAD__\nprint (awsp use --help | lines | first)\nprint ('AWS_PROFILE' in $env)\n"
            }
            _ => {
                "__LOAD__\necho (awsp use --help | from-lines | take 1)\necho (has-env AWS_PROFILE)\n"
            }
        };
        let Some((out, _dir)) = run(sh, script) else {
            continue;
        };
        let text = common::stdout(&out);
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let last = text.split_whitespace().last();
        assert!(
            last == Some("false") || last == Some("$false"),
            "{sh:?}: {text}"
        );
        assert!(
            text.starts_with("Switch this shell to a profile"),
            "{sh:?}: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const SPECIAL: &[char] = &[
    '\'', '"', '$', '`', '\\', '!', '\n', '\r', '\t', '%', '{', '}', ';', '&', '|', '*', '?', '~',
    '#', '(', ')', '<', '>', '[', ']', ' ', '=', '^', '@', ',', '-', ':', '\u{7f}', '\u{1b}',
];

const PAYLOADS: &[&str] = &[
    "$(touch pwned)",
    "`touch pwned`",
    "; touch pwned",
    "'; touch pwned; '",
    "''; touch pwned #",
    "\"; touch pwned; \"",
    "(touch pwned)",
    "^touch pwned",
    "\ntouch pwned\n",
    "'\ntouch pwned\n'",
    "\\u{0}",
    "\\x41",
    "$env.HOME",
    "$E:HOME",
    "$\"(touch pwned)\"",
    "{ touch pwned }",
    "%s%n",
    "!!",
    "\u{2019}; touch pwned",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(|c| if c == '\0' { '\u{1}' } else { c }.to_string()),
        6 => prop::sample::select(SPECIAL).prop_map(String::from),
        2 => prop_oneof![1u32..=0x1f, Just(0x7f), 0x80u32..=0x9f, 0xd7ffu32..=0xd7ff, 0xe000u32..=0xe000, 0x10000u32..=0x10fff]
            .prop_map(|c| char::from_u32(c).unwrap_or('x').to_string()),
        3 => prop::sample::select(PAYLOADS).prop_map(str::to_string),
        1 => "[a-zA-Z0-9/+=._-]{1,40}",
        1 => (prop::sample::select(&["'", "\\", "\"", "\n"][..]), 2usize..100).prop_map(|(s, n)| s.repeat(n)),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..16).prop_map(|pieces| pieces.concat())
}

const VALUES_PER_SCRIPT: usize = 24;
const SCRIPTS: u32 = 24;

/// The values, as the shell got them: each printed by a builtin, followed by a NUL.
fn values_in_shell(sh: Shell, values: &[String]) -> Option<Vec<Vec<u8>>> {
    let mut change = EnvChange::new();
    for (i, value) in values.iter().enumerate() {
        change.set(&format!("AWSP_QT_{i}"), value.as_str());
    }
    change.validate().unwrap();
    let mut script = String::new();
    match sh {
        Shell::Nu => {
            // The JSON the wrapper reads, as a nushell literal: both quoting functions at once.
            let json = sh.render(&change);
            script.push_str(&format!(
                "let c = ({} | from json)\nload-env $c.set\n",
                nu::quote(json.trim_end())
            ));
            for (i, value) in values.iter().enumerate() {
                script.push_str(&format!("print -n $env.AWSP_QT_{i} \"\\u{{0}}\"\n"));
                // And the literal alone.
                script.push_str(&format!("print -n {} \"\\u{{0}}\"\n", nu::quote(value)));
            }
        }
        _ => {
            script.push_str(&sh.render(&change));
            for (i, value) in values.iter().enumerate() {
                script.push_str(&format!("print $E:AWSP_QT_{i}\"\\x00\"\n"));
                script.push_str(&format!("print {}\"\\x00\"\n", sh.quote(value)));
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = shell(sh, dir.path(), None, None)?
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sh:?}: {}\n--- script ---\n{script}",
        common::stderr(&out)
    );
    assert!(
        !dir.path().join("pwned").exists(),
        "{sh:?} ran part of a value:\n{script}"
    );
    let mut fields: Vec<Vec<u8>> = out.stdout.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
    assert_eq!(fields.pop().as_deref(), Some(&b""[..]), "{sh:?}");
    Some(fields)
}

#[test]
fn hostile_values_arrive_byte_for_byte() {
    for sh in BOTH {
        if require_tool(tool(sh)).is_none() {
            continue;
        }
        let mut runner = TestRunner::new(Config {
            cases: SCRIPTS,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(
            &prop::collection::vec(hostile(), VALUES_PER_SCRIPT),
            |values| {
                for value in &values {
                    prop_assert!(sh.quote(value).is_ascii());
                    prop_assert!(
                        sh.render(EnvChange::new().set("A", value.as_str()))
                            .is_ascii()
                    );
                }
                let Some(fields) = values_in_shell(sh, &values) else {
                    return Ok(());
                };
                prop_assert_eq!(fields.len(), values.len() * 2);
                for (i, value) in values.iter().enumerate() {
                    prop_assert_eq!(&fields[2 * i], value.as_bytes(), "{:?} env {}", sh, i);
                    prop_assert_eq!(
                        &fields[2 * i + 1],
                        value.as_bytes(),
                        "{:?} literal {}",
                        sh,
                        i
                    );
                }
                Ok(())
            },
        );
        if let Err(err) = result {
            panic!("{sh:?}: {err}");
        }
    }
}

/// Through the real wrapper: a profile whose region is full of syntax arrives exactly.
#[test]
fn wrapper_passes_hostile_values_through_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let region_lines = [
        "it's $(touch pwned) `touch pwned` \\ \u{2019}' \"q\" $env.HOME $E:HOME !! %s é \u{1b}[31m",
        "; touch pwned #x",
    ];
    std::fs::write(
        &config,
        format!(
            "[profile hostile]\nregion = {}\n  {}\n",
            region_lines[0], region_lines[1]
        ),
    )
    .unwrap();
    let want = format!("{}\n{}", region_lines[0], region_lines[1]);
    for sh in BOTH {
        let work = tempfile::tempdir().unwrap();
        let Some(mut cmd) = shell(sh, work.path(), Some(&config), None) else {
            continue;
        };
        let print = match sh {
            Shell::Nu => "print -n $env.AWS_REGION \"\\u{0}\" $env.AWS_PROFILE \"\\u{0}\"",
            _ => "print $E:AWS_REGION\"\\x00\"$E:AWS_PROFILE\"\\x00\"",
        };
        let script = format!("{}awsp use hostile\n{print}\n", load(sh, work.path()));
        let out = cmd.arg(&script).output().unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(
            out.stdout,
            format!("{want}\0hostile\0").into_bytes(),
            "{sh:?}: {}",
            common::stderr(&out)
        );
        assert!(!work.path().join("pwned").exists(), "{sh:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The prompt

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `awsp_prompt` with PATH emptied and the integration rendered for a binary that does not
/// exist, so that starting any process would fail; compared with `prompt::segment`. Times at
/// half minutes, seconds within 2 s.
#[test]
fn prompt_matches_the_rule_without_a_process() {
    let now = now();
    let mut cases: Vec<(&str, &str, String)> = vec![
        ("", "", String::new()),
        ("", "", (now + 600).to_string()),
        ("dev-alice", "", String::new()),
        ("", "dev-bob", String::new()),
        ("dev-alice", "dev-bob", (now + 42 * 60 + 30).to_string()),
        ("", "dev-bob", format!("+{}", now + 42 * 60 + 30)),
        ("", "dev-bob", format!("000{}", now + 42 * 60 + 30)),
        ("", "dev-bob", (now + 3600 + 5 * 60 + 30).to_string()),
        ("", "dev-bob", (now + 26 * 3600 + 30).to_string()),
        ("", "dev-bob", (now + 90).to_string()),
        ("", "dev-bob", (now + 45).to_string()),
        ("", "dev-bob", (now - 100).to_string()),
        ("", "dev-bob", (now + 900_000_000_000_000 + 30).to_string()),
    ];
    for absurd in [
        "-5",
        "0",
        "+0",
        "-0",
        "000000000000000",
        "-999999999999999",
        "9999999999999999",
        "00000000000000000042",
        "010",
        "0x10",
        "1e9",
        " 12",
        "12 ",
        "12\n",
        "12.5",
        "+-1",
        "soon",
        "\u{661}\u{662}",
    ] {
        cases.push(("", "dev-bob", absurd.to_string()));
    }
    let dir = tempfile::tempdir().unwrap();
    for sh in BOTH {
        let init = dir
            .path()
            .join(format!("init.{}", integration(sh).init().ext));
        std::fs::write(&init, render(integration(sh), "awsp", "/nonexistent/awsp")).unwrap();
        let init = literal(sh, init.to_str().unwrap());
        let mut script = match sh {
            Shell::Nu => format!("source {init}\n$env.PATH = ['/nonexistent']\n"),
            _ => format!(
                "var awsp_prompt~ = $nil\neval (slurp < {init}) &on-end={{|ns| set awsp_prompt~ = $ns[awsp_prompt~] }}\nset-env PATH /nonexistent\n"
            ),
        };
        for (aws_profile, awsp_profile, expiration) in &cases {
            let set = |name: &str, value: &str| match sh {
                Shell::Nu => format!("$env.{name} = {}\n", nu::quote(value)),
                _ => format!("set-env {name} {}\n", sh.quote(value)),
            };
            script.push_str(&set("AWS_PROFILE", aws_profile));
            script.push_str(&set("AWSP_PROFILE", awsp_profile));
            script.push_str(&set("AWSP_EXPIRATION", expiration));
            script.push_str(match sh {
                Shell::Nu => "print -n (awsp_prompt) \"\\u{0}\"\n",
                _ => "print (awsp_prompt)\"\\x00\"\n",
            });
        }
        let work = tempfile::tempdir().unwrap();
        let Some(out) =
            shell(sh, work.path(), None, None).map(|mut c| c.arg(&script).output().unwrap())
        else {
            continue;
        };
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{sh:?}: {}",
            common::stderr(&out)
        );
        let text = common::stdout(&out);
        let got: Vec<&str> = text.split('\0').collect();
        assert_eq!(got.len(), cases.len() + 1, "{sh:?}: {text:?}");
        for ((aws_profile, awsp_profile, expiration), got) in cases.iter().zip(&got) {
            let profile = [*aws_profile, *awsp_profile]
                .into_iter()
                .find(|p| !p.is_empty());
            let want = awsp::cmd::prompt::segment(
                profile,
                awsp::cmd::prompt::parse_expiration(expiration),
                now,
            );
            let close = match (want.rsplit_once(' '), got.rsplit_once(' ')) {
                (Some((wh, wt)), Some((gh, gt))) if wh == gh => {
                    match (
                        wt.strip_suffix('s').and_then(|s| s.parse::<i64>().ok()),
                        gt.strip_suffix('s').and_then(|s| s.parse::<i64>().ok()),
                    ) {
                        (Some(w), Some(g)) => (w - g).abs() <= 2,
                        _ => false,
                    }
                }
                _ => false,
            };
            assert!(
                *got == want || close,
                "{sh:?} {:?}: got {got:?}, want {want:?}",
                (aws_profile, awsp_profile, expiration)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Completion

/// The completer each integration registers, called as the shell's editor calls it, offers
/// the profile names from the live files, subcommands, and flags once a `-` is typed.
#[test]
fn the_completer_offers_profiles_subcommands_and_flags() {
    let cases: [(&[&str], &str, &str); 4] = [
        (&["awsp", "use", "dev-"], "dev-alice", "list"),
        (&["awsp", ""], "use", "dev-alice"),
        (&["awsp", "use", "--cr"], "--creds", "dev-alice"),
        (&["awsp", "exec", "pr"], "prod", "--creds"),
    ];
    for sh in BOTH {
        let mut script = String::from("__LOAD__\n");
        if sh == Shell::Nu {
            // nushell hands the command-wide completer (`@complete`) the words.
            for (words, _, _) in &cases {
                let words: Vec<String> = words.iter().map(|w| nu::quote(w)).collect();
                script.push_str(&format!(
                    "print (__awsp_complete [{}] | get value | str join ' ')\n",
                    words.join(" ")
                ));
            }
        } else {
            // elvish calls the arg completer with the words, the last one being typed;
            // `edit:complex-candidate` exists only in the interactive shell, so a function
            // putting the value stands in for it here (the tmux test uses the real one).
            let init = Command::new(awsp_bin())
                .args(["completions", "elvish"])
                .output()
                .unwrap();
            let mut completion = String::from_utf8(init.stdout).unwrap();
            completion = completion.replace("edit:complex-candidate", "__awsp_candidate");
            completion = completion.replace("(external 'awsp')", "(external $E:TEST_AWSP_BIN)");
            script = format!("fn __awsp_candidate {{|v &display=''| put $v }}\n{completion}\n");
            for (words, _, _) in &cases {
                let words: Vec<String> = words.iter().map(|w| sh.quote(w)).collect();
                script.push_str(&format!(
                    "echo ($__awsp_complete {} | str:join ' ' [(all)])\n",
                    words.join(" ")
                ));
            }
        }
        let Some((out, _dir)) = run(sh, &script) else {
            continue;
        };
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        let text = common::stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), cases.len(), "{sh:?}: {text}");
        for ((words, has, lacks), line) in cases.iter().zip(lines) {
            let got: Vec<&str> = line.split(' ').collect();
            assert!(got.contains(has), "{sh:?} {words:?}: {line}");
            assert!(!got.contains(lacks), "{sh:?} {words:?}: {line}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The wrapper's checks, with a fake binary

/// A fake `awsp` printing `stdout` and exiting with `status`.
fn fake_binary(dir: &Path, stdout: &str, status: i32) -> PathBuf {
    let path = dir.join("fake-awsp");
    let body = format!(
        "#!/bin/sh\nprintf '%s' '{}'\nexit {status}\n",
        stdout.replace('\'', "'\\''")
    );
    std::fs::write(&path, body).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// What the wrapper does with what a fake binary prints: whether anything was applied, and
/// whether the command failed.
fn through_fake(sh: Shell, stdout: &str, status: i32) -> Option<(bool, bool, String)> {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_binary(dir.path(), stdout, status);
    let init = dir
        .path()
        .join(format!("init.{}", integration(sh).init().ext));
    std::fs::write(
        &init,
        render(integration(sh), "awsp", fake.to_str().unwrap()),
    )
    .unwrap();
    let init = literal(sh, init.to_str().unwrap());
    let script = match sh {
        Shell::Nu => format!(
            "source {init}\nlet failed = try {{ awsp use dev-alice | ignore; false }} catch {{ true }}\n\
             print $\"failed=($failed) applied=('AWSP_TEST_EVALUATED' in $env)\"\n"
        ),
        _ => format!(
            "var awsp~ = $nil\neval (slurp < {init}) &on-end={{|ns| set awsp~ = $ns[awsp~] }}\n\
             var failed = $false\ntry {{ awsp use dev-alice > /dev/null }} catch {{ set failed = $true }}\n\
             echo 'failed='(to-string $failed)' applied='(to-string (has-env AWSP_TEST_EVALUATED))\n"
        ),
    };
    let out = shell(sh, dir.path(), None, None)?
        .arg(&script)
        .output()
        .unwrap();
    let text = common::stdout(&out).replace('$', "");
    assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
    let failed = text.contains("failed=true");
    let applied = text.contains("applied=true");
    Some((failed, applied, text))
}

#[test]
fn the_wrapper_applies_only_its_own_header_and_whole_valid_code() {
    for sh in BOTH {
        let header = format!("# awsp eval {}\n", sh.name());
        let (good, broken, other) = match sh {
            Shell::Nu => (
                "{\"set\":{\"AWSP_TEST_EVALUATED\":\"yes\"},\"unset\":[]}\n",
                "{\"set\":{\"AWSP_TEST_EVALUATED\":\"yes\"},\"unset\":[\n",
                "# awsp eval elvish\n{\"set\":{\"AWSP_TEST_EVALUATED\":\"yes\"},\"unset\":[]}\n",
            ),
            _ => (
                "set-env AWSP_TEST_EVALUATED yes\n",
                "set-env AWSP_TEST_EVALUATED yes\nput (\n",
                "# awsp eval nu\nset-env AWSP_TEST_EVALUATED yes\n",
            ),
        };
        // The fake itself works: the right header and valid code are applied.
        let Some((failed, applied, text)) = through_fake(sh, &format!("{header}{good}"), 0) else {
            continue;
        };
        assert!(!failed && applied, "{sh:?}: {text}");
        for (stdout, status, should_fail) in [
            (format!("{header}{good}"), 3, true),
            (format!("{header}{broken}"), 0, true),
            (other.to_string(), 0, false),
            (good.to_string(), 0, false),
            (format!("x{header}{good}"), 0, false),
            // Well-formed JSON of the wrong shape is not applied either (nor is it elvish code).
            (
                format!(
                    "{header}{{\"set\":{{\"AWSP_TEST_EVALUATED\":{{\"a\":1}}}},\"unset\":[]}}\n"
                ),
                0,
                true,
            ),
            (
                format!("{header}{{\"set\":{{\"AWSP_TEST_EVALUATED\":\"yes\"}},\"unset\":[1]}}\n"),
                0,
                true,
            ),
        ] {
            let (failed, applied, text) = through_fake(sh, &stdout, status).unwrap();
            assert!(
                !applied,
                "{sh:?} applied {stdout:?} (status {status}): {text}"
            );
            assert_eq!(
                failed, should_fail,
                "{sh:?} {stdout:?} (status {status}): {text}"
            );
        }
    }
}

/// `--cmd NAME`: the wrapper goes by that name, and completes under it.
#[test]
fn a_custom_name_switches_too() {
    for sh in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let init = saved_init(sh, dir.path(), &["--cmd", "aws-p"]);
        let init = literal(sh, init.to_str().unwrap());
        let script = match sh {
            Shell::Nu => format!("source {init}\naws-p use dev-alice\nprint $env.AWS_PROFILE\n"),
            _ => format!(
                "var aws-p~ = $nil\neval (slurp < {init}) &on-end={{|ns| set aws-p~ = $ns[aws-p~] }}\n\
                 aws-p use dev-alice\necho $E:AWS_PROFILE\n"
            ),
        };
        let Some(mut cmd) = shell(
            sh,
            dir.path(),
            Some(&fixture("shell/config")),
            Some(&fixture("shell/credentials")),
        ) else {
            continue;
        };
        let out = cmd.arg(&script).output().unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stdout(&out), "dev-alice\n", "{sh:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The interactive shell, in tmux: the integration loaded as the README says (nushell's
// autoload directory, elvish's rc.elv), Tab completes a profile and a flag, the wrapper
// switches, and the prompt command sees it.

struct Tmux {
    tmux: PathBuf,
    socket: PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new(&self.tmux)
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    fn keys(&self, literal: bool, keys: &str) {
        let mut args = vec!["send-keys", "-t", "0"];
        if literal {
            args.extend(["-l", "--"]);
        }
        args.push(keys);
        let out = self.cmd(&args);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }

    fn screen(&self) -> String {
        common::stdout(&self.cmd(&["capture-pane", "-p", "-t", "0"]))
    }

    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = std::time::Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if start.elapsed() > std::time::Duration::from_secs(15) {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

#[test]
fn interactive_shells_complete_and_switch() {
    for sh in BOTH {
        let Some(tmux) = require_tool("tmux") else {
            return;
        };
        let Some(shell_path) = require_tool(tool(sh)) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let bin_dir = awsp_bin().parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let init = Command::new(awsp_bin())
            .args(["init", sh.name()])
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(init.status.success());
        let (file, content) = match sh {
            Shell::Nu => (
                home.join(".local/share/nushell/vendor/autoload/awsp.nu"),
                init.stdout.clone(),
            ),
            _ => (
                home.join(".config/elvish/rc.elv"),
                b"eval (awsp init elvish | slurp)\n".to_vec(),
            ),
        };
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, content).unwrap();
        let t = Tmux {
            tmux,
            socket: dir.path().join("tmux.sock"),
        };
        let out = Command::new(&t.tmux)
            .arg("-S")
            .arg(&t.socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "40",
                "--",
            ])
            .arg(&shell_path)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("TERM", "xterm")
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("AWS_CONFIG_FILE", fixture("shell/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", fixture("shell/credentials"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux: {}", common::stderr(&out));
        let echo = |text: &str| match sh {
            Shell::Nu => format!("print {text}"),
            _ => format!("echo {text}"),
        };
        t.keys(true, &echo("awsp-ready"));
        t.keys(false, "Enter");
        t.wait("the shell", |s| {
            s.lines().any(|l| l.trim_end() == "awsp-ready")
        });
        t.keys(true, "awsp use dev-a");
        t.keys(false, "Tab");
        t.wait("the profile name", |s| s.contains("awsp use dev-alice"));
        t.keys(true, " --cr");
        t.keys(false, "Tab");
        t.wait("the flag", |s| s.contains("awsp use dev-alice --creds"));
        t.keys(false, "Enter");
        let marker = match sh {
            Shell::Nu => "print $\"mark:($env.AWS_ACCESS_KEY_ID? | default none):(awsp_prompt)\"",
            _ => "echo 'mark:'$E:AWS_ACCESS_KEY_ID':'(awsp_prompt)",
        };
        t.keys(true, marker);
        t.keys(false, "Enter");
        t.wait("the switch", |s| {
            s.lines()
                .any(|l| l.trim_end() == "mark:AKIAALICEEXAMPLE0001:dev-alice")
        });
    }
}

/// `awsp` alone through the wrapper is `awsp use` (the picker), as in bash: the binary is
/// run as `--wrapper SHELL use` and its switch applied.
#[test]
fn the_wrapper_alone_is_use() {
    for sh in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let args = dir.path().join("args");
        let fake = dir.path().join("fake-awsp");
        let code = match sh {
            Shell::Nu => "{\"set\":{\"AWSP_TEST_EVALUATED\":\"yes\"},\"unset\":[]}",
            _ => "set-env AWSP_TEST_EVALUATED yes",
        };
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\necho \"$*\" >>'{}'\nprintf '# awsp eval {}\\n{code}\\n'\n",
                args.display(),
                sh.name()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let init = dir
            .path()
            .join(format!("init.{}", integration(sh).init().ext));
        std::fs::write(
            &init,
            render(integration(sh), "awsp", fake.to_str().unwrap()),
        )
        .unwrap();
        let init = literal(sh, init.to_str().unwrap());
        let script = match sh {
            Shell::Nu => format!("source {init}\nawsp\nprint $env.AWSP_TEST_EVALUATED\n"),
            _ => format!(
                "var awsp~ = $nil\neval (slurp < {init}) &on-end={{|ns| set awsp~ = $ns[awsp~] }}\n\
                 awsp\necho $E:AWSP_TEST_EVALUATED\n"
            ),
        };
        let Some(mut cmd) = shell(sh, dir.path(), None, None) else {
            continue;
        };
        let out = cmd.arg(&script).output().unwrap();
        assert!(out.status.success(), "{sh:?}: {}", common::stderr(&out));
        assert_eq!(common::stdout(&out), "yes\n", "{sh:?}");
        assert_eq!(
            std::fs::read_to_string(&args).unwrap(),
            format!("--wrapper {} use\n", sh.name()),
            "{sh:?}"
        );
    }
}
