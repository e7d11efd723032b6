//! A report as text for people, read like `curl -v`: one line per stage (stages
//! that did not run say "skipped"), then each problem with one line of what to
//! change. No debug output, no identifiers.

use super::problem::plural;
use super::report::*;
use std::fmt::Write;

impl ProbeReport {
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.head(&mut s);
        self.dns_lines(&mut s);
        self.tcp_lines(&mut s);
        self.tls_lines(&mut s);
        self.http_line(&mut s);
        for n in &self.notes {
            let _ = writeln!(s, "  note    {n}");
        }
        for p in &self.problems {
            let label = if p.class.is_probe_limit() {
                "UNKNOWN"
            } else {
                "FAIL   "
            };
            let _ = writeln!(s, "  {label} {}", p.message);
            let _ = writeln!(s, "          what to change: {}", p.change);
        }
        s
    }

    /// The first line: verdict, target, where it came from.
    pub fn headline(&self) -> String {
        let t = &self.target;
        let verdict = match self.outcome {
            Outcome::Ok => "OK",
            Outcome::Fail => "FAIL",
            Outcome::Unknown => "UNKNOWN",
        };
        let host = if t.host.contains(':') {
            format!("[{}]", t.host)
        } else {
            t.host.clone()
        };
        format!(
            "{verdict} {host}:{}: {} — {} — {} ms",
            t.port,
            t.mode.words_for(t.by_gateway),
            t.origin,
            self.elapsed_ms
        )
    }

    fn head(&self, s: &mut String) {
        let _ = writeln!(s, "{}", self.headline());
        for (i, why) in self.target.policy.iter().enumerate() {
            let _ = writeln!(s, "  {}  {why}", if i == 0 { "policy" } else { "      " });
        }
    }

    fn dns_lines(&self, s: &mut String) {
        let d = &self.dns;
        if d.resolver.is_empty() {
            let _ = writeln!(s, "  dns     skipped");
            return;
        }
        if d.resolver == "given" {
            let list: Vec<String> = d.addresses().iter().map(|a| a.to_string()).collect();
            let _ = writeln!(s, "  dns     not needed: {}", list.join(", "));
            return;
        }
        let fam = |v: &[Answer], err: Option<DnsErrorClass>| {
            if v.is_empty() {
                err.map(|e| e.words().to_string())
                    .unwrap_or_else(|| "none".into())
            } else {
                v.iter()
                    .map(|a| format!("{} (ttl {})", a.address, a.ttl))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(s, "  dns     via {} — {} ms", d.resolver, d.elapsed_ms);
        for h in &d.cname_chain {
            let _ = writeln!(
                s,
                "          {} is an alias of {} (ttl {})",
                h.name, h.target, h.ttl
            );
        }
        if d.error.is_some() && d.a.is_empty() && d.aaaa.is_empty() {
            let _ = writeln!(s, "          {}", d.summary());
            return;
        }
        let _ = writeln!(s, "          A: {}", fam(&d.a, d.a_error));
        let _ = writeln!(s, "          AAAA: {}", fam(&d.aaaa, d.aaaa_error));
        if d.dropped > 0 {
            let _ = writeln!(
                s,
                "          {} not kept (64 per family are)",
                plural(d.dropped, "more address", "more addresses")
            );
        }
        if d.tcp_fallback {
            let _ = writeln!(
                s,
                "          the answer was too large for UDP and was fetched over TCP"
            );
        }
    }

    fn tcp_lines(&self, s: &mut String) {
        if self.tcp.is_empty() {
            let _ = writeln!(s, "  tcp     skipped");
            return;
        }
        for a in &self.tcp {
            let _ = writeln!(
                s,
                "  tcp     {} {} — {} ms",
                a.address,
                a.outcome.words(),
                a.elapsed_ms
            );
        }
    }

    fn tls_lines(&self, s: &mut String) {
        let Some(tls) = &self.tls else {
            if self.target.mode.uses_tls() {
                let _ = writeln!(s, "  tls     skipped");
            }
            return;
        };
        let sni = tls
            .sni_sent
            .as_deref()
            .map(|x| format!("SNI {x}"))
            .unwrap_or_else(|| "no SNI".into());
        let alpn_offered = if tls.alpn_offered.is_empty() {
            "no ALPN offered".to_string()
        } else {
            format!("ALPN offered {}", tls.alpn_offered.join(", "))
        };
        match (&tls.version, &tls.error) {
            (Some(v), _) => {
                let _ = writeln!(
                    s,
                    "  tls     {v}, {}, {}, {sni}, {alpn_offered}{} — {} ms",
                    tls.cipher_suite.as_deref().unwrap_or("unknown cipher"),
                    tls.key_exchange_group.as_deref().unwrap_or("unknown group"),
                    tls.alpn
                        .as_deref()
                        .map(|a| format!(", server chose {a}"))
                        .unwrap_or_default(),
                    tls.elapsed_ms
                );
            }
            (None, Some(e)) => {
                let _ = writeln!(
                    s,
                    "  tls     {sni}, {alpn_offered}: handshake failed — {} ms",
                    tls.elapsed_ms
                );
                let _ = writeln!(s, "          {e}");
            }
            (None, None) => {
                let _ = writeln!(s, "  tls     {sni}: no handshake");
            }
        }
        self.chain_lines(s, tls);
        self.client_line(s, tls);
    }

    fn chain_lines(&self, s: &mut String, tls: &TlsReport) {
        if tls.chain.is_empty() {
            return;
        }
        if let Some(c) = tls.chain.first() {
            let when = if c.days_left < 0 {
                format!("expired on {}", c.not_after)
            } else {
                format!(
                    "valid until {} ({})",
                    c.not_after,
                    plural(c.days_left as usize, "day", "days") + " left"
                )
            };
            let names = if c.sans.is_empty() {
                "no names".to_string()
            } else {
                c.sans.join(", ")
            };
            let _ = writeln!(s, "  cert    {} — issued by {}", c.subject, c.issuer);
            let _ = writeln!(
                s,
                "          names {names}; {when}; {}{}",
                c.key_type,
                if c.is_ca { "; a CA certificate" } else { "" }
            );
        }
        let shown = tls.chain.len();
        let _ = writeln!(
            s,
            "  chain   {}{}",
            plural(tls.chain_total, "certificate", "certificates"),
            if tls.chain_total > shown {
                format!(" (truncated: showing the first {shown})")
            } else {
                String::new()
            }
        );
        let verdicts: Vec<String> = tls
            .verdicts
            .iter()
            .map(|v| {
                let words = v.verdict.words();
                let said = match v.detail.as_deref() {
                    // "expired on DATE" says "expired" already.
                    Some(d) if d.starts_with(words) => d.to_string(),
                    Some(d) => format!("{words} ({d})"),
                    None => words.to_string(),
                };
                format!("{}: {said}", source_words(&v.source))
            })
            .collect();
        let _ = writeln!(s, "  trust   {}", verdicts.join("; "));
        if !tls.sidecar_trust.is_empty() {
            let _ = writeln!(
                s,
                "          the sidecar uses {}",
                source_words(&tls.sidecar_trust)
            );
        }
        match tls.name_check {
            NameCheck::Match => {
                let _ = writeln!(s, "  names   {}: match", tls.names_checked.join(", "));
            }
            NameCheck::NoMatch => {
                let _ = writeln!(s, "  names   {}: no match", tls.names_checked.join(", "));
            }
            NameCheck::NotChecked => {
                let _ = writeln!(s, "  names   not checked by the sidecar");
            }
            NameCheck::NotRun => {}
        }
    }

    fn client_line(&self, s: &mut String, tls: &TlsReport) {
        let Some(ca) = &tls.client_auth else {
            return;
        };
        let sent = if ca.sent_certificate { "ours" } else { "none" };
        let what = match ca.outcome {
            ClientAuthOutcome::NotRequested => {
                "the server did not ask for a client certificate".to_string()
            }
            ClientAuthOutcome::Accepted => {
                "the server asked for a client certificate and accepted ours".to_string()
            }
            ClientAuthOutcome::Optional => {
                "the server asked for a client certificate but accepted none (optional)".to_string()
            }
            ClientAuthOutcome::Required => {
                "the server requires a client certificate and we sent none".to_string()
            }
            ClientAuthOutcome::Rejected => "the server refused our client certificate".to_string(),
            ClientAuthOutcome::Inconclusive => format!(
                "the server asked for a client certificate (we sent {sent}) and gave no verdict"
            ),
            ClientAuthOutcome::NoCertificate => "no usable client certificate".to_string(),
        };
        let alert = ca
            .alert
            .as_deref()
            .map(|a| format!(" (alert {a})"))
            .unwrap_or_default();
        let _ = writeln!(s, "  client  {what}{alert}");
        if !ca.acceptable_ca_names.is_empty() {
            let _ = writeln!(
                s,
                "          acceptable CAs: {}",
                ca.acceptable_ca_names.join("; ")
            );
        }
    }

    fn http_line(&self, s: &mut String) {
        let Some(h) = &self.http else {
            return;
        };
        match (&h.status_line, &h.error) {
            (Some(status), _) => {
                let _ = writeln!(
                    s,
                    "  http    {} -> {status}{}{} — {} ms",
                    h.request,
                    h.server
                        .as_deref()
                        .map(|x| format!(", server {x}"))
                        .unwrap_or_default(),
                    h.size
                        .map(|n| format!(", {}", plural(n as usize, "byte", "bytes")))
                        .unwrap_or_default(),
                    h.elapsed_ms
                );
            }
            (None, Some(e)) => {
                let _ = writeln!(
                    s,
                    "  http    {}: {e}",
                    if h.request.is_empty() {
                        "request"
                    } else {
                        &h.request
                    }
                );
            }
            (None, None) => {}
        }
    }
}
