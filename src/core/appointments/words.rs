//! How an appointment reads on the timeline, in alerts and to the customer.

use chrono_tz::Tz;

use super::availability::parse_utc;
use crate::store::appointments::Appointment;

/// Local date and time of a stored instant: (`2026-12-20`, `Sun`, `09:00`).
pub fn local(stored: &str, tz: Tz) -> (String, String, String) {
    match parse_utc(stored) {
        Some(t) => {
            let l = t.with_timezone(&tz);
            (l.format("%Y-%m-%d").to_string(), l.format("%a").to_string(), l.format("%H:%M").to_string())
        }
        None => (stored.to_string(), String::new(), String::new()),
    }
}

/// `Haircut with Dana, Sun 2026-12-20 09:00-10:00`, in the business's zone.
pub fn line(a: &Appointment, tz: Tz) -> String {
    let (date, day, start) = local(&a.starts_at, tz);
    let (_, _, end) = local(&a.ends_at, tz);
    format!("{} with {}, {day} {date} {start}-{end}", a.service_name, a.staff_name)
}

/// The customer's reminder, in the business's language; replies 1 or 2.
pub fn reminder(hebrew: bool, name: &str, service: &str, date: &str, time: &str) -> String {
    let name = name.trim();
    if hebrew {
        let hello = if name.is_empty() { "שלום".to_string() } else { format!("שלום {name}") };
        format!("{hello}, תזכורת לתור ל{service} ב-{date} בשעה {time}.\nלאישור השיבו 1, לביטול השיבו 2.")
    } else {
        let hello = if name.is_empty() { "Hello".to_string() } else { format!("Hello {name}") };
        format!(
            "{hello}, a reminder of your {service} appointment on {date} at {time}.\nReply 1 to confirm or 2 to cancel."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_the_business_zone() {
        assert_eq!(
            local("2026-12-20T07:00:00.000Z", chrono_tz::Asia::Jerusalem),
            ("2026-12-20".to_string(), "Sun".to_string(), "09:00".to_string())
        );
        assert!(reminder(true, "דנה", "תספורת", "2026-12-20", "09:00").contains("1"));
        assert!(reminder(false, "", "Haircut", "2026-12-20", "09:00").starts_with("Hello, a reminder"));
    }
}
