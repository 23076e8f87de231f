# shellcheck shell=bash
# awsp completion for bash: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files.
__awsp_complete() {
    local __awsp_out __awsp_line
    COMPREPLY=()
    __awsp_out=$(\command 'awsp' complete --index "$COMP_CWORD" -- "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null) || return 0
    [ -n "$__awsp_out" ] || return 0
    while IFS= read -r __awsp_line; do
        COMPREPLY+=("$__awsp_line")
    done <<<"$__awsp_out"
}
complete -F __awsp_complete awsp
