//! Quoting, proven in the real shells: hostile values rendered by `Shell::render`, evaluated by
//! bash, zsh, dash and fish, and read back byte for byte, in UTF-8, C, and the legacy
//! multi-byte locales (GBK, GB18030, Shift_JIS, Big5; compiled with `localedef` once into the
//! target directory), where a byte of a value could pair with the code's `\\` or `'`.
//! PowerShell (not installed here) is checked against `powershell::unquote`, a model of its
//! tokenizer.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use awsp::env::EnvChange;
use awsp::shell::{Shell, powershell};

/// Values per script, and scripts per shell: 64 × 32 values each in UTF-8 and C, and 16 × 32
/// in each legacy locale, in one process per script.
const VALUES_PER_SCRIPT: usize = 32;
const SCRIPTS_PER_SHELL: u32 = 64;
const SCRIPTS_PER_LEGACY_LOCALE: u32 = 16;

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

/// What follows a non-ASCII character to break out of a quote if its last byte pairs with
/// the next byte of the code (a `\\` is a second byte in all four legacy encodings; bash in
/// GB18030 takes a lead byte and a digit with the next two bytes, whatever they are).
const BREAKOUTS: &[&str] = &[
    "0'; touch pwned #",
    "0\"; touch pwned #",
    "0",
    "'; touch pwned #",
    "\\'; touch pwned #",
    "\\\\'; touch pwned #",
    "'\\''; touch pwned #",
    "\\",
    "'",
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
        3 => (
            prop_oneof![0x80u32..0x800, 0x800u32..0x10000, 0x10000u32..0x110000],
            prop::sample::select(BREAKOUTS)
        )
            .prop_map(|(c, tail)| format!("{}{tail}", char::from_u32(c).unwrap_or('日'))),
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
    /// bash and zsh evaluating the POSIX sh code of the plain form `eval "$(awsp use P)"`
    /// instead of their own.
    plain_form: bool,
}

impl Options {
    fn emitter(&self, kind: Kind) -> Shell {
        match kind {
            Kind::Bash | Kind::Zsh if self.plain_form => Shell::Posix,
            _ => kind.emitter(),
        }
    }
}

fn options(locales: &'static [&'static str]) -> impl Strategy<Value = Options> {
    (prop::sample::select(locales), any::<bool>(), any::<bool>()).prop_map(
        |(locale, zsh_rc_quotes, plain_form)| Options {
            locale,
            zsh_rc_quotes,
            plain_form,
        },
    )
}

/// The legacy multi-byte locales: name, source locale, charmap (as `locale charmap` says it).
const LEGACY_LOCALES: &[(&str, &str, &str)] = &[
    ("zh_CN.GBK", "zh_CN", "GBK"),
    ("zh_CN.GB18030", "zh_CN", "GB18030"),
    ("ja_JP.SJIS", "ja_JP", "SHIFT_JIS"),
    ("zh_TW.BIG5", "zh_TW", "BIG5"),
];

fn is_legacy(locale: &str) -> bool {
    LEGACY_LOCALES.iter().any(|(name, _, _)| *name == locale)
}

/// A directory for `LOCPATH` holding the legacy locales, compiled with `localedef` on first
/// use (cached in the target directory across runs). `None` (skipped, or a failure under
/// `CI=true`) when localedef or the locale sources and charmaps (Debian `locales`) are missing.
fn legacy_locales() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(compile_legacy_locales).as_deref()
}

fn compile_legacy_locales() -> Option<PathBuf> {
    common::require_tool("localedef")?;
    common::require_tool("locale")?;
    let i18n = Path::new("/usr/share/i18n");
    for (_, source, charmap) in LEGACY_LOCALES {
        let source = i18n.join("locales").join(source);
        let charmap = i18n.join("charmaps").join(format!("{charmap}.gz"));
        for needed in [source, charmap] {
            if !needed.is_file() {
                if common::under_ci() {
                    panic!(
                        "{} is required under CI=true (Debian locales)",
                        needed.display()
                    );
                }
                eprintln!(
                    "skipped: locales not installed ({} missing)",
                    needed.display()
                );
                return None;
            }
        }
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsp-legacy-locales");
    build_locales(&dir);
    if let Err(err) = check_locales(&dir) {
        // A cache from another glibc: build afresh once.
        eprintln!("rebuilding the legacy locales: {err}");
        std::fs::remove_dir_all(&dir).unwrap();
        build_locales(&dir);
        check_locales(&dir).unwrap();
    }
    Some(dir)
}

/// Compile the locales that `dir` lacks: in parallel, each into a scratch directory renamed
/// into place when complete, so that an interrupted run (or another test binary at the same
/// time) leaves no half locale.
fn build_locales(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut building = Vec::new();
    for (name, source, charmap) in LEGACY_LOCALES {
        let target = dir.join(name);
        if target.join("LC_CTYPE").is_file() {
            continue;
        }
        let scratch = dir.join(format!(".{name}.{}", std::process::id()));
        let child = Command::new("localedef")
            .args(["--no-warnings=ascii", "-f", charmap, "-i", source])
            .arg(&scratch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        building.push((child, scratch, target));
    }
    for (child, scratch, target) in building {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "localedef for {}: {}",
            target.display(),
            common::stderr(&out)
        );
        if std::fs::rename(&scratch, &target).is_err() {
            // Another process finished first.
            let _ = std::fs::remove_dir_all(&scratch);
        }
    }
}

/// The shells must really run in these locales, or the tests prove nothing.
fn check_locales(dir: &Path) -> Result<(), String> {
    for (name, _, charmap) in LEGACY_LOCALES {
        let out = Command::new("locale")
            .arg("charmap")
            .env("LOCPATH", dir)
            .env("LC_ALL", name)
            .output()
            .unwrap();
        let got = common::stdout(&out);
        if got.trim() != *charmap || !out.stderr.is_empty() {
            return Err(format!(
                "{name}: charmap {:?}, {}",
                got.trim(),
                common::stderr(&out)
            ));
        }
    }
    Ok(())
}

/// Run `cmd` in `locale`: `LC_ALL`, and `LOCPATH` for a legacy one.
fn in_locale(cmd: &mut Command, locale: &str) {
    cmd.env("LC_ALL", locale);
    if is_legacy(locale) {
        let dir = legacy_locales().expect("legacy locales were compiled");
        cmd.env("LOCPATH", dir);
    }
}

fn round_trip_in(kind: Kind) {
    let Some(path) = common::require_tool(kind.tool()) else {
        return;
    };
    round_trip_with(kind, &path, &["C.UTF-8", "C"], SCRIPTS_PER_SHELL);
    if legacy_locales().is_some() {
        for (name, _, _) in LEGACY_LOCALES {
            round_trip_with(
                kind,
                &path,
                std::slice::from_ref(name),
                SCRIPTS_PER_LEGACY_LOCALE,
            );
        }
    }
}

fn round_trip_with(kind: Kind, path: &Path, locales: &'static [&'static str], cases: u32) {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(hostile(), VALUES_PER_SCRIPT),
        options(locales),
    );
    let result = runner.run(&strategy, |(values, options)| {
        let mut change = EnvChange::new();
        for (i, value) in values.iter().enumerate() {
            change.set(&name(i), value.as_str());
        }
        change.unset(GONE);
        change.validate().unwrap();
        let script = options.emitter(kind).render(&change);
        std::fs::write(dir.path().join("script"), &script).unwrap();

        let mut cmd = kind.command(path, &options);
        cmd.current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env(GONE, "still here")
            .stdin(Stdio::null());
        in_locale(&mut cmd, options.locale);
        let out = cmd.output().unwrap();
        let marker = dir.path().join(MARKER);
        let executed = marker.exists();
        let _ = std::fs::remove_file(&marker);
        prop_assert!(
            !executed,
            "{}: a value was executed as code:\n{script}",
            options.locale
        );
        prop_assert!(
            out.status.success(),
            "{} failed in {} ({}): {}",
            kind.tool(),
            options.locale,
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
        panic!("{} in {}: {err}", kind.tool(), locales.join(", "));
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
        "日\\'; touch pwned #",
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
        "ア'; touch pwned #",
        // In GB18030 `\u{FFFD}` ends with a lead byte: bash once took `0` and the closing
        // quote with it, and the next value ran.
        "\u{FFFD}0",
        "; touch pwned; #",
        "\u{F600}",
        "\u{FDD0}",
        "$(touch pwned)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(values.len(), VALUES_PER_SCRIPT);
    let mut locales = vec!["C.UTF-8"];
    if legacy_locales().is_some() {
        locales.extend(LEGACY_LOCALES.iter().map(|(name, _, _)| *name));
    }
    for (kind, plain_form) in [
        (Kind::Bash, false),
        (Kind::Bash, true),
        (Kind::Zsh, false),
        (Kind::Zsh, true),
        (Kind::Dash, false),
        (Kind::Fish, false),
    ] {
        let Some(path) = common::require_tool(kind.tool()) else {
            continue;
        };
        for locale in &locales {
            let options = Options {
                locale,
                zsh_rc_quotes: false,
                plain_form,
            };
            let dir = tempfile::tempdir().unwrap();
            let mut change = EnvChange::new();
            for (i, value) in values.iter().enumerate() {
                change.set(&name(i), value.as_str());
            }
            let script = options.emitter(kind).render(&change);
            std::fs::write(dir.path().join("script"), script).unwrap();
            let mut cmd = kind.command(&path, &options);
            cmd.current_dir(dir.path()).stdin(Stdio::null());
            in_locale(&mut cmd, locale);
            let out = cmd.output().unwrap();
            let what = format!("{} in {locale} (plain form: {plain_form})", kind.tool());
            assert!(out.status.success(), "{what}: {}", common::stderr(&out));
            assert_eq!(common::stderr(&out), "", "{what}");
            let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).take(values.len()).collect();
            let want: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
            assert_eq!(got, want, "{what}");
            assert!(!dir.path().join(MARKER).exists(), "{what}");
        }
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
fn powershell_code_is_ascii_with_curly_quotes_as_char_codes() {
    for q in ['\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'] {
        let code = powershell::quote(&format!("a{q}b"));
        assert_eq!(code, format!("('a' + [char]{} + 'b')", q as u32));
        assert_eq!(powershell::unquote(&code), Some(format!("a{q}b")));
    }
    assert_eq!(powershell::quote("a'b"), "'a''b'");
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile(), |value| {
            let code = powershell::quote(&value);
            prop_assert!(code.bytes().all(|b| (b' '..=b'~').contains(&b)), "{code:?}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn posix_code_is_ascii() {
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile(), |value| {
            let code = Shell::Posix.quote(&value);
            prop_assert!(code.is_ascii(), "{code:?}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn fish_code_is_printable_ascii() {
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile(), |value| {
            let code = Shell::Fish.quote(&value);
            prop_assert!(code.bytes().all(|b| (b' '..=b'~').contains(&b)), "{code:?}");
            Ok(())
        })
        .unwrap();
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

use common::write_executable;

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

/// `AWS_PROFILE` set by hand to a hostile name is carried into `AWSP_PREVIOUS` by a switch,
/// through the same emitter: real fish in each legacy locale keeps it byte for byte, and
/// `use -` back to it fails cleanly (no such profile) with nothing run and nothing changed.
#[test]
fn hostile_previous_profile_round_trips_in_fish_in_legacy_locales() {
    let Some(fish) = common::require_tool("fish") else {
        return;
    };
    let mut locales = vec!["C.UTF-8"];
    if legacy_locales().is_some() {
        locales.extend(LEGACY_LOCALES.iter().map(|(name, _, _)| *name));
    }
    let (config, credentials) = common::example_files();
    let script = r#"
"$AWSP_T_BIN" use dev-alice --shell fish | source
printf '%s\0' "$AWSP_PREVIOUS" "$AWS_PROFILE"
set -l code ("$AWSP_T_BIN" use - --shell fish)
printf '%s\0' $status "$code"
string join \n -- $code | source
printf '%s\0' "$AWS_PROFILE" "$AWSP_PREVIOUS"
"#;
    for locale in locales {
        for hostile in [
            "日'; touch pwned #",
            "ア\\'; touch pwned #",
            "é\\\\'; touch pwned; '",
            "髙\\'\n touch pwned\n",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = Command::new(&fish);
            common::clean_env(&mut cmd, Some(&config), Some(&credentials));
            cmd.args(["--no-config", "-c", script])
                .current_dir(dir.path())
                .env("AWSP_T_BIN", common::awsp_bin())
                .env("AWS_PROFILE", hostile)
                .stdin(Stdio::null());
            in_locale(&mut cmd, locale);
            let out = cmd.output().unwrap();
            let what = format!("{hostile:?} in {locale}");
            assert!(!dir.path().join(MARKER).exists(), "{what}: executed");
            assert!(out.status.success(), "{what}: {}", common::stderr(&out));
            let fields: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
            assert_eq!(fields[0], hostile.as_bytes(), "{what}: AWSP_PREVIOUS");
            assert_eq!(fields[1], b"dev-alice", "{what}");
            assert_eq!(fields[2], b"1", "{what}: use - must fail");
            assert_eq!(fields[3], b"", "{what}: use - printed code");
            assert_eq!(fields[4], b"dev-alice", "{what}: AWS_PROFILE changed");
            assert_eq!(
                fields[5],
                hostile.as_bytes(),
                "{what}: AWSP_PREVIOUS changed"
            );
            let err = common::stderr(&out);
            assert!(err.contains("not found"), "{what}: {err}");
        }
    }
}
