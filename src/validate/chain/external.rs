//! The EG rules of the egress gateway → external host hop (EG6, EG8, EG16,
//! EG18–EG24) and of a bound Gateway against the egress gateway deployment
//! (EG25, EG26).

use super::super::Severity::{Error as E, Info as I, Warning as W};
use super::super::scope::{Entry, Out, Visibility, hosts_match};
use super::rules::{bound, push, se_for, server_on, server_ports, tls_for};
use super::{Chain, ChainSettings, Pieces};
use crate::model::{Gateway, Resolution, RuleKind, ServerTlsMode, TlsMode};
use crate::validate::blocks::Protocol;

/// EG6, EG8, EG16, EG18–EG22: egress gateway → external host.
pub(super) fn external_hop(p: &Pieces, c: &Chain, s: &ChainSettings, out: &mut Out) {
    let e = c.entry;
    let gws = bound(p, c);
    for hop in &c.to_external {
        let rp = hop.rule_path();
        let dp = hop.destination_path();
        let host = hop.host();
        if host.starts_with('*') {
            push(
                out,
                e,
                E,
                "EG19",
                &format!("{dp}.host"),
                format!(
                    "egress gateway cannot route to wildcard host {host}; use a concrete host that serves every name (or an SNI proxy)"
                ),
                &[],
            );
        }
        let server = match hop.match_port() {
            Some(mp) => {
                let found = server_on(&gws, mp);
                if found.is_none() && !gws.is_empty() {
                    push(
                        out,
                        e,
                        W,
                        "EG6",
                        &format!("{rp}.match[{}].port", hop.matched.map_or(0, |m| m.0)),
                        format!(
                            "rule {}[{}] matches port {mp}; Gateway {} has no server on {mp}: match one of {}",
                            hop.kind.as_str(),
                            hop.rule,
                            gws[0].0.id.name,
                            super::rules::listed(&server_ports(&gws))
                        ),
                        &[(gws[0].0, "spec.servers")],
                    );
                }
                found
            }
            None => gws
                .iter()
                .find_map(|(ge, g)| g.spec.servers().next().map(|(i, s)| (*ge, i, s))),
        };
        if let Some((ge, si, server)) = server {
            let proto = Protocol::parse(server.protocol());
            let mode = server.tls_mode();
            let expected = if proto.is_http() {
                Some(RuleKind::Http)
            } else if mode.is_some_and(ServerTlsMode::is_passthrough) {
                (mode != Some(ServerTlsMode::AutoPassthrough)).then_some(RuleKind::Tls)
            } else if proto == Protocol::Https {
                Some(RuleKind::Http)
            } else {
                Some(RuleKind::Tcp)
            };
            if let Some(expected) = expected.filter(|x| *x != hop.kind) {
                push(
                    out,
                    e,
                    W,
                    "EG8",
                    &rp,
                    format!(
                        "Gateway {} port {} ({}/{}) uses {} routes; {} rules are ignored there: move this rule to spec.{}",
                        ge.id.name,
                        server.number(),
                        server.protocol(),
                        mode.map_or("no TLS", ServerTlsMode::as_str),
                        expected.as_str(),
                        hop.kind.as_str(),
                        expected.as_str()
                    ),
                    &[(ge, &format!("spec.servers[{si}]"))],
                );
            }
            // EG22: the gateway originates TLS for traffic that already is TLS.
            let port = hop.destination.port();
            for (de, dr) in &p.destination_rules {
                if !hosts_match(dr.spec.host.as_deref().unwrap_or(""), host) {
                    continue;
                }
                if let Some((tp, t)) = tls_for(dr, hop.destination.subset.as_deref(), port)
                    && matches!(t.mode, Some(TlsMode::Simple | TlsMode::Mutual))
                    && (mode.is_some_and(ServerTlsMode::is_passthrough)
                        || c.to_gateway.iter().any(|h| h.kind == RuleKind::Tls))
                {
                    push(
                        out,
                        de,
                        W,
                        "EG22",
                        &tp,
                        format!(
                            "TLS origination on {host}:{} where clients already send TLS (double TLS): the gateway server {} is {}; send plain HTTP from the application (port 80) and terminate Istio mTLS at the gateway, or remove this tls block",
                            port.unwrap_or(0),
                            ge.id.name,
                            mode.map_or("plain text", ServerTlsMode::as_str)
                        ),
                        &[(e, &dp), (ge, &format!("spec.servers[{si}]"))],
                    );
                }
            }
        }
        // EG18: the gateway resolves the external host itself.
        if let Some((se_e, se)) = se_for(p, host)
            && se.spec.resolution() == Resolution::None
        {
            push(
                out,
                se_e,
                W,
                "EG18",
                "spec.resolution",
                format!(
                    "ServiceEntry {} has resolution NONE; egress-gateway traffic to {host} will loop (the gateway forwards to the original destination, its own address): use DNS",
                    se_e.id.name
                ),
                &[(e, &format!("{dp}.host"))],
            );
        }
        // EG16: the external host's port must be declared.
        if let Some(port) = hop.destination.port()
            && let Some((se_e, se)) = se_for(p, host)
            && !se.spec.ports.iter().any(|sp| sp.number == Some(port))
        {
            push(
                out,
                e,
                E,
                "EG16",
                &format!("{dp}.port.number"),
                format!(
                    "Referenced host:port not found: \"{host}:{port}\": declare port {port} on ServiceEntry {} or route to a declared port",
                    se_e.id.name
                ),
                &[(se_e, "spec.ports")],
            );
        }
    }
    // EG18, EG20, EG21: the ServiceEntry of each host and what sees the pieces.
    let gw_ns = s.gateway_namespace.as_str();
    for (i, h) in c.vs.spec.hosts.iter().enumerate() {
        let hp = format!("spec.hosts[{i}]");
        match se_for(p, h) {
            None if !super::is_in_cluster(h) => push(
                out,
                e,
                W,
                "EG20",
                &hp,
                format!(
                    "no ServiceEntry declares host {h}; sidecars will not route it (and REGISTRY_ONLY blocks it): add a ServiceEntry for {h}"
                ),
                &[],
            ),
            Some((se_e, se))
                if !Visibility::of(&se.spec.export_to, se_e.id.namespace).contains(gw_ns) =>
            {
                push(
                    out,
                    se_e,
                    W,
                    "EG21",
                    "spec.exportTo",
                    format!(
                        "ServiceEntry {} is not exported to gateway namespace {gw_ns}; the gateway cannot route to {h}: add {gw_ns} to exportTo",
                        se_e.id.name
                    ),
                    &[(e, &hp)],
                );
            }
            _ => {}
        }
    }
    if !c.to_external.is_empty()
        && !Visibility::of(&c.vs.spec.export_to, c.namespace).contains(gw_ns)
    {
        push(
            out,
            e,
            W,
            "EG21",
            "spec.exportTo",
            format!(
                "VirtualService {} is not exported to gateway namespace {gw_ns}; the gateway ignores its rules: add {gw_ns} to exportTo",
                e.id.name
            ),
            &[],
        );
    }
    // EG23: DR-ext credentialName read by the gateway.
    for hop in &c.to_external {
        for (de, dr) in &p.destination_rules {
            if dr.spec.workload_selector.is_some()
                || !hosts_match(dr.spec.host.as_deref().unwrap_or(""), hop.host())
            {
                continue;
            }
            if let Some((tp, t)) = tls_for(
                dr,
                hop.destination.subset.as_deref(),
                hop.destination.port(),
            ) && let Some(cred) = t.credential_name.as_deref()
                && secret_elsewhere(p, cred, gw_ns)
            {
                push(
                    out,
                    de,
                    W,
                    "EG23",
                    &format!("{tp}.credentialName"),
                    format!(
                        "credentialName {cred} is read by the gateway in namespace {gw_ns}, but the Secret is in another namespace: create it in {gw_ns}"
                    ),
                    &[(e, &hop.destination_path())],
                );
            }
        }
    }
}

/// True when Secrets named `name` are loaded, none of them in `ns`.
fn secret_elsewhere(p: &Pieces, name: &str, ns: &str) -> bool {
    let mut named = p.secrets.iter().filter(|(_, n)| *n == name).peekable();
    named.peek().is_some() && named.all(|(sns, _)| *sns != ns)
}

/// EG24–EG26: a Gateway bound by a chain, against the egress gateway deployment.
pub(super) fn gateway_alone(p: &Pieces, e: &Entry, g: &Gateway, s: &ChainSettings, out: &mut Out) {
    let gw_ns = s.gateway_namespace.as_str();
    super::ports::check(p, e, g, out);
    for (i, server) in g.spec.servers() {
        if let Some(cred) = server
            .tls
            .as_ref()
            .and_then(|t| t.credential_name.as_deref())
            && secret_elsewhere(p, cred, gw_ns)
        {
            push(
                out,
                e,
                W,
                "EG24",
                &format!("spec.servers[{i}].tls.credentialName"),
                format!(
                    "Referenced credentialName not found: {} in gateway namespace {gw_ns}: the Secret must be in the namespace of the gateway pods",
                    crate::validate::quoted(cred)
                ),
                &[],
            );
        }
        let n = server.number();
        if n != 0 && !s.service_ports.contains(&n) {
            out.push(e, I, "EG26", &format!("spec.servers[{i}].port.number"), format!(
                "port {n} is not exposed by the egress gateway Service (ports {}): add it to the Service or use one of those ports",
                super::rules::listed(&s.service_ports)
            ));
        }
    }
    if let Some(sel) = &g.spec.selector {
        let matches = s.selector.iter().all(|(k, v)| sel.get(k) == Some(v));
        if !matches {
            let labels: Vec<String> = s.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let have: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(e, I, "EG25", "spec.selector", format!(
                "selector {} does not match the egress gateway labels {}: fine if your egress gateway is labelled so; otherwise no pod gets this listener",
                have.join(","), labels.join(",")
            ));
        }
    }
}
