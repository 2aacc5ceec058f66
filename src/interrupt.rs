//! SIGINT, SIGTERM and SIGHUP: the output set being written is abandoned
//! (its staging directory removed, the output directory left as it was; a
//! set already being swapped in is let finish first), and cradle exits with
//! 128 + the signal number: 130, 143, 129.
//!
//! The handler runs on a thread of its own (signal-hook's iterator: the
//! signal handler proper only writes to a pipe), so it may remove files; and
//! it does the clean-up itself, so it works whatever the main thread is
//! doing: computing a Sobol design, streaming samples.csv, or blocked on a
//! slow disk. A second signal while the first is handled ends the process at
//! once. On other platforms the default handling applies, and the next run
//! in the directory removes what an interrupted one left.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use cradle::output::{AbandonHandle, OutputSet};

/// The output set to abandon on a signal (one per process).
static ACTIVE: Mutex<Option<AbandonHandle>> = Mutex::new(None);

/// Set once a signal is being handled.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Handle SIGINT, SIGTERM and SIGHUP from now on (Unix).
pub fn install() {
    #[cfg(unix)]
    unix::install();
}

/// Abandon `set` if a signal arrives before it is committed.
pub fn watch(set: &OutputSet) {
    let mut active = ACTIVE.lock().unwrap_or_else(|p| p.into_inner());
    *active = Some(set.abandon_handle());
}

/// If a signal is being handled, wait for the handler to end the process
/// (so that the main thread neither reports the errors the clean-up causes
/// nor exits with another code).
pub fn wait_if_stopping() {
    if STOPPING.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// What the handler thread does with the first signal: abandon the active
/// set, say so, and exit with 128 + `signal`.
#[cfg_attr(not(unix), allow(dead_code))]
fn stop(signal: i32) -> ! {
    STOPPING.store(true, Ordering::SeqCst);
    let handle = ACTIVE.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(handle) = handle
        && handle.abandon()
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "cradle: interrupted; nothing was written to {} (its files are as they were)",
            handle.dir().display()
        );
    }
    std::process::exit(128 + signal)
}

#[cfg(unix)]
mod unix {
    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];

    pub fn install() {
        for signal in SIGNALS {
            // Registered first, so it runs before the iterator's action: it
            // ends the process only once STOPPING is set, i.e. on a second signal.
            let _ = signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, &super::STOPPING);
        }
        // Without the iterator the signals keep their default action (the
        // process ends; the next run cleans up): no reason to fail a run.
        let Ok(mut signals) = Signals::new(SIGNALS) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                super::stop(signal);
            }
        });
    }
}
