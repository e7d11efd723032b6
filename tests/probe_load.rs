//! The probe under load and on untrusted input, on loopback only: a dead
//! resolver, queued targets, a lowered descriptor limit, the address policy
//! (a DNS answer pointing at the cloud metadata address is refused before
//! dialling), plaintext where the effective policy is plaintext, and the CLI's
//! streaming output.

mod common;

use common::fixture::{dns_server, fixture};
use egress_studio::model::{DestinationRule, ServiceEntry};
use egress_studio::probe::targets::{PathMap, for_service_entry, for_service_entry_from};
use egress_studio::probe::{
    AddressPolicy, Outcome, ProbeMode, ProbeOptions, ProbeReport, Prober, ProblemClass, Target,
    TcpOutcome,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, UdpSocket};

fn options(dns: SocketAddr) -> ProbeOptions {
    ProbeOptions {
        dns_server: Some(dns),
        stage_timeout: Duration::from_millis(1500),
        target_timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

fn classes(r: &ProbeReport) -> Vec<ProblemClass> {
    r.problems.iter().map(|p| p.class).collect()
}

fn named(host: &str, port: u16) -> Target {
    Target {
        host: host.into(),
        port,
        mode: ProbeMode::Tcp,
        origin: "test".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dns_answer_at_the_metadata_address_is_refused_before_dialling() {
    let (dns, _server) = dns_server().await;
    let prober = Prober::new(options(dns));
    let r = prober.probe(&named("meta.example.test", 80)).await;
    assert_eq!(classes(&r), [ProblemClass::RefusedByPolicy], "{}", r.text());
    assert_eq!(r.tcp.len(), 1);
    assert_eq!(r.tcp[0].outcome, TcpOutcome::RefusedByPolicy);
    assert_eq!(r.tcp[0].address, "169.254.169.254:80");
    assert!(r.problems[0].message.contains("169.254.169.254"));
    assert!(r.text().contains("refused by policy"), "{}", r.text());
    // A literal is refused the same way (still nothing dialled).
    let r = prober.probe(&named("169.254.169.254", 80)).await;
    assert_eq!(classes(&r), [ProblemClass::RefusedByPolicy]);
    // --deny-addresses refuses more: here loopback itself.
    let f = fixture().await;
    let mut opts = options(dns);
    opts.addresses = AddressPolicy {
        deny: vec![AddressPolicy::parse_cidr("127.0.0.0/8").unwrap()],
        ..Default::default()
    };
    let deny = Prober::new(opts);
    let r = deny.probe(&named("127.0.0.1", f.good)).await;
    assert_eq!(classes(&r), [ProblemClass::RefusedByPolicy]);
    assert!(r.problems[0].message.contains("--deny-addresses"));
}

/// A nameserver that never answers (UDP and TCP on one port).
async fn dead_resolver() -> SocketAddr {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        if let Ok(tcp) = TcpListener::bind(addr).await {
            tokio::spawn(async move {
                let _udp = udp;
                let mut held = Vec::new();
                while let Ok((s, _)) = tcp.accept().await {
                    held.push(s);
                }
            });
            return addr;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_resolver_gives_dns_timeout_for_every_target_fast() {
    let dns = dead_resolver().await;
    let prober = Arc::new(Prober::new(ProbeOptions {
        dns_server: Some(dns),
        stage_timeout: Duration::from_millis(300),
        target_timeout: Duration::from_millis(900),
        concurrency: 64,
        dns_concurrency: 50,
        ..Default::default()
    }));
    let targets: Vec<Target> = (0..200)
        .map(|i| named(&format!("h{i}.bulk.example.test"), 443))
        .collect();
    let start = Instant::now();
    let reports = prober.probe_all(&targets).await;
    let took = start.elapsed();
    for r in &reports {
        assert_eq!(classes(r), [ProblemClass::DnsTimeout], "{}", r.text());
        assert!(r.text().contains("DNS timeout"));
    }
    // (200 / DNS concurrency) x timeout is about 1.2 s; the bound is generous.
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_target_gets_its_whole_timeout() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    // One at a time against a server that never answers the ClientHello: each
    // target's own handshake timeout fires, not the target timeout of one that
    // waited its turn.
    let prober = Arc::new(Prober::new(ProbeOptions {
        stage_timeout: Duration::from_millis(300),
        target_timeout: Duration::from_millis(500),
        concurrency: 1,
        ..options(dns)
    }));
    let mut t = named("127.0.0.1", f.silent);
    t.mode = ProbeMode::Passthrough;
    let reports = prober.probe_all(&[t.clone(), t.clone(), t]).await;
    for r in &reports {
        assert_eq!(classes(r), [ProblemClass::HandshakeTimeout], "{}", r.text());
    }
}

const PORT_LEVEL_YAML: &str = r#"
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: partner, namespace: pay}
spec:
  host: api.example.test
  trafficPolicy:
    tls: {mode: SIMPLE}
    portLevelSettings:
    - port: {number: 8080}
      connectionPool: {tcp: {maxConnections: 5}}
"#;

fn service_entry(target_port: u16) -> ServiceEntry {
    let yaml = format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {{name: partner, namespace: pay}}\nspec:\n  hosts: [api.example.test]\n  ports:\n  - {{number: 8080, name: http, protocol: HTTP, targetPort: {target_port}}}\n  resolution: STATIC\n  endpoints:\n  - address: 127.0.0.1\n"
    );
    serde_yaml::from_str(&yaml).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_by_merge_rule_is_spoken_and_a_tls_answer_fails() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    let dr: DestinationRule = serde_yaml::from_str(PORT_LEVEL_YAML).unwrap();
    let se = service_entry(f.https);
    let targets = for_service_entry(&se, &[&dr], &PathMap::default(), None);
    assert_eq!(targets.len(), 1);
    let t = &targets[0];
    assert_eq!(
        t.mode,
        ProbeMode::Tcp,
        "port-level settings replace the top-level TLS"
    );
    assert!(
        t.policy
            .iter()
            .any(|p| p.contains("merge rule") && p.contains("port 8080")),
        "{:?}",
        t.policy
    );
    // The in-mesh command dials the ServiceEntry's port, not targetPort.
    let cmd = t.in_mesh_check("pay");
    assert!(
        cmd.contains("'http://api.example.test:8080/'")
            || cmd.contains("http://api.example.test:8080/"),
        "{cmd}"
    );
    assert!(!cmd.contains(&f.https.to_string()), "{cmd}");
    let prober = Prober::new(options(dns));
    let r = prober.probe(t).await;
    assert_eq!(
        classes(&r),
        [ProblemClass::TlsAnsweredToPlaintext],
        "{}",
        r.text()
    );
    assert!(
        r.problems[0].message.contains("merge rule"),
        "{}",
        r.problems[0].message
    );
    assert!(r.text().contains("  policy  "), "{}", r.text());
    // The same plaintext against a plaintext HTTP server: OK, with its status.
    let se = service_entry(f.plain);
    let t = &for_service_entry(&se, &[&dr], &PathMap::default(), None)[0];
    let r = prober.probe(t).await;
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.text());
    assert_eq!(r.http.as_ref().and_then(|h| h.status), Some(400));
}

#[test]
fn in_mesh_check_quotes_host_and_path_for_the_shell() {
    let mut t = named("api.example.test", 8443);
    t.mode = ProbeMode::Simple;
    t.service_port = 443;
    t.http = Some("/a b'c".into());
    let cmd = t.in_mesh_check("pay ns");
    assert!(cmd.contains("-n 'pay ns'"), "{cmd}");
    assert!(
        cmd.ends_with(r"'http://api.example.test:443/a b'\''c'"),
        "{cmd}"
    );
}

/// The CLI in a child process with a lowered open-files limit.
fn cli(limit: u32, args: &[String]) -> std::process::Output {
    let script = format!("ulimit -n {limit} && exec \"$0\" \"$@\"");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(common::bin())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_low_descriptor_limit_clamps_concurrency_and_says_so() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (dns, f, _server) = rt.block_on(async {
        let (dns, server) = dns_server().await;
        (dns, fixture().await, server)
    });
    let mut args: Vec<String> = [
        "probe",
        "--output",
        "jsonl",
        "--concurrency",
        "64",
        "--timeout-ms",
        "3000",
        "--dns-server",
        &dns.to_string(),
        "--ca",
        f.server_ca.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 0..30 {
        args.push(format!("h{i}.bulk.example.test:{}", f.good));
    }
    let out = cli(64, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("concurrency lowered from 64"), "{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 31, "one object per target, then the summary");
    for l in &lines[..30] {
        let problems = l["problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .all(|p| !p["class"].as_str().unwrap().starts_with("dns")),
            "a descriptor shortage must not read as a DNS failure: {l}"
        );
    }
    assert_eq!(lines[30]["summary"]["targets"], 30);
    drop(rt);
}

#[test]
fn credential_name_with_a_selector_reads_the_mapped_secret_and_istio_mutual_says_so() {
    let se: ServiceEntry = serde_yaml::from_str(
        "metadata: {name: api, namespace: pay}\nspec:\n  hosts: [api.example.test]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n",
    )
    .unwrap();
    let dr: DestinationRule = serde_yaml::from_str(
        "metadata: {name: api, namespace: pay}\nspec:\n  host: api.example.test\n  workloadSelector: {matchLabels: {app: client}}\n  trafficPolicy: {tls: {mode: MUTUAL, credentialName: partner, caCertificates: /etc/ignored.pem}}\n",
    )
    .unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("cacert"), "CA").unwrap();
    let paths = PathMap {
        entries: vec![("credential:partner".into(), secret.path().to_path_buf())],
    };
    let t = &for_service_entry(&se, &[&dr], &paths, None)[0];
    assert_eq!(t.mode, ProbeMode::Mutual);
    assert_eq!(
        t.tls.client_certificate.as_deref(),
        Some(secret.path().join("cert").as_path())
    );
    assert_eq!(
        t.tls.private_key.as_deref(),
        Some(secret.path().join("key").as_path())
    );
    // The secret's CA wins: caCertificates is ignored with credentialName.
    assert_eq!(
        t.tls.ca_certificates.as_deref(),
        Some(secret.path().join("cacert").as_path())
    );
    // Without the selector the same rule leaves sidecars in plaintext; the app's
    // own TLS (HTTPS port) is then passed through.
    let no_selector: DestinationRule = serde_yaml::from_str(
        "metadata: {name: api, namespace: pay}\nspec:\n  host: api.example.test\n  trafficPolicy: {tls: {mode: MUTUAL, credentialName: partner}}\n",
    )
    .unwrap();
    let t = &for_service_entry(&se, &[&no_selector], &paths, None)[0];
    assert_eq!(t.mode, ProbeMode::Passthrough);
    assert!(
        t.policy
            .iter()
            .any(|p| p.contains("without workloadSelector")),
        "{:?}",
        t.policy
    );
    let crl: DestinationRule = serde_yaml::from_str(
        "metadata: {name: api, namespace: pay}\nspec:\n  host: api.example.test\n  trafficPolicy: {tls: {mode: SIMPLE, caCrl: /etc/crl.pem}}\n",
    )
    .unwrap();
    let t = &for_service_entry(&se, &[&crl], &paths, None)[0];
    assert!(
        t.policy
            .iter()
            .any(|p| p.contains("does not check revocation")),
        "{:?}",
        t.policy
    );
    let istio: DestinationRule = serde_yaml::from_str(
        "metadata: {name: api, namespace: pay}\nspec:\n  host: api.example.test\n  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n",
    )
    .unwrap();
    let t = &for_service_entry(&se, &[&istio], &paths, None)[0];
    assert!(
        t.policy.iter().any(|p| p.contains("cannot present")),
        "{:?}",
        t.policy
    );
}

#[test]
fn running_out_of_descriptors_is_reported_as_local() {
    // A closed loopback port: with enough descriptors it is "refused"; at the
    // lowest limits the socket itself cannot be opened, which must read as this
    // machine's problem, never as the remote's.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let args: Vec<String> = ["probe", "--output", "jsonl", &format!("127.0.0.1:{closed}")]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut classes_seen = Vec::new();
    for limit in 5..=12 {
        let out = cli(limit, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Some(first) = stdout.lines().next()
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(first)
        {
            for p in v["problems"].as_array().into_iter().flatten() {
                classes_seen.push(p["class"].as_str().unwrap_or("").to_string());
            }
        }
    }
    assert!(
        classes_seen.iter().any(|c| c == "local_resource_limit"),
        "{classes_seen:?}"
    );
    assert!(
        classes_seen
            .iter()
            .all(|c| c == "local_resource_limit" || c == "tcp_refused"),
        "{classes_seen:?}"
    );
}

#[test]
fn the_rule_depends_on_the_client_namespace() {
    let se = service_entry(443);
    let own: DestinationRule = serde_yaml::from_str(
        "metadata: {name: own, namespace: pay}\nspec:\n  host: api.example.test\n  trafficPolicy: {tls: {mode: SIMPLE}}\n",
    )
    .unwrap();
    let shop: DestinationRule = serde_yaml::from_str(
        "metadata: {name: shop, namespace: shop}\nspec:\n  host: api.example.test\n  trafficPolicy: {tls: {mode: DISABLE}}\n",
    )
    .unwrap();
    let rules = [&own, &shop];
    let from_pay = for_service_entry(&se, &rules, &PathMap::default(), None);
    assert_eq!(from_pay[0].mode, ProbeMode::Simple);
    let from_shop = for_service_entry_from(
        &se,
        &rules,
        &PathMap::default(),
        None,
        Some("shop"),
        &Default::default(),
    );
    assert_eq!(from_shop[0].mode, ProbeMode::Tcp);
    assert!(
        from_shop[0].policy[0].contains("shop/shop"),
        "{:?}",
        from_shop[0].policy
    );
}
