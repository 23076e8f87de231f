# awsp completion for nushell: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
# nushell hands a command-wide completer (`@complete`) the words of the line, the last one
# being the one typed.
def __awsp_complete [spans: list<string>] {
    let out = (^"awsp" complete --index (($spans | length) - 1) --describe -- ...$spans | complete)
    if $out.exit_code != 0 {
        return []
    }
    $out.stdout | lines | each {|line|
        let parts = ($line | split row -n 2 "\t")
        {value: $parts.0, description: ($parts | get -o 1 | default "")}
    }
}
# Standalone only: without the integration, the binary itself gets the completer.
@complete __awsp_complete
extern "awsp" [...args: string]
