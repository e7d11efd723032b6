//! The egress-gateway chain end to end: Gateway and VirtualService read through
//! their typed views and edited without losing a byte elsewhere, the corpus's
//! egress-gateway examples, the chain checks and the recipes.

use egress_studio::model::*;
use egress_studio::yaml::SourceFile;

const CHAIN: &str = "# HTTP through the egress gateway\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: istio-egressgateway   # the egress gateway\nspec:\n  selector:\n    istio: egressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - edition.cnn.com\n---\napiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: direct-cnn-through-egress-gateway\nspec:\n  hosts: [edition.cnn.com]\n  gateways: [istio-egressgateway, mesh]\n  http:\n  - match:\n    - gateways: [mesh]\n      port: 80\n    route:\n    - destination:\n        host: istio-egressgateway.istio-system.svc.cluster.local\n        subset: cnn\n        port:\n          number: 80\n      weight: 100\n  - match:\n    - gateways: [istio-egressgateway]\n      port: 80\n    route:\n    - destination:\n        host: edition.cnn.com\n        port: {number: 80}\n      weight: 100\n    retries: {attempts: 3}   # kept verbatim\n";

fn other(file: &SourceFile, doc: usize) -> OtherResource {
    match file.documents[doc].items[0].resource.as_ref().unwrap() {
        Resource::Other(o) => o.clone(),
        r => panic!("not kept as text: {}", r.kind()),
    }
}

/// Applies an edit of the typed view to document `doc`; returns the saved text.
fn edit_view(text: &str, doc: usize, edit: impl FnOnce(&mut ChainResource)) -> String {
    let mut file = SourceFile::from_text("f.yaml".into(), text);
    let o = other(&file, doc);
    let mut view = o.chain_view().unwrap().unwrap();
    edit(&mut view);
    let edited = view.to_other(&o).unwrap();
    file.documents[doc].items[0].resource = Ok(Resource::Other(edited.clone()));
    file.documents[doc].dirty = true;
    let out = file.render().unwrap();
    let again = SourceFile::from_text("f.yaml".into(), &out);
    assert_eq!(other(&again, doc).chain_view(), Some(Ok(view)), "{out}");
    out
}

fn changed_lines(a: &str, b: &str) -> Vec<String> {
    use egress_studio::yaml::DiffOp;
    egress_studio::yaml::line_diff(a, b)
        .into_iter()
        .filter(|(op, _)| *op != DiffOp::Same)
        .map(|(op, l)| format!("{op:?} {l}"))
        .collect()
}

#[test]
fn gateway_port_edit_changes_only_that_line() {
    let out = edit_view(CHAIN, 0, |v| {
        let ChainResource::Gateway(g) = v else {
            panic!()
        };
        let s = g.spec.servers[0].as_mut().unwrap();
        s.port.as_mut().unwrap().number = Some(8080);
    });
    assert_eq!(
        changed_lines(CHAIN, &out),
        ["Removed       number: 80", "Added       number: 8080"]
    );
}

#[test]
fn virtual_service_edits_keep_comments_flow_style_and_unknown_fields() {
    let out = edit_view(CHAIN, 1, |v| {
        let ChainResource::VirtualService(vs) = v else {
            panic!()
        };
        vs.spec.gateways.retain(|g| g != "mesh");
        let rule = vs.spec.http[1].as_mut().unwrap();
        let d = rule.route.as_mut().unwrap()[0].as_mut().unwrap();
        d.destination
            .as_mut()
            .unwrap()
            .port
            .as_mut()
            .unwrap()
            .number = Some(443);
    });
    let diff = changed_lines(CHAIN, &out);
    assert_eq!(diff.len(), 4, "{diff:?}\n{out}");
    assert!(
        out.contains("retries: {attempts: 3}   # kept verbatim"),
        "{out}"
    );
    assert!(out.contains("gateways: [istio-egressgateway]\n"), "{out}");
    assert!(out.contains("port: {number: 443}"), "{out}");
    assert!(out.starts_with("# HTTP through the egress gateway\n"));
}

#[test]
fn typed_views_read_every_served_version() {
    for v in ["v1", "v1beta1", "v1alpha3"] {
        let text = CHAIN.replace(
            "networking.istio.io/v1\n",
            &format!("networking.istio.io/{v}\n"),
        );
        let file = SourceFile::from_text("f.yaml".into(), &text);
        assert!(matches!(
            other(&file, 0).chain_view(),
            Some(Ok(ChainResource::Gateway(_)))
        ));
    }
    let file = SourceFile::from_text(
        "f.yaml".into(),
        "apiVersion: networking.istio.io/v2\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n",
    );
    assert!(other(&file, 0).chain_view().is_none());
}
