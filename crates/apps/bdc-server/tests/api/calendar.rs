use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

async fn the_seeded_calendar_answers_the_edge_cases_of_the_tables(engine: Engine) {
    let app = spawn_app(engine).await;
    let t = app.staff("chuangkou", &["intake"]).await;
    let days = app.get("/api/v1/calendar/days?year=2026", &t).await;
    assert_eq!(days.status, 200, "{}", days.text);
    let items = days.body["items"].as_array().unwrap();
    let find = |d: &str| items.iter().find(|i| i["date"] == d).cloned();
    assert_eq!(find("2026-01-04").unwrap()["kind"], "workday");
    assert_eq!(find("2026-01-04").unwrap()["weekday"], "星期日");
    assert_eq!(find("2026-02-14").unwrap()["kind"], "workday");
    assert_eq!(find("2026-02-28").unwrap()["kind"], "workday");
    assert_eq!(find("2026-10-07").unwrap()["kind"], "holiday");
    assert!(find("2026-10-08").is_none());

    for (at, day, time) in
        [("2026-01-04T10:00:00", true, true), ("2026-02-14T09:30:00", true, true), ("2026-10-07T10:00:00", false, false), ("2026-10-08T10:00:00", true, true), ("2026-10-08T12:30:00", true, false)]
    {
        let r = app.get(&format!("/api/v1/calendar/working-time?at={at}"), &t).await;
        assert_eq!((r.body["working_day"].as_bool(), r.body["working_time"].as_bool()), (Some(day), Some(time)), "{at}: {}", r.text);
    }
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-09-29&days=5", &t).await;
    assert_eq!(add.body["date"], "2026-10-12");
    let count = app.get("/api/v1/calendar/working-days/count?from=2026-02-13&to=2026-02-24", &t).await;
    assert_eq!(count.body["working_days"], 2);
}

async fn an_administrator_edits_holidays_and_office_hours(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    // 2027 has no entry yet, but 元旦 (Friday 1/1) is a statutory holiday all the same.
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-12-31&days=1", &admin).await;
    assert_eq!(add.body["date"], "2027-01-04", "Friday 1/1 is computed as 元旦, then the weekend");
    // A 30-working-day time limit from 2026-12-02 ends on 2027-01-14, not a day early.
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-12-02&days=30", &admin).await;
    assert_eq!(add.body["date"], "2027-01-14", "{}", add.text);
    // 2027's schedule arrives in November: a make-up working Saturday.
    let r = app.call(Method::PUT, "/api/v1/calendar/days/2027-01-02", Some(&admin), Some(json!({"kind": "workday", "note": "调休"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-12-31&days=1", &admin).await;
    assert_eq!(add.body["date"], "2027-01-02");
    // The arrangement may make even a statutory day a working day: the entry wins.
    app.call(Method::PUT, "/api/v1/calendar/days/2027-01-01", Some(&admin), Some(json!({"kind": "workday", "note": "测试"}))).await;
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-12-31&days=1", &admin).await;
    assert_eq!(add.body["date"], "2027-01-01");
    for day in ["2027-01-01", "2027-01-02"] {
        let del = app.call(Method::DELETE, &format!("/api/v1/calendar/days/{day}"), Some(&admin), None).await;
        assert_eq!(del.status, 204);
    }
    let del = app.call(Method::DELETE, "/api/v1/calendar/days/2027-01-02", Some(&admin), None).await;
    assert_eq!(del.problem(404), "not_found");
    // A computed holiday has no entry to remove, and the refusal says what to do instead.
    let del = app.call(Method::DELETE, "/api/v1/calendar/days/2027-01-01", Some(&admin), None).await;
    assert_eq!(del.problem(404), "not_found");
    assert!(del.body["detail"].as_str().unwrap().contains("法定节假日（元旦）"), "{}", del.text);
    let add = app.get("/api/v1/calendar/working-days/add?from=2026-12-31&days=1", &admin).await;
    assert_eq!(add.body["date"], "2027-01-04");

    let hours = app.get("/api/v1/calendar/office-hours", &admin).await;
    assert_eq!(hours.body["spans"][0]["start"], "09:00");
    let r = app.call(Method::PUT, "/api/v1/calendar/office-hours", Some(&admin), Some(json!({"spans": [{"start": "08:30", "end": "12:00"}, {"start": "11:00", "end": "17:00"}]}))).await;
    assert_eq!(r.problem(422), "bad_office_hours");
    let r = app.call(Method::PUT, "/api/v1/calendar/office-hours", Some(&admin), Some(json!({"spans": [{"start": "8点", "end": "12:00"}]}))).await;
    assert_eq!(r.problem(422), "bad_office_hours");
    let r = app.call(Method::PUT, "/api/v1/calendar/office-hours", Some(&admin), Some(json!({"spans": [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let w = app.get("/api/v1/calendar/working-time?at=2026-10-08T08:45:00", &admin).await;
    assert_eq!(w.body["working_time"], true);
}

async fn a_years_statutory_holidays_are_computed_and_its_arrangement_reported(engine: Engine) {
    let app = spawn_app(engine).await;
    let clerk = app.staff("chuangkou", &["intake"]).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let y2027 = app.get("/api/v1/calendar/statutory?year=2027", &clerk).await;
    assert_eq!(y2027.status, 200, "{}", y2027.text);
    assert_eq!(y2027.body["arrangement_entered"], false);
    let items = y2027.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 19, "{}", y2027.text);
    let find = |d: &str| items.iter().find(|i| i["date"] == d).cloned().unwrap_or_else(|| panic!("{d} in {}", y2027.text));
    assert_eq!(find("2027-01-01")["note"], "元旦");
    assert_eq!((find("2027-02-05")["festival"].as_str(), find("2027-02-05")["weekday"].as_str()), (Some("春节"), Some("星期五")), "除夕");
    assert_eq!((find("2027-02-09")["note"].as_str(), find("2027-02-09")["substitute"].as_bool()), (Some("春节补假"), Some(true)));
    assert_eq!(find("2027-04-05")["festival"], "清明节");
    assert_eq!(find("2027-06-09")["festival"], "端午节");
    assert_eq!(find("2027-09-15")["festival"], "中秋节");
    assert_eq!(find("2027-10-03")["festival"], "国庆节");
    // The seeded years are entered; 2024 followed the old rules and is not computed.
    assert_eq!(app.get("/api/v1/calendar/statutory?year=2026", &clerk).await.body["arrangement_entered"], true);
    let y2024 = app.get("/api/v1/calendar/statutory?year=2024", &clerk).await;
    assert_eq!((y2024.body["arrangement_entered"].as_bool(), y2024.body["items"].as_array().map(Vec::len)), (Some(true), Some(0)));
    assert_eq!(app.get("/api/v1/calendar/statutory?year=1999", &clerk).await.problem(422), "bad_year");
    // One entry of the published arrangement and the year counts as entered.
    let r = app.call(Method::PUT, "/api/v1/calendar/days/2027-02-20", Some(&admin), Some(json!({"kind": "workday", "note": "春节调休"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.get("/api/v1/calendar/statutory?year=2027", &clerk).await.body["arrangement_entered"], true);
}

crate::both!(the_seeded_calendar_answers_the_edge_cases_of_the_tables, an_administrator_edits_holidays_and_office_hours, a_years_statutory_holidays_are_computed_and_its_arrangement_reported,);
