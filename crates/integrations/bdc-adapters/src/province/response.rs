//! The province's answer to a message: `<respond><BizMsgID/><SuccessFlag/><ResponseCode/><ResponseInfo/></respond>`.

use quick_xml::events::Event;
use quick_xml::Reader;

/// A parsed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub biz_msg_id: String,
    /// `1` success, `2` failure.
    pub success: bool,
    pub code: String,
    pub info: String,
}

/// Why a response could not be read (it is then quarantined with this reason).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResponseError {
    #[error("响应报文不是合法的 XML：{0}")]
    Xml(String),
    #[error("响应报文缺少 {0}")]
    Missing(&'static str),
    #[error("响应报文 SuccessFlag 无效：{0}")]
    BadFlag(String),
}

/// Parses a response; tolerant of element order and whitespace, strict about what it needs.
pub fn parse(xml: &str) -> Result<Response, ResponseError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut current = String::new();
    let (mut id, mut flag, mut code, mut info) = (None, None, None, None);
    let mut saw_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                current = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if current == "respond" {
                    saw_root = true;
                }
            }
            Ok(Event::Text(t)) => {
                let text = t.unescape().map_err(|e| ResponseError::Xml(e.to_string()))?.into_owned();
                match current.as_str() {
                    "BizMsgID" => id = Some(text),
                    "SuccessFlag" => flag = Some(text),
                    "ResponseCode" => code = Some(text),
                    "ResponseInfo" => info = Some(text),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => current.clear(),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(ResponseError::Xml(e.to_string())),
        }
    }
    if !saw_root {
        return Err(ResponseError::Missing("respond 根元素"));
    }
    let flag = flag.ok_or(ResponseError::Missing("SuccessFlag"))?;
    let success = match flag.as_str() {
        "1" => true,
        "2" => false,
        other => return Err(ResponseError::BadFlag(other.to_owned())),
    };
    Ok(Response { biz_msg_id: id.ok_or(ResponseError::Missing("BizMsgID"))?, success, code: code.unwrap_or_default(), info: info.unwrap_or_default() })
}

/// Writes a response (the sandbox's side).
pub fn render(r: &Response) -> String {
    use quick_xml::escape::escape;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<respond><BizMsgID>{}</BizMsgID><SuccessFlag>{}</SuccessFlag><ResponseCode>{}</ResponseCode><ResponseInfo>{}</ResponseInfo></respond>\n",
        escape(&r.biz_msg_id),
        if r.success { 1 } else { 2 },
        escape(&r.code),
        escape(&r.info)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_malformed_answers() {
        let r = Response { biz_msg_id: "320402261125000001".into(), success: false, code: "E102".into(), info: "Head 字段顺序错误 <RecType>".into() };
        assert_eq!(parse(&render(&r)).unwrap(), r);
        assert!(parse("<respond><BizMsgID>1</BizMsgID>").is_err());
        assert_eq!(parse("<respond><BizMsgID>1</BizMsgID></respond>"), Err(ResponseError::Missing("SuccessFlag")));
        assert_eq!(parse("<respond><BizMsgID>1</BizMsgID><SuccessFlag>9</SuccessFlag></respond>"), Err(ResponseError::BadFlag("9".into())));
        assert!(matches!(parse("not xml at all"), Err(ResponseError::Missing(_))));
    }
}
