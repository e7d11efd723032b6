//! Where everything goes: a compact left-to-right flow sized for a 500–700 px
//! panel, deterministic, without egui.
//!
//! Why left to right, in four columns (workloads → ServiceEntry card with its
//! ports → [egress gateway] → external host): a route is read like a sentence,
//! source to destination, and the destination is the part a reviewer looks for,
//! so the host column is always inside the panel at 100 % zoom. A top-to-bottom
//! flow would fit narrow panels better but puts one route's hops on several
//! screens once there are dozens of entries. Instead the columns shrink with the
//! panel (down to `MIN_WIDTH`) and long texts are elided, never scaled: every
//! label is ≥ `MIN_FONT` px at 100 %, and the full text is on hover and in the
//! SVG `<title>`.
//!
//! One workloads node per namespace and audience (exportTo/selector) is shared
//! by its ServiceEntries through a bus line, instead of one mostly empty box per
//! entry. Each ServiceEntry is a band of fixed height (ports beyond `ROWS`
//! collapse into "… N more"), so nodes never overlap and editing one entry moves
//! no other node; only renaming (which re-sorts) or changing the audience does.
//! Each port's edge to the host carries its security class: colour, glyph and a
//! short label in a pill that sits on the edge, between the columns.

use super::graph::{Graph, Route, Security};
pub use super::shapes::{Band, Label, Layout, NodeKind, Rect, Shape, Tone};
use super::text::{elide, plural, width};
use crate::validate::{Severity, Site};
use std::collections::HashSet;

pub const MIN_WIDTH: f32 = 480.0;
pub const MAX_WIDTH: f32 = 780.0;
/// Width used when there is no panel (CLI, SVG and PNG export).
pub const EXPORT_WIDTH: f32 = 680.0;
pub const MARGIN: f32 = 8.0;
/// The smallest text drawn at 100 %.
pub const MIN_FONT: f32 = 11.0;
pub const TITLE_SIZE: f32 = 12.5;
pub const TEXT_SIZE: f32 = 11.5;
pub const SMALL_SIZE: f32 = 11.0;
pub const HEADER_SIZE: f32 = 13.0;
pub const TITLE_H: f32 = 22.0;
pub const ROW_H: f32 = 17.0;
/// Port rows (and host lines) a node shows.
pub const ROWS: usize = 3;
pub const NODE_H: f32 = TITLE_H + ROWS as f32 * ROW_H + 6.0;
pub const BAND_H: f32 = NODE_H + 10.0;
pub const HEADER_H: f32 = 26.0;
pub const PILL_H: f32 = 16.0;
/// Scale of a glyph in a pill.
pub const PILL_GLYPH: f32 = 0.9;
/// Width of a glyph in a pill.
pub const GLYPH_W: f32 = 14.0;
const PAD: f32 = 8.0;

/// Column x and width.
#[derive(Debug, Clone, Copy)]
struct Columns {
    workloads: (f32, f32),
    card: (f32, f32),
    gateway: Option<(f32, f32)>,
    host: (f32, f32),
    width: f32,
}

impl Columns {
    /// Columns for a panel `width` wide. Gateways add a column inside the same
    /// width (the others narrow, long names elide), so a two-hop route is seen
    /// whole at 100 % in the usual route panel.
    fn new(width: f32, gateways: bool) -> Columns {
        let w = width.clamp(MIN_WIDTH, MAX_WIDTH);
        let extra = w - MIN_WIDTH;
        if gateways {
            let wl_w = 62.0 + extra * 0.06;
            let card_w = 80.0 + extra * 0.08;
            let gw_w = 88.0 + extra * 0.1;
            let host_w = 108.0 + extra * 0.3;
            let card_x = MARGIN + wl_w + 14.0;
            return Columns {
                workloads: (MARGIN, wl_w),
                card: (card_x, card_w),
                gateway: Some((card_x + card_w + 20.0, gw_w)),
                host: (w - MARGIN - host_w, host_w),
                width: w,
            };
        }
        let wl_w = 84.0 + extra * 0.08;
        let card_w = 100.0 + extra * 0.1;
        let host_w = 160.0 + extra * 0.35;
        let card_x = MARGIN + wl_w + 18.0;
        Columns {
            workloads: (MARGIN, wl_w),
            card: (card_x, card_w),
            gateway: None,
            host: (w - MARGIN - host_w, host_w),
            width: w,
        }
    }

    fn right(c: (f32, f32)) -> f32 {
        c.0 + c.1
    }
}

fn severity_tone(s: Option<Severity>) -> Tone {
    match s {
        Some(Severity::Error) => Tone::Error,
        Some(Severity::Warning) => Tone::Warning,
        _ => Tone::Normal,
    }
}

fn node(
    col: (f32, f32),
    y: f32,
    kind: NodeKind,
    title: &str,
    lines: Vec<Label>,
    (outline, site): (Tone, Option<Site>),
    detail: String,
) -> Shape {
    Shape::Node {
        rect: Rect {
            x: col.0,
            y,
            w: col.1,
            h: NODE_H,
        },
        kind,
        title: Label::fit(title, TITLE_SIZE, Tone::Normal, col.1 - 2.0 * PAD),
        lines,
        outline,
        site,
        detail,
    }
}

/// The lines of a node: at most `ROWS`, the last saying how many were left out.
fn rows(items: &[(String, Tone)], what: (&str, &str), size: f32, max_w: f32) -> Vec<Label> {
    let shown = if items.len() > ROWS {
        ROWS - 1
    } else {
        items.len()
    };
    let mut out: Vec<Label> = items[..shown]
        .iter()
        .map(|(t, tone)| Label::fit(t, size, *tone, max_w))
        .collect();
    if items.len() > shown {
        let more = format!("… {} more", plural(items.len() - shown, what.0, what.1));
        out.push(Label::fit(&more, SMALL_SIZE, Tone::Muted, max_w));
    }
    out
}

/// The y of port row `i` of a band at `y`.
pub fn row_y(y: f32, i: usize) -> f32 {
    y + TITLE_H + i as f32 * ROW_H + ROW_H / 2.0
}

fn pill(x: f32, end: f32, y: f32, class: Security, text: &str, full: &str, site: Site) -> Shape {
    let max_w = (end - x - 36.0).max(20.0);
    let label = Label {
        text: elide(text, SMALL_SIZE, max_w),
        full: full.to_string(),
        size: SMALL_SIZE,
        tone: Tone::Normal,
    };
    let w = GLYPH_W * PILL_GLYPH + 12.0 + width(&label.text, SMALL_SIZE);
    Shape::Pill {
        rect: Rect {
            x,
            y: y - PILL_H / 2.0,
            w,
            h: PILL_H,
        },
        class,
        label,
        site: Some(site),
    }
}

/// What the probe said, as the host node's badge line.
/// Of several probed ports, the newest current result speaks for the host.
fn probe_line(route: &Route) -> Option<(String, String, Tone)> {
    let p = route
        .listeners
        .iter()
        .filter_map(|l| l.probe.as_ref())
        .max_by_key(|m| (!m.stale, m.seq))?;
    let mut parts = vec![if p.dns_ok { "DNS ok" } else { "DNS failed" }.to_string()];
    match (p.tls_ok, p.days_left) {
        (Some(true), Some(d)) if d < 0 => parts.push("TLS ok, certificate expired".into()),
        (Some(true), Some(d)) => parts.push(format!(
            "TLS ok, {} left",
            plural(d as usize, "day", "days")
        )),
        (Some(true), None) => parts.push("TLS ok".into()),
        (Some(false), _) => parts.push("TLS failed".into()),
        (None, _) => {}
    }
    if let Some(c) = &p.client_cert {
        parts.push(format!("client cert {c}"));
    }
    let failed = !p.dns_ok || p.tls_ok == Some(false);
    let tone = if p.stale {
        Tone::Muted
    } else if failed {
        Tone::Error
    } else {
        Tone::Ok
    };
    let mut full = format!("probe: {}", parts.join(", "));
    if !p.addresses.is_empty() {
        full.push_str(&format!("; addresses {}", p.addresses.join(" ")));
    }
    if let Some(i) = &p.issuer {
        full.push_str(&format!("; issuer {i}"));
    }
    if p.stale {
        full.push_str(" (stale: the configuration changed since this probe)");
    }
    Some((parts.join(" · "), full, tone))
}

fn host_node(c: &Columns, route: &Route, y: f32) -> Shape {
    let max_w = c.host.1 - 2.0 * PAD;
    let mut extras = Vec::new();
    if route.hosts.len() > 1 {
        extras.push(format!(
            "+{}",
            plural(route.hosts.len() - 1, "host", "hosts")
        ));
    }
    if !route.endpoints.is_empty() {
        extras.push(plural(route.endpoints.len(), "endpoint", "endpoints"));
    }
    if !route.subsets.is_empty() {
        extras.push(plural(route.subsets.len(), "subset", "subsets"));
    }
    extras.extend(route.policies.iter().cloned());
    let host = route
        .hosts
        .first()
        .map(String::as_str)
        .unwrap_or("(no host)");
    let meta = format!("{} · {}", route.resolution, route.location);
    let split = split_host(host, max_w);
    let mut lines = Vec::new();
    if let Some((_, rest)) = &split {
        // A long host takes two rows; resolution and extras share the next.
        lines.push(Label {
            text: elide(rest, TITLE_SIZE, max_w),
            full: host.to_string(),
            size: TITLE_SIZE,
            tone: Tone::Normal,
        });
        let joined: Vec<String> = std::iter::once(meta).chain(extras).collect();
        lines.push(Label::fit(
            &joined.join(" · "),
            SMALL_SIZE,
            Tone::Muted,
            max_w,
        ));
    } else {
        lines.push(Label::fit(&meta, SMALL_SIZE, Tone::Muted, max_w));
        if !extras.is_empty() {
            lines.push(Label::fit(
                &extras.join(" · "),
                SMALL_SIZE,
                Tone::Muted,
                max_w,
            ));
        }
    }
    let probe = probe_line(route);
    if let Some((text, full, tone)) = &probe {
        let mut l = Label::fit(text, SMALL_SIZE, *tone, max_w);
        l.full = full.clone();
        lines.push(l);
    }
    let mut detail: Vec<String> = route.hosts.clone();
    detail.push(format!(
        "resolution {}, location {}",
        route.resolution, route.location
    ));
    detail.extend(route.endpoints.iter().map(|e| format!("endpoint {e}")));
    detail.extend(route.subsets.iter().map(|s| format!("subset {s}")));
    if !route.policies.is_empty() {
        detail.push(format!("policies: {}", route.policies.join(", ")));
    }
    detail.extend(probe.map(|p| p.1));
    let mut shape = node(
        c.host,
        y,
        NodeKind::Host,
        host,
        lines,
        (severity_tone(route.severity), Some(route.site)),
        detail.join("\n"),
    );
    if let (Some((first, _)), Shape::Node { title, .. }) = (&split, &mut shape) {
        title.text = first.clone();
    }
    shape
}

/// A host too long for one row, cut after a dot: the first row and the rest.
fn split_host(host: &str, max_w: f32) -> Option<(String, String)> {
    if width(host, TITLE_SIZE) <= max_w {
        return None;
    }
    let cut = host
        .char_indices()
        .rev()
        .find(|(i, c)| *c == '.' && width(&host[..=*i], TITLE_SIZE) <= max_w)
        .map(|(i, _)| i + 1)?;
    Some((host[..cut].to_string(), host[cut..].to_string()))
}

/// True when a port's traffic goes through the route's egress gateway: every
/// port when the gateway is known only by host, else the ports its chain routes.
fn through_gateway(route: &Route, l: &crate::diagram::graph::Listener) -> bool {
    route.gateway_hop.is_none() || l.to_gateway.is_some()
}

/// Hop 1, sidecar -> egress gateway, in its security colour; a chain with a
/// broken link (an EG finding) is drawn as an edge with a gap, in the error tone.
fn hop_to_gateway(
    route: &Route,
    l: &crate::diagram::graph::Listener,
    (from, to): (f32, f32),
    ry: f32,
    out: &mut Vec<Shape>,
    classes: &mut Vec<Security>,
) {
    let class = l.to_gateway.as_ref().map(|w| w.class);
    if let Some(c) = class
        && !classes.contains(&c)
    {
        classes.push(c);
    }
    let hop = route.gateway_hop.as_ref();
    let site = hop.map(|h| h.virtual_service).unwrap_or(route.site);
    let edge = |from: f32, to: f32, arrow: bool, class: Option<Security>, tone: Tone| Shape::Edge {
        from: (from, ry),
        to: (to, ry),
        arrow,
        class,
        tone,
        site: Some(site),
    };
    if hop.is_some_and(|h| h.broken.is_some()) {
        let mid = (from + to) / 2.0;
        out.push(edge(from, mid - 3.0, false, None, Tone::Error));
        out.push(edge(mid + 3.0, to, true, None, Tone::Error));
    } else {
        out.push(edge(from, to, true, class, Tone::Normal));
    }
}

/// One ServiceEntry: its card with ports, the edges to the host, the host.
fn band(c: &Columns, route: &Route, y: f32, out: &mut Vec<Shape>, classes: &mut Vec<Security>) {
    let ports: Vec<(String, Tone)> = route
        .listeners
        .iter()
        .map(|l| (format!(":{} {}", l.port, l.protocol), Tone::Normal))
        .collect();
    let card_lines = rows(&ports, ("port", "ports"), TEXT_SIZE, c.card.1 - 2.0 * PAD);
    let mut detail = vec![format!("ServiceEntry {}/{}", route.namespace, route.name)];
    detail.extend(route.listeners.iter().map(|l| l.wire.full.clone()));
    out.push(node(
        c.card,
        y,
        NodeKind::ServiceEntry,
        &route.name,
        card_lines,
        (severity_tone(route.severity), Some(route.site)),
        detail.join("\n"),
    ));
    let edge_site = route.rule.unwrap_or(route.site);
    let shown = route.listeners.len().min(if route.listeners.len() > ROWS {
        ROWS - 1
    } else {
        ROWS
    });
    let card_right = Columns::right(c.card);
    for (i, l) in route.listeners.iter().take(shown).enumerate() {
        let ry = row_y(y, i);
        let class = l.wire.class;
        if !classes.contains(&class) {
            classes.push(class);
        }
        let tone = if class.is_warning() {
            Tone::Warning
        } else {
            severity_tone(route.rule_severity)
        };
        let mut start = card_right;
        if let (Some(gw), Some(_)) = (c.gateway, &route.gateway)
            && through_gateway(route, l)
        {
            hop_to_gateway(route, l, (card_right, gw.0), ry, out, classes);
            start = Columns::right(gw);
        }
        out.push(Shape::Edge {
            from: (start, ry),
            to: (c.host.0, ry),
            arrow: true,
            class: Some(class),
            tone,
            site: Some(edge_site),
        });
        // A port that passes below the gateway keeps its label clear of the
        // gateway node: after the gateway column, like the carried ports'.
        let label_x = match (c.gateway, &route.gateway) {
            (Some(gw), Some(_)) => Columns::right(gw),
            _ => start,
        };
        out.push(pill(
            label_x + 8.0,
            c.host.0,
            ry,
            class,
            &l.wire.short,
            &l.wire.full,
            edge_site,
        ));
    }
    if let (Some(gw), Some(name)) = (c.gateway, &route.gateway) {
        let hop = route.gateway_hop.as_ref();
        let mut lines = vec![Label::fit(name, SMALL_SIZE, Tone::Muted, gw.1 - 2.0 * PAD)];
        let mut detail = vec![format!("egress gateway {name}")];
        detail.extend(
            route
                .listeners
                .iter()
                .filter_map(|l| l.to_gateway.as_ref())
                .map(|w| w.full.clone()),
        );
        let mut outline = Tone::Normal;
        if let Some((code, message)) = hop.and_then(|h| h.broken.as_ref()) {
            lines.push(Label::fit(
                &format!("broken: {code}"),
                SMALL_SIZE,
                Tone::Error,
                gw.1 - 2.0 * PAD,
            ));
            detail.push(format!("{code}: {message}"));
            outline = Tone::Error;
        }
        let site = hop
            .map(|h| h.site.unwrap_or(h.virtual_service))
            .unwrap_or(route.site);
        // As tall as the rows it carries (they come first), so the ports the
        // chain does not route pass below it, straight to the host.
        let carried = route
            .listeners
            .iter()
            .take(shown)
            .filter(|l| through_gateway(route, l))
            .count();
        let rows_high = carried.max(lines.len()).min(ROWS);
        // "egress gateway" where it fits, else "gateway" rather than an elided word.
        let title = if width("egress gateway", TITLE_SIZE) <= gw.1 - 2.0 * PAD {
            "egress gateway"
        } else {
            "gateway"
        };
        let mut gateway = node(
            gw,
            y,
            NodeKind::Gateway,
            title,
            lines,
            (outline, Some(site)),
            detail.join("\n"),
        );
        if let Shape::Node { rect, .. } = &mut gateway {
            rect.h = TITLE_H + rows_high as f32 * ROW_H + 6.0;
        }
        out.push(gateway);
    }
    out.push(host_node(c, route, y));
}

/// The workloads node of an audience, and the bus to each of its entries' cards.
fn workloads(c: &Columns, audience: &[String], mids: &[f32], out: &mut Vec<Shape>) {
    let (Some(first), Some(last)) = (mids.first(), mids.last()) else {
        return;
    };
    let y = first - NODE_H / 2.0;
    let items: Vec<(String, Tone)> = audience.iter().map(|a| (a.clone(), Tone::Normal)).collect();
    let lines = rows(
        &items,
        ("audience", "audiences"),
        TEXT_SIZE,
        c.workloads.1 - 2.0 * PAD,
    );
    out.push(node(
        c.workloads,
        y,
        NodeKind::Workloads,
        "workloads",
        lines,
        (Tone::Normal, None),
        format!("workloads that see these entries: {}", audience.join(", ")),
    ));
    let right = Columns::right(c.workloads);
    let bus = right + (c.card.0 - right) / 2.0;
    out.push(Shape::Edge {
        from: (right, *first),
        to: (bus, *first),
        arrow: false,
        class: None,
        tone: Tone::Muted,
        site: None,
    });
    if last > first {
        out.push(Shape::Edge {
            from: (bus, *first),
            to: (bus, *last),
            arrow: false,
            class: None,
            tone: Tone::Muted,
            site: None,
        });
    }
    for m in mids {
        out.push(Shape::Edge {
            from: (bus, *m),
            to: (c.card.0, *m),
            arrow: true,
            class: None,
            tone: Tone::Muted,
            site: None,
        });
    }
}

/// Lays the graph out for a panel `panel_width` wide; groups in `collapsed`
/// show only their header.
pub fn lay_out(graph: &Graph, collapsed: &HashSet<String>, panel_width: f32) -> Layout {
    let c = Columns::new(panel_width, graph.routes().any(|r| r.gateway.is_some()));
    let mut layout = Layout {
        width: c.width,
        ..Layout::default()
    };
    let mut y = MARGIN;
    for (ns, routes) in &graph.groups {
        let is_collapsed = collapsed.contains(ns);
        let errors = routes
            .iter()
            .filter(|r| r.severity == Some(Severity::Error))
            .count();
        let mut text = format!(
            "{} namespace {ns} · {}",
            if is_collapsed { "+" } else { "−" },
            plural(routes.len(), "ServiceEntry", "ServiceEntries")
        );
        if errors > 0 {
            text.push_str(&format!(", {errors} with errors"));
        }
        let rect = Rect {
            x: MARGIN,
            y,
            w: c.width - 2.0 * MARGIN,
            h: HEADER_H - 6.0,
        };
        layout.shapes.push(Shape::Header {
            rect,
            label: Label::fit(&text, HEADER_SIZE, Tone::Normal, rect.w),
            namespace: ns.clone(),
            collapsed: is_collapsed,
        });
        y += HEADER_H;
        if is_collapsed {
            continue;
        }
        // Entries grouped by audience (one shared workloads node each), then by name.
        let mut order: Vec<&Route> = routes.iter().collect();
        order.sort_by(|a, b| a.workloads.cmp(&b.workloads));
        let mut i = 0;
        while i < order.len() {
            let audience = &order[i].workloads;
            let mut mids = Vec::new();
            while i < order.len() && &order[i].workloads == audience {
                let r = order[i];
                band(&c, r, y, &mut layout.shapes, &mut layout.classes);
                layout.bands.push(Band {
                    site: r.site,
                    rule: r.rule,
                    rect: Rect {
                        x: 0.0,
                        y,
                        w: c.width,
                        h: NODE_H,
                    },
                });
                mids.push(y + NODE_H / 2.0);
                y += BAND_H;
                i += 1;
            }
            workloads(&c, audience, &mids, &mut layout.shapes);
        }
    }
    layout.classes.sort();
    layout.height = y + MARGIN;
    layout
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
