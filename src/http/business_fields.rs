//! A business's fields as clients send them (the admin's create and patch,
//! and the business's own patch): checked and turned into the store's
//! `TenantFields`, written with their audit row, and the rule that a
//! forwarding number stays in the business's country.

use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::Auth;
use crate::{
    domain::phone::DEFAULT_REGION,
    domain::{
        PhoneE164, TenantId, hours,
        text::{self, NAME_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self,
        tenants::{Tenant, TenantFields},
    },
};

/// Business fields as sent by clients; absent = unchanged, null = cleared.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessBody {
    #[schema(schema_with = super::limits::name_required_patch)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub phone_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub whatsapp_e164: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::whatsapp_instance)]
    pub whatsapp_instance: Option<Option<String>>,
    #[schema(schema_with = super::business_schemas::timezone)]
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    /// Only when the business is created (that body is `bodies::NewBusiness`).
    #[schema(ignore)]
    pub owner: Option<OwnerBody>,
    #[schema(schema_with = super::business_schemas::business_hours)]
    pub business_hours: Option<Value>,
    #[schema(schema_with = super::business_schemas::holidays)]
    pub holidays: Option<Value>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::phone_or_empty)]
    pub forward_e164: Option<Option<String>>,
    #[schema(schema_with = super::limits::ai_language)]
    pub ai_language: Option<String>,
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 720)]
    pub handoff_hours: Option<u32>,
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 1000)]
    pub ai_max_replies_per_hour: Option<u32>,
    /// AI replies across all of the business's leads in an hour (0 to 10000).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 0, maximum = 10000)]
    pub ai_max_replies_per_hour_business: Option<u32>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::message_text_optional)]
    pub missed_call_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::twilio_template_sid)]
    pub twilio_template_sid: Option<Option<String>>,
    #[schema(schema_with = super::limits::auto_assign)]
    pub auto_assign: Option<String>,
    /// Platform admin only: lets `forward_e164` be a number outside the business's own country.
    pub allow_international_forward: Option<bool>,
    /// Appointment starts fall on this grid (minutes from local midnight, 5 to 240; default 15).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 5, maximum = 240)]
    pub booking_slot_step_min: Option<u32>,
    /// How soon from now a slot may be offered, in minutes (0 to 10080; default 60).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 0, maximum = 10080)]
    pub booking_min_notice_min: Option<u32>,
    /// How many days ahead slots are offered (1 to 365; default 30).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 365)]
    pub booking_horizon_days: Option<u32>,
    /// How many hours before an appointment the customer is reminded (1 to 168; default 24).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 168)]
    pub booking_reminder_hours: Option<u32>,
    /// The approved WhatsApp template of the appointment reminder (Twilio, outside the 24-hour window).
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::twilio_template_sid)]
    pub twilio_booking_template_sid: Option<Option<String>>,
    /// Up to 3 follow-up steps `{after_hours (0.001 to 720), text}`, sent when the
    /// customer has not answered our last message; null or [] turns them off.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = super::limits::follow_ups)]
    pub follow_ups: Option<Option<Value>>,
}

fn in_range(field: &str, v: Option<u32>, range: std::ops::RangeInclusive<u32>) -> Result<Option<u32>, ApiError> {
    match v {
        Some(n) if !range.contains(&n) => Err(ApiError::invalid(
            field,
            format!("`{field}` is {n}."),
            format!("Use a whole number from {} to {}.", range.start(), range.end()),
        )),
        _ => Ok(v),
    }
}

/// Optional text: empty or null clears it.
fn optional_text(field: &str, v: &Option<Option<String>>, max: usize) -> Result<Option<Option<String>>, ApiError> {
    Ok(match v {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(Some(text::check(field, s, max, true)?).filter(|s| !s.is_empty())),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    #[schema(schema_with = super::limits::email_required)]
    pub email: String,
    #[serde(default)]
    #[schema(schema_with = super::limits::name)]
    pub name: String,
    #[schema(schema_with = super::limits::new_password)]
    pub password: String,
}

fn parse_phone(field: &str, v: &Option<Option<String>>) -> Result<Option<Option<String>>, ApiError> {
    match v {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(s)) if s.trim().is_empty() => Ok(Some(None)),
        Some(Some(s)) => PhoneE164::parse(s, DEFAULT_REGION)
            .map(|p| Some(Some(p.into_string())))
            .map_err(|e| ApiError::invalid(field, format!("`{field}`: {e}."), "Use E.164, e.g. +972521234567.")),
    }
}

/// A Twilio Content SID (`HX` and hex digits); empty or null clears it.
fn content_sid(field: &str, v: &Option<Option<String>>) -> Result<Option<Option<String>>, ApiError> {
    match optional_text(field, v, 64)? {
        Some(Some(sid)) if !(sid.starts_with("HX") && sid[2..].chars().all(|c| c.is_ascii_hexdigit())) => {
            Err(ApiError::invalid(
                field,
                format!("`{sid}` is not a Twilio Content SID."),
                "Copy the template's SID (HX followed by 32 hex digits) from Twilio's Content Template Builder.",
            ))
        }
        v => Ok(v),
    }
}

pub(super) fn check_name(name: &str) -> Result<String, ApiError> {
    Ok(text::required("name", name, NAME_MAX, false)?)
}

/// A real IANA zone name, e.g. `Asia/Jerusalem` or `UTC`.
pub fn check_timezone(tz: &str) -> Result<String, ApiError> {
    Ok(crate::domain::hours::check_timezone(tz)?)
}

impl BusinessBody {
    pub fn fields(&self) -> Result<TenantFields, ApiError> {
        Ok(TenantFields {
            name: self.name.as_deref().map(check_name).transpose()?,
            phone_e164: parse_phone("phone_e164", &self.phone_e164)?,
            whatsapp_e164: parse_phone("whatsapp_e164", &self.whatsapp_e164)?,
            whatsapp_instance: match self.whatsapp_instance.as_ref() {
                None => None,
                Some(None) => Some(None),
                Some(Some(s)) => Some(Some(text::check("whatsapp_instance", s, 100, false)?).filter(|s| !s.is_empty())),
            },
            timezone: self.timezone.as_deref().map(check_timezone).transpose()?,
            ai_auto_reply: self.ai_auto_reply,
            business_hours: self
                .business_hours
                .as_ref()
                .map(|v| hours::WeekHours::parse(v).map(|h| h.to_json()))
                .transpose()?,
            holidays: self
                .holidays
                .as_ref()
                .map(|v| hours::parse_holidays(v).map(|d| hours::holidays_json(&d)))
                .transpose()?,
            forward_e164: parse_phone("forward_e164", &self.forward_e164)?,
            ai_language: match self.ai_language.as_deref() {
                None => None,
                Some(l @ ("he" | "en")) => Some(l.to_string()),
                Some(l) => {
                    return Err(ApiError::invalid(
                        "ai_language",
                        format!("`{l}` is not a language the AI speaks here."),
                        "Use he or en.",
                    ));
                }
            },
            handoff_hours: in_range("handoff_hours", self.handoff_hours, 1..=720)?,
            ai_max_replies_per_hour: in_range("ai_max_replies_per_hour", self.ai_max_replies_per_hour, 1..=1000)?,
            ai_max_replies_per_hour_business: in_range(
                "ai_max_replies_per_hour_business",
                self.ai_max_replies_per_hour_business,
                0..=10_000,
            )?,
            missed_call_text: optional_text("missed_call_text", &self.missed_call_text, text::MESSAGE_MAX)?,
            twilio_template_sid: content_sid("twilio_template_sid", &self.twilio_template_sid)?,
            booking_slot_step_min: in_range("booking_slot_step_min", self.booking_slot_step_min, 5..=240)?,
            booking_min_notice_min: in_range("booking_min_notice_min", self.booking_min_notice_min, 0..=10_080)?,
            booking_horizon_days: in_range("booking_horizon_days", self.booking_horizon_days, 1..=365)?,
            booking_reminder_hours: in_range("booking_reminder_hours", self.booking_reminder_hours, 1..=168)?,
            twilio_booking_template_sid: content_sid("twilio_booking_template_sid", &self.twilio_booking_template_sid)?,
            follow_ups: self
                .follow_ups
                .as_ref()
                .map(|v| crate::core::follow_ups::parse(v.as_ref().unwrap_or(&Value::Null)))
                .transpose()?,
            auto_assign: match self.auto_assign.as_deref() {
                None => None,
                Some(a @ ("none" | "round_robin")) => Some(a.to_string()),
                Some(a) => {
                    return Err(ApiError::invalid(
                        "auto_assign",
                        format!("`{a}` is not an assignment rule."),
                        "Use none or round_robin.",
                    ));
                }
            },
            allow_international_forward: self.allow_international_forward,
        })
    }
}

/// Shared by admin PATCH and the business's own PATCH.
pub async fn update_business(state: &AppState, auth: &Auth, id: TenantId, body: &BusinessBody) -> ApiResult<Tenant> {
    let fields = body.fields()?;
    let mut entry = auth.audit("business.updated", format!("tenant:{id}"), Value::Null);
    entry.tenant_id = Some(id);
    entry.details = json!({
        "name": fields.name, "timezone": fields.timezone, "ai_auto_reply": fields.ai_auto_reply,
        "phone_e164": fields.phone_e164, "whatsapp_e164": fields.whatsapp_e164,
        "whatsapp_instance": fields.whatsapp_instance, "forward_e164": fields.forward_e164,
        "business_hours": fields.business_hours, "holidays": fields.holidays, "ai_language": fields.ai_language,
        "handoff_hours": fields.handoff_hours, "ai_max_replies_per_hour": fields.ai_max_replies_per_hour,
        "ai_max_replies_per_hour_business": fields.ai_max_replies_per_hour_business,
        "missed_call_text": fields.missed_call_text, "twilio_template_sid": fields.twilio_template_sid,
        "auto_assign": fields.auto_assign,
        "allow_international_forward": fields.allow_international_forward,
        "booking_slot_step_min": fields.booking_slot_step_min, "booking_min_notice_min": fields.booking_min_notice_min,
        "booking_horizon_days": fields.booking_horizon_days, "booking_reminder_hours": fields.booking_reminder_hours,
        "twilio_booking_template_sid": fields.twilio_booking_template_sid,
        "follow_ups": fields.follow_ups,
    });
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let t = store::tenants::update(tx, id, &fields)?.ok_or_else(|| ApiError::not_found("Business"))?;
            check_forward_country(&t, &fields)?;
            store::audit::record(tx, entry)?;
            Ok(t)
        })
        .await
}

/// Calls forwarded to `forward_e164` are paid by the platform's shared
/// Twilio account, so a newly written number must be in the business's own
/// country unless the platform admin allows others for it. Checked on the
/// business as it is after the write (and the write undone when refused), so
/// a PATCH that sets both the flag and the number is judged by the new flag.
/// A number stored before is left as it is: only writes are checked.
pub(super) fn check_forward_country(t: &Tenant, fields: &TenantFields) -> Result<(), ApiError> {
    let Some(Some(number)) = &fields.forward_e164 else { return Ok(()) };
    if t.allow_international_forward
        || PhoneE164::parse(number, &t.default_region).is_ok_and(|p| p.in_region(&t.default_region))
    {
        return Ok(());
    }
    Err(ApiError::invalid(
        "forward_e164",
        format!("`{number}` is not a number in this business's country ({}).", t.default_region),
        "Forward calls to a number in the business's own country. Forwarding abroad costs the platform \
         money, so only the platform admin can allow it for a business (allow_international_forward).",
    ))
}
