//! Businesses (tenants).

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::error::{StoreError, StoreResult, unique_key};
use super::now_sql;
use super::{Page, PageRequest};
use serde_json::Value;

use crate::domain::{TenantId, hours::Schedule};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Business)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub phone_e164: Option<String>,
    pub whatsapp_e164: Option<String>,
    pub whatsapp_instance: Option<String>,
    pub timezone: String,
    pub ai_auto_reply: bool,
    pub default_region: String,
    pub created_at: String,
    pub updated_at: String,
    /// Weekday intervals in local time (see `domain::hours`).
    pub business_hours: Value,
    pub holidays: Value,
    /// The phone a person answers (transfers, in-hours ringing).
    pub forward_e164: Option<String>,
    pub ai_language: String,
    pub handoff_hours: u32,
    pub ai_max_replies_per_hour: u32,
    pub missed_call_text: Option<String>,
    pub twilio_template_sid: Option<String>,
    pub auto_assign: String,
    /// AI replies a business's leads get in an hour, all leads together.
    pub ai_max_replies_per_hour_business: u32,
    /// `forward_e164` may be outside the business's own country; only the
    /// platform admin sets it (kept in the `settings` JSON).
    pub allow_international_forward: bool,
    /// Appointment starts fall on this grid of minutes from local midnight.
    pub booking_slot_step_min: u32,
    /// How soon from now the AI (and availability) may offer a slot.
    pub booking_min_notice_min: u32,
    /// How many days ahead slots are offered.
    pub booking_horizon_days: u32,
    /// How long before an appointment the customer is reminded.
    pub booking_reminder_hours: u32,
    /// The approved WhatsApp template of that reminder, for Twilio outside the 24-hour window.
    pub twilio_booking_template_sid: Option<String>,
    /// Follow-up steps `[{after_hours, text}]` (empty: none).
    #[schema(value_type = Vec<Object>)]
    pub follow_ups: Value,
}

/// Booking settings of a business that never set them.
pub const BOOKING_SLOT_STEP_MIN: u32 = 15;
pub const BOOKING_MIN_NOTICE_MIN: u32 = 60;
pub const BOOKING_HORIZON_DAYS: u32 = 30;
pub const BOOKING_REMINDER_HOURS: u32 = 24;

/// `ai_max_replies_per_hour_business` of a business that never set it.
pub const AI_MAX_REPLIES_PER_HOUR_BUSINESS: u32 = 200;

impl Tenant {
    pub fn schedule(&self) -> Schedule {
        Schedule::from_stored(&self.timezone, &self.business_hours, &self.holidays)
    }
}

const COLUMNS: &str = "id, name, phone_e164, whatsapp_e164, whatsapp_instance, timezone, ai_auto_reply, \
                       default_region, created_at, updated_at, business_hours, holidays, forward_e164, ai_language, \
                       handoff_hours, ai_max_replies_per_hour, missed_call_text, twilio_template_sid, auto_assign, \
                       json_extract(settings, '$.ai_max_replies_per_hour_business'), \
                       coalesce(json_extract(settings, '$.allow_international_forward'), 0), \
                       json_extract(settings, '$.booking_slot_step_min'), json_extract(settings, '$.booking_min_notice_min'), \
                       json_extract(settings, '$.booking_horizon_days'), json_extract(settings, '$.booking_reminder_hours'), \
                       json_extract(settings, '$.twilio_booking_template_sid'), \
                       coalesce(settings -> '$.follow_ups', '[]')";

fn json_column(r: &Row, i: usize) -> rusqlite::Result<Value> {
    Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or(Value::Null))
}

fn from_row(r: &Row) -> rusqlite::Result<Tenant> {
    Ok(Tenant {
        id: r.get(0)?,
        name: r.get(1)?,
        phone_e164: r.get(2)?,
        whatsapp_e164: r.get(3)?,
        whatsapp_instance: r.get(4)?,
        timezone: r.get(5)?,
        ai_auto_reply: r.get(6)?,
        default_region: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        business_hours: json_column(r, 10)?,
        holidays: json_column(r, 11)?,
        forward_e164: r.get(12)?,
        ai_language: r.get(13)?,
        handoff_hours: r.get(14)?,
        ai_max_replies_per_hour: r.get(15)?,
        missed_call_text: r.get(16)?,
        twilio_template_sid: r.get(17)?,
        auto_assign: r.get(18)?,
        ai_max_replies_per_hour_business: r.get::<_, Option<u32>>(19)?.unwrap_or(AI_MAX_REPLIES_PER_HOUR_BUSINESS),
        allow_international_forward: r.get(20)?,
        booking_slot_step_min: r.get::<_, Option<u32>>(21)?.unwrap_or(BOOKING_SLOT_STEP_MIN),
        booking_min_notice_min: r.get::<_, Option<u32>>(22)?.unwrap_or(BOOKING_MIN_NOTICE_MIN),
        booking_horizon_days: r.get::<_, Option<u32>>(23)?.unwrap_or(BOOKING_HORIZON_DAYS),
        booking_reminder_hours: r.get::<_, Option<u32>>(24)?.unwrap_or(BOOKING_REMINDER_HOURS),
        twilio_booking_template_sid: r.get(25)?,
        follow_ups: json_column(r, 26)?,
    })
}

/// The writable fields of a business.
#[derive(Clone, Debug, Default)]
pub struct TenantFields {
    pub name: Option<String>,
    pub phone_e164: Option<Option<String>>,
    pub whatsapp_e164: Option<Option<String>>,
    pub whatsapp_instance: Option<Option<String>>,
    pub timezone: Option<String>,
    pub ai_auto_reply: Option<bool>,
    /// Stored JSON, already checked.
    pub business_hours: Option<Value>,
    pub holidays: Option<Value>,
    pub forward_e164: Option<Option<String>>,
    pub ai_language: Option<String>,
    pub handoff_hours: Option<u32>,
    pub ai_max_replies_per_hour: Option<u32>,
    pub missed_call_text: Option<Option<String>>,
    pub twilio_template_sid: Option<Option<String>>,
    pub auto_assign: Option<String>,
    /// Kept in the `settings` JSON.
    pub ai_max_replies_per_hour_business: Option<u32>,
    pub allow_international_forward: Option<bool>,
    /// The booking settings, kept in the `settings` JSON.
    pub booking_slot_step_min: Option<u32>,
    pub booking_min_notice_min: Option<u32>,
    pub booking_horizon_days: Option<u32>,
    pub booking_reminder_hours: Option<u32>,
    pub twilio_booking_template_sid: Option<Option<String>>,
    /// Checked follow-up steps, kept in the `settings` JSON.
    pub follow_ups: Option<Value>,
}

fn map_unique(err: rusqlite::Error) -> StoreError {
    match unique_key(&err) {
        Some(key) => StoreError::Duplicate { key, existing_id: None },
        None => err.into(),
    }
}

pub fn get(conn: &Connection, id: TenantId) -> StoreResult<Option<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?)
}

/// The region local phone numbers of this business are read in (e.g. `IL`).
pub fn region(conn: &Connection, id: TenantId) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT default_region FROM tenants WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The language the business's AI speaks (`he` or `en`), which its staff's alerts use too.
pub fn ai_language(conn: &Connection, id: TenantId) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT ai_language FROM tenants WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// How long a human takeover pauses the AI on a lead of this business.
pub fn handoff_hours(conn: &Connection, id: TenantId) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached("SELECT handoff_hours FROM tenants WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or(12))
}

/// Every business, a page at a time.
/// Unscoped: the platform admin's list of businesses (`AdminAuth` guards the route).
pub fn list_unscoped(conn: &Connection, page: PageRequest) -> StoreResult<Page<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants ORDER BY id LIMIT ?1 OFFSET ?2");
    let items = conn
        .prepare_cached(&sql)?
        .query_map(params![page.page_size, page.offset()], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = conn.query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?;
    Ok(page.wrap(items, total))
}

/// A new business (with its empty prompts). Touches no existing business.
pub fn insert(conn: &Connection, name: &str, fields: &TenantFields) -> StoreResult<TenantId> {
    conn.execute(
        "INSERT INTO tenants (name, phone_e164, whatsapp_e164, whatsapp_instance, timezone, ai_auto_reply)
         VALUES (?1, ?2, ?3, ?4, coalesce(?5, 'Asia/Jerusalem'), coalesce(?6, 1))",
        params![
            name,
            fields.phone_e164.clone().flatten(),
            fields.whatsapp_e164.clone().flatten(),
            fields.whatsapp_instance.clone().flatten(),
            fields.timezone,
            fields.ai_auto_reply,
        ],
    )
    .map_err(map_unique)?;
    let id = TenantId(conn.last_insert_rowid());
    conn.execute("INSERT INTO prompts (tenant_id) VALUES (?1)", [id])?;
    // The front-desk settings, when given, the one way they are ever written.
    update(conn, id, fields)?;
    Ok(id)
}

/// Applies the given fields; `None` leaves a field as it is.
pub fn update(conn: &Connection, id: TenantId, f: &TenantFields) -> StoreResult<Option<Tenant>> {
    let changed = conn
        .execute(
            concat!(
                "UPDATE tenants SET
                name = coalesce(?2, name),
                phone_e164 = CASE WHEN ?3 THEN ?4 ELSE phone_e164 END,
                whatsapp_e164 = CASE WHEN ?5 THEN ?6 ELSE whatsapp_e164 END,
                whatsapp_instance = CASE WHEN ?7 THEN ?8 ELSE whatsapp_instance END,
                timezone = coalesce(?9, timezone),
                ai_auto_reply = coalesce(?10, ai_auto_reply),
                business_hours = coalesce(?11, business_hours),
                holidays = coalesce(?12, holidays),
                forward_e164 = CASE WHEN ?13 THEN ?14 ELSE forward_e164 END,
                ai_language = coalesce(?15, ai_language),
                handoff_hours = coalesce(?16, handoff_hours),
                ai_max_replies_per_hour = coalesce(?17, ai_max_replies_per_hour),
                missed_call_text = CASE WHEN ?18 THEN ?19 ELSE missed_call_text END,
                twilio_template_sid = CASE WHEN ?20 THEN ?21 ELSE twilio_template_sid END,
                auto_assign = coalesce(?22, auto_assign),
                settings = json_patch(settings, json_object(
                    'ai_max_replies_per_hour_business', coalesce(?23, json_extract(settings, '$.ai_max_replies_per_hour_business')),
                    'allow_international_forward', CASE WHEN ?24 IS NULL
                        THEN settings -> '$.allow_international_forward'
                        ELSE json(CASE WHEN ?24 THEN 'true' ELSE 'false' END) END,
                    'booking_slot_step_min', coalesce(?25, json_extract(settings, '$.booking_slot_step_min')),
                    'booking_min_notice_min', coalesce(?26, json_extract(settings, '$.booking_min_notice_min')),
                    'booking_horizon_days', coalesce(?27, json_extract(settings, '$.booking_horizon_days')),
                    'booking_reminder_hours', coalesce(?28, json_extract(settings, '$.booking_reminder_hours')),
                    'twilio_booking_template_sid', CASE WHEN ?29 THEN ?30
                        ELSE json_extract(settings, '$.twilio_booking_template_sid') END,
                    'follow_ups', json(coalesce(?31, settings -> '$.follow_ups')))),
                updated_at = ",
                now_sql!(),
                " WHERE id = ?1"
            ),
            params![
                id,
                f.name,
                f.phone_e164.is_some(),
                f.phone_e164.clone().flatten(),
                f.whatsapp_e164.is_some(),
                f.whatsapp_e164.clone().flatten(),
                f.whatsapp_instance.is_some(),
                f.whatsapp_instance.clone().flatten(),
                f.timezone,
                f.ai_auto_reply,
                f.business_hours.as_ref().map(Value::to_string),
                f.holidays.as_ref().map(Value::to_string),
                f.forward_e164.is_some(),
                f.forward_e164.clone().flatten(),
                f.ai_language,
                f.handoff_hours,
                f.ai_max_replies_per_hour,
                f.missed_call_text.is_some(),
                f.missed_call_text.clone().flatten(),
                f.twilio_template_sid.is_some(),
                f.twilio_template_sid.clone().flatten(),
                f.auto_assign,
                f.ai_max_replies_per_hour_business,
                f.allow_international_forward,
                f.booking_slot_step_min,
                f.booking_min_notice_min,
                f.booking_horizon_days,
                f.booking_reminder_hours,
                f.twilio_booking_template_sid.is_some(),
                f.twilio_booking_template_sid.clone().flatten(),
                f.follow_ups.as_ref().map(Value::to_string),
            ],
        )
        .map_err(map_unique)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// The business a call to `phone` reaches.
/// Unscoped: a webhook names only the number called; this is how its business is found.
pub fn by_phone_unscoped(conn: &Connection, phone: &str) -> StoreResult<Option<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE phone_e164 = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([phone], from_row).optional()?)
}

/// The business a WhatsApp message to `phone` reaches (its WhatsApp number,
/// else its phone), by id only: an inbound message needs no more of the row
/// inside the writer. Unscoped: a webhook names only the number written to;
/// this is how its business is found.
pub fn id_by_whatsapp_unscoped(conn: &Connection, phone: &str) -> StoreResult<Option<TenantId>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM tenants WHERE whatsapp_e164 = ?1
             UNION ALL SELECT id FROM tenants WHERE phone_e164 = ?1 AND whatsapp_e164 IS NULL LIMIT 1",
        )?
        .query_row([phone], |r| r.get(0))
        .optional()?)
}

/// The business behind a Baileys (Evolution API) instance, by id (all a
/// bridge webhook needs inside the writer).
/// Unscoped: the bridge names only its instance; this is how its business is found.
pub fn id_by_instance_unscoped(conn: &Connection, instance: &str) -> StoreResult<Option<TenantId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM tenants WHERE whatsapp_instance = ?1")?
        .query_row([instance], |r| r.get(0))
        .optional()?)
}
