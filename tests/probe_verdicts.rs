//! Verdicts as Envoy (BoringSSL) would give them, against real rustls servers on
//! loopback: client certificates required or optional in every mode, pinned
//! self-signed certificates, long chains, large certificates, HTTP after TLS,
//! and the words of the text report.

mod common;

use common::fixture::{Fixture, dns_server, fixture};
use egress_studio::probe::{
    ClientAuthOutcome, NameCheck, Outcome, ProbeMode, ProbeOptions, ProbeReport, Prober,
    ProblemClass, Target, TlsSettings, Verdict,
};
use std::net::SocketAddr;
use std::time::Duration;

fn options(dns: SocketAddr) -> ProbeOptions {
    ProbeOptions {
        dns_server: Some(dns),
        stage_timeout: Duration::from_millis(1500),
        target_timeout: Duration::from_secs(5),
        client_auth_window: Duration::from_millis(800),
        ..Default::default()
    }
}

fn target(port: u16, mode: ProbeMode, tls: TlsSettings) -> Target {
    Target {
        host: "api.example.test".into(),
        port,
        mode,
        tls,
        addresses: vec!["127.0.0.1".parse().unwrap()],
        origin: "test".into(),
        ..Default::default()
    }
}

fn ca(f: &Fixture) -> TlsSettings {
    TlsSettings {
        ca_certificates: Some(f.server_ca.clone()),
        ..Default::default()
    }
}

fn classes(r: &ProbeReport) -> Vec<ProblemClass> {
    r.problems.iter().map(|p| p.class).collect()
}

fn client(r: &ProbeReport) -> ClientAuthOutcome {
    r.tls
        .as_ref()
        .and_then(|t| t.client_auth.as_ref())
        .map(|c| c.outcome)
        .unwrap_or(ClientAuthOutcome::NoCertificate)
}

fn sidecar_verdict(r: &ProbeReport) -> Verdict {
    let tls = r.tls.as_ref().unwrap();
    tls.verdicts
        .iter()
        .find(|v| v.source == tls.sidecar_trust)
        .unwrap()
        .verdict
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_client_certificate_fails_simple_typed_and_mutual_without_files() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    for (port, version) in [(f.mtls13, "TLS 1.3"), (f.mtls12, "TLS 1.2")] {
        // SIMPLE: the sidecar sends no certificate.
        let r = prober.probe(&target(port, ProbeMode::Simple, ca(&f))).await;
        assert_eq!(r.outcome, Outcome::Fail, "{version}: {}", r.text());
        assert_eq!(
            classes(&r),
            [ProblemClass::ClientCertificateRequired],
            "{version}: {}",
            r.text()
        );
        assert_eq!(client(&r), ClientAuthOutcome::Required, "{version}");
        let p = &r.problems[0];
        assert!(
            p.message
                .contains("with mode SIMPLE the sidecar sends none"),
            "{}",
            p.message
        );
        assert!(p.change.contains("MUTUAL"), "{}", p.change);

        // Typed HOST:PORT (the app speaks TLS, passed through).
        let mut typed = Target::parse_host_port(&format!("127.0.0.1:{port}")).unwrap();
        typed.tls.sni = Some("api.example.test".into());
        let r = prober.probe(&typed).await;
        assert!(
            classes(&r).contains(&ProblemClass::ClientCertificateRequired),
            "{version}: {}",
            r.text()
        );
        assert!(r.text().contains("the app must send one"), "{}", r.text());

        // MUTUAL whose files are not mapped: the probe had nothing to offer.
        let r = prober.probe(&target(port, ProbeMode::Mutual, ca(&f))).await;
        assert_eq!(
            classes(&r),
            [ProblemClass::ClientCertificateRequired],
            "{version}: {}",
            r.text()
        );
        assert!(
            r.problems[0].change.contains("--map"),
            "{}",
            r.problems[0].change
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optional_client_certificate_is_a_note_not_a_failure() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    for (port, version) in [(f.optional13, "TLS 1.3"), (f.optional12, "TLS 1.2")] {
        let r = prober.probe(&target(port, ProbeMode::Simple, ca(&f))).await;
        assert_eq!(r.outcome, Outcome::Ok, "{version}: {}", r.text());
        assert_eq!(client(&r), ClientAuthOutcome::Optional, "{version}");
        assert!(
            r.text().contains("accepted none (optional)"),
            "{}",
            r.text()
        );
    }
    // A server that does not ask: no waiting, no note.
    let r = prober
        .probe(&target(f.good, ProbeMode::Simple, ca(&f)))
        .await;
    assert_eq!(client(&r), ClientAuthOutcome::NotRequested);
    assert!(r.ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_self_signed_ca_leaf_verifies_like_boringssl() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let pinned = TlsSettings {
        ca_certificates: Some(f.self_signed_pem.clone()),
        ..Default::default()
    };
    let r = prober
        .probe(&target(f.self_signed, ProbeMode::Simple, pinned))
        .await;
    assert!(r.ok, "{}", r.text());
    assert_eq!(sidecar_verdict(&r), Verdict::Trusted);
    assert!(r.tls.as_ref().unwrap().chain[0].is_ca);
    // The same through --ca for a typed target.
    let mut opts = options(dns);
    opts.extra_ca = Some(f.self_signed_pem.clone());
    let with_ca = Prober::new(opts);
    let mut typed = Target::parse_host_port(&format!("127.0.0.1:{}", f.self_signed)).unwrap();
    typed.tls.sni = Some("api.example.test".into());
    let r = with_ca.probe(&typed).await;
    assert!(r.ok, "{}", r.text());
    assert_eq!(r.tls.as_ref().unwrap().sidecar_trust, "ca_file");
    // Not pinned: named, with what to change.
    let r = prober
        .probe(&target(f.self_signed, ProbeMode::Simple, ca(&f)))
        .await;
    assert_eq!(
        classes(&r),
        [ProblemClass::SelfSignedNotTrusted],
        "{}",
        r.text()
    );
    assert!(r.problems[0].change.contains("caCertificates"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_intermediates_are_judged_and_the_display_says_truncated() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let r = prober
        .probe(&target(f.long_chain, ProbeMode::Simple, ca(&f)))
        .await;
    assert!(r.ok, "{}", r.text());
    let tls = r.tls.as_ref().unwrap();
    assert_eq!(tls.chain_total, 21);
    assert_eq!(tls.chain.len(), 16);
    assert_eq!(sidecar_verdict(&r), Verdict::Trusted);
    assert!(
        r.text()
            .contains("21 certificates (truncated: showing the first 16)"),
        "{}",
        r.text()
    );
    // Against another CA the long chain is an unknown issuer, not "other".
    let other = f
        .pki
        .write("other-ca.pem", &common::fixture::ca("Other CA").2);
    let r = prober
        .probe(&target(
            f.long_chain,
            ProbeMode::Simple,
            TlsSettings {
                ca_certificates: Some(other),
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(classes(&r), [ProblemClass::UnknownIssuer], "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_70_kb_certificate_is_named_and_unknown_not_not_tls() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let r = prober
        .probe(&target(f.big_leaf, ProbeMode::Simple, ca(&f)))
        .await;
    assert_eq!(
        classes(&r),
        [ProblemClass::CertificateTooLarge],
        "{}",
        r.text()
    );
    assert_eq!(r.outcome, Outcome::Unknown);
    assert!(r.text().starts_with("UNKNOWN "), "{}", r.text());
    assert!(r.problems[0].change.contains("openssl s_client"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_status_after_tls_is_reported_beside_the_verdict() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let mut t = target(f.https, ProbeMode::Simple, ca(&f));
    t.http = Some("/healthz".into());
    t.protocol = "HTTP".into();
    t.service_port = 80;
    let r = prober.probe(&t).await;
    assert!(
        r.ok,
        "a 404 is reported, not a connectivity failure: {}",
        r.text()
    );
    let http = r.http.as_ref().unwrap();
    assert_eq!(http.request, "HEAD /healthz HTTP/1.1");
    assert_eq!(http.status, Some(404));
    assert_eq!(http.status_line.as_deref(), Some("HTTP/1.1 404 Not Found"));
    assert_eq!(http.server.as_deref(), Some("fixture"));
    assert_eq!(http.size, Some(9));
    assert!(
        r.text()
            .contains("HEAD /healthz HTTP/1.1 -> HTTP/1.1 404 Not Found, server fixture, 9 bytes"),
        "{}",
        r.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_reports_have_no_debug_output_and_each_fail_says_what_to_change() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let mut nxdomain = target(f.good, ProbeMode::Simple, ca(&f));
    nxdomain.host = "nope.example.test".into();
    nxdomain.addresses.clear();
    let reports = vec![
        prober
            .probe(&target(f.good, ProbeMode::Simple, ca(&f)))
            .await,
        prober
            .probe(&target(f.mtls13, ProbeMode::Simple, ca(&f)))
            .await,
        prober
            .probe(&target(f.expired, ProbeMode::Simple, ca(&f)))
            .await,
        prober.probe(&nxdomain).await,
        prober
            .probe(&target(f.plain, ProbeMode::Simple, ca(&f)))
            .await,
    ];
    assert!(reports[0].ok);
    for r in &reports {
        let text = r.text();
        for bad in [
            "Some(", "None", "{ name:", "Query {", "TLSv1_", "Tcp", "Simple", "Nxdomain",
        ] {
            assert!(!text.contains(bad), "{bad:?} in:\n{text}");
        }
        let fails = text.matches("  FAIL    ").count();
        assert_eq!(fails, r.problems.len());
        assert_eq!(text.matches("what to change: ").count(), fails, "{text}");
    }
    // A failed DNS stage: the later stages say skipped; no empty trust line.
    let dns_text = reports[3].text();
    assert!(
        dns_text.contains("  tcp     skipped") && dns_text.contains("  tls     skipped"),
        "{dns_text}"
    );
    assert!(!dns_text.contains("the sidecar uses \n"));
    // Expired: the date is in the sentence.
    let expired = &reports[2];
    assert_eq!(classes(expired), [ProblemClass::Expired]);
    assert!(
        expired.problems[0].message.contains("2021-01-01"),
        "{}",
        expired.problems[0].message
    );
    assert_eq!(expired.tls.as_ref().unwrap().name_check, NameCheck::Match);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_origination_on_a_tcp_port_without_sni_sends_none_and_checks_no_name() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let se: egress_studio::model::ServiceEntry = serde_yaml::from_str(&format!(
        "metadata: {{name: db, namespace: pay}}\nspec:\n  hosts: [wrong.example.test]\n  ports: [{{number: 5432, name: tcp, protocol: TCP, targetPort: {}}}]\n  resolution: STATIC\n  endpoints: [{{address: 127.0.0.1}}]\n",
        f.good
    ))
    .unwrap();
    let dr: egress_studio::model::DestinationRule = serde_yaml::from_str(&format!(
        "metadata: {{name: db, namespace: pay}}\nspec:\n  host: wrong.example.test\n  trafficPolicy: {{tls: {{mode: SIMPLE, caCertificates: {}}}}}\n",
        f.server_ca.display()
    ))
    .unwrap();
    let targets =
        egress_studio::probe::targets::for_service_entry(&se, &[&dr], &Default::default(), None);
    assert!(targets[0].tls.no_sni);
    let r = Prober::new(options(dns)).probe(&targets[0]).await;
    let tls = r.tls.as_ref().unwrap();
    assert_eq!(tls.sni_sent, None);
    // The certificate is for api.example.test, not the host: Envoy would not check.
    assert_eq!(tls.name_check, NameCheck::NotChecked);
    assert!(r.ok, "{}", r.text());
    assert!(
        r.text().contains("sends no SNI and checks no name"),
        "{}",
        r.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ca_certificates_the_sidecar_trust_is_the_machine_store() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let r = Prober::new(options(dns))
        .probe(&target(f.good, ProbeMode::Simple, TlsSettings::default()))
        .await;
    let tls = r.tls.as_ref().unwrap();
    let os_loaded = tls
        .verdicts
        .iter()
        .any(|v| v.source == "os" && v.verdict != Verdict::Unavailable);
    assert_eq!(tls.sidecar_trust, if os_loaded { "os" } else { "mozilla" });
    // The test CA is in neither: unknown issuer, with the CA to add.
    assert_eq!(classes(&r), [ProblemClass::UnknownIssuer], "{}", r.text());
    assert!(r.problems[0].change.contains("caCertificates"));
    assert!(r.problems[0].change.contains("Probe Server CA"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_silent_on_the_client_certificate_is_settled_by_its_http_answer() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let mut opts = options(dns);
    opts.client_auth_window = Duration::from_millis(200);
    let prober = Prober::new(opts);
    // No ticket, no alert: the probe cannot tell, and says so (UNKNOWN, not FAIL).
    let r = prober
        .probe(&target(f.https_quiet_optional, ProbeMode::Simple, ca(&f)))
        .await;
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.text());
    assert_eq!(classes(&r), [ProblemClass::ClientCertificateNoVerdict]);
    // With the HTTP check the server's answer settles it.
    let mut t = target(f.https_quiet_optional, ProbeMode::Simple, ca(&f));
    t.http = Some("/".into());
    let r = prober.probe(&t).await;
    assert!(r.ok, "{}", r.text());
    assert_eq!(client(&r), ClientAuthOutcome::Optional);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passthrough_advice_is_for_the_application_and_a_missing_local_file_is_unknown() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    // The app's own TLS: the sidecar checks nothing, so the advice is about the app.
    let r = prober
        .probe(&target(
            f.self_signed,
            ProbeMode::Passthrough,
            TlsSettings::default(),
        ))
        .await;
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.text());
    let change = &r.problems[0].change;
    assert!(change.contains("application"), "{change}");
    assert!(!change.contains("caCertificates"), "{change}");
    // A CA file the sidecar has but this machine does not: the probe cannot judge.
    let missing = TlsSettings {
        ca_certificates: Some("/nonexistent/etc/certs/ca.pem".into()),
        ..Default::default()
    };
    let r = prober
        .probe(&target(f.self_signed, ProbeMode::Simple, missing))
        .await;
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.text());
    assert_eq!(
        classes(&r),
        [ProblemClass::LocalFileUnreadable],
        "{}",
        r.text()
    );
    assert!(r.problems[0].change.contains("--map"), "{}", r.text());
    // The same for MUTUAL client certificate files.
    let mutual = TlsSettings {
        ca_certificates: Some(f.self_signed_pem.clone()),
        client_certificate: Some("/nonexistent/etc/certs/cert.pem".into()),
        private_key: Some("/nonexistent/etc/certs/key.pem".into()),
        ..Default::default()
    };
    let r = prober
        .probe(&target(f.self_signed, ProbeMode::Mutual, mutual))
        .await;
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.text());
    assert!(
        classes(&r).contains(&ProblemClass::LocalFileUnreadable),
        "{}",
        r.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_x509_v1_client_certificate_is_presented_as_envoy_would() {
    // `openssl x509 -req` without an extensions file makes version 1
    // certificates; Envoy presents them, so the probe must too.
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let prober = Prober::new(options(dns));
    let tls = TlsSettings {
        client_certificate: Some(f.pki.path("client-v1.pem")),
        private_key: Some(f.pki.path("client-v1-key.pem")),
        ..ca(&f)
    };
    let r = prober
        .probe(&target(f.mtls_any, ProbeMode::Mutual, tls.clone()))
        .await;
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.text());
    assert_eq!(client(&r), ClientAuthOutcome::Accepted);
    // A v1 certificate with somebody else's key is still a mismatch.
    let mismatched = TlsSettings {
        private_key: Some(f.pki.path("client-key.pem")),
        ..tls
    };
    let r = prober
        .probe(&target(f.mtls_any, ProbeMode::Mutual, mismatched))
        .await;
    assert_ne!(r.outcome, Outcome::Ok, "{}", r.text());
    assert!(r.text().contains("do not belong together"), "{}", r.text());
}
