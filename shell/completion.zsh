#compdef __AWSP_CMD__
# awsp completion for zsh: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
__awsp_complete() {
    local -a __awsp_described
    local __awsp_out __awsp_line __awsp_value __awsp_help
    local -i __awsp_i __awsp_exec=0
    # After `exec PROFILE --` the command and its arguments complete as they would alone
    # (what zsh's own _precommand does for `nohup` and the like).
    for (( __awsp_i = 2; __awsp_i < CURRENT; __awsp_i++ )); do
        case ${words[__awsp_i]} in
            (exec) __awsp_exec=1 ;;
            (--) if (( __awsp_exec )); then
                    shift __awsp_i words
                    (( CURRENT -= __awsp_i ))
                    _normal
                    return
                fi ;;
            (-*) ;;
            (*) (( __awsp_exec )) || break ;;
        esac
    done
    __awsp_out=$(\command __AWSP_BIN__ complete --index $((CURRENT - 1)) --describe -- "${(Q@)words[1,CURRENT]}" 2>/dev/null) || return 1
    for __awsp_line in "${(@f)__awsp_out}"; do
        [[ -n $__awsp_line ]] || continue
        __awsp_value=${__awsp_line%%$'\t'*}
        __awsp_help=''
        [[ $__awsp_line == *$'\t'* ]] && __awsp_help=${__awsp_line#*$'\t'}
        __awsp_described+=("${__awsp_value//:/\\:}${__awsp_help:+:$__awsp_help}")
    done
    (( ${#__awsp_described} )) || return 1
    _describe -t values __AWSP_CMD__ __awsp_described
}
if [[ ${funcstack[1]-} == ___AWSP_CMD__ ]]; then
    # Autoloaded from $fpath as _NAME by compinit.
    __awsp_complete "$@"
elif (( $+functions[compdef] )); then
    compdef __awsp_complete __AWSP_CMD__
fi
