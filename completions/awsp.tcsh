# awsp completion for tcsh: candidates come from `awsp complete`, which reads the profile
# names from the live AWS files.
complete awsp 'p/*/`source $__awsp_file:q complete`/'
