//! The man pages in `man/` are generated from the clap definitions (`awsp::cli::command`) and
//! must be current: `UPDATE_MAN=1 cargo test --test man` rewrites them. The help they come
//! from lists the everyday commands first and ends every command's help with examples.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{awsp_bin, repo_root, require_tool};

/// `name -> page` for every page generated into `dir`, or found there.
fn pages(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "1"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read page"))
        })
        .collect()
}

/// One page per visible command, as `clap_mangen::generate_to` makes them, except that the
/// examples (the end of each `--help`) become an EXAMPLES section printed as written.
fn generated() -> BTreeMap<String, String> {
    let mut cmd = awsp::cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = BTreeMap::new();
    render(&cmd, &mut pages);
    pages
}

fn render(cmd: &clap::Command, pages: &mut BTreeMap<String, String>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        render(sub, pages);
    }
    let examples = cmd.get_after_help().map(|h| h.to_string());
    let man = clap_mangen::Man::new(cmd.clone().after_help(None::<&str>))
        .source(format!("awsp {}", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render_title(&mut page).expect("render");
    man.render_name_section(&mut page).expect("render");
    man.render_synopsis_section(&mut page).expect("render");
    man.render_description_section(&mut page).expect("render");
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page).expect("render");
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut page).expect("render");
    }
    let mut page = String::from_utf8(page).expect("UTF-8");
    if let Some(examples) = examples {
        let body = examples
            .strip_prefix("Examples:\n")
            .expect("help ends with Examples:");
        page.push_str(".SH EXAMPLES\n.nf\n");
        for line in body.lines() {
            page.push_str(&roff_line(line));
            page.push('\n');
        }
        page.push_str(".fi\n");
    }
    let mut rest = Vec::new();
    man.render_version_section(&mut rest).expect("render");
    page.push_str(&String::from_utf8(rest).expect("UTF-8"));
    pages.insert(man.get_filename(), page);
}

/// A line of text as roff prints it: backslashes escaped, `-` as a hyphen-minus (so that
/// copied commands work), no line taken for a request.
fn roff_line(line: &str) -> String {
    let text = line.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

#[test]
fn committed_man_pages_are_current() {
    let generated = generated();
    let man = repo_root().join("man");
    if std::env::var_os("UPDATE_MAN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&man).expect("mkdir man");
        for name in pages(&man).keys() {
            std::fs::remove_file(man.join(name)).expect("remove stale page");
        }
        for (name, page) in &generated {
            std::fs::write(man.join(name), page).expect("write page");
        }
        return;
    }
    let committed = pages(&man);
    let stale: std::collections::BTreeSet<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|name| generated.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "man/ is stale ({stale:?}); regenerate with: UPDATE_MAN=1 cargo test --test man"
    );
    assert!(committed.contains_key("awsp.1") && committed.contains_key("awsp-use.1"));
    assert!(
        !committed.contains_key("awsp-complete.1"),
        "hidden commands get no page"
    );
}

/// groff formats every page without a warning.
#[test]
fn man_pages_format_cleanly() {
    if require_tool("groff").is_none() {
        return;
    }
    for (name, page) in generated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(&name);
        std::fs::write(&path, &page).expect("write");
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
            .expect("run groff");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let top = &generated()["awsp.1"];
    assert!(top.contains("awsp\\-doctor(1)"), "{top}");
    assert!(top.contains(".SH EXAMPLES"), "{top}");
}

fn help(args: &[&str]) -> String {
    let out = Command::new(awsp_bin())
        .args(args)
        .output()
        .expect("run awsp");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    assert!(out.stderr.is_empty(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The visible subcommands, in the order `awsp help` lists them.
fn listed_commands() -> Vec<String> {
    let text = help(&["help"]);
    let after = text
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section");
    after
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A description wrapped onto the next line is indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn help_lists_everyday_commands_first() {
    let commands = listed_commands();
    assert_eq!(
        commands[..6],
        ["use", "current", "list", "show", "exec", "unset"],
        "{commands:?}"
    );
    assert_eq!(commands.last().map(String::as_str), Some("help"));
    assert!(!commands.iter().any(|c| c == "complete"), "hidden");
}

/// `awsp --help` and every subcommand's `--help` (and `-h`) end with examples that call awsp.
#[test]
fn every_help_ends_with_examples() {
    let mut invocations: Vec<Vec<String>> = vec![vec![]];
    for command in listed_commands().into_iter().filter(|c| c != "help") {
        invocations.push(vec![command]);
    }
    for words in invocations {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
            args.push(flag);
            let text = help(&args);
            let examples = text
                .rsplit_once("Examples:\n")
                .map(|(_, rest)| rest)
                .unwrap_or_else(|| panic!("{args:?} has no examples:\n{text}"));
            let lines: Vec<&str> = examples.lines().collect();
            assert!(
                lines.iter().any(|l| l.trim_start().starts_with("awsp ")
                    || l.trim_start().starts_with("eval \"$(awsp")),
                "{args:?}: {examples}"
            );
            if let Some(command) = words.first() {
                assert!(
                    lines.iter().any(|l| l.contains(&format!("awsp {command}"))
                        || (command == "list" && l.contains("awsp ls"))),
                    "{args:?}: the examples use the command itself: {examples}"
                );
            }
        }
    }
}
