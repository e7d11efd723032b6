//! Probing external hosts from this machine as the sidecar would reach them: real
//! DNS lookups, TCP connects, TLS / mutual-TLS handshakes made with the effective
//! DestinationRule settings (or plaintext where the sidecar sends plaintext), and
//! one HTTP request where the port is HTTP.
//!
//! No egui here. The network work runs on a tokio runtime; [`runner`] owns one on
//! a background thread so the window never waits. Key material is read only to
//! handshake and never appears in a report, log or error.

pub mod addresses;
pub mod dns;
pub mod gateway_hop;
pub mod http;
pub mod limits;
pub mod problem;
mod report;
pub mod runner;
pub mod targets;
mod text;
pub mod tls;

pub use addresses::AddressPolicy;
pub use problem::{Problem, ProblemClass};
pub use report::*;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How a target is spoken to, as the sidecar would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeMode {
    /// Plaintext (HTTP or TCP without TLS origination): DNS + connect, and one
    /// plaintext HTTP request on HTTP ports.
    #[default]
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

    /// For people: `plaintext`, `TLS from the app, passed through`, …
    pub fn words(self) -> &'static str {
        match self {
            ProbeMode::Tcp => "plaintext",
            ProbeMode::Passthrough => "TLS from the app, passed through",
            ProbeMode::Simple => "TLS originated by the sidecar, SIMPLE",
            ProbeMode::Mutual => "mutual TLS originated by the sidecar, MUTUAL",
        }
    }

    /// [`ProbeMode::words`] for the proxy that originates: the sidecar, or an
    /// egress gateway on its hop.
    pub fn words_for(self, by_gateway: bool) -> &'static str {
        match self {
            ProbeMode::Simple if by_gateway => "TLS originated by the egress gateway, SIMPLE",
            ProbeMode::Mutual if by_gateway => {
                "mutual TLS originated by the egress gateway, MUTUAL"
            }
            _ => self.words(),
        }
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
    /// Send no SNI: the sidecar originates TLS on a non-HTTP port without `sni`
    /// (Envoy's auto SNI takes the HTTP Host header, so there is none).
    pub no_sni: bool,
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
            .field("no_sni", &self.no_sni)
            .finish()
    }
}

/// One thing to probe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    /// A DNS name or an IP literal.
    pub host: String,
    /// The port dialled (the ServiceEntry's targetPort when set).
    pub port: u16,
    pub mode: ProbeMode,
    pub tls: TlsSettings,
    /// Addresses to dial instead of resolving `host` (STATIC endpoints).
    pub addresses: Vec<IpAddr>,
    /// Where the target came from (`ServiceEntry ns/name port 443`), for people.
    pub origin: String,
    /// The ServiceEntry port's protocol in capitals (`HTTP`, `TLS`, …); empty when typed.
    pub protocol: String,
    /// The port the app dials (the ServiceEntry's port number); 0 when typed.
    pub service_port: u16,
    /// The "why" trail of the effective policy, for people.
    pub policy: Vec<String>,
    /// Send one HTTP request after connecting (HTTP ports, or `--http`).
    pub http: Option<String>,
    /// True for an egress gateway's hop: the gateway, not the sidecar,
    /// originates the TLS ([`gateway_hop`]).
    pub by_gateway: bool,
}

impl Target {
    /// A bare `HOST:PORT` (or `[v6]:PORT`) typed by hand: TLS with the host as SNI.
    pub fn parse_host_port(s: &str) -> Result<Target, String> {
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, p) = rest
                .split_once("]:")
                .ok_or_else(|| format!("\"{s}\": expected [IPv6]:PORT"))?;
            (h.to_string(), p)
        } else {
            let (h, p) = s
                .rsplit_once(':')
                .ok_or_else(|| format!("\"{s}\": expected HOST:PORT"))?;
            (h.to_string(), p)
        };
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("\"{s}\": port must be 1-65535"))?;
        if host.is_empty() {
            return Err(format!("\"{s}\": empty host"));
        }
        Ok(Target {
            host: host.clone(),
            port,
            mode: ProbeMode::Passthrough,
            origin: format!("{host}:{port} typed by hand"),
            ..Default::default()
        })
    }

    /// Identifies the target and every setting that shapes its probe: a result is
    /// current only while the configuration still yields the same key.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{}|{:?}",
            self.host,
            self.port,
            self.mode,
            self.tls.sni,
            self.tls.subject_alt_names,
            self.tls.ca_certificates,
            self.tls.client_certificate,
            self.tls.private_key,
            self.tls.insecure_skip_verify,
            self.tls.no_sni,
            self.addresses,
            self.protocol,
            self.http,
        )
    }

    /// A command to check the same target from inside the mesh (through the
    /// sidecar): the app dials the ServiceEntry's port, never its targetPort.
    pub fn in_mesh_check(&self, namespace: &str) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let port = if self.service_port > 0 {
            self.service_port
        } else {
            self.port
        };
        let path = self.http.as_deref().unwrap_or("/");
        let client = format!(
            "kubectl exec -n {} deploy/<client> -c <app-container> --",
            shell_quote(namespace)
        );
        match self.mode {
            // The sidecar originates TLS: the app speaks plain HTTP to the service port.
            ProbeMode::Simple | ProbeMode::Mutual => format!(
                "{client} curl -sv --max-time 10 {}",
                shell_quote(&format!("http://{host}:{port}{path}"))
            ),
            ProbeMode::Passthrough => format!(
                "{client} curl -sv --max-time 10 {}",
                shell_quote(&format!("https://{host}:{port}{path}"))
            ),
            ProbeMode::Tcp if self.http.is_some() => format!(
                "{client} curl -sv --max-time 10 {}",
                shell_quote(&format!("http://{host}:{port}{path}"))
            ),
            ProbeMode::Tcp => format!(
                "{client} sh -c {}",
                shell_quote(&format!("nc -vz -w 5 {} {port}", shell_quote(&self.host)))
            ),
        }
    }

    /// The SNI the sidecar would send: the DR's `sni`, else the host when it is a
    /// name (none at all when [`TlsSettings::no_sni`]).
    pub fn effective_sni(&self) -> Option<String> {
        if self.tls.no_sni {
            return None;
        }
        self.tls.sni.clone().filter(|s| !s.is_empty()).or_else(|| {
            self.host
                .parse::<IpAddr>()
                .is_err()
                .then(|| self.host.clone())
        })
    }
}

/// `word` for a POSIX shell: bare when it is made of safe characters, else in
/// single quotes (a quote inside becomes `'\''`).
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,[]<>".contains(c))
        && !word.contains(['<', '>']);
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Use this nameserver (UDP and TCP) instead of the system's.
    pub dns_server: Option<SocketAddr>,
    /// Per stage (DNS, connect, handshake, HTTP).
    pub stage_timeout: Duration,
    /// Whole target, counted from when its work starts (not while it waits its turn).
    pub target_timeout: Duration,
    pub concurrency: usize,
    pub dns_concurrency: usize,
    /// Extra trust anchors for targets without a DR CA (`--ca`).
    pub extra_ca: Option<PathBuf>,
    /// How long to wait after a TLS 1.3 handshake for the server's verdict on the
    /// client certificate (only when the server asked for one).
    pub client_auth_window: Duration,
    /// Which addresses may be dialled.
    pub addresses: AddressPolicy,
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
            addresses: AddressPolicy::default(),
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
    /// Must be called inside a tokio runtime. Concurrency is clamped to what the
    /// descriptor limit allows (see [`limits::clamp_concurrency`]).
    pub fn new(mut options: ProbeOptions) -> Prober {
        // The OS trust store takes milliseconds to read: load it while we dial.
        std::thread::spawn(tls::warm_os_roots);
        let clamped = limits::clamp_concurrency(options.concurrency, options.dns_concurrency);
        options.concurrency = clamped.concurrency;
        options.dns_concurrency = clamped.dns_concurrency;
        Prober {
            all: Semaphore::new(options.concurrency.max(1)),
            dns: Semaphore::new(options.dns_concurrency.max(1)),
            resolver: std::sync::OnceLock::new(),
            options,
        }
    }

    pub fn options(&self) -> &ProbeOptions {
        &self.options
    }

    /// Probes one target. Its timeout runs from when it gets its turn, and
    /// waiting for a DNS slot does not count against it.
    pub async fn probe(&self, target: &Target) -> ProbeReport {
        let _permit = self.all.acquire().await.ok();
        let start = Instant::now();
        let mut report = ProbeReport::new(target);
        let addresses = self.resolve(target, &mut report).await;
        // Time spent waiting for a DNS slot is not the target's.
        let budget = self
            .options
            .target_timeout
            .saturating_sub(Duration::from_secs_f64(report.dns.elapsed_ms / 1000.0));
        if let Some(addresses) = addresses {
            let rest = self.connect_and_speak(target, addresses, &mut report);
            if tokio::time::timeout(budget, rest).await.is_err() {
                report.problems.push(Problem::new(
                    ProblemClass::TargetTimeout,
                    format!(
                        "the target did not finish within {} ms",
                        self.options.target_timeout.as_millis()
                    ),
                    "raise --timeout-ms if the server is slow, or check the path to it",
                ));
            }
        }
        report.conclude();
        report.elapsed_ms = ms(start);
        report
    }

    /// The DNS stage (or the given addresses), with the address policy applied.
    /// `None` when nothing may be dialled; the report then says why.
    async fn resolve(&self, target: &Target, report: &mut ProbeReport) -> Option<Vec<IpAddr>> {
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
                Err(e) => DnsReport::failed("none", DnsErrorClass::Failed, e.clone()),
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
            report
                .problems
                .push(dns::problem(&report.dns, &target.host));
            return None;
        }
        let (allowed, refused) = self.options.addresses.split(&addresses);
        for (ip, rule) in &refused {
            report.tcp.push(TcpAttempt {
                address: SocketAddr::new(*ip, target.port).to_string(),
                outcome: TcpOutcome::RefusedByPolicy,
                elapsed_ms: 0.0,
            });
            if allowed.is_empty() {
                report.problems.push(addresses::refused_problem(*ip, rule));
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }

    /// TCP to every address, then TLS or plaintext as the sidecar speaks, then HTTP.
    async fn connect_and_speak(
        &self,
        target: &Target,
        addresses: Vec<IpAddr>,
        report: &mut ProbeReport,
    ) {
        let Some(stream) = self.connect(target, &addresses, report).await else {
            return;
        };
        let timeout = self.options.stage_timeout;
        if !target.mode.uses_tls() {
            if let Some(path) = &target.http {
                let r = http::plaintext(stream, target, path, timeout).await;
                if let Some(p) = http::plaintext_problem(&r, target) {
                    report.problems.push(p);
                }
                report.http = Some(r);
            }
            return;
        }
        let (tls, session) = tls::handshake(stream, target, &self.options).await;
        report.problems.extend(tls.problems.iter().cloned());
        report.notes.extend(tls.notes.iter().cloned());
        let alpn_h2 = tls.alpn.as_deref() == Some("h2");
        report.tls = Some(tls);
        match (&target.http, session) {
            (Some(_), Some(_)) if alpn_h2 => report.http = Some(http::skipped_h2()),
            (Some(path), Some(session)) => {
                let answer = http::over_tls(session, target, path, timeout).await;
                if answer.status.is_some() {
                    settle_client_verdict(report);
                }
                report.http = Some(answer);
            }
            (None, Some(mut s)) => {
                // Close politely; nothing was sent.
                let _ = tokio::time::timeout(
                    Duration::from_millis(100),
                    tokio::io::AsyncWriteExt::shutdown(&mut s),
                )
                .await;
            }
            (_, None) => {}
        }
    }

    /// Connects to every address at once (each family on its own, no happy
    /// eyeballs); the first in order that connects is used.
    async fn connect(
        &self,
        target: &Target,
        addresses: &[IpAddr],
        report: &mut ProbeReport,
    ) -> Option<tokio::net::TcpStream> {
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
        if stream.is_none() {
            report
                .problems
                .push(limits::tcp_problem(&report.tcp, &target.host, target.port));
        }
        stream
    }

    /// Probes many targets with the concurrency limits; reports come back in order.
    pub async fn probe_all(self: &Arc<Self>, targets: &[Target]) -> Vec<ProbeReport> {
        let mut out: Vec<Option<ProbeReport>> = vec![None; targets.len()];
        self.probe_each(targets, |i, r| out[i] = Some(r)).await;
        out.into_iter()
            .zip(targets)
            .map(|(r, t)| r.unwrap_or_else(|| ProbeReport::new(t)))
            .collect()
    }

    /// Probes many targets and hands each report over as it finishes.
    pub async fn probe_each(
        self: &Arc<Self>,
        targets: &[Target],
        mut each: impl FnMut(usize, ProbeReport),
    ) {
        let mut set = tokio::task::JoinSet::new();
        for (i, t) in targets.iter().cloned().enumerate() {
            let me = Arc::clone(self);
            set.spawn(async move { (i, me.probe(&t).await) });
        }
        while let Some(r) = set.join_next().await {
            if let Ok((i, report)) = r {
                each(i, report);
            }
        }
    }
}

/// The server answered a request after the handshake: a client certificate it
/// had given no verdict on was accepted (or, if we sent none, optional).
fn settle_client_verdict(report: &mut ProbeReport) {
    let Some(ca) = report.tls.as_mut().and_then(|t| t.client_auth.as_mut()) else {
        return;
    };
    if ca.outcome != ClientAuthOutcome::Inconclusive {
        return;
    }
    ca.outcome = if ca.sent_certificate {
        ClientAuthOutcome::Accepted
    } else {
        ClientAuthOutcome::Optional
    };
    ca.detail = Some("the server answered an HTTP request".into());
    report
        .problems
        .retain(|p| p.class != ProblemClass::ClientCertificateNoVerdict);
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
        Ok(Err(e)) => (limits::tcp_outcome(&e), None),
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
