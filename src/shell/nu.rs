//! nushell: no `eval`, so `use`/`unset` print data, not code: one line of JSON,
//! `{"set":{"NAME":"value",...},"unset":["NAME",...]}`, which the wrapper (`shell/awsp.nu`)
//! applies with `load-env` and `hide-env -i` (the plain form: `awsp use P --shell nu | from
//! json | ...`). The JSON is ASCII only: every control character, `"`, `\` and non-ASCII
//! character is a `\uXXXX` escape (a character outside the BMP is its two surrogates), which
//! `from json` reads back exactly; nushell reads its input as UTF-8 whatever the locale, so
//! this is for the terminal and the pipes in between.
//!
//! [`quote`] writes a nushell string literal (the binary's path in the integration):
//! double-quoted, printable ASCII as it is but `"` and `\` escaped, everything else
//! `\u{HEX}`. A double-quoted string does not interpolate (only `$"..."` does).

use std::fmt::Write;

use super::{Init, ShellSpec};
use crate::env::{EnvChange, EnvOp};

pub const SPEC: ShellSpec = ShellSpec {
    name: "nu",
    aliases: &["nushell"],
    help: Some("nushell: JSON of the variables to set and to remove"),
    quote,
    set,
    unset,
    render: Some(render),
    init: Some(Init {
        title: "nushell",
        load: "awsp init nu | save -f ($nu.data-dir | path join vendor/autoload/awsp.nu)",
        ext: "nu",
        script: include_str!("../../shell/awsp.nu"),
        completion: include_str!("../../shell/completion.nu"),
        completion_file: "completions/awsp.nu",
        join: Some(join),
        hooks: Some(include_str!("../../shell/hooks.nu")),
    }),
};

fn is_plain(ch: char) -> bool {
    (' '..='~').contains(&ch)
}

/// A nushell string literal whose value is exactly `value`.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            _ if is_plain(ch) => out.push(ch),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(ch));
            }
        }
    }
    out.push('"');
    out
}

/// A JSON string, ASCII only.
pub fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        if is_plain(ch) && ch != '"' && ch != '\\' {
            out.push(ch);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units) {
            let _ = write!(out, "\\u{unit:04x}");
        }
    }
    out.push('"');
    out
}

/// One statement, for reading only (the wrapper applies [`render`]'s JSON).
pub fn set(name: &str, value: &str) -> String {
    format!("$env.{name} = {}", quote(value))
}

pub fn unset(name: &str) -> String {
    format!("hide-env -i {name}")
}

/// The change as one line of JSON: what each variable ends as (the last operation on a
/// name counts), in the order the names first appear.
pub fn render(change: &EnvChange) -> String {
    let mut last: Vec<(&str, Option<&str>)> = Vec::new();
    for op in change.ops() {
        let (name, value) = match op {
            EnvOp::Set(name, value) => (name.as_str(), Some(value.as_str())),
            EnvOp::Unset(name) => (name.as_str(), None),
        };
        match last.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => last.push((name, value)),
        }
    }
    let set: Vec<String> = last
        .iter()
        .filter_map(|(name, value)| {
            Some(format!(
                "{}:{}",
                json_string(name),
                json_string(value.as_ref()?)
            ))
        })
        .collect();
    let unset: Vec<String> = last
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| json_string(name))
        .collect();
    format!(
        "{{\"set\":{{{}}},\"unset\":[{}]}}\n",
        set.join(","),
        unset.join(",")
    )
}

/// The standalone completion (`awsp completions nu`) declares the binary as an `extern`;
/// the integration leaves that out: its wrapper takes the completer itself.
fn join(mut script: String, completion: &str) -> String {
    let completer = completion
        .split_once(STANDALONE_MARK)
        .map_or(completion, |(completer, _extern)| completer);
    script.push_str(completer);
    script
}

/// The line in `shell/completion.nu` after which only the standalone script goes on.
const STANDALONE_MARK: &str = "# Standalone only";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_ascii_and_escaped() {
        assert_eq!(quote(r#"/a "b" \c"#), r#""/a \"b\" \\c""#);
        assert_eq!(quote("é\n🦀$(x)"), r#""\u{e9}\u{a}\u{1f980}$(x)""#);
        assert_eq!(
            json_string("a\"\\\u{1}é🦀"),
            r#""a\u0022\u005c\u0001\u00e9\ud83e\udd80""#
        );
    }

    #[test]
    fn the_last_operation_on_a_name_counts() {
        let mut change = EnvChange::new();
        change.unset("A").set("B", "1").set("A", "x").unset("B");
        assert_eq!(
            render(&change),
            "{\"set\":{\"A\":\"x\"},\"unset\":[\"B\"]}\n"
        );
        assert_eq!(render(&EnvChange::new()), "{\"set\":{},\"unset\":[]}\n");
    }
}
