//! The YAML tab: the selected resource as it will be written, highlighted and
//! copyable; a document that failed to parse shows its raw text with the error line.

use super::EgressStudio;
use super::widgets::severity_color;
use crate::validate::{Severity, Site};
use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat, Ui};

struct Palette {
    key: Color32,
    string: Color32,
    number: Color32,
    comment: Color32,
    punct: Color32,
    text: Color32,
    error_bg: Color32,
}

fn palette(ui: &Ui) -> Palette {
    if ui.visuals().dark_mode {
        Palette {
            key: Color32::from_rgb(130, 190, 255),
            string: Color32::from_rgb(206, 170, 120),
            number: Color32::from_rgb(170, 215, 150),
            comment: Color32::from_rgb(120, 130, 120),
            punct: Color32::from_rgb(160, 160, 160),
            text: Color32::from_rgb(220, 220, 220),
            error_bg: Color32::from_rgb(90, 30, 30),
        }
    } else {
        Palette {
            key: Color32::from_rgb(20, 80, 170),
            string: Color32::from_rgb(150, 70, 20),
            number: Color32::from_rgb(30, 120, 40),
            comment: Color32::from_rgb(110, 120, 110),
            punct: Color32::from_rgb(90, 90, 90),
            text: Color32::from_rgb(30, 30, 30),
            error_bg: Color32::from_rgb(255, 215, 215),
        }
    }
}

/// Lays out YAML with simple token colours; `error_line` (1-based, within `text`) is marked.
pub fn highlight(ui: &Ui, text: &str, error_line: Option<usize>) -> LayoutJob {
    let p = palette(ui);
    let font = FontId::monospace(13.0);
    let mut job = LayoutJob::default();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bg = if error_line == Some(i + 1) {
            p.error_bg
        } else {
            Color32::TRANSPARENT
        };
        let fmt = |color| TextFormat {
            font_id: font.clone(),
            color,
            background: bg,
            ..Default::default()
        };
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        job.append(indent, 0.0, fmt(p.text));
        if trimmed.starts_with('#') {
            job.append(trimmed, 0.0, fmt(p.comment));
            continue;
        }
        let (body, comment) = match trimmed.find(" #") {
            Some(i) => trimmed.split_at(i),
            None => (trimmed, ""),
        };
        let mut rest = body;
        if let Some(r) = rest.strip_prefix("- ") {
            job.append("- ", 0.0, fmt(p.punct));
            rest = r;
        }
        if let Some(colon) = rest.find(": ").or_else(|| {
            rest.trim_end()
                .ends_with(':')
                .then(|| rest.trim_end().len() - 1)
        }) {
            let (k, v) = rest.split_at(colon);
            job.append(k, 0.0, fmt(p.key));
            job.append(":", 0.0, fmt(p.punct));
            rest = &v[1..];
        }
        let value = rest.trim();
        let color = if value.starts_with(['"', '\'']) {
            p.string
        } else if value.parse::<f64>().is_ok() || matches!(value, "true" | "false" | "null") {
            p.number
        } else {
            p.text
        };
        job.append(rest, 0.0, fmt(color));
        if !comment.is_empty() {
            job.append(comment, 0.0, fmt(p.comment));
        }
    }
    job
}

pub fn yaml_ui(app: &mut EgressStudio, ui: &mut Ui, site: Site) {
    let file = &app.session.workspace.files[site.file];
    let doc = &file.documents[site.document];
    let (text, error_line, message) = if let Some(err) = &doc.error {
        (
            doc.raw.clone(),
            Some(err.pos.line + 1 - doc.line),
            Some(format!(
                "line {}, column {}: {}",
                err.pos.line, err.pos.column, err.message
            )),
        )
    } else {
        let item = site.item.and_then(|i| doc.items.get(i));
        match item.map(|i| &i.resource) {
            Some(Err(err)) => (
                doc.raw.clone(),
                Some(err.pos.line + 1 - doc.line),
                Some(format!(
                    "line {}, column {}: {}",
                    err.pos.line, err.pos.column, err.message
                )),
            ),
            Some(Ok(r)) if doc.dirty || doc.list_envelope.is_some() => {
                match r.to_value().and_then(|v| serde_yaml::to_string(&v)) {
                    Ok(t) => (t, None, None),
                    Err(e) => (String::new(), None, Some(e.to_string())),
                }
            }
            _ => (doc.raw.clone(), None, None),
        }
    };
    ui.horizontal(|ui| {
        if ui
            .button("Copy")
            .on_hover_text("Copy this YAML to the clipboard")
            .clicked()
        {
            ui.ctx().copy_text(text.clone());
        }
        if doc.dirty {
            ui.label("edited: written from the model on save");
        } else {
            ui.label("unchanged: saved byte for byte");
        }
    });
    if let Some(m) = &message {
        ui.label(egui::RichText::new(format!("E {m}")).color(severity_color(ui, Severity::Error)));
    }
    let job = highlight(ui, &text, error_line);
    egui::ScrollArea::both()
        .id_salt(("yaml", site.file, site.document))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add(egui::Label::new(job).selectable(true).extend());
        });
}
