# awsp completion for elvish: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
use builtin
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
if (has-key $builtin: edit:) {
    eval 'set edit:completion:arg-completer[__AWSP_CMD__] = $f' &ns=(ns [&f=$__awsp_complete])
}
