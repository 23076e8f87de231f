# The optional hooks of the nushell integration (`awsp init nu --hook dir,refresh`); how `awsp
# init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. Both run
# from `$env.config.hooks.pre_prompt` (before each prompt); `refresh` also from `pre_execution`,
# so that a command typed after the prompt sat idle past the window still gets fresh
# credentials. What the hooks remember is in `$env.__awsp_hooks`, a record: nushell passes only
# text to the processes it starts, so it stays in this shell.

# awsp-hook: any
# __awsp_hook_eval ARGS: `__awsp_eval ARGS`; a failure has said why on stderr and changes
# nothing, so it goes no further (and prints nothing else).
def --env __awsp_hook_eval [...args: string] {
    try {
        __awsp_eval ...$args | ignore
    } catch { }
}

# awsp-hook: dir
# Before a prompt, when the directory changed: start `awsp hook dir` only when this is outside
# the tree applied now, or when a .awsprofile (any kind of entry: the binary decides) is in
# $PWD or a parent below that tree's root (below / outside any tree). Builtins only otherwise.
def --env __awsp_hook_dir [] {
    let state = ($env.__awsp_hooks? | default {})
    if ($state.dir_last? == $env.PWD) {
        return
    }
    $env.__awsp_hooks = ($state | upsert dir_last $env.PWD)
    let root = ($env.AWSP_DIR_ROOT? | default "" | into string)
    if $root != "" {
        let prefix = ($root | str replace -r '/$' '') + "/"
        if not ($"($env.PWD)/" | str starts-with $prefix) {
            __awsp_hook_eval hook dir -- $env.PWD
            return
        }
    }
    mut d = $env.PWD
    mut n = 0
    while $n < __AWSP_DIR_LIMIT__ and $d != $root {
        if ($d | path join .awsprofile | path exists --no-symlink) {
            __awsp_hook_eval hook dir -- $env.PWD
            return
        }
        if $d == "/" {
            return
        }
        $d = ($d | path dirname)
        $n += 1
    }
}

# awsp-hook: refresh
# When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds (the
# clock is `date now`), start `awsp hook refresh` once for that expiry value.
def --env __awsp_hook_refresh [] {
    let at = ($env.AWSP_EXPIRATION? | default "" | into string)
    if ($env.AWSP_MODE? != "creds") or not ($at =~ '^[0-9]{1,15}\z') {
        return
    }
    let state = ($env.__awsp_hooks? | default {})
    if ($state.refresh_tried? == $at) {
        return
    }
    if ($at | into int) - ((date now | into int) // 1_000_000_000) > __AWSP_REFRESH_WINDOW__ {
        return
    }
    $env.__awsp_hooks = ($state | upsert refresh_tried $at)
    __awsp_hook_eval hook refresh
}

# Before a command, too (handing back the caller's status).
def --env __awsp_hook_preexec [] {
    let status = ($env.LAST_EXIT_CODE? | default 0)
    __awsp_hook_refresh
    $env.LAST_EXIT_CODE = $status
}
__awsp_hook_add pre_execution "{|| __awsp_hook_preexec }" {|| __awsp_hook_preexec }

# awsp-hook: any
# The hooks asked for, before each prompt, handing back the caller's status (a failed switch
# has said why on stderr; it changes nothing). Loading twice adds them once.
def --env __awsp_hook [] {
    let status = ($env.LAST_EXIT_CODE? | default 0)
    __AWSP_HOOK_CALLS__
    $env.LAST_EXIT_CODE = $status
}

# Add `hook` (whose source is `source`) to `$env.config.hooks.NAME`, once.
def --env __awsp_hook_add [name: string, source: string, hook: closure] {
    let hooks = ($env.config.hooks | get -o $name | default [])
    let others = ($hooks | where {|h| (($h | describe) != "closure") or ((view source $h) != $source) })
    $env.config.hooks = ($env.config.hooks | upsert $name ($others | append $hook))
}
__awsp_hook_add pre_prompt "{|| __awsp_hook }" {|| __awsp_hook }
