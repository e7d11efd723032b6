//! Load-balancer settings of a traffic policy: the simple and consistent-hash
//! algorithms, warmup, locality (distribute, failover, failoverPriority) and
//! zone-aware settings, as `validateLoadBalancer` and
//! `ValidateLocalityLbSetting` judge them.

use super::blocks::*;
use super::traffic_policy::decode_duration;
use super::{Findings, Options};
use crate::model::*;
use crate::yaml::join_key;
use std::collections::HashSet;

const TOPOLOGY_LABELS: [&str; 3] = [
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.istio.io/subzone",
];

pub(super) fn check_lb(
    lb: Option<&LoadBalancerSettings>,
    outlier: Option<&OutlierDetection>,
    p: &str,
    opts: &Options,
    f: &mut Findings,
) {
    let Some(lb) = lb else { return };
    let v = opts.istio_version;
    let alternatives = [
        lb.simple.is_some(),
        lb.consistent_hash.is_some(),
        lb.backend_utilization.is_some(),
    ];
    if alternatives.iter().filter(|b| **b).count() > 1 {
        f.error(
            "CRD-ONEOF",
            p,
            "only one of simple, consistentHash and backendUtilization may be set",
        );
    }
    if let Some(ch) = &lb.consistent_hash {
        let cp = format!("{p}.consistentHash");
        let keys = [
            ch.http_header_name.is_some(),
            ch.http_cookie.is_some(),
            ch.use_source_ip.is_some(),
            ch.http_query_parameter_name.is_some(),
        ];
        if keys.iter().filter(|b| **b).count() > 1 {
            f.error("CRD-ONEOF", &cp, "only one of httpHeaderName, httpCookie, useSourceIp and httpQueryParameterName may be set");
        }
        if ch.ring_hash.is_some() && ch.maglev.is_some() {
            f.error(
                "CRD-ONEOF",
                &cp,
                "only one of ringHash and maglev may be set",
            );
        }
        if let Some(c) = &ch.http_cookie {
            let kp = format!("{cp}.httpCookie");
            if c.name.as_deref().unwrap_or("").is_empty() {
                f.error("LB1", &kp, "name required for HttpCookie");
            }
            if let Some(ttl) = &c.ttl {
                decode_duration(ttl, &format!("{kp}.ttl"), f);
            }
            if v.at_least(1, 28) {
                let mut seen = HashSet::new();
                for (i, a) in c.attributes.iter().enumerate() {
                    let name = a.name.as_deref().unwrap_or("");
                    let ap = format!("{kp}.attributes[{i}].name");
                    if name.is_empty() {
                        f.error("LB2", ap, "cookie attribute name cannot be empty");
                    } else if !seen.insert(name) {
                        f.error(
                            "LB3",
                            ap,
                            format!("duplicate cookie attribute name: {name}"),
                        );
                    }
                }
            }
        }
        if ch.minimum_ring_size.is_some_and(|n| n != 0) {
            f.warning(
                "LB4",
                format!("{cp}.minimumRingSize"),
                "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead",
            );
            if ch.ring_hash.is_some() || ch.maglev.is_some() {
                f.error(
                    "LB5",
                    format!("{cp}.minimumRingSize"),
                    "only one of MinimumRingSize or Maglev/Ringhash can be specified",
                );
            }
        }
        if let Some(m) = &ch.maglev
            && v.at_least(1, 23)
        {
            let mp = format!("{cp}.maglev.tableSize");
            let size = m.table_size.unwrap_or(0);
            if size == 0 {
                f.error("LB6", &mp, "tableSize must be set for maglev");
            }
            if size >= 5_000_011 {
                f.error("LB7", &mp, "tableSize must be less than 5000011 for maglev");
            }
            if !is_prime(size) {
                f.error("LB8", &mp, "tableSize must be a prime number for maglev");
            }
        }
    }
    if lb.locality_lb_setting.is_some() && lb.zone_aware_lb_setting.is_some() && v.at_least(1, 31) {
        f.error(
            "LB9",
            p,
            "only one of localityLbSetting and zoneAwareLbSetting can be set",
        );
    }
    if let Some(ll) = &lb.locality_lb_setting {
        check_locality(ll, outlier, &format!("{p}.localityLbSetting"), f);
    }
    if let Some(za) = &lb.zone_aware_lb_setting {
        check_zone_aware(za, outlier, &format!("{p}.zoneAwareLbSetting"), f);
    }
    if let Some(w) = &lb.warmup_duration_secs {
        // No webhook check; the CRD's CEL wants a valid duration of at least 1ms.
        match parse_go_duration(w) {
            Some(n) if n >= NANOS_PER_MS => {}
            _ => f.error(
                "CRD-DURATION",
                format!("{p}.warmupDurationSecs"),
                format!("must be a valid duration greater than 1ms (got {w:?})"),
            ),
        }
    }
    if let Some(w) = &lb.warmup {
        let wp = format!("{p}.warmup");
        match &w.duration {
            None => f.error("LB12", &wp, "duration is required"),
            Some(d) => f.check("LB13", format!("{wp}.duration"), validate_duration(d)),
        }
        if let Some(mp) = w.minimum_percent {
            if mp > 100.0 {
                f.error(
                    "LB14",
                    format!("{wp}.minimumPercent"),
                    "minimumPercent value should be less than or equal to 100",
                );
            } else if mp < 0.0 {
                f.error(
                    "CRD-RANGE",
                    format!("{wp}.minimumPercent"),
                    "minimumPercent must be between 0 and 100",
                );
            }
        }
        if let Some(a) = w.aggression {
            if v.at_least(1, 31) {
                if a <= 0.0 {
                    f.error(
                        "LB15",
                        format!("{wp}.aggression"),
                        "aggression should be greater than 0",
                    );
                }
            } else if a < 1.0 {
                f.error("LB15", format!("{wp}.aggression"), format!("aggression should be greater than or equal to 1 (Istio {v}; 1.31 accepts any value above 0)"));
            }
        }
    }
}

fn check_locality(
    ll: &LocalityLbSetting,
    outlier: Option<&OutlierDetection>,
    p: &str,
    f: &mut Findings,
) {
    if !ll.distribute.is_empty() && !ll.failover.is_empty() {
        f.error(
            "LL1",
            p,
            "can not simultaneously specify 'distribute' and 'failover'",
        );
        return;
    }
    if !ll.failover.is_empty()
        && let Some(l) = ll
            .failover_priority
            .iter()
            .find(|l| TOPOLOGY_LABELS.contains(&l.as_str()))
    {
        f.error("LL2", format!("{p}.failoverPriority"), format!("can not simultaneously set 'failover' and topology label '{l}' in 'failover_priority'"));
        return;
    }
    let mut sources = Vec::new();
    for (i, d) in ll.distribute.iter().enumerate() {
        let dp = format!("{p}.distribute[{i}]");
        sources.push(d.from.clone().unwrap_or_default());
        let mut total: u64 = 0;
        for (loc, w) in &d.to {
            if *w == 0 || *w > 100 {
                f.error(
                    "LL3",
                    join_key(&format!("{dp}.to"), loc),
                    "locality weight must be in range [1, 100]",
                );
                return;
            }
            total += u64::from(*w);
        }
        if total != 100 {
            f.error(
                "LL4",
                format!("{dp}.to"),
                format!("total locality weight {total} != 100"),
            );
            return;
        }
        // Go iterates the map in random order; checking broad localities first finds every overlap.
        let mut dests: Vec<String> = d.to.keys().cloned().collect();
        dests.sort_by_key(|l| (l != "*", l.matches('/').count(), !l.ends_with('*')));
        if let Err(m) = validate_localities(&dests) {
            f.error("LL5", format!("{dp}.to"), m);
        }
    }
    if let Err(m) = validate_localities(&sources) {
        f.error("LL5", format!("{p}.distribute"), m);
    }
    if (!ll.failover.is_empty() || !ll.failover_priority.is_empty()) && outlier.is_none() {
        f.warning(
            "LL6",
            p,
            "outlier detection policy must be provided for failover",
        );
    }
    failovers(
        &ll.failover,
        p,
        ["LL7", "LL8", "LL9"],
        [
            "locality lb failover settings must specify different regions",
            "locality lb failover only specify region",
            "locality lb failover region should not contain '*' wildcard",
        ],
        f,
    );
}

/// The failover entries' rules, shared by locality and zone-aware settings:
/// different regions, regions only, no wildcard.
fn failovers(
    list: &[LocalityFailover],
    p: &str,
    codes: [&str; 3],
    messages: [&str; 3],
    f: &mut Findings,
) {
    for (i, fo) in list.iter().enumerate() {
        let fp = format!("{p}.failover[{i}]");
        let (from, to) = (
            fo.from.as_deref().unwrap_or(""),
            fo.to.as_deref().unwrap_or(""),
        );
        if from == to {
            f.error(codes[0], &fp, messages[0]);
        }
        if from.contains('/') || to.contains('/') {
            f.error(codes[1], &fp, messages[1]);
        }
        if from.contains('*') || to.contains('*') {
            f.error(codes[2], &fp, messages[2]);
        }
    }
}

/// `validateLocalities`: wildcard placement, empty segments, overlap with earlier entries.
fn validate_localities(localities: &[String]) -> Result<(), String> {
    use std::collections::HashMap;
    let mut map: HashMap<String, HashMap<String, HashSet<String>>> = HashMap::new();
    let overlap = |l: &str| format!("locality {l} overlap with previous specified ones");
    for l in localities {
        let stars = l.matches('*').count();
        if stars > 1 || (stars == 1 && !l.ends_with('*')) {
            return Err(format!(
                "locality {l} wildcard '*' number can not exceed 1 and must be in the end"
            ));
        }
        if map.contains_key("*") {
            return Err(overlap(l));
        }
        let items: Vec<&str> = l.splitn(3, '/').collect();
        if items.iter().any(|i| i.is_empty()) {
            return Err(format!(
                "locality {l} must not contain empty region/zone/subzone info"
            ));
        }
        let region = items[0].to_string();
        match items.len() {
            1 => {
                if map.contains_key(&region) {
                    return Err(overlap(l));
                }
                map.insert(
                    region,
                    HashMap::from([("*".to_string(), HashSet::from(["*".to_string()]))]),
                );
            }
            2 => {
                let zone = items[1].to_string();
                match map.get_mut(&region) {
                    Some(zones) => {
                        if zones.contains_key("*") || zones.contains_key(&zone) {
                            return Err(overlap(l));
                        }
                        zones.insert(zone, HashSet::from(["*".to_string()]));
                    }
                    None => {
                        map.insert(
                            region,
                            HashMap::from([(zone, HashSet::from(["*".to_string()]))]),
                        );
                    }
                }
            }
            _ => {
                let (zone, sub) = (items[1].to_string(), items[2].to_string());
                match map.get_mut(&region) {
                    Some(zones) => {
                        if zones.contains_key("*") {
                            return Err(overlap(l));
                        }
                        match zones.get_mut(&zone) {
                            Some(subs) => {
                                if subs.contains("*") || subs.contains(&sub) {
                                    return Err(overlap(l));
                                }
                                subs.insert(sub);
                            }
                            None => {
                                zones.insert(zone, HashSet::from([sub]));
                            }
                        }
                    }
                    None => {
                        map.insert(region, HashMap::from([(zone, HashSet::from([sub]))]));
                    }
                }
            }
        }
    }
    Ok(())
}

fn check_zone_aware(
    za: &ZoneAwareLbSetting,
    outlier: Option<&OutlierDetection>,
    p: &str,
    f: &mut Findings,
) {
    for (i, l) in za.failover_priority.iter().enumerate() {
        if TOPOLOGY_LABELS.contains(&l.as_str()) {
            f.error(
                "ZA1",
                format!("{p}.failoverPriority[{i}]"),
                format!("'failover_priority' for zone aware lb must not use topology label '{l}': region and zone partitioning is automatic"),
            );
        }
    }
    if (!za.failover.is_empty() || !za.failover_priority.is_empty()) && outlier.is_none() {
        f.warning(
            "ZA2",
            p,
            "outlier detection policy must be provided for failover",
        );
    }
    failovers(
        &za.failover,
        p,
        ["ZA3", "ZA4", "ZA5"],
        [
            "zone aware lb failover settings must specify different regions",
            "zone aware lb failover only specifies region; remove the zone/subzone part",
            "zone aware lb failover region should not contain '*' wildcard",
        ],
        f,
    );
    if za.min_cluster_size == Some(0) {
        f.error(
            "CRD-RANGE",
            format!("{p}.minClusterSize"),
            "minClusterSize must be at least 1",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::validate_localities;

    fn v(l: &[&str]) -> Result<(), String> {
        validate_localities(&l.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn localities() {
        assert!(v(&["a/b/c", "a/b/d", "a/e"]).is_ok());
        assert!(v(&["*", "a"]).is_err());
        assert!(v(&["a/*", "a/b"]).is_err());
        assert!(v(&["a/b", "a/b/c"]).is_err());
        assert!(v(&["a/b/c", "a/b"]).is_err());
        assert!(v(&["a*/b"]).is_err());
        assert!(v(&["a//c"]).is_err());
    }
}
