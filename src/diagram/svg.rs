//! The layout as SVG, drawn like the egui painter draws it: the same shapes,
//! colours and glyphs (as vector shapes, no emoji font needed), a legend of the
//! security classes below, and every elided text whole in a `<title>`.

use super::glyph::{self, Palette, Prim};
pub use super::glyph::{DARK, LIGHT};
use super::layout::{Layout, MARGIN, PILL_GLYPH, PILL_H, Shape, Tone, row_y};
use std::fmt::Write;

/// Escapes text for XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Height of the legend under a layout.
pub fn legend_height(layout: &Layout) -> f32 {
    let (_, h) = glyph::legend(&layout.classes, layout.width - 2.0 * MARGIN);
    if h > 0.0 { h + 2.0 * MARGIN } else { 0.0 }
}

fn text(s: &mut String, x: f32, y: f32, size: f32, color: &str, t: &str) {
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" fill="{color}">{}</text>"#,
        escape(t)
    );
}

/// A glyph with its box's top left at (x, y).
pub fn glyph_svg(s: &mut String, x: f32, y: f32, prims: &[Prim], color: &str) {
    let _ = write!(s, r#"<g transform="translate({x:.1},{y:.1})">"#);
    for p in prims {
        match p {
            Prim::Fill { x, y, w, h } => {
                let _ = write!(
                    s,
                    r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" rx="1" fill="{color}"/>"#
                );
            }
            Prim::Line { pts, width } => {
                let pts: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
                let _ = write!(
                    s,
                    r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{width}" stroke-linejoin="round"/>"#,
                    pts.join(" ")
                );
            }
            Prim::Poly { pts } => {
                let pts: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
                let _ = write!(s, r#"<polygon points="{}" fill="{color}"/>"#, pts.join(" "));
            }
        }
    }
    s.push_str("</g>\n");
}

fn shape(s: &mut String, shape: &Shape, p: &Palette) {
    match shape {
        Shape::Header { rect, label, .. } => {
            text(s, rect.x, rect.y + 15.0, label.size, p.text, &label.text);
        }
        Shape::Node {
            rect,
            title,
            lines,
            outline,
            detail,
            ..
        } => {
            let width = if *outline == Tone::Normal { 1.0 } else { 2.5 };
            let _ = writeln!(
                s,
                r#"<g><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{}" stroke="{}" stroke-width="{width}"/>"#,
                escape(detail),
                rect.x,
                rect.y,
                rect.w,
                rect.h,
                p.node,
                glyph::tone_color(p, *outline)
            );
            text(
                s,
                rect.x + 8.0,
                rect.y + 16.0,
                title.size,
                p.text,
                &title.text,
            );
            for (i, l) in lines.iter().enumerate() {
                text(
                    s,
                    rect.x + 8.0,
                    row_y(rect.y, i) + 4.0,
                    l.size,
                    glyph::text_color(p, l.tone),
                    &l.text,
                );
            }
            s.push_str("</g>\n");
        }
        Shape::Edge {
            from,
            to,
            arrow,
            class,
            tone,
            ..
        } => {
            let c = class.map_or(glyph::tone_color(p, *tone), |c| glyph::class_color(p, c));
            let w = if class.is_some() { 2.0 } else { 1.2 };
            let _ = writeln!(
                s,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{c}" stroke-width="{w}"/>"#,
                from.0,
                from.1,
                to.0 - if *arrow { 6.0 } else { 0.0 },
                to.1
            );
            if *arrow {
                let _ = writeln!(
                    s,
                    r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{c}"/>"#,
                    to.0,
                    to.1,
                    to.0 - 8.0,
                    to.1 - 4.0,
                    to.0 - 8.0,
                    to.1 + 4.0
                );
            }
        }
        Shape::Pill {
            rect, class, label, ..
        } => {
            let c = glyph::class_color(p, *class);
            let _ = writeln!(
                s,
                r#"<g><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="7" fill="{}" stroke="{c}" stroke-width="1"/>"#,
                escape(&label.full),
                rect.x,
                rect.y,
                rect.w,
                rect.h,
                p.background
            );
            let g = glyph::SIZE * PILL_GLYPH;
            glyph_scaled(s, rect.x + 4.0, rect.y + (PILL_H - g) / 2.0, *class, c);
            text(
                s,
                rect.x + 6.0 + glyph::SIZE,
                rect.y + PILL_H - 3.5,
                label.size,
                p.text,
                &label.text,
            );
            s.push_str("</g>\n");
        }
    }
}

/// The class glyph at 80 % (pill size).
fn glyph_scaled(s: &mut String, x: f32, y: f32, class: super::graph::Security, color: &str) {
    let _ = write!(
        s,
        r#"<g transform="translate({x:.1},{y:.1}) scale({PILL_GLYPH})">"#
    );
    glyph_svg(s, 0.0, 0.0, &glyph::glyph(class), color);
    s.push_str("</g>\n");
}

/// Renders the whole layout, with the legend of the classes it shows.
pub fn render(layout: &Layout, p: &Palette) -> String {
    let legend_h = legend_height(layout);
    let h = layout.height + legend_h;
    let mut s = String::with_capacity(layout.shapes.len() * 160 + 1024);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Ubuntu, DejaVu Sans, sans-serif" font-size="11.5">"#,
        w = layout.width
    );
    let _ = writeln!(
        s,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        p.background
    );
    for sh in &layout.shapes {
        shape(&mut s, sh, p);
    }
    let (items, _) = glyph::legend(&layout.classes, layout.width - 2.0 * MARGIN);
    let top = layout.height + MARGIN;
    for (class, x, y) in items {
        let (x, y) = (MARGIN + x, top + y);
        glyph_svg(
            &mut s,
            x,
            y,
            &glyph::glyph(class),
            glyph::class_color(p, class),
        );
        text(
            &mut s,
            x + glyph::SIZE + 6.0,
            y + 11.5,
            11.0,
            p.text,
            class.describe(),
        );
    }
    s.push_str("</svg>\n");
    s
}
