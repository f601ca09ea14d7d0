//! Step kinds: the fields each accepts and their types, checked when a scenario is read (a
//! `${…}` reference may stand for any type until it is resolved) and again when a step runs.

use serde_json::{Map, Value};

use super::refs::is_whole_reference;

/// The type a step field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string.
    Str,
    /// A non-negative integer.
    Int,
    /// A non-negative number.
    Num,
    /// A boolean.
    Bool,
    /// A JSON object.
    Obj,
    /// Any JSON value.
    Any,
    /// `{"httpStatus"?: int, "errCode"?: string}`.
    Expect,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// One field a step kind accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its JSON name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether the step needs it.
    pub required: bool,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

macro_rules! kinds {
    ($($variant:ident = $name:literal [$($field:expr),* $(,)?]),* $(,)?) => {
        /// Every step kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind { $(#[doc = $name] $variant),* }

        impl Kind {
            /// Every kind, in documentation order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The `kind` value.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name),* }
            }

            /// The fields it accepts.
            pub fn fields(self) -> &'static [Field] {
                match self { $(Kind::$variant => { const FIELDS: &[Field] = &[$($field),*]; FIELDS }),* }
            }
        }
    };
}

use Ty::{Any, Bool, Expect, Int, Num, Obj, OneOf, Str};

/// How a payer pays.
const OUTCOMES: Ty = OneOf(&["success", "fail", "pending"]);
/// How a create of an order is authenticated (the H5 cashier's GET: `formParam`).
const ORDER_AUTH: Ty = OneOf(&["bodySig", "token", "formParam"]);

kinds! {
    CreateApp = "createApp" [opt("app", Obj), opt("expect", Expect)],
    UpdateApp = "updateApp" [req("app", Str), req("patch", Obj), opt("expect", Expect)],
    Open = "open" [
        req("app", Str), opt("openId", Str), opt("subOpenId", Str),
        opt("authorizationCode", Str), opt("callbackUrl", Str), opt("expect", Expect),
    ],
    Close = "close" [req("app", Str), req("openId", Str), opt("callbackUrl", Str), opt("expect", Expect)],
    Advance = "advance" [req("seconds", Num)],
    SetFault = "setFault" [req("fault", Obj), opt("expect", Expect)],
    ClearFault = "clearFault" [opt("fault", Str)],
    Stub = "stub" [req("stub", Obj), opt("expect", Expect)],
    ClearStub = "clearStub" [opt("stub", Str)],
    WaitNotification = "waitNotification" [req("notification", Str), opt("status", Str), opt("timeoutMs", Int)],
    RequestToken = "requestToken" [req("app", Str), opt("signMethod", Str), opt("expect", Expect)],
    Call = "call" [
        req("app", Str), opt("method", Str), req("path", Str), opt("body", Any),
        req("auth", Str), opt("token", Str), opt("expect", Expect),
    ],
    ExpectNotification = "expectNotification" [
        opt("app", Str), opt("openId", Str), opt("eventType", Str), opt("notification", Str),
        opt("status", Str), opt("attempts", Int), opt("offsets", Any),
    ],
    ExpectDeliveries = "expectDeliveries" [req("app", Str), req("count", Int), opt("outcome", Str)],
    ExpectJournal = "expectJournal" [opt("path", Str), opt("app", Str), opt("outcome", Str), req("count", Int)],
    ExpectAuthorization = "expectAuthorization" [req("app", Str), req("openId", Str), req("state", Str)],
    ExpectSink = "expectSink" [req("app", Str), req("count", Int), opt("signValid", Bool), opt("eventType", Str)],
    CreateOrder = "createOrder" [
        req("app", Str), opt("path", Str), opt("merOrderId", Str), opt("billNo", Str),
        req("totalAmount", Int), opt("body", Obj), opt("auth", ORDER_AUTH), opt("expect", Expect),
    ],
    Pay = "pay" [
        opt("order", Str), opt("bill", Str), opt("app", Str), opt("outcome", OUTCOMES),
        opt("via", OneOf(&["control", "cashier"])), opt("targetSys", Str),
        opt("buyerPayAmount", Int), opt("couponAmount", Int), opt("buyerId", Str),
        opt("expect", Expect),
    ],
    Refund = "refund" [
        opt("order", Str), opt("bill", Str), opt("app", Str), opt("refundAmount", Int),
        opt("refundOrderId", Str), opt("refundDesc", Str), opt("via", OneOf(&["gateway", "control"])),
        opt("path", Str), opt("body", Obj), opt("auth", OneOf(&["bodySig", "token"])),
        opt("expect", Expect),
    ],
    ExpectOrder = "expectOrder" [
        opt("order", Str), opt("bill", Str), opt("app", Str), opt("via", OneOf(&["control", "gateway"])),
        opt("status", Str), opt("refunded", Int), opt("refunds", Int), opt("refundStatuses", Any),
        opt("notifications", Int),
    ],
}

impl Kind {
    /// The kind called `name`.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Fields of which the step needs exactly one: what it pays, refunds or looks at.
    pub fn one_of(self) -> Option<&'static [&'static str]> {
        match self {
            Kind::Pay | Kind::Refund | Kind::ExpectOrder => Some(&["order", "bill"]),
            _ => None,
        }
    }
}

fn type_name(ty: Ty) -> String {
    let name = match ty {
        Str => "a string",
        Int => "a whole number ≥ 0",
        Num => "a number ≥ 0",
        Bool => "true or false",
        Obj | Expect => "an object",
        Any => "any JSON value",
        OneOf(values) => return format!("one of {}", values.join(", ")),
    };
    name.to_owned()
}

/// Checks a value against a type. `lenient` lets a whole `${…}` string stand for any type (its
/// value is only known when the step runs).
pub fn check_type(field: &str, ty: Ty, value: &Value, lenient: bool) -> Result<(), String> {
    if lenient && value.as_str().is_some_and(is_whole_reference) {
        return Ok(());
    }
    let ok = match ty {
        Str => value.is_string(),
        Int => value.as_u64().is_some(),
        Num => value.as_f64().is_some_and(|n| n >= 0.0),
        Bool => value.is_boolean(),
        Obj => value.is_object(),
        Any => true,
        OneOf(values) => value.as_str().is_some_and(|v| values.contains(&v)),
        Expect => {
            let Some(map) = value.as_object() else {
                return Err(format!("{field} must be {}", type_name(ty)));
            };
            for (k, v) in map {
                match k.as_str() {
                    "httpStatus" => check_type("expect.httpStatus", Int, v, lenient)?,
                    "errCode" => check_type("expect.errCode", Str, v, lenient)?,
                    other => {
                        return Err(format!(
                            "unknown field expect.{other}; expect has httpStatus and errCode"
                        ));
                    }
                }
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{field} must be {}, not {value}", type_name(ty)))
    }
}

/// Checks a step's fields against its kind: no unknown field, every required one present, and
/// (with `lenient`, references aside) each of the right type.
pub fn check_fields(kind: Kind, fields: &Map<String, Value>, lenient: bool) -> Result<(), String> {
    let known = kind.fields();
    for name in fields.keys() {
        if !known.iter().any(|f| f.name == name) {
            let names: Vec<_> = known.iter().map(|f| f.name).collect();
            return Err(format!(
                "unknown field {name}; it takes {} (plus as and name)",
                names.join(", ")
            ));
        }
    }
    for field in known {
        match fields.get(field.name) {
            Some(value) => check_type(field.name, field.ty, value, lenient)?,
            None if field.required => return Err(format!("missing field {}", field.name)),
            None => {}
        }
    }
    if let Some(names) = kind.one_of() {
        let given = names.iter().filter(|n| fields.contains_key(**n)).count();
        if given != 1 {
            return Err(format!("needs exactly one of {}", names.join(" and ")));
        }
    }
    Ok(())
}
