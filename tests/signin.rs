//! Console sign-in profiles (`login_session`) against a stub of the sign-in service's
//! CreateOAuth2Token (moto has none): cached credentials used while valid, refresh with a DPoP
//! proof that the stub verifies with openssl (not with the crate that made it), the refreshed
//! entry written back, the service's errors, entries botocore would refuse, and the refreshed
//! session shared both ways with the real AWS CLI (botocore's own login provider).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::moto::Moto;
use common::stub::{Reply, Request, Stub};
use common::{awsp_bin, clean_env, failed, ok, require_tool, stderr, stdout};
use serde_json::{Value, json};

const SESSION: &str = "arn:aws:iam::111122223333:user/alice";
const ACCOUNT: &str = "111122223333";
const CLIENT: &str = "arn:aws:signin:::devtools/same-device";
/// The DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point.
const SPKI_PREFIX: &str = "3059301306072a8648ce3d020106082a8648ce3d030107034200";

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{:?}: {}", cmd, stderr(&out));
    out
}

/// A fresh session key, as `aws login` keeps it (PEM `EC PRIVATE KEY`), and its public key
/// (SubjectPublicKeyInfo DER), both made by openssl.
fn new_key(dir: &Path) -> (String, Vec<u8>) {
    let pem = dir.join("key.pem");
    let out =
        run(Command::new("openssl").args(["ecparam", "-name", "prime256v1", "-genkey", "-noout"]));
    std::fs::write(&pem, &out.stdout).unwrap();
    let public = run(Command::new("openssl")
        .args(["ec", "-pubout", "-outform", "DER", "-in"])
        .arg(&pem));
    (stdout(&out), public.stdout)
}

/// The DER form (ECDSA-Sig-Value) of a JWS signature `r || s`.
fn der_signature(raw: &[u8]) -> Vec<u8> {
    let int = |half: &[u8]| {
        let mut v: Vec<u8> = half.iter().copied().skip_while(|b| *b == 0).collect();
        if v.first().is_none_or(|b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    };
    let body = [int(&raw[..32]), int(&raw[32..])].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

/// Check a DPoP proof as a server would (RFC 9449 section 4.3): its form, that its key is the
/// session's, the method and URL it is bound to, its age, and its ES256 signature (by openssl).
/// The `jti` on success.
fn verify_proof(proof: &str, spki: &[u8], htu: &str) -> Result<String, String> {
    let parts: Vec<&str> = proof.split('.').collect();
    let [head, claims, signature] = parts[..] else {
        return Err("not a JWS compact serialization".into());
    };
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).map_err(|e| e.to_string());
    let header: Value = serde_json::from_slice(&decode(head)?).map_err(|e| e.to_string())?;
    let claims_v: Value = serde_json::from_slice(&decode(claims)?).map_err(|e| e.to_string())?;
    if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
        return Err(format!("header {header}"));
    }
    let jwk = &header["jwk"];
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return Err(format!("jwk {jwk}"));
    }
    let mut key = hex::decode(SPKI_PREFIX).unwrap();
    key.push(4);
    key.extend(decode(jwk["x"].as_str().unwrap_or(""))?);
    key.extend(decode(jwk["y"].as_str().unwrap_or(""))?);
    if key != spki {
        return Err("the proof's key is not the session's".into());
    }
    if claims_v["htm"] != "POST" || claims_v["htu"] != htu {
        return Err(format!("claims {claims_v} for {htu}"));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let iat = claims_v["iat"].as_i64().ok_or("no iat")?;
    if (now - iat).abs() > 300 {
        return Err(format!("iat {iat} is not now ({now})"));
    }
    let jti = claims_v["jti"].as_str().filter(|s| !s.is_empty());
    let jti = jti.ok_or("no jti")?.to_string();
    let raw = decode(signature)?;
    if raw.len() != 64 {
        return Err(format!("a signature of {} bytes", raw.len()));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pub.der"), spki).unwrap();
    std::fs::write(dir.path().join("sig.der"), der_signature(&raw)).unwrap();
    std::fs::write(dir.path().join("input"), format!("{head}.{claims}")).unwrap();
    let out = Command::new("openssl")
        .current_dir(dir.path())
        .args(["dgst", "-sha256", "-keyform", "DER", "-verify", "pub.der"])
        .args(["-signature", "sig.der", "input"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("openssl: {}", stdout(&out)));
    }
    Ok(jti)
}

/// The sign-in service's CreateOAuth2Token: refresh token `rt-N` gives `rt-(N+1)` and keys
/// `ASIAREFRESHED(N+1)`; `rt-ended` is a session the service ended. Every proof is verified
/// and no `jti` may come twice.
fn signin_service(spki: Vec<u8>, delay: Duration) -> (Stub, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let jtis = seen.clone();
    let stub = Stub::start(move |r: &Request| {
        let deny = |code: &str, message: &str| {
            Reply::new(
                400,
                "application/json",
                json!({"error": code, "message": message}).to_string(),
            )
        };
        if r.method != "POST" || r.path != "/v1/token" {
            return Reply::new(404, "application/json", "{}");
        }
        std::thread::sleep(delay);
        let htu = format!("http://{}/v1/token", r.header("host").unwrap_or(""));
        let jti = match verify_proof(r.header("dpop").unwrap_or(""), &spki, &htu) {
            Ok(jti) => jti,
            Err(why) => return deny("invalid_request", &format!("bad DPoP proof: {why}")),
        };
        {
            let mut seen = jtis.lock().unwrap();
            if seen.contains(&jti) {
                return deny("invalid_request", "replayed DPoP proof");
            }
            seen.push(jti);
        }
        let body: Value = serde_json::from_str(&r.body).unwrap_or_default();
        if body["grantType"] != "refresh_token" || body["clientId"] != CLIENT {
            return deny("invalid_request", "unexpected grant");
        }
        let token = body["refreshToken"].as_str().unwrap_or("");
        if token == "rt-ended" {
            return Reply::new(
                400,
                "application/json",
                r#"{"error":"TOKEN_EXPIRED","message":"Your session has expired. Please reauthenticate."}"#,
            );
        }
        let Some(n) = token
            .strip_prefix("rt-")
            .and_then(|n| n.parse::<u32>().ok())
        else {
            return deny("invalid_grant", "unknown refresh token");
        };
        let next = n + 1;
        Reply::new(
            200,
            "application/json",
            json!({
                "accessToken": {
                    "accessKeyId": format!("ASIAREFRESHED{next}"),
                    "secretAccessKey": format!("refreshed-secret-{next}"),
                    "sessionToken": format!("refreshed-token-{next}"),
                },
                "tokenType": "aws_sigv4",
                "expiresIn": 900,
                "refreshToken": format!("rt-{next}"),
            })
            .to_string(),
        )
    });
    (stub, seen)
}

struct World {
    dir: tempfile::TempDir,
    stub: Stub,
    jtis: Arc<Mutex<Vec<String>>>,
    pem: String,
}

impl World {
    /// `None` (skipped) without openssl, except under CI.
    fn new() -> Option<World> {
        World::slow(Duration::ZERO)
    }

    /// With a sign-in service that takes `delay` to answer.
    fn slow(delay: Duration) -> Option<World> {
        require_tool("openssl")?;
        let dir = tempfile::tempdir().unwrap();
        let (pem, spki) = new_key(dir.path());
        let (stub, jtis) = signin_service(spki, delay);
        let w = World {
            dir,
            stub,
            jtis,
            pem,
        };
        w.config("");
        Some(w)
    }

    fn config(&self, extra: &str) {
        std::fs::write(
            self.dir.path().join("config"),
            format!("[profile console]\nlogin_session = {SESSION}\n{extra}"),
        )
        .unwrap();
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn entry_path(&self) -> PathBuf {
        use sha2::Digest;
        let key = hex::encode(sha2::Sha256::digest(SESSION.as_bytes()));
        self.home()
            .join(".aws/login/cache")
            .join(format!("{key}.json"))
    }

    /// The cache entry `aws login` writes, expiring at `expires`, with refresh token `refresh`.
    fn entry(&self, expires: &str, refresh: &str) -> Value {
        json!({
            "accessToken": {
                "accessKeyId": "ASIAOLD",
                "secretAccessKey": "old-secret",
                "sessionToken": "old-token",
                "accountId": ACCOUNT,
                "expiresAt": expires,
            },
            "tokenType": "aws_sigv4",
            "clientId": CLIENT,
            "refreshToken": refresh,
            "idToken": "eyJhbGciOiJFUzM4NCJ9.e30.c2ln",
            "dpopKey": self.pem,
            "signInRegion": "eu-west-1",
        })
    }

    fn write_entry(&self, entry: &Value) {
        let path = self.entry_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, entry.to_string()).unwrap();
    }

    fn read_entry(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.entry_path()).unwrap()).unwrap()
    }

    fn env(&self, cmd: &mut Command) {
        clean_env(cmd, Some(&self.dir.path().join("config")), None);
        cmd.env("HOME", self.home());
        cmd.env("AWS_ENDPOINT_URL_SIGNIN", &self.stub.url);
    }

    fn awsp(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(awsp_bin());
        self.env(&mut cmd);
        cmd.args(args).output().unwrap()
    }

    fn calls(&self) -> usize {
        self.stub.requests().len()
    }
}

fn creds(w: &World, extra: &[&str]) -> Value {
    let mut args = vec!["creds", "console"];
    args.extend(extra);
    serde_json::from_str(&ok(&w.awsp(&args))).unwrap()
}

#[test]
fn an_expired_session_is_refreshed_with_a_dpop_proof_and_written_back() {
    let Some(w) = World::new() else { return };
    let mut entry = w.entry("2020-01-01T00:00:00Z", "rt-1");
    entry["someFutureField"] = json!({"kept": true});
    w.write_entry(&entry);

    let got = creds(&w, &[]);
    assert_eq!(w.calls(), 1, "one CreateOAuth2Token call");
    assert_eq!(got["AccessKeyId"], "ASIAREFRESHED2");
    assert_eq!(got["SecretAccessKey"], "refreshed-secret-2");
    assert_eq!(got["SessionToken"], "refreshed-token-2");
    assert_eq!(got["AccountId"], ACCOUNT);
    let request = &w.stub.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"clientId": CLIENT, "refreshToken": "rt-1", "grantType": "refresh_token"})
    );

    // Written back: the new keys, expiry and refresh token; every other field as it was.
    let written = w.read_entry();
    let access = &written["accessToken"];
    assert_eq!(access["accessKeyId"], "ASIAREFRESHED2");
    assert_eq!(access["accountId"], ACCOUNT);
    assert_eq!(got["Expiration"], access["expiresAt"]);
    let expires = access["expiresAt"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 20, "{expires}");
    assert_eq!(written["refreshToken"], "rt-2");
    for kept in [
        "clientId",
        "dpopKey",
        "idToken",
        "tokenType",
        "signInRegion",
        "someFutureField",
    ] {
        assert_eq!(written[kept], entry[kept], "{kept}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.entry_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Valid now: served from the entry, no call.
    assert_eq!(creds(&w, &[])["AccessKeyId"], "ASIAREFRESHED2");
    let env = ok(&w.awsp(&[
        "exec",
        "console",
        "--",
        "sh",
        "-c",
        "echo $AWS_ACCESS_KEY_ID",
    ]));
    assert_eq!(env.trim(), "ASIAREFRESHED2");
    assert_eq!(w.calls(), 1);

    // --refresh refreshes a valid session, with a new proof and the rotated refresh token.
    assert_eq!(creds(&w, &["--refresh"])["AccessKeyId"], "ASIAREFRESHED3");
    assert_eq!(w.calls(), 2);
    assert_eq!(w.read_entry()["refreshToken"], "rt-3");
    assert_eq!(w.jtis.lock().unwrap().len(), 2);

    // Within 5 minutes of expiry counts as expired, as in botocore.
    let soon = time::OffsetDateTime::now_utc() + time::Duration::minutes(4);
    let soon = soon
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    w.write_entry(&w.entry(&soon, "rt-7"));
    assert_eq!(creds(&w, &[])["AccessKeyId"], "ASIAREFRESHED8");
    assert_eq!(w.calls(), 3);
}

#[test]
fn concurrent_runs_refresh_an_expired_session_once() {
    // The service is slow, so the runs overlap: each waits for the one refreshing, then uses
    // its credentials instead of spending the refresh token again.
    let Some(w) = World::slow(Duration::from_millis(400)) else {
        return;
    };
    w.write_entry(&w.entry("2020-01-01T00:00:00Z", "rt-1"));
    let runs = common::run_together((0..3).map(|_| {
        let mut cmd = Command::new(awsp_bin());
        w.env(&mut cmd);
        cmd.args(["creds", "console"]);
        cmd
    }));
    for out in runs {
        let got: Value = serde_json::from_str(&ok(&out)).unwrap();
        assert_eq!(got["AccessKeyId"], "ASIAREFRESHED2");
    }
    assert_eq!(w.calls(), 1, "one refresh for three runs");
}

#[test]
fn a_session_the_service_ended_says_to_log_in_again_and_changes_nothing() {
    let Some(w) = World::new() else { return };
    w.write_entry(&w.entry("2020-01-01T00:00:00Z", "rt-ended"));
    let before = std::fs::read(w.entry_path()).unwrap();
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(
        err.contains("TOKEN_EXPIRED") && err.contains("run `aws login --profile console`"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for secret in ["old-secret", "old-token", "rt-ended", "PRIVATE KEY"] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
    assert_eq!(std::fs::read(w.entry_path()).unwrap(), before);

    // `use --creds` fails the same way: nothing on stdout for the shell to run.
    failed(&w.awsp(&["use", "console", "--creds"]));

    // A dead endpoint fails at once, naming the profile; nothing changes.
    let mut cmd = Command::new(awsp_bin());
    w.env(&mut cmd);
    cmd.env("AWS_ENDPOINT_URL_SIGNIN", common::DEAD_ENDPOINT);
    let err = failed(&cmd.args(["creds", "console"]).output().unwrap());
    assert!(
        err.contains("profile 'console'") && err.contains("could not connect"),
        "{err}"
    );
    assert_eq!(std::fs::read(w.entry_path()).unwrap(), before);

    // Another error of the service is shown as it sent it.
    w.write_entry(&w.entry("2020-01-01T00:00:00Z", "unknown"));
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(
        err.contains("invalid_grant: unknown refresh token"),
        "{err}"
    );
}

#[test]
fn entries_botocore_would_refuse_are_refused_without_a_call() {
    let Some(w) = World::new() else { return };
    for field in ["accessToken", "refreshToken", "dpopKey", "clientId"] {
        let mut entry = w.entry("2099-01-01T00:00:00Z", "rt-1");
        entry.as_object_mut().unwrap().remove(field);
        w.write_entry(&entry);
        let err = failed(&w.awsp(&["creds", "console"]));
        assert!(
            err.contains(field) && err.contains("aws login --profile console"),
            "{field}: {err}"
        );
    }
    // A key that is not a P-256 key: refused, and no key material in the message.
    let mut entry = w.entry("2020-01-01T00:00:00Z", "rt-1");
    entry["dpopKey"] =
        json!("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END EC PRIVATE KEY-----\n");
    w.write_entry(&entry);
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(err.contains("no usable DPoP key"), "{err}");
    assert!(!err.contains("c2VjcmV0"), "{err}");
    // Not JSON.
    std::fs::write(w.entry_path(), "{not json").unwrap();
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(err.contains("not a JSON object"), "{err}");
    assert_eq!(w.calls(), 0);
}

#[test]
fn without_a_sign_in_region_the_profile_region_serves_and_none_is_an_error() {
    let Some(w) = World::new() else { return };
    let mut entry = w.entry("2020-01-01T00:00:00Z", "rt-1");
    entry.as_object_mut().unwrap().remove("signInRegion");
    w.write_entry(&entry);
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(err.contains("no region for the sign-in service"), "{err}");
    assert_eq!(w.calls(), 0);
    w.config("region = eu-central-1\n");
    assert_eq!(creds(&w, &[])["AccessKeyId"], "ASIAREFRESHED2");
}

/// The Authorization headers moto recorded for GetCallerIdentity.
fn caller_identity_keys(moto: &Moto) -> Vec<String> {
    let text = std::fs::read_to_string(moto.recording_path()).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| {
            let body = v["body"].as_str().unwrap_or("");
            let body = if v["body_encoded"].as_bool() == Some(true) {
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .unwrap_or_default()
            } else {
                body.as_bytes().to_vec()
            };
            String::from_utf8_lossy(&body).contains("Action=GetCallerIdentity")
        })
        .filter_map(|v| {
            let auth = v["headers"]["Authorization"].as_str()?.to_string();
            let key = auth.split("Credential=").nth(1)?.split('/').next()?;
            Some(key.to_string())
        })
        .collect()
}

#[test]
fn the_aws_cli_and_awsp_share_refreshed_sessions_both_ways() {
    let Some(w) = World::new() else { return };
    let Some(moto) = Moto::start() else { return };
    // botocore's login provider needs awscrt (botocore[crt]) for its EC keys.
    let crt = Command::new(&moto.python)
        .args(["-c", "import awscrt"])
        .output()
        .unwrap();
    if !crt.status.success() {
        assert!(
            !common::under_ci(),
            "awscrt is required under CI=true (tests/tools/requirements.txt)"
        );
        eprintln!("skipped: awscrt not installed");
        return;
    }
    moto.setup(&["--no-auth"]);
    let aws = || {
        let mut cmd = Command::new(moto.python.with_file_name("aws"));
        w.env(&mut cmd);
        cmd.env("AWS_ENDPOINT_URL_STS", &moto.url);
        cmd.env("AWS_DEFAULT_REGION", "eu-west-1");
        cmd.args(["sts", "get-caller-identity", "--profile", "console"]);
        cmd
    };

    // The CLI refreshes an expired session (its proof passes the same checks), and awsp then
    // uses what it wrote, without a call of its own.
    w.write_entry(&w.entry("2020-01-01T00:00:00Z", "rt-1"));
    run(&mut aws());
    assert_eq!(w.calls(), 1);
    assert_eq!(w.read_entry()["refreshToken"], "rt-2");
    assert_eq!(caller_identity_keys(&moto), ["ASIAREFRESHED2"]);
    assert_eq!(creds(&w, &[])["AccessKeyId"], "ASIAREFRESHED2");
    assert_eq!(w.calls(), 1);

    // The reverse: awsp refreshes, and the CLI signs with awsp's credentials, no call.
    let mut entry = w.read_entry();
    entry["accessToken"]["expiresAt"] = json!("2020-01-01T00:00:00Z");
    w.write_entry(&entry);
    assert_eq!(creds(&w, &[])["AccessKeyId"], "ASIAREFRESHED3");
    assert_eq!(w.calls(), 2);
    run(&mut aws());
    assert_eq!(w.calls(), 2);
    assert_eq!(
        caller_identity_keys(&moto),
        ["ASIAREFRESHED2", "ASIAREFRESHED3"]
    );
}

#[test]
fn profile_mode_switches_but_warns_when_the_session_cannot_serve() {
    let Some(w) = World::new() else { return };
    let warning = "AWS commands will fail until `aws login --profile console`";
    // No session: switched, with the warning.
    let out = w.awsp(&["use", "console"]);
    assert!(ok(&out).contains("AWS_PROFILE"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no console sign-in session") && err.contains(warning),
        "{err}"
    );
    // Unusable: the same, saying why.
    let mut entry = w.entry("2020-01-01T00:00:00Z", "rt-1");
    entry.as_object_mut().unwrap().remove("clientId");
    w.write_entry(&entry);
    let err = stderr(&w.awsp(&["use", "console"]));
    assert!(
        err.contains("lacks clientId") && err.contains(warning),
        "{err}"
    );
    // Valid credentials serve whatever the key: nothing to say.
    let mut entry = w.entry("2099-01-01T00:00:00Z", "rt-1");
    entry["dpopKey"] = json!("not a key");
    w.write_entry(&entry);
    let out = w.awsp(&["use", "console"]);
    ok(&out);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // Expired, and no region to refresh in: said.
    let mut entry = w.entry("2020-01-01T00:00:00Z", "rt-1");
    entry.as_object_mut().unwrap().remove("signInRegion");
    w.write_entry(&entry);
    let err = stderr(&w.awsp(&["use", "console"]));
    assert!(
        err.contains("no region for the sign-in service") && err.contains(warning),
        "{err}"
    );
    // Expired but refreshable: nothing to say, and no call (profile mode needs no credentials).
    w.write_entry(&w.entry("2020-01-01T00:00:00Z", "rt-1"));
    let out = w.awsp(&["use", "console"]);
    ok(&out);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(w.calls(), 0);
}

/// `AWS_LOGIN_CACHE_DIRECTORY` moves the cache, as in botocore (`~` is the home directory).
#[test]
fn the_login_cache_directory_can_be_moved() {
    let Some(w) = World::new() else { return };
    let entry = w.entry("2099-01-01T00:00:00Z", "rt-1");
    let moved = w.home().join("elsewhere");
    std::fs::create_dir_all(&moved).unwrap();
    let name = w.entry_path().file_name().unwrap().to_owned();
    std::fs::write(moved.join(&name), entry.to_string()).unwrap();
    for dir in [
        moved.to_str().unwrap().to_string(),
        "~/elsewhere".to_string(),
    ] {
        let mut cmd = Command::new(awsp_bin());
        w.env(&mut cmd);
        cmd.env("AWS_LOGIN_CACHE_DIRECTORY", &dir);
        let got: Value =
            serde_json::from_str(&ok(&cmd.args(["creds", "console"]).output().unwrap())).unwrap();
        assert_eq!(got["AccessKeyId"], "ASIAOLD", "{dir}");
    }
    // Not in the default place.
    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(err.contains("no console sign-in session"), "{err}");
}
