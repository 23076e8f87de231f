# awsp shell integration for fish. Load it from ~/.config/fish/config.fish with:
#     awsp init fish | source
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` prints the prompt
# segment without starting a process. Loading it twice is harmless.

# The wrapper. `use` and `unset` run as `awsp --wrapper fish ...`, under which a successful
# switch prints the header line `# awsp eval fish` and then the code. The code is sourced only
# when the binary succeeded and its first line is this shell's header, so no other output
# (help, version, whatever a flag prints) can ever be sourced: it is printed unchanged and the
# binary's status returned. The code is parsed whole before any of it runs. `doctor` runs as
# `awsp --wrapper fish doctor ...` (so it can tell the integration is loaded), its output
# unchanged and never sourced. Every other subcommand runs the binary unchanged.
function __AWSP_CMD__ --description 'Switch this shell between AWS profiles (awsp)'
    # `awsp` alone is `awsp use`: the picker.
    set -q argv[1]; or set argv use
    if test "$argv[1]" = doctor
        command __AWSP_BIN__ --wrapper fish $argv
        return $status
    end
    if not contains -- "$argv[1]" use unset
        command __AWSP_BIN__ $argv
        return $status
    end
    __awsp_eval __AWSP_BIN__ $argv
end

# __awsp_eval BIN ARGS: run `BIN --wrapper fish ARGS` and source its code as described above
# (the wrapper and the hooks). The binary is an argument, not part of this shared function, so
# that integrations loaded under other names (`--cmd`) each keep their own.
function __awsp_eval --description 'awsp: run the binary for the wrapper and source its code'
    set -l __awsp_out (command $argv[1] --wrapper fish $argv[2..-1])
    set -l __awsp_status $status
    if test $__awsp_status -ne 0; or test "$__awsp_out[1]" != '# awsp eval fish'
        set -q __awsp_out[1]; and printf '%s\n' $__awsp_out
        return $__awsp_status
    end
    # Defining a function parses all of the code: a syntax error runs none of it. (What the
    # code's last statement returns is not a failure: `set -e` of a variable that only exists
    # as a universal one returns 4.)
    printf '%s\n' 'function __awsp_switch' $__awsp_out end | source
    or return
    __awsp_switch
    functions -e __awsp_switch
    __awsp_note_expiry
    __awsp_warn_universal
    return 0
end

# A universal variable (`set -Ux AWS_PROFILE ...`) stays exported to every command however
# the global scope changes, so awsp cannot clear it; erasing it would destroy the user's
# setting in every session. Say so instead of leaving it stale in silence.
function __awsp_warn_universal --description 'awsp: warn about universal variables awsp cannot clear'
    for __awsp_var in __AWSP_CLEARED_VARS__
        if set -q -U $__awsp_var; and not set -q -g $__awsp_var
            printf 'awsp: %s is a universal variable (set -U) and still applies; erase it with: set -e -U %s\n' $__awsp_var $__awsp_var >&2
        end
    end
end

# fish 3.6 has no builtin clock (no `printf %(%s)T`, no $EPOCHSECONDS, and `math` knows no
# time), so the prompt reads Linux's: boot time (`btime` in /proc/stat, whole seconds) plus
# the time since boot (/proc/uptime). Both are files read by builtins, so no process starts;
# the sum is the wall clock to within a second (btime is whole seconds), which can put a
# minute boundary up to a second late.
set -q __awsp_proc; or set -g __awsp_proc /proc
function __awsp_now --description 'awsp: Unix time from /proc, without a process'
    test -r $__awsp_proc/stat -a -r $__awsp_proc/uptime; or return 1
    set -l __awsp_boot (string replace -rf '^btime ([0-9]+)$' '$1' <$__awsp_proc/stat)
    set -l __awsp_up (string split -f1 ' ' <$__awsp_proc/uptime)
    string match -qr '^[0-9]+$' -- "$__awsp_boot"; or return 1
    string match -qr '^[0-9]+(\.[0-9]+)?$' -- "$__awsp_up"; or return 1
    math --scale=0 "floor($__awsp_boot + $__awsp_up)"
end

# Without /proc (macOS, the BSDs) the time left cannot be computed without a process. Then
# `use` (which starts the awsp process anyway) notes the local clock time the credentials
# expire, and the prompt shows `dev-alice until 14:05` instead of the minutes left.
function __awsp_note_expiry --description 'awsp: note the expiry clock time where /proc is missing'
    set -e -g __awsp_expiry_clock
    set -q AWSP_EXPIRATION; or return 0
    string match -qr '^[0-9]{1,15}\z' -- "$AWSP_EXPIRATION"; or return 0
    __awsp_now >/dev/null; and return 0
    set -l __awsp_clock (command date -r $AWSP_EXPIRATION +%H:%M 2>/dev/null; or command date -d @$AWSP_EXPIRATION +%H:%M 2>/dev/null)
    and set -g __awsp_expiry_clock $AWSP_EXPIRATION $__awsp_clock[1]
    return 0
end

# awsp_prompt: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`, `dev-alice 42m`,
# `dev-alice 1h05m`, `dev-alice expired`), from builtins and /proc only; see __awsp_now.
function awsp_prompt --description 'Print the awsp prompt segment (no process is started)'
    # Hand back the caller's $status, so a prompt can still show the last command's status.
    set -l __awsp_status $status
    set -l __awsp_profile "$AWS_PROFILE"
    test -n "$__awsp_profile"; or set __awsp_profile "$AWSP_PROFILE"
    test -n "$__awsp_profile"; or return $__awsp_status
    set -l __awsp_at "$AWSP_EXPIRATION"
    # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs): exact in
    # `math`, which computes in doubles. (`\z`: `$` would also match before a final newline.)
    if not string match -qr '^[+-]?[0-9]{1,15}\z' -- "$__awsp_at"
        printf '%s\n' "$__awsp_profile"
        return $__awsp_status
    end
    # Decimal whatever the leading zeros; no `+` for `test`.
    set __awsp_at (string replace -r '^\+' '' -- $__awsp_at | string replace -r '^(-?)0+(?=[0-9])' '$1')
    set -l __awsp_now (__awsp_now)
    if test $status -ne 0
        if test "$__awsp_expiry_clock[1]" = "$__awsp_at"
            printf '%s until %s\n' "$__awsp_profile" "$__awsp_expiry_clock[2]"
        else
            printf '%s\n' "$__awsp_profile"
        end
        return $__awsp_status
    end
    set -l __awsp_left (math --scale=0 "$__awsp_at - $__awsp_now")
    if test $__awsp_left -le 0
        printf '%s expired\n' "$__awsp_profile"
    else if test $__awsp_left -lt 60
        printf '%s %ss\n' "$__awsp_profile" $__awsp_left
    else if test $__awsp_left -lt 3600
        printf '%s %sm\n' "$__awsp_profile" (math --scale=0 "floor($__awsp_left / 60)")
    else
        printf '%s %dh%02dm\n' "$__awsp_profile" (math --scale=0 "floor($__awsp_left / 3600)") (math --scale=0 "floor(($__awsp_left % 3600) / 60)")
    end
    return $__awsp_status
end
