//! The credential cache shared with the AWS CLI: `~/.aws/cli/cache/<key>.json`, the file names
//! botocore computes and the JSON it writes (the STS response with `Credentials`), so a role
//! assumed by either tool is reused by the other until it expires.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::sts::CredentialsResult;

/// Entries expiring sooner than this count as expired (botocore's window: 15 minutes).
pub const EXPIRY_WINDOW: time::Duration = time::Duration::minutes(15);

/// An argument of the call a cache key is made from.
pub enum Arg<'a> {
    Str(&'a str),
    Int(i64),
}

/// botocore's `_create_cache_key`: sha1 of `json.dumps(args, sort_keys=True)` (Python's default
/// separators and ASCII escaping), made file-safe. `args` are the call's arguments by API name,
/// without `RoleSessionName` when it was generated.
pub fn key(args: &[(&str, Arg<'_>)]) -> String {
    key_with(args, ", ", ": ")
}

/// The key of botocore's SSO credential fetcher: the same, with compact separators.
pub fn compact_key(args: &[(&str, Arg<'_>)]) -> String {
    key_with(args, ",", ":")
}

fn key_with(args: &[(&str, Arg<'_>)], item_sep: &str, key_sep: &str) -> String {
    let mut sorted: Vec<&(&str, Arg<'_>)> = args.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::from("{");
    for (i, (name, value)) in sorted.iter().enumerate() {
        if i > 0 {
            text.push_str(item_sep);
        }
        python_json_string(&mut text, name);
        text.push_str(key_sep);
        match value {
            Arg::Str(s) => python_json_string(&mut text, s),
            Arg::Int(n) => text.push_str(&n.to_string()),
        }
    }
    text.push('}');
    let hash = hex::encode(Sha1::digest(text.as_bytes()));
    // `_make_file_safe`; a hex digest never holds these, but the rule is the CLI's.
    hash.replace([':', '/', std::path::MAIN_SEPARATOR], "_")
}

/// A string as Python's `json.dumps` writes it with `ensure_ascii=True`.
fn python_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `~/.aws/cli/cache`.
pub fn dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".aws").join("cli").join("cache"))
}

/// Credentials from a cache entry.
#[derive(Debug, Clone)]
pub struct Cached {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: OffsetDateTime,
    pub account_id: Option<String>,
}

/// What the cache holds under a key, without the network (`awsp doctor` reports the states).
#[derive(Debug, Clone)]
pub enum Entry {
    Missing,
    /// There, but not an entry (not JSON, a field missing, too large): ignored and replaced.
    Corrupt,
    /// Expired, or expiring within [`EXPIRY_WINDOW`]: ignored and replaced.
    Expired(OffsetDateTime),
    Valid(Cached),
}

/// The entry under `key`, if it is there, readable and valid for longer than the window.
/// Anything else (missing, corrupt, expired) is `None`: the entry will be replaced.
pub fn read(dir: &Path, key: &str, now: OffsetDateTime) -> Option<Cached> {
    match lookup(dir, key, now) {
        Entry::Valid(cached) => Some(cached),
        _ => None,
    }
}

/// `~/.aws/cli/cache/<key>.json`.
pub fn path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// The state of the entry under `key`: one bounded read.
pub fn lookup(dir: &Path, key: &str, now: OffsetDateTime) -> Entry {
    let path = path(dir, key);
    match crate::config::read_limited(&path, 1024 * 1024) {
        Ok(Some(text)) => parse_state(&text, now),
        Ok(None) => Entry::Missing,
        Err(_) => Entry::Corrupt,
    }
}

fn parse_state(text: &[u8], now: OffsetDateTime) -> Entry {
    match parse_cached(text) {
        None => Entry::Corrupt,
        Some(cached) if cached.expiration - now < EXPIRY_WINDOW => {
            Entry::Expired(cached.expiration)
        }
        Some(cached) => Entry::Valid(cached),
    }
}

fn parse_cached(text: &[u8]) -> Option<Cached> {
    let value: Value = serde_json::from_slice(text).ok()?;
    let creds = value.get("Credentials")?;
    let field = |k: &str| {
        creds
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let expiration = parse_expiration(creds.get("Expiration")?.as_str()?)?;
    let account_id = field("AccountId").or_else(|| {
        let arn = value.get("AssumedRoleUser")?.get("Arn")?.as_str()?;
        account_of_arn(arn)
    });
    Some(Cached {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: field("SecretAccessKey")?,
        session_token: field("SessionToken")?,
        expiration,
        account_id,
    })
}

/// Every spelling botocore writes and reads: `...Z`, `...+00:00` (with or without fractions)
/// and `...UTC` (the cache's `strftime('%Y-%m-%dT%H:%M:%S%Z')`).
pub fn parse_expiration(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let normalised;
    let text = if let Some(base) = text.strip_suffix("UTC") {
        normalised = format!("{}Z", base.trim_end());
        &normalised
    } else {
        text
    };
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// The account of an ARN (`arn:aws:sts::123456789012:assumed-role/...`).
pub fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

/// The JSON botocore writes for an STS answer: the response with `Credentials` (with the
/// `AccountId` botocore adds), `AssumedRoleUser` and `ResponseMetadata`; the expiration in the
/// cache's `UTC` spelling.
pub fn entry_json(result: &CredentialsResult) -> Result<Vec<u8>> {
    let expiration = parse_expiration(&result.credentials.expiration)
        .context("STS sent an Expiration that is not a time")?;
    let mut creds = Map::new();
    creds.insert(
        "AccessKeyId".into(),
        json!(result.credentials.access_key_id),
    );
    creds.insert(
        "SecretAccessKey".into(),
        json!(result.credentials.secret_access_key),
    );
    creds.insert(
        "SessionToken".into(),
        json!(result.credentials.session_token),
    );
    creds.insert("Expiration".into(), json!(cache_time(expiration)));
    let mut doc = Map::new();
    if let Some(user) = &result.assumed_role_user {
        if let Some(account) = account_of_arn(&user.arn) {
            creds.insert("AccountId".into(), json!(account));
        }
        doc.insert("Credentials".into(), Value::Object(creds));
        doc.insert(
            "AssumedRoleUser".into(),
            json!({"AssumedRoleId": user.assumed_role_id, "Arn": user.arn}),
        );
    } else {
        doc.insert("Credentials".into(), Value::Object(creds));
    }
    for (name, value) in [
        (
            "SubjectFromWebIdentityToken",
            &result.subject_from_web_identity_token,
        ),
        ("Audience", &result.audience),
        ("Provider", &result.provider),
        ("SourceIdentity", &result.source_identity),
    ] {
        if let Some(v) = value {
            doc.insert(name.into(), json!(v));
        }
    }
    if let Some(size) = result.packed_policy_size {
        doc.insert("PackedPolicySize".into(), json!(size));
    }
    let mut headers = Map::new();
    if let Some(id) = &result.request_id {
        headers.insert("x-amzn-requestid".into(), json!(id));
    }
    headers.insert("content-type".into(), json!("text/xml"));
    doc.insert(
        "ResponseMetadata".into(),
        json!({
            "RequestId": result.request_id.clone().unwrap_or_default(),
            "HTTPStatusCode": 200,
            "HTTPHeaders": Value::Object(headers),
            "RetryAttempts": 0,
        }),
    );
    Ok(serde_json::to_vec(&Value::Object(doc))?)
}

/// `%Y-%m-%dT%H:%M:%SZ`, the spelling of the SSO caches.
pub fn zulu_time(at: OffsetDateTime) -> String {
    utc_time(at, "Z")
}

/// `...UTC`, the spelling botocore's role cache writes.
fn cache_time(at: OffsetDateTime) -> String {
    utc_time(at, "UTC")
}

fn utc_time(at: OffsetDateTime, suffix: &str) -> String {
    let at = super::process::in_utc(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{suffix}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Write the entry atomically (a temporary file in the same directory, fsync, rename), the
/// file 0600 in a 0700 directory.
pub fn write(dir: &Path, key: &str, contents: &[u8]) -> Result<()> {
    create_private_dir(dir)?;
    let path = path(dir, key);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{key}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("could not write {}", path.display()))
}

/// How long a refresh waits for another process refreshing the same entry: longer than one
/// refresh can take (a dead endpoint fails within 10 s).
const REFRESH_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Hold this while refreshing the entry at `path` (an SSO token, a console sign-in session)
/// and re-read the entry once it is held: a refresh token may be good for one refresh only, so
/// two processes must not both spend it. The lock is an exclusive `flock` on the entry file
/// itself, so no file is added to the AWS CLI's folders: the refresh replaces the entry by a
/// rename, and a waiting process then reads the new one. `None` (refresh unlocked) when the
/// entry cannot be opened or the wait ends.
pub fn refresh_lock(path: &Path) -> Option<std::fs::File> {
    let file = crate::config::open_nonblocking(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    match crate::config::edit::lock_within(&file, REFRESH_LOCK_WAIT) {
        Ok(true) => Some(file),
        _ => None,
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("could not create {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap()
    }

    #[test]
    fn key_matches_botocore() {
        // From Python: hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()
        assert_eq!(
            key(&[("RoleArn", Arg::Str("arn:aws:iam::123456789012:role/r"))]),
            "6dc9e6e1e186b9f293814df3266de783142c48a2"
        );
        assert_eq!(
            key(&[
                ("RoleArn", Arg::Str("arn:aws:iam::123456789012:role/r")),
                ("RoleSessionName", Arg::Str("s")),
                ("ExternalId", Arg::Str("ext\"\u{e9}\u{1f600}")),
                ("SerialNumber", Arg::Str("arn:aws:iam::123456789012:mfa/u")),
                ("DurationSeconds", Arg::Int(3600)),
            ]),
            "a71eb6e9af17f9fd3233ceb1589ee360f1fc7faf"
        );
    }

    #[test]
    fn python_escaping() {
        let mut s = String::new();
        python_json_string(&mut s, "a\"\\\n\u{1}\u{e9}\u{1f600}\u{7f}");
        assert_eq!(s, r#""a\"\\\n\u0001\u00e9\ud83d\ude00\u007f""#);
    }

    #[test]
    fn reads_every_expiration_spelling_and_the_window() {
        for spelling in [
            "2026-01-01T01:00:00Z",
            "2026-01-01T01:00:00+00:00",
            "2026-01-01T01:00:00.123456+00:00",
            "2026-01-01T01:00:00UTC",
        ] {
            let entry = format!(
                r#"{{"Credentials": {{"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "{spelling}"}}}}"#
            );
            assert!(
                matches!(parse_state(entry.as_bytes(), now()), Entry::Valid(_)),
                "{spelling}"
            );
        }
        let soon = r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-01-01T00:14:59Z"}}"#;
        assert!(!matches!(
            parse_state(soon.as_bytes(), now()),
            Entry::Valid(_)
        ));
        assert!(!matches!(parse_state(b"{corrupt", now()), Entry::Valid(_)));
        assert!(!matches!(
            parse_state(br#"{"Credentials": {}}"#, now()),
            Entry::Valid(_)
        ));
        assert!(matches!(
            parse_state(soon.as_bytes(), now()),
            Entry::Expired(_)
        ));
        assert!(matches!(parse_state(b"{corrupt", now()), Entry::Corrupt));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(lookup(dir.path(), "k", now()), Entry::Missing));
    }

    #[test]
    fn writes_private_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cli/cache");
        write(&cache, "k", b"{}").unwrap();
        write(&cache, "k", b"{\"a\":1}").unwrap();
        assert_eq!(std::fs::read(cache.join("k.json")).unwrap(), b"{\"a\":1}");
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache.join("k.json")), 0o600);
            assert_eq!(mode(&cache), 0o700);
        }
    }
}
