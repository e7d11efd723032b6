//! DNS with hickory-resolver: A and AAAA separately with TTLs, the CNAME chain,
//! and error classes; no cache, no hosts file, no search list.

use super::problem::{Problem, ProblemClass};
use super::report::{Answer, CnameHop, DnsErrorClass, DnsReport};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Addresses kept per family.
pub const MAX_ADDRESSES: usize = 64;
/// CNAME hops followed by hand when the resolver gives up.
const MAX_HOPS: usize = 10;

/// A resolver for `server` (UDP and TCP), or the system's; with its display name.
pub fn build_resolver(
    server: Option<SocketAddr>,
    timeout: Duration,
) -> Result<(TokioResolver, String), String> {
    let (mut builder, name) = match server {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            (
                Resolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    TokioRuntimeProvider::default(),
                ),
                addr.to_string(),
            )
        }
        None => (
            TokioResolver::builder_tokio()
                .map_err(|e| format!("cannot read the system's DNS configuration: {e}"))?,
            "system (resolv.conf)".to_string(),
        ),
    };
    let o = builder.options_mut();
    o.cache_size = 0;
    o.preserve_intermediates = true;
    o.use_hosts_file = ResolveHosts::Never;
    o.ndots = 0;
    o.timeout = timeout;
    o.attempts = 1;
    o.try_tcp_on_error = true;
    let resolver = builder
        .build()
        .map_err(|e| format!("cannot build a resolver: {e}"))?;
    Ok((resolver, name))
}

fn absolute(host: &str) -> String {
    if host.ends_with('.') {
        host.to_string()
    } else {
        format!("{host}.")
    }
}

fn classify(e: &NetError) -> (DnsErrorClass, String) {
    let class = match e {
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            DnsErrorClass::Nxdomain
        }
        NetError::Dns(DnsError::NoRecordsFound(_)) => DnsErrorClass::Nodata,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => DnsErrorClass::Servfail,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => DnsErrorClass::Refused,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::NXDomain)) => DnsErrorClass::Nxdomain,
        NetError::Timeout => DnsErrorClass::Timeout,
        NetError::Io(io) => {
            if let Some(local) = super::limits::local_resource(io) {
                return (DnsErrorClass::LocalResource, local.to_string());
            }
            DnsErrorClass::Failed
        }
        // The resolver could not open a socket: say so when this process is out
        // of descriptors, rather than blame the name.
        NetError::NoConnections if super::limits::descriptors_exhausted() => {
            return (
                DnsErrorClass::LocalResource,
                "too many open files in this process (ulimit -n)".to_string(),
            );
        }
        _ => DnsErrorClass::Failed,
    };
    (class, e.to_string())
}

fn trim(name: &str) -> String {
    name.trim_end_matches('.').to_string()
}

/// Resolves `host` (A and AAAA concurrently) under `timeout` for the whole stage.
pub async fn resolve(
    resolver: &TokioResolver,
    resolver_name: &str,
    host: &str,
    timeout: Duration,
) -> DnsReport {
    let start = Instant::now();
    let fqdn = absolute(host);
    let mut report = DnsReport {
        resolver: resolver_name.to_string(),
        ..Default::default()
    };
    let lookups = async {
        tokio::join!(
            resolver.lookup(fqdn.as_str(), RecordType::A),
            resolver.lookup(fqdn.as_str(), RecordType::AAAA)
        )
    };
    let Ok((a, aaaa)) = tokio::time::timeout(timeout, lookups).await else {
        report.error = Some(DnsErrorClass::Timeout);
        report.error_detail = Some(format!("no answer within {} ms", timeout.as_millis()));
        report.elapsed_ms = super::ms(start);
        return report;
    };
    let mut seen_cnames = HashSet::new();
    let mut answer_bytes = 0usize;
    for (result, v6) in [(a, false), (aaaa, true)] {
        match result {
            Ok(lookup) => {
                for rec in lookup.answers() {
                    match &rec.data {
                        RData::A(x) if !v6 => {
                            answer_bytes += 16;
                            push(
                                &mut report.a,
                                &mut report.dropped,
                                Answer {
                                    address: x.0.into(),
                                    ttl: rec.ttl,
                                },
                            );
                        }
                        RData::AAAA(x) if v6 => {
                            answer_bytes += 28;
                            push(
                                &mut report.aaaa,
                                &mut report.dropped,
                                Answer {
                                    address: x.0.into(),
                                    ttl: rec.ttl,
                                },
                            );
                        }
                        RData::CNAME(c) => {
                            let hop = CnameHop {
                                name: trim(&rec.name.to_string()),
                                target: trim(&c.0.to_string()),
                                ttl: rec.ttl,
                            };
                            if seen_cnames.insert((hop.name.clone(), hop.target.clone())) {
                                report.cname_chain.push(hop);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => {
                let (class, detail) = classify(&e);
                if v6 {
                    report.aaaa_error = Some(class);
                } else {
                    report.a_error = Some(class);
                }
                report.error_detail.get_or_insert(detail);
            }
        }
    }
    // An answer that may not fit a UDP datagram: ask once over UDP ourselves and
    // record whether the server really set the truncation bit.
    if answer_bytes + 12 + fqdn.len() > 512 {
        report.tcp_fallback = udp_truncated(resolver_name, &fqdn, timeout).await;
    }
    if report.a.is_empty() && report.aaaa.is_empty() {
        let class = match (report.a_error, report.aaaa_error) {
            (Some(DnsErrorClass::Nxdomain), _) | (_, Some(DnsErrorClass::Nxdomain)) => {
                DnsErrorClass::Nxdomain
            }
            (Some(DnsErrorClass::Timeout), _) | (_, Some(DnsErrorClass::Timeout)) => {
                DnsErrorClass::Timeout
            }
            (Some(DnsErrorClass::Servfail), _) | (_, Some(DnsErrorClass::Servfail)) => {
                DnsErrorClass::Servfail
            }
            (Some(DnsErrorClass::Refused), _) | (_, Some(DnsErrorClass::Refused)) => {
                DnsErrorClass::Refused
            }
            (Some(DnsErrorClass::LocalResource), _) | (_, Some(DnsErrorClass::LocalResource)) => {
                DnsErrorClass::LocalResource
            }
            (Some(DnsErrorClass::Failed), _) | (_, Some(DnsErrorClass::Failed)) => {
                DnsErrorClass::Failed
            }
            _ => DnsErrorClass::Nodata,
        };
        // The resolver drops the CNAMEs of a failed answer: walk the chain by hand to
        // tell a loop or a dangling alias from a plain NXDOMAIN. Not after a timeout
        // or a local error: the walk would only wait again.
        let (chain, verdict) = match class {
            DnsErrorClass::Timeout | DnsErrorClass::LocalResource => (Vec::new(), None),
            _ => walk_cnames(resolver, &fqdn, timeout).await,
        };
        if !chain.is_empty() {
            report.cname_chain = chain;
        }
        report.error = Some(verdict.unwrap_or(class));
        if report.error == Some(DnsErrorClass::Failed) || report.error_detail.is_none() {
            report
                .error_detail
                .get_or_insert_with(|| "no addresses".into());
        }
        if !report.cname_chain.is_empty() && class == DnsErrorClass::Nxdomain && verdict.is_none() {
            report.error = Some(DnsErrorClass::DanglingCname);
        }
    } else {
        report.error_detail = None;
    }
    report.elapsed_ms = super::ms(start);
    report
}

fn push(list: &mut Vec<Answer>, dropped: &mut usize, a: Answer) {
    if list.len() < MAX_ADDRESSES {
        list.push(a);
    } else {
        *dropped += 1;
    }
}

/// Follows CNAMEs one query at a time. Returns the hops and, when the chain itself
/// is the problem, its class (loop, dangling).
async fn walk_cnames(
    resolver: &TokioResolver,
    fqdn: &str,
    timeout: Duration,
) -> (Vec<CnameHop>, Option<DnsErrorClass>) {
    let mut chain = Vec::new();
    let mut seen = HashSet::new();
    let mut name = fqdn.to_string();
    for _ in 0..MAX_HOPS {
        if !seen.insert(name.to_ascii_lowercase()) {
            return (chain, Some(DnsErrorClass::CnameLoop));
        }
        let Ok(result) =
            tokio::time::timeout(timeout, resolver.lookup(name.as_str(), RecordType::CNAME)).await
        else {
            return (chain, None);
        };
        let next = match result {
            Ok(lookup) => lookup.answers().iter().find_map(|r| match &r.data {
                RData::CNAME(c) => Some((c.0.to_string(), r.ttl, r.name.to_string())),
                _ => None,
            }),
            Err(e) => {
                let (class, _) = classify(&e);
                if !chain.is_empty() && class == DnsErrorClass::Nxdomain {
                    return (chain, Some(DnsErrorClass::DanglingCname));
                }
                None
            }
        };
        let Some((target, ttl, owner)) = next else {
            // End of the chain: does the last name exist at all?
            if !chain.is_empty() {
                let a =
                    tokio::time::timeout(timeout, resolver.lookup(name.as_str(), RecordType::A))
                        .await;
                if let Ok(Err(e)) = a
                    && classify(&e).0 == DnsErrorClass::Nxdomain
                {
                    return (chain, Some(DnsErrorClass::DanglingCname));
                }
            }
            return (chain, None);
        };
        chain.push(CnameHop {
            name: trim(&owner),
            target: trim(&target),
            ttl,
        });
        name = target;
    }
    (chain, Some(DnsErrorClass::CnameLoop))
}

/// Why a host gave no address, as a problem.
pub fn problem(dns: &DnsReport, host: &str) -> Problem {
    let detail = dns.error_detail.clone().unwrap_or_default();
    let class = dns.error.unwrap_or(DnsErrorClass::Failed);
    let (pc, message, change) = match class {
        DnsErrorClass::Nxdomain => (
            ProblemClass::DnsNxdomain,
            format!(
                "{host} does not exist in DNS (NXDOMAIN) for resolver {}",
                dns.resolver
            ),
            "check the host's spelling in the ServiceEntry (or use resolution STATIC with endpoints)",
        ),
        DnsErrorClass::Nodata => (
            ProblemClass::DnsNodata,
            format!("{host} exists but has no A or AAAA record"),
            "give the ServiceEntry endpoints with addresses, or fix the DNS records",
        ),
        DnsErrorClass::Servfail => (
            ProblemClass::DnsServfail,
            format!(
                "the resolver {} failed to answer for {host} (SERVFAIL)",
                dns.resolver
            ),
            "check the domain's DNS servers (DNSSEC, delegation), or try --dns-server",
        ),
        DnsErrorClass::Refused => (
            ProblemClass::DnsRefused,
            format!(
                "the resolver {} refused to answer for {host} (REFUSED)",
                dns.resolver
            ),
            "use a resolver that answers for this domain (--dns-server)",
        ),
        DnsErrorClass::Timeout => (
            ProblemClass::DnsTimeout,
            format!(
                "DNS timeout: the resolver {} did not answer for {host}",
                dns.resolver
            ),
            "check that the resolver is reachable (or pass a working one with --dns-server)",
        ),
        DnsErrorClass::CnameLoop => (
            ProblemClass::DnsCnameLoop,
            format!("{host} is a CNAME loop"),
            "fix the CNAME records of the host",
        ),
        DnsErrorClass::DanglingCname => (
            ProblemClass::DnsDanglingCname,
            format!(
                "{host} is an alias of {}, which does not exist",
                dns.cname_chain
                    .last()
                    .map(|h| h.target.as_str())
                    .unwrap_or("a missing name")
            ),
            "fix or remove the dangling CNAME record",
        ),
        DnsErrorClass::LocalResource => (
            ProblemClass::LocalResourceLimit,
            format!("this machine could not send the DNS query: {detail}"),
            "lower --concurrency or raise the open-files limit (ulimit -n); the host itself was not judged",
        ),
        DnsErrorClass::Failed => (
            ProblemClass::DnsError,
            format!("the lookup of {host} failed: {detail}"),
            "check the resolver (or pass one with --dns-server)",
        ),
    };
    Problem::new(pc, message, change)
}

/// The nameserver a resolver named `resolver_name` asks over UDP: the given
/// `IP:PORT`, else the first of the system's configuration.
fn udp_server(resolver_name: &str) -> Option<SocketAddr> {
    if let Ok(addr) = resolver_name.parse::<SocketAddr>() {
        return Some(addr);
    }
    let (config, _) = hickory_resolver::system_conf::read_system_conf().ok()?;
    let ns = config.name_servers().first()?;
    let port = ns.connections.first().map(|c| c.port).unwrap_or(53);
    Some(SocketAddr::new(ns.ip, port))
}

/// Whether the server truncates its UDP answer for `fqdn` (A, without EDNS, as
/// the resolver asks): the TC bit as observed, not guessed from the size.
async fn udp_truncated(resolver_name: &str, fqdn: &str, timeout: Duration) -> bool {
    use hickory_resolver::proto::op::{Message, Query};
    use hickory_resolver::proto::rr::Name;
    let Some(server) = udp_server(resolver_name) else {
        return false;
    };
    let Ok(name) = Name::from_ascii(fqdn) else {
        return false;
    };
    let mut query = Message::query();
    query.metadata.recursion_desired = true;
    query.add_query(Query::query(name, RecordType::A));
    let Ok(bytes) = query.to_vec() else {
        return false;
    };
    let local: SocketAddr = if server.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    };
    let exchange = async {
        let socket = tokio::net::UdpSocket::bind(local).await.ok()?;
        socket.send_to(&bytes, server).await.ok()?;
        let mut buf = vec![0u8; 4096];
        loop {
            let (n, from) = socket.recv_from(&mut buf).await.ok()?;
            if from != server {
                continue;
            }
            let reply = Message::from_vec(&buf[..n]).ok()?;
            if reply.metadata.id == query.metadata.id {
                return Some(reply.metadata.truncation);
            }
        }
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}
