# awsp completion for fish: candidates and their descriptions come from `awsp complete`,
# which reads the profile names from the live AWS files.
function __awsp_complete --description 'awsp: completion candidates'
    set -l __awsp_words (commandline -opc) (commandline -ct)
    command 'awsp' complete --index (math (count $__awsp_words) - 1) --describe -- $__awsp_words 2>/dev/null
end
complete -c awsp -e
complete -c awsp -f -a '(__awsp_complete)'
