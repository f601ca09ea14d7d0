//! Stubs: programmed answers for business paths, served behind real authentication.

pub(crate) mod answer;
pub(crate) mod body;
pub(crate) mod expr;
pub(crate) mod fixtures;
pub(crate) mod store;
pub(crate) mod template;

pub use crate::api::stub::{Stub, StubSpec};
pub use body::RequestBody;
pub use fixtures::load_stubs;

pub use store::{StubMatch, StubStore};
pub use template::{Rendered, TemplateContext};
