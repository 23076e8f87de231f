//! `awsp init SHELL` and `awsp completions SHELL`: the scripts in `shell/`, with the wrapper's
//! name and the path of the binary filled in.
//!
//! Each shell has two parts: `shell/awsp.<ext>` (the wrapper function, `AWSP_SHELL` and
//! `awsp_prompt`) and `shell/completion.<ext>` (completion only). `init` prints both, calling
//! this binary by its absolute path; `completions` prints the completion part alone, calling
//! `awsp` from PATH, for packagers (the copies in `completions/` are its output).

use anyhow::{Result, bail};

use crate::cli::{CompletionsArgs, InitArgs, InitShell};
use crate::env;
use crate::shell::Shell;

const BASH: &str = include_str!("../../shell/awsp.bash");
const ZSH: &str = include_str!("../../shell/awsp.zsh");
const FISH: &str = include_str!("../../shell/awsp.fish");
/// The wrapper function of bash and zsh, the same code in both.
const POSIX_WRAPPER: &str = include_str!("../../shell/wrapper.sh");
const POWERSHELL: &str = include_str!("../../shell/awsp.ps1");

const BASH_COMPLETION: &str = include_str!("../../shell/completion.bash");
const ZSH_COMPLETION: &str = include_str!("../../shell/completion.zsh");
const FISH_COMPLETION: &str = include_str!("../../shell/completion.fish");
const POWERSHELL_COMPLETION: &str = include_str!("../../shell/completion.ps1");

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

fn binary_path() -> Result<String> {
    let exe = std::env::current_exe()?;
    match exe.to_str() {
        Some(path) => Ok(path.to_string()),
        None => bail!(
            "the path of the awsp binary is not UTF-8: {}",
            exe.display()
        ),
    }
}

fn fill(template: &str, shell: InitShell, cmd: &str, bin: &str) -> String {
    let quoted_bin = Shell::from(shell).quote(bin);
    template
        .replace("__AWSP_CMD__", cmd)
        .replace("__AWSP_BIN__", &quoted_bin)
        .replace("__AWSP_CLEARED_VARS__", &env::cleared_vars().join(" "))
}

fn completion_template(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => BASH_COMPLETION,
        InitShell::Zsh => ZSH_COMPLETION,
        InitShell::Fish => FISH_COMPLETION,
        InitShell::Powershell => POWERSHELL_COMPLETION,
    }
}

/// The integration: the wrapper function `cmd`, `awsp_prompt` and completion, running the
/// binary at `bin` (an absolute path, quoted here for the shell).
pub fn render(shell: InitShell, cmd: &str, bin: &str) -> String {
    let template = match shell {
        InitShell::Bash => BASH,
        InitShell::Zsh => ZSH,
        InitShell::Fish => FISH,
        InitShell::Powershell => POWERSHELL,
    };
    let wrapper = POSIX_WRAPPER
        .split_once("\n\n")
        .map_or(POSIX_WRAPPER, |(_header, body)| body);
    let template = template.replace("__AWSP_POSIX_WRAPPER__\n", wrapper);
    let mut out = fill(&template, shell, cmd, bin);
    out.push('\n');
    out.push_str(&fill(completion_template(shell), shell, cmd, bin));
    out
}

/// The standalone completion script for the command `cmd`, calling `awsp` from PATH.
pub fn render_completions(shell: InitShell, cmd: &str) -> String {
    fill(completion_template(shell), shell, cmd, "awsp")
}

pub fn run(args: &InitArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name(&args.cmd)?;
    out.extend_from_slice(render(args.shell, &args.cmd, &binary_path()?).as_bytes());
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
        for shell in [
            InitShell::Bash,
            InitShell::Zsh,
            InitShell::Fish,
            InitShell::Powershell,
        ] {
            for text in [
                render(shell, "aws-p", "/x/awsp"),
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
