# awsp shell integration for nushell. nushell has no eval and reads `source` at parse time, so
# save it once into an autoload directory (and again after moving the awsp binary):
#     awsp init nu | save -f ($nu.data-dir | path join "vendor/autoload/awsp.nu")
# `__AWSP_CMD__ use` and `__AWSP_CMD__ unset` change this shell; `awsp_prompt` returns the prompt
# segment without starting a process (`$env.PROMPT_COMMAND_RIGHT = {|| awsp_prompt }`).
# Loading it twice is harmless.

# The wrapper. `use` and `unset` run as `awsp --wrapper nu ...`, under which a successful switch
# prints the header line `# awsp eval nu` and then one line of JSON: the variables to set and
# to remove. It is applied only when the binary succeeded and its first line is this header,
# so no other output (help, version, whatever a flag prints) is ever applied: it is returned
# as it is. The JSON is read and checked whole before anything changes. A failing binary
# fails the command with its exit code. `doctor` runs as `awsp --wrapper nu doctor ...` (so it
# can tell the integration is loaded), its output unchanged. Every other subcommand runs the
# binary unchanged.
@complete __awsp_complete
def --env --wrapped __AWSP_CMD__ [...args: string] {
    # `awsp` alone is `awsp use`: the picker.
    let args = if ($args | is-empty) { [use] } else { $args }
    if $args.0 == doctor {
        ^__AWSP_BIN__ --wrapper nu ...$args
        return
    }
    if $args.0 not-in [use unset] {
        ^__AWSP_BIN__ ...$args
        return
    }
    __awsp_eval ...$args
}

# __awsp_eval ARGS: run `awsp --wrapper nu ARGS` and apply its change as described above (the
# wrapper and the hooks).
def --env __awsp_eval [...args: string] {
    let out = try { ^__AWSP_BIN__ --wrapper nu ...$args } catch {|err| $err.raw }
    let parts = ($out | split row -n 2 "\n")
    if ($parts.0 != "# awsp eval nu") or (($parts | length) != 2) {
        return $out
    }
    let change = ($parts.1 | from json)
    let set = ($change | get set)
    let unset = ($change | get unset)
    # Only text to set and names to remove: anything else changes nothing.
    let valid = (($set | describe) =~ '^record') and (($unset | describe) =~ '^list') and ($set | values | all {|v| ($v | describe) == "string" }) and ($unset | all {|n| ($n | describe) == "string" })
    if not $valid {
        error make {msg: "awsp: the switch is not one this integration can apply"}
    }
    hide-env -i ...$unset
    load-env $set
}

# awsp_prompt: the same text as `awsp prompt` (`dev-alice`, `dev-alice 45s`, `dev-alice 42m`,
# `dev-alice 1h05m`, `dev-alice expired`, or empty), from builtins only (the clock is `date
# now`).
def awsp_prompt [] {
    mut profile = ($env.AWS_PROFILE? | default "" | into string)
    if $profile == "" {
        $profile = ($env.AWSP_PROFILE? | default "" | into string)
    }
    if $profile == "" {
        return ""
    }
    let at = ($env.AWSP_EXPIRATION? | default "" | into string)
    # A time is a sign and 1 to 15 ASCII digits (the rule is in src/cmd/prompt.rs); decimal
    # whatever the leading zeros.
    if not ($at =~ '^[+-]?[0-9]{1,15}\z') {
        return $profile
    }
    let left = ($at | str replace -r '^\+' '' | into int) - ((date now | into int) // 1_000_000_000)
    if $left <= 0 {
        $"($profile) expired"
    } else if $left < 60 {
        $"($profile) ($left)s"
    } else if $left < 3600 {
        $"($profile) ($left // 60)m"
    } else {
        let minutes = ($left mod 3600) // 60 | fill -a right -c '0' -w 2
        $"($profile) ($left // 3600)h($minutes)m"
    }
}
