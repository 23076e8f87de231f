# awsp shell integration for zsh. Load it from ~/.zshrc (after compinit, or anywhere: the
# completion is registered at the first prompt if compinit comes later) with:
#     eval "$(awsp init zsh)"
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` prints the prompt
# segment without starting a process. Loading it twice is harmless.

export AWSP_SHELL=zsh
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

__AWSP_POSIX_WRAPPER__

# awsp_prompt [-v VAR]: the same text as `awsp prompt` (`dev-alice`, `dev-alice 42m`,
# `dev-alice 1h05m`, `dev-alice expired`), from builtins only (the clock is $EPOCHSECONDS
# from zsh/datetime). With -v VAR the text is stored in VAR instead of printed. It hands back
# the caller's $?, so a prompt can still show the last command's status.
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
        while [[ $__awsp_at == 0?* ]]; do
            __awsp_at=${__awsp_at#0}
        done
        if [[ $__awsp_at =~ '^[0-9]{1,18}$' ]]; then
            (( ${+EPOCHSECONDS} )) || zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
            __awsp_at=$__awsp_sign$__awsp_at
            if (( __awsp_at <= EPOCHSECONDS )); then
                __awsp_text+=' expired'
            else
                __awsp_left=$(( (__awsp_at - EPOCHSECONDS) / 60 ))
                if (( __awsp_left < 60 )); then
                    __awsp_text+=" ${__awsp_left}m"
                else
                    __awsp_text+=" $(( __awsp_left / 60 ))h${(l:2::0:)$(( __awsp_left % 60 ))}m"
                fi
            fi
        fi
    fi
    if [[ ${1-} == -v && -n ${2-} ]]; then
        typeset -g "$2=$__awsp_text"
    elif [[ -n $__awsp_text ]]; then
        print -r -- "$__awsp_text"
    fi
    return $__awsp_status
}

# compinit may be loaded after this script: then register the completion at the first prompt.
__awsp_compdef() {
    local __awsp_status=$?
    if (( $+functions[compdef] )); then
        compdef __awsp_complete __AWSP_CMD__
        precmd_functions=(${precmd_functions:#__awsp_compdef})
    fi
    return $__awsp_status
}
# (Guarded: under `setopt nounset` an unset precmd_functions cannot be read.)
(( ${+precmd_functions} )) && precmd_functions=(${precmd_functions:#__awsp_compdef})
if (( ! $+functions[compdef] )); then
    precmd_functions+=(__awsp_compdef)
fi
