# awsp shell integration for PowerShell. Load it from $PROFILE with:
#     Invoke-Expression (& awsp init powershell | Out-String)
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this session; `awsp_prompt` returns the prompt
# segment without starting a process. Loading it twice is harmless.

# The wrapper. `use` and `unset` run as `awsp --wrapper powershell ...`, under which a
# successful switch prints the header line `# awsp eval powershell` and then the code. The code
# runs only when the binary succeeded and its first line is this shell's header, so no other
# output (help, version, whatever a flag prints) can ever run: it is passed on unchanged, with
# the binary's status in $LASTEXITCODE. The code is parsed whole before any of it runs.
# `doctor` runs as `awsp --wrapper powershell doctor ...` (so it can tell the integration is
# loaded), its output passed on unchanged. Every other subcommand runs the binary unchanged.
function global:__AWSP_CMD__ {
    # `awsp` alone is `awsp use`: the picker.
    if ($args.Count -eq 0) { $args = @('use') }
    if (-not (('use', 'unset') -ccontains [string]$args[0])) {
        $__awsp_bin = __awsp_bin __AWSP_BIN__
        if ($null -eq $__awsp_bin) { return }
        if ('doctor' -ceq [string]$args[0]) {
            & $__awsp_bin --wrapper powershell @args
        } else {
            & $__awsp_bin @args
        }
        return
    }
    __awsp_eval __AWSP_BIN__ @args
}

# __awsp_bin BIN: the binary BIN as a path: itself when absolute, else the program of that name
# on PATH (not the wrapper of the same name); $null, with the reason said and $LASTEXITCODE
# 127, when it is gone. BIN is an argument so that integrations loaded under other names
# (`--cmd`) each keep their own binary.
function global:__awsp_bin {
    $__awsp_bin = [string]$args[0]
    if (-not [System.IO.Path]::IsPathRooted($__awsp_bin)) {
        # Not this function of the same name: the program on PATH.
        $__awsp_app = Get-Command -Name $__awsp_bin -CommandType Application -ErrorAction Ignore |
            Select-Object -First 1
        if ($null -eq $__awsp_app) {
            [Console]::Error.WriteLine("awsp: $__awsp_bin is no longer on PATH")
            $global:LASTEXITCODE = 127
            return $null
        }
        $__awsp_bin = $__awsp_app.Source
    }
    return $__awsp_bin
}

# __awsp_eval BIN ARGS: run `BIN --wrapper powershell ARGS` and run its code as described above
# (the wrapper and the hooks).
function global:__awsp_eval {
    $__awsp_bin = __awsp_bin $args[0]
    if ($null -eq $__awsp_bin) { return }
    if ($args.Count -gt 1) { $args = $args[1..($args.Count - 1)] } else { $args = @() }
    # awsp prints UTF-8. Decode it as UTF-8 whatever the console's code page: read as cp1252,
    # bytes of other characters could turn into curly quotes that end a string early.
    $__awsp_encoding = [Console]::OutputEncoding
    try {
        try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
        $__awsp_out = @(& $__awsp_bin --wrapper powershell @args)
        $__awsp_status = $LASTEXITCODE
    } finally {
        try { [Console]::OutputEncoding = $__awsp_encoding } catch { }
    }
    if ($__awsp_status -ne 0 -or $__awsp_out.Count -eq 0 -or
        [string]$__awsp_out[0] -cne '# awsp eval powershell') {
        $__awsp_out
        $global:LASTEXITCODE = $__awsp_status
        return
    }
    $__awsp_code = $__awsp_out -join "`n"
    $__awsp_errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseInput(
        $__awsp_code, [ref]$null, [ref]$__awsp_errors)
    if ($__awsp_errors.Count -gt 0) {
        [Console]::Error.WriteLine("awsp: nothing was changed: the code does not parse: $($__awsp_errors[0].Message)")
        $global:LASTEXITCODE = 1
        return
    }
    try {
        Invoke-Expression $__awsp_code
        $global:LASTEXITCODE = $__awsp_status
    } catch {
        [Console]::Error.WriteLine("awsp: $_")
        $global:LASTEXITCODE = 1
    }
}

# awsp_prompt: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`, `dev-alice 42m`,
# `dev-alice 1h05m`, `dev-alice expired`), computed in PowerShell; nothing is returned without
# a profile.
function global:awsp_prompt {
    $__awsp_profile = $env:AWS_PROFILE
    if ([string]::IsNullOrEmpty($__awsp_profile)) { $__awsp_profile = $env:AWSP_PROFILE }
    if ([string]::IsNullOrEmpty($__awsp_profile)) { return }
    [long]$__awsp_at = 0
    $__awsp_text = [string]$env:AWSP_EXPIRATION
    # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs). `\z`: `$`
    # would also match before a final newline.
    if (-not ($__awsp_text -cmatch '^[+-]?[0-9]{1,15}\z' -and
            [long]::TryParse($__awsp_text, [Globalization.NumberStyles]::AllowLeadingSign,
                [Globalization.CultureInfo]::InvariantCulture, [ref]$__awsp_at))) {
        return $__awsp_profile
    }
    $__awsp_left = $__awsp_at - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($__awsp_left -le 0) { return "$__awsp_profile expired" }
    if ($__awsp_left -lt 60) { return "$__awsp_profile ${__awsp_left}s" }
    if ($__awsp_left -lt 3600) { return '{0} {1}m' -f $__awsp_profile, [long][Math]::Floor($__awsp_left / 60) }
    return '{0} {1}h{2:D2}m' -f $__awsp_profile, [long][Math]::Floor($__awsp_left / 3600),
        [long][Math]::Floor(($__awsp_left % 3600) / 60)
}
