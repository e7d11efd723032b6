//! The relation index of the incremental analysis: for every object its
//! relation keys ([`validate::relation_keys`]: hosts, FQDNs, TCP ports without
//! addresses, Gateway and Secret names), who holds each key and how (declares it
//! or only refers to it), and which objects are egress-gateway chain units.
//!
//! Two objects are related when they share a key and at least one of them
//! declares it: two routes that both send to the egress gateway Service do not
//! relate through it, each relates to the DestinationRules of that Service.
//! A chain unit (a VirtualService's chain, or a Gateway judged alone) reads more
//! than its neighbours: see [`RelationIndex::units_reading`] and
//! [`RelationIndex::context_of`].

use crate::model::{ChainKind, Resource};
use crate::validate::{self, Key, Relation, Site};
use crate::yaml::Workspace;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct RelationIndex {
    keys: HashMap<Site, Vec<Key>>,
    holders: HashMap<String, Holders>,
    /// Objects whose relation is global (wildcard hosts, Pods, Nodes).
    global: HashSet<Site>,
    /// How many items each indexed document had.
    items: HashMap<(usize, usize), usize>,
    /// The chain units: VirtualServices and Gateways.
    units: HashMap<Site, ChainKind>,
}

/// The objects holding one relation key, by how they hold it.
#[derive(Default)]
struct Holders {
    declare: HashSet<Site>,
    refer: HashSet<Site>,
}

impl Holders {
    fn of(&mut self, refers: bool) -> &mut HashSet<Site> {
        if refers {
            &mut self.refer
        } else {
            &mut self.declare
        }
    }

    fn all(&self) -> impl Iterator<Item = &Site> {
        self.declare.iter().chain(&self.refer)
    }
}

/// What a document contributed to the index before an edit.
pub struct Removed {
    pub sites: Vec<Site>,
    pub keys: Vec<Key>,
}

impl RelationIndex {
    /// Indexes every document of the workspace anew.
    pub fn rebuild(&mut self, ws: &Workspace, suffix: &str) {
        *self = RelationIndex::default();
        for (fi, f) in ws.files.iter().enumerate() {
            for di in 0..f.documents.len() {
                self.add_document(ws, fi, di, suffix);
            }
        }
    }

    /// True when some object relates to everything: only a whole analysis is exact.
    pub fn has_global(&self) -> bool {
        !self.global.is_empty()
    }

    pub fn keys_of(&self, site: &Site) -> &[Key] {
        self.keys.get(site).map_or(&[], Vec::as_slice)
    }

    pub fn add_document(&mut self, ws: &Workspace, file: usize, document: usize, suffix: &str) {
        let doc = &ws.files[file].documents[document];
        self.items.insert((file, document), doc.items.len());
        for (i, item) in doc.items.iter().enumerate() {
            let Ok(resource) = &item.resource else {
                continue;
            };
            let site = Site {
                file,
                document,
                item: Some(i),
            };
            if let Resource::Other(o) = resource
                && let Some(kind) = ChainKind::of(o)
            {
                self.units.insert(site, kind);
            }
            let ns = item.namespace.as_deref().unwrap_or("default");
            match validate::relation_keys(resource, ns, suffix) {
                Relation::Global => {
                    self.global.insert(site);
                }
                Relation::Keys(keys) => {
                    for k in &keys {
                        self.holders
                            .entry(k.name.clone())
                            .or_default()
                            .of(k.refers)
                            .insert(site);
                    }
                    self.keys.insert(site, keys);
                }
            }
        }
    }

    /// Drops a document's objects from the index; returns what they were.
    pub fn remove_document(&mut self, file: usize, document: usize) -> Removed {
        let count = self.items.remove(&(file, document)).unwrap_or_default();
        let sites: Vec<Site> = (0..count)
            .map(|i| Site {
                file,
                document,
                item: Some(i),
            })
            .filter(|s| self.keys.contains_key(s) || self.global.contains(s))
            .collect();
        let mut keys = Vec::new();
        for s in &sites {
            self.global.remove(s);
            self.units.remove(s);
            for k in self.keys.remove(s).unwrap_or_default() {
                if let Some(holders) = self.holders.get_mut(&k.name) {
                    holders.of(k.refers).remove(s);
                }
                keys.push(k);
            }
        }
        Removed { sites, keys }
    }

    /// Adds the objects related through `key` to one that holds it: every
    /// holder when it declares what the key names, only the declarers when it
    /// merely refers to it.
    pub fn related(&self, key: &Key, to: &mut HashSet<Site>) {
        let Some(holders) = self.holders.get(&key.name) else {
            return;
        };
        to.extend(holders.declare.iter().copied());
        if !key.refers {
            to.extend(holders.refer.iter().copied());
        }
    }

    /// The chain units whose findings an edit can change: the units among
    /// `sites` (the edited objects), every Gateway holding one of `keys` (the
    /// edited objects' keys), and every VirtualService holding a key the edited
    /// objects declare (a Secret's name: every VirtualService, since a chain
    /// reads the Secrets its pieces name).
    pub fn units_reading(&self, sites: &[Site], keys: &[Key]) -> HashSet<Site> {
        let mut out: HashSet<Site> = sites
            .iter()
            .filter(|s| self.units.contains_key(s))
            .copied()
            .collect();
        for k in keys {
            if k.name.starts_with("s:") && !k.refers {
                out.extend(
                    self.units
                        .iter()
                        .filter(|(_, kind)| **kind == ChainKind::VirtualService)
                        .map(|(s, _)| *s),
                );
            }
            let Some(holders) = self.holders.get(&k.name) else {
                continue;
            };
            for s in holders.all() {
                match self.units.get(s) {
                    Some(ChainKind::Gateway) => {
                        out.insert(*s);
                    }
                    Some(ChainKind::VirtualService) if !k.refers => {
                        out.insert(*s);
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// What judging `units` reads: each VirtualService's declarers of its keys
    /// (the ServiceEntries and DestinationRules of its hosts, the egress gateway
    /// Service's DestinationRules, the Gateways it names) and the Secrets those
    /// name; each Gateway's every holder of its keys (the VirtualServices that
    /// bind it among them).
    pub fn context_of(&self, units: &HashSet<Site>) -> HashSet<Site> {
        let mut out = units.clone();
        for u in units {
            let gateway = self.units.get(u) == Some(&ChainKind::Gateway);
            let mut pieces = HashSet::new();
            for k in self.keys_of(u) {
                let Some(holders) = self.holders.get(&k.name) else {
                    continue;
                };
                pieces.extend(holders.declare.iter().copied());
                if gateway {
                    pieces.extend(holders.refer.iter().copied());
                }
            }
            for p in &pieces {
                for k in self.keys_of(p) {
                    if k.refers && k.name.starts_with("s:") {
                        self.related(k, &mut out);
                    }
                }
            }
            out.extend(pieces);
        }
        out
    }
}
