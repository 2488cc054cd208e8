//! The shared application state handed to every handler.

use std::sync::Arc;

use crate::{config::Config, db::Db, http::throttle::LoginThrottle, password::Passwords};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub passwords: Passwords,
    pub throttle: Arc<LoginThrottle>,
    /// `index.html` with the build id filled in, ready to serve.
    pub index_html: axum::body::Bytes,
}
