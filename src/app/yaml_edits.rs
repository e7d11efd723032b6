//! What the YAML editor does with the session: the typed text becomes the
//! document's new text (the editor follows the cursor when the text splits into
//! several documents), a paste of several documents adds resources, and the
//! Form tab of a document that does not load links to its error.

use super::EgressStudio;
use super::widgets::severity_color;
use crate::session::history::MergeKey;
use crate::validate::{Severity, Site};
use crate::yaml::{is_blank_document, split_documents, text_for_editing};
use egui::text::CCursorRange;
use egui::{RichText, Ui};

/// True when `text` holds more than one document.
fn several_documents(text: &str) -> bool {
    split_documents(text)
        .iter()
        .filter(|s| !is_blank_document(&text[s.span.clone()]))
        .count()
        > 1
}

/// Byte offset of character `index` in `text`.
fn byte_of_char(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(b, _)| b)
}

/// A pause in typing longer than this ends the undo step.
const UNDO_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

fn merge_key(app: &EgressStudio, widget: egui::Id) -> MergeKey {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&(widget, app.focus_epoch), &mut h);
    MergeKey(std::hash::Hasher::finish(&h))
}

/// A paste of several documents into the editor adds them as new resources
/// after this document instead of inserting them into its text (unless the
/// paste replaces the whole text).
pub(super) fn take_paste(app: &mut EgressStudio, ui: &mut Ui, site: Site, id: egui::Id) {
    if !ui.memory(|m| m.has_focus(id)) {
        return;
    }
    let Some(draft) = app.yaml.draft.as_ref() else {
        return;
    };
    let all = draft.text.chars().count();
    let replaces_all = draft.text.trim().is_empty()
        || egui::TextEdit::load_state(ui.ctx(), id)
            .and_then(|s| s.cursor.char_range())
            .is_some_and(|r| {
                let (a, b) = (r.primary.index.0, r.secondary.index.0);
                a.min(b) == 0 && a.max(b) >= all
            });
    if replaces_all {
        return;
    }
    let pasted = ui.input_mut(|i| {
        let mut found = None;
        i.events.retain(|e| match e {
            egui::Event::Paste(t) if found.is_none() && several_documents(t) => {
                found = Some(t.clone());
                false
            }
            _ => true,
        });
        found
    });
    let Some(text) = pasted else {
        return;
    };
    match app
        .session
        .insert_documents_text(site.file, Some(site.document), &text)
    {
        Ok(sites) => {
            let names: Vec<String> = sites
                .iter()
                .filter_map(|s| {
                    let doc = &app.session.workspace.files[s.file].documents[s.document];
                    let item = doc.items.get(s.item?)?;
                    Some(format!("{} {}", item.kind, item.name))
                })
                .collect();
            let n = sites.len();
            let what = if n == 1 { "resource" } else { "resources" };
            let text = format!(
                "Added {n} {what} from the pasted text: {}",
                names.join(", ")
            );
            app.notice(false, text);
        }
        Err(e) => app.notice(true, format!("The pasted documents were not added: {e}")),
    }
}

/// Gives the session the draft as the document's new text.
pub(super) fn commit(app: &mut EgressStudio, id: egui::Id, cursor: Option<CCursorRange>) {
    // Typing merges into one undo step; a pause of more than a second starts
    // the next one, so two separate changes are undone one at a time.
    let now = std::time::Instant::now();
    if app
        .yaml
        .last_edit
        .is_some_and(|t| now.duration_since(t) > UNDO_PAUSE)
    {
        app.focus_epoch += 1;
    }
    app.yaml.last_edit = Some(now);
    let merge = Some(merge_key(app, id));
    let Some(draft) = app.yaml.draft.as_mut() else {
        return;
    };
    let (file, document) = (draft.file, draft.document);
    let selection = Some(Site {
        file,
        document,
        item: draft.item,
    });
    let text = draft.text.clone();
    let result = app
        .session
        .replace_document_text(file, document, &text, selection, merge);
    let placed = match result {
        Ok(p) => p,
        Err(e) => {
            app.notice(true, format!("The text was not applied: {e}"));
            return;
        }
    };
    if let [one] = placed.as_slice()
        && let Some(doc) = app
            .session
            .workspace
            .files
            .get(file)
            .and_then(|f| f.documents.get(one.document))
    {
        // The draft is the document now (the session may have added a `---`
        // line or a final line break it needs).
        let now = text_for_editing(&doc.raw);
        if let Some(draft) = app.yaml.draft.as_mut() {
            draft.revision = doc.revision;
            if now != draft.text {
                draft.text = now;
            }
        }
        return;
    }
    // Several documents: the editor follows the cursor into the one it is in.
    let at = cursor.map_or(text.len(), |c| byte_of_char(&text, c.primary.index.0));
    let Some(p) = placed
        .iter()
        .find(|p| p.from.contains(&at))
        .or(placed.last())
    else {
        return;
    };
    let within = text[p.from.start..at.max(p.from.start)].chars().count();
    app.session.selected = app.session.fit_selection(Site {
        file,
        document: p.document,
        item: None,
    });
    app.yaml.pending_cursor = Some((file, p.document, within));
    app.yaml.draft = None;
}

/// The Form tab of a document that did not load: its error, with a link that
/// opens the YAML tab at the error. Returns false when the selection loaded.
pub fn load_error_ui(app: &mut EgressStudio, ui: &mut Ui, site: Site) -> bool {
    let Some(doc) = app
        .session
        .workspace
        .files
        .get(site.file)
        .and_then(|f| f.documents.get(site.document))
    else {
        return false;
    };
    let error = doc.error.as_ref().or_else(|| {
        site.item
            .and_then(|i| doc.items.get(i))
            .and_then(|item| item.resource.as_ref().err())
    });
    let Some(error) = error else {
        return false;
    };
    // The editor's line, and the file's (what the Diagnostics tab says).
    let line = (error.pos.line + 1).saturating_sub(doc.line).max(1);
    let file_line = error.pos.line.max(1);
    let column = error.pos.column;
    let color = severity_color(ui, Severity::Error);
    ui.label(RichText::new("This document does not load, so it has no form.").strong());
    ui.label(
        RichText::new(format!(
            "Line {file_line}, column {column}: {}",
            error.message
        ))
        .color(color),
    );
    ui.label("Your text is kept as typed; fix it in the YAML tab and the form comes back.");
    if ui
        .link(format!("Go to line {file_line}"))
        .on_hover_text("Open the YAML tab with the cursor at the error")
        .clicked()
    {
        app.tab = super::EditorTab::Yaml;
        app.yaml.go_to(line, column);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_and_documents() {
        assert_eq!(byte_of_char("cdé\nx", 4), 5);
        assert!(several_documents("a: 1\n---\nb: 2\n"));
        assert!(!several_documents("---\na: 1\n---\n# only a comment\n"));
    }
}
