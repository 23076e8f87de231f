//! Signals caught for a while (a credential_process running, the picker open): handlers that
//! only record which signal arrived, the previous actions restored on drop, and dying of a
//! signal as if it had not been caught. Shared by `resolve::child` and `cmd::pick`.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal that arrived while a [`SignalGuard`] was installed, or 0.
static CAUGHT: AtomicI32 = AtomicI32::new(0);

extern "C" fn note_signal(signal: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    CAUGHT.store(signal, Ordering::SeqCst);
}

/// Our handlers for `signals` until dropped; then the previous actions come back.
pub struct SignalGuard {
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl SignalGuard {
    pub fn install(signals: &[libc::c_int]) -> SignalGuard {
        CAUGHT.store(0, Ordering::SeqCst);
        let mut previous = Vec::new();
        for &signal in signals {
            // SAFETY: plain sigaction calls with zeroed, then filled, structs; the handler
            // only stores to an atomic.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction =
                    note_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = 0; // no SA_RESTART: a blocking poll returns EINTR at once
                let mut old: libc::sigaction = std::mem::zeroed();
                // A signal the caller ignores (`nohup`: SIGHUP) stays ignored.
                if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                if libc::sigaction(signal, &action, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        SignalGuard { previous }
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for (signal, old) in &self.previous {
            // SAFETY: restores an action returned by sigaction.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}

/// The signal caught since the last [`SignalGuard::install`], or 0.
pub fn caught() -> libc::c_int {
    CAUGHT.load(Ordering::SeqCst)
}

/// Die of `signal` as if awsp had not caught it (the shell sees the usual status).
pub fn die_of(signal: libc::c_int) -> ! {
    // SAFETY: restores the default action and raises the signal on ourselves.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
    std::process::exit(128 + signal);
}
