//! IAM Identity Center against a stub portal + OIDC server (moto has neither): credentials from
//! a CLI-written token, refresh of an expired token, the missing-token message, `awsp login`
//! (device flow) writing a token the real AWS CLI accepts, `logout`, and the token-only chain
//! error of `show`.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::moto::Moto;
use common::stub::{Reply, Request, Stub};
use common::{awsp_bin, clean_env, failed, ok, stderr};

const ACCOUNT: &str = "111122223333";

fn sha1_hex(s: &str) -> String {
    let out = Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(s.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// The stub: portal GetRoleCredentials for the tokens it issued, OIDC RegisterClient,
/// StartDeviceAuthorization and CreateToken (device code: pending once, then a token; refresh
/// token `rt-1` gives `tok-refreshed`).
fn portal(pending: usize, expire_device: bool) -> Stub {
    Stub::start(portal_handler(pending, expire_device))
}

fn portal_handler(
    pending: usize,
    expire_device: bool,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let polls = Arc::new(Mutex::new(0usize));
    move |r: &Request| {
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        match (r.method.as_str(), r.path.split('?').next().unwrap_or("")) {
            ("GET", "/federation/credentials") => {
                let token = r.header("x-amz-sso_bearer_token").unwrap_or("");
                let good = ["tok-cli", "tok-login", "tok-refreshed"].contains(&token);
                let query_ok = r.path.contains(&format!("account_id={ACCOUNT}"))
                    && r.path.contains("role_name=Dev");
                if !good || !query_ok {
                    return Reply::new(
                        401,
                        "application/json",
                        r#"{"message":"Session token not found or invalid"}"#,
                    );
                }
                Reply::new(
                    200,
                    "application/json",
                    format!(
                        r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO{token}","secretAccessKey":"sso-secret","sessionToken":"sso-session-token","expiration":4102444800000}}}}"#
                    ),
                )
            }
            ("POST", "/client/register") => Reply::new(
                200,
                "application/json",
                r#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":4102444800}"#,
            ),
            ("POST", "/device_authorization") => Reply::new(
                200,
                "application/json",
                r#"{"deviceCode":"dev-code","userCode":"ABCD-EFGH","verificationUri":"https://device.example/","verificationUriComplete":"https://device.example/?user_code=ABCD-EFGH","expiresIn":60,"interval":1}"#,
            ),
            ("POST", "/token") => match body["grantType"].as_str().unwrap_or("") {
                "urn:ietf:params:oauth:grant-type:device_code" => {
                    let mut n = polls.lock().unwrap();
                    *n += 1;
                    if expire_device {
                        Reply::new(400, "application/json", r#"{"error":"expired_token"}"#)
                    } else if *n <= pending {
                        Reply::new(
                            400,
                            "application/json",
                            r#"{"error":"authorization_pending"}"#,
                        )
                    } else {
                        Reply::new(
                            200,
                            "application/json",
                            r#"{"accessToken":"tok-login","expiresIn":3600,"refreshToken":"rt-1","tokenType":"Bearer"}"#,
                        )
                    }
                }
                "refresh_token" if body["refreshToken"] == "rt-1" && body["clientId"] == "cid" => {
                    Reply::new(
                        200,
                        "application/json",
                        r#"{"accessToken":"tok-refreshed","expiresIn":3600,"refreshToken":"rt-2","tokenType":"Bearer"}"#,
                    )
                }
                _ => Reply::new(
                    400,
                    "application/json",
                    r#"{"error":"invalid_grant","error_description":"bad"}"#,
                ),
            },
            _ => Reply::new(404, "application/json", "{}"),
        }
    }
}

/// A token the CLI wrote that has expired but can be refreshed (refresh token `rt-1`).
fn expired_refreshable_token() -> serde_json::Value {
    serde_json::json!({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
        "accessToken": "tok-old", "expiresAt": "2020-01-01T00:00:00Z",
        "clientId": "cid", "clientSecret": "csecret",
        "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "rt-1"})
}

struct World {
    stub: Stub,
    dir: tempfile::TempDir,
}

impl World {
    fn new(stub: Stub) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config"),
            format!(
                "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
                 [profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = Dev\nregion = eu-west-1\n\
                 [profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\n\
                 sso_account_id = {ACCOUNT}\nsso_role_name = Dev\n\
                 [profile tokenonly]\nsso_session = corp\n"
            ),
        )
        .unwrap();
        World { stub, dir }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn token_path(&self, name: &str) -> PathBuf {
        self.home()
            .join(".aws/sso/cache")
            .join(format!("{}.json", sha1_hex(name)))
    }

    fn write_token(&self, name: &str, token: serde_json::Value) {
        let path = self.token_path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, token.to_string()).unwrap();
    }

    fn env(&self, cmd: &mut Command) {
        clean_env(cmd, Some(&self.dir.path().join("config")), None);
        cmd.env("HOME", self.home());
        cmd.env("AWS_ENDPOINT_URL_SSO", &self.stub.url);
        cmd.env("AWS_ENDPOINT_URL_SSO_OIDC", &self.stub.url);
    }

    fn awsp(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(awsp_bin());
        self.env(&mut cmd);
        cmd.args(args).output().unwrap()
    }

    fn count(&self, path: &str) -> usize {
        self.stub
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(path))
            .count()
    }
}

fn creds_of(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

#[test]
fn credentials_from_a_cli_written_token_are_fetched_once_and_cached() {
    let w = World::new(portal(0, false));
    w.write_token(
        "corp",
        serde_json::json!({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
            "accessToken": "tok-cli", "expiresAt": "2099-01-01T00:00:00Z"}),
    );
    let creds = creds_of(&w.awsp(&["creds", "dev"]));
    assert_eq!(creds["AccessKeyId"], "ASIASSOtok-cli");
    assert_eq!(creds["SessionToken"], "sso-session-token");
    assert_eq!(creds["Expiration"], "2100-01-01T00:00:00Z");
    assert_eq!(creds["AccountId"], ACCOUNT);
    assert_eq!(w.count("/federation/credentials"), 1);
    ok(&w.awsp(&["use", "dev", "--creds"]));
    assert_eq!(
        w.count("/federation/credentials"),
        1,
        "served from the cache"
    );
    // The cache entry is botocore's SSO shape, under its key.
    let entries: Vec<PathBuf> = std::fs::read_dir(w.home().join(".aws/cli/cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1);
    let key = format!(r#"{{"accountId":"{ACCOUNT}","roleName":"Dev","sessionName":"corp"}}"#);
    assert_eq!(
        entries[0].file_name().unwrap().to_string_lossy(),
        format!("{}.json", sha1_hex(&key))
    );
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&entries[0]).unwrap()).unwrap();
    assert_eq!(entry["ProviderType"], "sso");

    // The legacy form: the token file is named for the start URL.
    w.write_token(
        "https://legacy.awsapps.com/start",
        serde_json::json!({"startUrl": "https://legacy.awsapps.com/start", "region": "eu-west-1",
            "accessToken": "tok-cli", "expiresAt": "2099-01-01T00:00:00Z"}),
    );
    assert_eq!(
        creds_of(&w.awsp(&["creds", "legacy"]))["AccessKeyId"],
        "ASIASSOtok-cli"
    );
}

#[test]
fn an_expired_token_is_refreshed_and_written_back() {
    let w = World::new(portal(0, false));
    w.write_token("corp", expired_refreshable_token());
    let creds = creds_of(&w.awsp(&["creds", "dev"]));
    assert_eq!(creds["AccessKeyId"], "ASIASSOtok-refreshed");
    let token: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.token_path("corp")).unwrap()).unwrap();
    assert_eq!(token["accessToken"], "tok-refreshed");
    assert_eq!(token["refreshToken"], "rt-2");
    assert_eq!(token["clientId"], "cid");
    assert!(token["expiresAt"].as_str().unwrap().ends_with('Z'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.token_path("corp"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Not refreshable (no refresh token) and expired: the message says what to run.
    w.write_token(
        "corp",
        serde_json::json!({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
            "accessToken": "tok-old", "expiresAt": "2020-01-01T00:00:00Z"}),
    );
    let err = failed(&w.awsp(&["creds", "dev", "--refresh"]));
    assert!(
        err.contains("expired") && err.contains("`awsp login dev`"),
        "{err}"
    );
}

#[test]
fn concurrent_runs_refresh_an_expired_token_once() {
    // A slow OIDC service, so that the runs overlap: each waits for the one refreshing, then
    // takes its token instead of spending the refresh token again.
    let inner = portal_handler(0, false);
    let w = World::new(Stub::start(move |r: &Request| {
        if r.path == "/token" {
            std::thread::sleep(std::time::Duration::from_millis(400));
        }
        inner(r)
    }));
    w.write_token("corp", expired_refreshable_token());
    let runs = common::run_together((0..3).map(|_| {
        let mut cmd = Command::new(awsp_bin());
        w.env(&mut cmd);
        cmd.args(["creds", "dev", "--refresh"]);
        cmd
    }));
    for out in runs {
        assert_eq!(creds_of(&out)["AccessKeyId"], "ASIASSOtok-refreshed");
    }
    assert_eq!(w.count("/token"), 1, "one refresh for three runs");
}

#[test]
fn a_missing_token_says_what_to_run() {
    let w = World::new(portal(0, false));
    let err = failed(&w.awsp(&["use", "dev", "--creds"]));
    assert!(err.contains("run `awsp login dev`"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(w.stub.requests().len(), 0);
    // Profile mode switches, and warns.
    let out = w.awsp(&["use", "dev", "--shell", "bash"]);
    assert!(ok(&out).contains("export AWS_PROFILE='dev'"));
    assert!(
        stderr(&out).contains("AWS commands will fail until `awsp login dev`"),
        "{}",
        stderr(&out)
    );
    // A profile with an sso_session but no account and role: the Rust SDK's chain error.
    let shown = ok(&w.awsp(&["show", "tokenonly", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert!(
        shown["chain_error"]
            .as_str()
            .unwrap()
            .starts_with("selected profile will resolve an access token instead of credentials"),
        "{shown}"
    );
}

#[test]
fn login_writes_a_token_the_aws_cli_accepts_and_logout_removes_it() {
    let w = World::new(portal(1, false));
    let out = w.awsp(&["login", "dev", "--no-browser"]);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(out.stdout.is_empty());
    assert!(
        said.contains("https://device.example/?user_code=ABCD-EFGH") && said.contains("ABCD-EFGH"),
        "{said}"
    );
    assert_eq!(w.count("/client/register"), 1);
    assert_eq!(w.count("/token"), 2, "pending once, then the token");
    let path = w.token_path("corp");
    let token: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for key in [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(token[key].is_string(), "{key} in {token}");
    }
    assert_eq!(token["accessToken"], "tok-login");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    // The AWS CLI's SSO provider takes the token (GetRoleCredentials with it), then calls STS.
    if let Some(moto) = Moto::start() {
        moto.setup(&["--no-auth"]);
        let mut aws = Command::new(moto.python.with_file_name("aws"));
        w.env(&mut aws);
        aws.env("AWS_ENDPOINT_URL_STS", &moto.url);
        let out = aws
            .args(["sts", "get-caller-identity", "--profile", "dev"])
            .output()
            .unwrap();
        assert!(out.status.success(), "aws: {}", stderr(&out));
        let saw_login_token = w.stub.requests().iter().any(|r| {
            r.path.starts_with("/federation/credentials")
                && r.header("x-amz-sso_bearer_token") == Some("tok-login")
        });
        assert!(saw_login_token);
    }

    // A second login reuses the registration.
    ok(&w.awsp(&["login", "dev", "--no-browser"]));
    assert_eq!(w.count("/client/register"), 1);

    ok(&w.awsp(&["logout", "dev"]));
    assert!(!path.exists());
    // Logout of everything also removes cached SSO role credentials.
    w.write_token("corp", token.clone());
    ok(&w.awsp(&["creds", "dev"]));
    ok(&w.awsp(&["logout"]));
    assert!(!path.exists());
    let left = std::fs::read_dir(w.home().join(".aws/cli/cache"))
        .unwrap()
        .count();
    assert_eq!(left, 0);
}

#[test]
fn a_login_that_expires_writes_nothing() {
    let w = World::new(portal(0, true));
    let err = failed(&w.awsp(&["login", "dev", "--no-browser"]));
    assert!(err.contains("expired before it was approved"), "{err}");
    assert!(!w.token_path("corp").exists());
}

#[test]
fn console_sign_in_profiles_use_the_clis_cached_session_while_valid() {
    let w = World::new(portal(0, false));
    let config = w.dir.path().join("config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[profile console]\nlogin_session = arn:aws:iam::111122223333:user/alice\n");
    std::fs::write(&config, text).unwrap();
    let long = ok(&w.awsp(&["list", "--long"]));
    let row = long.lines().find(|l| l.contains("console")).unwrap();
    assert!(row.split_whitespace().any(|c| c == "login"), "{row}");

    let err = failed(&w.awsp(&["creds", "console"]));
    assert!(err.contains("run `aws login --profile console`"), "{err}");
    let sha256 = {
        let out = Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(b"arn:aws:iam::111122223333:user/alice")?;
                c.wait_with_output()
            })
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    let dir = w.home().join(".aws/login/cache");
    std::fs::create_dir_all(&dir).unwrap();
    let entry = |expires: &str| {
        serde_json::json!({
            "accessToken": {"accessKeyId": "ASIALOGIN", "secretAccessKey": "login-secret",
                "sessionToken": "login-token", "accountId": ACCOUNT, "expiresAt": expires},
            "refreshToken": "r", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n...", "clientId": "c"
        })
        .to_string()
    };
    std::fs::write(
        dir.join(format!("{sha256}.json")),
        entry("2099-01-01T00:00:00Z"),
    )
    .unwrap();
    let creds = creds_of(&w.awsp(&["creds", "console"]));
    assert_eq!(creds["AccessKeyId"], "ASIALOGIN");
    assert_eq!(creds["AccountId"], ACCOUNT);
    // Expired sessions are refreshed: tests/signin.rs.
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_login_ends_it_and_writes_nothing() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    let w = World::new(portal(usize::MAX, false));
    let mut cmd = Command::new(awsp_bin());
    w.env(&mut cmd);
    let mut child = cmd
        .args(["login", "dev", "--no-browser"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("ABCD-EFGH"), "{line}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    // Killed by SIGINT: the shell reports 130.
    assert_eq!(out.status.signal(), Some(2), "{:?}", out.status);
    assert!(out.stdout.is_empty());
    assert!(!w.token_path("corp").exists());
}
