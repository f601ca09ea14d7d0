//! Checks on app fields, so a typo in a test set-up fails loudly instead of at callback time.

use super::AppError;
use crate::api::app::{AppSpec, NotifySpec};

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

fn check_printable(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    check_len(field, value, max)?;
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(field, "must be printable ASCII without spaces"));
    }
    Ok(())
}

fn check_alnum(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    check_len(field, value, max)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(field, "must be letters and digits only"));
    }
    Ok(())
}

/// Is `value` exactly 32 hex digits?
pub fn is_app_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks that `url` is an absolute http(s) URL with a host.
pub fn check_callback_url(url: &str) -> Result<(), AppError> {
    let parsed = url::Url::parse(url)
        .map_err(|e| invalid("callbackUrl", format!("is not a valid URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("callbackUrl", "must use http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("callbackUrl", "must name a host"));
    }
    Ok(())
}

fn check_notify(spec: &NotifySpec) -> Result<(), AppError> {
    if let Some(schedule) = &spec.retry_schedule {
        if schedule.len() > 1000 {
            return Err(invalid(
                "notify.retrySchedule",
                "must have at most 1000 steps",
            ));
        }
        if schedule.iter().any(|s| *s > 30 * 24 * 3600) {
            return Err(invalid(
                "notify.retrySchedule",
                "steps must be at most 30 days",
            ));
        }
    }
    if let Some(after) = spec.give_up_after_seconds
        && after > 365 * 24 * 3600
    {
        return Err(invalid(
            "notify.giveUpAfterSeconds",
            "must be at most one year",
        ));
    }
    if let Some(ms) = spec.timeout_ms
        && !(1..=600_000).contains(&ms)
    {
        return Err(invalid("notify.timeoutMs", "must be between 1 and 600000"));
    }
    Ok(())
}

/// Validates every field the spec sets.
pub fn check_spec(spec: &AppSpec) -> Result<(), AppError> {
    if let Some((field, reason)) = spec.payer.as_ref().and_then(|p| p.problem()) {
        return Err(invalid(field, reason));
    }
    if let Some(id) = &spec.app_id
        && !is_app_id(id)
    {
        return Err(invalid(
            "appId",
            "must be exactly 32 hexadecimal characters",
        ));
    }
    if let Some(v) = &spec.app_key {
        check_printable("appKey", v, 128)?;
    }
    if let Some(v) = &spec.md5_key {
        check_printable("md5Key", v, 128)?;
    }
    if let Some(v) = &spec.name {
        check_len("name", v, 128)?;
    }
    if let Some(v) = &spec.mid {
        check_alnum("mid", v, 32)?;
    }
    if let Some(v) = &spec.tid {
        check_alnum("tid", v, 32)?;
    }
    if let Some(v) = &spec.inst_mid {
        check_alnum("instMid", v, 32)?;
    }
    if let Some(v) = &spec.msg_src_id {
        check_printable("msgSrcId", v, 32)?;
    }
    if let Some(v) = &spec.sub_app_id {
        check_printable("subAppId", v, 32)?;
    }
    if let Some(v) = &spec.service_id {
        check_printable("serviceId", v, 32)?;
    }
    if let Some(Some(url)) = &spec.callback_url {
        check_callback_url(url)?;
    }
    if let Some(notify) = &spec.notify {
        check_notify(notify)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_must_be_32_hex_digits() {
        assert!(is_app_id("10037e6f66f2d0f901672aa27d690006"));
        assert!(!is_app_id("10037e6f66f2d0f901672aa27d69000"));
        assert!(!is_app_id("10037e6f66f2d0f901672aa27d69000g"));
    }

    #[test]
    fn callback_urls_must_be_http_with_a_host() {
        assert!(check_callback_url("http://127.0.0.1:9000/notify").is_ok());
        assert!(check_callback_url("https://merchant.example/cb").is_ok());
        assert!(check_callback_url("ftp://merchant.example/cb").is_err());
        assert!(check_callback_url("not a url").is_err());
        assert!(check_callback_url("/relative").is_err());
    }

    #[test]
    fn a_field_error_names_the_field() {
        let spec = AppSpec {
            mid: Some("89820 1612".into()),
            ..AppSpec::default()
        };
        let err = check_spec(&spec)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("mid"), "{err}");
    }
}
