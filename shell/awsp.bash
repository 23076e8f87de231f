# shellcheck shell=bash
# awsp shell integration for bash. Load it from ~/.bashrc with:
#     eval "$(awsp init bash)"
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` prints the prompt
# segment without starting a process. Loading it twice is harmless.

__AWSP_POSIX_WRAPPER__

# awsp_prompt [-v VAR]: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`,
# `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`), from builtins only. With -v VAR
# the text is stored in VAR instead of printed, so a PROMPT_COMMAND can use it without a
# subshell. It hands back the caller's $?, so a prompt can still show the last command's status.
awsp_prompt() {
    local __awsp_status=$?
    local __awsp_profile=${AWS_PROFILE:-${AWSP_PROFILE-}} __awsp_at=${AWSP_EXPIRATION-}
    local __awsp_text='' __awsp_sign='' __awsp_now __awsp_left
    if [ -n "$__awsp_profile" ]; then
        __awsp_text=$__awsp_profile
        case "$__awsp_at" in
        [+-]*)
            __awsp_sign=${__awsp_at:0:1}
            __awsp_at=${__awsp_at:1}
            ;;
        esac
        # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs);
        # `10#` reads leading zeros as decimal, not octal.
        if [[ -n $__awsp_at && ${#__awsp_at} -le 15 && $__awsp_at != *[!0123456789]* ]]; then
            __awsp_at=$((${__awsp_sign}10#$__awsp_at))
            printf -v __awsp_now '%(%s)T' -1
            __awsp_left=$((__awsp_at - __awsp_now))
            if ((__awsp_left <= 0)); then
                __awsp_text+=' expired'
            elif ((__awsp_left < 60)); then
                __awsp_text+=" ${__awsp_left}s"
            elif ((__awsp_left < 3600)); then
                __awsp_text+=" $((__awsp_left / 60))m"
            else
                printf -v __awsp_left '%dh%02dm' $((__awsp_left / 3600)) $((__awsp_left % 3600 / 60))
                __awsp_text+=" $__awsp_left"
            fi
        fi
    fi
    if [ "${1-}" = -v ] && [ -n "${2-}" ]; then
        printf -v "$2" '%s' "$__awsp_text"
    elif [ -n "$__awsp_text" ]; then
        printf '%s\n' "$__awsp_text"
    fi
    return "$__awsp_status"
}
