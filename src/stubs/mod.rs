//! Stubs: programmed answers for business paths, served behind real authentication.

mod answer;
mod body;
mod expr;
mod fixtures;
mod model;
mod routes;
mod store;
mod template;

pub use answer::Answer;
pub use body::{Json, RequestBody};
pub use fixtures::load_stubs;
pub use model::{Stub, StubResponse, StubSpec};
pub use routes::configure;
pub use store::{StubMatch, StubStore};
pub use template::{Rendered, Template, TemplateContext, render};
