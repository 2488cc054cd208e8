//! Live events for `/api/events`: a broadcast bus. Each subscriber filters
//! by its tenant; a slow subscriber only loses its own oldest events
//! (broadcast lag), it never blocks the publisher or other subscribers.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use serde_json::Value;
use tokio::sync::{broadcast, oneshot};

use crate::domain::{TenantId, UserId};

#[derive(Clone, Debug)]
pub struct Event {
    pub tenant_id: TenantId,
    /// `lead.created`, `lead.updated`, `activity.created`, `reminder.fired`, `notification.created`.
    pub kind: &'static str,
    /// Only this user receives it (notifications); None = everyone in the tenant.
    pub user_id: Option<UserId>,
    /// Shared: every subscriber receives a clone of the event, and the body
    /// (a whole lead, say) is not copied for each.
    pub data: Arc<Value>,
}

#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Event>,
    /// Open `/api/events` streams per user, oldest first.
    streams: Arc<Mutex<StreamRegistry>>,
    next_stream: Arc<AtomicU64>,
}

/// Open streams per user, oldest first: (stream id, its "you are evicted" sender).
type StreamRegistry = HashMap<UserId, VecDeque<(u64, oneshot::Sender<()>)>>;

/// Most open event streams one user may hold; a new one closes the oldest.
pub const MAX_STREAMS_PER_USER: usize = 8;

/// One registered stream; dropping it unregisters the stream.
pub struct StreamSlot {
    streams: Arc<Mutex<StreamRegistry>>,
    user_id: UserId,
    id: u64,
    /// Resolves when a newer stream of the same user pushed this one out.
    pub evicted: oneshot::Receiver<()>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut map = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(q) = map.get_mut(&self.user_id) {
            q.retain(|(id, _)| *id != self.id);
            if q.is_empty() {
                map.remove(&self.user_id);
            }
        }
    }
}

impl Events {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Events { tx, streams: Arc::default(), next_stream: Arc::default() }
    }

    /// Registers a new stream of `user_id`, closing their oldest past the cap.
    pub fn open_stream(&self, user_id: UserId) -> StreamSlot {
        let id = self.next_stream.fetch_add(1, Ordering::Relaxed);
        let (tx, evicted) = oneshot::channel();
        let mut map = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let q = map.entry(user_id).or_default();
        while q.len() >= MAX_STREAMS_PER_USER {
            if let Some((_, oldest)) = q.pop_front() {
                let _ = oldest.send(());
            }
        }
        q.push_back((id, tx));
        StreamSlot { streams: self.streams.clone(), user_id, id, evicted }
    }

    /// Open `/api/events` streams of all users (for `/metrics`).
    pub fn open_streams(&self) -> usize {
        self.streams.lock().unwrap_or_else(|p| p.into_inner()).values().map(VecDeque::len).sum()
    }

    /// Publishes after commit; nobody listening is fine.
    pub fn publish(&self, tenant_id: TenantId, kind: &'static str, data: Value) {
        let _ = self.tx.send(Event { tenant_id, kind, user_id: None, data: Arc::new(data) });
    }

    /// Announces a new activity on a lead (the activity carries its tenant and lead).
    pub fn activity(&self, activity: &crate::store::activities::Activity) {
        self.publish(
            activity.tenant_id,
            "activity.created",
            serde_json::json!({"lead_id": activity.lead_id, "activity": activity}),
        );
    }

    /// Announces a new in-app notification to its user.
    pub fn notification(&self, n: &crate::store::notifications::Notification) {
        self.publish_to_user(n.tenant_id, n.user_id, "notification.created", serde_json::json!({"notification": n}));
    }

    pub fn publish_to_user(&self, tenant_id: TenantId, user_id: UserId, kind: &'static str, data: Value) {
        let _ = self.tx.send(Event { tenant_id, kind, user_id: Some(user_id), data: Arc::new(data) });
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
