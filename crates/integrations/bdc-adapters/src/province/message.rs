//! The access message (接入报文): `<Message><Head>…</Head><Data>…</Data></Message>`.

use quick_xml::escape::escape;

/// Head fields in the order the national format requires.
pub const HEAD_FIELDS: &[&str] = &[
    "BizMsgID",
    "ASID",
    "AreaCode",
    "RecType",
    "RightType",
    "RegType",
    "CreateDate",
    "RecFlowID",
    "RegOrgID",
    "ParcelID",
    "EstateNum",
    "PreEstateNum",
    "CertCount",
    "ProofCount",
    "PreCertID",
    "DigitalSign",
];

/// The Head of a message. Empty values are written as `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// AreaCode(6) + yyMMdd + 6-digit daily sequence.
    pub biz_msg_id: String,
    pub area_code: String,
    /// 7 digits: registration type digit + 4-digit right group + 2-digit subtype.
    pub rec_type: String,
    pub right_type: String,
    pub reg_type: String,
    /// `yyyy-MM-ddTHH:mm:ss`.
    pub create_date: String,
    /// 业务号.
    pub rec_flow_id: String,
    pub reg_org_id: String,
    pub parcel_id: String,
    pub estate_num: String,
    /// Comma-joined previous unit numbers.
    pub pre_estate_num: String,
    pub cert_count: u32,
    pub proof_count: u32,
    pub pre_cert_id: String,
}

/// One row of a national exchange table, its columns as attributes in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRow {
    pub table: &'static str,
    pub attrs: Vec<(&'static str, String)>,
}

/// A complete message before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessMessage {
    pub head: Head,
    pub rows: Vec<DataRow>,
}

fn or_slash(v: &str) -> &str {
    if v.trim().is_empty() {
        "/"
    } else {
        v
    }
}

impl AccessMessage {
    fn head_values(&self) -> Vec<(&'static str, String)> {
        let h = &self.head;
        vec![
            ("BizMsgID", h.biz_msg_id.clone()),
            ("ASID", "AS100".into()),
            ("AreaCode", h.area_code.clone()),
            ("RecType", h.rec_type.clone()),
            ("RightType", h.right_type.clone()),
            ("RegType", h.reg_type.clone()),
            ("CreateDate", h.create_date.clone()),
            ("RecFlowID", h.rec_flow_id.clone()),
            ("RegOrgID", h.reg_org_id.clone()),
            ("ParcelID", h.parcel_id.clone()),
            ("EstateNum", h.estate_num.clone()),
            ("PreEstateNum", h.pre_estate_num.clone()),
            ("CertCount", h.cert_count.to_string()),
            ("ProofCount", h.proof_count.to_string()),
            ("PreCertID", h.pre_cert_id.clone()),
        ]
    }

    /// The XML with `sign` applied: the signature covers the whole message written with an
    /// empty `DigitalSign`, so a verifier blanks that element and checks the rest.
    pub fn to_xml(&self, sign: impl FnOnce(&[u8]) -> String) -> String {
        let unsigned = self.render("");
        let signature = sign(unsigned.as_bytes());
        self.render(&signature)
    }

    fn render(&self, signature: &str) -> String {
        let mut out = String::with_capacity(2048);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n<Head>\n");
        for (k, v) in self.head_values() {
            out.push_str(&format!("<{k}>{}</{k}>\n", escape(or_slash(&v))));
        }
        out.push_str(&format!("<DigitalSign>{}</DigitalSign>\n</Head>\n<Data>\n", escape(signature)));
        for r in &self.rows {
            out.push('<');
            out.push_str(r.table);
            for (k, v) in &r.attrs {
                out.push_str(&format!(" {k}=\"{}\"", escape(or_slash(v))));
            }
            out.push_str("/>\n");
        }
        out.push_str("</Data>\n</Message>\n");
        out
    }
}

/// The message text with the signature blanked, and the signature: what a verifier checks.
pub fn split_signature(xml: &str) -> Option<(String, String)> {
    let start = xml.find("<DigitalSign>")? + "<DigitalSign>".len();
    let end = xml[start..].find("</DigitalSign>")? + start;
    let signature = xml[start..end].to_owned();
    Some((format!("{}{}", &xml[..start], &xml[end..]), signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_fields_come_in_order_with_slashes_for_empty_values_and_a_verifiable_signature() {
        let m = AccessMessage {
            head: Head { biz_msg_id: "320402261125000001".into(), area_code: "320402".into(), rec_type: "2000402".into(), ..Default::default() },
            rows: vec![DataRow { table: "DJT_DJ_SL", attrs: vec![("YSDM", "6004020000".into()), ("YWH", "a&b".into()), ("BZ", String::new())] }],
        };
        let xml = m.to_xml(|bytes| format!("sig-of-{}", bytes.len()));
        let positions: Vec<usize> = HEAD_FIELDS.iter().map(|f| xml.find(&format!("<{f}>")).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
        assert!(xml.contains("<PreEstateNum>/</PreEstateNum>"));
        assert!(xml.contains(r#"YWH="a&amp;b""#) && xml.contains(r#"BZ="/""#));
        let (unsigned, sig) = split_signature(&xml).unwrap();
        assert_eq!(sig, format!("sig-of-{}", unsigned.len()));
    }
}
