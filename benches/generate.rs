//! Generates a realistic workspace: half ServiceEntries, half DestinationRules.
//! Shared by the benchmarks and `examples/generate.rs`.

#![allow(dead_code)]

/// `n` resources as one multi-document YAML stream.
pub fn workspace_yaml(n: usize) -> String {
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
  - .
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
            p = i % 17
        ));
    }
    out
}
