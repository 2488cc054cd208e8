//! One call to an OpenAI-compatible chat completions API, with tools.

use serde_json::{Value, json};

use crate::context::Context;

/// A function call the model asked for.
#[derive(Clone, Debug)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them (JSON text, not yet trusted).
    pub arguments: String,
}

/// What the model answered: text, tool calls, or both.
#[derive(Debug)]
pub struct Completion {
    pub text: Option<String>,
    pub tool_calls: Vec<ToolCall>,
    /// The assistant message as received, to send back with the tool results.
    pub message: Value,
}

/// Calls the model with `messages` and, when given, `tools`. Errors are
/// plain reasons for the timeline; the details go to the log only. Counted
/// and timed for `/metrics`.
pub async fn complete(ctx: &Context, messages: &[Value], tools: Option<&Value>) -> Result<Completion, String> {
    let start = std::time::Instant::now();
    let result = complete_once(ctx, messages, tools).await;
    crate::metrics::METRICS.ai_call(start.elapsed(), result.is_ok());
    result
}

async fn complete_once(ctx: &Context, messages: &[Value], tools: Option<&Value>) -> Result<Completion, String> {
    let s = &ctx.config.settings;
    let url = format!("{}/chat/completions", s.openai_base_url.as_str().trim_end_matches('/'));
    let mut request = json!({"model": s.openai_chat_model, "messages": messages});
    if let Some(tools) = tools {
        request["tools"] = tools.clone();
    }
    let res = ctx
        .http
        .post(url)
        .bearer_auth(s.openai_api_key.as_deref().unwrap_or_default())
        .json(&request)
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "AI service request failed");
            if e.is_timeout() {
                "the AI service timed out".to_string()
            } else {
                "the AI service could not be reached".to_string()
            }
        })?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        tracing::warn!(%status, error = %body["error"]["message"].as_str().unwrap_or(""), "AI service refused a request");
        return Err(format!("the AI service refused the request (HTTP {})", status.as_u16()));
    }
    parse(&body["choices"][0]["message"]).ok_or_else(|| "the AI service answered without a reply".into())
}

fn parse(message: &Value) -> Option<Completion> {
    if !message.is_object() {
        return None;
    }
    let text = message["content"].as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    let tool_calls: Vec<ToolCall> = message["tool_calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .filter_map(|c| {
                    Some(ToolCall {
                        id: c["id"].as_str()?.to_string(),
                        name: c["function"]["name"].as_str()?.to_string(),
                        arguments: c["function"]["arguments"].as_str().unwrap_or("{}").to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if text.is_none() && tool_calls.is_empty() {
        return None;
    }
    Some(Completion { text, tool_calls, message: message.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_tool_calls_and_refuses_empty_answers() {
        let m = json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "add_tag", "arguments": "{\"tag\":\"vip\"}"}},
            {"id": "c2", "type": "function", "function": {"arguments": "{}"}}
        ]});
        let c = parse(&m).unwrap();
        assert_eq!(c.text, None);
        assert_eq!(c.tool_calls.len(), 1);
        assert_eq!((c.tool_calls[0].id.as_str(), c.tool_calls[0].name.as_str()), ("c1", "add_tag"));
        assert_eq!(parse(&json!({"content": "  hi "})).unwrap().text.as_deref(), Some("hi"));
        assert!(parse(&json!({"content": "   "})).is_none());
        assert!(parse(&Value::Null).is_none());
    }
}
