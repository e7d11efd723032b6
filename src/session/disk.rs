//! Keeping open files honest with the disk: what each buffer was read from (a
//! stamp of length, modification time and a hash of the bytes), whether the file
//! changed since, and what to do about it.
//!
//! The app's file watcher and its focus check only say "look again";
//! [`Session::check_disk`] does the looking, so tests call it directly and get
//! the same answer a watcher event would give. An unmodified buffer reloads at
//! once (as an undo step, so a reload can be undone); a modified one is marked
//! and left for the user to decide. Saving asks [`Session::changed_on_disk`]
//! first, so a file changed by someone else is never overwritten silently.

use super::Session;
use super::history::Snapshot;
use crate::yaml::{MAX_FILE_BYTES, SourceFile};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a buffer was read from (or last saved as): enough to tell cheaply that
/// the file is unchanged, and surely that it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
    /// A hash of the bytes: a file rewritten with the same bytes is unchanged.
    pub hash: u64,
}

impl DiskStamp {
    fn of(bytes: &[u8], meta: &std::fs::Metadata) -> DiskStamp {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write(bytes);
        DiskStamp {
            len: bytes.len() as u64,
            modified: meta.modified().ok(),
            hash: h.finish(),
        }
    }

    /// The stamp of the file as it is now.
    pub fn read(path: &Path) -> Result<DiskStamp, String> {
        read_bytes(path).map(|(_, stamp)| stamp)
    }

    fn same_metadata(&self, meta: &std::fs::Metadata) -> bool {
        meta.len() == self.len && meta.modified().ok() == self.modified
    }
}

/// Reads a file's bytes with the stamp of exactly those bytes. The modification
/// time is taken before reading, so a write during the read shows as a change
/// at the next check rather than being missed.
fn read_bytes(path: &Path) -> Result<(Vec<u8>, DiskStamp), String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{shown}: is a folder, not a file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{shown}: file is {} bytes, over the {MAX_FILE_BYTES}-byte limit for a manifest",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let stamp = DiskStamp::of(&bytes, &meta);
    Ok((bytes, stamp))
}

/// Reads and parses a file for the editor, with the stamp of the bytes read.
pub fn read_file(path: &Path) -> Result<(SourceFile, DiskStamp), String> {
    let (bytes, stamp) = read_bytes(path)?;
    let file = SourceFile::from_bytes(path.to_path_buf(), bytes).map_err(|e| e.to_string())?;
    Ok((file, stamp))
}

/// The path with links and `.`/`..` resolved, when the file exists.
pub fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// What [`Session::check_disk`] found and did, for the app to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskEvent {
    /// An unmodified buffer was reloaded from disk.
    Reloaded(usize),
    /// A modified buffer's file changed on disk: the user decides (see
    /// [`FileState::disk_conflict`](super::FileState::disk_conflict)).
    Conflict(usize),
    /// The file is gone (deleted or moved); the buffer stays open.
    Missing(usize),
    /// The file changed but could not be read back (the reason names it).
    Unreadable(usize, String),
}

/// The file as it is now, against a stamp.
enum OnDisk {
    Same(DiskStamp),
    Changed(Vec<u8>, DiskStamp),
    Missing,
    Unreadable(String),
}

fn compare(path: &Path, stamp: &DiskStamp) -> OnDisk {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return OnDisk::Missing,
        Err(e) => return OnDisk::Unreadable(format!("{}: cannot read: {e}", path.display())),
    };
    if stamp.same_metadata(&meta) {
        return OnDisk::Same(*stamp);
    }
    match read_bytes(path) {
        // Touched but not changed: remember the new time so the next check is cheap.
        Ok((_, now)) if now.hash == stamp.hash && now.len == stamp.len => OnDisk::Same(now),
        Ok((bytes, now)) => OnDisk::Changed(bytes, now),
        Err(e) => OnDisk::Unreadable(e),
    }
}

impl Session {
    /// Adds a file read from disk with the stamp of what was read; returns its index.
    pub fn add_read_file(&mut self, file: SourceFile, stamp: DiskStamp) -> usize {
        self.add_read_files(vec![(file, stamp)]).start
    }

    /// Adds many files read from disk, judging the workspace once (a folder of
    /// thousands of files opens in one pass, not one per file).
    pub fn add_read_files(
        &mut self,
        files: Vec<(SourceFile, DiskStamp)>,
    ) -> std::ops::Range<usize> {
        let start = self.workspace.files.len();
        for (file, stamp) in files {
            let v = self.bump_version();
            self.file_states.push(super::FileState {
                version: v,
                saved_version: v,
                untitled: false,
                disk: Some(stamp),
                disk_conflict: None,
                missing: false,
                canonical: canonical(&file.path),
            });
            self.workspace.files.push(file);
        }
        self.revalidate();
        start..self.workspace.files.len()
    }

    /// Looks at every open file on disk: reloads unmodified buffers whose file
    /// changed, marks modified ones for the user to decide, and notes files that
    /// went away. Cheap when nothing changed (one metadata call per file).
    pub fn check_disk(&mut self) -> Vec<DiskEvent> {
        let mut events = Vec::new();
        let mut reloaded = false;
        for i in 0..self.workspace.files.len() {
            let state = &self.file_states[i];
            let Some(stamp) = state.disk.filter(|_| !state.untitled) else {
                continue;
            };
            let path = self.workspace.files[i].path.clone();
            match compare(&path, &stamp) {
                OnDisk::Same(now) => {
                    let state = &mut self.file_states[i];
                    state.disk = Some(now);
                    state.missing = false;
                }
                OnDisk::Missing => {
                    if !self.file_states[i].missing {
                        self.file_states[i].missing = true;
                        events.push(DiskEvent::Missing(i));
                    }
                }
                OnDisk::Unreadable(e) => {
                    if !self.file_states[i].missing {
                        self.file_states[i].missing = true;
                        events.push(DiskEvent::Unreadable(i, e));
                    }
                }
                OnDisk::Changed(bytes, now) => {
                    self.file_states[i].missing = false;
                    if self.file_states[i].disk_conflict == Some(now) {
                        continue;
                    }
                    if self.file_states[i].is_dirty() {
                        self.file_states[i].disk_conflict = Some(now);
                        events.push(DiskEvent::Conflict(i));
                        continue;
                    }
                    match SourceFile::from_bytes(path, bytes) {
                        Ok(file) => {
                            self.replace_from_disk(i, file, now);
                            reloaded = true;
                            events.push(DiskEvent::Reloaded(i));
                        }
                        Err(e) => {
                            // Keep the buffer; the next change is looked at again.
                            self.file_states[i].disk = Some(now);
                            events.push(DiskEvent::Unreadable(i, e.to_string()));
                        }
                    }
                }
            }
        }
        if reloaded {
            self.revalidate();
        }
        events
    }

    /// Replaces buffer `i` with the file as it is on disk now (the user chose
    /// "reload"; the edits are dropped but stay reachable with undo).
    pub fn reload_from_disk(&mut self, i: usize) -> Result<(), String> {
        let path = self
            .workspace
            .files
            .get(i)
            .ok_or("the file is closed")?
            .path
            .clone();
        let (file, stamp) = read_file(&path)?;
        self.replace_from_disk(i, file, stamp);
        self.revalidate();
        Ok(())
    }

    /// Keeps the buffer as it is and takes the file on disk now as the one it
    /// knowingly replaces: the next save writes over it without asking again.
    pub fn keep_mine(&mut self, i: usize) {
        let Some(path) = self.workspace.files.get(i).map(|f| f.path.clone()) else {
            return;
        };
        let state = &mut self.file_states[i];
        let taken = state.disk_conflict.take();
        state.disk = DiskStamp::read(&path).ok().or(taken).or(state.disk);
    }

    /// True when file `i` changed on disk since it was read, saved or knowingly
    /// kept (a file that is gone has not "changed": saving writes it again).
    pub fn changed_on_disk(&self, i: usize) -> bool {
        let (Some(f), Some(state)) = (self.workspace.files.get(i), self.file_states.get(i)) else {
            return false;
        };
        match state.disk.filter(|_| !state.untitled) {
            Some(stamp) => matches!(
                compare(&f.path, &stamp),
                OnDisk::Changed(..) | OnDisk::Unreadable(_)
            ),
            None => false,
        }
    }

    /// Swaps in the disk's version of file `i` as one undo step, keeps the
    /// selection where it still exists, and marks the file clean. The caller
    /// re-judges the workspace (once for many reloads: a branch checkout).
    fn replace_from_disk(&mut self, i: usize, mut file: SourceFile, stamp: DiskStamp) {
        file.path = self.workspace.files[i].path.clone();
        let before = (
            Snapshot::File(Box::new(std::mem::replace(
                &mut self.workspace.files[i],
                file,
            ))),
            self.file_states[i].version,
        );
        let after = Snapshot::File(Box::new(self.workspace.files[i].clone()));
        let selection = self.selected;
        self.record(i, selection, None, Some(before), after);
        if let Some(s) = self
            .selected
            .filter(|s| s.file == i && !self.site_exists(*s))
        {
            self.selected = None;
            self.select_first_in(s.file);
        }
        let state = &mut self.file_states[i];
        state.saved_version = state.version;
        state.disk = Some(stamp);
        state.disk_conflict = None;
        state.missing = false;
    }

    /// The index of the open file `path` names, by its spelling or, failing
    /// that, by where it really is (`./a.yaml`, `dir/../a.yaml` and links all
    /// name one file).
    pub fn file_index(&self, path: &Path) -> Option<usize> {
        if let Some(i) = self.workspace.files.iter().position(|f| f.path == path) {
            return Some(i);
        }
        let real = canonical(path)?;
        self.file_states
            .iter()
            .position(|s| s.canonical.as_ref() == Some(&real))
    }

    /// The canonical paths of the open files, to skip files already open when
    /// many are opened at once.
    pub fn open_canonical_paths(&self) -> std::collections::HashSet<PathBuf> {
        self.file_states
            .iter()
            .filter_map(|s| s.canonical.clone())
            .collect()
    }

    /// Records that file `i` was just written to its path.
    pub(super) fn stamp_saved(&mut self, i: usize) {
        let Some(path) = self.workspace.files.get(i).map(|f| f.path.clone()) else {
            return;
        };
        let state = &mut self.file_states[i];
        state.disk = DiskStamp::read(&path).ok();
        state.disk_conflict = None;
        state.missing = false;
        state.canonical = canonical(&path);
    }

    /// Files with an unanswered change on disk, first first.
    pub fn first_disk_conflict(&self) -> Option<usize> {
        self.file_states
            .iter()
            .position(|s| s.disk_conflict.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SE: &str = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n";

    fn open(dir: &Path, name: &str, text: &str) -> (Session, PathBuf) {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let mut s = Session::default();
        let (file, stamp) = read_file(&path).unwrap();
        s.add_read_file(file, stamp);
        (s, path)
    }

    /// Writes new bytes with a modification time that surely differs.
    fn rewrite(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
    }

    #[test]
    fn unchanged_files_stay_and_touched_files_are_not_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, path) = open(dir.path(), "a.yaml", SE);
        assert!(s.check_disk().is_empty());
        rewrite(&path, SE);
        assert!(s.check_disk().is_empty());
        assert!(!s.changed_on_disk(0));
    }

    #[test]
    fn clean_buffers_reload_and_dirty_ones_are_marked_once() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, path) = open(dir.path(), "a.yaml", SE);
        rewrite(&path, &SE.replace("name: a\n", "name: b\n"));
        assert_eq!(s.check_disk(), vec![DiskEvent::Reloaded(0)]);
        assert_eq!(s.workspace.files[0].items().next().unwrap().1.name, "b");
        assert!(!s.file_states[0].is_dirty());
        // The reload is one undo step.
        s.undo();
        assert_eq!(s.workspace.files[0].items().next().unwrap().1.name, "a");
        assert!(s.file_states[0].is_dirty());
        rewrite(&path, &SE.replace("name: a\n", "name: c\n"));
        assert_eq!(s.check_disk(), vec![DiskEvent::Conflict(0)]);
        assert!(s.check_disk().is_empty(), "asked once per disk version");
        assert!(s.changed_on_disk(0));
        s.keep_mine(0);
        assert!(!s.changed_on_disk(0));
        assert_eq!(s.first_disk_conflict(), None);
    }

    #[test]
    fn missing_files_are_reported_once_and_two_spellings_are_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, path) = open(dir.path(), "a.yaml", SE);
        let dotted = dir.path().join(".").join("a.yaml");
        assert_eq!(s.file_index(&dotted), Some(0));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(s.check_disk(), vec![DiskEvent::Missing(0)]);
        assert!(s.check_disk().is_empty());
        assert!(!s.changed_on_disk(0), "saving recreates a deleted file");
    }
}
