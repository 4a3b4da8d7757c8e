//! What the printed documents share (印制公用): the CJK font's measuring and line breaking,
//! the verification QR code's modules, colours and dates the Chinese way. The certificates
//! ([`crate::certificate_pdf`]) and the notices ([`crate::notice_pdf`]) both print through it, so
//! a glyph check or a wrapping rule is the same on every document.

use krilla::color::rgb;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use qrcode::{EcLevel, QrCode};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::certificate_pdf::CertificatePdfError;

/// sRGB, 0–255.
pub(crate) type Colour = (u8, u8, u8);

/// The quiet zone around a QR code, in modules (4, as ISO/IEC 18004 requires).
pub(crate) const QR_QUIET: usize = 4;

/// The baseline for text of `size` in a line box of `line_h` starting at `top`: the ideographic
/// em box (0.88 em above the baseline to 0.12 em below) is centred in the line box, which is
/// what makes Chinese text look vertically centred in a cell.
pub(crate) fn baseline_in(top: f32, line_h: f32, size: f32) -> f32 {
    top + (line_h - size) / 2.0 + 0.88 * size
}

pub(crate) fn fill((r, g, b): Colour) -> Fill {
    Fill { paint: rgb::Color::new(r, g, b).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

pub(crate) fn stroke(width: f32, (r, g, b): Colour) -> Stroke {
    Stroke { paint: rgb::Color::new(r, g, b).into(), width, ..Default::default() }
}

// --- QR code (核验二维码) -----------------------------------------------------------------

/// The module matrix of the verification code: level M (15 % of the code may be damaged, the
/// usual choice for printed documents), `width` × `width` modules, row by row, `true` = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QrMatrix {
    pub(crate) width: usize,
    pub(crate) dark: Vec<bool>,
}

pub(crate) fn qr_matrix(payload: &str) -> Result<QrMatrix, CertificatePdfError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|source| CertificatePdfError::QrCode { len: payload.len(), source })?;
    let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Ok(QrMatrix { width: code.width(), dark })
}

/// One dark module as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Square {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) size: f32,
}

/// The dark modules as squares inside a `size` × `size` area at (`left`, `top`) that includes the
/// quiet zone. Squares are a hair larger than a module so that a rasteriser leaves no hairline
/// gaps between neighbours (which some scanners read as light modules).
pub(crate) fn qr_squares(qr: &QrMatrix, left: f32, top: f32, size: f32) -> Vec<Square> {
    let module = size / (qr.width + 2 * QR_QUIET) as f32;
    let overlap = module * 0.04;
    qr.dark
        .iter()
        .enumerate()
        .filter(|(_, dark)| **dark)
        .map(|(i, _)| {
            let (col, row) = (i % qr.width, i / qr.width);
            Square { x: left + (col + QR_QUIET) as f32 * module, y: top + (row + QR_QUIET) as f32 * module, size: module + overlap }
        })
        .collect()
}

// --- Text measuring and wrapping ----------------------------------------------------------------

/// Glyph coverage and advances of the embedded font, in em.
pub(crate) struct Measure<'a> {
    charmap: Charmap<'a>,
    advances: GlyphMetrics<'a>,
}

impl<'a> Measure<'a> {
    pub(crate) fn new(font: &'a [u8], index: u32) -> Result<Self, CertificatePdfError> {
        let face = FontRef::from_index(font, index).map_err(|e| CertificatePdfError::BadFont { index, detail: e.to_string() })?;
        Ok(Measure { charmap: face.charmap(), advances: face.glyph_metrics(Size::new(1.0), LocationRef::default()) })
    }

    /// Every character of `text` must have a glyph; `field` names where it is printed.
    pub(crate) fn check(&self, field: &str, text: &str) -> Result<(), CertificatePdfError> {
        match text.chars().find(|&ch| ch != '\n' && self.charmap.map(ch).is_none()) {
            Some(ch) => Err(CertificatePdfError::MissingGlyph { field: field.to_owned(), ch, code: u32::from(ch) }),
            None => Ok(()),
        }
    }

    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|ch| self.advance(ch)).sum::<f32>() * size
    }

    /// Advance of one character in em; a missing glyph (already rejected by `check`) counts as
    /// a full em so that measuring never under-estimates.
    pub(crate) fn advance(&self, ch: char) -> f32 {
        self.charmap.map(ch).and_then(|g| self.advances.advance_width(g)).unwrap_or(1.0)
    }

    /// Breaks `text` into lines no wider than `max` at `size`. Explicit `\n` breaks are kept.
    pub(crate) fn wrap(&self, text: &str, max: f32, size: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            self.wrap_paragraph(paragraph, max, size, &mut lines);
        }
        while lines.last().is_some_and(|l: &String| l.is_empty()) {
            lines.pop();
        }
        lines
    }

    fn wrap_paragraph(&self, text: &str, max: f32, size: f32, lines: &mut Vec<String>) {
        let mut line: Vec<Token> = Vec::new();
        let mut width = 0.0;
        for token in self.tokens(text, max, size) {
            if token.space && line.is_empty() {
                continue;
            }
            if width + token.width <= max || line.is_empty() {
                width += token.width;
                line.push(token);
                continue;
            }
            // 避头点: closing punctuation may not start a line, so it takes the character before
            // it along to the next line.
            let mut carried = Vec::new();
            if is_closing(&token.text) && line.len() > 1 {
                if let Some(last) = line.pop() {
                    carried.push(last);
                }
            }
            lines.push(join(&line));
            line = carried;
            line.retain(|t| !t.space);
            line.push(token);
            width = line.iter().map(|t| t.width).sum();
        }
        lines.push(join(&line));
    }

    /// Characters, with runs of ASCII letters, digits and punctuation kept as one word unless the
    /// word alone is wider than a line.
    fn tokens(&self, text: &str, max: f32, size: f32) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut word = String::new();
        let flush = |word: &mut String, tokens: &mut Vec<Token>| {
            if word.is_empty() {
                return;
            }
            let width = self.width(word, size);
            if width <= max {
                tokens.push(Token { text: std::mem::take(word), width, space: false });
            } else {
                for ch in word.drain(..) {
                    let width = self.advance(ch) * size;
                    tokens.push(Token { text: ch.to_string(), width, space: false });
                }
            }
        };
        for ch in text.chars() {
            if ch.is_ascii_graphic() {
                word.push(ch);
                continue;
            }
            flush(&mut word, &mut tokens);
            let width = self.advance(ch) * size;
            tokens.push(Token { text: ch.to_string(), width, space: ch.is_whitespace() });
        }
        flush(&mut word, &mut tokens);
        tokens
    }
}

#[derive(Debug, Clone)]
struct Token {
    text: String,
    width: f32,
    space: bool,
}

fn join(tokens: &[Token]) -> String {
    let line: String = tokens.iter().map(|t| t.text.as_str()).collect();
    line.trim_end().to_owned()
}

pub(crate) fn is_closing(token: &str) -> bool {
    token.chars().next().is_some_and(|ch| "，。、；：？！）》」』】”’,.;:?!)".contains(ch))
}

/// Line ends to `\n`, tabs to spaces, other control characters dropped, and each line trimmed:
/// values come from forms and imports and may carry any of these.
pub(crate) fn normalise(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = text.trim().split('\n').map(|line| line.chars().map(|ch| if ch == '\t' { ' ' } else { ch }).filter(|ch| !ch.is_control()).collect::<String>().trim().to_owned()).collect();
    lines.join("\n")
}

/// `2026-11-25` → `2026年11月25日` (no leading zeros, as official documents write dates).
pub(crate) fn chinese_date(iso: &str) -> Result<String, CertificatePdfError> {
    let date = chrono::NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d").map_err(|_| CertificatePdfError::BadDate(iso.to_owned()))?;
    use chrono::Datelike;
    Ok(format!("{}年{}月{}日", date.year(), date.month(), date.day()))
}
