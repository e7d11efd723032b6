//! What the handshake lets us observe: the server's whole chain (through a
//! verifier that accepts everything but still checks the handshake signatures),
//! whether the server asked for a client certificate and whether we sent one, and
//! a TLS 1.3 session ticket (the server's quiet "yes" to our certificate).

use rustls::DigitallySignedStruct;
use rustls::SignatureScheme;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientSessionMemoryCache, ClientSessionStore, ResolvesClientCert};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// CA names kept from a CertificateRequest.
const MAX_HINTS: usize = 64;

/// The server's chain as sent: leaf, the rest, stapled OCSP.
#[derive(Clone, Debug)]
pub struct Chain {
    pub leaf: CertificateDer<'static>,
    pub rest: Vec<CertificateDer<'static>>,
    pub ocsp: Vec<u8>,
}

/// Records the server's chain and accepts it: used only to observe. No
/// application data is ever sent over such a connection.
#[derive(Debug)]
pub struct Recorder {
    pub provider: Arc<CryptoProvider>,
    chain: Mutex<Option<Chain>>,
}

impl Recorder {
    pub fn new(provider: Arc<CryptoProvider>) -> Recorder {
        Recorder {
            provider,
            chain: Mutex::new(None),
        }
    }

    pub fn chain(&self) -> Option<Chain> {
        self.chain.lock().ok()?.clone()
    }
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
        // The whole chain is kept: it already fits one handshake message (64 KiB).
        let kept = intermediates
            .iter()
            .map(|c| c.clone().into_owned())
            .collect();
        if let Ok(mut slot) = self.chain.lock() {
            *slot = Some(Chain {
                leaf: end_entity.clone().into_owned(),
                rest: kept,
                ocsp: ocsp.to_vec(),
            });
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

/// Offers our client certificate (if any) and records whether — and with which
/// CA names — the server asked for one. rustls calls `resolve` only when the
/// server sent a CertificateRequest; without a key it answers with an empty
/// certificate list, as the sidecar does in SIMPLE mode.
pub struct ClientCert {
    pub key: Option<Arc<CertifiedKey>>,
    pub hints: Mutex<Option<Vec<Vec<u8>>>>,
}

impl ClientCert {
    pub fn new(key: Option<Arc<CertifiedKey>>) -> ClientCert {
        ClientCert {
            key,
            hints: Mutex::new(None),
        }
    }

    /// The CA names of the server's CertificateRequest, or `None` when it sent none.
    pub fn requested(&self) -> Option<Vec<Vec<u8>>> {
        self.hints.lock().ok().and_then(|h| h.clone())
    }

    pub fn offers_certificate(&self) -> bool {
        self.key.is_some()
    }
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

/// Notices a TLS 1.3 session ticket: the server accepted the handshake, our
/// certificate (or its absence) included.
#[derive(Debug)]
pub struct TicketWatch {
    pub inner: ClientSessionMemoryCache,
    pub notify: Arc<Notify>,
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
    let signing = provider
        .key_provider
        .load_private_key(key_der)
        .map_err(|_| format!("private key {}: unusable for TLS", key.display()))?;
    // The pair must belong together. Compared here rather than by rustls, whose
    // check parses the certificate with webpki and refuses X.509 v1 (what
    // `openssl x509 -req` makes without extensions), which Envoy accepts.
    let (_, leaf) = x509_parser::parse_x509_certificate(&chain[0]).map_err(|_| {
        format!(
            "client certificate {}: not a readable certificate",
            cert.display()
        )
    })?;
    if let Some(spki) = signing.public_key()
        && leaf.public_key().raw != spki.as_ref()
    {
        return Err(format!(
            "client certificate {} and private key {} do not belong together (key mismatch)",
            cert.display(),
            key.display()
        ));
    }
    Ok(Arc::new(CertifiedKey::new(chain, signing)))
}
