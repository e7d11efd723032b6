//! Probing external hosts from this machine: real DNS lookups, TCP connects and
//! TLS / mutual-TLS handshakes made with a DestinationRule's own settings.
//!
//! No egui here. The network work runs on a tokio runtime; [`runner`] owns one on
//! a background thread so the window never waits. Key material is read only to
//! handshake and never appears in a report, log or error.

pub mod dns;
mod report;
pub mod runner;
pub mod targets;
pub mod tls;

pub use report::*;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How a target is spoken to, as the sidecar would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeMode {
    /// Plain TCP (HTTP or TCP without TLS origination): DNS + connect only.
    Tcp,
    /// The app speaks TLS itself (SE port TLS/HTTPS, no origination): a TLS handshake
    /// with the host as SNI, verified against the system's trust.
    Passthrough,
    /// The sidecar originates TLS (DR `mode: SIMPLE`).
    Simple,
    /// The sidecar originates mutual TLS with a client certificate (DR `mode: MUTUAL`).
    Mutual,
}

impl ProbeMode {
    pub fn uses_tls(self) -> bool {
        !matches!(self, ProbeMode::Tcp)
    }
}

/// The TLS settings that apply to a target, with local file paths.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    pub sni: Option<String>,
    pub subject_alt_names: Vec<String>,
    pub ca_certificates: Option<PathBuf>,
    pub client_certificate: Option<PathBuf>,
    pub private_key: Option<PathBuf>,
    pub insecure_skip_verify: bool,
}

impl std::fmt::Debug for TlsSettings {
    // Paths are not secret, but the key path is shown only as present/absent to keep
    // key handling in one place.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings")
            .field("sni", &self.sni)
            .field("subject_alt_names", &self.subject_alt_names)
            .field("ca_certificates", &self.ca_certificates)
            .field("client_certificate", &self.client_certificate)
            .field("private_key", &self.private_key.as_ref().map(|_| "<set>"))
            .field("insecure_skip_verify", &self.insecure_skip_verify)
            .finish()
    }
}

/// One thing to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A DNS name or an IP literal.
    pub host: String,
    pub port: u16,
    pub mode: ProbeMode,
    pub tls: TlsSettings,
    /// Addresses to dial instead of resolving `host` (STATIC endpoints).
    pub addresses: Vec<IpAddr>,
    /// Where the target came from (`ServiceEntry ns/name port 443`), for people.
    pub origin: String,
}

impl Target {
    /// A bare `HOST:PORT` (or `[v6]:PORT`) typed by hand: TLS with the host as SNI.
    pub fn parse_host_port(s: &str) -> Result<Target, String> {
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, p) = rest
                .split_once("]:")
                .ok_or_else(|| format!("{s:?}: expected [IPv6]:PORT"))?;
            (h.to_string(), p)
        } else {
            let (h, p) = s
                .rsplit_once(':')
                .ok_or_else(|| format!("{s:?}: expected HOST:PORT"))?;
            (h.to_string(), p)
        };
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("{s:?}: port must be 1-65535"))?;
        if host.is_empty() {
            return Err(format!("{s:?}: empty host"));
        }
        Ok(Target {
            host: host.clone(),
            port,
            mode: ProbeMode::Passthrough,
            tls: TlsSettings::default(),
            addresses: Vec::new(),
            origin: format!("{host}:{port} typed by hand"),
        })
    }

    /// Identifies the target and every setting that shapes its probe: a result is
    /// current only while the configuration still yields the same key.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
            self.host,
            self.port,
            self.mode,
            self.tls.sni,
            self.tls.subject_alt_names,
            self.tls.ca_certificates,
            self.tls.client_certificate,
            self.tls.private_key,
            self.tls.insecure_skip_verify,
            self.addresses
        )
    }

    /// A command to check the same target from inside the mesh (through the sidecar).
    pub fn in_mesh_check(&self, namespace: &str, service_port: u16) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let client = format!("kubectl exec -n {namespace} deploy/<client> -c <app-container> --");
        match self.mode {
            // The sidecar originates TLS: the app speaks plain HTTP to the service port.
            ProbeMode::Simple | ProbeMode::Mutual => {
                format!("{client} curl -sv --max-time 10 http://{host}:{service_port}/")
            }
            ProbeMode::Passthrough => format!(
                "{client} curl -sv --max-time 10 https://{host}:{}/",
                self.port
            ),
            ProbeMode::Tcp => format!("{client} sh -c 'nc -vz -w 5 {host} {}'", self.port),
        }
    }

    /// The SNI the sidecar would send: the DR's `sni`, else the host when it is a name.
    pub fn effective_sni(&self) -> Option<String> {
        self.tls.sni.clone().filter(|s| !s.is_empty()).or_else(|| {
            self.host
                .parse::<IpAddr>()
                .is_err()
                .then(|| self.host.clone())
        })
    }
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Use this nameserver (UDP and TCP) instead of the system's.
    pub dns_server: Option<SocketAddr>,
    /// Per stage (DNS, connect, handshake).
    pub stage_timeout: Duration,
    /// Whole target.
    pub target_timeout: Duration,
    pub concurrency: usize,
    pub dns_concurrency: usize,
    /// Extra trust anchors for targets without a DR CA (`--ca`).
    pub extra_ca: Option<PathBuf>,
    /// How long to wait after a TLS 1.3 handshake for the server's verdict on our client certificate.
    pub client_auth_window: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            dns_server: None,
            stage_timeout: Duration::from_secs(3),
            target_timeout: Duration::from_secs(10),
            concurrency: 32,
            dns_concurrency: 8,
            extra_ca: None,
            client_auth_window: Duration::from_millis(500),
        }
    }
}

/// Shared state of a batch: resolver and limits.
pub struct Prober {
    options: ProbeOptions,
    /// Built on first use: targets given as addresses need none.
    resolver: std::sync::OnceLock<Result<(hickory_resolver::TokioResolver, String), String>>,
    all: Semaphore,
    dns: Semaphore,
}

impl Prober {
    /// Must be called inside a tokio runtime.
    pub fn new(options: ProbeOptions) -> Prober {
        // The OS trust store takes milliseconds to read: load it while we dial.
        std::thread::spawn(tls::warm_os_roots);
        Prober {
            all: Semaphore::new(options.concurrency.max(1)),
            dns: Semaphore::new(options.dns_concurrency.max(1)),
            resolver: std::sync::OnceLock::new(),
            options,
        }
    }

    /// Probes one target under the whole-target timeout.
    pub async fn probe(&self, target: &Target) -> ProbeReport {
        let start = Instant::now();
        let _permit = self.all.acquire().await.ok();
        match tokio::time::timeout(self.options.target_timeout, self.probe_inner(target)).await {
            Ok(mut r) => {
                r.elapsed_ms = ms(start);
                r
            }
            Err(_) => {
                let mut r = ProbeReport::new(target);
                r.problems.push(format!(
                    "target timed out after {} ms",
                    self.options.target_timeout.as_millis()
                ));
                r.elapsed_ms = ms(start);
                r
            }
        }
    }

    async fn probe_inner(&self, target: &Target) -> ProbeReport {
        let mut report = ProbeReport::new(target);
        // DNS (or the given addresses).
        let addresses: Vec<IpAddr> = if !target.addresses.is_empty() {
            report.dns = DnsReport::given(&target.addresses);
            target.addresses.clone()
        } else if let Ok(ip) = target.host.parse::<IpAddr>() {
            report.dns = DnsReport::given(&[ip]);
            vec![ip]
        } else {
            let _dns = self.dns.acquire().await.ok();
            let resolver = self.resolver.get_or_init(|| {
                dns::build_resolver(self.options.dns_server, self.options.stage_timeout)
            });
            report.dns = match resolver {
                Ok((resolver, name)) => {
                    dns::resolve(resolver, name, &target.host, self.options.stage_timeout).await
                }
                Err(e) => DnsReport::failed("none", DnsErrorClass::Other, e.clone()),
            };
            report.dns.addresses()
        };
        log::debug!(
            "probe {}:{}: DNS {}",
            target.host,
            target.port,
            report.dns.summary()
        );
        if addresses.is_empty() {
            report.problems.push(format!(
                "{} did not resolve: {}",
                target.host,
                report.dns.summary()
            ));
            return report;
        }
        // TCP to every address, concurrently.
        let mut set = tokio::task::JoinSet::new();
        for (i, ip) in addresses.iter().take(8).enumerate() {
            let addr = SocketAddr::new(*ip, target.port);
            let timeout = self.options.stage_timeout;
            set.spawn(async move { (i, tcp_connect(addr, timeout).await) });
        }
        let mut results = Vec::new();
        while let Some(Ok(r)) = set.join_next().await {
            results.push(r);
        }
        results.sort_by_key(|(i, _)| *i);
        let mut stream = None;
        for (_, (attempt, s)) in results {
            if stream.is_none() {
                stream = s;
            }
            report.tcp.push(attempt);
        }
        log::debug!(
            "probe {}:{}: TCP connected: {}",
            target.host,
            target.port,
            stream.is_some()
        );
        let Some(stream) = stream else {
            report.problems.push(format!(
                "no address of {} accepted a TCP connection on port {}",
                target.host, target.port
            ));
            return report;
        };
        if !target.mode.uses_tls() {
            report.ok = true;
            return report;
        }
        let tls = tls::handshake(stream, target, &self.options).await;
        log::debug!(
            "probe {}:{}: TLS ok: {} {}",
            target.host,
            target.port,
            tls.ok,
            tls.problems().join("; ")
        );
        report.problems.extend(tls.problems());
        report.ok = tls.ok;
        report.tls = Some(tls);
        report
    }

    /// Probes many targets with the concurrency limits; reports come back in order.
    pub async fn probe_all(self: &Arc<Self>, targets: &[Target]) -> Vec<ProbeReport> {
        let mut set = tokio::task::JoinSet::new();
        for (i, t) in targets.iter().cloned().enumerate() {
            let me = Arc::clone(self);
            set.spawn(async move { (i, me.probe(&t).await) });
        }
        let mut out: Vec<Option<ProbeReport>> = vec![None; targets.len()];
        while let Some(Ok((i, r))) = set.join_next().await {
            out[i] = Some(r);
        }
        out.into_iter()
            .zip(targets)
            .map(|(r, t)| r.unwrap_or_else(|| ProbeReport::new(t)))
            .collect()
    }
}

pub(crate) fn ms(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

async fn tcp_connect(
    addr: SocketAddr,
    timeout: Duration,
) -> (TcpAttempt, Option<tokio::net::TcpStream>) {
    let start = Instant::now();
    let result = tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await;
    let (outcome, stream) = match result {
        Ok(Ok(s)) => (TcpOutcome::Connected, Some(s)),
        Ok(Err(e)) => (
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
            },
            None,
        ),
        Err(_) => (TcpOutcome::Timeout, None),
    };
    (
        TcpAttempt {
            address: addr.to_string(),
            outcome,
            elapsed_ms: ms(start),
        },
        stream,
    )
}
