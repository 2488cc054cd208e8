//! Linking a business's WhatsApp to the bridge from Settings: the link's
//! state with the QR or pairing code while it is not open (owners), asking
//! for a pairing code instead of a QR, and creating the business's instance
//! on the bridge (the platform admin, from the business form).

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine;

use super::{
    bodies::PairingCodeBody,
    extract::{AdminAuth, ApiJson, ApiPath, ManagerAuth},
};
use crate::{
    context::Context,
    domain::{PhoneE164, TenantId, time::parse_stored},
    error::{ApiError, ApiResult},
    messaging::bridge_admin,
    state::AppState,
    store::{self, whatsapp_links::Link},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(qr_image))
        .routes(routes!(pairing_code))
        .routes(routes!(create_instance))
}

/// A QR code is good for about 20 s on WhatsApp's side: older ones are asked for again.
const QR_FRESH_SECS: i64 = 15;
/// An open link is asked about again after this long.
const OPEN_FRESH_SECS: i64 = 30;

fn no_bridge(why: String) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "provider_unavailable",
        format!("WhatsApp cannot be linked: {why}."),
        "The platform admin sets the business's WhatsApp instance (and FRONTDESK_BAILEYS_URL and \
         FRONTDESK_BAILEYS_SECRET on the server), then creates the instance from the business form.",
    )
}

async fn instance_of(ctx: &Context, tenant_id: TenantId) -> ApiResult<Option<String>> {
    let t = ctx.db.read(move |c| store::tenants::get(c, tenant_id)).await?;
    Ok(t.ok_or_else(|| ApiError::not_found("Business"))?.whatsapp_instance)
}

fn age_secs(link: &Link) -> Option<i64> {
    let at = link.updated_at.as_deref().and_then(parse_stored)?;
    Some((time::OffsetDateTime::now_utc() - at).whole_seconds())
}

/// Whether the kept link is recent enough to answer with: an open one for
/// [`OPEN_FRESH_SECS`] (it may have dropped without a webhook, or the
/// instance changed), one waiting for the phone while its QR code is fresh.
fn fresh(link: &Link) -> bool {
    let age = age_secs(link).unwrap_or(i64::MAX);
    if link.state == "open" { age < OPEN_FRESH_SECS } else { link.qr.is_some() && age < QR_FRESH_SECS }
}

/// The link as the bridge sees it now; while not open, with a fresh QR code.
async fn refreshed(ctx: &Context, tenant_id: TenantId, instance: &str) -> ApiResult<Link> {
    let kept = ctx.db.read(move |c| store::whatsapp_links::get(c, tenant_id)).await?;
    if kept.as_ref().is_some_and(fresh) {
        return Ok(kept.unwrap_or_default());
    }
    let asked = async {
        let state = bridge_admin::state(ctx, instance).await?;
        let codes = if state == "open" { None } else { Some(bridge_admin::connect(ctx, instance, None).await?) };
        Ok::<_, String>((state, codes))
    };
    match asked.await {
        Ok((state, codes)) => {
            let (qr, code) = codes.map_or((None, None), |c| (c.qr, c.pairing_code));
            Ok(crate::core::whatsapp_link::apply(ctx, tenant_id, Some(&state), qr, code).await?)
        }
        Err(why) => {
            tracing::warn!(tenant = tenant_id.0, %why, "could not refresh the WhatsApp link");
            Ok(kept.unwrap_or_default())
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/business/current/whatsapp/status",
    tag = "business",
    responses(
        (status = 200, description = "{state: open|connecting|close, qr, pairing_code, updated_at}", body = Link),
        (status = 503, description = "The bridge or the business's instance is not set up", body = crate::error::ErrorBody),
    ),
    security(("session" = [])),
)]
async fn status(State(state): State<AppState>, ManagerAuth(auth): ManagerAuth) -> ApiResult<Json<Link>> {
    let tenant_id = auth.tenant_id();
    let Some(instance) = instance_of(&state, tenant_id).await? else {
        return Err(no_bridge("the business has no WhatsApp instance".into()));
    };
    if state.config.settings.baileys_url.is_none() || state.config.settings.baileys_secret.is_none() {
        return Err(no_bridge("the bridge is not configured on this server".into()));
    }
    Ok(Json(refreshed(&state, tenant_id, &instance).await?))
}

/// The QR code as a PNG, for an `<img>` under the page's CSP (which allows
/// images from this origin only, not `data:` URLs).
#[utoipa::path(
    get,
    path = "/api/business/current/whatsapp/qr",
    tag = "business",
    responses(
        (status = 200, description = "The QR code of `status`, as image/png", content_type = "image/png", body = Vec<u8>),
        (status = 404, description = "No QR code now (linked, or not asked yet)", body = crate::error::ErrorBody),
    ),
    security(("session" = [])),
)]
async fn qr_image(State(state): State<AppState>, ManagerAuth(auth): ManagerAuth) -> ApiResult<Response> {
    let tenant_id = auth.tenant_id();
    let link = state.db.read(move |c| store::whatsapp_links::get(c, tenant_id)).await?;
    let png = link
        .and_then(|l| l.qr)
        .and_then(|qr| qr.strip_prefix("data:image/png;base64,").map(str::to_string))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
        .ok_or_else(|| ApiError::not_found("QR code"))?;
    let mut res = png.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

#[utoipa::path(
    post,
    path = "/api/business/current/whatsapp/pairing-code",
    tag = "business",
    request_body = PairingCodeBody,
    responses(
        (status = 200, description = "The link, with the code to type on the phone (WhatsApp > Linked devices > Link with phone number)", body = Link),
        (status = 503, description = "The bridge or the business's instance is not set up, or the bridge failed", body = crate::error::ErrorBody),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn pairing_code(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiJson(body): ApiJson<PairingCodeBody>,
) -> ApiResult<Json<Link>> {
    let tenant_id = auth.tenant_id();
    let region = super::leads::region_of(&state, tenant_id).await?.unwrap_or_else(|| "IL".into());
    let phone = PhoneE164::parse_field("phone_e164", &body.phone_e164, &region)?;
    let Some(instance) = instance_of(&state, tenant_id).await? else {
        return Err(no_bridge("the business has no WhatsApp instance".into()));
    };
    let digits = phone.as_str().trim_start_matches('+').to_string();
    let codes = bridge_admin::connect(&state, &instance, Some(&digits)).await.map_err(no_bridge)?;
    if codes.pairing_code.is_none() {
        return Err(no_bridge("the bridge gave no pairing code".into()));
    }
    let link =
        crate::core::whatsapp_link::apply(&state, tenant_id, Some("connecting"), codes.qr, codes.pairing_code).await?;
    Ok(Json(link))
}

#[utoipa::path(
    post,
    path = "/api/admin/businesses/{id}/whatsapp/instance",
    tag = "admin",
    params(("id" = i64, Path, description = "Business id")),
    responses(
        (status = 200, description = "The instance was created on the bridge; the link to pair, with its first QR code", body = Link),
        (status = 409, description = "The business has no whatsapp_instance set yet", body = crate::error::ErrorBody),
        (status = 503, description = "The bridge is not configured or refused", body = crate::error::ErrorBody),
    ),
    security(("session" = [], "csrf" = [])),
)]
async fn create_instance(
    State(state): State<AppState>,
    AdminAuth(_auth): AdminAuth,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Json<Link>> {
    let Some(instance) = instance_of(&state, id).await? else {
        return Err(ApiError::conflict(
            "no_instance",
            "The business has no WhatsApp instance name.",
            "Set whatsapp_instance on the business (PATCH /api/admin/businesses/{id}) first.",
        ));
    };
    let codes = bridge_admin::create(&state, &instance).await.map_err(no_bridge)?;
    let link = crate::core::whatsapp_link::apply(&state, id, Some("connecting"), codes.qr, codes.pairing_code).await?;
    Ok(Json(link))
}
