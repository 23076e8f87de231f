# awsp shell integration for zsh. Load it from ~/.zshrc (after compinit, or anywhere: the
# completion is registered at the first prompt if compinit comes later) with:
#     eval "$(awsp init zsh)"
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` prints the prompt
# segment without starting a process. Loading it twice is harmless.
#
# Whatever options the user set (ksh_arrays, sh_word_split, no_unset, warn_create_global, ...),
# every function here starts with `emulate -L zsh`, and the statements that run at load time
# run in an anonymous function that does the same. Nothing here is a quoted string spanning
# lines or a doubled quote in single quotes, which csh_junkie_quotes and rc_quotes read
# differently while this script is parsed.

__AWSP_POSIX_WRAPPER__

# awsp_prompt [-v VAR]: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`,
# `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`), from builtins only (the clock is
# $EPOCHSECONDS from zsh/datetime). With -v VAR the text is stored in VAR instead of printed,
# with every `%` doubled, so that a prompt using it under `prompt_subst` shows it literally (a
# profile may be named `a%n%F{red}`). It hands back the caller's $?, so a prompt can still show
# the last command's status.
awsp_prompt() {
    local __awsp_status=$?
    emulate -L zsh
    local __awsp_profile=${AWS_PROFILE:-${AWSP_PROFILE-}} __awsp_at=${AWSP_EXPIRATION-}
    local __awsp_text='' __awsp_sign='' __awsp_left
    if [[ -n $__awsp_profile ]]; then
        __awsp_text=$__awsp_profile
        if [[ $__awsp_at == [+-]* ]]; then
            __awsp_sign=${__awsp_at[1]}
            __awsp_at=${__awsp_at[2,-1]}
        fi
        # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs).
        if [[ -n $__awsp_at && ${#__awsp_at} -le 15 && $__awsp_at != *[^0123456789]* ]]; then
            (( ${+EPOCHSECONDS} )) || zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
            __awsp_at=$(( ${__awsp_sign}10#$__awsp_at ))
            __awsp_left=$(( __awsp_at - EPOCHSECONDS ))
            if (( __awsp_left <= 0 )); then
                __awsp_text+=' expired'
            elif (( __awsp_left < 60 )); then
                __awsp_text+=" ${__awsp_left}s"
            elif (( __awsp_left < 3600 )); then
                __awsp_text+=" $(( __awsp_left / 60 ))m"
            else
                __awsp_text+=" $(( __awsp_left / 3600 ))h${(l:2::0:)$(( __awsp_left % 3600 / 60 ))}m"
            fi
        fi
    fi
    if [[ ${1-} == -v && -n ${2-} ]]; then
        typeset -g "$2=${__awsp_text//\%/%%}"
    elif [[ -n $__awsp_text ]]; then
        print -r -- "$__awsp_text"
    fi
    return $__awsp_status
}

# compinit may be loaded after this script: then register the completion at the first prompt.
__awsp_compdef() {
    local __awsp_status=$?
    emulate -L zsh
    if (( $+functions[compdef] )); then
        compdef __awsp_complete __AWSP_CMD__
        precmd_functions=(${precmd_functions:#__awsp_compdef})
    fi
    return $__awsp_status
}

() {
    emulate -L zsh
    zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
    (( ${+precmd_functions} )) && precmd_functions=(${precmd_functions:#__awsp_compdef})
    if (( ! $+functions[compdef] )); then
        precmd_functions+=(__awsp_compdef)
    fi
}
