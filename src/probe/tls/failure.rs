//! Handshake, trust and name failures as named problems: what happened in a
//! sentence and what to change, worded for the mode the sidecar is in.

use super::observe::ClientCert;
use crate::probe::problem::{Problem, ProblemClass, words};
use crate::probe::report::{
    CertInfo, ClientAuthOutcome, ClientAuthReport, TlsReport, TrustVerdict, Verdict, source_words,
};
use crate::probe::{ProbeMode, Target};
use rustls::{AlertDescription, InvalidMessage, PeerIncompatible};
use std::time::Duration;

/// How to look at the server with another TLS stack.
fn openssl_check(target: &Target) -> String {
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let sni = target
        .effective_sni()
        .map(|s| format!(" -servername {s}"))
        .unwrap_or_else(|| " -noservername".into());
    format!(
        "check the server with `openssl s_client -connect {host}:{}{sni}`",
        target.port
    )
}

pub fn timeout(d: Duration) -> Problem {
    Problem::new(
        ProblemClass::HandshakeTimeout,
        format!(
            "no TLS handshake within {} ms: the server accepted the connection but did not answer the ClientHello",
            d.as_millis()
        ),
        "check that this port speaks TLS and that no firewall drops the ClientHello",
    )
}

/// The alert inside an I/O error, as openssl names it.
pub fn alert_of(e: &std::io::Error) -> Option<String> {
    match e.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::AlertReceived(d) => Some(super::certs::alert_name(*d)),
        _ => None,
    }
}

/// A failed handshake as a problem. `requested`: the server had sent a
/// CertificateRequest before it failed.
pub fn handshake_error(
    e: &std::io::Error,
    target: &Target,
    requested: bool,
    client_cert: &ClientCert,
) -> Problem {
    let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return io_failure(e, target);
    };
    match inner {
        rustls::Error::AlertReceived(d)
            if requested || *d == AlertDescription::CertificateRequired =>
        {
            client_refusal(
                target,
                client_cert.offers_certificate(),
                &super::certs::alert_name(*d),
                &[],
            )
        }
        rustls::Error::AlertReceived(d) => alert(*d, target),
        rustls::Error::InvalidMessage(InvalidMessage::HandshakePayloadTooLarge)
        | rustls::Error::InvalidMessage(InvalidMessage::CertificatePayloadTooLarge) => {
            Problem::new(
                ProblemClass::CertificateTooLarge,
                "the server's certificate message is larger than 64 KiB, the most the probe can read; Envoy (BoringSSL) reads up to 100 KiB, so the probe cannot judge this server",
                format!(
                    "{}, or make the server send a shorter chain",
                    openssl_check(target)
                ),
            )
        }
        rustls::Error::InvalidMessage(_) => not_tls(target),
        rustls::Error::PeerIncompatible(p) => incompatible(p, target),
        rustls::Error::PeerMisbehaved(m) => Problem::new(
            ProblemClass::TlsError,
            format!(
                "the server broke the TLS protocol ({})",
                words(&format!("{m:?}"))
            ),
            openssl_check(target),
        ),
        other => Problem::new(
            ProblemClass::TlsError,
            format!("the TLS handshake failed: {other}"),
            openssl_check(target),
        ),
    }
}

fn io_failure(e: &std::io::Error, target: &Target) -> Problem {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => Problem::new(
            ProblemClass::ClosedDuringHandshake,
            "the server closed the connection during the TLS handshake (an SNI-filtering firewall often does this)",
            "check that the SNI is allowed by any egress firewall and that the port speaks TLS",
        ),
        std::io::ErrorKind::ConnectionReset => Problem::new(
            ProblemClass::ResetDuringHandshake,
            "the server reset the connection during the TLS handshake (an SNI-filtering firewall often does this)",
            "check that the SNI is allowed by any egress firewall and that the port speaks TLS",
        ),
        _ => Problem::new(
            ProblemClass::TlsError,
            format!("the TLS handshake failed: {e}"),
            openssl_check(target),
        ),
    }
}

fn not_tls(target: &Target) -> Problem {
    let change = match target.mode {
        ProbeMode::Simple | ProbeMode::Mutual => {
            "if the server speaks plaintext here, drop the DestinationRule's tls for this port (or use the server's TLS port)"
        }
        _ => "if the server speaks plaintext here, declare the ServiceEntry port as HTTP or TCP",
    };
    Problem::new(
        ProblemClass::NotTls,
        "the server did not answer in TLS (it speaks plaintext or another protocol on this port)",
        change,
    )
}

fn alert(d: AlertDescription, target: &Target) -> Problem {
    let name = super::certs::alert_name(d);
    match d {
        AlertDescription::ProtocolVersion => Problem::new(
            ProblemClass::UnsupportedProtocolVersion,
            "the server refused TLS 1.2 and 1.3 (alert protocol_version)",
            "the sidecar speaks only TLS 1.2 and 1.3: enable one of them on the server",
        ),
        AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity => {
            Problem::new(
                ProblemClass::NoSharedCipher,
                format!(
                    "the server refused the handshake (alert {name}): usually no cipher suite or key exchange in common"
                ),
                format!(
                    "enable an ECDHE AES-GCM or ChaCha20 suite on the server; {}",
                    openssl_check(target)
                ),
            )
        }
        AlertDescription::UnrecognisedName => Problem::new(
            ProblemClass::UnrecognizedName,
            format!(
                "the server does not serve the name sent as SNI ({})",
                target.effective_sni().unwrap_or_else(|| "none".into())
            ),
            "set the DestinationRule's sni to a name the server serves",
        ),
        _ => Problem::new(
            ProblemClass::AlertReceived,
            format!("the server refused the handshake (alert {name})"),
            openssl_check(target),
        ),
    }
}

fn incompatible(p: &PeerIncompatible, target: &Target) -> Problem {
    match p {
        PeerIncompatible::ServerDoesNotSupportTls12Or13
        | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
        | PeerIncompatible::Tls12NotOffered
        | PeerIncompatible::Tls12NotOfferedOrEnabled => Problem::new(
            ProblemClass::UnsupportedProtocolVersion,
            "the server offers neither TLS 1.2 nor TLS 1.3",
            "the sidecar speaks only TLS 1.2 and 1.3: enable one of them on the server",
        ),
        PeerIncompatible::NoCipherSuitesInCommon
        | PeerIncompatible::NoKxGroupsInCommon
        | PeerIncompatible::NoSignatureSchemesInCommon => Problem::new(
            ProblemClass::NoSharedCipher,
            format!(
                "no TLS parameters in common with the server ({})",
                words(&format!("{p:?}"))
            ),
            format!(
                "enable an ECDHE AES-GCM or ChaCha20 suite on the server; {}",
                openssl_check(target)
            ),
        ),
        other => Problem::new(
            ProblemClass::TlsError,
            format!(
                "the server's TLS is incompatible ({})",
                words(&format!("{other:?}"))
            ),
            openssl_check(target),
        ),
    }
}

/// The server refused the handshake because of our client certificate (or its
/// absence). `names`: the CAs the server accepts.
fn client_refusal(target: &Target, sent: bool, alert: &str, names: &[String]) -> Problem {
    if sent {
        let change = if names.is_empty() {
            "use a client certificate issued by a CA the server accepts".to_string()
        } else {
            format!(
                "use a client certificate issued by a CA the server accepts: {}",
                names.join("; ")
            )
        };
        return Problem::new(
            ProblemClass::ClientCertificateRejected,
            format!("the server refused our client certificate (alert {alert})"),
            change,
        );
    }
    let (message, change) = match target.mode {
        ProbeMode::Simple => (
            "the server requires a client certificate; with mode SIMPLE the sidecar sends none",
            "use mode MUTUAL with clientCertificate and privateKey (or credentialName with a workloadSelector)",
        ),
        ProbeMode::Mutual => (
            "the server requires a client certificate, and the probe had no local copy of the DestinationRule's",
            "map the sidecar's certificate paths to local files with --map SIDECAR=LOCAL so the probe can offer them",
        ),
        _ => (
            "the server requires a client certificate; the sidecar passes TLS through, so the app must send one",
            "give the app a client certificate, or let the sidecar originate mutual TLS (DestinationRule mode MUTUAL)",
        ),
    };
    Problem::new(
        ProblemClass::ClientCertificateRequired,
        format!("{message} (alert {alert})"),
        change,
    )
}

/// The problem in the server's verdict on our client certificate, if any.
pub fn client_auth_problem(v: &ClientAuthReport, target: &Target) -> Option<Problem> {
    let alert = v.alert.as_deref().unwrap_or("none");
    match v.outcome {
        ClientAuthOutcome::Required | ClientAuthOutcome::Rejected => Some(client_refusal(
            target,
            v.sent_certificate,
            alert,
            &v.acceptable_ca_names,
        )),
        ClientAuthOutcome::Inconclusive => Some(Problem::new(
            ProblemClass::ClientCertificateNoVerdict,
            format!(
                "the server asked for a client certificate and gave no verdict on it ({})",
                v.detail.as_deref().unwrap_or("no answer")
            ),
            format!("{} and a first request", openssl_check(target)),
        )),
        _ => None,
    }
}

/// The sidecar's trust source refuses the chain.
pub fn trust_problem(v: &TrustVerdict, leaf: Option<&CertInfo>, target: &Target) -> Problem {
    let source = source_words(&v.source);
    let issuer = leaf.map(|l| l.issuer.as_str()).unwrap_or("its issuer");
    let detail = v.detail.clone();
    let passthrough = target.mode == crate::probe::ProbeMode::Passthrough;
    let add_ca = match v.source.as_str() {
        _ if passthrough => format!(
            "the application must trust the CA that issued the server's certificate ({issuer}): in passthrough the sidecar checks nothing; pass that CA with --ca to check it here"
        ),
        "ca_file" => {
            format!("pass the CA that issued the server's certificate ({issuer}) with --ca")
        }
        "destination_rule_ca" => {
            format!("set caCertificates to the CA that issued the server's certificate ({issuer})")
        }
        _ => format!(
            "set caCertificates in the DestinationRule to the CA that issued the server's certificate ({issuer})"
        ),
    };
    let (class, message, change) = match v.verdict {
        Verdict::UnknownIssuer => (
            ProblemClass::UnknownIssuer,
            format!("{source} does not trust the server's chain: unknown issuer ({issuer})"),
            add_ca,
        ),
        Verdict::SelfSigned => (
            ProblemClass::SelfSignedNotTrusted,
            format!("the server's certificate is self-signed and {source} does not hold it"),
            if passthrough {
                "the application must pin the server's certificate (in passthrough the sidecar checks nothing); pass it with --ca to check it here".to_string()
            } else {
                "put the server's certificate in the file caCertificates names (pinning)"
                    .to_string()
            },
        ),
        Verdict::Expired => (
            ProblemClass::Expired,
            match detail {
                Some(d) if d.starts_with("expired") => format!("the server's certificate {d}"),
                Some(d) => format!("in the server's chain, {d}"),
                None => "the server's certificate has expired".into(),
            },
            "renew the server's certificate".to_string(),
        ),
        Verdict::NotYetValid => (
            ProblemClass::NotYetValid,
            match detail {
                Some(d) if d.starts_with("not valid") => format!("the server's certificate is {d}"),
                Some(d) => format!("in the server's chain, {d}"),
                None => "the server's certificate is not valid yet".into(),
            },
            "check this machine's clock and the certificate's start date".to_string(),
        ),
        Verdict::CaUsedAsLeaf => (
            ProblemClass::CaUsedAsLeaf,
            "the server presents a CA certificate as its own".to_string(),
            "give the server a leaf certificate issued by that CA".to_string(),
        ),
        Verdict::PathTooLong => (
            ProblemClass::PathTooLong,
            format!(
                "the chain is too long to verify ({})",
                detail.unwrap_or_default()
            ),
            "make the server send a shorter chain".to_string(),
        ),
        Verdict::BadSignature => (
            ProblemClass::BadSignature,
            "a signature in the server's chain does not verify".to_string(),
            "make the server send its own chain, in order".to_string(),
        ),
        Verdict::Revoked => (
            ProblemClass::Revoked,
            "the server's certificate is revoked".to_string(),
            "renew the server's certificate".to_string(),
        ),
        Verdict::InvalidPurpose => (
            ProblemClass::InvalidPurpose,
            "the server's certificate is not meant for TLS servers (extended key usage)"
                .to_string(),
            "give the server a certificate with the serverAuth usage".to_string(),
        ),
        Verdict::BadEncoding => (
            ProblemClass::BadEncoding,
            "a certificate in the server's chain is malformed".to_string(),
            "reissue the server's certificate".to_string(),
        ),
        Verdict::UnsupportedAlgorithm => (
            ProblemClass::UnsupportedAlgorithm,
            "the server's chain uses a signature algorithm the verifier does not support"
                .to_string(),
            format!(
                "{}; reissue with ECDSA or RSA-SHA256",
                openssl_check(target)
            ),
        ),
        Verdict::Unavailable => (
            // A CA file this machine cannot read says nothing of the sidecar's.
            if v.source == "os"
                || detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with("cannot read"))
            {
                ProblemClass::LocalFileUnreadable
            } else {
                ProblemClass::TrustUnavailable
            },
            format!(
                "{source} could not be read: {}",
                detail.unwrap_or_else(|| "unavailable".into())
            ),
            if target.tls.ca_certificates.is_some() {
                "map caCertificates to a local copy with --map SIDECAR=LOCAL".to_string()
            } else {
                "give a readable CA file".to_string()
            },
        ),
        Verdict::Trusted | Verdict::NameMismatch | Verdict::Rejected => (
            ProblemClass::CertificateRejected,
            format!(
                "{source} rejects the server's chain: {}",
                detail.unwrap_or_else(|| "no reason given".into())
            ),
            openssl_check(target),
        ),
    };
    Problem::new(class, message, change)
}

pub fn name_problem(report: &TlsReport, target: &Target) -> Problem {
    let sans = report
        .chain
        .first()
        .map(|c| c.sans.join(", "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "none".into());
    let change = if target.tls.subject_alt_names.is_empty() {
        "dial a name the certificate covers, or set sni and subjectAltNames in the DestinationRule"
    } else {
        "set subjectAltNames to a name the certificate carries (or fix the server's certificate)"
    };
    Problem::new(
        ProblemClass::NameMismatch,
        format!(
            "the server's certificate is for {sans}, not {}",
            report.names_checked.join(" or ")
        ),
        change,
    )
}
