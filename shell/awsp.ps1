# awsp shell integration for PowerShell. Load it from $PROFILE with:
#     Invoke-Expression (& awsp init powershell | Out-String)
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this session; `awsp_prompt` returns the prompt
# segment without starting a process. Loading it twice is harmless.

$env:AWSP_SHELL = 'powershell'

# The wrapper: runs the code from `use` and `unset` only when the binary succeeded, and leaves
# the binary's status in $LASTEXITCODE. Everything else, and any help or version request,
# passes through.
function global:__AWSP_CMD__ {
    $__awsp_bin = __AWSP_BIN__
    $__awsp_eval = $args.Count -gt 0 -and ('use', 'unset') -contains [string]$args[0]
    if ($__awsp_eval) {
        foreach ($__awsp_arg in $args) {
            if ($__awsp_arg -is [string] -and $__awsp_arg -ceq '--') { break }
            if (@('-h', '--help', '-V', '--version') -ccontains [string]$__awsp_arg) {
                $__awsp_eval = $false
                break
            }
        }
    }
    if (-not $__awsp_eval) {
        & $__awsp_bin @args
        return
    }
    # awsp prints UTF-8. Decode it as UTF-8 whatever the console's code page: read as cp1252,
    # bytes of other characters could turn into curly quotes that end a string early.
    $__awsp_encoding = [Console]::OutputEncoding
    try {
        try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
        $__awsp_code = & $__awsp_bin @args
        $__awsp_status = $LASTEXITCODE
    } finally {
        try { [Console]::OutputEncoding = $__awsp_encoding } catch { }
    }
    if ($__awsp_status -eq 0 -and $null -ne $__awsp_code) {
        Invoke-Expression (@($__awsp_code) -join "`n")
    }
    $global:LASTEXITCODE = $__awsp_status
}

# awsp_prompt: the same text as `awsp prompt` (`dev-alice`, `dev-alice 42m`, `dev-alice 1h05m`,
# `dev-alice expired`), computed in PowerShell; nothing is returned without a profile.
function global:awsp_prompt {
    $__awsp_profile = $env:AWS_PROFILE
    if ([string]::IsNullOrEmpty($__awsp_profile)) { $__awsp_profile = $env:AWSP_PROFILE }
    if ([string]::IsNullOrEmpty($__awsp_profile)) { return }
    [long]$__awsp_at = 0
    $__awsp_text = [string]$env:AWSP_EXPIRATION
    if (-not ($__awsp_text -cmatch '^[+-]?[0-9]+$' -and
            [long]::TryParse($__awsp_text, [Globalization.NumberStyles]::AllowLeadingSign,
                [Globalization.CultureInfo]::InvariantCulture, [ref]$__awsp_at))) {
        return $__awsp_profile
    }
    $__awsp_now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($__awsp_at -le $__awsp_now) { return "$__awsp_profile expired" }
    $__awsp_left = [long][Math]::Floor(($__awsp_at - $__awsp_now) / 60)
    if ($__awsp_left -lt 60) { return "$__awsp_profile ${__awsp_left}m" }
    return '{0} {1}h{2:D2}m' -f $__awsp_profile, [long][Math]::Floor($__awsp_left / 60), ($__awsp_left % 60)
}
