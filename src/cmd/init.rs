//! `awsp init SHELL` and `awsp completions SHELL`: the scripts in `shell/`, with the wrapper's
//! name and the path of this binary filled in.

use anyhow::{Result, bail};

use crate::cli::{CompletionsArgs, InitArgs, InitShell};
use crate::shell::Shell;

const BASH: &str = include_str!("../../shell/awsp.bash");
const ZSH: &str = include_str!("../../shell/awsp.zsh");
const FISH: &str = include_str!("../../shell/awsp.fish");
const POWERSHELL: &str = include_str!("../../shell/awsp.ps1");

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

pub fn render(shell: InitShell, cmd: &str, bin: &str) -> String {
    let template = match shell {
        InitShell::Bash => BASH,
        InitShell::Zsh => ZSH,
        InitShell::Fish => FISH,
        InitShell::Powershell => POWERSHELL,
    };
    let quoted_bin = Shell::from(shell).quote(bin);
    template
        .replace("__AWSP_CMD__", cmd)
        .replace("__AWSP_BIN__", &quoted_bin)
}

pub fn run(args: &InitArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name(&args.cmd)?;
    out.extend_from_slice(render(args.shell, &args.cmd, &binary_path()?).as_bytes());
    Ok(())
}

pub fn run_completions(args: &CompletionsArgs, out: &mut Vec<u8>) -> Result<()> {
    check_name(&args.cmd)?;
    out.extend_from_slice(render(args.shell, &args.cmd, "awsp").as_bytes());
    Ok(())
}
