# awsp completion for fish: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
function __awsp_complete --description 'awsp: completion candidates'
    set -l __awsp_words (commandline -opc) (commandline -ct)
    command 'awsp' complete --index (math (count $__awsp_words) - 1) --describe -- $__awsp_words 2>/dev/null
end
# The words after `exec PROFILE --`; fails when the line is not there.
function __awsp_exec_words --description 'awsp: the command line after exec PROFILE --'
    set -l __awsp_words (commandline -opc)
    set -l __awsp_exec 0
    for __awsp_i in (seq 2 (count $__awsp_words))
        set -l __awsp_word $__awsp_words[$__awsp_i]
        if test $__awsp_exec -eq 0
            switch $__awsp_word
                case exec
                    set __awsp_exec 1
                case '-*'
                case '*'
                    return 1
            end
        else if test "$__awsp_word" = --
            set -q __awsp_words[(math $__awsp_i + 1)]
            and string join \n -- $__awsp_words[(math $__awsp_i + 1)..-1]
            return 0
        end
    end
    return 1
end
# The command after `exec PROFILE --` completes as it would on its own line.
function __awsp_complete_exec --description 'awsp: complete the command after exec PROFILE --'
    set -l __awsp_rest (__awsp_exec_words)
    complete -C (string join ' ' -- (string escape -- $__awsp_rest) (commandline -ct))
end
complete -c awsp -e
complete -c awsp -n 'not __awsp_exec_words >/dev/null' -f -a '(__awsp_complete)'
complete -c awsp -n '__awsp_exec_words >/dev/null' -a '(__awsp_complete_exec)'
