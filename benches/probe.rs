//! 200 targets on loopback (DNS + TCP + TLS 1.3 + report each), concurrently and
//! one at a time, and one target alone, against servers started here.

#[path = "../tests/common/fixture.rs"]
mod fixture;

use criterion::{Criterion, criterion_group, criterion_main};
use egress_studio::probe::{ProbeMode, ProbeOptions, Prober, Target, TlsSettings};
use std::sync::Arc;
use std::time::Duration;

fn probe(c: &mut Criterion) {
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    let (dns, _server, f) = rt.block_on(async {
        let (dns, server) = fixture::dns_server().await;
        (dns, server, fixture::fixture().await)
    });
    let targets: Vec<Target> = (0..200)
        .map(|i| Target {
            host: format!("h{i}.bulk.example.test"),
            port: f.good,
            mode: ProbeMode::Simple,
            tls: TlsSettings {
                sni: Some("api.example.test".into()),
                ca_certificates: Some(f.server_ca.clone()),
                ..Default::default()
            },
            addresses: Vec::new(),
            origin: "bench".into(),
            ..Default::default()
        })
        .collect();
    let mut group = c.benchmark_group("probe");
    group.sample_size(10);
    for (name, concurrency) in [
        ("probe_200_targets_concurrency_32", 32),
        ("probe_200_targets_sequential", 1),
    ] {
        let options = ProbeOptions {
            dns_server: Some(dns),
            stage_timeout: Duration::from_secs(3),
            target_timeout: Duration::from_secs(10),
            concurrency,
            dns_concurrency: concurrency.min(16),
            ..Default::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let prober = Arc::new(Prober::new(options.clone()));
                    let reports = prober.probe_all(&targets).await;
                    assert!(reports.iter().all(|r| r.ok));
                })
            })
        });
    }
    // One target, DNS + TCP + TLS 1.3 + report, with a fresh prober as the CLI has.
    let one = targets[0].clone();
    let options = ProbeOptions {
        dns_server: Some(dns),
        ..Default::default()
    };
    group.bench_function("probe_one_target", |b| {
        b.iter(|| {
            rt.block_on(async {
                let report = Prober::new(options.clone()).probe(&one).await;
                assert!(report.ok);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, probe);
criterion_main!(benches);
