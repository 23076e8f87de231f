//! Quoting, proven in the real shells: hostile values rendered by `Shell::render`, evaluated by
//! bash, zsh, dash and fish, and read back byte for byte; PowerShell (not installed here) is
//! checked against `powershell::unquote`, a model of its tokenizer.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use awsp::env::EnvChange;
use awsp::shell::{Shell, powershell};

/// Values per script, and scripts per shell: 64 × 32 values each, in one process per script.
const VALUES_PER_SCRIPT: usize = 32;
const SCRIPTS_PER_SHELL: u32 = 64;

/// A file a payload creates if the shell ever runs part of a value as code.
const MARKER: &str = "pwned";

/// Characters with a meaning to some shell.
const SPECIAL: &[char] = &[
    '\'', '"', '$', '`', '\\', '!', '\n', '\r', '\t', '%', '{', '}', ';', '&', '|', '*', '?', '~',
    '#', '(', ')', '<', '>', '[', ']', ' ', '=', '^', '@', ',', '-', ':', '\u{7f}',
];

/// The characters PowerShell treats as single quotes.
const PS_QUOTES: &[char] = &['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Non-ASCII that shells have been known to treat specially: BOM, bidi override, fish's
/// private-use byte encoding (U+F600–U+F6FF) and reserved non-characters (U+FDD0…), NEL,
/// line separator, the replacement character, the last scalar.
const NON_ASCII: &[&str] = &[
    "é",
    "日本語",
    "🦀",
    "\u{FEFF}",
    "\u{202E}",
    "\u{F600}",
    "\u{F6FF}",
    "\u{FDD0}",
    "\u{FDDF}",
    "\u{FFFD}",
    "\u{FFFF}",
    "\u{10FFFF}",
    "\u{00A0}",
    "\u{0085}",
    "\u{2028}",
    "\u{1F}\u{80}\u{9F}",
];

/// Fragments that would run `touch pwned` in some shell if a value were not inert.
const PAYLOADS: &[&str] = &[
    "$(touch pwned)",
    "`touch pwned`",
    "; touch pwned",
    "'; touch pwned; '",
    "'\\''; touch pwned; '",
    "\\'; touch pwned #",
    "\\\\'; touch pwned #",
    "(touch pwned)",
    "\"; touch pwned; \"",
    "$(touch${IFS}pwned)",
    "&& touch pwned",
    "| touch pwned",
    "\ntouch pwned\n",
    "'\ntouch pwned\n'",
    "\\\ntouch pwned",
    "\r\ntouch pwned\r\n",
    "'$(touch pwned)'",
    "{touch pwned}",
    "$[touch pwned]",
    "${HOME}",
    "$HOME",
    "~",
    "~root",
    "!!",
    "!$",
    "$1",
    "$@",
    "*",
    "{a,b}",
    "''",
    "'\\''",
    "%s%n%x",
    "$env:HOME",
    "`$(touch pwned)",
    "'`'",
    "\u{2019}; touch pwned; \u{2018}",
    "$((1+1))",
    "${AWSP_QT_0}",
    "\u{1b}[31m",
    "-e",
    "--",
    "\\",
];

/// Characters to repeat in long runs.
const RUNS: &[&str] = &[
    "'", "\\", "\"", "$", "`", "\u{2019}", "\\'", "'\\", "a", "\n",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(|c| if c == '\0' { '\u{1}' } else { c }.to_string()),
        6 => prop::sample::select(SPECIAL).prop_map(String::from),
        2 => prop_oneof![1u32..=0x1f, Just(0x7f), 0x80u32..=0x9f]
            .prop_map(|c| char::from_u32(c).unwrap().to_string()),
        2 => prop::sample::select(PS_QUOTES).prop_map(String::from),
        2 => prop::sample::select(NON_ASCII).prop_map(str::to_string),
        3 => prop::sample::select(PAYLOADS).prop_map(str::to_string),
        1 => (prop::sample::select(RUNS), 2usize..300).prop_map(|(s, n)| s.repeat(n)),
        1 => "[a-zA-Z0-9/+=._-]{1,40}",
    ]
}

/// A hostile string: any scalar but NUL, biased towards what shells care about.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|pieces| pieces.concat())
}

fn name(i: usize) -> String {
    format!("AWSP_QT_{i}")
}

/// A variable that exists before the script runs and that the script unsets.
const GONE: &str = "AWSP_QT_GONE";

#[derive(Debug, Clone, Copy)]
enum Kind {
    Bash,
    Zsh,
    Dash,
    Fish,
}

impl Kind {
    fn emitter(self) -> Shell {
        match self {
            Kind::Bash => Shell::Bash,
            Kind::Zsh => Shell::Zsh,
            Kind::Dash => Shell::Posix,
            Kind::Fish => Shell::Fish,
        }
    }

    fn tool(self) -> &'static str {
        match self {
            Kind::Bash => "bash",
            Kind::Zsh => "zsh",
            Kind::Dash => "dash",
            Kind::Fish => "fish",
        }
    }

    /// Evaluate `./script` the way the integration does, then print every value with the
    /// shell's own `printf` (NUL-terminated), then the exported environment (`env -0`).
    fn command(self, path: &Path, options: &Options) -> Command {
        let vars: Vec<String> = (0..VALUES_PER_SCRIPT)
            .map(|i| format!("\"${}\"", name(i)))
            .collect();
        let print = format!("printf '%s\\0' {}\nenv -0\n", vars.join(" "));
        let mut cmd = Command::new(path);
        match self {
            Kind::Bash => {
                cmd.args(["--norc", "--noprofile", "-c"]);
            }
            Kind::Zsh => {
                cmd.args(["-f", "-c"]);
            }
            Kind::Dash => {
                cmd.arg("-c");
            }
            Kind::Fish => {
                cmd.args(["--no-config", "-c"]);
            }
        }
        let prelude = match self {
            // RC_QUOTES makes '' inside single quotes a quote: the output must not care.
            Kind::Zsh if options.zsh_rc_quotes => "setopt rc_quotes\n",
            _ => "",
        };
        // As the integration's wrapper function does it (shell/awsp.*).
        let eval = match self {
            Kind::Fish => {
                "function __awsp_t\n set -l __awsp_code (cat ./script)\n \
                 string join \\n -- $__awsp_code | source\nend\n__awsp_t\n"
            }
            Kind::Dash => {
                "__awsp_t() { __awsp_code=\"$(cat ./script)\"; eval \"$__awsp_code\"; }\n__awsp_t\n"
            }
            _ => {
                "__awsp_t() { local __awsp_code; __awsp_code=\"$(cat ./script)\"; \
                 builtin eval -- \"$__awsp_code\"; }\n__awsp_t\n"
            }
        };
        cmd.arg(format!("{prelude}{eval}{print}"));
        cmd
    }
}

#[derive(Debug, Clone)]
struct Options {
    locale: &'static str,
    zsh_rc_quotes: bool,
}

fn options() -> impl Strategy<Value = Options> {
    (prop::sample::select(&["C.UTF-8", "C"][..]), any::<bool>()).prop_map(
        |(locale, zsh_rc_quotes)| Options {
            locale,
            zsh_rc_quotes,
        },
    )
}

fn round_trip_in(kind: Kind) {
    let Some(path) = common::require_tool(kind.tool()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: SCRIPTS_PER_SHELL,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(hostile(), VALUES_PER_SCRIPT),
        options(),
    );
    let result = runner.run(&strategy, |(values, options)| {
        let mut change = EnvChange::new();
        for (i, value) in values.iter().enumerate() {
            change.set(&name(i), value.as_str());
        }
        change.unset(GONE);
        change.validate().unwrap();
        let script = kind.emitter().render(&change);
        std::fs::write(dir.path().join("script"), &script).unwrap();

        let out = kind
            .command(&path, &options)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("LC_ALL", options.locale)
            .env(GONE, "still here")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let marker = dir.path().join(MARKER);
        let executed = marker.exists();
        let _ = std::fs::remove_file(&marker);
        prop_assert!(!executed, "a value was executed as code:\n{script}");
        prop_assert!(
            out.status.success(),
            "{} failed ({}): {}",
            kind.tool(),
            out.status,
            common::stderr(&out)
        );
        prop_assert_eq!(common::stderr(&out), "", "evaluating printed on stderr");

        let mut fields = out.stdout.split(|b| *b == 0);
        for (i, value) in values.iter().enumerate() {
            let got = fields.next().unwrap_or_default();
            prop_assert_eq!(
                String::from_utf8_lossy(got),
                value.as_str(),
                "shell variable {} differs",
                name(i)
            );
            prop_assert_eq!(got, value.as_bytes());
        }
        let exported: BTreeMap<&[u8], &[u8]> = fields
            .filter(|f| !f.is_empty())
            .filter_map(|entry| {
                let eq = entry.iter().position(|b| *b == b'=')?;
                Some((&entry[..eq], &entry[eq + 1..]))
            })
            .collect();
        for (i, value) in values.iter().enumerate() {
            let got = exported.get(name(i).as_bytes()).copied();
            prop_assert_eq!(
                got.map(String::from_utf8_lossy),
                Some(value.as_str().into()),
                "exported {} differs",
                name(i)
            );
            prop_assert_eq!(got, Some(value.as_bytes()));
        }
        prop_assert!(
            !exported.contains_key(GONE.as_bytes()),
            "{GONE} is still exported"
        );
        Ok(())
    });
    if let Err(err) = result {
        panic!("{}: {err}", kind.tool());
    }
}

#[test]
fn bash_reads_back_every_value() {
    round_trip_in(Kind::Bash);
}

#[test]
fn zsh_reads_back_every_value() {
    round_trip_in(Kind::Zsh);
}

#[test]
fn dash_reads_back_every_value() {
    round_trip_in(Kind::Dash);
}

#[test]
fn fish_reads_back_every_value() {
    round_trip_in(Kind::Fish);
}

/// Each value on its own, with the quote characters at the edges, where an off-by-one in
/// the escaping would show.
#[test]
fn edge_values_in_every_shell() {
    let values: Vec<String> = [
        "",
        "'",
        "''",
        "\\",
        "\\\\",
        "\\'",
        "'\\",
        "a'",
        "'a",
        "\n",
        "\n\n",
        " ",
        "-",
        "--",
        "-e",
        "-n",
        "$",
        "\"",
        "`",
        "!",
        "\u{2019}",
        "\r",
        "\t",
        "\u{1}",
        "\u{7f}",
        "#",
        "%s",
        "~",
        "*",
        "\u{F600}",
        "\u{FDD0}",
        "$(touch pwned)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(values.len(), VALUES_PER_SCRIPT);
    for kind in [Kind::Bash, Kind::Zsh, Kind::Dash, Kind::Fish] {
        let Some(path) = common::require_tool(kind.tool()) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut change = EnvChange::new();
        for (i, value) in values.iter().enumerate() {
            change.set(&name(i), value.as_str());
        }
        std::fs::write(dir.path().join("script"), kind.emitter().render(&change)).unwrap();
        let options = Options {
            locale: "C.UTF-8",
            zsh_rc_quotes: false,
        };
        let out = kind
            .command(&path, &options)
            .current_dir(dir.path())
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            kind.tool(),
            common::stderr(&out)
        );
        assert_eq!(common::stderr(&out), "", "{}", kind.tool());
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).take(values.len()).collect();
        let want: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
        assert_eq!(got, want, "{}", kind.tool());
        assert!(!dir.path().join(MARKER).exists(), "{}", kind.tool());
    }
}

// PowerShell: no pwsh on this machine; `unquote` models its tokenizer for single-quoted strings.

#[test]
fn powershell_quote_round_trips_through_unquote() {
    let mut runner = TestRunner::new(Config {
        cases: 4096,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile(), |value| {
            let literal = powershell::quote(&value);
            prop_assert_eq!(powershell::unquote(&literal), Some(value.clone()));
            // A statement of its own: the literal is the whole right-hand side.
            let line = Shell::PowerShell.render(EnvChange::new().set("AWSP_QT_0", value.as_str()));
            prop_assert_eq!(line, format!("$env:AWSP_QT_0 = {literal}\n"));
            Ok(())
        })
        .unwrap();
}

#[test]
fn powershell_unquote_reads_hand_written_literals() {
    let cases: &[(&str, Option<&str>)] = &[
        ("''", Some("")),
        ("'abc'", Some("abc")),
        ("'it''s'", Some("it's")),
        ("''''", Some("'")),
        ("'$env:HOME `n \"x\"'", Some("$env:HOME `n \"x\"")),
        // Each curly quote opens, closes, and is escaped by doubling.
        ("'a\u{2018}\u{2018}b'", Some("a\u{2018}b")),
        ("'a\u{2019}\u{2019}b'", Some("a\u{2019}b")),
        ("'a\u{201A}\u{201A}b'", Some("a\u{201A}b")),
        ("'a\u{201B}\u{201B}b'", Some("a\u{201B}b")),
        ("\u{2018}x\u{2019}", Some("x")),
        ("\u{201A}x\u{201B}", Some("x")),
        // Mixed pairs: the second character of a pair is the one kept.
        ("'a'\u{2019}b'", Some("a\u{2019}b")),
        ("'a\u{2019}'b'", Some("a'b")),
        ("'a\u{2018}\u{201B}b'", Some("a\u{201B}b")),
        (
            "'\u{2019}\u{2019}\u{2019}\u{2019}'",
            Some("\u{2019}\u{2019}"),
        ),
        // Malformed: unterminated, or a lone quote closing the string early.
        ("", None),
        ("abc", None),
        ("'", None),
        ("'abc", None),
        ("'a'b'", None),
        ("'a\u{2019}b'", None),
        ("'a\u{201A}b'", None),
        ("'ab''", None),
    ];
    for (literal, want) in cases {
        assert_eq!(
            powershell::unquote(literal).as_deref(),
            *want,
            "unquote({literal:?})"
        );
    }
}

#[test]
fn powershell_quote_doubles_each_curly_quote() {
    for q in ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'] {
        assert_eq!(powershell::quote(&format!("a{q}b")), format!("'a{q}{q}b'"));
    }
    assert_eq!(powershell::quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
    assert_eq!(
        powershell::unquote("'a\u{2019}\u{2019}b'").as_deref(),
        Some("a\u{2019}b")
    );
}

// NUL: no environment variable can hold one, so it is refused before any code is printed.

#[test]
fn validate_refuses_nul_and_bad_names() {
    let mut change = EnvChange::new();
    change.set("AWS_SECRET_ACCESS_KEY", "a\0b");
    let err = change.validate().unwrap_err().to_string();
    assert!(err.contains("NUL"), "{err}");
    assert!(!err.contains("a\0b"), "the value is not echoed: {err:?}");

    for bad in ["", "1A", "A-B", "A B", "A=B", "A;B", "É"] {
        assert!(
            EnvChange::new().set(bad, "x").validate().is_err(),
            "{bad:?}"
        );
        assert!(EnvChange::new().unset(bad).validate().is_err(), "{bad:?}");
    }
    for good in ["A", "_", "_1", "AWS_PROFILE", "a1"] {
        assert!(
            EnvChange::new().set(good, "x").validate().is_ok(),
            "{good:?}"
        );
    }
    let hostile = "\u{1}'\"$`\\\n\u{2019}";
    assert!(EnvChange::new().set("A", hostile).validate().is_ok());
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file.set_permissions(std::fs::Permissions::from_mode(0o755))
        .unwrap();
}

#[test]
fn use_refuses_a_credential_with_a_nul_byte() {
    let dir = tempfile::tempdir().unwrap();
    let helper = dir.path().join("nul-helper");
    write_executable(
        &helper,
        "#!/bin/sh\nprintf '%s\\n' '{\"Version\": 1, \"AccessKeyId\": \"AKIDNUL\", \"SecretAccessKey\": \"a\\u0000b\"}'\n",
    );
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile nul]\nregion = eu-west-1\ncredential_process = {}\n",
            helper.display()
        ),
    )
    .unwrap();
    for shell in ["sh", "bash", "zsh", "fish", "powershell"] {
        let out = common::awsp_cmd(Some(&config), None)
            .args(["use", "nul", "--creds", "--shell", shell])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{shell}: {}",
            common::stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{shell}: {}", common::stdout(&out));
        let err = common::stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("awsp: ") && err.contains("NUL"), "{err}");
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
    }
}
