//! The registration office this installation serves (登记机构): its province and city, as they
//! appear in certificate numbers, reports to the province and the daily log. Data, not code, so
//! another city runs the same binary (`[office]` in the settings).

/// The office's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// 省份简称 of certificate numbers: 苏.
    pub province_abbr: char,
    /// 行政区划代码 of the city (市级): 320400.
    pub city_code: String,
    /// 登记机构所在市县全称 of certificate numbers and the daily log: 常州市.
    pub city_name: String,
    /// 登记机构代码 (RegOrgID) in reports to the province.
    pub reg_org_id: String,
}

impl Default for Office {
    /// The model city: 常州市不动产登记中心.
    fn default() -> Self {
        Office { province_abbr: '苏', city_code: "320400".into(), city_name: "常州市".into(), reg_org_id: "320400".into() }
    }
}

impl Office {
    /// The county code (6 digits) a unit number starts with, or the city's when it has none.
    pub fn county_of<'a>(&'a self, unit_number: &'a str) -> &'a str {
        unit_number.get(..6).filter(|c| c.chars().all(|d| d.is_ascii_digit())).unwrap_or(&self.city_code)
    }
}
