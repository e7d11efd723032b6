//! Broken ServiceEntries, one rule each.

use super::{Case, DR, SE, c, cm};
use crate::validate::Severity;

#[allow(unused_imports)]
use Severity::{Error as E, Info as I, Warning as W};

pub(super) const BROKEN: &[Case] = &[
    // ServiceEntry: selector, hosts, addresses, ports.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {'': x}}}",
        &[("SE1", E, "spec.workloadSelector.labels[\"\"]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {app: '*'}}}",
        &[("SE2", E, "spec.workloadSelector.labels.app")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {}}",
        &[("SE3", W, "spec.workloadSelector")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {app: a}}, endpoints: [{address: 1.1.1.1}]}",
        &[("SE4", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE5", E, "spec.hosts")],
    ),
    c(
        SE,
        "{hosts: ['*'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE6", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['foo.*.com'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE7", E, "spec.hosts[0]"), ("SE8", W, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['*foo.com'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE8", W, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], addresses: [1.2.3], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE9", E, "spec.addresses[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], addresses: [10.0.0.0/8], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE10", E, "spec.addresses")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE11", E, "spec.ports[1].name")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 80, name: web, protocol: HTTP}], resolution: DNS}",
        &[("SE12", E, "spec.ports[1].number")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP, targetPort: 70000}], resolution: DNS}",
        &[("SE13", E, "spec.ports[0].targetPort")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: NONE}",
        &[("SE14", W, "spec.ports[0]")],
    ),
    cm(
        SE,
        "  labels:\n    networking.istio.io/enable-autoallocate-ip: \"false\"\n",
        "{hosts: [a.example.com], ports: [{number: 5432, name: pg}], resolution: DNS}",
        &[("SE14", W, "spec.ports[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: bad_name, protocol: HTTP}], resolution: DNS}",
        &[("SE15", E, "spec.ports[0].name")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HBONE}], resolution: DNS}",
        &[("SE16", E, "spec.ports[0].protocol")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 0, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE17", E, "spec.ports[0].number")],
    ),
    // Resolution NONE.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], endpoints: [{address: 1.1.1.1}]}",
        &[("SE18", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], workloadSelector: {labels: {app: a}}}",
        &[("SE19", W, "spec.workloadSelector")],
    ),
    // Resolution STATIC.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{labels: {a: b}}]}",
        &[("SE20", E, "spec.endpoints[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{network: n1}]}",
        &[("SE21", W, "spec.endpoints[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix://'}]}",
        &[("SE22", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix://rel/a.sock'}]}",
        &[("SE23", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix:///a.sock', ports: {http: 8080}}]}",
        &[("SE24", E, "spec.endpoints[0].ports")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: b.example.com}]}",
        &[("SE25", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, ports: {nope: 80}}]}",
        &[("SE26", E, "spec.endpoints[0].ports.nope")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, ports: {http: 70000}}]}",
        &[("SE27", E, "spec.endpoints[0].ports.http")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, labels: {'bad key': v}}]}",
        &[("SE28", E, "spec.endpoints[0].labels[\"bad key\"]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: h2, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix:///a.sock'}]}",
        &[("SE29", E, "spec.ports")],
    ),
    // Resolution DNS / DNS_ROUND_ROBIN.
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE30", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS_ROUND_ROBIN, endpoints: [{address: b.example.com}, {address: c.example.com}]}",
        &[("SE31", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: 'b.example.com:80'}]}",
        &[("SE32", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{network: n1}]}",
        &[("SE32", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: b.example.com, labels: {k: 'bad value'}}]}",
        &[("SE33", E, "spec.endpoints[0].labels.k")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: b.example.com, ports: {nope: 80}}]}",
        &[("SE34", E, "spec.endpoints[0].ports.nope")],
    ),
    c(
        SE,
        "{hosts: [a.example.com, b.example.com], addresses: [1.1.1.1], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}",
        &[("SE35", W, "spec.hosts")],
    ),
    // Resolution DYNAMIC_DNS.
    c(
        SE,
        "{hosts: [], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE5", E, "spec.hosts"), ("SE36", E, "spec.hosts")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE37", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], addresses: [1.1.1.1], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE38", E, "spec.addresses")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS, endpoints: [{address: 1.1.1.1}]}",
        &[("SE39", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 443, name: https, protocol: HTTPS}], resolution: DYNAMIC_DNS}",
        &[("SE40", E, "spec.ports[0].protocol")],
    ),
    cm(
        SE,
        "  labels:\n    istio.io/use-waypoint: wp\n",
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS, location: MESH_INTERNAL}",
        &[("SE42", E, "spec.location")],
    ),
    c(
        SE,
        "{hosts: [a.example.com, b.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}",
        &[("SE44", E, "spec.ports[0].protocol")],
    ),
    // exportTo.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['.', ns1]}",
        &[("X1", E, "spec.exportTo[1]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: [bad_ns]}",
        &[("X2", E, "spec.exportTo[0]")],
    ),
    c(
        DR,
        "{host: a.example.com, exportTo: ['~']}",
        &[("X2", E, "spec.exportTo[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['*', ns2]}",
        &[("X3", E, "spec.exportTo")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['~', ns2]}",
        &[("X4", E, "spec.exportTo")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: a}}, exportTo: ['*']}",
        &[("X5", E, "spec.exportTo")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: a}}, exportTo: ['.', other]}",
        &[("X6", E, "spec.exportTo")],
    ),
];
