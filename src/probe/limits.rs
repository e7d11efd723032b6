//! The machine's own limits. A probe that runs out of file descriptors must say
//! so, not blame the remote side: concurrency is kept within the descriptor limit
//! (and the clamp is reported), and errors that come from this machine (EMFILE,
//! ENFILE, ENOBUFS, ENOMEM, no free local port) are reported as local.

use super::problem::{Problem, ProblemClass};
use super::report::{TcpAttempt, TcpOutcome};

/// Descriptors each probe may hold at once: the TCP socket and the resolver's
/// sockets for A and AAAA (UDP, then TCP on truncation).
const FDS_PER_TARGET: usize = 3;
/// Kept for the runtime, the standard streams, files read (CA, keys) and the GUI.
const RESERVED_FDS: usize = 48;

/// The last clamp applied, for the CLI's note: (asked, allowed, limit).
static LAST_CLAMP: std::sync::Mutex<Option<(usize, usize, u64)>> = std::sync::Mutex::new(None);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clamped {
    pub concurrency: usize,
    pub dns_concurrency: usize,
}

/// The soft limit on open files of this process, if known.
pub fn descriptor_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own and reads nothing else.
        let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
        if rc == 0 && rl.rlim_cur != libc::RLIM_INFINITY {
            // rlim_t is u64 on Linux and macOS but not everywhere.
            #[allow(clippy::unnecessary_cast)]
            return Some(rl.rlim_cur as u64);
        }
        None
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Descriptors open now (Linux: /proc/self/fd), to leave them out of the budget.
fn open_now() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Concurrency that fits the descriptor limit. When it lowers the request,
/// [`last_clamp`] says so for the caller to tell the user.
pub fn clamp_concurrency(concurrency: usize, dns_concurrency: usize) -> Clamped {
    let asked = Clamped {
        concurrency: concurrency.max(1),
        dns_concurrency: dns_concurrency.max(1),
    };
    let Some(limit) = descriptor_limit() else {
        return asked;
    };
    let open = open_now();
    let budget = (limit as usize).saturating_sub(open + RESERVED_FDS) / FDS_PER_TARGET;
    let allowed = budget.max(1);
    if allowed >= asked.concurrency {
        return asked;
    }
    if let Ok(mut last) = LAST_CLAMP.lock() {
        *last = Some((asked.concurrency, allowed, limit));
    }
    Clamped {
        concurrency: allowed,
        dns_concurrency: asked.dns_concurrency.min(allowed),
    }
}

/// The last clamp, as a sentence, once.
pub fn take_clamp_note() -> Option<String> {
    let (asked, allowed, limit) = LAST_CLAMP.lock().ok()?.take()?;
    Some(format!(
        "concurrency lowered from {asked} to {allowed}: this process may open only {limit} files (ulimit -n)"
    ))
}

/// Whether this process is at its open-files limit now (within a few): a
/// resolver error then is this machine's, not the nameserver's.
pub fn descriptors_exhausted() -> bool {
    match descriptor_limit() {
        Some(limit) => open_now() as u64 + 4 >= limit,
        None => false,
    }
}

/// An OS error that comes from this machine's limits, in words.
pub fn local_resource(e: &std::io::Error) -> Option<&'static str> {
    #[cfg(unix)]
    {
        match e.raw_os_error()? {
            libc::EMFILE => Some("too many open files in this process (ulimit -n)"),
            libc::ENFILE => Some("too many open files on this machine"),
            libc::ENOBUFS => Some("no buffer space on this machine"),
            libc::ENOMEM => Some("out of memory"),
            libc::EADDRNOTAVAIL => None,
            _ => None,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        None
    }
}

pub fn tcp_outcome(e: &std::io::Error) -> TcpOutcome {
    if let Some(local) = local_resource(e) {
        return TcpOutcome::LocalResource(local.to_string());
    }
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => TcpOutcome::Refused,
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            TcpOutcome::Reset
        }
        std::io::ErrorKind::TimedOut => TcpOutcome::Timeout,
        std::io::ErrorKind::HostUnreachable
        | std::io::ErrorKind::NetworkUnreachable
        | std::io::ErrorKind::AddrNotAvailable => TcpOutcome::Unreachable,
        _ => TcpOutcome::Error(e.to_string()),
    }
}

/// Why no address took the connection, from the attempts.
pub fn tcp_problem(attempts: &[TcpAttempt], host: &str, port: u16) -> Problem {
    let all =
        |f: fn(&TcpOutcome) -> bool| !attempts.is_empty() && attempts.iter().all(|a| f(&a.outcome));
    if let Some(TcpOutcome::LocalResource(why)) = attempts
        .iter()
        .map(|a| &a.outcome)
        .find(|o| matches!(o, TcpOutcome::LocalResource(_)))
    {
        return Problem::new(
            ProblemClass::LocalResourceLimit,
            format!("this machine could not open a connection: {why}"),
            "lower --concurrency or raise the open-files limit (ulimit -n); the target itself was not judged",
        );
    }
    if all(|o| matches!(o, TcpOutcome::Refused)) {
        return Problem::new(
            ProblemClass::TcpRefused,
            format!("{host} refused the connection on port {port} (nothing listens there)"),
            "check the ServiceEntry port (or targetPort) against the port the server listens on",
        );
    }
    if all(|o| matches!(o, TcpOutcome::Timeout)) {
        return Problem::new(
            ProblemClass::TcpTimeout,
            format!("no answer from {host} on port {port} (a firewall may drop the packets)"),
            "check firewalls and egress rules between here and the server, and the port",
        );
    }
    if all(|o| matches!(o, TcpOutcome::Unreachable)) {
        return Problem::new(
            ProblemClass::TcpUnreachable,
            format!("{host} is unreachable from this machine"),
            "check the route to the server (and the ServiceEntry's addresses or endpoints)",
        );
    }
    if all(|o| matches!(o, TcpOutcome::Reset)) {
        return Problem::new(
            ProblemClass::TcpReset,
            format!("{host} reset the connection on port {port}"),
            "check the port and any firewall in between",
        );
    }
    let words: Vec<String> = attempts
        .iter()
        .map(|a| format!("{} {}", a.address, a.outcome.words()))
        .collect();
    Problem::new(
        ProblemClass::TcpError,
        format!(
            "no address of {host} accepted a connection on port {port}: {}",
            words.join("; ")
        ),
        "check the port and the path to the server",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_shortage_is_local_not_remote() {
        let e = std::io::Error::from_raw_os_error(libc::EMFILE);
        assert!(matches!(tcp_outcome(&e), TcpOutcome::LocalResource(_)));
        let attempts = [TcpAttempt {
            address: "192.0.2.1:443".into(),
            outcome: tcp_outcome(&e),
            elapsed_ms: 0.0,
        }];
        let p = tcp_problem(&attempts, "api.example.com", 443);
        assert_eq!(p.class, ProblemClass::LocalResourceLimit);
        assert!(p.change.contains("ulimit"));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(tcp_outcome(&refused), TcpOutcome::Refused);
    }

    #[test]
    fn concurrency_fits_the_limit() {
        // Whatever this machine's limit, the clamp never exceeds the request
        // and never drops to zero.
        let c = clamp_concurrency(100_000, 50);
        assert!(c.concurrency >= 1 && c.concurrency <= 100_000);
        assert!(c.dns_concurrency <= 50 && c.dns_concurrency >= 1);
        if let Some(limit) = descriptor_limit() {
            assert!(
                (c.concurrency as u64) * FDS_PER_TARGET as u64 <= limit.max(FDS_PER_TARGET as u64)
            );
        }
    }
}
