//! After a call the AI answered: one chat completion turns the transcript
//! into a short summary and a suggested status, kept as a `call_summary`.

use serde_json::{Value, json};

use super::bridge::Line;
use crate::{
    ai::client,
    context::Context,
    core::CoreResult,
    domain::{ActivityKind, LeadStatus},
    store::{self, calls::Call, tenants::Tenant},
};

pub fn spawn(ctx: &Context, call: &Call, tenant: &Tenant, transcript: &[Line]) {
    let Some(lead_id) = call.lead_id else { return };
    if transcript.is_empty() || ctx.config.settings.openai_api_key.is_none() {
        return;
    }
    let text: String = transcript.iter().map(|l| format!("{}: {}\n", l.speaker, l.text)).collect();
    let language = if tenant.ai_language == "en" { "English" } else { "Hebrew" };
    let (ctx, tenant_id, call_id) = (ctx.clone(), tenant.id, call.id);
    tokio::spawn(async move {
        let messages = [
            json!({"role": "system", "content": format!(
                "Summarize this phone call between a caller and a business's AI receptionist in at most 3 \
                 sentences, in {language}. Suggest the lead's status: new, contacted, qualified, won or lost. \
                 Answer only JSON: {{\"summary\": \"...\", \"suggested_status\": \"...\"}}"
            )}),
            json!({"role": "user", "content": text}),
        ];
        let (summary, suggested) = match client::complete(&ctx, &messages, None).await {
            Ok(c) => parse(c.text.as_deref().unwrap_or("")),
            Err(e) => {
                tracing::warn!(error = %e, call = %call_id, "call summary failed");
                return;
            }
        };
        let saved = ctx
            .db
            .write(move |tx| -> CoreResult<_> {
                let data = json!({"call_id": call_id, "suggested_status": suggested});
                Ok(store::activities::add(tx, tenant_id, lead_id, ActivityKind::CallSummary, &summary, &data, None)?)
            })
            .await;
        match saved {
            Ok(a) => ctx.events.activity(&a),
            Err(e) => tracing::error!(error = %e, "could not save a call summary"),
        }
    });
}

/// The model's JSON (fenced or not); plain text becomes the summary as it is.
fn parse(answer: &str) -> (String, Option<LeadStatus>) {
    let trimmed = answer.trim().trim_start_matches("```json").trim_start_matches("```").trim_end_matches("```");
    match serde_json::from_str::<Value>(trimmed.trim()) {
        Ok(v) if v["summary"].is_string() => (
            v["summary"].as_str().unwrap_or_default().chars().take(1000).collect(),
            v["suggested_status"].as_str().and_then(LeadStatus::parse),
        ),
        _ => (answer.trim().chars().take(1000).collect(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_fenced_json_and_plain_text() {
        let (s, st) = parse("{\"summary\": \"Wants a cleaning.\", \"suggested_status\": \"qualified\"}");
        assert_eq!((s.as_str(), st), ("Wants a cleaning.", Some(LeadStatus::Qualified)));
        let (s, st) = parse("```json\n{\"summary\": \"x\", \"suggested_status\": \"maybe\"}\n```");
        assert_eq!((s.as_str(), st), ("x", None));
        assert_eq!(parse("Just text.").0, "Just text.");
    }
}
