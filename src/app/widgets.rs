//! Form building blocks: every field shows its diagnostics beside it and its
//! meaning on hover; lists reorder; wrapper fields have an explicit unset state.
//!
//! A field's findings show as an icon in a gutter kept at the start of its row
//! (the messages on hover, in full in the Diagnostics panel), so fields never
//! move under the pointer while a finding comes and goes as the user types.

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
        Severity::Error => "✖",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

/// Port protocols Istio documents, in the order its docs list them.
const PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP", "MONGO"];
/// Further names Istio's webhook accepts (case-insensitively).
const OTHER_PROTOCOLS: &[&str] = &["GRPC-Web", "HTTP_PROXY", "UDP", "Redis", "MySQL"];

/// Width of the gutter that holds a field's finding icon.
const GUTTER: f32 = 16.0;

/// The width a text field may take: `max`, or less so that `reserve` pixels
/// stay free to its right (for buttons or the icon of a finding).
fn field_width(ui: &Ui, max: f32, reserve: f32) -> f32 {
    (ui.available_width() - reserve).clamp(48.0, max)
}

/// A field's width in a wrapping row that was `full` wide: beside its label
/// when there is room for a usable field, else (it wraps to the next line) as
/// wide as the row allows.
fn fit_width(ui: &Ui, full: f32, max: f32, reserve: f32) -> f32 {
    let beside = ui.available_size_before_wrap().x - reserve;
    if beside >= 140.0 {
        beside.min(max)
    } else {
        (full - reserve - GUTTER - 8.0).clamp(48.0, max)
    }
}

fn last_segment(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

impl Form<'_> {
    /// The resource's own findings (path ""), on one line that is always there
    /// (so nothing below moves as they come and go): the first message, the
    /// rest on hover.
    pub fn resource_line(&self, ui: &mut Ui) {
        let whole: Vec<&Diagnostic> = self.diags.iter().filter(|d| d.path.is_empty()).collect();
        let on_fields = self.diags.len() - whole.len();
        let (text, color, hover) = match whole.first() {
            Some(first) => {
                let more = match whole.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                let all: Vec<String> = whole
                    .iter()
                    .map(|d| format!("{} {}: {}", severity_icon(d.severity), d.code, d.message))
                    .collect();
                (
                    format!(
                        "{} {}: {}{more}",
                        severity_icon(first.severity),
                        first.code,
                        first.message
                    ),
                    severity_color(ui, first.severity),
                    all.join("\n"),
                )
            }
            None if on_fields == 0 => (
                "✔ No findings on this resource".to_string(),
                ui.visuals().weak_text_color(),
                "Nothing the admission webhook, the CRD schema or the analyzers object to".into(),
            ),
            None => (
                format!(
                    "{} on its fields, marked beside them",
                    crate::probe::problem::plural(on_fields, "finding", "findings")
                ),
                ui.visuals().weak_text_color(),
                "Hover a field's icon for its message; the Diagnostics panel lists them all".into(),
            ),
        };
        ui.add(egui::Label::new(RichText::new(text).color(color)).truncate())
            .on_hover_text(hover);
    }

    /// The gutter at the start of a field's row: the icon of its worst finding
    /// (and of `local`, a problem found while typing), messages on hover; empty
    /// space of the same size when there is none.
    pub(super) fn gutter(&self, ui: &mut Ui, path: &str, local: Option<String>) {
        let found: Vec<&Diagnostic> = self.diags.iter().filter(|d| d.path == path).collect();
        let size = egui::vec2(GUTTER, ui.spacing().interact_size.y);
        let worst = found
            .iter()
            .map(|d| d.severity)
            .chain(local.as_ref().map(|_| Severity::Error))
            .max();
        let Some(worst) = worst else {
            ui.allocate_space(size);
            return;
        };
        let lines: Vec<String> = local
            .into_iter()
            .chain(found.iter().map(|d| format!("{}: {}", d.code, d.message)))
            .collect();
        let text = lines.join("\n");
        let icon = RichText::new(severity_icon(worst)).color(severity_color(ui, worst));
        let r = ui.add_sized(size, egui::Label::new(icon).sense(egui::Sense::hover()));
        // Screen readers (and tests) read the messages, not the icon.
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
        r.on_hover_text(text);
    }

    pub(super) fn bring_into_view(&mut self, path: &str, response: &egui::Response) {
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

    pub(super) fn label(ui: &mut Ui, label: &str, path: &str) -> egui::Response {
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
        // A long label puts the field on a line of its own rather than squeeze it.
        let response = ui
            .horizontal_wrapped(|ui| {
                let full = ui.available_width();
                self.gutter(ui, path, None);
                let l = Self::label(ui, label, path);
                let width = fit_width(ui, full, 280.0, 0.0);
                // Named by the field's path: a finding that appears in the gutter
                // while typing must not make it a new widget (and a new undo step).
                ui.add(
                    egui::TextEdit::singleline(&mut s)
                        .id_salt(("field", path))
                        .desired_width(width),
                )
                .labelled_by(l.id)
            })
            .inner;
        if response.changed() {
            *value = if s.is_empty() { None } else { Some(s) };
        }
        self.bring_into_view(path, &response);
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
        let typed = buf.trim().to_string();
        let local = (!typed.is_empty() && typed.parse::<T>().is_err()).then(|| {
            format!(
                "{label}: \"{typed}\" is not a number; type digits, or clear the field to unset it"
            )
        });
        let response = ui
            .horizontal_wrapped(|ui| {
                let full = ui.available_width();
                self.gutter(ui, path, local);
                let l = Self::label(ui, label, path);
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut buf)
                            .id_salt(("field", path))
                            .desired_width(fit_width(ui, full, 120.0, 50.0))
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
            }
        }
        let model_now = value.map(|v| v.to_string()).unwrap_or_default();
        ui.data_mut(|d| d.insert_temp(id, (model_now, buf.clone())));
        self.bring_into_view(path, &response);
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
                self.gutter(ui, path, None);
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
                self.gutter(ui, path, None);
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
    }

    /// A port's `protocol`: the names Istio's webhook accepts, the documented
    /// ones first, and "unset" (protocol sniffing). A value from a file that is
    /// none of them is shown as written (its finding says what to change).
    pub fn protocol(&mut self, ui: &mut Ui, label: &str, path: &str, value: &mut Option<String>) {
        let current = value.clone();
        let known = |v: &str| {
            PROTOCOLS
                .iter()
                .chain(OTHER_PROTOCOLS)
                .any(|p| p.eq_ignore_ascii_case(v))
        };
        let shown = current.clone().unwrap_or_else(|| "unset".into());
        let response = ui
            .horizontal(|ui| {
                self.gutter(ui, path, None);
                let l = Self::label(ui, label, path);
                egui::ComboBox::from_id_salt(("protocol", path))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        if let Some(v) = current.as_deref().filter(|v| !known(v)) {
                            ui.selectable_value(value, Some(v.to_string()), v)
                                .on_hover_text("As written in the file; Istio does not accept it");
                        }
                        ui.selectable_value(value, None, "unset").on_hover_text(
                            "No protocol: the sidecar sniffs it from the first bytes",
                        );
                        for p in PROTOCOLS.iter().chain(OTHER_PROTOCOLS) {
                            // A known name written in other case stays as written.
                            let same = current
                                .as_deref()
                                .is_some_and(|v| v.eq_ignore_ascii_case(p));
                            let text = if same {
                                current.clone().unwrap_or_default()
                            } else {
                                p.to_string()
                            };
                            if OTHER_PROTOCOLS.first() == Some(p) {
                                ui.separator();
                            }
                            ui.selectable_value(value, Some(text.clone()), text);
                        }
                    })
                    .response
                    .labelled_by(l.id)
            })
            .inner;
        self.bring_into_view(path, &response);
    }

    /// A list of strings with add / remove / reorder.
    pub fn string_list(&mut self, ui: &mut Ui, label: &str, path: &str, items: &mut Vec<String>) {
        ui.horizontal_wrapped(|ui| {
            self.gutter(ui, path, None);
            Self::label(ui, label, path);
            if ui.small_button(format!("+ add to {label}")).clicked() {
                items.push(String::new());
            }
        });
        let mut action = None;
        for i in 0..items.len() {
            let p = format!("{path}[{i}]");
            ui.push_id(i, |ui| {
                let response = ui
                    .horizontal(|ui| {
                        ui.add_space(8.0);
                        self.gutter(ui, &p, None);
                        let l = ui.label(format!("{label} {}", i + 1));
                        // The move and remove buttons keep their room at any width.
                        let width = field_width(ui, 260.0, ROW_BUTTONS);
                        let r = ui
                            .add(
                                egui::TextEdit::singleline(&mut items[i])
                                    .id_salt(("field", &p))
                                    .desired_width(width),
                            )
                            .labelled_by(l.id);
                        action = row_buttons(ui, i, items.len()).or(action);
                        r
                    })
                    .inner;
                self.bring_into_view(&p, &response);
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
        ui.horizontal_wrapped(|ui| {
            self.gutter(ui, path, None);
            Self::label(ui, label, path);
            if ui.small_button(format!("+ add to {label}")).clicked() {
                let mut n = map.len() + 1;
                while map.contains_key(&format!("key{n}")) {
                    n += 1;
                }
                map.insert(format!("key{n}"), String::new());
            }
        });
        let mut rows: Vec<(String, String)> =
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut changed = false;
        let mut remove = None;
        for (i, (k, v)) in rows.iter_mut().enumerate() {
            let p = crate::yaml::join_key(path, k);
            ui.push_id(i, |ui| {
                ui.horizontal(|ui| {
                    ui.add_space(8.0);
                    self.gutter(ui, &p, None);
                    // Key and value share what is left after the labels and the remove button.
                    let width = ((ui.available_width() - 140.0) / 2.0).clamp(48.0, 160.0);
                    let lk = ui.label("key");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(k)
                                .id_salt(("key", path, i))
                                .desired_width(width),
                        )
                        .labelled_by(lk.id)
                        .changed();
                    let lv = ui.label("value");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(v)
                                .id_salt(("value", path, i))
                                .desired_width(width),
                        )
                        .labelled_by(lv.id)
                        .changed();
                    if ui.small_button("✖").on_hover_text("Remove").clicked() {
                        remove = Some(i);
                    }
                });
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
        ui.horizontal_wrapped(|ui| {
            self.gutter(ui, path, None);
            Self::label(ui, label, path);
            if ui.button(format!("+ Add {item_label}")).clicked() {
                items.push(T::default());
            }
        });
        let mut action = None;
        let len = items.len();
        for (i, item) in items.iter_mut().enumerate() {
            let p = format!("{path}[{i}]");
            ui.push_id(i, |ui| {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    let header = ui
                        .horizontal(|ui| {
                            self.gutter(ui, &p, None);
                            let r = ui.strong(format!("{item_label} {}", i + 1));
                            action = row_buttons(ui, i, len).or(action);
                            r
                        })
                        .inner;
                    self.bring_into_view(&p, &header);
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
                self.gutter(ui, path, None);
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
        if let Some(v) = value {
            ui.indent(("opt", path), |ui| body(self, ui, v));
        }
    }

    /// A collapsible section; opens itself when a clicked diagnostic lies inside.
    /// It starts open when `set` (its fields hold something), else collapsed.
    pub fn section(
        &mut self,
        ui: &mut Ui,
        title: &str,
        path: &str,
        set: bool,
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
            .default_open(set)
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

/// Room kept at the end of a list row for its three buttons.
const ROW_BUTTONS: f32 = 124.0;

fn row_buttons(ui: &mut Ui, i: usize, len: usize) -> Option<RowAction> {
    let mut action = None;
    if ui
        .add_enabled(i > 0, egui::Button::new("⬆").small())
        .on_hover_text("Move up")
        .clicked()
    {
        action = Some(RowAction::Up(i));
    }
    if ui
        .add_enabled(i + 1 < len, egui::Button::new("⬇").small())
        .on_hover_text("Move down")
        .clicked()
    {
        action = Some(RowAction::Down(i));
    }
    if ui.small_button("✖").on_hover_text("Remove").clicked() {
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
