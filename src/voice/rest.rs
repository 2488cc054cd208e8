//! Twilio's REST API for calls: changing a live call, placing a new one.

use serde_json::Value;

use crate::context::Context;

fn account(ctx: &Context) -> Result<(String, String, String), String> {
    let s = &ctx.config.settings;
    let (Some(account), Some(token)) = (s.twilio_account_sid.as_deref(), s.twilio_auth_token.as_deref()) else {
        return Err("Twilio is not configured".into());
    };
    let base = format!("{}/2010-04-01/Accounts/{account}", s.twilio_api_base.as_str().trim_end_matches('/'));
    Ok((base, account.to_string(), token.to_string()))
}

async fn post(ctx: &Context, url: String, form: &[(&str, String)]) -> Result<Value, String> {
    let (_, account, token) = account(ctx)?;
    let res = ctx
        .http
        .post(url)
        .basic_auth(account, Some(token))
        .form(form)
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| format!("Twilio could not be reached: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("Twilio answered {}", res.status()));
    }
    // Only a new call's answer is read (its sid); an unreadable body is no sid.
    Ok(res.json().await.unwrap_or(Value::Null))
}

/// Changes a live call (`Calls/{sid}.json`): new `Twiml` to run, or `Status=completed` to hang up.
pub async fn update_call(ctx: &Context, call_sid: &str, form: &[(&str, String)]) -> Result<(), String> {
    let (base, ..) = account(ctx)?;
    post(ctx, format!("{base}/Calls/{call_sid}.json"), form).await.map(|_| ())
}

/// Places a call (`Calls.json`); its CallSid.
pub async fn create_call(ctx: &Context, form: &[(&str, String)]) -> Result<String, String> {
    let (base, ..) = account(ctx)?;
    let answer = post(ctx, format!("{base}/Calls.json"), form).await?;
    answer["sid"].as_str().map(str::to_string).ok_or_else(|| "Twilio answered without a call sid".to_string())
}
