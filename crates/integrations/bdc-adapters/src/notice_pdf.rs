//! Printed notices (登记文书): 受理回执, 补正告知书, 退件告知书, 申请书, 查询结果证明 — as an A4
//! document.
//!
//! Unlike a certificate, a notice has no national form: it is a titled letter with its document
//! number (文书编号), a bordered facts table (label | value), paragraphs of plain text (the legal
//! basis, the time-limit rule, the remedies), and at the bottom the office's name and the date
//! beside a QR code carrying the SM2-signed verification payload. The caller gives every text;
//! this module only lays it out, with the same font checks, line breaking and QR drawing as the
//! certificates ([`crate::pdf_common`]). Long content continues on further pages, the footer
//! (office, date, code) printed on the last one.

use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::certificate_pdf::CertificatePdfError;
use crate::pdf_common::{baseline_in, chinese_date, fill, normalise, qr_matrix, qr_squares, stroke, Colour, Measure, QrMatrix, QR_QUIET};

/// What one notice shows (文书内容), all display text already formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDoc {
    /// 文书名称, e.g. 不动产登记受理回执.
    pub title: String,
    /// 文书编号, e.g. HZ202612040001.
    pub number: String,
    /// The facts table, `(label, value)`; a value may hold several lines separated by `\n`.
    pub facts: Vec<(String, String)>,
    /// Paragraphs below the table, each wrapped to the page width.
    pub paragraphs: Vec<String>,
    /// 出具机构, e.g. 常州市不动产登记中心.
    pub authority: String,
    /// 出具日期 as `YYYY-MM-DD`; printed as 2026年12月4日.
    pub issued_on: String,
    /// Text carried by the QR code: the verification address with the signed payload.
    pub qr_payload: String,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 62.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const TITLE_SIZE: f32 = 22.0;
const NUMBER_SIZE: f32 = 10.5;
const BODY_TOP: f32 = 136.0;
const BODY_TOP_CONTINUED: f32 = 96.0;
const TEXT_SIZE: f32 = 11.0;
const LINE_H: f32 = TEXT_SIZE * 1.6;
const LABEL_W: f32 = 112.0;
const PAD_X: f32 = 7.0;
const PAD_Y: f32 = 4.5;
const MIN_ROW_H: f32 = 26.0;
const VALUE_W: f32 = CONTENT_W - LABEL_W - 2.0 * PAD_X;
const PARAGRAPH_GAP: f32 = 6.0;
const QR_SIZE: f32 = 100.0;
const QR_TOP: f32 = PAGE_H - 52.0 - QR_SIZE;
const FOOTER_SIZE: f32 = 12.0;
const HINT_SIZE: f32 = 9.0;
const BODY_BOTTOM: f32 = QR_TOP - 12.0;
const VERIFY_HINT: &str = "扫描二维码或登录线上苏小登核验文书真伪";

const BLACK: Colour = (0, 0, 0);
const GREY: Colour = (90, 90, 90);
const LABEL_SHADE: Colour = (243, 243, 243);

/// One thing placed on a page.
#[derive(Debug, Clone)]
enum Item {
    /// A table row: label, wrapped value lines, top and height.
    Row { label: String, lines: Vec<String>, top: f32, height: f32 },
    /// One line of a paragraph at its top.
    Line { text: String, top: f32 },
}

/// Renders the notice as a PDF (A4 portrait). `font` is the whole font file, `font_index` its
/// face (see [`crate::certificate_pdf::CjkFont::load`]).
pub fn render(doc: &NoticeDoc, font: &[u8], font_index: u32) -> Result<Vec<u8>, CertificatePdfError> {
    let measure = Measure::new(font, font_index)?;
    let issued_on = chinese_date(&doc.issued_on)?;
    let qr = qr_matrix(&doc.qr_payload)?;
    let title = normalise(&doc.title);
    let number = format!("编号：{}", normalise(&doc.number));
    let authority = normalise(&doc.authority);
    let date_line = format!("日期：{issued_on}");
    for (field, text) in
        [("文书名称", title.as_str()), ("文书编号", number.as_str()), ("出具机构", authority.as_str()), ("日期", date_line.as_str()), ("核验提示", VERIFY_HINT), ("页码", "第页共续（）0123456789")]
    {
        measure.check(field, text)?;
    }
    let pages = layout(doc, &measure)?;

    let krilla_font = Font::new(font.to_vec().into(), font_index).ok_or_else(|| CertificatePdfError::BadFont { index: font_index, detail: "krilla 无法解析该字体".into() })?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("{title} {}", doc.number)).language("zh-CN".to_owned()).creator("BDC 不动产登记系统".to_owned()));
    let count = pages.len();
    for (n, items) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).unwrap_or_default();
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut pen = Pen { surface: &mut surface, font: &krilla_font, measure: &measure };
        if n == 0 {
            pen.text_centred(&title, PAGE_W / 2.0, 92.0, TITLE_SIZE, BLACK);
            let w = measure.width(&number, NUMBER_SIZE);
            pen.text(&number, MARGIN + CONTENT_W - w, 120.0, NUMBER_SIZE, BLACK);
        } else {
            pen.text_centred(&format!("{title}（续页）"), PAGE_W / 2.0, 70.0, 14.0, BLACK);
        }
        pen.items(items);
        if n + 1 == count {
            pen.footer(&authority, &date_line, &qr);
        }
        if count > 1 {
            pen.text_centred(&format!("第{}页 共{}页", n + 1, count), PAGE_W / 2.0, PAGE_H - 30.0, HINT_SIZE, GREY);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(CertificatePdfError::Pdf)
}

/// Places the table rows and the paragraph lines top to bottom over as many pages as needed. A
/// row taller than the room left starts a new page; one taller than a whole page is split, its
/// continuation labelled （续）.
fn layout(doc: &NoticeDoc, m: &Measure) -> Result<Vec<Vec<Item>>, CertificatePdfError> {
    let mut pages: Vec<Vec<Item>> = vec![Vec::new()];
    let mut y = BODY_TOP;
    let new_page = |pages: &mut Vec<Vec<Item>>, y: &mut f32| {
        pages.push(Vec::new());
        *y = BODY_TOP_CONTINUED;
    };
    for (label, value) in &doc.facts {
        let label = normalise(label);
        let value = normalise(value);
        m.check(&label, &label)?;
        m.check(&label, &value)?;
        let mut rest = m.wrap(&value, VALUE_W, TEXT_SIZE);
        if rest.is_empty() {
            rest.push(String::new());
        }
        let mut continued = false;
        while !rest.is_empty() {
            let height = (rest.len() as f32 * LINE_H + 2.0 * PAD_Y).max(MIN_ROW_H);
            let shown = if continued { format!("{label}（续）") } else { label.clone() };
            if y + height <= BODY_BOTTOM {
                pages.last_mut().into_iter().for_each(|p| p.push(Item::Row { label: shown.clone(), lines: std::mem::take(&mut rest), top: y, height }));
                y += height;
                break;
            }
            let fit = (((BODY_BOTTOM - y - 2.0 * PAD_Y) / LINE_H).floor().max(0.0) as usize).min(rest.len());
            let page_is_empty = pages.last().is_none_or(Vec::is_empty);
            if fit > 0 && (fit >= 2 || page_is_empty) {
                let later = rest.split_off(fit);
                let height = (rest.len() as f32 * LINE_H + 2.0 * PAD_Y).max(MIN_ROW_H);
                pages.last_mut().into_iter().for_each(|p| p.push(Item::Row { label: shown.clone(), lines: std::mem::take(&mut rest), top: y, height }));
                rest = later;
                continued = true;
            }
            new_page(&mut pages, &mut y);
        }
    }
    y += 2.0 * PARAGRAPH_GAP;
    for (n, paragraph) in doc.paragraphs.iter().enumerate() {
        let paragraph = normalise(paragraph);
        m.check(&format!("第{}段", n + 1), &paragraph)?;
        for line in m.wrap(&paragraph, CONTENT_W, TEXT_SIZE) {
            if y + LINE_H > BODY_BOTTOM {
                new_page(&mut pages, &mut y);
            }
            pages.last_mut().into_iter().for_each(|p| p.push(Item::Line { text: line.clone(), top: y }));
            y += LINE_H;
        }
        y += PARAGRAPH_GAP;
    }
    Ok(pages)
}

/// Draws on one page; every helper sets fill and stroke itself (krilla keeps both as state).
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: &'a Font,
    measure: &'a Measure<'a>,
}

impl Pen<'_, '_> {
    fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Row { label, lines, top, height } => {
                    self.rect(MARGIN, *top, LABEL_W, *height, Some(LABEL_SHADE));
                    self.rect(MARGIN + LABEL_W, *top, CONTENT_W - LABEL_W, *height, None);
                    let w = self.measure.width(label, TEXT_SIZE);
                    let label_top = top + (height - LINE_H) / 2.0;
                    self.text(label, MARGIN + (LABEL_W - w) / 2.0, baseline_in(label_top, LINE_H, TEXT_SIZE), TEXT_SIZE, BLACK);
                    let first = top + (height - lines.len() as f32 * LINE_H) / 2.0;
                    for (n, line) in lines.iter().enumerate() {
                        self.text(line, MARGIN + LABEL_W + PAD_X, baseline_in(first + n as f32 * LINE_H, LINE_H, TEXT_SIZE), TEXT_SIZE, BLACK);
                    }
                }
                Item::Line { text, top } => self.text(text, MARGIN, baseline_in(*top, LINE_H, TEXT_SIZE), TEXT_SIZE, BLACK),
            }
        }
    }

    fn footer(&mut self, authority: &str, date: &str, qr: &QrMatrix) {
        let left = MARGIN + CONTENT_W - QR_SIZE;
        let mut pb = PathBuilder::new();
        for sq in qr_squares(qr, left, QR_TOP, QR_SIZE) {
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
        let text_w = CONTENT_W - QR_SIZE - 20.0;
        let mut top = QR_TOP + 14.0;
        for line in self.measure.wrap(&format!("出具机构：{authority}"), text_w, FOOTER_SIZE) {
            self.text(&line, MARGIN, baseline_in(top, line_h, FOOTER_SIZE), FOOTER_SIZE, BLACK);
            top += line_h;
        }
        self.text(date, MARGIN, baseline_in(top, line_h, FOOTER_SIZE), FOOTER_SIZE, BLACK);
        let module = QR_SIZE / (qr.width + 2 * QR_QUIET) as f32;
        self.text(VERIFY_HINT, MARGIN, QR_TOP + QR_SIZE - QR_QUIET as f32 * module, HINT_SIZE, GREY);
    }

    fn text(&mut self, text: &str, x: f32, baseline: f32, size: f32, colour: Colour) {
        if text.is_empty() {
            return;
        }
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(colour)));
        self.surface.draw_text(Point::from_xy(x, baseline), self.font.clone(), size, text, false, TextDirection::Auto);
    }

    fn text_centred(&mut self, text: &str, cx: f32, baseline: f32, size: f32, colour: Colour) {
        let width = self.measure.width(text, size);
        self.text(text, cx - width / 2.0, baseline, size, colour);
    }

    /// A bordered cell, shaded when `shade` is given.
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, shade: Option<Colour>) {
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(rect);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(shade.map(fill));
            self.surface.set_stroke(Some(stroke(0.8, BLACK)));
            self.surface.draw_path(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate_pdf::CjkFont;

    fn doc() -> NoticeDoc {
        NoticeDoc {
            title: "不动产登记受理回执".into(),
            number: "HZ202612040001".into(),
            facts: vec![
                ("业务号".into(), "3204022026120400001".into()),
                ("申请人".into(), "张伟（3204**********1234）、李娜（3204**********5678）".into()),
                ("收到材料".into(), "不动产登记申请书\n身份证明\n不动产权属证书".into()),
            ],
            paragraphs: vec!["请凭本回执于承诺办结日期后到登记大厅领取证书，或登录线上苏小登查询办理进度。".into(), "补正期间不计入办结时限。".into()],
            authority: "常州市不动产登记中心".into(),
            issued_on: "2026-12-04".into(),
            qr_payload: format!("http://127.0.0.1:8080/verify?payload=BDCW1.{}.{}", "e".repeat(160), "0f".repeat(70)),
        }
    }

    #[test]
    fn renders_a_notice_with_its_font_embedded() {
        let (font, index) = CjkFont::default().load().expect("font");
        let pdf = render(&doc(), &font, index).expect("render");
        let _ = std::fs::write(std::env::temp_dir().join("notice.pdf"), &pdf);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 1_000_000, "font not subset");
        assert!(pdf.windows(10).any(|w| w == b"/ToUnicode"));
    }

    #[test]
    fn a_long_notice_continues_on_more_pages() {
        let (font, index) = CjkFont::default().load().expect("font");
        let mut d = doc();
        d.facts.push(("收到材料".into(), "不动产登记申请书\n".repeat(80)));
        let m = Measure::new(&font, index).expect("font");
        assert!(layout(&d, &m).expect("layout").len() >= 2);
        assert!(render(&d, &font, index).expect("render").starts_with(b"%PDF-"));
    }

    #[test]
    fn a_missing_glyph_names_the_field() {
        let (font, index) = CjkFont::default().load().expect("font");
        let mut d = doc();
        d.facts[1].1 = "张\u{2A6A5}".into();
        let e = render(&d, &font, index).unwrap_err();
        assert!(e.to_string().contains("申请人"), "{e}");
    }
}
