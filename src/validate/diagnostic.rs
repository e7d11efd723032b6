//! The diagnostic value every rule returns.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which question a finding answers: will the cluster admit this resource, or
/// does the set of resources work together (as Istio's analyzers judge it, or as
/// egress-studio's own checks do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The validating webhook, the CRD schema/CEL rules or the API server's metadata rules.
    #[default]
    Admission,
    /// One of Istio's analyzers, as `istioctl analyze` runs them on local files.
    IstioAnalyzer,
    /// A cross-resource check of egress-studio's own, which Istio does not make.
    EgressStudio,
}

impl Source {
    /// As written in JSON and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Admission => "admission",
            Source::IstioAnalyzer => "istio-analyzer",
            Source::EgressStudio => "egress-studio",
        }
    }
}

/// Which resource a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct ResourceId {
    pub kind: String,
    /// As written, or `default` (what `istioctl validate` assumes).
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for ResourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// One finding about one field of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id: `SE11`, `TLS3`, `CRD-ENUM`, `IST0128`, …
    pub code: String,
    pub resource: ResourceId,
    /// Field path inside the resource, e.g. `spec.ports[1].name`; empty for the whole resource.
    pub path: String,
    pub message: String,
    pub source: Source,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code: code.to_string(),
            resource: ResourceId::default(),
            path: path.into(),
            message: message.into(),
            source: Source::Admission,
        }
    }

    pub fn error(code: &str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, path, message)
    }

    pub fn warning(code: &str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, path, message)
    }
}

/// Where in the workspace: indexes of file, document and item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Site {
    pub file: usize,
    pub document: usize,
    pub item: Option<usize>,
}

/// A diagnostic with its place in the workspace and its file-level line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub at: Site,
    pub line: usize,
    pub column: usize,
    pub diagnostic: Diagnostic,
    /// The other ends of a cross-resource finding (the Gateway a VirtualService
    /// names, the DestinationRule a route's subset needs, …), so a reader can
    /// jump to either end. Empty for single-resource findings.
    pub related: Vec<Related>,
}

/// One other place a finding is about: a field of another resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub at: Site,
    pub line: usize,
    pub column: usize,
    pub resource: ResourceId,
    /// Field path inside that resource; empty for the whole resource.
    pub path: String,
}

/// Collects the findings of one resource. Inside subsets and port-level settings
/// Istio keeps only errors, so warnings found there become info.
#[derive(Debug, Default)]
pub struct Findings {
    pub out: Vec<Diagnostic>,
    /// Set while checking a subset or port-level policy.
    pub nested: bool,
}

impl Findings {
    pub fn error(&mut self, code: &str, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic::error(code, path, message));
    }

    pub fn warning(&mut self, code: &str, path: impl Into<String>, message: impl Into<String>) {
        if self.nested {
            let message = format!(
                "{} (Istio drops this warning inside subsets and port-level settings)",
                message.into()
            );
            self.out
                .push(Diagnostic::new(Severity::Info, code, path, message));
        } else {
            self.out.push(Diagnostic::warning(code, path, message));
        }
    }

    /// Records `Err(message)` as an error.
    pub fn check(
        &mut self,
        code: &str,
        path: impl Into<String>,
        result: Result<impl Sized, String>,
    ) {
        if let Err(m) = result {
            self.error(code, path, m);
        }
    }
}

/// A value as Istio's messages quote it (Go's `%q`): in double quotes, with `"`,
/// `\` and control characters escaped and printable text as written.
pub fn quoted(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod quoted_tests {
    use super::quoted;

    #[test]
    fn quotes_as_istio_messages_do() {
        assert_eq!(quoted("api.example.com"), "\"api.example.com\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quoted("tab\there\n"), "\"tab\\there\\n\"");
        assert_eq!(quoted("bell\u{7}"), "\"bell\\x07\"");
        assert_eq!(quoted("héllo"), "\"héllo\"");
    }
}
