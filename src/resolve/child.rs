//! Run a helper command (a `credential_process`) within bounds: its stdout is read up to a cap,
//! the wait for it to exit is limited, and it runs in its own process group, which is killed
//! on timeout, on too much output, and when awsp itself is interrupted (SIGINT, SIGTERM,
//! SIGHUP). awsp waits for the process to exit, not for its stdout to close: a background
//! child that inherited stdout does not hold awsp up.
//!
//! A process in its own group that reads the terminal (an MFA prompt) would be stopped with
//! SIGTTIN, so while it runs its group is the terminal's foreground group when awsp's was
//! (as a shell does for a job), and awsp takes the terminal back afterwards.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Why a run did not give an exit status and the output.
#[derive(Debug)]
pub enum RunError {
    /// The command could not be started.
    Spawn(std::io::Error),
    /// It did not exit within the limit; its group was killed.
    Timeout(Duration),
    /// It printed more than the cap on stdout; its group was killed.
    TooMuchOutput(usize),
    /// Reading its stdout or waiting for it failed.
    Io(std::io::Error),
}

/// What a finished run gave.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
}

/// Run `command` (stdin and stderr inherited, stdout captured), bounded by `timeout` and
/// `max_stdout` bytes. If awsp receives SIGINT, SIGTERM or SIGHUP meanwhile, the command's
/// group is killed and awsp dies of that signal.
pub fn run_bounded(
    mut command: Command,
    timeout: Duration,
    max_stdout: usize,
) -> Result<Finished, RunError> {
    let attended = super::interaction::may_prompt();
    if attended {
        command.stdin(Stdio::inherit()).stderr(Stdio::inherit());
    } else {
        // Nobody to answer: no stdin, no terminal (see `imp::run`), nothing said.
        command.stdin(Stdio::null()).stderr(Stdio::null());
    }
    command.stdout(Stdio::piped());
    imp::run(command, timeout, max_stdout, attended)
}

#[cfg(unix)]
mod imp {
    use super::*;

    use crate::signals::{SignalGuard, caught, die_of};
    use std::io::Read;
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::process::CommandExt;
    use std::process::Child;

    /// The signals that, while a child runs, kill its process group and then awsp.
    const FORWARDED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The controlling terminal, when awsp's process group is its foreground group: the
    /// child's group gets the foreground while it runs.
    struct Terminal {
        fd: OwnedFd,
        our_group: libc::pid_t,
    }

    impl Terminal {
        fn foreground() -> Option<Terminal> {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
                .open("/dev/tty")
                .ok()?;
            let fd = OwnedFd::from(file);
            // SAFETY: plain calls on a valid descriptor.
            let (foreground, ours) = unsafe { (libc::tcgetpgrp(fd.as_raw_fd()), libc::getpgrp()) };
            (foreground == ours).then_some(Terminal {
                fd,
                our_group: ours,
            })
        }

        /// Make `group` the foreground group; SIGTTOU is blocked meanwhile, as awsp may be
        /// in a background group when it takes the terminal back.
        fn give_to(&self, group: libc::pid_t) {
            set_foreground(self.fd.as_raw_fd(), group);
        }
    }

    impl Drop for Terminal {
        fn drop(&mut self) {
            self.give_to(self.our_group);
        }
    }

    /// `tcsetpgrp` with SIGTTOU blocked; async-signal-safe (used between fork and exec too).
    fn set_foreground(fd: libc::c_int, group: libc::pid_t) {
        // SAFETY: signal mask and terminal calls on a valid descriptor; no allocation.
        unsafe {
            let mut block: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut block);
            libc::sigaddset(&mut block, libc::SIGTTOU);
            libc::sigprocmask(libc::SIG_BLOCK, &block, &mut old);
            libc::tcsetpgrp(fd, group);
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
    }

    /// The child and its group: killed on drop unless it exited by itself.
    struct Group {
        child: Child,
        exited: bool,
    }

    impl Group {
        fn kill(&mut self) {
            let pid = self.child.id() as libc::pid_t;
            // SAFETY: signals the child's own group (it leads it; not yet reaped, so the id
            // cannot have been reused).
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.exited = true;
        }
    }

    impl Drop for Group {
        fn drop(&mut self) {
            if !self.exited {
                self.kill();
            }
        }
    }

    pub fn run(
        mut command: Command,
        timeout: Duration,
        max_stdout: usize,
        attended: bool,
    ) -> Result<Finished, RunError> {
        let signals = SignalGuard::install(&FORWARDED);
        // Unattended, the child gets a session of its own: no controlling terminal, so that
        // opening /dev/tty to prompt fails at once.
        let terminal = if attended {
            Terminal::foreground()
        } else {
            None
        };
        let tty_fd = terminal.as_ref().map(|t| t.fd.as_raw_fd());
        // SAFETY: between fork and exec only async-signal-safe calls (setpgid, tcsetpgrp,
        // sigprocmask) on a descriptor that stays open until the child has started.
        unsafe {
            command.pre_exec(move || {
                // The child leads a new group; if awsp had the terminal, the child's group
                // takes it before running anything that could read it (no race with awsp).
                if attended {
                    libc::setpgid(0, 0);
                } else {
                    libc::setsid();
                }
                if let Some(fd) = tty_fd {
                    set_foreground(fd, libc::getpid());
                }
                // If awsp dies of a signal it cannot catch (SIGKILL), the kernel kills the
                // command itself (its own children are beyond reach then).
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let started = Instant::now();
        let mut child = command.spawn().map_err(RunError::Spawn)?;
        let pid = child.id() as libc::pid_t;
        // SAFETY: plain call; failing (the child already exec'd) is fine.
        unsafe {
            libc::setpgid(pid, pid);
        }
        if let Some(terminal) = &terminal {
            terminal.give_to(pid);
        }
        let stdout = child.stdout.take();
        let mut group = Group {
            child,
            exited: false,
        };
        let mut stdout = match stdout {
            Some(stdout) => stdout,
            None => return Err(RunError::Io(std::io::Error::other("no stdout pipe"))),
        };
        set_nonblocking(stdout.as_raw_fd()).map_err(RunError::Io)?;

        let mut output = Vec::new();
        let mut open = true;
        let mut chunk = [0u8; 16 * 1024];
        // How long one poll waits for output before checking whether the process exited:
        // short at first (most helpers answer fast), then up to 10 ms.
        let mut step = Duration::from_millis(1);
        let status = loop {
            let signal = caught();
            if signal != 0 {
                group.kill();
                drop(terminal);
                drop(signals);
                die_of(signal);
            }
            if open {
                open = drain(&mut stdout, &mut chunk, &mut output, max_stdout)?;
                if output.len() > max_stdout {
                    group.kill();
                    return Err(RunError::TooMuchOutput(max_stdout));
                }
            }
            if let Some(status) = group.child.try_wait().map_err(RunError::Io)? {
                group.exited = true;
                break status;
            }
            let elapsed = started.elapsed();
            if elapsed >= timeout {
                group.kill();
                return Err(RunError::Timeout(timeout));
            }
            let wait = step.min(timeout - elapsed);
            if open {
                poll_readable(stdout.as_raw_fd(), wait);
            } else {
                std::thread::sleep(wait);
            }
            step = (step * 2).min(Duration::from_millis(10));
        };
        // What it wrote before exiting is in the pipe; a background child may keep the pipe
        // open, so read what is there without waiting for the end.
        if open {
            drain(&mut stdout, &mut chunk, &mut output, max_stdout)?;
            if output.len() > max_stdout {
                return Err(RunError::TooMuchOutput(max_stdout));
            }
        }
        drop(terminal);
        // A signal that came as the command finished still ends awsp, with nothing printed.
        let signal = caught();
        drop(signals);
        if signal != 0 {
            die_of(signal);
        }
        Ok(Finished {
            status,
            stdout: output,
        })
    }

    /// Read what is available without blocking; false once the pipe is closed. Stops past
    /// `max` bytes.
    fn drain(
        stdout: &mut std::process::ChildStdout,
        chunk: &mut [u8],
        output: &mut Vec<u8>,
        max: usize,
    ) -> Result<bool, RunError> {
        loop {
            match stdout.read(chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    output.extend_from_slice(&chunk[..n]);
                    if output.len() > max {
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(true),
                Err(e) => return Err(RunError::Io(e)),
            }
        }
    }

    fn set_nonblocking(fd: libc::c_int) -> std::io::Result<()> {
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }

    /// Wait up to `wait` for `fd` to be readable (or closed); a signal ends the wait early.
    fn poll_readable(fd: libc::c_int, wait: Duration) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = wait.as_millis().clamp(1, 1000) as libc::c_int;
        // SAFETY: one valid pollfd.
        unsafe {
            libc::poll(&mut pfd, 1, ms);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::*;

    use std::io::Read;

    /// Elsewhere: the output cap and the timeout, without process groups.
    pub fn run(
        mut command: Command,
        timeout: Duration,
        max_stdout: usize,
        _attended: bool,
    ) -> Result<Finished, RunError> {
        let started = Instant::now();
        let mut child = command.spawn().map_err(RunError::Spawn)?;
        let stdout = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut output = Vec::new();
            if let Some(stdout) = stdout {
                let _ = stdout.take(max_stdout as u64 + 1).read_to_end(&mut output);
            }
            output
        });
        loop {
            if let Some(status) = child.try_wait().map_err(RunError::Io)? {
                let stdout = reader.join().unwrap_or_default();
                if stdout.len() > max_stdout {
                    return Err(RunError::TooMuchOutput(max_stdout));
                }
                return Ok(Finished { status, stdout });
            }
            if started.elapsed() >= timeout {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout(timeout));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
