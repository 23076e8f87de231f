# shellcheck shell=bash
# The wrapper function shared by the bash and zsh integrations (awsp.bash, awsp.zsh), which
# include it where they say __AWSP_POSIX_WRAPPER__.

# The wrapper: evals the code from `use` and `unset` only when the binary succeeded, and
# returns the binary's status. Everything else, and any help or version request, passes through.
__AWSP_CMD__() {
    case "${1-}" in
    use | unset)
        local __awsp_arg
        for __awsp_arg in "$@"; do
            case "$__awsp_arg" in
            -h | --help | -V | --version)
                \command __AWSP_BIN__ "$@"
                return
                ;;
            --) break ;;
            esac
        done
        local __awsp_code __awsp_status
        __awsp_code="$(\command __AWSP_BIN__ "$@")"
        __awsp_status=$?
        if [ "$__awsp_status" -eq 0 ]; then
            \builtin eval -- "$__awsp_code"
        fi
        return "$__awsp_status"
        ;;
    *)
        \command __AWSP_BIN__ "$@"
        ;;
    esac
}
