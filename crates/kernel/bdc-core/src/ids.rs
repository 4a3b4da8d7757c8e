//! Identifiers (标识码): 不动产单元号, 宗地代码, 业务号, 不动产权证书号/证明号, 身份证号 and
//! 统一社会信用代码.
//!
//! Parse, don't validate: every type here is obtained only through its `parse` (or a constructor
//! that formats and then parses), so holding one proves the text is well formed. Fields are
//! private; `as_str()` gives the canonical text, which is also what `Display` prints.
//! Layouts, weights and examples are those of STANDARDS.md, "Identifiers". An [`IdError`] names
//! the identifier, the 1-based position and what was expected, in Chinese, for the user.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

const UNIT: &str = "不动产单元号";
const PARCEL: &str = "宗地代码";
const CASE: &str = "业务号";
const CERT: &str = "不动产权证书（证明）号";
const CITIZEN: &str = "身份证号";
const CREDIT: &str = "统一社会信用代码";

/// First two digits of the GB/T 2260 codes of the provinces (省级行政区划代码).
const PROVINCES: [u32; 34] = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];
/// Years a 业务号 date or a certificate year may take.
const BUSINESS_YEARS: RangeInclusive<i32> = 1980..=2100;
/// GB 11643-1999 weights of the first 17 digits and the check characters.
const CITIZEN_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK: &[u8; 11] = b"10X98765432";
/// GB 32100-2015 alphabet (no I, O, S, V, Z) and weights of the first 17 characters.
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CREDIT_ALPHABET_DESC: &str = "数字或除 I、O、S、V、Z 外的大写字母";

type Text = &'static str;
type Res<T> = Result<T, IdError>;

/// A 1-based, inclusive range of positions (位) in an identifier; prints as `第13位` or `第7–14位`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: usize,
    pub last: usize,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "第{}位", self.first)
        } else {
            write!(f, "第{}–{}位", self.first, self.last)
        }
    }
}

/// Why a text is not a valid identifier (标识码错误). Messages are for the user, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Wrong number of characters (长度错误).
    #[error("{what}长度应为 {expected} 位，实为 {actual} 位")]
    Length { what: &'static str, expected: usize, actual: usize },
    /// The characters at `pos` are not what the layout allows there.
    #[error("{what}{pos}（{meaning}）应为 {expected}，实为“{actual}”")]
    Position { what: &'static str, pos: Span, meaning: &'static str, expected: &'static str, actual: String },
    /// The field at `pos` is well formed but impossible, e.g. a date that does not exist.
    #[error("{what}{pos}{meaning}无效：{actual}")]
    Invalid { what: &'static str, pos: Span, meaning: &'static str, actual: String },
    /// The check character (校验位) does not match the others.
    #[error("{what}第{pos}位校验位错误：应为 {expected}，实为 {actual}")]
    CheckDigit { what: &'static str, pos: usize, expected: char, actual: char },
    /// A part of an identifier without fixed positions (a certificate number) is out of range.
    #[error("{what}的{field}应为 {expected}，实为“{actual}”")]
    Field { what: &'static str, field: &'static str, expected: String, actual: String },
    /// The text does not have the overall shape of the identifier.
    #[error("{what}格式错误：{reason}")]
    Format { what: &'static str, reason: &'static str },
    /// A 身份证号 whose 出生日期 lies after today: no such person can have been given it.
    #[error("{what}第7–14位出生日期 {born} 晚于今天（{today}），不可能为有效证件号")]
    FutureBirth { what: &'static str, born: NaiveDate, today: NaiveDate },
}

/// Implements `as_str`, `Display` and `FromStr` (delegating to `parse`).
macro_rules! text_id {
    ($t:ident) => {
        impl $t {
            /// The canonical text (upper case, half-width brackets).
            pub fn as_str(&self) -> &str {
                &self.code
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.code)
            }
        }
        impl FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    };
}

/// Accessors of positions 1–19 (宗地代码), shared by [`ParcelCode`] and [`UnitNumber`].
macro_rules! parcel_accessors {
    () => {
        /// 县级行政区划代码 (positions 1–6), e.g. `320505`.
        pub fn county_code(&self) -> &str {
            &self.code[..6]
        }
        /// 地籍区 (positions 7–9).
        pub fn cadastral_district(&self) -> &str {
            &self.code[6..9]
        }
        /// 地籍子区 (positions 10–12).
        pub fn cadastral_subdistrict(&self) -> &str {
            &self.code[9..12]
        }
        /// 土地所有权 (position 13): G 国家所有, J 集体所有, Z 所有权未确定或有争议.
        pub fn ownership_code(&self) -> char {
            char::from(self.code.as_bytes()[12])
        }
        /// 宗地/宗海特征码 (position 14), e.g. B 建设用地使用权宗地(地表).
        pub fn parcel_feature(&self) -> char {
            char::from(self.code.as_bytes()[13])
        }
        /// 宗地顺序号 (positions 15–19), 1–99999.
        pub fn parcel_seq(&self) -> u32 {
            ascii_value(&self.code[14..19])
        }
    };
}

/// Value of a validated run of ASCII digits.
fn ascii_value(s: &str) -> u32 {
    s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

/// Trims, upper-cases ASCII letters and checks the length in characters.
fn normalise(what: &'static str, s: &str, len: usize) -> Result<Vec<char>, IdError> {
    let chars: Vec<char> = s.trim().chars().map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() == len {
        Ok(chars)
    } else {
        Err(IdError::Length { what, expected: len, actual: chars.len() })
    }
}

/// An [`IdError::Position`] for positions `first..=last`.
fn position(what: Text, first: usize, last: usize, meaning: Text, expected: Text, actual: impl ToString) -> IdError {
    IdError::Position { what, pos: Span { first, last }, meaning, expected, actual: actual.to_string() }
}

/// An [`IdError::Field`] of a certificate number.
fn field(field: Text, expected: impl Into<String>, actual: impl fmt::Display) -> IdError {
    IdError::Field { what: CERT, field, expected: expected.into(), actual: actual.to_string() }
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Position-by-position checks over the normalised characters of one identifier.
struct Checker<'a> {
    what: &'static str,
    c: &'a [char],
}

impl Checker<'_> {
    fn part(&self, first: usize, last: usize) -> &[char] {
        &self.c[first - 1..last]
    }

    fn fail(&self, first: usize, last: usize, meaning: Text, expected: Text) -> IdError {
        position(self.what, first, last, meaning, expected, self.part(first, last).iter().collect::<String>())
    }

    /// Positions `first..=last` are digits; returns their value.
    fn digits(&self, first: usize, last: usize, meaning: Text, expected: Text) -> Res<u32> {
        let part = self.part(first, last);
        if part.iter().all(char::is_ascii_digit) {
            Ok(part.iter().fold(0, |n, d| n * 10 + d.to_digit(10).unwrap_or(0)))
        } else {
            Err(self.fail(first, last, meaning, expected))
        }
    }

    /// Like [`Checker::digits`], and not all zeros.
    fn nonzero(&self, first: usize, last: usize, meaning: Text, expected: Text) -> Res<u32> {
        match self.digits(first, last, meaning, expected)? {
            0 => Err(self.fail(first, last, meaning, expected)),
            n => Ok(n),
        }
    }

    /// Position `pos` is one of the characters of `allowed`.
    fn one_of(&self, pos: usize, meaning: Text, allowed: &str, expected: Text) -> Res<char> {
        let ch = self.c[pos - 1];
        allowed.contains(ch).then_some(ch).ok_or_else(|| self.fail(pos, pos, meaning, expected))
    }

    /// Positions 1–6 are a county code of a real province.
    fn county(&self) -> Result<(), IdError> {
        let code = self.digits(1, 6, "县级行政区划代码", "6 位数字")?;
        let province = PROVINCES.contains(&(code / 10_000));
        province.then_some(()).ok_or_else(|| self.fail(1, 2, "省级行政区划代码", "GB/T 2260 省级代码"))
    }

    /// Positions `first..first + 8` are a real date `yyyymmdd` with the year in `years`.
    fn date(&self, first: usize, meaning: Text, years: RangeInclusive<i32>) -> Res<NaiveDate> {
        let last = first + 7;
        let n = self.digits(first, last, meaning, "8 位数字（年月日）")?;
        // n < 10^8, so the year has at most four digits.
        NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100).filter(|d| years.contains(&d.year())).ok_or_else(|| IdError::Invalid {
            what: self.what,
            pos: Span { first, last },
            meaning,
            actual: self.part(first, last).iter().collect(),
        })
    }

    /// Positions 1–19: the 宗地代码 layout of GB/T 37346-2019.
    fn parcel(&self) -> Result<(), IdError> {
        self.county()?;
        self.digits(7, 9, "地籍区", "3 位数字")?;
        self.digits(10, 12, "地籍子区", "3 位数字")?;
        self.one_of(13, "土地所有权", "GJZ", "G、J 或 Z")?;
        self.one_of(14, "宗地特征码", "ABSXCDEFHGWY", "A、B、S、X、C、D、E、F、H、G、W 或 Y")?;
        self.nonzero(15, 19, "宗地顺序号", "00001–99999")?;
        Ok(())
    }
}

/// 宗地代码 (ParcelID) — the first 19 characters of a 不动产单元号 (GB/T 37346-2019).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParcelCode {
    code: String,
}

text_id!(ParcelCode);

impl ParcelCode {
    /// Parses a 宗地代码; surrounding whitespace is trimmed and letters are upper-cased.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let c = normalise(PARCEL, s, 19)?;
        Checker { what: PARCEL, c: &c }.parcel()?;
        Ok(Self { code: c.iter().collect() })
    }

    parcel_accessors!();
}

/// 不动产单元号 (GB/T 37346-2019) — 28 characters: the 宗地代码, the 定着物 feature and the
/// 定着物单元号, e.g. `320505400202GB00001F00010069`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitNumber {
    code: String,
}

text_id!(UnitNumber);

impl UnitNumber {
    /// Parses a 不动产单元号; surrounding whitespace is trimmed and letters are upper-cased.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let c = normalise(UNIT, s, 28)?;
        let k = Checker { what: UNIT, c: &c };
        k.parcel()?;
        match k.one_of(20, "定着物特征码", "FLQW", "F、L、Q 或 W")? {
            'W' if k.part(21, 28).iter().any(|&d| d != '0') => {
                return Err(k.fail(21, 28, "定着物单元号", "00000000（无定着物）"));
            }
            'W' => {}
            'F' => {
                k.digits(21, 24, "幢号", "4 位数字")?;
                k.digits(25, 28, "户号", "4 位数字")?;
            }
            _ => {
                k.digits(21, 28, "定着物单元号", "8 位数字")?;
            }
        }
        Ok(Self { code: c.iter().collect() })
    }

    /// The unit of a house (房屋, feature F): 幢号 `building` and 户号 `room`, each 0–9999.
    pub fn for_house(parcel: &ParcelCode, building: u16, room: u16) -> Result<Self, IdError> {
        for (value, first, meaning) in [(building, 21, "幢号"), (room, 25, "户号")] {
            if value > 9999 {
                return Err(position(UNIT, first, first + 3, meaning, "0000–9999", value));
            }
        }
        Self::parse(&format!("{parcel}F{building:04}{room:04}"))
    }

    /// The unit of bare land (无定着物, feature W): the parcel followed by `W00000000`.
    pub fn for_land(parcel: &ParcelCode) -> Self {
        Self { code: format!("{parcel}W00000000") }
    }

    parcel_accessors!();

    /// 宗地代码 (positions 1–19).
    pub fn parcel_code(&self) -> ParcelCode {
        ParcelCode { code: self.code[..19].to_owned() }
    }

    /// 定着物特征码 (position 20): F 房屋, L 森林林木, Q 其他, W 无定着物.
    pub fn fixture_feature(&self) -> char {
        char::from(self.code.as_bytes()[19])
    }

    /// 幢号 (positions 21–24) of a house unit (F); `None` otherwise.
    pub fn building_no(&self) -> Option<&str> {
        (self.fixture_feature() == 'F').then(|| &self.code[20..24])
    }

    /// 户号 (positions 25–28) of a house unit (F); `None` otherwise.
    pub fn room_no(&self) -> Option<&str> {
        (self.fixture_feature() == 'F').then(|| &self.code[24..28])
    }
}

/// 业务号 — `{county 6 digits}{yyyymmdd}{sequence 6 digits}`, 20 digits, e.g. `32040220250314000001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    code: String,
    date: NaiveDate,
    seq: u32,
}

text_id!(CaseNumber);

impl CaseNumber {
    /// The `seq`-th (1–999999) case of `county` on `date` (year 1980–2100).
    pub fn new(county: &str, date: NaiveDate, seq: u32) -> Result<Self, IdError> {
        if county.chars().count() != 6 {
            return Err(position(CASE, 1, 6, "县级行政区划代码", "6 位数字", county));
        }
        if !(1..=999_999).contains(&seq) {
            return Err(position(CASE, 15, 20, "顺序号", "000001–999999", seq));
        }
        Self::parse(&format!("{county}{}{seq:06}", date.format("%Y%m%d")))
    }

    /// Parses a 业务号: a real county, a real date in 1980–2100 and a non-zero sequence.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let c = normalise(CASE, s, 20)?;
        let k = Checker { what: CASE, c: &c };
        k.county()?;
        let date = k.date(7, "业务日期", BUSINESS_YEARS)?;
        let seq = k.nonzero(15, 20, "顺序号", "000001–999999")?;
        Ok(Self { code: c.iter().collect(), date, seq })
    }

    /// 县级行政区划代码 of the registering office (positions 1–6).
    pub fn county(&self) -> &str {
        &self.code[..6]
    }

    /// 受理日期 (positions 7–14).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// 当日顺序号 (positions 15–20).
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

/// Kind of certificate number: 不动产权证书 or 不动产登记证明.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    /// 不动产权 — 不动产权证书, proof of a right of ownership or use.
    Title,
    /// 不动产证明 — 不动产登记证明: mortgage, advance notice, objection and the like.
    Proof,
}

impl CertificateKind {
    /// The word in the number: `不动产权` or `不动产证明`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CertificateKind::Title => "不动产权",
            CertificateKind::Proof => "不动产证明",
        }
    }
}

impl fmt::Display for CertificateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 不动产权证书号 / 不动产登记证明号, e.g. `苏(2025)常州市不动产权第0012345号`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateNumber {
    code: String,
    province: char,
    year: u16,
    authority: String,
    kind: CertificateKind,
    seq: u32,
    width: u8,
}

text_id!(CertificateNumber);

impl CertificateNumber {
    /// Builds a number: `province` 省份简称 (one Chinese character), `year` 1980–2100,
    /// `authority` 登记机构所在市县全称 (2–20 Chinese characters ending in 市, 县, 区 or 旗),
    /// `seq` 1 up to what fits in `width` (6–8) digits.
    pub fn new(province: char, year: u16, authority: &str, kind: CertificateKind, seq: u32, width: u8) -> Result<Self, IdError> {
        if !is_cjk(province) {
            return Err(field("省份简称", "一个汉字", province));
        }
        if !BUSINESS_YEARS.contains(&i32::from(year)) {
            return Err(field("年份", "1980–2100", year));
        }
        let len = authority.chars().count();
        if !(2..=20).contains(&len) || !authority.chars().all(is_cjk) || !authority.ends_with(['市', '县', '区', '旗']) {
            return Err(field("登记机构名称", "2–20 个汉字，以市、县、区或旗结尾", authority));
        }
        if !(6..=8).contains(&width) {
            return Err(field("顺序号位数", "6–8", width));
        }
        let max = 10u32.pow(u32::from(width)) - 1;
        if !(1..=max).contains(&seq) {
            return Err(field("顺序号", format!("1–{max}"), seq));
        }
        let code = format!("{province}({year}){authority}{kind}第{seq:0w$}号", w = usize::from(width));
        Ok(Self { code, province, year, authority: authority.to_owned(), kind, seq, width })
    }

    /// A number as typed on a Chinese keyboard, in the register's form: full-width brackets,
    /// digits and letters to half-width (`（２０２６）` → `(2026)`), and every space — ASCII,
    /// full-width, non-breaking — dropped. What [`CertificateNumber::parse`] reads, and what a
    /// lookup by number compares.
    pub fn typed(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                // The full-width forms U+FF01..U+FF5E are ASCII shifted by 0xFEE0.
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect()
    }

    /// Parses a number as typed (see [`CertificateNumber::typed`]); the width of the sequence
    /// (6–8) is the number of its digits.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let text = Self::typed(s);
        let format = |reason| IdError::Format { what: CERT, reason };
        let mut chars = text.chars();
        let province = chars.next().ok_or(format("为空"))?;
        let (year, rest) = chars.as_str().strip_prefix('(').and_then(|rest| rest.split_once(')')).ok_or(format("省份简称后应为括号中的年份，如“苏(2025)”"))?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(field("年份", "4 位数字（1980–2100）", year));
        }
        let rest = rest.strip_suffix('号').ok_or(format("应以“号”结尾"))?;
        let (authority, kind, digits) = if let Some((a, d)) = rest.split_once("不动产权第") {
            (a, CertificateKind::Title, d)
        } else if let Some((a, d)) = rest.split_once("不动产证明第") {
            (a, CertificateKind::Proof, d)
        } else {
            return Err(format("缺少“不动产权第”或“不动产证明第”"));
        };
        if !(6..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(field("顺序号", "6–8 位数字", digits));
        }
        // At most 4 and 8 ASCII digits: the values fit in u16 and u32, the width in u8.
        Self::new(province, ascii_value(year) as u16, authority, kind, ascii_value(digits), digits.len() as u8)
    }

    /// Same as `to_string()`: half-width brackets, sequence zero-padded to [`Self::width`].
    pub fn format(&self) -> String {
        self.code.clone()
    }

    /// 省份简称, e.g. 苏.
    pub fn province(&self) -> char {
        self.province
    }

    /// 年份 of issue.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// 登记机构所在市县全称, e.g. 常州市.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// 不动产权 or 不动产证明.
    pub fn kind(&self) -> CertificateKind {
        self.kind
    }

    /// 顺序号.
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// Number of digits of the sequence (6–8).
    pub fn width(&self) -> u8 {
        self.width
    }
}

/// 公民身份号码 (GB 11643-1999), 18 characters; `Debug` masks it (脱敏).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId {
    code: String,
    birth: NaiveDate,
}

text_id!(CitizenId);

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CitizenId").field(&crate::masking::mask_id_number(&self.code)).finish()
    }
}

/// Check character of the first 17 digits of a 身份证号.
fn citizen_check(body: &[char]) -> char {
    let sum: u32 = body.iter().zip(CITIZEN_WEIGHTS).map(|(d, w)| d.to_digit(10).unwrap_or(0) * w).sum();
    char::from(CITIZEN_CHECK[(sum % 11) as usize])
}

/// Today's date in China (UTC+8), where the 身份证号 are issued.
fn today_in_china() -> NaiveDate {
    crate::time::business_date(chrono::Utc::now())
}

impl CitizenId {
    /// Parses a 身份证号 as of today in China (UTC+8): see [`CitizenId::parse_on`].
    ///
    /// This is the one place the domain reads the clock: every caller — sign-up, intake, the
    /// register's parties, agents' principals — must refuse a birth date in the future, and
    /// threading a date through each of them would let one forget it. Tests use `parse_on`.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        Self::parse_on(s, today_in_china())
    }

    /// Parses a 身份证号 given the date `today`: 17 digits with a real birth date (year ≥ 1850,
    /// not after `today`) and the check character; a lower-case `x` is accepted as `X`.
    pub fn parse_on(s: &str, today: NaiveDate) -> Result<Self, IdError> {
        let c = normalise(CITIZEN, s, 18)?;
        let k = Checker { what: CITIZEN, c: &c };
        k.digits(1, 6, "地址码", "6 位数字")?;
        let birth = k.date(7, "出生日期", 1850..=9999)?;
        k.digits(15, 17, "顺序码", "3 位数字")?;
        let actual = k.one_of(18, "校验码", "0123456789X", "0–9 或 X")?;
        let expected = citizen_check(&c[..17]);
        if actual != expected {
            return Err(IdError::CheckDigit { what: CITIZEN, pos: 18, expected, actual });
        }
        if birth > today {
            return Err(IdError::FutureBirth { what: CITIZEN, born: birth, today });
        }
        Ok(Self { code: c.iter().collect(), birth })
    }

    /// 出生日期 (positions 7–14).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// 性别: position 17 is odd for a man.
    pub fn is_male(&self) -> bool {
        (self.code.as_bytes()[16] - b'0') % 2 == 1
    }

    /// 地址码 — the region of first registration (positions 1–6).
    pub fn region_code(&self) -> &str {
        &self.code[..6]
    }
}

/// 统一社会信用代码 (GB 32100-2015), 18 characters, e.g. `91350100M000100Y43`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode {
    code: String,
}

text_id!(CreditCode);

/// Check character of the first 17 characters of a 统一社会信用代码.
fn credit_check(body: &[char]) -> char {
    let value = |c: &char| CREDIT_ALPHABET.find(*c).unwrap_or(0) as u32;
    let sum: u32 = body.iter().zip(CREDIT_WEIGHTS).map(|(c, w)| value(c) * w).sum();
    char::from(CREDIT_ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize])
}

impl CreditCode {
    /// Parses a 统一社会信用代码: authority, type, 6-digit area, subject id and check character.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let c = normalise(CREDIT, s, 18)?;
        let k = Checker { what: CREDIT, c: &c };
        k.one_of(1, "登记管理部门代码", "123456789ANY", "1–9、A、N 或 Y")?;
        k.one_of(2, "机构类别代码", CREDIT_ALPHABET, CREDIT_ALPHABET_DESC)?;
        k.digits(3, 8, "登记管理机关行政区划码", "6 位数字")?;
        for pos in 9..=17 {
            k.one_of(pos, "主体标识码", CREDIT_ALPHABET, CREDIT_ALPHABET_DESC)?;
        }
        let actual = k.one_of(18, "校验码", CREDIT_ALPHABET, CREDIT_ALPHABET_DESC)?;
        let expected = credit_check(&c[..17]);
        if actual != expected {
            return Err(IdError::CheckDigit { what: CREDIT, pos: 18, expected, actual });
        }
        Ok(Self { code: c.iter().collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each input parses to the canonical `Ok(text)` or fails with `what` + `Err(rest of message)`.
    fn table<T: FromStr<Err = IdError> + fmt::Display>(what: &str, cases: &[(&str, Result<&str, &str>)]) {
        for &(input, expect) in cases {
            let got = input.parse::<T>().map(|v| v.to_string()).map_err(|e| e.to_string());
            assert_eq!(got, expect.map(str::to_owned).map_err(|rest| format!("{what}{rest}")), "input {input:?}");
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn unit_numbers_parse_or_say_which_position_is_wrong() {
        let cases = [
            ("320505400202GB00001F00010069", Ok("320505400202GB00001F00010069")),
            ("230522101202GB00107W00000000", Ok("230522101202GB00107W00000000")),
            ("320684100302JA00001W00000000", Ok("320684100302JA00001W00000000")),
            (" 320505400202gb00001f00010069\n", Ok("320505400202GB00001F00010069")),
            ("320505400202ZY99999Q00000001", Ok("320505400202ZY99999Q00000001")),
            ("320505400202GB00001F0001006", Err("长度应为 28 位，实为 27 位")),
            ("32050A400202GB00001F00010069", Err("第1–6位（县级行政区划代码）应为 6 位数字，实为“32050A”")),
            ("990505400202GB00001F00010069", Err("第1–2位（省级行政区划代码）应为 GB/T 2260 省级代码，实为“99”")),
            ("320505A00202GB00001F00010069", Err("第7–9位（地籍区）应为 3 位数字，实为“A00”")),
            ("32050540020-GB00001F00010069", Err("第10–12位（地籍子区）应为 3 位数字，实为“20-”")),
            ("320505400202QB00001F00010069", Err("第13位（土地所有权）应为 G、J 或 Z，实为“Q”")),
            ("320505400202GI00001F00010069", Err("第14位（宗地特征码）应为 A、B、S、X、C、D、E、F、H、G、W 或 Y，实为“I”")),
            ("320505400202GB00000F00010069", Err("第15–19位（宗地顺序号）应为 00001–99999，实为“00000”")),
            ("320505400202GB00001K00010069", Err("第20位（定着物特征码）应为 F、L、Q 或 W，实为“K”")),
            ("230522101202GB00107W00000001", Err("第21–28位（定着物单元号）应为 00000000（无定着物），实为“00000001”")),
            ("320505400202GB00001F0A010069", Err("第21–24位（幢号）应为 4 位数字，实为“0A01”")),
            ("320505400202GB00001F0001006中", Err("第25–28位（户号）应为 4 位数字，实为“006中”")),
            ("320505400202GB00001L1234567X", Err("第21–28位（定着物单元号）应为 8 位数字，实为“1234567X”")),
        ];
        table::<UnitNumber>("不动产单元号", &cases);
        let cases = [("320505400202gb00001", Ok("320505400202GB00001")), ("320505400202GB00001F", Err("长度应为 19 位，实为 20 位"))];
        table::<ParcelCode>("宗地代码", &cases);
    }

    #[test]
    fn unit_number_parts_and_constructors() {
        let unit = UnitNumber::parse("320505400202GB00107F00010069").unwrap();
        assert_eq!((unit.county_code(), unit.cadastral_district(), unit.cadastral_subdistrict()), ("320505", "400", "202"));
        assert_eq!((unit.ownership_code(), unit.parcel_feature(), unit.parcel_seq()), ('G', 'B', 107));
        assert_eq!((unit.fixture_feature(), unit.building_no(), unit.room_no()), ('F', Some("0001"), Some("0069")));
        let parcel = unit.parcel_code();
        assert_eq!((parcel.as_str(), parcel.parcel_seq()), ("320505400202GB00107", 107));
        assert_eq!(UnitNumber::for_house(&parcel, 1, 69).unwrap(), unit);
        let land = UnitNumber::for_land(&parcel);
        assert_eq!((land.as_str(), land.building_no(), land.room_no()), ("320505400202GB00107W00000000", None, None));
        let err = UnitNumber::for_house(&parcel, 10_000, 1).unwrap_err();
        assert_eq!(err.to_string(), "不动产单元号第21–24位（幢号）应为 0000–9999，实为“10000”");
    }

    #[test]
    fn case_numbers_have_a_real_county_date_and_sequence() {
        let cases = [
            ("32040220250314000001", Ok("32040220250314000001")),
            ("3204022025031400000", Err("长度应为 20 位，实为 19 位")),
            ("3204022025O314000001", Err("第7–14位（业务日期）应为 8 位数字（年月日），实为“2025O314”")),
            ("32040220250230000001", Err("第7–14位业务日期无效：20250230")),
            ("32040219790101000001", Err("第7–14位业务日期无效：19790101")),
            ("32040220250314000000", Err("第15–20位（顺序号）应为 000001–999999，实为“000000”")),
        ];
        table::<CaseNumber>("业务号", &cases);
        let case = CaseNumber::new("320402", date(2025, 3, 14), 7).unwrap();
        assert_eq!((case.as_str(), case.county(), case.date(), case.seq()), ("32040220250314000007", "320402", date(2025, 3, 14), 7));
        for (county, seq, message) in [
            ("320402", 0, "业务号第15–20位（顺序号）应为 000001–999999，实为“0”"),
            ("320402", 1_000_000, "业务号第15–20位（顺序号）应为 000001–999999，实为“1000000”"),
            ("3204", 1, "业务号第1–6位（县级行政区划代码）应为 6 位数字，实为“3204”"),
        ] {
            assert_eq!(CaseNumber::new(county, date(2025, 3, 14), seq).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn certificate_numbers_accept_both_bracket_widths() {
        let cases = [
            ("苏(2025)常州市不动产权第0012345号", Ok("苏(2025)常州市不动产权第0012345号")),
            ("苏(2025)常州市不动产证明第0004567号", Ok("苏(2025)常州市不动产证明第0004567号")),
            (" 苏（2025）常州市不动产证明第004567号 ", Ok("苏(2025)常州市不动产证明第004567号")),
            ("蒙(2024)鄂托克前旗不动产权第00000001号", Ok("蒙(2024)鄂托克前旗不动产权第00000001号")),
            ("", Err("格式错误：为空")),
            ("苏2025常州市不动产权第0012345号", Err("格式错误：省份简称后应为括号中的年份，如“苏(2025)”")),
            ("苏(25)常州市不动产权第0012345号", Err("的年份应为 4 位数字（1980–2100），实为“25”")),
            ("苏(1979)常州市不动产权第0012345号", Err("的年份应为 1980–2100，实为“1979”")),
            ("苏(2025)常州市不动产权第0012345", Err("格式错误：应以“号”结尾")),
            ("苏(2025)常州市房产证第0012345号", Err("格式错误：缺少“不动产权第”或“不动产证明第”")),
            ("苏(2025)常州不动产权第0012345号", Err("的登记机构名称应为 2–20 个汉字，以市、县、区或旗结尾，实为“常州”")),
            ("苏(2025)常州市不动产权第12345号", Err("的顺序号应为 6–8 位数字，实为“12345”")),
            ("苏(2025)常州市不动产权第0000000号", Err("的顺序号应为 1–9999999，实为“0”")),
            ("S(2025)常州市不动产权第0012345号", Err("的省份简称应为 一个汉字，实为“S”")),
        ];
        table::<CertificateNumber>("不动产权证书（证明）号", &cases);
        let n = CertificateNumber::parse("苏（2025）常州市不动产权第0012345号").unwrap();
        assert_eq!((n.province(), n.year(), n.authority(), n.kind()), ('苏', 2025, "常州市", CertificateKind::Title));
        assert_eq!((n.seq(), n.width(), n.format()), (12_345, 7, "苏(2025)常州市不动产权第0012345号".to_owned()));
        let new = |seq, width| CertificateNumber::new('苏', 2025, "常州市", CertificateKind::Proof, seq, width);
        assert_eq!(new(4567, 7).unwrap().as_str(), "苏(2025)常州市不动产证明第0004567号");
        assert_eq!(new(1_000_000, 6).unwrap_err().to_string(), "不动产权证书（证明）号的顺序号应为 1–999999，实为“1000000”");
        assert_eq!(new(1, 9).unwrap_err().to_string(), "不动产权证书（证明）号的顺序号位数应为 6–8，实为“9”");
    }

    #[test]
    fn citizen_ids_check_birth_date_and_check_digit() {
        let cases = [
            ("440524188001010014", Ok("440524188001010014")),
            ("11010519491231002X", Ok("11010519491231002X")),
            ("11010519491231002x", Ok("11010519491231002X")),
            ("110105194912310025", Err("第18位校验位错误：应为 X，实为 5")),
            ("110105194913310021", Err("第7–14位出生日期无效：19491331")),
            ("110105184912310021", Err("第7–14位出生日期无效：18491231")),
            ("11010519491231A02X", Err("第15–17位（顺序码）应为 3 位数字，实为“A02”")),
            ("11010519491231002Y", Err("第18位（校验码）应为 0–9 或 X，实为“Y”")),
            ("1101051949123100X", Err("长度应为 18 位，实为 17 位")),
        ];
        table::<CitizenId>("身份证号", &cases);
        let woman = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!((woman.birth_date(), woman.is_male(), woman.region_code()), (date(1949, 12, 31), false, "110105"));
        assert!(CitizenId::parse("440524188001010014").unwrap().is_male());
        assert_eq!(format!("{woman:?}"), "CitizenId(\"1101**********002X\")");
    }

    #[test]
    fn citizen_ids_born_in_the_future_are_refused() {
        // 2026-12-03 with check digit: computed rather than written, so the test states the rule.
        let body: Vec<char> = "32040220261203001".chars().collect();
        let id: String = body.iter().chain([&citizen_check(&body)]).collect();
        let today = date(2026, 12, 2);
        let err = CitizenId::parse_on(&id, today).unwrap_err();
        assert_eq!(err, IdError::FutureBirth { what: "身份证号", born: date(2026, 12, 3), today });
        assert_eq!(err.to_string(), "身份证号第7–14位出生日期 2026-12-03 晚于今天（2026-12-02），不可能为有效证件号");
        assert_eq!(CitizenId::parse_on(&id, date(2026, 12, 3)).unwrap().birth_date(), date(2026, 12, 3), "born today is fine");
        let body: Vec<char> = "11010520991231002".chars().collect();
        let later: String = body.iter().chain([&citizen_check(&body)]).collect();
        assert!(matches!(CitizenId::parse(&later), Err(IdError::FutureBirth { .. })), "parse uses today's date");
    }

    #[test]
    fn credit_codes_check_layout_and_check_digit() {
        let cases = [
            ("91350100M000100Y43", Ok("91350100M000100Y43")),
            ("12100000400009880K", Ok("12100000400009880K")),
            ("91320400700000028y", Ok("91320400700000028Y")),
            ("913204007000000283", Err("第18位校验位错误：应为 Y，实为 3")),
            ("Z1350100M000100Y43", Err("第1位（登记管理部门代码）应为 1–9、A、N 或 Y，实为“Z”")),
            ("9135A100M000100Y43", Err("第3–8位（登记管理机关行政区划码）应为 6 位数字，实为“35A100”")),
            ("91350100M0001O0Y43", Err("第14位（主体标识码）应为 数字或除 I、O、S、V、Z 外的大写字母，实为“O”")),
            ("91350100M000100Y4", Err("长度应为 18 位，实为 17 位")),
        ];
        table::<CreditCode>("统一社会信用代码", &cases);
    }

    fn chars_of(s: &'static str) -> impl Strategy<Value = char> {
        prop::sample::select(s.chars().collect::<Vec<_>>())
    }

    fn county() -> impl Strategy<Value = String> {
        (prop::sample::select(PROVINCES.to_vec()), 0..10_000u32).prop_map(|(p, r)| format!("{p}{r:04}"))
    }

    fn day(years: RangeInclusive<i32>) -> impl Strategy<Value = NaiveDate> {
        (years, 1..=12u32, 1..=31u32).prop_filter_map("no such day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    proptest! {
        #[test]
        fn citizen_check_digit(region in "[0-9]{6}", born in day(1850..=2100), order in "[0-9]{3}") {
            let body: Vec<char> = format!("{}{}{}", region, born.format("%Y%m%d"), order).chars().collect();
            let check = citizen_check(&body);
            for other in "0123456789X".chars() {
                let got = CitizenId::parse_on(&body.iter().chain([&other]).collect::<String>(), date(2100, 12, 31));
                let expect = IdError::CheckDigit { what: "身份证号", pos: 18, expected: check, actual: other };
                prop_assert_eq!(got.map(|id| id.birth_date()), if other == check { Ok(born) } else { Err(expect) });
            }
        }

        #[test]
        fn credit_check_digit(
            first in chars_of("123456789ANY"),
            kind in chars_of(CREDIT_ALPHABET),
            area in "[0-9]{6}",
            subject in prop::collection::vec(chars_of(CREDIT_ALPHABET), 9),
        ) {
            let body: Vec<char> = [first, kind].into_iter().chain(area.chars()).chain(subject).collect();
            let check = credit_check(&body);
            for other in CREDIT_ALPHABET.chars() {
                let got = CreditCode::parse(&body.iter().chain([&other]).collect::<String>()).map(|_| ());
                let expect = IdError::CheckDigit { what: "统一社会信用代码", pos: 18, expected: check, actual: other };
                prop_assert_eq!(got, if other == check { Ok(()) } else { Err(expect) });
            }
        }

        #[test]
        fn unit_number_round_trip(
            county in county(),
            districts in "[0-9]{6}",
            ownership in chars_of("GJZ"),
            feature in chars_of("ABSXCDEFHGWY"),
            seq in 1..=99_999u32,
            fixture in prop_oneof![
                (0..=9999u16, 0..=9999u16).prop_map(|(b, r)| format!("F{:04}{:04}", b, r)),
                (chars_of("LQ"), "[0-9]{8}").prop_map(|(f, n)| format!("{}{}", f, n)),
                Just("W00000000".to_owned()),
            ],
        ) {
            let text = format!("{}{}{}{}{:05}{}", county, districts, ownership, feature, seq, fixture);
            let unit = UnitNumber::parse(&text.to_lowercase()).unwrap();
            prop_assert_eq!(unit.to_string(), text.clone());
            prop_assert_eq!((unit.parcel_seq(), unit.parcel_code()), (seq, ParcelCode::parse(&text[..19]).unwrap()));
            prop_assert_eq!(UnitNumber::parse(unit.as_str()).unwrap(), unit);
        }

        #[test]
        fn certificate_round_trip(
            province in chars_of("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"),
            year in 1980..=2100u16,
            authority in prop::sample::select(vec!["常州市", "武进区", "溧阳市", "鄂托克前旗", "沛县"]),
            proof in any::<bool>(),
            (width, seq) in (6..=8u8).prop_flat_map(|w| (Just(w), 1..10u32.pow(u32::from(w)))),
        ) {
            let kind = if proof { CertificateKind::Proof } else { CertificateKind::Title };
            let number = CertificateNumber::new(province, year, authority, kind, seq, width).unwrap();
            prop_assert_eq!(CertificateNumber::parse(&number.format()).unwrap(), number.clone());
            let full_width = number.format().replace('(', "（").replace(')', "）");
            prop_assert_eq!(CertificateNumber::parse(&full_width).unwrap(), number);
        }

        #[test]
        fn case_number_round_trip(county in county(), on in day(1980..=2100), seq in 1..=999_999u32) {
            let case = CaseNumber::new(&county, on, seq).unwrap();
            prop_assert_eq!((case.county(), case.date(), case.seq()), (county.as_str(), on, seq));
            prop_assert_eq!(CaseNumber::parse(case.as_str()).unwrap(), case);
        }
    }
}
