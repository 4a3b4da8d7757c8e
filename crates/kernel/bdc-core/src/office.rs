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
    /// The halls where the public applies in person (办事大厅), as the 办事指南 lists them.
    pub halls: Vec<ServiceHall>,
}

/// A registration hall (办事大厅 / 登记窗口): where it is and how to reach it. The hours are the
/// working calendar's office hours, kept once for the whole office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHall {
    /// 名称, e.g. 常州市不动产登记中心（市区）.
    pub name: String,
    /// 地址.
    pub address: String,
    /// 咨询电话.
    pub phone: String,
    /// 服务范围: the districts whose units it registers.
    pub serves: String,
}

impl ServiceHall {
    fn of(name: &str, address: &str, phone: &str, serves: &str) -> Self {
        ServiceHall { name: name.into(), address: address.into(), phone: phone.into(), serves: serves.into() }
    }
}

impl Default for Office {
    /// The model city: 常州市不动产登记中心.
    fn default() -> Self {
        Office { province_abbr: '苏', city_code: "320400".into(), city_name: "常州市".into(), reg_org_id: "320400".into(), halls: model_city_halls() }
    }
}

/// The halls of the model city (synthetic Changzhou); an installation lists its own in
/// `[[office.halls]]`.
pub fn model_city_halls() -> Vec<ServiceHall> {
    vec![
        ServiceHall::of("常州市不动产登记中心（市区办事大厅）", "常州市新北区龙城大道1280号 市民广场政务服务中心 B 区", "0519-12345", "天宁区、钟楼区、新北区、经开区"),
        ServiceHall::of("武进分中心", "常州市武进区政务服务中心 不动产登记窗口", "0519-12345", "武进区"),
        ServiceHall::of("金坛分中心", "常州市金坛区政务服务中心 不动产登记窗口", "0519-12345", "金坛区"),
        ServiceHall::of("溧阳分中心", "溧阳市政务服务中心 不动产登记窗口", "0519-12345", "溧阳市"),
    ]
}

impl Office {
    /// The county code (6 digits) a unit number starts with, or the city's when it has none.
    pub fn county_of<'a>(&'a self, unit_number: &'a str) -> &'a str {
        unit_number.get(..6).filter(|c| c.chars().all(|d| d.is_ascii_digit())).unwrap_or(&self.city_code)
    }
}
