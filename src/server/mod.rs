//! Building and running one sandbox instance.

mod durable;
pub mod embed;
pub mod telemetry;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::web::{self, Data};
use actix_web::{App as ActixApp, HttpResponse, HttpServer};
use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::notify::{CaFileError, load_ca_file};
use crate::persist::db::Db;
use crate::persist::{self, PersistError, Saver};
use crate::sandbox::{Listening, Sandbox, SeedError, reachable};

/// Why an instance could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The fixtures could not be loaded, or one of them is invalid.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The state file cannot be restored (or could never be saved).
    #[error(transparent)]
    State(#[from] PersistError),
    /// `--callback-ca-file` cannot be read or holds no certificate.
    #[error(transparent)]
    CallbackCa(#[from] CaFileError),
}

/// A built, bound sandbox. Run it with [`Application::run_until_stopped`], stop it with the
/// [`AppHandle`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::{Application, Config};
/// let app = Application::build(Config { port: 0, ..Config::default() }).await?;
/// println!("listening on {}", app.url());
/// let handle = app.handle();
/// tokio::spawn(app.run_until_stopped());
/// handle.stop(true).await;
/// # Ok(()) }
/// ```
pub struct Application {
    address: SocketAddr,
    control_address: SocketAddr,
    servers: Vec<Server>,
    state: Data<Sandbox>,
    shutdown: Arc<watch::Sender<bool>>,
    dispatcher: JoinHandle<()>,
    payer: JoinHandle<()>,
    saver: Option<Arc<Saver>>,
    periodic_save: Option<JoinHandle<()>>,
    db: Option<Arc<Db>>,
}

/// Stops a running instance: its HTTP server and every background worker.
#[derive(Clone)]
pub struct AppHandle {
    servers: Vec<ServerHandle>,
    shutdown: Arc<watch::Sender<bool>>,
}

impl AppHandle {
    /// Stops the instance; `graceful` lets in-flight requests finish first. The stop is
    /// requested at once, even if the returned future (which resolves once stopped) is dropped.
    pub fn stop(&self, graceful: bool) -> impl std::future::Future<Output = ()> + use<> {
        self.shutdown.send_replace(true);
        let stops: Vec<_> = self.servers.iter().map(|s| s.stop(graceful)).collect();
        async move {
            futures_util::future::join_all(stops).await;
        }
    }
}

/// How long the HTTP servers let requests in flight finish once a stop is asked for.
const GRACE_SECS: u64 = 3;

fn bind(host: &str, port: u16) -> Result<(TcpListener, SocketAddr), StartError> {
    let addr = format!("{host}:{port}");
    let listener = TcpListener::bind(&addr).map_err(|source| StartError::Bind {
        addr: addr.clone(),
        source,
    })?;
    let address = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok((listener, address))
}

/// What one listener serves: the gateway, the control API, or both.
#[derive(Clone, Copy)]
struct Serves {
    gateway: bool,
    control: bool,
}

fn http_server(
    state: &Data<Sandbox>,
    db: Option<&Arc<Db>>,
    listener: TcpListener,
    workers: Option<usize>,
    serves: Serves,
) -> Result<Server, StartError> {
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let server_state = state.clone();
    let db = db.cloned();
    let mut server = HttpServer::new(move || {
        let db = db.clone();
        // Registered first, so it runs last: the answer waits for the commit.
        let mut app = ActixApp::new()
            .wrap_fn(move |req, srv| {
                let db = db.clone().filter(|_| durable::changes_state(req.method()));
                let answer = actix_web::dev::Service::call(srv, req);
                async move { durable::after_commit(db, answer.await?).await }
            })
            .wrap(actix_web::middleware::from_fn(
                crate::http::head_limit::limit_head,
            ))
            .app_data(server_state.clone());
        if serves.control {
            app = app.configure(crate::http::control::configure);
        }
        if serves.gateway {
            app = app
                .configure(crate::http::gateway::configure)
                .route("/", web::get().to(index));
        }
        app.default_service(web::to(not_found))
            .wrap(actix_web::middleware::from_fn(
                crate::http::deadline::body_deadline,
            ))
    })
    .disable_signals()
    // With the drain after it (at most `persist::MAX_DRAIN`), a stop ends within 8 s.
    .shutdown_timeout(GRACE_SECS);
    if let Some(n) = workers {
        server = server.workers(n.max(1));
    }
    Ok(server
        .listen(listener)
        .map_err(|source| StartError::Bind { addr, source })?
        .run())
}

impl Application {
    /// Loads fixtures, binds the listener(s) (port 0 picks a free port) and prepares the
    /// server(s): one for everything, or with `admin_port` one for the gateway and one for the
    /// control API.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let durable::Opened {
            state: restored,
            db: opened_db,
        } = durable::open(&config)?;
        let (listener, address) = bind(&config.host, config.port)?;
        let admin = config
            .admin_port
            .map(|port| bind(&config.host, port))
            .transpose()?;
        let control_address = admin.as_ref().map_or(address, |(_, a)| *a);

        let clock = Arc::new(Clock::system());
        if config.clock_start.is_some() || config.clock_frozen {
            clock.set(config.clock_start, Some(config.clock_frozen));
        }
        let workers = config.workers;
        if let Some(path) = &config.callback_ca_file {
            // Read now, so a bad file stops the start instead of failing every delivery.
            load_ca_file(path)?;
        }
        let listening = Listening {
            gateway: address,
            control: control_address,
        };
        let state = Sandbox::new(config, clock, listening);
        match (restored, &state.config.state_file) {
            (Some(file), Some(path)) => {
                persist::restore(&state, file).map_err(|e| PersistError::Corrupt {
                    path: path.clone(),
                    reason: e.0,
                })?;
                tracing::info!(path = %path.display(), apps = state.apps.len(), "state restored");
            }
            _ => state.seed()?,
        }
        let state = Data::new(state);
        let db = match opened_db {
            Some(open) => {
                let db = Arc::new(Db::start(open, state.clone())?);
                // What the instance starts with (seeded, imported) is in the file before the
                // first answer.
                db.sync().await?;
                db.follow(state.notify.changes());
                db.follow(state.changes());
                Some(db)
            }
            None => None,
        };
        let (shutdown, shutdown_rx) = watch::channel(false);
        let dispatcher =
            tokio::spawn(Arc::clone(&state.notify).run_dispatcher(shutdown_rx.clone()));
        let payer = tokio::spawn(state.clone().into_inner().run_payer(shutdown_rx.clone()));
        // Long-polls answer as soon as a stop is asked for, so the graceful stop of the HTTP
        // servers never waits for one.
        let (engine, mut stopping) = (Arc::clone(&state.notify), shutdown_rx.clone());
        tokio::spawn(async move {
            let _ = stopping.wait_for(|stop| *stop).await;
            engine.close();
        });
        let saver = state
            .config
            .state_file
            .clone()
            .filter(|_| db.is_none())
            .map(Saver::new)
            .map(Arc::new);
        let every = state.config.state_save_interval_secs;
        let periodic_save = saver.as_ref().filter(|_| every > 0).map(|saver| {
            let (saver, state) = (saver.clone(), state.clone());
            tokio::spawn(async move {
                saver
                    .run_periodic(state, std::time::Duration::from_secs(every), shutdown_rx)
                    .await;
            })
        });

        let mut servers = Vec::new();
        match admin {
            None => servers.push(http_server(
                &state,
                db.as_ref(),
                listener,
                workers,
                Serves {
                    gateway: true,
                    control: true,
                },
            )?),
            Some((admin_listener, _)) => {
                servers.push(http_server(
                    &state,
                    db.as_ref(),
                    listener,
                    workers,
                    Serves {
                        gateway: true,
                        control: false,
                    },
                )?);
                servers.push(http_server(
                    &state,
                    db.as_ref(),
                    admin_listener,
                    workers,
                    Serves {
                        gateway: false,
                        control: true,
                    },
                )?);
            }
        }
        Ok(Self {
            address,
            control_address,
            servers,
            state,
            shutdown: Arc::new(shutdown),
            dispatcher,
            payer,
            saver,
            periodic_save,
            db,
        })
    }

    /// The control API's address (the gateway's, unless `admin_port` is set).
    pub fn control_address(&self) -> SocketAddr {
        self.control_address
    }

    /// The control API's base URL (`/__mock` lives under it). Bound to a wildcard address
    /// (`0.0.0.0`, `::`), it names the loopback one, which a client can dial.
    pub fn control_url(&self) -> String {
        format!("http://{}", reachable(self.control_address))
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The base URL, e.g. `http://127.0.0.1:8080`; bound to a wildcard address (`0.0.0.0`,
    /// `::`), the loopback one, which a client can dial.
    pub fn url(&self) -> String {
        format!("http://{}", reachable(self.address))
    }

    /// Every `(method, path)` the control API serves, the path under `/__mock` and `HEAD`
    /// included where a route answers it: the same route list the server registers and
    /// `GET /__mock/openapi.json` documents.
    ///
    /// ```
    /// use chinaums_mock::Application;
    /// let routes: Vec<_> = Application::control_routes().collect();
    /// assert!(routes.contains(&("GET", "/health")));
    /// assert!(routes.contains(&("POST", "/payscore/open")));
    /// ```
    pub fn control_routes() -> impl Iterator<Item = (&'static str, &'static str)> {
        crate::http::control::routes().flat_map(|route| {
            route
                .served_methods()
                .into_iter()
                .map(|method| (method, route.path))
        })
    }

    /// The instance's state, for in-process inspection by the crate itself.
    pub(crate) fn state(&self) -> Data<Sandbox> {
        self.state.clone()
    }

    /// A handle that stops the server and its workers.
    pub fn handle(&self) -> AppHandle {
        AppHandle {
            servers: self.servers.iter().map(Server::handle).collect(),
            shutdown: self.shutdown.clone(),
        }
    }

    /// Serves until stopped through an [`AppHandle`]. Then the dispatcher stops, attempts in
    /// flight get up to the longest per-attempt timeout of any app plus 0.5 s (at most 4 s)
    /// to finish, and with a state file the state is saved a last time (an error if it cannot
    /// be); a database gets its last commit and is closed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = futures_util::future::try_join_all(self.servers)
            .await
            .map(|_| ());
        self.shutdown.send_replace(true);
        let bound = persist::drain_bound(&self.state);
        // The dispatcher stops at once unless it waits for an advance that stopped with the
        // server; either way no new attempt starts after this.
        let _ = tokio::time::timeout(bound, self.dispatcher).await;
        let _ = tokio::time::timeout(bound, self.payer).await;
        if !self.state.notify.drain(bound).await {
            tracing::warn!(
                in_flight = self.state.notify.in_flight(),
                "delivery attempts still in flight at shutdown; they are saved as planned"
            );
        }
        if let Some(task) = self.periodic_save {
            let _ = task.await;
        }
        if let Some(saver) = &self.saver {
            saver
                .save(&self.state)
                .await
                .map_err(std::io::Error::other)?;
            tracing::info!(path = %saver.path().display(), "state saved");
        }
        if let Some(db) = self.db {
            db.sync().await.map_err(std::io::Error::other)?;
            let progress = db.progress();
            tracing::info!(
                path = %db.path().display(),
                commits = progress.commits,
                rows = progress.rows_written,
                "state database closed"
            );
            let _ = tokio::task::spawn_blocking(move || db.close()).await;
        }
        result
    }
}

async fn index() -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "name": "chinaums-mock",
        "version": env!("CARGO_PKG_VERSION"),
        "tokenEndpoint": "/v1/token/access",
        "control": "/__mock",
        "health": "/__mock/health",
    }))
}

async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type(crate::http::gateway::error::JSON_UTF8)
        .json(json!({
            "errCode": "NO_SERVICE",
            "errMsg": format!("服务不存在：{} {}（ChinaUMS路径形如/v1/…，控制接口在/__mock下）", req.method(), req.path()),
        }))
}
