//! The probe panel: probe a ServiceEntry (or a host:port typed by hand) from this
//! machine in the background; results stay per target until the config changes.

use super::EgressStudio;
use super::widgets::severity_color;
use crate::model::Resource;
use crate::probe::runner::{Event, Request, Runner};
use crate::probe::targets::{self, PathMap};
use crate::probe::{ProbeOptions, ProbeReport, Target};
use crate::validate::Severity;
use egui::{RichText, Ui};
use std::collections::HashMap;

/// Target keys the configuration yields: (workspace generation, path mappings, keys).
type CurrentTargets = (
    u64,
    Vec<(String, String)>,
    std::collections::HashSet<String>,
);

/// Probe state kept by the app.
#[derive(Default)]
pub struct ProbeState {
    runner: Option<Runner>,
    next_id: u64,
    /// The batch running now: its id and targets.
    running: Option<(u64, Vec<Target>)>,
    /// Last report per target key.
    pub results: HashMap<String, (Target, ProbeReport)>,
    /// When each result arrived (larger = newer), and how many have arrived:
    /// the diagram's overlay shows the newest and rebuilds when this changes.
    pub arrival: HashMap<String, u64>,
    pub received: u64,
    /// Order in which targets were last probed (keys).
    pub order: Vec<String>,
    pub manual: String,
    pub dns_server: String,
    pub map_from: String,
    pub map_to: String,
    pub wildcard_host: String,
    pub error: Option<String>,
    /// Target keys the configuration yields now, per workspace generation and mappings.
    current: Option<CurrentTargets>,
}

impl ProbeState {
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}

impl EgressStudio {
    /// Identifies the workspace by its files, so mappings are remembered per workspace.
    fn workspace_key(&self) -> String {
        self.workspace_key.1.clone()
    }

    /// This workspace's path mappings.
    /// This workspace's path mappings (or those of the remembered workspace
    /// that shares most of its files).
    fn maps(&self) -> Vec<(String, String)> {
        self.settings_key(&self.settings.path_maps)
            .and_then(|k| self.settings.path_maps.get(&k).cloned())
            .unwrap_or_default()
    }

    /// This workspace's own mappings to change, starting from those it shows.
    fn maps_mut(&mut self) -> &mut Vec<(String, String)> {
        let shown = self.maps();
        let key = self.workspace_key();
        self.settings.path_maps.entry(key).or_insert(shown)
    }

    pub(super) fn path_map(&self) -> PathMap {
        PathMap {
            entries: self
                .maps()
                .into_iter()
                .map(|(a, b)| (a, b.into()))
                .collect(),
        }
    }

    fn probe_options(&self) -> Result<ProbeOptions, String> {
        let dns = self.probe.dns_server.trim();
        let dns_server = if dns.is_empty() {
            None
        } else {
            Some(
                dns.parse()
                    .map_err(|_| format!("DNS server {dns:?}: expected IP:PORT"))?,
            )
        };
        Ok(ProbeOptions {
            dns_server,
            ..Default::default()
        })
    }

    /// Starts probing `targets` in the background.
    pub fn start_probe(&mut self, targets: Vec<Target>) {
        if targets.is_empty() {
            self.probe.error = Some(
                "nothing to probe: no host and port (wildcard hosts need a concrete name)".into(),
            );
            return;
        }
        let options = match self.probe_options() {
            Ok(o) => o,
            Err(e) => {
                self.probe.error = Some(e);
                return;
            }
        };
        if self.probe.runner.is_none() {
            let ctx = self.ctx.clone();
            match Runner::start(move || {
                if let Some(c) = &ctx {
                    c.request_repaint();
                }
            }) {
                Ok(r) => self.probe.runner = Some(r),
                Err(e) => {
                    self.probe.error = Some(e);
                    return;
                }
            }
        }
        if let Some((id, _)) = self.probe.running.take()
            && let Some(r) = &self.probe.runner
        {
            let _ = r.send(Request::Cancel { id });
        }
        self.probe.next_id += 1;
        let id = self.probe.next_id;
        self.probe.error = None;
        self.probe.order = targets.iter().map(Target::key).collect();
        if let Some(r) = &self.probe.runner
            && let Err(e) = r.send(Request::Probe {
                id,
                targets: targets.clone(),
                options,
            })
        {
            self.probe.error = Some(e);
            return;
        }
        self.probe.running = Some((id, targets));
        self.bottom_tab = super::BottomTab::Probe;
    }

    pub fn cancel_probe(&mut self) {
        if let (Some((id, _)), Some(r)) = (self.probe.running.take(), &self.probe.runner) {
            let _ = r.send(Request::Cancel { id });
        }
    }

    /// Targets of the selected ServiceEntry with the workspace's rules.
    pub fn selected_targets(&self) -> Vec<Target> {
        let Some(Resource::ServiceEntry(se)) = self.selected_resource() else {
            return Vec::new();
        };
        let rules: Vec<&crate::model::DestinationRule> = self
            .session
            .workspace
            .resources()
            .filter_map(|r| match r.resource {
                Resource::DestinationRule(d) => Some(&**d),
                _ => None,
            })
            .collect();
        let concrete = Some(self.probe.wildcard_host.trim()).filter(|s| !s.is_empty());
        let paths = self.path_map();
        let ws = &self.session.workspace;
        let pods = crate::policy::GatewayPods::of(ws.resources().map(|r| r.resource));
        crate::probe::gateway_hop::apply(
            (&crate::validate::chain::summaries(ws), &pods),
            se,
            &rules,
            &paths,
            targets::for_service_entry_from(se, &rules, &paths, concrete, None, &pods),
        )
    }

    pub(super) fn drain_probe_events(&mut self) {
        let Some(runner) = &self.probe.runner else {
            return;
        };
        let mut events = Vec::new();
        while let Ok(e) = runner.events.try_recv() {
            events.push(e);
        }
        for e in events {
            match e {
                Event::Report { id, index, report } => {
                    if let Some((rid, targets)) = &self.probe.running
                        && *rid == id
                        && let Some(t) = targets.get(index)
                    {
                        self.probe.received += 1;
                        self.probe.arrival.insert(t.key(), self.probe.received);
                        self.probe.results.insert(t.key(), (t.clone(), *report));
                    }
                }
                Event::Finished { id, .. } => {
                    if self
                        .probe
                        .running
                        .as_ref()
                        .is_some_and(|(rid, _)| *rid == id)
                    {
                        self.probe.running = None;
                    }
                }
                Event::Failed { message, .. } => self.probe.error = Some(message),
                Event::Note { message, .. } => self.notice(false, message),
            }
        }
    }

    pub(super) fn probe_panel(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("host:port");
            ui.add(
                egui::TextEdit::singleline(&mut self.probe.manual)
                    .hint_text("api.example.com:443")
                    .desired_width(200.0),
            )
            .labelled_by(l.id);
            if ui.button("Probe host:port").clicked() {
                match Target::parse_host_port(self.probe.manual.trim()) {
                    Ok(t) => self.start_probe(vec![t]),
                    Err(e) => self.probe.error = Some(e),
                }
            }
            let is_se = matches!(self.selected_resource(), Some(Resource::ServiceEntry(_)));
            if ui
                .add_enabled(is_se, egui::Button::new("Probe selected ServiceEntry"))
                .clicked()
            {
                let t = self.selected_targets();
                self.start_probe(t);
            }
            if self.probe.is_running() {
                ui.spinner();
                if ui.button("Cancel").clicked() {
                    self.cancel_probe();
                }
            }
        });
        // Wrapped: in a narrow window the mapping fields and Add mapping go on
        // a second row instead of past the window's edge.
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("DNS server");
            ui.add(
                egui::TextEdit::singleline(&mut self.probe.dns_server)
                    .hint_text("system")
                    .desired_width(120.0),
            )
            .labelled_by(l.id);
            let l = ui.label("wildcard host as");
            ui.add(
                egui::TextEdit::singleline(&mut self.probe.wildcard_host)
                    .hint_text("api.example.com")
                    .desired_width(140.0),
            )
            .labelled_by(l.id);
            let l = ui.label("map sidecar path");
            ui.add(
                egui::TextEdit::singleline(&mut self.probe.map_from)
                    .hint_text("/etc/certs")
                    .desired_width(90.0),
            )
            .labelled_by(l.id);
            let l = ui.label("to local folder");
            ui.add(
                egui::TextEdit::singleline(&mut self.probe.map_to)
                    .hint_text("./certs")
                    .desired_width(120.0),
            )
            .labelled_by(l.id);
            if ui.button("Add mapping").clicked()
                && !self.probe.map_from.trim().is_empty()
                && !self.probe.map_to.trim().is_empty()
            {
                let from = self.probe.map_from.trim().trim_end_matches('/').to_string();
                self.maps_mut().retain(|(a, _)| *a != from);
                let to = self.probe.map_to.trim().to_string();
                self.maps_mut().push((from, to));
                self.persist_settings();
            }
        });
        if !self.maps().is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label("Mappings:");
                let mut remove = None;
                for (i, (a, b)) in self.maps().iter().enumerate() {
                    ui.label(format!("{a} = {b}"));
                    if ui
                        .small_button("×")
                        .on_hover_text("Remove mapping")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                }
                if let Some(i) = remove {
                    self.maps_mut().remove(i);
                    self.persist_settings();
                }
            });
        }
        if let Some(e) = &self.probe.error {
            ui.label(RichText::new(e).color(severity_color(ui, Severity::Error)));
        }
        ui.label(RichText::new("Results are from this machine, not from inside the mesh.").weak());
        // Which results are still current: their target is what the config yields now
        // (recomputed only when the workspace or the mappings change).
        let maps = self.maps();
        let stale_cache = !matches!(&self.probe.current, Some((g, m, _)) if *g == self.session.version() && *m == maps);
        if stale_cache {
            let keys = targets::for_workspace(&self.session.workspace, &self.path_map())
                .iter()
                .map(Target::key)
                .collect();
            self.probe.current = Some((self.session.version(), maps, keys));
        }
        let current = self
            .probe
            .current
            .as_ref()
            .map(|(_, _, k)| k.clone())
            .unwrap_or_default();
        let ns = self
            .selected_resource()
            .and_then(|r| r.namespace())
            .unwrap_or("default")
            .to_string();
        egui::ScrollArea::vertical()
            .id_salt("probe-results")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let keys: Vec<String> = self.probe.order.clone();
                for key in keys {
                    let running = self
                        .probe
                        .running
                        .as_ref()
                        .is_some_and(|(_, ts)| ts.iter().any(|t| t.key() == key));
                    let Some((target, report)) = self.probe.results.get(&key) else {
                        if running {
                            ui.horizontal(|ui| {
                                ui.spinner();
                                ui.label(key.split('|').take(2).collect::<Vec<_>>().join(":"));
                            });
                        }
                        continue;
                    };
                    let stale =
                        !current.contains(&key) && !target.origin.ends_with("typed by hand");
                    let mut head = RichText::new(format!(
                        "{}{}",
                        report.headline(),
                        if stale {
                            " | stale: config changed"
                        } else {
                            ""
                        }
                    ));
                    head = if stale {
                        head.weak()
                    } else if report.ok {
                        head
                    } else {
                        head.color(severity_color(ui, Severity::Error))
                    };
                    egui::CollapsingHeader::new(head)
                        .id_salt(("probe", key.as_str()))
                        .show(ui, |ui| {
                            ui.label(RichText::new(report.text()).monospace());
                            let cmd = target.in_mesh_check(&ns);
                            ui.horizontal(|ui| {
                                ui.label(RichText::new(&cmd).monospace().small());
                                if ui.small_button("Copy in-mesh check").clicked() {
                                    ui.ctx().copy_text(cmd.clone());
                                }
                            });
                        });
                }
            });
    }
}
