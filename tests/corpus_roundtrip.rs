//! The workspace over the real corpus: loads, model round-trips, byte-identical saves.

mod common;

use egress_studio::model::{Resource, TlsMode};
use egress_studio::yaml::{LoadErrorClass, SourceFile};

#[test]
fn every_corpus_file_loads_and_every_istio_resource_parses() {
    let mut resources = 0;
    for path in common::corpus_files() {
        let file = SourceFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            file.document_count() > 0,
            "{}: no documents",
            path.display()
        );
        for doc in &file.documents {
            assert!(doc.error.is_none(), "{}: {:?}", path.display(), doc.error);
        }
        for (_, item) in file.items() {
            if !item.is_istio() {
                assert!(matches!(item.resource, Ok(Resource::Other(_))));
                continue;
            }
            resources += 1;
            match &item.resource {
                Ok(_) => assert!(!common::is_templated(&path)),
                Err(e) => {
                    // The one templated doc example: `number: $PROXY_PORT`.
                    assert!(common::is_templated(&path), "{}: {e:?}", path.display());
                    assert_eq!(e.class, LoadErrorClass::Type);
                    assert_eq!(e.path.as_deref(), Some("spec.ports[0].number"));
                    assert_eq!(e.pos.line, 12);
                }
            }
        }
    }
    assert!(resources >= 70, "only {resources} SE/DR found");
}

#[test]
fn model_serialises_and_reparses_to_an_equal_value() {
    for path in common::corpus_files() {
        let file = SourceFile::read(&path).unwrap();
        for (_, item) in file.items() {
            let Ok(resource) = &item.resource else {
                continue;
            };
            let text = serde_yaml::to_string(&resource.to_value().unwrap()).unwrap();
            let again = SourceFile::from_text("again.yaml".into(), &text);
            let reparsed = &again.documents[0].items[0].resource;
            assert_eq!(
                reparsed.as_ref().ok(),
                Some(resource),
                "{}:\n{text}",
                path.display()
            );
        }
    }
}

#[test]
fn unknown_fields_and_presence_survive_a_round_trip() {
    let text = "apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: a.example.com\n  futureField: {x: 1}\n  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 0\n      newKnob: true\n";
    let file = SourceFile::from_text("t.yaml".into(), text);
    let Ok(Resource::DestinationRule(dr)) = &file.documents[0].items[0].resource else {
        panic!()
    };
    let od = dr
        .spec
        .traffic_policy
        .as_ref()
        .unwrap()
        .outlier_detection
        .as_ref()
        .unwrap();
    assert_eq!(od.consecutive_5xx_errors, Some(0));
    assert_eq!(od.consecutive_gateway_errors, None);
    assert!(od.extra.contains_key("newKnob"));
    let out = serde_yaml::to_string(
        &file.documents[0].items[0]
            .resource
            .as_ref()
            .unwrap()
            .to_value()
            .unwrap(),
    )
    .unwrap();
    assert!(out.contains("consecutive5xxErrors: 0"), "{out}");
    assert!(out.contains("futureField"), "{out}");
    assert!(out.contains("newKnob: true"), "{out}");
}

#[test]
fn load_then_save_without_edits_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    for path in common::corpus_files() {
        let original = std::fs::read(&path).unwrap();
        let mut file = SourceFile::read(&path).unwrap();
        assert_eq!(
            file.render().unwrap().as_bytes(),
            &original[..],
            "{}",
            path.display()
        );
        let out = dir.path().join(path.file_name().unwrap());
        file.save_as(&out).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), original, "{}", path.display());
    }
}

#[test]
fn crlf_and_bom_variants_round_trip_and_export_in_crlf() {
    let dir = tempfile::tempdir().unwrap();
    for path in common::corpus_files() {
        let lf = std::fs::read_to_string(&path).unwrap();
        let variant = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
        let shown = path.display();
        let mut file = SourceFile::from_bytes(path.clone(), variant.clone().into_bytes()).unwrap();
        assert_eq!(file.render().unwrap(), variant, "{shown}");
        let out = dir.path().join(path.file_name().unwrap());
        file.save_as(&out).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), variant, "{shown}");
        if common::is_templated(&path) {
            continue;
        }
        let stream = egress_studio::yaml::join_stream(
            &egress_studio::yaml::export_objects(&file, None).unwrap(),
        );
        let bare_lf = stream
            .match_indices('\n')
            .filter(|(i, _)| *i == 0 || &stream[i - 1..*i] != "\r")
            .count();
        assert_eq!(bare_lf, 0, "{shown}: export mixed line endings:\n{stream}");
        assert!(!stream.starts_with('\u{feff}'), "{shown}");
    }
}

#[test]
fn editing_one_field_rewrites_only_that_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut edited_files = 0;
    for path in common::corpus_files() {
        let original = std::fs::read_to_string(&path).unwrap();
        let mut file = SourceFile::read(&path).unwrap();
        // Edit the first DestinationRule: set its top-level TLS mode to SIMPLE with an sni.
        let Some((di, ii)) = file.documents.iter().enumerate().find_map(|(di, d)| {
            d.items
                .iter()
                .position(|i| matches!(i.resource, Ok(Resource::DestinationRule(_))))
                .map(|ii| (di, ii))
        }) else {
            continue;
        };
        if file.document_count() < 2 {
            continue;
        }
        let mut expected = None;
        if let Ok(Resource::DestinationRule(dr)) = &mut file.documents[di].items[ii].resource {
            let tp = dr.spec.traffic_policy.get_or_insert_with(Default::default);
            let tls = tp.tls.get_or_insert_with(Default::default);
            tls.mode = Some(TlsMode::Simple);
            tls.sni = Some("edited.example.com".into());
            expected = Some(dr.clone());
        }
        file.documents[di].dirty = true;
        let out = dir.path().join(path.file_name().unwrap());
        file.save_as(&out).unwrap();
        let saved = SourceFile::read(&out).unwrap();
        let before = SourceFile::from_text(path.clone(), &original);
        assert_eq!(
            saved.documents.len(),
            before.documents.len(),
            "{}",
            path.display()
        );
        for (i, (a, b)) in before.documents.iter().zip(&saved.documents).enumerate() {
            if i == di {
                let Ok(Resource::DestinationRule(dr)) = &b.items[ii].resource else {
                    panic!()
                };
                assert_eq!(Some(dr), expected.as_ref(), "{}", path.display());
            } else {
                assert_eq!(a.raw, b.raw, "{} document {i} changed", path.display());
            }
        }
        edited_files += 1;
    }
    assert!(
        edited_files >= 5,
        "only {edited_files} multi-document files with a DR"
    );
}

#[test]
fn editing_one_item_of_a_list_keeps_the_others() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: DestinationRule\n  metadata: {name: a}\n  spec: {host: a.example.com}\n- apiVersion: networking.istio.io/v1\n  kind: DestinationRule\n  metadata: {name: b}\n  spec: {host: b.example.com}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {k: v}\n";
    let mut file = SourceFile::from_text("l.yaml".into(), text);
    assert_eq!(file.documents[0].items.len(), 3);
    if let Ok(Resource::DestinationRule(dr)) = &mut file.documents[0].items[1].resource {
        dr.spec.host = Some("edited.example.com".into());
    }
    file.documents[0].dirty = true;
    let out = file.render().unwrap();
    let again = SourceFile::from_text("l.yaml".into(), &out);
    let names: Vec<&str> = again.documents[0]
        .items
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b", "c"], "{out}");
    assert!(
        out.contains("host: edited.example.com")
            && out.contains("host: a.example.com")
            && out.contains("k: v"),
        "{out}"
    );
}
