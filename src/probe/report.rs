//! The probe report: plain data, serialised as the CLI's JSON (and JSON lines).
//! The text for people is in [`super::text`].

use super::problem::Problem;
use super::{ProbeMode, Target};
use serde::Serialize;
use std::net::IpAddr;

/// The answer to "will the sidecar's connection work?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Fail,
    /// The probe could not judge (e.g. a certificate too large for it to read):
    /// neither OK nor FAIL; it says how to check by other means.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    pub target: TargetInfo,
    pub dns: DnsReport,
    pub tcp: Vec<TcpAttempt>,
    pub tls: Option<TlsReport>,
    pub http: Option<HttpReport>,
    pub outcome: Outcome,
    /// `outcome == ok`.
    pub ok: bool,
    /// Why the target is not ok: a named class, a sentence, what to change.
    pub problems: Vec<Problem>,
    /// Facts worth knowing that do not fail the target.
    pub notes: Vec<String>,
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetInfo {
    pub host: String,
    pub port: u16,
    pub sni: Option<String>,
    pub mode: ProbeMode,
    pub origin: String,
    /// Which resource and field decided the TLS the sidecar uses, in order.
    pub policy: Vec<String>,
    /// True for an egress gateway's hop (the gateway originates the TLS).
    pub by_gateway: bool,
}

impl ProbeReport {
    pub fn new(t: &Target) -> ProbeReport {
        ProbeReport {
            target: TargetInfo {
                host: t.host.clone(),
                port: t.port,
                sni: t.mode.uses_tls().then(|| t.effective_sni()).flatten(),
                mode: t.mode,
                origin: t.origin.clone(),
                policy: t.policy.clone(),
                by_gateway: t.by_gateway,
            },
            dns: DnsReport::default(),
            tcp: Vec::new(),
            tls: None,
            http: None,
            outcome: Outcome::Fail,
            ok: false,
            problems: Vec::new(),
            notes: Vec::new(),
            elapsed_ms: 0.0,
        }
    }

    /// Sets the outcome from the problems: OK without any, UNKNOWN when the only
    /// ones are the probe's own limits, else FAIL.
    pub fn conclude(&mut self) {
        self.outcome = if self.problems.is_empty() {
            Outcome::Ok
        } else if self.problems.iter().all(|p| p.class.is_probe_limit()) {
            Outcome::Unknown
        } else {
            Outcome::Fail
        };
        self.ok = self.outcome == Outcome::Ok;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsErrorClass {
    Nxdomain,
    Nodata,
    Servfail,
    Refused,
    Timeout,
    CnameLoop,
    DanglingCname,
    /// This machine could not send the query (e.g. out of file descriptors).
    LocalResource,
    /// Any other resolver error; `error_detail` keeps the resolver's words.
    Failed,
}

impl DnsErrorClass {
    pub fn words(self) -> &'static str {
        match self {
            DnsErrorClass::Nxdomain => "no such name (NXDOMAIN)",
            DnsErrorClass::Nodata => "no address records (NODATA)",
            DnsErrorClass::Servfail => "server failure (SERVFAIL)",
            DnsErrorClass::Refused => "refused by the resolver (REFUSED)",
            DnsErrorClass::Timeout => "DNS timeout",
            DnsErrorClass::CnameLoop => "CNAME loop",
            DnsErrorClass::DanglingCname => "dangling CNAME",
            DnsErrorClass::LocalResource => "local resource error on this machine",
            DnsErrorClass::Failed => "lookup failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub address: IpAddr,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnameHop {
    pub name: String,
    pub target: String,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DnsReport {
    /// `system (resolv.conf)`, `127.0.0.1:5353`, or `given` for literal / endpoint addresses.
    pub resolver: String,
    pub a: Vec<Answer>,
    pub aaaa: Vec<Answer>,
    pub cname_chain: Vec<CnameHop>,
    pub a_error: Option<DnsErrorClass>,
    pub aaaa_error: Option<DnsErrorClass>,
    /// Set when neither family gave an address.
    pub error: Option<DnsErrorClass>,
    pub error_detail: Option<String>,
    /// A UDP answer came back truncated and the resolver asked again over TCP
    /// (observed: the resolver's answer was received over TCP).
    pub tcp_fallback: bool,
    /// Addresses beyond the first 64 of a family, not kept.
    pub dropped: usize,
    pub elapsed_ms: f64,
}

impl DnsReport {
    pub fn given(addresses: &[IpAddr]) -> DnsReport {
        let mut r = DnsReport {
            resolver: "given".into(),
            ..Default::default()
        };
        for a in addresses {
            let answer = Answer {
                address: *a,
                ttl: 0,
            };
            if a.is_ipv4() {
                r.a.push(answer)
            } else {
                r.aaaa.push(answer)
            }
        }
        r
    }

    pub fn failed(resolver: &str, class: DnsErrorClass, detail: String) -> DnsReport {
        DnsReport {
            resolver: resolver.into(),
            error: Some(class),
            error_detail: Some(detail),
            ..Default::default()
        }
    }

    /// IPv4 first, then IPv6.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.a.iter().chain(&self.aaaa).map(|a| a.address).collect()
    }

    /// The failure in words: `no such name (NXDOMAIN)`.
    pub fn summary(&self) -> String {
        match (&self.error, &self.error_detail) {
            (Some(c), Some(d))
                if matches!(c, DnsErrorClass::Failed | DnsErrorClass::LocalResource) =>
            {
                format!("{}: {d}", c.words())
            }
            (Some(c), _) => c.words().to_string(),
            _ => format!("{} A, {} AAAA", self.a.len(), self.aaaa.len()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TcpOutcome {
    Connected,
    Refused,
    Timeout,
    Reset,
    Unreachable,
    /// Refused by the address policy before dialling.
    RefusedByPolicy,
    /// This machine ran out of something (file descriptors, ports, memory).
    LocalResource(String),
    Error(String),
}

impl TcpOutcome {
    pub fn words(&self) -> String {
        match self {
            TcpOutcome::Connected => "connected".into(),
            TcpOutcome::Refused => "connection refused".into(),
            TcpOutcome::Timeout => "no answer (timeout)".into(),
            TcpOutcome::Reset => "connection reset".into(),
            TcpOutcome::Unreachable => "unreachable".into(),
            TcpOutcome::RefusedByPolicy => "not dialled: refused by the address policy".into(),
            TcpOutcome::LocalResource(e) => format!("local resource error on this machine: {e}"),
            TcpOutcome::Error(e) => format!("error: {e}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TcpAttempt {
    pub address: String,
    pub outcome: TcpOutcome,
    pub elapsed_ms: f64,
}

/// What one trust source says of the server's chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Trusted,
    /// The chain is trusted but not valid for the name checked.
    NameMismatch,
    UnknownIssuer,
    /// The leaf is self-signed and not in this trust source.
    SelfSigned,
    Expired,
    NotYetValid,
    BadSignature,
    Revoked,
    InvalidPurpose,
    /// A CA certificate as the leaf, refused (BoringSSL accepts it: see the README).
    CaUsedAsLeaf,
    PathTooLong,
    BadEncoding,
    UnsupportedAlgorithm,
    /// Refused for another reason; the detail keeps the verifier's words.
    Rejected,
    /// The trust source could not be loaded.
    Unavailable,
}

impl Verdict {
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Trusted => "trusted",
            Verdict::NameMismatch => "trusted chain, other name",
            Verdict::UnknownIssuer => "unknown issuer",
            Verdict::SelfSigned => "self-signed, not trusted",
            Verdict::Expired => "expired",
            Verdict::NotYetValid => "not yet valid",
            Verdict::BadSignature => "bad signature",
            Verdict::Revoked => "revoked",
            Verdict::InvalidPurpose => "not for TLS servers",
            Verdict::CaUsedAsLeaf => "CA certificate used as the leaf",
            Verdict::PathTooLong => "chain too long",
            Verdict::BadEncoding => "malformed certificate",
            Verdict::UnsupportedAlgorithm => "unsupported signature algorithm",
            Verdict::Rejected => "rejected",
            Verdict::Unavailable => "unavailable",
        }
    }

    /// The chain is good (the name is judged separately).
    pub fn chain_ok(self) -> bool {
        matches!(self, Verdict::Trusted | Verdict::NameMismatch)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustVerdict {
    /// `mozilla`, `os`, `destination_rule_ca` or `ca_file`.
    pub source: String,
    pub verdict: Verdict,
    /// A sentence: `expired on 2021-01-01 00:00 UTC`, how a chain was trusted, …
    pub detail: Option<String>,
}

/// A trust source for people.
pub fn source_words(source: &str) -> &str {
    match source {
        "mozilla" => "Mozilla roots",
        "os" => "this machine's CA store",
        "destination_rule_ca" => "the DestinationRule's caCertificates",
        "ca_file" => "the --ca file",
        other => other,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub key_type: String,
    pub sha256: String,
    pub is_ca: bool,
    /// DER size in bytes.
    pub size: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthOutcome {
    /// The server did not ask for a client certificate.
    NotRequested,
    /// We sent a certificate and the server accepted it.
    Accepted,
    /// The server asked, we sent none, and it went on: the certificate is optional.
    Optional,
    /// The server asked, we sent none, and it refused.
    Required,
    /// We sent a certificate and the server refused it.
    Rejected,
    /// The server gave no verdict within the window.
    Inconclusive,
    /// MUTUAL with client certificate files that cannot be used.
    NoCertificate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientAuthReport {
    /// The server sent a CertificateRequest.
    pub requested: bool,
    /// We answered with a certificate.
    pub sent_certificate: bool,
    /// "Acceptable client certificate CA names" the server sent.
    pub acceptable_ca_names: Vec<String>,
    pub outcome: ClientAuthOutcome,
    /// The alert name when refused (e.g. `unknown_ca`, `certificate_required`).
    pub alert: Option<String>,
    /// How the outcome was observed, in words.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TlsReport {
    pub address: String,
    pub sni_sent: Option<String>,
    pub alpn_offered: Vec<String>,
    /// `TLS 1.3`, `TLS 1.2`.
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub key_exchange_group: Option<String>,
    pub alpn: Option<String>,
    /// `full`, `full with HelloRetryRequest`, `resumed`.
    pub handshake_kind: Option<String>,
    /// The first certificates of the chain (at most 16).
    pub chain: Vec<CertInfo>,
    /// How many certificates the server sent.
    pub chain_total: usize,
    pub verdicts: Vec<TrustVerdict>,
    /// The trust source the sidecar would use.
    pub sidecar_trust: String,
    /// DR / SE `subjectAltNames` (Envoy's matching) or, without them, the host.
    pub names_checked: Vec<String>,
    /// Whether the sidecar checks the name at all, and the result.
    pub name_check: NameCheck,
    pub client_auth: Option<ClientAuthReport>,
    /// The handshake failure in words.
    pub error: Option<String>,
    pub elapsed_ms: f64,
    pub ok: bool,
    #[serde(skip)]
    pub problems: Vec<Problem>,
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameCheck {
    /// Not judged (no handshake, or nothing to check against).
    NotRun,
    /// The sidecar checks no name (`sni` set, no subjectAltNames; or insecureSkipVerify).
    NotChecked,
    Match,
    NoMatch,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpReport {
    /// `HEAD / HTTP/1.1` as sent.
    pub request: String,
    /// `HTTP/1.1 200 OK`.
    pub status_line: Option<String>,
    pub status: Option<u16>,
    pub server: Option<String>,
    /// `content-length`, when the server gave one.
    pub size: Option<u64>,
    pub error: Option<String>,
    pub elapsed_ms: f64,
}
