//! The layout as SVG, drawn like the egui painter draws it.

use super::layout::{LINE_H, Layout, Shape, Tone};

pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub node: &'static str,
    pub line: &'static str,
    pub warning: &'static str,
    pub error: &'static str,
    pub ok: &'static str,
}

pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1e1e1e",
    muted: "#6e6e6e",
    node: "#f4f6f8",
    line: "#5a6470",
    warning: "#a06400",
    error: "#be1414",
    ok: "#1e7828",
};

pub const DARK: Palette = Palette {
    background: "#1b1b1b",
    text: "#dcdcdc",
    muted: "#8c8c8c",
    node: "#2a2d31",
    line: "#9aa4b0",
    warning: "#f0be3c",
    error: "#ff6e64",
    ok: "#78c882",
};

pub fn color(p: &Palette, t: Tone) -> &'static str {
    match t {
        Tone::Normal => p.line,
        Tone::Warning => p.warning,
        Tone::Error => p.error,
        Tone::Ok => p.ok,
        Tone::Muted => p.muted,
    }
}

fn text_color(p: &Palette, t: Tone) -> &'static str {
    match t {
        Tone::Normal => p.text,
        other => color(p, other),
    }
}

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

/// Renders the whole layout, with a legend.
pub fn render(layout: &Layout, p: &Palette) -> String {
    use std::fmt::Write;
    let legend_h = 40.0;
    let h = layout.height + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Ubuntu, sans-serif" font-size="12">"#,
        w = layout.width
    );
    let _ = writeln!(
        s,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        p.background
    );
    let _ = writeln!(
        s,
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker></defs>"#,
        p.line
    );
    for shape in &layout.shapes {
        match shape {
            Shape::Header { rect, text, .. } => {
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" fill="{}" font-weight="bold" font-size="13">{}</text>"#,
                    rect.x,
                    rect.y + 16.0,
                    p.text,
                    escape(text)
                );
            }
            Shape::Node {
                rect,
                title,
                lines,
                outline,
                ..
            } => {
                let stroke = color(p, *outline);
                let width = if *outline == Tone::Normal { 1.0 } else { 2.5 };
                let _ = writeln!(
                    s,
                    r#"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{}" stroke="{}" stroke-width="{width}"/>"#,
                    rect.x, rect.y, rect.w, rect.h, p.node, stroke
                );
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" fill="{}" font-weight="bold">{}</text>"#,
                    rect.x + 8.0,
                    rect.y + 18.0,
                    p.text,
                    escape(title)
                );
                for (i, (line, tone)) in lines.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" fill="{}">{}</text>"#,
                        rect.x + 8.0,
                        rect.y + 36.0 + i as f32 * LINE_H,
                        text_color(p, *tone),
                        escape(line)
                    );
                }
                let _ = writeln!(s, "</g>");
            }
            Shape::Edge {
                from,
                to,
                label,
                tone,
                ..
            } => {
                let c = color(p, *tone);
                let _ = writeln!(
                    s,
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{c}" stroke-width="1.5" marker-end="url(#arrow)"/>"#,
                    from.0, from.1, to.0, to.1
                );
                let n = label.len() as f32;
                for (i, (line, t)) in label.iter().enumerate() {
                    let y = from.1 - 4.0 - (n - 1.0 - i as f32) * LINE_H;
                    let _ = writeln!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" fill="{}" font-size="11">{}</text>"#,
                        from.0 + 6.0,
                        y,
                        text_color(p, *t),
                        escape(line)
                    );
                }
            }
        }
    }
    let ly = layout.height + 20.0;
    let items = [
        ("plain", Tone::Normal),
        ("TLS verified by probe", Tone::Ok),
        ("double TLS / warning", Tone::Warning),
        ("error", Tone::Error),
        ("stale / policy", Tone::Muted),
    ];
    let mut x = 16.0;
    for (text, tone) in items {
        let _ = writeln!(
            s,
            r#"<line x1="{x:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{}" stroke-width="3"/>"#,
            x + 24.0,
            color(p, tone)
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" fill="{}">{}</text>"#,
            x + 30.0,
            ly + 4.0,
            p.text,
            escape(text)
        );
        x += 40.0 + text.len() as f32 * 7.0;
    }
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{:.1}" fill="{}">[lock] = TLS on the wire, [lock][lock] = double TLS</text>"#,
        ly + 4.0,
        p.muted
    );
    s.push_str("</svg>\n");
    s
}
