//! What the layout produces and every painter draws: positioned shapes with
//! their texts (as drawn and as meant), and the bands the view scrolls to. Plain
//! data, no egui.

use super::graph::Security;
use super::text::elide;
use crate::validate::Site;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
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

    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x - 0.01
            && o.y >= self.y - 0.01
            && o.x + o.w <= self.x + self.w + 0.01
            && o.y + o.h <= self.y + self.h + 0.01
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

/// A text as drawn (`text`, elided to fit) and as meant (`full`).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub full: String,
    pub size: f32,
    pub tone: Tone,
}

impl Label {
    pub(crate) fn fit(full: &str, size: f32, tone: Tone, max_w: f32) -> Label {
        Label {
            text: elide(full, size, max_w),
            full: full.to_string(),
            size,
            tone,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Workloads,
    ServiceEntry,
    Gateway,
    Host,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Header {
        rect: Rect,
        label: Label,
        namespace: String,
        collapsed: bool,
    },
    Node {
        rect: Rect,
        kind: NodeKind,
        title: Label,
        lines: Vec<Label>,
        outline: Tone,
        site: Option<Site>,
        /// Everything the node stands for, for the tooltip.
        detail: String,
    },
    Edge {
        from: (f32, f32),
        to: (f32, f32),
        arrow: bool,
        /// Coloured by class when it carries traffic to the outside.
        class: Option<Security>,
        tone: Tone,
        site: Option<Site>,
    },
    /// The security class of a port, sitting on its edge.
    Pill {
        rect: Rect,
        class: Security,
        label: Label,
        site: Option<Site>,
    },
}

impl Shape {
    pub fn bounds(&self) -> Rect {
        match self {
            Shape::Header { rect, .. } | Shape::Node { rect, .. } | Shape::Pill { rect, .. } => {
                *rect
            }
            Shape::Edge { from, to, .. } => Rect {
                x: from.0.min(to.0),
                y: from.1.min(to.1) - 1.0,
                w: (to.0 - from.0).abs(),
                h: (to.1 - from.1).abs() + 2.0,
            },
        }
    }

    pub fn site(&self) -> Option<Site> {
        match self {
            Shape::Node { site, .. } | Shape::Edge { site, .. } | Shape::Pill { site, .. } => *site,
            Shape::Header { .. } => None,
        }
    }

    /// Every text the shape draws.
    pub fn labels(&self) -> Vec<&Label> {
        match self {
            Shape::Header { label, .. } | Shape::Pill { label, .. } => vec![label],
            Shape::Node { title, lines, .. } => std::iter::once(title).chain(lines).collect(),
            Shape::Edge { .. } => Vec::new(),
        }
    }
}

/// One route's band: what the view scrolls to when its entry or rule is selected.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub site: Site,
    pub rule: Option<Site>,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub shapes: Vec<Shape>,
    pub bands: Vec<Band>,
    /// The security classes drawn, for the legend.
    pub classes: Vec<Security>,
    pub width: f32,
    pub height: f32,
}
