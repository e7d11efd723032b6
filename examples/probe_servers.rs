//! Starts the probe test servers (DNS and TLS, loopback only) and prints where they
//! listen, so whole-process probes can be compared with openssl and curl:
//! `cargo run --release --example probe_servers -- SECONDS`.

#[path = "../tests/common/fixture.rs"]
mod fixture;

fn main() -> std::process::ExitCode {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return std::process::ExitCode::from(1);
    };
    rt.block_on(async {
        let (dns, _server) = fixture::dns_server().await;
        let f = fixture::fixture().await;
        println!("DNS={dns}");
        println!("GOOD={}", f.good);
        println!("MTLS13={}", f.mtls13);
        println!("MTLS12={}", f.mtls12);
        println!("OPTIONAL13={}", f.optional13);
        println!("SELF_SIGNED={}", f.self_signed);
        println!("SELF_SIGNED_PEM={}", f.self_signed_pem.display());
        println!("LONG_CHAIN={}", f.long_chain);
        println!("BIG_LEAF={}", f.big_leaf);
        println!("HTTPS={}", f.https);
        println!("CA={}", f.server_ca.display());
        println!("DIR={}", f.pki.dir.path().display());
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
    });
    std::process::ExitCode::SUCCESS
}
