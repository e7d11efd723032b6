//! Why a target failed, as a named class, a sentence for people and one line of
//! what to change. Every stage reports its failures through this type, so the CLI,
//! the JSON and the GUI say the same thing and nothing falls through as "other".

use serde::Serialize;

/// The named cause of a failure. Serialised in snake case for machines; people
/// read [`Problem::message`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemClass {
    // Where and how to connect.
    RefusedByPolicy,
    LocalResourceLimit,
    TargetTimeout,
    // DNS.
    DnsNxdomain,
    DnsNodata,
    DnsServfail,
    DnsRefused,
    DnsTimeout,
    DnsCnameLoop,
    DnsDanglingCname,
    DnsError,
    // TCP.
    TcpRefused,
    TcpTimeout,
    TcpReset,
    TcpUnreachable,
    TcpError,
    // The TLS handshake.
    HandshakeTimeout,
    NotTls,
    ClosedDuringHandshake,
    ResetDuringHandshake,
    UnsupportedProtocolVersion,
    NoSharedCipher,
    UnrecognizedName,
    AlertReceived,
    CertificateTooLarge,
    InvalidServerName,
    TlsError,
    // The client certificate.
    ClientCertificateRequired,
    ClientCertificateRejected,
    ClientCertificateNoVerdict,
    ClientIdentityUnusable,
    // The server's certificate.
    UnknownIssuer,
    SelfSignedNotTrusted,
    Expired,
    NotYetValid,
    NameMismatch,
    CaUsedAsLeaf,
    PathTooLong,
    BadSignature,
    Revoked,
    InvalidPurpose,
    BadEncoding,
    UnsupportedAlgorithm,
    CertificateRejected,
    TrustUnavailable,
    /// A file the sidecar reads (CA, client certificate, key) is not readable on
    /// this machine: the probe cannot judge, the sidecar may well be fine.
    LocalFileUnreadable,
    // Plaintext where the policy is plaintext.
    TlsAnsweredToPlaintext,
}

/// One reason a target failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub class: ProblemClass,
    /// What happened, in a sentence.
    pub message: String,
    /// What to change (in the DestinationRule, the ServiceEntry, the local mapping
    /// or the server), in one line.
    pub change: String,
}

impl ProblemClass {
    /// The probe could not judge (its own limit), as opposed to a failure the
    /// sidecar would hit.
    pub fn is_probe_limit(self) -> bool {
        matches!(
            self,
            ProblemClass::CertificateTooLarge
                | ProblemClass::ClientCertificateNoVerdict
                | ProblemClass::LocalFileUnreadable
        )
    }
}

impl Problem {
    pub fn new(class: ProblemClass, message: impl Into<String>, change: impl Into<String>) -> Self {
        Problem {
            class,
            message: message.into(),
            change: change.into(),
        }
    }
}

/// `1 target`, `2 targets`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `UnknownCa` → `unknown ca`; `MaximumPathDepthExceeded` → `maximum path depth
/// exceeded`: a library's identifier turned into words for people.
pub fn words(identifier: &str) -> String {
    let chars: Vec<char> = identifier
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if *c == '_' {
            out.push(' ');
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_ascii_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if boundary {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_become_words() {
        assert_eq!(
            words("MaximumPathDepthExceeded"),
            "maximum path depth exceeded"
        );
        assert_eq!(words("UnknownCA"), "unknown ca");
        assert_eq!(words("CaUsedAsEndEntity"), "ca used as end entity");
        assert_eq!(words("Foo { bar: 1 }"), "foo");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "target", "targets"), "1 target");
        assert_eq!(plural(0, "target", "targets"), "0 targets");
        assert_eq!(plural(2, "certificate", "certificates"), "2 certificates");
    }
}
