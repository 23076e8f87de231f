# The optional hooks of the tcsh integration (`awsp init tcsh --hook dir,refresh`); how `awsp
# init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. They come
# after the loading part of shell/awsp.tcsh (which they close, and open again for completion).
# tcsh has one `precmd` (before each prompt): loading points it at this file's `hook` part,
# which runs the hooks (dir first) with builtins only and then what precmd was before (your
# own, or `awsp_prompt`...), kept in a variable. Set your own `precmd` before loading awsp:
# setting it afterwards replaces the hooks. No `postcmd`: tcsh runs it before every command of
# every script too, so `refresh` runs before prompts only (as in bash).

# awsp-hook: any
    # One process (the subshell of the backquotes) while loading: tcsh has no other way to read
    # an alias. Loading twice keeps what was there before the first load.
    set __awsp_old = "`alias precmd`"
    if ( "$__awsp_old" != 'source $__awsp_file:q hook prompt' ) set __awsp_precmd = "$__awsp_old"
    if ( ! $?__awsp_precmd ) set __awsp_precmd = ''
    alias precmd 'source $__awsp_file:q hook prompt'
# awsp-hook: any
    unset __awsp_old
endif
if ( "$1" == hook ) then
    # Which alias runs this (`prompt`): a nested `source` replaces $argv.
    set __awsp_when = $2
# awsp-hook: dir
    # Before a prompt, when the directory changed: start `awsp hook dir` only when this is
    # outside the tree applied now (going up from $cwd never meets its root), or when a
    # .awsprofile (any kind of entry: the binary decides) is in $cwd or a parent below that
    # tree's root (below / outside any tree), looking at __AWSP_DIR_LIMIT__ directories at most.
    # Builtins only otherwise (`-e`, `-l` and `:h` are the shell's own). (A one-line `if`
    # substitutes its whole line first: an unset variable is read in an `if ... then` block.)
    if ( ! $?__awsp_dir_last ) set __awsp_dir_last = ''
    if ( $__awsp_when == prompt && $cwd:q != $__awsp_dir_last:q ) then
        set __awsp_dir_last = $cwd:q
        set __awsp_root = ''
        if ( $?AWSP_DIR_ROOT ) then
            set __awsp_root = $AWSP_DIR_ROOT:q
        endif
        set __awsp_d = $cwd:q
        set __awsp_n = 0
        set __awsp_run = 0
        while ( $__awsp_d:q != $__awsp_root:q )
            if ( $__awsp_n < __AWSP_DIR_LIMIT__ ) then
                if ( -e ${__awsp_d:q}/.awsprofile || -l ${__awsp_d:q}/.awsprofile ) then
                    set __awsp_run = 1
                    break
                endif
            endif
            if ( $__awsp_d:q == "/" ) then
                if ( $__awsp_root:q != '' ) set __awsp_run = 1
                break
            endif
            set __awsp_d = $__awsp_d:h:q
            if ( $__awsp_d:q == '' ) set __awsp_d = /
            @ __awsp_n++
        end
        if ( $__awsp_run == 1 ) source $__awsp_file:q eval hook dir -- $cwd:q
    endif
# awsp-hook: refresh
    # When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds
    # (the clock of awsp_prompt: an empty file's modification time; without it, no refresh),
    # start `awsp hook refresh` once for that expiry value.
    set __awsp_mode = ''
    if ( $?AWSP_MODE ) then
        set __awsp_mode = $AWSP_MODE:q
    endif
    set __awsp_at = ''
    if ( $?AWSP_EXPIRATION ) then
        set __awsp_at = $AWSP_EXPIRATION:q
    endif
    if ( ! $?__awsp_refresh_tried ) set __awsp_refresh_tried = ''
    if ( $__awsp_mode:q == creds && $__awsp_at:q != '' && x$__awsp_at:q != x$__awsp_refresh_tried:q && $%__awsp_at <= 15 && $__awsp_at:q !~ *[^0123456789]* && $?__awsp_clock ) then
        echo -n >! $__awsp_clock:q
        @ __awsp_left = $__awsp_at - ( -M $__awsp_clock:q )
        if ( $__awsp_left <= __AWSP_REFRESH_WINDOW__ ) then
            set __awsp_refresh_tried = $__awsp_at:q
            source $__awsp_file:q eval hook refresh
        endif
    endif
# awsp-hook: any
    # Then what the alias was before.
    if ( $__awsp_when == prompt && $__awsp_precmd:q != '' ) eval $__awsp_precmd:q
endif
if ( "$1" == load ) then
