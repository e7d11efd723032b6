//! What `validate` and `analyze` found, and the formats they print it in: text
//! for people, the JSON of the CLI contract, GitHub workflow commands and SARIF
//! (in `sarif`). Every format walks the same [`Report::findings`], so a finding
//! says the same thing in all of them.

use super::output::errln;
use crate::validate::{Located, ResourceId, Severity, Source};
use crate::yaml::Workspace;
use clap::ValueEnum;
use serde::Serialize;
use std::io::{self, Write};

/// How `validate` and `analyze` print their findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// `file:line:col: severity[code] kind/ns/name path: message`, one a line.
    #[default]
    Text,
    /// One JSON object: files, diagnostics and a summary.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: inline annotations on pull requests.
    Github,
}

/// Everything one run found, ready to print.
pub struct Report<'a> {
    pub workspace: &'a Workspace,
    /// Sorted by file, line and column.
    pub found: &'a [Located],
    /// Inputs that could not be read at all: (path, message).
    pub unreadable: &'a [(String, String)],
    /// True for `analyze`: each finding carries its source.
    pub analyzing: bool,
    pub resources: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Each file's path as shown, by workspace index.
    pub paths: Vec<String>,
}

/// One finding, as every format prints it.
pub struct Finding<'a> {
    /// Index of the file in the workspace.
    pub file_index: usize,
    pub file: &'a str,
    pub document: usize,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: &'a str,
    pub resource: &'a ResourceId,
    pub path: &'a str,
    pub message: &'a str,
    pub source: Source,
    /// The other ends of a cross-resource finding.
    pub related: &'a [crate::validate::Related],
}

impl<'a> Report<'a> {
    pub fn new(
        workspace: &'a Workspace,
        found: &'a [Located],
        unreadable: &'a [(String, String)],
        analyzing: bool,
    ) -> Report<'a> {
        let count = |s| found.iter().filter(|d| d.diagnostic.severity == s).count();
        Report {
            workspace,
            found,
            unreadable,
            analyzing,
            resources: workspace
                .files
                .iter()
                .flat_map(|f| f.items())
                .filter(|(_, i)| i.has_form())
                .count(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            paths: workspace.files.iter().map(|f| f.display_path()).collect(),
        }
    }

    /// The findings in order, one shape for every format.
    pub fn findings(&self) -> impl Iterator<Item = Finding<'_>> {
        self.found.iter().map(|l| {
            let d = &l.diagnostic;
            Finding {
                file_index: l.at.file,
                file: &self.paths[l.at.file],
                document: self.workspace.files[l.at.file].documents[l.at.document].ordinal,
                line: l.line,
                column: l.column,
                severity: d.severity,
                code: &d.code,
                resource: &d.resource,
                path: &d.path,
                message: &d.message,
                source: d.source,
                related: &l.related,
            }
        })
    }

    /// Prints the report to `out` in `format`; the text format's summary and the
    /// unreadable files go to standard error.
    pub fn write(&self, format: ReportFormat, out: &mut impl Write) -> io::Result<()> {
        match format {
            ReportFormat::Text => self.write_text(out),
            ReportFormat::Json => self.write_json(out),
            ReportFormat::Sarif => super::sarif::write(self, out),
            ReportFormat::Github => self.write_github(out),
        }
    }

    fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        for (path, message) in self.unreadable {
            // "path: why" or "path:line:column: why", as findings are printed.
            let rest = message.strip_prefix(path.as_str()).unwrap_or(message);
            match rest.strip_prefix(':').and_then(|r| r.split_once(": ")) {
                Some((at, why)) if at.starts_with(|c: char| c.is_ascii_digit()) => {
                    errln!("{path}:{at}: error: {why}")
                }
                _ => errln!(
                    "{path}: error: {}",
                    rest.strip_prefix(": ").unwrap_or(message)
                ),
            }
        }
        for f in self.findings() {
            writeln!(out, "{}", f.text_line())?;
        }
        out.flush()?;
        self.print_summary();
        Ok(())
    }

    /// `3 resources checked: 1 error, 0 warnings` on standard error.
    pub fn print_summary(&self) {
        if self.found.is_empty() && self.unreadable.is_empty() {
            errln!(
                "{} checked, no findings",
                plural(self.resources, "resource")
            );
        } else {
            errln!(
                "{} checked: {}, {}",
                plural(self.resources, "resource"),
                plural(self.errors, "error"),
                plural(self.warnings, "warning")
            );
        }
    }

    fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let mut files: Vec<JsonFile> = self
            .workspace
            .files
            .iter()
            .zip(&self.paths)
            .map(|(f, path)| JsonFile {
                path: path.clone(),
                documents: f.document_count(),
                error: None,
            })
            .collect();
        for (path, message) in self.unreadable {
            errln!("{message}");
            files.push(JsonFile {
                path: path.clone(),
                documents: 0,
                error: Some(message.clone()),
            });
        }
        let report = JsonReport {
            files,
            diagnostics: self
                .findings()
                .map(|f| JsonDiagnostic {
                    file: f.file,
                    document: f.document,
                    line: f.line,
                    column: f.column,
                    kind: &f.resource.kind,
                    namespace: &f.resource.namespace,
                    name: &f.resource.name,
                    severity: f.severity,
                    code: f.code,
                    path: f.path,
                    message: f.message,
                    source: self.analyzing.then(|| f.source.as_str()),
                    related: f
                        .related
                        .iter()
                        .map(|r| JsonRelated {
                            file: &self.paths[r.at.file],
                            line: r.line,
                            column: r.column,
                            kind: &r.resource.kind,
                            namespace: &r.resource.namespace,
                            name: &r.resource.name,
                            path: &r.path,
                        })
                        .collect(),
                })
                .collect(),
            summary: JsonSummary {
                resources: self.resources,
                errors: self.errors,
                warnings: self.warnings,
            },
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        out.flush()
    }

    /// `::error file=F,line=L,col=C,title=CODE::message`, one a line; the summary
    /// goes to standard error as in the text format.
    fn write_github(&self, out: &mut impl Write) -> io::Result<()> {
        for (path, message) in self.unreadable {
            writeln!(
                out,
                "::error file={},title=unreadable::{}",
                gh_property(path),
                gh_data(message)
            )?;
        }
        for f in self.findings() {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            write!(out, "::{command} file={}", gh_property(f.file))?;
            if f.line > 0 {
                write!(out, ",line={},col={}", f.line, f.column.max(1))?;
            }
            writeln!(
                out,
                ",title={}::{}",
                gh_property(f.code),
                gh_data(&f.what_and_message())
            )?;
        }
        out.flush()?;
        self.print_summary();
        Ok(())
    }
}

impl Finding<'_> {
    /// `kind/ns/name path: message`, without what is empty.
    pub fn what_and_message(&self) -> String {
        let mut s = String::new();
        if !self.resource.kind.is_empty() {
            s.push_str(&self.resource.to_string());
        }
        if !self.path.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(self.path);
        }
        if s.is_empty() {
            self.message.to_string()
        } else {
            format!("{s}: {}", self.message)
        }
    }

    fn text_line(&self) -> String {
        let what = if self.resource.kind.is_empty() {
            String::new()
        } else {
            format!(" {}", self.resource)
        };
        let path = if self.path.is_empty() {
            String::new()
        } else {
            format!(" {}", self.path)
        };
        format!(
            "{}:{}:{}: {}[{}]{what}{path}: {}",
            self.file,
            self.line,
            self.column,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

/// Escapes a workflow command's message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFile {
    path: String,
    documents: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    document: usize,
    line: usize,
    column: usize,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    severity: Severity,
    code: &'a str,
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
    /// The other ends of a cross-resource finding (egress-gateway chain checks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    resources: usize,
    errors: usize,
    warnings: usize,
}

/// `1 resource`, `2 resources`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(gh_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(gh_property("a:b,c"), "a%3Ab%2Cc");
    }
}
