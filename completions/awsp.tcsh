# awsp completion for tcsh: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files. tcsh sets $COMMAND_LINE (the line up to the cursor) while
# it runs the command in backquotes; its words go to `awsp complete`.
complete awsp 'p|*|`set noglob; set __awsp_w = ( $COMMAND_LINE ); if ( "$COMMAND_LINE" =~ *" " ) set __awsp_w = ( $__awsp_w:q "" ); @ __awsp_i = $#__awsp_w - 1; ''awsp'' complete --index $__awsp_i -- $__awsp_w:q`|'
