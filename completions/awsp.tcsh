# awsp completion for tcsh: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files. tcsh sets $COMMAND_LINE (the line up to the cursor) while
# it runs the command in backquotes; its words go to `awsp complete`.
# The binary is read from a variable when a word is completed: put into the pattern itself,
# its quoting would be spent on this line and a path with a space or a quote would break.
set __awsp_complete_bin = 'awsp'
complete awsp 'p|*|`set noglob; set __awsp_w = ( $COMMAND_LINE ); if ( "$COMMAND_LINE" =~ *" " ) set __awsp_w = ( $__awsp_w:q "" ); @ __awsp_i = $#__awsp_w - 1; $__awsp_complete_bin:q complete --index $__awsp_i -- $__awsp_w:q`|'
