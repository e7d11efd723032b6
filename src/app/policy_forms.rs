//! The traffic-policy part of the DestinationRule form (top level, subsets and
//! port-level settings): TLS, load balancer, connection pool, outlier detection,
//! tunnel and proxy protocol.

use super::connection_pool_form::connection_pool;
use super::widgets::Form;
use crate::model::*;
use egui::Ui;
use indexmap::IndexMap;

pub(super) fn traffic_policy(form: &mut Form, ui: &mut Ui, p: &str, tp: &mut TrafficPolicy) {
    policy_parts(
        form,
        ui,
        p,
        &mut tp.load_balancer,
        &mut tp.connection_pool,
        &mut tp.outlier_detection,
        &mut tp.tls,
    );
    let set = !tp.port_level_settings.is_empty();
    form.section(
        ui,
        "Port-level settings",
        &format!("{p}.portLevelSettings"),
        set,
        |form, ui| {
            form.list(
                ui,
                "portLevelSettings",
                "Port setting",
                &format!("{p}.portLevelSettings"),
                &mut tp.port_level_settings,
                |form, ui, pp, pl| {
                    let mut number = pl.port.as_ref().and_then(|s| s.number);
                    form.number(ui, "port number", &format!("{pp}.port.number"), &mut number);
                    if number != pl.port.as_ref().and_then(|s| s.number) {
                        pl.port.get_or_insert_with(Default::default).number = number;
                    }
                    policy_parts(
                        form,
                        ui,
                        pp,
                        &mut pl.load_balancer,
                        &mut pl.connection_pool,
                        &mut pl.outlier_detection,
                        &mut pl.tls,
                    );
                },
            );
        },
    );
    let set = tp.tunnel.is_some();
    form.section(ui, "Tunnel", &format!("{p}.tunnel"), set, |form, ui| {
        form.optional(
            ui,
            "tunnel",
            &format!("{p}.tunnel"),
            &mut tp.tunnel,
            |form, ui, t| {
                form.text(
                    ui,
                    "protocol (CONNECT or POST)",
                    &format!("{p}.tunnel.protocol"),
                    &mut t.protocol,
                );
                form.text(
                    ui,
                    "targetHost",
                    &format!("{p}.tunnel.targetHost"),
                    &mut t.target_host,
                );
                form.number(
                    ui,
                    "targetPort",
                    &format!("{p}.tunnel.targetPort"),
                    &mut t.target_port,
                );
            },
        );
    });
    let set = tp.proxy_protocol.is_some();
    form.section(
        ui,
        "Proxy protocol",
        &format!("{p}.proxyProtocol"),
        set,
        |form, ui| {
            form.optional(
                ui,
                "proxyProtocol",
                &format!("{p}.proxyProtocol"),
                &mut tp.proxy_protocol,
                |form, ui, pr| {
                    form.choice(
                        ui,
                        "version",
                        &format!("{p}.proxyProtocol.version"),
                        &mut pr.version,
                        ProxyProtocolVersion::ALL,
                    );
                },
            );
        },
    );
    let set = tp.retry_budget.is_some();
    form.section(
        ui,
        "Retry budget",
        &format!("{p}.retryBudget"),
        set,
        |form, ui| {
            form.optional(
                ui,
                "retryBudget",
                &format!("{p}.retryBudget"),
                &mut tp.retry_budget,
                |form, ui, rb| {
                    form.number(
                        ui,
                        "percent",
                        &format!("{p}.retryBudget.percent"),
                        &mut rb.percent,
                    );
                    form.number(
                        ui,
                        "minRetryConcurrency",
                        &format!("{p}.retryBudget.minRetryConcurrency"),
                        &mut rb.min_retry_concurrency,
                    );
                    form.text(
                        ui,
                        "budgetInterval",
                        &format!("{p}.retryBudget.budgetInterval"),
                        &mut rb.budget_interval,
                    );
                },
            );
        },
    );
}

fn policy_parts(
    form: &mut Form,
    ui: &mut Ui,
    p: &str,
    lb: &mut Option<Box<LoadBalancerSettings>>,
    cp: &mut Option<Box<ConnectionPoolSettings>>,
    od: &mut Option<OutlierDetection>,
    tls: &mut Option<ClientTlsSettings>,
) {
    let set = tls.is_some();
    form.section(ui, "TLS", &format!("{p}.tls"), set, |form, ui| {
        let tp = format!("{p}.tls");
        form.optional(ui, "tls", &tp, tls, |form, ui, t| {
            form.choice(ui, "mode", &format!("{tp}.mode"), &mut t.mode, TlsMode::ALL);
            form.text(ui, "sni", &format!("{tp}.sni"), &mut t.sni);
            form.string_list(
                ui,
                "subjectAltNames",
                &format!("{tp}.subjectAltNames"),
                &mut t.subject_alt_names,
            );
            form.text(
                ui,
                "caCertificates",
                &format!("{tp}.caCertificates"),
                &mut t.ca_certificates,
            );
            form.text(
                ui,
                "clientCertificate",
                &format!("{tp}.clientCertificate"),
                &mut t.client_certificate,
            );
            form.text(
                ui,
                "privateKey",
                &format!("{tp}.privateKey"),
                &mut t.private_key,
            );
            form.text(
                ui,
                "credentialName",
                &format!("{tp}.credentialName"),
                &mut t.credential_name,
            );
            form.text(ui, "caCrl", &format!("{tp}.caCrl"), &mut t.ca_crl);
            form.flag(
                ui,
                "insecureSkipVerify",
                &format!("{tp}.insecureSkipVerify"),
                &mut t.insecure_skip_verify,
            );
        });
    });
    let set = lb.is_some();
    form.section(
        ui,
        "Load balancer",
        &format!("{p}.loadBalancer"),
        set,
        |form, ui| {
            let lp = format!("{p}.loadBalancer");
            form.optional(ui, "loadBalancer", &lp, lb, |form, ui, lb| {
                load_balancer(form, ui, &lp, lb)
            });
        },
    );
    let set = cp.is_some();
    form.section(
        ui,
        "Connection pool",
        &format!("{p}.connectionPool"),
        set,
        |form, ui| {
            let cpp = format!("{p}.connectionPool");
            form.optional(ui, "connectionPool", &cpp, cp, |form, ui, cp| {
                connection_pool(form, ui, &cpp, cp)
            });
        },
    );
    let set = od.is_some();
    form.section(
        ui,
        "Outlier detection",
        &format!("{p}.outlierDetection"),
        set,
        |form, ui| {
            let op = format!("{p}.outlierDetection");
            form.optional(ui, "outlierDetection", &op, od, |form, ui, od| {
                form.number(
                    ui,
                    "consecutive5xxErrors",
                    &format!("{op}.consecutive5xxErrors"),
                    &mut od.consecutive_5xx_errors,
                );
                form.number(
                    ui,
                    "consecutiveGatewayErrors",
                    &format!("{op}.consecutiveGatewayErrors"),
                    &mut od.consecutive_gateway_errors,
                );
                form.number(
                    ui,
                    "consecutiveErrors (deprecated)",
                    &format!("{op}.consecutiveErrors"),
                    &mut od.consecutive_errors,
                );
                form.flag(
                    ui,
                    "splitExternalLocalOriginErrors",
                    &format!("{op}.splitExternalLocalOriginErrors"),
                    &mut od.split_external_local_origin_errors,
                );
                form.number(
                    ui,
                    "consecutiveLocalOriginFailures",
                    &format!("{op}.consecutiveLocalOriginFailures"),
                    &mut od.consecutive_local_origin_failures,
                );
                form.text(ui, "interval", &format!("{op}.interval"), &mut od.interval);
                form.text(
                    ui,
                    "baseEjectionTime",
                    &format!("{op}.baseEjectionTime"),
                    &mut od.base_ejection_time,
                );
                form.number(
                    ui,
                    "maxEjectionPercent",
                    &format!("{op}.maxEjectionPercent"),
                    &mut od.max_ejection_percent,
                );
                form.number(
                    ui,
                    "minHealthPercent",
                    &format!("{op}.minHealthPercent"),
                    &mut od.min_health_percent,
                );
                let mut codes: Vec<String> = od
                    .outlier_detection_http_error_codes
                    .iter()
                    .map(u32::to_string)
                    .collect();
                form.string_list(
                    ui,
                    "outlierDetectionHttpErrorCodes",
                    &format!("{op}.outlierDetectionHttpErrorCodes"),
                    &mut codes,
                );
                let parsed: Vec<u32> = codes
                    .iter()
                    .map(|c| c.trim().parse().unwrap_or(0))
                    .collect();
                if parsed != od.outlier_detection_http_error_codes {
                    od.outlier_detection_http_error_codes = parsed;
                }
            });
        },
    );
}

fn load_balancer(form: &mut Form, ui: &mut Ui, lp: &str, lb: &mut LoadBalancerSettings) {
    let simple: Vec<SimpleLb> = SimpleLb::ALL.to_vec();
    form.choice(
        ui,
        "simple",
        &format!("{lp}.simple"),
        &mut lb.simple,
        &simple,
    );
    let chp = format!("{lp}.consistentHash");
    form.optional(
        ui,
        "consistentHash",
        &chp,
        &mut lb.consistent_hash,
        |form, ui, ch| {
            form.text(
                ui,
                "httpHeaderName",
                &format!("{chp}.httpHeaderName"),
                &mut ch.http_header_name,
            );
            form.flag(
                ui,
                "useSourceIp",
                &format!("{chp}.useSourceIp"),
                &mut ch.use_source_ip,
            );
            form.text(
                ui,
                "httpQueryParameterName",
                &format!("{chp}.httpQueryParameterName"),
                &mut ch.http_query_parameter_name,
            );
            let cookie = format!("{chp}.httpCookie");
            form.optional(
                ui,
                "httpCookie",
                &cookie,
                &mut ch.http_cookie,
                |form, ui, c| {
                    form.text(ui, "name", &format!("{cookie}.name"), &mut c.name);
                    form.text(ui, "path", &format!("{cookie}.path"), &mut c.path);
                    form.text(ui, "ttl", &format!("{cookie}.ttl"), &mut c.ttl);
                    form.list(
                        ui,
                        "attributes",
                        "Attribute",
                        &format!("{cookie}.attributes"),
                        &mut c.attributes,
                        |form, ui, ap, a| {
                            form.text(ui, "name", &format!("{ap}.name"), &mut a.name);
                            form.text(ui, "value", &format!("{ap}.value"), &mut a.value);
                        },
                    );
                },
            );
            form.optional(
                ui,
                "ringHash",
                &format!("{chp}.ringHash"),
                &mut ch.ring_hash,
                |form, ui, r| {
                    form.number(
                        ui,
                        "minimumRingSize",
                        &format!("{chp}.ringHash.minimumRingSize"),
                        &mut r.minimum_ring_size,
                    );
                },
            );
            form.optional(
                ui,
                "maglev",
                &format!("{chp}.maglev"),
                &mut ch.maglev,
                |form, ui, m| {
                    form.number(
                        ui,
                        "tableSize",
                        &format!("{chp}.maglev.tableSize"),
                        &mut m.table_size,
                    );
                },
            );
            form.number(
                ui,
                "minimumRingSize (deprecated)",
                &format!("{chp}.minimumRingSize"),
                &mut ch.minimum_ring_size,
            );
        },
    );
    let llp = format!("{lp}.localityLbSetting");
    form.optional(
        ui,
        "localityLbSetting",
        &llp,
        &mut lb.locality_lb_setting,
        |form, ui, ll| {
            form.flag(ui, "enabled", &format!("{llp}.enabled"), &mut ll.enabled);
            form.list(
                ui,
                "distribute",
                "Distribution",
                &format!("{llp}.distribute"),
                &mut ll.distribute,
                |form, ui, dp, d| {
                    form.text(ui, "from", &format!("{dp}.from"), &mut d.from);
                    let mut to: IndexMap<String, String> =
                        d.to.iter()
                            .map(|(k, v)| (k.clone(), v.to_string()))
                            .collect();
                    form.string_map(ui, "to (locality -> weight)", &format!("{dp}.to"), &mut to);
                    let parsed: IndexMap<String, u32> = to
                        .iter()
                        .map(|(k, v)| (k.clone(), v.trim().parse().unwrap_or(0)))
                        .collect();
                    if parsed != d.to {
                        d.to = parsed;
                    }
                },
            );
            failover_list(form, ui, &format!("{llp}.failover"), &mut ll.failover);
            form.string_list(
                ui,
                "failoverPriority",
                &format!("{llp}.failoverPriority"),
                &mut ll.failover_priority,
            );
        },
    );
    if form.version.at_least(1, 31) || lb.zone_aware_lb_setting.is_some() {
        let zp = format!("{lp}.zoneAwareLbSetting");
        form.optional(
            ui,
            "zoneAwareLbSetting (1.31)",
            &zp,
            &mut lb.zone_aware_lb_setting,
            |form, ui, za| {
                form.flag(ui, "enabled", &format!("{zp}.enabled"), &mut za.enabled);
                failover_list(form, ui, &format!("{zp}.failover"), &mut za.failover);
                form.string_list(
                    ui,
                    "failoverPriority",
                    &format!("{zp}.failoverPriority"),
                    &mut za.failover_priority,
                );
                form.number(
                    ui,
                    "minClusterSize",
                    &format!("{zp}.minClusterSize"),
                    &mut za.min_cluster_size,
                );
            },
        );
    }
    let wp = format!("{lp}.warmup");
    form.optional(ui, "warmup", &wp, &mut lb.warmup, |form, ui, w| {
        form.text(ui, "duration", &format!("{wp}.duration"), &mut w.duration);
        form.number(
            ui,
            "minimumPercent",
            &format!("{wp}.minimumPercent"),
            &mut w.minimum_percent,
        );
        form.number(
            ui,
            "aggression",
            &format!("{wp}.aggression"),
            &mut w.aggression,
        );
    });
    form.text(
        ui,
        "warmupDurationSecs (deprecated)",
        &format!("{lp}.warmupDurationSecs"),
        &mut lb.warmup_duration_secs,
    );
}

fn failover_list(form: &mut Form, ui: &mut Ui, path: &str, items: &mut Vec<LocalityFailover>) {
    form.list(
        ui,
        "failover",
        "Failover",
        path,
        items,
        |form, ui, fp, f| {
            form.text(ui, "from", &format!("{fp}.from"), &mut f.from);
            form.text(ui, "to", &format!("{fp}.to"), &mut f.to);
        },
    );
}
