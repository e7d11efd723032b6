//! One test per merge rule, mirroring the cases of Istio's `util_test.go`
//! (TestMergeTrafficPolicy, TestMergeSubsetTrafficPolicy) and
//! `cluster_tls_test.go` (credentialName with proxy type Sidecar).

use super::*;
use crate::model::DestinationRule;

fn dr(yaml: &str) -> DestinationRule {
    match serde_yaml::from_str(yaml) {
        Ok(d) => d,
        Err(e) => panic!("test YAML: {e}"),
    }
}

fn q<'a>(host: &'a str, port: u32, subset: Option<&'a str>, ns: &'a str) -> Query<'a> {
    Query {
        host,
        port,
        subset,
        client_namespace: ns,
        service_namespace: Some("svc"),
        gateway: false,
        pods: &PODS,
    }
}

static PODS: std::sync::LazyLock<crate::policy::GatewayPods> =
    std::sync::LazyLock::new(Default::default);

const TOP_SIMPLE_PORT_POOL: &str = r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, sni: api.example.com}
    portLevelSettings:
    - port: {number: 8443}
      connectionPool: {tcp: {maxConnections: 10}}
    - port: {number: 9443}
      tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}
"#;

#[test]
fn port_level_entry_without_tls_replaces_the_top_level_tls() {
    let d = dr(TOP_SIMPLE_PORT_POOL);
    let e = effective_tls(&[&d], &q("api.example.com", 8443, None, "app"));
    assert!(e.tls.is_none(), "no TLS is inherited");
    assert_eq!(
        e.plaintext,
        Some(Plaintext::PortLevelReplaces { port: 8443 })
    );
    assert!(e.merge_rule_plaintext().unwrap().contains("port 8443"));
    assert!(
        e.why
            .iter()
            .any(|w| w.contains("replaces the top-level policy")),
        "{:?}",
        e.why
    );
}

#[test]
fn port_level_tls_replaces_and_other_ports_keep_the_top_level() {
    let d = dr(TOP_SIMPLE_PORT_POOL);
    let e = effective_tls(&[&d], &q("api.example.com", 9443, None, "app"));
    assert_eq!(e.mode(), TlsMode::Mutual);
    assert_eq!(
        e.tls.as_ref().and_then(|t| t.sni.clone()),
        None,
        "nothing merged from the top level"
    );
    let e = effective_tls(&[&d], &q("api.example.com", 443, None, "app"));
    assert_eq!(e.mode(), TlsMode::Simple);
    assert!(e.plaintext.is_none());
}

#[test]
fn subset_policy_overrides_and_subset_port_level_replaces() {
    let d = dr(r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: SIMPLE}
  subsets:
  - name: plain
    trafficPolicy:
      tls: {mode: DISABLE}
  - name: same
    labels: {v: "1"}
  - name: pooled
    trafficPolicy:
      portLevelSettings:
      - port: {number: 443}
        connectionPool: {tcp: {maxConnections: 1}}
"#);
    let rules = [&d];
    assert_eq!(
        effective_tls(&rules, &q("api.example.com", 443, Some("plain"), "app")).mode(),
        TlsMode::Disable
    );
    assert_eq!(
        effective_tls(&rules, &q("api.example.com", 443, Some("same"), "app")).mode(),
        TlsMode::Simple
    );
    let pooled = effective_tls(&rules, &q("api.example.com", 443, Some("pooled"), "app"));
    assert_eq!(
        pooled.plaintext,
        Some(Plaintext::PortLevelReplaces { port: 443 })
    );
    // Another port of the pooled subset keeps the rule's TLS.
    assert_eq!(
        effective_tls(&rules, &q("api.example.com", 80, Some("pooled"), "app")).mode(),
        TlsMode::Simple
    );
}

#[test]
fn credential_name_without_workload_selector_means_plaintext_for_sidecars() {
    let d = dr(r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: MUTUAL, credentialName: api-cred}
"#);
    let e = effective_tls(&[&d], &q("api.example.com", 443, None, "app"));
    assert!(e.tls.is_none());
    assert_eq!(e.declared.as_ref().map(|t| t.mode()), Some(TlsMode::Mutual));
    assert_eq!(
        e.plaintext,
        Some(Plaintext::CredentialNameWithoutSelector {
            credential: "api-cred".into()
        })
    );
    let found = credential_name_without_selector(&d);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "spec.trafficPolicy.tls");
    assert!(
        found[0]
            .message
            .contains("sidecars ignore this TLS block and send plaintext")
    );

    let selected = dr(r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  workloadSelector: {matchLabels: {app: client}}
  trafficPolicy:
    tls: {mode: MUTUAL, credentialName: api-cred}
"#);
    assert_eq!(
        effective_tls(&[&selected], &q("api.example.com", 443, None, "app")).mode(),
        TlsMode::Mutual
    );
    assert!(credential_name_without_selector(&selected).is_empty());

    let configmap = dr(r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, credentialName: "configmap://app/ca"}
"#);
    assert_eq!(
        effective_tls(&[&configmap], &q("api.example.com", 443, None, "app")).mode(),
        TlsMode::Simple
    );
    assert!(credential_name_without_selector(&configmap).is_empty());
}

#[test]
fn lookup_prefers_the_client_namespace_then_the_service_then_root() {
    let client = dr(
        "metadata: {name: c, namespace: app}\nspec: {host: api.example.com, trafficPolicy: {tls: {mode: MUTUAL}}}",
    );
    let service = dr(
        "metadata: {name: s, namespace: svc}\nspec: {host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}",
    );
    let root = dr(
        "metadata: {name: r, namespace: istio-system}\nspec: {host: '*.example.com', trafficPolicy: {tls: {mode: DISABLE}}}",
    );
    let private = dr(
        "metadata: {name: p, namespace: svc}\nspec: {host: api.example.com, exportTo: ['.'], trafficPolicy: {tls: {mode: SIMPLE}}}",
    );
    let all = [&client, &service, &root];
    assert_eq!(
        effective_tls(&all, &q("api.example.com", 443, None, "app")).mode(),
        TlsMode::Mutual
    );
    assert_eq!(
        effective_tls(&all, &q("api.example.com", 443, None, "other")).mode(),
        TlsMode::Simple
    );
    let e = effective_tls(&[&root], &q("api.example.com", 443, None, "other"));
    assert_eq!(e.rule.map(rule_name).as_deref(), Some("istio-system/r"));
    // A rule exported only to its own namespace is invisible elsewhere.
    let e = effective_tls(&[&private], &q("api.example.com", 443, None, "other"));
    assert_eq!(e.plaintext, Some(Plaintext::NoRule));
}

#[test]
fn exact_host_beats_wildcard_and_the_first_rule_policy_wins() {
    let wild = dr(
        "metadata: {name: w, namespace: app}\nspec: {host: '*.example.com', trafficPolicy: {tls: {mode: DISABLE}}}",
    );
    let exact1 = dr(
        "metadata: {name: e1, namespace: app}\nspec: {host: api.example.com, subsets: [{name: v1}]}",
    );
    let exact2 = dr(
        "metadata: {name: e2, namespace: app}\nspec: {host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}",
    );
    let exact3 = dr(
        "metadata: {name: e3, namespace: app}\nspec: {host: api.example.com, trafficPolicy: {tls: {mode: MUTUAL}}}",
    );
    let e = effective_tls(
        &[&wild, &exact1, &exact2, &exact3],
        &q("api.example.com", 443, None, "app"),
    );
    // e1 has no top-level policy: the next one fills it; e3's is ignored.
    assert_eq!(e.mode(), TlsMode::Simple);
    assert_eq!(e.rule.map(rule_name).as_deref(), Some("app/e2"));
    assert_eq!(
        effective_tls(&[&wild], &q("www.example.com", 443, None, "app")).mode(),
        TlsMode::Disable
    );
}

#[test]
fn port_level_finding_names_each_port_that_loses_tls() {
    let d = dr(TOP_SIMPLE_PORT_POOL);
    let found = port_level_replaces_tls(&d);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].port, Some(8443));
    assert_eq!(found[0].path, "spec.trafficPolicy.portLevelSettings[0]");
    assert!(
        found[0]
            .message
            .contains("replace the rule's top-level policy")
    );
    // Without top-level TLS there is nothing to lose.
    let plain = dr(
        "metadata: {name: p}\nspec: {host: a.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}}",
    );
    assert!(port_level_replaces_tls(&plain).is_empty());
}

#[test]
fn findings_name_subset_and_port_level_paths() {
    let d = dr(r#"
metadata: {name: api, namespace: app}
spec:
  host: api.example.com
  subsets:
  - name: v1
    trafficPolicy:
      tls: {mode: SIMPLE}
      portLevelSettings:
      - port: {number: 443}
        tls: {mode: SIMPLE, credentialName: v1-cred}
      - port: {number: 8443}
        loadBalancer: {simple: ROUND_ROBIN}
"#);
    let cred = credential_name_without_selector(&d);
    assert_eq!(cred.len(), 1);
    assert_eq!(
        cred[0].path,
        "spec.subsets[0].trafficPolicy.portLevelSettings[0].tls"
    );
    assert_eq!(cred[0].port, Some(443));
    let ports = port_level_replaces_tls(&d);
    assert_eq!(ports.len(), 1);
    assert_eq!(
        ports[0].path,
        "spec.subsets[0].trafficPolicy.portLevelSettings[1]"
    );
    // The subset's port-level credentialName applies to port 443 of subset v1 only.
    let e = effective_tls(&[&d], &q("api.example.com", 443, Some("v1"), "app"));
    assert!(matches!(
        e.plaintext,
        Some(Plaintext::CredentialNameWithoutSelector { .. })
    ));
    assert_eq!(
        effective_tls(&[&d], &q("api.example.com", 443, None, "app")).plaintext,
        Some(Plaintext::NoTls)
    );
}
