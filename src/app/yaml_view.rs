//! The YAML tab: a text editor for the selected document. It shows the document
//! as it will be written (a document edited in the form, patched), and what is
//! typed is the document: every change goes to the session as the document's
//! new text ([`Session::replace_document_text`]), one undo step like a form edit,
//! parsed and judged as it is typed, and saved as typed. The document's findings
//! are marked in a gutter and underlined, with the message on hover. Pasting
//! several documents adds them as new resources after this one.
//!
//! The editor keeps only a draft of the text, rebuilt whenever the document's
//! revision changes (an undo, a form edit), and caches its layout by the text
//! and the session's version.
//!
//! [`Session::replace_document_text`]: crate::session::Session::replace_document_text

use super::EgressStudio;
use super::widgets::severity_color;
use super::yaml_edits;
use super::yaml_layout::{self, Mark};
use crate::session::Session;
use crate::validate::{Severity, Site};
use crate::yaml::{PositionIndex, Revision, text_for_editing};
use egui::text::{CCursor, CCursorRange};
use egui::{Galley, RichText, Ui};
use std::rc::Rc;
use std::sync::Arc;

/// The editor's view state.
#[derive(Default)]
pub struct YamlEditor {
    pub(super) draft: Option<Draft>,
    /// Where to put the cursor when the editor next shows: 1-based line and
    /// column of the editor's text.
    goto: Option<(usize, usize)>,
    /// A cursor (character index) for document `.1` of file `.0`, set when an
    /// edit split the text into several documents.
    pub(super) pending_cursor: Option<(usize, usize, usize)>,
    /// The draft was just made for another document than the last one.
    moved: bool,
    marks: Option<(u64, usize, usize, Rc<Vec<Mark>>)>,
    galley: Option<LaidOut>,
    /// When the text was last changed: a pause in typing starts a new undo step.
    pub(super) last_edit: Option<std::time::Instant>,
}

/// The text being edited, and the document revision it matches.
pub(super) struct Draft {
    pub(super) file: usize,
    pub(super) document: usize,
    pub(super) revision: Revision,
    /// The object selected when the draft began: edits merge at one selection.
    pub(super) item: Option<usize>,
    pub(super) text: String,
    note: String,
}

/// The last layout, valid for this text at this session version and theme.
struct LaidOut {
    text: String,
    version: u64,
    dark: bool,
    galley: Arc<Galley>,
}

impl YamlEditor {
    /// The findings marked in the editor now (for tests and the status line).
    pub fn marks(&self) -> &[Mark] {
        self.marks.as_ref().map_or(&[], |m| m.3.as_slice())
    }

    /// The text in the editor now.
    pub fn text(&self) -> Option<&str> {
        self.draft.as_ref().map(|d| d.text.as_str())
    }

    /// Opens the editor at 1-based `line` and `column` of the document's text.
    pub fn go_to(&mut self, line: usize, column: usize) {
        self.goto = Some((line.max(1), column.max(1)));
    }

    /// Makes the draft match the document at `site`.
    fn sync(&mut self, session: &Session, site: Site) {
        let Some(file) = session.workspace.files.get(site.file) else {
            return;
        };
        let Some(doc) = file.documents.get(site.document) else {
            return;
        };
        if self.draft.as_ref().is_some_and(|d| {
            (d.file, d.document, d.revision) == (site.file, site.document, doc.revision)
        }) {
            return;
        }
        let (text, note) = match crate::yaml::render_document_report(file, doc) {
            Ok((text, _)) if !doc.dirty => (
                text,
                "The text is the document: Save writes exactly what you type.".to_string(),
            ),
            Ok((text, false)) => (
                text,
                "Edited in the form: shown as it will be saved, changed in place.".to_string(),
            ),
            Ok((text, true)) => (
                text,
                "Edited in the form: it will be written from the model, so its comments and layout are not kept.".to_string(),
            ),
            Err(e) => (doc.raw.clone(), format!("Shown as read: {e}")),
        };
        // Another document starts with the cursor at its top.
        self.moved = self
            .draft
            .as_ref()
            .is_none_or(|d| (d.file, d.document) != (site.file, site.document));
        self.draft = Some(Draft {
            file: site.file,
            document: site.document,
            revision: doc.revision,
            item: site.item,
            text: text_for_editing(&text),
            note,
        });
    }

    /// The marks of the document at `site`, for the session's version.
    fn marks_for(&mut self, session: &Session, site: Site) -> Rc<Vec<Mark>> {
        if let Some((v, f, d, marks)) = &self.marks
            && (*v, *f, *d) == (session.version(), site.file, site.document)
        {
            return marks.clone();
        }
        let text = self.draft.as_ref().map_or("", |d| d.text.as_str());
        let marks = Rc::new(marks_of(session, site.file, site.document, text));
        self.marks = Some((session.version(), site.file, site.document, marks.clone()));
        marks
    }
}

/// The findings of one document placed in its editor text.
fn marks_of(session: &Session, file: usize, document: usize, text: &str) -> Vec<Mark> {
    let Some(doc) = session
        .workspace
        .files
        .get(file)
        .and_then(|f| f.documents.get(document))
    else {
        return Vec::new();
    };
    // A document edited in the form is shown patched: its findings are placed
    // by their field in that text.
    let index = std::cell::OnceCell::new();
    let mut marks: Vec<Mark> = session
        .diagnostics
        .iter()
        .filter(|l| l.at.file == file && l.at.document == document)
        .map(|l| {
            let d = &l.diagnostic;
            let item = l.at.item.and_then(|i| doc.items.get(i));
            let (line, column) = match item {
                Some(item) if doc.dirty && !d.path.is_empty() => {
                    let index = index.get_or_init(|| PositionIndex::build(text));
                    let pos = index.find(&format!("{}{}", item.path_prefix(), d.path));
                    (pos.line, pos.column)
                }
                _ => ((l.line + 1).saturating_sub(doc.line).max(1), l.column),
            };
            let at = if d.path.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.path)
            };
            Mark {
                line,
                column,
                severity: d.severity,
                message: format!("{} {}: {}{at}", d.severity.as_str(), d.code, d.message),
            }
        })
        .collect();
    marks.sort_by_key(|m| (m.line, m.column));
    marks
}

/// Character index of 1-based `line` and `column` in `text`.
fn char_of_line(text: &str, line: usize, column: usize) -> usize {
    let mut chars = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']).chars().count();
            return chars + (column - 1).min(body);
        }
        chars += l.chars().count();
    }
    chars
}

/// The editor's widget, one for every document (the cursor follows the text
/// when an edit splits it into several documents).
pub(super) fn editor_id() -> egui::Id {
    egui::Id::unique("yaml-editor")
}

/// The YAML tab; also the Form tab of a document without a form, where a
/// document that does not load shows its error and a link to it instead.
pub fn yaml_ui(app: &mut EgressStudio, ui: &mut Ui, site: Site) {
    if app.tab == super::EditorTab::Form && yaml_edits::load_error_ui(app, ui, site) {
        return;
    }
    app.yaml.sync(&app.session, site);
    let marks = app.yaml.marks_for(&app.session, site);
    let Some(draft) = app.yaml.draft.as_ref() else {
        return;
    };
    let note = draft.note.clone();
    ui.horizontal(|ui| {
        if ui
            .button("Copy")
            .on_hover_text("Copy this document's text to the clipboard")
            .clicked()
        {
            ui.ctx().copy_text(draft.text.clone());
        }
        ui.add(egui::Label::new(note).truncate());
    });
    problems_ui(app, ui, site, &marks);
    let id = editor_id();
    yaml_edits::take_paste(app, ui, site, id);
    editor_ui(app, ui, site, id, &marks);
}

/// The file line of the document's first line: the editor numbers its lines as
/// the file does, as the Diagnostics tab and the CLI do.
pub(super) fn first_line(app: &EgressStudio, site: Site) -> usize {
    app.session
        .workspace
        .files
        .get(site.file)
        .and_then(|f| f.documents.get(site.document))
        .map_or(1, |d| d.line.max(1))
}

/// The findings as clickable lines above the editor (the first few).
fn problems_ui(app: &mut EgressStudio, ui: &mut Ui, site: Site, marks: &[Mark]) {
    const SHOWN: usize = 3;
    let first_line = first_line(app, site);
    for m in marks
        .iter()
        .filter(|m| m.severity > Severity::Info)
        .take(SHOWN)
    {
        let text = format!(
            "line {}, column {}: {}",
            m.line + first_line - 1,
            m.column,
            m.message
        );
        let label = egui::Label::new(RichText::new(text).color(severity_color(ui, m.severity)))
            .truncate()
            .sense(egui::Sense::click());
        if ui
            .add(label)
            .on_hover_text("Go to this line in the editor")
            .clicked()
        {
            app.yaml.go_to(m.line, m.column);
        }
    }
    let more = marks
        .iter()
        .filter(|m| m.severity > Severity::Info)
        .count()
        .saturating_sub(SHOWN);
    if more > 0 {
        let s = if more == 1 { "" } else { "s" };
        ui.weak(format!(
            "and {more} more finding{s}: see the gutter or the Diagnostics panel"
        ));
    }
}

fn editor_ui(app: &mut EgressStudio, ui: &mut Ui, site: Site, id: egui::Id, marks: &[Mark]) {
    let version = app.session.version();
    let first_line = first_line(app, site);
    let dark = ui.visuals().dark_mode;
    // A cursor asked for by a link, or left by an edit that split the text.
    let mut cursor = None;
    if let Some((f, d, c)) = app.yaml.pending_cursor
        && (f, d) == (site.file, site.document)
    {
        cursor = Some(c);
        app.yaml.pending_cursor = None;
    }
    let Some(draft) = app.yaml.draft.as_mut() else {
        return;
    };
    if let Some((line, column)) = app.yaml.goto.take() {
        cursor = Some(char_of_line(&draft.text, line, column));
    }
    if std::mem::take(&mut app.yaml.moved) && cursor.is_none() {
        let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
        state
            .cursor
            .set_char_range(Some(CCursorRange::one(CCursor::new(0))));
        state.store(ui.ctx(), id);
    }
    if let Some(c) = cursor {
        let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
        state
            .cursor
            .set_char_range(Some(CCursorRange::one(CCursor::new(c))));
        state.store(ui.ctx(), id);
        ui.memory_mut(|m| m.request_focus(id));
    }
    // Tab indents with spaces (YAML does not allow tabs there).
    if ui.memory(|m| m.has_focus(id)) {
        ui.input_mut(|i| {
            for e in &mut i.events {
                if let egui::Event::Key {
                    key: egui::Key::Tab,
                    pressed: true,
                    modifiers,
                    ..
                } = e
                    && modifiers.is_none()
                {
                    *e = egui::Event::Text("  ".into());
                }
            }
        });
    }
    let cache = &mut app.yaml.galley;
    let mut layouter = |ui: &Ui, text: &dyn egui::TextBuffer, _wrap: f32| {
        if let Some(c) = cache.as_ref()
            && c.version == version
            && c.dark == dark
            && c.text == text.as_str()
        {
            return c.galley.clone();
        }
        let job = yaml_layout::highlight(ui, text.as_str(), marks);
        let galley = ui.fonts_mut(|f| f.layout_job(job));
        *cache = Some(LaidOut {
            text: text.as_str().to_string(),
            version,
            dark,
            galley: galley.clone(),
        });
        galley
    };
    // Rows as laid out: text ending in a line break has an empty last row.
    let lines = draft.text.split('\n').count();
    let gutter_width = yaml_layout::gutter_width(ui, lines + first_line - 1);
    let row_height = ui.fonts_mut(|f| f.row_height(&yaml_layout::editor_font()));
    let label = ui.label("Document text");
    let mut hovered_line = None;
    let output = egui::ScrollArea::both()
        .id_salt("yaml-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                // The editor fills the tab, so a click below the text still focuses it.
                let rows = lines.max((ui.available_height() / row_height) as usize);
                let height = rows as f32 * row_height + 8.0;
                let (gutter, gutter_response) =
                    ui.allocate_exact_size(egui::vec2(gutter_width, height), egui::Sense::hover());
                let output = egui::TextEdit::multiline(&mut draft.text)
                    .id(id)
                    .font(yaml_layout::editor_font())
                    .lock_focus(true)
                    .desired_width((ui.available_width() - 2.0).max(120.0))
                    .desired_rows(rows)
                    .layouter(&mut layouter)
                    .show(ui);
                output.response.response.clone().labelled_by(label.id);
                let top = output.galley_pos.y;
                hovered_line = yaml_layout::paint_gutter(
                    ui,
                    gutter,
                    &output.galley,
                    top,
                    marks,
                    first_line,
                    gutter_response.hover_pos(),
                );
                if let Some(pos) = output.response.response.hover_pos() {
                    let c = output.galley.cursor_from_pos(pos - output.galley_pos);
                    hovered_line = Some(output.galley.layout_from_cursor(c).row + 1);
                }
                if cursor.is_some()
                    && let Some(range) = output.cursor_range
                {
                    let rect = output
                        .galley
                        .pos_from_cursor(range.primary)
                        .translate(output.galley_pos.to_vec2());
                    ui.scroll_to_rect(rect.expand(24.0), Some(egui::Align::Center));
                }
                output
            })
            .inner
        })
        .inner;
    if let Some(line) = hovered_line {
        let here: Vec<&Mark> = marks.iter().filter(|m| m.line == line).collect();
        if !here.is_empty() {
            egui::Tooltip::always_open(
                ui.ctx().clone(),
                ui.layer_id(),
                id.with("finding"),
                egui::PopupAnchor::Pointer,
            )
            .show(|ui| {
                ui.set_max_width(520.0);
                for m in here {
                    ui.label(RichText::new(&m.message).color(severity_color(ui, m.severity)));
                }
            });
        }
    }
    if output.response.response.changed() {
        yaml_edits::commit(app, id, output.cursor_range);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_characters() {
        let t = "ab\ncdé\n\nx";
        assert_eq!(char_of_line(t, 2, 3), 5);
        assert_eq!(char_of_line(t, 2, 99), 6);
        assert_eq!(char_of_line(t, 4, 1), 8);
    }
}
