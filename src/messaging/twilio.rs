//! Twilio's REST API for WhatsApp messages.

use async_trait::async_trait;
use reqwest::Url;
use serde_json::Value;

use super::{Content, ProviderError, Recipient, WhatsAppProvider};
use crate::store::tenants::Tenant;

pub struct Twilio {
    pub http: reqwest::Client,
    pub base: Url,
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    /// Where Twilio reports delivery status (`/webhook/twilio/status` on the public URL).
    pub status_callback: String,
}

#[async_trait]
impl WhatsAppProvider for Twilio {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn unconfigured(&self, tenant: &Tenant) -> Option<String> {
        if self.account_sid.is_none() || self.auth_token.is_none() {
            Some("FRONTDESK_TWILIO_ACCOUNT_SID and FRONTDESK_TWILIO_AUTH_TOKEN are not set".into())
        } else if tenant.whatsapp_e164.is_none() && tenant.phone_e164.is_none() {
            Some("the business has no whatsapp_e164".into())
        } else {
            None
        }
    }

    /// Twilio has no cheap per-number health check; failures open the breaker instead.
    async fn health(&self, _tenant: &Tenant) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn send(&self, tenant: &Tenant, to: &Recipient, content: &Content<'_>) -> Result<String, ProviderError> {
        let sid = self.account_sid.as_deref().unwrap_or_default();
        let from = tenant.whatsapp_e164.as_deref().or(tenant.phone_e164.as_deref()).unwrap_or_default();
        let to = match (&to.phone_e164, &to.whatsapp_id) {
            (Some(p), _) => p.clone(),
            (None, Some(w)) => w.clone(),
            (None, None) => {
                let why = "the lead has no phone number or WhatsApp id";
                return Err(ProviderError::new(why, why));
            }
        };
        let url = format!("{}/2010-04-01/Accounts/{sid}/Messages.json", self.base.as_str().trim_end_matches('/'));
        let mut form = vec![
            ("From", format!("whatsapp:{from}")),
            ("To", format!("whatsapp:{to}")),
            ("StatusCallback", self.status_callback.clone()),
        ];
        match content {
            Content::Text(text) => form.push(("Body", text.to_string())),
            Content::Media(file) => {
                form.push(("MediaUrl", file.link.clone()));
                if !file.caption.is_empty() {
                    form.push(("Body", file.caption.clone()));
                }
            }
            Content::Template { sid, variables } => {
                form.push(("ContentSid", sid.to_string()));
                if let Some(v) = variables {
                    form.push(("ContentVariables", v.to_string()));
                }
            }
        }
        let res = self
            .http
            .post(url)
            .basic_auth(sid, self.auth_token.as_deref())
            .form(&form)
            .send()
            .await
            .map_err(|e| ProviderError::transport("Twilio", &e))?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let detail = body["message"].as_str().unwrap_or("");
            let code = body["code"].as_i64().map(|c| c.to_string());
            let plain = match &code {
                Some(c) => format!("Twilio refused the message (HTTP {}, error {c})", status.as_u16()),
                None => format!("Twilio refused the message (HTTP {})", status.as_u16()),
            };
            return Err(ProviderError::answered(status, plain, format!("Twilio answered {status} {detail}"), code));
        }
        body["sid"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("Twilio gave an unreadable answer", "Twilio's answer has no sid"))
    }
}
