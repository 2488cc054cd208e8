//! Prompts: exactly {calls_prompt, whatsapp_prompt}, revisions kept.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn prompts_save_together_and_every_save_is_a_revision() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, p) = admin.get_json("/api/business/current/prompt").await;
    assert_eq!(s, 200);
    assert_eq!(p["calls_prompt"], "");
    assert_eq!(p["whatsapp_prompt"], "");
    for i in 1..=3 {
        let (s, body) = admin
            .put(
                "/api/business/current/prompt",
                &json!({"calls_prompt": format!("שלום {i}"), "whatsapp_prompt": format!("wa {i}")}),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["calls_prompt"], format!("שלום {i}"));
    }
    let (_, p) = admin.get_json("/api/business/current/prompt").await;
    assert_eq!(p["calls_prompt"], "שלום 3");
    assert_eq!(p["whatsapp_prompt"], "wa 3");
    let (_, hist) = admin.get_json("/api/business/current/prompt/history").await;
    let items = hist["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["calls_prompt"], "שלום 3", "newest first");
    assert_eq!(items[2]["whatsapp_prompt"], "wa 1");
    assert_eq!(items[0]["author"]["email"], ADMIN_EMAIL);
    assert!(items[0]["created_at"].as_str().unwrap().ends_with('Z'));
    // Empty strings are allowed.
    let (s, _) = admin.put("/api/business/current/prompt", &json!({"calls_prompt": "", "whatsapp_prompt": ""})).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn the_old_single_prompt_shape_and_missing_fields_are_400_naming_both_fields() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (body, field) in [
        (json!({"prompt": "x"}), "prompt"),
        (json!({"calls_prompt": "x"}), "whatsapp_prompt"),
        (json!({"whatsapp_prompt": "x"}), "calls_prompt"),
        (json!({"calls_prompt": 5, "whatsapp_prompt": "x"}), "calls_prompt"),
        (json!({"calls_prompt": "x", "whatsapp_prompt": "y", "extra": 1}), "extra"),
    ] {
        for path in ["/api/business/current/prompt", "/api/admin/businesses/1/prompt"] {
            let (s, e) = admin.put(path, &body).await;
            assert_eq!(s, 400, "{path} {body}");
            assert_eq!(assert_error(&e), "invalid_input");
            assert_eq!(e["field"], field);
            let hint = e["hint"].as_str().unwrap();
            assert!(hint.contains("calls_prompt") && hint.contains("whatsapp_prompt"), "{hint}");
        }
    }
    let (s, e) = admin.put("/api/business/current/prompt", &json!(["not", "an", "object"])).await;
    assert_eq!(s, 400);
    assert_error(&e);
    // Nothing was saved by the refused requests.
    let (_, hist) = admin.get_json("/api/business/current/prompt/history").await;
    assert_eq!(hist["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_admin_edits_any_business_prompts_by_id() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let (s, _) = admin
        .put(&format!("/api/admin/businesses/{b}/prompt"), &json!({"calls_prompt": "bc", "whatsapp_prompt": "bw"}))
        .await;
    assert_eq!(s, 200);
    let owner = app.login("owner@b.io", "owner-password-1").await;
    assert_eq!(owner.get_json("/api/business/current/prompt").await.1["whatsapp_prompt"], "bw");
    let (s, _) = admin.get_json("/api/admin/businesses/999/prompt").await;
    assert_eq!(s, 404);
    let (s, _) =
        admin.put("/api/admin/businesses/999/prompt", &json!({"calls_prompt": "", "whatsapp_prompt": ""})).await;
    assert_eq!(s, 404);
}
