//! One HTTP/1.1 request after connecting, as the sidecar would send it: `HEAD`
//! (or the path given) with the service host as `Host`. Only the status line, the
//! `server` header and the declared size are kept, never the body. Over plaintext
//! it also tells a server that answers in TLS (the policy says plaintext, the
//! server wants TLS).

use super::problem::{Problem, ProblemClass};
use super::report::HttpReport;
use super::{ProbeMode, Target};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Response head bytes read at most.
const MAX_HEAD: usize = 16 * 1024;

pub async fn plaintext(
    stream: tokio::net::TcpStream,
    target: &Target,
    path: &str,
    timeout: Duration,
) -> HttpReport {
    request(stream, target, path, timeout).await
}

pub async fn over_tls(
    session: super::tls::Session,
    target: &Target,
    path: &str,
    timeout: Duration,
) -> HttpReport {
    request(session, target, path, timeout).await
}

/// The server chose HTTP/2 by ALPN; this check speaks only HTTP/1.1.
pub fn skipped_h2() -> HttpReport {
    HttpReport {
        request: String::new(),
        status_line: None,
        status: None,
        server: None,
        size: None,
        error: Some(
            "skipped: the server chose HTTP/2 (ALPN h2); the HTTP check speaks HTTP/1.1 only"
                .into(),
        ),
        elapsed_ms: 0.0,
    }
}

/// The `Host` the sidecar sends: the service host (the SNI), not an endpoint.
fn host_header(target: &Target) -> String {
    let host = target
        .tls
        .sni
        .clone()
        .unwrap_or_else(|| target.host.clone());
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let port = if target.service_port > 0 {
        target.service_port
    } else {
        target.port
    };
    // The app's own scheme decides the default port: https when it speaks TLS
    // itself, http when the sidecar sends plaintext or originates TLS for it.
    let default_port = if target.mode == ProbeMode::Passthrough {
        443
    } else {
        80
    };
    if port == default_port {
        host
    } else {
        format!("{host}:{port}")
    }
}

async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    target: &Target,
    path: &str,
    timeout: Duration,
) -> HttpReport {
    let start = Instant::now();
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let line = format!("HEAD {path} HTTP/1.1");
    let mut report = HttpReport {
        request: line.clone(),
        status_line: None,
        status: None,
        server: None,
        size: None,
        error: None,
        elapsed_ms: 0.0,
    };
    let req = format!(
        "{line}\r\nHost: {}\r\nUser-Agent: egress-studio-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        host_header(target)
    );
    let exchange = async {
        s.write_all(req.as_bytes()).await?;
        s.flush().await?;
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 2048];
        loop {
            let n = s.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n")
                || buf.len() >= MAX_HEAD
                || looks_like_tls(&buf)
            {
                break;
            }
        }
        Ok::<Vec<u8>, std::io::Error>(buf)
    };
    match tokio::time::timeout(timeout, exchange).await {
        Err(_) => {
            report.error = Some(format!("no HTTP answer within {} ms", timeout.as_millis()));
        }
        Ok(Err(e)) => report.error = Some(format!("the HTTP exchange failed: {e}")),
        Ok(Ok(buf)) if looks_like_tls(&buf) => {
            report.error = Some("the server answered in TLS".into());
        }
        Ok(Ok(buf)) if buf.is_empty() => {
            report.error = Some("the server closed the connection without an answer".into());
        }
        Ok(Ok(buf)) => parse_head(&buf, &mut report),
    }
    let _ = tokio::time::timeout(Duration::from_millis(100), s.shutdown()).await;
    report.elapsed_ms = super::ms(start);
    report
}

/// A TLS record (alert or handshake) in answer to plaintext.
fn looks_like_tls(buf: &[u8]) -> bool {
    buf.len() >= 2 && matches!(buf[0], 0x15 | 0x16) && buf[1] == 0x03
}

fn parse_head(buf: &[u8], report: &mut HttpReport) {
    let text = String::from_utf8_lossy(buf);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("").trim().to_string();
    if !status_line.starts_with("HTTP/") {
        report.error = Some("the server's answer is not HTTP".into());
        return;
    }
    report.status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok());
    report.status_line = Some(status_line.chars().take(200).collect());
    for l in lines.take_while(|l| !l.is_empty()) {
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim();
            if k.eq_ignore_ascii_case("server") {
                report.server = Some(v.chars().take(200).collect());
            } else if k.eq_ignore_ascii_case("content-length") {
                report.size = v.parse().ok();
            }
        }
    }
}

/// The policy says plaintext but the server answered in TLS: the sidecar's
/// plaintext requests will fail.
pub fn plaintext_problem(r: &HttpReport, target: &Target) -> Option<Problem> {
    if r.error.as_deref() != Some("the server answered in TLS") {
        return None;
    }
    let why = target
        .policy
        .iter()
        .find(|p| p.contains("merge rule"))
        .or_else(|| target.policy.iter().find(|p| p.contains("plaintext")))
        .cloned()
        .unwrap_or_else(|| "no TLS applies to this port".into());
    Some(Problem::new(
        ProblemClass::TlsAnsweredToPlaintext,
        format!("the sidecar sends plaintext here ({why}), but the server answered in TLS"),
        "originate TLS for this port (DestinationRule tls mode SIMPLE, at the port level if portLevelSettings has this port), or declare the port as HTTPS/TLS if the app speaks TLS",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_is_the_service_host_with_the_app_port() {
        let mut t = Target {
            host: "10.0.0.7".into(),
            port: 8443,
            mode: ProbeMode::Simple,
            service_port: 80,
            ..Default::default()
        };
        t.tls.sni = Some("api.example.com".into());
        assert_eq!(host_header(&t), "api.example.com");
        t.service_port = 8080;
        assert_eq!(host_header(&t), "api.example.com:8080");
        t.mode = ProbeMode::Passthrough;
        t.service_port = 443;
        assert_eq!(host_header(&t), "api.example.com");
    }

    #[test]
    fn head_of_a_response() {
        let mut r = skipped_h2();
        r.error = None;
        parse_head(
            b"HTTP/1.1 503 Service Unavailable\r\nServer: envoy\r\nContent-Length: 19\r\n\r\n",
            &mut r,
        );
        assert_eq!(r.status, Some(503));
        assert_eq!(r.server.as_deref(), Some("envoy"));
        assert_eq!(r.size, Some(19));
        assert!(looks_like_tls(&[0x15, 0x03, 0x03, 0x00, 0x02]));
        assert!(!looks_like_tls(b"HTTP/1.1"));
    }
}
