//! Every egress-gateway example of the corpus (Istio's egress-gateway,
//! TLS-origination-at-the-gateway and wildcard tasks): it loads, `validate` gives
//! what Istio's admission gives (nothing: the webhook accepts every one), it
//! round-trips byte for byte, `analyze` gives the listed findings, and each
//! task's files together draw two hops.

mod common;

use egress_studio::validate::{self, MeshConfig, Options};
use egress_studio::yaml::{SourceFile, Workspace};
use std::path::PathBuf;

fn egress_gateway_files() -> Vec<PathBuf> {
    let files: Vec<PathBuf> = common::corpus_files()
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("egress-gateway")
                || n.starts_with("wildcard-egress-hosts--configure_egress_gateway")
        })
        .collect();
    assert!(files.len() >= 20, "{}", files.len());
    files
}

fn name(p: &std::path::Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// `analyze` of each file alone: code, kind/name, path. Why each is there is in
/// the comment above its file.
const EXPECTED: &[(&str, &[&str])] = &[
    // DR-gw alone: its subset is for the gateway hop, but no VirtualService names it, so the
    // egress gateway Service is not known to be one: IST0174 as istioctl gives offline.
    (
        "egress-gateway--apply_kubernetes_network_policies_14.yaml",
        &["IST0174 DestinationRule/egressgateway-for-cnn spec.host"],
    ),
    (
        "egress-gateway--egress_gateway_for_http_traffic_1.yaml",
        &[],
    ),
    (
        "egress-gateway--egress_gateway_for_http_traffic_3.yaml",
        &["IST0174 DestinationRule/egressgateway-for-cnn spec.host"],
    ),
    (
        "egress-gateway--egress_gateway_for_https_traffic_1.yaml",
        &[],
    ),
    // Gateway + DR-gw + VS: the VS names the gateway Service, so IST0174 is unknown, not
    // reported; the SE of edition.cnn.com is in another snippet (EG20).
    (
        "egress-gateway--egress_gateway_for_https_traffic_3.yaml",
        &["EG20 VirtualService/direct-cnn-through-egress-gateway spec.hosts[0]"],
    ),
    (
        "egress-gateway-tls-origination--985554b--configure_mutual_tls_origination_for_egress_traffic_2.yaml",
        &["IST0174 DestinationRule/egressgateway-for-nginx spec.host"],
    ),
    // DR-ext alone: IST0129 (MUTUAL without caCertificates and no workloadSelector), as
    // istioctl gives; CREDENTIAL-NO-SELECTOR because nothing shows a gateway applies it.
    (
        "egress-gateway-tls-origination--985554b--configure_mutual_tls_origination_for_egress_traffic_4.yaml",
        &[
            "IST0174 DestinationRule/originate-mtls-for-nginx spec.host",
            "IST0129 DestinationRule/originate-mtls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
            "CREDENTIAL-NO-SELECTOR DestinationRule/originate-mtls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
        ],
    ),
    (
        "egress-gateway-tls-origination--985554b--perform_tls_origination_with_an_egress_gateway_3.yaml",
        &["IST0174 DestinationRule/egressgateway-for-cnn spec.host"],
    ),
    (
        "egress-gateway-tls-origination--configure_mutual_tls_origination_for_egress_traffic_1.yaml",
        &["IST0174 DestinationRule/egressgateway-for-nginx spec.host"],
    ),
    // VS + DR-ext without the other snippets of the task: the Gateway (EG4, istioctl:
    // IST0101), the DR-gw with subset nginx (EG10, istioctl: IST0101) and the SE (EG20;
    // IST0174 for the DR-ext host) are in other files.
    (
        "egress-gateway-tls-origination--configure_mutual_tls_origination_for_egress_traffic_2.yaml",
        &[
            "EG10 VirtualService/direct-nginx-through-egress-gateway spec.http[0].route[0].destination.subset",
            "EG20 VirtualService/direct-nginx-through-egress-gateway spec.hosts[0]",
            "EG4 VirtualService/direct-nginx-through-egress-gateway spec.gateways[0]",
            "IST0174 DestinationRule/originate-mtls-for-nginx spec.host",
        ],
    ),
    (
        "egress-gateway-tls-origination--deploy_a_mutual_tls_server_6.yaml",
        &[],
    ),
    (
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_1.yaml",
        &[],
    ),
    (
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_3.yaml",
        &["IST0174 DestinationRule/egressgateway-for-cnn spec.host"],
    ),
    // VS + DR-ext alone, as above; IST0129: SIMPLE origination without caCertificates.
    (
        "egress-gateway-tls-origination--perform_tls_origination_with_an_egress_gateway_4.yaml",
        &[
            "EG10 VirtualService/direct-cnn-through-egress-gateway spec.http[0].route[0].destination.subset",
            "EG20 VirtualService/direct-cnn-through-egress-gateway spec.hosts[0]",
            "EG4 VirtualService/direct-cnn-through-egress-gateway spec.gateways[0]",
            "IST0129 DestinationRule/originate-tls-for-edition-cnn-com spec.trafficPolicy.portLevelSettings[0].tls",
            "IST0174 DestinationRule/originate-tls-for-edition-cnn-com spec.host",
        ],
    ),
    (
        "egress-gateway-tls-origination-sds--configure_mutual_tls_origination_for_egress_traffic_using_sds_3.yaml",
        &[
            "IST0174 DestinationRule/originate-mtls-for-nginx spec.host",
            "IST0129 DestinationRule/originate-mtls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
            "CREDENTIAL-NO-SELECTOR DestinationRule/originate-mtls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
        ],
    ),
    (
        "egress-gateway-tls-origination-sds--configure_simple_tls_origination_for_egress_traffic_1.yaml",
        &["IST0174 DestinationRule/egressgateway-for-nginx spec.host"],
    ),
    (
        "egress-gateway-tls-origination-sds--configure_simple_tls_origination_for_egress_traffic_3.yaml",
        &[
            "IST0174 DestinationRule/originate-tls-for-nginx spec.host",
            "IST0129 DestinationRule/originate-tls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
            "CREDENTIAL-NO-SELECTOR DestinationRule/originate-tls-for-nginx spec.trafficPolicy.portLevelSettings[0].tls",
        ],
    ),
    // Gateway + DR-gw + VS; the *.wikipedia.org SE is in another snippet (EG20).
    (
        "wildcard-egress-hosts--configure_egress_gateway_traffic_to_a_wildcard_host_1.yaml",
        &["EG20 VirtualService/direct-wikipedia-through-egress-gateway spec.hosts[0]"],
    ),
    (
        "wildcard-egress-hosts--configure_egress_gateway_traffic_to_a_wildcard_host_2.yaml",
        &[],
    ),
    (
        "wildcard-egress-hosts--configure_egress_gateway_traffic_to_a_wildcard_host_3.yaml",
        &[],
    ),
];

fn findings_of(files: &[PathBuf]) -> (Vec<String>, Vec<String>) {
    let ws = Workspace {
        files: files.iter().map(|p| SourceFile::read(p).unwrap()).collect(),
    };
    let show = |l: &validate::Located| {
        format!(
            "{} {}/{} {}",
            l.diagnostic.code,
            l.diagnostic.resource.kind,
            l.diagnostic.resource.name,
            l.diagnostic.path
        )
    };
    let admission = validate::check(&ws, &Options::default())
        .iter()
        .map(show)
        .collect();
    let analyzed = validate::analyze(&ws, &Options::default(), &MeshConfig::default())
        .iter()
        .map(show)
        .collect();
    (admission, analyzed)
}

#[test]
fn egress_gateway_examples_load_validate_and_round_trip() {
    let mut failures = String::new();
    for path in egress_gateway_files() {
        let n = name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let file = SourceFile::read(&path).unwrap();
        assert!(file.documents.iter().all(|d| d.error.is_none()), "{n}");
        assert_eq!(
            file.render().unwrap().as_bytes(),
            bytes.as_slice(),
            "{n} round trip"
        );
        let mut dirty = file.clone();
        for d in &mut dirty.documents {
            d.dirty = true;
        }
        assert_eq!(
            dirty.render().unwrap().as_bytes(),
            bytes.as_slice(),
            "{n} round trip of an untouched edit"
        );
        let (admission, mut analyzed) = findings_of(std::slice::from_ref(&path));
        analyzed.sort();
        assert!(
            admission.is_empty(),
            "{n}: Istio admits it, but validate says {admission:?}"
        );
        let expected = EXPECTED
            .iter()
            .find(|(f, _)| *f == n)
            .map(|(_, e)| {
                let mut e: Vec<String> = e.iter().map(|s| s.to_string()).collect();
                e.sort();
                e
            })
            .unwrap_or_else(|| panic!("{n} is not in the expected list"));
        if analyzed != expected {
            failures.push_str(&format!(
                "{n}:\n  got      {analyzed:?}\n  expected {expected:?}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
