# The optional hooks of the fish integration (`awsp init fish --hook dir,refresh`); how `awsp
# init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. Both run on
# the fish_prompt event (before each prompt); `refresh` also on fish_preexec, so that a command
# typed after the prompt sat idle past the window still gets fresh credentials.

# awsp-hook: dir
# Before a prompt, when the directory changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is in
# $PWD or a parent below that tree's root (below / outside any tree). Builtins only otherwise
# (fish runs a command substitution of builtins without a process).
function __awsp_hook_dir --description 'awsp: apply the .awsprofile of this directory tree'
    test "$PWD" = "$__awsp_dir_last"; and return 0
    set -g __awsp_dir_last $PWD
    set -l __awsp_root "$AWSP_DIR_ROOT"
    if test -n "$__awsp_root"
        set -l __awsp_prefix (string replace -r '/$' '' -- $__awsp_root)/
        if test (string sub -l (string length -- $__awsp_prefix) -- "$PWD/") != "$__awsp_prefix"
            __awsp_eval __AWSP_BIN__ hook dir -- $PWD
            return
        end
    end
    set -l __awsp_d $PWD
    set -l __awsp_n 0
    while test $__awsp_n -lt __AWSP_DIR_LIMIT__; and test "$__awsp_d" != "$__awsp_root"
        if test -e "$__awsp_d/.awsprofile"; or test -L "$__awsp_d/.awsprofile"
            __awsp_eval __AWSP_BIN__ hook dir -- $PWD
            return
        end
        test "$__awsp_d" != /; or return 0
        set __awsp_d (string replace -r '/[^/]*$' '' -- $__awsp_d)
        test -n "$__awsp_d"; or set __awsp_d /
        set __awsp_n (math $__awsp_n + 1)
    end
    return 0
end

# awsp-hook: refresh
# When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds (the
# clock from /proc, see __awsp_now; without /proc there is no refresh), start `awsp hook
# refresh` once for that expiry value.
function __awsp_hook_refresh --description 'awsp: refresh credentials about to expire'
    test "$AWSP_MODE" = creds; or return 0
    string match -qr '^[0-9]{1,15}\z' -- "$AWSP_EXPIRATION"; or return 0
    test "$AWSP_EXPIRATION" != "$__awsp_refresh_tried"; or return 0
    set -l __awsp_now (__awsp_now); or return 0
    set -l __awsp_at (string replace -r '^0+(?=[0-9])' '' -- $AWSP_EXPIRATION)
    test (math --scale=0 "$__awsp_at - $__awsp_now") -le __AWSP_REFRESH_WINDOW__; or return 0
    set -g __awsp_refresh_tried $AWSP_EXPIRATION
    __awsp_eval __AWSP_BIN__ hook refresh
end

function __awsp_hook_preexec --on-event fish_preexec --description 'awsp: refresh before a command'
    __awsp_hook_refresh
end

# awsp-hook: any
# The hooks asked for, before each prompt, handing back the caller's $status. Loading twice
# defines them once.
function __awsp_hook --on-event fish_prompt --description 'awsp: the hooks, before each prompt'
    set -l __awsp_status $status
    __AWSP_HOOK_CALLS__
    return $__awsp_status
end
