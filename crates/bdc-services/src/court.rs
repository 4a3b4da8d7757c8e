//! Court network seizure intake (法院网络查控, A5.1): poll the front-end, store every message raw
//! before reading it, keep each request once by its number, quarantine what cannot be read.
//! Matching, registration and feedback come with the rest of the court issue.

use std::sync::Arc;

use chrono::Utc;

use bdc_adapters::court::frontend::CourtFrontEnd;
use bdc_adapters::court::message::{parse_requests, render_requests, soap_unwrap};
use bdc_store::court;

use crate::{ServiceError, ServiceResult, Services};

/// What one poll brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    pub new_requests: usize,
    pub duplicates: usize,
    pub quarantined: bool,
}

/// Polls once: the raw answer is committed first, then read.
pub async fn poll(s: &Services, front: &Arc<dyn CourtFrontEnd>) -> ServiceResult<Polled> {
    let raw = front.fetch_requests().await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let mut conn = s.db.conn().await?;
    let id = court::store_raw(&mut conn, &raw, Utc::now()).await?;
    let parsed = soap_unwrap(&raw).and_then(|(_, _, _, payload)| parse_requests(&payload));
    let requests = match parsed {
        Ok(r) => r,
        Err(reason) => {
            court::mark_message(&mut conn, id, "quarantined", &reason).await?;
            return Ok(Polled { quarantined: true, ..Polled::default() });
        }
    };
    let mut out = Polled::default();
    let mut tx = s.db.begin().await?;
    for r in &requests {
        let body = render_requests(std::slice::from_ref(r));
        if court::insert_request(&mut tx, &r.number, id, &r.court, &r.case_number, &r.delivered_at, &body, Utc::now()).await? {
            out.new_requests += 1;
        } else {
            out.duplicates += 1;
        }
    }
    court::mark_message(&mut tx, id, "parsed", "").await?;
    bdc_store::commit(tx).await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_adapters::court::frontend::CourtError;
    use bdc_adapters::court::message::{soap_wrap, Action, Feedback, Property, Request};
    use bdc_adapters::files::LocalFileStore;
    use bdc_domain::crypto::MasterKey;
    use bdc_store::{testing::fresh_db, Engine};

    #[derive(Debug)]
    struct Canned(std::sync::Mutex<Vec<String>>);

    #[async_trait::async_trait]
    impl CourtFrontEnd for Canned {
        async fn fetch_requests(&self) -> Result<String, CourtError> {
            Ok(self.0.lock().unwrap().remove(0))
        }
        async fn send_feedback(&self, _: &[Feedback]) -> Result<(), CourtError> {
            Ok(())
        }
    }

    fn request(number: &str) -> Request {
        Request {
            number: number.into(),
            court: "常州市天宁区人民法院".into(),
            judge: String::new(),
            case_number: "(2026)苏0402执1号".into(),
            ruling_number: String::new(),
            subject: String::new(),
            subject_id: String::new(),
            delivered_at: "2026-11-25T09:00:00".into(),
            properties: vec![Property {
                seq: "1".into(),
                action: Action::Seize,
                unit_number: "320402001001GB00001F00010001".into(),
                location: String::new(),
                certificate: String::new(),
                start: String::new(),
                end: String::new(),
                original_case: String::new(),
                original_business: String::new(),
            }],
            documents: vec![],
        }
    }

    async fn raw_messages_are_stored_before_reading_duplicates_are_kept_once_and_garbage_is_quarantined(engine: Engine) {
        let db = fresh_db(engine).await;
        let dir = std::env::temp_dir().join(format!("bdc-court-{}", bdc_domain::crypto::random_hex(4)));
        let s = Services::new(db.clone(), &MasterKey::generate(), Arc::new(LocalFileStore::new(dir)), crate::SecuritySettings::default());
        let list = |rs: &[Request]| soap_wrap("getRequestsResponse", "", "", &render_requests(rs));
        let front: Arc<dyn CourtFrontEnd> = Arc::new(Canned(std::sync::Mutex::new(vec![
            list(&[request("A1"), request("B1")]),
            list(&[request("B1"), request("C1")]),
            "<soap:Envelope><soap:Body><getRequestsResponse><data>###</data></getRequestsResponse></soap:Body></soap:Envelope>".into(),
        ])));
        assert_eq!(poll(&s, &front).await.unwrap(), Polled { new_requests: 2, duplicates: 0, quarantined: false });
        assert_eq!(poll(&s, &front).await.unwrap(), Polled { new_requests: 1, duplicates: 1, quarantined: false });
        assert!(poll(&s, &front).await.unwrap().quarantined);
        let mut c = db.conn().await.unwrap();
        let q = court::messages(&mut c, Some("quarantined"), 10).await.unwrap();
        assert_eq!(q.len(), 1);
        assert!(q[0].3.contains("base64"), "{:?}", q[0]);
        assert_eq!(court::messages(&mut c, None, 10).await.unwrap().len(), 3, "every message kept raw");
        assert_eq!(court::requests(&mut c, 10).await.unwrap().len(), 3);
    }

    bdc_store::engine_tests!(raw_messages_are_stored_before_reading_duplicates_are_kept_once_and_garbage_is_quarantined);
}
