//! The shared building blocks of Istio's validation (validation.md §1, B1–B11):
//! label and domain syntax, IPs and CIDRs, ports, durations, label maps, protocols.

use std::net::IpAddr;

/// B1: a DNS-1123 label, upper case accepted, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 63 {
        return false;
    }
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    alnum(b[0]) && alnum(b[b.len() - 1]) && b.iter().all(|&c| alnum(c) || c == b'-')
}

/// B2: the first label of a host: `*`, `*foo`, `*-foo` or a plain label.
pub fn is_wildcard_dns1123_label(s: &str) -> bool {
    if s.len() > 63 {
        return false;
    }
    if s == "*" {
        return true;
    }
    let rest = s
        .strip_prefix("*-")
        .or_else(|| s.strip_prefix('*'))
        .unwrap_or(s);
    is_dns1123_label(rest)
}

fn dns1123_preconditions(d: &str) -> Result<(), String> {
    if d.len() > 255 {
        return Err(format!("domain name {d:?} too long (max 255)"));
    }
    if d.is_empty() {
        return Err("empty domain name not allowed".into());
    }
    Ok(())
}

/// Go's strconv.Atoi succeeds: an optional sign and decimal digits.
fn is_go_int(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
}

fn dns1123_labels(domain: &str, whole: &str) -> Result<(), String> {
    let parts: Vec<&str> = domain.split('.').collect();
    let tld = parts[parts.len() - 1];
    if is_go_int(tld) {
        return Err(format!(
            "domain name {whole:?} invalid (top level domain {tld:?} cannot be all-numeric)"
        ));
    }
    for (i, label) in parts.iter().enumerate() {
        if i == parts.len() - 1 && label.is_empty() {
            return Ok(());
        }
        if !is_dns1123_label(label) {
            return Err(format!(
                "domain name {whole:?} invalid (label {label:?} invalid)"
            ));
        }
    }
    Ok(())
}

/// B3: `ValidateWildcardDomain`.
pub fn validate_wildcard_domain(d: &str) -> Result<(), String> {
    dns1123_preconditions(d)?;
    let (first, rest) = match d.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (d, None),
    };
    if !is_wildcard_dns1123_label(first) {
        return Err(format!(
            "domain name {d:?} invalid (label {first:?} invalid)"
        ));
    }
    match rest {
        Some(r) => dns1123_labels(r, d),
        None => Ok(()),
    }
}

/// B4: `ValidateFQDN` (no wildcards).
pub fn validate_fqdn(d: &str) -> Result<(), String> {
    dns1123_preconditions(d)?;
    dns1123_labels(d, d)
}

/// B5: `ValidatePartialWildCard`.
pub fn validate_partial_wildcard(h: &str) -> Result<(), String> {
    if h.contains('*') && h != "*" && !h.starts_with("*.") {
        return Err(format!("partial wildcard {h:?} not allowed"));
    }
    Ok(())
}

/// An IP address as Go's netip.ParseAddr / net.ParseIP read it (no zones).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}

/// B10: `ValidateIPSubnet`.
pub fn validate_ip_subnet(s: &str) -> Result<(), String> {
    if let Some((addr, bits)) = s.split_once('/') {
        let max = match parse_ip(addr) {
            Some(IpAddr::V4(_)) => 32,
            Some(IpAddr::V6(_)) => 128,
            None => return Err(format!("{s} is not a valid CIDR block")),
        };
        let ok_bits = !bits.is_empty()
            && bits.bytes().all(|c| c.is_ascii_digit())
            && !(bits.len() > 1 && bits.starts_with('0'))
            && bits.parse::<u32>().is_ok_and(|b| b <= max);
        if ok_bits {
            Ok(())
        } else {
            Err(format!("{s} is not a valid CIDR block"))
        }
    } else if parse_ip(s).is_some() {
        Ok(())
    } else {
        Err(format!("{s} is not a valid IP"))
    }
}

/// B6: a port number.
pub fn validate_port(p: u64) -> Result<(), String> {
    if (1..=65535).contains(&p) {
        Ok(())
    } else {
        Err(format!("port number {p} must be in the range 1..65535"))
    }
}

/// B8: a percentage.
pub fn validate_percent(p: i64) -> Result<(), String> {
    if (0..=100).contains(&p) {
        Ok(())
    } else {
        Err(format!("percentage {p} is not in range 0..100"))
    }
}

/// A Kubernetes qualified name: `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, ≤ 63.
fn is_qualified_name(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 63 {
        return false;
    }
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    alnum(b[0])
        && alnum(b[b.len() - 1])
        && b.iter()
            .all(|&c| alnum(c) || matches!(c, b'-' | b'_' | b'.'))
}

/// A DNS-1123 subdomain (upper case accepted, as Istio's label package does).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// B9: a label key.
pub fn validate_label_key(k: &str) -> Result<(), String> {
    let ok = match k.split_once('/') {
        Some((prefix, name)) => {
            !name.contains('/') && is_dns1123_subdomain(prefix) && is_qualified_name(name)
        }
        None => is_qualified_name(k),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("invalid tag key: {k:?}"))
    }
}

/// B9: a label value.
pub fn validate_label_value(v: &str) -> Result<(), String> {
    if v.is_empty() || is_qualified_name(v) {
        Ok(())
    } else {
        Err(format!("invalid tag value: {v:?}"))
    }
}

/// B11: protocols the webhook accepts, and their families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Grpc,
    GrpcWeb,
    Http,
    HttpProxy,
    Http2,
    Https,
    Tls,
    Mongo,
    Redis,
    Mysql,
    Unsupported,
}

impl Protocol {
    /// `protocol.Parse`: case-insensitive; empty and unknown names are Unsupported.
    pub fn parse(s: &str) -> Protocol {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "grpc" => Protocol::Grpc,
            "grpc-web" => Protocol::GrpcWeb,
            "http" => Protocol::Http,
            "http_proxy" => Protocol::HttpProxy,
            "http2" => Protocol::Http2,
            "https" => Protocol::Https,
            "tls" => Protocol::Tls,
            "mongo" => Protocol::Mongo,
            "redis" => Protocol::Redis,
            "mysql" => Protocol::Mysql,
            _ => Protocol::Unsupported,
        }
    }

    pub fn is_http(self) -> bool {
        matches!(
            self,
            Protocol::Http
                | Protocol::Http2
                | Protocol::HttpProxy
                | Protocol::Grpc
                | Protocol::GrpcWeb
        )
    }

    pub fn is_tls(self) -> bool {
        matches!(self, Protocol::Https | Protocol::Tls)
    }

    pub fn is_tcp(self) -> bool {
        matches!(
            self,
            Protocol::Tcp
                | Protocol::Https
                | Protocol::Tls
                | Protocol::Mongo
                | Protocol::Redis
                | Protocol::Mysql
        )
    }
}

/// `ValidateProtocol`.
pub fn validate_protocol(s: &str) -> Result<(), String> {
    if !s.is_empty() && Protocol::parse(s) == Protocol::Unsupported {
        return Err(format!("unsupported protocol: {s}"));
    }
    Ok(())
}

/// Go's `time.ParseDuration`, in nanoseconds. `None` for a string Go rejects.
pub fn parse_go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &r[..frac_len];
            rest = &r[frac_len..];
            if int_part.is_empty() && frac_part.is_empty() {
                return None;
            }
        } else if int_part.is_empty() {
            return None;
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit: i128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let int_val: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut value = int_val.checked_mul(unit)?;
        if !frac_part.is_empty() {
            let mut scale: i128 = 1;
            let mut frac: i128 = 0;
            for c in frac_part.bytes().take(30) {
                frac = frac * 10 + i128::from(c - b'0');
                scale *= 10;
            }
            value += frac * unit / scale;
        }
        total = total.checked_add(value)?;
        if total > i128::from(i64::MAX) {
            return None;
        }
    }
    Some(if neg { -total } else { total })
}

pub const NANOS_PER_MS: i128 = 1_000_000;

/// B7 `ValidateDuration`: parses, then ≥ 1ms and a whole number of milliseconds.
pub fn validate_duration(s: &str) -> Result<i128, String> {
    let d = parse_go_duration(s).ok_or_else(|| {
        format!("bad Duration {s:?}: use Go duration syntax such as 10s, 1.5s, 300ms, 1h30m")
    })?;
    if d < NANOS_PER_MS {
        return Err(format!("duration must be greater than 1ms (got {s:?})"));
    }
    if d % NANOS_PER_MS != 0 {
        return Err(format!(
            "only durations to ms precision are supported (got {s:?})"
        ));
    }
    Ok(d)
}

/// Envoy's primality test for Maglev table sizes.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    let mut i = 5u64;
    while i.saturating_mul(i) <= n {
        if n.is_multiple_of(i) || n.is_multiple_of(i + 2) {
            return false;
        }
        i += 6;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_domains() {
        assert!(is_dns1123_label("V1"));
        assert!(!is_dns1123_label("v1.0"));
        assert!(!is_dns1123_label("v_1"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        for ok in ["*", "*foo", "*-foo", "foo"] {
            assert!(is_wildcard_dns1123_label(ok), "{ok}");
        }
        assert!(!is_wildcard_dns1123_label("foo*"));
        assert!(validate_wildcard_domain("*.example.com").is_ok());
        assert!(validate_wildcard_domain("istio.io.").is_ok());
        assert!(validate_wildcard_domain("*foo.com").is_ok());
        assert!(validate_wildcard_domain("foo.*.com").is_err());
        assert!(validate_wildcard_domain("foo*.bar").is_err());
        assert!(validate_wildcard_domain("1.2.3.4").is_err());
        assert!(validate_wildcard_domain("").is_err());
        assert!(validate_wildcard_domain(&"a.".repeat(130)).is_err());
        assert!(validate_fqdn("*.example.com").is_err());
        assert!(validate_fqdn("localhost").is_ok());
        assert!(validate_partial_wildcard("*foo.com").is_err());
        assert!(validate_partial_wildcard("*.foo.com").is_ok());
    }

    #[test]
    fn subnets() {
        assert!(validate_ip_subnet("1.1.1.1/24").is_ok());
        assert!(validate_ip_subnet("2001:db8::/32").is_ok());
        assert!(validate_ip_subnet("1.1.1.1/33").is_err());
        assert!(validate_ip_subnet("1.1.1.1/").is_err());
        assert!(validate_ip_subnet("1.1.1").is_err());
        assert!(validate_ip_subnet("::1").is_ok());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_go_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_go_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_go_duration(".5s"), Some(500_000_000));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("300µs"), Some(300_000));
        assert_eq!(parse_go_duration("1d"), None);
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration(""), None);
        assert_eq!(parse_go_duration("."), None);
        assert!(validate_duration("1ms").is_ok());
        assert!(validate_duration("1.5ms").is_err());
        assert!(validate_duration("0s").is_err());
        assert!(validate_duration("2.000000005s").is_err());
    }

    #[test]
    fn label_maps() {
        assert!(validate_label_key("app.kubernetes.io/name").is_ok());
        assert!(validate_label_key("version").is_ok());
        assert!(validate_label_key("").is_err());
        assert!(validate_label_key("a/b/c").is_err());
        assert!(validate_label_key("-bad").is_err());
        assert!(validate_label_value("").is_ok());
        assert!(validate_label_value("v1.2_3").is_ok());
        assert!(validate_label_value("bad value").is_err());
    }

    #[test]
    fn primes() {
        assert!(is_prime(65537));
        assert!(!is_prime(65536));
        assert!(!is_prime(0));
        assert!(is_prime(5000011));
    }
}
