//! The egress gateway's hop: a chain whose gateway originates mutual TLS (Istio's
//! "mutual TLS origination at the egress gateway" task) is probed against a real
//! mTLS server on loopback with the gateway-side DestinationRule's settings, its
//! `credentialName` mapped to local files, and the report says it is the
//! gateway's hop.

mod common;

use common::fixture::{dns_server, fixture};
use egress_studio::probe::targets::{PathMap, for_workspace};
use egress_studio::probe::{ClientAuthOutcome, Outcome, ProbeMode, ProbeOptions, Prober};
use egress_studio::yaml::{SourceFile, Workspace};
use std::time::Duration;

const EGW: &str = "istio-egressgateway.istio-system.svc.cluster.local";

/// The chain: sidecars send plain HTTP on port 80 to the gateway (Istio mTLS),
/// the gateway originates mutual TLS to the external host on `port`.
fn chain(port: u16) -> String {
    format!(
        "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: api, namespace: shop}}
spec:
  hosts: [api.example.test]
  ports:
  - {{number: 80, name: http, protocol: HTTP}}
  - {{number: {port}, name: https, protocol: HTTPS}}
  resolution: STATIC
  endpoints: [{{address: 127.0.0.1}}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: egress-api, namespace: shop}}
spec:
  selector: {{istio: egressgateway}}
  servers:
  - port: {{number: 80, name: https, protocol: HTTPS}}
    hosts: [api.example.test]
    tls: {{mode: ISTIO_MUTUAL}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: egressgateway-for-api, namespace: shop}}
spec:
  host: {EGW}
  subsets:
  - name: api
    trafficPolicy:
      portLevelSettings:
      - port: {{number: 80}}
        tls: {{mode: ISTIO_MUTUAL, sni: api.example.test}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: api-through-egress-gateway, namespace: shop}}
spec:
  hosts: [api.example.test]
  gateways: [egress-api, mesh]
  http:
  - match:
    - {{gateways: [mesh], port: 80}}
    route:
    - destination: {{host: {EGW}, subset: api, port: {{number: 80}}}}
  - match:
    - {{gateways: [egress-api], port: 80}}
    route:
    - destination: {{host: api.example.test, port: {{number: {port}}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: originate-mtls-for-api, namespace: istio-system}}
spec:
  host: api.example.test
  trafficPolicy:
    portLevelSettings:
    - port: {{number: {port}}}
      tls: {{mode: MUTUAL, credentialName: client-credential, sni: api.example.test}}
"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_originates_mutual_tls_is_probed_as_the_gateway() {
    let (dns, _server) = dns_server().await;
    let f = fixture().await;
    // The credential's files, as a gateway would mount the Secret.
    let secret = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("client.pem", "cert"),
        ("client-key.pem", "key"),
        ("server-ca.pem", "cacert"),
    ] {
        std::fs::copy(f.pki.path(from), secret.path().join(to)).unwrap();
    }
    let paths = PathMap {
        entries: vec![(
            "credential:client-credential".into(),
            secret.path().to_path_buf(),
        )],
    };
    let ws = Workspace {
        files: vec![SourceFile::from_text("chain.yaml".into(), &chain(f.mtls13))],
    };
    let targets = for_workspace(&ws, &paths);
    // Port 80 leaves through the gateway: its target is the gateway's hop.
    let hop = targets
        .iter()
        .find(|t| t.service_port == 80)
        .expect("a target for port 80");
    assert_eq!(hop.port, f.mtls13);
    assert_eq!(hop.mode, ProbeMode::Mutual);
    assert_eq!(hop.tls.sni.as_deref(), Some("api.example.test"));
    assert_eq!(
        hop.tls.client_certificate.as_deref(),
        Some(secret.path().join("cert").as_path())
    );
    assert!(
        hop.origin.contains("via egress gateway shop/egress-api"),
        "{}",
        hop.origin
    );
    assert!(
        hop.policy[0].starts_with("the egress gateway's hop"),
        "{:?}",
        hop.policy
    );
    let prober = Prober::new(ProbeOptions {
        dns_server: Some(dns),
        stage_timeout: Duration::from_millis(1500),
        target_timeout: Duration::from_secs(5),
        client_auth_window: Duration::from_millis(800),
        ..Default::default()
    });
    let r = prober.probe(hop).await;
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.text());
    let tls = r.tls.as_ref().expect("a TLS handshake");
    assert_eq!(
        tls.client_auth.as_ref().map(|c| c.outcome),
        Some(ClientAuthOutcome::Accepted),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains("the egress gateway's hop"),
        "{}",
        r.text()
    );
    // The port the app dials directly stays the sidecar's own target: the
    // credentialName rule is not visible to sidecars there, so the app's TLS
    // passes through.
    let direct = targets
        .iter()
        .find(|t| t.service_port == f.mtls13)
        .expect("a target for the direct port");
    assert!(
        !direct.origin.contains("egress gateway"),
        "{}",
        direct.origin
    );
    // Without the mapped credential the probe cannot present the gateway's
    // client certificate: UNKNOWN, saying which mapping to give.
    let unmapped = for_workspace(&ws, &PathMap::default());
    let hop = unmapped.iter().find(|t| t.service_port == 80).unwrap();
    let r = prober.probe(hop).await;
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.text());
    assert!(
        r.text().contains("--map credential:client-credential=DIR"),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains("originated by the egress gateway"),
        "{}",
        r.text()
    );
}

#[test]
fn the_gateway_hop_and_the_sidecar_dial_the_endpoint_port_or_target_port() {
    // The external host's port 443 is served on 18443: by the endpoint's
    // `ports` map in one workspace, by targetPort in the other.
    let port = 443;
    let by_endpoint = chain(port).replace(
        "endpoints: [{address: 127.0.0.1}]",
        "endpoints: [{address: 127.0.0.1, ports: {https: 18443}}]",
    );
    let by_target_port = chain(port).replace(
        &format!("{{number: {port}, name: https, protocol: HTTPS}}"),
        &format!("{{number: {port}, name: https, protocol: HTTPS, targetPort: 18443}}"),
    );
    for text in [by_endpoint, by_target_port] {
        let ws = Workspace {
            files: vec![SourceFile::from_text("chain.yaml".into(), &text)],
        };
        let targets = for_workspace(&ws, &PathMap::default());
        let hop = targets.iter().find(|t| t.service_port == 80).unwrap();
        assert!(hop.by_gateway);
        assert_eq!(hop.port, 18443, "{}", hop.origin);
        assert_eq!(
            hop.addresses,
            ["127.0.0.1".parse::<std::net::IpAddr>().unwrap()]
        );
        assert!(
            hop.origin.ends_with("-> api.example.test:443 -> 18443"),
            "{}",
            hop.origin
        );
        let direct = targets.iter().find(|t| t.service_port == 443).unwrap();
        assert_eq!(direct.port, 18443, "{}", direct.origin);
    }
}
