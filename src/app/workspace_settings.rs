//! Settings remembered per workspace (the set of open files): the probe's
//! path mappings and the MeshConfig file. The key is recomputed whenever the
//! open files change; a workspace that keeps some of the previous one's files
//! inherits its settings.

use super::EgressStudio;
use crate::validate;
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
        let previous = std::mem::replace(&mut self.workspace_key, (paths, names.join("|")));
        self.inherit_settings(&previous);
        self.load_mesh_file();
    }

    /// A workspace that keeps some of the previous one's files (a file opened
    /// beside them, one of several closed) and has no settings of its own keeps
    /// the previous path mappings and mesh config: opening an unrelated file
    /// must not turn every probe result stale or drop the MeshConfig.
    fn inherit_settings(&mut self, previous: &(Vec<PathBuf>, String)) {
        let shares_files = previous.0.iter().any(|p| self.workspace_key.0.contains(p));
        let key = self.workspace_key.1.clone();
        if !shares_files || previous.1 == key {
            return;
        }
        let mut changed = false;
        if !self.settings.path_maps.contains_key(&key)
            && let Some(maps) = self.settings.path_maps.get(&previous.1).cloned()
        {
            self.settings.path_maps.insert(key.clone(), maps);
            changed = true;
        }
        if !self.settings.mesh_configs.contains_key(&key)
            && let Some(mesh) = self.settings.mesh_configs.get(&previous.1).cloned()
        {
            self.settings.mesh_configs.insert(key, mesh);
            changed = true;
        }
        if changed {
            self.persist_settings();
        }
    }

    /// Reads the mesh config file remembered for this workspace, if any.
    fn load_mesh_file(&mut self) {
        let path = self
            .settings
            .mesh_configs
            .get(&self.workspace_key.1)
            .cloned();
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
