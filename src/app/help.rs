//! Hover text for field labels: what each field means (paraphrasing Istio's API).

/// Help for a field, by its YAML name.
pub fn field_help(name: &str) -> &'static str {
    match name {
        "hosts" => {
            "Names this entry answers to: FQDNs or a wildcard prefix (*.example.com). Matched against the Host/:authority header and TLS SNI; with DNS resolution and no endpoints, each host is also the name resolved."
        }
        "addresses" => {
            "Virtual IPs or CIDRs for the service. Without addresses a TCP port is matched by port only (0.0.0.0:port). CIDRs need resolution NONE or STATIC."
        }
        "ports" => "Ports the service listens on. The name is the key endpoint port maps refer to.",
        "number" => "Port number, 1–65535.",
        "protocol" => {
            "HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS (SNI passthrough), … Empty means protocol sniffing."
        }
        "name" => "A name: DNS-1123 label (letters, digits, '-'; at most 63 characters).",
        "targetPort" => {
            "Port on the endpoints; unset means the same as the port number. Use 443 with an HTTP port to originate TLS."
        }
        "location" => {
            "MESH_EXTERNAL (default): outside the mesh, no mTLS. MESH_INTERNAL: part of the mesh (VMs)."
        }
        "resolution" => {
            "How the proxy finds endpoint IPs: NONE (original destination), STATIC (endpoints), DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS (per request, wildcard hosts)."
        }
        "endpoints" => "Explicit backends (WorkloadEntry). Not with a workload selector.",
        "address" => "IP, FQDN (DNS resolution only) or unix:///path (STATIC only).",
        "labels" => "Labels (key: value). Keys may have a DNS prefix (app.kubernetes.io/name).",
        "network" => "Network id; endpoints on other networks are reached through a gateway.",
        "locality" => "region/zone/subzone, for locality-aware load balancing.",
        "weight" => "Load-balancing weight of this endpoint.",
        "serviceAccount" => "Service account of the workload's sidecar (same namespace).",
        "workloadSelector" => {
            "Selects workloads by labels. ServiceEntry: pods and WorkloadEntries in the same namespace as endpoints. DestinationRule: the workloads the rule applies to (needed for credentialName at sidecars)."
        }
        "exportTo" => {
            "Namespaces that see this resource: '.' (own), '*' (all), '~' (none, ServiceEntry only) or names. Empty means all."
        }
        "subjectAltNames" => "SANs accepted on the server certificate.",
        "host" => {
            "The service this rule applies to: a ServiceEntry host or Kubernetes service. Use an FQDN; short names expand with the rule's namespace."
        }
        "trafficPolicy" => {
            "Load balancing, connection pool, outlier detection and TLS for the host."
        }
        "subsets" => "Named groups of endpoints (by labels) that VirtualServices route to.",
        "loadBalancer" => "Load-balancing algorithm and locality settings.",
        "simple" => {
            "ROUND_ROBIN, LEAST_REQUEST (recommended), RANDOM, PASSTHROUGH; LEAST_CONN is deprecated."
        }
        "consistentHash" => {
            "Soft session affinity by header, cookie, source IP or query parameter."
        }
        "httpHeaderName" => "Hash on this request header.",
        "httpCookie" => "Hash on a cookie; generated with the TTL when missing.",
        "useSourceIp" => "Hash on the source IP.",
        "httpQueryParameterName" => "Hash on this query parameter.",
        "ringHash" | "minimumRingSize" => "Ring hash; minimum ring size (default 1024).",
        "maglev" | "tableSize" => {
            "Maglev hashing; table size must be a prime below 5000011 (default 65537)."
        }
        "localityLbSetting" => {
            "Locality-weighted distribution or failover (needs outlier detection)."
        }
        "distribute" => {
            "For clients in `from`, split traffic over `to` localities; weights add up to 100."
        }
        "failover" => "When region `from` is unhealthy, fail over to region `to`.",
        "failoverPriority" => "Ordered labels defining failover priority tiers.",
        "enabled" => "Turns the feature on or off for this rule, overriding the mesh setting.",
        "warmupDurationSecs" => "Deprecated: use warmup.",
        "warmup" => "Slow-start ramp for new endpoints (ROUND_ROBIN and LEAST_REQUEST).",
        "duration" => "A Go duration: 10s, 1.5s, 300ms, 1h30m.",
        "minimumPercent" => "Starting traffic percentage of a new endpoint (0–100, default 10).",
        "aggression" => "Ramp curve: 1.0 is linear; higher ramps faster.",
        "zoneAwareLbSetting" => "Envoy zone-aware routing (Istio 1.31).",
        "minClusterSize" => "Minimum hosts in the local region for zone awareness (default 6).",
        "connectionPool" => "Per-host connection and request limits (circuit breaking).",
        "tcp" => "TCP and HTTP/1 connection limits.",
        "http" => "HTTP/1.1 and HTTP/2 request limits.",
        "maxConnections" => "Maximum connections to a host.",
        "connectTimeout" => "TCP connect timeout (default 10s).",
        "tcpKeepalive" => "SO_KEEPALIVE probes, time and interval.",
        "maxConnectionDuration" => "Close connections older than this.",
        "idleTimeout" => "Close connections idle this long (TCP: 0s disables).",
        "http1MaxPendingRequests" => "Requests queued while waiting for a connection.",
        "http2MaxRequests" => "Maximum active requests to a host.",
        "maxRequestsPerConnection" => "1 disables keep-alive; 0 is unlimited.",
        "maxRetries" => "Maximum outstanding retries across the cluster.",
        "h2UpgradePolicy" => "Whether to upgrade HTTP/1.1 connections to HTTP/2.",
        "useClientProtocol" => "Keep the client's HTTP version (not with UPGRADE).",
        "maxConcurrentStreams" => "Maximum concurrent HTTP/2 streams per connection.",
        "http2KeepAlive" => {
            "HTTP/2 PING keepalive: interval and timeout, both required (Istio 1.31)."
        }
        "outlierDetection" => "Ejects unhealthy hosts from the pool.",
        "consecutiveErrors" => "Deprecated: use consecutive5xxErrors or consecutiveGatewayErrors.",
        "consecutive5xxErrors" => "5xx responses that eject a host (default 5; 0 disables).",
        "consecutiveGatewayErrors" => "502/503/504 responses that eject a host (0 disables).",
        "splitExternalLocalOriginErrors" => "Count connect failures and timeouts separately.",
        "consecutiveLocalOriginFailures" => {
            "Local-origin failures that eject a host; needs splitExternalLocalOriginErrors."
        }
        "interval" => "Time between sweeps / probes (a Go duration).",
        "baseEjectionTime" => "Ejection time, multiplied by the number of ejections.",
        "maxEjectionPercent" => "Maximum % of hosts that may be ejected.",
        "minHealthPercent" => "Below this % of healthy hosts, outlier detection turns off.",
        "outlierDetectionHttpErrorCodes" => "HTTP codes that count as errors (Istio 1.31).",
        "tls" => "TLS towards the upstream. Omitted: auto mTLS.",
        "mode" => {
            "DISABLE, SIMPLE (originate TLS), MUTUAL (with the certificates here), ISTIO_MUTUAL."
        }
        "clientCertificate" => "Client certificate file in the sidecar (MUTUAL).",
        "privateKey" => "Client key file in the sidecar (MUTUAL).",
        "caCertificates" => "CA bundle to verify the server; without it the OS CAs are used.",
        "caCrl" => "Certificate revocation list file.",
        "credentialName" => {
            "Secret holding key/cert/CA (gateways; sidecars only with a workloadSelector)."
        }
        "sni" => "SNI to send; default derives from the Host header.",
        "insecureSkipVerify" => {
            "Skip server certificate verification (not with caCertificates/SANs)."
        }
        "portLevelSettings" => {
            "Per-port overrides; they replace (not merge) the top-level settings."
        }
        "port" => "The port this setting applies to.",
        "tunnel" => "Tunnel TCP/TLS over HTTP CONNECT or POST to a proxy.",
        "targetHost" => "FQDN or IP to tunnel to.",
        "proxyProtocol" => "Send a PROXY protocol header (V1 text, V2 binary). Not with tunnel.",
        "version" => "PROXY protocol version.",
        "retryBudget" => "Caps concurrent retries relative to active requests.",
        "percent" => "Percent of active plus pending requests (default 20).",
        "minRetryConcurrency" => "Retries always allowed (default 3).",
        "budgetInterval" => "Window for counting requests (Istio 1.31).",
        "path" => "Cookie path.",
        "ttl" => "Cookie TTL; 0s makes a session cookie.",
        "attributes" => "Extra cookie attributes (SameSite, Secure, HttpOnly).",
        "value" => "Value.",
        "probes" => "Keepalive probes before the connection is dead.",
        "time" => "Idle time before keepalive probes start.",
        "timeout" => "Time to wait for a PING ack.",
        "from" => "Source locality or region.",
        "to" => "Destination locality or region.",
        "namespace" => "Namespace of the resource.",
        _ => "",
    }
}
