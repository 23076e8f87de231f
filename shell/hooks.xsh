# The optional hooks of the xonsh integration (`awsp init xonsh --hook dir,refresh`); how `awsp
# init` picks the sections is in shell/hooks.bash, the contract in src/cmd/hook.rs. The sections
# are the body of one function (plain Python, like the rest). Both run on the on_pre_prompt
# event (before each prompt), dir first; `refresh` also on on_precommand, so that a command
# typed after the prompt sat idle past the window still gets fresh credentials.

# awsp-hook: any
def __awsp_hooks_main():
    import os
    import sys
    import time

    from xonsh.events import events

    evaluate = __awsp_eval
    before_prompt = []
    before_command = []

    def text(name):
        value = __xonsh__.env.get(name, '')
        return value if isinstance(value, str) else ''

# awsp-hook: dir
    # Before a prompt, when the directory changed: start `awsp hook dir` only when this is
    # outside the tree applied now, or when a .awsprofile (any kind of entry: the binary
    # decides) is in $PWD or a parent below that tree's root (below / outside any tree). No
    # process otherwise (os.path.lexists is a system call).
    seen = {'dir': None}

    def hook_dir():
        pwd = text('PWD')
        if pwd == seen['dir']:
            return
        seen['dir'] = pwd
        root = text('AWSP_DIR_ROOT')
        if root and not (pwd + '/').startswith(root.rstrip('/') + '/'):
            evaluate(['hook', 'dir', '--', pwd])
            return
        d = pwd
        n = 0
        while n < __AWSP_DIR_LIMIT__ and d != root:
            if os.path.lexists(d + '/.awsprofile'):
                evaluate(['hook', 'dir', '--', pwd])
                return
            if d == '/':
                return
            d = d.rsplit('/', 1)[0] or '/'
            n += 1

    before_prompt.append(hook_dir)

# awsp-hook: refresh
    # When credentials exported by `use --creds` expire within __AWSP_REFRESH_WINDOW__ seconds
    # (Python's clock), start `awsp hook refresh` once for that expiry value.
    tried = {'at': None}

    def hook_refresh():
        at = text('AWSP_EXPIRATION')
        if text('AWSP_MODE') != 'creds' or at == tried['at']:
            return
        if not at or len(at) > 15 or any(c not in '0123456789' for c in at):
            return
        if int(at) - int(time.time()) > __AWSP_REFRESH_WINDOW__:
            return
        tried['at'] = at
        evaluate(['hook', 'refresh'])

    before_prompt.append(hook_refresh)
    before_command.append(hook_refresh)

# awsp-hook: any
    # One handler per event, running the hooks in order; a hook that fails says so in one line
    # (never a traceback at the prompt). Loading twice replaces the handlers of the first load.
    def handler(hooks):
        def run(**_):
            for hook in hooks:
                try:
                    hook()
                except Exception as err:
                    print('awsp: the hook failed: %s' % err, file=sys.stderr)

        run.__awsp_hook__ = True
        return run

    for event, hooks in ((events.on_pre_prompt, before_prompt),
                         (events.on_precommand, before_command)):
        for old in [h for h in event if getattr(h, '__awsp_hook__', False)]:
            event.discard(old)
        if hooks:
            event(handler(hooks))


__awsp_hooks_main()
del __awsp_hooks_main
