//! `egress-studio explain CODE`: what each diagnostic code means, why Istio or
//! the API server judges it so, the release where it matters, how to fix it and
//! an example. One registry serves the CLI, SARIF rule help and the GUI's
//! Diagnostics panel; a test checks that every code the validator can emit has
//! an entry here and that no entry is stale.
//!
//! The entries follow `istio/validation.md` (the Istio source each rule comes
//! from, and the release that changed it).

mod chain;
mod destination_rule;
mod gateway;
mod other;
mod service_entry;

/// One diagnostic code, explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub code: &'static str,
    /// One line: what is wrong.
    pub title: &'static str,
    /// What the finding means.
    pub meaning: &'static str,
    /// What to change.
    pub fix: &'static str,
    /// A fragment that triggers it.
    pub example: &'static str,
    /// The Istio release (or change) where the rule appeared or changed; empty
    /// when it holds in every release egress-studio judges.
    pub since: &'static str,
}

/// Builds an entry that holds in every release judged.
const fn x(
    code: &'static str,
    title: &'static str,
    meaning: &'static str,
    fix: &'static str,
    example: &'static str,
) -> Explanation {
    Explanation {
        code,
        title,
        meaning,
        fix,
        example,
        since: "",
    }
}

impl Explanation {
    /// The same entry, noting the release where it appeared or changed.
    const fn since(mut self, since: &'static str) -> Explanation {
        self.since = since;
        self
    }

    /// Which layer judges this code, and so why it is judged at all.
    pub fn why(&self) -> String {
        match layer(self.code) {
            Layer::Webhook(source) => format!(
                "Istio's validating webhook (istiod) applies this rule ({source} in istio/istio) on every create and update of the resource, and `istioctl validate` runs the same code: an error makes the API server deny the request, a warning is sent back to kubectl and the resource is accepted."
            ),
            Layer::Crd => "The Kubernetes API server enforces the Istio CRD's OpenAPI schema and CEL rules (x-kubernetes-validations) before any webhook runs, even when istiod is down; `istioctl validate` does not run them, so only a real apply (or egress-studio) shows them.".into(),
            Layer::ApiServer => "The Kubernetes API server applies its object-metadata rules to every kind before admission.".into(),
            Layer::Loader => "The manifest has to be read as YAML and as a Kubernetes object before anything else can be checked; kubectl and the API server refuse it just the same.".into(),
            Layer::Version => "Each Istio release decodes only the fields and values its CRDs and protobuf types know; egress-studio judges the release chosen with --istio-version (default: the latest GA).".into(),
            Layer::Analyzer => "One of Istio's analyzers, as `istioctl analyze` runs it on local files: a cross-resource finding, not an admission rule; the resources are accepted.".into(),
            Layer::Own => "A cross-resource check of egress-studio's own: Istio admits these resources, and its analyzers say nothing of this or (where the meaning names an IST code) say it without naming the chain's other end; the traffic does not flow as the resources suggest.".into(),
        }
    }

    /// The documentation page for the code, where one exists.
    pub fn help_uri(&self) -> Option<String> {
        const SE: &str = "https://istio.io/latest/docs/reference/config/networking/service-entry/";
        const DR: &str =
            "https://istio.io/latest/docs/reference/config/networking/destination-rule/";
        const CRD: &str = "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation";
        const GW: &str = "https://istio.io/latest/docs/reference/config/networking/gateway/";
        const VS: &str =
            "https://istio.io/latest/docs/reference/config/networking/virtual-service/";
        const EGRESS_GATEWAY: &str =
            "https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/";
        const TLS_ORIGINATION: &str =
            "https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/";
        let c = self.code;
        let dr_anchor = |prefix: &str, anchor: &str| {
            c.strip_prefix(prefix)
                .filter(|n| n.chars().all(|ch| ch.is_ascii_digit()))
                .map(|_| format!("{DR}#{anchor}"))
        };
        if let Some(n) = c.strip_prefix("IST") {
            return Some(format!(
                "https://istio.io/latest/docs/reference/config/analysis/ist{n}/"
            ));
        }
        let page = match c {
            "META1" | "META2" => "https://istio.io/latest/docs/reference/config/annotations/",
            "META4" => "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
            "META5" => {
                "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set"
            }
            "CRD-UNKNOWN-FIELD" => {
                "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation"
            }
            "VERSION" => "https://istio.io/latest/docs/releases/supported-releases/",
            "DOUBLE-TLS" | "PLAINTEXT-TLS-PORT" => TLS_ORIGINATION,
            "DUPLICATE-DR" | "EXPORT-HIDDEN" => DR,
            "DUPLICATE-HOST-PORT" | "LISTENER-COLLISION" => SE,
            "DUPLICATE-OBJECT" => {
                "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/"
            }
            _ if c.starts_with("GW") || c.starts_with("GT") => GW,
            _ if c.starts_with("VS") || c.starts_with("GN") => VS,
            _ if c.starts_with("EG") => EGRESS_GATEWAY,
            _ if c.starts_with("CRD-SE-") || c.starts_with("SE") || c.starts_with('X') => SE,
            _ if c.starts_with("CRD-") => CRD,
            _ => {
                return dr_anchor("TLS", "ClientTLSSettings")
                    .or_else(|| dr_anchor("TP", "TrafficPolicy"))
                    .or_else(|| dr_anchor("CP", "ConnectionPoolSettings"))
                    .or_else(|| dr_anchor("OD", "OutlierDetection"))
                    .or_else(|| dr_anchor("LB", "LoadBalancerSettings"))
                    .or_else(|| dr_anchor("LL", "LocalityLoadBalancerSetting"))
                    .or_else(|| dr_anchor("ZA", "LoadBalancerSettings"))
                    .or_else(|| dr_anchor("DR", "DestinationRule"));
            }
        };
        Some(page.to_string())
    }

    /// The title as an identifier (`DuplicatePortName`), as SARIF rule names are.
    pub fn name(&self) -> String {
        self.title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut cs = w.chars();
                cs.next()
                    .map(|first| first.to_ascii_uppercase().to_string() + cs.as_str())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The release line shown to people.
    pub fn release(&self) -> String {
        if self.since.is_empty() {
            "Holds in every Istio release egress-studio judges (1.20 to 1.31).".into()
        } else {
            self.since.to_string()
        }
    }

    /// The full text `explain` prints and the GUI shows.
    pub fn render(&self) -> String {
        let example: String = self.example.lines().map(|l| format!("    {l}\n")).collect();
        let mut s = format!(
            "{}: {}\n\nWhat it means: {}\n\nWhy: {}\n\nRelease: {}\n\nHow to fix: {}\n\nExample:\n{example}",
            self.code,
            self.title,
            self.meaning,
            self.why(),
            self.release(),
            self.fix,
        );
        if let Some(uri) = self.help_uri() {
            s.push_str(&format!("\nMore: {uri}\n"));
        }
        s
    }
}

enum Layer {
    /// The Go function of istio/istio that applies the rule, and its package.
    Webhook(&'static str),
    Crd,
    ApiServer,
    Loader,
    Version,
    Analyzer,
    Own,
}

fn layer(code: &str) -> Layer {
    let numbered = |prefix: &str| {
        code.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let webhook = [
        ("SE", "ValidateServiceEntry, pkg/config/validation"),
        ("DR", "ValidateDestinationRule, pkg/config/validation"),
        ("TP", "validateTrafficPolicy, pkg/config/validation"),
        ("CP", "validateConnectionPool, pkg/config/validation"),
        ("OD", "validateOutlierDetection, pkg/config/validation"),
        ("LB", "validateLoadBalancer, pkg/config/validation"),
        (
            "LL",
            "ValidateLocalityLbSetting, pkg/config/validation/agent",
        ),
        (
            "ZA",
            "ValidateZoneAwareLbSetting, pkg/config/validation/agent",
        ),
        ("TLS", "ValidateTLS, pkg/config/validation/agent"),
        ("X", "validateExportTo, pkg/config/validation"),
        ("GW", "ValidateGateway, pkg/config/validation"),
        ("GT", "validateTLSOptions, pkg/config/validation"),
        ("VS", "ValidateVirtualService, pkg/config/validation"),
        ("GN", "validateGatewayNames, pkg/config/validation"),
    ];
    if let Some((_, function)) = webhook.iter().find(|(p, _)| numbered(p)) {
        return Layer::Webhook(function);
    }
    match code {
        "META1" | "META2" => Layer::Webhook("validateMetadata, pkg/config/validation"),
        "META3" => Layer::Webhook("the top-level key check, pkg/webhooks/validation/server"),
        "META4" | "META5" => Layer::ApiServer,
        "YAML" | "K8S" => Layer::Loader,
        "VERSION" => Layer::Version,
        _ if code.starts_with("CRD-") => Layer::Crd,
        _ if numbered("IST") => Layer::Analyzer,
        _ => Layer::Own,
    }
}

/// Every entry, in the registry's order.
pub fn all() -> impl Iterator<Item = &'static Explanation> {
    service_entry::ENTRIES
        .iter()
        .chain(destination_rule::ENTRIES)
        .chain(gateway::ENTRIES)
        .chain(chain::ENTRIES)
        .chain(other::ENTRIES)
}

/// The entry for `code`, case-insensitively.
pub fn lookup(code: &str) -> Option<&'static Explanation> {
    all().find(|e| e.code.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests;
