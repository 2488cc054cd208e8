//! The tools as the models see them: names, descriptions and JSON Schema
//! parameters, in the chat completions and the realtime session formats.

use serde_json::{Value, json};

struct Spec {
    name: &'static str,
    description: &'static str,
    parameters: fn() -> Value,
    /// Only on a phone call (the voice transport executes the call-control ones).
    voice_only: bool,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "create_callback_reminder",
        description: "Schedule a call back to this customer by the staff, e.g. when they ask to be called at a time.",
        parameters: || {
            json!({"type": "object", "properties": {
                "due_at": {"type": "string", "description": "RFC 3339 time with offset, in the future, within 90 days"},
                "note": {"type": "string", "description": "What the call is about"}
            }, "required": ["due_at", "note"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "set_lead_status",
        description: "Mark the lead as contacted, or as qualified when they are a real prospect.",
        parameters: || {
            json!({"type": "object", "properties": {
                "status": {"type": "string", "enum": ["contacted", "qualified"]}
            }, "required": ["status"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "update_lead",
        description: "Record the customer's name or email when they tell you. Only fills fields that are empty.",
        parameters: || {
            json!({"type": "object", "properties": {
                "first_name": {"type": "string"}, "last_name": {"type": "string"}, "email": {"type": "string"}
            }, "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "add_tag",
        description: "Tag the lead with a short label (e.g. the service they want).",
        parameters: || {
            json!({"type": "object", "properties": {"tag": {"type": "string", "maxLength": 40}},
                   "required": ["tag"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "handoff_to_human",
        description: "Hand the conversation to a person (the customer asks for one, is upset, or you cannot help). \
                      After this you send nothing more.",
        parameters: || {
            json!({"type": "object", "properties": {"reason": {"type": "string"}},
                   "required": ["reason"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "take_message",
        description: "Take a message for the staff, with a time to call back when the caller gives one.",
        parameters: || {
            json!({"type": "object", "properties": {
                "message": {"type": "string"},
                "callback_at": {"type": "string", "description": "RFC 3339 time with offset, optional"}
            }, "required": ["message"], "additionalProperties": false})
        },
        voice_only: true,
    },
    Spec {
        name: "find_slots",
        description: "Find free appointment times. Offer the customer only times this returns.",
        parameters: || {
            json!({"type": "object", "properties": {
                "service": {"type": "string", "description": "The service's name (as listed in the context)"},
                "date_from": {"type": "string", "description": "First local date, YYYY-MM-DD (default today)"},
                "date_to": {"type": "string", "description": "Last local date, YYYY-MM-DD (default a week on)"},
                "part_of_day": {"type": "string", "enum": ["morning", "afternoon", "evening", "any"]}
            }, "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "book_appointment",
        description: "Book this customer a time that find_slots just offered, once they chose it.",
        parameters: || {
            json!({"type": "object", "properties": {
                "service": {"type": "string"},
                "starts_at": {"type": "string", "description": "The slot's RFC 3339 time, as find_slots gave it"}
            }, "required": ["service", "starts_at"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "reschedule_appointment",
        description: "Move this customer's upcoming appointment to another free time (from find_slots).",
        parameters: || {
            json!({"type": "object", "properties": {
                "appointment_id": {"type": "integer", "description": "Needed when they have several"},
                "starts_at": {"type": "string", "description": "RFC 3339, a time find_slots offered"}
            }, "required": ["starts_at"], "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "cancel_appointment",
        description: "Cancel this customer's upcoming appointment when they ask to.",
        parameters: || {
            json!({"type": "object", "properties": {
                "appointment_id": {"type": "integer", "description": "Needed when they have several"},
                "reason": {"type": "string"}
            }, "additionalProperties": false})
        },
        voice_only: false,
    },
    Spec {
        name: "list_my_appointments",
        description: "List this customer's upcoming appointments.",
        parameters: || json!({"type": "object", "properties": {}, "additionalProperties": false}),
        voice_only: false,
    },
    Spec {
        name: TRANSFER,
        description: "Transfer the call to a person at the business (the caller asks for one, or you cannot help).",
        parameters: || {
            json!({"type": "object", "properties": {"reason": {"type": "string"}},
                   "required": ["reason"], "additionalProperties": false})
        },
        voice_only: true,
    },
    Spec {
        name: END_CALL,
        description: "End the call after saying goodbye, when the conversation is over.",
        parameters: || json!({"type": "object", "properties": {}, "additionalProperties": false}),
        voice_only: true,
    },
];

/// Call control: declared here with the others, carried out by the voice agent.
pub const TRANSFER: &str = "transfer_to_human";
pub const END_CALL: &str = "end_call";

/// The tools in chat completions' format.
pub fn chat_tools() -> Value {
    Value::from(
        SPECS
            .iter()
            .filter(|s| !s.voice_only)
            .map(|s| {
                json!({"type": "function", "function": {
                    "name": s.name, "description": s.description, "parameters": (s.parameters)()
                }})
            })
            .collect::<Vec<_>>(),
    )
}

/// The tools in the realtime session's format (`session.update`). A call
/// has a person to transfer to instead of a chat handoff.
pub fn realtime_tools() -> Vec<Value> {
    SPECS
        .iter()
        .filter(|s| s.name != "handoff_to_human")
        .map(|s| json!({"type": "function", "name": s.name, "description": s.description, "parameters": (s.parameters)()}))
        .collect()
}
