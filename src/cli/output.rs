//! Printing for the commands. A reader that stops early
//! (`egress-studio validate … | head`) closes the pipe: the rest of the output is
//! dropped quietly and the command still exits with its verdict, instead of the
//! panic `println!` gives.
//!
//! Why not restore the default SIGPIPE action instead: `probe` writes to
//! sockets, where a peer that resets the connection must be a failure to report,
//! not a signal that kills the whole run; and the exit code stays the verdict
//! (under `set -o pipefail` a run with errors still fails, a clean one passes).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output failed once: later output is dropped.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// True for the error a write gets when the reader has gone away.
pub fn is_closed_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Writes to standard output. A closed pipe ends the output quietly; another
/// failure is reported once on standard error.
pub fn stdout(text: &str) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        STDOUT_GONE.store(true, Ordering::Relaxed);
        if !is_closed_pipe(&e) {
            stderr(&format!("error: cannot write to standard output: {e}\n"));
        }
    }
}

/// Writes to standard error; when even that is closed there is no one to tell.
pub fn stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// `println!` to standard output through [`stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` through [`stderr`].
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(&format!($($arg)*))
    };
}

/// `eprintln!` through [`stderr`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {err, errln, outln};
