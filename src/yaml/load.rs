//! Reading files into a [`Workspace`].

use super::document::parse_document;
use super::file_error::{FileError, binary};
use super::locate::{Pos, PositionIndex};
use super::split::split_documents;
use crate::model::Resource;
use serde_yaml::Value;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Largest file read; bigger ones are refused before being read whole.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A document (or `List` item) that could not be turned into a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// What failed: `yaml` (syntax, limits), `object` (not a Kubernetes object), or
    /// `type` (a field of the wrong type, an unknown enum value).
    pub class: LoadErrorClass,
    /// File-level line and column.
    pub pos: Pos,
    /// Field path, when the error is about a field.
    pub path: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadErrorClass {
    Yaml,
    Object,
    Type,
    /// A string that is not one of the enum's values.
    Enum,
}

impl LoadErrorClass {
    /// The diagnostic code these errors carry.
    pub fn code(self) -> &'static str {
        match self {
            LoadErrorClass::Yaml => "YAML",
            LoadErrorClass::Object => "K8S",
            LoadErrorClass::Type => "CRD-TYPE",
            LoadErrorClass::Enum => "CRD-ENUM",
        }
    }
}

/// One object of a document: the document itself, or one item of a `kind: List`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `None` for a plain document, `Some(i)` for `items[i]` of a List.
    pub list_index: Option<usize>,
    /// Indexes from the document's List down to this item: `[i]` for `items[i]`,
    /// `[i, j]` for `items[i].items[j]` of a List nested in a List; empty for a
    /// plain document.
    pub list_path: Vec<usize>,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub resource: Result<Resource, LoadError>,
}

impl Item {
    /// Path prefix of this item's fields inside its document.
    pub fn path_prefix(&self) -> String {
        self.list_path
            .iter()
            .map(|i| format!("items[{i}]."))
            .collect()
    }

    /// True for the kinds egress-studio judges and edits with a form:
    /// ServiceEntry, DestinationRule, Gateway and VirtualService.
    pub fn has_form(&self) -> bool {
        self.is_istio()
            || crate::model::ChainKind::from_type(&self.api_version, &self.kind).is_some()
    }

    /// True for ServiceEntry and DestinationRule (parsed or not, any version).
    pub fn is_istio(&self) -> bool {
        matches!(self.kind.as_str(), "ServiceEntry" | "DestinationRule")
            && self
                .api_version
                .strip_prefix(crate::model::ISTIO_NETWORKING_GROUP)
                .is_some_and(|version| version.starts_with('/'))
    }
}

/// Identifies one content of a document: a new revision is drawn whenever a
/// document is read or edited, and an undo brings the old document back with its
/// old revision. Caches of what is derived from a document (its diagnostics, its
/// positions) are keyed by it. Two documents with equal text compare equal
/// whatever their revisions: the revision is identity, not content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Revision(pub u64);

impl Revision {
    /// A revision no document has had yet.
    pub fn next() -> Revision {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Revision(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Ordinal among the file's non-blank documents (what users call document N).
    pub ordinal: usize,
    /// Byte range in the file as read.
    pub span: Range<usize>,
    /// 1-based line of the document's first byte in the file.
    pub line: usize,
    /// The document's exact text, separator line included.
    pub raw: String,
    /// Only blank lines, comments and markers.
    pub blank: bool,
    /// The objects it holds (several for a `kind: List`).
    pub items: Vec<Item>,
    /// The document could not be read as YAML or as an object.
    pub error: Option<LoadError>,
    /// The whole List as read, when this is a `kind: List`.
    pub list_envelope: Option<Value>,
    /// Edited in the form since it was read: on save it is patched in place (or
    /// re-emitted). A document given new text is not dirty: its text is saved as is.
    pub dirty: bool,
    /// This content's revision (see [`Revision`]).
    pub revision: Revision,
}

/// Documents compare by content; the revision is left out.
impl PartialEq for Document {
    fn eq(&self, o: &Self) -> bool {
        self.ordinal == o.ordinal
            && self.span == o.span
            && self.line == o.line
            && self.raw == o.raw
            && self.blank == o.blank
            && self.items == o.items
            && self.error == o.error
            && self.list_envelope == o.list_envelope
            && self.dirty == o.dirty
    }
}

impl Document {
    /// Places the document at file line `line`; its errors' file-level
    /// positions move with it.
    pub(super) fn move_to(&mut self, line: usize) {
        if self.line != line {
            self.shift_errors(line);
            self.line = line;
        }
    }

    /// Moves the file-level positions of this document's errors to a new first line.
    fn shift_errors(&mut self, new_line: usize) {
        let old = self.line;
        let shift = |pos: &mut Pos| {
            pos.line = (pos.line + new_line).saturating_sub(old);
        };
        if let Some(e) = &mut self.error {
            shift(&mut e.pos);
        }
        for item in &mut self.items {
            if let Err(e) = &mut item.resource {
                shift(&mut e.pos);
            }
        }
    }

    /// A blank document at the start of a file: a slot to parse into.
    fn empty() -> Document {
        Document {
            ordinal: 0,
            span: 0..0,
            line: 1,
            raw: String::new(),
            blank: true,
            items: Vec::new(),
            error: None,
            list_envelope: None,
            dirty: false,
            revision: Revision(0),
        }
    }

    /// Drops the document's text and models and keeps its outline (ordinal,
    /// span, each item's kind, version and name, its error): for one-pass readers
    /// that judged the document already and only report on it.
    pub fn release(&mut self) {
        self.raw = String::new();
        self.list_envelope = None;
        for item in &mut self.items {
            if item.resource.is_ok() {
                item.resource = Ok(Resource::Other(crate::model::OtherResource {
                    api_version: item.api_version.clone(),
                    kind: item.kind.clone(),
                    name: item.name.clone(),
                    namespace: item.namespace.clone(),
                    value: Value::Null,
                    view: Default::default(),
                }));
            }
        }
    }

    /// Positions inside this document, file-level.
    pub fn positions(&self) -> DocumentPositions {
        DocumentPositions {
            index: PositionIndex::build(&self.raw),
            first_line: self.line,
        }
    }
}

/// A document's [`PositionIndex`] shifted to file lines.
pub struct DocumentPositions {
    index: PositionIndex,
    first_line: usize,
}

impl DocumentPositions {
    pub fn find(&self, path: &str) -> Pos {
        let p = self.index.find(path);
        Pos {
            line: p.line + self.first_line - 1,
            column: p.column,
        }
    }
}

/// One file of the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// As given by the user (`-` for stdin).
    pub path: PathBuf,
    pub documents: Vec<Document>,
}

impl SourceFile {
    /// The path as shown to users.
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// Reads and splits a file; refuses too-large, binary and empty files.
    pub fn read(path: &Path) -> Result<SourceFile, FileError> {
        SourceFile::read_with(path, &|_, _| ()).map(|(file, _)| file)
    }

    /// Reads a file and hands each document to `visit` (with its index) on the
    /// thread that parsed it, as soon as it is parsed; what `visit` returns comes
    /// back in document order. One-pass readers judge a document there and
    /// [`Document::release`] it, so a big file is never held whole as models.
    pub fn read_with<T: Send>(
        path: &Path,
        visit: &(dyn Fn(usize, &mut Document) -> T + Sync),
    ) -> Result<(SourceFile, Vec<T>), FileError> {
        let shown = path.display().to_string();
        let io = |source| FileError::Io {
            path: shown.clone(),
            source,
        };
        let bytes = if path == Path::new("-") {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(io)?;
            buf
        } else {
            let meta = std::fs::metadata(path).map_err(io)?;
            if meta.is_dir() {
                return Err(io(std::io::Error::other("is a directory")));
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(FileError::TooLarge {
                    path: shown,
                    size: meta.len(),
                    limit: MAX_FILE_BYTES,
                });
            }
            // Sized to the file: a growing buffer would reserve up to twice that.
            let mut buf = Vec::with_capacity(meta.len() as usize + 1);
            std::fs::File::open(path)
                .map_err(io)?
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(io)?;
            buf
        };
        let size = bytes.len();
        let (file, visited) = SourceFile::from_bytes_with(path.to_path_buf(), bytes, visit)?;
        log::debug!(
            "read {shown}: {size} bytes, {} documents, {} objects",
            file.document_count(),
            file.items().count()
        );
        Ok((file, visited))
    }

    /// Splits and parses bytes that claim to come from `path`.
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> Result<SourceFile, FileError> {
        SourceFile::from_bytes_with(path, bytes, &|_, _| ()).map(|(file, _)| file)
    }

    /// [`SourceFile::from_bytes`], handing each document to `visit` as
    /// [`SourceFile::read_with`] does.
    pub fn from_bytes_with<T: Send>(
        path: PathBuf,
        bytes: Vec<u8>,
        visit: &(dyn Fn(usize, &mut Document) -> T + Sync),
    ) -> Result<(SourceFile, Vec<T>), FileError> {
        let shown = path.display().to_string();
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(FileError::TooLarge {
                path: shown,
                size: bytes.len() as u64,
                limit: MAX_FILE_BYTES,
            });
        }
        if super::guard::utf16(&bytes) {
            return Err(FileError::Utf16 { path: shown });
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let what = format!(
                    "byte 0x{:02X} is not UTF-8: the file is in another encoding (Latin-1?) or binary; save it as UTF-8",
                    bytes.get(offset).copied().unwrap_or(0)
                );
                return Err(binary(shown, bytes, offset, what));
            }
        };
        // A NUL is valid UTF-8 but marks a binary file (found with memchr).
        if let Some(offset) = text.find('\0') {
            let what = "a NUL byte: this is a binary file, not YAML text".to_string();
            return Err(binary(shown, text.as_bytes(), offset, what));
        }
        if text.trim().is_empty() {
            return Err(FileError::Empty { path: shown });
        }
        if let Some(line) = super::guard::cr_only_line(&text) {
            return Err(FileError::CrOnly { path: shown, line });
        }
        Ok(SourceFile::from_text_with(path, &text, visit))
    }

    /// Splits and parses text. Never fails: bad documents carry their error.
    pub fn from_text(path: PathBuf, text: &str) -> SourceFile {
        SourceFile::from_text_with(path, text, &|_, _| ()).0
    }

    /// [`SourceFile::from_text`], handing each document to `visit` as
    /// [`SourceFile::read_with`] does.
    pub fn from_text_with<T: Send>(
        path: PathBuf,
        text: &str,
        visit: &(dyn Fn(usize, &mut Document) -> T + Sync),
    ) -> (SourceFile, Vec<T>) {
        // Ordinals count non-blank documents; they are known before parsing.
        let mut ordinal = 0;
        let segments: Vec<(super::Segment, usize)> = split_documents(text)
            .into_iter()
            .map(|seg| {
                let this = ordinal;
                if !super::split::is_blank_document(&text[seg.span.clone()]) {
                    ordinal += 1;
                }
                (seg, this)
            })
            .collect();
        let parse = |index: usize| {
            let (seg, ordinal) = &segments[index];
            let mut doc = parse_document(
                &text[seg.span.clone()],
                seg.span.clone(),
                seg.line,
                *ordinal,
            );
            let visited = visit(index, &mut doc);
            (doc, visited)
        };
        // Each document is parsed straight into its slot: no second list of
        // them is built and copied.
        let mut documents: Vec<Document> = segments.iter().map(|_| Document::empty()).collect();
        let mut visited: Vec<Option<T>> = segments.iter().map(|_| None).collect();
        let fill = |first: usize, docs: &mut [Document], seen: &mut [Option<T>]| {
            for (i, (doc, v)) in docs.iter_mut().zip(seen).enumerate() {
                let (d, t) = parse(first + i);
                *doc = d;
                *v = Some(t);
            }
        };
        // Documents are independent: a big file is parsed on every core.
        // (Asking for the core count reads system files: only big files ask.)
        let threads = if segments.len() < 256 {
            1
        } else {
            std::thread::available_parallelism()
                .map(|n| n.get().min(8))
                .unwrap_or(1)
        };
        if threads < 2 {
            fill(0, &mut documents, &mut visited);
        } else {
            // Small batches handed out as threads come free: two fixed halves
            // finish far apart when one core is slower (a shared or busy host).
            const BATCH: usize = 64;
            let batches: Vec<_> = documents
                .chunks_mut(BATCH)
                .zip(visited.chunks_mut(BATCH))
                .enumerate()
                .map(|(n, (docs, seen))| (n * BATCH, docs, seen))
                .collect();
            let queue = std::sync::Mutex::new(batches.into_iter());
            let next = || queue.lock().ok().and_then(|mut q| q.next());
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            while let Some((first, docs, seen)) = next() {
                                fill(first, docs, seen);
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    // A panic in a parser thread would be a bug: the part it left
                    // unparsed is parsed again below, where it surfaces.
                    let _ = h.join();
                }
            });
            for (i, (doc, seen)) in documents.iter_mut().zip(&mut visited).enumerate() {
                if seen.is_none() {
                    let (d, t) = parse(i);
                    *doc = d;
                    *seen = Some(t);
                }
            }
        }
        let visited = visited.into_iter().flatten().collect();
        (SourceFile { path, documents }, visited)
    }

    /// The file's text as it would be saved now.
    pub fn render(&self) -> Result<String, super::WriteError> {
        super::write::render_file(self)
    }

    /// True when some document was edited since it was read.
    pub fn is_dirty(&self) -> bool {
        self.documents.iter().any(|d| d.dirty)
    }

    /// Every item with its document.
    pub fn items(&self) -> impl Iterator<Item = (&Document, &Item)> {
        self.documents
            .iter()
            .flat_map(|d| d.items.iter().map(move |i| (d, i)))
    }

    /// Non-blank documents.
    pub fn document_count(&self) -> usize {
        self.documents.iter().filter(|d| !d.blank).count()
    }
}

/// All open files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
}

impl Workspace {
    /// Opens files; stops at the first file that cannot be read at all.
    pub fn open(paths: &[PathBuf]) -> Result<Workspace, FileError> {
        let files = paths
            .iter()
            .map(|p| SourceFile::read(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Workspace { files })
    }

    /// Every ServiceEntry and DestinationRule that parsed, with where it lives.
    pub fn resources(&self) -> impl Iterator<Item = ResourceRef<'_>> {
        self.files.iter().enumerate().flat_map(|(fi, f)| {
            f.documents.iter().enumerate().flat_map(move |(di, d)| {
                d.items
                    .iter()
                    .enumerate()
                    .filter_map(move |(ii, item)| match &item.resource {
                        Ok(r) => Some(ResourceRef {
                            file: fi,
                            document: di,
                            item: ii,
                            resource: r,
                        }),
                        Err(_) => None,
                    })
            })
        })
    }
}

/// A parsed resource and its place in the workspace (file, document, item indexes).
#[derive(Debug, Clone, Copy)]
pub struct ResourceRef<'a> {
    pub file: usize,
    pub document: usize,
    pub item: usize,
    pub resource: &'a Resource,
}

impl SourceFile {
    /// An empty, unsaved file.
    pub fn empty(path: PathBuf) -> SourceFile {
        SourceFile {
            path,
            documents: Vec::new(),
        }
    }

    /// Recomputes ordinals, spans and first lines after documents were added,
    /// removed or given new text; the located errors of a document that moved
    /// move with it.
    pub fn renumber(&mut self) {
        let (mut offset, mut line, mut ordinal) = (0usize, 1usize, 0usize);
        for doc in &mut self.documents {
            doc.span = offset..offset + doc.raw.len();
            if doc.line != line {
                doc.shift_errors(line);
            }
            doc.line = line;
            doc.ordinal = ordinal;
            offset += doc.raw.len();
            line += doc.raw.matches('\n').count();
            if !doc.blank {
                ordinal += 1;
            }
        }
    }

    /// Appends a resource as a new document at the end of the file, in the
    /// file's line ending; returns its index.
    pub fn append_resource(&mut self, resource: &Resource) -> Result<usize, serde_yaml::Error> {
        let eol = super::write::file_eol(self);
        let body = serde_yaml::to_string(&resource.to_value()?)?;
        let ends_open = self
            .documents
            .last()
            .is_some_and(|d| !d.raw.ends_with('\n'));
        let mut raw = String::new();
        if ends_open {
            raw.push('\n');
        }
        if self.documents.iter().any(|d| !d.blank) || ends_open {
            raw.push_str("---\n");
        }
        raw.push_str(&body);
        let raw = eol.apply(&raw);
        let doc = parse_document(&raw, 0..0, 1, 0);
        self.documents.push(doc);
        self.renumber();
        Ok(self.documents.len() - 1)
    }

    /// Removes a document.
    pub fn remove_document(&mut self, index: usize) {
        if index < self.documents.len() {
            self.documents.remove(index);
            self.renumber();
        }
    }
}

/// Reads one document's text on its own (for checking a patched document).
pub(crate) fn reparse(text: &str) -> Document {
    parse_document(text, 0..text.len(), 1, 0)
}
