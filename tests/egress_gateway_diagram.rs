//! The diagram draws a route through an egress gateway as two hops, each in its
//! security colour, and a chain with a broken link as a broken edge with the
//! EG code; the corpus's egress-gateway tasks draw two hops.

mod common;

use egress_studio::diagram;
use egress_studio::diagram::graph::Security;
use egress_studio::diagram::layout::{NodeKind, Shape, Tone};
use egress_studio::gateway_recipes::{GatewayParams, GatewayRecipe};
use egress_studio::validate::{self, MeshConfig, Options};
use egress_studio::yaml::{SourceFile, Workspace};

fn workspace(texts: &[String]) -> Workspace {
    Workspace {
        files: texts
            .iter()
            .enumerate()
            .map(|(i, t)| SourceFile::from_text(format!("f{i}.yaml").into(), t))
            .collect(),
    }
}

fn graph_and_shapes(ws: &Workspace) -> (diagram::Graph, Vec<Shape>) {
    let diags = validate::analyze(ws, &Options::default(), &MeshConfig::default());
    let graph = diagram::build(ws, &diags, &[], &Default::default());
    let layout = diagram::lay_out(&graph, &Default::default(), diagram::layout::EXPORT_WIDTH);
    (graph, layout.shapes.clone())
}

fn recipe(r: GatewayRecipe) -> String {
    r.manifest(&GatewayParams {
        host: r.example_host().into(),
        port: r.default_port(),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn tls_origination_at_the_gateway_draws_two_hops_in_their_colours() {
    let ws = workspace(&[recipe(GatewayRecipe::TlsOrigination)]);
    let (graph, shapes) = graph_and_shapes(&ws);
    let route = graph
        .routes()
        .find(|r| r.hosts == ["api.example.com"])
        .unwrap();
    let hop = route
        .gateway_hop
        .as_ref()
        .expect("the route leaves through the gateway");
    assert_eq!(hop.name, "istio-system/api-example-com-egress");
    assert!(hop.broken.is_none(), "{:?}", hop.broken);
    let http = route.listeners.iter().find(|l| l.port == 80).unwrap();
    assert_eq!(http.to_gateway.as_ref().unwrap().class, Security::MutualTls);
    assert_eq!(http.wire.class, Security::VerifiedTls, "{}", http.wire.full);
    assert!(
        http.wire
            .full
            .contains("egress gateway -> api.example.com:443"),
        "{}",
        http.wire.full
    );
    // The gateway column: a node, and hop-1 edges coloured by class.
    assert!(shapes.iter().any(|s| matches!(
        s,
        Shape::Node {
            kind: NodeKind::Gateway,
            ..
        }
    )));
    assert!(shapes.iter().any(|s| matches!(
        s,
        Shape::Edge {
            class: Some(Security::MutualTls),
            ..
        }
    )));
    assert!(shapes.iter().any(|s| matches!(
        s,
        Shape::Edge {
            class: Some(Security::VerifiedTls),
            ..
        }
    )));
}

#[test]
fn every_gateway_recipe_draws_two_hops() {
    for r in GatewayRecipe::ALL {
        let ws = workspace(&[recipe(r)]);
        let (graph, _) = graph_and_shapes(&ws);
        let two_hops = graph
            .routes()
            .filter(|route| route.gateway_hop.is_some())
            .flat_map(|route| &route.listeners)
            .any(|l| l.to_gateway.is_some());
        assert!(two_hops, "{r:?}");
    }
}

#[test]
fn passthrough_hops_are_the_applications_tls() {
    let ws = workspace(&[recipe(GatewayRecipe::HttpsPassthrough)]);
    let (graph, _) = graph_and_shapes(&ws);
    let l = &graph
        .routes()
        .find(|r| r.gateway_hop.is_some())
        .unwrap()
        .listeners[0];
    assert_eq!(l.to_gateway.as_ref().unwrap().class, Security::Passthrough);
    assert_eq!(l.wire.class, Security::Passthrough, "{}", l.wire.full);
}

#[test]
fn a_broken_chain_is_a_broken_edge_with_its_eg_code() {
    let broken = recipe(GatewayRecipe::TlsOrigination).replace(
        "{mode: ISTIO_MUTUAL, sni: 'api.example.com'}",
        "{mode: ISTIO_MUTUAL}",
    );
    let ws = workspace(&[broken]);
    let (graph, shapes) = graph_and_shapes(&ws);
    let hop = graph.routes().find_map(|r| r.gateway_hop.clone()).unwrap();
    assert_eq!(hop.broken.as_ref().map(|b| b.0.as_str()), Some("EG13"));
    let error_edges = shapes
        .iter()
        .filter(|s| {
            matches!(
                s,
                Shape::Edge {
                    tone: Tone::Error,
                    class: None,
                    ..
                }
            )
        })
        .count();
    assert!(error_edges >= 2, "a gap needs two segments");
    let code_shown = shapes.iter().any(|s| match s {
        Shape::Node {
            kind: NodeKind::Gateway,
            lines,
            detail,
            ..
        } => lines.iter().any(|l| l.text.contains("EG13")) && detail.contains("EG13"),
        _ => false,
    });
    assert!(code_shown);
}

#[test]
fn corpus_egress_gateway_tasks_draw_two_hops() {
    let dir = common::corpus_dir().join("istio.io");
    let tasks: &[&[&str]] = &[
        &[
            "egress-gateway--egress_gateway_for_https_traffic_1.yaml",
            "egress-gateway--egress_gateway_for_https_traffic_3.yaml",
        ],
        &[
            "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_1.yaml",
            "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_3.yaml",
            "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_4.yaml",
        ],
        &[
            "egress-gateway-tls-origination--deploy_a_mutual_tls_server_6.yaml",
            "egress-gateway-tls-origination--configure_mutual_tls_origination_for_egress_traffic_1.yaml",
            "egress-gateway-tls-origination--configure_mutual_tls_origination_for_egress_traffic_2.yaml",
        ],
        &[
            // The *.wikipedia.org ServiceEntry comes from the task's first step.
            "wildcard-egress-hosts--configure_direct_traffic_to_a_wildcard_host_1.yaml",
            "wildcard-egress-hosts--configure_egress_gateway_traffic_to_a_wildcard_host_1.yaml",
            "wildcard-egress-hosts--configure_egress_gateway_traffic_to_a_wildcard_host_3.yaml",
        ],
    ];
    for files in tasks {
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
            .collect();
        let ws = workspace(&texts);
        let (graph, _) = graph_and_shapes(&ws);
        let hops: Vec<_> = graph
            .routes()
            .filter_map(|r| r.gateway_hop.as_ref().map(|h| (r, h)))
            .collect();
        assert!(!hops.is_empty(), "{files:?}: no route through a gateway");
        for (r, h) in hops {
            assert!(
                r.listeners.iter().any(|l| l.to_gateway.is_some()),
                "{files:?} {}",
                r.name
            );
            assert!(h.broken.is_none(), "{files:?}: {:?}", h.broken);
        }
    }
}

#[test]
fn a_port_the_chain_does_not_route_goes_straight_to_the_host_below_the_gateway() {
    // Istio's TLS origination at the egress gateway: the ServiceEntry declares
    // ports 80 and 443, the VirtualService sends only port 80 to the gateway.
    let dir = common::corpus_dir().join("istio.io");
    let texts: Vec<String> = [
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_1.yaml",
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_3.yaml",
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_4.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
    .collect();
    let ws = workspace(&texts);
    let (graph, shapes) = graph_and_shapes(&ws);
    let route = graph
        .routes()
        .find(|r| r.gateway_hop.is_some())
        .expect("a route through the gateway");
    let p80 = route.listeners.iter().find(|l| l.port == 80).unwrap();
    let p443 = route.listeners.iter().find(|l| l.port == 443).unwrap();
    assert!(p80.to_gateway.is_some());
    assert!(
        p443.to_gateway.is_none(),
        "port 443 is not routed to the gateway"
    );
    assert!(
        !p443.wire.full.contains("gateway"),
        "port 443 is the sidecar's own hop: {}",
        p443.wire.full
    );
    // The gateway node ends above the 443 row, and that row's edge starts at the card.
    let gateway = shapes
        .iter()
        .find_map(|s| match s {
            Shape::Node {
                kind: NodeKind::Gateway,
                rect,
                ..
            } => Some(*rect),
            _ => None,
        })
        .unwrap();
    let card_right = shapes
        .iter()
        .find_map(|s| match s {
            Shape::Node {
                kind: NodeKind::ServiceEntry,
                rect,
                ..
            } => Some(rect.x + rect.w),
            _ => None,
        })
        .unwrap();
    let row = diagram::layout::row_y(gateway.y, 1);
    assert!(gateway.y + gateway.h < row, "{gateway:?} covers row {row}");
    assert!(
        shapes.iter().any(|s| matches!(
            s,
            Shape::Edge { from, to, .. }
                if from.1 == row && from.0 == card_right && to.0 > gateway.x + gateway.w
        )),
        "no edge from the card straight past the gateway on row {row}"
    );
    // Its label sits clear of the gateway node, after the gateway column.
    let pill = shapes
        .iter()
        .find_map(|s| match s {
            Shape::Pill { rect, .. } if (rect.y + rect.h / 2.0 - row).abs() < 1.0 => Some(*rect),
            _ => None,
        })
        .expect("the 443 row has a label");
    assert!(pill.x >= gateway.x + gateway.w, "{pill:?} over {gateway:?}");
}

#[test]
fn a_rule_for_the_gateway_pods_is_not_the_sidecars_in_the_diagram_or_the_probe() {
    // The recipe's origination rule selects the egress gateway pods: the
    // application's own HTTPS on port 443 passes through its sidecar untouched.
    for r in [
        GatewayRecipe::TlsOrigination,
        GatewayRecipe::MutualTlsOrigination,
    ] {
        let ws = workspace(&[recipe(r)]);
        let (graph, _) = graph_and_shapes(&ws);
        let route = graph
            .routes()
            .find(|route| route.gateway_hop.is_some())
            .unwrap();
        let direct = route.listeners.iter().find(|l| l.port == 443).unwrap();
        assert!(direct.to_gateway.is_none());
        assert_ne!(
            direct.wire.class,
            Security::DoubleTls,
            "{r:?}: {}",
            direct.wire.full
        );
        let targets = egress_studio::probe::targets::for_workspace(&ws, &Default::default());
        let t = targets.iter().find(|t| t.service_port == 443).unwrap();
        assert_eq!(
            t.mode,
            egress_studio::probe::ProbeMode::Passthrough,
            "{r:?}"
        );
        // The gateway's hop still originates with it.
        let hop = targets
            .iter()
            .find(|t| t.by_gateway)
            .expect("the gateway's hop");
        assert!(hop.mode.uses_tls() && hop.mode != egress_studio::probe::ProbeMode::Passthrough);
    }
}
