# shellcheck shell=bash
# The optional hooks of the bash integration (`awsp init bash --hook dir,refresh`). `awsp init`
# keeps the sections of the hooks asked for (a line `# awsp-hook: NAME` starts one; `any`:
# kept when any hook is) and replaces __AWSP_HOOK_CALLS__ by the calls of those hooks. The
# contract every shell's hooks follow is in src/cmd/hook.rs. bash has no preexec, so both run
# from PROMPT_COMMAND, before each prompt.

# awsp-hook: dir
# Before a prompt, when the directory changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is in
# $PWD or a parent below that tree's root (below / outside any tree). Builtins only otherwise.
__awsp_hook_dir() {
    [ "$PWD" != "${__awsp_dir_last-}" ] || return 0
    __awsp_dir_last=$PWD
    local __awsp_root=${AWSP_DIR_ROOT-} __awsp_d=$PWD __awsp_n=0
    if [ -n "$__awsp_root" ]; then
        case $PWD/ in
        "${__awsp_root%/}"/*) ;;
        *)
            __awsp_eval __AWSP_BIN__ hook dir -- "$PWD" || :
            return
            ;;
        esac
    fi
    while [ "$__awsp_n" -lt __AWSP_DIR_LIMIT__ ] && [ "$__awsp_d" != "$__awsp_root" ]; do
        if [ -e "$__awsp_d/.awsprofile" ] || [ -L "$__awsp_d/.awsprofile" ]; then
            __awsp_eval __AWSP_BIN__ hook dir -- "$PWD" || :
            return
        fi
        [ "$__awsp_d" != / ] || return 0
        __awsp_d=${__awsp_d%/*}
        __awsp_d=${__awsp_d:-/}
        __awsp_n=$((__awsp_n + 1))
    done
    return 0
}

# awsp-hook: refresh
# Before a prompt: when credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__
# seconds (the clock is bash's own), start `awsp hook refresh` once for that expiry value.
__awsp_hook_refresh() {
    local __awsp_at=${AWSP_EXPIRATION-} __awsp_now
    [ "${AWSP_MODE-}" = creds ] && [ -n "$__awsp_at" ] || return 0
    [ "$__awsp_at" != "${__awsp_refresh_tried-}" ] || return 0
    [[ ${#__awsp_at} -le 15 && $__awsp_at != *[!0123456789]* ]] || return 0
    printf -v __awsp_now '%(%s)T' -1
    ((10#$__awsp_at - __awsp_now <= __AWSP_REFRESH_WINDOW__)) || return 0
    __awsp_refresh_tried=$__awsp_at
    __awsp_eval __AWSP_BIN__ hook refresh || :
}

# awsp-hook: any
# The hooks asked for, in PROMPT_COMMAND (first, so that the rest of the prompt sees the new
# profile; also its array form), handing back the caller's $?. Loading twice adds it once.
__awsp_hook() {
    local __awsp_status=$?
    __AWSP_HOOK_CALLS__
    return "$__awsp_status"
}

__awsp_hook_install() {
    local __awsp_i
    for __awsp_i in "${!PROMPT_COMMAND[@]}"; do
        # Only where it is: assigning an element would turn a string into an array.
        if [[ ${PROMPT_COMMAND[__awsp_i]} == *__awsp_hook\;* ]]; then
            if ((__awsp_i == 0)); then
                PROMPT_COMMAND=${PROMPT_COMMAND//__awsp_hook;/}
            else
                PROMPT_COMMAND[__awsp_i]=${PROMPT_COMMAND[__awsp_i]//__awsp_hook;/}
            fi
        fi
    done
    # A plain assignment sets element 0 of the array form and keeps a string a string.
    # shellcheck disable=SC2178
    PROMPT_COMMAND="__awsp_hook;${PROMPT_COMMAND-}"
}
__awsp_hook_install
unset -f __awsp_hook_install
