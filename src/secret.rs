//! The one rule for what is a secret, and how a secret value is shown: every output path
//! (`list --json`, `show`, `show --json`, errors, and whatever comes later) masks through
//! [`shown`], so a key is masked everywhere or nowhere.
//!
//! The rule is by key name and conservative: masking a value that was not secret costs a
//! `--reveal`; showing one that was costs a credential.

use std::borrow::Cow;

pub const MASK: &str = "********";

/// Words that make a key secret wherever they appear in it, also inside a longer word
/// (`clientsecret`, `accesstoken`, `db_passwd`).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "passw",
    "passwd",
    "pwd",
    "passphrase",
    "token",
    "apikey",
    "privatekey",
    "signature",
    "cookie",
];

/// Parts of a key (between `_`, `-` and `.`) that make it secret: `api_key`, `private_key`,
/// `key`, `auth`, `pass`, `credentials`.
const SECRET_PARTS: &[&str] = &[
    "key",
    "keys",
    "private",
    "auth",
    "authorization",
    "pass",
    "pin",
    "credentials",
    "bearer",
    "otp",
];

/// Documented AWS settings that the name rule would take for secrets.
const NOT_SECRET: &[&str] = &["auth_scheme_preference"];

/// Whether the value of `key` (a setting, or a sub-property as `parent.child`) is a secret.
///
/// Secret: a key containing one of [`SECRET_WORDS`], or with a part in [`SECRET_PARTS`].
/// Not secret, by name: a key that names where a secret is (its last part `file` or `path`:
/// `web_identity_token_file`), the identifier of a key (`aws_access_key_id`, `kms_key_id`,
/// unless another part makes it secret), and [`NOT_SECRET`]. No allocation for a lower-case
/// key: `list --json` asks for every setting of every profile. None of the `sso_*` settings (`sso_session`,
/// `sso_start_url`, `sso_region`, `sso_account_id`, `sso_role_name`,
/// `sso_registration_scopes`) matches, and none is a secret.
/// `credential_process` is special: its program is shown, its arguments are masked
/// ([`shown`]), as the AWS SDKs redact them in their logs.
pub fn is_secret_key(key: &str) -> bool {
    // Keys from the parser are lower-case already: no copy for them.
    let key: Cow<'_, str> = if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    };
    if NOT_SECRET.contains(&&*key) {
        return false;
    }
    let parts = key.split(['_', '-', '.']).filter(|p| !p.is_empty());
    if matches!(parts.clone().next_back(), Some("file" | "path")) {
        return false;
    }
    if SECRET_WORDS.iter().any(|w| key.contains(w)) {
        return true;
    }
    let mut parts = parts.peekable();
    while let Some(part) = parts.next() {
        let is_key_id = matches!(part, "key" | "keys") && parts.peek() == Some(&"id");
        if SECRET_PARTS.contains(&part) && !is_key_id {
            return true;
        }
    }
    false
}

/// `value` as it may be shown for `key`: itself with `reveal`, else masked where the rule
/// says so — the whole value of a secret key, the secret lines of a sub-property block
/// (`s3 =` / `  aws_secret_access_key = X`), the arguments of a `credential_process`, and the
/// password of a URL (`https://user:PASSWORD@host`) in any value.
pub fn shown<'v>(key: &str, value: &'v str, reveal: bool) -> Cow<'v, str> {
    if reveal || value.is_empty() {
        return Cow::Borrowed(value);
    }
    if is_secret_key(key) {
        return Cow::Borrowed(MASK);
    }
    if key.eq_ignore_ascii_case("credential_process") {
        return command_masked(value);
    }
    if value.contains('\n') {
        let mut lines = value.split('\n');
        let mut out = mask_url_password(lines.next().unwrap_or_default()).into_owned();
        for line in lines {
            out.push('\n');
            out.push_str(&shown_sub_property(key, line));
        }
        return Cow::Owned(out);
    }
    mask_url_password(value)
}

/// A continuation line of `parent`'s value, as it may be shown: all of it for a secret key
/// and for a `credential_process` (its arguments), else [`shown_sub_property`].
pub fn shown_continuation<'l>(parent: &str, line: &'l str) -> Cow<'l, str> {
    if is_secret_key(parent) || parent.eq_ignore_ascii_case("credential_process") {
        return Cow::Borrowed(MASK);
    }
    shown_sub_property(parent, line)
}

/// One line of a multi-line value: `name = value` with the value masked when `parent.name`
/// is secret (and a URL's password in any case).
pub fn shown_sub_property<'l>(parent: &str, line: &'l str) -> Cow<'l, str> {
    if let Some((name, _)) = line.split_once('=') {
        if is_secret_key(&format!("{parent}.{}", name.trim())) {
            return Cow::Owned(format!("{}= {MASK}", name));
        }
    }
    mask_url_password(line)
}

/// A command line with only its program shown: `/usr/bin/get-creds ********`.
fn command_masked(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_start();
    let end = match trimmed.chars().next() {
        Some(q @ ('"' | '\'')) => trimmed[1..].find(q).map_or(trimmed.len(), |i| i + 2),
        _ => trimmed.find(char::is_whitespace).unwrap_or(trimmed.len()),
    };
    let (program, rest) = trimmed.split_at(end);
    if rest.trim().is_empty() {
        mask_url_password(value)
    } else {
        Cow::Owned(format!("{} {MASK}", mask_url_password(program)))
    }
}

/// `scheme://user:PASSWORD@host` → `scheme://user:********@host`, for every URL in `text`.
fn mask_url_password(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let authority_end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(at) if authority[..at].contains(':') => {
                let colon = authority[..at].find(':').unwrap_or(at);
                out.push_str(&authority[..=colon]);
                out.push_str(MASK);
                out.push_str(&authority[at..]);
                changed = true;
            }
            _ => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_by_name() {
        for key in [
            "aws_secret_access_key",
            "aws_session_token",
            "aws_security_token",
            "token",
            "TOKEN",
            "api_key",
            "apikey",
            "private_key",
            "passwd",
            "password",
            "db_password",
            "key",
            "client_secret",
            "clientsecret",
            "sso_token",
            "auth",
            "s3.aws_secret_access_key",
            "s3.token",
            "services.api-key",
            "credentials",
            "signing_key",
            "x.key_material",
        ] {
            assert!(is_secret_key(key), "{key} is a secret");
        }
        for key in [
            "region",
            "output",
            "aws_access_key_id",
            "sse_kms_key_id",
            "role_arn",
            "source_profile",
            "mfa_serial",
            "sso_session",
            "sso_start_url",
            "sso_region",
            "sso_account_id",
            "sso_role_name",
            "sso_registration_scopes",
            "web_identity_token_file",
            "credential_source",
            "credential_process",
            "role_session_name",
            "duration_seconds",
            "s3.max_concurrent_requests",
            "s3.addressing_style",
            "endpoint_url",
            "ca_bundle",
            "tcp_keepalive",
            "auth_scheme_preference",
            "s3.payload_signing_enabled",
            "external_id",
            "monkey",
        ] {
            assert!(!is_secret_key(key), "{key} is not a secret");
        }
    }

    #[test]
    fn values_are_masked_by_the_rule() {
        assert_eq!(shown("aws_secret_access_key", "X", false), MASK);
        assert_eq!(shown("aws_secret_access_key", "X", true), "X");
        assert_eq!(shown("aws_secret_access_key", "", false), "");
        assert_eq!(shown("region", "eu-west-1", false), "eu-west-1");
        assert_eq!(
            shown(
                "s3",
                "\nmax_concurrent_requests = 20\naws_secret_access_key = X\n  token=Y",
                false
            ),
            format!(
                "\nmax_concurrent_requests = 20\naws_secret_access_key = {MASK}\n  token= {MASK}"
            )
        );
        assert_eq!(shown("token", "\na = b", false), MASK);
        assert_eq!(
            shown("credential_process", "/bin/get --password hunter2", false),
            format!("/bin/get {MASK}")
        );
        assert_eq!(
            shown("credential_process", "\"/path with space/get\" x", false),
            format!("\"/path with space/get\" {MASK}")
        );
        assert_eq!(shown("credential_process", "/bin/get", false), "/bin/get");
        assert_eq!(
            shown(
                "endpoint_url",
                "https://user:hunter2@example.com/x and http://a@b/ ftp://u:p@h",
                false
            ),
            format!("https://user:{MASK}@example.com/x and http://a@b/ ftp://u:{MASK}@h")
        );
    }

    proptest::proptest! {
        /// Any key holding a secret word or part, at top level or as a sub-property under
        /// any parent, never shows its value without `reveal`.
        #[test]
        fn secret_values_never_show(
            prefix in "[a-z]{0,6}",
            word in proptest::sample::select(
                SECRET_WORDS.iter().chain(SECRET_PARTS).copied().collect::<Vec<_>>()),
            suffix in proptest::sample::select(vec!["", "_x", "-value", "_2"]),
            sep in proptest::sample::select(vec!["_", "-", "."]),
            parent in "[a-z]{1,8}",
            value in "[A-Za-z0-9/+=]{12,30}",
        ) {
            let key = if prefix.is_empty() {
                format!("{word}{suffix}")
            } else {
                format!("{prefix}{sep}{word}{suffix}")
            };
            proptest::prop_assert!(is_secret_key(&key), "{}", key);
            proptest::prop_assert!(!shown(&key, &value, false).contains(&value));
            proptest::prop_assert!(!shown(&key.to_uppercase(), &value, false).contains(&value));
            let block = format!("\nregion = x\n  {key} = {value}\n");
            proptest::prop_assert!(!shown(&parent, &block, false).contains(&value));
            proptest::prop_assert_eq!(shown(&key, &value, true), value.as_str());
        }
    }
}
