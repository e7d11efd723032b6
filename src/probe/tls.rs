//! The TLS stage: a handshake that always yields the server's chain (an
//! observe-only verifier that still checks the handshake signatures), then one
//! verdict per trust source, Envoy-style SAN matching, and the server's answer to
//! our client certificate. No application data is ever sent.

use super::report::*;
use super::{ProbeMode, ProbeOptions, Target};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{
    ClientSessionMemoryCache, ClientSessionStore, ResolvesClientCert, Resumption,
    WebPkiServerVerifier,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Certificates kept from a server's chain; CA names kept from a request.
const MAX_CHAIN: usize = 16;
const MAX_HINTS: usize = 64;

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

type Chain = (
    CertificateDer<'static>,
    Vec<CertificateDer<'static>>,
    Vec<u8>,
);

/// Records the server's chain and accepts it: used only to observe.
#[derive(Debug)]
struct Recorder {
    provider: Arc<CryptoProvider>,
    chain: Mutex<Option<Chain>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let kept = intermediates
            .iter()
            .take(MAX_CHAIN - 1)
            .map(|c| c.clone().into_owned())
            .collect();
        if let Ok(mut slot) = self.chain.lock() {
            *slot = Some((end_entity.clone().into_owned(), kept, ocsp.to_vec()));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Offers our client certificate and records whether (and with which CA names) the
/// server asked for one.
struct ClientCert {
    key: Option<Arc<CertifiedKey>>,
    hints: Mutex<Option<Vec<Vec<u8>>>>,
}

impl std::fmt::Debug for ClientCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientCert(<redacted>)")
    }
}

impl ResolvesClientCert for ClientCert {
    fn resolve(&self, hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        if let Ok(mut h) = self.hints.lock() {
            *h = Some(hints.iter().take(MAX_HINTS).map(|x| x.to_vec()).collect());
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Notices a TLS 1.3 session ticket: the server accepted us.
#[derive(Debug)]
struct TicketWatch {
    inner: ClientSessionMemoryCache,
    notify: Arc<Notify>,
}

impl ClientSessionStore for TicketWatch {
    fn set_kx_hint(&self, n: ServerName<'static>, g: rustls::NamedGroup) {
        self.inner.set_kx_hint(n, g)
    }
    fn kx_hint(&self, n: &ServerName<'_>) -> Option<rustls::NamedGroup> {
        self.inner.kx_hint(n)
    }
    fn set_tls12_session(
        &self,
        n: ServerName<'static>,
        v: rustls::client::Tls12ClientSessionValue,
    ) {
        self.inner.set_tls12_session(n, v)
    }
    fn tls12_session(&self, n: &ServerName<'_>) -> Option<rustls::client::Tls12ClientSessionValue> {
        self.inner.tls12_session(n)
    }
    fn remove_tls12_session(&self, n: &ServerName<'static>) {
        self.inner.remove_tls12_session(n)
    }
    fn insert_tls13_ticket(
        &self,
        n: ServerName<'static>,
        v: rustls::client::Tls13ClientSessionValue,
    ) {
        self.notify.notify_one();
        self.inner.insert_tls13_ticket(n, v)
    }
    fn take_tls13_ticket(
        &self,
        n: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        self.inner.take_tls13_ticket(n)
    }
}

/// Loads a client identity. Errors never carry key material: the key's parse
/// error is mapped to a fixed text.
pub fn load_identity(
    cert: &Path,
    key: &Path,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("client certificate {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("client certificate {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "client certificate {}: no certificate in the file",
            cert.display()
        ));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|_| {
        format!(
            "private key {}: not a readable PEM private key (PKCS#8, PKCS#1 or SEC1)",
            key.display()
        )
    })?;
    CertifiedKey::from_der(chain, key_der, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => {
            format!("client certificate {} and private key {} do not belong together (key mismatch)", cert.display(), key.display())
        }
        _ => format!("private key {}: unusable for TLS", key.display()),
    }).map(Arc::new)
}

fn load_roots(path: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let certs =
        CertificateDer::pem_file_iter(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for c in certs {
        let c = c.map_err(|e| format!("{}: {e}", path.display()))?;
        roots
            .add(c)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if roots.is_empty() {
        return Err(format!("{}: no certificates", path.display()));
    }
    Ok(roots)
}

fn mozilla_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            Arc::new(RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
        })
        .clone()
}

/// Loads the OS trust store ahead of need (it is cached for the process).
pub fn warm_os_roots() {
    let _ = os_roots();
}

fn os_roots() -> Option<Arc<RootCertStore>> {
    static ROOTS: OnceLock<Option<Arc<RootCertStore>>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            // The distribution's bundle is one file; reading it beats opening every
            // file of the hashed directory. Explicit SSL_CERT_* settings win.
            const BUNDLES: [&str; 4] = [
                "/etc/ssl/certs/ca-certificates.crt",
                "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/ssl/ca-bundle.pem",
                "/etc/ssl/cert.pem",
            ];
            // SSL_CERT_FILE names the bundle itself; the hashed SSL_CERT_DIR usually
            // repeats it file by file.
            let from_env = std::env::var_os("SSL_CERT_FILE")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_file());
            let bundle = from_env.or_else(|| {
                if std::env::var_os("SSL_CERT_DIR").is_some() {
                    return None;
                }
                BUNDLES
                    .iter()
                    .map(std::path::PathBuf::from)
                    .find(|p| p.is_file())
            });
            match bundle.and_then(|p| CertificateDer::pem_file_iter(p).ok()) {
                Some(certs) => {
                    let (_added, _ignored) =
                        roots.add_parsable_certificates(certs.filter_map(Result::ok));
                }
                None => {
                    let found = rustls_native_certs::load_native_certs();
                    let (_added, _ignored) = roots.add_parsable_certificates(found.certs);
                }
            }
            (!roots.is_empty()).then(|| Arc::new(roots))
        })
        .clone()
}

fn verdict_of(e: &rustls::Error) -> Verdict {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Verdict::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Verdict::NotYetValid
            }
            CertificateError::UnknownIssuer => Verdict::UnknownIssuer,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Verdict::NameMismatch
            }
            CertificateError::BadSignature => Verdict::BadSignature,
            CertificateError::Revoked => Verdict::Revoked,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                Verdict::InvalidPurpose
            }
            _ => Verdict::Other,
        },
        _ => Verdict::Other,
    }
}

fn judge(
    source: &str,
    roots: Arc<RootCertStore>,
    chain: &Chain,
    name: &ServerName<'static>,
    provider: &Arc<CryptoProvider>,
) -> TrustVerdict {
    let verifier =
        match WebPkiServerVerifier::builder_with_provider(roots, provider.clone()).build() {
            Ok(v) => v,
            Err(e) => {
                return TrustVerdict {
                    source: source.into(),
                    verdict: Verdict::Unavailable,
                    detail: Some(e.to_string()),
                };
            }
        };
    match verifier.verify_server_cert(&chain.0, &chain.1, name, &chain.2, UnixTime::now()) {
        Ok(_) => TrustVerdict {
            source: source.into(),
            verdict: Verdict::Trusted,
            detail: None,
        },
        Err(e) => TrustVerdict {
            source: source.into(),
            verdict: verdict_of(&e),
            detail: Some(e.to_string()),
        },
    }
}

/// Envoy's SAN matching: exact (case-insensitive), or a certificate wildcard that
/// stands for exactly the whole left-most label.
pub fn san_matches(cert_san: &str, wanted: &str) -> bool {
    let (c, w) = (
        cert_san.trim_end_matches('.').to_ascii_lowercase(),
        wanted.trim_end_matches('.').to_ascii_lowercase(),
    );
    if c == w {
        return true;
    }
    match c.strip_prefix("*.") {
        Some(suffix) => match w.split_once('.') {
            Some((first, rest)) => !first.is_empty() && !first.contains('*') && rest == suffix,
            None => false,
        },
        None => false,
    }
}

fn cert_info(der: &[u8]) -> Option<CertInfo> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for n in &ext.value.general_names {
            match n {
                GeneralName::DNSName(d) => sans.push(d.to_string()),
                GeneralName::URI(u) => sans.push(u.to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => sans.push(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
                    16 => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(b);
                        sans.push(std::net::Ipv6Addr::from(a).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let not_after = cert.validity().not_after.timestamp();
    let key_type = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => format!("RSA {}", k.key_size()),
        Ok(x509_parser::public_key::PublicKey::EC(p)) => format!("EC P-{}", p.key_size()),
        Ok(other) => format!("{other:?}")
            .split('(')
            .next()
            .unwrap_or("other")
            .to_string(),
        Err(_) => "unknown".into(),
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_before: cert.validity().not_before.to_string(),
        not_after: cert.validity().not_after.to_string(),
        days_left: (not_after - now).div_euclid(86_400),
        key_type,
        sha256: digest
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
        is_ca: cert.is_ca(),
    })
}

fn alert_name(d: rustls::AlertDescription) -> String {
    // `UnknownCA` → `unknown_ca`, as openssl and curl print them.
    let debug = format!("{d:?}");
    let mut out = String::new();
    let chars: Vec<char> = debug.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                    && chars[i - 1].is_ascii_uppercase())
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn classify_io(e: &std::io::Error) -> (String, Option<String>) {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match inner {
            rustls::Error::AlertReceived(d) => {
                (format!("alert: {}", alert_name(*d)), Some(alert_name(*d)))
            }
            rustls::Error::InvalidMessage(m) => (format!("not TLS: {m:?}"), None),
            other => (format!("tls: {other}"), None),
        };
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => (
            "closed by the server during the handshake (an SNI-filtering firewall often does this)"
                .into(),
            None,
        ),
        std::io::ErrorKind::ConnectionReset => {
            ("reset by the server during the handshake".into(), None)
        }
        _ => (format!("io: {e}"), None),
    }
}

/// Handshakes on a connected stream with the target's TLS settings and judges it.
pub async fn handshake(stream: TcpStream, target: &Target, options: &ProbeOptions) -> TlsReport {
    let start = Instant::now();
    let provider = provider();
    let address = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let sni = target.effective_sni();
    let mut report = TlsReport {
        address,
        sni_sent: None,
        version: None,
        cipher_suite: None,
        key_exchange_group: None,
        alpn: None,
        handshake_kind: None,
        chain: Vec::new(),
        verdicts: Vec::new(),
        sidecar_trust: String::new(),
        names_checked: Vec::new(),
        name_match: false,
        client_auth: None,
        error: None,
        elapsed_ms: 0.0,
        ok: false,
    };
    // The client identity is checked before dialling: a mismatched pair never leaves the machine.
    let mut identity = None;
    if target.mode == ProbeMode::Mutual {
        match (&target.tls.client_certificate, &target.tls.private_key) {
            (Some(c), Some(k)) => match load_identity(c, k, &provider) {
                Ok(id) => identity = Some(id),
                Err(e) => {
                    report.error = Some(e.clone());
                    report.client_auth = Some(ClientAuthReport {
                        requested: false,
                        acceptable_ca_names: Vec::new(),
                        outcome: ClientAuthOutcome::NoCertificate,
                        alert: None,
                        detail: Some(e),
                    });
                    report.elapsed_ms = super::ms(start);
                    return report;
                }
            },
            _ => {
                report.client_auth = Some(ClientAuthReport {
                    requested: false,
                    acceptable_ca_names: Vec::new(),
                    outcome: ClientAuthOutcome::NoCertificate,
                    alert: None,
                    detail: Some("MUTUAL needs local files for clientCertificate and privateKey (map the sidecar paths)".into()),
                });
            }
        }
    }
    let recorder = Arc::new(Recorder {
        provider: provider.clone(),
        chain: Mutex::new(None),
    });
    let client_cert = Arc::new(ClientCert {
        key: identity,
        hints: Mutex::new(None),
    });
    let ticket = Arc::new(Notify::new());
    let config = match ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
    {
        Ok(b) => {
            let mut c = b
                .dangerous()
                .with_custom_certificate_verifier(recorder.clone())
                .with_client_cert_resolver(client_cert.clone());
            c.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            c.resumption = Resumption::store(Arc::new(TicketWatch {
                inner: ClientSessionMemoryCache::new(4),
                notify: ticket.clone(),
            }));
            c
        }
        Err(e) => {
            report.error = Some(format!("tls configuration: {e}"));
            return report;
        }
    };
    let server_name: ServerName<'static> = match &sni {
        Some(name) => match ServerName::try_from(name.clone()) {
            Ok(n) => n,
            Err(_) => {
                report.error = Some(format!("{name:?} is not a valid TLS server name"));
                return report;
            }
        },
        None => match target.host.parse::<std::net::IpAddr>() {
            Ok(ip) => ServerName::IpAddress(ip.into()),
            Err(_) => {
                report.error = Some(format!("{:?} is not a valid TLS server name", target.host));
                return report;
            }
        },
    };
    if matches!(server_name, ServerName::DnsName(_)) {
        report.sni_sent = sni.clone();
    }
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let result = tokio::time::timeout(
        options.stage_timeout,
        connector.connect(server_name.clone(), stream),
    )
    .await;
    let requested = |cc: &ClientCert| cc.hints.lock().ok().and_then(|h| h.clone());
    let mut tls_stream = match result {
        Err(_) => {
            report.error = Some(format!(
                "timeout: no handshake within {} ms",
                options.stage_timeout.as_millis()
            ));
            None
        }
        Ok(Err(e)) => {
            let (text, alert) = classify_io(&e);
            report.error = Some(text);
            if target.mode == ProbeMode::Mutual && requested(&client_cert).is_some() {
                report.client_auth = Some(ClientAuthReport {
                    requested: true,
                    acceptable_ca_names: ca_names(requested(&client_cert)),
                    outcome: if alert.is_some() {
                        ClientAuthOutcome::Rejected
                    } else {
                        ClientAuthOutcome::Inconclusive
                    },
                    alert,
                    detail: Some("rejected during the handshake".into()),
                });
            }
            None
        }
        Ok(Ok(s)) => Some(s),
    };
    if let Some(s) = &tls_stream {
        let conn = s.get_ref().1;
        report.version = conn.protocol_version().map(|v| format!("{v:?}"));
        report.cipher_suite = conn
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()));
        report.key_exchange_group = conn
            .negotiated_key_exchange_group()
            .map(|g| format!("{:?}", g.name()));
        report.alpn = conn
            .alpn_protocol()
            .map(|a| String::from_utf8_lossy(a).into_owned());
        report.handshake_kind = conn.handshake_kind().map(|k| format!("{k:?}"));
    }
    // The verdict of the server on our certificate (MUTUAL).
    if let Some(s) = tls_stream.as_mut()
        && target.mode == ProbeMode::Mutual
        && report.client_auth.is_none()
    {
        let hints = requested(&client_cert);
        let tls13 = s.get_ref().1.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3);
        let (outcome, alert, detail) = if hints.is_none() {
            (
                ClientAuthOutcome::NotRequested,
                None,
                Some("the server did not ask for a client certificate".to_string()),
            )
        } else if !tls13 {
            (
                ClientAuthOutcome::Accepted,
                None,
                Some("TLS 1.2 handshake completed after CertificateRequest".into()),
            )
        } else {
            let mut byte = [0u8; 1];
            tokio::select! {
                _ = ticket.notified() => (ClientAuthOutcome::Accepted, None, Some("NewSessionTicket received".into())),
                r = s.read(&mut byte) => match r {
                    Ok(0) => (ClientAuthOutcome::Inconclusive, None, Some("server closed without an alert".into())),
                    Ok(_) => (ClientAuthOutcome::Accepted, None, Some("server sent data".into())),
                    Err(e) => {
                        let (text, alert) = classify_io(&e);
                        let outcome = if alert.is_some() { ClientAuthOutcome::Rejected } else { ClientAuthOutcome::Inconclusive };
                        (outcome, alert, Some(text))
                    }
                },
                _ = tokio::time::sleep(options.client_auth_window) => (ClientAuthOutcome::Inconclusive, None, Some(format!("no verdict within {} ms", options.client_auth_window.as_millis()))),
            }
        };
        report.client_auth = Some(ClientAuthReport {
            requested: hints.is_some(),
            acceptable_ca_names: ca_names(hints),
            outcome,
            alert,
            detail,
        });
    }
    if let Some(mut s) = tls_stream {
        // Close politely; nothing was sent.
        let _ = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            tokio::io::AsyncWriteExt::shutdown(&mut s),
        )
        .await;
    }
    // Chain facts and verdicts.
    let chain = recorder.chain.lock().ok().and_then(|c| c.clone());
    if let Some(chain) = &chain {
        report.chain = std::iter::once(&chain.0)
            .chain(chain.1.iter())
            .filter_map(|c| cert_info(c))
            .collect();
        report.verdicts.push(judge(
            "mozilla",
            mozilla_roots(),
            chain,
            &server_name,
            &provider,
        ));
        match os_roots() {
            Some(r) => report
                .verdicts
                .push(judge("os", r, chain, &server_name, &provider)),
            None => report.verdicts.push(TrustVerdict {
                source: "os".into(),
                verdict: Verdict::Unavailable,
                detail: Some("no OS trust store found".into()),
            }),
        }
        let ca = target
            .tls
            .ca_certificates
            .as_deref()
            .map(|p| ("destination_rule_ca", p))
            .or(options.extra_ca.as_deref().map(|p| ("ca_file", p)));
        if let Some((source, path)) = ca {
            match load_roots(path) {
                Ok(r) => {
                    report
                        .verdicts
                        .push(judge(source, Arc::new(r), chain, &server_name, &provider))
                }
                Err(e) => report.verdicts.push(TrustVerdict {
                    source: source.into(),
                    verdict: Verdict::Unavailable,
                    detail: Some(e),
                }),
            }
            report.sidecar_trust = source.into();
        } else {
            // Envoy without caCertificates uses the system's CAs.
            let os_ok = report
                .verdicts
                .iter()
                .any(|v| v.source == "os" && v.verdict != Verdict::Unavailable);
            report.sidecar_trust = if os_ok { "os".into() } else { "mozilla".into() };
        }
        // Names: the DR's SAN list with Envoy's rules, else the SNI/host.
        let leaf_sans = report
            .chain
            .first()
            .map(|c| c.sans.clone())
            .unwrap_or_default();
        if !target.tls.subject_alt_names.is_empty() {
            report.names_checked = target.tls.subject_alt_names.clone();
            report.name_match = target
                .tls
                .subject_alt_names
                .iter()
                .any(|w| leaf_sans.iter().any(|c| san_matches(c, w)));
        } else {
            report.names_checked = vec![sni.clone().unwrap_or_else(|| target.host.clone())];
            report.name_match = report
                .verdicts
                .iter()
                .find(|v| v.source == report.sidecar_trust)
                .is_some_and(|v| v.verdict == Verdict::Trusted)
                || leaf_sans
                    .iter()
                    .any(|c| san_matches(c, &report.names_checked[0]));
        }
    }
    let trusted = target.tls.insecure_skip_verify
        || report
            .verdicts
            .iter()
            .find(|v| v.source == report.sidecar_trust)
            .is_some_and(|v| matches!(v.verdict, Verdict::Trusted | Verdict::NameMismatch));
    let names_ok = target.tls.insecure_skip_verify || report.name_match;
    let client_ok = target.mode != ProbeMode::Mutual
        || report
            .client_auth
            .as_ref()
            .is_some_and(|c| c.outcome == ClientAuthOutcome::Accepted);
    report.ok = report.error.is_none() && chain.is_some() && trusted && names_ok && client_ok;
    report.elapsed_ms = super::ms(start);
    report
}

fn ca_names(hints: Option<Vec<Vec<u8>>>) -> Vec<String> {
    use x509_parser::prelude::FromDer;
    hints
        .unwrap_or_default()
        .iter()
        .map(|h| {
            // TLS sends the names without their outer SEQUENCE; add it back to parse.
            let mut wrapped = vec![0x30u8];
            let len = h.len();
            if len < 0x80 {
                wrapped.push(len as u8);
            } else if len < 0x100 {
                wrapped.extend([0x81, len as u8]);
            } else {
                wrapped.extend([0x82, (len >> 8) as u8, len as u8]);
            }
            wrapped.extend_from_slice(h);
            match x509_parser::x509::X509Name::from_der(h)
                .or_else(|_| x509_parser::x509::X509Name::from_der(&wrapped))
            {
                Ok((_, name)) => name.to_string(),
                Err(_) => "(unparsable name)".to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envoy_san_rules() {
        assert!(san_matches("*.example.com", "api.example.com"));
        assert!(!san_matches("*.example.com", "a.b.example.com"));
        assert!(!san_matches("*.example.com", "example.com"));
        assert!(san_matches("API.example.com", "api.example.com."));
        assert!(!san_matches("api*.example.com", "api1.example.com"));
        assert!(!san_matches("api.example.com", "*.example.com"));
    }

    #[test]
    fn alert_names() {
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownCA),
            "unknown_ca"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::CertificateRequired),
            "certificate_required"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::BadCertificate),
            "bad_certificate"
        );
    }
}
