//! The province's daily list of inconsistent records (销账清单).
//!
//! `<InconsistencyList AreaCode="320402" ListDate="2026-11-25"><Item BizMsgID="…" YWH="…"
//! BDCDYH="…" ResponseCode="…" ResponseInfo="…" Cause="4"/>…</InconsistencyList>`; Cause is
//! 1 接入失败, 2 入库失败, 3 未上报, 4 比对不一致.

use quick_xml::escape::escape;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One inconsistent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub biz_msg_id: String,
    pub case_number: String,
    pub unit_number: String,
    pub response_code: String,
    pub response_info: String,
    pub cause: i64,
}

/// A day's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub area_code: String,
    pub list_date: String,
    pub items: Vec<Item>,
}

pub fn render(l: &List) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InconsistencyList AreaCode=\"{}\" ListDate=\"{}\">\n", escape(&l.area_code), escape(&l.list_date));
    for i in &l.items {
        out.push_str(&format!(
            "<Item BizMsgID=\"{}\" YWH=\"{}\" BDCDYH=\"{}\" ResponseCode=\"{}\" ResponseInfo=\"{}\" Cause=\"{}\"/>\n",
            escape(&i.biz_msg_id),
            escape(&i.case_number),
            escape(&i.unit_number),
            escape(&i.response_code),
            escape(&i.response_info),
            i.cause
        ));
    }
    out.push_str("</InconsistencyList>\n");
    out
}

/// Parses a list; a malformed one is refused with the reason (and kept raw by the caller).
pub fn parse(xml: &str) -> Result<List, String> {
    let mut reader = Reader::from_str(xml);
    let mut list: Option<List> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let attrs: Vec<(String, String)> =
                    e.attributes().flatten().map(|a| (String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value().map(|v| v.into_owned()).unwrap_or_default())).collect();
                let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
                match e.name().as_ref() {
                    b"InconsistencyList" => list = Some(List { area_code: get("AreaCode"), list_date: get("ListDate"), items: Vec::new() }),
                    b"Item" => {
                        let l = list.as_mut().ok_or("Item 出现在 InconsistencyList 之外")?;
                        let cause: i64 = get("Cause").parse().map_err(|_| format!("Cause 无效：{}", get("Cause")))?;
                        if !(1..=4).contains(&cause) {
                            return Err(format!("Cause 无效：{cause}"));
                        }
                        l.items.push(Item {
                            biz_msg_id: get("BizMsgID"),
                            case_number: get("YWH"),
                            unit_number: get("BDCDYH"),
                            response_code: get("ResponseCode"),
                            response_info: get("ResponseInfo"),
                            cause,
                        });
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("清单不是合法的 XML：{e}")),
        }
    }
    let l = list.ok_or("缺少 InconsistencyList 根元素")?;
    if chrono::NaiveDate::parse_from_str(&l.list_date, "%Y-%m-%d").is_err() {
        return Err(format!("ListDate 无效：{}", l.list_date));
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let l = List {
            area_code: "320402".into(),
            list_date: "2026-11-25".into(),
            items: vec![Item {
                biz_msg_id: "320402261125000001".into(), case_number: "x".into(), unit_number: "u".into(), response_code: "C4".into(), response_info: "权利人不一致".into(), cause: 4
            }],
        };
        assert_eq!(parse(&render(&l)).unwrap(), l);
        assert!(parse("<InconsistencyList AreaCode=\"1\" ListDate=\"bad\"/>").is_err());
        assert!(parse("<Item Cause=\"1\"/>").is_err());
        assert!(parse(&render(&l).replace("Cause=\"4\"", "Cause=\"9\"")).is_err());
    }
}
