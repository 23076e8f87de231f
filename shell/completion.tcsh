# awsp completion for tcsh: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files.
complete __AWSP_CMD__ 'p/*/`source $__awsp_file:q complete`/'
