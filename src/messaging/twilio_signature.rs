//! Twilio's request signature: base64(HMAC-SHA1(auth token, URL + each POST
//! parameter's name and value, sorted by name)), over the public URL.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::util::ct_eq;

/// The signature Twilio computes for `url` and form `params`.
pub fn compute(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL as given, and with the default port added or removed, as
/// Twilio's own validators accept either form.
pub fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    if let Ok(u) = reqwest::Url::parse(url) {
        let default = match u.scheme() {
            "https" | "wss" => 443,
            _ => 80,
        };
        // `Url` hides a default port; render both spellings by hand.
        let host = u.host_str().unwrap_or_default().to_string();
        let rest = &url[url.find(&host).map(|i| i + host.len()).unwrap_or(0)..];
        let rest = rest.strip_prefix(&format!(":{default}")).unwrap_or(rest);
        let scheme = u.scheme().to_string();
        if u.port().is_none() || u.port() == Some(default) {
            out.push(format!("{scheme}://{host}{rest}"));
            out.push(format!("{scheme}://{host}:{default}{rest}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// True when `signature` matches any accepted spelling of `url`.
pub fn valid(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let mut ok = false;
    for candidate in url_variants(url) {
        // Check every variant so timing does not reveal which one matched.
        ok |= ct_eq(&compute(auth_token, &candidate, params), signature);
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Twilio's security documentation.
    #[test]
    fn matches_twilios_documented_example() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(compute("12345", url, &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(valid("12345", url, &params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assert!(valid(
            "12345",
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!valid("12345", url, &params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
        assert!(!valid("wrong", url, &params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    #[test]
    fn variants_add_and_remove_the_default_port() {
        assert_eq!(
            url_variants("https://a.io/webhook/x?y=1"),
            vec!["https://a.io/webhook/x?y=1".to_string(), "https://a.io:443/webhook/x?y=1".to_string()]
        );
        assert_eq!(
            url_variants("https://a.io:443/w"),
            vec!["https://a.io/w".to_string(), "https://a.io:443/w".to_string()]
        );
        assert_eq!(url_variants("http://a.io:8080/w"), vec!["http://a.io:8080/w".to_string()]);
    }
}
