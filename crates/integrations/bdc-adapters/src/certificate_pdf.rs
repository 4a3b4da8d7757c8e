//! Electronic certificate PDFs (电子证照): 不动产权证书 and 不动产登记证明 as an A4 page.
//!
//! The layout follows the national forms (国家统一制式): the title, the certificate number, a
//! two-column bordered table whose labels and order are those of the paper form, the 附记 box,
//! and at the bottom the 登簿机构 with the date beside a QR code that carries the signed
//! verification payload. The field labels are fixed text here on purpose: a reader of the PDF
//! (and the provincial checks) expect exactly the national wording.
//!
//! Text is laid out by hand because krilla draws single lines only. Values are wrapped by
//! measuring glyph advances in the very font that is embedded (with skrifa, krilla's own font
//! reader), breaking between any two Chinese characters but keeping ASCII words such as
//! `GB00001` whole, and never starting a line with closing punctuation (避头点). A value that
//! does not fit on the page continues on a following page with the label marked （续）.
//!
//! krilla subsets and embeds the font (with a ToUnicode map, so the text can be searched and
//! copied). Every character must exist in the font: a missing glyph would print as an empty box
//! on a legal document, so it is an error naming the character and the field instead.

use std::path::{Path, PathBuf};

use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::pdf_common::{baseline_in, chinese_date, fill, normalise, qr_matrix, qr_squares, stroke, Colour, Measure, QrMatrix, QR_QUIET};

/// Which document (证书种类).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateKind {
    /// 不动产权证书: proves a right (所有权, 使用权…).
    Title,
    /// 不动产登记证明: proves a registered matter (抵押权, 预告登记, 异议登记…).
    Proof,
}

impl CertificateKind {
    /// The heading printed on the page (证书名称).
    pub fn heading(self) -> &'static str {
        match self {
            CertificateKind::Title => "不动产权证书",
            CertificateKind::Proof => "不动产登记证明",
        }
    }
}

/// What one certificate shows (证书内容). All fields are display text, already formatted by the
/// caller; empty fields print as empty cells, as on the paper form. `other` and `note` may hold
/// several lines separated by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDoc {
    pub kind: CertificateKind,
    /// 证书号, e.g. 苏(2026)常州市不动产权第0000001号.
    pub number: String,
    /// 登簿机构, e.g. 常州市不动产登记中心.
    pub authority: String,
    /// 登簿日期 as `YYYY-MM-DD`; printed as 2026年11月25日.
    pub issued_on: String,
    /// 权利人 (for a Proof: 权利人（申请人）).
    pub holders: String,
    /// 共有情况 (Title only).
    pub co_ownership: String,
    /// 坐落.
    pub location: String,
    /// 不动产单元号.
    pub unit_number: String,
    /// 权利类型 (for a Proof: 证明权利或事项).
    pub right_kind: String,
    /// 权利性质 (Title only).
    pub right_nature: String,
    /// 用途 (Title only).
    pub usage: String,
    /// 面积 (Title only).
    pub area: String,
    /// 使用期限 (Title only).
    pub term: String,
    /// 权利其他状况 (for a Proof: 其他). Multi-line, may be long.
    pub other: String,
    /// 附记. Multi-line.
    pub note: String,
    /// 义务人 (Proof only).
    pub obligors: String,
    /// Text carried by the QR code: the SM2-signed verification payload, opaque ASCII.
    pub qr_payload: String,
}

/// Why a certificate PDF could not be made (证书 PDF 生成失败).
#[derive(Debug, thiserror::Error)]
pub enum CertificatePdfError {
    #[error(
        "找不到证书字体文件 {path}：请先运行 `bash scripts/setup-web.sh` 安装文泉驿微米黑，\
         或用配置项 cjk_font（环境变量 BDC_CJK_FONT）指定一个中文 TrueType 字体"
    )]
    FontMissing {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("证书字体无法读取（字体集第 {index} 个字体）：{detail}")]
    BadFont { index: u32, detail: String },
    #[error("证书字体缺少字符「{ch}」（U+{code:04X}），无法印制{field}；请改用收录该字的字体")]
    MissingGlyph { field: String, ch: char, code: u32 },
    #[error("登簿日期「{0}」不是 YYYY-MM-DD 格式的日期")]
    BadDate(String),
    #[error("二维码内容无法编码（{len} 字节）")]
    QrCode {
        len: usize,
        #[source]
        source: qrcode::types::QrError,
    },
    #[error("证书 PDF 生成失败")]
    Pdf(#[source] krilla::error::KrillaError),
}

/// Where `scripts/setup-web.sh` installs the font (Debian `fonts-wqy-microhei`).
pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// The CJK font certificates are printed in (证书字体): a `.ttf`/`.ttc` file and the face in it.
/// Settings `cjk_font` and `cjk_font_index`; by default the font the setup step installs,
/// [`DEFAULT_FONT_PATH`] face 0 (WenQuanYi Micro Hei, the proportional face).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CjkFont {
    pub path: PathBuf,
    /// The face within a font collection (`.ttc`); 0 for a single font.
    pub index: u32,
}

impl Default for CjkFont {
    fn default() -> Self {
        CjkFont { path: PathBuf::from(DEFAULT_FONT_PATH), index: 0 }
    }
}

impl CjkFont {
    /// Reads the font file and checks that the face parses, so a wrong file fails with its path.
    pub fn load(&self) -> Result<(Vec<u8>, u32), CertificatePdfError> {
        let bytes = std::fs::read(Path::new(&self.path)).map_err(|source| CertificatePdfError::FontMissing { path: self.path.clone(), source })?;
        Measure::new(&bytes, self.index)?;
        Ok((bytes, self.index))
    }
}

/// Renders the certificate as a PDF (A4 portrait, one page unless a value is very long).
///
/// `font` is the whole font file (a `.ttf` or `.ttc`), `font_index` its face; see
/// [`CjkFont::load`]. Only the glyphs used are embedded.
pub fn render(doc: &CertificateDoc, font: &[u8], font_index: u32) -> Result<Vec<u8>, CertificatePdfError> {
    let measure = Measure::new(font, font_index)?;
    let issued_on = chinese_date(&doc.issued_on)?;
    let qr = qr_matrix(&doc.qr_payload)?;

    let heading = doc.kind.heading();
    let number = normalise(&doc.number);
    let authority_line = format!("登簿机构：{}", normalise(&doc.authority));
    let date_line = format!("日期：{issued_on}");
    for (field, text) in
        [("证书名称", heading), ("证书号", number.as_str()), ("登簿机构", authority_line.as_str()), ("登簿日期", date_line.as_str()), ("核验提示", VERIFY_HINT), ("页码", "第页共续（）0123456789")]
    {
        measure.check(field, text)?;
    }

    let blocks = blocks(doc, &measure)?;
    let pages = paginate(&blocks);
    let footer = Footer { authority: measure.wrap(&authority_line, FOOTER_TEXT_WIDTH, FOOTER_SIZE), date: date_line, qr };

    let krilla_font = Font::new(font.to_vec().into(), font_index).ok_or_else(|| CertificatePdfError::BadFont { index: font_index, detail: "krilla 无法解析该字体".into() })?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("{heading} {number}")).language("zh-CN".to_owned()).creator("BDC 不动产登记系统".to_owned()));
    let page_count = pages.len();
    for (page_no, placed) in pages.iter().enumerate() {
        // A4 is valid, so `from_wh` cannot fail; krilla's default page is A4 as well.
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).unwrap_or_default();
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut pen = Pen { surface: &mut surface, font: &krilla_font, measure: &measure };
        pen.frame();
        pen.header(heading, &number, page_no > 0);
        pen.blocks(placed);
        if page_no + 1 == page_count {
            pen.footer(&footer);
        }
        if page_count > 1 {
            let text = format!("第{}页 共{}页", page_no + 1, page_count);
            let y = PAGE_H - FRAME_INSET - 10.0;
            pen.text_centred(&text, PAGE_W / 2.0, y, HINT_SIZE, GREY);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(CertificatePdfError::Pdf)
}

// --- Page geometry (points, origin top-left, y down as in krilla) ------------------------------

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// The decorative double frame of the official form sits this far inside the paper edge.
const FRAME_INSET: f32 = 28.0;
/// Content margin (about 22 mm), inside the frame.
const MARGIN: f32 = 62.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

const TITLE_SIZE: f32 = 28.0;
const NUMBER_SIZE: f32 = 12.0;
/// Where the table starts on the first page and on continuation pages (below a smaller header).
const BODY_TOP: f32 = 146.0;
const BODY_TOP_CONTINUED: f32 = 120.0;

const TEXT_SIZE: f32 = 11.0;
const LINE_H: f32 = TEXT_SIZE * 1.5;
const LABEL_W: f32 = 118.0;
const PAD_X: f32 = 8.0;
const PAD_Y: f32 = 5.5;
/// Short values still get a row tall enough to write in, as on the paper form.
const MIN_ROW_H: f32 = 28.0;
/// 附记 has room for later notes (a box of its own on the 证书, the last row of the 证明).
const NOTE_MIN_H: f32 = 72.0;
const NOTE_ROW_MIN_H: f32 = 56.0;
const NOTE_GAP: f32 = 12.0;
const VALUE_W: f32 = CONTENT_W - LABEL_W - 2.0 * PAD_X;
const BOX_TEXT_W: f32 = CONTENT_W - 2.0 * PAD_X;

/// The QR code with its quiet zone (4 modules, as ISO/IEC 18004 requires): 38 mm, so that a
/// 400-character payload (about 73 modules a side at level M) still has 0.45 mm modules.
const QR_SIZE: f32 = 108.0;
/// The code sits low, its quiet zone reaching into the margin, to leave the body more room.
const QR_TOP: f32 = PAGE_H - 48.0 - QR_SIZE;
const FOOTER_SIZE: f32 = 12.0;
const FOOTER_TEXT_WIDTH: f32 = CONTENT_W - QR_SIZE - 24.0;
const HINT_SIZE: f32 = 9.0;
/// The body ends above the footer band on every page, so continuation never overlaps it.
const BODY_BOTTOM: f32 = QR_TOP - 16.0;

const VERIFY_HINT: &str = "扫描二维码或登录线上苏小登核验证书真伪";

const BLACK: Colour = (0, 0, 0);
const GREY: Colour = (90, 90, 90);
/// The frame colour of the paper forms (a dark 证书红), kept sober for printing.
const FRAME: Colour = (150, 40, 40);
const LABEL_SHADE: Colour = (243, 243, 243);

// --- Content --------------------------------------------------------------------------------

/// How a block is drawn: a table row (label | value) or a box of its own (附记 of a Title).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Row,
    Box,
}

/// One field with its value already wrapped to lines.
#[derive(Debug, Clone)]
struct Block {
    label: &'static str,
    lines: Vec<String>,
    style: Style,
    min_height: f32,
}

impl Block {
    /// The box prints its label as a line above the text; a row prints it beside.
    fn label_height(&self) -> f32 {
        match self.style {
            Style::Row => 0.0,
            Style::Box => LINE_H,
        }
    }

    /// Space kept above the block: rows join up into one table, the box stands apart.
    fn gap(&self) -> f32 {
        match self.style {
            Style::Row => 0.0,
            Style::Box => NOTE_GAP,
        }
    }

    /// Height of `n` of its lines, including padding (and the box's label line).
    fn height_for(&self, n: usize) -> f32 {
        (n as f32 * LINE_H + self.label_height() + 2.0 * PAD_Y).max(self.min_height)
    }
}

/// The national layout: labels, order and which value goes where.
fn blocks(doc: &CertificateDoc, m: &Measure) -> Result<Vec<Block>, CertificatePdfError> {
    let fields: Vec<(&'static str, &str, Style)> = match doc.kind {
        CertificateKind::Title => vec![
            ("权利人", &doc.holders, Style::Row),
            ("共有情况", &doc.co_ownership, Style::Row),
            ("坐落", &doc.location, Style::Row),
            ("不动产单元号", &doc.unit_number, Style::Row),
            ("权利类型", &doc.right_kind, Style::Row),
            ("权利性质", &doc.right_nature, Style::Row),
            ("用途", &doc.usage, Style::Row),
            ("面积", &doc.area, Style::Row),
            ("使用期限", &doc.term, Style::Row),
            ("权利其他状况", &doc.other, Style::Row),
            ("附记", &doc.note, Style::Box),
        ],
        CertificateKind::Proof => vec![
            ("证明权利或事项", &doc.right_kind, Style::Row),
            ("权利人（申请人）", &doc.holders, Style::Row),
            ("义务人", &doc.obligors, Style::Row),
            ("坐落", &doc.location, Style::Row),
            ("不动产单元号", &doc.unit_number, Style::Row),
            ("其他", &doc.other, Style::Row),
            ("附记", &doc.note, Style::Row),
        ],
    };
    fields
        .into_iter()
        .map(|(label, value, style)| {
            let value = normalise(value);
            m.check(label, label)?;
            m.check(label, &value)?;
            let width = if style == Style::Row { VALUE_W } else { BOX_TEXT_W };
            let min_height = match (style, label) {
                (Style::Box, _) => NOTE_MIN_H,
                (Style::Row, "附记") => NOTE_ROW_MIN_H,
                (Style::Row, _) => MIN_ROW_H,
            };
            Ok(Block { label, lines: m.wrap(&value, width, TEXT_SIZE), style, min_height })
        })
        .collect()
}

/// A block, or the part of it that fits, at its place on a page.
#[derive(Debug, Clone)]
struct Placed {
    label: String,
    lines: Vec<String>,
    style: Style,
    top: f32,
    height: f32,
}

/// Places blocks top to bottom, starting a new page when the next one does not fit. A block
/// taller than the space left is split between lines (keeping at least two lines on each side
/// where possible); its continuation is labelled （续）.
fn paginate(blocks: &[Block]) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = BODY_TOP;
    for block in blocks {
        let gap = block.gap();
        let mut rest: &[String] = &block.lines;
        let mut continued = false;
        loop {
            let space = BODY_BOTTOM - (y + gap);
            let page_is_empty = pages.last().is_none_or(|p| p.is_empty());
            let label = if continued { format!("{}（续）", block.label) } else { block.label.to_owned() };
            let place = |lines: &[String], height: f32| Placed { label: label.clone(), lines: lines.to_vec(), style: block.style, top: y + gap, height };
            let height = block.height_for(rest.len());
            if height <= space {
                push(&mut pages, place(rest, height));
                y += gap + height;
                break;
            }
            // Split only if both parts keep two lines (no orphan or widow line), or if the block
            // would not fit on an empty page either.
            let room = space - 2.0 * PAD_Y - block.label_height();
            let fit = ((room / LINE_H).floor().max(0.0) as usize).min(rest.len());
            let keeps_two = fit >= 2 && rest.len() - fit >= 2;
            if fit > 0 && (keeps_two || page_is_empty) {
                let (now, later) = rest.split_at(fit);
                push(&mut pages, place(now, block.height_for(now.len()).min(space)));
                rest = later;
                continued = true;
            }
            pages.push(Vec::new());
            y = BODY_TOP_CONTINUED;
        }
    }
    pages
}

fn push(pages: &mut [Vec<Placed>], placed: Placed) {
    if let Some(page) = pages.last_mut() {
        page.push(placed);
    }
}

/// What goes in the footer band of the last page.
struct Footer {
    authority: Vec<String>,
    date: String,
    qr: QrMatrix,
}

// --- Drawing -----------------------------------------------------------------------------------

/// Draws on one page. krilla draws text with the current fill *and* stroke, and paths with both
/// as well, so every helper sets both explicitly rather than relying on earlier state.
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: &'a Font,
    measure: &'a Measure<'a>,
}

impl Pen<'_, '_> {
    fn frame(&mut self) {
        let outer = FRAME_INSET;
        let inner = FRAME_INSET + 4.0;
        self.rect_stroke(outer, outer, PAGE_W - 2.0 * outer, PAGE_H - 2.0 * outer, 1.6, FRAME);
        self.rect_stroke(inner, inner, PAGE_W - 2.0 * inner, PAGE_H - 2.0 * inner, 0.6, FRAME);
    }

    fn header(&mut self, heading: &str, number: &str, continued: bool) {
        if continued {
            let text = format!("{heading}（续页）");
            self.text_centred(&text, PAGE_W / 2.0, 84.0, 16.0, BLACK);
            self.text_centred(number, PAGE_W / 2.0, 104.0, NUMBER_SIZE, BLACK);
        } else {
            // The face has no bold; a thin outline over the fill thickens the strokes and keeps
            // the title one run of real text.
            let width = self.measure.width(heading, TITLE_SIZE);
            self.surface.set_fill(Some(fill(BLACK)));
            self.surface.set_stroke(Some(stroke(0.6, BLACK)));
            self.surface.draw_text(Point::from_xy((PAGE_W - width) / 2.0, 98.0), self.font.clone(), TITLE_SIZE, heading, false, TextDirection::Auto);
            self.text_centred(number, PAGE_W / 2.0, 126.0, NUMBER_SIZE, BLACK);
        }
    }

    fn blocks(&mut self, placed: &[Placed]) {
        let left = MARGIN;
        let right = MARGIN + CONTENT_W;
        let divider = left + LABEL_W;
        // Label cells shaded first, so the rules are drawn over them.
        for p in placed.iter().filter(|p| p.style == Style::Row) {
            self.rect_fill(left, p.top, LABEL_W, p.height, LABEL_SHADE);
        }
        // The table: each maximal run of rows is one bordered table.
        let mut i = 0;
        while i < placed.len() {
            if placed[i].style != Style::Row {
                i += 1;
                continue;
            }
            let start = i;
            while i < placed.len() && placed[i].style == Style::Row {
                i += 1;
            }
            let rows = &placed[start..i];
            let top = rows[0].top;
            let bottom = rows[rows.len() - 1].top + rows[rows.len() - 1].height;
            for row in &rows[1..] {
                self.line(left, row.top, right, row.top, 0.6);
            }
            self.line(divider, top, divider, bottom, 0.6);
            self.rect_stroke(left, top, CONTENT_W, bottom - top, 1.2, BLACK);
        }
        for p in placed {
            match p.style {
                Style::Row => {
                    let label_y = p.top + p.height / 2.0;
                    self.text_centred_v(&p.label, left + LABEL_W / 2.0, label_y, TEXT_SIZE);
                    let block_h = p.lines.len() as f32 * LINE_H;
                    let first = p.top + (p.height - block_h) / 2.0;
                    for (n, line) in p.lines.iter().enumerate() {
                        let baseline = baseline(first + n as f32 * LINE_H, TEXT_SIZE);
                        self.text(line, divider + PAD_X, baseline, TEXT_SIZE, BLACK);
                    }
                }
                Style::Box => {
                    self.rect_stroke(left, p.top, CONTENT_W, p.height, 1.2, BLACK);
                    let first = p.top + PAD_Y;
                    self.text(&p.label, left + PAD_X, baseline(first, TEXT_SIZE), TEXT_SIZE, BLACK);
                    for (n, line) in p.lines.iter().enumerate() {
                        let top = first + (n + 1) as f32 * LINE_H;
                        self.text(line, left + PAD_X, baseline(top, TEXT_SIZE), TEXT_SIZE, BLACK);
                    }
                }
            }
        }
    }

    fn footer(&mut self, footer: &Footer) {
        let qr_left = MARGIN + CONTENT_W - QR_SIZE;
        let squares = qr_squares(&footer.qr, qr_left, QR_TOP, QR_SIZE);
        let mut pb = PathBuilder::new();
        for sq in &squares {
            if let Some(rect) = Rect::from_xywh(sq.x, sq.y, sq.size, sq.size) {
                pb.push_rect(rect);
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(BLACK)));
            self.surface.draw_path(&path);
        }

        let line_h = FOOTER_SIZE * 1.7;
        let mut top = QR_TOP + 16.0;
        for line in &footer.authority {
            let y = baseline_in(top, line_h, FOOTER_SIZE);
            self.text(line, MARGIN, y, FOOTER_SIZE, BLACK);
            top += line_h;
        }
        let y = baseline_in(top, line_h, FOOTER_SIZE);
        self.text(&footer.date, MARGIN, y, FOOTER_SIZE, BLACK);
        // The hint's baseline lines up with the bottom edge of the code's dark modules.
        let module = QR_SIZE / (footer.qr.width + 2 * QR_QUIET) as f32;
        let hint_y = QR_TOP + QR_SIZE - QR_QUIET as f32 * module;
        self.text(VERIFY_HINT, MARGIN, hint_y, HINT_SIZE, GREY);
    }

    fn text(&mut self, text: &str, x: f32, baseline: f32, size: f32, colour: Colour) {
        if text.is_empty() {
            return;
        }
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(colour)));
        self.surface.draw_text(Point::from_xy(x, baseline), self.font.clone(), size, text, false, TextDirection::Auto);
    }

    fn text_centred(&mut self, text: &str, cx: f32, baseline: f32, size: f32, c: Colour) {
        let width = self.measure.width(text, size);
        self.text(text, cx - width / 2.0, baseline, size, c);
    }

    /// One line centred both ways on (`cx`, `cy`), for the label cells.
    fn text_centred_v(&mut self, text: &str, cx: f32, cy: f32, size: f32) {
        let base = baseline(cy - LINE_H / 2.0, size);
        self.text_centred(text, cx, base, size, BLACK);
    }

    fn rect_stroke(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, c: Colour) {
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(rect);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(width, c)));
            self.surface.draw_path(&path);
        }
    }

    fn rect_fill(&mut self, x: f32, y: f32, w: f32, h: f32, c: Colour) {
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(rect);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(c)));
            self.surface.draw_path(&path);
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(width, BLACK)));
            self.surface.draw_path(&path);
        }
    }
}

/// The baseline of a line of body text whose box starts at `top`.
fn baseline(top: f32, size: f32) -> f32 {
    baseline_in(top, LINE_H, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf_common::is_closing;
    use qrcode::{EcLevel, QrCode};

    fn font() -> (Vec<u8>, u32) {
        match CjkFont::default().load() {
            Ok(font) => font,
            Err(e) => panic!("{e}"),
        }
    }

    fn title_doc() -> CertificateDoc {
        CertificateDoc {
            kind: CertificateKind::Title,
            number: "苏(2026)常州市不动产权第0000001号".into(),
            authority: "常州市不动产登记中心".into(),
            issued_on: "2026-11-25".into(),
            holders: "张伟、李娜".into(),
            co_ownership: "共同共有".into(),
            location: "天宁区青洋北路88号锦绣花园12幢1单元1502室".into(),
            unit_number: "320402003005GB00012F00121502".into(),
            right_kind: "国有建设用地使用权/房屋所有权".into(),
            right_nature: "出让/市场化商品房".into(),
            usage: "城镇住宅用地/住宅".into(),
            area: "共有宗地面积32156.40㎡/房屋建筑面积128.56㎡".into(),
            term: "国有建设用地使用权 2010年06月01日起2080年05月31日止".into(),
            other: "房屋结构：钢筋混凝土结构\n专有建筑面积：112.30㎡，分摊建筑面积：16.26㎡\n\
                    房屋总层数：32，所在层：15\n房屋竣工时间：2013年\n\
                    本宗地为多幢住宅共用宗地，土地使用权面积为分摊面积，分摊土地面积18.32㎡；\
                    宗地内道路、绿地、停车场等公共配套设施及物业管理用房归全体业主共有，\
                    不得单独转让或抵押。依据常州市人民政府办公室关于进一步规范不动产登记的\
                    通知（常政办发〔2024〕12号）办理。"
                .into(),
            note: "业务号：2026112500123\n原不动产权证号：苏(2019)常州市不动产权第0123456号".into(),
            obligors: String::new(),
            qr_payload: qr_payload(),
        }
    }

    fn proof_doc() -> CertificateDoc {
        CertificateDoc {
            kind: CertificateKind::Proof,
            number: "苏(2026)常州市不动产证明第0000002号".into(),
            authority: "常州市不动产登记中心".into(),
            issued_on: "2026-03-05".into(),
            holders: "中国工商银行股份有限公司常州分行".into(),
            co_ownership: String::new(),
            location: "天宁区青洋北路88号锦绣花园12幢1单元1502室".into(),
            unit_number: "320402003005GB00012F00121502".into(),
            right_kind: "抵押权".into(),
            right_nature: String::new(),
            usage: String::new(),
            area: String::new(),
            term: String::new(),
            other: "抵押方式：一般抵押\n被担保主债权数额：1,200,000.00元\n\
                    债务履行期限：2026年03月05日起2056年03月04日止"
                .into(),
            note: "业务号：2026030500456".into(),
            obligors: "张伟、李娜".into(),
            qr_payload: qr_payload(),
        }
    }

    /// About the size of the real signed payload: base64 text plus an SM2 signature.
    fn qr_payload() -> String {
        let mut s = String::from("BDC1.");
        while s.len() < 400 {
            s.push_str("eyJubyI6IuiLjygyMDI2KeW4uOW3nuW4guS4jeWKqOS6p-adg-esrDAwMDAwMDHlj7cifQ.");
        }
        s.truncate(400);
        s
    }

    /// Checks a rendered PDF without outside tools: a PDF, small (so the font was subset), with
    /// the font embedded and a ToUnicode map (so the text can be extracted); with `pdftotext`
    /// (poppler-utils) present, also that the expected text comes out.
    fn check_pdf(pdf: &[u8], expected: &[&str]) {
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        assert!(pdf.len() < 1_000_000, "PDF is {} bytes: the font was not subset", pdf.len());
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"/FontFile2"), "font not embedded");
        assert!(has(b"/ToUnicode"), "no ToUnicode map: text would not be extractable");
        assert!(has(b"/Contents"), "page without content stream");

        let Ok(dir) = tempfile::tempdir() else { return };
        let path = dir.path().join("cert.pdf");
        if std::fs::write(&path, pdf).is_err() {
            return;
        }
        let Ok(out) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() else {
            return; // poppler-utils not installed: the structural checks above must do
        };
        assert!(out.status.success(), "pdftotext failed");
        let text = String::from_utf8_lossy(&out.stdout);
        for want in expected {
            assert!(text.contains(want), "「{want}」 not in extracted text:\n{text}");
        }
    }

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack.windows(needle.len()).filter(|w| *w == needle).count()
    }

    fn pages(pdf: &[u8]) -> usize {
        count(pdf, b"/Type/Page") - count(pdf, b"/Type/Pages")
    }

    #[test]
    fn renders_a_title_certificate_with_extractable_text() {
        let (font, index) = font();
        let doc = title_doc();
        let pdf = render(&doc, &font, index).expect("render");
        check_pdf(
            &pdf,
            &[
                "不动产权证书",
                "权利人",
                "权利其他状况",
                "苏(2026)常州市不动产权第0000001号",
                "张伟、李娜",
                "登簿机构：常州市不动产登记中心",
                "日期：2026年11月25日",
                "扫描二维码或登录线上苏小登核验证书真伪",
            ],
        );
        let _ = std::fs::write(std::env::temp_dir().join("cert-title.pdf"), &pdf);
        assert_eq!(pages(&pdf), 1, "a usual certificate fits on one page");
    }

    #[test]
    fn renders_a_proof_with_its_own_labels() {
        let (font, index) = font();
        let pdf = render(&proof_doc(), &font, index).expect("render");
        check_pdf(&pdf, &["不动产登记证明", "证明权利或事项", "权利人（申请人）", "义务人", "中国工商银行股份有限公司常州分行", "日期：2026年3月5日"]);
        let _ = std::fs::write(std::env::temp_dir().join("cert-proof.pdf"), &pdf);
        assert_eq!(pages(&pdf), 1);
    }

    #[test]
    fn a_very_long_value_continues_on_a_second_page() {
        let (font, index) = font();
        let mut doc = title_doc();
        doc.other = doc.other.repeat(8);
        let pdf = render(&doc, &font, index).expect("render");
        let _ = std::fs::write(std::env::temp_dir().join("cert-long.pdf"), &pdf);
        check_pdf(&pdf, &["权利其他状况（续）", "不动产权证书（续页）", "第1页 共"]);
        assert!(pages(&pdf) >= 2, "expected a continuation page");
    }

    #[test]
    fn long_values_wrap_within_the_cell() {
        let (font, index) = font();
        let m = Measure::new(&font, index).expect("font");
        let doc = title_doc();
        let lines = m.wrap(&normalise(&doc.other), VALUE_W, TEXT_SIZE);
        assert!(lines.len() > doc.other.lines().count(), "the long paragraph should wrap");
        for line in &lines {
            assert!(m.width(line, TEXT_SIZE) <= VALUE_W + 0.01, "too wide: {line}");
            assert!(!is_closing(line), "line starts with closing punctuation: {line}");
        }
        // Chinese breaks anywhere, ASCII words stay whole.
        let text = "不动产单元号320402003005GB00012F00121502".repeat(4);
        let lines = m.wrap(&text, 200.0, TEXT_SIZE);
        assert!(lines.len() > 1);
        for line in &lines {
            for word in line.split(|c: char| !c.is_ascii_graphic()).filter(|w| !w.is_empty()) {
                assert_eq!(word, "320402003005GB00012F00121502", "word broken in {line:?}");
            }
        }
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn missing_glyphs_are_an_error_not_a_box() {
        let (font, index) = font();
        let mut doc = title_doc();
        doc.holders = "张\u{2A6A5}".into(); // CJK Extension B, not in Micro Hei
        match render(&doc, &font, index) {
            Err(e @ CertificatePdfError::MissingGlyph { .. }) => {
                assert!(e.to_string().contains("权利人"), "{e}");
            }
            other => panic!("expected MissingGlyph, got {other:?}"),
        }
    }

    #[test]
    fn the_drawn_qr_code_is_the_payloads_matrix() {
        let payload = qr_payload();
        let qr = qr_matrix(&payload).expect("qr");
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).expect("qr");
        assert_eq!(code.error_correction_level(), EcLevel::M);
        let squares = qr_squares(&qr, 100.0, 200.0, QR_SIZE);
        let dark = code.to_colors().iter().filter(|c| **c == qrcode::Color::Dark).count();
        assert_eq!(squares.len(), dark);
        // Every square maps back to a dark module, inside the quiet zone.
        let module = QR_SIZE / (code.width() + 2 * QR_QUIET) as f32;
        for sq in &squares {
            let col = ((sq.x - 100.0) / module).round() as usize;
            let row = ((sq.y - 200.0) / module).round() as usize;
            assert!((QR_QUIET..QR_QUIET + code.width()).contains(&col));
            assert!((QR_QUIET..QR_QUIET + code.width()).contains(&row));
            assert_eq!(code[(col - QR_QUIET, row - QR_QUIET)], qrcode::Color::Dark);
        }
    }

    #[test]
    fn a_missing_font_names_the_path_and_the_setup_script() {
        let err = CjkFont { path: "/nonexistent/字体.ttc".into(), index: 0 }.load().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/字体.ttc") && msg.contains("bash scripts/setup-web.sh"), "{msg}");
        let err = CjkFont { index: 99, ..CjkFont::default() }.load().unwrap_err();
        assert!(matches!(err, CertificatePdfError::BadFont { index: 99, .. }), "{err}");
    }

    #[test]
    fn dates_are_written_the_chinese_way() {
        assert_eq!(chinese_date("2026-11-25").unwrap(), "2026年11月25日");
        assert_eq!(chinese_date("2026-03-05").unwrap(), "2026年3月5日");
        assert!(matches!(chinese_date("2026/11/25"), Err(CertificatePdfError::BadDate(_))));
    }
}
