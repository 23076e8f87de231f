//! A real moto server for the STS tests: started on a free loopback port, polled until it
//! answers, its requests recorded to a file, and killed by `Drop` (also when a test fails).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{repo_root, require_venv_python};

pub struct Moto {
    child: Child,
    pub port: u16,
    pub url: String,
    recording: PathBuf,
    _dir: tempfile::TempDir,
    pub python: PathBuf,
}

/// One recorded request: its form parameters.
#[derive(Debug)]
pub struct Recorded {
    pub params: Vec<(String, String)>,
}

impl Recorded {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// `None` (with `skipped: ...`) when the venv has no moto, except under CI.
    pub fn start() -> Option<Moto> {
        let python = require_venv_python()?;
        let server = python.with_file_name("moto_server");
        if !server.is_file() {
            if super::under_ci() {
                panic!("moto_server is required under CI=true (tests/tools/requirements.txt)");
            }
            eprintln!("skipped: moto_server not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let recording = dir.path().join("recording.jsonl");
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_ENABLE_RECORDING", "True")
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            port,
            url: format!("http://127.0.0.1:{port}"),
            recording,
            _dir: dir,
            python,
        };
        moto.wait_ready();
        Some(moto)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let req = "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
                let mut buf = [0u8; 12];
                if s.write_all(req.as_bytes()).is_ok()
                    && s.read_exact(&mut buf).is_ok()
                    && buf.starts_with(b"HTTP/1.")
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "moto_server did not answer on port {} within 30 s",
            self.port
        );
    }

    /// Create the user `alice` (returned: access key id, secret) and the roles, then turn
    /// signature checking on (see tests/tools/moto_setup.py).
    pub fn setup(&self, roles: &[&str]) -> (String, String) {
        let out = Command::new(&self.python)
            .arg(repo_root().join("tests/tools/moto_setup.py"))
            .arg(&self.url)
            .args(roles)
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .output()
            .expect("run moto_setup.py");
        assert!(
            out.status.success(),
            "moto_setup.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("setup JSON");
        (
            v["access_key_id"].as_str().unwrap().to_string(),
            v["secret_access_key"].as_str().unwrap().to_string(),
        )
    }

    /// The recorded calls of one STS/IAM action, in order.
    pub fn calls(&self, action: &str) -> Vec<Recorded> {
        let text = std::fs::read_to_string(&self.recording).unwrap_or_default();
        let mut out = Vec::new();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let body = v["body"].as_str().unwrap_or("");
            let body = if v["body_encoded"].as_bool() == Some(true) {
                decode_base64(body)
            } else {
                body.as_bytes().to_vec()
            };
            let params = parse_form(&String::from_utf8_lossy(&body));
            if params.iter().any(|(k, v)| k == "Action" && v == action) {
                out.push(Recorded { params });
            }
        }
        out
    }

    pub fn recording_path(&self) -> &Path {
        &self.recording
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((percent_decode(k), percent_decode(v)))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
