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

mod recipes {
    use egress_studio::gateway_recipes::{GatewayParams, GatewayRecipe};
    use egress_studio::validate::{self, MeshConfig, Options, Severity};
    use egress_studio::yaml::{SourceFile, Workspace};

    fn params(recipe: GatewayRecipe) -> GatewayParams {
        GatewayParams {
            host: recipe.example_host().into(),
            port: recipe.default_port(),
            gateway_namespace: "egress".into(),
            selector: vec![("app".into(), "egress-gw".into())],
        }
    }

    #[test]
    fn every_gateway_recipe_validates_and_analyzes_clean() {
        let defaults = |recipe: GatewayRecipe| GatewayParams {
            host: recipe.example_host().into(),
            port: recipe.default_port(),
            ..Default::default()
        };
        // With the chart's namespace and labels, not even an info finding; with
        // others, only EG25's note that the labels differ from the chart's.
        for (recipe, p, quiet) in GatewayRecipe::ALL
            .into_iter()
            .flat_map(|r| [(r, defaults(r), true), (r, params(r), false)])
        {
            let text = recipe.manifest(&p).unwrap();
            let ws = Workspace {
                files: vec![SourceFile::from_text("recipe.yaml".into(), &text)],
            };
            let found = validate::analyze(&ws, &Options::default(), &MeshConfig::default());
            let loud: Vec<String> = found
                .iter()
                .filter(|l| {
                    l.diagnostic.severity > Severity::Info
                        || (quiet && l.diagnostic.code.starts_with("EG"))
                })
                .map(|l| {
                    format!(
                        "{} {}: {}",
                        l.diagnostic.code, l.diagnostic.path, l.diagnostic.message
                    )
                })
                .collect();
            assert!(loud.is_empty(), "{recipe:?}:\n{}\n{text}", loud.join("\n"));
            assert_eq!(
                recipe.build(&p).unwrap().len(),
                text.matches("\nkind: ").count()
            );
        }
    }

    #[test]
    fn every_gateway_recipe_together_in_one_workspace_is_still_clean() {
        // Five chains for five hosts share the egress gateway and its
        // namespace: their gateway-hop rules only add subsets, which merge.
        let text: Vec<String> = GatewayRecipe::ALL
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let host = if r == GatewayRecipe::Wildcard {
                    format!("*.team{i}.example.com")
                } else {
                    format!("api{i}.example.com")
                };
                r.manifest(&GatewayParams {
                    host,
                    port: r.default_port(),
                    ..Default::default()
                })
                .unwrap()
            })
            .collect();
        let ws = Workspace {
            files: vec![SourceFile::from_text(
                "chains.yaml".into(),
                &text.join("---\n"),
            )],
        };
        let found = validate::analyze(&ws, &Options::default(), &MeshConfig::default());
        let loud: Vec<String> = found
            .iter()
            .filter(|l| l.diagnostic.severity > Severity::Info)
            .map(|l| {
                format!(
                    "{} {}: {}",
                    l.diagnostic.code, l.diagnostic.path, l.diagnostic.message
                )
            })
            .collect();
        assert!(loud.is_empty(), "{}", loud.join("\n"));
    }

    #[test]
    fn gateway_recipes_put_the_chain_in_the_gateway_namespace_with_the_selector() {
        let text = GatewayRecipe::MutualTlsOrigination
            .manifest(&params(GatewayRecipe::MutualTlsOrigination))
            .unwrap();
        assert_eq!(text.matches("namespace: egress}").count(), 5, "{text}");
        assert!(text.contains("selector: {app: egress-gw}"));
        assert!(text.contains("matchLabels: {app: egress-gw}"));
        assert!(text.contains("credentialName: api-example-com-client-credential"));
        assert!(text.contains("host: istio-egressgateway.egress.svc.cluster.local"));
    }

    #[test]
    fn gateway_recipes_refuse_what_cannot_work() {
        let mut p = params(GatewayRecipe::TlsOrigination);
        p.port = 80;
        assert!(
            GatewayRecipe::TlsOrigination
                .manifest(&p)
                .unwrap_err()
                .contains("443")
        );
        p.host = "*.example.com".into();
        p.port = 443;
        assert!(GatewayRecipe::TlsOrigination.manifest(&p).is_err());
        p.host = "api.example.com".into();
        assert!(GatewayRecipe::Wildcard.manifest(&p).is_err());
        p.selector.clear();
        assert!(GatewayRecipe::Http.manifest(&p).is_err());
    }
}
