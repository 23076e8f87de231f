//! Text for a terminal: values from files and the environment may hold escape sequences, so
//! every human-readable output (and the error printer) goes through [`escaped`] — one rule.
//! JSON output stays exact: [`json_safe`] only changes how the same string is written.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters a terminal may act on instead of showing: C0 controls and DEL, C1 controls
/// (U+0080–U+009F; `U+009B` is a CSI), and the bidi marks, embeddings, overrides and
/// isolates that reorder what is shown (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character (newlines too) written as an escape: `\n`, `\r`, `\t`,
/// `\e` for ESC, `\xNN` for the other C0 controls and DEL, `\u{NNNN}` for the rest.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`escaped`], but newlines stay: for output of several lines.
pub fn escaped_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            '\0'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with the unsafe characters serde_json writes raw (DEL, C1 controls, bidi
/// controls) as `\uNNNN` escapes: the same document for a JSON reader, harmless on a
/// terminal. Outside strings JSON holds only ASCII punctuation and whitespace, so every such
/// character is inside a string, where the escape means the same character.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json
        .chars()
        .any(|c| is_unsafe(c) && !c.is_ascii_whitespace())
    {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe(c) && !c.is_ascii_whitespace() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How long a question on the terminal waits for an answer.
const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// The one way awsp asks on the controlling terminal (never stdout: stdout is code): one line,
/// at most `limit` bytes, within 5 minutes, returned without its line end; `hidden`: not
/// echoed (an MFA code, a secret key, as botocore's getpass). The terminal's settings come
/// back on every way out: an answer, the timeout, an error, and SIGINT/SIGTERM/SIGHUP (after
/// which awsp dies of the signal, as it would have without the question).
pub fn ask(prompt: &str, hidden: bool, limit: usize) -> anyhow::Result<String> {
    use anyhow::anyhow;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
        .open("/dev/tty")
        .map_err(|_| anyhow!("there is no terminal to ask on"))?;
    let fd = tty.as_raw_fd();
    let signals =
        crate::signals::SignalGuard::install(&[libc::SIGINT, libc::SIGTERM, libc::SIGHUP]);
    // Echo off before the prompt shows, so that an answer typed at once is not echoed either.
    let echo = hidden.then(|| EchoOff::new(fd));
    let mut writer = &tty;
    let say = |text: &str| {
        let mut w = &tty;
        let _ = w.write_all(text.as_bytes()).and_then(|()| w.flush());
    };
    writer
        .write_all(prompt.as_bytes())
        .and_then(|()| writer.flush())
        .map_err(|_| anyhow!("could not write to the terminal"))?;
    let deadline = std::time::Instant::now() + ANSWER_TIMEOUT;
    let mut line = Vec::new();
    let outcome = loop {
        let signal = crate::signals::caught();
        if signal != 0 {
            if echo.is_some() {
                drop(echo);
                say("\n");
            }
            drop(signals);
            crate::signals::die_of(signal);
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break Err(anyhow!(
                "no answer within {} minutes",
                ANSWER_TIMEOUT.as_secs() / 60
            ));
        }
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let wait = left.as_millis().min(1000) as libc::c_int;
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut poll, 1, wait) };
        if ready <= 0 {
            // A timeout, or EINTR from a signal (checked above on the next turn).
            continue;
        }
        let mut buf = [0u8; 1024];
        let room = limit.saturating_sub(line.len()).min(buf.len());
        // SAFETY: reads at most `room` bytes, no more than the buffer holds.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), room) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break Err(anyhow!("could not read the terminal"));
        }
        let n = n as usize;
        line.extend_from_slice(&buf[..n]);
        if n == 0 && line.is_empty() {
            break Err(anyhow!("end of input on the terminal"));
        }
        if n == 0 || line.contains(&b'\n') || line.len() >= limit {
            break Ok(());
        }
    };
    if echo.is_some() {
        drop(echo);
        // The Enter that ended the answer was not echoed either.
        say("\n");
    }
    outcome?;
    let text = String::from_utf8_lossy(&line);
    Ok(text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string())
}

/// The terminal's echo off until dropped (nothing when it is not a terminal).
struct EchoOff {
    fd: libc::c_int,
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new(fd: libc::c_int) -> EchoOff {
        // SAFETY: tcgetattr/tcsetattr on a valid descriptor with a zeroed, then filled, struct.
        let saved = unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            (libc::tcgetattr(fd, &mut t) == 0).then_some(t)
        };
        if let Some(saved) = saved {
            let mut quiet = saved;
            quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
            // SAFETY: as above.
            unsafe {
                libc::tcsetattr(fd, libc::TCSANOW, &quiet);
            }
        }
        EchoOff { fd, saved }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new` on the same descriptor.
            unsafe {
                libc::tcsetattr(self.fd, libc::TCSANOW, saved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escaped("plain é ✓"), "plain é ✓");
        assert_eq!(
            escaped("a\x1b[31mred\x07\n\r\t\x7f"),
            "a\\e[31mred\\x07\\n\\r\\t\\x7f"
        );
        assert_eq!(escaped("\u{9b}2J\u{85}"), "\\u{9b}2J\\u{85}");
        assert_eq!(
            escaped("x\u{202e}y\u{2066}\u{200f}"),
            "x\\u{202e}y\\u{2066}\\u{200f}"
        );
        assert_eq!(escaped_lines("a\nb\x1b"), "a\nb\\e");
    }

    #[test]
    fn json_stays_the_same_document() {
        let value = "a\x1b\u{9b}\u{202e}\x7f\"\\ é";
        let json = serde_json::to_string_pretty(&serde_json::json!({ "k": value })).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["k"], value);
    }
}
