//! Settings and recent files, kept between runs in a small JSON file.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    pub theme: ThemeChoice,
    pub istio_version: Option<String>,
    /// Per workspace (its files), sidecar path prefix → local folder, for probing
    /// with a DR's certificate files.
    pub path_maps: std::collections::BTreeMap<String, Vec<(String, String)>>,
    /// Per workspace (its files), the MeshConfig file analysis reads.
    pub mesh_configs: std::collections::BTreeMap<String, PathBuf>,
    /// The namespace last given to new resources, offered again when nothing
    /// selected suggests one.
    pub namespace: Option<String>,
    /// Height of the bottom panel (diagnostics, probe reports) as last resized.
    pub bottom_panel_height: Option<f32>,
}

impl Settings {
    /// `$XDG_CONFIG_HOME/egress-studio/settings.json`, or under `~/.config`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("egress-studio").join("settings.json"))
    }

    /// Reads settings; a missing or unreadable file gives the defaults.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        crate::yaml::atomic_write(path, &text).map_err(|e| e.to_string())
    }

    pub fn add_recent(&mut self, path: &Path) {
        let p = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|r| r != &p);
        self.recent.insert(0, p);
        self.recent.truncate(MAX_RECENT);
    }
}
