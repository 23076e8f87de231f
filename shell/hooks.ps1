# The optional hooks of the PowerShell integration (`awsp init powershell --hook dir,refresh`);
# how `awsp init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs.
# Both run from the prompt function (wrapped once; PowerShell has no preexec).

# awsp-hook: dir
# Before a prompt, when the location changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is here
# or in a parent below that tree's root (below the filesystem root outside any tree). (No `--`
# before the path: PowerShell would take it for its own; the path never starts with `-`.)
function global:__awsp_hook_dir {
    if ($PWD.Provider.Name -cne 'FileSystem') { return }
    $__awsp_here = $PWD.ProviderPath
    if ($__awsp_here -ceq $global:__awsp_dir_last) { return }
    $global:__awsp_dir_last = $__awsp_here
    $__awsp_root = [string]$env:AWSP_DIR_ROOT
    $__awsp_sep = [System.IO.Path]::DirectorySeparatorChar
    if ($__awsp_root -ne '') {
        $__awsp_prefix = $__awsp_root.TrimEnd('/', '\') + $__awsp_sep
        if (-not ($__awsp_here + $__awsp_sep).StartsWith($__awsp_prefix, [StringComparison]::Ordinal)) {
            __awsp_eval __AWSP_BIN__ hook dir $__awsp_here
            return
        }
    }
    $__awsp_d = $__awsp_here
    for ($__awsp_n = 0; $__awsp_n -lt __AWSP_DIR_LIMIT__ -and $null -ne $__awsp_d -and
        $__awsp_d -cne $__awsp_root; $__awsp_n++) {
        if (Test-Path -LiteralPath (Join-Path $__awsp_d '.awsprofile')) {
            __awsp_eval __AWSP_BIN__ hook dir $__awsp_here
            return
        }
        $__awsp_d = [System.IO.Path]::GetDirectoryName($__awsp_d)
    }
}

# awsp-hook: refresh
# When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds, start
# `awsp hook refresh` once for that expiry value.
function global:__awsp_hook_refresh {
    $__awsp_text = [string]$env:AWSP_EXPIRATION
    if ($env:AWSP_MODE -cne 'creds' -or $__awsp_text -cnotmatch '^[0-9]{1,15}\z') { return }
    if ($__awsp_text -ceq $global:__awsp_refresh_tried) { return }
    $__awsp_left = [long]$__awsp_text - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($__awsp_left -gt __AWSP_REFRESH_WINDOW__) { return }
    $global:__awsp_refresh_tried = $__awsp_text
    __awsp_eval __AWSP_BIN__ hook refresh
}

# awsp-hook: any
# The hooks asked for, from the prompt function, which is wrapped once (a loaded-guard);
# $LASTEXITCODE is the caller's afterwards.
function global:__awsp_hook {
    $__awsp_status = $global:LASTEXITCODE
    try {
        __AWSP_HOOK_CALLS__
    } catch {
        [Console]::Error.WriteLine("awsp: $_")
    }
    $global:LASTEXITCODE = $__awsp_status
}

if (-not $global:__awsp_hook_loaded) {
    $global:__awsp_hook_loaded = $true
    $global:__awsp_prompt_before = $function:prompt
    function global:prompt {
        $null = __awsp_hook
        if ($null -ne $global:__awsp_prompt_before) { & $global:__awsp_prompt_before }
        else { "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) " }
    }
}
