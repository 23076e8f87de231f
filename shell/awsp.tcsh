# awsp shell integration for tcsh. Load it from ~/.tcshrc with:
#     eval "`awsp init tcsh`"
# `awsp init tcsh` writes this script to ~/.cache/awsp/ (tcsh can neither source a command's
# output nor `eval` more than one line) and prints the line that sources it from there; the
# aliases below source it again, with a first argument saying which part runs. tcsh has no
# functions: `__AWSP_CMD__` and `awsp_prompt` are aliases. Loading it twice is harmless.
if ( "$1" == wrap || "$1" == eval ) then
    # The wrapper. `use` and `unset` run as `awsp --wrapper tcsh ...`, under which a successful
    # switch prints the header line `# awsp eval tcsh` and then the code, written to a file
    # made by mktemp and removed afterwards. The code is sourced only when the binary succeeded,
    # its first line is this shell's header and the whole file parses (`tcsh -n`); otherwise the
    # output is printed unchanged and the binary's status returned. `doctor` runs as `awsp
    # --wrapper tcsh doctor ...` (so it can tell the integration is loaded), its output
    # unchanged. Every other subcommand runs the binary unchanged. `eval ARGS` (the hooks)
    # evaluates whatever the subcommand.
    # `awsp` alone is `awsp use`: the picker.
    if ( $#argv == 1 ) set argv = ( $1 use )
    set __awsp_first = ( $argv[2-]:q '' )
    if ( "$1" == wrap && $__awsp_first[1]:q == doctor ) then
        $__awsp_bin:q --wrapper __AWSP_WRAPPER_SHELL__ $argv[2-]:q
        set __awsp_status = $status
    else if ( "$1" == wrap && $__awsp_first[1]:q != use && $__awsp_first[1]:q != unset ) then
        $__awsp_bin:q $argv[2-]:q
        set __awsp_status = $status
    else
        set __awsp_tmp = "`''mktemp`"
        if ( "$__awsp_tmp" == "" ) then
            echo 'awsp: could not make a temporary file' > /dev/stderr
            set __awsp_status = 1
        else
            $__awsp_bin:q --wrapper __AWSP_WRAPPER_SHELL__ $argv[2-]:q >! $__awsp_tmp:q
            set __awsp_status = $status
            set __awsp_head = "`''head -n 1 $__awsp_tmp:q`"
            if ( $__awsp_status == 0 && "$__awsp_head" == '# awsp eval __AWSP_WRAPPER_SHELL__' ) then
                $__awsp_tcsh -f -n $__awsp_tmp:q
                if ( $status == 0 ) then
                    source $__awsp_tmp:q
                else
                    set __awsp_status = 1
                endif
            else
                ''cat -- $__awsp_tmp:q
            endif
            ''rm -f -- $__awsp_tmp:q
        endif
    endif
else if ( "$1" == prompt ) then
    # awsp_prompt: sets `awsp_segment` to the same text as `awsp prompt` (`dev-alice`,
    # `dev-alice 45s`, `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`), with builtins
    # only. The clock: tcsh has none, but the builtin `echo` writing an empty file and the
    # file test `-M` (its modification time in Unix seconds) give it without a process.
    # Values are read with `:q` only: a double-quoted "$VAR" holding a newline is an error.
    set awsp_segment = ''
    set __awsp_profile = ''
    if ( $?AWSP_PROFILE ) then
        set __awsp_profile = $AWSP_PROFILE:q
    endif
    if ( $?AWS_PROFILE ) then
        if ( $AWS_PROFILE:q != '' ) set __awsp_profile = $AWS_PROFILE:q
    endif
    if ( $__awsp_profile:q != '' ) then
        set awsp_segment = $__awsp_profile:q
        set __awsp_at = ''
        if ( $?AWSP_EXPIRATION ) then
            set __awsp_at = $AWSP_EXPIRATION:q
        endif
        set __awsp_sign = 1
        if ( $__awsp_at:q =~ +* ) then
            set __awsp_at = $__awsp_at:s/+//:q
        else if ( $__awsp_at:q =~ -* ) then
            set __awsp_sign = -1
            set __awsp_at = $__awsp_at:s/-//:q
        endif
        # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs); `@`
        # reads leading zeros as decimal.
        if ( $__awsp_at:q != '' && $%__awsp_at <= 15 && $__awsp_at:q !~ *[^0123456789]* && $?__awsp_clock ) then
            echo -n >! $__awsp_clock:q
            @ __awsp_left = $__awsp_sign * $__awsp_at - ( -M $__awsp_clock:q )
            if ( $__awsp_left <= 0 ) then
                set awsp_segment = $__awsp_profile:q' expired'
            else if ( $__awsp_left < 60 ) then
                set awsp_segment = $__awsp_profile:q" ${__awsp_left}s"
            else if ( $__awsp_left < 3600 ) then
                @ __awsp_left = $__awsp_left / 60
                set awsp_segment = $__awsp_profile:q" ${__awsp_left}m"
            else
                @ __awsp_h = $__awsp_left / 3600
                @ __awsp_m = ( $__awsp_left % 3600 ) / 60
                if ( $__awsp_m < 10 ) set __awsp_m = 0$__awsp_m
                set awsp_segment = $__awsp_profile:q" ${__awsp_h}h${__awsp_m}m"
            endif
        endif
    endif
else if ( "$1" == load ) then
    # Loading: the binary, the tcsh that checks the code, the aliases, the clock, completion.
    set __awsp_bin = __AWSP_BIN__
    set __awsp_tcsh = tcsh
    if ( -x /bin/tcsh ) set __awsp_tcsh = /bin/tcsh
    if ( $?shell ) then
        if ( "$shell:t" == tcsh && -x "$shell" ) set __awsp_tcsh = "$shell"
    endif
    unset __awsp_clock
    if ( -d "$__awsp_file:h" && -w "$__awsp_file:h" ) set __awsp_clock = "$__awsp_file:h/clock"
    # `endif` sets $status to 0: the alias returns the binary's status by a subshell.
    # No backslash in code (Shift_JIS reads 0x5C as a yen sign): a `!` before a quote is no
    # event, so `!'"*"'` stores `!*`, the alias's arguments. `''cmd` skips a user's alias.
    alias __AWSP_CMD__ 'source $__awsp_file:q wrap !'"*"' ; ( exit $__awsp_status )'
    alias awsp_prompt 'source $__awsp_file:q prompt'
