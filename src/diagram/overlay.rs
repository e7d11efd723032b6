//! The probe overlay: which probe result a route port shows, and whether it is
//! stale. It exists because results used to be looked up in hash-map order, so
//! an old result could hide a re-probe.
//!
//! A result is identified by its target (ServiceEntry, host and port, as the
//! target's origin names them) and carries the configuration it was probed with
//! (`Target::key`) and an arrival number. For each route port the overlay keeps
//! the result probed with the configuration the workspace yields now, newest
//! first; only when there is none does it show the newest older result, greyed
//! as stale.

use crate::probe::{ClientAuthOutcome, ProbeReport, Target};
use std::collections::{HashMap, HashSet};

/// One probe result as the app holds it, with the order it arrived in.
#[derive(Debug, Clone, Copy)]
pub struct ProbeResult<'a> {
    pub target: &'a Target,
    pub report: &'a ProbeReport,
    /// Larger = arrived later.
    pub seq: u64,
}

/// What the probe said of a route port, for the overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeMark {
    pub dns_ok: bool,
    pub addresses: Vec<String>,
    pub tls_ok: Option<bool>,
    pub issuer: Option<String>,
    pub days_left: Option<i64>,
    /// Whether a client certificate was asked for and sent, in words.
    pub client_cert: Option<String>,
    /// The configuration changed since the probe.
    pub stale: bool,
    pub seq: u64,
}

/// ServiceEntry namespace, name and port number.
pub type PortId = (String, String, u32);

/// The mark per route port.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    marks: HashMap<PortId, ProbeMark>,
}

/// Reads `ServiceEntry NS/NAME HOST port N[ -> M]` (the origin targets carry).
fn port_id(origin: &str) -> Option<PortId> {
    let rest = origin.strip_prefix("ServiceEntry ")?;
    let (ns_name, rest) = rest.split_once(' ')?;
    let (ns, name) = ns_name.split_once('/')?;
    let (_, port) = rest.rsplit_once(" port ")?;
    let number = port.split(' ').next()?.parse().ok()?;
    Some((ns.to_string(), name.to_string(), number))
}

fn client_cert_words(o: ClientAuthOutcome) -> &'static str {
    match o {
        ClientAuthOutcome::NotRequested => "not asked for",
        ClientAuthOutcome::Accepted => "accepted",
        ClientAuthOutcome::Optional => "asked for, optional",
        ClientAuthOutcome::Required => "required, none sent",
        ClientAuthOutcome::Rejected => "rejected",
        ClientAuthOutcome::Inconclusive => "inconclusive",
        ClientAuthOutcome::NoCertificate => "no usable certificate",
    }
}

fn mark(r: &ProbeResult, stale: bool) -> ProbeMark {
    let report = r.report;
    let leaf = report.tls.as_ref().and_then(|t| t.chain.first());
    ProbeMark {
        dns_ok: report.dns.error.is_none() && !report.dns.addresses().is_empty(),
        addresses: report
            .dns
            .addresses()
            .iter()
            .take(3)
            .map(|a| a.to_string())
            .collect(),
        tls_ok: report.tls.as_ref().map(|t| t.ok),
        issuer: leaf.map(|c| c.issuer.clone()),
        days_left: leaf.map(|c| c.days_left),
        client_cert: report
            .tls
            .as_ref()
            .and_then(|t| t.client_auth.as_ref())
            .map(|c| client_cert_words(c.outcome).to_string()),
        stale,
        seq: r.seq,
    }
}

impl Overlay {
    /// `current` holds the target keys the workspace yields now (read with the
    /// same path mappings as the probe).
    pub fn new(results: &[ProbeResult], current: &HashSet<String>) -> Overlay {
        let mut marks: HashMap<PortId, ProbeMark> = HashMap::new();
        for r in results {
            let Some(id) = port_id(&r.target.origin) else {
                continue;
            };
            let stale = !current.contains(&r.target.key());
            let better = match marks.get(&id) {
                None => true,
                // Current beats stale; then the newer wins.
                Some(m) => (!stale, r.seq) > (!m.stale, m.seq),
            };
            if better {
                marks.insert(id, mark(r, stale));
            }
        }
        Overlay { marks }
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    pub fn get(&self, namespace: &str, name: &str, port: u32) -> Option<&ProbeMark> {
        self.marks
            .get(&(namespace.to_string(), name.to_string(), port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_name_the_service_entry_and_port() {
        assert_eq!(
            port_id("ServiceEntry payments/fx rates.example port 80 -> 443"),
            Some(("payments".into(), "fx".into(), 80))
        );
        assert_eq!(
            port_id("ServiceEntry a/b h port 443"),
            Some(("a".into(), "b".into(), 443))
        );
        assert_eq!(port_id("h:443 typed by hand"), None);
    }
}
