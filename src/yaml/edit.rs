//! Documents given new text by the user: the text *is* the document, so it is
//! kept byte for byte and saved as typed (it is not re-emitted), and parsed again
//! to give the model and its errors.
//!
//! Text is exchanged with an editor in the form it shows: `\n` line breaks and no
//! byte order mark. The document's own line ending and mark are put back when
//! the text is stored, so a CRLF file stays CRLF.
//!
//! The file must still split into the same documents when it is read again, so
//! text holding several documents becomes several documents, a document after
//! another keeps its `---` line, and a document followed by another ends with a
//! line break.

use super::document::parse_document;
use super::eol::{Eol, split_bom};
use super::load::{Document, SourceFile};
use super::split::{is_marker, split_documents};
use std::ops::Range;

/// A document's text as an editor shows it: no byte order mark, `\n` line breaks.
pub fn text_for_editing(raw: &str) -> String {
    split_bom(raw).1.replace("\r\n", "\n")
}

/// Where the documents of an edited text went: one entry per document, with its
/// index in the file and the bytes of the edited text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub document: usize,
    pub from: Range<usize>,
}

impl SourceFile {
    /// Puts `docs` in place of the documents at `range`, numbered in place, and
    /// moves the documents after them by as many bytes, lines and ordinals as
    /// that changed, without reading their text again (a keystroke in a file of
    /// thousands of documents stays cheap).
    pub fn splice_documents(&mut self, range: Range<usize>, docs: Vec<Document>) {
        let lines_of = |d: &Document| d.raw.bytes().filter(|&b| b == b'\n').count() as isize;
        let size = |ds: &[Document]| {
            ds.iter().fold((0isize, 0isize, 0isize), |(b, l, o), d| {
                (
                    b + d.raw.len() as isize,
                    l + lines_of(d),
                    o + isize::from(!d.blank),
                )
            })
        };
        let (start, end) = (range.start, range.end.min(self.documents.len()));
        let old = size(&self.documents[start..end]);
        let new = size(&docs);
        let (mut offset, mut line, mut ordinal) = match start.checked_sub(1) {
            Some(p) => {
                let p = &self.documents[p];
                (
                    p.span.end,
                    p.line + lines_of(p) as usize,
                    p.ordinal + usize::from(!p.blank),
                )
            }
            None => (0, 1, 0),
        };
        let count = docs.len();
        self.documents.splice(start..end, docs);
        for doc in &mut self.documents[start..start + count] {
            doc.span = offset..offset + doc.raw.len();
            doc.move_to(line);
            doc.ordinal = ordinal;
            offset += doc.raw.len();
            line += lines_of(doc) as usize;
            ordinal += usize::from(!doc.blank);
        }
        let by = |v: usize, d: isize| v.saturating_add_signed(d);
        let (bytes, lines, ordinals) = (new.0 - old.0, new.1 - old.1, new.2 - old.2);
        if (bytes, lines, ordinals) == (0, 0, 0) {
            return;
        }
        for doc in &mut self.documents[start + count..] {
            doc.span = by(doc.span.start, bytes)..by(doc.span.end, bytes);
            doc.move_to(by(doc.line, lines));
            doc.ordinal = by(doc.ordinal, ordinals);
        }
    }

    /// Replaces document `index` with `text` (as an editor shows it). Text that
    /// holds several documents (`---` lines) replaces it with all of them.
    /// Returns where each document went; `None` when there is no such document.
    pub fn replace_document_text(&mut self, index: usize, text: &str) -> Option<Vec<Placed>> {
        let old = self.documents.get(index)?;
        let eol = Eol::of(&old.raw).unwrap_or_else(|| super::write::file_eol(self));
        let bom = split_bom(&old.raw).0.to_string();
        let text = self.fitted(index, text, index + 1 < self.documents.len());
        let parts = split_documents(&text);
        let mut placed = Vec::with_capacity(parts.len());
        let mut docs = Vec::with_capacity(parts.len());
        for (i, seg) in parts.into_iter().enumerate() {
            let mut raw = eol.apply(&text[seg.span.clone()]);
            if i == 0 {
                raw.insert_str(0, &bom);
            }
            docs.push(parse_document(&raw, 0..0, 1, 0));
            placed.push(Placed {
                document: index + i,
                from: seg.span,
            });
        }
        self.splice_documents(index..index + 1, docs);
        Some(placed)
    }

    /// Adds the documents of `text` (as an editor shows it) after document
    /// `after` (at the start for `None`); returns the indexes they took.
    pub fn insert_documents_text(&mut self, after: Option<usize>, text: &str) -> Range<usize> {
        let at = after.map_or(0, |a| (a + 1).min(self.documents.len()));
        let eol = super::write::file_eol(self);
        // The document before the new ones must end its last line.
        if let Some(prev) = at.checked_sub(1).and_then(|p| self.documents.get_mut(p))
            && !prev.raw.is_empty()
            && !prev.raw.ends_with('\n')
        {
            let mut raw = prev.raw.clone();
            raw.push_str(eol.as_str());
            *prev = parse_document(&raw, 0..0, prev.line, 0);
        }
        let mut text = text.to_string();
        let follows = self.documents[..at].iter().any(|d| !d.blank);
        if follows && !text.lines().next().is_some_and(|l| is_marker(l, "---")) {
            text.insert_str(0, "---\n");
        }
        if at < self.documents.len() && !text.ends_with('\n') {
            text.push('\n');
        }
        // Separators around the pasted documents (a snippet copied with its
        // leading or trailing `---`) would add empty documents: they are dropped.
        let docs: Vec<_> = split_documents(&text)
            .into_iter()
            .filter(|seg| {
                text[seg.span.clone()]
                    .lines()
                    .any(|l| !l.trim().is_empty() && !is_marker(l, "---"))
            })
            .map(|seg| parse_document(&eol.apply(&text[seg.span]), 0..0, 1, 0))
            .collect();
        let count = docs.len();
        self.documents.splice(at..at, docs);
        // A document that followed the new ones needs its separator.
        if let Some(next) = self.documents.get(at + count)
            && !next.raw.lines().next().is_some_and(|l| is_marker(l, "---"))
        {
            let raw = format!("---{}{}", eol.as_str(), next.raw);
            self.documents[at + count] = parse_document(&raw, 0..0, 1, 0);
        }
        self.renumber();
        at..at + count
    }

    /// `text` as document `index` must hold it to stay a document of its own:
    /// its `---` line when a document comes before it, a final line break when
    /// one comes after it.
    fn fitted(&self, index: usize, text: &str, followed: bool) -> String {
        let mut text = text.to_string();
        let preceded = self.documents[..index].iter().any(|d| !d.raw.is_empty());
        let starts_with_marker = text.lines().next().is_some_and(|l| is_marker(l, "---"));
        if preceded && !starts_with_marker {
            text.insert_str(0, "---\n");
        }
        if followed && !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SE: &str = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts:\n  - a.example.com\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n";

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(PathBuf::from("t.yaml"), text)
    }

    #[test]
    fn replaced_text_is_kept_as_typed_and_parsed() {
        let mut f = file(&format!("# head\n{SE}---\n{SE}"));
        let typed = format!("# head\n{}", SE.replace("name: a", "name: b  # renamed"));
        let placed = f.replace_document_text(0, &typed).unwrap();
        assert_eq!(placed.len(), 1);
        assert_eq!(f.documents[0].raw, typed);
        assert_eq!(f.documents[0].items[0].name, "b");
        assert_eq!(f.render().unwrap(), format!("{typed}---\n{SE}"));
    }

    #[test]
    fn a_later_document_keeps_its_separator_and_lines_follow() {
        let mut f = file(&format!("{SE}---\n{SE}---\nkind: [\n"));
        let bad_line = f.documents[2].error.as_ref().unwrap().pos.line;
        // The separator was deleted and two lines added.
        f.replace_document_text(1, &format!("# one\n# two\n{SE}"))
            .unwrap();
        assert!(f.documents[1].raw.starts_with("---\n# one"));
        assert_eq!(f.documents[2].line, 2 * SE.lines().count() + 4);
        assert_eq!(
            f.documents[2].error.as_ref().unwrap().pos.line,
            bad_line + 2
        );
    }

    #[test]
    fn places_match_a_fresh_read_after_edits() {
        let mut f = file(&format!("# c\n---\n{SE}---\nkind: [\n---\n{SE}"));
        f.replace_document_text(1, &format!("---\n# more\n\n{SE}---\n{SE}"))
            .unwrap();
        f.replace_document_text(0, "# emptied\n").unwrap();
        let fresh = file(&f.render().unwrap());
        let places = |f: &SourceFile| -> Vec<_> {
            f.documents
                .iter()
                .map(|d| (d.span.clone(), d.line, d.ordinal, d.error.clone()))
                .collect()
        };
        assert_eq!(places(&f), places(&fresh));
    }

    #[test]
    fn several_documents_become_several() {
        let mut f = file(SE);
        let placed = f
            .replace_document_text(0, &format!("{SE}---\n{SE}"))
            .unwrap();
        assert_eq!(placed.len(), 2);
        assert_eq!(f.documents.len(), 2);
        assert_eq!(placed[1].from.start, SE.len());
        assert_eq!(f.documents[1].line, SE.lines().count() + 1);
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        let crlf = format!("\u{feff}{}", SE.replace('\n', "\r\n"));
        let mut f = file(&crlf);
        let shown = text_for_editing(&f.documents[0].raw);
        assert!(!shown.contains('\r') && !shown.starts_with('\u{feff}'));
        f.replace_document_text(0, &shown.replace("name: a", "name: c"))
            .unwrap();
        assert_eq!(f.render().unwrap(), crlf.replace("name: a", "name: c"));
    }

    #[test]
    fn pasted_separators_add_no_empty_documents() {
        let mut f = file(&format!("{SE}---\n{SE}"));
        let dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\nspec:\n  host: a.example.com\n";
        let added = f.insert_documents_text(Some(0), &format!("---\n{SE}---\n{dr}---\n"));
        assert_eq!(added, 1..3);
        let again = file(&f.render().unwrap());
        assert_eq!(again.documents.len(), 4);
        assert!(again.documents.iter().all(|d| !d.blank));
    }

    #[test]
    fn inserted_documents_get_separators() {
        let mut f = file(&format!("{SE}---\n{SE}"));
        let dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\nspec:\n  host: a.example.com\n";
        let added = f.insert_documents_text(Some(0), &format!("{SE}---\n{dr}"));
        assert_eq!(added, 1..3);
        let again = file(&f.render().unwrap());
        let kinds: Vec<&str> = again
            .documents
            .iter()
            .map(|d| d.items[0].kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "ServiceEntry",
                "ServiceEntry",
                "DestinationRule",
                "ServiceEntry"
            ]
        );
    }
}
