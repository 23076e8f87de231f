# awsp completion for elvish: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
use str
var __awsp_complete = {|@words|
    var out = (try { (external __AWSP_BIN__) complete --index (- (count $words) 1) --describe -- $@words 2>/dev/null } catch { } | slurp)
    for line [(str:split "\n" $out)] {
        if (eq $line '') {
            continue
        }
        var parts = [(str:split &max=2 "\t" $line)]
        if (== (count $parts) 2) {
            edit:complex-candidate $parts[0] &display=$parts[0]' ('$parts[1]')'
        } else {
            edit:complex-candidate $parts[0]
        }
    }
}
# `edit:` exists only in the interactive shell, and naming it outside an `eval` would not
# compile elsewhere (nor can an `eval` inside a block see this file's variables, so it hands
# out a function that registers the completer).
var __awsp_set_completer = $nil
try {
    set __awsp_set_completer = (eval 'put {|name f| set edit:completion:arg-completer[$name] = $f }')
} catch {
}
if (not-eq $__awsp_set_completer $nil) {
    $__awsp_set_completer __AWSP_CMD__ $__awsp_complete
}
