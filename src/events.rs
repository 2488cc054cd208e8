//! Live events for `/api/events`: a broadcast bus. Each subscriber filters
//! by its tenant; a slow subscriber only loses its own oldest events
//! (broadcast lag), it never blocks the publisher or other subscribers.

use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    #[serde(skip)]
    pub tenant_id: i64,
    /// `lead.created`, `lead.updated`, `activity.created`, `reminder.fired`, `notification.created`.
    #[serde(skip)]
    pub kind: &'static str,
    /// Only this user receives it (notifications); None = everyone in the tenant.
    #[serde(skip)]
    pub user_id: Option<i64>,
    pub data: Value,
}

#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Events {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Events { tx }
    }

    /// Publishes after commit; nobody listening is fine.
    pub fn publish(&self, tenant_id: i64, kind: &'static str, data: Value) {
        let _ = self.tx.send(Event { tenant_id, kind, user_id: None, data });
    }

    /// Announces a new activity on a lead (the activity carries its tenant and lead).
    pub fn activity(&self, activity: &crate::store::activities::Activity) {
        self.publish(
            activity.tenant_id,
            "activity.created",
            serde_json::json!({"lead_id": activity.lead_id, "activity": activity}),
        );
    }

    pub fn publish_to_user(&self, tenant_id: i64, user_id: i64, kind: &'static str, data: Value) {
        let _ = self.tx.send(Event { tenant_id, kind, user_id: Some(user_id), data });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}
