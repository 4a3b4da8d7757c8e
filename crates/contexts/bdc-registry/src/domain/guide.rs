//! The service guide (办事指南) of a flow: who may apply, on what legal basis, with which
//! materials and what each of them must show, what it costs, how long it takes and whether it can
//! be done wholly online (全程网办).
//!
//! Everything here is read off the catalogue ([`crate::domain::catalogue`]) and the fee schedule
//! ([`crate::domain::fees`]), so a guide never says something the platform does not do. The
//! conditions that the register checks (限制条件) come from the rule library at the time of
//! reading; see `service::guide`.

use crate::domain::catalogue::{self, ApplicantRole, Channel, Flow, Material};
use crate::domain::rights::{RegistrationType, RightKind};

/// What a material must show, and how a good copy looks (材料说明、样例要点).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialNote {
    /// 材料说明: what it is and who issues it.
    pub note: &'static str,
    /// 样例要点: what a reviewer checks on the copy handed in.
    pub sample: &'static str,
}

/// The note of the material with `code`; every material of the catalogue has one (a test keeps
/// them in step).
pub fn material_note(code: &str) -> Option<MaterialNote> {
    let (note, sample) = match code {
        "application_form" => ("由申请人填写并签名（盖章）；网上申请时由系统根据填报内容自动生成。", "申请人、不动产坐落、登记事项齐全，共同申请的各方均已签名。"),
        "applicant_identity" => (
            "自然人提交居民身份证（或户口簿、护照等有效身份证件）；法人和非法人组织提交营业执照或统一社会信用代码证书及法定代表人（负责人）身份证明。",
            "证件在有效期内，正反面完整清晰，姓名、号码与申请书一致。",
        ),
        "power_of_attorney" => ("委托他人代为申请的提交；境外形成的须经公证或认证。网上代理申请须先在“代理授权”中登记授权委托书。", "写明委托人、受托人、委托事项和期限，委托人签名（盖章）。"),
        "title_certificate" => ("原登记的不动产权证书（或房屋所有权证、国有土地使用证）。", "证号、权利人与登记簿记载一致，证书未挂失、未作废。"),
        "tax_certificate" => ("税务机关出具的完税或减免税凭证；一窗受理时由系统推送税务部门核税。", "纳税人、不动产坐落与申请一致，税款已缴清。"),
        "sale_contract" => ("买卖双方签订的不动产买卖合同（存量房买卖合同）。", "双方签名，写明房屋坐落、面积、价款和付款方式。"),
        "commodity_sale_contract" => ("经住建部门网签备案的商品房买卖合同。", "备案编号可查，买受人与申请人一致。"),
        "presale_contract" => ("经住建部门网签备案的商品房预售合同。", "备案编号可查，预购人与申请人一致。"),
        "land_transfer_contract" => ("国有建设用地使用权转让合同。", "转让双方签章，宗地位置、面积、用途与登记簿一致。"),
        "transfer_basis" => ("证明权利转移原因的合同、协议或有权机关的批准文件。", "写明转移的不动产和受让人，依法应经批准的附批准文件。"),
        "gift_contract" => ("赠与人与受赠人签订的赠与合同（可经公证）。", "双方签名，写明赠与的不动产。"),
        "judgment" => ("人民法院、仲裁委员会的生效法律文书及生效证明。", "已发生法律效力，载明的不动产和权利人与申请一致。"),
        "inheritance_proof" => ("继承权公证书，或全体继承人（受遗赠人）关于继承的书面材料、遗嘱等。", "写明被继承人、全部法定继承人及各自所得份额。"),
        "death_certificate" => ("医疗机构出具的死亡医学证明、公安机关注销户口证明或人民法院宣告死亡判决书。", "姓名、身份证号与登记簿记载的权利人一致。"),
        "kinship_proof" => ("户口簿、出生医学证明、公安或档案部门出具的亲属关系证明等。", "能证明继承人与被继承人之间的亲属关系。"),
        "marriage_proof" => ("结婚证、离婚证或离婚判决书、调解书。", "持证人姓名、证件号码与申请人一致。"),
        "division_agreement" => ("夫妻双方签订的财产分割协议，或经民政部门登记的离婚协议。", "写明该不动产归属及份额，双方签名。"),
        "utilities_transfer" => ("水、电、气过户申请（二手房转移“一件事”联动办理时提交）。", "户号、坐落与不动产一致。"),
        "collective_resolution" => ("村民会议或村民代表会议依法作出的决议。", "到会人数和表决结果符合《村民委员会组织法》的规定。"),
        "cadastral_survey" => ("具有资质的测绘单位完成的地籍调查成果（宗地图、界址点成果表等）。", "宗地代码、界址、面积清楚，相邻权利人已指界签章。"),
        "land_grant_contract" => ("国有建设用地使用权出让合同及补充协议。", "宗地位置、面积、用途、使用期限与申请一致。"),
        "land_price_receipt" => ("土地出让价款及相关税费缴纳凭证。", "缴款单位与受让人一致，金额与出让合同一致。"),
        "allocation_decision" => ("人民政府的国有建设用地划拨决定书。", "划拨用途、面积与申请一致。"),
        "land_title_source" => ("土地出让合同、划拨决定书等土地权属来源材料。", "权属来源清楚，面积、用途与地籍调查成果一致。"),
        "planning_permit" => ("建设工程规划许可证及附图。", "建设单位、工程名称与申请一致。"),
        "completion_acceptance" => ("建设工程竣工验收备案材料（规划核实、竣工验收备案表等）。", "已经规划核实，验收合格。"),
        "house_survey" => ("具有资质的测绘单位出具的房屋测绘成果（房产分户图、面积测算表）。", "幢号、户号、建筑面积清楚，与规划许可一致。"),
        "collective_title_source" => ("集体土地所有权的权属来源材料（土地调查成果、确权文件等）。", "所有权主体（村、组集体）明确。"),
        "collective_land_approval" => ("集体建设用地使用权的批准文件。", "批准机关、用途、面积清楚。"),
        "rural_planning_permit" => ("乡村建设规划许可证。", "建设人、坐落与申请一致。"),
        "homestead_approval" => ("农村宅基地批准书。", "批准的使用人、面积与申请一致。"),
        "land_contract" => ("土地承包经营合同或承包经营权证。", "发包方、承包方和地块四至清楚。"),
        "agri_land_source" => ("国有农用地使用权的批准文件或有偿使用合同。", "用途、面积和使用期限清楚。"),
        "forest_title_source" => ("林地、林木权属来源材料（林权证、承包或流转合同等）。", "林地四至、面积和林种清楚。"),
        "easement_contract" => ("需役地和供役地权利人签订的地役权合同。", "写明供役地、需役地、利用目的、方法和期限。"),
        "easement_certificate" => ("地役权的不动产登记证明。", "证明号与登记簿记载一致。"),
        "name_change_proof" => ("公安机关出具的姓名变更证明，或市场监管部门出具的名称变更通知书。", "变更前后的姓名（名称）与证件号码对应。"),
        "address_change_proof" => ("民政、公安等部门出具的地名、门牌号变更证明。", "变更前后的坐落对应清楚。"),
        "co_ownership_agreement" => ("全体共有人签订的共有性质变更协议（共同共有与按份共有之间变更、份额调整）。", "全体共有人签名，按份共有的份额之和为 1。"),
        "change_proof" => ("证明登记事项发生变更的材料（批准文件、合同补充协议等）。", "写明变更的事项及变更前后的内容。"),
        "extinction_proof" => ("证明不动产权利消灭的材料（灭失证明、征收决定、放弃声明等）。", "写明消灭的权利和原因。"),
        "mortgage_contract" => ("抵押人与抵押权人签订的抵押合同。", "写明被担保债权数额、债务履行期限、抵押物和是否约定禁止转让。"),
        "loan_contract" => ("主债权合同（借款合同等）。", "债权人、债务人和债权数额与抵押合同一致。"),
        "mortgage_certificate" => ("抵押权的不动产登记证明。", "证明号与登记簿记载一致。"),
        "mortgage_change_agreement" => ("抵押权人与抵押人签订的变更协议（担保范围、债权数额、期限、顺位等）。", "写明变更前后的内容；影响其他抵押权人的须经其书面同意。"),
        "claim_transfer_contract" => ("主债权转让合同（抵押权随主债权转让）。", "转让的债权与登记的抵押权对应。"),
        "mortgage_release" => ("主债权消灭或抵押权人放弃抵押权的证明（结清证明、放弃声明）。", "抵押权人签章，写明所注销的抵押权。"),
        "advance_certificate" => ("预告登记的不动产登记证明。", "证明号与登记簿记载一致。"),
        "advance_release" => ("预告登记所担保的债权消灭或预告权利人放弃的证明。", "预告权利人签名（盖章）。"),
        "error_proof" => ("证实不动产登记簿记载确有错误的材料。", "能证明错误的事项及正确的内容。"),
        "announcement" => ("依职权更正时的书面通知送达材料及公告。", "通知已送达或已公告满 15 个工作日。"),
        "interest_proof" => ("证明申请人与该不动产有利害关系的材料。", "能证明申请人的权利受登记事项影响。"),
        "objection_certificate" => ("异议登记的不动产登记证明。", "证明号与登记簿记载一致。"),
        "loss_statement" => ("权利人的证书遗失或灭失声明（由登记机构在门户网站公告 15 个工作日）。", "写明遗失的证书号，权利人签名。"),
        "court_order" => ("人民法院的裁定书和协助执行通知书。", "文号、被执行人和查封的不动产写明，加盖法院印章。"),
        "court_release_order" => ("人民法院解除查封的裁定书和协助执行通知书。", "与原查封文号对应。"),
        "officer_credentials" => ("执行人员的工作证和执行公务证。", "送达时出示原件，登记机构留存复印件。"),
        "lock_request" => ("有权机关要求锁定或解锁的函件。", "写明依据、对象和期限，加盖机关印章。"),
        "residence_contract" => ("设立居住权的书面合同，或设立居住权的遗嘱及相关材料。", "写明居住权人、住宅位置、居住的条件和要求、期限。"),
        "residence_certificate" => ("居住权的不动产登记证明。", "证明号与登记簿记载一致。"),
        _ => return None,
    };
    Some(MaterialNote { note, sample })
}

/// The laws a flow rests on, general first: 《民法典》 for the right, 《条例》 for the procedure,
/// the 《实施细则》 section of the registration.
pub fn legal_basis(flow: &Flow) -> Vec<&'static str> {
    let mut out = vec!["《中华人民共和国民法典》物权编", "《不动产登记暂行条例》第十四条至第二十二条（申请、受理、审核、登簿与办结时限）"];
    let section = match (flow.registration_type, flow.right_kind) {
        (RegistrationType::Correction, _) => "《不动产登记暂行条例实施细则》第五章第一节 更正登记",
        (RegistrationType::Objection, _) => "《不动产登记暂行条例实施细则》第五章第二节 异议登记",
        (RegistrationType::Advance, _) | (_, RightKind::AdvanceNotice) => "《不动产登记暂行条例实施细则》第五章第三节 预告登记",
        (_, RightKind::Seizure) => "《不动产登记暂行条例实施细则》第五章第四节 查封登记",
        (_, RightKind::Mortgage) => "《不动产登记暂行条例实施细则》第四章第九节 抵押权登记",
        (_, RightKind::Easement) => "《不动产登记暂行条例实施细则》第四章第八节 地役权登记",
        (_, RightKind::CollectiveLandOwnership) => "《不动产登记暂行条例实施细则》第四章第二节 集体土地所有权登记",
        (_, RightKind::HomesteadUse | RightKind::HomesteadAndHouse) => "《不动产登记暂行条例实施细则》第四章第四节 宅基地使用权及房屋所有权登记",
        (_, RightKind::CollectiveConstructionLandUse | RightKind::CollectiveLandAndHouse) => "《不动产登记暂行条例实施细则》第四章第五节 集体建设用地使用权及建筑物、构筑物所有权登记",
        (
            _,
            RightKind::LandContractManagement
            | RightKind::LandContractAndForest
            | RightKind::StateAgriculturalLandUse
            | RightKind::ForestLandUse
            | RightKind::ForestLandAndTrees
            | RightKind::ForestOwnership,
        ) => "《不动产登记暂行条例实施细则》第四章第六节 土地承包经营权登记（林地、农用地参照）",
        _ => "《不动产登记暂行条例实施细则》第四章第三节 国有建设用地使用权及房屋所有权登记",
    };
    out.push(section);
    if matches!(flow.right_kind, RightKind::ResidenceRight) {
        out.push("《中华人民共和国民法典》第三百六十六条至第三百七十一条（居住权）");
    }
    let basis = flow.basis.law();
    if !out.contains(&basis) {
        out.push(basis);
    }
    out
}

/// Who may apply through `channel` (申请主体), in words for the public.
pub fn who_applies(channel: Channel) -> &'static str {
    match channel {
        Channel::Counter => "申请人本人或其委托的代理人到登记机构窗口申请",
        Channel::Individual => "自然人（个人实名账户），可由代理人持授权委托书代为申请",
        Channel::Enterprise => "企业法人及其他组织（企业实名账户）",
        Channel::Bank => "银行等金融机构代抵押人、抵押权人办理（机构实名账户）",
        Channel::Developer => "房地产开发企业代购房人办理（机构实名账户）",
        Channel::HousingAuthority => "由住建部门网签备案平台推送，购房人与开发企业确认后办理",
        Channel::AcceptElsewhere => "在任一登记机构窗口申请，由不动产所在地登记机构办理（受办分离）",
    }
}

/// Whether a flow can be done wholly online (全程网办): any channel but the counter.
pub fn fully_online(flow: &Flow) -> bool {
    flow.channels.iter().any(|c| !matches!(c, Channel::Counter | Channel::AcceptElsewhere))
}

/// The parties an application names, in words: "权利人、义务人".
pub fn parties(flow: &Flow) -> String {
    flow.applicant_roles.iter().map(|r| ApplicantRole::name(*r)).collect::<Vec<_>>().join("、")
}

/// One material with its note.
#[derive(Debug, Clone, Copy)]
pub struct GuideMaterial {
    pub material: &'static Material,
    pub note: MaterialNote,
}

/// The materials of a flow with their notes, required first.
pub fn materials(flow: &'static Flow) -> Vec<GuideMaterial> {
    let mut out: Vec<GuideMaterial> =
        flow.materials.iter().map(|m| GuideMaterial { material: m, note: material_note(m.code).unwrap_or(MaterialNote { note: "按登记机构要求提交。", sample: "内容完整、清晰。" }) }).collect();
    out.sort_by_key(|g| !g.material.required);
    out
}

/// The flows the public may read a guide of, matching `query` (by name, group, registration
/// type or material names; every character of the query in order, so "抵押注销" finds
/// "抵押权注销登记"), optionally of one channel. An empty query matches all.
pub fn search(query: &str, channel: Option<Channel>) -> Vec<&'static Flow> {
    let q: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).collect();
    catalogue::flows()
        .iter()
        .filter(|f| channel.is_none_or(|c| f.channels.contains(&c)))
        .filter(|f| {
            if q.is_empty() {
                return true;
            }
            let hay = format!("{}{}{}", f.name, f.group, f.registration_type.name());
            in_order(&hay, &q) || f.materials.iter().any(|m| m.name.contains(&q.iter().collect::<String>()))
        })
        .collect()
}

/// Whether every char of `needle` occurs in `hay` in order.
fn in_order(hay: &str, needle: &[char]) -> bool {
    let mut it = needle.iter().peekable();
    for c in hay.chars() {
        if it.peek() == Some(&&c) {
            it.next();
        }
    }
    it.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_material_of_the_catalogue_has_a_note() {
        for f in catalogue::flows() {
            for m in f.materials {
                assert!(material_note(m.code).is_some(), "{} ({}) of {} has no note", m.code, m.name, f.code);
            }
        }
    }

    #[test]
    fn search_finds_by_characters_in_order_and_by_material() {
        let hits = search("抵押注销", None);
        assert!(!hits.is_empty() && hits.iter().all(|f| f.name.contains("抵押") || f.materials.iter().any(|m| m.name.contains("抵押注销"))), "{hits:?}");
        assert!(search("遗失声明", None).iter().any(|f| f.name.contains("补")), "a material's name finds its flow");
        assert_eq!(search("", None).len(), catalogue::flows().len());
        assert!(search("不存在的业务名称", None).is_empty());
        assert!(search("", Some(Channel::Bank)).iter().all(|f| f.channels.contains(&Channel::Bank)));
    }

    #[test]
    fn the_basis_cites_the_section_of_the_registration() {
        let seizure = catalogue::flows().iter().find(|f| f.right_kind == RightKind::Seizure).expect("a seizure flow");
        assert!(legal_basis(seizure).iter().any(|l| l.contains("查封登记")));
        let mortgage = catalogue::flows().iter().find(|f| f.right_kind == RightKind::Mortgage).expect("a mortgage flow");
        assert!(legal_basis(mortgage).iter().any(|l| l.contains("抵押权登记")));
        assert!(materials(mortgage).first().is_some_and(|m| m.material.required));
    }
}
