//! Turns the paths a user gives (files, folders, `-`) into the list of manifest
//! files to read, in a stable order.
//!
//! The CLI's commands and the editor's Open Folder share it, so a folder means the
//! same thing everywhere: every `*.yaml` and `*.yml` below it, recursively,
//! skipping hidden files and folders (`.git`, `.github`, …) and whatever an
//! exclude pattern matches (the editor passes its vendored folders, `vendor`,
//! `node_modules` and `third_party`, as such patterns). Entries of a folder are
//! taken in byte order of their names; the inputs keep the order they were given
//! in, and a file reached twice is read once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Why the inputs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}: no *.yaml or *.yml file in this folder (hidden folders and --exclude matches are skipped)"
    )]
    NoManifests { path: String },
}

/// A pattern of `--exclude`: `*` and `?` match within one name, `**` across
/// folders. It matches a path when it matches the whole path or any trailing
/// part of it made of whole names, so `vendor`, `charts/**` and `*.sops.yaml`
/// match at any depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
}

impl Glob {
    /// Accepts any non-empty pattern; a trailing `/` is ignored.
    pub fn parse(pattern: &str) -> Result<Glob, String> {
        let trimmed = pattern.trim_end_matches('/');
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err("an exclude pattern must not be empty".into());
        }
        Ok(Glob {
            pattern: trimmed.to_string(),
        })
    }

    /// True when the pattern matches `path` (names separated by `/`) or one of its
    /// trailing parts.
    pub fn matches(&self, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').filter(|n| !n.is_empty()).collect();
        (0..names.len()).any(|start| {
            let tail = names[start..].join("/");
            glob_match(self.pattern.as_bytes(), tail.as_bytes())
        })
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pattern)
    }
}

/// Matches `*` (any run of characters but `/`), `**` (any run, `/` included; a
/// trailing `/**` also matches the folder itself) and `?` (one character but `/`).
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'/', b'*', b'*'] if text.is_empty() => true,
        [b'*', b'*', rest @ ..] => {
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            (0..=text.len()).any(|i| glob_match(rest, &text[i..]))
        }
        [b'*', rest @ ..] => {
            let end = text.iter().position(|&c| c == b'/').unwrap_or(text.len());
            (0..=end).any(|i| glob_match(rest, &text[i..]))
        }
        [b'?', rest @ ..] => {
            text.first().is_some_and(|&c| c != b'/') && glob_match(rest, &text[1..])
        }
        [c, rest @ ..] => text.first() == Some(c) && glob_match(rest, &text[1..]),
    }
}

/// True for the names a folder walk reads.
pub fn is_manifest_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The files to read for `inputs`: a file (or `-`) as given, a folder as the
/// manifests below it. A given file that an exclude pattern matches is skipped
/// too, so `--exclude` works the same on a file list (as pre-commit passes) and
/// on a folder. A folder with no manifest is an error: a typo in CI must not
/// pass as "nothing wrong".
pub fn expand(inputs: &[PathBuf], exclude: &[Glob]) -> Result<Vec<PathBuf>, WalkError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        let is_dir = input != Path::new("-") && input.is_dir();
        if !is_dir {
            if excluded(&slashed(input), exclude) {
                log::debug!("skipping {}: matches --exclude", input.display());
            } else if seen.insert(input.clone()) {
                out.push(input.clone());
            }
            continue;
        }
        let before = out.len();
        walk_dir(input, "", exclude, &mut out, &mut seen)?;
        log::debug!("{}: {} manifest files", input.display(), out.len() - before);
        if out.len() == before {
            return Err(WalkError::NoManifests {
                path: input.display().to_string(),
            });
        }
    }
    Ok(out)
}

/// Appends the manifests below `dir` (whose path relative to the walked root is
/// `rel`) in byte order of their names.
fn walk_dir(
    dir: &Path,
    rel: &str,
    exclude: &[Glob],
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), WalkError> {
    let io = |source| WalkError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| (e.file_name(), e.path())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort();
    for (name, path) in entries {
        let Some(name) = name.to_str() else {
            log::debug!("skipping {}: name is not UTF-8", path.display());
            continue;
        };
        if name.starts_with('.') {
            log::debug!("skipping {}: hidden", path.display());
            continue;
        }
        let rel = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        if excluded(&rel, exclude) {
            log::debug!("skipping {}: matches --exclude", path.display());
            continue;
        }
        // Symlinked folders are not followed: a link loop would never end.
        let link = std::fs::symlink_metadata(&path).map_err(|source| WalkError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if link.is_dir() {
            walk_dir(&path, &rel, exclude, out, seen)?;
        } else if is_manifest_name(name) && path.is_file() && seen.insert(path.clone()) {
            out.push(path);
        }
    }
    Ok(())
}

fn excluded(rel: &str, exclude: &[Glob]) -> bool {
    exclude.iter().any(|g| g.matches(rel))
}

/// The path with `/` separators and no leading `./`, as patterns are written.
fn slashed(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str) -> Glob {
        Glob::parse(p).unwrap()
    }

    #[test]
    fn globs_match_names_and_trailing_paths() {
        assert!(g("vendor").matches("a/vendor"));
        assert!(!g("vendor").matches("a/vendors"));
        assert!(g("*.sops.yaml").matches("x/y/secret.sops.yaml"));
        assert!(!g("*.yaml").matches("a.yml"));
        assert!(g("charts/**").matches("deploy/charts/x/y.yaml"));
        assert!(g("charts/**").matches("charts"));
        assert!(g("a/**/z.yaml").matches("a/z.yaml"));
        assert!(g("a/**/z.yaml").matches("a/b/c/z.yaml"));
        assert!(!g("a/*/z.yaml").matches("a/b/c/z.yaml"));
        assert!(g("se-?.yaml").matches("se-1.yaml"));
        assert!(!g("se-?.yaml").matches("se-10.yaml"));
        assert!(Glob::parse("").is_err());
        assert!(g("./gen/").matches("gen"));
    }

    #[test]
    fn manifest_names() {
        assert!(is_manifest_name("a.yaml"));
        assert!(is_manifest_name("B.YML"));
        assert!(!is_manifest_name("a.json"));
        assert!(!is_manifest_name("yaml"));
    }
}
