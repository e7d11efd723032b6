//! Servers that share a port on the same gateway pods, as istiod merges them
//! into one listener (`mergeGateways` in pilot): only HTTP servers merge with
//! each other, TLS servers are told apart by SNI, and a server that fits
//! neither is skipped. EG28 (two HTTPS servers with one port name, across the
//! Gateways on the same pods) and EG35 (a server whose protocol cannot share
//! the port with the Gateway's first server on it) are the two ways a server
//! is silently dropped there.
//!
//! EG35 compares the servers of one Gateway only: relating every Gateway on
//! the shared egress gateway pods to every other would make each chain edit
//! re-judge all chains.

use super::super::Severity::Warning as W;
use super::super::scope::{Entry, Out};
use super::Pieces;
use super::rules::push;
use crate::model::{Gateway, Server};

/// The key of an HTTPS server's port on its pods: selector, port name and
/// number (Envoy names the gateway's HTTPS route configuration after them).
pub(crate) fn https_port_key(g: &Gateway, server: &Server) -> Option<String> {
    if !server.protocol().eq_ignore_ascii_case("HTTPS") {
        return None;
    }
    let name = server.port.as_ref()?.name.as_deref()?;
    Some(format!(
        "{}/{name}/{}",
        g.spec.selector_text(),
        server.number()
    ))
}

/// The listener a server lands in: its port number and bind.
fn listener(server: &Server) -> (u32, Option<&str>) {
    (server.number(), server.bind.as_deref())
}

/// EG28 against the Gateways read before `g` on the same pods, EG35 among the
/// servers of `g`.
pub(super) fn check(p: &Pieces, e: &Entry, g: &Gateway, out: &mut Out) {
    duplicate_https_port_names(p, e, g, out);
    unmergeable_servers(e, g, out);
}

/// EG28: an HTTPS server whose port name and number an earlier Gateway on the
/// same pods uses too: the gateway keeps the first and ignores this one.
fn duplicate_https_port_names(p: &Pieces, e: &Entry, g: &Gateway, out: &mut Out) {
    for (i, server) in g.spec.servers() {
        let Some(key) = https_port_key(g, server) else {
            continue;
        };
        let earlier = earlier_gateways(p, e).find(|(_, og)| {
            og.spec
                .servers()
                .any(|(_, os)| https_port_key(og, os).as_deref() == Some(key.as_str()))
        });
        if let Some((oe, _)) = earlier {
            let name = server
                .port
                .as_ref()
                .and_then(|pp| pp.name.as_deref())
                .unwrap_or("");
            push(
                out,
                e,
                W,
                "EG28",
                &format!("spec.servers[{i}].port.name"),
                format!(
                    "duplicate HTTPS port name {name} on port {}: Gateway {}/{} on the same pods uses it first, so this server is ignored; give each HTTPS server its own port name",
                    server.number(),
                    oe.id.namespace,
                    oe.id.name
                ),
                &[(oe, "spec.servers")],
            );
        }
    }
}

fn earlier_gateways<'p, 'a>(
    p: &'p Pieces<'a>,
    e: &Entry,
) -> impl Iterator<Item = &'p (&'a Entry<'a>, Gateway)> {
    p.gateways
        .iter()
        .take_while(move |(oe, _)| oe.site != e.site)
}

/// HTTP, HTTP2, HTTP_PROXY, GRPC and GRPC-WEB (Istio's `IsHTTP`): the
/// protocols istiod serves with one HTTP route table per port.
fn is_http(protocol: &str) -> bool {
    crate::validate::blocks::Protocol::parse(protocol).is_http()
}

/// A plain-text server in istiod's sense: no TLS settings, or an HTTP protocol.
fn is_plain_text(server: &Server) -> bool {
    server.tls.is_none() || is_http(server.protocol())
}

/// Why istiod skips `later` on a listener whose first server is `first`, if it
/// does: after a plain-text server only HTTP servers merge (both HTTP); after a
/// TLS server only servers with TLS settings (told apart by SNI).
fn conflict(first: &Server, later: &Server) -> Option<&'static str> {
    if is_plain_text(first) {
        let both_http = is_http(first.protocol()) && is_http(later.protocol());
        (!both_http).then_some(
            "a port that serves plain text takes further servers only when both are HTTP",
        )
    } else {
        later.tls.is_none().then_some(
            "a port that serves TLS takes further servers only with TLS settings, told apart by SNI",
        )
    }
}

/// EG35: a server on a port (and bind) whose first server in the same
/// Gateway it cannot share it with; istiod skips it, so its hosts get no route
/// there.
fn unmergeable_servers(e: &Entry, g: &Gateway, out: &mut Out) {
    for (i, server) in g.spec.servers() {
        let first = g
            .spec
            .servers()
            .take_while(|(j, _)| *j < i)
            .find(|(_, os)| listener(os) == listener(server));
        let Some((j, first)) = first else {
            continue;
        };
        let Some(why) = conflict(first, server) else {
            continue;
        };
        push(
            out,
            e,
            W,
            "EG35",
            &format!("spec.servers[{i}].port"),
            format!(
                "this {} server on port {} cannot share the port with servers[{j}], a {} server: {why}, so istiod skips this server; move it to its own port",
                protocol_words(server),
                server.number(),
                protocol_words(first),
            ),
            &[(e, &format!("spec.servers[{j}].port"))],
        );
    }
}

/// "HTTPS (ISTIO_MUTUAL)", "HTTP", "TCP": what a person calls the server.
fn protocol_words(server: &Server) -> String {
    let protocol = match server.protocol() {
        "" => "unnamed-protocol".to_string(),
        p => p.to_string(),
    };
    match server.tls.as_ref().and_then(|t| t.mode.as_deref()) {
        Some(mode) => format!("{protocol} ({mode})"),
        None if server.tls.is_some() => format!("{protocol} (TLS)"),
        None => protocol,
    }
}
