//! TwiML: what Twilio does with a call. Built in one place for the voice
//! webhooks and for the REST redirects of a live call.

use crate::{config::Config, store::tenants::Tenant};

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// A whole document around `body`.
pub fn document(body: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{body}</Response>")
}

/// Connects the call to our media stream with its one-time token.
pub fn stream(config: &Config, token: &str) -> String {
    format!(
        "<Connect><Stream url=\"{}\"><Parameter name=\"token\" value=\"{}\"/></Stream></Connect>",
        xml_escape(&config.stream_url),
        xml_escape(token)
    )
}

/// Rings the business's person; Twilio then reports to the dial-result webhook.
pub fn dial_person(config: &Config, forward: &str) -> String {
    format!("<Dial timeout=\"20\" action=\"{}\">{}</Dial>", xml_escape(&config.dial_result_url), xml_escape(forward))
}

fn say(tenant: &Tenant, he: &str, en: &str) -> String {
    if tenant.ai_language == "en" {
        format!("<Say language=\"en-US\">{}</Say>", xml_escape(en))
    } else {
        format!("<Say language=\"he-IL\">{}</Say>", xml_escape(he))
    }
}

/// Nobody can answer now: a voicemail whose recording comes back to us.
pub fn voicemail(config: &Config, tenant: &Tenant) -> String {
    format!(
        "{}<Record maxLength=\"120\" playBeep=\"true\" recordingStatusCallback=\"{}\" \
         recordingStatusCallbackEvent=\"completed\"/><Hangup/>",
        say(
            tenant,
            "אנא השאירו הודעה אחרי הצפצוף ונחזור אליכם.",
            "Please leave a message after the beep and we will call you back."
        ),
        xml_escape(&config.recording_callback_url)
    )
}

/// The AI is not there (unreachable, or gone mid-call): an apology in the
/// business's language, then a person if there is a number, else a voicemail.
pub fn fallback(config: &Config, tenant: &Tenant) -> String {
    let sorry = say(tenant, "מצטערים, יש לנו תקלה זמנית.", "We are sorry, something went wrong on our side.");
    match &tenant.forward_e164 {
        Some(forward) => format!(
            "{sorry}{}<Dial timeout=\"20\">{}</Dial>{}",
            say(tenant, "מעבירים אתכם לנציג.", "Connecting you to a person."),
            xml_escape(forward),
            voicemail(config, tenant)
        ),
        None => format!("{sorry}{}", voicemail(config, tenant)),
    }
}

/// Music the caller hears on hold during a transfer (one of Twilio's own hold tracks).
pub const HOLD_MUSIC: &str = "https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";

/// How long the person a transfer rings has to answer.
pub const TRANSFER_RING_SECS: u32 = 20;

/// The hold queue of call `call_id`'s transfer.
pub fn hold_queue(call_id: i64) -> String {
    format!("transfer-{call_id}")
}

/// A transfer the agent asked for: the caller waits in the call's own queue,
/// hearing music from `waitUrl`, until the person rung picks them up or the
/// transfer gives up (then the queue's `action` decides what follows).
pub fn hold_for_transfer(config: &Config, tenant: &Tenant, call_id: i64) -> String {
    let urls = &config.voice_urls;
    format!(
        "{}<Enqueue waitUrl=\"{}\" action=\"{}\">{}</Enqueue>",
        say(tenant, "מעבירים אתכם לנציג, רגע אחד.", "Transferring you to a person, one moment."),
        xml_escape(&urls.hold),
        xml_escape(&format!("{}?call={call_id}", urls.transfer_result)),
        hold_queue(call_id)
    )
}

/// What a caller on hold hears; Twilio fetches it again when it ends.
pub fn hold_music() -> String {
    format!("<Play>{HOLD_MUSIC}</Play>")
}

/// The person rung answered: they hear the call's summary, then are put
/// through to the caller waiting in the queue.
pub fn whisper(tenant: &Tenant, summary: &str, call_id: i64) -> String {
    let lang = if tenant.ai_language == "en" { "en-US" } else { "he-IL" };
    format!("<Say language=\"{lang}\">{}</Say><Dial><Queue>{}</Queue></Dial>", xml_escape(summary), hold_queue(call_id))
}

/// Ends this leg of the call.
pub fn hang_up() -> String {
    "<Hangup/>".to_string()
}

/// A callback reached a machine: a short message, then goodbye.
pub fn callback_voicemail(tenant: &Tenant) -> String {
    let name = xml_escape(&tenant.name);
    if tenant.ai_language == "en" {
        format!(
            "<Say language=\"en-US\">Hello, this is {name} returning your call, as promised. We will try again, \
             or call us back whenever suits you. Goodbye.</Say><Hangup/>"
        )
    } else {
        format!(
            "<Say language=\"he-IL\">שלום, כאן {name}, חוזרים אליכם כפי שהבטחנו. ננסה שוב, או שתחזרו אלינו \
             מתי שנוח לכם. להתראות.</Say><Hangup/>"
        )
    }
}
