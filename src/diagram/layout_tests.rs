//! Layout tests, without egui: the acceptance criteria of the route diagram (default
//! view, overlap, label size, determinism, stability under edits, fit, selection).

use super::*;
use crate::diagram::graph::build;
use crate::diagram::view;
use crate::yaml::{SourceFile, Workspace};

fn example() -> Workspace {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/examples/egress.yaml"
    ))
    .unwrap();
    Workspace {
        files: vec![SourceFile::from_text("egress.yaml".into(), &text)],
    }
}

fn generated(n: usize) -> Workspace {
    let text = crate::diagram::tests_support::workspace_yaml(n);
    Workspace {
        files: vec![SourceFile::from_text("g.yaml".into(), &text)],
    }
}

fn layout(ws: &Workspace, width: f32) -> Layout {
    lay_out(
        &build(ws, &[], &[], &Default::default()),
        &HashSet::new(),
        width,
    )
}

fn node_rects(l: &Layout) -> Vec<Rect> {
    l.shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Node { rect, .. } | Shape::Header { rect, .. } => Some(*rect),
            _ => None,
        })
        .collect()
}

#[test]
fn the_default_view_of_the_example_at_600_by_700_shows_every_node() {
    let l = layout(&example(), 600.0);
    assert!(l.width <= 600.0, "{}", l.width);
    let v = view::default_view(&l, (600.0, 700.0), None);
    assert!(view::zoom(v, (600.0, 700.0)) >= view::READABLE_ZOOM);
    let rects = node_rects(&l);
    assert!(rects.len() >= 8);
    for r in rects {
        assert!(v.contains(&r), "{r:?} outside {v:?}");
    }
    // The external hosts are among them.
    assert!(l.shapes.iter().any(|s| matches!(s,
        Shape::Node { kind: NodeKind::Host, title, .. } if title.full == "api.stripe.com")));
}

#[test]
fn no_nodes_overlap_and_pills_stay_clear_of_nodes_with_600_resources() {
    let l = layout(&generated(600), 560.0);
    let boxes = node_rects(&l);
    assert!(boxes.len() > 600);
    // Sorted by y, compare neighbours that can meet (bands are fixed height).
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes[i + 1..].iter().take(12) {
            assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
        }
    }
    let pills: Vec<Rect> = l
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Pill { rect, .. } => Some(*rect),
            _ => None,
        })
        .collect();
    assert!(pills.len() >= 300);
    for p in &pills {
        assert!(p.w > GLYPH_W, "{p:?}");
        for b in boxes.iter().filter(|b| (b.y - p.y).abs() < 2.0 * BAND_H) {
            assert!(!p.intersects(b), "pill {p:?} over {b:?}");
        }
    }
    for (i, a) in pills.iter().enumerate() {
        for b in pills[i + 1..].iter().take(6) {
            assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn every_label_is_at_least_11_px_and_fits_its_box() {
    for ws in [example(), generated(60)] {
        for width in [500.0, 600.0, 700.0] {
            let l = layout(&ws, width);
            for s in &l.shapes {
                for label in s.labels() {
                    assert!(label.size >= MIN_FONT, "{label:?}");
                    let w = crate::diagram::text::width(&label.text, label.size);
                    assert!(
                        w <= s.bounds().w + 0.5,
                        "{label:?} wider than {:?}",
                        s.bounds()
                    );
                    assert!(!label.full.is_empty());
                }
            }
        }
    }
}

#[test]
fn long_texts_are_elided_with_the_full_text_kept() {
    let mut ws = example();
    let long = "a-very-long-host-name-for-the-partner-bank-gateway.example";
    for doc in &mut ws.files[0].documents {
        for item in &mut doc.items {
            if let Ok(crate::model::Resource::ServiceEntry(se)) = &mut item.resource
                && se.metadata.name.as_deref() == Some("partner-bank")
            {
                se.spec.hosts = Some(vec![long.into()]);
            }
        }
    }
    let l = layout(&ws, 600.0);
    let title = l
        .shapes
        .iter()
        .find_map(|s| match s {
            Shape::Node { title, .. } if title.full == long => Some(title.clone()),
            _ => None,
        })
        .unwrap();
    assert!(title.text.ends_with('…') && title.text.len() < long.len());
}

#[test]
fn same_input_same_geometry() {
    let ws = example();
    assert_eq!(layout(&ws, 600.0), layout(&ws, 600.0));
}

#[test]
fn editing_one_entry_moves_no_other_node() {
    let ws = example();
    let before = layout(&ws, 600.0);
    let mut edited = ws.clone();
    let doc = edited.files[0]
        .documents
        .iter_mut()
        .find(|d| {
            d.items
                .first()
                .is_some_and(|i| i.name == "currency-rates" && i.kind == "ServiceEntry")
        })
        .unwrap();
    if let Ok(crate::model::Resource::ServiceEntry(se)) = &mut doc.items[0].resource {
        se.spec.ports.push(crate::model::ServicePort {
            number: Some(8443),
            name: Some("extra".into()),
            protocol: Some("TLS".into()),
            ..Default::default()
        });
        se.spec
            .hosts
            .as_mut()
            .unwrap()
            .push("rates2.example-fx.com".into());
    }
    let after = layout(&edited, 600.0);
    let rects = |l: &Layout| node_rects(l);
    assert_eq!(rects(&before), rects(&after));
    assert_ne!(before, after, "the edit shows");
}

#[test]
fn fit_never_goes_below_a_readable_zoom() {
    let l = layout(&generated(600), 600.0);
    let v = view::fit(&l, (600.0, 700.0), 0.0);
    assert!(view::zoom(v, (600.0, 700.0)) >= view::READABLE_ZOOM);
    assert!(l.height > v.h, "the rest scrolls");
}

#[test]
fn the_view_follows_the_selection_and_shows_the_whole_route() {
    let l = layout(&generated(200), 600.0);
    let last = l.bands.last().unwrap().clone();
    // The generated workspace has egress-gateway chains: their column fits in
    // the panel's width, so the route is seen whole.
    assert_eq!(l.width, 600.0);
    let v = view::default_view(&l, (600.0, 700.0), Some(last.site));
    assert!(v.y > 0.0);
    for s in &l.shapes {
        if let Shape::Node { rect, site, .. } = s
            && *site == Some(last.site)
        {
            assert!(v.contains(rect), "{rect:?} outside {v:?}");
        }
    }
    // Selecting its DestinationRule goes to the same route.
    if let Some(rule) = last.rule {
        assert_eq!(view::band_of(&l, rule), Some(last.rect));
    }
    assert!(view::shows(&l, v, last.site));
    assert!(!view::shows(
        &l,
        view::default_view(&l, (600.0, 700.0), None),
        last.site
    ));
}

#[test]
fn a_narrow_panel_keeps_the_hosts_in_view() {
    let l = layout(&example(), 500.0);
    assert!(l.width <= 500.0);
    let v = view::default_view(&l, (500.0, 600.0), None);
    for s in &l.shapes {
        if let Shape::Node {
            kind: NodeKind::Host,
            rect,
            ..
        } = s
        {
            assert!(v.contains(rect));
        }
    }
}

#[test]
fn every_label_character_is_in_the_bundled_font() {
    // egui (and the PNG export) draw with Ubuntu Light; a missing glyph is tofu
    // in the app and a panic under test.
    let face = ttf_parser::Face::parse(epaint_default_fonts::UBUNTU_LIGHT, 0).unwrap();
    for ws in [example(), generated(40)] {
        let l = layout(&ws, 480.0);
        for s in &l.shapes {
            for label in s.labels() {
                for c in label.text.chars().chain(label.full.chars()) {
                    assert!(face.glyph_index(c).is_some(), "{c:?} in {:?}", label.full);
                }
            }
        }
    }
    for c in crate::diagram::graph::Security::ALL {
        assert!(
            c.describe()
                .chars()
                .all(|ch| face.glyph_index(ch).is_some())
        );
    }
}

#[test]
fn a_long_host_wraps_at_a_dot_onto_a_second_row() {
    let l = layout(&example(), 480.0);
    let (title, lines) = l
        .shapes
        .iter()
        .find_map(|s| match s {
            Shape::Node {
                kind: NodeKind::Host,
                title,
                lines,
                ..
            } if title.full == "gateway.partner-bank.example" => Some((title, lines)),
            _ => None,
        })
        .unwrap();
    assert!(title.text.ends_with('.'), "{title:?}");
    assert_eq!(
        format!("{}{}", title.text, lines[0].text),
        "gateway.partner-bank.example"
    );
    assert!(lines[1].text.starts_with("DNS · MESH_EXTERNAL"));
}
