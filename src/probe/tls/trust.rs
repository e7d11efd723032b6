//! Judging the server's chain against each trust source the way the sidecar's
//! BoringSSL would. webpki decides first; where webpki is stricter than BoringSSL
//! (a pinned self-signed certificate, a CA certificate used as the leaf, chains
//! longer than 6 intermediates) a small BoringSSL-like path check decides:
//! issuer names chain, each signature verifies, every certificate is within its
//! dates, intermediates are CAs, at most 100 certificates, and a certificate that
//! is itself in the trust file is trusted as is (pinning).

use super::certs::{date, der_sequence, now_unix};
use super::observe::Chain;
use crate::probe::problem::words;
use crate::probe::report::{TrustVerdict, Verdict};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, RootCertStore};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// BoringSSL's default verification depth.
const MAX_DEPTH: usize = 100;

/// A trust source: the anchors webpki uses, and the certificates themselves when
/// they came from a file (for pinning).
pub struct Anchors {
    pub roots: Arc<RootCertStore>,
    pub certs: Vec<CertificateDer<'static>>,
}

pub fn load_file(path: &Path) -> Result<Anchors, String> {
    let mut roots = RootCertStore::empty();
    let mut certs = Vec::new();
    let iter = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for c in iter {
        let c = c.map_err(|e| format!("{}: not a PEM certificate file ({e})", path.display()))?;
        // webpki refuses some anchors (v1 certificates); pinning still uses them.
        let _ = roots.add(c.clone());
        certs.push(c);
    }
    if certs.is_empty() {
        return Err(format!("{}: no certificate in the file", path.display()));
    }
    Ok(Anchors {
        roots: Arc::new(roots),
        certs,
    })
}

pub fn mozilla() -> Arc<Anchors> {
    static ROOTS: OnceLock<Arc<Anchors>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            Arc::new(Anchors {
                roots: Arc::new(RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                }),
                certs: Vec::new(),
            })
        })
        .clone()
}

/// Loads the OS trust store ahead of need (it is cached for the process).
pub fn warm_os_roots() {
    let _ = os();
}

pub fn os() -> Option<Arc<Anchors>> {
    static ROOTS: OnceLock<Option<Arc<Anchors>>> = OnceLock::new();
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
                    let _ = roots.add_parsable_certificates(certs.filter_map(Result::ok));
                }
                None => {
                    let found = rustls_native_certs::load_native_certs();
                    let _ = roots.add_parsable_certificates(found.certs);
                }
            }
            (!roots.is_empty()).then(|| {
                Arc::new(Anchors {
                    roots: Arc::new(roots),
                    certs: Vec::new(),
                })
            })
        })
        .clone()
}

/// One verdict on `chain` for `source`.
pub fn judge(
    source: &str,
    anchors: &Anchors,
    chain: &Chain,
    name: &ServerName<'static>,
    provider: &Arc<CryptoProvider>,
) -> TrustVerdict {
    let verdict = |verdict, detail: Option<String>| TrustVerdict {
        source: source.into(),
        verdict,
        detail,
    };
    let verifier =
        match WebPkiServerVerifier::builder_with_provider(anchors.roots.clone(), provider.clone())
            .build()
        {
            Ok(v) => v,
            // No usable anchor in the source (e.g. only v1 certificates in a CA file):
            // the BoringSSL-like check still judges pinned certificates.
            Err(_) => return boring_verdict(source, anchors, chain),
        };
    let err = match verifier.verify_server_cert(
        &chain.leaf,
        &chain.rest,
        name,
        &chain.ocsp,
        UnixTime::now(),
    ) {
        Ok(_) => return verdict(Verdict::Trusted, None),
        Err(e) => e,
    };
    let (class, detail) = classify(&err);
    // Where webpki is stricter than BoringSSL, BoringSSL's rules decide.
    let stricter = match class {
        // Not for other refusals (name constraints, …): BoringSSL enforces those too.
        Verdict::CaUsedAsLeaf | Verdict::PathTooLong => true,
        // An unknown issuer can be a pinned certificate or a chain longer than
        // webpki follows; otherwise only say whether the leaf is self-signed.
        Verdict::UnknownIssuer => !anchors.certs.is_empty() || chain.rest.len() >= 6,
        _ => false,
    };
    if class == Verdict::UnknownIssuer && !stricter && leaf_self_signed(chain) {
        return verdict(Verdict::SelfSigned, None);
    }
    if stricter {
        let boring = boring_verdict(source, anchors, chain);
        if class != Verdict::UnknownIssuer
            || matches!(boring.verdict, Verdict::Trusted | Verdict::SelfSigned)
        {
            return boring;
        }
    }
    // webpki checks the name last: a name mismatch means the chain is trusted.
    verdict(class, detail)
}

fn leaf_self_signed(chain: &Chain) -> bool {
    use x509_parser::prelude::*;
    X509Certificate::from_der(&chain.leaf)
        .is_ok_and(|(_, c)| c.subject().as_raw() == c.issuer().as_raw())
}

/// The verdict of the BoringSSL-like check.
fn boring_verdict(source: &str, anchors: &Anchors, chain: &Chain) -> TrustVerdict {
    let (verdict, detail) = match boring_path(anchors, chain, now_unix()) {
        Ok(how) => (Verdict::Trusted, Some(how)),
        Err((v, d)) => (v, Some(d).filter(|d| !d.is_empty())),
    };
    TrustVerdict {
        source: source.into(),
        verdict,
        detail,
    }
}

type Fail = (Verdict, String);

/// Path check with BoringSSL's rules (see the module docs). `Ok` says how the
/// chain was trusted.
fn boring_path(anchors: &Anchors, chain: &Chain, now: i64) -> Result<String, Fail> {
    use x509_parser::prelude::*;
    let parse = |der: &'_ [u8]| -> Result<(), Fail> {
        X509Certificate::from_der(der).map(|_| ()).map_err(|_| {
            (
                Verdict::BadEncoding,
                "a certificate could not be parsed".into(),
            )
        })
    };
    parse(&chain.leaf)?;
    let pinned = |der: &[u8]| anchors.certs.iter().any(|a| a.as_ref() == der);
    let mut used = vec![false; chain.rest.len()];
    let mut current: &[u8] = &chain.leaf;
    for depth in 0..MAX_DEPTH {
        let (_, cert) = X509Certificate::from_der(current).map_err(|_| {
            (
                Verdict::BadEncoding,
                "a certificate could not be parsed".into(),
            )
        })?;
        within_dates(&cert, now)?;
        if depth == 0 {
            server_purpose(&cert)?;
        }
        if pinned(current) {
            return Ok(if depth == 0 {
                "pinned: the server's certificate is itself in the trust file".into()
            } else {
                format!(
                    "chain of {} certificates up to one in the trust file",
                    depth + 1
                )
            });
        }
        // An anchor that issued this certificate ends the path.
        let issuer_raw = cert.issuer().as_raw();
        for anchor in &anchors.roots.roots {
            if der_sequence(anchor.subject.as_ref()) != issuer_raw {
                continue;
            }
            let spki_der = der_sequence(anchor.subject_public_key_info.as_ref());
            if let Ok((_, spki)) = SubjectPublicKeyInfo::from_der(&spki_der)
                && cert.verify_signature(Some(&spki)).is_ok()
            {
                return Ok(format!(
                    "chain of {} up to a trusted CA",
                    crate::probe::problem::plural(depth + 1, "certificate", "certificates")
                ));
            }
        }
        // Else an intermediate the server sent.
        let next = chain.rest.iter().enumerate().find_map(|(i, der)| {
            if used[i] {
                return None;
            }
            let (_, c) = X509Certificate::from_der(der).ok()?;
            (c.subject().as_raw() == issuer_raw
                && c.is_ca()
                && cert.verify_signature(Some(c.public_key())).is_ok())
            .then_some(i)
        });
        match next {
            Some(i) => {
                used[i] = true;
                current = &chain.rest[i];
            }
            None => {
                let self_signed = cert.subject().as_raw() == issuer_raw;
                return Err(if self_signed && depth == 0 {
                    (Verdict::SelfSigned, String::new())
                } else {
                    (
                        Verdict::UnknownIssuer,
                        format!("no trusted issuer for {}", cert.issuer()),
                    )
                });
            }
        }
    }
    Err((
        Verdict::PathTooLong,
        format!("the chain is longer than {MAX_DEPTH} certificates"),
    ))
}

/// A leaf with an extended key usage must allow TLS servers (BoringSSL's
/// `ssl_server` purpose).
fn server_purpose(cert: &x509_parser::certificate::X509Certificate<'_>) -> Result<(), Fail> {
    match cert.extended_key_usage() {
        Ok(Some(eku)) if !(eku.value.server_auth || eku.value.any) => Err((
            Verdict::InvalidPurpose,
            "the certificate is not for TLS servers (extended key usage)".into(),
        )),
        _ => Ok(()),
    }
}

fn within_dates(
    cert: &x509_parser::certificate::X509Certificate<'_>,
    now: i64,
) -> Result<(), Fail> {
    let v = cert.validity();
    if now > v.not_after.timestamp() {
        return Err((
            Verdict::Expired,
            format!(
                "{} expired on {}",
                cert.subject(),
                date(v.not_after.timestamp())
            ),
        ));
    }
    if now < v.not_before.timestamp() {
        return Err((
            Verdict::NotYetValid,
            format!(
                "{} is not valid before {}",
                cert.subject(),
                date(v.not_before.timestamp())
            ),
        ));
    }
    Ok(())
}

/// A verification error as a verdict and a sentence.
fn classify(e: &rustls::Error) -> (Verdict, Option<String>) {
    let rustls::Error::InvalidCertificate(c) = e else {
        return (Verdict::Rejected, Some(e.to_string()));
    };
    let unix = |t: UnixTime| date(t.as_secs() as i64);
    match c {
        CertificateError::Expired => (Verdict::Expired, None),
        CertificateError::ExpiredContext { not_after, .. } => (
            Verdict::Expired,
            Some(format!("expired on {}", unix(*not_after))),
        ),
        CertificateError::NotValidYet => (Verdict::NotYetValid, None),
        CertificateError::NotValidYetContext { not_before, .. } => (
            Verdict::NotYetValid,
            Some(format!("not valid before {}", unix(*not_before))),
        ),
        CertificateError::UnknownIssuer => (Verdict::UnknownIssuer, None),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            (Verdict::NameMismatch, None)
        }
        CertificateError::BadSignature => (Verdict::BadSignature, None),
        CertificateError::Revoked => (Verdict::Revoked, None),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => (
            Verdict::InvalidPurpose,
            Some("the certificate is not for TLS servers (extended key usage)".into()),
        ),
        CertificateError::BadEncoding => (Verdict::BadEncoding, None),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            (Verdict::UnsupportedAlgorithm, None)
        }
        CertificateError::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki::Error::CaUsedAsEndEntity) => (Verdict::CaUsedAsLeaf, None),
            Some(
                webpki::Error::MaximumPathDepthExceeded
                | webpki::Error::MaximumPathBuildCallsExceeded
                | webpki::Error::MaximumSignatureChecksExceeded,
            ) => (Verdict::PathTooLong, None),
            Some(w) => (Verdict::Rejected, Some(words(&format!("{w:?}")))),
            None => (Verdict::Rejected, Some(other.0.to_string())),
        },
        other => (Verdict::Rejected, Some(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = match CertificateParams::new(vec![cn.to_string()]) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        p.distinguished_name
            .push(rcgen::DnType::CommonName, cn.to_string());
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        let now = time::OffsetDateTime::now_utc();
        p.not_before = now - time::Duration::days(1);
        p.not_after = now + time::Duration::days(30);
        p
    }

    fn key() -> KeyPair {
        KeyPair::generate().unwrap_or_else(|e| panic!("{e}"))
    }

    fn anchors(certs: Vec<CertificateDer<'static>>) -> Anchors {
        let mut roots = RootCertStore::empty();
        for c in &certs {
            let _ = roots.add(c.clone());
        }
        Anchors {
            roots: Arc::new(roots),
            certs,
        }
    }

    fn chain(leaf: CertificateDer<'static>, rest: Vec<CertificateDer<'static>>) -> Chain {
        Chain {
            leaf,
            rest,
            ocsp: Vec::new(),
        }
    }

    #[test]
    fn pinned_self_signed_is_trusted_unless_its_purpose_or_dates_say_no() {
        let k = key();
        let leaf: CertificateDer<'static> = params("a.test", true)
            .self_signed(&k)
            .unwrap()
            .der()
            .clone();
        let a = anchors(vec![leaf.clone()]);
        let now = now_unix();
        assert!(boring_path(&a, &chain(leaf.clone(), vec![]), now).is_ok());
        // Sixty days on it has expired.
        let later = now + 60 * 86_400;
        let err = boring_path(&a, &chain(leaf.clone(), vec![]), later).unwrap_err();
        assert_eq!(err.0, Verdict::Expired);
        // Not in the anchors: self-signed, not trusted.
        let err = boring_path(&anchors(vec![]), &chain(leaf, vec![]), now).unwrap_err();
        assert_eq!(err.0, Verdict::SelfSigned);
        // A client-only certificate is not for TLS servers.
        let mut p = params("c.test", true);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client: CertificateDer<'static> = p.self_signed(&k).unwrap().der().clone();
        let err =
            boring_path(&anchors(vec![client.clone()]), &chain(client, vec![]), now).unwrap_err();
        assert_eq!(err.0, Verdict::InvalidPurpose);
    }

    #[test]
    fn long_chains_verify_up_to_the_anchor_and_a_wrong_signature_does_not() {
        let root_key = key();
        let root_params = params("Root", true);
        let root = root_params.self_signed(&root_key).unwrap().der().clone();
        let mut issuer = Issuer::new(root_params, root_key);
        let mut rest = Vec::new();
        for i in 0..9 {
            let k = key();
            let p = params(&format!("Intermediate {i}"), true);
            rest.push(p.signed_by(&k, &issuer).unwrap().der().clone());
            issuer = Issuer::new(p, k);
        }
        let leaf = params("a.test", false)
            .signed_by(&key(), &issuer)
            .unwrap()
            .der()
            .clone();
        rest.reverse();
        let a = anchors(vec![root]);
        let how = boring_path(&a, &chain(leaf.clone(), rest.clone()), now_unix()).unwrap();
        assert!(how.contains("10 certificates"), "{how}");
        // An impostor intermediate with the right name but another key breaks the path.
        let impostor = params("Intermediate 8", true)
            .self_signed(&key())
            .unwrap()
            .der()
            .clone();
        rest[0] = impostor;
        let err = boring_path(&a, &chain(leaf, rest), now_unix()).unwrap_err();
        assert_eq!(err.0, Verdict::UnknownIssuer);
    }
}
