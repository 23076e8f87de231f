# The optional hooks of the zsh integration (`awsp init zsh --hook dir,refresh`); how `awsp
# init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. Both run
# from precmd (before each prompt); `refresh` also from preexec, so that a command typed after
# the prompt sat idle past the window still gets fresh credentials.

# awsp-hook: dir
# Before a prompt, when the directory changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is in
# $PWD or a parent below that tree's root (below / outside any tree). Builtins only otherwise.
__awsp_hook_dir() {
    emulate -L zsh
    [[ $PWD != ${__awsp_dir_last-} ]] || return 0
    typeset -g __awsp_dir_last=$PWD
    local __awsp_root=${AWSP_DIR_ROOT-} __awsp_d=$PWD __awsp_n=0
    if [[ -n $__awsp_root && $PWD/ != "${__awsp_root%/}"/* ]]; then
        __awsp_eval __AWSP_BIN__ hook dir -- "$PWD" || :
        return
    fi
    while (( __awsp_n < __AWSP_DIR_LIMIT__ )) && [[ $__awsp_d != $__awsp_root ]]; do
        if [[ -e $__awsp_d/.awsprofile || -L $__awsp_d/.awsprofile ]]; then
            __awsp_eval __AWSP_BIN__ hook dir -- "$PWD" || :
            return
        fi
        [[ $__awsp_d != / ]] || return 0
        __awsp_d=${__awsp_d:h}
        (( __awsp_n++ ))
    done
    return 0
}

# awsp-hook: refresh
# When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds
# ($EPOCHSECONDS), start `awsp hook refresh` once for that expiry value.
__awsp_hook_refresh() {
    emulate -L zsh
    local __awsp_at=${AWSP_EXPIRATION-}
    [[ ${AWSP_MODE-} == creds && -n $__awsp_at ]] || return 0
    [[ $__awsp_at != ${__awsp_refresh_tried-} ]] || return 0
    [[ ${#__awsp_at} -le 15 && $__awsp_at != *[^0123456789]* ]] || return 0
    (( ${+EPOCHSECONDS} )) || zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
    (( ${+EPOCHSECONDS} )) || return 0
    (( 10#$__awsp_at - EPOCHSECONDS <= __AWSP_REFRESH_WINDOW__ )) || return 0
    typeset -g __awsp_refresh_tried=$__awsp_at
    __awsp_eval __AWSP_BIN__ hook refresh || :
}

__awsp_hook_preexec() {
    local __awsp_status=$?
    __awsp_hook_refresh
    return $__awsp_status
}

# awsp-hook: any
# The hooks asked for, first in precmd_functions (so that the rest of the prompt sees the new
# profile), handing back the caller's $?. Loading twice adds them once.
__awsp_hook() {
    local __awsp_status=$?
    emulate -L zsh
    __AWSP_HOOK_CALLS__
    return $__awsp_status
}

() {
    emulate -L zsh
    precmd_functions=(__awsp_hook ${precmd_functions:#__awsp_hook})
}

# awsp-hook: refresh
() {
    emulate -L zsh
    preexec_functions=(__awsp_hook_preexec ${preexec_functions:#__awsp_hook_preexec})
}
