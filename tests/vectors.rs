//! The AWS SDKs' shared conformance vectors (`../shared/aws-sdk-vectors/`), read as data.
//! Every failing case is reported by name.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use awsp::config::Files;
use awsp::resolve::{Step, StepKind, resolve};
use serde_json::{Map, Value, json};

fn vectors_dir() -> Option<PathBuf> {
    let dir = common::repo_root().join("../shared/aws-sdk-vectors");
    if dir.is_dir() {
        return Some(dir);
    }
    if common::under_ci() {
        panic!("{} is required under CI=true", dir.display());
    }
    eprintln!("skipped: {} not found", dir.display());
    None
}

fn load(name: &str) -> Option<Value> {
    let path = vectors_dir()?.join(name);
    let text = std::fs::read_to_string(&path).expect("vector file is readable");
    Some(serde_json::from_str(&text).expect("vector file is JSON"))
}

fn report(kind: &str, total: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {total} {kind} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{kind}: all {total} cases pass");
}

/// name → {key → value} of a section kind, as the vectors write it.
fn sections<'a>(names: impl IntoIterator<Item = &'a str>, get: impl Fn(&str) -> Value) -> Value {
    let mut map = Map::new();
    for name in names {
        map.insert(name.to_string(), get(name));
    }
    Value::Object(map)
}

#[test]
fn profile_parser_vectors() {
    let Some(doc) = load("profile-parser-tests.json") else {
        return;
    };
    let tests = doc["tests"].as_array().expect("tests array");
    assert_eq!(tests.len(), 65, "the issue names 65 parser cases");
    let mut failures = Vec::new();
    for case in tests {
        let name = case["name"].as_str().unwrap_or("?");
        let input = &case["input"];
        let files = Files::from_text(
            input["configFile"].as_str(),
            input["credentialsFile"].as_str(),
        );
        let output = &case["output"];
        match (files.parse(), output.get("errorContaining")) {
            (Err(err), Some(expected)) => {
                let expected = expected.as_str().unwrap_or_default();
                if !err.to_string().contains(expected) {
                    failures.push(format!("{name}: error {err:#} lacks {expected:?}"));
                }
            }
            (Err(err), None) => failures.push(format!("{name}: unexpected error {err:#}")),
            (Ok(_), Some(expected)) => {
                failures.push(format!("{name}: parsed, but expected an error {expected}"))
            }
            (Ok(set), None) => {
                let settings = |section: Option<awsp::config::Section<'_>>| {
                    let mut map = Map::new();
                    if let Some(section) = section {
                        for s in section.settings() {
                            map.insert(s.key.to_string(), Value::from(&*s.value));
                        }
                    }
                    Value::Object(map)
                };
                let profiles = sections(set.profile_names(), |n| settings(set.profile(n)));
                if profiles != output["config"]["profiles"] {
                    failures.push(format!(
                        "{name}: profiles {profiles} != expected {}",
                        output["config"]["profiles"]
                    ));
                }
                if let Some(expected) = output["config"].get("sso_sessions") {
                    let got = sections(set.sso_session_names(), |n| settings(set.sso_session(n)));
                    if &got != expected {
                        failures.push(format!("{name}: sso_sessions {got} != expected {expected}"));
                    }
                }
            }
        }
    }
    report("profile-parser", tests.len(), failures);
}

/// The vectors' profiles as a config file.
fn config_text(input: &Value) -> String {
    let mut text = String::new();
    let add = |text: &mut String, header: String, props: &Value| {
        text.push_str(&header);
        text.push('\n');
        let props: BTreeMap<String, Value> =
            serde_json::from_value(props.clone()).expect("properties object");
        for (k, v) in props {
            text.push_str(&format!("{k} = {}\n", v.as_str().expect("string value")));
        }
    };
    for (name, props) in input["profiles"].as_object().expect("profiles") {
        add(&mut text, format!("[profile {name}]"), props);
    }
    if let Some(sessions) = input.get("sso_sessions").and_then(Value::as_object) {
        for (name, props) in sessions {
            add(&mut text, format!("[sso-session {name}]"), props);
        }
    }
    text
}

/// A step in the vectors' own shape.
fn vector_step(step: &Step) -> Value {
    let fields = |renames: &[(&str, &str)]| {
        let mut map = Map::new();
        for (ours, theirs) in renames {
            if let Some(v) = step.get(ours) {
                map.insert(theirs.to_string(), Value::from(v));
            }
        }
        Value::Object(map)
    };
    match step.kind {
        StepKind::Static => json!({"AccessKey": fields(&[
            ("aws_access_key_id", "access_key_id"),
            ("aws_secret_access_key", "secret_access_key"),
            ("aws_session_token", "session_token"),
            ("aws_account_id", "account_id"),
        ])}),
        StepKind::AssumeRole => json!({"AssumeRole": fields(&[
            ("role_arn", "role_arn"),
            ("external_id", "external_id"),
            ("role_session_name", "role_session_name"),
        ])}),
        StepKind::CredentialSource => {
            json!({"NamedSource": step.get("credential_source")})
        }
        StepKind::WebIdentity => json!({"WebIdentityToken": fields(&[
            ("role_arn", "role_arn"),
            ("web_identity_token_file", "web_identity_token_file"),
            ("role_session_name", "role_session_name"),
        ])}),
        StepKind::Sso => json!({"Sso": fields(&[
            ("sso_session", "sso_session"),
            ("sso_start_url", "sso_start_url"),
            ("sso_region", "sso_region"),
            ("sso_account_id", "sso_account_id"),
            ("sso_role_name", "sso_role_name"),
        ])}),
        StepKind::CredentialProcess => {
            json!({"CredentialProcess": step.get("credential_process")})
        }
        StepKind::Login => json!({"Login": step.get("login_session")}),
    }
}

#[test]
fn assume_role_vectors() {
    let Some(doc) = load("assume-role-tests.json") else {
        return;
    };
    let tests = doc.as_array().expect("array of cases");
    assert_eq!(tests.len(), 28, "the issue names 28 assume-role cases");
    let mut failures = Vec::new();
    for case in tests {
        let name = case["docs"].as_str().unwrap_or("?");
        let input = &case["input"];
        let text = config_text(input);
        let files = Files::from_text(Some(&text), None);
        let set = match files.parse() {
            Ok(set) => set,
            Err(err) => {
                failures.push(format!(
                    "{name}: the generated config does not parse: {err:#}"
                ));
                continue;
            }
        };
        let selected = input["selected_profile"]
            .as_str()
            .expect("selected_profile");
        let expected = &case["output"];
        match (resolve(&set, selected), expected.get("Error")) {
            (Err(err), Some(want)) => {
                let want = want.as_str().unwrap_or_default();
                if !err.to_string().contains(want) {
                    failures.push(format!("{name}: error `{err}` lacks {want:?}"));
                }
            }
            (Err(err), None) => failures.push(format!("{name}: unexpected error `{err}`")),
            (Ok(chain), Some(want)) => failures.push(format!(
                "{name}: got chain {chain:?}, expected error {want}"
            )),
            (Ok(chain), None) => {
                let got = Value::Array(chain.iter().map(vector_step).collect());
                if got != expected["ProfileChain"] {
                    failures.push(format!(
                        "{name}: chain {got} != expected {}",
                        expected["ProfileChain"]
                    ));
                }
            }
        }
    }
    report("assume-role", tests.len(), failures);
}

#[test]
fn file_location_vectors() {
    let Some(doc) = load("file-location-tests.json") else {
        return;
    };
    let mut failures = Vec::new();
    let mut total = 0;
    for case in doc["tests"].as_array().expect("tests") {
        if case["platform"] != "linux" {
            continue;
        }
        total += 1;
        let name = case["name"].as_str().unwrap_or("?");
        let env: BTreeMap<String, String> =
            serde_json::from_value(case["environment"].clone()).expect("environment");
        let lookup = |k: &str| env.get(k).map(OsString::from);
        match awsp::config::locate::locate(&lookup) {
            Ok(loc) => {
                let got = (
                    loc.config.display().to_string(),
                    loc.credentials.display().to_string(),
                );
                let want = (
                    case["configLocation"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    case["credentialsLocation"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
                if got != want {
                    failures.push(format!("{name}: {got:?} != {want:?}"));
                }
            }
            Err(err) => failures.push(format!("{name}: {err:#}")),
        }
    }
    assert!(total > 0, "no linux cases found");
    report("file-location", total, failures);
}
