//! The layout drawn with egui inside a pan-and-zoom scene. Only what is visible
//! is painted; hovering shows the full text of anything elided; clicking a node,
//! an edge or a pill selects its resource.

use super::glyph::{self, Palette, Prim};
use super::graph::Security;
use super::layout::{Label, Layout, PILL_GLYPH, PILL_H, Shape, Tone, row_y};
use crate::validate::Site;
use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

pub enum Action {
    Select(Site),
    ToggleGroup(String),
}

fn color(c: &str) -> Color32 {
    let [r, g, b] = glyph::rgb(c);
    Color32::from_rgb(r, g, b)
}

pub fn palette(dark: bool) -> &'static Palette {
    if dark { &glyph::DARK } else { &glyph::LIGHT }
}

fn rect(r: &super::layout::Rect) -> Rect {
    Rect::from_min_size(Pos2::new(r.x, r.y), Vec2::new(r.w.max(1.0), r.h.max(1.0)))
}

/// Draws a class glyph with its box's top left at `at`, scaled by `s`.
pub fn glyph_ui(painter: &egui::Painter, at: Pos2, s: f32, class: Security, c: Color32) {
    let pt = |(x, y): (f32, f32)| at + Vec2::new(x * s, y * s);
    for p in glyph::glyph(class) {
        match p {
            Prim::Fill { x, y, w, h } => {
                painter.rect_filled(
                    Rect::from_min_size(pt((x, y)), Vec2::new(w * s, h * s)),
                    1.0,
                    c,
                );
            }
            Prim::Line { pts, width } => {
                painter.add(egui::Shape::line(
                    pts.into_iter().map(pt).collect(),
                    Stroke::new(width * s, c),
                ));
            }
            Prim::Poly { pts } => {
                painter.add(egui::Shape::convex_polygon(
                    pts.into_iter().map(pt).collect(),
                    c,
                    Stroke::NONE,
                ));
            }
        }
    }
}

fn label_color(p: &Palette, l: &Label) -> Color32 {
    color(glyph::text_color(p, l.tone))
}

/// The legend of the classes drawn, wrapped to the panel; each glyph stays with
/// its words.
pub fn legend_ui(ui: &mut Ui, classes: &[Security]) {
    let p = palette(ui.visuals().dark_mode);
    let text = ui.visuals().text_color();
    ui.horizontal_wrapped(|ui| {
        for c in classes {
            let galley = ui.painter().layout_no_wrap(
                c.describe().to_string(),
                FontId::proportional(11.5),
                text,
            );
            let g = glyph::SIZE;
            let size = Vec2::new(g + 6.0 + galley.size().x + 10.0, g.max(galley.size().y));
            let (r, _) = ui.allocate_exact_size(size, Sense::hover());
            let col = color(glyph::class_color(p, *c));
            glyph_ui(
                ui.painter(),
                r.min + Vec2::new(0.0, (r.height() - g) / 2.0),
                1.0,
                *c,
                col,
            );
            let at = r.min + Vec2::new(g + 6.0, (r.height() - galley.size().y) / 2.0);
            ui.painter().galley(at, galley, text);
        }
    });
}

/// Draws the diagram; `scene_rect` keeps pan and zoom between frames.
pub fn ui(
    ui: &mut Ui,
    layout: &Layout,
    selected: Option<Site>,
    scene_rect: &mut Rect,
) -> Option<Action> {
    let mut action = None;
    egui::Scene::new()
        .zoom_range(0.3..=2.0)
        .show(ui, scene_rect, |ui| {
            let full = Rect::from_min_size(
                Pos2::ZERO,
                Vec2::new(layout.width, layout.height.max(100.0)),
            );
            ui.allocate_rect(full, Sense::hover());
            let visible = ui.clip_rect();
            let p = palette(ui.visuals().dark_mode);
            let selection = ui.visuals().selection.stroke.color;
            for (i, shape) in layout.shapes.iter().enumerate() {
                if !rect(&shape.bounds()).intersects(visible) {
                    continue;
                }
                let is_selected = selected.is_some() && shape.site() == selected;
                if let Some(a) = draw(ui, p, shape, i, is_selected, selection) {
                    action = Some(a);
                }
            }
        });
    action
}

fn draw(
    ui: &mut Ui,
    p: &Palette,
    shape: &Shape,
    i: usize,
    is_selected: bool,
    selection: Color32,
) -> Option<Action> {
    let painter = ui.painter().clone();
    let id = ui.scope_id().with(i);
    match shape {
        Shape::Header {
            rect: r,
            label,
            namespace,
            ..
        } => {
            let r = rect(r);
            painter.text(
                r.left_center(),
                egui::Align2::LEFT_CENTER,
                &label.text,
                FontId::proportional(label.size),
                color(p.text),
            );
            let resp = ui
                .interact(r, id, Sense::click())
                .on_hover_text("Collapse or expand this namespace");
            resp.clicked()
                .then(|| Action::ToggleGroup(namespace.clone()))
        }
        Shape::Node {
            rect: r,
            title,
            lines,
            outline,
            site,
            detail,
            ..
        } => {
            let r = rect(r);
            let stroke = if is_selected {
                Stroke::new(3.0, selection)
            } else if *outline == Tone::Normal {
                Stroke::new(1.0, color(p.line))
            } else {
                Stroke::new(2.5, color(glyph::tone_color(p, *outline)))
            };
            painter.rect(r, 6.0, color(p.node), stroke, StrokeKind::Inside);
            painter.text(
                r.min + Vec2::new(8.0, 5.0),
                egui::Align2::LEFT_TOP,
                &title.text,
                FontId::proportional(title.size),
                color(p.text),
            );
            for (j, l) in lines.iter().enumerate() {
                painter.text(
                    Pos2::new(r.min.x + 8.0, row_y(r.min.y, j)),
                    egui::Align2::LEFT_CENTER,
                    &l.text,
                    FontId::proportional(l.size),
                    label_color(p, l),
                );
            }
            let resp = ui.interact(r, id, Sense::click());
            // Named by the first line of its detail ("ServiceEntry ns/name", the host…).
            let name = detail.lines().next().unwrap_or(title.full.as_str());
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
            let clicked = resp.on_hover_text(detail).clicked();
            site.filter(|_| clicked).map(Action::Select)
        }
        Shape::Edge {
            from,
            to,
            arrow,
            class,
            tone,
            ..
        } => {
            let (a, z) = (Pos2::new(from.0, from.1), Pos2::new(to.0, to.1));
            let c = color(class.map_or(glyph::tone_color(p, *tone), |c| glyph::class_color(p, c)));
            let width = match (is_selected, class.is_some()) {
                (true, _) => 3.0,
                (false, true) => 2.0,
                (false, false) => 1.2,
            };
            let tip = if *arrow { z - Vec2::new(6.0, 0.0) } else { z };
            painter.line_segment([a, tip], Stroke::new(width, c));
            if *arrow {
                painter.add(egui::Shape::convex_polygon(
                    vec![z, z + Vec2::new(-8.0, -4.0), z + Vec2::new(-8.0, 4.0)],
                    c,
                    Stroke::NONE,
                ));
            }
            None
        }
        Shape::Pill {
            rect: r,
            class,
            label,
            site,
        } => {
            let r = rect(r);
            let c = color(glyph::class_color(p, *class));
            let stroke = Stroke::new(if is_selected { 2.0 } else { 1.0 }, c);
            painter.rect(r, 7.0, color(p.background), stroke, StrokeKind::Inside);
            let g = glyph::SIZE * PILL_GLYPH;
            glyph_ui(
                &painter,
                r.min + Vec2::new(4.0, (PILL_H - g) / 2.0),
                PILL_GLYPH,
                *class,
                c,
            );
            painter.text(
                Pos2::new(r.min.x + 6.0 + glyph::SIZE, r.center().y),
                egui::Align2::LEFT_CENTER,
                &label.text,
                FontId::proportional(label.size),
                color(p.text),
            );
            let resp = ui.interact(r, id, Sense::click());
            resp.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, label.full.as_str())
            });
            let clicked = resp
                .on_hover_text(format!("{}\n{}", class.describe(), label.full))
                .clicked();
            site.filter(|_| clicked).map(Action::Select)
        }
    }
}
