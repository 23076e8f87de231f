//! Credentials that need AWS, against a real moto server with signature checking on: role
//! chains, MFA (flag and terminal prompt), the cache shared with the AWS CLI (both ways, key
//! computed by botocore itself), `whoami`, `creds`, and the failure paths.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::moto::Moto;
use common::{awsp_bin, clean_env, failed, ok, repo_root, stderr};

const ACCOUNT: &str = "123456789012";
const MFA: &str = "arn:aws:iam::123456789012:mfa/alice";

/// moto with user alice and roles role1..role3, and AWS files for the chain
/// base (alice's keys) <- r1 <- r2 <- r3, each of the roles with its own parameters.
struct World {
    moto: Moto,
    dir: tempfile::TempDir,
    key: String,
    secret: String,
}

fn config_text(dir: &Path) -> String {
    let awsp = awsp_bin();
    let token = dir.join("web-identity-token");
    format!(
        "[profile base]\n\
         [profile r1]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role1\nsource_profile = base\n\
         role_session_name = s1\nduration_seconds = 1800\n\
         [profile r2]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role2\nsource_profile = r1\nexternal_id = ext-2\n\
         [profile r3]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role3\nsource_profile = r2\nmfa_serial = {MFA}\n\
         [profile via]\ncredential_process = {} creds r3\n\
         [profile loop]\ncredential_process = {} creds loop\n\
         [profile imds-role]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role1\ncredential_source = Ec2InstanceMetadata\n\
         [profile imds-v2-only]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role1\ncredential_source = Ec2InstanceMetadata\n\
         ec2_metadata_v1_disabled = true\n\
         [profile ecs-role]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role2\ncredential_source = EcsContainer\n\
         [profile env-role]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role3\ncredential_source = Environment\n\
         [profile mfa-user]\nmfa_serial = {MFA}\n\
         [profile wi]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role1\nweb_identity_token_file = {}\nrole_session_name = wi-session\n",
        awsp.display(),
        awsp.display(),
        token.display()
    )
}

impl World {
    fn new() -> Option<World> {
        Self::with_auth(true)
    }

    /// `auth` false: moto's signature checking stays off (for unsigned calls).
    fn with_auth(auth: bool) -> Option<World> {
        let moto = Moto::start()?;
        let mut roles = vec!["role1", "role2", "role3"];
        if !auth {
            roles.push("--no-auth");
        }
        let (key, secret) = moto.setup(&roles);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        let world = World {
            moto,
            dir,
            key,
            secret,
        };
        world.write_files(&world.secret.clone());
        Some(world)
    }

    fn write_files(&self, secret: &str) {
        std::fs::write(self.config(), config_text(self.dir.path())).unwrap();
        std::fs::write(
            self.credentials(),
            format!(
                "[base]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n\
                 [mfa-user]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n",
                key = self.key
            ),
        )
        .unwrap();
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    fn credentials(&self) -> PathBuf {
        self.dir.path().join("credentials")
    }
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    fn cache_dir(&self) -> PathBuf {
        self.home().join(".aws/cli/cache")
    }

    fn env(&self, cmd: &mut Command) {
        clean_env(cmd, Some(&self.config()), Some(&self.credentials()));
        cmd.env("HOME", self.home());
        cmd.env("AWS_ENDPOINT_URL_STS", &self.moto.url);
        cmd.env("AWS_DEFAULT_REGION", "us-east-1");
    }

    fn awsp(&self, args: &[&str]) -> Output {
        self.awsp_with(args, &[])
    }

    fn awsp_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(awsp_bin());
        self.env(&mut cmd);
        cmd.envs(vars.iter().copied());
        cmd.args(args).output().unwrap()
    }

    fn aws(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(self.moto.python.with_file_name("aws"));
        self.env(&mut cmd);
        cmd.args(args).output().unwrap()
    }

    /// Run under a pseudo-terminal, answering `prompt` with `answer` (tests/tools/pty_run.py).
    fn pty(&self, opts: &[&str], args: &[&str]) -> serde_json::Value {
        let mut cmd = Command::new(&self.moto.python);
        self.env(&mut cmd);
        cmd.arg(repo_root().join("tests/tools/pty_run.py"))
            .args(opts)
            .arg("--")
            .arg(awsp_bin())
            .args(args);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "pty_run.py: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn assume_role_calls(&self) -> Vec<common::moto::Recorded> {
        self.moto.calls("AssumeRole")
    }

    /// The cache entries by the role they hold: (role name, path).
    fn entries(&self) -> Vec<(String, PathBuf)> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.cache_dir()).unwrap() {
            let path = e.unwrap().path();
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap_or_default();
            let arn = v["AssumedRoleUser"]["Arn"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let role = arn.split('/').nth(1).unwrap_or("").to_string();
            out.push((role, path));
        }
        out.sort();
        out
    }
}

#[test]
fn role_chain_of_depth_3_signed_with_parameters_and_cached() {
    let Some(w) = World::new() else { return };
    let out = w.awsp(&[
        "use",
        "r3",
        "--creds",
        "--mfa-token",
        "123456",
        "--shell",
        "bash",
    ]);
    let code = ok(&out);
    assert!(code.contains("export AWS_ACCESS_KEY_ID="), "{code}");
    assert!(code.contains("export AWS_SESSION_TOKEN="), "{code}");
    assert!(
        code.contains(&format!("export AWS_ACCOUNT_ID='{ACCOUNT}'")),
        "{code}"
    );

    let calls = w.assume_role_calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    let role = |i: usize| calls[i].get("RoleArn").unwrap().rsplit('/').next().unwrap();
    assert_eq!((role(0), role(1), role(2)), ("role1", "role2", "role3"));
    assert_eq!(calls[0].get("RoleSessionName"), Some("s1"));
    assert_eq!(calls[0].get("DurationSeconds"), Some("1800"));
    assert_eq!(calls[0].get("ExternalId"), None);
    assert_eq!(calls[1].get("ExternalId"), Some("ext-2"));
    assert!(
        calls[1]
            .get("RoleSessionName")
            .unwrap()
            .starts_with("botocore-session-")
    );
    assert_eq!(calls[2].get("SerialNumber"), Some(MFA));
    assert_eq!(calls[2].get("TokenCode"), Some("123456"));
    assert_eq!(calls[1].get("TokenCode"), None);

    // The shell gets the role's credentials: evaluated in bash, STS says who they are.
    let mut bash = Command::new("bash");
    w.env(&mut bash);
    let script = format!("eval \"$1\" && \"{}\" whoami --json", awsp_bin().display());
    let who = ok(&bash.args(["-c", &script, "bash", &code]).output().unwrap());
    let who: serde_json::Value = serde_json::from_str(&who).unwrap();
    assert!(
        who["arn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:assumed-role/role3/")),
        "{who}"
    );
    assert_eq!(who["account"], ACCOUNT);
    // The exported keys are those of the profile awsp switched to.
    assert_eq!(who["profile"], "r3", "{who}");

    // Served from the cache: no STS call, no MFA code needed.
    let again = ok(&w.awsp(&["use", "r3", "--creds", "--shell", "bash"]));
    assert_eq!(again, code);
    assert_eq!(w.assume_role_calls().len(), 3);
    // --refresh ignores the cache (and needs the code again).
    ok(&w.awsp(&["use", "r3", "--creds", "--refresh", "--mfa-token", "111111"]));
    assert_eq!(w.assume_role_calls().len(), 6);
}

#[test]
fn cache_files_are_botocores_keys_private_and_replaced_when_stale() {
    let Some(w) = World::new() else { return };
    ok(&w.awsp(&["creds", "r3", "--mfa-token", "123456"]));
    let entries = w.entries();
    let roles: Vec<&str> = entries.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["role1", "role2", "role3"]);

    // The file names are the keys botocore itself computes for these profiles.
    let script = r#"
import json, sys
from botocore.credentials import AssumeRoleCredentialFetcher
for args in json.loads(sys.argv[1]):
    role = args.pop("RoleArn")
    print(AssumeRoleCredentialFetcher(None, None, role, extra_args=args)._cache_key)
"#;
    let args = serde_json::json!([
        {"RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/role1"), "RoleSessionName": "s1", "DurationSeconds": 1800},
        {"RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/role2"), "ExternalId": "ext-2"},
        {"RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/role3"), "SerialNumber": MFA},
    ]);
    let out = Command::new(&w.moto.python)
        .args(["-c", script, &args.to_string()])
        .output()
        .unwrap();
    let keys = ok(&out);
    let expected: Vec<String> = keys.lines().map(|k| format!("{k}.json")).collect();
    let names: Vec<String> = entries
        .iter()
        .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, expected);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&w.cache_dir()), 0o700);
        for (_, p) in &entries {
            assert_eq!(mode(p), 0o600, "{}", p.display());
        }
    }
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&entries[2].1).unwrap()).unwrap();
    assert!(
        entry["Credentials"]["Expiration"]
            .as_str()
            .unwrap()
            .ends_with("UTC")
    );
    assert_eq!(entry["Credentials"]["AccountId"], ACCOUNT);
    assert_eq!(entry["ResponseMetadata"]["HTTPStatusCode"], 200);

    // role3's entry corrupt, role2's expiring within the 15-minute window: both are fetched
    // again (role1's is still used), and both files are replaced with good entries.
    std::fs::write(&entries[2].1, "{corrupt").unwrap();
    let mut soon =
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&entries[1].1).unwrap())
            .unwrap();
    let in_5_min = time::OffsetDateTime::now_utc() + time::Duration::minutes(5);
    soon["Credentials"]["Expiration"] = in_5_min
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
        .into();
    std::fs::write(&entries[1].1, soon.to_string()).unwrap();
    ok(&w.awsp(&["creds", "r3", "--mfa-token", "222222"]));
    let calls = w.assume_role_calls();
    assert_eq!(calls.len(), 5, "{calls:?}");
    assert!(calls[3].get("RoleArn").unwrap().ends_with("role/role2"));
    assert!(calls[4].get("RoleArn").unwrap().ends_with("role/role3"));
    assert_eq!(calls[4].get("TokenCode"), Some("222222"));
    let replaced = w.entries();
    assert_eq!(replaced.len(), 3);
    assert_eq!(replaced[2].0, "role3");
}

#[test]
fn mfa_code_asked_on_the_terminal_and_never_without_one() {
    let Some(w) = World::new() else { return };
    let prompt = format!("MFA code for {MFA}: ");
    let run = w.pty(
        &[&prompt, "654321"],
        &["use", "r3", "--creds", "--shell", "bash"],
    );
    assert_eq!(run["rc"], 0, "{run}");
    assert!(run["tty"].as_str().unwrap().contains(&prompt), "{run}");
    // Not echoed, as botocore's getpass does not echo it; the echo is back afterwards.
    assert!(!run["tty"].as_str().unwrap().contains("654321"), "{run}");
    assert_eq!(run["echo"], true, "{run}");
    let code = run["stdout"].as_str().unwrap();
    // The prompt went to the terminal, none of it to stdout. (Not just "MFA": moto's random
    // secret keys can contain those letters.)
    assert!(!code.contains("MFA code"), "{code}");
    assert!(
        code.lines()
            .all(|l| l.starts_with("export ") || l.starts_with("unset ")),
        "stdout is only code: {code}"
    );
    let calls = w.assume_role_calls();
    assert_eq!(calls.last().unwrap().get("TokenCode"), Some("654321"));

    // No terminal and no --mfa-token: a clear error, nothing on stdout, no call.
    let before = w.assume_role_calls().len();
    let run = w.pty(&["--no-tty"], &["use", "r3", "--creds", "--refresh"]);
    assert_eq!(run["rc"], 1, "{run}");
    assert_eq!(run["stdout"], "");
    let err = run["stderr"].as_str().unwrap();
    assert!(err.contains("--mfa-token") && err.contains(MFA), "{err}");
    assert!(
        err.starts_with("awsp: ") && err.trim_end().lines().count() == 1,
        "{err}"
    );
    assert_eq!(w.assume_role_calls().len(), before);

    // Ctrl-C at the prompt: awsp dies of SIGINT, nothing on stdout, the echo back on.
    let run = w.pty(&[&prompt, "^C"], &["use", "r3", "--creds", "--refresh"]);
    assert_eq!(run["rc"], -2, "killed by SIGINT: {run}");
    assert_eq!(run["stdout"], "", "{run}");
    assert_eq!(run["echo"], true, "{run}");
}

#[test]
fn aws_errors_are_shown_as_sent_naming_the_profile() {
    let Some(w) = World::new() else { return };
    w.write_files("WRONGSECRETwrongsecretWRONGSECRET");
    let err = failed(&w.awsp(&["use", "r2", "--creds"]));
    assert!(
        err.contains("profile 'r1' could not assume role arn:aws:iam::123456789012:role/role1"),
        "{err}"
    );
    assert!(err.contains("SignatureDoesNotMatch: "), "{err}");
    assert!(!err.contains("WRONGSECRET"), "{err}");
    assert!(!err.contains(&w.key), "{err}");
    let err = failed(&w.awsp(&["whoami", "base"]));
    assert!(err.contains("SignatureDoesNotMatch: "), "{err}");
}

#[test]
fn a_dead_endpoint_fails_within_10_seconds() {
    // Accepts connections (the kernel's backlog) but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[b]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n",
    )
    .unwrap();
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, Some(&config), Some(&credentials));
    cmd.env("HOME", dir.path());
    cmd.env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let out = cmd.args(["use", "r", "--creds"]).output().unwrap();
    let took = started.elapsed();
    let err = failed(&out);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(err.contains("did not answer in time"), "{err}");
    assert!(!err.contains("SECRETEXAMPLE"), "{err}");
    drop(listener);

    // Plain http:// to anything but loopback is refused before any connection.
    cmd.env("AWS_ENDPOINT_URL_STS", "http://sts.example.com");
    let err = failed(&cmd.output().unwrap());
    assert!(err.contains("only https://"), "{err}");
}

#[test]
fn a_slow_failing_endpoint_and_a_trickling_retry_still_end_within_10_seconds() {
    // The first answer is a 503 after 3.5 s (so a retry starts); the retry's headers come
    // after 4 s and its body a byte every 400 ms. Each limit alone holds; the call must too.
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                if n == 0 {
                    std::thread::sleep(Duration::from_millis(3500));
                    let _ = stream.write_all(
                        b"HTTP/1.1 503 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    return;
                }
                std::thread::sleep(Duration::from_secs(4));
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(400));
                    if stream.write_all(b"<").is_err() {
                        return;
                    }
                }
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        "[b]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n",
    )
    .unwrap();
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, None, Some(&credentials));
    cmd.env("HOME", dir.path());
    cmd.env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let out = cmd.args(["whoami", "b"]).output().unwrap();
    let took = started.elapsed();
    let err = failed(&out);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(err.contains("did not answer in time"), "{err}");
}

#[test]
fn whoami_and_creds_in_every_format() {
    let Some(w) = World::new() else { return };
    let process = ok(&w.awsp(&["creds", "r1"]));
    assert_eq!(process.lines().count(), 1, "{process}");
    let v: serde_json::Value = serde_json::from_str(&process).unwrap();
    assert_eq!(v["Version"], 1);
    for k in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert!(v[k].is_string(), "{k} in {v}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&w.awsp(&["creds", "r1", "--format", "json"]))).unwrap();
    assert_eq!(json, v);
    let env = ok(&w.awsp(&["creds", "r1", "--format", "env"]));
    assert!(env.contains(&format!(
        "AWS_ACCESS_KEY_ID={}\n",
        v["AccessKeyId"].as_str().unwrap()
    )));
    assert!(env.contains("AWS_SESSION_TOKEN=") && env.contains("AWS_CREDENTIAL_EXPIRATION="));
    // Static keys too, without a session.
    let base: serde_json::Value = serde_json::from_str(&ok(&w.awsp(&["creds", "base"]))).unwrap();
    assert_eq!(base["AccessKeyId"], w.key.as_str());
    assert!(base.get("SessionToken").is_none());

    let text = ok(&w.awsp(&["whoami", "r1"]));
    assert!(text.contains("profile  r1\n"), "{text}");
    assert!(text.contains("assumed-role/role1/s1"), "{text}");
    let who: serde_json::Value =
        serde_json::from_str(&ok(&w.awsp(&["whoami", "base", "--json"]))).unwrap();
    assert_eq!(who["profile"], "base");
    assert_eq!(who["arn"], format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert!(who["user_id"].is_string());
    // Without PROFILE: AWS_PROFILE, then `default` (which does not exist here).
    let mut cmd = Command::new(awsp_bin());
    w.env(&mut cmd);
    let who = ok(&cmd
        .args(["whoami", "--json"])
        .env("AWS_PROFILE", "r1")
        .output()
        .unwrap());
    assert!(who.contains("assumed-role/role1"), "{who}");
    let err = failed(&w.awsp(&["whoami"]));
    assert!(err.contains("profile 'default' not found"), "{err}");
}

#[test]
fn the_aws_cli_and_awsp_share_the_cache_both_ways() {
    let Some(w) = World::new() else { return };
    // awsp assumes the chain (with MFA); the CLI uses the cached role without a call.
    ok(&w.awsp(&["use", "r3", "--creds", "--mfa-token", "123456"]));
    assert_eq!(w.assume_role_calls().len(), 3);
    let out = ok(&w.aws(&["sts", "get-caller-identity", "--profile", "r3"]));
    assert!(out.contains("assumed-role/role3/"), "{out}");
    assert_eq!(
        w.assume_role_calls().len(),
        3,
        "the AWS CLI called AssumeRole"
    );

    // The other way: the CLI assumes r2 (via r1) in a fresh home; awsp uses its cache.
    std::fs::remove_dir_all(w.home()).unwrap();
    std::fs::create_dir_all(w.home()).unwrap();
    let out = ok(&w.aws(&["sts", "get-caller-identity", "--profile", "r2"]));
    assert!(out.contains("assumed-role/role2/"), "{out}");
    assert_eq!(w.assume_role_calls().len(), 5);
    ok(&w.awsp(&["use", "r2", "--creds"]));
    let who = ok(&w.awsp(&["whoami", "r2"]));
    assert!(who.contains("assumed-role/role2/"), "{who}");
    assert_eq!(w.assume_role_calls().len(), 5, "awsp called AssumeRole");

    // credential_process = awsp creds r3 gives the CLI awsp's cached MFA session.
    ok(&w.awsp(&["creds", "r3", "--mfa-token", "123456"]));
    let calls = w.assume_role_calls().len();
    let out = ok(&w.aws(&["sts", "get-caller-identity", "--profile", "via"]));
    assert!(out.contains("assumed-role/role3/"), "{out}");
    assert_eq!(w.assume_role_calls().len(), calls);

    // A credential_process that calls `awsp creds` on its own profile fails, fast.
    let started = Instant::now();
    let out = w.awsp(&["creds", "loop"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    let err = failed(&out);
    assert!(err.contains("loops"), "{err}");
}

#[test]
fn throttling_is_retried_a_few_times_then_shown_as_sent() {
    let stub = common::stub::Stub::start(|_| {
        common::stub::Reply::new(
            400,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile b]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n",
    )
    .unwrap();
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, Some(&config), None);
    cmd.env("HOME", dir.path())
        .env("AWS_ENDPOINT_URL_STS", &stub.url);
    let err = failed(&cmd.args(["whoami", "b"]).output().unwrap());
    assert!(err.contains("Throttling: Rate exceeded"), "{err}");
    let requests = stub.requests();
    assert_eq!(requests.len(), 3, "three attempts");
    assert!(requests[0].body.contains("Action=GetCallerIdentity"));
    let auth = requests[0].header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && auth.contains("/us-east-1/sts/aws4_request"),
        "{auth}"
    );
}

/// IMDS that hands out `key`/`secret` as the instance role `instance-role`, IMDSv2 only.
fn imds_stub(key: String, secret: String) -> common::stub::Stub {
    use common::stub::Reply;
    common::stub::Stub::start(move |r| {
        let token_ok = r.header("x-aws-ec2-metadata-token") == Some("IMDS-SESSION");
        match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/latest/api/token")
                if r.header("x-aws-ec2-metadata-token-ttl-seconds").is_some() =>
            {
                Reply::new(200, "text/plain", "IMDS-SESSION")
            }
            (_, _) if !token_ok => Reply::new(401, "text/plain", ""),
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                Reply::new(200, "text/plain", "instance-role")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/instance-role") => Reply::new(
                200,
                "application/json",
                format!(
                    r#"{{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "{key}", "SecretAccessKey": "{secret}", "Expiration": "2099-01-01T00:00:00Z"}}"#
                ),
            ),
            _ => Reply::new(404, "text/plain", ""),
        }
    })
}

/// IMDS without session tokens (IMDSv1): the token PUT gets `put_status` after `put_delay`
/// (a hop limit of 1 drops the answer: it never comes in time), and GETs with a token are
/// refused, so only the fallback works.
fn imds_v1_stub(
    key: String,
    secret: String,
    put_status: u16,
    put_delay: Duration,
) -> common::stub::Stub {
    use common::stub::Reply;
    common::stub::Stub::start(move |r| {
        if r.header("x-aws-ec2-metadata-token").is_some() {
            return Reply::new(400, "text/plain", "");
        }
        match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                std::thread::sleep(put_delay);
                Reply::new(put_status, "text/plain", "")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                Reply::new(200, "text/plain", "instance-role")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/instance-role") => Reply::new(
                200,
                "application/json",
                format!(
                    r#"{{"Code": "Success", "AccessKeyId": "{key}", "SecretAccessKey": "{secret}", "Expiration": "2099-01-01T00:00:00Z"}}"#
                ),
            ),
            _ => Reply::new(404, "text/plain", ""),
        }
    })
}

#[test]
fn imds_falls_back_to_v1_as_botocore_does_unless_disabled() {
    let Some(w) = World::new() else { return };
    for (status, delay) in [
        (403, Duration::ZERO),
        (404, Duration::ZERO),
        (405, Duration::ZERO),
        // Connected, but the token's answer does not come in time.
        (200, Duration::from_millis(2500)),
    ] {
        let imds = imds_v1_stub(w.key.clone(), w.secret.clone(), status, delay);
        let out = w.awsp_with(
            &["whoami", "imds-role", "--refresh"],
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)],
        );
        assert!(ok(&out).contains("assumed-role/role1/"), "{status}");
        let requests = imds.requests();
        assert_eq!(
            requests.len(),
            3,
            "{status}: PUT, then two GETs without a token"
        );
        assert!(requests[1..].iter().all(|r| r.method == "GET"));

        let err = failed(&w.awsp_with(
            &["creds", "imds-role", "--refresh"],
            &[
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
                ("AWS_EC2_METADATA_V1_DISABLED", "true"),
            ],
        ));
        assert!(err.contains("IMDSv1 is disabled"), "{status}: {err}");
        // The stub records a request once it has answered it.
        std::thread::sleep(delay);
        assert_eq!(imds.requests().len(), 4, "{status}: only the token PUT");
    }
    // The profile's setting disables IMDSv1 as the variable does.
    let imds = imds_v1_stub(w.key.clone(), w.secret.clone(), 403, Duration::ZERO);
    let err = failed(&w.awsp_with(
        &["creds", "imds-v2-only", "--refresh"],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)],
    ));
    assert!(err.contains("IMDSv1 is disabled"), "{err}");
    assert_eq!(imds.requests().len(), 1, "only the token PUT");
    // A 400 is a bad request, not a reason to fall back.
    let imds = imds_v1_stub(w.key.clone(), w.secret.clone(), 400, Duration::ZERO);
    let err = failed(&w.awsp_with(
        &["creds", "imds-role", "--refresh"],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)],
    ));
    assert!(err.contains("HTTP status 400"), "{err}");
    assert_eq!(imds.requests().len(), 1);
}

#[test]
fn credential_sources_environment_imds_and_ecs_sign_the_assume_role() {
    let Some(w) = World::new() else { return };
    // Environment: the exported keys sign AssumeRole.
    let out = w.awsp_with(
        &["whoami", "env-role", "--json"],
        &[
            ("AWS_ACCESS_KEY_ID", &w.key),
            ("AWS_SECRET_ACCESS_KEY", &w.secret),
        ],
    );
    assert!(ok(&out).contains("assumed-role/role3/"));
    let err = failed(&w.awsp(&["creds", "env-role", "--refresh"]));
    assert!(err.contains("AWS_ACCESS_KEY_ID"), "{err}");

    // IMDSv2: a session token first, then the role and its credentials (alice's keys here,
    // so moto checks the signature made with them).
    let imds = imds_stub(w.key.clone(), w.secret.clone());
    let out = w.awsp_with(
        &["whoami", "imds-role"],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)],
    );
    assert!(ok(&out).contains("assumed-role/role1/"));
    let paths: Vec<(String, String)> = imds
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(paths[0], ("PUT".into(), "/latest/api/token".into()));
    assert_eq!(paths.len(), 3, "{paths:?}");
    // Disabled, and off an EC2 host: clear errors, fast, no request.
    let before = imds.requests().len();
    let err = failed(&w.awsp_with(
        &["creds", "imds-role", "--refresh"],
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    ));
    assert!(err.contains("AWS_EC2_METADATA_DISABLED"), "{err}");
    assert_eq!(imds.requests().len(), before);
    let started = Instant::now();
    let err = failed(&w.awsp_with(
        &["creds", "imds-role", "--refresh"],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", common::DEAD_ENDPOINT)],
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.contains("not on EC2?"), "{err}");

    // ECS: the full URI with the token from the token file (it wins over the variable).
    let (key, secret) = (w.key.clone(), w.secret.clone());
    let ecs = common::stub::Stub::start(move |r| {
        if r.path == "/creds" && r.header("authorization") == Some("token-from-file") {
            common::stub::Reply::new(
                200,
                "application/json",
                format!(
                    r#"{{"AccessKeyId": "{key}", "SecretAccessKey": "{secret}", "Token": "", "Expiration": "2099-01-01T00:00:00Z"}}"#
                ),
            )
        } else {
            common::stub::Reply::new(401, "application/json", "{}")
        }
    });
    let token_file = w.dir.path().join("ecs-token");
    std::fs::write(&token_file, "token-from-file\n").unwrap();
    let full = format!("{}/creds", ecs.url);
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "token-from-variable"),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.to_str().unwrap(),
        ),
    ];
    assert!(ok(&w.awsp_with(&["whoami", "ecs-role"], &vars)).contains("assumed-role/role2/"));
    let err = failed(&w.awsp_with(&["creds", "ecs-role", "--refresh"], &vars[..2]));
    assert!(err.contains("HTTP status 401"), "{err}");
    let err = failed(&w.awsp(&["creds", "ecs-role", "--refresh"]));
    assert!(err.contains("not in a container"), "{err}");
}

#[test]
fn web_identity_from_the_profile_and_the_environment_is_unsigned_and_cached() {
    // moto cannot serve unsigned calls with signature checking on, so it stays off here.
    let Some(w) = World::with_auth(false) else {
        return;
    };
    std::fs::write(
        w.dir.path().join("web-identity-token"),
        "header.payload.sig\n",
    )
    .unwrap();
    let code = ok(&w.awsp(&["use", "wi", "--creds"]));
    assert!(code.contains("AWS_SESSION_TOKEN="), "{code}");
    let calls = w.moto.calls("AssumeRoleWithWebIdentity");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].get("WebIdentityToken"), Some("header.payload.sig"));
    assert_eq!(calls[0].get("RoleSessionName"), Some("wi-session"));
    // Cached: no second call.
    ok(&w.awsp(&["use", "wi", "--creds"]));
    assert_eq!(w.moto.calls("AssumeRoleWithWebIdentity").len(), 1);
    // The environment form, for `whoami` without a profile.
    let token = w.dir.path().join("web-identity-token");
    let out = w.awsp_with(
        &["whoami", "--json"],
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            (
                "AWS_ROLE_ARN",
                &format!("arn:aws:iam::{ACCOUNT}:role/role2"),
            ),
            ("AWS_ROLE_SESSION_NAME", "from-env"),
        ],
    );
    let who: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert!(
        who["arn"]
            .as_str()
            .unwrap()
            .ends_with("assumed-role/role2/from-env"),
        "{who}"
    );
    assert!(who["profile"].is_null());
    let calls = w.moto.calls("AssumeRoleWithWebIdentity");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].get("RoleSessionName"), Some("from-env"));
    // A missing token file names the file and the profile; the token is never shown.
    std::fs::remove_file(&token).unwrap();
    let err = failed(&w.awsp(&["creds", "wi", "--refresh"]));
    assert!(
        err.contains("profile 'wi'") && err.contains("web-identity-token"),
        "{err}"
    );
}

#[test]
fn mfa_session_for_static_keys_only_with_the_flag() {
    let Some(w) = World::new() else { return };
    // Without --mfa the static keys are used as they are (the SDKs ignore mfa_serial here).
    let plain: serde_json::Value =
        serde_json::from_str(&ok(&w.awsp(&["creds", "mfa-user"]))).unwrap();
    assert_eq!(plain["AccessKeyId"], w.key.as_str());
    assert!(w.moto.calls("GetSessionToken").is_empty());
    let session: serde_json::Value = serde_json::from_str(&ok(&w.awsp(&[
        "creds",
        "mfa-user",
        "--mfa",
        "--mfa-token",
        "987654",
    ])))
    .unwrap();
    assert_ne!(session["AccessKeyId"], w.key.as_str());
    assert!(session["SessionToken"].is_string());
    let calls = w.moto.calls("GetSessionToken");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].get("SerialNumber"), Some(MFA));
    assert_eq!(calls[0].get("TokenCode"), Some("987654"));
    // Cached: no code needed, no call.
    let again: serde_json::Value =
        serde_json::from_str(&ok(&w.awsp(&["creds", "mfa-user", "--mfa"]))).unwrap();
    assert_eq!(again["AccessKeyId"], session["AccessKeyId"]);
    assert_eq!(w.moto.calls("GetSessionToken").len(), 1);
    // And the session works.
    let code = ok(&w.awsp(&["use", "mfa-user", "--creds", "--mfa"]));
    assert!(code.contains("AWS_SESSION_TOKEN="));
    let err = failed(&w.awsp(&["creds", "base", "--mfa"]));
    assert!(err.contains("--mfa needs mfa_serial"), "{err}");

    // A refresh (the prompt hook), and `use -` back to it, fetch an MFA session again, not
    // the long-term keys; here from the cache, so no code is needed.
    let bin = awsp_bin();
    let bin = bin.to_str().unwrap();
    let script = format!(
        "eval \"$('{bin}' use mfa-user --creds --mfa)\"\n\
         export AWSP_EXPIRATION=$(( $(date +%s) + 60 ))\n\
         refresh=$('{bin}' --wrapper bash hook refresh) || exit\n\
         case $refresh in '# awsp eval bash'*) eval \"$refresh\" ;; *) exit 9 ;; esac\n\
         printf 'refreshed=%s mfa=%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWSP_MFA\"\n\
         eval \"$('{bin}' use base)\"\n\
         eval \"$('{bin}' use -)\"\n\
         printf 'back=%s mfa=%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWSP_MFA\"\n"
    );
    let mut bash = Command::new("bash");
    w.env(&mut bash);
    let out = bash.args(["--norc", "-c", &script]).output().unwrap();
    let text = ok(&out);
    let session_key = session["AccessKeyId"].as_str().unwrap();
    assert!(
        text.contains(&format!("refreshed={session_key} mfa=1\n")),
        "{text}{}",
        stderr(&out)
    );
    assert!(
        text.contains(&format!("back={session_key} mfa=1\n")),
        "{text}{}",
        stderr(&out)
    );
    assert_eq!(w.moto.calls("GetSessionToken").len(), 1);
}

#[test]
fn a_wrong_mfa_code_gives_awss_own_error_and_caches_nothing() {
    // moto does not check MFA codes; this stub answers as STS does for a wrong one.
    let stub = common::stub::Stub::start(|r| {
        if r.body.contains("TokenCode=000000") {
            common::stub::Reply::new(
                403,
                "text/xml",
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error><RequestId>r</RequestId></ErrorResponse>",
            )
        } else {
            common::stub::Reply::new(500, "text/plain", "unexpected")
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile b]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n\
             [profile r]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/r\nsource_profile = b\nmfa_serial = {MFA}\n"
        ),
    )
    .unwrap();
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, Some(&config), None);
    cmd.env("HOME", dir.path())
        .env("AWS_ENDPOINT_URL_STS", &stub.url);
    let err = failed(
        &cmd.args(["use", "r", "--creds", "--mfa-token", "000000"])
            .output()
            .unwrap(),
    );
    assert!(
        err.contains("profile 'r' could not assume role")
            && err.contains(
                "AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code."
            ),
        "{err}"
    );
    assert!(!dir.path().join(".aws/cli/cache").exists());
    assert_eq!(stub.requests().len(), 1, "an AWS error is not retried");
}
