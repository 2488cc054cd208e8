//! `/api/push/*`: Web Push for the signed-in user's browsers. The server's
//! VAPID public key, and the browser's subscription saved or removed.

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, Auth};
use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    store, webpush,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(key)).routes(routes!(subscribe, unsubscribe, list))
}

/// `{public_key}`: base64url of the uncompressed P-256 point, as
/// `pushManager.subscribe({applicationServerKey})` takes it.
#[utoipa::path(
    get,
    path = "/api/push/key",
    tag = "push",
    responses((status = 200, description = "{public_key}: the VAPID key, base64url uncompressed P-256", body = super::answers::PushKey)),
    security(("session" = [])),
)]
async fn key(State(state): State<AppState>, _auth: Auth) -> Json<Value> {
    Json(json!({ "public_key": state.vapid.public_key }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct Keys {
    /// The browser's P-256 public key: 65 bytes, base64url.
    #[schema(pattern = "^[A-Za-z0-9_-]{86,87}={0,2}$")]
    p256dh: String,
    /// The browser's auth secret: 16 bytes, base64url.
    #[schema(pattern = "^[A-Za-z0-9_-]{21,22}={0,2}$")]
    auth: String,
}

/// A `PushSubscription` as `JSON.stringify` gives it (extra fields such as
/// `expirationTime` are ignored). A user keeps at most
/// `store::push::PER_USER_MAX` browsers: a new one drops the oldest.
#[derive(Deserialize, utoipa::ToSchema)]
struct SubscriptionBody {
    /// The push service's https URL.
    #[schema(pattern = "^https://[^@/?#\\s]+(/[^\\s]*)?$", max_length = 2048)]
    endpoint: String,
    keys: Keys,
}

/// The endpoint must be an https URL on port 443 whose name resolves only
/// to public addresses (see `webpush::endpoint`); the sender checks again
/// against the address it connects to.
async fn check_endpoint(state: &AppState, endpoint: &str) -> Result<(), ApiError> {
    state.push.policy.check(endpoint).await.map(drop).map_err(|why| {
        ApiError::invalid(
            "endpoint",
            format!("The push endpoint {why}."),
            "Send the subscription exactly as the browser's PushManager made it: an https URL of a public \
             push service.",
        )
    })
}

#[utoipa::path(
    post,
    path = "/api/push/subscriptions",
    tag = "push",
    request_body = SubscriptionBody,
    responses((status = 201, description = "Subscribed", body = store::push::Subscription)),
    security(("session" = [], "csrf" = [])),
)]
async fn subscribe(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<SubscriptionBody>,
) -> ApiResult<(StatusCode, Json<store::push::Subscription>)> {
    check_endpoint(&state, &body.endpoint).await?;
    webpush::check_keys(&body.keys.p256dh, &body.keys.auth).map_err(|e| match e {
        webpush::KeyError::P256dh => ApiError::invalid(
            "keys.p256dh",
            "keys.p256dh is not a P-256 public key.",
            "Send the 65-byte uncompressed point, base64url, as PushSubscription.toJSON() gives it.",
        ),
        webpush::KeyError::Auth => ApiError::invalid(
            "keys.auth",
            "keys.auth is not a 16-byte secret.",
            "Send the auth secret, base64url, as PushSubscription.toJSON() gives it.",
        ),
    })?;
    // Alerts belong to the user's home business (that is where they are notified).
    let (tenant_id, user_id) = (auth.user.tenant_id, auth.user.id);
    let sub = state
        .db
        .write(move |tx| {
            store::push::upsert(tx, tenant_id, user_id, &body.endpoint, &body.keys.p256dh, &body.keys.auth)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(sub)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct EndpointBody {
    endpoint: String,
}

#[utoipa::path(
    delete,
    path = "/api/push/subscriptions",
    tag = "push",
    request_body = EndpointBody,
    responses((status = 204, description = "Unsubscribed")),
    security(("session" = [], "csrf" = [])),
)]
async fn unsubscribe(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<EndpointBody>,
) -> ApiResult<StatusCode> {
    let user_id = auth.user.id;
    if state.db.write(move |tx| store::push::delete_for_user(tx, user_id, &body.endpoint)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Subscription"))
    }
}

/// The caller's subscribed browsers.
#[utoipa::path(
    get,
    path = "/api/push/subscriptions",
    tag = "push",
    responses((status = 200, description = "{items: [{endpoint, created_at}]}", body = super::answers::Items<store::push::Subscription>)),
    security(("session" = [])),
)]
async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let user_id = auth.user.id;
    let items = state.db.read(move |c| store::push::list_for_user(c, user_id)).await?;
    Ok(Json(json!({ "items": items })))
}
