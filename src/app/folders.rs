//! Opening files and whole folders, and keeping open files in step with the
//! disk.
//!
//! A folder opens as every manifest the CLI's walker finds below it
//! ([`walk::expand`]), less vendored folders; a file already open under another
//! spelling (`./a.yaml`, a link) is focused, not opened twice. Many or large
//! files are read on a background thread and join the workspace in one step.
//! When the watcher reports a change, or the window gets the focus back, the
//! session compares each open file with what it read
//! ([`Session::check_disk`](crate::session::Session::check_disk)) and this
//! module tells the user what happened.

use super::{BACKGROUND_OPEN_BYTES, Background, Dialog, EgressStudio};
use crate::session::disk::{self, DiskEvent, DiskStamp};
use crate::yaml::SourceFile;
use crate::yaml::walk::{self, Glob};
use std::path::{Path, PathBuf};

/// Folders a folder walk skips besides hidden ones (`.git`, …): vendored
/// dependencies, whose manifests are not the user's to edit.
pub const VENDORED: &[&str] = &["vendor", "node_modules", "third_party"];

/// A folder with more files than this is read on a background thread.
const BACKGROUND_FOLDER_FILES: usize = 64;

/// A file read for the editor, or why it could not be.
pub type Read = Result<(SourceFile, DiskStamp), String>;

/// The manifests `walk::expand` finds below `root`, vendored folders skipped.
pub fn folder_manifests(root: &Path) -> Result<Vec<PathBuf>, String> {
    let excludes: Vec<Glob> = VENDORED
        .iter()
        .filter_map(|p| Glob::parse(p).ok())
        .collect();
    walk::expand(&[root.to_path_buf()], &excludes).map_err(|e| match e {
        walk::WalkError::NoManifests { path } => format!(
            "{path}: no *.yaml or *.yml file in this folder (hidden folders and {} are skipped)",
            VENDORED.join(", ")
        ),
        other => other.to_string(),
    })
}

/// Reads files on every core (they are independent), in order.
pub fn read_all(paths: Vec<PathBuf>) -> Vec<(PathBuf, Read)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().min(8))
        .unwrap_or(1);
    if paths.len() < 16 || threads < 2 {
        return paths
            .into_iter()
            .map(|p| {
                let r = disk::read_file(&p);
                (p, r)
            })
            .collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| (p.clone(), disk::read_file(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .zip(paths.chunks(chunk))
            .flat_map(|(h, part)| match h.join() {
                Ok(read) => read,
                Err(_) => part
                    .iter()
                    .map(|p| {
                        (
                            p.clone(),
                            Err(format!("{}: could not be read", p.display())),
                        )
                    })
                    .collect(),
            })
            .collect()
    })
}

/// The paths an Open dialog's text names (comma-separated), or why it cannot
/// open them: the error stays in the dialog.
pub(super) fn open_targets(text: &str, folder: bool) -> Result<Vec<PathBuf>, String> {
    let paths: Vec<PathBuf> = text
        .split(',')
        .map(|p| PathBuf::from(p.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    if paths.is_empty() {
        return Err(if folder {
            "Type the path of a folder.".into()
        } else {
            "Type the path of a file or folder.".into()
        });
    }
    for p in &paths {
        if p == std::path::Path::new("-") {
            return Err("standard input (-) cannot be opened in the editor: save it to a file and open that".into());
        }
        match std::fs::metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "{}: no such file or folder: check the path",
                    p.display()
                ));
            }
            Err(e) => return Err(format!("{}: cannot read: {e}", p.display())),
            Ok(m) if folder && !m.is_dir() => {
                return Err(format!(
                    "{} is a file, not a folder: open it with File › Open…",
                    p.display()
                ));
            }
            Ok(m) if m.is_dir() => {
                folder_manifests(p)?;
            }
            Ok(_) => {}
        }
    }
    Ok(paths)
}

/// "a.yaml, b.yaml and 3 more": a list a person reads, whatever its length.
pub fn name_list(names: &[String], at_most: usize) -> String {
    match names.len() {
        0 => String::new(),
        n if n <= at_most => match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(", "),
        },
        n => format!("{} and {} more", names[..at_most].join(", "), n - at_most),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl EgressStudio {
    /// Opens files and folders from disk, reporting failures in the window. A
    /// file already open (under any spelling) is selected instead.
    pub fn open_paths(&mut self, paths: &[PathBuf]) {
        for path in paths {
            if path == Path::new("-") {
                self.notice(true, "standard input (-) cannot be opened in the editor: save it to a file and open that");
                continue;
            }
            if path.is_dir() {
                self.open_folder(path);
                continue;
            }
            if let Some(i) = self.session.file_index(path) {
                self.session.select_first_in(i);
                continue;
            }
            let large = std::fs::metadata(path).is_ok_and(|m| m.len() > BACKGROUND_OPEN_BYTES);
            if large {
                if !self.opening.contains(path) {
                    self.read_in_background(path.clone(), vec![path.clone()]);
                }
                continue;
            }
            let file = disk::read_file(path);
            self.opened(path, None, vec![(path.clone(), file)]);
        }
    }

    /// Opens every manifest below `root` (see [`folder_manifests`]); files
    /// already open stay as they are.
    pub fn open_folder(&mut self, root: &Path) {
        let found = match folder_manifests(root) {
            Ok(found) => found,
            Err(e) => {
                self.notice(true, e);
                return;
            }
        };
        self.add_folder_root(root);
        let open = self.session.open_canonical_paths();
        let new: Vec<PathBuf> = if open.is_empty() {
            found
        } else {
            found
                .into_iter()
                .filter(|p| disk::canonical(p).is_none_or(|c| !open.contains(&c)))
                .collect()
        };
        let bytes: u64 = new
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        if new.len() > BACKGROUND_FOLDER_FILES || bytes > BACKGROUND_OPEN_BYTES {
            if !self.opening.iter().any(|p| p == root) {
                self.read_in_background(root.to_path_buf(), new);
            }
            return;
        }
        let read = read_all(new);
        self.opened(root, Some(root), read);
    }

    /// Records `root` as an opened folder for the tree, unless an opened folder
    /// already holds it; opened folders inside it give way to it.
    fn add_folder_root(&mut self, root: &Path) {
        let Some(real) = disk::canonical(root) else {
            return;
        };
        let reals: Vec<Option<PathBuf>> = self
            .session
            .folders
            .iter()
            .map(|f| disk::canonical(f))
            .collect();
        if reals.iter().flatten().any(|r| real.starts_with(r)) {
            return;
        }
        let mut keep = reals
            .iter()
            .map(|r| r.as_ref().is_none_or(|r| !r.starts_with(&real)));
        self.session.folders.retain(|_| keep.next().unwrap_or(true));
        self.session.folders.push(root.to_path_buf());
        self.tree_generation += 1;
    }

    /// Reads files on a background thread; they come back as one
    /// [`Background::Loaded`] and join the workspace together.
    fn read_in_background(&mut self, shown: PathBuf, paths: Vec<PathBuf>) {
        self.opening.push(shown.clone());
        let tx = self.background.0.clone();
        let ctx = self.ctx.clone();
        let folder = shown.is_dir().then(|| shown.clone());
        std::thread::spawn(move || {
            let files = read_all(paths);
            let _ = tx.send(Background::Loaded {
                shown,
                folder,
                files,
            });
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
    }

    /// Files read (here or in the background) join the workspace in one step;
    /// those that could not be read are reported together.
    pub(super) fn opened(
        &mut self,
        shown: &Path,
        folder: Option<&Path>,
        files: Vec<(PathBuf, Read)>,
    ) {
        self.opening.retain(|p| p != shown);
        let mut read = Vec::new();
        let mut failed = Vec::new();
        let open = self.session.open_canonical_paths();
        for (path, file) in files {
            match file {
                // Opened meanwhile (e.g. by a second Open of the same folder).
                Ok(_)
                    if !open.is_empty()
                        && disk::canonical(&path).is_some_and(|c| open.contains(&c)) => {}
                Ok(file) => read.push(file),
                Err(e) => failed.push(e),
            }
        }
        // Opening a closed file again lets rescans keep it.
        if !self.closed_files.is_empty() {
            for (file, _) in &read {
                if let Some(real) = disk::canonical(&file.path) {
                    self.closed_files.remove(&real);
                }
            }
        }
        let count = read.len();
        if count > 0 {
            let added = self.session.add_read_files(read);
            self.files_changed();
            if self.session.selected.is_none() || folder.is_none() {
                for i in added {
                    self.session.select_first_in(i);
                    if self.session.selected.is_some() {
                        break;
                    }
                }
            }
        }
        if count > 0 || folder.is_some() {
            self.settings.add_recent(shown);
            self.persist_settings();
        }
        if let Some(root) = folder {
            let mut text = format!(
                "opened {}: {}",
                root.display(),
                plural(count, "file", "files")
            );
            if count == 0 {
                text.push_str(" (every manifest in it was open already)");
            }
            self.notice(false, text);
        }
        match failed.len() {
            0 => {}
            1 => self.notice(true, failed.remove(0)),
            n => self.notice(
                true,
                format!(
                    "{} could not be opened: {}",
                    plural(n, "file", "files"),
                    name_list(&failed, 3)
                ),
            ),
        }
    }

    /// Compares every open file with the disk (see the module doc): reloads
    /// unmodified buffers, asks about modified ones. The watcher and the
    /// window's focus call it; tests call it directly.
    pub fn check_disk(&mut self) {
        let mut reloaded = Vec::new();
        for event in self.session.check_disk() {
            let name = |i: usize, app: &EgressStudio| {
                app.session
                    .workspace
                    .files
                    .get(i)
                    .map(|f| f.display_path())
                    .unwrap_or_default()
            };
            match event {
                DiskEvent::Reloaded(i) => reloaded.push(name(i, self)),
                DiskEvent::Conflict(_) => {}
                DiskEvent::Missing(i) => {
                    let text = format!(
                        "{} was deleted or moved on disk; the editor keeps its copy: Save writes it back, Close File drops it",
                        name(i, self)
                    );
                    self.notice(true, text);
                }
                DiskEvent::Unreadable(_, e) => {
                    self.notice(true, format!("{e} (the editor keeps its copy)"));
                }
            }
        }
        if !reloaded.is_empty() {
            let text = format!(
                "reloaded {} changed on disk: {}",
                if reloaded.len() == 1 {
                    "a file"
                } else {
                    "files"
                },
                name_list(&reloaded, 3)
            );
            self.notice(false, text);
        }
        self.prompt_disk_conflict();
        self.rescan_folders();
    }

    /// True while the opened folders are being looked through for new files.
    pub fn is_rescanning(&self) -> bool {
        self.rescanning
    }

    /// Looks through the opened folders, on a background thread, for manifests
    /// that appeared since (a `git pull`); files the user closed stay closed.
    fn rescan_folders(&mut self) {
        if self.session.folders.is_empty() || self.rescanning {
            return;
        }
        self.rescanning = true;
        let roots = self.session.folders.clone();
        let mut skip = self.session.open_canonical_paths();
        skip.extend(self.closed_files.iter().cloned());
        let tx = self.background.0.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let new: Vec<PathBuf> = roots
                .iter()
                .filter_map(|root| folder_manifests(root).ok())
                .flatten()
                .filter(|p| disk::canonical(p).is_some_and(|c| !skip.contains(&c)))
                .collect();
            let files = read_all(new);
            let _ = tx.send(Background::Rescanned { files });
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
    }

    /// New manifests of opened folders join the workspace, said in one notice.
    pub(super) fn rescanned(&mut self, files: Vec<(PathBuf, Read)>) {
        self.rescanning = false;
        let open = self.session.open_canonical_paths();
        let mut read = Vec::new();
        for (path, file) in files {
            let Some(real) = disk::canonical(&path) else {
                continue;
            };
            // Opened or closed meanwhile; a file that cannot be read is left
            // alone until the user opens it (and hears why).
            if open.contains(&real) || self.closed_files.contains(&real) {
                continue;
            }
            if let Ok(file) = file {
                read.push(file);
            }
        }
        if read.is_empty() {
            return;
        }
        let names: Vec<String> = read.iter().map(|(f, _)| f.display_path()).collect();
        self.session.add_read_files(read);
        self.files_changed();
        let text = format!(
            "{} appeared in the opened folders and {} opened: {}",
            plural(names.len(), "file", "files"),
            if names.len() == 1 { "was" } else { "were" },
            name_list(&names, 3)
        );
        self.notice(false, text);
    }

    /// Asks about the first modified buffer whose file changed on disk, when no
    /// other dialog is open.
    pub(super) fn prompt_disk_conflict(&mut self) {
        if self.dialog.is_none()
            && let Some(file) = self.session.first_disk_conflict()
        {
            self.dialog = Some(Dialog::ChangedOnDisk {
                file,
                saving: false,
                diff: None,
            });
        }
    }

    /// True when a file watcher reports changes to the open files' folders.
    pub fn is_watching(&self) -> bool {
        self.watcher
            .as_ref()
            .is_some_and(super::watch::Watcher::is_running)
    }

    /// Watches the folders of the open files, so changes made elsewhere show.
    pub(super) fn watch_open_files(&mut self) {
        if !self.watch_files {
            return;
        }
        let folders = self
            .session
            .workspace
            .files
            .iter()
            .zip(&self.session.file_states)
            .filter(|(_, s)| !s.untitled)
            .filter_map(|(f, _)| {
                let parent = f.path.parent()?;
                Some(if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                })
            })
            .collect();
        let tx = self.background.0.clone();
        self.watcher
            .get_or_insert_with(|| super::watch::Watcher::new(tx))
            .watch(folders);
    }
}
