//! Every resource `export` writes passes the structural part of the CRD OpenAPI
//! schema in `../shared/istio/crd/` (types, enums, required, ranges, sizes,
//! oneOf/anyOf/allOf/not). CEL rules are the validator's job, not this test's.

mod common;

use egress_studio::model::ApiVersion;
use egress_studio::yaml::{SourceFile, export_objects};
use serde_yaml::Value;
use std::path::PathBuf;

fn crd_schema(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/istio/crd")
        .join(file);
    let crd: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let versions = crd["spec"]["versions"].as_sequence().unwrap();
    let v1 = versions.iter().find(|v| v["name"] == "v1").unwrap();
    v1["schema"]["openAPIV3Schema"].clone()
}

fn get<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema.as_mapping()?.get(key)
}

/// Structural validation; pushes one message per violation.
fn validate(schema: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    if v.is_null() && get(schema, "nullable").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let int_or_string =
        get(schema, "x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true);
    if let Some(t) = get(schema, "type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_mapping(),
            "array" => v.is_sequence(),
            "string" => v.is_string() || (int_or_string && v.is_number()),
            "integer" => v.as_i64().is_some() || v.as_u64().is_some(),
            "number" => v.is_number(),
            "boolean" => v.is_bool(),
            _ => true,
        };
        if !ok {
            errs.push(format!("{path}: expected {t}, got {v:?}"));
            return;
        }
    }
    if let Some(e) = get(schema, "enum").and_then(Value::as_sequence)
        && !e.contains(v)
    {
        errs.push(format!("{path}: {v:?} not in enum"));
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = get(schema, "minimum").and_then(Value::as_f64)
            && n < min
        {
            errs.push(format!("{path}: {n} < minimum {min}"));
        }
        if let Some(max) = get(schema, "maximum").and_then(Value::as_f64)
            && n > max
        {
            errs.push(format!("{path}: {n} > maximum {max}"));
        }
        if get(schema, "format").and_then(Value::as_str) == Some("uint32")
            && !(0.0..=4294967295.0).contains(&n)
        {
            errs.push(format!("{path}: {n} is not a uint32"));
        }
    }
    if let Some(s) = v.as_str()
        && let Some(max) = get(schema, "maxLength").and_then(Value::as_u64)
        && s.chars().count() as u64 > max
    {
        errs.push(format!("{path}: longer than {max}"));
    }
    if let Some(seq) = v.as_sequence() {
        if let Some(max) = get(schema, "maxItems").and_then(Value::as_u64)
            && seq.len() as u64 > max
        {
            errs.push(format!("{path}: more than {max} items"));
        }
        if let Some(min) = get(schema, "minItems").and_then(Value::as_u64)
            && (seq.len() as u64) < min
        {
            errs.push(format!("{path}: fewer than {min} items"));
        }
        if let Some(items) = get(schema, "items") {
            for (i, item) in seq.iter().enumerate() {
                validate(items, item, &format!("{path}[{i}]"), errs);
            }
        }
    }
    if let Some(map) = v.as_mapping() {
        if let Some(max) = get(schema, "maxProperties").and_then(Value::as_u64)
            && map.len() as u64 > max
        {
            errs.push(format!("{path}: more than {max} properties"));
        }
        for r in get(schema, "required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            if !map.contains_key(r) {
                errs.push(format!(
                    "{path}: missing required {:?}",
                    r.as_str().unwrap_or("?")
                ));
            }
        }
        let props = get(schema, "properties").and_then(Value::as_mapping);
        let additional = get(schema, "additionalProperties");
        let preserve = get(schema, "x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool)
            == Some(true);
        for (k, val) in map {
            let key = k.as_str().unwrap_or("?");
            let p = format!("{path}.{key}");
            if let Some(s) = props.and_then(|m| m.get(k)) {
                validate(s, val, &p, errs);
            } else if let Some(a) = additional {
                validate(a, val, &p, errs);
            } else if props.is_some()
                && !preserve
                && !(path.is_empty() && ["apiVersion", "kind", "metadata"].contains(&key))
            {
                errs.push(format!("{p}: unknown field"));
            }
        }
    }
    let passes = |s: &Value| {
        let mut e = Vec::new();
        validate(s, v, path, &mut e);
        e.is_empty()
    };
    if let Some(one) = get(schema, "oneOf").and_then(Value::as_sequence)
        && one.iter().filter(|s| passes(s)).count() != 1
    {
        errs.push(format!("{path}: oneOf not satisfied"));
    }
    if let Some(any) = get(schema, "anyOf").and_then(Value::as_sequence)
        && !any.iter().any(passes)
    {
        errs.push(format!("{path}: anyOf not satisfied"));
    }
    if let Some(all) = get(schema, "allOf").and_then(Value::as_sequence) {
        for s in all {
            validate(s, v, path, errs);
        }
    }
    if let Some(not) = get(schema, "not")
        && passes(not)
    {
        errs.push(format!("{path}: matches a forbidden schema"));
    }
}

#[test]
fn schema_checker_catches_structural_errors() {
    let schema = crd_schema("destinationrule.yaml");
    let bad: Value = serde_yaml::from_str(
        "spec: {host: a, trafficPolicy: {loadBalancer: {simple: RANDOM, consistentHash: {useSourceIp: true}}, tls: {mode: BOGUS}, retryBudget: {percent: 120}}}",
    )
    .unwrap();
    let mut errs = Vec::new();
    validate(&schema, &bad, "", &mut errs);
    let text = errs.join("\n");
    assert!(text.contains("oneOf"), "{text}");
    assert!(text.contains("not in enum"), "{text}");
    assert!(text.contains("maximum"), "{text}");
    let schema = crd_schema("serviceentry.yaml");
    let bad: Value = serde_yaml::from_str("spec: {ports: [{number: 80}]}").unwrap();
    let mut errs = Vec::new();
    validate(&schema, &bad, "", &mut errs);
    let text = errs.join("\n");
    assert!(text.contains("missing required \"hosts\""), "{text}");
    assert!(text.contains("missing required \"name\""), "{text}");
}

#[test]
fn every_exported_resource_passes_the_crd_schema() {
    let se_schema = crd_schema("serviceentry.yaml");
    let dr_schema = crd_schema("destinationrule.yaml");
    let gw_schema = crd_schema("gateway.yaml");
    let vs_schema = crd_schema("virtualservice.yaml");
    let mut checked = 0;
    let mut chain_kinds = 0;
    let mut files: Vec<PathBuf> = common::corpus_files()
        .into_iter()
        .filter(|p| !common::is_templated(p))
        .collect();
    files.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml"));
    for path in files {
        let file = SourceFile::read(&path).unwrap();
        // Both the raw-text path and the re-emitted path of export.
        let mut edited = file.clone();
        for d in &mut edited.documents {
            d.dirty = true;
        }
        for f in [&file, &edited] {
            for obj in export_objects(f, Some(ApiVersion::V1)).unwrap() {
                let schema = match obj.kind.as_str() {
                    "ServiceEntry" => &se_schema,
                    "DestinationRule" => &dr_schema,
                    "Gateway" | "VirtualService"
                        if !obj.text.contains("apiVersion: networking.istio.io/") =>
                    {
                        continue;
                    }
                    "Gateway" => &gw_schema,
                    "VirtualService" => &vs_schema,
                    _ => continue,
                };
                chain_kinds +=
                    usize::from(matches!(obj.kind.as_str(), "Gateway" | "VirtualService"));
                let value: Value = serde_yaml::from_str(&obj.text).unwrap();
                assert_eq!(value["apiVersion"], "networking.istio.io/v1");
                let mut errs = Vec::new();
                validate(schema, &value, "", &mut errs);
                assert!(
                    errs.is_empty(),
                    "{} {}: {errs:#?}\n{}",
                    path.display(),
                    obj.name,
                    obj.text
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked}");
    assert!(chain_kinds > 20, "{chain_kinds}");
}

#[test]
fn every_gateway_recipe_passes_the_crd_schemas() {
    use egress_studio::gateway_recipes::{GatewayParams, GatewayRecipe};
    let schemas = [
        ("ServiceEntry", crd_schema("serviceentry.yaml")),
        ("DestinationRule", crd_schema("destinationrule.yaml")),
        ("Gateway", crd_schema("gateway.yaml")),
        ("VirtualService", crd_schema("virtualservice.yaml")),
    ];
    for recipe in GatewayRecipe::ALL {
        let params = GatewayParams {
            host: recipe.example_host().into(),
            port: recipe.default_port(),
            ..Default::default()
        };
        let text = recipe.manifest(&params).unwrap();
        for doc in text.split("---\n") {
            let value: Value = serde_yaml::from_str(doc).unwrap();
            let kind = value["kind"].as_str().unwrap();
            let schema = &schemas.iter().find(|(k, _)| *k == kind).unwrap().1;
            let mut errs = Vec::new();
            validate(schema, &value, "", &mut errs);
            assert!(errs.is_empty(), "{recipe:?} {kind}: {errs:#?}\n{doc}");
        }
    }
}
