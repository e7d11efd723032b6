//! The probe against real servers started in the test on loopback: an authoritative
//! DNS server (hickory-server) and rustls servers with rcgen certificates.

mod common;

use egress_studio::probe::{
    ClientAuthOutcome, DnsErrorClass, ProbeMode, ProbeOptions, ProbeReport, Prober, Target,
    TcpOutcome, TlsSettings, Verdict,
};
use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, CNAME, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

// ---------------------------------------------------------------- DNS

fn rec(name: &str, ttl: u32, data: RData) -> Record {
    Record::from_rdata(Name::from_str(name).unwrap(), ttl, data)
}

/// An authoritative server for `example.test.` on 127.0.0.1 (UDP and TCP, same port).
async fn dns_server() -> (SocketAddr, Server<Catalog>) {
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
    ];
    for r in records {
        zone.upsert_mut(r, 1);
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

fn options(dns: SocketAddr) -> ProbeOptions {
    ProbeOptions {
        dns_server: Some(dns),
        stage_timeout: Duration::from_millis(1500),
        target_timeout: Duration::from_secs(5),
        client_auth_window: Duration::from_millis(800),
        ..Default::default()
    }
}

fn target(host: &str, port: u16, mode: ProbeMode, tls: TlsSettings) -> Target {
    Target {
        host: host.into(),
        port,
        mode,
        tls,
        addresses: Vec::new(),
        origin: "test".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_answers_chains_and_error_classes() {
    let (dns, _server) = dns_server().await;
    let prober = Prober::new(options(dns));
    let (resolver, name) =
        egress_studio::probe::dns::build_resolver(Some(dns), Duration::from_millis(1500)).unwrap();
    let resolve = |h: &'static str| {
        let (r, n) = (&resolver, &name);
        async move { egress_studio::probe::dns::resolve(r, n, h, Duration::from_secs(3)).await }
    };

    let api = resolve("api.example.test").await;
    assert_eq!(api.resolver, dns.to_string());
    assert_eq!(
        api.a.iter().map(|a| (a.address, a.ttl)).collect::<Vec<_>>(),
        [(IpAddr::from(Ipv4Addr::LOCALHOST), 300)]
    );
    assert_eq!(
        api.aaaa
            .iter()
            .map(|a| (a.address, a.ttl))
            .collect::<Vec<_>>(),
        [(IpAddr::from(Ipv6Addr::LOCALHOST), 300)]
    );
    assert!(api.error.is_none());

    let alias = resolve("alias.example.test").await;
    let hops: Vec<(String, String, u32)> = alias
        .cname_chain
        .iter()
        .map(|h| (h.name.clone(), h.target.clone(), h.ttl))
        .collect();
    assert_eq!(
        hops,
        [
            (
                "alias.example.test".to_string(),
                "edge.example.test".to_string(),
                60
            ),
            (
                "edge.example.test".to_string(),
                "api.example.test".to_string(),
                120
            )
        ]
    );
    assert_eq!(alias.a.len(), 1);

    let v4 = resolve("v4only.example.test").await;
    assert_eq!(v4.a.len(), 1);
    assert_eq!(v4.aaaa_error, Some(DnsErrorClass::Nodata));

    assert_eq!(
        resolve("txtonly.example.test").await.error,
        Some(DnsErrorClass::Nodata)
    );
    assert_eq!(
        resolve("nope.example.test").await.error,
        Some(DnsErrorClass::Nxdomain)
    );
    let lp = resolve("loop1.example.test").await;
    assert_eq!(lp.error, Some(DnsErrorClass::CnameLoop), "{lp:?}");
    assert!(lp.cname_chain.len() >= 2);
    let dangling = resolve("dangling.example.test").await;
    assert_eq!(
        dangling.error,
        Some(DnsErrorClass::DanglingCname),
        "{dangling:?}"
    );
    assert_eq!(dangling.cname_chain[0].target, "gone.example.test");

    let huge = resolve("huge.example.test").await;
    assert_eq!(huge.a.len(), 64);
    assert_eq!(huge.dropped, 236);
    assert!(huge.tcp_fallback);

    // A whole target that does not resolve is not ok and says why.
    let r = prober
        .probe(&target(
            "nope.example.test",
            443,
            ProbeMode::Tcp,
            TlsSettings::default(),
        ))
        .await;
    assert!(!r.ok);
    assert!(
        r.problems[0].contains("did not resolve"),
        "{:?}",
        r.problems
    );
}

// ---------------------------------------------------------------- PKI

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let pem = p.self_signed(&key).unwrap().pem();
    (p, key, pem)
}

fn leaf(issuer: &Issuer<'_, KeyPair>, sans: &[&str], cn: &str, expired: bool) -> (String, String) {
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

struct Fixture {
    pki: Pki,
    server_ca: PathBuf,
    good: u16,
    expired: u16,
    wrong: u16,
    mtls13: u16,
    mtls12: u16,
    silent: u16,
    plain: u16,
}

fn server_config(
    cert: &str,
    key: &str,
    client_ca: Option<&str>,
    tls12_only: bool,
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
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .unwrap();
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
async fn tls_server(cfg: rustls::ServerConfig) -> u16 {
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

async fn fixture() -> Fixture {
    let pki = Pki {
        dir: tempfile::tempdir().unwrap(),
    };
    let (sp, sk, server_ca_pem) = ca("Probe Server CA");
    let server_issuer = Issuer::new(sp, sk);
    let (cp, ck, client_ca_pem) = ca("Probe Client CA");
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

    let silent_l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = silent_l.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent_l.accept().await {
            held.push(s);
        }
    });
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
        good,
        expired,
        wrong,
        mtls13,
        mtls12,
        silent,
        plain,
    }
}

fn simple(ca: &Path) -> TlsSettings {
    TlsSettings {
        ca_certificates: Some(ca.to_path_buf()),
        ..Default::default()
    }
}

fn mutual(f: &Fixture, cert: &str, key: &str) -> TlsSettings {
    TlsSettings {
        ca_certificates: Some(f.server_ca.clone()),
        client_certificate: Some(f.pki.path(cert)),
        private_key: Some(f.pki.path(key)),
        ..Default::default()
    }
}

fn verdict(r: &ProbeReport, source: &str) -> Verdict {
    r.tls
        .as_ref()
        .unwrap()
        .verdicts
        .iter()
        .find(|v| v.source == source)
        .unwrap()
        .verdict
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_simple_verdicts() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));

    // Good, over the name (both families resolve) and over each literal.
    let r = prober
        .probe(&target(
            "api.example.test",
            f.good,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(r.ok, "{:#?}", r);
    let tls = r.tls.as_ref().unwrap();
    assert_eq!(tls.version.as_deref(), Some("TLSv1_3"));
    assert!(tls.cipher_suite.as_deref().unwrap().starts_with("TLS13_"));
    assert_eq!(tls.alpn.as_deref(), Some("h2"));
    assert_eq!(tls.sni_sent.as_deref(), Some("api.example.test"));
    assert_eq!(tls.sidecar_trust, "destination_rule_ca");
    assert_eq!(verdict(&r, "destination_rule_ca"), Verdict::Trusted);
    assert_eq!(verdict(&r, "mozilla"), Verdict::UnknownIssuer);
    assert!(tls.name_match);
    let leaf = &tls.chain[0];
    assert!((88..=90).contains(&leaf.days_left), "{}", leaf.days_left);
    assert_eq!(leaf.key_type, "EC P-256");
    assert_eq!(leaf.sha256.len(), 32 * 3 - 1);
    assert!(
        r.tcp
            .iter()
            .any(|a| a.address.starts_with("[::1]") && a.outcome == TcpOutcome::Connected),
        "{:?}",
        r.tcp
    );
    for literal in ["127.0.0.1", "::1"] {
        let r = prober
            .probe(&target(
                literal,
                f.good,
                ProbeMode::Simple,
                simple(&f.server_ca),
            ))
            .await;
        assert!(r.ok, "{literal}: {:#?}", r);
        assert_eq!(r.tls.as_ref().unwrap().sni_sent, None, "no SNI for an IP");
    }

    // The DR's sni while dialling an IP, and a SAN list with Envoy's wildcard rule.
    let mut t = target("127.0.0.1", f.good, ProbeMode::Simple, simple(&f.server_ca));
    t.tls.sni = Some("x.wild.example.test".into());
    let r = prober.probe(&t).await;
    assert!(r.ok, "{:#?}", r);
    t.tls.subject_alt_names = vec!["a.b.wild.example.test".into()];
    let r = prober.probe(&t).await;
    assert!(!r.ok);
    assert!(!r.tls.as_ref().unwrap().name_match);
    t.tls.subject_alt_names = vec!["api.example.test".into()];
    assert!(prober.probe(&t).await.ok);

    // Expired, wrong name, wrong CA.
    let r = prober
        .probe(&target(
            "api.example.test",
            f.expired,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(!r.ok);
    assert_eq!(verdict(&r, "destination_rule_ca"), Verdict::Expired);
    assert!(r.tls.as_ref().unwrap().chain[0].days_left < 0);
    let r = prober
        .probe(&target(
            "wrong.example.test",
            f.wrong,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(!r.ok);
    assert_eq!(verdict(&r, "destination_rule_ca"), Verdict::NameMismatch);
    let rogue_ca = f.pki.write("rogue-ca.pem", &ca("Another CA").2);
    let r = prober
        .probe(&target(
            "api.example.test",
            f.good,
            ProbeMode::Simple,
            simple(&rogue_ca),
        ))
        .await;
    assert_eq!(verdict(&r, "destination_rule_ca"), Verdict::UnknownIssuer);
    assert!(!r.ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_over_1_3_and_1_2() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    for (port, version) in [(f.mtls13, "TLSv1_3"), (f.mtls12, "TLSv1_2")] {
        let r = prober
            .probe(&target(
                "api.example.test",
                port,
                ProbeMode::Mutual,
                mutual(&f, "client.pem", "client-key.pem"),
            ))
            .await;
        assert!(r.ok, "{version}: {:#?}", r);
        let ca = r.tls.as_ref().unwrap().client_auth.as_ref().unwrap();
        assert_eq!(ca.outcome, ClientAuthOutcome::Accepted);
        assert!(ca.requested);
        assert_eq!(ca.acceptable_ca_names, ["CN=Probe Client CA"]);
        assert_eq!(r.tls.as_ref().unwrap().version.as_deref(), Some(version));

        let r = prober
            .probe(&target(
                "api.example.test",
                port,
                ProbeMode::Mutual,
                mutual(&f, "rogue.pem", "rogue-key.pem"),
            ))
            .await;
        assert!(!r.ok, "{version}");
        let ca = r.tls.as_ref().unwrap().client_auth.as_ref().unwrap();
        assert_eq!(ca.outcome, ClientAuthOutcome::Rejected, "{version}: {ca:?}");
        assert!(ca.alert.is_some(), "{version}: {ca:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatched_client_key_is_caught_before_dialling_without_key_bytes() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let r = prober
        .probe(&target(
            "api.example.test",
            f.mtls13,
            ProbeMode::Mutual,
            mutual(&f, "client.pem", "rogue-key.pem"),
        ))
        .await;
    assert!(!r.ok);
    let tls = r.tls.as_ref().unwrap();
    let err = tls.error.as_deref().unwrap();
    assert!(err.contains("do not belong together"), "{err}");
    assert!(
        tls.chain.is_empty() && tls.version.is_none(),
        "nothing was dialled"
    );
    let key_text = std::fs::read_to_string(f.pki.path("rogue-key.pem")).unwrap();
    let body: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let everything = serde_json::to_string(&r).unwrap();
    for line in key_text
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 16)
    {
        assert!(!everything.contains(line), "key material in the report");
    }
    assert!(!everything.contains("PRIVATE KEY") && !everything.contains(&body[..24]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_servers() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let mut opts = options(dns);
    opts.stage_timeout = Duration::from_millis(600);
    let prober = Prober::new(opts);
    let r = prober
        .probe(&target(
            "127.0.0.1",
            f.silent,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(!r.ok);
    assert!(
        r.tls
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .starts_with("timeout"),
        "{:?}",
        r.tls
    );
    let r = prober
        .probe(&target(
            "127.0.0.1",
            f.plain,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(!r.ok);
    assert!(
        r.tls
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .starts_with("not TLS"),
        "{:?}",
        r.tls
    );
    // A closed port is refused.
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = prober
        .probe(&target(
            "127.0.0.1",
            closed,
            ProbeMode::Tcp,
            TlsSettings::default(),
        ))
        .await;
    assert_eq!(r.tcp[0].outcome, TcpOutcome::Refused);
    assert!(!r.ok);
}

#[test]
fn service_entry_and_destination_rule_from_yaml_end_to_end() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (dns, f, _server) = rt.block_on(async {
        let (dns, server) = dns_server().await;
        (dns, fixture().await, server)
    });
    // The DR speaks of sidecar paths; --map points them at the test's files.
    let yaml = format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: partner\n  namespace: pay\nspec:\n  hosts: [api.example.test]\n  ports:\n  - number: 80\n    name: http\n    protocol: HTTP\n    targetPort: {port}\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: partner\n  namespace: pay\nspec:\n  host: api.example.test\n  trafficPolicy:\n    portLevelSettings:\n    - port: {{number: 80}}\n      tls:\n        mode: MUTUAL\n        sni: api.example.test\n        subjectAltNames: [api.example.test]\n        clientCertificate: /etc/certs/client.pem\n        privateKey: /etc/certs/client-key.pem\n        caCertificates: /etc/certs/server-ca.pem\n",
        port = f.mtls13
    );
    let manifest = f.pki.write("egress.yaml", &yaml);
    let dir = f.pki.dir.path().to_str().unwrap().to_string();
    let out = std::process::Command::new(common::bin())
        .args([
            "probe",
            "--output",
            "json",
            "--timeout-ms",
            "2000",
            "--dns-server",
            &dns.to_string(),
        ])
        .args([
            "--map",
            &format!("/etc/certs={dir}"),
            manifest.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let t = &json["targets"][0];
    assert_eq!(t["target"]["host"], "api.example.test");
    assert_eq!(t["target"]["port"], f.mtls13);
    assert_eq!(t["target"]["mode"], "mutual");
    assert_eq!(t["target"]["sni"], "api.example.test");
    assert_eq!(t["tls"]["client_auth"]["outcome"], "accepted");
    assert_eq!(t["tls"]["name_match"], true);
    assert_eq!(t["ok"], true);
    assert_eq!(json["summary"]["ok"], 1);
    // Without the mapping the sidecar paths do not exist here: bad client files, exit 1.
    let out = std::process::Command::new(common::bin())
        .args([
            "probe",
            "--timeout-ms",
            "1000",
            "--dns-server",
            &dns.to_string(),
            manifest.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    drop(rt);
}
