# shellcheck shell=bash
# The wrapper function shared by the bash and zsh integrations (awsp.bash, awsp.zsh), which
# include it where they say __AWSP_POSIX_WRAPPER__.

# The wrapper. `use` and `unset` run as `awsp --wrapper SHELL ...`, under which a successful
# switch prints the header line `# awsp eval SHELL` and then the code. The code is evaluated
# only when the binary succeeded and its first line is this shell's header, so no other output
# (help, version, whatever a flag prints) can ever be evaluated: it is printed unchanged and
# the binary's status returned. The code is parsed whole before any of it runs. `doctor` runs
# as `awsp --wrapper SHELL doctor ...` (so it can tell the integration is loaded), its output
# unchanged and never evaluated. Every other subcommand runs the binary unchanged.
__AWSP_CMD__() {
    # `awsp` alone is `awsp use`: the picker.
    [ "$#" -ne 0 ] || set -- use
    case "${1-}" in
    use | unset) __awsp_eval __AWSP_BIN__ "$@" ;;
    doctor) \command __AWSP_BIN__ --wrapper __AWSP_WRAPPER_SHELL__ "$@" ;;
    *) \command __AWSP_BIN__ "$@" ;;
    esac
}

# __awsp_eval BIN ARGS: run `BIN --wrapper SHELL ARGS` and evaluate its code as described above
# (the wrapper and the hooks). The binary is an argument, not part of this shared function, so
# that integrations loaded under other names (`--cmd`) each keep their own.
__awsp_eval() {
    # zsh: this function's options are zsh's own, whatever the user set (ksh_arrays, ...).
    [ -z "${ZSH_VERSION-}" ] || \builtin emulate -L zsh
    local __awsp_bin=$1 __awsp_out __awsp_status=0
    shift
    # The `.` keeps trailing newlines, which command substitution would strip. (No quoted
    # string spans lines here or below: zsh's csh_junkie_quotes would reject it.)
    __awsp_out=$(
        \command "$__awsp_bin" --wrapper __AWSP_WRAPPER_SHELL__ "$@"
        __awsp_status=$?
        \builtin printf .
        \builtin exit "$__awsp_status"
    ) || __awsp_status=$?
    __awsp_out=${__awsp_out%.}
    if [ "$__awsp_status" -ne 0 ] || [ "${__awsp_out%%$'\n'*}" != '# awsp eval __AWSP_WRAPPER_SHELL__' ]; then
        \builtin printf '%s' "$__awsp_out"
        return "$__awsp_status"
    fi
    # Defining a function parses all of the code: a syntax error runs none of it. (The `:`:
    # bash rejects a body that is only the header's comment.)
    \builtin eval "__awsp_switch() {"$'\n'":"$'\n'"$__awsp_out"$'\n''}' || return
    __awsp_switch || __awsp_status=$?
    \builtin unset -f __awsp_switch
    return "$__awsp_status"
}
