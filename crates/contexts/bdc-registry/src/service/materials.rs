//! 申请材料 — the files of an application: uploaded at the counter or online, checked by what
//! they are (PNG, JPEG or PDF recognised by their first bytes, never by the name), kept in the
//! file store with their SM3 digest, and shown to the people entitled to them: staff who read
//! cases, the public user who submitted the case, and the parties who applied (档案查询).

use chrono::Utc;

use crate::domain::catalogue::Flow;
use crate::store::attachments::{self as store, NewAttachment};
use bdc_core::access::{Permission, Realm};
use bdc_crypto::sm3_hex;

use crate::service::{Actor, ServiceError, ServiceResult, Services};

// The records this use case hands to the API and the pages.
pub use crate::store::attachments::Attachment;

// The upload and its limits are the kernel's: the forms reader enforces them while reading.
pub use bdc_core::upload::{Upload, MAX_FILES_PER_OWNER, MAX_FILE_BYTES};

/// What a file is, from its first bytes: `(content type, extension)`.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else {
        None
    }
}

/// The name to show for a file: the last path segment, without control characters, at most
/// 80 characters.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(80).collect();
    if clean.trim().is_empty() {
        "未命名文件".to_owned()
    } else {
        clean
    }
}

/// Checks a file before anything is stored; the error names the file, in Chinese.
pub fn check(u: &Upload) -> ServiceResult<(&'static str, &'static str)> {
    let name = display_name(&u.file_name);
    if u.bytes.is_empty() {
        return Err(ServiceError::field("empty_file", &u.material_code, format!("文件“{name}”是空的")));
    }
    if u.bytes.len() > MAX_FILE_BYTES {
        return Err(ServiceError::field("file_too_large", &u.material_code, format!("文件“{name}”超过 10 MB，请压缩或分页后上传")));
    }
    sniff(&u.bytes).ok_or_else(|| ServiceError::field("bad_file_type", &u.material_code, format!("文件“{name}”不是 PDF、JPG 或 PNG 文件，无法接收")))
}

/// Checks the material code against the flow (a file must answer one of its materials).
pub fn check_material(flow: &Flow, code: &str) -> ServiceResult<()> {
    if flow.materials.iter().any(|m| m.code == code) {
        Ok(())
    } else {
        Err(ServiceError::field("unknown_material", code, format!("业务“{}”没有材料“{code}”", flow.name)))
    }
}

/// Stores the files for an owner: all are checked first, so one bad file stores none.
/// The caller has checked that the actor may add files to this owner.
pub async fn store_files(s: &Services, owner_kind: &str, owner_id: i64, uploads: &[Upload], uploaded_by: &str) -> ServiceResult<Vec<Attachment>> {
    let mut checked = Vec::with_capacity(uploads.len());
    for u in uploads {
        checked.push((u, check(u)?));
    }
    let mut conn = s.db.conn().await?;
    let existing = store::of_owner(&mut conn, owner_kind, owner_id).await?.len();
    if existing + uploads.len() > MAX_FILES_PER_OWNER {
        return Err(ServiceError::validation("too_many_files", format!("每件申请最多上传 {MAX_FILES_PER_OWNER} 个文件")));
    }
    drop(conn);
    let mut out = Vec::with_capacity(checked.len());
    for (u, (content_type, ext)) in checked {
        let digest = sm3_hex(&u.bytes);
        // The digest names the file: the same bytes handed in twice are stored once.
        let key = format!("{owner_kind}/{owner_id}/{digest}.{ext}");
        s.files.put(&key, &u.bytes).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
        let name = display_name(&u.file_name);
        let mut conn = s.db.conn().await?;
        let id = store::insert(
            &mut conn,
            &NewAttachment {
                owner_kind,
                owner_id,
                material_code: &u.material_code,
                file_key: &key,
                file_name: &name,
                content_type,
                size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
                sm3: &digest,
                uploaded_by,
            },
            Utc::now(),
        )
        .await?;
        out.push(store::get(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound("附件不存在".into()))?);
    }
    Ok(out)
}

/// Whether a public actor is one of the case's people: its submitter, or an applicant party.
async fn public_may_see_case(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<bool> {
    let mut conn = s.db.conn().await?;
    if crate::store::cases::cases_submitted_by(&mut conn, actor.user_id).await?.contains(&case_id) {
        return Ok(true);
    }
    let Some(account) = s.directory.link(&mut conn, actor.user_id).await? else { return Ok(false) };
    let Some(case) = crate::store::cases::get_case(&mut conn, case_id).await? else { return Ok(false) };
    Ok(case.applicants.iter().any(|(p, _, _)| *p == account.party_id))
}

/// Whether the actor may see the files of a case.
pub async fn may_see_case(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<bool> {
    Ok(match actor.realm {
        Realm::Staff => actor.can(Permission::CaseRead),
        Realm::Public => public_may_see_case(s, actor, case_id).await?,
    })
}

/// The files of a case, for staff who read cases and for the case's own people.
pub async fn case_files(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Vec<Attachment>> {
    if !may_see_case(s, actor, case_id).await? {
        return Err(ServiceError::NotFound("办件不存在".into()));
    }
    let mut conn = s.db.conn().await?;
    Ok(store::of_owner(&mut conn, store::CASE, case_id).await?)
}

/// Adds files to a case: at the counter (受理 permission, while the case is open for intake or
/// correction) or by the public user who submitted it (while it waits for intake or 补正).
#[tracing::instrument(name = "add_case_materials", skip(s, actor, uploads), fields(actor.id = actor.user_id))]
pub async fn add_to_case(s: &Services, actor: &Actor, case_id: i64, uploads: &[Upload]) -> ServiceResult<Vec<Attachment>> {
    let case = {
        let mut conn = s.db.conn().await?;
        crate::store::cases::get_case(&mut conn, case_id).await?.ok_or_else(|| ServiceError::NotFound("办件不存在".into()))?
    };
    match actor.realm {
        Realm::Staff if !actor.can(Permission::CaseIntake) => return Err(ServiceError::Forbidden("没有为该办件上传材料的权限".into())),
        Realm::Staff => {}
        Realm::Public => {
            let mut conn = s.db.conn().await?;
            // Another's case is "not found": whose cases exist is nobody else's business.
            if !crate::store::cases::cases_submitted_by(&mut conn, actor.user_id).await?.contains(&case_id) {
                return Err(ServiceError::NotFound("办件不存在".into()));
            }
        }
    }
    if !case.state.takes_materials() {
        return Err(ServiceError::Conflict { code: "bad_state", message: format!("办件已{}，不能再补充材料", case.state.name()) });
    }
    let flow = crate::domain::catalogue::flow(&case.flow_code).ok_or_else(|| ServiceError::NotFound("业务流程不存在".into()))?;
    for u in uploads {
        check_material(flow, &u.material_code)?;
    }
    store_files(s, store::CASE, case_id, uploads, &actor.username).await
}

/// One file's description, whoever owns it; `None` when there is none. The register answers
/// for its cases' files ([`open_case_file`]); a context that owns other kinds of files (the
/// portal's drafts, applications, authorisations) finds the file here and decides itself.
pub async fn find(s: &Services, id: i64) -> ServiceResult<Option<Attachment>> {
    let mut conn = s.db.conn().await?;
    Ok(store::get(&mut conn, id).await?)
}

/// The bytes of a file the caller has let the actor see.
pub async fn bytes(s: &Services, a: &Attachment) -> ServiceResult<Vec<u8>> {
    s.files.get(&a.file_key).await.map_err(|e| ServiceError::Internal(Box::new(e)))
}

/// A case's file with its bytes, when the actor may see the case's files; "not found" for
/// anything else (a file of another kind of owner included).
pub async fn open_case_file(s: &Services, actor: &Actor, a: Attachment) -> ServiceResult<(Attachment, Vec<u8>)> {
    if a.owner_kind != store::CASE || !may_see_case(s, actor, a.owner_id).await? {
        return Err(ServiceError::NotFound("文件不存在".into()));
    }
    let bytes = bytes(s, &a).await?;
    Ok((a, bytes))
}

/// The flow's materials with the files handed in for each: `(material, files)`.
pub fn checklist<'a>(flow: &'static Flow, files: &'a [Attachment]) -> Vec<(&'static crate::domain::catalogue::Material, Vec<&'a Attachment>)> {
    flow.materials.iter().map(|m| (m, files.iter().filter(|f| f.material_code == m.code).collect())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes_not_their_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(("application/pdf", "pdf")));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(("image/png", "png")));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"MZ\x90\0 pretending.pdf"), None);
        let u = Upload { material_code: "id".into(), file_name: "合同.pdf".into(), bytes: b"<html>".to_vec() };
        assert!(check(&u).unwrap_err().to_string().contains("不是 PDF、JPG 或 PNG"));
    }

    #[test]
    fn shown_names_lose_paths_and_markup() {
        assert_eq!(display_name("C:\\Users\\a\\身份证.jpg"), "身份证.jpg");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("<script>.pdf"), "script.pdf");
        assert_eq!(display_name(""), "未命名文件");
    }
}
