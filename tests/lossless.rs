//! Lossless edits: saving an edited resource changes only the lines that field needs.

mod common;

use egress_studio::model::*;
use egress_studio::yaml::SourceFile;

/// Lines removed from `a` and added in `b`.
fn line_diff(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    use egress_studio::yaml::DiffOp;
    let d = egress_studio::yaml::line_diff(a, b);
    let pick = |op: DiffOp| {
        d.iter()
            .filter(|(o, _)| *o == op)
            .map(|(_, l)| l.clone())
            .collect()
    };
    (pick(DiffOp::Removed), pick(DiffOp::Added))
}

/// Edits document `doc` of `text` with `edit`, saves, and returns the removed and
/// added lines; checks the saved text reads back to the edited model.
fn edit(text: &str, doc: usize, edit: impl FnOnce(&mut Resource)) -> (Vec<String>, Vec<String>) {
    let mut file = SourceFile::from_text("f.yaml".into(), text);
    let item = &mut file.documents[doc].items[0];
    let mut r = item.resource.clone().unwrap();
    edit(&mut r);
    item.resource = Ok(r.clone());
    file.documents[doc].dirty = true;
    let out = file.render().unwrap();
    let again = SourceFile::from_text("f.yaml".into(), &out);
    assert_eq!(
        again.documents[doc].items[0].resource.as_ref().unwrap(),
        &r,
        "{out}"
    );
    line_diff(text, &out)
}

fn dr(r: &mut Resource) -> &mut DestinationRule {
    match r {
        Resource::DestinationRule(d) => d,
        _ => panic!("not a DR"),
    }
}

fn se(r: &mut Resource) -> &mut ServiceEntry {
    match r {
        Resource::ServiceEntry(s) => s,
        _ => panic!("not an SE"),
    }
}

const FIXTURE: &str = r#"# Egress for the shop. Owned by team-egress.
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments   # keep this name stable
  namespace: shop
  labels:
    team: egress
spec:
  hosts:
    # the main API
    - api.pay.example
    - "backup.pay.example"
  ports:
    - number: 443
      name: tls
      protocol: TLS
  resolution: DNS   # resolved by the sidecar

---
# The rule for it.
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: payments
  namespace: shop
spec:
  host: api.pay.example
  trafficPolicy:
    # circuit breaking
    connectionPool:
      tcp:
        maxConnections: 100
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
  subsets:
    - name: v1
      labels: {version: v1}
"#;

#[test]
fn scalar_enum_and_wrapper_change_one_line_each() {
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r).spec.ports[0].name = Some("tls-api".into())
    });
    assert_eq!(
        (r, a),
        (
            vec!["      name: tls".to_string()],
            vec!["      name: tls-api".to_string()]
        )
    );
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r).spec.resolution = Some(Resolution::DnsRoundRobin)
    });
    assert_eq!(
        a,
        ["  resolution: DNS_ROUND_ROBIN   # resolved by the sidecar"]
    );
    assert_eq!(r.len(), 1);
    let (r, a) = edit(FIXTURE, 1, |r| {
        dr(r)
            .spec
            .traffic_policy
            .as_mut()
            .unwrap()
            .outlier_detection
            .as_mut()
            .unwrap()
            .consecutive_5xx_errors = Some(0)
    });
    assert_eq!(
        (r.len(), a),
        (1, vec!["      consecutive5xxErrors: 0".to_string()])
    );
    // A quoted scalar stays quoted; a commented one keeps its comment.
    let (_, a) = edit(FIXTURE, 0, |r| {
        se(r).spec.hosts.as_mut().unwrap()[1] = "spare.pay.example".into()
    });
    assert_eq!(a, ["    - \"spare.pay.example\""]);
    let (_, a) = edit(FIXTURE, 0, |r| {
        se(r).metadata.name = Some("payments-v2".into())
    });
    assert_eq!(a, ["  name: payments-v2   # keep this name stable"]);
}

#[test]
fn list_add_remove_reorder_touch_only_their_items() {
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r)
            .spec
            .hosts
            .as_mut()
            .unwrap()
            .push("third.pay.example".into())
    });
    assert!(r.is_empty());
    assert_eq!(a, ["    - third.pay.example"]);
    // Removing the first host takes its comment with it.
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r).spec.hosts.as_mut().unwrap().remove(0);
    });
    assert!(a.is_empty());
    assert_eq!(r, ["    # the main API", "    - api.pay.example"]);
    // A swap moves one item's line past the other: at most the two item lines change.
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r).spec.hosts.as_mut().unwrap().swap(0, 1)
    });
    assert!(
        (1..=2).contains(&r.len()) && r.len() == a.len(),
        "{r:?} {a:?}"
    );
    assert!(
        r.iter().chain(&a).all(|l| l.trim_start().starts_with("- ")),
        "{r:?} {a:?}"
    );
}

#[test]
fn map_add_and_remove() {
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r)
            .metadata
            .labels
            .insert("tier".into(), "critical".into());
    });
    assert!(r.is_empty());
    assert_eq!(a, ["    tier: critical"]);
    let (r, a) = edit(FIXTURE, 0, |r| {
        se(r).metadata.labels.shift_remove("team");
    });
    assert!(a.is_empty());
    assert_eq!(r, ["  labels:", "    team: egress"]);
    // A flow map is rewritten in flow style, on its own line only.
    let (r, a) = edit(FIXTURE, 1, |r| {
        dr(r).spec.subsets[0]
            .labels
            .insert("track".into(), "stable".into());
    });
    assert_eq!(r, ["      labels: {version: v1}"]);
    assert_eq!(a, ["      labels: {version: v1, track: stable}"]);
}

#[test]
fn nested_message_add_and_remove() {
    let (r, a) = edit(FIXTURE, 1, |r| {
        dr(r).spec.traffic_policy.as_mut().unwrap().tls = Some(ClientTlsSettings {
            mode: Some(TlsMode::Simple),
            sni: Some("api.pay.example".into()),
            ..Default::default()
        })
    });
    assert!(r.is_empty());
    assert_eq!(
        a,
        [
            "    tls:",
            "      mode: SIMPLE",
            "      sni: api.pay.example"
        ]
    );
    // Istio's field order: tls goes after outlierDetection, before subsets' parent ends.
    let (r, a) = edit(FIXTURE, 1, |r| {
        dr(r).spec.traffic_policy.as_mut().unwrap().connection_pool = None
    });
    assert!(a.is_empty());
    assert_eq!(
        r,
        [
            "    # circuit breaking",
            "    connectionPool:",
            "      tcp:",
            "        maxConnections: 100"
        ]
    );
}

#[test]
fn every_corpus_resource_edits_in_place() {
    let mut checked = 0;
    for path in common::corpus_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = SourceFile::from_text(path.clone(), &text);
        for (di, doc) in file.documents.iter().enumerate() {
            let Some(Ok(resource)) = doc.items.first().map(|i| &i.resource) else {
                continue;
            };
            if !resource.is_istio() || doc.list_envelope.is_some() {
                continue;
            }
            let name = resource.name().to_string();
            // Scalar: one line out, one in.
            let (r, a) = edit(&text, di, |r| match r {
                Resource::ServiceEntry(s) => s.metadata.name = Some(format!("{name}-x")),
                Resource::DestinationRule(d) => d.metadata.name = Some(format!("{name}-x")),
                Resource::Other(_) => {}
            });
            assert_eq!(
                (r.len(), a.len()),
                (1, 1),
                "{}: {r:?} {a:?}",
                path.display()
            );
            assert!(a[0].contains(&format!("{name}-x")));
            // Map add: only added lines.
            let (r, a) = edit(&text, di, |r| match r {
                Resource::ServiceEntry(s) => {
                    s.metadata.labels.insert("owner".into(), "egress".into());
                }
                Resource::DestinationRule(d) => {
                    d.metadata.labels.insert("owner".into(), "egress".into());
                }
                Resource::Other(_) => {}
            });
            assert!(
                r.is_empty() && (1..=2).contains(&a.len()),
                "{}: {r:?} {a:?}",
                path.display()
            );
            match resource {
                Resource::DestinationRule(_) => {
                    // Nested message add: only the new block's lines.
                    let (r, a) = edit(&text, di, |r| {
                        let tp = dr(r)
                            .spec
                            .traffic_policy
                            .get_or_insert_with(Default::default);
                        tp.outlier_detection
                            .get_or_insert_with(Default::default)
                            .consecutive_5xx_errors = Some(7);
                    });
                    assert!(r.len() <= 1, "{}: {r:?}", path.display());
                    assert!(
                        a.iter().any(|l| l.trim() == "consecutive5xxErrors: 7") && a.len() <= 3,
                        "{}: {a:?}",
                        path.display()
                    );
                }
                Resource::ServiceEntry(s) => {
                    // List add.
                    let (r, a) = edit(&text, di, |r| {
                        se(r)
                            .spec
                            .hosts
                            .get_or_insert_with(Vec::new)
                            .push("added.example.com".into())
                    });
                    let flow = s.spec.hosts().len() == 1 && text.contains("hosts: [");
                    if !flow {
                        assert!(
                            r.is_empty() && a.len() == 1,
                            "{}: {r:?} {a:?}",
                            path.display()
                        );
                    }
                }
                Resource::Other(_) => {}
            }
            checked += 1;
        }
    }
    assert!(checked >= 70, "{checked}");
}

#[test]
fn undo_after_save_restores_the_exact_original_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f.yaml");
    std::fs::write(&out, FIXTURE).unwrap();
    let mut app = egress_studio::app::EgressStudio::default();
    app.open_paths(std::slice::from_ref(&out));
    let site = egress_studio::validate::Site {
        file: 0,
        document: 1,
        item: Some(0),
    };
    let mut r = app.session.workspace.files[0].documents[1].items[0]
        .resource
        .clone()
        .unwrap();
    dr(&mut r).spec.host = Some("changed.pay.example".into());
    app.apply_edit(site, r, None);
    assert!(app.save_file(0));
    assert_ne!(std::fs::read_to_string(&out).unwrap(), FIXTURE);
    app.undo();
    assert!(app.any_dirty());
    assert!(app.save_file(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), FIXTURE);
}

/// Edits document `doc` of `text` and returns the saved text and the ordinals of
/// documents that had to be re-emitted instead of patched.
fn save_report(text: &str, doc: usize, edit: impl FnOnce(&mut Resource)) -> (String, Vec<usize>) {
    let mut file = SourceFile::from_text("f.yaml".into(), text);
    let item = &mut file.documents[doc].items[0];
    let mut r = item.resource.clone().unwrap();
    edit(&mut r);
    item.resource = Ok(r.clone());
    file.documents[doc].dirty = true;
    let (out, reemitted) = egress_studio::yaml::render_file_report(&file).unwrap();
    let again = SourceFile::from_text("f.yaml".into(), &out);
    assert_eq!(
        again.documents[doc].items[0].resource.as_ref().unwrap(),
        &r,
        "{out:?}"
    );
    (out, reemitted)
}

/// Every line break of `text` is CRLF.
fn all_crlf(text: &str) -> bool {
    text.match_indices('\n')
        .all(|(i, _)| i > 0 && &text[i - 1..i] == "\r")
}

#[test]
fn crlf_and_bom_survive_a_round_trip_an_edit_and_a_re_emit() {
    let text = format!("\u{feff}--- # first\n{FIXTURE}").replace('\n', "\r\n");
    let file = SourceFile::from_text("f.yaml".into(), &text);
    assert_eq!(file.render().unwrap(), text);
    // Patched: a changed scalar, an added block and an added list item.
    let (out, reemitted) = save_report(&text, 0, |r| {
        let s = se(r);
        s.metadata.name = Some("renamed".into());
        s.metadata.annotations.insert("why".into(), "audit".into());
        s.spec
            .hosts
            .as_mut()
            .unwrap()
            .push("third.pay.example".into());
    });
    assert!(reemitted.is_empty());
    assert!(out.starts_with("\u{feff}--- # first\r\n"), "{out:?}");
    assert!(all_crlf(&out), "{out:?}");
    assert!(
        out.contains("  annotations:\r\n    why: audit\r\n"),
        "{out:?}"
    );
    // Re-emitted (an anchored value cannot be patched): still CRLF, BOM and header kept.
    let anchored = text.replace(
        "  namespace: shop\r\n  labels:",
        "  namespace: &ns shop\r\n  labels:",
    );
    let (out, reemitted) = save_report(&anchored, 0, |r| {
        se(r).metadata.namespace = Some("other".into())
    });
    assert_eq!(reemitted, [0]);
    assert!(out.starts_with("\u{feff}--- # first\r\n"), "{out:?}");
    assert!(all_crlf(&out), "{out:?}");
    // The second document re-emitted: its separator is CRLF too.
    let second = text.replace(
        "  name: payments\r\n  namespace: shop\r\nspec:",
        "  name: &n payments\r\n  namespace: shop\r\nspec:",
    );
    let (out, reemitted) = save_report(&second, 1, |r| dr(r).metadata.name = Some("x".into()));
    assert!(out.contains("\r\n---\r\n"), "{out:?}");
    assert_eq!(reemitted, [1]);
    assert!(all_crlf(&out), "{out:?}");
}

#[test]
fn block_scalars_wide_dashes_and_null_values_are_patched_in_place() {
    let text = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a # keep\n  namespace:\n  labels:\n  annotations:\n    note: |\n      first line\n      second line\n\n    folded: >-\n      one\n      two\nspec:\n  hosts:\n  -   a.example.com # main\n  -   b.example.com\n  resolution: DNS\n";
    type Case = (
        &'static str,
        Box<dyn FnOnce(&mut Resource)>,
        Vec<&'static str>,
        Vec<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "block scalar → other lines",
            Box::new(|r| {
                se(r)
                    .metadata
                    .annotations
                    .insert("note".into(), "new\ntext\n".into());
            }),
            vec!["      first line", "      second line"],
            vec!["      new", "      text"],
        ),
        (
            "folded → one line",
            Box::new(|r| {
                se(r)
                    .metadata
                    .annotations
                    .insert("folded".into(), "plain".into());
            }),
            vec!["    folded: >-", "      one", "      two"],
            vec!["    folded: plain"],
        ),
        (
            "null → scalar",
            Box::new(|r| se(r).metadata.namespace = Some("egress".into())),
            vec!["  namespace:"],
            vec!["  namespace: egress"],
        ),
        (
            "null → mapping",
            Box::new(|r| {
                se(r).metadata.labels.insert("team".into(), "net".into());
            }),
            vec![],
            vec!["    team: net"],
        ),
        (
            "wide dash: edit and add",
            Box::new(|r| {
                let hosts = se(r).spec.hosts.as_mut().unwrap();
                hosts[1] = "c.example.com".into();
                hosts.push("d.example.com".into());
            }),
            vec!["  -   b.example.com"],
            vec!["  -   c.example.com", "  -   d.example.com"],
        ),
    ];
    for (what, f, removed, added) in cases {
        let (out, reemitted) = save_report(text, 0, f);
        assert!(reemitted.is_empty(), "{what}: re-emitted\n{out}");
        let (r, a) = line_diff(text, &out);
        assert_eq!(
            (r, a),
            (
                removed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                added.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            ),
            "{what}:\n{out}"
        );
    }
}

#[test]
fn export_of_an_edited_document_keeps_its_comments_and_separator_comment() {
    let text = format!("--- # the entry\n{FIXTURE}");
    let mut file = SourceFile::from_text("f.yaml".into(), &text);
    let mut r = file.documents[0].items[0].resource.clone().unwrap();
    se(&mut r).metadata.name = Some("renamed".into());
    file.documents[0].items[0].resource = Ok(r);
    file.documents[0].dirty = true;
    let objects = egress_studio::yaml::export_objects(&file, Some(ApiVersion::V1beta1)).unwrap();
    let stream = egress_studio::yaml::join_stream(&objects);
    assert!(
        stream.starts_with("--- # the entry\n# Egress for the shop."),
        "{stream}"
    );
    for comment in [
        "# keep this name stable",
        "# the main API",
        "# circuit breaking",
    ] {
        assert!(stream.contains(comment), "{comment}: {stream}");
    }
    assert!(
        stream.contains("  name: renamed   # keep this name stable\n"),
        "{stream}"
    );
    assert_eq!(
        stream
            .matches("apiVersion: networking.istio.io/v1beta1")
            .count(),
        2
    );
    let again = SourceFile::from_text("out.yaml".into(), &stream);
    assert_eq!(again.document_count(), 2, "{stream}");
}

#[test]
fn a_resource_added_to_a_crlf_file_is_written_in_crlf() {
    let text = FIXTURE.replace('\n', "\r\n");
    let mut file = SourceFile::from_text("f.yaml".into(), &text);
    let copy = file.documents[0].items[0].resource.clone().unwrap();
    file.append_resource(&copy).unwrap();
    let out = file.render().unwrap();
    assert!(out.starts_with(&text), "{out:?}");
    assert!(all_crlf(&out), "{out:?}");
    assert_eq!(
        SourceFile::from_text("f.yaml".into(), &out).document_count(),
        3
    );
}

#[test]
fn an_edit_beside_a_merge_key_leaves_the_merge_alone() {
    let text = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\n  annotations: &common {team: egress}\n  labels:\n    <<: *common\n    tier: web\nspec:\n  <<: {location: MESH_EXTERNAL, resolution: DNS}\n  hosts: [a.example.com]\n";
    let (r, a) = edit(text, 0, |r| {
        let s = se(r);
        s.metadata.name = Some("b".into());
        s.metadata.labels.insert("tier".into(), "api".into());
        s.spec.hosts = Some(vec!["b.example.com".into()]);
    });
    assert_eq!(
        r,
        ["  name: a", "    tier: web", "  hosts: [a.example.com]"],
        "{a:?}"
    );
    assert_eq!(
        a,
        ["  name: b", "    tier: api", "  hosts: [b.example.com]"]
    );
}
