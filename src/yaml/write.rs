//! Writing files back: byte-identical for untouched documents, edited ones
//! patched in place (re-emitted when a patch cannot be verified), and export to
//! one stream or one file per resource.

use super::disk::atomic_write;
use super::eol::{Eol, split_bom};
use super::load::{Document, SourceFile};
use super::split::is_marker;
use crate::model::{ApiVersion, Resource};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}: the file is read-only, so it was not replaced: make it writable or save under another name"
    )]
    ReadOnly { path: String },
    #[error("{path}: document {document} (line {line}) cannot be written: {message}")]
    Emit {
        path: String,
        document: usize,
        line: usize,
        message: String,
    },
    #[error(
        "{path}: document {document} (line {line}) did not load, so it cannot be exported: {message}"
    )]
    Unloaded {
        path: String,
        document: usize,
        line: usize,
        message: String,
    },
}

impl WriteError {
    /// The target was a pipe whose reader has gone away (`… -o /dev/stdout | head`).
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, WriteError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The lines before a document's content: separator, comments, blank lines,
/// directives (a byte order mark is not part of it).
fn header(raw: &str) -> &str {
    let raw = split_bom(raw).1;
    let mut end = 0;
    for line in raw.split_inclusive('\n') {
        let t = line.trim();
        let is_header = t.is_empty()
            || t.starts_with('#')
            || t.starts_with('%')
            || t == "---"
            || (t.starts_with("--- ") && t[4..].trim_start().starts_with('#'));
        if !is_header {
            break;
        }
        end += line.len();
    }
    &raw[..end]
}

fn emit(value: &Value, file: &SourceFile, doc: &Document) -> Result<String, WriteError> {
    serde_yaml::to_string(value).map_err(|e| WriteError::Emit {
        path: file.display_path(),
        document: doc.ordinal,
        line: doc.line,
        message: e.to_string(),
    })
}

fn resource_value(r: &Resource, file: &SourceFile, doc: &Document) -> Result<Value, WriteError> {
    r.to_value().map_err(|e| WriteError::Emit {
        path: file.display_path(),
        document: doc.ordinal,
        line: doc.line,
        message: e.to_string(),
    })
}

/// The document's value as the model has it now (List items replaced by their edits).
fn document_value(file: &SourceFile, doc: &Document) -> Result<Option<Value>, WriteError> {
    if let Some(Value::Mapping(envelope)) = &doc.list_envelope {
        let mut envelope = envelope.clone();
        let mut items = match envelope.get("items") {
            Some(Value::Sequence(s)) => s.clone(),
            _ => Vec::new(),
        };
        for item in &doc.items {
            if let Ok(r) = &item.resource
                && let Some(slot) = list_slot(&mut items, &item.list_path)
            {
                *slot = resource_value(r, file, doc)?;
            }
        }
        envelope.insert(Value::from("items"), Value::Sequence(items));
        return Ok(Some(Value::Mapping(envelope)));
    }
    match doc.items.first().map(|i| &i.resource) {
        Some(Ok(r)) => Ok(Some(resource_value(r, file, doc)?)),
        _ => Ok(None),
    }
}

/// The value at `path` (indexes through nested Lists' `items`) of a List's items.
fn list_slot<'a>(items: &'a mut [Value], path: &[usize]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let slot = items.get_mut(*first)?;
    if rest.is_empty() {
        return Some(slot);
    }
    match slot.get_mut("items")? {
        Value::Sequence(inner) => list_slot(inner, rest),
        _ => None,
    }
}

/// The edited document written by patching its original text, if that is safe:
/// the patched text must read back to exactly the edited resources.
fn patched_document(doc: &Document, new: &Value) -> Option<String> {
    let (bom, text) = split_bom(&doc.raw);
    // The document as the loader read it (merge keys resolved), so that values
    // a merge supplies are not taken for edits.
    let old = super::document::read_value(text).ok()?;
    let patched = format!("{bom}{}", super::patch(text, &old, new)?);
    let again = super::load::reparse(&patched);
    let same = again.items.len() == doc.items.len()
        && again
            .items
            .iter()
            .zip(&doc.items)
            .all(|(a, b)| match (&a.resource, &b.resource) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            });
    same.then_some(patched)
}

/// The line ending a file's documents are written with: the first one its text
/// shows, `\n` for a file without line breaks.
pub fn file_eol(file: &SourceFile) -> Eol {
    file.documents
        .iter()
        .find_map(|d| Eol::of(&d.raw))
        .unwrap_or(Eol::Lf)
}

/// The document's text as it would be saved now, and whether it had to be
/// re-emitted (not patched in place).
pub fn render_document_report(
    file: &SourceFile,
    doc: &Document,
) -> Result<(String, bool), WriteError> {
    if !doc.dirty {
        return Ok((doc.raw.clone(), false));
    }
    let Some(value) = document_value(file, doc)? else {
        return Ok((doc.raw.clone(), false));
    };
    if let Some(p) = patched_document(doc, &value) {
        return Ok((p, false));
    }
    Ok((reemit(file, doc, &value)?, true))
}

/// The document's text as it would be saved now.
pub fn render_document(file: &SourceFile, doc: &Document) -> Result<String, WriteError> {
    render_document_report(file, doc).map(|(t, _)| t)
}

/// The document written from its value: its byte order mark, separator and
/// leading comments kept, the rest emitted in the document's line ending.
fn reemit(file: &SourceFile, doc: &Document, value: &Value) -> Result<String, WriteError> {
    let eol = Eol::of(&doc.raw).unwrap_or_else(|| file_eol(file));
    let mut out = split_bom(&doc.raw).0.to_string();
    out.push_str(header(&doc.raw));
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol.as_str());
    }
    out.push_str(&eol.apply(&emit(value, file, doc)?));
    Ok(out)
}

/// The whole file's text as it would be saved now.
pub fn render_file(file: &SourceFile) -> Result<String, WriteError> {
    render_file_report(file).map(|(t, _)| t)
}

/// The file's text, and the ordinals of documents that were re-emitted rather than patched.
pub fn render_file_report(file: &SourceFile) -> Result<(String, Vec<usize>), WriteError> {
    let eol = file_eol(file).as_str();
    let mut out = String::new();
    let mut reemitted = Vec::new();
    for (i, doc) in file.documents.iter().enumerate() {
        let (text, whole) = render_document_report(file, doc)?;
        if whole {
            reemitted.push(doc.ordinal);
        }
        // A re-emitted document that lost its separator still needs one after the first.
        if i > 0 && doc.dirty && !text.trim_start().starts_with("---") {
            if !out.ends_with('\n') {
                out.push_str(eol);
            }
            out.push_str("---");
            out.push_str(eol);
        }
        out.push_str(&text);
    }
    Ok((out, reemitted))
}

impl SourceFile {
    /// Saves to its own path.
    pub fn save(&mut self) -> Result<Vec<usize>, WriteError> {
        let path = self.path.clone();
        self.save_as(&path)
    }

    /// Saves to `path`, which becomes the file's path. The documents are re-read
    /// from what was written, so spans and lines match the file on disk.
    /// Returns the ordinals of edited documents that had to be re-emitted whole
    /// (comments and formatting in them are not kept); the others were patched in place.
    pub fn save_as(&mut self, path: &Path) -> Result<Vec<usize>, WriteError> {
        let (text, reemitted) = render_file_report(self)?;
        atomic_write(path, text.as_bytes())?;
        *self = SourceFile::from_text(path.to_path_buf(), &text);
        Ok(reemitted)
    }
}

/// One object ready to be exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedObject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// YAML text of the object ending in a line break, in its file's line ending,
    /// without a byte order mark. It may start with its own `---` line (kept with
    /// its comment); [`join_stream`] adds separators only where one is missing.
    pub text: String,
}

/// Patches a top-level `apiVersion: X` line in place, keeping the rest of the text.
fn patch_api_version(raw: &str, new: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut done = false;
    for line in raw.split_inclusive('\n') {
        if !done && let Some(rest) = line.strip_prefix("apiVersion:") {
            let value = rest.trim();
            let value = value
                .split(" #")
                .next()
                .unwrap_or(value)
                .trim()
                .trim_matches(['"', '\'']);
            if value.starts_with(crate::model::ISTIO_NETWORKING_GROUP) {
                let eol = if line.ends_with("\r\n") {
                    "\r\n"
                } else if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                out.push_str(&format!("apiVersion: {new}{eol}"));
                done = true;
                continue;
            }
            return None;
        }
        out.push_str(line);
    }
    done.then_some(out)
}

/// A document's text as an exported object: no byte order mark, ending in a
/// line break of its own kind.
fn object_text(raw: &str, eol: Eol) -> String {
    let mut text = split_bom(raw).1.to_string();
    if !text.ends_with('\n') {
        text.push_str(eol.as_str());
    }
    text
}

/// Every object of a file, for export. ServiceEntries, DestinationRules,
/// Gateways and VirtualServices get `api_version` when one is given; other kinds pass through unchanged. A
/// `kind: List` is exported as its items (emitted). A plain document is exported
/// as it would be saved: untouched ones keep their text, edited ones are
/// patched in place like a save, so both keep their comments.
pub fn export_objects(
    file: &SourceFile,
    api_version: Option<ApiVersion>,
) -> Result<Vec<ExportedObject>, WriteError> {
    let mut out = Vec::new();
    for doc in file.documents.iter().filter(|d| !d.blank) {
        if let Some(err) = &doc.error {
            return Err(WriteError::Unloaded {
                path: file.display_path(),
                document: doc.ordinal,
                line: err.pos.line,
                message: err.message.clone(),
            });
        }
        let eol = Eol::of(&doc.raw).unwrap_or_else(|| file_eol(file));
        for item in &doc.items {
            let resource = match &item.resource {
                Ok(r) => r,
                Err(err) => {
                    return Err(WriteError::Unloaded {
                        path: file.display_path(),
                        document: doc.ordinal,
                        line: err.pos.line,
                        message: err.message.clone(),
                    });
                }
            };
            let wanted = api_version
                .filter(|_| resource.is_networking())
                .map(ApiVersion::group_version);
            let from_doc = if item.list_index.is_none() {
                let saved = render_document(file, doc)?;
                match &wanted {
                    Some(v) if v != resource.api_version() => patch_api_version(&saved, v),
                    _ => Some(saved),
                }
            } else {
                None
            };
            let text = match from_doc {
                Some(t) => t,
                None => {
                    let mut r = resource.clone();
                    if let Some(v) = api_version {
                        r.set_api_version(v);
                    }
                    eol.apply(&emit(&resource_value(&r, file, doc)?, file, doc)?)
                }
            };
            out.push(ExportedObject {
                kind: item.kind.clone(),
                name: item.name.clone(),
                namespace: item.namespace.clone(),
                text: object_text(&text, eol),
            });
        }
    }
    Ok(out)
}

/// Joins objects into one multi-document stream.
/// Joins objects into one multi-document stream; a separator is written (in the
/// next object's line ending) before every object after the first that does not
/// start with its own.
pub fn join_stream(objects: &[ExportedObject]) -> String {
    let mut out = String::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 && !starts_with_separator(&o.text) {
            out.push_str("---");
            out.push_str(Eol::of(&o.text).unwrap_or(Eol::Lf).as_str());
        }
        out.push_str(&o.text);
    }
    out
}

fn starts_with_separator(text: &str) -> bool {
    text.lines().next().is_some_and(|l| is_marker(l, "---"))
}

fn file_stem_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes one file per object into `dir` (`<kind>-[<namespace>-]<name>.yaml`) and
/// returns the paths written.
pub fn export_split(objects: &[ExportedObject], dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut written: Vec<PathBuf> = Vec::new();
    for o in objects {
        let mut stem = file_stem_part(&o.kind);
        if let Some(ns) = &o.namespace {
            stem = format!("{stem}-{}", file_stem_part(ns));
        }
        let name = if o.name.is_empty() {
            "unnamed".to_string()
        } else {
            file_stem_part(&o.name)
        };
        stem = format!("{stem}-{name}");
        let mut path = dir.join(format!("{stem}.yaml"));
        let mut n = 2;
        while written.contains(&path) {
            path = dir.join(format!("{stem}-{n}.yaml"));
            n += 1;
        }
        atomic_write(&path, o.text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
