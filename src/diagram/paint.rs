//! The layout drawn with egui inside a pan-and-zoom scene. Only what is visible
//! is painted; clicking a node or an edge selects its resource.

use super::layout::{LINE_H, Layout, Shape, Tone};
use super::svg::{DARK, LIGHT, Palette};
use crate::validate::Site;
use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

pub enum Action {
    Select(Site),
    ToggleGroup(String),
}

fn hex(c: &str) -> Color32 {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap_or(0x808080);
    Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

fn palette(ui: &Ui) -> &'static Palette {
    if ui.visuals().dark_mode {
        &DARK
    } else {
        &LIGHT
    }
}

fn tone_color(p: &Palette, t: Tone) -> Color32 {
    hex(super::svg::color(p, t))
}

fn rect(r: &super::layout::Rect) -> Rect {
    Rect::from_min_size(Pos2::new(r.x, r.y), Vec2::new(r.w, r.h))
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
        .zoom_range(0.2..=2.0)
        .show(ui, scene_rect, |ui| {
            let full = Rect::from_min_size(
                Pos2::ZERO,
                Vec2::new(layout.width, layout.height.max(100.0)),
            );
            ui.allocate_rect(full, Sense::hover());
            let visible = ui.clip_rect();
            let p = palette(ui);
            let painter = ui.painter().clone();
            let text = hex(p.text);
            let font = FontId::proportional(12.0);
            let bold = FontId::proportional(12.5);
            for (i, shape) in layout.shapes.iter().enumerate() {
                let b = shape.bounds();
                let bounds =
                    Rect::from_min_size(Pos2::new(b.x, b.y), Vec2::new(b.w.max(1.0), b.h.max(1.0)));
                if !bounds.intersects(visible) {
                    continue;
                }
                let is_selected = selected.is_some() && shape.site() == selected;
                match shape {
                    Shape::Header {
                        rect: r,
                        text: t,
                        namespace,
                        ..
                    } => {
                        let r = rect(r);
                        let resp = ui.interact(r, ui.scope_id().with(("hdr", i)), Sense::click());
                        painter.text(
                            r.left_center(),
                            egui::Align2::LEFT_CENTER,
                            t,
                            FontId::proportional(13.5),
                            text,
                        );
                        if resp
                            .on_hover_text("Collapse or expand this namespace")
                            .clicked()
                        {
                            action = Some(Action::ToggleGroup(namespace.clone()));
                        }
                    }
                    Shape::Node {
                        rect: r,
                        title,
                        lines,
                        outline,
                        site,
                        detail,
                    } => {
                        let r = rect(r);
                        let stroke = if is_selected {
                            Stroke::new(3.0, ui.visuals().selection.stroke.color)
                        } else if *outline == Tone::Normal {
                            Stroke::new(1.0, hex(p.line))
                        } else {
                            Stroke::new(2.5, tone_color(p, *outline))
                        };
                        painter.rect(r, 6.0, hex(p.node), stroke, StrokeKind::Inside);
                        painter.text(
                            r.min + Vec2::new(8.0, 6.0),
                            egui::Align2::LEFT_TOP,
                            title,
                            bold.clone(),
                            text,
                        );
                        for (j, (line, t)) in lines.iter().enumerate() {
                            let c = if *t == Tone::Normal {
                                text
                            } else {
                                tone_color(p, *t)
                            };
                            painter.text(
                                r.min + Vec2::new(8.0, 26.0 + j as f32 * LINE_H),
                                egui::Align2::LEFT_TOP,
                                line,
                                font.clone(),
                                c,
                            );
                        }
                        let resp = ui.interact(r, ui.scope_id().with(("node", i)), Sense::click());
                        resp.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, title.as_str())
                        });
                        if resp.on_hover_text(detail).clicked()
                            && let Some(s) = site
                        {
                            action = Some(Action::Select(*s));
                        }
                    }
                    Shape::Edge {
                        from,
                        to,
                        label,
                        tone,
                        site,
                    } => {
                        let (a, z) = (Pos2::new(from.0, from.1), Pos2::new(to.0, to.1));
                        let width = if is_selected { 3.0 } else { 1.5 };
                        let c = tone_color(p, *tone);
                        painter.line_segment([a, z], Stroke::new(width, c));
                        let dir = (z - a).normalized();
                        let normal = Vec2::new(-dir.y, dir.x);
                        painter.add(egui::Shape::convex_polygon(
                            vec![
                                z,
                                z - dir * 9.0 + normal * 4.0,
                                z - dir * 9.0 - normal * 4.0,
                            ],
                            c,
                            Stroke::NONE,
                        ));
                        let n = label.len() as f32;
                        for (j, (line, t)) in label.iter().enumerate() {
                            let lc = if *t == Tone::Normal {
                                text
                            } else {
                                tone_color(p, *t)
                            };
                            let y = from.1 - 4.0 - (n - j as f32) * LINE_H;
                            painter.text(
                                Pos2::new(from.0 + 6.0, y),
                                egui::Align2::LEFT_TOP,
                                line,
                                FontId::proportional(11.0),
                                lc,
                            );
                        }
                        let hit = Rect::from_two_pos(a, z)
                            .expand2(Vec2::new(0.0, 6.0 + n * LINE_H / 2.0))
                            .translate(Vec2::new(0.0, -n * LINE_H / 2.0));
                        let resp =
                            ui.interact(hit, ui.scope_id().with(("edge", i)), Sense::click());
                        let detail: Vec<&str> = label.iter().map(|(l, _)| l.as_str()).collect();
                        if resp.on_hover_text(detail.join("\n")).clicked()
                            && let Some(s) = site
                        {
                            action = Some(Action::Select(*s));
                        }
                    }
                }
            }
        });
    action
}
