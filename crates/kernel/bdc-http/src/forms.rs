//! Forms as the pages and the API receive them (表单读取): `multipart/form-data` read field by
//! field with text hygiene and limits, the uploads a form carries, and percent-encoding for the
//! URLs and `Content-Disposition` names built from what users typed.

use axum::extract::multipart::Multipart;
use axum::http::StatusCode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use bdc_core::upload::{self as materials, Upload};

/// Everything but letters, digits, `-` and `_` is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// Percent-encodes `s` for a URL path or query component, or a `filename*` (RFC 5987).
pub fn urlencode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// The largest upload form accepted (several scanned materials at once).
pub const FORM_LIMIT: usize = 64 * 1024 * 1024;

/// A submitted form: its text fields in order and its files.
#[derive(Debug, Default)]
pub struct Submitted {
    pub fields: Vec<(String, String)>,
    /// `(field name, file name, bytes)`; file inputs left empty are not here.
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Submitted {
    /// A url-encoded form's pairs (no files).
    pub fn from_pairs(fields: Vec<(String, String)>) -> Submitted {
        Submitted { fields, files: Vec::new() }
    }

    /// The first value of a text field, or "".
    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// Files of inputs named `{prefix}{material code}`, as uploads for that material.
    pub fn uploads(&self, prefix: &str) -> Vec<Upload> {
        self.files.iter().filter_map(|(k, name, bytes)| k.strip_prefix(prefix).map(|code| Upload { material_code: code.to_owned(), file_name: name.clone(), bytes: bytes.clone() })).collect()
    }
}

impl Submitted {
    /// The files of the input `field`, all as uploads for the material named in the text field
    /// `material` (the "add materials" forms: one material chosen, several files).
    pub fn uploads_for_chosen_material(&self, field: &str, material: &str) -> Vec<Upload> {
        let code = self.get(material);
        self.files.iter().filter(|(k, _, _)| k == field).map(|(_, name, bytes)| Upload { material_code: code.clone(), file_name: name.clone(), bytes: bytes.clone() }).collect()
    }
}

/// Reads a multipart form; the error is the sentence to show (too large, broken).
pub async fn read(mp: Multipart) -> Result<Submitted, String> {
    match read_partial(mp).await {
        (form, None) => Ok(form),
        (_, Some(e)) => Err(e),
    }
}

/// Why reading a multipart form stopped (its sentence is what the user is shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Past the body limit (413).
    TooLarge,
    /// Not a readable multipart body.
    Broken,
    /// A field name, file name or text value holds a forbidden character (文本净化).
    ForbiddenText(String),
    /// More files or fields than one submission may carry.
    TooMany,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge => write!(f, "上传内容过大：单个文件不超过 {} MB，请压缩或分次上传", materials::MAX_FILE_BYTES / 1024 / 1024),
            ReadError::Broken => f.write_str("表单内容无法读取，请重新提交"),
            ReadError::ForbiddenText(s) => f.write_str(s),
            ReadError::TooMany => write!(f, "一次最多提交 {} 个文件", materials::MAX_FILES_PER_OWNER),
        }
    }
}

/// Reads a multipart form as far as it goes: what was read before it stopped (so typed values
/// can be shown again), and why it stopped, if it did.
pub async fn read_partial(mp: Multipart) -> (Submitted, Option<String>) {
    let (form, e) = read_form(mp).await;
    (form, e.map(|e| e.to_string()))
}

/// [`read_partial`] with the reason as a value, for the API's problems.
pub async fn read_form(mut mp: Multipart) -> (Submitted, Option<ReadError>) {
    let mut out = Submitted::default();
    let broken = |e: axum::extract::multipart::MultipartError| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { ReadError::TooLarge } else { ReadError::Broken };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return (out, Some(broken(e))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return (out, Some(broken(e))),
        };
        // Text hygiene (文本净化) for multipart forms, as the hygiene layer does for the others.
        let text = if file_name.is_none() { Some(String::from_utf8_lossy(&bytes).into_owned()) } else { None };
        for value in [Some(&name), file_name.as_ref(), text.as_ref()].into_iter().flatten() {
            if let Err(e) = bdc_core::text::check(value) {
                return (out, Some(ReadError::ForbiddenText(format!("字段 {name}：{e}"))));
            }
        }
        match file_name {
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(f) => out.files.push((name, f, bytes.to_vec())),
            None => out.fields.push((name, text.unwrap_or_default())),
        }
        if out.fields.len() > 500 || out.files.len() > materials::MAX_FILES_PER_OWNER {
            return (out, Some(ReadError::TooMany));
        }
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn names_typed_in_chinese_survive_a_url() {
        assert_eq!(urlencode("苏(2026)常州市不动产权第0000001号"), "%E8%8B%8F%282026%29%E5%B8%B8%E5%B7%9E%E5%B8%82%E4%B8%8D%E5%8A%A8%E4%BA%A7%E6%9D%83%E7%AC%AC0000001%E5%8F%B7");
        assert_eq!(urlencode("seizure-blocks_2 a"), "seizure-blocks_2%20a");
    }
}
