# The optional hooks of the elvish integration (`awsp init elvish --hook dir,refresh`); how
# `awsp init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. Both
# run from `edit:before-readline` (before each prompt); `refresh` also from
# `edit:after-readline` (before the command typed runs), so that a command typed after the
# prompt sat idle past the window still gets fresh credentials. Outside the interactive shell
# (no `edit:`) nothing is registered.

# awsp-hook: any
# __awsp_hook_eval ARGS: `__awsp_eval ARGS`; a failure has said why on stderr and changes
# nothing, so it goes no further.
fn __awsp_hook_eval {|@args|
    try {
        __awsp_eval $@args
    } catch {
    }
}

# awsp-hook: dir
# Before a prompt, when the directory changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is in
# $pwd or a parent below that tree's root (below / outside any tree). Builtins only otherwise:
# the entry is looked for by a glob, which reads the directory (a glob's pattern is only what
# is written here, never the value of a variable).
var __awsp_dir_last = $nil
fn __awsp_hook_dir {
    if (eq $pwd $__awsp_dir_last) {
        return
    }
    set __awsp_dir_last = $pwd
    var root = ''
    if (has-env AWSP_DIR_ROOT) {
        set root = $E:AWSP_DIR_ROOT
    }
    if (not-eq $root '') {
        if (not (str:has-prefix $pwd'/' (re:replace '/$' '' $root)'/')) {
            __awsp_hook_eval hook dir -- $pwd
            return
        }
    }
    var d = $pwd
    var n = 0
    while (and (< $n __AWSP_DIR_LIMIT__) (not-eq $d $root)) {
        var found = $false
        try {
            for entry [(put (re:replace '/$' '' $d)/.awsprofil?[nomatch-ok])] {
                if (eq $entry (re:replace '/$' '' $d)/.awsprofile) {
                    set found = $true
                }
            }
        } catch {
        }
        if $found {
            __awsp_hook_eval hook dir -- $pwd
            return
        }
        if (eq $d /) {
            return
        }
        set d = (re:replace '/[^/]*$' '' $d)
        if (eq $d '') {
            set d = /
        }
        set n = (+ $n 1)
    }
}

# awsp-hook: refresh
# When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds (the
# clock from /proc, see __awsp_now; without /proc there is no refresh), start `awsp hook
# refresh` once for that expiry value.
var __awsp_refresh_tried = $nil
fn __awsp_hook_refresh {
    if (or (not (has-env AWSP_MODE)) (not-eq $E:AWSP_MODE creds)) {
        return
    }
    var at = $E:AWSP_EXPIRATION
    if (or (not (re:match '^[0-9]{1,15}\z' $at)) (eq $at $__awsp_refresh_tried)) {
        return
    }
    var now = $nil
    try {
        set now = (__awsp_now)
    } catch {
        return
    }
    # `num` reads a leading 0 as octal: the zeros go first.
    if (> (- (num (re:replace '^0*([0-9])' '${1}' $at)) $now) __AWSP_REFRESH_WINDOW__) {
        return
    }
    set __awsp_refresh_tried = $at
    __awsp_hook_eval hook refresh
}

# Before the command typed runs (`edit:after-readline` passes its text).
fn __awsp_hook_preexec {|@_line|
    __awsp_hook_refresh
}
if (not-eq $__awsp_add_var $nil) {
    $__awsp_add_var __awsp_hook_preexec~ $__awsp_hook_preexec~
    eval 'set edit:after-readline = [(each {|f| var keep = $true; try { set keep = (not-eq $f[def] $__awsp_hook_preexec~[def]) } catch { }; if $keep { put $f } } $edit:after-readline) $__awsp_hook_preexec~]'
}

# awsp-hook: any
# The hooks asked for, before each prompt. In the interactive shell they are registered in
# `edit:` (through `eval`, see the end of awsp.elv), replacing what an earlier load registered
# (known by its source text).
fn __awsp_hook {
    __AWSP_HOOK_CALLS__
}
if (not-eq $__awsp_add_var $nil) {
    $__awsp_add_var __awsp_hook~ $__awsp_hook~
    eval 'set edit:before-readline = [(each {|f| var keep = $true; try { set keep = (not-eq $f[def] $__awsp_hook~[def]) } catch { }; if $keep { put $f } } $edit:before-readline) $__awsp_hook~]'
}
