//! Facts about certificates for people: subject, issuer, names, validity, key
//! type, fingerprint; the CA names of a CertificateRequest; Envoy's SAN rule; and
//! TLS alert names as openssl prints them.

use crate::probe::report::CertInfo;

/// Envoy's SAN matching: exact (case-insensitive), or a certificate wildcard that
/// stands for exactly the whole left-most label.
pub fn san_matches(cert_san: &str, wanted: &str) -> bool {
    let (c, w) = (
        cert_san.trim_end_matches('.').to_ascii_lowercase(),
        wanted.trim_end_matches('.').to_ascii_lowercase(),
    );
    if c == w {
        return true;
    }
    match c.strip_prefix("*.") {
        Some(suffix) => match w.split_once('.') {
            Some((first, rest)) => !first.is_empty() && !first.contains('*') && rest == suffix,
            None => false,
        },
        None => false,
    }
}

/// Seconds since the epoch, now.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A UTC date for people: `2021-01-01 00:00 UTC`.
pub fn date(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for n in &ext.value.general_names {
            match n {
                GeneralName::DNSName(d) => sans.push(d.to_string()),
                GeneralName::URI(u) => sans.push(u.to_string()),
                GeneralName::IPAddress(b) => {
                    if let Some(ip) = ip_of(b) {
                        sans.push(ip.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let not_after = cert.validity().not_after.timestamp();
    let not_before = cert.validity().not_before.timestamp();
    use x509_parser::public_key::PublicKey;
    let key_type = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(k)) => format!("RSA {}", k.key_size()),
        Ok(PublicKey::EC(p)) => format!("EC P-{}", p.key_size()),
        Ok(PublicKey::DSA(_)) => "DSA".into(),
        Ok(PublicKey::GostR3410(_) | PublicKey::GostR3410_2012(_)) => "GOST".into(),
        Ok(PublicKey::Unknown(_)) | Err(_) => {
            let oid = &cert.public_key().algorithm.algorithm;
            match x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry()) {
                Ok(name) => name.to_string(),
                Err(_) => oid.to_id_string(),
            }
        }
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_before: date(not_before),
        not_after: date(not_after),
        days_left: (not_after - now_unix()).div_euclid(86_400),
        key_type,
        sha256: digest
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
        is_ca: cert.is_ca(),
        size: der.len(),
    })
}

fn ip_of(b: &[u8]) -> Option<std::net::IpAddr> {
    match b.len() {
        4 => Some(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).into()),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            Some(std::net::Ipv6Addr::from(a).into())
        }
        _ => None,
    }
}

/// `UnknownCA` → `unknown_ca`, as openssl and curl print alerts.
pub fn alert_name(d: rustls::AlertDescription) -> String {
    crate::probe::problem::words(&format!("{d:?}")).replace(' ', "_")
}

/// The CA names a server sent in its CertificateRequest, as text.
pub fn ca_names(hints: &[Vec<u8>]) -> Vec<String> {
    use x509_parser::prelude::FromDer;
    hints
        .iter()
        .map(|h| {
            // TLS sends the names without their outer SEQUENCE; add it back to parse.
            let wrapped = der_sequence(h);
            match x509_parser::x509::X509Name::from_der(h)
                .or_else(|_| x509_parser::x509::X509Name::from_der(&wrapped))
            {
                Ok((_, name)) => name.to_string(),
                Err(_) => "(unparsable name)".to_string(),
            }
        })
        .collect()
}

/// `content` inside a DER SEQUENCE header.
pub fn der_sequence(content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![0x30u8];
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else if len < 0x1_0000 {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    } else {
        out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envoy_san_rules() {
        assert!(san_matches("*.example.com", "api.example.com"));
        assert!(!san_matches("*.example.com", "a.b.example.com"));
        assert!(!san_matches("*.example.com", "example.com"));
        assert!(san_matches("API.example.com", "api.example.com."));
        assert!(!san_matches("api*.example.com", "api1.example.com"));
        assert!(!san_matches("api.example.com", "*.example.com"));
    }

    #[test]
    fn alert_names() {
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownCA),
            "unknown_ca"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::CertificateRequired),
            "certificate_required"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::BadCertificate),
            "bad_certificate"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01 00:00 UTC");
        assert_eq!(date(1_609_459_200), "2021-01-01 00:00 UTC");
        assert_eq!(
            date(951_782_400 + 3600 * 13 + 60 * 7),
            "2000-02-29 13:07 UTC"
        );
    }
}
