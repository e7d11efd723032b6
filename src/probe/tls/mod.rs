//! The TLS stage, spoken as the sidecar speaks it: the same SNI and ALPN, a
//! client certificate only when the policy has one, and the server's verdict on
//! it (TLS 1.3 servers give it after the handshake, so the stage waits a moment
//! for it whenever a certificate was requested). The server's chain is judged
//! per trust source in [`trust`]; failures become named problems in [`failure`].
//! No application data is sent here (the HTTP check is separate).

mod certs;
mod failure;
mod observe;
mod trust;

pub use certs::san_matches;
pub use observe::load_identity;
pub use trust::warm_os_roots;

use super::problem::{Problem, ProblemClass};
use super::report::*;
use super::{ProbeMode, ProbeOptions, Target};
use observe::{Chain, ClientCert, Recorder, TicketWatch};
use rustls::client::{ClientSessionMemoryCache, Resumption};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ProtocolVersion};
use std::sync::Arc;
use std::time::Instant;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio_rustls::client::TlsStream;

/// Certificates shown from a server's chain.
const MAX_SHOWN: usize = 16;

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A finished handshake, kept open for the HTTP check.
pub type Session = TlsStream<TcpStream>;

/// Handshakes on a connected stream with the target's TLS settings and judges it.
/// Returns the open session when the handshake completed.
pub async fn handshake(
    stream: TcpStream,
    target: &Target,
    options: &ProbeOptions,
) -> (TlsReport, Option<Session>) {
    let start = Instant::now();
    let provider = provider();
    let address = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut report = empty_report(address, target);
    // The client identity is checked before dialling: a mismatched pair never leaves the machine.
    let identity = match client_identity(target, &provider) {
        Ok(id) => id,
        Err(problem) => {
            report.client_auth = Some(ClientAuthReport {
                requested: false,
                sent_certificate: false,
                acceptable_ca_names: Vec::new(),
                outcome: ClientAuthOutcome::NoCertificate,
                alert: None,
                detail: Some(problem.message.clone()),
            });
            report.error = Some(problem.message.clone());
            report.problems.push(problem);
            report.elapsed_ms = super::ms(start);
            return (report, None);
        }
    };
    if target.mode == ProbeMode::Mutual && identity.is_none() {
        report.notes.push(
            "MUTUAL without local copies of clientCertificate and privateKey: the probe offers no client certificate (map the sidecar paths with --map)".into(),
        );
    }
    let server_name = match server_name(target) {
        Ok(n) => n,
        Err(problem) => {
            report.error = Some(problem.message.clone());
            report.problems.push(problem);
            return (report, None);
        }
    };
    if matches!(server_name, ServerName::DnsName(_)) && !target.tls.no_sni {
        report.sni_sent = target.effective_sni();
    }
    let recorder = Arc::new(Recorder::new(provider.clone()));
    let client_cert = Arc::new(ClientCert::new(identity));
    let ticket = Arc::new(Notify::new());
    let config = match config(&provider, &recorder, &client_cert, &ticket, &report) {
        Ok(mut c) => {
            c.enable_sni = !target.tls.no_sni;
            c
        }
        Err(e) => {
            report.problems.push(Problem::new(
                ProblemClass::TlsError,
                format!("the TLS client could not be set up: {e}"),
                "report this as a bug of the probe",
            ));
            return (report, None);
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let result = tokio::time::timeout(
        options.stage_timeout,
        connector.connect(server_name.clone(), stream),
    )
    .await;
    let session = match result {
        Err(_) => {
            let p = failure::timeout(options.stage_timeout);
            report.error = Some(p.message.clone());
            report.problems.push(p);
            None
        }
        Ok(Err(e)) => {
            let requested = client_cert.requested();
            let p = failure::handshake_error(&e, target, requested.is_some(), &client_cert);
            if let Some(hints) = requested {
                let alert = failure::alert_of(&e);
                report.client_auth =
                    Some(client_auth_from_failure(&p, &hints, &client_cert, alert));
            }
            report.error = Some(p.message.clone());
            report.problems.push(p);
            None
        }
        Ok(Ok(s)) => Some(s),
    };
    let mut session = session;
    if let Some(s) = session.as_mut() {
        session_facts(&mut report, s);
        if report.client_auth.is_none() {
            let verdict = server_verdict(s, &client_cert, &ticket, options).await;
            if let Some(p) = failure::client_auth_problem(&verdict, target) {
                report.problems.push(p);
            }
            if verdict.outcome == ClientAuthOutcome::Optional {
                report.notes.push(
                    "the server asks for a client certificate but does not require one".into(),
                );
            }
            report.client_auth = Some(verdict);
        }
    }
    if let Some(chain) = recorder.chain() {
        judge_chain(
            &mut report,
            &chain,
            target,
            options,
            &server_name,
            &provider,
        );
    }
    report.ok = report.problems.is_empty();
    report.elapsed_ms = super::ms(start);
    (report, session)
}

fn empty_report(address: String, target: &Target) -> TlsReport {
    TlsReport {
        address,
        sni_sent: None,
        alpn_offered: alpn_for(target),
        version: None,
        cipher_suite: None,
        key_exchange_group: None,
        alpn: None,
        handshake_kind: None,
        chain: Vec::new(),
        chain_total: 0,
        verdicts: Vec::new(),
        sidecar_trust: String::new(),
        names_checked: Vec::new(),
        name_check: NameCheck::NotRun,
        client_auth: None,
        error: None,
        elapsed_ms: 0.0,
        ok: false,
        problems: Vec::new(),
        notes: Vec::new(),
    }
}

/// ALPN as Envoy offers it: `h2` on HTTP2/GRPC clusters when it originates TLS,
/// nothing otherwise; an app that speaks TLS itself offers h2 and http/1.1.
fn alpn_for(target: &Target) -> Vec<String> {
    let h2 = matches!(target.protocol.as_str(), "HTTP2" | "GRPC" | "GRPC-WEB");
    match target.mode {
        ProbeMode::Simple | ProbeMode::Mutual if h2 => vec!["h2".into()],
        ProbeMode::Simple | ProbeMode::Mutual => Vec::new(),
        _ => vec!["h2".into(), "http/1.1".into()],
    }
}

/// MUTUAL: the identity from the local files, if mapped. Other modes send none.
fn client_identity(
    target: &Target,
    provider: &CryptoProvider,
) -> Result<Option<Arc<rustls::sign::CertifiedKey>>, Problem> {
    if target.mode != ProbeMode::Mutual {
        return Ok(None);
    }
    match (&target.tls.client_certificate, &target.tls.private_key) {
        (Some(c), Some(k)) if !c.is_file() || !k.is_file() => {
            let missing = if c.is_file() { k } else { c };
            let proxy = if target.by_gateway {
                "egress gateway"
            } else {
                "sidecar"
            };
            // An unmapped credentialName reads as `credential:NAME/cert`.
            let secret = missing
                .to_str()
                .and_then(|p| p.strip_prefix("credential:"))
                .and_then(|p| p.split('/').next());
            let fix = match secret {
                Some(name) => format!(
                    "give the probe the Secret's files with --map credential:{name}=DIR (a folder holding cert, key and cacert)"
                ),
                None => "map the sidecar's certificate folder to a local copy with --map SIDECAR=LOCAL (e.g. --map /etc/certs=./certs)".to_string(),
            };
            Err(Problem::new(
                ProblemClass::LocalFileUnreadable,
                format!(
                    "{} is not readable on this machine, so the probe cannot present the client certificate the {proxy} would",
                    missing.display()
                ),
                fix,
            ))
        }
        (Some(c), Some(k)) => load_identity(c, k, provider).map(Some).map_err(|e| {
            Problem::new(
                ProblemClass::ClientIdentityUnusable,
                e,
                "point clientCertificate and privateKey at a matching pair (or fix the --map of the sidecar paths)",
            )
        }),
        _ => Ok(None),
    }
}

fn server_name(target: &Target) -> Result<ServerName<'static>, Problem> {
    let invalid = |name: &str| {
        Problem::new(
            ProblemClass::InvalidServerName,
            format!("\"{name}\" is not a valid TLS server name"),
            "set the DestinationRule's sni to a DNS name",
        )
    };
    // Without SNI the name still identifies the server to the verifier.
    let name = target
        .tls
        .sni
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| target.host.clone());
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => Ok(ServerName::IpAddress(ip.into())),
        Err(_) => ServerName::try_from(name.clone()).map_err(|_| invalid(&name)),
    }
}

fn config(
    provider: &Arc<CryptoProvider>,
    recorder: &Arc<Recorder>,
    client_cert: &Arc<ClientCert>,
    ticket: &Arc<Notify>,
    report: &TlsReport,
) -> Result<ClientConfig, rustls::Error> {
    let mut c = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_client_cert_resolver(client_cert.clone());
    c.alpn_protocols = report
        .alpn_offered
        .iter()
        .map(|a| a.as_bytes().to_vec())
        .collect();
    c.resumption = Resumption::store(Arc::new(TicketWatch {
        inner: ClientSessionMemoryCache::new(4),
        notify: ticket.clone(),
    }));
    Ok(c)
}

fn session_facts(report: &mut TlsReport, s: &Session) {
    let conn = s.get_ref().1;
    report.version = conn.protocol_version().map(|v| match v {
        ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
        ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
        other => super::problem::words(&format!("{other:?}")),
    });
    report.cipher_suite = conn
        .negotiated_cipher_suite()
        .and_then(|c| c.suite().as_str())
        .map(|s| s.replace("TLS13_", "TLS_"));
    report.key_exchange_group = conn
        .negotiated_key_exchange_group()
        .and_then(|g| g.name().as_str())
        .map(|s| s.to_string());
    report.alpn = conn
        .alpn_protocol()
        .map(|a| String::from_utf8_lossy(a).into_owned());
    report.handshake_kind = conn.handshake_kind().map(|k| match k {
        rustls::HandshakeKind::Full => "full".to_string(),
        rustls::HandshakeKind::FullWithHelloRetryRequest => {
            "full, with a HelloRetryRequest (one more round trip)".to_string()
        }
        rustls::HandshakeKind::Resumed => "resumed".to_string(),
    });
}

/// The server's verdict on our client certificate (or on its absence). TLS 1.2
/// servers give it during the handshake; TLS 1.3 servers after it: a session
/// ticket or data means yes, an alert means no.
async fn server_verdict(
    s: &mut Session,
    client_cert: &ClientCert,
    ticket: &Notify,
    options: &ProbeOptions,
) -> ClientAuthReport {
    let sent = client_cert.offers_certificate();
    let Some(hints) = client_cert.requested() else {
        return ClientAuthReport {
            requested: false,
            sent_certificate: false,
            acceptable_ca_names: Vec::new(),
            outcome: ClientAuthOutcome::NotRequested,
            alert: None,
            detail: None,
        };
    };
    let yes = if sent {
        ClientAuthOutcome::Accepted
    } else {
        ClientAuthOutcome::Optional
    };
    let tls13 = s.get_ref().1.protocol_version() == Some(ProtocolVersion::TLSv1_3);
    let (outcome, alert, detail) = if !tls13 {
        (yes, None, "the TLS 1.2 handshake completed".to_string())
    } else {
        let mut byte = [0u8; 1];
        tokio::select! {
            _ = ticket.notified() => (yes, None, "the server sent a session ticket".into()),
            r = s.read(&mut byte) => match r {
                Ok(0) => (ClientAuthOutcome::Inconclusive, None, "the server closed the connection without an alert".into()),
                Ok(_) => (yes, None, "the server sent data".into()),
                Err(e) => match failure::alert_of(&e) {
                    Some(alert) => {
                        let no = if sent { ClientAuthOutcome::Rejected } else { ClientAuthOutcome::Required };
                        (no, Some(alert), "the server sent an alert after the handshake".into())
                    }
                    None => (ClientAuthOutcome::Inconclusive, None, format!("the connection failed after the handshake: {e}")),
                },
            },
            _ = tokio::time::sleep(options.client_auth_window) => (
                ClientAuthOutcome::Inconclusive,
                None,
                format!("no verdict from the server within {} ms", options.client_auth_window.as_millis()),
            ),
        }
    };
    ClientAuthReport {
        requested: true,
        sent_certificate: sent,
        acceptable_ca_names: certs::ca_names(&hints),
        outcome,
        alert,
        detail: Some(detail),
    }
}

fn client_auth_from_failure(
    p: &Problem,
    hints: &[Vec<u8>],
    client_cert: &ClientCert,
    alert: Option<String>,
) -> ClientAuthReport {
    let outcome = match p.class {
        ProblemClass::ClientCertificateRequired => ClientAuthOutcome::Required,
        ProblemClass::ClientCertificateRejected => ClientAuthOutcome::Rejected,
        _ => ClientAuthOutcome::Inconclusive,
    };
    ClientAuthReport {
        requested: true,
        sent_certificate: client_cert.offers_certificate(),
        acceptable_ca_names: certs::ca_names(hints),
        outcome,
        alert,
        detail: Some("the server refused the handshake".into()),
    }
}

/// Chain facts, one verdict per trust source, and the name check.
fn judge_chain(
    report: &mut TlsReport,
    chain: &Chain,
    target: &Target,
    options: &ProbeOptions,
    server_name: &ServerName<'static>,
    provider: &Arc<CryptoProvider>,
) {
    let all = std::iter::once(&chain.leaf).chain(chain.rest.iter());
    report.chain_total = 1 + chain.rest.len();
    report.chain = all
        .take(MAX_SHOWN)
        .filter_map(|c| certs::cert_info(c))
        .collect();
    report.verdicts.push(trust::judge(
        "mozilla",
        &trust::mozilla(),
        chain,
        server_name,
        provider,
    ));
    match trust::os() {
        Some(r) => report
            .verdicts
            .push(trust::judge("os", &r, chain, server_name, provider)),
        None => report.verdicts.push(TrustVerdict {
            source: "os".into(),
            verdict: Verdict::Unavailable,
            detail: Some("no CA store found on this machine".into()),
        }),
    }
    let ca = target
        .tls
        .ca_certificates
        .as_deref()
        .map(|p| ("destination_rule_ca", p))
        .or(options.extra_ca.as_deref().map(|p| ("ca_file", p)));
    report.sidecar_trust = match ca {
        Some((source, path)) => {
            report.verdicts.push(match trust::load_file(path) {
                Ok(a) => trust::judge(source, &a, chain, server_name, provider),
                Err(e) => TrustVerdict {
                    source: source.into(),
                    verdict: Verdict::Unavailable,
                    detail: Some(e),
                },
            });
            source.to_string()
        }
        // Without caCertificates the sidecar trusts its image's OS bundle.
        None if report
            .verdicts
            .iter()
            .any(|v| v.source == "os" && v.verdict != Verdict::Unavailable) =>
        {
            "os".into()
        }
        None => "mozilla".into(),
    };
    check_names(report, target);
    if target.tls.insecure_skip_verify {
        report
            .notes
            .push("insecureSkipVerify: the sidecar verifies neither chain nor name".into());
        return;
    }
    if let Some(v) = report
        .verdicts
        .iter()
        .find(|v| v.source == report.sidecar_trust)
        && !v.verdict.chain_ok()
    {
        report
            .problems
            .push(failure::trust_problem(v, report.chain.first(), target));
    }
    if report.name_check == NameCheck::NoMatch {
        report.problems.push(failure::name_problem(report, target));
    }
}

/// Envoy's name check: the DR's (or SE's) subjectAltNames when given; none when
/// `sni` is set without them; else the host (auto SAN validation).
fn check_names(report: &mut TlsReport, target: &Target) {
    let leaf_sans = report
        .chain
        .first()
        .map(|c| c.sans.clone())
        .unwrap_or_default();
    let any = |wanted: &[String]| {
        wanted
            .iter()
            .any(|w| leaf_sans.iter().any(|c| san_matches(c, w)))
    };
    if target.tls.insecure_skip_verify {
        report.name_check = NameCheck::NotChecked;
    } else if !target.tls.subject_alt_names.is_empty() {
        report.names_checked = target.tls.subject_alt_names.clone();
        report.name_check = if any(&report.names_checked) {
            NameCheck::Match
        } else {
            NameCheck::NoMatch
        };
    } else if target.tls.sni.is_some() && target.mode != ProbeMode::Passthrough {
        report.name_check = NameCheck::NotChecked;
        report.notes.push(
            "sni is set and there are no subjectAltNames: the sidecar checks the chain but not the name".into(),
        );
    } else if target.tls.no_sni {
        report.name_check = NameCheck::NotChecked;
        report.notes.push(
            "no sni and no subjectAltNames on a non-HTTP port: the sidecar sends no SNI and checks no name (auto SNI and SAN come from the HTTP Host header); set sni and subjectAltNames".into(),
        );
    } else {
        report.names_checked = vec![target.host.clone()];
        report.name_check = if any(&report.names_checked) {
            NameCheck::Match
        } else {
            NameCheck::NoMatch
        };
    }
}
