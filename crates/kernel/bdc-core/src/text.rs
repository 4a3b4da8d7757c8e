//! Text hygiene (文本净化): which characters no text field may hold.
//!
//! Names, addresses, reasons and every other text typed by a user end up in the register, in
//! certificates, in messages to the province and the courts, in logs and on screens. A NUL cuts
//! strings short in C libraries and some databases; ESC and the other C0/C1 controls drive
//! terminals that read the logs; the bidi overrides (U+202A–U+202E, U+2066–U+2069) make a name
//! display differently from how it is stored (“Trojan Source”); zero-width characters
//! (U+200B–U+200D) and the byte-order mark U+FEFF make two names look equal while they differ,
//! which defeats searching and duplicate checks. None of them is ever needed in registration data,
//! so they are refused, not silently removed: the user sees what was wrong.
//!
//! Tab, line feed and carriage return stay allowed: multi-line fields (reasons, notes) send them.

/// A character no text field may contain, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("含有不允许的控制字符或不可见字符 U+{code:04X}（{kind}，第 {position} 个字符），请删除后重新输入")]
pub struct ForbiddenChar {
    /// The code point.
    pub code: u32,
    /// 1-based position in characters.
    pub position: usize,
    /// What kind of character it is, in Chinese.
    pub kind: &'static str,
}

/// What kind of forbidden character `c` is, or `None` when it is allowed.
pub fn forbidden_kind(c: char) -> Option<&'static str> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1f}' | '\u{7f}' => Some("控制字符"),
        '\u{80}'..='\u{9f}' => Some("C1 控制字符"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some("双向文本控制符"),
        '\u{200b}'..='\u{200d}' | '\u{feff}' => Some("零宽字符"),
        _ => None,
    }
}

/// Checks one text value; the first forbidden character is reported.
pub fn check(text: &str) -> Result<(), ForbiddenChar> {
    match text.chars().enumerate().find_map(|(i, c)| forbidden_kind(c).map(|kind| (i, c, kind))) {
        Some((i, c, kind)) => Err(ForbiddenChar { code: u32::from(c), position: i + 1, kind }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_zero_width_are_refused() {
        for bad in ["a\u{0}b", "\u{1b}[31m", "x\u{7f}", "\u{85}", "\u{9b}", "张\u{202e}三", "\u{2066}", "\u{2069}", "a\u{200b}", "\u{200d}", "\u{feff}张三"] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        let e = check("张\u{202e}三").unwrap_err();
        assert_eq!((e.code, e.position, e.kind), (0x202e, 2, "双向文本控制符"));
        assert_eq!(e.to_string(), "含有不允许的控制字符或不可见字符 U+202E（双向文本控制符，第 2 个字符），请删除后重新输入");
    }

    #[test]
    fn ordinary_text_and_line_breaks_pass() {
        for good in ["张三", "常州市天宁区延陵西路 1 号", "O'Brien-Smith", "原因：\r\n第一行\n\t第二行", "（）【】—…", "😀", "\u{a0}"] {
            assert_eq!(check(good), Ok(()), "{good:?}");
        }
    }
}
