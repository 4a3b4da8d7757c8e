//! A court front-end machine (法院查控前置机) on one machine, speaking the SOAP/base64 protocol
//! of `bdc_adapters::court`: courts' requests are posted to it, BDC polls it and answers there.

use std::sync::{Arc, Mutex};

use bdc_adapters::court::message::{parse_feedback, parse_requests, render_feedback, render_requests, soap_unwrap, soap_wrap, Feedback, Request};

/// The sandbox front-end's state: requests posted by a test or a person, and the feedback it got.
#[derive(Debug, Default)]
pub struct SandboxState {
    pending: Vec<Request>,
    feedback: Vec<Feedback>,
    /// Payloads given out once, as they are, before the pending list: how a test sends BDC a
    /// malformed message.
    raw: std::collections::VecDeque<String>,
}

/// A front-end on one machine. Courts' requests are posted to `POST /sandbox/requests` (a request
/// list); BDC fetches them with the SOAP operation `getRequests` until it has answered every
/// property of a request; feedback is recorded and shown at `GET /sandbox/feedback`.
/// `POST /sandbox/raw` queues a payload to be handed out once as it is (malformed messages).
pub fn sandbox_router(user: &str, password: &str) -> axum::Router {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let state = Arc::new(Mutex::new(SandboxState::default()));
    let (user, password) = (user.to_owned(), password.to_owned());
    let soap_state = state.clone();
    let post_state = state.clone();
    axum::Router::new()
        .route(
            "/frontend",
            axum::routing::post(move |body: String| {
                let state = soap_state.clone();
                let (user, password) = (user.clone(), password.clone());
                async move {
                    let Ok((op, u, p, payload)) = soap_unwrap(&body) else {
                        return (StatusCode::BAD_REQUEST, "SOAP 报文无法解析".to_owned()).into_response();
                    };
                    if u != user || p != password {
                        return (StatusCode::UNAUTHORIZED, "用户名或密码错误".to_owned()).into_response();
                    }
                    let mut s = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    match op.as_str() {
                        "getRequests" => {
                            let list = s.raw.pop_front().unwrap_or_else(|| render_requests(&s.pending));
                            ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], soap_wrap("getRequestsResponse", "", "", &list)).into_response()
                        }
                        "submitFeedback" => match parse_feedback(&payload) {
                            Ok(items) => {
                                s.feedback.extend(items);
                                // A request is done once every property has feedback.
                                let answered = |r: &Request| r.properties.iter().all(|p| s.feedback.iter().any(|f| f.request_number == r.number && f.property_seq == p.seq));
                                let keep: Vec<Request> = s.pending.iter().filter(|r| !answered(r)).cloned().collect();
                                s.pending = keep;
                                ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], soap_wrap("submitFeedbackResponse", "", "", "ok")).into_response()
                            }
                            Err(reason) => (StatusCode::BAD_REQUEST, reason).into_response(),
                        },
                        other => (StatusCode::BAD_REQUEST, format!("未知操作：{other}")).into_response(),
                    }
                }
            }),
        )
        .route(
            "/sandbox/requests",
            axum::routing::post(move |body: String| {
                let state = post_state.clone();
                async move {
                    match parse_requests(&body) {
                        Ok(reqs) => {
                            let n = reqs.len();
                            state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pending.extend(reqs);
                            (StatusCode::CREATED, format!("{n}")).into_response()
                        }
                        Err(reason) => (StatusCode::BAD_REQUEST, reason).into_response(),
                    }
                }
            }),
        )
        .route(
            "/sandbox/raw",
            axum::routing::post({
                let state = state.clone();
                move |body: String| {
                    let state = state.clone();
                    async move {
                        state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).raw.push_back(body);
                        StatusCode::CREATED
                    }
                }
            }),
        )
        .route(
            "/sandbox/feedback",
            axum::routing::get(move || {
                let state = state.clone();
                async move {
                    let s = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], render_feedback(&s.feedback))
                }
            }),
        )
        // A burst of ten thousand requests is a few megabytes.
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_adapters::court::frontend::{CourtError, CourtFrontEnd, SoapClient};
    use bdc_adapters::court::message::{Action, Property};

    fn request(number: &str, court: &str, at: &str) -> Request {
        Request {
            number: number.into(),
            court: court.into(),
            judge: "法官".into(),
            case_number: format!("(2026)苏执{number}号"),
            ruling_number: String::new(),
            subject: "张三".into(),
            subject_id: String::new(),
            delivered_at: at.into(),
            properties: vec![Property::on_unit("1", Action::Seize, "320402001001GB00001F00010001")],
            documents: vec![],
        }
    }

    #[tokio::test]
    async fn bdc_polls_the_sandbox_over_soap_and_answers_until_nothing_is_pending() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, sandbox_router("bdc", "secret")).await });
        let http = reqwest::Client::new();
        let list = render_requests(&[request("A1", "天宁区人民法院", "2026-11-25T09:00:00"), request("B1", "钟楼区人民法院", "2026-11-25T09:05:00")]);
        assert_eq!(http.post(format!("{base}/sandbox/requests")).body(list).send().await.unwrap().status(), 201);
        assert_eq!(http.post(format!("{base}/sandbox/requests")).body("<nope/>").send().await.unwrap().status(), 400);

        let wrong = SoapClient::new(format!("{base}/frontend"), "bdc", "wrong");
        assert!(matches!(wrong.fetch_requests().await, Err(CourtError::Refused(_))));

        let client = SoapClient::new(format!("{base}/frontend"), "bdc", "secret");
        let raw = client.fetch_requests().await.unwrap();
        let (_, _, _, payload) = soap_unwrap(&raw).unwrap();
        let reqs = parse_requests(&payload).unwrap();
        assert_eq!(reqs.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), ["A1", "B1"]);
        let fb = Feedback {
            request_number: "A1".into(),
            property_seq: "1".into(),
            controlled: true,
            start: "2026-11-25".into(),
            end: "2029-11-24".into(),
            reason: String::new(),
            business_number: "x".into(),
            waiting: false,
        };
        client.send_feedback(&[fb]).await.unwrap();
        let (_, _, _, payload) = soap_unwrap(&client.fetch_requests().await.unwrap()).unwrap();
        assert_eq!(parse_requests(&payload).unwrap().len(), 1, "A1 answered, B1 still pending");
        let recorded = http.get(format!("{base}/sandbox/feedback")).send().await.unwrap().text().await.unwrap();
        assert_eq!(parse_feedback(&recorded).unwrap().len(), 1);
    }
}
