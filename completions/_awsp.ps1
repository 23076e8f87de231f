# awsp completion for PowerShell: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
Register-ArgumentCompleter -Native -CommandName 'awsp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $__awsp_bin = 'awsp'
    if (-not [System.IO.Path]::IsPathRooted($__awsp_bin)) {
        # Not the wrapper function of the same name: the program on PATH.
        $__awsp_app = Get-Command -Name $__awsp_bin -CommandType Application -ErrorAction Ignore |
            Select-Object -First 1
        if ($null -eq $__awsp_app) { return }
        $__awsp_bin = $__awsp_app.Source
    }
    # After `exec PROFILE --` the command and its arguments complete as they would on a line
    # of their own: PowerShell's own completion of the text after the `--`.
    $__awsp_elements = @($commandAst.CommandElements |
        Where-Object { $_.Extent.EndOffset -lt $cursorPosition })
    $__awsp_exec = $false
    for ($__awsp_i = 1; $__awsp_i -lt $__awsp_elements.Count; $__awsp_i++) {
        $__awsp_text = $__awsp_elements[$__awsp_i].Extent.Text
        if (-not $__awsp_exec) {
            if ($__awsp_text -eq 'exec') { $__awsp_exec = $true }
            elseif (-not $__awsp_text.StartsWith('-')) { break }
        } elseif ($__awsp_text -eq '--') {
            $__awsp_from = $__awsp_elements[$__awsp_i].Extent.EndOffset
            $__awsp_line = $commandAst.Extent.Text.PadRight($cursorPosition - $commandAst.Extent.StartOffset)
            $__awsp_rest = $__awsp_line.Substring(
                $__awsp_from - $commandAst.Extent.StartOffset,
                $cursorPosition - $__awsp_from).TrimStart()
            return (TabExpansion2 -inputScript $__awsp_rest -cursorColumn $__awsp_rest.Length).CompletionMatches
        }
    }
    $__awsp_words = @(
        foreach ($__awsp_element in $commandAst.CommandElements) {
            if ($__awsp_element.Extent.StartOffset -ge $cursorPosition) { break }
            if ($__awsp_element -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                $__awsp_element.Value
            } else {
                $__awsp_element.Extent.Text
            }
        }
    )
    # The word being completed is the last one, or a new empty one after a space. An empty
    # argument is not passed (older PowerShell drops it): `awsp complete` reads a missing word
    # at --index as empty.
    $__awsp_index = $__awsp_words.Count
    if ($wordToComplete -ne '') { $__awsp_index -= 1 }
    & $__awsp_bin complete --index $__awsp_index --describe -- @__awsp_words 2>$null | ForEach-Object {
        $__awsp_value, $__awsp_help = ([string]$_) -split "`t", 2
        if ([string]::IsNullOrEmpty($__awsp_help)) { $__awsp_help = $__awsp_value }
        $__awsp_text = $__awsp_value
        if ($__awsp_text -match '[\s''"`$(){}\[\];,|&@#<>]') {
            $__awsp_text = "'" + ($__awsp_text -replace '[''\u2018-\u201B]', '$0$0') + "'"
        }
        [System.Management.Automation.CompletionResult]::new(
            $__awsp_text, $__awsp_value, 'ParameterValue', $__awsp_help)
    }
}
