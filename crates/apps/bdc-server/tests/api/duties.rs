//! Separation of incompatible duties (不相容岗位分离): one person does not take a case from 受理
//! into the register alone, unless the office has set the flow so, with a reason; and every change
//! is audited in its own transaction.

use bdc_db::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp};

const PARCEL: &str = "320402001001GB00100";
const FLOW: &str = "CTR-FIRST-STATE-HOUSE";

fn ok(r: Reply) -> Reply {
    assert!(r.status.is_success(), "{} {}", r.status, r.text);
    r
}

struct Office {
    app: TestApp,
    /// Holds every case role: 受理, 审核, 登簿, 缮证, 归档.
    clerk: String,
    reviewer: String,
    registrar: String,
    admin: String,
    supervisor: String,
    owner: i64,
}

async fn office(engine: Engine) -> Office {
    let app = spawn_app(engine).await;
    let clerk = app.staff("quanneng", &["intake", "review", "register", "certify", "archive"]).await;
    let reviewer = app.staff("shenhe1", &["review", "query"]).await;
    let registrar = app.staff("dengbu1", &["register", "query"]).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let supervisor = app.staff("jianguan", &["supervise"]).await;
    ok(app
        .call(
            Method::POST,
            "/api/v1/parcels",
            Some(&clerk),
            Some(
                json!({"code": PARCEL, "location": "常州市天宁区青洋北路9号", "area": 5230.5, "land_use": "城镇住宅用地", "right_nature": "102", "term_start": "2006-01-01", "term_end": "2076-01-01"}),
            ),
        )
        .await);
    ok(app
        .call(
            Method::POST,
            "/api/v1/buildings",
            Some(&clerk),
            Some(json!({"parcel_code": PARCEL, "building_no": "0001", "name": "1幢", "floors": 18, "structure": "钢筋混凝土结构", "completed_year": 2008})),
        )
        .await);
    let owner = ok(app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await).body["id"]
        .as_i64()
        .unwrap();
    Office { app, clerk, reviewer, registrar, admin, supervisor, owner }
}

impl Office {
    /// A new unit with a 首次登记 case on it, accepted (受理) by the clerk; returns the case id.
    async fn accepted_case(&self, room: u32) -> i64 {
        let unit = ok(self
            .app
            .call(
                Method::POST,
                "/api/v1/units",
                Some(&self.clerk),
                Some(json!({"unit_number": format!("{PARCEL}F0001{room:04}"), "location": format!("常州市天宁区青洋北路9号1幢{room}室"), "area": 89.3, "house_use": "10"})),
            )
            .await)
        .body["id"]
            .as_i64()
            .unwrap();
        let r = ok(self
            .app
            .call(Method::POST, "/api/v1/cases", Some(&self.clerk), Some(json!({"flow_code": FLOW, "unit_ids": [unit], "applicants": [{"party_id": self.owner, "role": "right_holder"}]})))
            .await);
        let id = r.body["case"]["id"].as_i64().unwrap();
        ok(self.act(&self.clerk, id, "submit").await);
        id
    }

    async fn act(&self, who: &str, case: i64, action: &str) -> Reply {
        self.app.call(Method::POST, &format!("/api/v1/cases/{case}/actions"), Some(who), Some(json!({"action": action}))).await
    }

    async fn state(&self, case: i64) -> String {
        self.app.get(&format!("/api/v1/cases/{case}"), &self.clerk).await.body["state"].as_str().unwrap().to_owned()
    }

    async fn audit(&self, query: &str) -> Vec<Value> {
        ok(self.app.get(&format!("/api/v1/audit?{query}"), &self.supervisor).await).body["items"].as_array().unwrap().clone()
    }
}

async fn acceptor_reviewer_and_registrar_of_a_case_are_three_people(engine: Engine) {
    let o = office(engine).await;
    let id = o.accepted_case(1).await;
    // The clerk holds the review role, but he accepted this case.
    let r = o.act(&o.clerk, id, "approve").await;
    assert_eq!(r.problem(403), "forbidden");
    assert!(r.body["detail"].as_str().unwrap().contains("您已办理本业务的受理，审核须由其他工作人员办理"), "{}", r.text);
    assert_eq!(o.state(id).await, "review", "a refusal changes nothing");
    ok(o.act(&o.reviewer, id, "approve").await);
    // Neither the acceptor nor the reviewer registers it.
    let r = o.act(&o.clerk, id, "register").await;
    assert!(r.problem(403) == "forbidden" && r.text.contains("受理，登簿须由其他工作人员办理"), "{}", r.text);
    assert_eq!(o.state(id).await, "register");
    ok(o.act(&o.registrar, id, "register").await);
    assert_eq!(o.state(id).await, "certify");
    // The refusals are in the audit log with the reason; the registration once, from its own transaction.
    let refused = o.audit("actor=quanneng&outcome=denied").await;
    assert!(refused.iter().any(|e| e["detail"].as_str().unwrap_or("").contains("审核须由其他工作人员办理")), "{refused:?}");
    let registered = o.audit("action=登簿").await;
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(registered[0]["actor_name"], "dengbu1");
    assert_eq!(registered[0]["outcome"], "success");
    assert_eq!(registered[0]["target"], format!("/api/v1/cases/{id}/actions"));
    assert!(registered[0]["detail"].as_str().unwrap().contains("登记簿第"), "{:?}", registered[0]);
    assert!(
        o.audit(&format!("action={}", urlencoding("POST /api/v1/cases/{id}/actions"))).await.iter().all(|e| e["outcome"] != "success"),
        "a change recorded in its transaction is not recorded again after the response"
    );
}

fn urlencoding(s: &str) -> String {
    s.replace(' ', "%20").replace('{', "%7B").replace('}', "%7D")
}

async fn an_office_may_combine_duties_for_a_flow_with_a_reason(engine: Engine) {
    let o = office(engine).await;
    // Only the rule library's managers set it, and a combined setting needs a reason.
    let r = o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.clerk), Some(json!({"rule": "review_with_register", "reason": "审核登簿一体"}))).await;
    assert_eq!(r.problem(403), "forbidden");
    let r = o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.admin), Some(json!({"rule": "review_with_register", "reason": ""}))).await;
    assert_eq!(r.problem(422), "reason_required");
    let r = o.app.call(Method::PUT, "/api/v1/duties/NO-SUCH-FLOW", Some(&o.admin), Some(json!({"rule": "combined", "reason": "没有的业务"}))).await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.admin), Some(json!({"rule": "all_by_one", "reason": "无效设置值"}))).await;
    assert_eq!(r.problem(422), "bad_duty_rule");
    assert_eq!(ok(o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.admin), Some(json!({"rule": "review_with_register", "reason": "本所审核登簿一体化办理"}))).await).status, 204);
    let list = ok(o.app.get("/api/v1/duties", &o.admin).await).body;
    assert_eq!(list[0]["flow_code"], FLOW);
    assert_eq!((list[0]["rule"].as_str(), list[0]["set_by"].as_str(), list[0]["reason"].as_str()), (Some("review_with_register"), Some("admin1"), Some("本所审核登簿一体化办理")));
    let set = o.audit("action=岗位设置").await;
    assert_eq!(set.len(), 1, "audited in the same transaction: {set:?}");
    // Review and registration by one person now; acceptance still by another.
    let id = o.accepted_case(2).await;
    assert_eq!(o.act(&o.clerk, id, "approve").await.status, 403);
    ok(o.act(&o.reviewer, id, "approve").await);
    let reviewer_with_register = o.app.staff("shendeng", &["review", "register"]).await;
    let id2 = o.accepted_case(3).await;
    ok(o.act(&reviewer_with_register, id2, "approve").await);
    ok(o.act(&reviewer_with_register, id2, "register").await);
    // Every duty to one person, then back to the default.
    ok(o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.admin), Some(json!({"rule": "combined", "reason": "乡镇窗口一人值守"}))).await);
    let id3 = o.accepted_case(4).await;
    ok(o.act(&o.clerk, id3, "approve").await);
    ok(o.act(&o.clerk, id3, "register").await);
    ok(o.app.call(Method::PUT, &format!("/api/v1/duties/{FLOW}"), Some(&o.admin), Some(json!({"rule": "separate"}))).await);
    assert_eq!(ok(o.app.get("/api/v1/duties", &o.admin).await).body, json!([]));
    let id4 = o.accepted_case(5).await;
    assert_eq!(o.act(&o.clerk, id4, "approve").await.status, 403);
}

crate::both!(acceptor_reviewer_and_registrar_of_a_case_are_three_people, an_office_may_combine_duties_for_a_flow_with_a_reason);
