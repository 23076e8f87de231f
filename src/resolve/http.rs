//! The one HTTP client for every call awsp makes to AWS: bounded timeouts, a few retries on
//! throttling and 5xx, `HTTPS_PROXY`/`NO_PROXY`, the system's roots plus `AWS_CA_BUNDLE` (or the
//! profile's `ca_bundle`), and plain `http://` only to loopback (test servers).
//!
//! Nothing here runs until a network call is made: TLS roots are loaded on the first `https://`
//! request, so `list`, `use` in profile mode and completion never pay for it.

use std::cell::{OnceCell, RefCell};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// A dead endpoint must fail within 10 s: connect 3 s, then at most 5 s for the answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts for throttling and 5xx answers, and the pause before each retry.
const ATTEMPTS: u32 = 3;
const BACKOFF: Duration = Duration::from_millis(200);
/// AWS answers for credentials are a few KiB.
const MAX_BODY: u64 = 1024 * 1024;

/// An answer: status and body (any status; the caller reads AWS's error document).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

/// A call that ran out of time; `connected` when the connection was made and the answer is
/// what did not come (IMDS then falls back to IMDSv1, as botocore does).
#[derive(Debug)]
pub struct TimedOut {
    message: String,
    pub connected: bool,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TimedOut {}

/// How the client reads the environment (a closure in tests).
pub type EnvFn = Box<dyn Fn(&str) -> Option<String>>;

/// The client; one per run, so connections are reused along a role chain.
pub struct Http {
    ca_bundle: Option<PathBuf>,
    connect_timeout: Duration,
    response_timeout: Duration,
    attempts: u32,
    env: EnvFn,
    /// The TLS roots, loaded on the first https:// request.
    roots: OnceCell<Arc<Vec<Certificate<'static>>>>,
    /// One agent (connection pool) per host, since `NO_PROXY` is decided per host.
    https: RefCell<Vec<(String, ureq::Agent)>>,
    plain: OnceCell<ureq::Agent>,
}

impl Http {
    /// `ca_bundle`: the profile's `ca_bundle`; `AWS_CA_BUNDLE` wins over it, as in the SDKs.
    pub fn new(ca_bundle: Option<&str>) -> Http {
        Http::with_env(ca_bundle, Box::new(|k| std::env::var(k).ok()))
    }

    pub fn with_env(ca_bundle: Option<&str>, env: EnvFn) -> Http {
        let ca_bundle = env("AWS_CA_BUNDLE")
            .filter(|v| !v.is_empty())
            .or_else(|| ca_bundle.map(str::to_string))
            .map(PathBuf::from);
        Http {
            ca_bundle,
            connect_timeout: CONNECT_TIMEOUT,
            response_timeout: RESPONSE_TIMEOUT,
            attempts: ATTEMPTS,
            env,
            roots: OnceCell::new(),
            https: RefCell::new(Vec::new()),
            plain: OnceCell::new(),
        }
    }

    /// For the instance and container metadata services: off such a host they must fail
    /// fast (1 s to connect, 2 s to answer, no retries).
    pub fn metadata() -> Http {
        let mut http = Http::new(None);
        http.connect_timeout = Duration::from_secs(1);
        http.response_timeout = Duration::from_secs(2);
        http.attempts = 1;
        http
    }

    /// Send one request, retrying throttling and 5xx answers a few times with backoff.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Reply> {
        self.send_with(method, url, &|| Ok(headers.to_vec()), body)
    }

    /// `send` with the headers made anew for each attempt (a proof of possession must not be
    /// replayed on a retry).
    pub fn send_with(
        &self,
        method: &str,
        url: &str,
        headers: &dyn Fn() -> Result<Vec<(String, String)>>,
        body: &[u8],
    ) -> Result<Reply> {
        let target = Target::parse(url)?;
        let agent = self.agent(&target)?;
        let started = Instant::now();
        let budget = self.call_budget();
        let mut attempt = 1;
        loop {
            let left = budget.saturating_sub(started.elapsed());
            let reply = self.send_once(&agent, method, &headers()?, body, &target, left);
            let retry = match &reply {
                Ok(r) => r.status >= 500 || r.status == 429 || is_throttling(&r.body),
                Err(_) => false,
            };
            let pause = BACKOFF * 2u32.pow(attempt - 1);
            // A retry needs time for the pause and for an answer.
            let room = budget.saturating_sub(started.elapsed()) > pause + Duration::from_secs(1);
            if !retry || attempt >= self.attempts || !room {
                return reply;
            }
            std::thread::sleep(pause);
            attempt += 1;
        }
    }

    fn send_once(
        &self,
        agent: &ureq::Agent,
        method: &str,
        headers: &[(String, String)],
        body: &[u8],
        target: &Target,
        limit: Duration,
    ) -> Result<Reply> {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(target.url.as_str());
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .body(body.to_vec())
            .map_err(|e| anyhow!("could not build the request to {}: {e}", target.shown))?;
        // The whole attempt, connect to last byte, within what the call has left.
        let request = agent
            .configure_request(request)
            .timeout_global(Some(limit))
            .build();
        let response = agent
            .run(request)
            .map_err(|e| self.describe_error(&e, &target.shown))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                // ureq reports its own errors (a timeout) through the reader wrapped in io.
                let inner = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>());
                if let Some(err) = inner {
                    self.describe_error(err, &target.shown)
                } else {
                    anyhow!("{}: could not read the answer: {e}", target.shown)
                }
            })?;
        if body.len() as u64 > MAX_BODY {
            bail!("{}: the answer is larger than 1 MiB", target.shown);
        }
        Ok(Reply {
            status,
            body,
            request_id,
        })
    }

    /// The agent for the target (agents are cheap handles on a shared pool).
    fn agent(&self, target: &Target) -> Result<ureq::Agent> {
        if !target.https {
            return Ok(self
                .plain
                .get_or_init(|| self.config(None).build().new_agent())
                .clone());
        }
        if let Some((_, agent)) = self.https.borrow().iter().find(|(h, _)| *h == target.host) {
            return Ok(agent.clone());
        }
        let roots = match self.roots.get() {
            Some(roots) => roots.clone(),
            None => {
                // ureq is built without a default crypto provider; install ring's for the
                // process (an error only means one is installed already).
                let _ = rustls::crypto::ring::default_provider().install_default();
                let roots = Arc::new(self.roots()?);
                let _ = self.roots.set(roots.clone());
                roots
            }
        };
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(roots))
            .build();
        let proxy = self.proxy_for(&target.host)?;
        let agent = self.config(proxy).tls_config(tls).build().new_agent();
        self.https
            .borrow_mut()
            .push((target.host.clone(), agent.clone()));
        Ok(agent)
    }

    /// The time one call may take, retries included (each attempt gets what is left): what
    /// one attempt may take, connect plus answer, so that a dead or trickling endpoint fails
    /// within 10 s (8 s; 3 s for the metadata services).
    fn call_budget(&self) -> Duration {
        self.connect_timeout + self.response_timeout
    }

    fn config(
        &self,
        proxy: Option<ureq::Proxy>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        ureq::Agent::config_builder()
            .proxy(proxy)
            .http_status_as_error(false)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_recv_response(Some(self.response_timeout))
            .timeout_recv_body(Some(self.response_timeout))
            .max_redirects(0)
            .user_agent(USER_AGENT)
    }

    fn describe_error(&self, err: &ureq::Error, shown: &str) -> anyhow::Error {
        match err {
            ureq::Error::Timeout(kind) => anyhow::Error::new(TimedOut {
                message: format!(
                    "{shown} did not answer in time (connect {} s, answer {} s, {} s in all)",
                    self.connect_timeout.as_secs(),
                    self.response_timeout.as_secs(),
                    self.call_budget().as_secs()
                ),
                // Only a phase after the connection: the call's overall limit can also end
                // a connect.
                connected: matches!(
                    kind,
                    ureq::Timeout::SendRequest
                        | ureq::Timeout::SendBody
                        | ureq::Timeout::RecvResponse
                        | ureq::Timeout::RecvBody
                ),
            }),
            ureq::Error::Io(e) => anyhow!("could not connect to {shown}: {e}"),
            ureq::Error::HostNotFound => anyhow!("could not connect to {shown}: host not found"),
            ureq::Error::ConnectionFailed => anyhow!("could not connect to {shown}"),
            other => anyhow!("request to {shown} failed: {other}"),
        }
    }

    /// The system's roots, plus the CA bundle when one is configured.
    fn roots(&self) -> Result<Vec<Certificate<'static>>> {
        let mut roots: Vec<Certificate<'static>> = rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        if let Some(path) = &self.ca_bundle {
            let shown = path.display();
            // Bundles are kilobytes; Debian's whole store is about 200 KiB.
            let pem = crate::config::read_limited(path, 16 * 1024 * 1024)
                .with_context(|| format!("could not read the CA bundle {shown}"))?
                .ok_or_else(|| {
                    anyhow::anyhow!("could not read the CA bundle {shown}: no such file")
                })?;
            let mut found = 0;
            for item in ureq::tls::parse_pem(&pem) {
                if let Ok(ureq::tls::PemItem::Certificate(cert)) = item {
                    roots.push(cert);
                    found += 1;
                }
            }
            if found == 0 {
                bail!("the CA bundle {shown} holds no PEM certificate");
            }
        }
        if roots.is_empty() {
            bail!(
                "no trusted certificates: the system has none and no CA bundle is set (AWS_CA_BUNDLE)"
            );
        }
        Ok(roots)
    }

    /// `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`) unless `NO_PROXY` names the host.
    fn proxy_for(&self, host: &str) -> Result<Option<ureq::Proxy>> {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| (self.env)(n).filter(|v| !v.is_empty()))
        };
        let Some(url) = var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) else {
            return Ok(None);
        };
        if let Some(list) = var(&["NO_PROXY", "no_proxy"]) {
            if no_proxy_matches(&list, host) {
                return Ok(None);
            }
        }
        // The proxy URL may hold a password: never echo it.
        ureq::Proxy::new(&url)
            .map(Some)
            .map_err(|_| anyhow!("HTTPS_PROXY is not a usable proxy URL"))
    }
}

const USER_AGENT: &str = concat!("awsp/", env!("CARGO_PKG_VERSION"));

/// Whether a `NO_PROXY` list (comma separated; `*`, host names, `.suffix`) covers `host`.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.split(':').next().unwrap_or(entry);
        if entry.is_empty() {
            return false;
        }
        if entry == "*" {
            return true;
        }
        let suffix = entry.trim_start_matches('.');
        host.eq_ignore_ascii_case(suffix)
            || (host.len() > suffix.len()
                && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix))
    })
}

/// Throttling errors that AWS sends with a 400 status.
fn is_throttling(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    [
        "<Code>Throttling</Code>",
        "<Code>ThrottlingException</Code>",
        "<Code>RequestLimitExceeded</Code>",
    ]
    .iter()
    .any(|c| text.contains(c))
}

/// Where a request goes; `shown` is the endpoint without path or query, for messages.
/// `url` as messages may show it: scheme and host (with port), without a `user:password@`, a
/// path or a query, which may carry secrets. Not a URL parser: only what messages need.
pub fn shown_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if scheme.is_empty() {
        authority.to_string()
    } else {
        format!("{scheme}://{authority}")
    }
}

struct Target {
    url: String,
    https: bool,
    host: String,
    shown: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            bail!("endpoint {:?} is not an http(s) URL", shown_url(url));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or("").to_string()
        } else {
            authority.split(':').next().unwrap_or("").to_string()
        };
        if host.is_empty() {
            bail!("endpoint {:?} has no host", shown_url(url));
        }
        let shown = shown_url(url);
        if !https && !is_loopback(&host) && !METADATA_HOSTS.contains(&host.as_str()) {
            bail!(
                "refusing plain http:// to {shown}: only https:// is allowed, except to loopback and the instance and container metadata services"
            );
        }
        Ok(Target {
            url: url.to_string(),
            https,
            host,
            shown,
        })
    }
}

/// The link-local addresses of EC2's instance metadata service and ECS/EKS's container
/// credentials endpoints, which speak only plain HTTP.
const METADATA_HOSTS: &[&str] = &[
    "169.254.169.254",
    "fd00:ec2::254",
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
];

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_url_drops_credentials_paths_and_queries() {
        assert_eq!(
            shown_url("https://user:pa55@sts.example.com:8443/x?X-Amz-Security-Token=t"),
            "https://sts.example.com:8443"
        );
        assert_eq!(shown_url("ftp://u:p@h/x"), "ftp://h");
        assert_eq!(shown_url("u:p@h/x"), "h");
    }

    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(Target::parse("http://127.0.0.1:5000/").is_ok());
        assert!(Target::parse("http://[::1]:5000/").is_ok());
        assert!(Target::parse("http://localhost/").is_ok());
        let err = Target::parse("http://sts.amazonaws.com/").err().unwrap();
        assert!(err.to_string().contains("only https://"), "{err}");
        assert!(Target::parse("http://127.0.0.1.evil.com/").is_err());
        assert!(Target::parse("http://169.254.169.254/latest/api/token").is_ok());
        assert!(Target::parse("http://[fd00:ec2::254]/").is_ok());
        assert!(Target::parse("http://169.254.169.253/").is_err());
        assert!(Target::parse("ftp://x/").is_err());
        assert_eq!(
            Target::parse("https://sts.eu-west-1.amazonaws.com/?a")
                .unwrap()
                .shown,
            "https://sts.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn no_proxy_rules() {
        assert!(no_proxy_matches("*", "sts.amazonaws.com"));
        assert!(no_proxy_matches("amazonaws.com", "sts.amazonaws.com"));
        assert!(no_proxy_matches(".amazonaws.com", "sts.amazonaws.com"));
        assert!(no_proxy_matches(
            "a, sts.amazonaws.com",
            "sts.amazonaws.com"
        ));
        assert!(!no_proxy_matches("zonaws.com", "sts.amazonaws.com"));
        assert!(!no_proxy_matches("", "sts.amazonaws.com"));
    }

    #[test]
    fn proxy_from_env_unless_no_proxy() {
        let http = |no: &'static str| {
            Http::with_env(
                None,
                Box::new(move |k| match k {
                    "HTTPS_PROXY" => Some("http://user:pw@proxy.example:3128".into()),
                    "NO_PROXY" if !no.is_empty() => Some(no.into()),
                    _ => None,
                }),
            )
        };
        assert!(http("").proxy_for("sts.amazonaws.com").unwrap().is_some());
        assert!(
            http(".amazonaws.com")
                .proxy_for("sts.amazonaws.com")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn ca_bundle_env_wins_and_bad_bundle_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.pem");
        std::fs::write(&path, "not a certificate").unwrap();
        let p = path.to_string_lossy().into_owned();
        let http = Http::with_env(
            Some("/nonexistent"),
            Box::new(move |k| (k == "AWS_CA_BUNDLE").then(|| p.clone())),
        );
        let err = http.roots().err().unwrap().to_string();
        assert!(err.contains("no PEM certificate"), "{err}");
    }
}
