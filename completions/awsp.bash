# shellcheck shell=bash
# awsp completion for bash: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files.
#
# bash splits the line at every character of COMP_WORDBREAKS (`:`, `@`, `=` ...), so
# `awsp use corp:d` arrives as `corp` `:` `d`. The words are taken from COMP_LINE instead
# (profile names hold no spaces or quotes), and each candidate loses the part of the word
# before its last break character (keeping a `@`), which is what readline replaces.
__awsp_complete() {
    local __awsp_line __awsp_cur __awsp_prefix __awsp_out __awsp_cand __awsp_i __awsp_dashdash
    local -a __awsp_words
    COMPREPLY=()

    # After `exec PROFILE --` the command and its arguments complete as they would alone.
    __awsp_dashdash=0
    for ((__awsp_i = 1; __awsp_i < COMP_CWORD; __awsp_i++)); do
        case ${COMP_WORDS[__awsp_i]} in
        exec) __awsp_dashdash=-1 ;;
        --) if ((__awsp_dashdash == -1)); then
            __awsp_dashdash=$__awsp_i
            break
        fi ;;
        -*) ;;
        *) ((__awsp_dashdash == -1)) || break ;;
        esac
    done
    if ((__awsp_dashdash > 0)); then
        __awsp_command_offset $((__awsp_dashdash + 1))
        return 0
    fi

    __awsp_line=${COMP_LINE:0:COMP_POINT}
    # (read -d '' reads to the end and then reports it: not an error here.)
    IFS=$' \t\n' read -r -d '' -a __awsp_words <<<"$__awsp_line" || :
    case $__awsp_line in
    *[[:space:]]) __awsp_words+=("") ;;
    esac
    ((${#__awsp_words[@]} > 1)) || return 0
    __awsp_cur=${__awsp_words[${#__awsp_words[@]} - 1]}
    __awsp_prefix=
    for ((__awsp_i = ${#__awsp_cur}; __awsp_i > 0; __awsp_i--)); do
        __awsp_cand=${__awsp_cur:__awsp_i-1:1}
        if [[ ${COMP_WORDBREAKS-} == *"$__awsp_cand"* ]]; then
            # Readline keeps `@` and `$` (its special prefixes) in the text it replaces.
            case $__awsp_cand in
            [@$]) __awsp_prefix=${__awsp_cur:0:__awsp_i-1} ;;
            *) __awsp_prefix=${__awsp_cur:0:__awsp_i} ;;
            esac
            break
        fi
    done
    __awsp_out=$(\command 'awsp' complete --index $((${#__awsp_words[@]} - 1)) -- "${__awsp_words[@]}" 2>/dev/null) || return 0
    [ -n "$__awsp_out" ] || return 0
    while IFS= read -r __awsp_cand; do
        [[ $__awsp_cand == "$__awsp_prefix"* ]] && COMPREPLY+=("${__awsp_cand#"$__awsp_prefix"}")
    done <<<"$__awsp_out"
    return 0
}

# Complete COMP_WORDS from index $1 on as a command line of its own (what bash-completion's
# _command_offset does, without needing it): command names in the first place, then the
# command's own completion, else file names.
__awsp_command_offset() {
    # Written for a user's `set -eu`: assignments rather than (( )) commands, `|| :` where a
    # failure is fine.
    local __awsp_off=$1 __awsp_i __awsp_cmd __awsp_spec __awsp_func __awsp_opt __awsp_cand __awsp_status
    # Cut the words before the command out of COMP_LINE and COMP_POINT.
    for ((__awsp_i = 0; __awsp_i < __awsp_off; __awsp_i++)); do
        while [[ -n $COMP_LINE && $COMP_LINE != "${COMP_WORDS[__awsp_i]}"* ]]; do
            COMP_LINE=${COMP_LINE:1}
            COMP_POINT=$((COMP_POINT - 1))
        done
        COMP_LINE=${COMP_LINE#"${COMP_WORDS[__awsp_i]}"}
        COMP_POINT=$((COMP_POINT - ${#COMP_WORDS[__awsp_i]}))
    done
    while [[ $COMP_LINE == [[:space:]]* ]]; do
        COMP_LINE=${COMP_LINE:1}
        COMP_POINT=$((COMP_POINT - 1))
    done
    COMP_WORDS=("${COMP_WORDS[@]:__awsp_off}")
    COMP_CWORD=$((COMP_CWORD - __awsp_off))
    local __awsp_cur=${COMP_WORDS[COMP_CWORD]}
    if ((COMP_CWORD == 0)); then
        if [[ $__awsp_cur == */* ]]; then
            compopt -o default 2>/dev/null || :
        else
            while IFS= read -r __awsp_cand; do
                [ -n "$__awsp_cand" ] && COMPREPLY+=("$__awsp_cand")
            done < <(compgen -c -- "$__awsp_cur" | LC_ALL=C sort -u)
        fi
        return 0
    fi
    __awsp_cmd=${COMP_WORDS[0]}
    __awsp_spec=$(complete -p -- "$__awsp_cmd" 2>/dev/null) || :
    if [ -z "$__awsp_spec" ] && declare -F _completion_loader >/dev/null; then
        # bash-completion loads completions on demand.
        _completion_loader "$__awsp_cmd" >/dev/null 2>&1 || :
        __awsp_spec=$(complete -p -- "$__awsp_cmd" 2>/dev/null) || :
    fi
    if [ -z "$__awsp_spec" ]; then
        compopt -o default 2>/dev/null || :
        return 0
    fi
    # The spec's -o options apply to this completion too.
    __awsp_opt=$__awsp_spec
    while [[ $__awsp_opt == *" -o "* ]]; do
        __awsp_opt=${__awsp_opt#* -o }
        compopt -o "${__awsp_opt%% *}" 2>/dev/null || :
    done
    if [[ $__awsp_spec == *" -F "* ]]; then
        __awsp_func=${__awsp_spec#* -F }
        __awsp_func=${__awsp_func%% *}
        __awsp_status=0
        "$__awsp_func" "$__awsp_cmd" "$__awsp_cur" "${COMP_WORDS[COMP_CWORD - 1]}" || __awsp_status=$?
        if ((__awsp_status == 124)); then
            # The function loaded a new spec: run that one.
            __awsp_spec=$(complete -p -- "$__awsp_cmd" 2>/dev/null) || :
            if [[ $__awsp_spec == *" -F "* ]]; then
                __awsp_func=${__awsp_spec#* -F }
                __awsp_func=${__awsp_func%% *}
                "$__awsp_func" "$__awsp_cmd" "$__awsp_cur" "${COMP_WORDS[COMP_CWORD - 1]}" || :
            fi
        fi
    else
        # A static spec (-W, -A, -f ...): the same options given to compgen.
        __awsp_spec=${__awsp_spec#complete }
        __awsp_spec=${__awsp_spec% "$__awsp_cmd"}
        while IFS= read -r __awsp_cand; do
            [ -n "$__awsp_cand" ] && COMPREPLY+=("$__awsp_cand")
        done < <(eval "compgen $__awsp_spec -- \"\$__awsp_cur\"" 2>/dev/null)
    fi
    return 0
}
complete -F __awsp_complete awsp
