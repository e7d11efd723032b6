//! The probe against real servers started in the test on loopback: an authoritative
//! DNS server (hickory-server) and rustls servers with rcgen certificates.

mod common;

use common::fixture::{Fixture, ca, dns_server, fixture};
use egress_studio::probe::{
    ClientAuthOutcome, DnsErrorClass, NameCheck, ProbeMode, ProbeOptions, ProbeReport, Prober,
    ProblemClass, Target, TcpOutcome, TlsSettings, Verdict,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;
use tokio::net::TcpListener;

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
        ..Default::default()
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
    assert!(!api.tcp_fallback, "a small answer fits UDP");

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
        r.problems[0].class == ProblemClass::DnsNxdomain
            && r.problems[0].message.contains("does not exist in DNS"),
        "{:?}",
        r.problems
    );
}

fn classes(r: &ProbeReport) -> Vec<ProblemClass> {
    r.problems.iter().map(|p| p.class).collect()
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
    assert_eq!(tls.version.as_deref(), Some("TLS 1.3"));
    assert!(tls.cipher_suite.as_deref().unwrap().starts_with("TLS_"));
    // Envoy offers no ALPN when it originates TLS on a non-HTTP/2 port.
    assert!(tls.alpn_offered.is_empty());
    assert_eq!(tls.alpn, None);
    assert_eq!(tls.sni_sent.as_deref(), Some("api.example.test"));
    assert_eq!(tls.sidecar_trust, "destination_rule_ca");
    assert_eq!(verdict(&r, "destination_rule_ca"), Verdict::Trusted);
    assert_eq!(verdict(&r, "mozilla"), Verdict::UnknownIssuer);
    assert_eq!(tls.name_check, NameCheck::Match);
    let leaf = &tls.chain[0];
    assert!((88..=90).contains(&leaf.days_left), "{}", leaf.days_left);
    assert_eq!(leaf.key_type, "EC P-256");
    assert_eq!(leaf.sha256.len(), 32 * 3 - 1);
    // IPv6 loopback where the machine has one.
    let v6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    if v6 {
        assert!(
            r.tcp
                .iter()
                .any(|a| a.address.starts_with("[::1]") && a.outcome == TcpOutcome::Connected),
            "{:?}",
            r.tcp
        );
    }
    let literals: &[&str] = if v6 {
        &["127.0.0.1", "::1"]
    } else {
        &["127.0.0.1"]
    };
    for literal in literals.iter().copied() {
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
    assert_eq!(r.tls.as_ref().unwrap().name_check, NameCheck::NoMatch);
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
    for (port, version) in [(f.mtls13, "TLS 1.3"), (f.mtls12, "TLS 1.2")] {
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
    assert_eq!(classes(&r), [ProblemClass::HandshakeTimeout]);
    let r = prober
        .probe(&target(
            "127.0.0.1",
            f.plain,
            ProbeMode::Simple,
            simple(&f.server_ca),
        ))
        .await;
    assert!(!r.ok);
    assert_eq!(classes(&r), [ProblemClass::NotTls]);
    assert!(r.problems[0].change.contains("plaintext"));
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
    assert_eq!(classes(&r), [ProblemClass::TcpRefused]);
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
    assert_eq!(t["tls"]["name_check"], "match");
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
