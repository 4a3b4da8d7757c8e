//! Masking of personal data for display and logs (脱敏).
//!
//! Masking keeps enough for a person to recognise his own data (the area code and the last
//! digits) and hides the rest. It works on characters, not bytes, so Chinese names are safe.

/// Keeps the first `head` and the last `tail` characters and replaces the rest by `*`.
/// A value too short to keep both is masked whole except its last character.
pub fn mask_middle(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n <= head + tail {
        let keep = usize::from(n > 1);
        return "*".repeat(n - keep) + &chars[n - keep..].iter().collect::<String>();
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// 证件号 — `320402199001011234` → `3204**********1234`.
pub fn mask_id_number(value: &str) -> String {
    mask_middle(value, 4, 4)
}

/// 手机号 — `13812345678` → `138****5678`.
pub fn mask_phone(value: &str) -> String {
    mask_middle(value, 3, 4)
}

/// 姓名 — `张三` → `*三`, `欧阳娜娜` → `***娜`; the family name is hidden.
pub fn mask_name(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return String::new();
    }
    mask_middle(value, 0, 1).chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_registration_centre_prints_them() {
        assert_eq!(mask_id_number("320402199001011234"), "3204**********1234");
        assert_eq!(mask_id_number("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_name("张三"), "*三");
        assert_eq!(mask_name("欧阳娜娜"), "***娜");
        assert_eq!(mask_id_number("123"), "**3");
        assert_eq!(mask_id_number(""), "");
        assert_eq!(mask_name("李"), "*");
    }
}
