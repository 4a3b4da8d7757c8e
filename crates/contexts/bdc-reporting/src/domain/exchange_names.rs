//! The Chinese names of the national exchange's tables and fields (数据交换表、字段的中文名), as
//! 《不动产登记数据库标准》 and the 接入规范 print them, so that an administrator reads
//! “房地产权（独幢、层、套、间房屋）” and “不动产权证书号” where the issuance-data rules name
//! `QLT_FW_FDCQ_YZ` and `BDCQZH`. The codes stay what the rules store and the exchange sends;
//! a code without a name here is shown as it is.

/// The table code that stands for every table in an issuance-data rule.
pub const ALL_TABLES: &str = "*";

/// `(code, Chinese name)` of every exchange table BDC sends, in the order of the standard.
pub const TABLES: &[(&str, &str)] = &[
    ("DJT_DJ_SL", "登记受理信息"),
    ("DJF_DJ_SQ", "登记申请信息"),
    ("DJF_DJ_SH", "登记审核信息"),
    ("DJF_DJ_SZ", "登记缮证信息"),
    ("KTT_ZDJBXX", "宗地基本信息"),
    ("KTT_FW_ZRZ", "自然幢"),
    ("KTT_FW_H", "户（房屋）"),
    ("QLT_FW_FDCQ_YZ", "房地产权（独幢、层、套、间房屋）"),
    ("QLF_QL_JSYDSYQ", "建设用地使用权、宅基地使用权"),
    ("QLF_QL_DYAQ", "抵押权"),
    ("QLF_QL_YGDJ", "预告登记"),
    ("QLF_QL_YYDJ", "异议登记"),
    ("QLF_QL_CFDJ", "查封登记"),
    ("QLF_QL_DYIQ", "地役权"),
    ("ZTT_GY_QLR", "权利人"),
];

/// The Chinese name of an exchange table (`*`: 全部表), if it is one BDC sends.
pub fn table_name(code: &str) -> Option<&'static str> {
    if code == ALL_TABLES {
        return Some("全部表");
    }
    TABLES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// `(code, Chinese name)` of the exchange tables' fields (字段), alphabetical by code.
const FIELDS: &[(&str, &str)] = &[
    ("AJZT", "案件状态"),
    ("BDBZZQSE", "被担保主债权数额"),
    ("BDCDJZMH", "不动产登记证明号"),
    ("BDCDYH", "不动产单元号"),
    ("BDCQZH", "不动产权证书号"),
    ("BDCZL", "不动产坐落"),
    ("BZ", "备注"),
    ("CFFW", "查封范围"),
    ("CFJG", "查封机关"),
    ("CFJSSJ", "查封结束时间"),
    ("CFLX", "查封类型"),
    ("CFQSSJ", "查封起始时间"),
    ("CFWH", "查封文号"),
    ("CFWJ", "查封文件"),
    ("CH", "层号"),
    ("CZJG", "操作结果"),
    ("DAH", "档案号"),
    ("DBR", "登簿人"),
    ("DH", "电话"),
    ("DJ", "等级"),
    ("DJDL", "登记大类"),
    ("DJH", "地籍号"),
    ("DJJG", "登记机构"),
    ("DJLX", "登记类型"),
    ("DJSJ", "登记时间"),
    ("DJXL", "登记小类"),
    ("DJYY", "登记原因"),
    ("DSCS", "地上层数"),
    ("DXCS", "地下层数"),
    ("DXSD", "地下深度"),
    ("DYBDCLX", "抵押不动产类型"),
    ("DYFS", "抵押方式"),
    ("DYIQNR", "地役权内容"),
    ("DYQSW", "抵押顺位"),
    ("DYR", "抵押人"),
    ("DYTDMJ", "独用土地面积"),
    ("DZ", "地址"),
    ("DZYJ", "电子邮件"),
    ("FDCJYJG", "房地产交易价格"),
    ("FDZL", "房地坐落"),
    ("FJ", "附记"),
    ("FTJZMJ", "分摊建筑面积"),
    ("FTTDMJ", "分摊土地面积"),
    ("FWBM", "房屋编码"),
    ("FWJG", "房屋结构"),
    ("FWLX", "房屋类型"),
    ("FWXZ", "房屋性质"),
    ("FWYT1", "房屋用途一"),
    ("FWYT2", "房屋用途二"),
    ("FWYT3", "房屋用途三"),
    ("FZJG", "发证机关"),
    ("GHYT", "规划用途"),
    ("GJ", "国家/地区"),
    ("GYDBDCDYH", "供役地不动产单元号"),
    ("GYFS", "共有方式"),
    ("GYQK", "共有情况"),
    ("GYTDMJ", "共有土地面积"),
    ("GZDW", "工作单位"),
    ("HH", "户号"),
    ("HJSZSS", "户籍所在省市"),
    ("HX", "户型"),
    ("HXJG", "户型结构"),
    ("JDMC", "节点名称"),
    ("JFDBR", "解封登簿人"),
    ("JFDJSJ", "解封登记时间"),
    ("JFJG", "解封机关"),
    ("JFWH", "解封文号"),
    ("JFWJ", "解封文件"),
    ("JFYWH", "解封业务号"),
    ("JG", "价格"),
    ("JGRQ", "竣工日期"),
    ("JGSJ", "竣工时间"),
    ("JSSJ", "结束时间"),
    ("JZMD", "建筑密度"),
    ("JZMJ", "建筑面积"),
    ("JZWGD", "建筑物高度"),
    ("JZWJBYT", "建筑物基本用途"),
    ("JZWMC", "建筑物名称"),
    ("JZXG", "建筑限高"),
    ("LJZH", "逻辑幢号"),
    ("MJDW", "面积单位"),
    ("QDJG", "取得价格"),
    ("QLBL", "权利比例"),
    ("QLJSSJ", "权利结束时间"),
    ("QLLX", "权利类型"),
    ("QLQSSJ", "权利起始时间"),
    ("QLRLX", "权利人类型"),
    ("QLRMC", "权利人名称"),
    ("QLSDFS", "权利设定方式"),
    ("QLXZ", "权利性质"),
    ("QSZT", "权属状态"),
    ("QXDM", "区县代码"),
    ("QZYSXLH", "权证印刷序列号"),
    ("RJL", "容积率"),
    ("SCFTJZMJ", "实测分摊建筑面积"),
    ("SCJZMJ", "实测建筑面积"),
    ("SCTNJZMJ", "实测套内建筑面积"),
    ("SFCZR", "是否持证人"),
    ("SFWTAJ", "是否问题案件"),
    ("SHBW", "室号部位"),
    ("SHJSSJ", "审核结束时间"),
    ("SHKSSJ", "审核开始时间"),
    ("SHRYXM", "审核人员姓名"),
    ("SHYJ", "审核意见"),
    ("SJCS", "实际层数"),
    ("SLRY", "受理人员"),
    ("SLSJ", "受理时间"),
    ("SQFBCZ", "申请分别持证"),
    ("SQRQ", "申请日期"),
    ("SQRXM", "申请人姓名"),
    ("SQZSBS", "申请证书版式"),
    ("SSHY", "所属行业"),
    ("SXH", "顺序号"),
    ("SYQJSSJ", "使用权结束时间"),
    ("SYQMJ", "使用权面积"),
    ("SYQQSSJ", "使用权起始时间"),
    ("SZC", "所在层"),
    ("SZMC", "缮证名称"),
    ("SZRY", "缮证人员"),
    ("SZSJ", "缮证时间"),
    ("SZZH", "缮证证号"),
    ("TDSYJSSJ", "土地使用结束时间"),
    ("TDSYQR", "土地使用权人"),
    ("TDSYQSSJ", "土地使用起始时间"),
    ("TFH", "图幅号"),
    ("TZFS", "通知方式"),
    ("TZRDH", "通知人电话"),
    ("TZRXM", "通知人姓名"),
    ("XB", "性别"),
    ("XMMC", "项目名称"),
    ("XYDBDCDYH", "需役地不动产单元号"),
    ("YB", "邮编"),
    ("YCFTJZMJ", "预测分摊建筑面积"),
    ("YCJZMJ", "预测建筑面积"),
    ("YCTNJZMJ", "预测套内建筑面积"),
    ("YGDJZL", "预告登记种类"),
    ("YSDM", "要素代码"),
    ("YSXLH", "印刷序列号"),
    ("YT", "用途"),
    ("YWH", "业务号"),
    ("YWR", "义务人"),
    ("YWRZJH", "义务人证件号"),
    ("YWRZJZL", "义务人证件种类"),
    ("YYSX", "异议事项"),
    ("ZCS", "总层数"),
    ("ZDDM", "宗地代码"),
    ("ZDMJ", "宗地面积"),
    ("ZDSZB", "宗地四至（北）"),
    ("ZDSZD", "宗地四至（东）"),
    ("ZDSZN", "宗地四至（南）"),
    ("ZDSZX", "宗地四至（西）"),
    ("ZDTZM", "宗地特征码"),
    ("ZGZQQDSS", "最高债权确定事实"),
    ("ZGZQSE", "最高债权数额"),
    ("ZJH", "证件号"),
    ("ZJJZWDYFW", "在建建筑物抵押范围"),
    ("ZJJZWZL", "在建建筑物坐落"),
    ("ZJZL", "证件种类"),
    ("ZL", "坐落"),
    ("ZRZH", "自然幢号"),
    ("ZT", "状态"),
    ("ZTS", "总套数"),
    ("ZWLXJSSJ", "债务履行结束时间"),
    ("ZWLXQSSJ", "债务履行起始时间"),
    ("ZXDYYWH", "注销抵押业务号"),
    ("ZXDYYY", "注销抵押原因"),
    ("ZXSJ", "注销时间"),
    ("ZXYYDBR", "注销异议登簿人"),
    ("ZXYYDJSJ", "注销异议登记时间"),
    ("ZXYYYWH", "注销异议业务号"),
    ("ZXYYYY", "注销异议原因"),
    ("ZYDMJ", "幢用地面积"),
    ("ZYJZMJ", "专有建筑面积"),
    ("ZZDMJ", "幢占地面积"),
];

/// The Chinese name of an exchange field, if the standard's tables BDC sends have it.
pub fn field_name(code: &str) -> Option<&'static str> {
    FIELDS.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| FIELDS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_and_fields_of_the_rules_have_names() {
        assert_eq!(table_name("*"), Some("全部表"));
        assert_eq!(table_name("QLT_FW_FDCQ_YZ"), Some("房地产权（独幢、层、套、间房屋）"));
        assert_eq!(table_name("NO_SUCH_TABLE"), None);
        for (code, name) in [("BDCQZH", "不动产权证书号"), ("QLRMC", "权利人名称"), ("ZL", "坐落"), ("ZJH", "证件号"), ("GYFS", "共有方式")] {
            assert_eq!(field_name(code), Some(name));
        }
        assert_eq!(field_name("XYZ"), None);
    }

    #[test]
    fn fields_are_sorted_once_each_so_the_lookup_finds_every_one() {
        assert!(FIELDS.windows(2).all(|w| w[0].0 < w[1].0), "FIELDS must be sorted by code, without repeats");
        for (code, name) in FIELDS {
            assert_eq!(field_name(code), Some(*name));
        }
    }

    #[test]
    fn every_table_and_field_the_exchange_sends_has_a_name() {
        for table in bdc_adapters::province::tables::TABLES {
            assert!(table_name(table.name).is_some(), "{} has no Chinese name", table.name);
            for column in table.columns {
                assert!(field_name(column.name).is_some(), "{}.{} has no Chinese name", table.name, column.name);
            }
        }
    }
}
