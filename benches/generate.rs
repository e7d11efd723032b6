//! Generates a realistic workspace: half ServiceEntries, half DestinationRules,
//! and optionally one SE in ten leaving through an egress gateway (a Gateway, the
//! gateway hop's DestinationRule and a VirtualService more for each).
//! Shared by the benchmarks and `examples/generate.rs`.

#![allow(dead_code)]

/// `n` resources as one multi-document YAML stream (ServiceEntries and
/// DestinationRules only).
pub fn workspace_yaml(n: usize) -> String {
    build(n, false)
}

/// [`workspace_yaml`] with one ServiceEntry in ten leaving through the egress
/// gateway (three resources more for each).
pub fn workspace_yaml_with_gateways(n: usize) -> String {
    build(n, true)
}

fn build(n: usize, gateways: bool) -> String {
    let mut out = String::with_capacity(n * 700);
    for i in 0..n / 2 {
        let ns = format!("team-{}", i % 40);
        out.push_str(&format!(
            "---
# External API {i} used by {ns}
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/part-of: egress
spec:
  hosts:
  - api-{i}.partner{p}.example.com
  ports:
  - number: 443
    name: tls
    protocol: TLS
  - number: 80
    name: http
    protocol: HTTP
    targetPort: 443
  location: MESH_EXTERNAL
  resolution: DNS
  exportTo:
  - .{export_gw}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: api-{i}
  namespace: {ns}
spec:
  host: api-{i}.partner{p}.example.com
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 3s
      http:
        http1MaxPendingRequests: 64
        idleTimeout: 90s
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
      maxEjectionPercent: 50
    portLevelSettings:
    - port:
        number: 80
      tls:
        mode: SIMPLE
        sni: api-{i}.partner{p}.example.com
        caCertificates: /etc/certs/partner-ca.pem
  subsets:
  - name: v1
    labels:
      version: v1
",
            p = i % 17,
            export_gw = if gateways && i % 10 == 0 {
                "\n  - istio-system"
            } else {
                ""
            },
        ));
        if gateways && i % 10 == 0 {
            out.push_str(&gateway_chain(
                i,
                &ns,
                &format!("api-{i}.partner{}.example.com", i % 17),
            ));
        }
    }
    out
}

/// HTTPS passthrough through the egress gateway for `host` (egress-gateway.md
/// task B): Gateway, the gateway hop's DestinationRule, the VirtualService.
fn gateway_chain(i: usize, ns: &str, host: &str) -> String {
    let egw = "istio-egressgateway.istio-system.svc.cluster.local";
    format!(
        "---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-api-{i}
  namespace: {ns}
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 443
      name: tls-api-{i}
      protocol: TLS
    hosts:
    - {host}
    tls:
      mode: PASSTHROUGH
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-api-{i}
  namespace: {ns}
spec:
  host: {egw}
  subsets:
  - name: api-{i}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api-{i}-via-egress
  namespace: {ns}
spec:
  hosts:
  - {host}
  gateways:
  - mesh
  - egress-api-{i}
  tls:
  - match:
    - gateways: [mesh]
      port: 443
      sniHosts: [{host}]
    route:
    - destination:
        host: {egw}
        subset: api-{i}
        port:
          number: 443
  - match:
    - gateways: [egress-api-{i}]
      port: 443
      sniHosts: [{host}]
    route:
    - destination:
        host: {host}
        port:
          number: 443
      weight: 100
"
    )
}
