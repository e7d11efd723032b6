//! Settings remembered per workspace (the set of open files): the probe's
//! path mappings and the MeshConfig file. The key is recomputed whenever the
//! open files change; a workspace without settings of its own uses those of
//! the remembered workspace that shares most of its files.

use super::EgressStudio;
use crate::validate;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

impl EgressStudio {
    /// Called after the set of open files may have changed (open, close, save as):
    /// recomputes the key of per-workspace settings and applies them.
    pub(super) fn files_changed(&mut self) {
        let paths: Vec<PathBuf> = self
            .session
            .workspace
            .files
            .iter()
            .map(|f| f.path.clone())
            .collect();
        if paths == self.workspace_key.0 {
            return;
        }
        self.watch_open_files();
        let mut names: Vec<String> = paths
            .iter()
            .map(|p| {
                std::fs::canonicalize(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string()
            })
            .collect();
        names.sort();
        self.workspace_key = (paths, names.join("|"));
        self.load_mesh_file();
    }

    /// The key under which `map` holds this workspace's setting: its own
    /// entry, else the entry whose files overlap most with the open ones (fewest
    /// other files on a tie). So a file opened beside a workspace, or one of its
    /// files closed, keeps its path mappings and MeshConfig without copying them
    /// (the settings file grows only when the user sets something).
    pub(super) fn settings_key<V>(&self, map: &BTreeMap<String, V>) -> Option<String> {
        let key = &self.workspace_key.1;
        if map.contains_key(key) {
            return Some(key.clone());
        }
        let open: HashSet<&str> = key.split('|').filter(|f| !f.is_empty()).collect();
        map.keys()
            .filter_map(|k| {
                let files: Vec<&str> = k.split('|').collect();
                let shared = files.iter().filter(|f| open.contains(*f)).count();
                (shared > 0).then_some((shared, std::cmp::Reverse(files.len()), k))
            })
            .max()
            .map(|(_, _, k)| k.clone())
    }

    /// Reads the mesh config file remembered for this workspace, if any.
    fn load_mesh_file(&mut self) {
        let path = self
            .settings_key(&self.settings.mesh_configs)
            .and_then(|k| self.settings.mesh_configs.get(&k).cloned());
        self.mesh_path_input = path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mesh = path.map(|p| {
            let shown = p.display().to_string();
            std::fs::read_to_string(&p)
                .map_err(|e| format!("{shown}: {e}"))
                .and_then(|text| validate::MeshConfig::parse(&text, &shown))
        });
        self.session.set_mesh_override(mesh);
    }

    /// Uses (and remembers for this workspace) a MeshConfig file; an empty path
    /// goes back to the workspace's `istio` ConfigMap or Istio's defaults.
    pub fn set_mesh_config(&mut self, path: &str) {
        let key = self.workspace_key.1.clone();
        if path.trim().is_empty() {
            self.settings.mesh_configs.remove(&key);
        } else {
            self.settings
                .mesh_configs
                .insert(key, PathBuf::from(path.trim()));
        }
        self.persist_settings();
        self.load_mesh_file();
    }
}
