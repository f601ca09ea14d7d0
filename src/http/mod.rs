//! The HTTP adapters: the gateway (`/v{N}/…`, the token endpoint) and the control API
//! (`/__mock`). Handlers extract, call the sandbox and answer; the rules live below.

pub mod body;
pub mod control;
pub mod deadline;
pub mod gateway;
pub mod head_limit;
pub mod ui;
