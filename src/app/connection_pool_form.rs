//! The connection-pool part of a traffic policy (TCP and HTTP limits,
//! keepalives), split from the rest of the policy form to keep each file short.

use super::widgets::Form;
use crate::model::*;
use egui::Ui;

pub(super) fn connection_pool(
    form: &mut Form,
    ui: &mut Ui,
    cpp: &str,
    cp: &mut ConnectionPoolSettings,
) {
    let tp = format!("{cpp}.tcp");
    form.optional(ui, "tcp", &tp, &mut cp.tcp, |form, ui, t| {
        form.number(
            ui,
            "maxConnections",
            &format!("{tp}.maxConnections"),
            &mut t.max_connections,
        );
        form.text(
            ui,
            "connectTimeout",
            &format!("{tp}.connectTimeout"),
            &mut t.connect_timeout,
        );
        form.text(
            ui,
            "maxConnectionDuration",
            &format!("{tp}.maxConnectionDuration"),
            &mut t.max_connection_duration,
        );
        form.text(
            ui,
            "idleTimeout",
            &format!("{tp}.idleTimeout"),
            &mut t.idle_timeout,
        );
        let kp = format!("{tp}.tcpKeepalive");
        form.optional(
            ui,
            "tcpKeepalive",
            &kp,
            &mut t.tcp_keepalive,
            |form, ui, k| {
                form.number(ui, "probes", &format!("{kp}.probes"), &mut k.probes);
                form.text(ui, "time", &format!("{kp}.time"), &mut k.time);
                form.text(ui, "interval", &format!("{kp}.interval"), &mut k.interval);
            },
        );
    });
    let hp = format!("{cpp}.http");
    form.optional(ui, "http", &hp, &mut cp.http, |form, ui, h| {
        form.number(
            ui,
            "http1MaxPendingRequests",
            &format!("{hp}.http1MaxPendingRequests"),
            &mut h.http1_max_pending_requests,
        );
        form.number(
            ui,
            "http2MaxRequests",
            &format!("{hp}.http2MaxRequests"),
            &mut h.http2_max_requests,
        );
        form.number(
            ui,
            "maxRequestsPerConnection",
            &format!("{hp}.maxRequestsPerConnection"),
            &mut h.max_requests_per_connection,
        );
        form.number(
            ui,
            "maxRetries",
            &format!("{hp}.maxRetries"),
            &mut h.max_retries,
        );
        form.text(
            ui,
            "idleTimeout",
            &format!("{hp}.idleTimeout"),
            &mut h.idle_timeout,
        );
        form.choice(
            ui,
            "h2UpgradePolicy",
            &format!("{hp}.h2UpgradePolicy"),
            &mut h.h2_upgrade_policy,
            H2UpgradePolicy::ALL,
        );
        form.flag(
            ui,
            "useClientProtocol",
            &format!("{hp}.useClientProtocol"),
            &mut h.use_client_protocol,
        );
        form.number(
            ui,
            "maxConcurrentStreams",
            &format!("{hp}.maxConcurrentStreams"),
            &mut h.max_concurrent_streams,
        );
        if form.version.at_least(1, 31) || h.http2_keep_alive.is_some() {
            let kp = format!("{hp}.http2KeepAlive");
            form.optional(
                ui,
                "http2KeepAlive (1.31)",
                &kp,
                &mut h.http2_keep_alive,
                |form, ui, k| {
                    form.text(ui, "interval", &format!("{kp}.interval"), &mut k.interval);
                    form.text(ui, "timeout", &format!("{kp}.timeout"), &mut k.timeout);
                },
            );
        }
    });
}
