//! The update feed's address: the school's cloud this PC is enrolled with, plus
//! `/updates/{{target}}/{{arch}}/{{current_version}}` (the updater fills those in). Only
//! https is accepted, and plain http only to this computer (tests, a local server): an
//! address that is neither is refused with a clear error before the updater sees it.

use rollbook_core::{Error, ErrorCode, Result};
use tauri::Url;

/// The path the cloud serves the feed at, with the updater's placeholders.
const FEED_PATH: &str = "updates/{{target}}/{{arch}}/{{current_version}}";

/// The feed URL for the cloud at `server_url`.
pub fn endpoint(server_url: &str) -> Result<Url> {
    let refused = |why: &str| Error::new(ErrorCode::UpdateRefused, why.to_owned());
    let base =
        Url::parse(&format!("{}/", server_url.trim().trim_end_matches('/'))).map_err(|_| {
            refused("The school's cloud address is not a web address, so no update is looked for.")
        })?;
    let host = base.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    match base.scheme() {
        "https" if !host.is_empty() => {}
        "http" if loopback => {}
        _ => {
            return Err(refused(
                "Updates are fetched over https only (plain http only from this computer); \
                 the school's cloud address does not use https, so no update is looked for.",
            ));
        }
    }
    if base.query().is_some() || base.fragment().is_some() || !base.username().is_empty() {
        return Err(refused(
            "The school's cloud address carries extra parts (a query, a user name); no update is looked for.",
        ));
    }
    // Url::join would percent-encode the braces; the updater replaces either form, but the
    // literal placeholders keep the logged address readable.
    let joined = format!("{}{FEED_PATH}", base.as_str());
    Url::parse(&joined).map_err(|_| refused("The update feed's address could not be made."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_is_the_enrolled_cloud_over_https_or_this_computer_only() {
        let ok = |s: &str| endpoint(s).unwrap().to_string();
        assert!(
            ok("https://cloud.rollbook.example")
                .starts_with("https://cloud.rollbook.example/updates/"),
        );
        assert!(
            ok("https://cloud.example/school/")
                .starts_with("https://cloud.example/school/updates/")
        );
        assert!(ok("http://127.0.0.1:8080").starts_with("http://127.0.0.1:8080/updates/"));
        assert!(ok("http://localhost:9").starts_with("http://localhost:9/updates/"));
        assert!(ok("http://[::1]:9").starts_with("http://[::1]:9/updates/"));
        let url = endpoint("https://c.example").unwrap();
        let text = url.to_string();
        assert!(
            text.ends_with("{{target}}/{{arch}}/{{current_version}}")
                || text
                    .ends_with("%7B%7Btarget%7D%7D/%7B%7Barch%7D%7D/%7B%7Bcurrent_version%7D%7D"),
            "{text}"
        );

        for bad in [
            "http://cloud.example",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:80",
            "ftp://cloud.example",
            "file:///etc/passwd",
            "cloud.example",
            "",
            "https://",
            "https://user:pw@cloud.example",
            "https://cloud.example/?x=1",
        ] {
            let e = endpoint(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::UpdateRefused, "{bad}");
            assert!(!e.message.is_empty());
        }
    }
}
