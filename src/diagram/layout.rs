//! A deterministic left-to-right layout on a fixed grid: one band per
//! ServiceEntry, bands grouped by namespace. Every band has the same height and
//! every column a fixed width, so nodes never overlap and editing one entry
//! moves no other node (only renaming, which re-sorts, does).

use super::graph::{Graph, Route};
use crate::validate::{Severity, Site};
use std::collections::HashSet;

/// Column x positions when some route goes through an egress gateway.
pub const COLS: [f32; 5] = [16.0, 216.0, 656.0, 876.0, 1156.0];
/// Without gateways the gateway column is dropped.
pub const COLS_DIRECT: [f32; 5] = [16.0, 216.0, 0.0, 836.0, 1116.0];
pub const COL_W: [f32; 5] = [180.0, 240.0, 180.0, 260.0, 180.0];
pub const BAND_H: f32 = 132.0;
pub const NODE_H: f32 = 112.0;
pub const HEADER_H: f32 = 30.0;
pub const LINE_H: f32 = 15.0;
pub const MAX_LINES: usize = 5;
/// Lines of an edge label: they must fit above the edge inside the band.
pub const MAX_LABEL_LINES: usize = 3;
/// Width of the widest row, given the columns.
pub fn width(cols: &[f32; 5]) -> f32 {
    cols[4] + COL_W[4] + cols[0]
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Warning,
    Error,
    Ok,
    Muted,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Header {
        rect: Rect,
        text: String,
        namespace: String,
        collapsed: bool,
    },
    Node {
        rect: Rect,
        title: String,
        lines: Vec<(String, Tone)>,
        outline: Tone,
        site: Option<Site>,
        detail: String,
    },
    Edge {
        from: (f32, f32),
        to: (f32, f32),
        label: Vec<(String, Tone)>,
        tone: Tone,
        site: Option<Site>,
    },
}

impl Shape {
    pub fn bounds(&self) -> Rect {
        match self {
            Shape::Header { rect, .. } | Shape::Node { rect, .. } => *rect,
            Shape::Edge {
                from, to, label, ..
            } => {
                let h = LINE_H * label.len() as f32;
                Rect {
                    x: from.0.min(to.0),
                    y: from.1.min(to.1) - h,
                    w: (to.0 - from.0).abs(),
                    h: (to.1 - from.1).abs() + h,
                }
            }
        }
    }

    pub fn site(&self) -> Option<Site> {
        match self {
            Shape::Node { site, .. } | Shape::Edge { site, .. } => *site,
            Shape::Header { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub shapes: Vec<Shape>,
    pub width: f32,
    pub height: f32,
}

fn tone(s: Option<Severity>) -> Tone {
    match s {
        Some(Severity::Error) => Tone::Error,
        Some(Severity::Warning) => Tone::Warning,
        _ => Tone::Normal,
    }
}

/// Keeps at most `MAX_LINES` lines, the last saying how many were left out.
fn cap(lines: Vec<(String, Tone)>) -> Vec<(String, Tone)> {
    cap_to(lines, MAX_LINES)
}

fn cap_to(mut lines: Vec<(String, Tone)>, max: usize) -> Vec<(String, Tone)> {
    if lines.len() > max {
        let more = lines.len() - (max - 1);
        lines.truncate(max - 1);
        lines.push((format!("… {more} more"), Tone::Muted));
    }
    lines
}

/// Characters that fit a width, at roughly 6.6 px a character (12 px text).
pub fn fit(text: &str, width: f32) -> String {
    let max = ((width - 12.0) / 6.6).max(4.0) as usize;
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn node(
    cols: &[f32; 5],
    col: usize,
    y: f32,
    title: &str,
    lines: Vec<(String, Tone)>,
    outline: Tone,
    site: Option<Site>,
) -> Shape {
    let w = COL_W[col];
    let detail = std::iter::once(title.to_string())
        .chain(lines.iter().map(|(l, _)| l.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    let lines = cap(lines)
        .into_iter()
        .map(|(l, t)| (fit(&l, w), t))
        .collect();
    Shape::Node {
        rect: Rect {
            x: cols[col],
            y,
            w,
            h: NODE_H,
        },
        title: fit(title, w),
        lines,
        outline,
        site,
        detail,
    }
}

fn band(cols: &[f32; 5], route: &Route, y: f32, out: &mut Vec<Shape>) {
    let mid = y + NODE_H / 2.0;
    let se_tone = tone(route.severity);
    out.push(node(
        cols,
        0,
        y,
        "workloads",
        route
            .workloads
            .iter()
            .map(|w| (w.clone(), Tone::Normal))
            .collect(),
        Tone::Normal,
        Some(route.site),
    ));
    let listener_lines: Vec<(String, Tone)> = route
        .listeners
        .iter()
        .map(|l| (format!(":{} {}", l.port, l.protocol), Tone::Normal))
        .collect();
    out.push(node(
        cols,
        1,
        y,
        &format!("sidecar  {}/{}", route.namespace, route.name),
        listener_lines,
        se_tone,
        Some(route.site),
    ));
    // Wire labels (and the rule's policies) on the edge towards the host.
    let mut label: Vec<(String, Tone)> = route
        .listeners
        .iter()
        .map(|l| {
            let lock = match l.locks {
                0 => String::new(),
                1 => "[lock] ".to_string(),
                _ => "[lock][lock] ".to_string(),
            };
            let probe = match &l.probe {
                Some(p) => match p.tls_ok {
                    Some(true) => format!(
                        "  tls ok{}",
                        p.days_left.map(|d| format!(" {d}d")).unwrap_or_default()
                    ),
                    Some(false) => "  tls x".to_string(),
                    None => String::new(),
                },
                None => String::new(),
            };
            let t = if l.double_tls {
                Tone::Warning
            } else if l.probe.as_ref().is_some_and(|p| p.stale) {
                Tone::Muted
            } else if l.probe.as_ref().and_then(|p| p.tls_ok) == Some(false) {
                Tone::Error
            } else if l.probe.as_ref().and_then(|p| p.tls_ok) == Some(true) {
                Tone::Ok
            } else {
                Tone::Normal
            };
            (format!("{lock}{}{probe}", l.wire), t)
        })
        .collect();
    if !route.policies.is_empty() {
        label.push((route.policies.join(" | "), Tone::Muted));
    }
    let label = cap_to(label, MAX_LABEL_LINES);
    let edge_tone = if route.listeners.iter().any(|l| l.double_tls) {
        Tone::Warning
    } else {
        tone(route.rule_severity)
    };
    let host_col = 3;
    let sidecar_right = cols[1] + COL_W[1];
    let edge_start = (sidecar_right, mid);
    out.push(Shape::Edge {
        from: (cols[0] + COL_W[0], mid),
        to: (cols[1], mid),
        label: Vec::new(),
        tone: Tone::Normal,
        site: Some(route.site),
    });
    if let Some(gw) = &route.gateway {
        out.push(node(
            cols,
            2,
            y,
            "egress gateway",
            vec![(gw.clone(), Tone::Normal)],
            Tone::Normal,
            Some(route.site),
        ));
        let wrap =
            |l: &Vec<(String, Tone)>, w: f32| l.iter().map(|(s, t)| (fit(s, w), *t)).collect();
        out.push(Shape::Edge {
            from: edge_start,
            to: (cols[2], mid),
            label: wrap(&label, cols[2] - sidecar_right),
            tone: edge_tone,
            site: route.rule.or(Some(route.site)),
        });
        out.push(Shape::Edge {
            from: (cols[2] + COL_W[2], mid),
            to: (cols[host_col], mid),
            label: Vec::new(),
            tone: edge_tone,
            site: route.rule.or(Some(route.site)),
        });
    } else {
        let w = cols[host_col] - sidecar_right;
        let label = label.iter().map(|(s, t)| (fit(s, w), *t)).collect();
        out.push(Shape::Edge {
            from: edge_start,
            to: (cols[host_col], mid),
            label,
            tone: edge_tone,
            site: route.rule.or(Some(route.site)),
        });
    }
    let mut host_lines = vec![(format!("[{}]", route.resolution), Tone::Muted)];
    host_lines.extend(
        route
            .hosts
            .iter()
            .skip(1)
            .map(|h| (h.clone(), Tone::Normal)),
    );
    host_lines.extend(
        route
            .endpoints
            .iter()
            .map(|e| (format!("-> {e}"), Tone::Muted)),
    );
    if let Some(p) = route.listeners.iter().find_map(|l| l.probe.as_ref()) {
        let t = if p.stale {
            Tone::Muted
        } else if p.dns_ok {
            Tone::Ok
        } else {
            Tone::Error
        };
        let text = if p.dns_ok {
            format!("dns ok {}", p.addresses.join(" "))
        } else {
            "dns x".to_string()
        };
        host_lines.insert(1, (text, t));
        if let Some(cc) = route
            .listeners
            .iter()
            .find_map(|l| l.probe.as_ref()?.client_cert.clone())
        {
            host_lines.insert(2, (format!("client cert {cc}"), t));
        }
    }
    out.push(node(
        cols,
        host_col,
        y,
        route
            .hosts
            .first()
            .map(String::as_str)
            .unwrap_or("(no host)"),
        host_lines,
        se_tone,
        Some(route.site),
    ));
    if !route.subsets.is_empty() {
        let n = route.subsets.len().min(3) as f32;
        let h = (NODE_H - 4.0 * (n - 1.0)) / n;
        for (i, s) in route.subsets.iter().take(3).enumerate() {
            let sy = y + i as f32 * (h + 4.0);
            let text = if i == 2 && route.subsets.len() > 3 {
                format!("… {} subsets", route.subsets.len())
            } else {
                s.clone()
            };
            out.push(Shape::Node {
                rect: Rect {
                    x: cols[4],
                    y: sy,
                    w: COL_W[4],
                    h,
                },
                title: fit(&text, COL_W[4]),
                lines: Vec::new(),
                outline: tone(route.rule_severity),
                site: route.rule,
                detail: s.clone(),
            });
            out.push(Shape::Edge {
                from: (cols[3] + COL_W[3], mid),
                to: (cols[4], sy + h / 2.0),
                label: Vec::new(),
                tone: Tone::Muted,
                site: route.rule,
            });
        }
    }
}

/// Lays the graph out; groups in `collapsed` show only their header.
pub fn lay_out(graph: &Graph, collapsed: &HashSet<String>) -> Layout {
    let cols = if graph.routes().any(|r| r.gateway.is_some()) {
        COLS
    } else {
        COLS_DIRECT
    };
    let total = width(&cols);
    let mut shapes = Vec::new();
    let mut y = 8.0;
    for (ns, routes) in &graph.groups {
        let is_collapsed = collapsed.contains(ns);
        let errors = routes
            .iter()
            .filter(|r| r.severity == Some(Severity::Error))
            .count();
        let text = format!(
            "{} namespace {ns}: {} ServiceEntr{}{}",
            if is_collapsed { "+" } else { "-" },
            routes.len(),
            if routes.len() == 1 { "y" } else { "ies" },
            if errors > 0 {
                format!(", {errors} with errors")
            } else {
                String::new()
            }
        );
        shapes.push(Shape::Header {
            rect: Rect {
                x: cols[0],
                y,
                w: total - 2.0 * cols[0],
                h: HEADER_H - 6.0,
            },
            text,
            namespace: ns.clone(),
            collapsed: is_collapsed,
        });
        y += HEADER_H;
        if is_collapsed {
            continue;
        }
        for r in routes {
            band(&cols, r, y, &mut shapes);
            y += BAND_H;
        }
    }
    Layout {
        shapes,
        width: total,
        height: y + 8.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::graph::build;
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

    fn layout(ws: &Workspace) -> Layout {
        lay_out(
            &build(ws, &[], &Default::default(), &Default::default()),
            &HashSet::new(),
        )
    }

    #[test]
    fn no_nodes_overlap_and_labels_stay_between_columns() {
        let text = crate::diagram::tests_support::workspace_yaml(600);
        let ws = Workspace {
            files: vec![SourceFile::from_text("g.yaml".into(), &text)],
        };
        let l = layout(&ws);
        let boxes: Vec<Rect> = l
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Node { rect, .. } | Shape::Header { rect, .. } => Some(*rect),
                _ => None,
            })
            .collect();
        assert!(boxes.len() > 600);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
            }
        }
        // Edge labels: within their band, and not over any node.
        for s in &l.shapes {
            if let Shape::Edge {
                from, to, label, ..
            } = s
            {
                if label.is_empty() {
                    continue;
                }
                let r = Rect {
                    x: from.0 + 1.0,
                    y: from.1 - LINE_H * label.len() as f32 - 2.0,
                    w: to.0 - from.0 - 2.0,
                    h: LINE_H * label.len() as f32,
                };
                for b in &boxes {
                    assert!(!r.intersects(b), "label {label:?} over {b:?}");
                }
            }
        }
    }

    #[test]
    fn same_input_same_geometry() {
        let ws = example();
        assert_eq!(layout(&ws), layout(&ws));
    }

    #[test]
    fn editing_one_entry_moves_no_other_node() {
        let ws = example();
        let before = layout(&ws);
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
        let after = layout(&edited);
        let rects = |l: &Layout| -> Vec<(Rect, Option<Site>)> {
            l.shapes
                .iter()
                .filter_map(|s| match s {
                    Shape::Node { rect, site, .. } => Some((*rect, *site)),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            rects(&before).iter().map(|r| r.0).collect::<Vec<_>>(),
            rects(&after).iter().map(|r| r.0).collect::<Vec<_>>()
        );
    }
}
