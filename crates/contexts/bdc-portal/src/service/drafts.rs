//! 网上申请草稿 — an online application saved before it is submitted, with the files already
//! uploaded for it, so that a citizen can collect his materials over several visits. On
//! submission the draft becomes a case and its files move to the case.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::DRAFT;
use crate::store::drafts::{self as store, Draft};
use bdc_registry::domain::catalogue;
use bdc_registry::register_api::materials::Attachment;

use crate::service::applications::Application;
use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::materials::{self, Upload};
use bdc_registry::Services;

/// At most this many drafts per account.
pub const MAX_DRAFTS: usize = 20;

/// The typed fields of an application form, as saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fields {
    #[serde(default)]
    pub property: String,
    #[serde(default)]
    pub my_role: String,
    #[serde(default)]
    pub my_share: String,
    #[serde(default)]
    pub other_role: String,
    #[serde(default)]
    pub other_name: String,
    #[serde(default)]
    pub other_id: String,
    /// The authorisation under which an agent applies for his principal (授权委托).
    #[serde(default)]
    pub on_behalf: Option<i64>,
    /// Every other party named (drafts saved before these fields had only `other_*`).
    #[serde(default)]
    pub others: Vec<crate::service::applications::OtherParty>,
    /// 抵押权人.
    #[serde(default)]
    pub mortgagees: Vec<crate::service::applications::NamedParty>,
    /// 共有方式 code, empty when not asked.
    #[serde(default)]
    pub co_ownership: String,
    /// The particulars (登记事项) by their counter key.
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The right the flow acts on.
    #[serde(default)]
    pub target_right: Option<i64>,
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("草稿不存在".into())
}

fn flow_open_to(actor: &Actor, code: &str) -> ServiceResult<&'static catalogue::Flow> {
    crate::service::account::flows_for(actor).into_iter().find(|f| f.code == code).ok_or_else(|| ServiceError::field("flow_not_open", "flow_code", "该业务不存在或您的账户不能在线办理"))
}

/// Saves the form (a new draft when `id` is None) and stores the uploaded files with it: all
/// files are checked first, so a bad file stores nothing. Returns the draft's id.
#[tracing::instrument(name = "portal_save_draft", skip_all, fields(actor.id = actor.user_id, flow = %flow_code))]
pub async fn save(s: &Services, actor: &Actor, id: Option<i64>, flow_code: &str, fields: &Fields, uploads: &[Upload]) -> ServiceResult<i64> {
    crate::service::account::account_of(s, actor).await?;
    let flow = flow_open_to(actor, flow_code)?;
    for u in uploads {
        materials::check_material(flow, &u.material_code)?;
        materials::check(u)?;
    }
    // A draft names other applicants with their ID numbers: it is stored SM4-encrypted, like
    // parties, never in clear.
    let form = s.cipher().encrypt(&serde_json::to_string(fields).map_err(|e| ServiceError::Internal(Box::new(e)))?);
    let now = Utc::now();
    // The form and its audit row commit together (操作与审计同事务); the files follow, each
    // upload recorded with its own description.
    let mut tx = s.db.begin().await?;
    let id = match id {
        Some(id) => {
            let d = store::draft(&mut tx, id, actor.user_id).await?.ok_or_else(not_found)?;
            if d.flow_code != flow.code {
                return Err(not_found());
            }
            store::update_draft(&mut tx, id, actor.user_id, &form, now).await?;
            id
        }
        None => {
            if store::drafts_of(&mut tx, actor.user_id).await?.len() >= MAX_DRAFTS {
                return Err(ServiceError::validation("too_many_drafts", format!("草稿最多保存 {MAX_DRAFTS} 份，请先提交或删除不用的草稿")));
            }
            store::insert_draft(&mut tx, actor.user_id, flow.code, &form, now).await?
        }
    };
    bdc_audit::commit(tx, actor, "保存草稿", &format!("草稿 #{id}，业务 {}", flow.code)).await?;
    materials::store_files(s, DRAFT, id, uploads, &actor.username).await?;
    Ok(id)
}

/// A stored draft form: SM4-encrypted; a draft saved before encryption (plain JSON) is still
/// read. One that is neither is an error, not an empty form.
fn read_form(s: &Services, stored: &str) -> ServiceResult<Fields> {
    let text = if stored.trim_start().starts_with('{') { stored.to_owned() } else { s.cipher().decrypt(stored).map_err(|e| ServiceError::Internal(format!("草稿无法解密：{e}").into()))? };
    serde_json::from_str(&text).map_err(|e| ServiceError::Internal(format!("草稿内容无法读取：{e}").into()))
}

/// The user's drafts, newest first.
pub async fn mine(s: &Services, actor: &Actor) -> ServiceResult<Vec<Draft>> {
    crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    Ok(store::drafts_of(&mut conn, actor.user_id).await?)
}

/// One of the user's drafts with its fields and files.
pub async fn get(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(Draft, Fields, Vec<Attachment>)> {
    crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let d = store::draft(&mut conn, id, actor.user_id).await?.ok_or_else(not_found)?;
    let fields = read_form(s, &d.form)?;
    let files = materials::of_owner(&mut conn, DRAFT, id).await?;
    Ok((d, fields, files))
}

/// Adds files to one of the user's drafts (the API's upload; the page saves the form and its
/// files at once through [`save`]): every file is checked — the flow's material, its type by
/// its first bytes, its size — before any is stored, so a bad file stores none.
pub async fn add_files(s: &Services, actor: &Actor, id: i64, uploads: &[Upload]) -> ServiceResult<Vec<Attachment>> {
    crate::service::account::account_of(s, actor).await?;
    if uploads.is_empty() {
        return Err(ServiceError::field("no_file", "file", "请选择要上传的文件"));
    }
    let mut conn = s.db.conn().await?;
    let d = store::draft(&mut conn, id, actor.user_id).await?.ok_or_else(not_found)?;
    drop(conn);
    let flow = flow_open_to(actor, &d.flow_code)?;
    for u in uploads {
        materials::check_material(flow, &u.material_code)?;
        materials::check(u)?;
    }
    materials::store_files(s, DRAFT, id, uploads, &actor.username).await
}

/// Takes a file back out of a draft.
pub async fn remove_file(s: &Services, actor: &Actor, id: i64, file_id: i64) -> ServiceResult<()> {
    crate::service::account::account_of(s, actor).await?;
    let mut tx = s.db.begin().await?;
    store::draft(&mut tx, id, actor.user_id).await?.ok_or_else(not_found)?;
    if materials::delete_of_owner(&mut tx, DRAFT, id, file_id).await? {
        bdc_audit::commit(tx, actor, "删除草稿材料", &format!("草稿 #{id}，文件 {file_id}")).await
    } else {
        Err(ServiceError::NotFound("文件不存在".into()))
    }
}

/// Deletes a draft and its file descriptions.
#[tracing::instrument(name = "portal_discard_draft", skip_all, fields(actor.id = actor.user_id, draft.id = id))]
pub async fn discard(s: &Services, actor: &Actor, id: i64) -> ServiceResult<()> {
    crate::service::account::account_of(s, actor).await?;
    let mut tx = s.db.begin().await?;
    store::draft(&mut tx, id, actor.user_id).await?.ok_or_else(not_found)?;
    for f in materials::of_owner(&mut tx, DRAFT, id).await? {
        materials::delete_of_owner(&mut tx, DRAFT, id, f.id).await?;
    }
    store::delete_draft(&mut tx, id, actor.user_id).await?;
    bdc_audit::commit(tx, actor, "删除草稿", &format!("草稿 #{id}")).await
}

/// Submits a draft: every required material must have a file; the application is made (see
/// [`crate::service::applications::apply`]) and the files go with it — to the case when it is opened at
/// once, or with the application while the co-applicants confirm. The draft is gone.
#[tracing::instrument(name = "portal_submit_draft", skip_all, fields(actor.id = actor.user_id, draft.id = id))]
pub async fn submit(s: &Services, actor: &Actor, id: i64) -> ServiceResult<crate::service::applications::Applied> {
    let (draft, fields, files) = get(s, actor, id).await?;
    let flow = flow_open_to(actor, &draft.flow_code)?;
    // A required material without a file is one of the form's field errors, reported with all
    // the others by `apply_with_files`.
    let mut provided: Vec<String> = files.iter().map(|f| f.material_code.clone()).collect();
    provided.sort();
    provided.dedup();
    crate::service::applications::apply_with_files(s, actor, application_of(flow.code, &fields, provided), Some(id)).await
}

/// The application a form describes.
pub fn application_of(flow_code: &str, fields: &Fields, materials: Vec<String>) -> Application {
    let mut others = fields.others.clone();
    if others.is_empty() && !(fields.other_name.trim().is_empty() && fields.other_id.trim().is_empty()) {
        others.push(crate::service::applications::OtherParty { role: fields.other_role.clone(), name: fields.other_name.clone(), id_number: fields.other_id.clone(), share: String::new() });
    }
    Application {
        flow_code: flow_code.into(),
        property: fields.property.clone(),
        my_role: fields.my_role.clone(),
        my_share: fields.my_share.clone(),
        others,
        mortgagees: fields.mortgagees.clone(),
        co_ownership: Some(fields.co_ownership.clone()).filter(|c| !c.trim().is_empty()),
        attributes: fields.attributes.clone(),
        target_right: fields.target_right,
        materials,
        on_behalf: fields.on_behalf,
    }
}
