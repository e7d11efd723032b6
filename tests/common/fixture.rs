//! Real servers for probe tests and benchmarks, all on loopback: an authoritative
//! DNS server (hickory-server) for `example.test.` and rustls servers with rcgen
//! certificates (good, expired, wrong name, mutual TLS 1.3 and 1.2, silent, plain HTTP).

#![allow(dead_code)]

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, CNAME, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

// ---------------------------------------------------------------- DNS

pub fn rec(name: &str, ttl: u32, data: RData) -> Record {
    Record::from_rdata(Name::from_str(name).unwrap(), ttl, data)
}

/// An authoritative server for `example.test.` on 127.0.0.1 (UDP and TCP, same port).
pub async fn dns_server() -> (SocketAddr, Server<Catalog>) {
    let origin = Name::from_str("example.test.").unwrap();
    let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
        origin.clone(),
        ZoneType::Primary,
        AxfrPolicy::Deny,
    );
    let soa = SOA::new(
        Name::from_str("ns.example.test.").unwrap(),
        Name::from_str("admin.example.test.").unwrap(),
        1,
        3600,
        600,
        86400,
        60,
    );
    let v4 = Ipv4Addr::LOCALHOST;
    let records = vec![
        rec("example.test.", 3600, RData::SOA(soa)),
        rec("api.example.test.", 300, RData::A(A(v4))),
        rec(
            "api.example.test.",
            300,
            RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)),
        ),
        rec(
            "alias.example.test.",
            60,
            RData::CNAME(CNAME(Name::from_str("edge.example.test.").unwrap())),
        ),
        rec(
            "edge.example.test.",
            120,
            RData::CNAME(CNAME(Name::from_str("api.example.test.").unwrap())),
        ),
        rec("v4only.example.test.", 300, RData::A(A(v4))),
        rec(
            "txtonly.example.test.",
            300,
            RData::TXT(TXT::new(vec!["hello".into()])),
        ),
        rec(
            "dangling.example.test.",
            300,
            RData::CNAME(CNAME(Name::from_str("gone.example.test.").unwrap())),
        ),
        rec(
            "loop1.example.test.",
            300,
            RData::CNAME(CNAME(Name::from_str("loop2.example.test.").unwrap())),
        ),
        rec(
            "loop2.example.test.",
            300,
            RData::CNAME(CNAME(Name::from_str("loop1.example.test.").unwrap())),
        ),
        rec("wrong.example.test.", 300, RData::A(A(v4))),
        // A hostile answer: the cloud metadata address (never dialled by the probe).
        rec(
            "meta.example.test.",
            300,
            RData::A(A(Ipv4Addr::new(169, 254, 169, 254))),
        ),
    ];
    for r in records {
        zone.upsert_mut(r, 1);
    }
    for i in 0..200u32 {
        zone.upsert_mut(
            rec(&format!("h{i}.bulk.example.test."), 300, RData::A(A(v4))),
            1,
        );
    }
    for i in 0..300u32 {
        zone.upsert_mut(
            rec(
                "huge.example.test.",
                300,
                RData::A(A(Ipv4Addr::new(
                    127,
                    1,
                    (i / 250) as u8,
                    (i % 250) as u8 + 1,
                ))),
            ),
            1,
        );
    }
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
    let mut server = Server::new(catalog);
    // UDP and TCP on the same port; retry if TCP's is taken.
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        if let Ok(tcp) = TcpListener::bind(addr).await {
            server.register_socket(udp);
            server.register_listener(tcp, Duration::from_secs(5), 65535);
            return (addr, server);
        }
    }
    panic!("no free UDP+TCP port pair on loopback");
}

// ---------------------------------------------------------------- PKI

pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

pub fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let pem = p.self_signed(&key).unwrap().pem();
    (p, key, pem)
}

pub fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    sans: &[&str],
    cn: &str,
    expired: bool,
) -> (String, String) {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    if expired {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    } else {
        let now = time::OffsetDateTime::now_utc();
        p.not_before = now - time::Duration::days(1);
        p.not_after = now + time::Duration::days(90);
    }
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// DER tag-length-value.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    match n {
        0..=127 => out.push(n as u8),
        128..=255 => out.extend([0x81, n as u8]),
        _ => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn pem(label: &str, der: &[u8]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::new();
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                text.push(B64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                text.push('=');
            }
        }
    }
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// An X.509 version 1 client certificate (no extensions), as `openssl x509
/// -req` makes it without an extensions file, issued by the CA of `ca_pem`.
pub fn v1_leaf(ca_pem: &str, ca_key: &KeyPair, cn: &str) -> (String, String) {
    use rcgen::{PublicKeyData, SigningKey};
    use rustls::pki_types::pem::PemObject;
    let ca_der = rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap();
    let (_, ca) = x509_parser::parse_x509_certificate(&ca_der).unwrap();
    let ecdsa_sha256 = der(
        0x30,
        &der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
    );
    let now = time::OffsetDateTime::now_utc();
    let utc = |t: time::OffsetDateTime| {
        let s = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            t.year() % 100,
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        der(0x17, s.as_bytes())
    };
    let validity = der(
        0x30,
        &[
            utc(now - time::Duration::days(1)),
            utc(now + time::Duration::days(90)),
        ]
        .concat(),
    );
    let subject = der(
        0x30,
        &der(
            0x31,
            &der(
                0x30,
                &[der(0x06, &[0x55, 0x04, 0x03]), der(0x0c, cn.as_bytes())].concat(),
            ),
        ),
    );
    let key = KeyPair::generate().unwrap();
    let tbs = der(
        0x30,
        &[
            der(0x02, &[0x07]),
            ecdsa_sha256.clone(),
            ca.subject().as_raw().to_vec(),
            validity,
            subject,
            key.subject_public_key_info(),
        ]
        .concat(),
    );
    let signature = ca_key.sign(&tbs).unwrap();
    let cert = der(
        0x30,
        &[
            tbs,
            ecdsa_sha256,
            der(0x03, &[&[0u8][..], &signature].concat()),
        ]
        .concat(),
    );
    (pem("CERTIFICATE", &cert), key.serialize_pem())
}

pub struct Fixture {
    pub pki: Pki,
    pub server_ca: PathBuf,
    /// Self-signed CA:TRUE leaf for api.example.test (as `openssl req -x509` makes), and its PEM.
    pub self_signed: u16,
    pub self_signed_pem: PathBuf,
    /// Leaf, 20 intermediates, issued under the server CA.
    pub long_chain: u16,
    /// A leaf of about 70 KB.
    pub big_leaf: u16,
    /// Client certificate optional (asked for, not required), TLS 1.3 and 1.2.
    pub optional13: u16,
    pub optional12: u16,
    /// TLS 1.3 server that answers one HTTP request: `404 Not Found`, server `fixture`.
    pub https: u16,
    /// Like `https`, asking for an optional client certificate and sending no
    /// session tickets (its verdict shows only in its answer).
    pub https_quiet_optional: u16,
    pub good: u16,
    pub expired: u16,
    pub wrong: u16,
    pub mtls13: u16,
    pub mtls12: u16,
    pub silent: u16,
    pub plain: u16,
    /// Requires a client certificate and accepts any whose key signed the
    /// handshake, X.509 version 1 included (as BoringSSL-based servers do).
    pub mtls_any: u16,
}

pub fn server_config(
    cert: &str,
    key: &str,
    client_ca: Option<&str>,
    tls12_only: bool,
) -> rustls::ServerConfig {
    server_config_with(cert, key, client_ca, tls12_only, false)
}

pub fn server_config_with(
    cert: &str,
    key: &str,
    client_ca: Option<&str>,
    tls12_only: bool,
    client_optional: bool,
) -> rustls::ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone());
    let builder = if tls12_only {
        builder
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
    } else {
        builder.with_safe_default_protocol_versions().unwrap()
    };
    let mut cfg = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                roots.add(c.unwrap()).unwrap();
            }
            let vb = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            );
            let vb = if client_optional {
                vb.allow_unauthenticated()
            } else {
                vb
            };
            let verifier = vb.build().unwrap();
            builder
                .with_client_cert_verifier(verifier)
                .with_single_cert(chain, key)
                .unwrap()
        }
        None => builder
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    cfg
}

/// Serves TLS on 127.0.0.1 and [::1] on the same port; keeps connections open a moment.
pub async fn tls_server(cfg: rustls::ServerConfig) -> u16 {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let v4 = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = v4.local_addr().unwrap().port();
    let v6 = TcpListener::bind(("::1", port)).await.ok();
    for l in std::iter::once(v4).chain(v6) {
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = l.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(mut s) = acceptor.accept(sock).await {
                        let mut buf = [0u8; 64];
                        let _ =
                            tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await;
                    }
                });
            }
        });
    }
    port
}

/// A server config that does not parse its own certificate (webpki cannot read
/// one over 64 KiB; BoringSSL can): for the large-certificate server.
pub fn server_config_unparsed(cert: &str, key: &str) -> rustls::ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let signer = rustls::crypto::ring::sign::any_supported_type(&key).unwrap();
    let ck = rustls::sign::CertifiedKey::new(chain, signer);
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(ck)))
}

/// Serves TLS on 127.0.0.1 and answers one HTTP request with a 404 from `fixture`.
pub async fn tls_http_server(cfg: rustls::ServerConfig) -> u16 {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((sock, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut s) = acceptor.accept(sock).await {
                    let mut buf = vec![0u8; 4096];
                    let mut got = Vec::new();
                    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = s
                        .write_all(b"HTTP/1.1 404 Not Found\r\nServer: fixture\r\nContent-Length: 9\r\n\r\nnot found")
                        .await;
                    let _ = s.shutdown().await;
                }
            });
        }
    });
    port
}

/// A self-signed certificate with CA:TRUE for `names`, as `openssl req -x509` makes by default.
pub fn self_signed_ca_leaf(names: &[&str]) -> (String, String) {
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, names[0]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// A leaf under `depth` intermediates below `root`: (leaf + intermediates PEM, leaf key).
pub fn long_chain(root: &Issuer<'_, KeyPair>, depth: usize, sans: &[&str]) -> (String, String) {
    let mut pems = Vec::new();
    let mut issuers: Vec<Issuer<'static, KeyPair>> = Vec::new();
    for i in 0..depth {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(DnType::CommonName, format!("Intermediate {i}"));
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = match issuers.last() {
            Some(parent) => p.signed_by(&key, parent).unwrap(),
            None => p.signed_by(&key, root).unwrap(),
        };
        pems.push(cert.pem());
        issuers.push(Issuer::new(p, key));
    }
    let (leaf_pem, leaf_key) = leaf(issuers.last().unwrap_or(root), sans, sans[0], false);
    pems.reverse();
    (format!("{leaf_pem}{}", pems.join("")), leaf_key)
}

/// A leaf made about `bytes` large by a private extension.
pub fn big_leaf(issuer: &Issuer<'_, KeyPair>, sans: &[&str], bytes: usize) -> (String, String) {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, sans[0]);
    // An OCTET STRING of filler under a private OID.
    let mut content = vec![0x04, 0x83];
    content.extend([(bytes >> 16) as u8, (bytes >> 8) as u8, bytes as u8]);
    content.extend(std::iter::repeat_n(0x41u8, bytes));
    p.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 4, 1, 55555, 1],
        content,
    )];
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

pub async fn fixture() -> Fixture {
    let pki = Pki {
        dir: tempfile::tempdir().unwrap(),
    };
    let (sp, sk, server_ca_pem) = ca("Probe Server CA");
    let server_issuer = Issuer::new(sp, sk);
    let (cp, ck, client_ca_pem) = ca("Probe Client CA");
    let (v1_cert, v1_key) = v1_leaf(&client_ca_pem, &ck, "client-v1");
    pki.write("client-v1.pem", &v1_cert);
    pki.write("client-v1-key.pem", &v1_key);
    let client_issuer = Issuer::new(cp, ck);
    let (rp, rk, _) = ca("Rogue CA");
    let rogue_issuer = Issuer::new(rp, rk);

    let names = [
        "api.example.test",
        "*.wild.example.test",
        "127.0.0.1",
        "::1",
    ];
    let (good_cert, good_key) = leaf(&server_issuer, &names, "api.example.test", false);
    let (old_cert, old_key) = leaf(&server_issuer, &names, "api.example.test", true);
    let (wrong_cert, wrong_key) = leaf(
        &server_issuer,
        &["other.example.test"],
        "other.example.test",
        false,
    );
    let (client_cert, client_key) = leaf(&client_issuer, &["client.example.test"], "client", false);
    let (rogue_cert, rogue_key) = leaf(&rogue_issuer, &["client.example.test"], "rogue", false);

    let server_ca = pki.write("server-ca.pem", &server_ca_pem);
    pki.write("client.pem", &client_cert);
    pki.write("client-key.pem", &client_key);
    pki.write("rogue.pem", &rogue_cert);
    pki.write("rogue-key.pem", &rogue_key);

    let good = tls_server(server_config(&good_cert, &good_key, None, false)).await;
    let expired = tls_server(server_config(&old_cert, &old_key, None, false)).await;
    let wrong = tls_server(server_config(&wrong_cert, &wrong_key, None, false)).await;
    let mtls13 = tls_server(server_config(
        &good_cert,
        &good_key,
        Some(&client_ca_pem),
        false,
    ))
    .await;
    let mtls12 = tls_server(server_config(
        &good_cert,
        &good_key,
        Some(&client_ca_pem),
        true,
    ))
    .await;

    let (ss_cert, ss_key) = self_signed_ca_leaf(&["api.example.test", "127.0.0.1"]);
    let self_signed_pem = pki.write("self-signed.pem", &ss_cert);
    let self_signed = tls_server(server_config(&ss_cert, &ss_key, None, false)).await;
    let (chain_pem, chain_key) = long_chain(&server_issuer, 20, &["api.example.test"]);
    let long_chain = tls_server(server_config(&chain_pem, &chain_key, None, false)).await;
    let (big_cert, big_key) = big_leaf(&server_issuer, &["api.example.test"], 70 * 1024);
    let big_leaf = tls_server(server_config_unparsed(&big_cert, &big_key)).await;
    let optional13 = tls_server(server_config_with(
        &good_cert,
        &good_key,
        Some(&client_ca_pem),
        false,
        true,
    ))
    .await;
    let optional12 = tls_server(server_config_with(
        &good_cert,
        &good_key,
        Some(&client_ca_pem),
        true,
        true,
    ))
    .await;
    let mut https_cfg = server_config(&good_cert, &good_key, None, false);
    https_cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let https = tls_http_server(https_cfg).await;
    let mut quiet = server_config_with(&good_cert, &good_key, Some(&client_ca_pem), false, true);
    quiet.send_tls13_tickets = 0;
    quiet.alpn_protocols = vec![b"http/1.1".to_vec()];
    let https_quiet_optional = tls_http_server(quiet).await;

    let silent_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = silent_l.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent_l.accept().await {
            held.push(s);
        }
    });
    let mtls_any = {
        let hint = CertificateDer::from_pem_slice(client_ca_pem.as_bytes()).unwrap();
        let (_, ca) = x509_parser::parse_x509_certificate(&hint).unwrap();
        let verifier = Arc::new(AnyClientCert(vec![rustls::DistinguishedName::from(
            ca.subject().as_raw().to_vec(),
        )]));
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(good_cert.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
        let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            chain,
            PrivateKeyDer::from_pem_slice(good_key.as_bytes()).unwrap(),
        )
        .unwrap();
        tls_server(cfg).await
    };
    let plain_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain = plain_l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = plain_l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    Fixture {
        pki,
        server_ca,
        self_signed,
        self_signed_pem,
        long_chain,
        big_leaf,
        optional13,
        optional12,
        https,
        https_quiet_optional,
        good,
        expired,
        wrong,
        mtls13,
        mtls12,
        silent,
        plain,
        mtls_any,
    }
}

/// A client verifier that requires a certificate and checks only that its key
/// (an ECDSA P-256 key, read with x509-parser, which reads version 1 too) signed
/// the handshake.
#[derive(Debug)]
struct AnyClientCert(Vec<rustls::DistinguishedName>);

fn signed_by_cert_key(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &rustls::DigitallySignedStruct,
) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
    let (_, c) = x509_parser::parse_x509_certificate(cert)
        .map_err(|_| rustls::Error::General("unreadable client certificate".into()))?;
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_ASN1,
        &c.public_key().subject_public_key.data,
    )
    .verify(message, dss.signature())
    .map_err(|_| rustls::Error::General("bad client signature".into()))?;
    Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
}

impl rustls::server::danger::ClientCertVerifier for AnyClientCert {
    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        &self.0
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
        Ok(rustls::server::danger::ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        signed_by_cert_key(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        signed_by_cert_key(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        vec![rustls::SignatureScheme::ECDSA_NISTP256_SHA256]
    }
}
