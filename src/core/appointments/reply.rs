//! The customer's answer to a reminder: `1`, `כן`, `yes`, `confirm` or
//! `מאשר` confirms their reminded appointment; `2`, `ביטול` or `cancel`
//! cancels it (and tells the staff member). Anything else, or a reply with
//! no reminded appointment ahead, is not an answer: the AI or staff take it.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{BookingError, Changed, Who, availability::stored, cancel, set_status};
use crate::{
    domain::{AppointmentStatus, LeadId, TenantId},
    store,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Confirm,
    Cancel,
}

/// What a whole message means, if it is one of the answers (case, spaces and
/// closing punctuation aside).
pub fn intent(text: &str) -> Option<Intent> {
    let t = text.trim().trim_end_matches(['.', '!', '?', ',']).trim().to_lowercase();
    match t.as_str() {
        "1" | "כן" | "yes" | "confirm" | "מאשר" | "מאשרת" => Some(Intent::Confirm),
        "2" | "ביטול" | "cancel" => Some(Intent::Cancel),
        _ => None,
    }
}

/// Applies an answer to the lead's soonest reminded appointment. None: not
/// an answer (let the AI or staff have it); Some: answered (with what
/// changed, if anything did: confirming twice changes nothing).
pub fn apply(
    tx: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Option<Option<Changed>>, BookingError> {
    let Some(intent) = intent(text) else { return Ok(None) };
    let Some(a) = store::appointments::reminded_for_lead(tx, tenant_id, lead_id, &stored(now))? else {
        return Ok(None);
    };
    Ok(Some(match intent {
        Intent::Confirm if a.status == AppointmentStatus::Booked => {
            set_status(tx, tenant_id, a.id, AppointmentStatus::Confirmed, Who::CUSTOMER)?
        }
        Intent::Confirm => None,
        Intent::Cancel => Some(cancel(tx, tenant_id, a.id, None, Who::CUSTOMER)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_whole_and_loosely() {
        for t in ["1", " yes ", "YES!", "Confirm.", "כן", "מאשר"] {
            assert_eq!(intent(t), Some(Intent::Confirm), "{t}");
        }
        for t in ["2", "Cancel", "ביטול!"] {
            assert_eq!(intent(t), Some(Intent::Cancel), "{t}");
        }
        for t in ["12", "yes please move it", "", "cancel my 10am and book 11"] {
            assert_eq!(intent(t), None, "{t}");
        }
    }
}
