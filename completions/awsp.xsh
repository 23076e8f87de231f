# awsp completion for xonsh: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.


def __awsp_completion():
    import subprocess

    from xonsh.completers.completer import add_one_completer
    from xonsh.completers.tools import RichCompletion, contextual_command_completer

    bin = 'awsp'

    @contextual_command_completer
    def complete(context):
        if context.arg_index < 1 or not context.args or context.args[0].value != 'awsp':
            return None
        words = [arg.value for arg in context.args[:context.arg_index]] + [context.prefix]
        try:
            done = subprocess.run(
                [bin, 'complete', '--index', str(len(words) - 1), '--describe', '--'] + words,
                env=__xonsh__.env.detype(), stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        found = set()
        for line in done.stdout.decode('utf-8', 'replace').splitlines():
            value, _, help = line.partition('\t')
            if value.startswith(context.prefix):
                found.add(RichCompletion(value, description=help, prefix_len=len(context.prefix)))
        return found

    add_one_completer('awsp', complete, 'start')


__awsp_completion()
del __awsp_completion
