//! The live call's side of the tools: the lead tools run like WhatsApp's
//! (scoped, audited as the AI); a transfer and a hang-up go through Twilio's
//! REST API, which takes the call over from the media stream.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use serde_json::{Value, json};

pub use super::rest::update_call;
use super::{
    bridge::{CallActions, Next, ToolReply},
    transfer,
};
use crate::{
    ai::tools::{self, END_CALL, TRANSFER, ToolScope},
    context::Context,
    core::CoreResult,
    domain::LeadId,
    store::tenants::Tenant,
};

pub struct LiveActions {
    pub ctx: Context,
    pub tenant: Tenant,
    pub call_sid: String,
    pub lead_id: Option<LeadId>,
    /// The agent handed the caller to a person (read after the call: the actions run in a task of their own).
    pub transferred: Arc<AtomicBool>,
}

impl LiveActions {
    /// Records a call-control action and publishes it.
    async fn record(&self, name: &'static str, args: Value, outcome: Result<(String, Value), String>) -> Value {
        let Some(lead_id) = self.lead_id else { return json!({"ok": outcome.is_ok()}) };
        let at = ToolScope { tenant_id: self.tenant.id, lead_id, channel: "call" };
        let saved =
            self.ctx.db.write(move |tx| -> CoreResult<_> { Ok(tools::record(tx, at, name, &args, outcome)?) }).await;
        match saved {
            Ok((activity, result)) => {
                self.ctx.events.activity(&activity);
                result
            }
            Err(e) => {
                tracing::error!(error = %e, "could not record a call action");
                json!({"error": "the action could not be saved"})
            }
        }
    }
}

#[async_trait::async_trait]
impl CallActions for LiveActions {
    async fn run(&mut self, name: &str, arguments: &str) -> ToolReply {
        let args: Value = serde_json::from_str(arguments).unwrap_or(Value::Null);
        match name {
            TRANSFER => {
                let reason = args["reason"].as_str().unwrap_or_default().to_string();
                let outcome = match self.tenant.forward_e164.clone() {
                    None => Err("this business has no number to transfer to; offer to take a message".to_string()),
                    Some(forward) => {
                        match transfer::start(&self.ctx, &self.tenant, &self.call_sid, &forward, &reason).await {
                            Ok(()) => Ok(("putting the caller through to a person".to_string(), json!({"ok": true}))),
                            Err(e) => {
                                tracing::warn!(error = %e, "transfer failed");
                                Err("the transfer failed; offer to take a message".to_string())
                            }
                        }
                    }
                };
                let next = if outcome.is_ok() { Next::Wait } else { Next::Respond };
                if outcome.is_ok() {
                    self.transferred.store(true, Ordering::Relaxed);
                }
                if outcome.is_ok()
                    && let Err(e) = self
                        .ctx
                        .db
                        .write({
                            let (tenant_id, sid) = (self.tenant.id, self.call_sid.clone());
                            move |tx| -> CoreResult<_> {
                                if let Some(call) = crate::store::calls::by_sid_unscoped(tx, &sid)?
                                    && call.tenant_id == tenant_id
                                {
                                    crate::store::calls::set_answered_by(tx, tenant_id, call.id, "person")?;
                                }
                                Ok(())
                            }
                        })
                        .await
                {
                    tracing::error!(error = %e, "could not record who took the call");
                }
                ToolReply { output: self.record(TRANSFER, args, outcome).await, next }
            }
            END_CALL => {
                let output = self.record(END_CALL, args, Ok(("ended the call".into(), json!({"ok": true})))).await;
                ToolReply { output, next: Next::HangUp }
            }
            _ => {
                let Some(lead_id) = self.lead_id else {
                    return ToolReply { output: json!({"error": "the caller is not known"}), next: Next::Respond };
                };
                let at = ToolScope { tenant_id: self.tenant.id, lead_id, channel: "call" };
                let (name, arguments) = (name.to_string(), arguments.to_string());
                let done = self
                    .ctx
                    .db
                    .write(move |tx| -> CoreResult<_> { Ok(tools::execute(tx, at, &name, &arguments)?) })
                    .await;
                match done {
                    Ok(done) => {
                        crate::ai::publish_tool_effects(&self.ctx, &done);
                        ToolReply { output: done.result, next: Next::Respond }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "a call tool failed");
                        ToolReply { output: json!({"error": "the action could not be saved"}), next: Next::Respond }
                    }
                }
            }
        }
    }

    async fn hang_up(&mut self) {
        if let Err(e) = update_call(&self.ctx, &self.call_sid, &[("Status", "completed".into())]).await {
            tracing::warn!(error = %e, "hang-up failed");
        }
    }
}
