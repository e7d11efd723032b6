//! The graph from a workspace: classes per port and the probe overlay.

use super::*;
use crate::probe::targets::{PathMap, for_workspace};
use crate::probe::{Answer, DnsErrorClass, ProbeReport, Target};
use crate::yaml::SourceFile;

const SE: &str = "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: fx, namespace: pay}
spec:
  hosts: [rates.example]
  ports:
  - {number: 80, name: http, protocol: HTTP, targetPort: 443}
  resolution: DNS
";

fn dr(ca: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: fx, namespace: pay}}
spec:
  host: rates.example
  trafficPolicy:
    tls: {{mode: SIMPLE, caCertificates: {ca}}}
"
    )
}

fn ws(docs: &[&str]) -> Workspace {
    Workspace {
        files: vec![SourceFile::from_text("w.yaml".into(), &docs.join("---\n"))],
    }
}

/// A report for `t`: DNS answered when `resolved`, failed otherwise.
fn report(t: &Target, resolved: bool) -> ProbeReport {
    let mut r = ProbeReport::new(t);
    if resolved {
        r.dns.a.push(Answer {
            address: [192, 0, 2, 7].into(),
            ttl: 60,
        });
    } else {
        r.dns.error = Some(DnsErrorClass::Nxdomain);
    }
    r
}

fn mark(w: &Workspace, results: &[ProbeResult]) -> Option<ProbeMark> {
    let g = build(w, &[], results, &PathMap::default());
    g.routes().next()?.listeners.first()?.probe.clone()
}

#[test]
fn the_example_ports_get_their_classes() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/examples/egress.yaml"
    ))
    .unwrap();
    let w = Workspace {
        files: vec![SourceFile::from_text("egress.yaml".into(), &text)],
    };
    let g = build(&w, &[], &[], &PathMap::default());
    let class = |name: &str| {
        g.routes()
            .find(|r| r.name == name)
            .map(|r| r.listeners[0].wire.class)
    };
    assert_eq!(class("stripe-api"), Some(Security::Passthrough));
    assert_eq!(class("currency-rates"), Some(Security::VerifiedTls));
    assert_eq!(class("partner-bank"), Some(Security::MutualTls));
}

#[test]
fn a_re_probe_with_a_changed_rule_shows_the_new_result() {
    let old_ws = ws(&[SE, &dr("/etc/old-ca.pem")]);
    let new_ws = ws(&[SE, &dr("/etc/new-ca.pem")]);
    let old_t = for_workspace(&old_ws, &PathMap::default()).remove(0);
    let new_t = for_workspace(&new_ws, &PathMap::default()).remove(0);
    assert_ne!(old_t.key(), new_t.key());
    let (old_r, new_r) = (report(&old_t, false), report(&new_t, true));
    // Both results are kept (keyed by configuration); the new one is newer.
    let results = [
        ProbeResult {
            target: &new_t,
            report: &new_r,
            seq: 2,
        },
        ProbeResult {
            target: &old_t,
            report: &old_r,
            seq: 1,
        },
    ];
    for order in [results.to_vec(), results.iter().rev().copied().collect()] {
        let m = mark(&new_ws, &order).unwrap();
        assert!(m.dns_ok, "the new result wins whatever the order");
        assert!(!m.stale);
        assert_eq!(m.seq, 2);
    }
}

#[test]
fn a_result_greys_out_when_the_configuration_changes() {
    let before = ws(&[SE, &dr("/etc/ca.pem")]);
    let t = for_workspace(&before, &PathMap::default()).remove(0);
    let r = report(&t, true);
    let results = [ProbeResult {
        target: &t,
        report: &r,
        seq: 1,
    }];
    assert_eq!(mark(&before, &results).map(|m| m.stale), Some(false));
    let after = ws(&[SE, &dr("/etc/other-ca.pem")]);
    assert_eq!(mark(&after, &results).map(|m| m.stale), Some(true));
    // The host node's probe line is muted.
    let g = build(&after, &[], &results, &PathMap::default());
    let l = crate::diagram::lay_out(&g, &Default::default(), 600.0);
    let probe_line = l
        .shapes
        .iter()
        .find_map(|s| match s {
            crate::diagram::Shape::Node { lines, .. } => {
                lines.iter().find(|l| l.text.starts_with("DNS ok")).cloned()
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(probe_line.tone, crate::diagram::layout::Tone::Muted);
    assert!(probe_line.full.contains("stale"));
    // A changed path mapping makes it stale too (the probe read other files).
    let mapped = PathMap {
        entries: vec![("/etc".into(), "certs".into())],
    };
    let g = build(&before, &[], &results, &mapped);
    assert!(
        g.routes().next().unwrap().listeners[0]
            .probe
            .as_ref()
            .unwrap()
            .stale
    );
}
