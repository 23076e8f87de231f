# awsp completion for nushell: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
def __awsp_complete [context: string] {
    let words = ($context | str trim --left | split row -r ' +')
    let out = (^__AWSP_BIN__ complete --index (($words | length) - 1) --describe -- ...$words | complete)
    if $out.exit_code != 0 {
        return []
    }
    $out.stdout | lines | each {|line|
        let parts = ($line | split row -n 2 "\t")
        {value: $parts.0, description: ($parts | get -o 1 | default "")}
    }
}
# Standalone only: without the integration, the binary itself gets the completer.
extern "__AWSP_CMD__" [...args: string@__awsp_complete]
