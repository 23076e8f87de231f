//! `awsp init SHELL` and `awsp completions SHELL`: the scripts in `shell/`, with the wrapper's
//! name and the path of the binary filled in.
//!
//! Each shell has two parts: `shell/awsp.<ext>` (the wrapper function and `awsp_prompt`) and
//! `shell/completion.<ext>` (completion only). `init` prints both, calling this binary the way
//! it stays reachable (see `binary_call`); `completions` prints the completion part alone,
//! calling `awsp` from PATH, for packagers (the copies in `completions/` are its output).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::{CompletionsArgs, HookName, InitArgs};
use crate::env;
use crate::shell::{InitShell, Shell};

/// The wrapper function of bash and zsh, the same code in both: a template says
/// `__AWSP_POSIX_WRAPPER__` where it goes.
const POSIX_WRAPPER: &str = include_str!("../../shell/wrapper.sh");

/// The wrapper name must be a plain word in every shell.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        bail!("invalid --cmd {name:?}: use letters, digits, '_' and '-'");
    }
    Ok(())
}

/// How the integration calls this binary, chosen so that it stays reachable after an upgrade
/// that moves the binary (Homebrew's versioned cellar, a symlink on PATH re-pointed and the old
/// directory removed): by its name through PATH when that name, looked up on PATH now, is this
/// very binary; otherwise by the path it was run as, made absolute against the working
/// directory but with symlinks left unresolved. The canonical path is the last resort (run
/// under a name that PATH does not know).
fn binary_call() -> Result<String> {
    let exe = std::env::current_exe()?;
    let argv0 = std::env::args_os().next().map(PathBuf::from);
    if let Some(name) = argv0.as_deref().and_then(Path::file_name) {
        if let (Some(found), Some(name)) = (find_on_path(name), name.to_str()) {
            if crate::config::same_file(&found, &exe) {
                return Ok(name.to_string());
            }
        }
    }
    let path = match argv0 {
        Some(invoked) if invoked.components().count() > 1 => std::path::absolute(invoked)?,
        _ => exe,
    };
    match path.to_str() {
        Some(path) => Ok(path.to_string()),
        None => bail!(
            "the path of the awsp binary is not UTF-8: {}",
            path.display()
        ),
    }
}

/// The first executable `name` in the absolute directories of PATH, as a shell would find it
/// (a relative entry would find something else once the shell changes directory).
fn find_on_path(name: &OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The template with its placeholders filled, in one pass: a value is never searched for
/// another placeholder (a binary's path may hold `__AWSP_CMD__`).
fn fill(template: &str, shell: InitShell, cmd: &str, bin: &str) -> String {
    let shell = shell.shell();
    let values = [
        ("__AWSP_CMD__", cmd.to_string()),
        ("__AWSP_BIN__", shell.quote(bin)),
        ("__AWSP_WRAPPER_SHELL__", shell.name().to_string()),
        ("__AWSP_CLEARED_VARS__", env::cleared_vars().join(" ")),
    ];
    let mut out = String::with_capacity(template.len() + bin.len());
    let mut rest = template;
    while let Some(at) = rest.find("__AWSP_") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push_str("__AWSP_");
                rest = &rest["__AWSP_".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The shell's hooks file; `None` for a shell that has none yet (then `--hook` is an error).
fn hooks_template(shell: InitShell) -> Option<&'static str> {
    shell.init().hooks
}

/// The hooks' part of the integration: the sections of `shell/hooks.<ext>` for `hooks`.
///
/// A hooks file (one per shell; a new shell adds its own) is a header, dropped, then sections,
/// each started by a line `# awsp-hook: NAME`: `dir` and `refresh` are kept when that hook is
/// asked for, `any` when any is. `__AWSP_HOOK_CALLS__` becomes one line per hook asked for,
/// calling `__awsp_hook_NAME`, with its indentation. What the hooks must do is in
/// `cmd::hook` (the contract); `__AWSP_DIR_LIMIT__` and `__AWSP_REFRESH_WINDOW__` are its
/// numbers.
fn render_hooks(shell: InitShell, hooks: &[HookName]) -> String {
    let mut out = String::new();
    let Some(template) = hooks_template(shell).filter(|_| !hooks.is_empty()) else {
        return out;
    };
    let mut keep = false;
    for line in template.lines() {
        if let Some(name) = line.strip_prefix("# awsp-hook: ") {
            keep = match name.trim() {
                "any" => true,
                "dir" => hooks.contains(&HookName::Dir),
                "refresh" => hooks.contains(&HookName::Refresh),
                _ => false,
            };
            continue;
        }
        if !keep {
            continue;
        }
        if let Some(indent) = line.strip_suffix("__AWSP_HOOK_CALLS__") {
            for hook in hooks {
                let name = match hook {
                    HookName::Dir => "dir",
                    HookName::Refresh => "refresh",
                };
                out.push_str(&format!("{indent}__awsp_hook_{name}\n"));
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.replace(
        "__AWSP_DIR_LIMIT__",
        &crate::config::dir::SEARCH_LIMIT.to_string(),
    )
    .replace(
        "__AWSP_REFRESH_WINDOW__",
        &crate::cmd::hook::REFRESH_WINDOW_SECS.to_string(),
    )
}

/// The integration: the wrapper function `cmd`, `awsp_prompt` and completion, running the
/// binary `bin` (a name found through PATH or an absolute path, quoted here for the shell).
pub fn render(shell: InitShell, cmd: &str, bin: &str) -> String {
    render_with_hooks(shell, cmd, bin, &[])
}

/// [`render`] with the hooks `hooks` (each once, in a fixed order).
pub fn render_with_hooks(shell: InitShell, cmd: &str, bin: &str, hooks: &[HookName]) -> String {
    let mut hooks = hooks.to_vec();
    hooks.sort();
    hooks.dedup();
    let init = shell.init();
    let wrapper = POSIX_WRAPPER
        .split_once("\n\n")
        .map_or(POSIX_WRAPPER, |(_header, body)| body);
    let template = init.script.replace("__AWSP_POSIX_WRAPPER__\n", wrapper);
    let mut out = fill(&template, shell, cmd, bin);
    out.push('\n');
    let hook_code = render_hooks(shell, &hooks);
    if !hook_code.is_empty() {
        out.push_str(&fill(&hook_code, shell, cmd, bin));
        out.push('\n');
    }
    let completion = fill(init.completion, shell, cmd, bin);
    match init.join {
        Some(join) => join(out, &completion),
        None => {
            out.push_str(&completion);
            out
        }
    }
}

/// The standalone completion script for the command `cmd`, calling `awsp` from PATH.
pub fn render_completions(shell: InitShell, cmd: &str) -> String {
    fill(shell.init().completion, shell, cmd, "awsp")
}

pub fn run(args: &InitArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name(&args.cmd)?;
    if !args.hook.is_empty() && hooks_template(args.shell).is_none() {
        bail!(
            "--hook is not available for {} yet",
            args.shell.shell().name()
        );
    }
    let script = render_with_hooks(args.shell, &args.cmd, &binary_call()?, &args.hook);
    // tcsh can only source a file: the script goes to one, and the line sourcing it is printed.
    let text = match args.shell.shell() {
        Shell::Tcsh => crate::shell::tcsh::install(&script)?,
        _ => script,
    };
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

pub fn run_completions(args: &CompletionsArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name(&args.cmd)?;
    out.extend_from_slice(render_completions(args.shell, &args.cmd).as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for &shell in InitShell::all() {
            for text in [
                render(shell, "aws-p", "/x/awsp"),
                render_with_hooks(shell, "aws-p", "/x/awsp", &[HookName::Dir]),
                render_with_hooks(shell, "aws-p", "/x/awsp", &[HookName::Refresh]),
                render_with_hooks(
                    shell,
                    "aws-p",
                    "/x/awsp",
                    &[HookName::Refresh, HookName::Dir],
                ),
                render_completions(shell, "awsp"),
            ] {
                assert!(!text.contains("__AWSP_"), "{shell:?}: {text}");
            }
        }
    }

    #[test]
    fn names_are_plain_words() {
        assert!(check_name("awsp").is_ok());
        assert!(check_name("my_aws-p2").is_ok());
        for bad in ["", "-x", "a b", "a;b", "$(x)", "a'b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
