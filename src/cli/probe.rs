//! `egress-studio probe`: builds targets from manifests (or HOST:PORT), probes
//! them and prints each target as it finishes — text for people, one JSON
//! document, or JSON lines — with a progress line on stderr when it is a terminal.

use super::output::{err, errln, outln};
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK};
use crate::probe::problem::plural;
use crate::probe::targets::{self, PathMap};
use crate::probe::{AddressPolicy, Outcome, ProbeOptions, ProbeReport, Prober, Target};
use crate::yaml::{SourceFile, Workspace};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeOutput {
    /// For people, like `curl -v`.
    Text,
    /// One JSON document at the end.
    Json,
    /// One JSON object per target as it finishes, then a summary object.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProbeOutput::Text)]
    pub output: ProbeOutput,
    /// Timeout of each stage (DNS, connect, handshake, HTTP) in milliseconds; a target gets three times this once it starts.
    #[arg(long, default_value_t = 3000)]
    pub timeout_ms: u64,
    /// Targets probed at once (lowered to fit the open-files limit, with a note).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Use this nameserver (UDP and TCP) instead of the system's.
    #[arg(long, value_name = "IP:PORT")]
    pub dns_server: Option<SocketAddr>,
    /// Extra trust anchors for targets without a DestinationRule CA (e.g. HOST:PORT targets).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Read certificate paths under SIDECAR from LOCAL (repeatable), e.g. /etc/certs=./certs.
    #[arg(long = "map", value_name = "SIDECAR=LOCAL", value_parser = PathMap::parse_entry)]
    pub map: Vec<(String, PathBuf)>,
    /// A concrete name to probe for wildcard ServiceEntry hosts (e.g. api.example.com for *.example.com).
    #[arg(long, value_name = "NAME")]
    pub wildcard_host: Option<String>,
    /// Skip files and folders matching GLOB (repeatable; see `validate --help`).
    #[arg(long, value_name = "GLOB", value_parser = crate::yaml::walk::Glob::parse)]
    pub exclude: Vec<crate::yaml::walk::Glob>,
    /// Probe as a client in this namespace (the DestinationRule that applies depends on it); default: each ServiceEntry's namespace.
    #[arg(long, value_name = "NS")]
    pub from_namespace: Option<String>,
    /// Send one HTTP request after connecting on HOST:PORT targets too (HTTP ports always get one).
    #[arg(long)]
    pub http: bool,
    /// The path of the HTTP request (HEAD), e.g. /healthz.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub http_path: String,
    /// Dial these addresses even inside the always-refused ranges (169.254.0.0/16, fe80::/10, fd00:ec2::254/128). Repeatable.
    #[arg(long = "allow-addresses", value_name = "CIDR", value_parser = AddressPolicy::parse_cidr)]
    pub allow_addresses: Vec<ipnet::IpNet>,
    /// Never dial these addresses (repeatable), e.g. 10.0.0.0/8.
    #[arg(long = "deny-addresses", value_name = "CIDR", value_parser = AddressPolicy::parse_cidr)]
    pub deny_addresses: Vec<ipnet::IpNet>,
    /// Manifests or folders of them (their ServiceEntries are probed with the matching DestinationRules) or HOST:PORT.
    #[arg(required = true)]
    pub inputs: Vec<String>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    targets: &'a [ProbeReport],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    targets: usize,
    ok: usize,
    failed: usize,
    unknown: usize,
    elapsed_ms: f64,
}

/// Targets from the inputs: files (or `-`) and HOST:PORT.
pub fn collect_targets(args: &ProbeArgs) -> Result<Vec<Target>, String> {
    let paths = PathMap {
        entries: args.map.clone(),
    };
    let mut out = Vec::new();
    let mut workspace = Workspace::default();
    for input in &args.inputs {
        let p = Path::new(input);
        if input == "-" || p.exists() {
            for path in crate::yaml::walk::expand(&[p.to_path_buf()], &args.exclude)
                .map_err(|e| e.to_string())?
            {
                let file = SourceFile::read(&path).map_err(|e| e.to_string())?;
                if let Some(err) = file.documents.iter().find_map(|d| d.error.as_ref()) {
                    return Err(format!(
                        "{}:{}:{}: {}",
                        path.display(),
                        err.pos.line,
                        err.pos.column,
                        err.message
                    ));
                }
                workspace.files.push(file);
            }
        } else {
            let mut t =
                Target::parse_host_port(input).map_err(|e| format!("{e} (and no such file)"))?;
            if args.http {
                t.http = Some(args.http_path.clone());
            }
            out.push(t);
        }
    }
    let rules: Vec<&crate::model::DestinationRule> = workspace
        .resources()
        .filter_map(|r| match r.resource {
            crate::model::Resource::DestinationRule(d) => Some(&**d),
            _ => None,
        })
        .collect();
    let chains = crate::validate::chain::summaries(&workspace);
    let pods = crate::policy::GatewayPods::of(workspace.resources().map(|r| r.resource));
    for r in workspace.resources() {
        if let crate::model::Resource::ServiceEntry(se) = r.resource {
            let mut t = crate::probe::gateway_hop::apply(
                (&chains, &pods),
                se,
                &rules,
                &paths,
                targets::for_service_entry_from(
                    se,
                    &rules,
                    &paths,
                    args.wildcard_host.as_deref(),
                    args.from_namespace.as_deref(),
                    &pods,
                ),
            );
            if t.is_empty()
                && se.spec.hosts().iter().any(|h| h.starts_with('*'))
                && args.wildcard_host.is_none()
            {
                errln!(
                    "note: ServiceEntry {} has wildcard hosts; give --wildcard-host NAME to probe one",
                    se.metadata.name.as_deref().unwrap_or("")
                );
            }
            for target in &mut t {
                if target.http.is_some() || args.http {
                    target.http = Some(args.http_path.clone());
                }
            }
            out.extend(t);
        }
    }
    Ok(out)
}

pub fn run(args: &ProbeArgs) -> u8 {
    let targets = match collect_targets(args) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    if targets.is_empty() {
        errln!("error: nothing to probe (no ServiceEntry ports or HOST:PORT given)");
        return EXIT_BAD_INPUT;
    }
    let stage = Duration::from_millis(args.timeout_ms.max(1));
    let options = ProbeOptions {
        dns_server: args.dns_server,
        stage_timeout: stage,
        target_timeout: stage * 3,
        concurrency: args.concurrency.max(1),
        dns_concurrency: args.concurrency.clamp(1, 16),
        extra_ca: args.ca.clone(),
        addresses: AddressPolicy {
            allow: args.allow_addresses.clone(),
            deny: args.deny_addresses.clone(),
        },
        ..Default::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            errln!("error: cannot start the runtime: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let start = Instant::now();
    let mut printer = Printer::new(args.output, targets.len());
    let reports = runtime.block_on(async {
        let prober = Arc::new(Prober::new(options));
        if let Some(note) = crate::probe::limits::take_clamp_note() {
            errln!("note: {note}");
        }
        let mut reports: Vec<Option<ProbeReport>> = vec![None; targets.len()];
        prober
            .probe_each(&targets, |i, r| {
                printer.one(&r);
                reports[i] = Some(r);
            })
            .await;
        reports.into_iter().flatten().collect::<Vec<_>>()
    });
    let elapsed_ms = crate::probe::ms(start);
    printer.finish(&reports, elapsed_ms)
}

/// Prints reports as they come, and the summary.
struct Printer {
    output: ProbeOutput,
    total: usize,
    done: usize,
    progress: bool,
}

impl Printer {
    fn new(output: ProbeOutput, total: usize) -> Printer {
        Printer {
            output,
            total,
            done: 0,
            progress: std::io::stderr().is_terminal(),
        }
    }

    fn one(&mut self, r: &ProbeReport) {
        self.done += 1;
        let mut out = std::io::stdout().lock();
        match self.output {
            ProbeOutput::Text => {
                self.clear_progress();
                let _ = write!(out, "{}", r.text());
            }
            ProbeOutput::Jsonl => {
                if let Ok(line) = serde_json::to_string(r) {
                    let _ = writeln!(out, "{line}");
                }
            }
            ProbeOutput::Json => {}
        }
        let _ = out.flush();
        if self.progress {
            err!(
                "\r{} of {} probed",
                self.done,
                plural(self.total, "target", "targets")
            );
        }
    }

    fn clear_progress(&self) {
        if self.progress {
            err!("\r\x1b[2K");
        }
    }

    fn finish(self, reports: &[ProbeReport], elapsed_ms: f64) -> u8 {
        self.clear_progress();
        let count = |o: Outcome| reports.iter().filter(|r| r.outcome == o).count();
        let summary = Summary {
            targets: reports.len(),
            ok: count(Outcome::Ok),
            failed: count(Outcome::Fail),
            unknown: count(Outcome::Unknown),
            elapsed_ms,
        };
        let all_ok = summary.ok == summary.targets;
        match self.output {
            ProbeOutput::Json => {
                let report = JsonReport {
                    targets: reports,
                    summary,
                };
                match serde_json::to_string_pretty(&report) {
                    Ok(s) => outln!("{s}"),
                    Err(e) => {
                        errln!("error: {e}");
                        return EXIT_BAD_INPUT;
                    }
                }
            }
            ProbeOutput::Jsonl => {
                if let Ok(s) = serde_json::to_string(&serde_json::json!({ "summary": summary })) {
                    outln!("{s}");
                }
            }
            ProbeOutput::Text => {
                let unknown = if summary.unknown > 0 {
                    format!(", {} unknown", summary.unknown)
                } else {
                    String::new()
                };
                outln!(
                    "{}: {} ok, {} failed{unknown} ({elapsed_ms} ms) — probed from this machine",
                    plural(summary.targets, "target", "targets"),
                    summary.ok,
                    summary.failed,
                );
            }
        }
        if all_ok { EXIT_OK } else { EXIT_FINDINGS }
    }
}
