//! A merchant's Pay Score notification endpoint, tested end to end against an embedded sandbox.
//!
//! The handler is what a merchant's Rust service would have: it reads the form ChinaUMS posts,
//! verifies `sign` with the app's md5Key (通讯密钥), records the authorisation and answers
//! `SUCCESS` — or `FAILED`, so that ChinaUMS retries, when the signature is wrong or its own
//! storage is unavailable.
//!
//! The story: the merchant's storage is down when a user authorises, so the first attempts are
//! refused; the sandbox clock is advanced through the retry ladder (milliseconds, not
//! minutes); storage comes back, the retry is acknowledged; the user then revokes, and the
//! handler has seen both events exactly once.
//!
//! ```sh
//! cargo run --example merchant_handler
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web::{self, Bytes, Data};
use actix_web::{App as ActixApp, HttpResponse, HttpServer};
use chinaums_mock::MockServer;
use chinaums_mock::api::app::AppSpec;
use chinaums_mock::api::notification::Outcome;
use chinaums_mock::client::{OpenRequest, WaitFor};
use chinaums_mock::protocol::signing::{NotifySignType, notify_sign};
use parking_lot::Mutex;

/// One notification the merchant accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The notification id (the same on every retry).
    pub id: String,
    /// `PAYSCORE.USER_OPEN_SERVICE` or `PAYSCORE.USER_CLOSE_SERVICE`.
    pub event_type: String,
    /// The user.
    pub open_id: String,
}

/// The merchant's side: its key, its (pretend) storage and what it recorded.
#[derive(Debug)]
pub struct Merchant {
    md5_key: String,
    storage_up: AtomicBool,
    events: Mutex<Vec<Event>>,
    /// openId → whether the user's authorisation is open.
    authorizations: Mutex<BTreeMap<String, bool>>,
    /// Requests refused because the signature did not verify.
    bad_signs: Mutex<u32>,
}

impl Merchant {
    /// A merchant whose notifications are signed with `md5_key`.
    pub fn new(md5_key: &str) -> Self {
        Self {
            md5_key: md5_key.to_owned(),
            storage_up: AtomicBool::new(true),
            events: Mutex::new(Vec::new()),
            authorizations: Mutex::new(BTreeMap::new()),
            bad_signs: Mutex::new(0),
        }
    }

    /// Makes the storage available or not; while not, every notification is refused.
    pub fn set_storage_up(&self, up: bool) {
        self.storage_up.store(up, Ordering::SeqCst);
    }

    /// The accepted events, in order.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().clone()
    }

    /// Whether `open_id`'s authorisation is open, as far as the merchant knows.
    pub fn is_open(&self, open_id: &str) -> Option<bool> {
        self.authorizations.lock().get(open_id).copied()
    }

    /// How many requests had a signature that did not verify.
    pub fn bad_signs(&self) -> u32 {
        *self.bad_signs.lock()
    }

    /// Handles one notification body; `true` means acknowledge (`SUCCESS`).
    pub fn handle(&self, body: &[u8]) -> bool {
        let fields: Vec<(String, String)> =
            url::form_urlencoded::parse(body).into_owned().collect();
        if !verify(&fields, &self.md5_key) {
            *self.bad_signs.lock() += 1;
            return false;
        }
        if !self.storage_up.load(Ordering::SeqCst) {
            return false;
        }
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let resource: serde_json::Value =
            serde_json::from_str(&field("resource")).unwrap_or_default();
        let event = Event {
            id: field("id"),
            event_type: field("eventType"),
            open_id: resource["openId"].as_str().unwrap_or_default().to_owned(),
        };
        let mut events = self.events.lock();
        // ChinaUMS redelivers until acknowledged: the same id twice is one event.
        if events.iter().any(|e| e.id == event.id) {
            return true;
        }
        let open = event.event_type == "PAYSCORE.USER_OPEN_SERVICE";
        self.authorizations
            .lock()
            .insert(event.open_id.clone(), open);
        events.push(event);
        true
    }
}

/// Checks `sign` over every other non-empty field, sorted, with the md5Key appended.
pub fn verify(fields: &[(String, String)], md5_key: &str) -> bool {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let sign_type = match get("signType").map(String::as_str) {
        Some("SHA256") => NotifySignType::Sha256,
        Some("MD5") => NotifySignType::Md5,
        _ => return false,
    };
    match get("sign") {
        Some(sign) => notify_sign(fields, sign_type, md5_key).eq_ignore_ascii_case(sign),
        None => false,
    }
}

async fn notify(body: Bytes, merchant: Data<Merchant>) -> HttpResponse {
    let answer = if merchant.handle(&body) {
        "SUCCESS"
    } else {
        "FAILED"
    };
    HttpResponse::Ok().content_type("text/plain").body(answer)
}

/// The merchant's HTTP service, listening on a free port.
pub struct MerchantService {
    /// The merchant's state.
    pub merchant: Data<Merchant>,
    address: SocketAddr,
    handle: ServerHandle,
}

impl MerchantService {
    /// Starts the service on `127.0.0.1:0` on the current tokio runtime.
    pub fn start(md5_key: &str) -> std::io::Result<Self> {
        let merchant = Data::new(Merchant::new(md5_key));
        let shared = merchant.clone();
        let server = HttpServer::new(move || {
            ActixApp::new()
                .app_data(shared.clone())
                .route("/chinaums/notify", web::post().to(notify))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))?;
        let address = server
            .addrs()
            .first()
            .copied()
            .ok_or_else(|| std::io::Error::other("the merchant service bound no address"))?;
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self {
            merchant,
            address,
            handle,
        })
    }

    /// The notification URL to give ChinaUMS.
    pub fn callback_url(&self) -> String {
        format!("http://{}/chinaums/notify", self.address)
    }
}

impl Drop for MerchantService {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// What the story found.
#[derive(Debug)]
pub struct Story {
    /// The user who authorised and revoked.
    pub open_id: String,
    /// Outcomes of the open notification's attempts.
    pub open_outcomes: Vec<Outcome>,
    /// What the merchant accepted.
    pub events: Vec<Event>,
}

/// Runs the story against `server` with a fresh merchant service.
pub async fn merchant_story(server: &MockServer) -> Result<Story, Box<dyn Error>> {
    let client = server.client();
    let app = server.default_app();
    let service = MerchantService::start(&app.md5_key)?;
    let merchant = service.merchant.clone();
    let spec = AppSpec {
        callback_url: Some(Some(service.callback_url())),
        ..AppSpec::default()
    };
    client.update_app(&app.app_id, spec).await?;

    // Storage is down: the first attempt (made at once) and the retries at +15 s and +30 s
    // are refused.
    merchant.set_storage_up(false);
    let opened = client.open(OpenRequest::new(&app.app_id)).await?;
    let open_id = opened.authorization.open_id.clone();
    client.advance(Duration::ZERO).await?;
    client.advance(Duration::from_secs(45)).await?;
    if !merchant.events().is_empty() {
        return Err("the merchant recorded an event while its storage was down".into());
    }

    // Storage is back: the retry at +60 s is acknowledged.
    merchant.set_storage_up(true);
    client.advance(Duration::from_secs(30)).await?;
    let open = client
        .wait_for_notification(
            &opened.notification.id,
            WaitFor::Delivered,
            Duration::from_secs(10),
        )
        .await?;

    let closed = client.close(&app.app_id, &open_id).await?;
    client
        .wait_for_notification(
            &closed.notification.id,
            WaitFor::Delivered,
            Duration::from_secs(10),
        )
        .await?;

    let story = Story {
        open_id,
        open_outcomes: open.outcomes(),
        events: merchant.events(),
    };
    check(&story, &merchant)?;
    Ok(story)
}

/// What the story must show: three refusals then an acknowledgement, and both events seen
/// exactly once, with every signature valid.
fn check(story: &Story, merchant: &Merchant) -> Result<(), Box<dyn Error>> {
    use Outcome::{Delivered, Rejected};
    if story.open_outcomes != [Rejected, Rejected, Rejected, Delivered] {
        return Err(format!("unexpected attempts: {:?}", story.open_outcomes).into());
    }
    let kinds: Vec<&str> = story.events.iter().map(|e| e.event_type.as_str()).collect();
    if kinds != ["PAYSCORE.USER_OPEN_SERVICE", "PAYSCORE.USER_CLOSE_SERVICE"] {
        return Err(format!("unexpected events: {kinds:?}").into());
    }
    let users: BTreeSet<&str> = story.events.iter().map(|e| e.open_id.as_str()).collect();
    if users != BTreeSet::from([story.open_id.as_str()]) {
        return Err(format!("events about other users: {users:?}").into());
    }
    if merchant.is_open(&story.open_id) != Some(false) || merchant.bad_signs() != 0 {
        return Err("the merchant's records do not match the story".into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let server = MockServer::start().await?;
    let story = merchant_story(&server).await?;
    println!(
        "user {} authorised and revoked; open notification attempts: {:?}; merchant saw {:?}",
        story.open_id,
        story.open_outcomes,
        story
            .events
            .iter()
            .map(|e| e.event_type.as_str())
            .collect::<Vec<_>>()
    );
    Ok(())
}
