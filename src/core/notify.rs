//! Telling staff: an in-app notification, and in the same transaction an
//! alert on each channel the user switched on (WhatsApp to their phone, Web
//! Push to their browsers), worded here in the business's language. The
//! scheduler delivers the alerts (`scheduler::alerts`); the store only keeps
//! the rows.

use rusqlite::Connection;

use super::CoreResult;
use crate::{
    domain::{LeadId, TenantId, UserId},
    store::{
        self,
        alerts::{PUSH, WHATSAPP},
        notifications::{NewNotification, Notification},
    },
};

/// Notifies one user, and queues their alerts.
pub fn notify(tx: &Connection, tenant_id: TenantId, n: &NewNotification) -> CoreResult<Notification> {
    let n = store::notifications::insert(tx, tenant_id, n)?;
    queue_alerts(tx, &n)?;
    Ok(n)
}

/// The same notice about a lead to each of `users` (who are of `tenant_id`).
pub fn notify_users(
    tx: &Connection,
    tenant_id: TenantId,
    users: &[UserId],
    kind: &str,
    title: &str,
    body: &str,
    lead_id: LeadId,
) -> CoreResult<Vec<Notification>> {
    users
        .iter()
        .map(|&user_id| {
            let n = NewNotification { user_id, kind, title, body, lead_id: Some(lead_id), reminder_id: None };
            notify(tx, tenant_id, &n)
        })
        .collect()
}

/// Tells `user` a lead is now theirs (kind `assigned`, titled with the lead's name).
pub fn assignee(tx: &Connection, tenant_id: TenantId, lead_id: LeadId, user: UserId) -> CoreResult<Notification> {
    let name = store::leads::name_and_phone(tx, tenant_id, lead_id)?.map(|(name, _)| name).unwrap_or_default();
    let n = NewNotification {
        user_id: user,
        kind: "assigned",
        title: &name,
        body: "",
        lead_id: Some(lead_id),
        reminder_id: None,
    };
    notify(tx, tenant_id, &n)
}

/// One pending alert per channel the user has on (WhatsApp with a phone;
/// push with at least one subscription). Returns how many were queued.
fn queue_alerts(tx: &Connection, n: &Notification) -> CoreResult<usize> {
    let Some((whatsapp, push)) = store::alerts::channels_of(tx, n.user_id)? else {
        return Ok(0);
    };
    if !whatsapp && !push {
        return Ok(0);
    }
    let hebrew = store::tenants::ai_language(tx, n.tenant_id)?.as_deref() == Some("he");
    let lead = match n.lead_id {
        Some(id) => store::leads::name_and_phone(tx, n.tenant_id, id)?,
        None => None,
    };
    let text = compose(n, lead.as_ref(), hebrew);
    let mut queued = 0;
    for (channel, on) in [(WHATSAPP, whatsapp), (PUSH, push)] {
        if on {
            queued += store::alerts::insert(tx, n, channel, &text.title, &text.body, &text.url)?;
        }
    }
    Ok(queued)
}

/// An alert's words and where it leads.
#[derive(Debug, PartialEq, Eq)]
struct AlertText {
    title: String,
    body: String,
    /// A path of the UI (`/leads/7`); the public URL goes in front when sent.
    url: String,
}

/// What a notification's kind is called in an alert's title.
fn label(kind: &str, hebrew: bool) -> &str {
    match (kind, hebrew) {
        ("reminder", false) => "Reminder",
        ("reminder", true) => "תזכורת",
        ("assigned", false) => "New lead for you",
        ("assigned", true) => "ליד חדש עבורך",
        ("ai_handoff", false) => "The AI handed a lead to you",
        ("ai_handoff", true) => "הבוט העביר אליך ליד",
        ("ai_budget", false) => "AI reply limit reached",
        ("ai_budget", true) => "מכסת תשובות הבוט נוצלה",
        ("missed_call", false) => "Missed call",
        ("missed_call", true) => "שיחה שלא נענתה",
        ("appointment_booked", false) => "New appointment",
        ("appointment_booked", true) => "תור חדש",
        ("appointment_rescheduled", false) => "Appointment moved",
        ("appointment_rescheduled", true) => "תור הוזז",
        ("appointment_cancelled", false) => "Appointment cancelled",
        ("appointment_cancelled", true) => "תור בוטל",
        ("whatsapp_down", false) => "WhatsApp disconnected: link the phone again in Settings",
        ("whatsapp_down", true) => "הוואטסאפ התנתק: יש לחבר את הטלפון מחדש בהגדרות",
        (other, _) => other,
    }
}

/// The title (the kind, then the notification's title), the body (the
/// lead's name and phone, then the notification's text) and the lead's page.
fn compose(n: &Notification, lead: Option<&(String, Option<String>)>, hebrew: bool) -> AlertText {
    let title = match n.title.trim() {
        "" => label(&n.kind, hebrew).to_string(),
        t => format!("{}: {t}", label(&n.kind, hebrew)),
    };
    let mut lines: Vec<String> = Vec::new();
    if let Some((name, phone)) = lead {
        let who = [name.as_str(), phone.as_deref().unwrap_or("")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !who.is_empty() {
            lines.push(who);
        }
    }
    if !n.body.trim().is_empty() {
        lines.push(n.body.trim().to_string());
    }
    let url = lead.and(n.lead_id).map(|id| format!("/leads/{id}")).unwrap_or_else(|| "/".into());
    AlertText { title, body: lines.join("\n"), url }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(kind: &str, title: &str, body: &str, lead: Option<i64>) -> Notification {
        Notification {
            id: crate::domain::NotificationId(1),
            tenant_id: TenantId(1),
            user_id: UserId(2),
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            lead_id: lead.map(LeadId),
            reminder_id: None,
            read_at: None,
            created_at: "2026-12-07T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn an_alert_names_its_kind_in_the_business_language_then_the_lead_then_the_text() {
        let lead = ("Dana Levi".to_string(), Some("+972521234567".to_string()));
        let n = notification("reminder", "Dana Levi", "call back about the quote", Some(7));
        assert_eq!(
            compose(&n, Some(&lead), true),
            AlertText {
                title: "תזכורת: Dana Levi".into(),
                body: "Dana Levi +972521234567\ncall back about the quote".into(),
                url: "/leads/7".into(),
            }
        );
        let n = notification("missed_call", "", "", Some(7));
        assert_eq!(compose(&n, Some(&lead), false).title, "Missed call");
        // A lead that is gone: no line for it, and the alert opens the app.
        let n = notification("assigned", "", "", Some(9));
        assert_eq!(
            compose(&n, None, false),
            AlertText { title: "New lead for you".into(), body: "".into(), url: "/".into() }
        );
    }
}
