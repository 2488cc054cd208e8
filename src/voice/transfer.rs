//! Warm transfer: the caller waits on hold music in the call's own queue
//! while the business's person is rung; when they answer they first hear a
//! one-sentence summary (the whisper), then are put through to the caller.
//! Nobody answers within 20 s (or the leg fails) -> the caller goes back to
//! the AI on a new media stream, told to take a message.

use super::{rest, twiml};
use crate::{
    context::Context,
    core::CoreResult,
    domain::{CallId, Scope},
    store::{self, calls::Call, tenants::Tenant},
    util::random_token,
};

/// What the AI is told when a transfer comes back to it.
pub const UNANSWERED: &str = "You tried to put the caller through to a person, but nobody answered. Apologise \
    briefly, then take a message with take_message: what they need, and when they would like to be called back.";

/// Rings `forward` with a whisper, then puts the caller (`call_sid`) on hold for them.
pub async fn start(ctx: &Context, tenant: &Tenant, call_sid: &str, forward: &str, reason: &str) -> Result<(), String> {
    let (tenant_id, sid, reason_owned, en) =
        (tenant.id, call_sid.to_string(), reason.trim().to_string(), tenant.ai_language == "en");
    let call = ctx
        .db
        .write(move |tx| -> CoreResult<_> {
            let Some(call) = store::calls::by_sid_unscoped(tx, &sid)?.filter(|c| c.tenant_id == tenant_id) else {
                return Ok(None);
            };
            let who = match call.lead_id {
                Some(id) => store::leads::get(tx, Scope::Tenant(tenant_id), id)?
                    .map(|l| format!("{} {}", l.first_name, l.last_name).trim().to_string())
                    .filter(|n| !n.is_empty()),
                None => None,
            }
            .or_else(|| call.from_e164.clone())
            .unwrap_or_default();
            let summary = whisper_text(en, &who, &reason_owned);
            store::calls::set_whisper(tx, tenant_id, call.id, &summary)?;
            Ok(Some(call))
        })
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the call is not known")?;
    let urls = &ctx.config.voice_urls;
    let from = tenant.phone_e164.clone().or_else(|| call.to_e164.clone()).unwrap_or_default();
    // The person's leg first: the caller waits only once someone is being rung.
    rest::create_call(
        ctx,
        &[
            ("To", forward.to_string()),
            ("From", from),
            ("Url", format!("{}?call={}", urls.whisper, call.id)),
            ("Timeout", twiml::TRANSFER_RING_SECS.to_string()),
            ("StatusCallback", format!("{}?call={}", urls.transfer_status, call.id)),
        ],
    )
    .await?;
    let hold = twiml::document(&twiml::hold_for_transfer(&ctx.config, tenant, call.id.0));
    rest::update_call(ctx, call_sid, &[("Twiml", hold)]).await
}

/// One sentence for the person about to take the call.
fn whisper_text(en: bool, who: &str, reason: &str) -> String {
    let reason: String = reason.chars().take(200).collect();
    match (en, reason.is_empty()) {
        (true, false) => format!("A call from {who}, transferred by the AI receptionist: {reason}."),
        (true, true) => format!("A call from {who}, transferred by the AI receptionist."),
        (false, false) => format!("שיחה מ{who}, הועברה על ידי המענה האוטומטי: {reason}."),
        (false, true) => format!("שיחה מ{who}, הועברה על ידי המענה האוטומטי."),
    }
}

/// The call of `tenant`'s business named in a transfer callback's `?call=`.
pub fn call_of(tx: &rusqlite::Connection, id: CallId) -> CoreResult<Option<(Call, Tenant)>> {
    let Some(call) = store::calls::get(tx, Scope::All, id)? else { return Ok(None) };
    let Some(tenant) = store::tenants::get(tx, call.tenant_id)? else { return Ok(None) };
    Ok(Some((call, tenant)))
}

/// The caller comes back to the AI: a new one-time stream token, and the
/// TwiML that connects it (None when the AI is off).
pub fn back_to_ai(
    tx: &rusqlite::Connection,
    ctx_ai_on: bool,
    config: &crate::config::Config,
    call: &Call,
) -> CoreResult<Option<String>> {
    if !ctx_ai_on {
        return Ok(None);
    }
    let token = random_token(24);
    store::calls::issue_stream_token(tx, call.tenant_id, call.id, &token, Some(UNANSWERED))?;
    Ok(Some(twiml::stream(config, &token)))
}
