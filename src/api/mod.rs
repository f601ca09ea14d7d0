//! The wire types: one declaration per concept, shared by the server, the typed client and the
//! state file.

/// Declares a closed set of names as the wire carries them: an enum whose JSON form is each
/// variant's text, with `as_str`, `Display`, and comparisons with text (`trigger == "fault"`).
macro_rules! wire_names {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// The name as the wire carries it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

pub mod app;
pub mod clock;
pub mod conformance;
pub mod fault;
pub mod health;
pub mod journal;
pub mod notification;
pub mod order;
pub mod payscore;
pub mod scenario;
pub mod sink;
pub mod stored;
pub mod stub;
pub mod time;
pub mod token;
