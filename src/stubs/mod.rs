//! Stubs: programmed answers for business paths, served behind real authentication.

mod body;
mod expr;
mod fixtures;
mod model;
mod routes;
mod store;
mod template;

pub use body::{Json, RequestBody};
pub use fixtures::load_stubs;
pub use model::{Stub, StubResponse, StubSpec};
pub use routes::configure;
pub use store::{Answer, StubMatch, StubStore};
pub use template::{Rendered, Template, TemplateContext, render};
