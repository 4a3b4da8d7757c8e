//! Court request lists and feedback (查控请求与回执), and their SOAP/base64 wrapping.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// What a court asks for one property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 11 查封
    Seize,
    /// 12 继续查封 / 续封
    Continue,
    /// 14 解除查封
    Release,
    /// 15 过户文书送达
    TransferRuling,
}

impl Action {
    pub fn from_code(c: &str) -> Option<Action> {
        match c {
            "11" => Some(Action::Seize),
            "12" => Some(Action::Continue),
            "14" => Some(Action::Release),
            "15" => Some(Action::TransferRuling),
            _ => None,
        }
    }
    pub const fn code(self) -> &'static str {
        match self {
            Action::Seize => "11",
            Action::Continue => "12",
            Action::Release => "14",
            Action::TransferRuling => "15",
        }
    }

    /// The name staff read (控制类型).
    pub const fn name(self) -> &'static str {
        match self {
            Action::Seize => "查封",
            Action::Continue => "续封",
            Action::Release => "解除查封",
            Action::TransferRuling => "过户文书送达",
        }
    }
}

/// One property of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// 序号 within the request.
    pub seq: String,
    pub action: Action,
    pub unit_number: String,
    pub location: String,
    pub certificate: String,
    pub start: String,
    pub end: String,
    /// For continuation and release: the original seizure's case number and 业务号.
    pub original_case: String,
    pub original_business: String,
}

impl Property {
    /// A property found by its unit number, with nothing else asked (the other fields empty).
    pub fn on_unit(seq: &str, action: Action, unit_number: &str) -> Property {
        Property {
            seq: seq.into(),
            action,
            unit_number: unit_number.into(),
            location: String::new(),
            certificate: String::new(),
            start: String::new(),
            end: String::new(),
            original_case: String::new(),
            original_business: String::new(),
        }
    }
}

/// An attached document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One court request (协助执行通知).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// 请求单号 — processing is idempotent by it.
    pub number: String,
    pub court: String,
    pub judge: String,
    pub case_number: String,
    pub ruling_number: String,
    pub subject: String,
    pub subject_id: String,
    /// 送达时间 `yyyy-MM-ddTHH:mm:ss`: the order of the waiting list.
    pub delivered_at: String,
    pub properties: Vec<Property>,
    pub documents: Vec<Document>,
}

/// Feedback for one property (回执).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub request_number: String,
    pub property_seq: String,
    /// true 1 成功, false 2 未能控制.
    pub controlled: bool,
    pub start: String,
    pub end: String,
    pub reason: String,
    pub business_number: String,
    /// 轮候.
    pub waiting: bool,
}

fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes().flatten().map(|a| (String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value().map(|v| v.into_owned()).unwrap_or_default())).collect()
}

fn get(a: &[(String, String)], k: &str) -> String {
    a.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Parses a request list and checks every request ([`check_request`]); the first problem is the
/// error. BDC itself reads with [`read_requests`] so that one bad request does not hold back
/// the others in its message.
pub fn parse_requests(xml: &str) -> Result<Vec<Request>, String> {
    let out = read_request_list(xml)?;
    for r in &out {
        check_request(r)?;
    }
    Ok(out)
}

/// Reads a request list strictly: any request that cannot be read as sent (a document that does
/// not decode, an unknown action) makes the whole list an error. For the sandbox and for a
/// request BDC itself kept; the intake reads with [`read_requests`].
pub fn read_request_list(xml: &str) -> Result<Vec<Request>, String> {
    read_requests(xml)?
        .into_iter()
        .map(|r| match r.problems.first() {
            Some(p) => Err(p.clone()),
            None => Ok(r.request),
        })
        .collect()
}

/// One request as read from a list (读取的请求), with what could not be read in it.
///
/// The court's front-end repeats its pending list until every property is answered, so a
/// request that cannot be read must still be answered (未能控制, with the reason) — otherwise
/// its list, and every later one carrying it, would be lost. `problems` says why it cannot be
/// processed as asked; `unreadable` are the properties whose 控制类型 is unknown, kept only by
/// their 序号 and code so that they too are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRequest {
    pub request: Request,
    pub problems: Vec<String>,
    /// `(序号 XH, 控制类型 CXLX as sent)` of properties with an unknown action.
    pub unreadable: Vec<(String, String)>,
}

/// Reads a request list request by request. The error is for a message that cannot be read at
/// all (not XML, not a request list, a property or document outside any request); a bad
/// attachment or an unknown action spoils only its own request ([`ReadRequest::problems`]).
pub fn read_requests(xml: &str) -> Result<Vec<ReadRequest>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<ReadRequest> = Vec::new();
    let mut doc_name: Option<String> = None;
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let a = attrs(&e);
                match e.name().as_ref() {
                    b"QueryResult" => seen_root = true,
                    b"Request" => out.push(ReadRequest {
                        request: Request {
                            number: get(&a, "CXH"),
                            court: get(&a, "FYMC"),
                            judge: get(&a, "CBR"),
                            case_number: get(&a, "AH"),
                            ruling_number: get(&a, "CDH"),
                            subject: get(&a, "BZXR"),
                            subject_id: get(&a, "BZXRZJH"),
                            delivered_at: get(&a, "SDSJ"),
                            properties: Vec::new(),
                            documents: Vec::new(),
                        },
                        problems: Vec::new(),
                        unreadable: Vec::new(),
                    }),
                    b"Property" => {
                        let r = out.last_mut().ok_or("Property 出现在 Request 之外")?;
                        let code = get(&a, "CXLX");
                        let Some(action) = Action::from_code(&code) else {
                            r.problems.push(format!("请求 {} 的财产 {} 控制类型无效：{code}", r.request.number, get(&a, "XH")));
                            r.unreadable.push((get(&a, "XH"), code));
                            continue;
                        };
                        r.request.properties.push(Property {
                            seq: get(&a, "XH"),
                            action,
                            unit_number: get(&a, "BDCDYH"),
                            location: get(&a, "ZL"),
                            certificate: get(&a, "BDCQZH"),
                            start: get(&a, "KSRQ"),
                            end: get(&a, "JSRQ"),
                            original_case: get(&a, "YAH"),
                            original_business: get(&a, "YYWH"),
                        });
                    }
                    b"Document" => {
                        out.last().ok_or("Document 出现在 Request 之外")?;
                        doc_name = Some(get(&a, "MC"));
                    }
                    _ => {}
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(name) = doc_name.take() {
                    let r = out.last_mut().ok_or("Document 出现在 Request 之外")?;
                    let decoded = t.unescape().ok().and_then(|text| B64.decode(text.trim().as_bytes()).ok());
                    match decoded {
                        Some(bytes) => r.request.documents.push(Document { name, bytes }),
                        None => r.problems.push(format!("请求 {} 的附件“{name}”不是合法的 base64，无法读取", r.request.number)),
                    }
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"Document" => doc_name = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("请求报文不是合法的 XML：{e}")),
        }
    }
    if !seen_root {
        return Err("缺少 QueryResult 根元素".into());
    }
    Ok(out)
}

/// What processing needs of one request: its number, court, case number, a valid delivery time
/// and properties with distinct sequence numbers. The error is the reason quarantined requests
/// are answered 未能控制 with.
pub fn check_request(r: &Request) -> Result<(), String> {
    if r.number.trim().is_empty() {
        return Err("请求缺少请求单号 CXH".into());
    }
    if r.court.trim().is_empty() || r.case_number.trim().is_empty() {
        return Err(format!("请求 {} 缺少法院名称或案号", r.number));
    }
    if chrono::NaiveDateTime::parse_from_str(&r.delivered_at, "%Y-%m-%dT%H:%M:%S").is_err() {
        return Err(format!("请求 {} 的送达时间无效：{}", r.number, r.delivered_at));
    }
    if r.properties.is_empty() {
        return Err(format!("请求 {} 没有财产", r.number));
    }
    let mut seqs = std::collections::BTreeSet::new();
    for p in &r.properties {
        if p.seq.trim().is_empty() || !seqs.insert(p.seq.as_str()) {
            return Err(format!("请求 {} 的财产序号 XH 为空或重复：{}", r.number, p.seq));
        }
    }
    Ok(())
}

/// Writes a request list (the sandbox front-end's side).
pub fn render_requests(requests: &[Request]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<QueryResult>\n");
    for r in requests {
        out.push_str(&format!(
            "<Request CXH=\"{}\" FYMC=\"{}\" CBR=\"{}\" AH=\"{}\" CDH=\"{}\" BZXR=\"{}\" BZXRZJH=\"{}\" SDSJ=\"{}\">\n",
            escape(&r.number),
            escape(&r.court),
            escape(&r.judge),
            escape(&r.case_number),
            escape(&r.ruling_number),
            escape(&r.subject),
            escape(&r.subject_id),
            escape(&r.delivered_at)
        ));
        for p in &r.properties {
            out.push_str(&format!(
                "<Property XH=\"{}\" CXLX=\"{}\" BDCDYH=\"{}\" ZL=\"{}\" BDCQZH=\"{}\" KSRQ=\"{}\" JSRQ=\"{}\" YAH=\"{}\" YYWH=\"{}\"/>\n",
                escape(&p.seq),
                p.action.code(),
                escape(&p.unit_number),
                escape(&p.location),
                escape(&p.certificate),
                escape(&p.start),
                escape(&p.end),
                escape(&p.original_case),
                escape(&p.original_business)
            ));
        }
        for d in &r.documents {
            out.push_str(&format!("<Document MC=\"{}\">{}</Document>\n", escape(&d.name), B64.encode(&d.bytes)));
        }
        out.push_str("</Request>\n");
    }
    out.push_str("</QueryResult>\n");
    out
}

/// Writes feedback for the front-end.
pub fn render_feedback(items: &[Feedback]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FeedbackList>\n");
    for f in items {
        out.push_str(&format!(
            "<Feedback CXH=\"{}\" XH=\"{}\" ZT=\"{}\" SJKSRQ=\"{}\" SJJSRQ=\"{}\" YY=\"{}\" YWH=\"{}\" LHBZ=\"{}\"/>\n",
            escape(&f.request_number),
            escape(&f.property_seq),
            if f.controlled { 1 } else { 2 },
            escape(&f.start),
            escape(&f.end),
            escape(&f.reason),
            escape(&f.business_number),
            if f.waiting { 1 } else { 0 }
        ));
    }
    out.push_str("</FeedbackList>\n");
    out
}

/// Reads feedback (the sandbox front-end's side).
pub fn parse_feedback(xml: &str) -> Result<Vec<Feedback>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == b"Feedback" => {
                let a = attrs(&e);
                let controlled = match get(&a, "ZT").as_str() {
                    "1" => true,
                    "2" => false,
                    other => return Err(format!("回执状态无效：{other}")),
                };
                out.push(Feedback {
                    request_number: get(&a, "CXH"),
                    property_seq: get(&a, "XH"),
                    controlled,
                    start: get(&a, "SJKSRQ"),
                    end: get(&a, "SJJSRQ"),
                    reason: get(&a, "YY"),
                    business_number: get(&a, "YWH"),
                    waiting: get(&a, "LHBZ") == "1",
                });
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("回执不是合法的 XML：{e}")),
        }
    }
    Ok(out)
}

/// Wraps a payload the way the front-end exchanges it: base64 inside a SOAP body element.
pub fn soap_wrap(operation: &str, user: &str, password: &str, payload: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><{op} user=\"{}\" password=\"{}\"><data>{}</data></{op}></soap:Body></soap:Envelope>",
        escape(user),
        escape(password),
        B64.encode(payload.as_bytes()),
        op = operation
    )
}

/// Unwraps a SOAP message: the operation, its credentials and the decoded payload.
pub fn soap_unwrap(xml: &str) -> Result<(String, String, String, String), String> {
    let mut reader = Reader::from_str(xml);
    let mut in_body = false;
    let (mut op, mut user, mut password, mut data) = (None, String::new(), String::new(), None);
    let mut in_data = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Body" {
                    in_body = true;
                } else if in_body && op.is_none() {
                    let a = attrs(&e);
                    user = get(&a, "user");
                    password = get(&a, "password");
                    op = Some(name);
                } else if name == "data" {
                    in_data = true;
                }
            }
            Ok(Event::Text(t)) if in_data => {
                let text = t.unescape().map_err(|e| e.to_string())?;
                let bytes = B64.decode(text.trim().as_bytes()).map_err(|_| "SOAP 数据不是合法的 base64".to_owned())?;
                data = Some(String::from_utf8(bytes).map_err(|_| "SOAP 数据不是 UTF-8 文本".to_owned())?);
                in_data = false;
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("SOAP 报文不是合法的 XML：{e}")),
        }
    }
    Ok((op.ok_or("SOAP 报文缺少操作")?, user, password, data.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Request {
        Request {
            number: "CK2026112500001".into(),
            court: "常州市天宁区人民法院".into(),
            judge: "王法官".into(),
            case_number: "(2026)苏0402执1号".into(),
            ruling_number: "(2026)苏0402执1号之一".into(),
            subject: "张三".into(),
            subject_id: "440524188001010014".into(),
            delivered_at: "2026-11-25T09:30:00".into(),
            properties: vec![Property {
                seq: "1".into(),
                action: Action::Seize,
                unit_number: "320402001001GB00001F00010001".into(),
                location: "常州市天宁区青洋北路1号1幢101室".into(),
                certificate: String::new(),
                start: "2026-11-25".into(),
                end: "2029-11-24".into(),
                original_case: String::new(),
                original_business: String::new(),
            }],
            documents: vec![Document { name: "裁定书.pdf".into(), bytes: b"%PDF-1.7 ruling".to_vec() }],
        }
    }

    #[test]
    fn requests_and_feedback_round_trip_through_soap() {
        let list = render_requests(&[sample()]);
        let wrapped = soap_wrap("getRequestsResponse", "frontend", "p&ss", &list);
        let (op, user, password, payload) = soap_unwrap(&wrapped).unwrap();
        assert_eq!((op.as_str(), user.as_str(), password.as_str()), ("getRequestsResponse", "frontend", "p&ss"));
        assert_eq!(parse_requests(&payload).unwrap(), vec![sample()]);
        let fb = Feedback {
            request_number: "CK1".into(),
            property_seq: "1".into(),
            controlled: true,
            start: "2026-11-25".into(),
            end: "2029-11-24".into(),
            reason: String::new(),
            business_number: "320402".into(),
            waiting: true,
        };
        assert_eq!(parse_feedback(&render_feedback(std::slice::from_ref(&fb))).unwrap(), vec![fb]);
    }

    #[test]
    fn malformed_requests_are_refused_with_the_reason() {
        let good = render_requests(&[sample()]);
        assert!(parse_requests(&good.replace("CXLX=\"11\"", "CXLX=\"99\"")).unwrap_err().contains("控制类型无效"));
        assert!(parse_requests(&good.replace("2026-11-25T09:30:00", "yesterday")).unwrap_err().contains("送达时间"));
        assert!(parse_requests(&good.replace("CXH=\"CK2026112500001\"", "CXH=\"\"")).unwrap_err().contains("请求单号"));
        assert!(parse_requests("<Other/>").unwrap_err().contains("QueryResult"));
        assert!(parse_requests(&good.replace(&B64.encode(b"%PDF-1.7 ruling"), "###")).unwrap_err().contains("base64"));
        assert!(soap_unwrap("<soap:Envelope><soap:Body></soap:Body></soap:Envelope>").is_err());
    }

    #[test]
    fn a_bad_attachment_or_action_spoils_only_its_own_request() {
        let mut other = sample();
        other.number = "CK2".into();
        let list = render_requests(&[sample(), other]);
        let first_doc = list.find(&B64.encode(b"%PDF-1.7 ruling")).unwrap();
        let mut bad = list.clone();
        bad.replace_range(first_doc..first_doc + B64.encode(b"%PDF-1.7 ruling").len(), "不是base64###");
        let read = read_requests(&bad).unwrap();
        assert_eq!(read.len(), 2);
        assert!(read[0].problems[0].contains("附件“裁定书.pdf”不是合法的 base64"), "{:?}", read[0].problems);
        assert_eq!(read[0].request.properties.len(), 1, "its properties are still known, to be answered");
        assert!(read[1].problems.is_empty());
        assert_eq!(read[1].request.documents.len(), 1);
        let unknown = read_requests(&list.replacen("CXLX=\"11\"", "CXLX=\"99\"", 1)).unwrap();
        assert_eq!(unknown[0].unreadable, vec![("1".to_owned(), "99".to_owned())]);
        assert!(unknown[1].problems.is_empty());
        assert!(read_requests("<QueryResult><Document MC=\"x\">AA==</Document></QueryResult>").is_err());
    }
}
