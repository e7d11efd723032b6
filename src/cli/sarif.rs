//! `--output sarif`: the findings as a SARIF 2.1.0 log, which GitHub code
//! scanning and other CI dashboards import. One rule per diagnostic code, with
//! the `explain` text as its help; one result per finding, located by a URI
//! relative to the working folder and a 1-based line and column.

use super::report::{Finding, Report};
use crate::validate::{Severity, explain};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://istio.io/latest/docs/reference/config/networking/";
/// The base that relative artifact URIs are resolved against: where the tool ran.
const SRCROOT: &str = "%SRCROOT%";

/// Writes `report` as one SARIF log.
pub fn write(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let uris: Vec<Uri> = report.paths.iter().map(|p| Uri::of(p)).collect();
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    let mut rules: Vec<Rule> = Vec::new();
    let results: Vec<SarifResult> = report
        .findings()
        .map(|f| {
            let index = *rule_index.entry(f.code).or_insert_with(|| {
                rules.push(Rule::of(f.code));
                rules.len() - 1
            });
            SarifResult::of(&f, index, &uris)
        })
        .collect();
    let notifications = report
        .unreadable
        .iter()
        .map(|(path, message)| Notification {
            level: "error",
            message: Text {
                text: message.clone(),
            },
            locations: vec![Location::file(Uri::of(path), None)],
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "egress-studio",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: report.unreadable.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    out.flush()
}

/// A file's location as SARIF wants it: relative to the working folder when it
/// is below it, else an absolute `file://` URI.
#[derive(Clone)]
struct Uri {
    uri: String,
    base: Option<&'static str>,
}

impl Uri {
    fn of(shown: &str) -> Uri {
        let path = Path::new(shown);
        if path.is_relative() {
            let rel = shown.replace('\\', "/");
            let rel = rel.strip_prefix("./").unwrap_or(&rel);
            return Uri {
                uri: percent_encode(rel),
                base: Some(SRCROOT),
            };
        }
        if let Some(rel) = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        {
            return Uri {
                uri: percent_encode(&rel.to_string_lossy().replace('\\', "/")),
                base: Some(SRCROOT),
            };
        }
        let abs = shown.replace('\\', "/");
        let abs = abs.strip_prefix('/').unwrap_or(&abs);
        Uri {
            uri: format!("file:///{}", percent_encode(abs)),
            base: None,
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
}

impl Rule {
    fn of(code: &str) -> Rule {
        match explain::lookup(code) {
            Some(e) => Rule {
                id: code.to_string(),
                name: e.name(),
                short_description: Text {
                    text: e.title.to_string(),
                },
                full_description: Text {
                    text: e.meaning.to_string(),
                },
                help: Text { text: e.render() },
                help_uri: e.help_uri(),
            },
            None => Rule {
                id: code.to_string(),
                name: code.to_string(),
                short_description: Text {
                    text: format!("Diagnostic {code}"),
                },
                full_description: Text {
                    text: format!("Diagnostic {code}"),
                },
                help: Text {
                    text: format!("Run `egress-studio explain {code}`."),
                },
                help_uri: None,
            },
        }
    }
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    /// The other ends of a cross-resource finding (the Gateway a
    /// VirtualService names, the rule whose policy wins, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

impl SarifResult {
    fn of(f: &Finding, rule_index: usize, uris: &[Uri]) -> SarifResult {
        let uri = &uris[f.file_index];
        let region = (f.line > 0).then(|| Region {
            start_line: f.line,
            start_column: f.column.max(1),
        });
        let related_locations = f
            .related
            .iter()
            .enumerate()
            .filter_map(|(id, r)| {
                let uri = uris.get(r.at.file)?;
                let region = (r.line > 0).then(|| Region {
                    start_line: r.line,
                    start_column: r.column.max(1),
                });
                Some(RelatedLocation {
                    id,
                    physical_location: Location::file(uri.clone(), region).physical_location,
                    message: Text {
                        text: if r.path.is_empty() {
                            r.resource.to_string()
                        } else {
                            format!("{} {}", r.resource, r.path)
                        },
                    },
                })
            })
            .collect();
        SarifResult {
            rule_id: f.code.to_string(),
            rule_index,
            level: level(f.severity),
            message: Text {
                text: f.what_and_message(),
            },
            locations: [Location::file(uri.clone(), region)],
            related_locations,
            properties: ResultProperties {
                source: f.source.as_str(),
                resource: f.resource.to_string(),
                path: f.path.to_string(),
                document: f.document,
            },
        }
    }
}

/// Where a finding comes from (admission, istio-analyzer, egress-studio), which
/// resource and field it is about.
#[derive(Serialize)]
struct ResultProperties {
    source: &'static str,
    resource: String,
    path: String,
    document: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

impl Location {
    fn file(uri: Uri, region: Option<Region>) -> Location {
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri.uri,
                    uri_base_id: uri.base,
                },
                region,
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_relative_and_are_encoded() {
        let u = Uri::of("./manifests/my file.yaml");
        assert_eq!(u.uri, "manifests/my%20file.yaml");
        assert_eq!(u.base, Some(SRCROOT));
    }
}
