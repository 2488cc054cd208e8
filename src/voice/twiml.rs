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

/// A transfer the agent asked for.
pub fn transfer(tenant: &Tenant, forward: &str) -> String {
    format!(
        "{}<Dial timeout=\"30\">{}</Dial>",
        say(tenant, "מעבירים אתכם לנציג, רגע אחד.", "Transferring you to a person, one moment."),
        xml_escape(forward)
    )
}
