//! The call's tools off the relay loop: one task per call runs them in
//! order and hands each reply back through a channel, so audio never waits
//! for a tool.

use futures_util::{Sink, SinkExt};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{CallActions, Next, ToolReply};

/// A tool call for the actions task, or the hang-up (acknowledged when done).
pub(super) enum Job {
    Run { call_id: String, name: String, arguments: String },
    HangUp(oneshot::Sender<()>),
}

/// The actions task: runs the jobs in order, sends each tool's reply back.
pub(super) fn spawn_actions(
    mut actions: Box<dyn CallActions>,
) -> (mpsc::UnboundedSender<Job>, mpsc::UnboundedReceiver<(String, ToolReply)>, tokio::task::JoinHandle<()>) {
    let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
    let (replies, done) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        while let Some(job) = queue.recv().await {
            match job {
                Job::Run { call_id, name, arguments } => {
                    let reply = actions.run(&name, &arguments).await;
                    // The relay may have ended meanwhile; the tool's effects are saved all the same.
                    let _ = replies.send((call_id, reply));
                }
                Job::HangUp(ack) => {
                    actions.hang_up().await;
                    let _ = ack.send(());
                }
            }
        }
    });
    (jobs, done, task)
}

/// Hangs up through the actions task (after any tool still running there).
pub(super) async fn hang_up(jobs: &mpsc::UnboundedSender<Job>) {
    let (ack, acked) = oneshot::channel();
    if jobs.send(Job::HangUp(ack)).is_ok() {
        let _ = acked.await;
    }
}

/// How long a tool still running when the call ends is awaited (a REST call
/// gives up after 5 s), so that what it did is saved before the call's end.
pub(super) const TOOL_DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(6);

/// Gives the model a tool's output, then lets it speak again when the reply says so.
/// False when the model's side is gone.
pub(super) async fn answer_tool<AiOut, E>(ai_out: &mut AiOut, call_id: &str, reply: &ToolReply) -> bool
where
    AiOut: Sink<String, Error = E> + Unpin,
{
    let item = json!({"type": "conversation.item.create", "item": {
        "type": "function_call_output", "call_id": call_id, "output": reply.output.to_string()
    }});
    if ai_out.send(item.to_string()).await.is_err() {
        return false;
    }
    if reply.next == Next::Respond {
        let _ = ai_out.send(json!({"type": "response.create"}).to_string()).await;
    }
    true
}
