//! `sign token|body-sig|notify`: the ChinaUMS signing rules, computed locally.

use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::print_json;
use crate::domain::clock::Clock;
use crate::protocol::signing::{
    NotifySignType, TokenSignMethod, body_digest_hex, form_encode, notify_sign,
    notify_signed_string, open_body_canonical, open_body_sig_header, open_body_signature,
    token_canonical, token_signature,
};
use crate::protocol::timefmt::format_compact;

/// Hash of a token signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignMethodArg {
    /// `signMethod: "SHA256"`.
    #[value(name = "SHA256")]
    Sha256,
    /// Legacy clients (no signMethod).
    #[value(name = "SHA1")]
    Sha1,
}

/// Hash of a notification sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignTypeArg {
    /// `signType=SHA256`.
    #[value(name = "SHA256")]
    Sha256,
    /// `signType=MD5`.
    #[value(name = "MD5")]
    Md5,
}

/// The `sign` verbs.
#[derive(Debug, Subcommand)]
pub enum SignCommand {
    /// The signature of a POST /v1/token/access request.
    Token {
        /// appId.
        #[arg(long)]
        app_id: String,
        /// appKey.
        #[arg(long)]
        app_key: String,
        /// yyyyMMddHHmmss, Beijing time; default: now.
        #[arg(long)]
        timestamp: Option<String>,
        /// Default: 32 random hex digits.
        #[arg(long)]
        nonce: Option<String>,
        /// SHA256 (current SDKs) or SHA1 (legacy).
        #[arg(long, value_enum, default_value = "SHA256")]
        sign_method: SignMethodArg,
    },
    /// The OPEN-BODY-SIG Authorization header of a business call.
    BodySig {
        /// appId.
        #[arg(long)]
        app_id: String,
        /// appKey.
        #[arg(long)]
        app_key: String,
        /// The exact body bytes, as text.
        #[arg(long)]
        body: String,
        /// yyyyMMddHHmmss, Beijing time; default: now.
        #[arg(long)]
        timestamp: Option<String>,
        /// Default: 32 random hex digits.
        #[arg(long)]
        nonce: Option<String>,
    },
    /// The sign of a notification.
    Notify {
        /// The app's md5Key (通讯密钥).
        #[arg(long)]
        md5_key: String,
        /// The fields as a JSON object; nested values (resource) are signed as compact JSON.
        #[arg(long)]
        fields: String,
        /// SHA256 or MD5; default: the fields' signType, else SHA256.
        #[arg(long, value_enum)]
        sign_type: Option<SignTypeArg>,
    },
}

fn now_compact() -> String {
    format_compact(Clock::system().now())
}

fn random_nonce() -> String {
    crate::protocol::generate::hex32(&mut rand::rng())
}

fn notify(md5_key: &str, fields: &str, sign_type: Option<SignTypeArg>) -> Result<Value, String> {
    let parsed: Value =
        serde_json::from_str(fields).map_err(|e| format!("--fields is not JSON: {e}"))?;
    let Value::Object(map) = parsed else {
        return Err("--fields must be a JSON object".into());
    };
    let declared = map.get("signType").and_then(Value::as_str);
    let sign_type = match (sign_type, declared) {
        (Some(SignTypeArg::Md5), _) | (None, Some("MD5")) => NotifySignType::Md5,
        (Some(SignTypeArg::Sha256), _) | (None, Some("SHA256") | None) => NotifySignType::Sha256,
        (None, Some(other)) => return Err(format!("signType {other:?} is neither SHA256 nor MD5")),
    };
    let mut pairs: Vec<(String, String)> = map
        .iter()
        .filter(|(k, _)| k.as_str() != "sign" && k.as_str() != "signType")
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    pairs.push(("signType".into(), sign_type.as_str().into()));
    let signed_string = notify_signed_string(&pairs, md5_key);
    let sign = notify_sign(&pairs, sign_type, md5_key);
    pairs.push(("sign".into(), sign.clone()));
    Ok(json!({
        "signType": sign_type.as_str(),
        "signedString": signed_string,
        "sign": sign,
        "formBody": form_encode(&pairs),
    }))
}

/// Runs a `sign` verb: prints JSON; 2 on unusable input.
pub fn run(command: SignCommand) -> i32 {
    let output = match command {
        SignCommand::Token {
            app_id,
            app_key,
            timestamp,
            nonce,
            sign_method,
        } => {
            let timestamp = timestamp.unwrap_or_else(now_compact);
            let nonce = nonce.unwrap_or_else(random_nonce);
            let method = match sign_method {
                SignMethodArg::Sha256 => TokenSignMethod::Sha256,
                SignMethodArg::Sha1 => TokenSignMethod::Sha1,
            };
            let signature = token_signature(method, &app_id, &timestamp, &nonce, &app_key);
            let mut request = json!({
                "appId": app_id,
                "timestamp": timestamp,
                "nonce": nonce,
                "signMethod": "SHA256",
                "signature": signature,
            });
            if method == TokenSignMethod::Sha1
                && let Some(map) = request.as_object_mut()
            {
                map.remove("signMethod");
            }
            Ok(json!({
                "canonical": token_canonical(&app_id, &timestamp, &nonce, &app_key),
                "signature": signature,
                "request": request,
            }))
        }
        SignCommand::BodySig {
            app_id,
            app_key,
            body,
            timestamp,
            nonce,
        } => {
            let timestamp = timestamp.unwrap_or_else(now_compact);
            let nonce = nonce.unwrap_or_else(random_nonce);
            let bytes = body.as_bytes();
            let signature = open_body_signature(&app_id, &timestamp, &nonce, bytes, &app_key);
            Ok(json!({
                "bodySha256Hex": body_digest_hex(bytes),
                "canonical": open_body_canonical(&app_id, &timestamp, &nonce, bytes),
                "signature": signature,
                "authorization": open_body_sig_header(&app_id, &timestamp, &nonce, &signature),
            }))
        }
        SignCommand::Notify {
            md5_key,
            fields,
            sign_type,
        } => notify(&md5_key, &fields, sign_type),
    };
    match output {
        Ok(value) => {
            print_json(&value);
            0
        }
        Err(e) => {
            eprintln!("chinaums-mock: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_signs_the_fields_with_the_declared_type_and_nested_resource_as_text() {
        let fields = r#"{"id":"EV-1","resource":{"openId":"o1"},"signType":"MD5","sign":"old"}"#;
        let out = notify("K", fields, None).unwrap_or_default();
        assert_eq!(out["signType"], "MD5");
        assert_eq!(
            out["signedString"],
            r#"id=EV-1&resource={"openId":"o1"}&signType=MD5K"#
        );
        assert_eq!(out["sign"].as_str().map(str::len), Some(32));
        assert!(notify("K", "[1]", None).is_err());
        assert!(notify("K", r#"{"signType":"RSA"}"#, None).is_err());
    }
}
