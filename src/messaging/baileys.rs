//! The Baileys bridge, spoken to through the Evolution API.

use async_trait::async_trait;
use reqwest::Url;
use serde_json::{Value, json};

use super::{Recipient, WhatsAppProvider};
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

fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() { "the bridge timed out".into() } else { format!("the bridge is unreachable ({e})") }
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

    async fn health(&self, tenant: &Tenant) -> Result<(), String> {
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let url = self.url(&format!("/instance/connectionState/{instance}")).ok_or("not configured")?;
        let res = self
            .http
            .get(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .send()
            .await
            .map_err(describe)?;
        if !res.status().is_success() {
            return Err(format!("connectionState answered {}", res.status()));
        }
        let body: Value = res.json().await.map_err(|e| format!("connectionState is not JSON: {e}"))?;
        match body["instance"]["state"].as_str() {
            Some("open") => Ok(()),
            other => Err(format!("the WhatsApp session is not connected (state {})", other.unwrap_or("unknown"))),
        }
    }

    async fn send(&self, tenant: &Tenant, to: &Recipient, text: &str) -> Result<String, String> {
        let instance = tenant.whatsapp_instance.as_deref().unwrap_or_default();
        let number = match (&to.phone_e164, &to.whatsapp_id) {
            (Some(p), _) => p.trim_start_matches('+').to_string(),
            (None, Some(w)) => w.clone(),
            (None, None) => return Err("the lead has no phone number or WhatsApp id".into()),
        };
        let url = self.url(&format!("/message/sendText/{instance}")).ok_or("not configured")?;
        let res = self
            .http
            .post(url)
            .header("apikey", self.apikey.as_deref().unwrap_or_default())
            .json(&json!({"number": number, "text": text}))
            .send()
            .await
            .map_err(describe)?;
        if !res.status().is_success() {
            return Err(format!("sendText answered {}", res.status()));
        }
        let body: Value = res.json().await.map_err(|e| format!("sendText answer is not JSON: {e}"))?;
        body["key"]["id"].as_str().map(str::to_string).ok_or_else(|| "sendText answer has no key.id".into())
    }
}
