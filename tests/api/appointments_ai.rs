//! The AI books: its booking tools over WhatsApp with the fake chat model,
//! the services and upcoming appointments in its context, and the staff
//! member told of what it booked or cancelled.

use chrono::{Duration, Utc};
use chrono_tz::Asia::Jerusalem;
use serde_json::{Value, json};

use crate::appointments::local;
use crate::front_desk::front_desk;
use crate::helpers::*;
use crate::providers::*;

async fn inbound(app: &TestApp, id: &str, text: &str) {
    let ev = baileys_event(id, "972526666666@s.whatsapp.net", None, false, text);
    assert_eq!(post_baileys(app, &ev, Some("bridge-secret")).await.status(), 200);
}

/// Open around the clock, no notice; one 30-minute service.
async fn bookable(admin: &Session) -> i64 {
    let day = json!([["00:00", "24:00"]]);
    let hours = json!({"sun": day, "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day});
    let (s, b) =
        admin.patch("/api/business/current", &json!({"business_hours": hours, "booking_min_notice_min": 0})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = admin.post("/api/services", &json!({"name": "Haircut", "duration_min": 30, "price": 9000})).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

fn results<'a>(acts: &'a [Value], tool: &str) -> Vec<&'a Value> {
    acts.iter()
        .filter(|a| a["kind"] == "ai_action" && a["data"]["tool"] == tool)
        .map(|a| &a["data"]["result"])
        .collect()
}

#[tokio::test]
async fn the_ai_finds_books_moves_and_cancels_for_the_conversation_s_lead_only() {
    let (app, admin, owner, _bridge, chat) = front_desk("50").await;
    bookable(&admin).await;
    let tomorrow = (Utc::now().with_timezone(&Jerusalem).date_naive() + Duration::days(1)).to_string();
    let (date, ten) = (tomorrow.as_str(), local(1, 10, 0));
    chat.answer_tool(
        "f1",
        "find_slots",
        json!({"service": "haircut", "date_from": local(1, 12, 0), "part_of_day": "morning"}),
    );
    chat.answer_tool("b0", "book_appointment", json!({"service": "Haircut", "starts_at": local(1, 10, 7)}));
    chat.answer_tool("b1", "book_appointment", json!({"service": "Haircut", "starts_at": ten, "lead_id": 1}));
    chat.answer_tool("b2", "book_appointment", json!({"service": "Haircut", "starts_at": ten}));
    chat.answer(json!({"role": "assistant", "content": "Booked for 10:00."}));
    inbound(&app, "A1", "a haircut tomorrow morning please").await;
    let lead = leads(&admin).await[0]["id"].as_i64().unwrap();
    let acts = wait_for_kind(&admin, lead, "ai_reply", 1).await;
    let found = results(&acts, "find_slots");
    let slots = found[0]["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 6, "{found:?}");
    let first = slots[0].as_str().unwrap();
    assert!(first.starts_with(&format!("{date}T00:00:00+0")), "local times with the offset: {slots:?}");
    let books = results(&acts, "book_appointment");
    assert_eq!(books.len(), 3, "{books:?}");
    assert!(books.iter().any(|r| r["error"].as_str().is_some_and(|e| e.contains("not bookable"))), "{books:?}");
    assert!(books.iter().any(|r| r["error"].as_str().is_some_and(|e| e.contains("lead_id"))), "{books:?}");
    let ok = books.iter().find(|r| r["ok"] == true).expect("one booking");
    assert_eq!(ok["service"], "Haircut");
    let (_, list) = admin.get_json(&format!("/api/appointments?lead_id={lead}")).await;
    assert_eq!(list["total"], 1, "{list}");
    let appt = &list["items"][0];
    assert_eq!((appt["starts_at"].as_str(), appt["booked_by"].as_str()), (Some(ten.as_str()), Some("ai")));
    let booked = acts.iter().find(|a| a["kind"] == "appointment_booked").expect("a booked activity");
    assert!(booked["actor_user_id"].is_null());
    assert_eq!(booked["data"]["by"], "ai");
    // The only staff member (the owner) is told.
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(
        n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "appointment_booked" && x["lead_id"] == lead),
        "{n}"
    );
    // The model saw the services in its context.
    let first = chat.requests.lock().unwrap()[0].clone();
    let system = first["messages"][0]["content"].as_str().unwrap().to_string();
    assert!(system.contains("Haircut (30 min, 90.00 ILS)"), "{system}");
    let tools: Vec<String> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap().to_string())
        .collect();
    for t in ["find_slots", "book_appointment", "reschedule_appointment", "cancel_appointment", "list_my_appointments"]
    {
        assert!(tools.iter().any(|x| x == t), "{t} not offered: {tools:?}");
    }

    // Next turn: the upcoming appointment is in the context; list, move, cancel.
    let id = appt["id"].as_i64().unwrap();
    chat.answer_tool("l1", "list_my_appointments", json!({}));
    chat.answer_tool("r1", "reschedule_appointment", json!({"starts_at": local(1, 11, 0)}));
    chat.answer_tool("c0", "cancel_appointment", json!({"appointment_id": id + 1000}));
    chat.answer_tool("c1", "cancel_appointment", json!({"reason": "changed plans"}));
    chat.answer(json!({"role": "assistant", "content": "Cancelled."}));
    let before = chat.count();
    inbound(&app, "A2", "actually move it to 11, no wait, cancel it").await;
    let acts = wait_for_kind(&admin, lead, "ai_reply", 2).await;
    let system = chat.requests.lock().unwrap()[before]["messages"][0]["content"].as_str().unwrap().to_string();
    assert!(system.contains(&format!("Upcoming appointment #{id}: Haircut")), "{system}");
    assert_eq!(results(&acts, "list_my_appointments")[0]["appointments"][0]["appointment_id"], id);
    assert_eq!(results(&acts, "reschedule_appointment")[0]["ok"], true);
    let cancels = results(&acts, "cancel_appointment");
    assert!(cancels.iter().any(|r| r["error"].as_str().is_some_and(|e| e.contains("no such upcoming"))), "{cancels:?}");
    let (_, a) = admin.get_json(&format!("/api/appointments/{id}")).await;
    assert_eq!(
        (a["status"].as_str(), a["starts_at"].as_str()),
        (Some("cancelled"), Some(local(1, 11, 0).as_str())),
        "{a}"
    );
    assert_eq!(a["cancel_reason"], "changed plans");
    let (_, n) = owner.get_json("/api/notifications").await;
    assert!(n["items"].as_array().unwrap().iter().any(|x| x["kind"] == "appointment_cancelled"), "{n}");
}
