//! The OpenAPI document made true to what the server does (接口文档校正), applied once to the
//! generated document before it is published.
//!
//! - A parameter declared `in: path` whose name is not a `{segment}` of its path is a query
//!   parameter (the `IntoParams` structs of list filters default to the path).
//! - Errors are RFC 9457 problem details: every 4xx/5xx response is `application/problem+json`.
//! - What the extractors answer before a handler runs is documented on every operation it can
//!   happen to: 400 (a path or query that does not parse, malformed JSON) and, for operations with
//!   a JSON body, 415 (no `application/json` content type); for uploads, 415 without
//!   `multipart/form-data`.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

/// The problem-details media type.
pub const PROBLEM: &str = "application/problem+json";

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(ResponseBuilder::new().description(description).content(PROBLEM, ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("Problem")))).build()).build())
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
}

fn fix_operation(path: &str, op: &mut Operation) {
    let in_path = segments(path);
    let mut has_input = !in_path.is_empty() || op.request_body.is_some();
    if let Some(params) = op.parameters.as_mut() {
        for p in params.iter_mut() {
            if matches!(p.parameter_in, ParameterIn::Path) && !in_path.contains(&p.name.as_str()) {
                p.parameter_in = ParameterIn::Query;
            }
        }
        has_input |= !params.is_empty();
    }
    for (status, response) in op.responses.responses.iter_mut() {
        let error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(r)) = (error, response) {
            if let Some(c) = r.content.shift_remove("application/json") {
                r.content.insert(PROBLEM.to_owned(), c);
            }
        }
    }
    let json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
    let multipart_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("multipart/form-data"));
    if has_input {
        op.responses.responses.entry("400".to_owned()).or_insert_with(|| problem_response("请求格式错误：路径、查询参数或 JSON 无法解析"));
    }
    if json_body {
        op.responses.responses.entry("415".to_owned()).or_insert_with(|| problem_response("请求体须为 application/json"));
    }
    if multipart_body {
        op.responses.responses.entry("415".to_owned()).or_insert_with(|| problem_response("请求体须为 multipart/form-data"));
    }
}

/// Applies the corrections to every operation of the document.
pub fn normalise(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in &mut doc.paths.paths {
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            fix_operation(path, op);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        let (_, mut doc) = crate::api::router().split_for_parts();
        crate::api::access::annotate(&mut doc);
        normalise(&mut doc);
        serde_json::from_str(&doc.to_json().unwrap()).unwrap()
    }

    /// The published document says what the server does: path parameters are the path's own
    /// segments (and all of them), errors are problem details, and the extractors' 400 and 415
    /// are documented.
    #[test]
    fn the_document_matches_the_server() {
        let doc = document();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let declared: Vec<&str> = params.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect();
                let mut want = segments(path);
                want.sort_unstable();
                let mut got = declared.clone();
                got.sort_unstable();
                assert_eq!(got, want, "{method} {path}: path parameters");
                for (status, r) in op["responses"].as_object().unwrap() {
                    if status.starts_with('4') || status.starts_with('5') {
                        if let Some(content) = r["content"].as_object() {
                            assert!(content.keys().all(|k| k == PROBLEM), "{method} {path} {status}: {content:?}");
                        }
                    }
                }
                let has_body = op.get("requestBody").is_some();
                if has_body || !params.is_empty() {
                    assert!(op["responses"].get("400").is_some(), "{method} {path}: 400 undocumented");
                }
                if has_body {
                    assert!(op["responses"].get("415").is_some(), "{method} {path}: 415 undocumented");
                }
            }
        }
        assert!(operations > 50, "{operations}");
        // Uploads are documented as multipart with their 415; the public certificate check
        // needs no token, the portal's other routes a public account's.
        let upload = &doc["paths"]["/api/v1/portal/drafts/{id}/files"]["post"];
        assert!(upload["requestBody"]["content"]["multipart/form-data"].is_object(), "{upload}");
        assert!(upload["responses"]["415"].is_object() && upload["responses"]["413"].is_object(), "{upload}");
        let verify = &doc["paths"]["/api/v1/portal/verify"]["post"];
        assert_eq!(verify["x-bdc-access"], "public");
        assert!(verify.get("security").is_none(), "{verify}");
        for (path, method) in [("/api/v1/portal/drafts", "get"), ("/api/v1/portal/archive", "get"), ("/api/v1/portal/interest", "post"), ("/api/v1/portal/authorisations", "post")] {
            let op = &doc["paths"][path][method];
            assert_eq!(op["x-bdc-access"], "realm:public", "{method} {path}");
            assert!(op["security"].as_array().is_some_and(|s| s.iter().any(|s| s.get("bearer").is_some())), "{method} {path}: {op}");
        }
        // The unit search's filters are query parameters.
        let units = &doc["paths"]["/api/v1/units"]["get"]["parameters"];
        assert!(units.as_array().is_some_and(|ps| !ps.is_empty() && ps.iter().all(|p| p["in"] == "query")), "{units}");
    }
}
