//! The layout as PNG, rasterised on the CPU from the same shapes as the SVG
//! (tiny-skia for paths, egui's own bundled font read with ttf-parser for text),
//! so an exported picture needs no system fonts and matches the app. Written at
//! 2× for sharp slides.

use super::glyph::{self, Palette, Prim};
use super::graph::Security;
use super::layout::{Layout, MARGIN, PILL_GLYPH, PILL_H, Shape, Tone, row_y};
use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Rect as SkRect, Stroke,
    Transform,
};

/// The scale exports use.
pub const SCALE: f32 = 2.0;
/// The largest picture written (160 MB of pixels while drawing); taller
/// diagrams are drawn at a smaller scale, down to 1×.
pub const MAX_PIXELS: f32 = 40_000_000.0;

/// egui's default proportional font, then its monospace one for symbols the
/// first lacks.
struct Fonts<'a> {
    faces: Vec<ttf_parser::Face<'a>>,
}

struct Outline<'a> {
    pb: &'a mut PathBuilder,
    x: f32,
    y: f32,
    s: f32,
}

impl ttf_parser::OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.pb.move_to(self.x + x * self.s, self.y - y * self.s);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.pb.line_to(self.x + x * self.s, self.y - y * self.s);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.pb.quad_to(
            self.x + x1 * self.s,
            self.y - y1 * self.s,
            self.x + x * self.s,
            self.y - y * self.s,
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.pb.cubic_to(
            self.x + x1 * self.s,
            self.y - y1 * self.s,
            self.x + x2 * self.s,
            self.y - y2 * self.s,
            self.x + x * self.s,
            self.y - y * self.s,
        );
    }
    fn close(&mut self) {
        self.pb.close();
    }
}

impl Fonts<'_> {
    fn new() -> Result<Fonts<'static>, String> {
        let faces = [
            epaint_default_fonts::UBUNTU_LIGHT,
            epaint_default_fonts::HACK_REGULAR,
        ]
        .iter()
        .map(|data| ttf_parser::Face::parse(data, 0).map_err(|e| format!("bundled font: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Fonts { faces })
    }

    /// Text with its baseline's left end at (x, y), in layout units.
    fn draw(&self, pix: &mut Pixmap, t: Transform, at: (f32, f32), size: f32, c: &str, text: &str) {
        let mut pb = PathBuilder::new();
        let mut x = at.0;
        for ch in text.chars() {
            let found = self
                .faces
                .iter()
                .find_map(|f| f.glyph_index(ch).map(|g| (f, g)));
            let Some((face, id)) = found else {
                x += size * 0.5;
                continue;
            };
            let s = size / f32::from(face.units_per_em());
            let mut o = Outline {
                pb: &mut pb,
                x,
                y: at.1,
                s,
            };
            face.outline_glyph(id, &mut o);
            x += f32::from(face.glyph_hor_advance(id).unwrap_or(0)) * s;
        }
        if let Some(path) = pb.finish() {
            pix.fill_path(&path, &paint(c), FillRule::Winding, t, None);
        }
    }
}

fn paint(c: &str) -> Paint<'static> {
    let [r, g, b] = glyph::rgb(c);
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(r, g, b, 255));
    p.anti_alias = true;
    p
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    }
}

fn rounded(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<tiny_skia::Path> {
    let r = r.min(w / 2.0).min(h / 2.0);
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.quad_to(x + w, y, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.quad_to(x + w, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.quad_to(x, y + h, x, y + h - r);
    pb.line_to(x, y + r);
    pb.quad_to(x, y, x + r, y);
    pb.close();
    pb.finish()
}

fn line(pix: &mut Pixmap, t: Transform, pts: &[(f32, f32)], width: f32, c: &str) {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
    if let Some(path) = pb.finish() {
        pix.stroke_path(&path, &paint(c), &stroke(width), t, None);
    }
}

fn polygon(pix: &mut Pixmap, t: Transform, pts: &[(f32, f32)], c: &str) {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
    pb.close();
    if let Some(path) = pb.finish() {
        pix.fill_path(&path, &paint(c), FillRule::Winding, t, None);
    }
}

fn draw_glyph(pix: &mut Pixmap, t: Transform, at: (f32, f32), s: f32, class: Security, c: &str) {
    let t = t.pre_translate(at.0, at.1).pre_scale(s, s);
    for p in glyph::glyph(class) {
        match p {
            Prim::Fill { x, y, w, h } => {
                if let Some(r) = SkRect::from_xywh(x, y, w, h) {
                    pix.fill_rect(r, &paint(c), t, None);
                }
            }
            Prim::Line { pts, width } => line(pix, t, &pts, width, c),
            Prim::Poly { pts } => polygon(pix, t, &pts, c),
        }
    }
}

fn shape(pix: &mut Pixmap, t: Transform, f: &Fonts, p: &Palette, sh: &Shape) {
    match sh {
        Shape::Header { rect, label, .. } => {
            f.draw(
                pix,
                t,
                (rect.x, rect.y + 15.0),
                label.size,
                p.text,
                &label.text,
            );
        }
        Shape::Node {
            rect,
            title,
            lines,
            outline,
            ..
        } => {
            if let Some(path) = rounded(rect.x, rect.y, rect.w, rect.h, 6.0) {
                pix.fill_path(&path, &paint(p.node), FillRule::Winding, t, None);
                let w = if *outline == Tone::Normal { 1.0 } else { 2.5 };
                pix.stroke_path(
                    &path,
                    &paint(glyph::tone_color(p, *outline)),
                    &stroke(w),
                    t,
                    None,
                );
            }
            f.draw(
                pix,
                t,
                (rect.x + 8.0, rect.y + 16.0),
                title.size,
                p.text,
                &title.text,
            );
            for (i, l) in lines.iter().enumerate() {
                let at = (rect.x + 8.0, row_y(rect.y, i) + 4.0);
                f.draw(pix, t, at, l.size, glyph::text_color(p, l.tone), &l.text);
            }
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
            let end = (to.0 - if *arrow { 6.0 } else { 0.0 }, to.1);
            line(pix, t, &[*from, end], w, c);
            if *arrow {
                let head = [*to, (to.0 - 8.0, to.1 - 4.0), (to.0 - 8.0, to.1 + 4.0)];
                polygon(pix, t, &head, c);
            }
        }
        Shape::Pill {
            rect, class, label, ..
        } => {
            let c = glyph::class_color(p, *class);
            if let Some(path) = rounded(rect.x, rect.y, rect.w, rect.h, 7.0) {
                pix.fill_path(&path, &paint(p.background), FillRule::Winding, t, None);
                pix.stroke_path(&path, &paint(c), &stroke(1.0), t, None);
            }
            let g = glyph::SIZE * PILL_GLYPH;
            draw_glyph(
                pix,
                t,
                (rect.x + 4.0, rect.y + (PILL_H - g) / 2.0),
                PILL_GLYPH,
                *class,
                c,
            );
            let at = (rect.x + 6.0 + glyph::SIZE, rect.y + PILL_H - 3.5);
            f.draw(pix, t, at, label.size, p.text, &label.text);
        }
    }
}

/// Renders the layout (and its legend) as PNG bytes at `scale`.
pub fn render(layout: &Layout, p: &Palette, scale: f32) -> Result<Vec<u8>, String> {
    let fonts = Fonts::new()?;
    let h = layout.height + super::svg::legend_height(layout);
    let fits = (MAX_PIXELS / (layout.width * h).max(1.0)).sqrt();
    if fits < 1.0 {
        return Err(format!(
            "the diagram is too large for a PNG ({:.0}×{h:.0} px at 1×): export SVG, or collapse namespaces in the app",
            layout.width
        ));
    }
    let scale = scale.min(fits);
    let (pw, ph) = (
        (layout.width * scale).ceil() as u32,
        (h * scale).ceil() as u32,
    );
    let mut pix = Pixmap::new(pw.max(1), ph.max(1))
        .ok_or_else(|| format!("a {pw}×{ph} picture is too large"))?;
    let [r, g, b] = glyph::rgb(p.background);
    pix.fill(Color::from_rgba8(r, g, b, 255));
    let t = Transform::from_scale(scale, scale);
    for sh in &layout.shapes {
        shape(&mut pix, t, &fonts, p, sh);
    }
    let (items, _) = glyph::legend(&layout.classes, layout.width - 2.0 * MARGIN);
    let top = layout.height + MARGIN;
    for (class, x, y) in items {
        let (x, y) = (MARGIN + x, top + y);
        draw_glyph(
            &mut pix,
            t,
            (x, y),
            1.0,
            class,
            glyph::class_color(p, class),
        );
        let at = (x + glyph::SIZE + 6.0, y + 11.5);
        fonts.draw(&mut pix, t, at, 11.0, p.text, class.describe());
    }
    encode(&pix)
}

/// PNG bytes of an opaque pixmap.
fn encode(pix: &Pixmap) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, pix.width(), pix.height());
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        // Opaque pixels: premultiplied and straight alpha are the same.
        w.write_image_data(pix.data()).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
