//! `egress-studio probe`.

use super::output::{errln, out, outln};
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, Output};
use crate::probe::targets::{self, PathMap};
use crate::probe::{ProbeOptions, ProbeReport, Prober, Target};
use crate::yaml::{SourceFile, Workspace};
use clap::Args;
use serde::Serialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Timeout of each stage (DNS, connect, handshake) in milliseconds; a target gets three times this.
    #[arg(long, default_value_t = 3000)]
    pub timeout_ms: u64,
    /// Targets probed at once.
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
            t.tls.ca_certificates = None;
            out.push(t);
        }
    }
    let rules: Vec<&crate::model::DestinationRule> = workspace
        .resources()
        .filter_map(|r| match r.resource {
            crate::model::Resource::DestinationRule(d) => Some(d),
            _ => None,
        })
        .collect();
    for r in workspace.resources() {
        if let crate::model::Resource::ServiceEntry(se) = r.resource {
            let t = targets::for_service_entry(se, &rules, &paths, args.wildcard_host.as_deref());
            if t.is_empty()
                && se.spec.hosts().iter().any(|h| h.starts_with('*'))
                && args.wildcard_host.is_none()
            {
                errln!(
                    "note: ServiceEntry {} has wildcard hosts; give --wildcard-host NAME to probe one",
                    se.metadata.name.as_deref().unwrap_or("")
                );
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
        dns_concurrency: args.concurrency.clamp(1, 8),
        extra_ca: args.ca.clone(),
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
    let reports = runtime.block_on(async {
        let prober = Arc::new(Prober::new(options));
        prober.probe_all(&targets).await
    });
    let elapsed_ms = crate::probe::ms(start);
    let ok = reports.iter().filter(|r| r.ok).count();
    match args.output {
        Output::Json => {
            let report = JsonReport {
                targets: &reports,
                summary: Summary {
                    targets: reports.len(),
                    ok,
                    failed: reports.len() - ok,
                    elapsed_ms,
                },
            };
            match serde_json::to_string_pretty(&report) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("error: {e}");
                    return EXIT_BAD_INPUT;
                }
            }
        }
        Output::Text => {
            for r in &reports {
                out!("{}", r.text());
            }
            outln!(
                "{} targets: {ok} ok, {} failed ({elapsed_ms} ms) — probed from this machine",
                reports.len(),
                reports.len() - ok
            );
        }
    }
    if ok == reports.len() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}
