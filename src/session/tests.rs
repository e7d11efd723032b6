use super::history::MergeKey;
use super::*;
use crate::model::{Resource, TlsMode};

/// A varied workspace: clean pairs, broken ports, missing CAs, shared hosts with
/// conflicting protocols, TCP ports without addresses.
fn workspace_yaml(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n / 2 {
        let ns = format!("team-{}", i % 7);
        let host = format!("api-{}.example.com", i % 300);
        let proto = ["TLS", "HTTPS", "TCP", "HTTP"][i % 4];
        let port = if i % 23 == 0 { 0 } else { 443 };
        out.push_str(&format!(
            "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-{i}\n  namespace: {ns}\nspec:\n  hosts:\n  - {host}\n  ports:\n  - number: {port}\n    name: p\n    protocol: {proto}\n  resolution: DNS\n"
        ));
        let ca = if i % 5 == 0 {
            ""
        } else {
            "\n        caCertificates: /ca.pem"
        };
        out.push_str(&format!(
            "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: dr-{i}\n  namespace: {ns}\nspec:\n  host: {host}\n  trafficPolicy:\n    tls:\n        mode: SIMPLE{ca}\n"
        ));
    }
    out
}

/// A small deterministic generator (xorshift), so the test is repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn sorted(mut v: Vec<Located>) -> Vec<String> {
    let mut out: Vec<String> = v
        .drain(..)
        .map(|l| {
            format!(
                "{}:{}:{:?}:{}:{}:{} {} {} {}",
                l.at.file,
                l.at.document,
                l.at.item,
                l.line,
                l.column,
                l.diagnostic.code,
                l.diagnostic.resource,
                l.diagnostic.path,
                l.diagnostic.message
            )
        })
        .collect();
    out.sort();
    out
}

fn random_edit(s: &mut Session, rng: &mut Rng) {
    let file = 0;
    let docs = s.workspace.files[file].documents.len();
    let document = rng.below(docs);
    let site = Site {
        file,
        document,
        item: Some(0),
    };
    s.selected = Some(site);
    let Some(resource) = s.selected_resource().cloned() else {
        return;
    };
    let mut edited = resource;
    match (rng.below(8), &mut edited) {
        (0, Resource::ServiceEntry(se)) => {
            if let Some(p) = se.spec.ports.first_mut() {
                p.number = Some([0, 443, 8443][rng.below(3)]);
            }
        }
        (1, Resource::ServiceEntry(se)) => {
            if let Some(p) = se.spec.ports.first_mut() {
                p.protocol = Some(["TLS", "HTTPS", "TCP", "tcp"][rng.below(4)].to_string());
            }
        }
        (2, Resource::ServiceEntry(se)) => {
            se.spec.hosts = Some(vec![format!("api-{}.example.com", rng.below(300))]);
        }
        (3, Resource::DestinationRule(dr)) => {
            if let Some(tls) = dr.spec.traffic_policy.as_mut().and_then(|t| t.tls.as_mut()) {
                tls.ca_certificates = if tls.ca_certificates.is_some() {
                    None
                } else {
                    Some("/ca.pem".into())
                };
                tls.mode = Some(if rng.below(2) == 0 {
                    TlsMode::Simple
                } else {
                    TlsMode::Disable
                });
            }
        }
        (4, _) => {
            let _ = s.duplicate_selected();
            return;
        }
        (5, _) => {
            let _ = s.delete_selected();
            return;
        }
        (6, _) => {
            s.undo();
            return;
        }
        (7, _) => {
            s.redo();
            return;
        }
        (_, Resource::DestinationRule(dr)) => {
            dr.spec.host = Some(format!("api-{}.example.com", rng.below(400)));
        }
        (_, Resource::ServiceEntry(se)) => se.metadata.name = Some("Upper".into()),
        _ => return,
    }
    let merge = (rng.below(3) == 0).then_some(MergeKey(7));
    let _ = s.apply_edit(site, edited, merge);
}

#[test]
fn incremental_validation_equals_a_full_validation_after_random_edits() {
    let text = workspace_yaml(2_000);
    let mut s = Session::default();
    s.add_file(SourceFile::from_text("ws.yaml".into(), &text), false);
    let mut rng = Rng(0x5eed_1234_abcd);
    for step in 0..60 {
        random_edit(&mut s, &mut rng);
        let full = validate::analyze(&s.workspace, &s.options, &s.mesh);
        let inc = sorted(s.diagnostics.clone());
        let full = sorted(full);
        assert_eq!(inc.len(), full.len(), "after step {step}");
        assert!(
            inc == full,
            "after step {step}: incremental and full differ"
        );
    }
    // Most edits took the incremental path, so the comparison tested it.
    assert!(s.incremental_runs() > 20, "{}", s.incremental_runs());
    // The edits produced findings of several kinds, so the comparison meant something.
    let codes: std::collections::HashSet<&str> = s
        .diagnostics
        .iter()
        .map(|d| d.diagnostic.code.as_str())
        .collect();
    assert!(codes.len() >= 4, "{codes:?}");
}

#[test]
fn undo_of_field_edits_restores_the_exact_file_and_keeps_one_document_per_step() {
    let text = workspace_yaml(40);
    let mut s = Session::default();
    s.add_file(SourceFile::from_text("ws.yaml".into(), &text), false);
    let original = s.workspace.files[0].clone();
    for document in [0, 2, 4] {
        let site = Site {
            file: 0,
            document,
            item: Some(0),
        };
        s.selected = Some(site);
        let Some(Resource::ServiceEntry(mut se)) = s.selected_resource().cloned() else {
            panic!("document {document} is a ServiceEntry");
        };
        se.spec.ports[0].name = Some("renamed".into());
        s.apply_edit(site, Resource::ServiceEntry(se), None)
            .unwrap();
    }
    assert_eq!(s.undo_len(), 3);
    assert!(s.any_dirty());
    for _ in 0..3 {
        s.undo();
    }
    assert_eq!(s.workspace.files[0], original);
    assert!(!s.any_dirty());
    s.redo();
    assert!(s.any_dirty());
}

#[test]
fn edits_with_one_merge_key_are_one_step() {
    let text = workspace_yaml(4);
    let mut s = Session::default();
    s.add_file(SourceFile::from_text("ws.yaml".into(), &text), false);
    let site = Site {
        file: 0,
        document: 0,
        item: Some(0),
    };
    s.selected = Some(site);
    for name in ["a", "ab", "abc"] {
        let Some(Resource::ServiceEntry(mut se)) = s.selected_resource().cloned() else {
            panic!("a ServiceEntry");
        };
        se.metadata.name = Some(name.into());
        s.apply_edit(site, Resource::ServiceEntry(se), Some(MergeKey(1)))
            .unwrap();
    }
    assert_eq!(s.undo_len(), 1);
    s.undo();
    assert_eq!(s.selected_resource().map(|r| r.name()), Some("se-0"));
}

/// Egress-gateway chains (SE, Gateway, the gateway hop's DR, VS, some with a DR
/// that originates TLS at the gateway and a Secret), several sharing a Gateway,
/// all routing to the same egress gateway Service.
fn chains_yaml(n: usize) -> String {
    let egw = "istio-egressgateway.istio-system.svc.cluster.local";
    let mut out = String::new();
    for i in 0..n {
        let ns = format!("team-{}", i % 3);
        let host = format!("ext-{}.example.com", i % 40);
        let gw = format!("egress-{}", i % 9);
        let (proto, mode) = if i % 2 == 0 {
            ("TLS", "PASSTHROUGH")
        } else {
            ("HTTPS", "SIMPLE")
        };
        out.push_str(&format!(
            "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-{i}\n  namespace: {ns}\nspec:\n  hosts:\n  - {host}\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  - number: 80\n    name: http\n    protocol: HTTP\n  resolution: DNS\n\
---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {gw}\n  namespace: {ns}\nspec:\n  selector:\n    istio: egressgateway\n  servers:\n  - port:\n      number: 443\n      name: tls\n      protocol: {proto}\n    hosts:\n    - {host}\n    tls:\n      mode: {mode}\n      credentialName: cred-{i}\n\
---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: egw-{i}\n  namespace: {ns}\nspec:\n  host: {egw}\n  subsets:\n  - name: s-{i}\n    trafficPolicy:\n      tls:\n        mode: ISTIO_MUTUAL\n        sni: {host}\n\
---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-{i}\n  namespace: {ns}\nspec:\n  hosts:\n  - {host}\n  gateways:\n  - mesh\n  - {gw}\n  tls:\n  - match:\n    - gateways: [mesh]\n      port: 443\n      sniHosts: [{host}]\n    route:\n    - destination:\n        host: {egw}\n        subset: s-{i}\n        port:\n          number: 443\n  - match:\n    - gateways: [{gw}]\n      port: 443\n      sniHosts: [{host}]\n    route:\n    - destination:\n        host: {host}\n        port:\n          number: 443\n"
        ));
        if i % 4 == 1 {
            out.push_str(&format!(
                "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: origin-{i}\n  namespace: {ns}\nspec:\n  host: {host}\n  trafficPolicy:\n    tls:\n      mode: MUTUAL\n      credentialName: cred-{i}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cred-{i}\n  namespace: istio-system\n"
            ));
        }
    }
    out
}

/// Text changes that break or mend a piece of a chain.
const CHAIN_EDITS: &[(&str, &str)] = &[
    ("  - mesh\n", ""),
    ("      port: 443\n", "      port: 8443\n"),
    ("number: 443\n", "number: 80\n"),
    ("mode: ISTIO_MUTUAL", "mode: SIMPLE"),
    ("mode: PASSTHROUGH", "mode: SIMPLE"),
    ("mode: SIMPLE", "mode: PASSTHROUGH"),
    ("protocol: TLS\n    hosts", "protocol: HTTP\n    hosts"),
    ("subset: s-", "subset: t-"),
    ("ext-1", "ext-2"),
    ("ext-3", "ext-1"),
    ("egress-1", "egress-2"),
    ("namespace: team-1", "namespace: team-2"),
    ("cred-", "other-"),
    ("istio: egressgateway", "istio: ingressgateway"),
];

#[test]
fn incremental_validation_equals_a_full_validation_after_random_chain_edits() {
    let text = chains_yaml(80);
    let mut s = Session::default();
    s.add_file(SourceFile::from_text("chains.yaml".into(), &text), false);
    let mut rng = Rng(0xc4a1_7e57_0042);
    let mut codes: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut edits = 0;
    for step in 0..150 {
        let docs = s.workspace.files[0].documents.len();
        let document = rng.below(docs);
        let raw = s.workspace.files[0].documents[document].raw.clone();
        let applicable: Vec<&(&str, &str)> = CHAIN_EDITS
            .iter()
            .filter(|(from, _)| raw.contains(from))
            .collect();
        if applicable.is_empty() {
            continue;
        }
        let (from, to) = applicable[rng.below(applicable.len())];
        let text = raw.replacen(from, to, 1);
        let site = Site {
            file: 0,
            document,
            item: Some(0),
        };
        if s.replace_document_text(0, document, &text, Some(site), None)
            .is_err()
        {
            continue;
        }
        edits += 1;
        let full = validate::analyze(&s.workspace, &s.options, &s.mesh);
        codes.extend(full.iter().map(|d| d.diagnostic.code.clone()));
        let inc = sorted(s.diagnostics.clone());
        let full = sorted(full);
        let only_inc: Vec<&String> = inc.iter().filter(|l| !full.contains(l)).collect();
        let only_full: Vec<&String> = full.iter().filter(|l| !inc.contains(l)).collect();
        assert!(
            inc == full,
            "after step {step} ({from:?} -> {to:?} in document {document}): incremental and full differ\nonly incremental: {only_inc:#?}\nonly full: {only_full:#?}"
        );
    }
    assert!(edits > 100, "{edits}");
    assert!(s.incremental_runs() > 100, "{}", s.incremental_runs());
    // The chains were judged, and the edits broke them in several ways.
    let chain_codes = codes.iter().filter(|c| c.starts_with("EG")).count();
    assert!(chain_codes >= 6, "{codes:?}");
}
