//! Colours and glyphs shared by the three painters (egui, SVG, PNG), so the
//! picture in a design review is the one in the app.
//!
//! Glyphs are drawn shapes, not emoji: egui 0.37 bundles its emoji fonts only
//! with the non-default `monochrome_emoji_fonts` feature, and an SVG opened
//! elsewhere cannot count on any emoji font. Each glyph is a few primitives in a
//! `SIZE`×`SIZE` box.

use super::graph::Security;
use super::layout::Tone;

pub const SIZE: f32 = 14.0;

pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub node: &'static str,
    pub line: &'static str,
    pub warning: &'static str,
    pub error: &'static str,
    pub ok: &'static str,
    pub mutual: &'static str,
    pub passthrough: &'static str,
    pub selection: &'static str,
}

pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1e1e1e",
    muted: "#5f5f5f",
    node: "#f4f6f8",
    line: "#5a6470",
    warning: "#9a5b00",
    error: "#be1414",
    ok: "#1e7828",
    mutual: "#0b6e78",
    passthrough: "#2a5cbf",
    selection: "#1f6feb",
};

pub const DARK: Palette = Palette {
    background: "#1b1b1b",
    text: "#dcdcdc",
    muted: "#a0a0a0",
    node: "#2a2d31",
    line: "#9aa4b0",
    warning: "#f0be3c",
    error: "#ff6e64",
    ok: "#78c882",
    mutual: "#5fd0d8",
    passthrough: "#86aefc",
    selection: "#58a6ff",
};

/// The stroke colour of a tone.
pub fn tone_color(p: &Palette, t: Tone) -> &'static str {
    match t {
        Tone::Normal => p.line,
        Tone::Warning => p.warning,
        Tone::Error => p.error,
        Tone::Ok => p.ok,
        Tone::Muted => p.muted,
    }
}

/// The text colour of a tone.
pub fn text_color(p: &Palette, t: Tone) -> &'static str {
    match t {
        Tone::Normal => p.text,
        other => tone_color(p, other),
    }
}

/// The colour of a security class.
pub fn class_color(p: &Palette, c: Security) -> &'static str {
    match c {
        Security::VerifiedTls => p.ok,
        Security::MutualTls => p.mutual,
        Security::Passthrough => p.passthrough,
        Security::UnverifiedTls | Security::DoubleTls => p.warning,
        Security::PlaintextLeavingMesh => p.error,
        Security::Plaintext => p.muted,
        Security::Opaque => p.line,
    }
}

/// `#rrggbb` as bytes.
pub fn rgb(c: &str) -> [u8; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap_or(0x808080);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// A glyph primitive, in the glyph's box (0..SIZE, y down).
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    /// A filled rounded rectangle.
    Fill { x: f32, y: f32, w: f32, h: f32 },
    /// A stroked polyline.
    Line { pts: Vec<(f32, f32)>, width: f32 },
    /// A filled polygon.
    Poly { pts: Vec<(f32, f32)> },
}

/// Points of a half circle above (cx, cy), left to right.
fn arch(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..=8)
        .map(|i| {
            let a = std::f32::consts::PI * (1.0 - i as f32 / 8.0);
            (cx + r * a.cos(), cy - r * a.sin())
        })
        .collect()
}

/// A padlock at (x, y) scaled by `s`: `open` lifts the left leg, `hollow` draws
/// the body as an outline.
fn lock(x: f32, y: f32, s: f32, open: bool, hollow: bool) -> Vec<Prim> {
    let (bx, by, bw, bh) = (x + 2.5 * s, y + 6.0 * s, 9.0 * s, 7.0 * s);
    let mut shackle = vec![(x + 4.5 * s, y + if open { 3.5 } else { 6.0 } * s)];
    shackle.extend(arch(x + 7.0 * s, y + 4.0 * s, 2.5 * s));
    shackle.push((x + 9.5 * s, y + 6.0 * s));
    if open {
        for p in shackle.iter_mut() {
            p.1 -= 1.5 * s;
        }
        shackle.push((x + 9.5 * s, y + 6.0 * s));
    }
    let body = if hollow {
        Prim::Line {
            pts: vec![
                (bx, by),
                (bx + bw, by),
                (bx + bw, by + bh),
                (bx, by + bh),
                (bx, by),
            ],
            width: 1.4,
        }
    } else {
        Prim::Fill {
            x: bx,
            y: by,
            w: bw,
            h: bh,
        }
    };
    vec![
        Prim::Line {
            pts: shackle,
            width: 1.5 * s.max(0.8),
        },
        body,
    ]
}

/// The glyph of a security class.
pub fn glyph(c: Security) -> Vec<Prim> {
    match c {
        Security::VerifiedTls => lock(0.0, 0.0, 1.0, false, false),
        Security::UnverifiedTls => lock(0.0, 0.0, 1.0, true, false),
        Security::Passthrough => lock(0.0, 0.0, 1.0, false, true),
        Security::DoubleTls => {
            let mut v = lock(-2.0, 2.5, 0.75, false, false);
            v.extend(lock(5.0, 2.5, 0.75, false, false));
            v
        }
        Security::MutualTls => {
            let mut v = lock(-2.5, 0.0, 1.0, false, false);
            let ring = {
                let mut r = arch(11.5, 4.5, 2.0);
                let mut lower: Vec<(f32, f32)> = arch(11.5, 4.5, 2.0)
                    .into_iter()
                    .map(|(x, y)| (x, 9.0 - y))
                    .collect();
                lower.reverse();
                r.extend(lower);
                r
            };
            v.push(Prim::Line {
                pts: ring,
                width: 1.4,
            });
            v.push(Prim::Line {
                pts: vec![(11.5, 6.5), (11.5, 13.0)],
                width: 1.4,
            });
            v.push(Prim::Line {
                pts: vec![(11.5, 10.5), (13.5, 10.5)],
                width: 1.4,
            });
            v
        }
        Security::PlaintextLeavingMesh => vec![
            Prim::Line {
                pts: vec![(7.0, 1.0), (13.5, 13.0), (0.5, 13.0), (7.0, 1.0)],
                width: 1.5,
            },
            Prim::Line {
                pts: vec![(7.0, 5.0), (7.0, 9.0)],
                width: 1.6,
            },
            Prim::Fill {
                x: 6.2,
                y: 10.2,
                w: 1.6,
                h: 1.6,
            },
        ],
        Security::Plaintext => {
            let mut ring = arch(7.0, 7.5, 5.0);
            let mut lower: Vec<(f32, f32)> = arch(7.0, 7.5, 5.0)
                .into_iter()
                .map(|(x, y)| (x, 15.0 - y))
                .collect();
            lower.reverse();
            ring.extend(lower);
            vec![
                Prim::Line {
                    pts: ring,
                    width: 1.4,
                },
                Prim::Line {
                    pts: vec![(3.5, 11.0), (10.5, 4.0)],
                    width: 1.4,
                },
            ]
        }
        Security::Opaque => vec![Prim::Poly {
            pts: vec![(1.0, 6.5), (13.0, 6.5), (13.0, 8.5), (1.0, 8.5)],
        }],
    }
}

/// Height of one legend row.
pub const LEGEND_ROW: f32 = 20.0;

/// Where each legend entry goes, relative to the legend's top left, for a
/// legend `width` wide; and the legend's height.
pub fn legend(classes: &[Security], width: f32) -> (Vec<(Security, f32, f32)>, f32) {
    let mut out = Vec::new();
    let (mut x, mut y) = (0.0, 0.0);
    for c in classes {
        let w = SIZE + 6.0 + super::text::width(c.describe(), super::layout::SMALL_SIZE) + 18.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += LEGEND_ROW;
        }
        out.push((*c, x, y));
        x += w;
    }
    let h = if out.is_empty() { 0.0 } else { y + LEGEND_ROW };
    (out, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_stays_in_its_box_and_classes_are_told_apart() {
        for c in Security::ALL {
            for p in glyph(c) {
                let pts = match p {
                    Prim::Fill { x, y, w, h } => vec![(x, y), (x + w, y + h)],
                    Prim::Line { pts, .. } | Prim::Poly { pts } => pts,
                };
                for (x, y) in pts {
                    assert!((-0.5..=SIZE + 0.5).contains(&x), "{c:?} x {x}");
                    assert!((-0.5..=SIZE + 0.5).contains(&y), "{c:?} y {y}");
                }
            }
        }
        let all: Vec<Vec<Prim>> = Security::ALL.iter().map(|c| glyph(*c)).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|b| a != b));
        }
    }
}
