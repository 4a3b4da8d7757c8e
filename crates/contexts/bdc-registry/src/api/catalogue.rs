//! `/api/v1/catalogue` — the business catalogue (业务目录), public like a service guide.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::catalogue::{self, Channel, Flow};

use bdc_http::extract::{paging, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};

/// A material of a flow.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialDto {
    pub code: String,
    pub name: String,
    pub required: bool,
}

/// One business flow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowDto {
    pub code: String,
    pub name: String,
    /// 首次 / 变更 / 预告 / 转移 / 抵押 / 注销 / 其他 / 涉税.
    pub group: String,
    /// 登记类型 code (100 首次 … 900 其他) and name.
    pub registration_type: u16,
    pub registration_type_name: String,
    pub right_kind: String,
    pub right_kind_name: String,
    pub effect: String,
    pub channels: Vec<String>,
    pub channel_names: Vec<String>,
    /// `right_holder`, `obligor`, `agent`.
    pub applicant_roles: Vec<String>,
    pub materials: Vec<MaterialDto>,
    /// 办理时限, working days.
    pub time_limit_days: u32,
    /// May be registered automatically (智能登簿).
    pub auto_register: bool,
}

impl From<&Flow> for FlowDto {
    fn from(f: &Flow) -> Self {
        FlowDto {
            code: f.code.into(),
            name: f.name.into(),
            group: f.group.into(),
            registration_type: f.registration_type.code(),
            registration_type_name: f.registration_type.name().into(),
            right_kind: f.right_kind.code().into(),
            right_kind_name: f.right_kind.name().into(),
            effect: f.effect.code().into(),
            channels: f.channels.iter().map(|c| c.code().into()).collect(),
            channel_names: f.channels.iter().map(|c| c.name().into()).collect(),
            applicant_roles: f.applicant_roles.iter().map(|r| r.code().into()).collect(),
            materials: f.materials.iter().map(|m| MaterialDto { code: m.code.into(), name: m.name.into(), required: m.required }).collect(),
            time_limit_days: f.time_limit_days,
            auto_register: f.auto_register,
        }
    }
}

/// Filter of the catalogue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// Channel code: counter, individual, enterprise, bank, developer, housing_authority, accept_elsewhere.
    pub channel: Option<String>,
    pub group: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The business catalogue.
#[utoipa::path(get, path = "/api/v1/catalogue", tag = "registry", operation_id = "list_catalogue", params(CatalogueQuery),
    responses((status = 200, body = PageDto<FlowDto>), (status = 400, body = Problem)))]
pub async fn list_catalogue(ApiQuery(q): ApiQuery<CatalogueQuery>) -> ApiResult<Json<PageDto<FlowDto>>> {
    let page = paging(q.page, q.per_page.or(Some(200)))?;
    let channel = match &q.channel {
        Some(c) => Some(Channel::from_code(c).ok_or_else(|| Problem::bad_request("bad_query", format!("渠道“{c}”不存在")))?),
        None => None,
    };
    let flows: Vec<FlowDto> =
        catalogue::flows().iter().filter(|f| channel.is_none_or(|c| f.channels.contains(&c))).filter(|f| q.group.as_deref().is_none_or(|g| f.group == g)).map(FlowDto::from).collect();
    Ok(Json(PageDto::slice(flows, page)))
}
