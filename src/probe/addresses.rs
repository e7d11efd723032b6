//! Which addresses the probe may dial. CI may probe manifests from a pull
//! request, so link-local and cloud-metadata addresses are never dialled unless
//! allowed by name, and more ranges can be refused. The policy applies to every
//! address before dialling: host literals, ServiceEntry addresses and endpoints,
//! and DNS answers.

use super::problem::{Problem, ProblemClass};
use ipnet::IpNet;
use std::net::IpAddr;

/// Refused unless `--allow-addresses` names them: IPv4 link-local (cloud
/// metadata at 169.254.169.254), IPv6 link-local, and AWS's IPv6 metadata address.
pub const ALWAYS_REFUSED: [&str; 3] = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// `--allow-addresses`: dialled even inside a refused range.
    pub allow: Vec<IpNet>,
    /// `--deny-addresses`: refused in addition to [`ALWAYS_REFUSED`].
    pub deny: Vec<IpNet>,
}

impl AddressPolicy {
    /// Parses a CIDR (`10.0.0.0/8`) or a single address.
    pub fn parse_cidr(s: &str) -> Result<IpNet, String> {
        s.parse::<IpNet>()
            .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| format!("\"{s}\": expected an address range like 10.0.0.0/8 or fd00::/8"))
    }

    /// The rule that refuses `ip`, if any.
    pub fn refuses(&self, ip: IpAddr) -> Option<String> {
        let ip = ip.to_canonical();
        if self.allow.iter().any(|n| n.contains(&ip)) {
            return None;
        }
        for r in ALWAYS_REFUSED {
            if let Ok(net) = r.parse::<IpNet>()
                && net.contains(&ip)
            {
                return Some(format!(
                    "{r} (link-local and cloud metadata addresses are never dialled unless --allow-addresses names them)"
                ));
            }
        }
        self.deny
            .iter()
            .find(|n| n.contains(&ip))
            .map(|n| format!("{n} (--deny-addresses)"))
    }

    /// Addresses that may be dialled, and those refused with the rule.
    pub fn split(&self, addresses: &[IpAddr]) -> (Vec<IpAddr>, Vec<(IpAddr, String)>) {
        let mut allowed = Vec::new();
        let mut refused = Vec::new();
        for ip in addresses {
            match self.refuses(*ip) {
                Some(rule) => refused.push((*ip, rule)),
                None => allowed.push(*ip),
            }
        }
        (allowed, refused)
    }
}

pub fn refused_problem(ip: IpAddr, rule: &str) -> Problem {
    Problem::new(
        ProblemClass::RefusedByPolicy,
        format!("refused by policy: {ip} is in {rule}; it was not dialled"),
        format!(
            "if dialling {ip} is intended, pass --allow-addresses {ip}/{}",
            if ip.is_ipv4() { 32 } else { 128 }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_link_local_are_refused_unless_allowed() {
        let p = AddressPolicy::default();
        for ip in [
            "169.254.169.254",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
        ] {
            assert!(p.refuses(ip.parse().unwrap()).is_some(), "{ip}");
        }
        for ip in ["127.0.0.1", "::1", "10.0.0.1", "fd00:ec2::253"] {
            assert!(p.refuses(ip.parse().unwrap()).is_none(), "{ip}");
        }
        let allowed = AddressPolicy {
            allow: vec![AddressPolicy::parse_cidr("169.254.169.254").unwrap()],
            ..Default::default()
        };
        assert!(
            allowed
                .refuses("169.254.169.254".parse().unwrap())
                .is_none()
        );
        assert!(allowed.refuses("169.254.0.1".parse().unwrap()).is_some());
    }

    #[test]
    fn deny_adds_ranges() {
        let p = AddressPolicy {
            deny: vec![AddressPolicy::parse_cidr("10.0.0.0/8").unwrap()],
            ..Default::default()
        };
        let rule = p.refuses("10.1.2.3".parse().unwrap()).unwrap();
        assert!(rule.starts_with("10.0.0.0/8"), "{rule}");
        let (ok, no) = p.split(&["10.1.2.3".parse().unwrap(), "127.0.0.1".parse().unwrap()]);
        assert_eq!(ok, ["127.0.0.1".parse::<IpAddr>().unwrap()]);
        assert_eq!(no.len(), 1);
        assert!(AddressPolicy::parse_cidr("nope").is_err());
    }
}
