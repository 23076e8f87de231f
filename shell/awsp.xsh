# awsp shell integration for xonsh. Load it from ~/.xonshrc with:
#     execx($(awsp init xonsh))
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt()` returns the
# prompt segment without starting a process (also the prompt field `{awsp}`). Loading it twice
# is harmless. It is plain Python, which xonsh runs as it is.


def __awsp_main():
    import subprocess
    import sys
    import time

    bin = __AWSP_BIN__
    header = '# awsp eval __AWSP_WRAPPER_SHELL__'

    def env():
        # The environment xonsh gives its commands (os.environ is not kept in step).
        return __xonsh__.env.detype()

    # The wrapper. `use` and `unset` run as `awsp --wrapper xonsh ...`, under which a
    # successful switch prints the header line `# awsp eval xonsh` and then the code (Python,
    # ASCII only). The code runs only when the binary succeeded, its first line is this shell's
    # header and the whole of it compiles as Python; otherwise the output is printed unchanged
    # and the binary's status returned. `doctor` runs as `awsp --wrapper xonsh doctor ...` (so
    # it can tell the integration is loaded), its output unchanged. Every other subcommand runs
    # the binary unchanged.
    def wrapper(args, stdin=None, stdout=None, stderr=None):
        # `awsp` alone is `awsp use`: the picker.
        args = list(args) or ['use']
        if args[0] not in ('use', 'unset'):
            flag = ['--wrapper', '__AWSP_WRAPPER_SHELL__'] if args[0] == 'doctor' else []
            return subprocess.call([bin] + flag + args, env=env(), stdout=stdout, stderr=stderr)
        return evaluate(args, stdout, stderr)

    # evaluate(ARGS): run `awsp --wrapper xonsh ARGS` and run its code as described above (the
    # wrapper and the hooks); the status.
    def evaluate(args, stdout=None, stderr=None):
        done = subprocess.run([bin, '--wrapper', '__AWSP_WRAPPER_SHELL__'] + args,
                              env=env(), stdout=subprocess.PIPE, stderr=stderr)
        out = done.stdout
        try:
            text = out.decode('ascii')
        except UnicodeDecodeError:
            text = None
        if done.returncode != 0 or text is None or text.split('\n', 1)[0] != header:
            sink = stdout if stdout is not None else sys.stdout
            sink.write(out.decode('utf-8', 'replace'))
            sink.flush()
            return done.returncode
        try:
            code = compile(text, '<awsp>', 'exec')
        except SyntaxError as err:
            print('awsp: the code for this shell does not compile: %s' % err, file=sys.stderr)
            return 1
        exec(code, {'__xonsh__': __xonsh__})
        return 0

    # awsp_prompt(): the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`,
    # `dev-alice 42m`, `dev-alice 1h05m`, `dev-alice expired`; '' without a profile).
    def awsp_prompt():
        environ = __xonsh__.env
        profile = environ.get('AWS_PROFILE') or environ.get('AWSP_PROFILE') or ''
        if not isinstance(profile, str) or not profile:
            return ''
        at = environ.get('AWSP_EXPIRATION', '')
        if not isinstance(at, str):
            return profile
        # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs).
        digits = at[1:] if at[:1] in ('+', '-') else at
        if not digits or len(digits) > 15 or any(c not in '0123456789' for c in digits):
            return profile
        left = (-1 if at[:1] == '-' else 1) * int(digits) - int(time.time())
        if left <= 0:
            return profile + ' expired'
        if left < 60:
            return '%s %ds' % (profile, left)
        if left < 3600:
            return '%s %dm' % (profile, left // 60)
        return '%s %dh%02dm' % (profile, left // 3600, left % 3600 // 60)

    aliases['__AWSP_CMD__'] = wrapper
    __xonsh__.ctx['awsp_prompt'] = awsp_prompt
    __xonsh__.env['PROMPT_FIELDS']['awsp'] = awsp_prompt
    return bin, env, evaluate


__awsp_bin, __awsp_env, __awsp_eval = __awsp_main()
del __awsp_main
