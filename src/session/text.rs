//! Text edits: a document given new text in the YAML tab, and documents pasted
//! in. They are changes like the form's — one undo step (consecutive typing
//! merges into one), a new version, the diagnostics brought up to date — and the
//! text is what is saved (see [`crate::yaml::SourceFile::replace_document_text`]).

use super::Session;
use super::analysis::Changed;
use super::history::{MergeKey, Snapshot};
use crate::validate::Site;
use crate::yaml::Placed;

impl Session {
    /// Gives document `document` of file `file` the text `text`, as an editor
    /// shows it (`\n` line breaks). Text holding several documents becomes
    /// several documents (one undo step that keeps the whole file); otherwise
    /// the step keeps the document only, and edits with the same `merge` key at
    /// the same `selection` merge into one step. The selection moves to what the
    /// edited document holds now. Returns where the documents of `text` went.
    pub fn replace_document_text(
        &mut self,
        file: usize,
        document: usize,
        text: &str,
        selection: Option<Site>,
        merge: Option<MergeKey>,
    ) -> Result<Vec<Placed>, String> {
        let f = self.workspace.files.get(file).ok_or("the file is closed")?;
        let old = f.documents.get(document).ok_or("the document is gone")?;
        let old_doc = old.clone();
        let version_before = self.file_states[file].version;
        let merging = self.history.merges_into(file, selection, merge);
        let f = &mut self.workspace.files[file];
        let placed = f
            .replace_document_text(document, text)
            .ok_or("the document is gone")?;
        if placed.len() == 1 {
            let after = Snapshot::Document {
                index: document,
                doc: Box::new(f.documents[document].clone()),
            };
            let before = (!merging).then(|| {
                let snap = Snapshot::Document {
                    index: document,
                    doc: Box::new(old_doc),
                };
                (snap, version_before)
            });
            self.record(file, selection, merge, before, after);
            self.selected = self.fit_selection(Site {
                file,
                document,
                item: selection.and_then(|s| s.item),
            });
            self.revalidate_after(Changed::Document { file, document });
        } else {
            // The file as it was: the new documents give way to the old one.
            let mut before = f.clone();
            before.splice_documents(document..document + placed.len(), vec![old_doc]);
            let after = Snapshot::File(Box::new(f.clone()));
            let before = (Snapshot::File(Box::new(before)), version_before);
            self.record(file, selection, None, Some(before), after);
            self.selected = self.fit_selection(Site {
                file,
                document,
                item: selection.and_then(|s| s.item),
            });
            self.revalidate_after(Changed::Everything);
        }
        Ok(placed)
    }

    /// Adds the documents of `text` (several resources pasted at once) to file
    /// `file` after document `after` as one undo step, and selects the first new
    /// one. Returns the sites of the new objects.
    pub fn insert_documents_text(
        &mut self,
        file: usize,
        after: Option<usize>,
        text: &str,
    ) -> Result<Vec<Site>, String> {
        let mut added = 0..0;
        let selection = self.selected;
        self.change_file(file, selection, |f| {
            added = f.insert_documents_text(after, text);
            Ok(())
        })?;
        let f = &self.workspace.files[file];
        let sites: Vec<Site> = added
            .flat_map(|document| {
                let doc = &f.documents[document];
                let items = if doc.error.is_some() {
                    vec![None]
                } else {
                    (0..doc.items.len()).map(Some).collect()
                };
                items.into_iter().map(move |item| Site {
                    file,
                    document,
                    item,
                })
            })
            .collect();
        self.selected = sites.first().copied().or(selection);
        self.history.set_last_selection(self.selected);
        Ok(sites)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;
    use crate::yaml::SourceFile;

    const SE: &str = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts:\n  - a.example.com\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n";
    const DR: &str = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\nspec:\n  host: a.example.com\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n";

    fn session(text: &str) -> Session {
        let mut s = Session::default();
        s.add_file(SourceFile::from_text("t.yaml".into(), text), false);
        s.select_first_in(0);
        s
    }

    fn first_port_name(s: &Session) -> Option<String> {
        match s.selected_resource() {
            Some(Resource::ServiceEntry(se)) => se.spec.ports[0].name.clone(),
            _ => None,
        }
    }

    #[test]
    fn typing_merges_into_one_step_that_undo_reverts() {
        let mut s = session(&format!("{SE}---\n{DR}"));
        let at = s.selected;
        let key = Some(MergeKey(7));
        for name in ["tls_", "tls_b", "tls_bad"] {
            let text = SE.replace("name: tls", &format!("name: {name}"));
            s.replace_document_text(0, 0, &text, at, key).unwrap();
        }
        assert_eq!(s.undo_len(), 1);
        assert_eq!(first_port_name(&s).as_deref(), Some("tls_bad"));
        assert!(s.any_dirty());
        assert!(
            s.diagnostics.iter().any(|d| d.diagnostic.code == "SE15"),
            "tls_bad is not a valid port name"
        );
        s.undo();
        assert_eq!(first_port_name(&s).as_deref(), Some("tls"));
        assert!(!s.any_dirty());
        s.redo();
        assert_eq!(
            s.workspace.files[0].render().unwrap(),
            format!("{}---\n{DR}", SE.replace("name: tls", "name: tls_bad"))
        );
    }

    #[test]
    fn a_syntax_error_selects_the_document_and_lines_below_follow() {
        let mut s = session(&format!("{SE}---\n{DR}---\n{SE}"));
        let at = s.selected;
        let broken = format!("# added\n{}", SE.replace("hosts:", "hosts: [oops"));
        s.replace_document_text(0, 0, &broken, at, Some(MergeKey(1)))
            .unwrap();
        assert_eq!(
            s.selected,
            Some(Site {
                file: 0,
                document: 0,
                item: None
            })
        );
        let err = s.workspace.files[0].documents[0].error.clone().unwrap();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        // Analysis follows the extra line, and equals a whole run.
        let incremental = s.diagnostics.clone();
        s.revalidate();
        assert_eq!(incremental, s.diagnostics);
        s.undo();
        assert_eq!(s.selected.and_then(|x| x.item), Some(0));
        let incremental = s.diagnostics.clone();
        s.revalidate();
        assert_eq!(incremental, s.diagnostics);
    }

    #[test]
    fn text_with_two_documents_becomes_two_and_undo_joins_them() {
        let mut s = session(SE);
        let at = s.selected;
        let placed = s
            .replace_document_text(0, 0, &format!("{SE}---\n{DR}"), at, None)
            .unwrap();
        assert_eq!(placed.len(), 2);
        assert_eq!(s.workspace.resources().count(), 2);
        s.undo();
        assert_eq!(s.workspace.files[0].documents.len(), 1);
        assert_eq!(s.workspace.files[0].render().unwrap(), SE);
    }

    #[test]
    fn pasted_documents_are_added_after_the_selected_one() {
        let mut s = session(&format!("{SE}---\n{DR}"));
        let other = SE.replace("name: a", "name: b");
        let sites = s
            .insert_documents_text(0, Some(0), &format!("{other}---\n{DR}"))
            .unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(s.workspace.resources().count(), 4);
        assert_eq!(s.selected, Some(sites[0]));
        s.undo();
        assert_eq!(s.workspace.resources().count(), 2);
    }
}
