//! Putting bytes on disk the way editors save: atomic replacement, symbolic
//! and hard links kept, permissions kept, read-only files refused, devices and
//! pipes written to rather than replaced. Everything that writes a file
//! (save, export, diagram) goes through [`atomic_write`].

use super::write::WriteError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` the way an editor saves:
/// - a symbolic link is followed: its target is written and the link stays;
/// - a regular file is replaced atomically (a temporary file in the target's
///   folder is written, flushed to disk, given the target's permissions and
///   renamed over it), or written in place when it has other hard links, so
///   they all still name the saved file;
/// - a read-only file is refused, not replaced;
/// - a device or pipe (`/dev/stdout`, a fifo) is written to, never replaced.
///
/// On failure the target is left as it was and the temporary file is removed.
pub fn atomic_write(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    // Opened through the path itself: `/dev/stdout` links to names like
    // `pipe:[123]` that exist only for the kernel.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return write_in_place(path, contents).map_err(io);
    }
    let target = link_target(path).map_err(io)?;
    let meta = std::fs::metadata(&target).ok();
    if let Some(meta) = &meta {
        if meta.is_file() && is_read_only(&target, meta) {
            return Err(WriteError::ReadOnly { path: shown });
        }
        if meta.is_file() && hard_links(meta) > 1 {
            return write_in_place(&target, contents).map_err(io);
        }
    }
    replace(&target, contents, meta.as_ref()).map_err(io)
}

/// The file a path finally names, following symbolic links (relative ones from
/// their own folder). A link to a file that does not exist yet names that file.
fn link_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(
        "too many levels of symbolic links (a loop?)",
    ))
}

fn is_read_only(path: &Path, meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
        || std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
}

#[cfg(unix)]
fn hard_links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Overwrites the file itself (same inode): for devices, pipes and hard-linked
/// files. Not atomic — the price of keeping every link to the file.
fn write_in_place(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    f.write_all(contents)?;
    if f.metadata().is_ok_and(|m| m.is_file()) {
        f.sync_all()?;
    }
    Ok(())
}

/// Writes a temporary file beside `target` and renames it over `target`.
fn replace(target: &Path, contents: &[u8], old: Option<&std::fs::Metadata>) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{file_name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        if let Some(meta) = old {
            keep_owner(&f, meta);
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, target)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Gives the new file the old one's owner and group where the process may (as
/// its owner or as root); otherwise the new file stays the process's own.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, old: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _old: &std::fs::Metadata) {}
