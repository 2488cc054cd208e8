//! The Baileys bridge, spoken to through the Evolution API.

use async_trait::async_trait;
use reqwest::Url;
use serde_json::{Value, json};

use super::{Content, ProviderError, Recipient, WhatsAppProvider};
use crate::store::tenants::Tenant;

pub struct Baileys {
    pub http: reqwest::Client,
    pub base: Option<Url>,
    pub apikey: Option<String>,
}

impl Baileys {
    fn url(&self, path: &str) -> Option<String> {
        self.base.as_ref().map(|b| format!("{}{}", b.as_str().trim_end_matches('/'), path))
    }
}

fn describe(e: reqwest::Error) -> ProviderError {
    ProviderError::transport("the bridge", &e)
}

fn answered(what: &str, status: reqwest::StatusCode) -> ProviderError {
    ProviderError::answered(
        status,
        format!("the bridge refused the request (HTTP {})", status.as_u16()),
        format!("{what} answered {status}"),
        None,
    )
}

#[async_trait]
impl WhatsAppProvider for Baileys {
    fn name(&self) -> &'static str {
        "baileys"
    }

    fn unconfigured(&self, tenant: &Tenant) -> Option<String> {
        if self.base.is_none() || self.apikey.is_none() {
            Some("FRONTDESK_BAILEYS_URL and FRONTDESK_BAILEYS_SECRET are not set".into())
        } else if tenant.whatsapp_instance.is_none() {
            Some("the business has no whatsapp_instance".into())
        } else {
            None
        }
    }

    async fn health(&self, tenant: &Tenant) -> Result<(), ProviderError> {
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let url = self
            .url(&format!("/instance/connectionState/{instance}"))
            .ok_or_else(|| ProviderError::new("not configured", "no bridge URL"))?;
        let res = self
            .http
            .get(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .send()
            .await
            .map_err(describe)?;
        if !res.status().is_success() {
            return Err(answered("connectionState", res.status()));
        }
        let body: Value = res.json().await.map_err(|e| {
            ProviderError::new("the bridge gave an unreadable answer", format!("connectionState is not JSON: {e}"))
        })?;
        match body["instance"]["state"].as_str() {
            Some("open") => Ok(()),
            other => {
                let state = other.unwrap_or("unknown");
                Err(ProviderError::new(
                    "the business's WhatsApp is not connected to the bridge",
                    format!("connectionState says {state}"),
                ))
            }
        }
    }

    async fn send(&self, tenant: &Tenant, to: &Recipient, content: &Content<'_>) -> Result<String, ProviderError> {
        let Content::Text(text) = content else {
            let why = "the bridge sends free text only (it has no 24-hour window, so no template is needed)";
            return Err(ProviderError { recipient: true, ..ProviderError::new(why, why) });
        };
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let number = match (&to.phone_e164, &to.whatsapp_id) {
            (Some(p), _) => p.trim_start_matches('+').to_string(),
            (None, Some(w)) => w.clone(),
            (None, None) => {
                let why = "the lead has no phone number or WhatsApp id";
                return Err(ProviderError::new(why, why));
            }
        };
        let url = self
            .url(&format!("/message/sendText/{instance}"))
            .ok_or_else(|| ProviderError::new("not configured", "no bridge URL"))?;
        let res = self
            .http
            .post(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .json(&json!({"number": number, "text": text}))
            .send()
            .await
            .map_err(describe)?;
        if !res.status().is_success() {
            return Err(answered("sendText", res.status()));
        }
        let body: Value = res.json().await.map_err(|e| {
            ProviderError::new("the bridge gave an unreadable answer", format!("sendText answer is not JSON: {e}"))
        })?;
        body["key"]["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("the bridge gave an unreadable answer", "sendText answer has no key.id"))
    }
}
