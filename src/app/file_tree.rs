//! The resource list as a tree: opened folders → their sub-folders → files →
//! resources, with files opened on their own at the top. Folders and files
//! collapse; the filter hides files (and folders) with no matching resource.
//!
//! Rows are built only when the session's version, the filter or the tree's
//! collapsed set change, and hold no text: the few visible rows are labelled
//! when drawn, so a rebuild stays cheap at 10,000 resources.

use super::EgressStudio;
use super::widgets::{severity_color, severity_icon};
use crate::validate::{Severity, Site};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::rc::Rc;

type Worst = std::collections::HashMap<Site, Severity>;

/// A file of an opened folder: its place below the root (see [`tree_order`]) and index.
type Member = (Vec<(bool, String)>, usize);

/// What collapses in the tree: a folder or a file, by path (indexes shift when
/// files close).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TreeKey {
    Folder(PathBuf),
    File(PathBuf),
}

/// One row of the resource list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListRow {
    Folder {
        path: Rc<PathBuf>,
        /// The root as given, or one folder name below it.
        name: Rc<str>,
        depth: usize,
    },
    File {
        file: usize,
        depth: usize,
    },
    Item {
        site: Site,
        severity: Option<Severity>,
        other: bool,
        depth: usize,
    },
}

/// `SE`, `DR`, or the kind as written.
pub(super) fn kind_short(kind: &str) -> &str {
    match kind {
        "ServiceEntry" => "SE",
        "DestinationRule" => "DR",
        "Gateway" => "GW",
        "VirtualService" => "VS",
        other => other,
    }
}

/// Sort key of a path below a root: at each level folders come before files.
fn tree_order(rel: &Path) -> Vec<(bool, String)> {
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = names.len().saturating_sub(1);
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i == last, n))
        .collect()
}

impl EgressStudio {
    /// The item rows of file `fi` that pass the filter (none when collapsed).
    fn item_rows(
        &self,
        fi: usize,
        depth: usize,
        needle: &str,
        worst: &Worst,
        out: &mut Vec<ListRow>,
    ) -> bool {
        let Some(file) = self.session.workspace.files.get(fi) else {
            return false;
        };
        let mut any = false;
        for (di, doc) in file.documents.iter().enumerate() {
            if doc.error.is_some() {
                // A broken document has no kind or name to match.
                if !needle.is_empty() {
                    continue;
                }
                any = true;
                out.push(ListRow::Item {
                    site: Site {
                        file: fi,
                        document: di,
                        item: None,
                    },
                    severity: Some(Severity::Error),
                    other: false,
                    depth,
                });
                continue;
            }
            for (ii, item) in doc.items.iter().enumerate() {
                let site = Site {
                    file: fi,
                    document: di,
                    item: Some(ii),
                };
                if !needle.is_empty() && !super::list_filter::matches(item, needle) {
                    continue;
                }
                any = true;
                out.push(ListRow::Item {
                    site,
                    severity: worst.get(&site).copied().filter(|s| *s > Severity::Info),
                    other: !item.has_form(),
                    depth,
                });
            }
        }
        any
    }

    /// Rows of one file (and its resources) at `depth`; nothing when the filter
    /// leaves none of its resources.
    fn file_rows(&self, fi: usize, depth: usize, needle: &str, worst: &Worst) -> Vec<ListRow> {
        let mut items = Vec::new();
        let any = self.item_rows(fi, depth + 1, needle, worst, &mut items);
        if !needle.is_empty() && !any {
            return Vec::new();
        }
        let collapsed = self
            .session
            .workspace
            .files
            .get(fi)
            .is_some_and(|f| self.collapsed.contains(&TreeKey::File(f.path.clone())));
        let mut rows = vec![ListRow::File { file: fi, depth }];
        if !collapsed {
            rows.extend(items);
        }
        rows
    }

    /// The tree's rows (see the module doc), cached.
    pub(super) fn list_rows(&mut self) -> Rc<Vec<ListRow>> {
        if let Some((g, f, c, rows)) = &self.list_cache
            && *g == self.session.version()
            && *f == self.filter
            && *c == self.tree_generation
        {
            return rows.clone();
        }
        let needle = self.filter.to_lowercase();
        let worst = self.session.worst_by_site();
        let files = &self.session.workspace.files;
        let roots: Vec<(PathBuf, Option<PathBuf>)> = self
            .session
            .folders
            .iter()
            .map(|r| (r.clone(), crate::session::disk::canonical(r)))
            .collect();
        // Each file goes under the first opened folder that holds it.
        let mut under: Vec<Vec<Member>> = vec![Vec::new(); roots.len()];
        let mut loose = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            let real = self.session.file_states[fi].canonical.as_deref();
            let place = roots
                .iter()
                .enumerate()
                .find_map(|(ri, (root, real_root))| {
                    let rel = f.path.strip_prefix(root).ok().or_else(|| {
                        real.zip(real_root.as_deref())
                            .and_then(|(p, r)| p.strip_prefix(r).ok())
                    })?;
                    Some((ri, tree_order(rel)))
                });
            match place {
                Some((ri, key)) => under[ri].push((key, fi)),
                None => loose.push(fi),
            }
        }
        let mut rows = Vec::new();
        for fi in loose {
            rows.extend(self.file_rows(fi, 0, &needle, &worst));
        }
        for ((root, _), mut members) in roots.into_iter().zip(under) {
            members.sort();
            let root_rows = self.folder_rows(&root, &members, &needle, &worst);
            rows.extend(root_rows);
        }
        let rows = Rc::new(rows);
        self.list_cache = Some((
            self.session.version(),
            self.filter.clone(),
            self.tree_generation,
            rows.clone(),
        ));
        rows
    }

    /// Rows of one opened folder: its own row, then sub-folders and files in tree order.
    fn folder_rows(
        &self,
        root: &Path,
        members: &[Member],
        needle: &str,
        worst: &Worst,
    ) -> Vec<ListRow> {
        let mut rows = vec![ListRow::Folder {
            path: Rc::new(root.to_path_buf()),
            name: Rc::from(root.display().to_string()),
            depth: 0,
        }];
        if self
            .collapsed
            .contains(&TreeKey::Folder(root.to_path_buf()))
        {
            return rows;
        }
        // The folder names (below the root) of the last file placed.
        let mut open: Vec<&str> = Vec::new();
        for (key, fi) in members {
            let file_rows = self.file_rows(*fi, 0, needle, worst);
            if file_rows.is_empty() {
                continue;
            }
            let dirs: Vec<&str> = key[..key.len().saturating_sub(1)]
                .iter()
                .map(|(_, n)| n.as_str())
                .collect();
            let common = open.iter().zip(&dirs).take_while(|(a, b)| a == b).count();
            let mut path = root.to_path_buf();
            let mut hidden = false;
            open.clear();
            for (k, name) in dirs.iter().enumerate() {
                path.push(name);
                open.push(name);
                if k >= common {
                    rows.push(ListRow::Folder {
                        path: Rc::new(path.clone()),
                        name: Rc::from(*name),
                        depth: k + 1,
                    });
                }
                // A collapsed folder hides what is below it.
                if self.collapsed.contains(&TreeKey::Folder(path.clone())) {
                    hidden = true;
                    break;
                }
            }
            if hidden {
                continue;
            }
            let depth = dirs.len() + 1;
            rows.extend(file_rows.into_iter().map(|r| match r {
                ListRow::File { file, .. } => ListRow::File { file, depth },
                ListRow::Item {
                    site,
                    severity,
                    other,
                    ..
                } => ListRow::Item {
                    site,
                    severity,
                    other,
                    depth: depth + 1,
                },
                folder => folder,
            }));
        }
        rows
    }

    /// A row's label and hover text, made when the row is visible.
    fn row_text(&self, row: &ListRow) -> (String, String) {
        let ws = &self.session.workspace;
        match row {
            ListRow::Folder { path, name, .. } => {
                let sign = if self.collapsed.contains(&TreeKey::Folder((**path).clone())) {
                    "+"
                } else {
                    "-"
                };
                (
                    format!("{sign} {name}/"),
                    format!("{}: collapse or expand", path.display()),
                )
            }
            ListRow::File { file, .. } => {
                let Some(f) = ws.files.get(*file) else {
                    return (String::new(), String::new());
                };
                let dirty = if self.session.file_states[*file].is_dirty() {
                    " •"
                } else {
                    ""
                };
                let name = f
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| f.display_path());
                let sign = if self.collapsed.contains(&TreeKey::File(f.path.clone())) {
                    "+"
                } else {
                    "-"
                };
                (
                    format!("{sign} {name}{dirty}"),
                    format!("{}: collapse or expand", f.display_path()),
                )
            }
            ListRow::Item { site, severity, .. } => {
                let Some(doc) = ws
                    .files
                    .get(site.file)
                    .and_then(|f| f.documents.get(site.document))
                else {
                    return (String::new(), String::new());
                };
                if let Some(err) = &doc.error {
                    let text = format!(
                        "✖ document {} (line {}): {}",
                        doc.ordinal + 1,
                        err.pos.line,
                        err.message
                    );
                    return (text, err.message.clone());
                }
                let Some(item) = site.item.and_then(|i| doc.items.get(i)) else {
                    return (String::new(), String::new());
                };
                let ns = item.namespace.as_deref().unwrap_or("default");
                let badge = match severity {
                    Some(s) => severity_icon(*s),
                    None if item.has_form() => "✔",
                    None => "·",
                };
                (
                    format!("{badge} {} {} ({ns})", kind_short(&item.kind), item.name),
                    format!("{} {}/{} — line {}", item.kind, ns, item.name, doc.line),
                )
            }
        }
    }

    /// Every row of the resource list as text, indented two spaces a level
    /// (what the list shows, for tests and for reading).
    pub fn resource_tree(&mut self) -> Vec<String> {
        let rows = self.list_rows();
        rows.iter()
            .map(|row| {
                let depth = match row {
                    ListRow::Folder { depth, .. }
                    | ListRow::File { depth, .. }
                    | ListRow::Item { depth, .. } => *depth,
                };
                format!("{}{}", "  ".repeat(depth), self.row_text(row).0)
            })
            .collect()
    }

    /// Collapses or expands a folder or file of the tree.
    pub fn toggle_tree(&mut self, key: TreeKey) {
        if !self.collapsed.remove(&key) {
            self.collapsed.insert(key);
        }
        self.tree_generation += 1;
    }

    pub(super) fn resource_list(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            self.new_resource_menu(ui);
            let l = ui.label("Filter");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("name, host, kind, namespace")
                        .desired_width(ui.available_width().min(170.0)),
                )
                .labelled_by(l.id);
            if self.focus_filter {
                r.request_focus();
                self.focus_filter = false;
            }
        });
        ui.separator();
        for path in &self.opening {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("opening {}…", path.display()));
            });
        }
        for path in &self.saving {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("saving {}…", path.display()));
            });
        }
        if self.session.workspace.files.is_empty() && self.opening.is_empty() {
            ui.label("No files open. File › Open or Open Folder, drop files here, or Edit › New from recipe.");
            return;
        }
        let rows = self.list_rows();
        let mut clicked = None;
        let mut toggle = None;
        let row_height = ui.spacing().interact_size.y;
        let indent = ui.spacing().indent * 0.75;
        egui::ScrollArea::vertical()
            .id_salt("resource-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                // One line per row: show_rows relies on equal heights; hover shows all.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for row in &rows[range] {
                    let (text, hover) = self.row_text(row);
                    ui.horizontal(|ui| match row {
                        ListRow::Folder { path, depth, .. } => {
                            ui.add_space(indent * *depth as f32);
                            if ui
                                .selectable_label(false, RichText::new(text).strong())
                                .on_hover_text(hover)
                                .clicked()
                            {
                                toggle = Some(TreeKey::Folder((**path).clone()));
                            }
                        }
                        ListRow::File { file, depth } => {
                            ui.add_space(indent * *depth as f32);
                            if ui
                                .selectable_label(false, RichText::new(text).strong())
                                .on_hover_text(hover)
                                .clicked()
                                && let Some(f) = self.session.workspace.files.get(*file)
                            {
                                toggle = Some(TreeKey::File(f.path.clone()));
                            }
                        }
                        ListRow::Item {
                            site,
                            severity,
                            other,
                            depth,
                        } => {
                            ui.add_space(indent * *depth as f32);
                            let mut rich = RichText::new(text);
                            if let Some(s) = severity {
                                rich = rich.color(severity_color(ui, *s));
                            } else if *other {
                                rich = rich.weak();
                            }
                            if ui
                                .selectable_label(self.session.selected == Some(*site), rich)
                                .on_hover_text(hover)
                                .clicked()
                            {
                                clicked = Some(*site);
                            }
                        }
                    });
                }
            });
        if let Some(site) = clicked {
            self.session.selected = Some(site);
        }
        if let Some(key) = toggle {
            self.toggle_tree(key);
        }
    }
}
