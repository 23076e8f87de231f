//! Two files from one input (split at the first NUL byte): parse, merge, list, look up and
//! resolve every profile. Nothing may panic; the SDKs' rules say what is an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

use awsp::config::Files;
use awsp::resolve::{kind_of, resolve};

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let (Ok(config), Ok(credentials)) = (
        std::str::from_utf8(config),
        std::str::from_utf8(credentials),
    ) else {
        return;
    };
    let files = Files::from_text(Some(config), Some(credentials));
    let Ok(set) = files.parse() else {
        return;
    };
    for profile in set.profiles() {
        let _ = kind_of(&profile);
        let _ = profile.settings();
        let looked_up = set.profile(profile.name());
        assert!(looked_up.is_some(), "a listed profile is found");
        if let Err(err) = resolve(&set, profile.name()) {
            let _ = err.to_string();
        }
    }
    let _ = set.sso_sessions();
    let _ = set.ignored_keys();
});
