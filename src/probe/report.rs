//! The probe report: plain data, serialised as the CLI's JSON.

use super::{ProbeMode, Target};
use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    pub target: TargetInfo,
    pub dns: DnsReport,
    pub tcp: Vec<TcpAttempt>,
    pub tls: Option<TlsReport>,
    pub ok: bool,
    /// Why the target is not ok, in words.
    pub problems: Vec<String>,
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetInfo {
    pub host: String,
    pub port: u16,
    pub sni: Option<String>,
    pub mode: ProbeMode,
    pub origin: String,
}

impl ProbeReport {
    pub fn new(t: &Target) -> ProbeReport {
        ProbeReport {
            target: TargetInfo {
                host: t.host.clone(),
                port: t.port,
                sni: t.effective_sni(),
                mode: t.mode,
                origin: t.origin.clone(),
            },
            dns: DnsReport::default(),
            tcp: Vec::new(),
            tls: None,
            ok: false,
            problems: Vec::new(),
            elapsed_ms: 0.0,
        }
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
    Other,
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
    /// The answer did not fit a UDP datagram: it was fetched again over TCP.
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

    pub fn summary(&self) -> String {
        match (&self.error, &self.error_detail) {
            (Some(c), Some(d)) => format!("{c:?}: {d}"),
            (Some(c), None) => format!("{c:?}"),
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
    Error(String),
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
    Expired,
    NotYetValid,
    BadSignature,
    Revoked,
    InvalidPurpose,
    Other,
    /// The trust source could not be loaded.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustVerdict {
    /// `mozilla`, `os`, `destination_rule_ca` or `ca_file`.
    pub source: String,
    pub verdict: Verdict,
    pub detail: Option<String>,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthOutcome {
    /// The server did not ask for a client certificate.
    NotRequested,
    Accepted,
    Rejected,
    Inconclusive,
    /// MUTUAL without usable client certificate files.
    NoCertificate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientAuthReport {
    pub requested: bool,
    /// "Acceptable client certificate CA names" the server sent.
    pub acceptable_ca_names: Vec<String>,
    pub outcome: ClientAuthOutcome,
    /// The alert name when rejected (e.g. `unknown_ca`, `certificate_required`).
    pub alert: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TlsReport {
    pub address: String,
    pub sni_sent: Option<String>,
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub key_exchange_group: Option<String>,
    pub alpn: Option<String>,
    pub handshake_kind: Option<String>,
    pub chain: Vec<CertInfo>,
    pub verdicts: Vec<TrustVerdict>,
    /// The trust source the sidecar would use.
    pub sidecar_trust: String,
    /// DR `subjectAltNames` (Envoy's matching) or, without them, the SNI/host.
    pub names_checked: Vec<String>,
    pub name_match: bool,
    pub client_auth: Option<ClientAuthReport>,
    /// Handshake failure, classified (`timeout`, `not_tls`, `alert:…`, `closed`, …).
    pub error: Option<String>,
    pub elapsed_ms: f64,
    pub ok: bool,
}

impl TlsReport {
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = &self.error {
            out.push(format!("TLS handshake failed: {e}"));
        }
        if let Some(v) = self
            .verdicts
            .iter()
            .find(|v| v.source == self.sidecar_trust)
            && !matches!(v.verdict, Verdict::Trusted | Verdict::NameMismatch)
        {
            out.push(format!("server chain is {:?} for {}", v.verdict, v.source));
        }
        if self.error.is_none() && !self.name_match {
            out.push(format!(
                "server certificate does not match {}",
                self.names_checked.join(", ")
            ));
        }
        if let Some(ca) = &self.client_auth
            && !matches!(ca.outcome, ClientAuthOutcome::Accepted)
        {
            out.push(format!(
                "client certificate {:?}{}",
                ca.outcome,
                ca.alert
                    .as_ref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}

impl ProbeReport {
    /// A report as text, for people.
    pub fn text(&self) -> String {
        let r = self;
        use std::fmt::Write;
        let mut s = String::new();
        let t = &r.target;
        let sni = t
            .sni
            .as_deref()
            .map(|x| format!(", sni {x}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{}:{} ({:?}{sni}) — {}: {}",
            t.host,
            t.port,
            t.mode,
            t.origin,
            if r.ok { "OK" } else { "FAILED" }
        );
        let d = &r.dns;
        let fam = |v: &Vec<Answer>| {
            v.iter()
                .map(|a| format!("{} (ttl {})", a.address, a.ttl))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let chain = d
            .cname_chain
            .iter()
            .map(|h| format!("{} -> {} (ttl {})", h.name, h.target, h.ttl))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(
            s,
            "  dns  [{}] A: {} | AAAA: {}{}{}{} ({} ms)",
            d.resolver,
            if d.a.is_empty() {
                format!("{:?}", d.a_error)
            } else {
                fam(&d.a)
            },
            if d.aaaa.is_empty() {
                format!("{:?}", d.aaaa_error)
            } else {
                fam(&d.aaaa)
            },
            if chain.is_empty() {
                String::new()
            } else {
                format!(" | CNAME {chain}")
            },
            d.error
                .map(|e| format!(" | error {e:?}"))
                .unwrap_or_default(),
            if d.tcp_fallback {
                " | truncated, retried over TCP"
            } else {
                ""
            },
            d.elapsed_ms
        );
        for a in &r.tcp {
            let _ = writeln!(
                s,
                "  tcp  {} {:?} ({} ms)",
                a.address, a.outcome, a.elapsed_ms
            );
        }
        if let Some(tls) = &r.tls {
            let _ = writeln!(
                s,
                "  tls  {} {} {} alpn {} sni {} ({} ms)",
                tls.version.as_deref().unwrap_or("-"),
                tls.cipher_suite.as_deref().unwrap_or("-"),
                tls.key_exchange_group.as_deref().unwrap_or("-"),
                tls.alpn.as_deref().unwrap_or("-"),
                tls.sni_sent.as_deref().unwrap_or("(none)"),
                tls.elapsed_ms
            );
            for c in tls.chain.iter().take(1) {
                let _ = writeln!(
                    s,
                    "       leaf {} issued by {}; SANs {}; {} days left; {}",
                    c.subject,
                    c.issuer,
                    c.sans.join(", "),
                    c.days_left,
                    c.key_type
                );
            }
            let verdicts = tls
                .verdicts
                .iter()
                .map(|v| format!("{} {:?}", v.source, v.verdict))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                s,
                "       trust: {verdicts} (the sidecar uses {})",
                tls.sidecar_trust
            );
            let _ = writeln!(
                s,
                "       names {}: {}",
                tls.names_checked.join(", "),
                if tls.name_match { "match" } else { "NO MATCH" }
            );
            if let Some(ca) = &tls.client_auth {
                let _ = writeln!(
                    s,
                    "       client certificate: {:?}{}{}",
                    ca.outcome,
                    ca.alert
                        .as_ref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default(),
                    if ca.acceptable_ca_names.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; server accepts CAs {}",
                            ca.acceptable_ca_names.join(" | ")
                        )
                    }
                );
            }
        }
        for p in &r.problems {
            let _ = writeln!(s, "  problem: {p}");
        }
        s
    }
}
