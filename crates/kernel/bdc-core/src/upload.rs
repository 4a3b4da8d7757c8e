//! An uploaded file as a form hands it in (上传文件), and the limits every context's uploads obey:
//! the forms reader (`bdc_http::forms`) enforces them while reading, the use cases again before
//! anything is stored.

/// The largest file accepted (10 MiB): a scanned multi-page PDF at 300 dpi fits.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// At most this many files per owner (one application, one case, one draft).
pub const MAX_FILES_PER_OWNER: usize = 60;

/// A file as received from a form, under the material (申请材料) it answers.
#[derive(Debug, Clone)]
pub struct Upload {
    pub material_code: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}
