//! Form building blocks: every field shows its diagnostics beside it and its
//! meaning on hover; lists reorder; wrapper fields have an explicit unset state.

use super::help::field_help;
use crate::validate::{Diagnostic, IstioVersion, Severity};
use egui::{Color32, RichText, Ui};
use indexmap::IndexMap;
use std::fmt::Display;
use std::str::FromStr;

/// State shared by every field of one form.
pub struct Form<'a> {
    /// Diagnostics of the resource being edited (paths relative to it).
    pub diags: &'a [Diagnostic],
    /// A field path to bring into view, set by clicking a diagnostic.
    pub scroll_to: &'a mut Option<String>,
    pub version: IstioVersion,
}

pub fn severity_color(ui: &Ui, s: Severity) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (s, dark) {
        (Severity::Error, true) => Color32::from_rgb(255, 110, 100),
        (Severity::Error, false) => Color32::from_rgb(190, 20, 20),
        (Severity::Warning, true) => Color32::from_rgb(240, 190, 60),
        (Severity::Warning, false) => Color32::from_rgb(160, 100, 0),
        (Severity::Info, true) => Color32::from_rgb(120, 170, 240),
        (Severity::Info, false) => Color32::from_rgb(30, 90, 180),
    }
}

pub fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Info => "i",
    }
}

fn last_segment(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

impl Form<'_> {
    /// Diagnostics whose path is exactly `path`, shown under the field.
    pub fn diagnostics(&self, ui: &mut Ui, path: &str) {
        for d in self.diags.iter().filter(|d| d.path == path) {
            let text = format!("{} {}: {}", severity_icon(d.severity), d.code, d.message);
            ui.label(RichText::new(text).color(severity_color(ui, d.severity)));
        }
    }

    fn bring_into_view(&mut self, path: &str, response: &egui::Response) {
        if self.scroll_to.as_deref() == Some(path) {
            response.scroll_to_me(Some(egui::Align::Center));
            response.request_focus();
            *self.scroll_to = None;
        }
    }

    /// True when the scroll target lies under `path` (so its section must open).
    pub fn target_under(&self, path: &str) -> bool {
        self.scroll_to.as_deref().is_some_and(|t| {
            t == path || t.starts_with(&format!("{path}.")) || t.starts_with(&format!("{path}["))
        })
    }

    fn label(ui: &mut Ui, label: &str, path: &str) -> egui::Response {
        let help = field_help(last_segment(path));
        let r = ui.label(label);
        if help.is_empty() {
            r
        } else {
            r.on_hover_text(format!("{path}\n\n{help}"))
        }
    }

    /// A string field; empty means unset.
    pub fn text(&mut self, ui: &mut Ui, label: &str, path: &str, value: &mut Option<String>) {
        let mut s = value.clone().unwrap_or_default();
        let response = ui
            .horizontal(|ui| {
                let l = Self::label(ui, label, path);
                ui.add(egui::TextEdit::singleline(&mut s).desired_width(280.0))
                    .labelled_by(l.id)
            })
            .inner;
        if response.changed() {
            *value = if s.is_empty() { None } else { Some(s) };
        }
        self.bring_into_view(path, &response);
        self.diagnostics(ui, path);
    }

    /// A number (or float) field with an explicit unset state: empty text means unset.
    pub fn number<T: FromStr + Display + Copy + PartialEq>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &str,
        value: &mut Option<T>,
    ) {
        let id = ui.make_persistent_id(("num", path));
        let shown = value.map(|v| v.to_string()).unwrap_or_default();
        // Keep what the user typed while it does not parse.
        let mut buf: String = ui
            .data(|d| d.get_temp::<(String, String)>(id))
            .filter(|(model, _)| *model == shown)
            .map(|(_, b)| b)
            .unwrap_or_else(|| shown.clone());
        let mut bad = false;
        let response = ui
            .horizontal(|ui| {
                let l = Self::label(ui, label, path);
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut buf)
                            .desired_width(120.0)
                            .hint_text("unset"),
                    )
                    .labelled_by(l.id);
                if value.is_some()
                    && ui
                        .small_button("unset")
                        .on_hover_text("Remove this field")
                        .clicked()
                {
                    *value = None;
                    buf.clear();
                }
                r
            })
            .inner;
        if response.changed() {
            let t = buf.trim();
            if t.is_empty() {
                *value = None;
            } else if let Ok(v) = t.parse::<T>() {
                *value = Some(v);
            } else {
                bad = true;
            }
        }
        let model_now = value.map(|v| v.to_string()).unwrap_or_default();
        ui.data_mut(|d| d.insert_temp(id, (model_now, buf.clone())));
        if bad || (!buf.trim().is_empty() && buf.trim().parse::<T>().is_err()) {
            ui.label(
                RichText::new(format!(
                    "E {:?} is not a valid number for {label}",
                    buf.trim()
                ))
                .color(severity_color(ui, Severity::Error))
                .small(),
            );
        }
        self.bring_into_view(path, &response);
        self.diagnostics(ui, path);
    }

    /// A wrapped bool: unset / true / false.
    pub fn flag(&mut self, ui: &mut Ui, label: &str, path: &str, value: &mut Option<bool>) {
        let text = |v: Option<bool>| match v {
            None => "unset",
            Some(true) => "true",
            Some(false) => "false",
        };
        let response = ui
            .horizontal(|ui| {
                let l = Self::label(ui, label, path);
                egui::ComboBox::from_id_salt(("flag", path))
                    .selected_text(text(*value))
                    .show_ui(ui, |ui| {
                        for v in [None, Some(true), Some(false)] {
                            ui.selectable_value(value, v, text(v));
                        }
                    })
                    .response
                    .labelled_by(l.id)
            })
            .inner;
        self.bring_into_view(path, &response);
        self.diagnostics(ui, path);
    }

    /// An enum as a combo box offering the given values (and unset).
    pub fn choice<E: Copy + PartialEq + Display>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &str,
        value: &mut Option<E>,
        options: &[E],
    ) {
        let shown = value
            .map(|v| v.to_string())
            .unwrap_or_else(|| "unset".into());
        let response = ui
            .horizontal(|ui| {
                let l = Self::label(ui, label, path);
                egui::ComboBox::from_id_salt(("choice", path))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(value, None, "unset");
                        for o in options {
                            ui.selectable_value(value, Some(*o), o.to_string());
                        }
                    })
                    .response
                    .labelled_by(l.id)
            })
            .inner;
        self.bring_into_view(path, &response);
        self.diagnostics(ui, path);
    }

    /// A list of strings with add / remove / reorder.
    pub fn string_list(&mut self, ui: &mut Ui, label: &str, path: &str, items: &mut Vec<String>) {
        ui.horizontal(|ui| {
            Self::label(ui, label, path);
            if ui.small_button(format!("+ add to {label}")).clicked() {
                items.push(String::new());
            }
        });
        self.diagnostics(ui, path);
        let mut action = None;
        for i in 0..items.len() {
            let p = format!("{path}[{i}]");
            ui.push_id(i, |ui| {
                let response = ui
                    .horizontal(|ui| {
                        ui.add_space(16.0);
                        let l = ui.label(format!("{label} {}", i + 1));
                        let r = ui
                            .add(egui::TextEdit::singleline(&mut items[i]).desired_width(260.0))
                            .labelled_by(l.id);
                        action = row_buttons(ui, i, items.len()).or(action);
                        r
                    })
                    .inner;
                self.bring_into_view(&p, &response);
                self.diagnostics(ui, &p);
            });
        }
        apply(items, action);
    }

    /// A string map (labels) as key–value rows.
    pub fn string_map(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &str,
        map: &mut IndexMap<String, String>,
    ) {
        ui.horizontal(|ui| {
            Self::label(ui, label, path);
            if ui.small_button(format!("+ add to {label}")).clicked() {
                let mut n = map.len() + 1;
                while map.contains_key(&format!("key{n}")) {
                    n += 1;
                }
                map.insert(format!("key{n}"), String::new());
            }
        });
        self.diagnostics(ui, path);
        let mut rows: Vec<(String, String)> =
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut changed = false;
        let mut remove = None;
        for (i, (k, v)) in rows.iter_mut().enumerate() {
            let p = crate::yaml::join_key(path, k);
            ui.push_id(i, |ui| {
                ui.horizontal(|ui| {
                    ui.add_space(16.0);
                    let lk = ui.label("key");
                    changed |= ui
                        .add(egui::TextEdit::singleline(k).desired_width(160.0))
                        .labelled_by(lk.id)
                        .changed();
                    let lv = ui.label("value");
                    changed |= ui
                        .add(egui::TextEdit::singleline(v).desired_width(160.0))
                        .labelled_by(lv.id)
                        .changed();
                    if ui.small_button("×").on_hover_text("Remove").clicked() {
                        remove = Some(i);
                    }
                });
                self.diagnostics(ui, &p);
            });
        }
        if let Some(i) = remove {
            rows.remove(i);
            changed = true;
        }
        if changed {
            let mut new = IndexMap::new();
            for (k, v) in rows {
                // A key edited into a duplicate keeps the first entry, as YAML readers do.
                new.entry(k).or_insert(v);
            }
            *map = new;
        }
    }

    /// A list of messages: each item in a frame with move / remove buttons.
    pub fn list<T: Default>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        item_label: &str,
        path: &str,
        items: &mut Vec<T>,
        mut item_ui: impl FnMut(&mut Self, &mut Ui, &str, &mut T),
    ) {
        ui.horizontal(|ui| {
            Self::label(ui, label, path);
            if ui.button(format!("+ Add {item_label}")).clicked() {
                items.push(T::default());
            }
        });
        self.diagnostics(ui, path);
        let mut action = None;
        let len = items.len();
        for (i, item) in items.iter_mut().enumerate() {
            let p = format!("{path}[{i}]");
            ui.push_id(i, |ui| {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    let header = ui
                        .horizontal(|ui| {
                            let r = ui.strong(format!("{item_label} {}", i + 1));
                            action = row_buttons(ui, i, len).or(action);
                            r
                        })
                        .inner;
                    self.bring_into_view(&p, &header);
                    self.diagnostics(ui, &p);
                    item_ui(self, ui, &p, item);
                });
            });
        }
        apply(items, action);
    }

    /// An optional message: a checkbox adds or removes it; its fields show when present.
    pub fn optional<T: Default>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &str,
        value: &mut Option<T>,
        body: impl FnOnce(&mut Self, &mut Ui, &mut T),
    ) {
        let mut on = value.is_some();
        let response = ui
            .horizontal(|ui| {
                let r = ui.checkbox(&mut on, label);
                let help = field_help(last_segment(path));
                if !help.is_empty() {
                    r.on_hover_text(format!("{path}\n\n{help}"))
                } else {
                    r
                }
            })
            .inner;
        if on != value.is_some() {
            *value = if on { Some(T::default()) } else { None };
        }
        self.bring_into_view(path, &response);
        self.diagnostics(ui, path);
        if let Some(v) = value {
            ui.indent(("opt", path), |ui| body(self, ui, v));
        }
    }

    /// A collapsible section; opens itself when a clicked diagnostic lies inside.
    pub fn section(
        &mut self,
        ui: &mut Ui,
        title: &str,
        path: &str,
        body: impl FnOnce(&mut Self, &mut Ui),
    ) {
        let count = self
            .diags
            .iter()
            .filter(|d| {
                d.path == path
                    || d.path.starts_with(&format!("{path}."))
                    || d.path.starts_with(&format!("{path}["))
            })
            .count();
        let heading = if count > 0 {
            format!("{title}  ({count})")
        } else {
            title.to_string()
        };
        let open = self.target_under(path).then_some(true);
        egui::CollapsingHeader::new(heading)
            .id_salt(("section", path))
            .default_open(true)
            .open(open)
            .show(ui, |ui| body(self, ui));
    }
}

#[derive(Clone, Copy)]
enum RowAction {
    Up(usize),
    Down(usize),
    Remove(usize),
}

fn row_buttons(ui: &mut Ui, i: usize, len: usize) -> Option<RowAction> {
    let mut action = None;
    if ui
        .add_enabled(i > 0, egui::Button::new("up").small())
        .on_hover_text("Move up")
        .clicked()
    {
        action = Some(RowAction::Up(i));
    }
    if ui
        .add_enabled(i + 1 < len, egui::Button::new("down").small())
        .on_hover_text("Move down")
        .clicked()
    {
        action = Some(RowAction::Down(i));
    }
    if ui.small_button("×").on_hover_text("Remove").clicked() {
        action = Some(RowAction::Remove(i));
    }
    action
}

fn apply<T>(items: &mut Vec<T>, action: Option<RowAction>) {
    match action {
        Some(RowAction::Up(i)) if i > 0 => items.swap(i, i - 1),
        Some(RowAction::Down(i)) if i + 1 < items.len() => items.swap(i, i + 1),
        Some(RowAction::Remove(i)) if i < items.len() => {
            items.remove(i);
        }
        _ => {}
    }
}
