//! The national exchange tables (数据交换表) as data: each table's 要素代码, its columns in the
//! standard's order, which are required and what a value must look like.
//!
//! Why data and not only code: the report builder, the provincial sandbox and the conformance
//! test all judge a row by the same list, so a column misnamed in one place (DYSW for DYQSW,
//! BDCQZH for BDCDJZMH) is caught by the others. The column names follow `STANDARDS.md` where it
//! lists them (QLF_QL_CFDJ, QLF_QL_DYAQ, ZTT_GY_QLR) and the national 不动产登记数据库标准 and
//! 接入规范 for the rest; columns BDC does not hold are listed so that a row may carry them,
//! but only what BDC knows is written.

/// What a column's value must look like (值域).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Free text of at most this many characters.
    Text(usize),
    /// `YYYY-MM-DD`.
    Date,
    /// `yyyy-MM-ddTHH:mm:ss` (a date alone is accepted too).
    DateTime,
    /// A decimal number, e.g. 面积 or 金额.
    Decimal,
    /// A whole number, e.g. 顺序号 or 层数.
    Integer,
    /// One of the codes of a dictionary (字典).
    Code(&'static [&'static str]),
    /// 不动产单元号: 28 characters, A–Z and 0–9 (GB/T 37346).
    UnitNumber,
    /// 宗地代码: the first 19 characters of a unit number.
    ParcelCode,
    /// 区县代码: 6 digits (GB/T 2260).
    AreaCode,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// 必填 (M): the standard requires a value.
    pub required: bool,
    pub format: Format,
}

/// One exchange table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    /// 要素代码 (YSDM).
    pub ysdm: &'static str,
    pub columns: &'static [Column],
}

/// Dictionaries of TD/T 1066 (see `STANDARDS.md`).
pub mod dict {
    /// 登记类型 DJLX / 登记大类 DJDL.
    pub const DJLX: &[&str] = &["100", "200", "300", "400", "500", "600", "700", "800", "900"];
    /// 权利类型 QLLX, with the vendors' codes of the restrictions (37 抵押权, 96 预告, 97 异议, 98 查封).
    pub const QLLX: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "37", "96", "97", "98", "99"];
    /// 权属状态 QSZT: 0 临时, 1 现势, 2 历史, 3 终止.
    pub const QSZT: &[&str] = &["0", "1", "2", "3"];
    /// 权利性质.
    pub const QLXZ: &[&str] = &["100", "101", "102", "103", "104", "105", "106", "107", "200", "201", "202", "203", "204", "205"];
    /// 房屋用途.
    pub const FWYT: &[&str] = &["10", "11", "111", "112", "12", "13", "20", "30", "40", "50", "60", "70", "80"];
    /// 抵押不动产类型.
    pub const DYBDCLX: &[&str] = &["1", "2", "3", "4", "5", "6", "7"];
    /// 抵押方式: 1 一般抵押, 2 最高额抵押.
    pub const DYFS: &[&str] = &["1", "2"];
    /// 预告登记种类.
    pub const YGDJZL: &[&str] = &["1", "2", "3", "4"];
    /// 证件种类.
    pub const ZJZL: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "99"];
    /// 查封类型: 1 查封, 2 轮候查封, 3 预查封, 4 轮候预查封.
    pub const CFLX: &[&str] = &["1", "2", "3", "4"];
    /// 共有方式: 0 单独所有, 1 共同共有, 2 按份共有, 3 其他.
    pub const GYFS: &[&str] = &["0", "1", "2", "3"];
    /// 权利人类型: 1 个人, 2 企业, 3 事业单位, 4 国家机关, 99 其他.
    pub const QLRLX: &[&str] = &["1", "2", "3", "4", "99"];
    /// 面积单位: 1 平方米, 2 亩, 3 公顷.
    pub const MJDW: &[&str] = &["1", "2", "3"];
    /// 房屋结构: 1 钢结构, 2 钢和钢筋混凝土结构, 3 钢筋混凝土结构, 4 混合结构, 5 砖木结构, 6 其他结构.
    pub const FWJG: &[&str] = &["1", "2", "3", "4", "5", "6"];
    /// 案件状态: 1 已受理, 2 已办结.
    pub const AJZT: &[&str] = &["1", "2"];
    /// 操作结果 (审核): 1 通过, 2 不通过.
    pub const CZJG: &[&str] = &["1", "2"];
}

const fn m(name: &'static str, format: Format) -> Column {
    Column { name, required: true, format }
}
const fn o(name: &'static str, format: Format) -> Column {
    Column { name, required: false, format }
}

use Format::{AreaCode, Code, Date, DateTime, Decimal, Integer, ParcelCode, Text, UnitNumber};

const YSDM: Column = m("YSDM", Text(10));
const YWH: Column = m("YWH", Text(20));
const BDCDYH: Column = m("BDCDYH", UnitNumber);
const QXDM: Column = m("QXDM", AreaCode);
const DJJG: Column = m("DJJG", Text(200));
const DBR: Column = m("DBR", Text(50));
const DJSJ: Column = m("DJSJ", DateTime);
const FJ: Column = o("FJ", Text(500));
const QSZT: Column = m("QSZT", Code(dict::QSZT));
const DJLX: Column = m("DJLX", Code(dict::DJLX));
const DJYY: Column = o("DJYY", Text(200));

/// Every table BDC emits.
pub const TABLES: &[Table] = &[
    Table {
        name: "DJT_DJ_SL",
        ysdm: "6004020000",
        columns: &[
            YSDM,
            YWH,
            m("DJDL", Code(dict::DJLX)),
            o("DJXL", Text(10)),
            o("SQZSBS", Text(1)),
            o("SQFBCZ", Text(1)),
            DJYY,
            m("ZL", Text(200)),
            o("TZRXM", Text(100)),
            o("TZFS", Text(10)),
            o("TZRDH", Text(50)),
            o("SFWTAJ", Text(1)),
            o("JSSJ", DateTime),
            m("AJZT", Code(dict::AJZT)),
            m("SLSJ", DateTime),
            o("SLRY", Text(50)),
            o("BZ", Text(500)),
            QXDM,
        ],
    },
    Table { name: "DJF_DJ_SQ", ysdm: "6004010000", columns: &[YSDM, YWH, m("DJDL", Code(dict::DJLX)), m("SQRQ", Date), o("SQRXM", Text(100)), o("BZ", Text(500))] },
    Table {
        name: "DJF_DJ_SH",
        ysdm: "6004030000",
        columns: &[YSDM, YWH, m("JDMC", Text(20)), o("SXH", Integer), m("SHRYXM", Text(50)), o("SHKSSJ", DateTime), m("SHJSSJ", DateTime), m("SHYJ", Text(500)), m("CZJG", Code(dict::CZJG))],
    },
    Table {
        name: "DJF_DJ_SZ",
        ysdm: "6004060000",
        columns: &[YSDM, YWH, m("SZMC", Text(50)), m("SZZH", Text(50)), o("YSXLH", Text(50)), o("SZRY", Text(50)), m("SZSJ", DateTime), o("BZ", Text(500))],
    },
    Table {
        name: "KTT_ZDJBXX",
        ysdm: "6001010000",
        columns: &[
            YSDM,
            m("ZDDM", ParcelCode),
            m("BDCDYH", UnitNumber),
            o("ZDTZM", Text(1)),
            m("ZL", Text(200)),
            m("ZDMJ", Decimal),
            m("MJDW", Code(dict::MJDW)),
            m("YT", Text(50)),
            o("DJ", Text(10)),
            o("JG", Decimal),
            o("QLLX", Code(dict::QLLX)),
            m("QLXZ", Code(dict::QLXZ)),
            o("QLSDFS", Text(10)),
            o("RJL", Decimal),
            o("JZMD", Decimal),
            o("JZXG", Decimal),
            o("ZDSZD", Text(200)),
            o("ZDSZN", Text(200)),
            o("ZDSZX", Text(200)),
            o("ZDSZB", Text(200)),
            o("TFH", Text(100)),
            o("DJH", Text(50)),
            o("DAH", Text(50)),
            o("BZ", Text(500)),
            o("ZT", Text(10)),
        ],
    },
    Table {
        name: "KTT_FW_ZRZ",
        ysdm: "6001030110",
        columns: &[
            YSDM,
            m("BDCDYH", UnitNumber),
            m("ZDDM", ParcelCode),
            m("ZRZH", Text(24)),
            o("XMMC", Text(100)),
            o("JZWMC", Text(100)),
            o("JGRQ", Date),
            o("JZWGD", Decimal),
            o("ZZDMJ", Decimal),
            o("ZYDMJ", Decimal),
            o("YCJZMJ", Decimal),
            o("SCJZMJ", Decimal),
            m("ZCS", Integer),
            o("DSCS", Integer),
            o("DXCS", Integer),
            o("DXSD", Decimal),
            o("GHYT", Code(dict::FWYT)),
            m("FWJG", Code(dict::FWJG)),
            o("ZTS", Integer),
            o("JZWJBYT", Text(100)),
            o("DAH", Text(50)),
            o("BZ", Text(500)),
            o("ZT", Text(10)),
        ],
    },
    Table {
        name: "KTT_FW_H",
        ysdm: "6001030140",
        columns: &[
            YSDM,
            BDCDYH,
            o("FWBM", Text(50)),
            m("ZRZH", Text(24)),
            o("LJZH", Text(50)),
            o("CH", Text(50)),
            m("ZL", Text(200)),
            m("MJDW", Code(dict::MJDW)),
            o("SJCS", Integer),
            m("HH", Integer),
            o("SHBW", Text(50)),
            o("HX", Text(10)),
            o("HXJG", Text(10)),
            m("FWYT1", Code(dict::FWYT)),
            o("FWYT2", Code(dict::FWYT)),
            o("FWYT3", Code(dict::FWYT)),
            o("YCJZMJ", Decimal),
            o("YCTNJZMJ", Decimal),
            o("YCFTJZMJ", Decimal),
            m("SCJZMJ", Decimal),
            o("SCTNJZMJ", Decimal),
            o("SCFTJZMJ", Decimal),
            o("GYTDMJ", Decimal),
            o("FTTDMJ", Decimal),
            o("DYTDMJ", Decimal),
            o("FWLX", Text(10)),
            o("FWXZ", Text(10)),
            o("ZT", Text(10)),
        ],
    },
    Table {
        name: "QLT_FW_FDCQ_YZ",
        ysdm: "6002010200",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            m("QLLX", Code(dict::QLLX)),
            DJLX,
            DJYY,
            m("FDZL", Text(200)),
            o("TDSYQR", Text(200)),
            o("DYTDMJ", Decimal),
            o("FTTDMJ", Decimal),
            o("TDSYQSSJ", Date),
            o("TDSYJSSJ", Date),
            o("FDCJYJG", Decimal),
            m("GHYT", Code(dict::FWYT)),
            o("FWXZ", Text(10)),
            o("FWJG", Code(dict::FWJG)),
            o("SZC", Integer),
            o("ZCS", Integer),
            m("JZMJ", Decimal),
            o("ZYJZMJ", Decimal),
            o("FTJZMJ", Decimal),
            o("JGSJ", Date),
            m("BDCQZH", Text(50)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_JSYDSYQ",
        ysdm: "6002020300",
        columns: &[
            YSDM,
            m("ZDDM", ParcelCode),
            BDCDYH,
            YWH,
            m("QLLX", Code(dict::QLLX)),
            DJLX,
            DJYY,
            o("SYQMJ", Decimal),
            o("SYQQSSJ", Date),
            o("SYQJSSJ", Date),
            o("QDJG", Decimal),
            m("BDCQZH", Text(50)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_DYAQ",
        ysdm: "6002030100",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            m("DYBDCLX", Code(dict::DYBDCLX)),
            m("DYR", Text(200)),
            m("DYFS", Code(dict::DYFS)),
            DJLX,
            DJYY,
            o("ZJJZWZL", Text(200)),
            o("ZJJZWDYFW", Text(200)),
            o("BDBZZQSE", Decimal),
            m("ZWLXQSSJ", Date),
            m("ZWLXJSSJ", Date),
            o("ZGZQQDSS", Text(200)),
            o("ZGZQSE", Decimal),
            m("DYQSW", Integer),
            o("ZXDYYWH", Text(20)),
            o("ZXDYYY", Text(200)),
            o("ZXSJ", DateTime),
            m("BDCDJZMH", Text(50)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_YGDJ",
        ysdm: "6002040100",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            m("BDCZL", Text(200)),
            o("YWR", Text(200)),
            o("YWRZJZL", Code(dict::ZJZL)),
            o("YWRZJH", Text(50)),
            m("YGDJZL", Code(dict::YGDJZL)),
            DJLX,
            DJYY,
            o("TDSYQR", Text(200)),
            o("GHYT", Code(dict::FWYT)),
            o("FWXZ", Text(10)),
            o("FWJG", Code(dict::FWJG)),
            o("SZC", Integer),
            o("ZCS", Integer),
            o("JZMJ", Decimal),
            o("QDJG", Decimal),
            m("BDCDJZMH", Text(50)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_YYDJ",
        ysdm: "6002040200",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            m("YYSX", Text(500)),
            m("BDCDJZMH", Text(50)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            o("ZXYYYWH", Text(20)),
            o("ZXYYYY", Text(200)),
            o("ZXYYDBR", Text(50)),
            o("ZXYYDJSJ", DateTime),
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_CFDJ",
        ysdm: "6002040300",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            m("CFJG", Text(100)),
            m("CFLX", Code(dict::CFLX)),
            m("CFWJ", Text(200)),
            m("CFWH", Text(100)),
            o("CFQSSJ", Date),
            o("CFJSSJ", Date),
            o("CFFW", Text(200)),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            o("JFYWH", Text(20)),
            o("JFJG", Text(100)),
            o("JFWJ", Text(200)),
            o("JFWH", Text(100)),
            o("JFDBR", Text(50)),
            o("JFDJSJ", DateTime),
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "QLF_QL_DYIQ",
        ysdm: "6002020900",
        columns: &[
            YSDM,
            BDCDYH,
            YWH,
            o("GYDBDCDYH", UnitNumber),
            o("XYDBDCDYH", UnitNumber),
            DJLX,
            DJYY,
            o("DYIQNR", Text(500)),
            m("BDCDJZMH", Text(50)),
            o("QLQSSJ", Date),
            o("QLJSSJ", Date),
            QXDM,
            DJJG,
            DBR,
            DJSJ,
            FJ,
            QSZT,
        ],
    },
    Table {
        name: "ZTT_GY_QLR",
        ysdm: "6003000000",
        columns: &[
            YSDM,
            BDCDYH,
            m("SXH", Integer),
            m("QLRMC", Text(200)),
            o("BDCQZH", Text(50)),
            o("QZYSXLH", Text(50)),
            o("SFCZR", Text(1)),
            m("ZJZL", Code(dict::ZJZL)),
            m("ZJH", Text(50)),
            o("FZJG", Text(200)),
            o("SSHY", Text(10)),
            o("GJ", Text(10)),
            o("HJSZSS", Text(10)),
            o("XB", Code(&["1", "2", "3"])),
            o("DH", Text(50)),
            o("DZ", Text(200)),
            o("YB", Text(6)),
            o("GZDW", Text(100)),
            o("DZYJ", Text(100)),
            m("QLRLX", Code(dict::QLRLX)),
            o("QLBL", Text(20)),
            m("GYFS", Code(dict::GYFS)),
            o("GYQK", Text(200)),
            o("BZ", Text(500)),
        ],
    },
];

/// The table of this name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

fn well_formed(format: Format, v: &str) -> Result<(), String> {
    let ok = match format {
        Format::Text(n) => v.chars().count() <= n,
        Format::Date => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
        Format::DateTime => chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S").is_ok() || chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
        Format::Decimal => v.parse::<f64>().is_ok_and(f64::is_finite),
        Format::Integer => v.parse::<i64>().is_ok(),
        Format::Code(codes) => codes.contains(&v),
        Format::UnitNumber => v.len() == 28 && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        Format::ParcelCode => v.len() == 19 && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        Format::AreaCode => v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()),
    };
    if ok {
        Ok(())
    } else {
        Err(match format {
            Format::Text(n) => format!("超过 {n} 个字符"),
            Format::Date => "不是 YYYY-MM-DD 日期".into(),
            Format::DateTime => "不是 yyyy-MM-ddTHH:mm:ss 时间".into(),
            Format::Decimal => "不是数值".into(),
            Format::Integer => "不是整数".into(),
            Format::Code(_) => "不在字典中".into(),
            Format::UnitNumber => "不是 28 位不动产单元号".into(),
            Format::ParcelCode => "不是 19 位宗地代码".into(),
            Format::AreaCode => "不是 6 位区县代码".into(),
        })
    }
}

/// Checks one row against its table: the table is known, YSDM is its code, every column is
/// the table's, every required column has a value, and every value is well formed. Empty and
/// `/` values count as absent. Returns the problems in Chinese, none when the row conforms.
pub fn check_row(table_name: &str, attrs: &[(String, String)]) -> Vec<String> {
    let Some(t) = table(table_name) else { return vec![format!("{table_name} 不是交换表")] };
    let mut problems = Vec::new();
    let value = |name: &str| attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty() && *v != "/");
    for (k, _) in attrs {
        if !t.columns.iter().any(|c| c.name == k) {
            problems.push(format!("{}.{k} 不是该表的字段", t.name));
        }
    }
    if value("YSDM").is_some_and(|v| v != t.ysdm) {
        problems.push(format!("{}.YSDM 应为 {}", t.name, t.ysdm));
    }
    for c in t.columns {
        match value(c.name) {
            None if c.required => problems.push(format!("{}.{} 为必填字段", t.name, c.name)),
            None => {}
            Some(v) => {
                if let Err(e) = well_formed(c.format, v) {
                    problems.push(format!("{}.{} 的值“{v}”{e}", t.name, c.name));
                }
            }
        }
    }
    // 被担保主债权数额 for a general mortgage, 最高债权数额 for a maximum-amount one.
    if t.name == "QLF_QL_DYAQ" {
        let (field, what) = if value("DYFS") == Some("2") { ("ZGZQSE", "最高额抵押须填最高债权数额") } else { ("BDBZZQSE", "一般抵押须填被担保主债权数额") };
        if value(field).is_none() {
            problems.push(format!("QLF_QL_DYAQ.{field}：{what}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_table_is_unique_and_has_its_key_columns() {
        for t in TABLES {
            assert_eq!(TABLES.iter().filter(|x| x.name == t.name).count(), 1, "{}", t.name);
            assert!(t.columns.iter().any(|c| c.name == "YSDM" && c.required), "{}", t.name);
            let mut names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), t.columns.len(), "{} repeats a column", t.name);
        }
    }

    #[test]
    fn rows_are_judged_by_column_set_presence_and_form() {
        let bad = row(&[("YSDM", "6002040300"), ("BDCDYH", "320402001001GB00001F0001"), ("CFLX", "7"), ("DYSW", "1")]);
        let p = check_row("QLF_QL_CFDJ", &bad).join("\n");
        assert!(p.contains("DYSW 不是该表的字段"), "{p}");
        assert!(p.contains("CFWJ 为必填字段"), "{p}");
        assert!(p.contains("CFLX 的值“7”不在字典中"), "{p}");
        assert!(p.contains("不是 28 位不动产单元号"), "{p}");
        let m = row(&[("YSDM", "6002030100"), ("DYFS", "2"), ("BDBZZQSE", "50")]);
        assert!(check_row("QLF_QL_DYAQ", &m).iter().any(|x| x.contains("ZGZQSE")));
        assert_eq!(check_row("NOPE", &[]), vec!["NOPE 不是交换表".to_owned()]);
    }
}
