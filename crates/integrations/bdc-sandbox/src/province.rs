//! A provincial platform on one machine (沙箱省级平台): it reads the messages delivered to the
//! file exchange, checks each against the envelope rules, and answers success or a failure with
//! a response code and reason — as the province does, so the whole loop runs end to end here.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use bdc_adapters::province::message::HEAD_FIELDS;
use bdc_adapters::province::response::{render, Response};
use bdc_adapters::province::transport::write_atomically;

/// Checks a message: Head fields present and in order, their formats, a signature, and at least
/// one Data row with its 要素代码. Returns the failure code and reason.
/// One Data row as text: its table and its `(column, value)` pairs.
pub type DataRowText = (String, Vec<(String, String)>);

/// The Data rows of a message: `(table, [(column, value)])` in order (for tests and tools that
/// judge rows one by one with [`bdc_adapters::province::tables::check_row`]).
pub fn data_rows(xml: &str) -> Result<Vec<DataRowText>, String> {
    let mut reader = Reader::from_str(xml);
    let mut in_data = false;
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"Data" => in_data = true,
            Ok(Event::End(e)) if e.name().as_ref() == b"Data" => in_data = false,
            Ok(Event::Empty(e)) | Ok(Event::Start(e)) if in_data => {
                let attrs = e.attributes().flatten().map(|a| (String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value().map(|v| v.into_owned()).unwrap_or_default())).collect();
                out.push((String::from_utf8_lossy(e.name().as_ref()).into_owned(), attrs));
            }
            Ok(Event::Eof) => return Ok(out),
            Ok(_) => {}
            Err(e) => return Err(format!("报文不是合法的 XML：{e}")),
        }
    }
}

pub fn check(xml: &str) -> Result<String, (&'static str, String)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut head: Vec<(String, String)> = Vec::new();
    let mut rows = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if path.last().map(String::as_str) == Some("Head") {
                    head.push((name.clone(), String::new()));
                }
                path.push(name);
            }
            Ok(Event::Empty(e)) => {
                if path.last().map(String::as_str) == Some("Data") {
                    let table = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let attrs: Vec<(String, String)> =
                        e.attributes().flatten().map(|a| (String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value().map(|v| v.into_owned()).unwrap_or_default())).collect();
                    if !attrs.iter().any(|(k, v)| k == "YSDM" && !v.is_empty()) {
                        return Err(("E201", format!("数据行 {table} 缺少要素代码 YSDM")));
                    }
                    // Each row against its national table: columns, required fields, formats.
                    if let Some(problem) = bdc_adapters::province::tables::check_row(&table, &attrs).into_iter().next() {
                        return Err(("E202", problem));
                    }
                    rows += 1;
                } else if path.last().map(String::as_str) == Some("Head") {
                    head.push((String::from_utf8_lossy(e.name().as_ref()).into_owned(), String::new()));
                }
            }
            Ok(Event::Text(t)) => {
                if path.len() >= 2 && path[path.len() - 2] == "Head" {
                    if let Some(last) = head.last_mut() {
                        last.1 = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                    }
                }
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(("E001", format!("报文不是合法的 XML：{e}"))),
        }
    }
    let names: Vec<&str> = head.iter().map(|(n, _)| n.as_str()).collect();
    if names != HEAD_FIELDS {
        return Err(("E101", format!("Head 字段缺失或顺序错误：{}", names.join(","))));
    }
    let get = |k: &str| head.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let area = get("AreaCode");
    if !digits(area, 6) {
        return Err(("E102", format!("AreaCode 应为 6 位数字：{area}")));
    }
    let id = get("BizMsgID");
    if !digits(id, 18) || !id.starts_with(area) {
        return Err(("E103", format!("BizMsgID 应为 AreaCode + yyMMdd + 6 位序号：{id}")));
    }
    if !digits(get("RecType"), 7) {
        return Err(("E104", format!("RecType 应为 7 位数字：{}", get("RecType"))));
    }
    let estate = get("EstateNum");
    if estate != "/" && estate.len() != 28 {
        return Err(("E105", format!("EstateNum 应为 28 位不动产单元号：{estate}")));
    }
    let parcel = get("ParcelID");
    if parcel != "/" && parcel.len() != 19 {
        return Err(("E106", format!("ParcelID 应为 19 位宗地代码：{parcel}")));
    }
    if chrono::NaiveDateTime::parse_from_str(get("CreateDate"), "%Y-%m-%dT%H:%M:%S").is_err() {
        return Err(("E107", format!("CreateDate 格式应为 yyyy-MM-ddTHH:mm:ss：{}", get("CreateDate"))));
    }
    if get("CertCount").parse::<u32>().is_err() || get("ProofCount").parse::<u32>().is_err() {
        return Err(("E108", "CertCount/ProofCount 应为数字".into()));
    }
    if get("DigitalSign").is_empty() || get("DigitalSign") == "/" {
        return Err(("E109", "缺少数字签名 DigitalSign".into()));
    }
    if rows == 0 {
        return Err(("E202", "Data 中没有数据行".into()));
    }
    Ok(id.to_owned())
}

/// The answer to one message.
pub fn answer(xml: &str, fallback_id: &str) -> Response {
    match check(xml) {
        Ok(id) => Response { biz_msg_id: id, success: true, code: "0000".into(), info: "接入成功".into() },
        Err((code, info)) => Response { biz_msg_id: fallback_id.to_owned(), success: false, code: code.into(), info },
    }
}

/// The sandbox's HTTP interface: `POST /api/province/messages` answers each message at once;
/// `POST /api/province/logs` takes the daily LogBiz and checks its journal checkpoint against the
/// last one it accepted ([`bdc_adapters::province::logbiz::check_log`]): 204, or 400 with the reason.
pub fn router() -> axum::Router {
    use axum::http::{header, HeaderMap};
    let accepted: std::sync::Arc<std::sync::Mutex<Option<bdc_adapters::province::logbiz::LogCheckpoint>>> = Default::default();
    axum::Router::new()
        .route(
            "/api/province/messages",
            axum::routing::post(|headers: HeaderMap, body: String| async move {
                let id = headers.get("x-biz-msg-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], render(&answer(&body, &id)))
            }),
        )
        .route(
            "/api/province/logs",
            axum::routing::post(move |body: String| async move {
                use axum::response::IntoResponse;
                let Ok(mut last) = accepted.lock() else { return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response() };
                match bdc_adapters::province::logbiz::check_log(&body, last.as_ref()) {
                    Ok(cp) => {
                        *last = Some(cp);
                        axum::http::StatusCode::NO_CONTENT.into_response()
                    }
                    Err(reason) => (axum::http::StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], reason).into_response(),
                }
            }),
        )
}

/// Answers every message under `root` that has no response yet, and every daily log
/// ([`process_logs`]); returns how many it answered.
pub async fn process(root: &Path) -> std::io::Result<usize> {
    let mut answered = process_logs(root).await?;
    let Ok(mut areas) = tokio::fs::read_dir(root).await else { return Ok(answered) };
    while let Some(area) = areas.next_entry().await? {
        let biz = area.path().join("BizMsg");
        let Ok(mut files) = tokio::fs::read_dir(&biz).await else { continue };
        while let Some(f) = files.next_entry().await? {
            let name = f.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_prefix("Biz").and_then(|n| n.strip_suffix(".xml")) else { continue };
            let rep = area.path().join("RepMsg").join(format!("Rep{id}.xml"));
            if tokio::fs::try_exists(&rep).await? {
                continue;
            }
            let xml = String::from_utf8_lossy(&tokio::fs::read(f.path()).await?).into_owned();
            let response = answer(&xml, id);
            write_atomically(&rep, render(&response).as_bytes()).await?;
            answered += 1;
        }
    }
    Ok(answered)
}

/// Answers each daily log `{root}/{AreaCode}/LogBiz/LogBiz{yyyyMMdd}.xml` that has no answer yet
/// with `LogRep{yyyyMMdd}.xml` (a `<respond>` whose BizMsgID is `LogBiz{yyyyMMdd}`): success
/// when its journal checkpoint verifies and agrees with the last one the province accepted
/// (kept in `{root}/{AreaCode}/Province/checkpoint.xml`), else failure `E401` with the reason.
pub async fn process_logs(root: &Path) -> std::io::Result<usize> {
    let mut answered = 0;
    let Ok(mut areas) = tokio::fs::read_dir(root).await else { return Ok(0) };
    while let Some(area) = areas.next_entry().await? {
        let dir = area.path().join("LogBiz");
        let Ok(mut files) = tokio::fs::read_dir(&dir).await else { continue };
        let mut names = Vec::new();
        while let Some(f) = files.next_entry().await? {
            let name = f.file_name().to_string_lossy().into_owned();
            if let Some(day) = name.strip_prefix("LogBiz").and_then(|n| n.strip_suffix(".xml")) {
                names.push(day.to_owned());
            }
        }
        // In date order, so each day is judged against the one before it.
        names.sort();
        let kept = area.path().join("Province").join("checkpoint.xml");
        for day in names {
            let rep = dir.join(format!("LogRep{day}.xml"));
            if tokio::fs::try_exists(&rep).await? {
                continue;
            }
            let xml = String::from_utf8_lossy(&tokio::fs::read(dir.join(format!("LogBiz{day}.xml"))).await?).into_owned();
            let previous = match tokio::fs::read(&kept).await {
                Ok(b) => bdc_adapters::province::logbiz::checkpoint_of(&String::from_utf8_lossy(&b)).ok().flatten(),
                Err(_) => None,
            };
            let id = format!("LogBiz{day}");
            let response = match bdc_adapters::province::logbiz::check_log(&xml, previous.as_ref()) {
                Ok(cp) => {
                    write_atomically(&kept, format!("<LogBiz>\n{}</LogBiz>\n", cp.to_xml()).as_bytes()).await?;
                    Response { biz_msg_id: id, success: true, code: "0000".into(), info: "登簿日志接收成功，账本检查点核验通过".into() }
                }
                Err(reason) => Response { biz_msg_id: id, success: false, code: "E401".into(), info: reason },
            };
            write_atomically(&rep, render(&response).as_bytes()).await?;
            answered += 1;
        }
    }
    Ok(answered)
}

/// Delivers a list of inconsistent records, as the province does each day:
/// `{root}/{AreaCode}/Reconcile/Check{date}.xml`.
pub async fn deliver_inconsistencies(root: &Path, list: &bdc_adapters::province::reconcile::List) -> std::io::Result<()> {
    let path = root.join(&list.area_code).join("Reconcile").join(format!("Check{}.xml", list.list_date));
    write_atomically(&path, bdc_adapters::province::reconcile::render(list).as_bytes()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_adapters::province::message::{AccessMessage, DataRow, Head};

    fn good() -> AccessMessage {
        AccessMessage {
            head: Head {
                biz_msg_id: "320402261125000001".into(),
                area_code: "320402".into(),
                rec_type: "1000402".into(),
                right_type: "4".into(),
                reg_type: "100".into(),
                create_date: "2026-11-25T10:00:00".into(),
                rec_flow_id: "32040220261125000001".into(),
                estate_num: "320402001001GB00001F00010001".into(),
                parcel_id: "320402001001GB00001".into(),
                cert_count: 1,
                ..Default::default()
            },
            rows: vec![DataRow {
                table: "DJT_DJ_SL",
                attrs: vec![
                    ("YSDM", "6004020000".into()),
                    ("YWH", "32040220261125000001".into()),
                    ("DJDL", "100".into()),
                    ("ZL", "常州市天宁区青洋北路1号1幢101室".into()),
                    ("AJZT", "2".into()),
                    ("SLSJ", "2026-11-25".into()),
                    ("QXDM", "320402".into()),
                ],
            }],
        }
    }

    #[test]
    fn accepts_a_well_formed_message_and_names_what_is_wrong_otherwise() {
        let xml = good().to_xml(|_| "abcd".into());
        assert_eq!(check(&xml), Ok("320402261125000001".into()));
        let swapped = xml.replace("<RecType>1000402</RecType>\n<RightType>4</RightType>", "<RightType>4</RightType>\n<RecType>1000402</RecType>");
        assert_eq!(check(&swapped).unwrap_err().0, "E101");
        let mut m = good();
        m.head.estate_num = "320402".into();
        assert_eq!(check(&m.to_xml(|_| "s".into())).unwrap_err().0, "E105");
        assert_eq!(check(&good().to_xml(|_| String::new())).unwrap_err().0, "E109");
        assert_eq!(check("<Message><Head>").unwrap_err().0, "E101");
        // A row is judged against its national table.
        let mut m = good();
        m.rows[0].attrs.push(("DJLX", "100".into()));
        assert_eq!(check(&m.to_xml(|_| "s".into())), Err(("E202", "DJT_DJ_SL.DJLX 不是该表的字段".into())));
    }
}
