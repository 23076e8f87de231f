//! The one HTTP client over real TLS: a loopback HTTPS server with a certificate from a test
//! CA, trusted only through `AWS_CA_BUNDLE` or the profile's `ca_bundle`; and `HTTPS_PROXY`
//! (a CONNECT proxy) with `NO_PROXY`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{awsp_bin, clean_env, repo_root, require_tool, require_venv_python, stderr, stdout};

/// A server from tests/tools/tls_server.py, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(python: &Path, args: &[&Path]) -> Server {
        let mut child = Command::new(python)
            .arg(repo_root().join("tests/tools/tls_server.py"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the server prints its port");
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

/// A CA and a server certificate for 127.0.0.1 signed by it: (ca.pem, leaf.pem, leaf.key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=awsp test CA",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
    (
        dir.join("ca.pem"),
        dir.join("leaf.pem"),
        dir.join("leaf.key"),
    )
}

fn whoami(dir: &Path, endpoint: &str, vars: &[(&str, &str)], profile: &str) -> Output {
    let mut cmd = Command::new(awsp_bin());
    clean_env(&mut cmd, Some(&dir.join("config")), None);
    cmd.env("HOME", dir).env("AWS_ENDPOINT_URL_STS", endpoint);
    cmd.envs(vars.iter().copied());
    cmd.args(["whoami", profile]).output().unwrap()
}

#[test]
fn https_with_the_ca_bundle_and_through_a_proxy() {
    let (Some(python), Some(_)) = (require_venv_python(), require_tool("openssl")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (ca, leaf, key) = certificates(dir.path());
    let keys = "aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n";
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile plain]\n{keys}[profile bundled]\n{keys}ca_bundle = {}\n\
             [profile r1]\nrole_arn = arn:aws:iam::123456789012:role/r1\nsource_profile = plain\n\
             [profile r2]\nrole_arn = arn:aws:iam::123456789012:role/r2\nsource_profile = r1\n\
             [profile r3]\nrole_arn = arn:aws:iam::123456789012:role/r3\nsource_profile = r2\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile sso]\nsso_session = corp\n\
             [profile sso-bundled]\nsso_session = corp\nca_bundle = {}\n",
            ca.display(),
            ca.display()
        ),
    )
    .unwrap();
    let sts_log = dir.path().join("sts.log");
    let sts = Server::start(&python, &[Path::new("sts"), &leaf, &key, &sts_log]);
    let endpoint = format!("https://127.0.0.1:{}", sts.port);

    // Not trusted by the system's roots: a clear error, nothing on stdout.
    let out = whoami(dir.path(), &endpoint, &[], "plain");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("certificate"), "{}", stderr(&out));

    // Trusted through AWS_CA_BUNDLE, and through the profile's ca_bundle.
    let ca_text = ca.to_str().unwrap();
    let out = whoami(
        dir.path(),
        &endpoint,
        &[("AWS_CA_BUNDLE", ca_text)],
        "plain",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("arn:aws:iam::123456789012:user/tls"));
    let out = whoami(dir.path(), &endpoint, &[], "bundled");
    assert!(out.status.success(), "{}", stderr(&out));

    // An uncached chain of depth 3: exactly three AssumeRole calls over one TLS connection.
    std::fs::write(&sts_log, "").unwrap();
    let out = whoami(dir.path(), &endpoint, &[("AWS_CA_BUNDLE", ca_text)], "r3");
    assert!(out.status.success(), "{}", stderr(&out));
    let log = std::fs::read_to_string(&sts_log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines,
        [
            "connection",
            "AssumeRole",
            "AssumeRole",
            "AssumeRole",
            "GetCallerIdentity"
        ],
        "{log}"
    );

    // Through HTTPS_PROXY (a CONNECT tunnel), unless NO_PROXY names the host.
    let log = dir.path().join("proxy.log");
    let proxy = Server::start(&python, &[Path::new("proxy"), &log]);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let vars = [
        ("AWS_CA_BUNDLE", ca_text),
        ("HTTPS_PROXY", proxy_url.as_str()),
    ];
    let out = whoami(dir.path(), &endpoint, &vars, "plain");
    assert!(out.status.success(), "{}", stderr(&out));
    let tunnels = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(tunnels.trim(), format!("127.0.0.1:{}", sts.port));
    let mut with_no_proxy = vars.to_vec();
    with_no_proxy.push(("NO_PROXY", "127.0.0.1"));
    let out = whoami(dir.path(), &endpoint, &with_no_proxy, "plain");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);

    // `awsp login` trusts the profile's ca_bundle too. The server is no OIDC service, so the
    // sign-in fails after the handshake: on the answer, not on the certificate.
    let login = |profile: &str| {
        std::fs::write(&sts_log, "").unwrap();
        let mut cmd = Command::new(awsp_bin());
        clean_env(&mut cmd, Some(&dir.path().join("config")), None);
        cmd.env("HOME", dir.path())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &endpoint)
            .args(["login", profile, "--no-browser"]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        let reached = std::fs::read_to_string(&sts_log)
            .unwrap()
            .lines()
            .any(|l| l == "?");
        (stderr(&out), reached)
    };
    let (err, reached) = login("sso");
    assert!(err.contains("certificate") && !reached, "{err}");
    let (err, reached) = login("sso-bundled");
    assert!(!err.contains("certificate") && reached, "{err}");
}
