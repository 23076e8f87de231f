# awsp shell integration for elvish. Load it from ~/.config/elvish/rc.elv with:
#     eval (awsp init elvish | slurp)
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` prints the prompt
# segment without starting a process (`set edit:rprompt = { awsp_prompt }`). Loading it twice
# is harmless.

use re
use str

# __awsp_eval ARGS: run `awsp --wrapper elvish ARGS` and evaluate its code as described above
# (the wrapper and the hooks).
fn __awsp_eval {|@args|
    var bin = (external __AWSP_BIN__)
    var failure = $nil
    var out = (try { $bin --wrapper elvish $@args } catch err { set failure = $err } | slurp)
    if (or (not-eq $failure $nil) (not (str:has-prefix $out "# awsp eval elvish\n"))) {
        print $out
        if (not-eq $failure $nil) {
            fail $failure
        }
        return
    }
    eval $out
}

# The wrapper. `use` and `unset` run as `awsp --wrapper elvish ...`, under which a successful
# switch prints the header line `# awsp eval elvish` and then the code. The code is evaluated
# only when the binary succeeded and its first line is this shell's header, so no other output
# (help, version, whatever a flag prints) can ever be evaluated: it is printed unchanged and a
# failing binary's exception is thrown again. `eval` compiles all of the code before any of it
# runs: a syntax error runs none of it. `doctor` runs as `awsp --wrapper elvish doctor ...` (so
# it can tell the integration is loaded), its output unchanged. Every other subcommand runs the
# binary unchanged.
fn __AWSP_CMD__ {|@args|
    # `awsp` alone is `awsp use`: the picker.
    if (== (count $args) 0) {
        set args = [use]
    }
    if (eq $args[0] doctor) {
        (external __AWSP_BIN__) --wrapper elvish $@args
        return
    }
    if (not (has-value [use unset] $args[0])) {
        (external __AWSP_BIN__) $@args
        return
    }
    __awsp_eval $@args
}

# elvish has no builtin clock, so the prompt reads Linux's: boot time (`btime` in /proc/stat,
# whole seconds) plus the time since boot (/proc/uptime). Both are files read by redirection,
# so no process starts; the sum is the wall clock to within a second. Without /proc the
# segment is the profile alone.
fn __awsp_now {
    var boot = (re:find '(?m)^btime ([0-9]+)$' (slurp < /proc/stat))[groups][1][text]
    var up = (re:find '^[0-9]+' (slurp < /proc/uptime))[text]
    + $boot $up
}

# awsp_prompt: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`, `dev-alice 42m`,
# `dev-alice 1h05m`, `dev-alice expired`, or empty) as one string value (for `edit:rprompt`),
# from builtins and /proc only; see __awsp_now.
fn awsp_prompt {
    var profile = ''
    if (has-env AWS_PROFILE) {
        set profile = $E:AWS_PROFILE
    }
    if (and (eq $profile '') (has-env AWSP_PROFILE)) {
        set profile = $E:AWSP_PROFILE
    }
    if (eq $profile '') {
        put ''
        return
    }
    var at = $E:AWSP_EXPIRATION
    # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs). `num`
    # reads a leading 0 as octal, so the zeros go first; elvish's integers are exact.
    var now = $nil
    try {
        set now = (__awsp_now)
    } catch {
    }
    if (or (eq $now $nil) (not (re:match '^[+-]?[0-9]{1,15}\z' $at))) {
        put $profile
        return
    }
    set at = (num (re:replace '^(-?)0*([0-9])' '${1}${2}' (re:replace '^\+' '' $at)))
    var left = (- $at $now)
    if (<= $left 0) {
        put $profile' expired'
    } elif (< $left 60) {
        put $profile' '$left's'
    } elif (< $left 3600) {
        put $profile' '(/ (- $left (% $left 60)) 60)'m'
    } else {
        var minutes = (/ (- (% $left 3600) (% $left 60)) 60)
        put $profile' '(/ (- $left (% $left 3600)) 3600)'h'(printf '%02d' $minutes)'m'
    }
}

# In the interactive shell, `eval` runs this in a namespace of its own: put the commands where
# the command line sees them. `edit:` exists only there, and naming it outside an `eval` would
# not compile elsewhere (nor can an `eval` inside a block see this file's functions, so it
# hands out `edit:add-var` instead).
var __awsp_add_var = $nil
try {
    set __awsp_add_var = (eval 'put $edit:add-var~')
} catch {
}
if (not-eq $__awsp_add_var $nil) {
    $__awsp_add_var __AWSP_CMD__~ $__AWSP_CMD__~
    $__awsp_add_var awsp_prompt~ $awsp_prompt~
}
